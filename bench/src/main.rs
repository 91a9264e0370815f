//! anyredis-bench: anyredis against redis-rs, fred and rustis on one local
//! redis-server. See docs/BENCHMARKS.md for what it measures and how to run it.

mod alloc;
mod charts;
mod clients;
mod cpu;
mod csv;
mod exec;
mod mem;
mod pubsub;
mod refbench;
mod report;
mod scenarios;
mod server;
mod stats;
mod sweep_report;
mod sweeps;

/// Counts every allocation of the process (see `alloc.rs`): allocs/op in the report.
#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use clients::anyredis::Anyredis;
use clients::fred::Fred;
use clients::redis_rs::RedisRs;
use clients::rustis::Rustis;
use clients::{Error, Handle, Kind};
use exec::Exec;
use refbench::RefBench;
use scenarios::{Data, Sample, Scenario};
use server::{Plain, Server};

const USAGE: &str = "\
anyredis-bench: anyredis against redis-rs, fred and rustis on one local redis-server

USAGE: anyredis-bench [--url redis://127.0.0.1:PORT] [--rounds N] [--scale F]
                      [--only SCENARIO,...] [--clients CLIENT,...]
                      [--csv DIR] [--charts DIR] [--redis-benchmark PATH]
       anyredis-bench --plot DIR

  --url URL      a running server on a loopback address (default: start a throwaway
                 `redis-server --save \"\" --appendonly no` on a free loopback port)
  --rounds N     rounds; clients alternate within each round, medians are reported (default 3)
  --scale F      multiply every op count (default 1; 0.05 for a smoke run; 0 runs
                 nothing, which syscalls.sh uses to measure fixed start-up costs)
  --only LIST    scenarios: seq-get,concurrent-get,concurrent-mixed,pipeline-set,large-get,
                 pubsub-throughput,pubsub-latency (the default: all of these), and the sweeps
                 (only when named): tasks-sweep (1 to 4096 tasks: tasks-1,...,tasks-4096),
                 size-sweep (GET and SET of 16B..16MiB: get-16B,set-16B,...,get-16MiB,set-16MiB),
                 size-get-sweep, size-set-sweep; a single point by its name (tasks-512, get-1MiB)
  --clients LIST anyredis-tokio,redis-rs,fred,rustis,anyredis-smol,anyredis-async-std,
                 redis-benchmark (the default: all of these; redis-benchmark is skipped with a
                 note when it is not found)
                 (and anyredis-tokio-hook: anyredis-tokio with a no-op hook, only when named)
  --csv DIR      also write every table as CSV into DIR (one file per scenario or sweep)
  --charts DIR   draw the sweeps run as SVG charts into DIR (tasks-sweep.svg, size-sweep.svg)
  --redis-benchmark PATH  the redis-benchmark binary (default: next to the redis-server on PATH)
  --plot DIR     run nothing: redraw the charts in DIR from the sweep CSV files there
  --no-alloc-count  do not count allocations (allocs/op n/a): what counting costs
  --tokio-workers N  worker threads of the tokio multi-thread runtime (default: one per core)
";

struct Args {
    url: Option<String>,
    rounds: usize,
    scale: f64,
    scenarios: Vec<Scenario>,
    kinds: Vec<Kind>,
    /// --clients given: a missing redis-benchmark is then an error, not a note.
    kinds_named: bool,
    tokio_workers: Option<usize>,
    csv: Option<PathBuf>,
    charts: Option<PathBuf>,
    redis_benchmark: Option<PathBuf>,
    plot: Option<PathBuf>,
}

fn parse_args() -> Result<Args, Error> {
    let mut args = Args {
        url: None,
        rounds: 3,
        scale: 1.0,
        scenarios: Scenario::ALL.to_vec(),
        kinds: Kind::default_kinds(),
        kinds_named: false,
        tokio_workers: None,
        csv: None,
        charts: None,
        redis_benchmark: None,
        plot: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (flag, None),
        };
        if flag == "--help" || flag == "-h" {
            print!("{USAGE}");
            std::process::exit(0);
        }
        let mut value = || -> Result<String, Error> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value").into())
        };
        match flag.as_str() {
            "--url" => args.url = Some(value()?),
            "--rounds" => {
                args.rounds = value()?.parse()?;
                if args.rounds == 0 {
                    return Err("--rounds must be at least 1".into());
                }
            }
            "--scale" => {
                args.scale = value()?.parse()?;
                if !(args.scale >= 0.0 && args.scale.is_finite()) {
                    return Err("--scale must be a number >= 0".into());
                }
            }
            "--only" => {
                let lists = value()?
                    .split(',')
                    .map(|s| Scenario::parse(s.trim()).ok_or_else(|| format!("unknown scenario {s:?}")))
                    .collect::<Result<Vec<_>, _>>()?;
                args.scenarios = lists.into_iter().flatten().collect();
            }
            "--clients" => {
                let wanted: Vec<Kind> = value()?
                    .split(',')
                    .map(|s| Kind::parse(s.trim()).ok_or_else(|| format!("unknown client {s:?}")))
                    .collect::<Result<_, _>>()?;
                // Report order stays fixed.
                args.kinds = Kind::ALL.into_iter().filter(|k| wanted.contains(k)).collect();
                args.kinds_named = true;
            }
            "--csv" => args.csv = Some(value()?.into()),
            "--charts" => args.charts = Some(value()?.into()),
            "--redis-benchmark" => args.redis_benchmark = Some(value()?.into()),
            "--plot" => args.plot = Some(value()?.into()),
            "--no-alloc-count" => alloc::disable(),
            "--tokio-workers" => {
                let n: usize = value()?.parse()?;
                if n == 0 {
                    return Err("--tokio-workers must be at least 1".into());
                }
                args.tokio_workers = Some(n);
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}").into()),
        }
    }
    Ok(args)
}

