//! anyredis-bench's lock entry: lock acquire + release pairs per second from
//! 64 tasks sharing one anyredis `Client` (tokio runtime). The peers have no
//! lock, so anyredis only.
//!
//! Two runs: `uncontended` (each task its own lock name: every pair is two
//! round trips, `EVALSHA` acquire and `EVALSHA` release, pipelined with the
//! other tasks' on one connection) and `contended` (all 64 tasks on one name,
//! blocking acquire retrying every 1 ms: throughput is bounded by hand-overs).
//!
//! USAGE: lock [--url redis://127.0.0.1:PORT] [--pairs N] [--tasks N]

#[allow(dead_code)]
#[path = "../cpu.rs"]
mod cpu;
#[allow(dead_code)]
#[path = "../server.rs"]
mod server;
#[allow(dead_code)]
#[path = "../stats.rs"]
mod stats;

use std::time::{Duration, Instant};

use server::{Error, Server};
use stats::Histogram;

struct Args {
    url: Option<String>,
    pairs: usize,
    tasks: usize,
}

fn parse_args() -> Result<Args, Error> {
    let mut args = Args {
        url: None,
        pairs: 100_000,
        tasks: 64,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = Some(value()?),
            "--pairs" => args.pairs = value()?.parse()?,
            "--tasks" => args.tasks = value()?.parse::<usize>()?.max(1),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    Ok(args)
}

/// Runs `pairs` acquire + release pairs split over `tasks` tasks; `names`
/// says which lock name task `t` uses.
async fn run(
    client: &anyredis::Client,
    pairs: usize,
    tasks: usize,
    names: impl Fn(usize) -> String,
) -> Result<(f64, Histogram), Error> {
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let lock = client
                .lock(names(t))
                .ttl(Duration::from_secs(10))
                .retry_interval(Duration::from_millis(1))
                .build();
            let mine = pairs / tasks + usize::from(t < pairs % tasks);
            tokio::spawn(async move {
                let lock = lock?;
                let mut hist = Histogram::default();
                for _ in 0..mine {
                    let start = Instant::now();
                    let guard = lock.acquire().await?.ok_or("blocking acquire gave up")?;
                    guard.release().await?;
                    hist.record(start.elapsed());
                }
                Ok::<Histogram, Error>(hist)
            })
        })
        .collect();
    let mut all = Histogram::default();
    for h in handles {
        all.merge(&h.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    if all.count() != pairs as u64 {
        return Err(format!("{} pairs timed, expected {pairs}", all.count()).into());
    }
    Ok((secs, all))
}

fn main() -> Result<(), Error> {
    let args = parse_args()?;
    let server = match &args.url {
        Some(url) => Server::from_url(url)?,
        None => Server::start_throwaway()?,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let client = anyredis::ClientBuilder::from_url(&server.url())?
            .runtime(anyredis::Runtime::tokio())
            .build()?;
        client.connect().await?;
        println!(
            "lock acquire+release pairs, {} tasks sharing one client, redis {}",
            args.tasks,
            server.version()
        );
        // Warm-up: loads the scripts and connects.
        run(&client, args.tasks, args.tasks, |t| format!("bench:lock:{t}")).await?;
        let (secs, hist) = run(&client, args.pairs, args.tasks, |t| format!("bench:lock:{t}")).await?;
        println!(
            "uncontended ({} names): {:>9.0} pairs/s  ({} pairs in {secs:.2} s; pair latency p50 {:.0} us, p99 {:.0} us)",
            args.tasks,
            args.pairs as f64 / secs,
            args.pairs,
            hist.quantile_us(0.5),
            hist.quantile_us(0.99)
        );
        let contended = (args.pairs / 10).max(args.tasks);
        let (secs, hist) = run(&client, contended, args.tasks, |_| "bench:lock:one".to_string()).await?;
        println!(
            "contended (1 name):    {:>9.0} pairs/s  ({contended} pairs in {secs:.2} s; pair latency p50 {:.0} us, p99 {:.0} us)",
            contended as f64 / secs,
            hist.quantile_us(0.5),
            hist.quantile_us(0.99)
        );
        Ok::<(), Error>(())
    })
}
