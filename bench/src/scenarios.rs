//! The five scenarios: their data, their task bodies, and the timed runner that
//! brackets one run with CPU readings. Every reply is checked: a GET must return
//! exactly the value its key holds, a SET must succeed, a pipeline must return
//! one OK per SET. A wrong reply aborts the benchmark.

use std::sync::Arc;
use std::time::Instant;

use crate::clients::{Error, Handle};
use crate::exec::Exec;
use crate::server::Plain;
use crate::stats::Histogram;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    SeqGet,
    ConcurrentGet,
    ConcurrentMixed,
    PipelineSet,
    LargeGet,
    PubsubThroughput,
    PubsubLatency,
}

/// Keys GET scenarios read: each holds a 16-byte value naming its key.
pub const SMALL_KEYS: usize = 1000;
/// Keys per task in concurrent-mixed (each task only touches its own).
pub const MIX_KEYS_PER_TASK: usize = 16;
pub const MIX_VALUE_LEN: usize = 100;
pub const PIPELINE_LEN: usize = 100;
pub const LARGE_LEN: usize = 1 << 20;
pub const CONCURRENT_TASKS: usize = 64;

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::SeqGet,
        Scenario::ConcurrentGet,
        Scenario::ConcurrentMixed,
        Scenario::PipelineSet,
        Scenario::LargeGet,
        Scenario::PubsubThroughput,
        Scenario::PubsubLatency,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::SeqGet => "seq-get",
            Scenario::ConcurrentGet => "concurrent-get",
            Scenario::ConcurrentMixed => "concurrent-mixed",
            Scenario::PipelineSet => "pipeline-set",
            Scenario::LargeGet => "large-get",
            Scenario::PubsubThroughput => "pubsub-throughput",
            Scenario::PubsubLatency => "pubsub-latency",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Run by [`crate::pubsub`] with a subscriber, not by [`run`] with a command handle.
    pub fn is_pubsub(self) -> bool {
        matches!(self, Scenario::PubsubThroughput | Scenario::PubsubLatency)
    }

    pub fn tasks(self) -> usize {
        match self {
            Scenario::ConcurrentGet | Scenario::ConcurrentMixed => CONCURRENT_TASKS,
            _ => 1,
        }
    }

    /// Units (GETs, ops, or pipelines for pipeline-set) at scale 1.
    fn base_units(self) -> f64 {
        match self {
            Scenario::SeqGet => 100_000.0,
            Scenario::ConcurrentGet => 500_000.0,
            Scenario::ConcurrentMixed => 500_000.0,
            Scenario::PipelineSet => 10_000.0,
            Scenario::LargeGet => 2_000.0,
            Scenario::PubsubThroughput => crate::pubsub::THROUGHPUT_MESSAGES,
            Scenario::PubsubLatency => crate::pubsub::LATENCY_MESSAGES,
        }
    }

    /// Units at `scale`, all tasks together (mixed: a whole number of SET+GET pairs).
    pub fn total_units(self, scale: f64) -> usize {
        let g = self.granule();
        ((self.base_units() * scale / g as f64).round() as usize) * g
    }

    /// Units task `task` runs: the total split as evenly as whole granules allow.
    pub fn units_for(self, task: usize, scale: f64) -> usize {
        let g = self.granule();
        let granules = self.total_units(scale) / g;
        let (base, extra) = (granules / self.tasks(), granules % self.tasks());
        (base + usize::from(task < extra)) * g
    }

    fn granule(self) -> usize {
        if self == Scenario::ConcurrentMixed {
            2
        } else {
            1
        }
    }

    /// Redis commands per unit.
    pub fn ops_per_unit(self) -> usize {
        if self == Scenario::PipelineSet {
            PIPELINE_LEN
        } else {
            1
        }
    }

    pub fn describe(self, scale: f64) -> String {
        let units = self.total_units(scale);
        match self {
            Scenario::SeqGet => format!("1 task, {units} sequential GETs of a 16-byte value"),
            Scenario::ConcurrentGet => format!("{CONCURRENT_TASKS} tasks sharing one client, {units} GETs of 16-byte values"),
            Scenario::ConcurrentMixed => format!(
                "{CONCURRENT_TASKS} tasks sharing one client, {units} ops: SET then GET of the same key, {MIX_VALUE_LEN}-byte values"
            ),
            Scenario::PipelineSet => format!(
                "1 task, {units} pipelines of {PIPELINE_LEN} SETs (16-byte values) = {} SETs; latency is per pipeline",
                units * PIPELINE_LEN
            ),
            Scenario::LargeGet => format!("1 task, {units} sequential GETs of a 1 MiB value"),
            Scenario::PubsubThroughput | Scenario::PubsubLatency => crate::pubsub::describe(self, units),
        }
    }
}

/// Keys and values, built once.
pub struct Data {
    pub small_keys: Vec<String>,
    pub small_vals: Vec<Vec<u8>>,
    pub large_key: String,
    pub large_val: Vec<u8>,
    pub mix_keys: Vec<Vec<String>>,
    pub pipe_keys: Vec<String>,
    pub pipe_val: Vec<u8>,
}