/// A connected client of each kind, with the runtime it runs on.
enum Conn {
    Anyredis(Anyredis, usize),
    RedisRs(RedisRs),
    Fred(Fred),
    Rustis(Rustis),
    RefBench(RefBench),
}

const TOKIO: usize = 0;
const SMOL: usize = 1;
const ASYNC_STD: usize = 2;

fn connect(kind: Kind, url: &str, execs: &[Exec; 3]) -> Result<Conn, Error> {
    let tokio = &execs[TOKIO];
    Ok(match kind {
        Kind::AnyredisTokio => {
            let rt = anyredis::Runtime::tokio_with_handle(tokio.tokio_handle().expect("tokio"));
            Conn::Anyredis(tokio.block_on(Anyredis::connect(url, rt))?, TOKIO)
        }
        Kind::AnyredisTokioHook => {
            let rt = anyredis::Runtime::tokio_with_handle(tokio.tokio_handle().expect("tokio"));
            Conn::Anyredis(tokio.block_on(Anyredis::connect_with_noop_hook(url, rt))?, TOKIO)
        }
        Kind::AnyredisSmol => Conn::Anyredis(
            execs[SMOL].block_on(Anyredis::connect(url, anyredis::Runtime::smol()))?,
            SMOL,
        ),
        Kind::AnyredisAsyncStd => Conn::Anyredis(
            execs[ASYNC_STD].block_on(Anyredis::connect(url, anyredis::Runtime::async_std()))?,
            ASYNC_STD,
        ),
        Kind::RedisRs => Conn::RedisRs(tokio.block_on(RedisRs::connect(url))?),
        Kind::Fred => Conn::Fred(tokio.block_on(Fred::connect(url))?),
        Kind::Rustis => Conn::Rustis(tokio.block_on(Rustis::connect(url))?),
        Kind::RedisBenchmark => return Err("redis-benchmark is not connected here".into()),
    })
}

/// A few hundred of each command before anything is timed.
fn warm_up<C: Handle>(exec: &Exec, handle: &C, data: &Arc<Data>) -> Result<(), Error> {
    exec.block_on(async {
        let mut h = handle.clone();
        for i in 0..500 {
            let idx = i % data.small_keys.len();
            let got = h.get(&data.small_keys[idx]).await?;
            if got.as_ref().map(|v| v.as_ref()) != Some(&data.small_vals[idx][..]) {
                return Err::<(), Error>(format!("warm-up GET {} returned a wrong value", data.small_keys[idx]).into());
            }
            h.set(&data.mix_keys[0][0], b"warm-up").await?;
        }
        if h.has_pipelines() {
            for _ in 0..10 {
                h.pipeline_set(&data.pipe_keys, &data.pipe_val).await?;
            }
        }
        Ok(())
    })
}

