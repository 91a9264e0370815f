//! The five scenarios: their data, their task bodies, and the timed runner that
//! brackets one run with CPU readings. Every reply is checked: a GET must return
//! exactly the value its key holds, a SET must succeed, a pipeline must return
//! one OK per SET. A wrong reply aborts the benchmark.

use std::sync::Arc;
use std::time::Instant;

use crate::alloc::phased;
use crate::clients::{Error, Handle};
use crate::exec::Exec;
use crate::mem::{Probe, Usage};
use crate::server::Plain;
use crate::stats::Histogram;
use crate::sweeps;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    SeqGet,
    ConcurrentGet,
    ConcurrentMixed,
    PipelineSet,
    LargeGet,
    PubsubThroughput,
    PubsubLatency,
    /// `tasks-sweep`: this many tasks sharing one client, GETs of 16 bytes.
    Tasks(usize),
    /// `size-sweep`: one task, GETs of a value of this many bytes.
    SizeGet(usize),
    /// `size-sweep`: one task, SETs of a value of this many bytes.
    SizeSet(usize),
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
    /// A size-sweep point's operation and value size (`None` for other scenarios).
    pub fn size_op(self) -> Option<(&'static str, usize)> {
        match self {
            Scenario::SizeGet(n) => Some(("GET", n)),
            Scenario::SizeSet(n) => Some(("SET", n)),
            _ => None,
        }
    }

    pub const ALL: [Scenario; 7] = [
        Scenario::SeqGet,
        Scenario::ConcurrentGet,
        Scenario::ConcurrentMixed,
        Scenario::PipelineSet,
        Scenario::LargeGet,
        Scenario::PubsubThroughput,
        Scenario::PubsubLatency,
    ];

    pub fn name(self) -> String {
        let fixed = match self {
            Scenario::SeqGet => "seq-get",
            Scenario::ConcurrentGet => "concurrent-get",
            Scenario::ConcurrentMixed => "concurrent-mixed",
            Scenario::PipelineSet => "pipeline-set",
            Scenario::LargeGet => "large-get",
            Scenario::PubsubThroughput => "pubsub-throughput",
            Scenario::PubsubLatency => "pubsub-latency",
            Scenario::Tasks(n) => return format!("tasks-{n}"),
            Scenario::SizeGet(n) => return format!("get-{}", sweeps::size_name(n)),
            Scenario::SizeSet(n) => return format!("set-{}", sweeps::size_name(n)),
        };
        fixed.to_string()
    }

    /// A scenario, or a sweep (`tasks-sweep`, `size-sweep`, `size-get-sweep`,
    /// `size-set-sweep`) as its points, or one point of a sweep (`tasks-512`, `get-1MiB`).
    pub fn parse(name: &str) -> Option<Vec<Scenario>> {
        match name {
            "tasks-sweep" => return Some(sweeps::TASK_POINTS.iter().map(|&n| Scenario::Tasks(n)).collect()),
            "size-sweep" => {
                return Some(
                    sweeps::SIZE_POINTS
                        .iter()
                        .flat_map(|&n| [Scenario::SizeGet(n), Scenario::SizeSet(n)])
                        .collect(),
                )
            }
            "size-get-sweep" => return Some(sweeps::SIZE_POINTS.iter().map(|&n| Scenario::SizeGet(n)).collect()),
            "size-set-sweep" => return Some(sweeps::SIZE_POINTS.iter().map(|&n| Scenario::SizeSet(n)).collect()),
            _ => {}
        }
        let points = sweeps::TASK_POINTS.iter().map(|&n| Scenario::Tasks(n));
        let sizes = sweeps::SIZE_POINTS
            .iter()
            .flat_map(|&n| [Scenario::SizeGet(n), Scenario::SizeSet(n)]);
        Scenario::ALL
            .into_iter()
            .chain(points)
            .chain(sizes)
            .find(|s| s.name() == name)
            .map(|s| vec![s])
    }

    /// A point of the tasks sweep or the value-size sweep.
    pub fn is_sweep(self) -> bool {
        matches!(self, Scenario::Tasks(_) | Scenario::SizeGet(_) | Scenario::SizeSet(_))
    }

    /// Bytes of value each unit moves (GET or SET of a large value), 0 for the rest.
    pub fn value_bytes(self) -> usize {
        match self {
            Scenario::LargeGet => LARGE_LEN,
            Scenario::SizeGet(n) | Scenario::SizeSet(n) => n,
            _ => 0,
        }
    }

    /// Run by [`crate::pubsub`] with a subscriber, not by [`run`] with a command handle.
    pub fn is_pubsub(self) -> bool {
        matches!(self, Scenario::PubsubThroughput | Scenario::PubsubLatency)
    }

    pub fn tasks(self) -> usize {
        match self {
            Scenario::ConcurrentGet | Scenario::ConcurrentMixed => CONCURRENT_TASKS,
            Scenario::Tasks(n) => n,
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
            Scenario::Tasks(n) => sweeps::task_units(n),
            Scenario::SizeGet(n) | Scenario::SizeSet(n) => sweeps::size_units(n),
        }
    }

    /// Units at `scale`, all tasks together (mixed: a whole number of SET+GET pairs).
    pub fn total_units(self, scale: f64) -> usize {
        let g = self.granule();
        let granules = (self.base_units() * scale / g as f64).round() as usize;
        // A tiny scale still runs one granule (and every task of a sweep point one GET).
        let least = if self.is_sweep() { self.tasks() } else { 1 };
        if scale > 0.0 {
            granules.max(least) * g
        } else {
            0
        }
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
            Scenario::Tasks(n) => format!("{n} tasks sharing one client, {units} GETs of 16-byte values"),
            Scenario::SizeGet(n) => format!("1 task, {units} sequential GETs of a {} value", sweeps::size_name(n)),
            Scenario::SizeSet(n) => format!("1 task, {units} sequential SETs of a {} value", sweeps::size_name(n)),
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
    /// The size sweep's values, one per [`sweeps::SIZE_POINTS`].
    pub sized: Vec<sweeps::Sized>,
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
            sized: sweeps::SIZE_POINTS.iter().map(|&n| sweeps::Sized::new(n)).collect(),
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
        plain.set_all(&pairs)?;
        for v in &self.sized {
            plain.set_all(&[(v.get_key.clone(), v.val.clone())])?;
        }
        Ok(())
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
    /// Allocations and peak RSS over the sample.
    pub usage: Usage,
    /// p50 and p99 in µs as reported by an outside tool (redis-benchmark), instead of `hist`.
    pub quantiles_us: Option<(f64, f64)>,
}

