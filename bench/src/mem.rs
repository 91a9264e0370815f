//! Peak resident memory per sample: the kernel's high-water mark (`VmHWM` in
//! `/proc/self/status`) reset before the sample by writing `5` to
//! `/proc/self/clear_refs` (Linux >= 4.0). Where the reset is refused, the
//! figure is the peak since the process started, and [`reset_works`] says so.

use std::sync::atomic::{AtomicBool, Ordering};

static RESET_REFUSED: AtomicBool = AtomicBool::new(false);

/// Resets the high-water mark to the current RSS; false (and remembered) when refused.
pub fn reset_peak() -> bool {
    let ok = std::fs::write("/proc/self/clear_refs", b"5").is_ok();
    if !ok {
        RESET_REFUSED.store(true, Ordering::Relaxed);
    }
    ok
}

/// Whether every reset so far worked (peaks are per sample).
pub fn reset_works() -> bool {
    !RESET_REFUSED.load(Ordering::Relaxed)
}

/// `VmHWM` in KiB, or None where /proc is not there.
pub fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_kib(&status, "VmHWM:")
}

/// `VmRSS` in KiB.
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_kib(&status, "VmRSS:")
}

/// Peak `VmHWM` of another process, polled every 10 ms until it exits (a thread
/// of its own; join the handle after the process was reaped). A lower bound:
/// growth in its last 10 ms is missed. (`wait4`'s `ru_maxrss` would not do: Linux
/// carries the parent's high-water mark over `exec` into the child's.)
pub fn watch_peak(pid: u32) -> std::thread::JoinHandle<Option<u64>> {
    std::thread::spawn(move || {
        let path = format!("/proc/{pid}/status");
        let mut peak = None;
        while let Ok(status) = std::fs::read_to_string(&path) {
            match parse_kib(&status, "VmHWM:") {
                Some(k) => peak = Some(peak.map_or(k, |p: u64| p.max(k))),
                None => break, // a zombie: its memory is gone
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        peak
    })
}

/// Gives free heap memory back to the kernel (glibc's `malloc_trim`), so the
/// RSS a sample starts from is what is live, not what earlier samples freed.
fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of glibc's heap.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn parse_kib(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

/// What one sample allocated and its peak RSS: [`Probe::start`] before, [`Probe::finish`] after.
pub struct Probe {
    allocs: crate::alloc::Counts,
    rss_start_kib: Option<u64>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// Allocations of the bench process (None for an outside process: redis-benchmark).
    pub allocs: Option<u64>,
    pub alloc_bytes: Option<u64>,
    /// Of `allocs`: those in the first poll of a command's future (the caller's
    /// side of the write path) and in its later polls (see `crate::alloc::phased`).
    pub first_poll_allocs: Option<u64>,
    pub later_poll_allocs: Option<u64>,
    /// Peak resident set of the process that ran the sample, KiB.
    pub peak_rss_kib: Option<u64>,
    /// Resident set when the sample started (after `malloc_trim`), KiB.
    pub rss_start_kib: Option<u64>,
}

impl Probe {
    pub fn start() -> Probe {
        trim();
        reset_peak();
        Probe {
            allocs: crate::alloc::counts(),
            rss_start_kib: rss_kib(),
        }
    }

    pub fn finish(self) -> Usage {
        let d = crate::alloc::counts().since(self.allocs);
        let on = crate::alloc::enabled();
        Usage {
            allocs: on.then_some(d.allocs),
            alloc_bytes: on.then_some(d.bytes),
            first_poll_allocs: on.then_some(d.first_poll),
            later_poll_allocs: on.then_some(d.later_polls),
            peak_rss_kib: peak_kib(),
            rss_start_kib: self.rss_start_kib,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_status() {
        let s = "Name:\tx\nVmPeak:\t  1000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1024 kB\n";
        assert_eq!(super::parse_kib(s, "VmHWM:"), Some(2048));
        assert_eq!(super::parse_kib(s, "VmSwap:"), None);
        assert!(super::peak_kib().is_some());
    }
}