fn run_one(
    conn: &Conn,
    execs: &[Exec; 3],
    scenario: Scenario,
    scale: f64,
    data: &Arc<Data>,
    plain: &mut Plain,
) -> Result<Option<Sample>, Error> {
    match conn {
        Conn::RefBench(r) => r.run(plain.addr(), scenario, scale, data, plain),
        Conn::Anyredis(c, e) => scenarios::run(&execs[*e], c, scenario, scale, data, plain),
        Conn::RedisRs(c) => scenarios::run(&execs[TOKIO], c, scenario, scale, data, plain),
        Conn::Fred(c) => scenarios::run(&execs[TOKIO], c, scenario, scale, data, plain),
        Conn::Rustis(c) => scenarios::run(&execs[TOKIO], c, scenario, scale, data, plain),
    }
}

fn warm(conn: &Conn, execs: &[Exec; 3], data: &Arc<Data>) -> Result<(), Error> {
    match conn {
        Conn::Anyredis(c, e) => warm_up(&execs[*e], c, data),
        Conn::RedisRs(c) => warm_up(&execs[TOKIO], c, data),
        Conn::Fred(c) => warm_up(&execs[TOKIO], c, data),
        Conn::Rustis(c) => warm_up(&execs[TOKIO], c, data),
        Conn::RefBench(_) => Ok(()),
    }
}

/// `--plot DIR`: the charts again, from the CSV files of an earlier `--csv DIR` run.
fn replot(dir: &std::path::Path) -> Result<(), Error> {
    let sweeps = csv::read_sweeps(dir)?;
    if sweeps.scenarios.is_empty() {
        return Err(format!("no tasks-sweep.csv or size-sweep.csv in {}", dir.display()).into());
    }
    let summary = |sc: Scenario, kind: Kind| {
        sweeps
            .found
            .get(&(sc, kind))
            .map(|s| report::Summary::from_figures(s.med, s.min, s.max, s.rounds))
    };
    let rounds = sweeps.found.values().map(|s| s.rounds).max().unwrap_or(0);
    let note = format!("medians of {rounds} round(s), from {}", dir.display());
    for f in charts::draw_all(dir, &sweeps.scenarios, &sweeps.kinds, &summary, &note)? {
        eprintln!("wrote {}", f.display());
    }
    Ok(())
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("anyredis-bench: {e}");
        std::process::exit(1);
    }
}