impl Data {
    pub fn new() -> Data {
        let small_keys: Vec<String> = (0..SMALL_KEYS).map(|i| format!("bench:s:{i:04}")).collect();
        let small_vals = (0..SMALL_KEYS)
            .map(|i| format!("value-of-s:{i:05}").into_bytes())
            .collect();
        let mut large_val: Vec<u8> = (0..LARGE_LEN).map(|i| b'a' + (i % 23) as u8).collect();
        let head = b"bench:large:1MiB:head";
        large_val[..head.len()].copy_from_slice(head);
        let tail = b"bench:large:1MiB:tail";
        large_val[LARGE_LEN - tail.len()..].copy_from_slice(tail);
        let data = Data {
            small_keys,
            small_vals,
            large_key: "bench:large".into(),
            large_val,
            mix_keys: (0..CONCURRENT_TASKS)
                .map(|t| {
                    (0..MIX_KEYS_PER_TASK)
                        .map(|j| format!("bench:m:{t:02}:{j:02}"))
                        .collect()
                })
                .collect(),
            pipe_keys: (0..PIPELINE_LEN).map(|j| format!("bench:p:{j:03}")).collect(),
            pipe_val: b"pipelined-value!".to_vec(),
        };
        assert!(data.small_vals.iter().all(|v| v.len() == 16));
        assert_eq!(data.pipe_val.len(), 16);
        data
    }

    /// Writes the values the GET scenarios read.
    pub fn seed(&self, plain: &mut Plain) -> Result<(), Error> {
        let mut pairs: Vec<(String, Vec<u8>)> = self
            .small_keys
            .iter()
            .cloned()
            .zip(self.small_vals.iter().cloned())
            .collect();
        pairs.push((self.large_key.clone(), self.large_val.clone()));
        plain.set_all(&pairs)
    }

    fn check_large(&self, v: &[u8]) -> bool {
        let want = &self.large_val[..];
        v.len() == want.len()
            && v[..64] == want[..64]
            && v[want.len() - 64..] == want[want.len() - 64..]
            && (0..want.len()).step_by(4096).all(|i| v[i] == want[i])
    }
}

/// One timed run of one scenario with one client.
pub struct Sample {
    /// Redis commands completed.
    pub ops: u64,
    pub secs: f64,
    pub hist: Histogram,
    pub client_cpu: f64,
    pub server_cpu: f64,
    pub bytes: u64,
}

fn mismatch(what: &str, key: &str, got: Option<&[u8]>) -> Error {
    let shown = got.map(|g| String::from_utf8_lossy(&g[..g.len().min(40)]).into_owned());
    format!("{what}: GET {key} returned {shown:?}").into()
}

async fn small_gets<C: Handle>(mut h: C, data: Arc<Data>, task: usize, n: usize) -> Result<Histogram, Error> {
    let mut hist = Histogram::default();
    let m = data.small_keys.len();
    let mut idx = (task * 7919) % m;
    for _ in 0..n {
        let key = &data.small_keys[idx];
        let start = Instant::now();
        let got = h.get(key).await?;
        hist.record(start.elapsed());
        match &got {
            Some(v) if v.as_ref() == &data.small_vals[idx][..] => {}
            _ => return Err(mismatch("wrong reply", key, got.as_ref().map(|v| v.as_ref()))),
        }
        idx += 1;
        if idx == m {
            idx = 0;
        }
    }
    Ok(hist)
}

async fn large_gets<C: Handle>(mut h: C, data: Arc<Data>, n: usize) -> Result<Histogram, Error> {
    let mut hist = Histogram::default();
    for _ in 0..n {
        let start = Instant::now();
        let got = h.get(&data.large_key).await?;
        hist.record(start.elapsed());
        match &got {
            Some(v) if data.check_large(v.as_ref()) => {}
            _ => {
                return Err(mismatch(
                    "wrong reply",
                    &data.large_key,
                    got.as_ref().map(|v| v.as_ref()),
                ))
            }
        }
    }
    Ok(hist)
}

