//! The reference "client": the server's own `redis-benchmark`, run as a child
//! process against the same server with the same op counts as the Rust clients.
//!
//! GETs read the key `redis-benchmark -t get` uses without `-r`
//! (`key:__rand_int__`, literally), which this module SETs beforehand to a value
//! of the scenario's size (16 bytes, 1 MiB, or the size-sweep point), so every
//! GET returns an existing value of the right length. The arguments per scenario:
//!
//! | scenario | arguments |
//! |---|---|
//! | seq-get | `-c 1 -n N -t get -d 16` |
//! | concurrent-get | `-c 64 -P 16 -n N -t get -d 16` (64 connections: not like-for-like) |
//! | pipeline-set | `-c 1 -P 100 -n N×100 -t set -d 16` |
//! | large-get | `-c 1 -n N -t get -d 1048576` |
//! | get-SIZE / set-SIZE | `-c 1 -n N -t get|set -d SIZE` |
//!
//! ops/s, p50 and p99 are redis-benchmark's own (`--csv`); its CPU is the
//! child's (`wait4` rusage), so CPU per op compares with the Rust clients'
//! (whose figure also includes the bench's per-op bookkeeping); its peak RSS is
//! its `VmHWM`, polled while it runs.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::clients::Error;
use crate::mem::Usage;
use crate::scenarios::{Data, Sample, Scenario, CONCURRENT_TASKS, LARGE_LEN, PIPELINE_LEN};
use crate::server::Plain;
use crate::stats::Histogram;

/// The key `redis-benchmark -t get/set` uses when `-r` is not given.
pub const KEY: &str = "key:__rand_int__";

pub struct RefBench {
    pub bin: PathBuf,
}

impl RefBench {
    /// `given`, or `redis-benchmark` in the directory of the first `redis-server`
    /// on `PATH` (the one the bench starts). Err: why there is none.
    pub fn find(given: Option<&Path>) -> Result<RefBench, String> {
        if let Some(p) = given {
            return if p.is_file() {
                Ok(RefBench { bin: p.to_path_buf() })
            } else {
                Err(format!("{} is not a file", p.display()))
            };
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        let server_dir = std::env::split_paths(&path)
            .find(|d| d.join("redis-server").is_file())
            .ok_or("no redis-server on PATH")?;
        let bin = server_dir.join("redis-benchmark");
        if bin.is_file() {
            Ok(RefBench { bin })
        } else {
            Err(format!(
                "no redis-benchmark next to {}",
                server_dir.join("redis-server").display()
            ))
        }
    }

    /// The arguments for `scenario` at `scale` (after `-h -p --csv`); None
    /// where redis-benchmark has no counterpart.
    pub fn args(scenario: Scenario, scale: f64) -> Option<Vec<String>> {
        let n = scenario.total_units(scale);
        let args = |c: usize, p: usize, n: usize, t: &str, d: usize| -> Vec<String> {
            let mut a = vec!["-c".into(), c.to_string(), "-n".into(), n.to_string()];
            if p > 1 {
                a.extend(["-P".into(), p.to_string()]);
            }
            a.extend(["-t".into(), t.into(), "-d".into(), d.to_string()]);
            a
        };
        Some(match scenario {
            Scenario::SeqGet => args(1, 1, n, "get", 16),
            Scenario::ConcurrentGet => args(CONCURRENT_TASKS, 16, n, "get", 16),
            Scenario::PipelineSet => args(1, PIPELINE_LEN, n * PIPELINE_LEN, "set", 16),
            Scenario::LargeGet => args(1, 1, n, "get", LARGE_LEN),
            Scenario::SizeGet(size) => args(1, 1, n, "get", size),
            Scenario::SizeSet(size) => args(1, 1, n, "set", size),
            _ => return None,
        })
    }

    /// A line for the report under the scenario's table: what redis-benchmark ran.
    pub fn note(scenario: Scenario, scale: f64) -> Option<String> {
        let args = Self::args(scenario, scale)?.join(" ");
        let caveat = if scenario == Scenario::ConcurrentGet {
            ": 64 connections with 16 requests in flight on each, not like-for-like (the Rust clients share one connection)"
        } else {
            ""
        };
        Some(format!("redis-benchmark ran `{args}`{caveat}."))
    }

    /// The value to SET at [`KEY`] before a GET run, so each GET returns one of the scenario's size.
    fn value(scenario: Scenario, data: &Data) -> Option<&[u8]> {
        match scenario {
            Scenario::SeqGet | Scenario::ConcurrentGet => data.small_vals.first().map(|v| &v[..]),
            Scenario::LargeGet => Some(&data.large_val[..]),
            Scenario::SizeGet(size) => data.sized.iter().find(|s| s.size == size).map(|s| &s.val[..]),
            _ => None,
        }
    }

    pub fn run(
        &self,
        addr: SocketAddr,
        scenario: Scenario,
        scale: f64,
        data: &Data,
        plain: &mut Plain,
    ) -> Result<Option<Sample>, Error> {
        let Some(args) = Self::args(scenario, scale) else {
            return Ok(None);
        };
        let value = Self::value(scenario, data);
        if value.is_none() && matches!(scenario, Scenario::SizeGet(_)) {
            return Err(format!("{}: no value of that size", scenario.name()).into());
        }
        let ops = scenario.total_units(scale) * scenario.ops_per_unit();
        if ops == 0 {
            return Ok(None);
        }
        if let Some(v) = value {
            plain.set_all(&[(KEY.to_string(), v.to_vec())])?;
        }
        let server_before = plain.server_cpu()?;
        let mut child = Command::new(&self.bin)
            .args(["-h", &addr.ip().to_string(), "-p", &addr.port().to_string(), "--csv"])
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.bin.display()))?;
        let peak = crate::mem::watch_peak(child.id());
        let mut out = String::new();
        let mut err = String::new();
        if let Some(mut s) = child.stdout.take() {
            s.read_to_string(&mut out)?;
        }
        if let Some(mut s) = child.stderr.take() {
            s.read_to_string(&mut err)?;
        }
        let (status, cpu) = wait4(child.id())?;
        let peak_rss_kib = peak.join().ok().flatten();
        let server_cpu = plain.server_cpu()? - server_before;
        if status != 0 {
            return Err(format!("redis-benchmark {} exited with status {status}: {err}", args.join(" ")).into());
        }
        let row = parse_csv(&out).ok_or_else(|| format!("cannot parse redis-benchmark output {out:?}"))?;
        Ok(Some(Sample {
            ops: ops as u64,
            secs: ops as f64 / row.rps,
            hist: Histogram::default(),
            client_cpu: cpu,
            server_cpu,
            bytes: (scenario.total_units(scale) * scenario.value_bytes()) as u64,
            usage: Usage {
                allocs: None,
                alloc_bytes: None,
                first_poll_allocs: None,
                later_poll_allocs: None,
                peak_rss_kib,
                rss_start_kib: None,
            },
            quantiles_us: Some((row.p50_ms * 1000.0, row.p99_ms * 1000.0)),
        }))
    }
}

