//! CPU time: this process's (getrusage RUSAGE_SELF, all threads) and the server's
//! (`INFO cpu`, read by [`crate::server::Plain`]).

/// User + system CPU seconds this process has used so far, all threads.
pub fn self_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// User + system CPU seconds the calling thread has used so far
/// (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`).
pub fn thread_cpu_seconds() -> f64 {
    // SAFETY: clock_gettime only writes into the struct we pass.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// `used_cpu_sys + used_cpu_user` from the text of `INFO cpu`.
pub fn parse_info_cpu(info: &str) -> Option<f64> {
    let mut sys = None;
    let mut user = None;
    for line in info.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("used_cpu_sys:") {
            sys = v.parse::<f64>().ok();
        } else if let Some(v) = line.strip_prefix("used_cpu_user:") {
            user = v.parse::<f64>().ok();
        }
    }
    Some(sys? + user?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_info_cpu() {
        let info = "# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:0.250000\r\nused_cpu_sys_children:9.0\r\n";
        assert_eq!(super::parse_info_cpu(info), Some(1.75));
        assert!(super::self_cpu_seconds() >= 0.0);
        assert!(super::thread_cpu_seconds() >= 0.0);
    }
}