/// Writes `task` and `i` as digits at the start of `buf`, so each SET writes a value no other op writes.
fn stamp(buf: &mut [u8; MIX_VALUE_LEN], task: usize, i: usize) {
    let mut write = |mut n: usize, at: usize, width: usize| {
        for pos in (at..at + width).rev() {
            buf[pos] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    write(task, 0, 4);
    write(i, 5, 12);
}

async fn mixed<C: Handle>(mut h: C, data: Arc<Data>, task: usize, n: usize) -> Result<Histogram, Error> {
    let mut hist = Histogram::default();
    let keys = &data.mix_keys[task % data.mix_keys.len()];
    let mut buf = [b'.'; MIX_VALUE_LEN];
    buf[4] = b':';
    buf[17] = b':';
    for i in 0..n {
        let key = &keys[(i / 2) % keys.len()];
        if i % 2 == 0 {
            stamp(&mut buf, task, i);
            let start = Instant::now();
            h.set(key, &buf).await?;
            hist.record(start.elapsed());
        } else {
            let start = Instant::now();
            let got = h.get(key).await?;
            hist.record(start.elapsed());
            match &got {
                Some(v) if v.as_ref() == &buf[..] => {}
                _ => return Err(mismatch("GET after own SET", key, got.as_ref().map(|v| v.as_ref()))),
            }
        }
    }
    Ok(hist)
}

async fn pipelines<C: Handle>(mut h: C, data: Arc<Data>, n: usize) -> Result<Histogram, Error> {
    let mut hist = Histogram::default();
    for _ in 0..n {
        let start = Instant::now();
        h.pipeline_set(&data.pipe_keys, &data.pipe_val).await?;
        hist.record(start.elapsed());
    }
    Ok(hist)
}

/// Runs `scenario` once. `Ok(None)` when the client cannot run it (no pipelines)
/// or it is a pub/sub scenario (those run in [`crate::pubsub`]).
pub fn run<C: Handle>(
    exec: &Exec,
    handle: &C,
    scenario: Scenario,
    scale: f64,
    data: &Arc<Data>,
    plain: &mut Plain,
) -> Result<Option<Sample>, Error> {
    if scenario.is_pubsub() || (scenario == Scenario::PipelineSet && !handle.has_pipelines()) {
        return Ok(None);
    }
    let tasks = scenario.tasks();

    let server_before = plain.server_cpu()?;
    let cpu_before = crate::cpu::self_cpu_seconds();
    let start = Instant::now();
    let hist = exec.block_on(async {
        let joins: Vec<_> = (0..tasks)
            .map(|t| {
                let (h, d) = (handle.clone(), data.clone());
                match scenario {
                    Scenario::SeqGet | Scenario::ConcurrentGet => {
                        exec.spawn(boxed(small_gets(h, d, t, scenario.units_for(t, scale))))
                    }
                    Scenario::ConcurrentMixed => exec.spawn(boxed(mixed(h, d, t, scenario.units_for(t, scale)))),
                    Scenario::PipelineSet => exec.spawn(boxed(pipelines(h, d, scenario.units_for(t, scale)))),
                    Scenario::LargeGet => exec.spawn(boxed(large_gets(h, d, scenario.units_for(t, scale)))),
                    Scenario::PubsubThroughput | Scenario::PubsubLatency => unreachable!("run by crate::pubsub"),
                }
            })
            .collect();
        let mut all = Histogram::default();
        let mut first_err = None;
        for j in joins {
            match j.join().await {
                Ok(h) => all.merge(&h),
                Err(e) => first_err = first_err.or(Some(e)),
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(all),
        }
    })?;
    let secs = start.elapsed().as_secs_f64();
    let client_cpu = crate::cpu::self_cpu_seconds() - cpu_before;
    let server_cpu = plain.server_cpu()? - server_before;

    let units = hist.count();
    let expected = scenario.total_units(scale) as u64;
    if units != expected {
        return Err(format!("{}: {units} timed units, expected {expected}", scenario.name()).into());
    }
    let ops = units * scenario.ops_per_unit() as u64;
    let bytes = if scenario == Scenario::LargeGet {
        units * LARGE_LEN as u64
    } else {
        0
    };
    Ok(Some(Sample {
        ops,
        secs,
        hist,
        client_cpu,
        server_cpu,
        bytes,
    }))
}

/// One task type for the four bodies (a boxed future: one allocation per task, not per op).
type TaskFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Histogram, Error>> + Send>>;

fn boxed(f: impl std::future::Future<Output = Result<Histogram, Error>> + Send + 'static) -> TaskFuture {
    Box::pin(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_counts() {
        let sum = |s: Scenario, scale: f64| (0..s.tasks()).map(|t| s.units_for(t, scale)).sum::<usize>();
        assert_eq!(sum(Scenario::SeqGet, 1.0), 100_000);
        assert_eq!(sum(Scenario::ConcurrentGet, 1.0), 500_000);
        assert_eq!(sum(Scenario::ConcurrentMixed, 1.0), 500_000);
        assert_eq!(sum(Scenario::ConcurrentMixed, 0.05), 25_000);
        assert!((0..64).all(|t| Scenario::ConcurrentMixed.units_for(t, 0.05).is_multiple_of(2)));
        assert_eq!(sum(Scenario::PipelineSet, 0.05), 500);
        assert_eq!(sum(Scenario::LargeGet, 0.0), 0);
    }

    #[test]
    fn stamps_are_distinct() {
        let mut a = [b'.'; MIX_VALUE_LEN];
        let mut b = [b'.'; MIX_VALUE_LEN];
        stamp(&mut a, 3, 10);
        stamp(&mut b, 3, 12);
        assert_ne!(a, b);
        assert_eq!(&a[..17], b"0003.000000000010");
    }

    #[test]
    fn large_check() {
        let d = Data::new();
        assert!(d.check_large(&d.large_val));
        let mut v = d.large_val.clone();
        v[4096 * 3] ^= 1;
        assert!(!d.check_large(&v));
        assert!(!d.check_large(&d.large_val[1..]));
    }
}