fn real_main() -> Result<(), Error> {
    let args = parse_args()?;
    if let Some(dir) = &args.plot {
        return replot(dir);
    }
    let server = match &args.url {
        Some(url) => Server::from_url(url)?,
        None => Server::start_throwaway()?,
    };
    let url = server.url();
    let mut plain = Plain::connect(server.addr)?;
    let data = Arc::new(Data::new());
    data.seed(&mut plain)?;

    let execs = [Exec::tokio(args.tokio_workers), Exec::Smol, Exec::AsyncStd];
    let tokio_workers = execs[TOKIO].block_on(async { tokio::runtime::Handle::current().metrics().num_workers() });
    let header = format!(
        "anyredis-bench: server {url} (redis {}{}), {} cores, tokio multi-thread {} workers, SMOL_THREADS={}, rounds {}, scale {}",
        server.version(),
        if args.url.is_some() { "" } else { ", throwaway" },
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        tokio_workers,
        std::env::var("SMOL_THREADS").unwrap_or_else(|_| "unset (1)".into()),
        args.rounds,
        args.scale
    );
    eprintln!("{header}");
    if !mem::reset_peak() {
        eprintln!("note: /proc/self/clear_refs refused: peak RSS is since the bench started, not per sample");
    }

    let mut conns = Vec::new();
    for &kind in &args.kinds {
        if kind == Kind::RedisBenchmark {
            match RefBench::find(args.redis_benchmark.as_deref()) {
                Ok(r) => {
                    eprintln!("redis-benchmark: {}", r.bin.display());
                    conns.push((kind, Conn::RefBench(r)));
                }
                Err(why) if args.kinds_named || args.redis_benchmark.is_some() => {
                    return Err(format!("redis-benchmark: {why}").into())
                }
                Err(why) => eprintln!("note: {why}: the redis-benchmark rows are skipped"),
            }
            continue;
        }
        let conn = connect(kind, &url, &execs).map_err(|e| format!("{}: connect: {e}", kind.name()))?;
        warm(&conn, &execs, &data).map_err(|e| format!("{}: warm-up: {e}", kind.name()))?;
        conns.push((kind, conn));
    }

    // Pub/sub scenarios: one subscriber per client, subscribed before round 1.
    let mut subs = Vec::new();
    if args.scenarios.iter().any(|s| s.is_pubsub()) {
        for (kind, _) in &conns {
            if *kind == Kind::RedisBenchmark {
                subs.push(None);
                continue;
            }
            let sub = pubsub::Subscription::connect(*kind, &url, &execs, server.addr)
                .map_err(|e| format!("{}: pub/sub subscriber: {e}", kind.name()))?;
            subs.push(Some(sub));
        }
    }

    let mut results: HashMap<(Scenario, usize), Vec<Sample>> = HashMap::new();
    for round in 0..args.rounds {
        for &sc in &args.scenarios {
            // Rotate the order every round so no client always runs first.
            let n = conns.len();
            for i in 0..n {
                let (kind, conn) = &conns[(i + round) % n];
                let sample = if sc.is_pubsub() {
                    match &mut subs[(i + round) % n] {
                        Some(sub) => sub.run(&execs, sc, args.scale, server.addr, &mut plain).map(Some),
                        None => Ok(None),
                    }
                } else {
                    run_one(conn, &execs, sc, args.scale, &data, &mut plain)
                }
                .map_err(|e| format!("{} / {}: {e}", sc.name(), kind.name()))?;
                match sample {
                    Some(s) => {
                        eprintln!("{}", report::progress_line(round, args.rounds, sc, *kind, &s));
                        results.entry((sc, (i + round) % n)).or_default().push(s);
                    }
                    None => eprintln!(
                        "round {}/{} {:<16} {:<18} n/a",
                        round + 1,
                        args.rounds,
                        sc.name(),
                        kind.name()
                    ),
                }
            }
        }
    }

    let kinds: Vec<Kind> = conns.iter().map(|(k, _)| *k).collect();
    let summary = |sc: Scenario, kind: Kind| {
        let idx = kinds.iter().position(|&k| k == kind)?;
        results
            .get(&(sc, idx))
            .filter(|v| !v.is_empty())
            .map(|v| report::summarize(v))
    };
    let table = report::render(&args.scenarios, &kinds, args.scale, summary);
    let sweeps = sweep_report::render(&args.scenarios, &kinds, args.scale, &summary);
    let memory_note = if mem::reset_works() {
        "peak RSS: the bench process's VmHWM, after malloc_trim, reset before each sample; +growth = peak minus the RSS the sample started from (redis-benchmark: the child's own VmHWM, polled)"
    } else {
        "peak RSS: the bench process's VmHWM since it started (/proc/self/clear_refs was refused)"
    };
    println!(
        "{header}\nMedians of {} round(s); allocs/op and alloc B/op count every allocation of the whole bench \
         process during the sample (all clients' background tasks, the runtimes, the bench's own bookkeeping); in brackets, those the calling \
         thread made in the first poll of each command's future (the caller's side of the write path) / in its later polls (taking the reply); {memory_note}.\n{table}{sweeps}",
        args.rounds
    );
    if let Some(dir) = &args.csv {
        for f in csv::write_all(dir, &args.scenarios, &kinds, &summary)? {
            eprintln!("wrote {f}");
        }
    }
    if let Some(dir) = &args.charts {
        let note = format!("medians of {} round(s), scale {}", args.rounds, args.scale);
        for f in charts::draw_all(dir, &args.scenarios, &kinds, &summary, &note)? {
            eprintln!("wrote {}", f.display());
        }
    }
    drop(subs);
    drop(conns);
    drop(server);
    Ok(())
}