pub(crate) fn mismatch(what: &str, key: &str, got: Option<&[u8]>) -> Error {
    let shown = got.map(|g| String::from_utf8_lossy(&g[..g.len().min(40)]).into_owned());
    format!("{what}: GET {key} returned {shown:?}").into()
}

async fn small_gets<C: Handle>(
    mut h: C,
    data: Arc<Data>,
    mut hist: Histogram,
    task: usize,
    n: usize,
) -> Result<Histogram, Error> {
    let m = data.small_keys.len();
    let mut idx = (task * 7919) % m;
    for _ in 0..n {
        let key = &data.small_keys[idx];
        let start = Instant::now();
        let got = phased(h.get(key)).await?;
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

async fn large_gets<C: Handle>(mut h: C, data: Arc<Data>, mut hist: Histogram, n: usize) -> Result<Histogram, Error> {
    for _ in 0..n {
        let start = Instant::now();
        let got = phased(h.get(&data.large_key)).await?;
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

async fn mixed<C: Handle>(
    mut h: C,
    data: Arc<Data>,
    mut hist: Histogram,
    task: usize,
    n: usize,
) -> Result<Histogram, Error> {
    let keys = &data.mix_keys[task % data.mix_keys.len()];
    let mut buf = [b'.'; MIX_VALUE_LEN];
    buf[4] = b':';
    buf[17] = b':';
    for i in 0..n {
        let key = &keys[(i / 2) % keys.len()];
        if i % 2 == 0 {
            stamp(&mut buf, task, i);
            let start = Instant::now();
            phased(h.set(key, &buf)).await?;
            hist.record(start.elapsed());
        } else {
            let start = Instant::now();
            let got = phased(h.get(key)).await?;
            hist.record(start.elapsed());
            match &got {
                Some(v) if v.as_ref() == &buf[..] => {}
                _ => return Err(mismatch("GET after own SET", key, got.as_ref().map(|v| v.as_ref()))),
            }
        }
    }
    Ok(hist)
}

async fn pipelines<C: Handle>(mut h: C, data: Arc<Data>, mut hist: Histogram, n: usize) -> Result<Histogram, Error> {
    for _ in 0..n {
        let start = Instant::now();
        phased(h.pipeline_set(&data.pipe_keys, &data.pipe_val)).await?;
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

    // Each task's histogram is allocated before the timed part (15 KiB each:
    // at 4,096 tasks it would otherwise dominate time, allocations and RSS).
    let hists: Vec<Histogram> = (0..tasks).map(|_| Histogram::default()).collect();
    let server_before = plain.server_cpu()?;
    let probe = Probe::start();
    let cpu_before = crate::cpu::self_cpu_seconds();
    let start = Instant::now();
    let per_task = exec.block_on(async {
        let joins: Vec<_> = hists
            .into_iter()
            .enumerate()
            .map(|(t, hist)| {
                let (h, d) = (handle.clone(), data.clone());
                let n = scenario.units_for(t, scale);
                match scenario {
                    Scenario::SeqGet | Scenario::ConcurrentGet | Scenario::Tasks(_) => {
                        exec.spawn(boxed(small_gets(h, d, hist, t, n)))
                    }
                    Scenario::ConcurrentMixed => exec.spawn(boxed(mixed(h, d, hist, t, n))),
                    Scenario::PipelineSet => exec.spawn(boxed(pipelines(h, d, hist, n))),
                    Scenario::LargeGet => exec.spawn(boxed(large_gets(h, d, hist, n))),
                    Scenario::SizeGet(size) => exec.spawn(boxed(sweeps::sized_gets(h, d, hist, size, n))),
                    Scenario::SizeSet(size) => exec.spawn(boxed(sweeps::sized_sets(h, d, hist, size, n))),
                    Scenario::PubsubThroughput | Scenario::PubsubLatency => unreachable!("run by crate::pubsub"),
                }
            })
            .collect();
        let mut all = Vec::with_capacity(joins.len());
        let mut first_err = None;
        for j in joins {
            match j.join().await {
                Ok(h) => all.push(h),
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
    let usage = probe.finish();
    let server_cpu = plain.server_cpu()? - server_before;
    let mut hist = Histogram::default();
    for h in &per_task {
        hist.merge(h);
    }

    let units = hist.count();
    let expected = scenario.total_units(scale) as u64;
    if units != expected {
        return Err(format!("{}: {units} timed units, expected {expected}", scenario.name()).into());
    }
    let ops = units * scenario.ops_per_unit() as u64;
    let bytes = units * scenario.value_bytes() as u64;
    Ok(Some(Sample {
        ops,
        secs,
        hist,
        client_cpu,
        server_cpu,
        bytes,
        usage,
        quantiles_us: None,
    }))
}

/// One task type for the four bodies (a boxed future: one allocation per task, not per op).
pub(crate) type TaskFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Histogram, Error>> + Send>>;

pub(crate) fn boxed(f: impl std::future::Future<Output = Result<Histogram, Error>> + Send + 'static) -> TaskFuture {
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
    fn sweeps_parse_and_size() {
        let tasks = Scenario::parse("tasks-sweep").unwrap();
        assert_eq!(tasks.len(), 5);
        assert_eq!(Scenario::parse("tasks-4096"), Some(vec![Scenario::Tasks(4096)]));
        assert_eq!(Scenario::parse("get-16MiB"), Some(vec![Scenario::SizeGet(16 << 20)]));
        assert_eq!(Scenario::parse("size-sweep").unwrap().len(), 10);
        assert_eq!(Scenario::parse("seq-get"), Some(vec![Scenario::SeqGet]));
        assert!(Scenario::parse("tasks-3").is_none());
        // Every task of a sweep point gets at least one GET, whatever the scale.
        let t = Scenario::Tasks(4096);
        assert!((0..4096).all(|i| t.units_for(i, 0.001) >= 1));
        assert_eq!((0..4096).map(|i| t.units_for(i, 1.0)).sum::<usize>(), 200_000);
        assert_eq!(Scenario::SizeSet(16 << 20).total_units(0.01), 1);
        assert_eq!(Scenario::SizeGet(1 << 20).total_units(0.0), 0);
        assert_eq!(Scenario::SizeGet(1 << 20).value_bytes(), 1 << 20);
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