/// Waits for the child: its exit status (128 + signal when killed) and user+system
/// CPU seconds.
fn wait4(pid: u32) -> Result<(i32, f64), Error> {
    let pid = libc::pid_t::try_from(pid)?;
    let mut status: libc::c_int = 0;
    // SAFETY: wait4 only writes into the two values we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if rc != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()).into());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok((code, tv(usage.ru_utime) + tv(usage.ru_stime)))
}

struct Row {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// The first data row of `--csv` output, by its header's column names
/// (redis-benchmark 7: test, rps, avg/min/p50/p95/p99/max_latency_ms); an
/// older header-less output gives rps only (quantiles NaN).
fn parse_csv(out: &str) -> Option<Row> {
    let split = |l: &str| -> Vec<String> { l.split(',').map(|f| f.trim().trim_matches('"').to_string()).collect() };
    let mut lines = out.lines().filter(|l| !l.trim().is_empty());
    let first = split(lines.next()?);
    let (header, row) = if first.first().map(String::as_str) == Some("test") {
        (first, split(lines.next()?))
    } else {
        (vec!["test".into(), "rps".into()], first)
    };
    let col = |name: &str| -> f64 {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i))
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let rps = col("rps");
    (rps > 0.0).then(|| Row {
        rps,
        p50_ms: col("p50_latency_ms"),
        p99_ms: col("p99_latency_ms"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn arguments() {
        use crate::scenarios::Scenario;
        let a = |sc| super::RefBench::args(sc, 0.5).unwrap().join(" ");
        assert_eq!(a(Scenario::SeqGet), "-c 1 -n 50000 -t get -d 16");
        assert_eq!(a(Scenario::ConcurrentGet), "-c 64 -n 250000 -P 16 -t get -d 16");
        assert_eq!(a(Scenario::PipelineSet), "-c 1 -n 500000 -P 100 -t set -d 16");
        assert_eq!(a(Scenario::LargeGet), "-c 1 -n 1000 -t get -d 1048576");
        assert_eq!(a(Scenario::SizeSet(16 << 20)), "-c 1 -n 25 -t set -d 16777216");
        assert!(super::RefBench::args(Scenario::ConcurrentMixed, 1.0).is_none());
        assert!(super::RefBench::args(Scenario::Tasks(8), 1.0).is_none());
        let d = crate::scenarios::Data::new();
        assert_eq!(
            super::RefBench::value(Scenario::SizeGet(1024), &d).map(<[u8]>::len),
            Some(1024)
        );
        assert_eq!(
            super::RefBench::value(Scenario::LargeGet, &d).map(<[u8]>::len),
            Some(1 << 20)
        );
        assert!(super::RefBench::value(Scenario::PipelineSet, &d).is_none());
    }

    #[test]
    fn parses_csv() {
        let out = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n\"GET\",\"90909.09\",\"0.012\",\"0.000\",\"0.015\",\"0.015\",\"0.031\",\"0.111\"\n";
        let r = super::parse_csv(out).unwrap();
        assert_eq!(r.rps, 90909.09);
        assert_eq!(r.p50_ms, 0.015);
        assert_eq!(r.p99_ms, 0.031);
        let old = super::parse_csv("\"GET\",\"1234.5\"\n").unwrap();
        assert_eq!(old.rps, 1234.5);
        assert!(old.p99_ms.is_nan());
        assert!(super::parse_csv("").is_none());
    }
}
