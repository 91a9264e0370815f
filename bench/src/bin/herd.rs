//! herd: what 1,000 tasks cost when they hit one expired cache entry at once,
//! with a plain `Cache` and with a `HerdCache`, each read naively (get; on a
//! miss compute and set) and through single-flight `get_or_compute`.
//!
//! The tasks are spread over several clients, each with its own cache
//! handle (so its own single-flight table): they stand for as many
//! processes. The value takes `--compute-ms` to compute (a sleep: a slow
//! query). Reported per variant, medians over the rounds: wall time until
//! every task has a value, task latency p50 / p99 / max, how many times the
//! value was computed, how many commands the clients sent and the server
//! ran (scripts' own calls included), and the server's CPU time.
//! See docs/BENCHMARKS.md.

#[allow(dead_code)]
#[path = "../cpu.rs"]
mod cpu;
#[allow(dead_code)]
#[path = "../server.rs"]
mod server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::cache::{Cache, HerdCache};
use anyredis::prelude::*;
use server::{Plain, Server};

type Error = Box<dyn std::error::Error + Send + Sync>;

const USAGE: &str = "\
herd: 1,000 tasks on one expired entry, Cache against HerdCache

USAGE: herd [--url redis://127.0.0.1:PORT] [--tasks N] [--clients N] [--compute-ms N] [--rounds N]

  --url URL        a running server on a loopback address (default: a throwaway redis-server)
  --tasks N        tasks hitting the entry at once (default 1000)
  --clients N      clients (\"processes\") the tasks are spread over (default 10)
  --compute-ms N   time to compute the value (default 20)
  --rounds N       rounds; medians are reported (default 5)
";

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    CacheGetSet,
    CacheGetOrCompute,
    HerdGetSet,
    HerdGetOrCompute,
}

impl Variant {
    const ALL: [Variant; 4] = [
        Variant::CacheGetSet,
        Variant::CacheGetOrCompute,
        Variant::HerdGetSet,
        Variant::HerdGetOrCompute,
    ];

    fn name(self) -> &'static str {
        match self {
            Variant::CacheGetSet => "Cache: get, on miss compute + set",
            Variant::CacheGetOrCompute => "Cache: get_or_compute",
            Variant::HerdGetSet => "HerdCache: get, on miss compute + set",
            Variant::HerdGetOrCompute => "HerdCache: get_or_compute",
        }
    }

    fn herd(self) -> bool {
        matches!(self, Variant::HerdGetSet | Variant::HerdGetOrCompute)
    }
}

struct Options {
    url: Option<String>,
    tasks: usize,
    clients: usize,
    compute: Duration,
    rounds: usize,
}

fn parse_args() -> Result<Options, Error> {
    let mut options = Options {
        url: None,
        tasks: 1000,
        clients: 10,
        compute: Duration::from_millis(20),
        rounds: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            print!("{USAGE}");
            std::process::exit(0);
        }
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => options.url = Some(value()?),
            "--tasks" => options.tasks = value()?.parse()?,
            "--clients" => options.clients = value()?.parse()?,
            "--compute-ms" => options.compute = Duration::from_millis(value()?.parse()?),
            "--rounds" => options.rounds = value()?.parse()?,
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}").into()),
        }
    }
    if options.tasks == 0 || options.clients == 0 || options.rounds == 0 {
        return Err("--tasks, --clients and --rounds must be at least 1".into());
    }
    Ok(options)
}

/// One round's measurements.
#[derive(Clone, Copy, Default)]
struct Sample {
    wall: Duration,
    p50: Duration,
    p99: Duration,
    max: Duration,
    computes: usize,
    stale_served: usize,
    commands_sent: u64,
    server_commands: u64,
    server_cpu: f64,
}

/// Commands that HerdCache's scripts run inside the server.
const SCRIPT_INNER: [&str; 5] = ["hmget", "time", "hset", "pexpire", "del"];

/// Commands the server ran since `CONFIG RESETSTAT` (not counting the
/// measuring connection's own `INFO` and `CONFIG`): (sent by the clients,
/// run in all, including those the scripts call).
fn server_commands(plain: &mut Plain) -> Result<(u64, u64), Error> {
    let stats = plain.info("commandstats")?;
    let (mut sent, mut total) = (0, 0);
    for line in stats.lines() {
        let Some((name, fields)) = line.strip_prefix("cmdstat_").and_then(|l| l.split_once(':')) else {
            continue;
        };
        if name == "info" || name.starts_with("config") {
            continue;
        }
        if let Some(calls) = fields.split(',').find_map(|f| f.strip_prefix("calls=")) {
            let calls = calls.parse::<u64>()?;
            total += calls;
            if !SCRIPT_INNER.contains(&name) {
                sent += calls;
            }
        }
    }
    Ok((sent, total))
}

enum Handle {
    Plain(Cache),
    Herd(HerdCache),
}

async fn one_task(
    handle: Handle,
    variant: Variant,
    compute: Duration,
    computes: Arc<AtomicUsize>,
) -> Result<String, Error> {
    let work = || async {
        computes.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(compute).await;
        Ok::<_, anyredis::Error>("new value".to_owned())
    };
    let ttl = Some(Duration::from_secs(60));
    Ok(match (handle, variant) {
        (Handle::Plain(cache), Variant::CacheGetSet) => match cache.get::<String>("hot", "").await? {
            Some(value) => value,
            None => {
                let value = work().await?;
                cache.set("hot", &value, "", ttl).await?;
                value
            }
        },
        (Handle::Plain(cache), _) => cache.get_or_compute("hot", "", ttl, work).await?,
        (Handle::Herd(cache), Variant::HerdGetSet) => match cache.get::<String>("hot", "").await? {
            Some(value) => value,
            None => {
                let value = work().await?;
                cache.set("hot", &value, "", ttl).await?;
                value
            }
        },
        (Handle::Herd(cache), _) => cache.get_or_compute("hot", "", ttl, work).await?,
    })
}

async fn round(server: &Server, clients: &[Client], variant: Variant, options: &Options) -> Result<Sample, Error> {
    let mut plain = Plain::connect(server.addr)?;
    let caches: Vec<Cache> = clients.iter().map(|c| c.cache("bench").build()).collect();
    let herds: Vec<HerdCache> = clients
        .iter()
        .map(|c| c.cache("bench").herd().herd_timeout(Duration::from_secs(30)).build())
        .collect();
    // The entry has just expired: gone for a Cache, past its logical expiry
    // (still there for the herd timeout) for a HerdCache.
    caches[0].delete("hot", "").await?;
    if variant.herd() {
        herds[0]
            .set("hot", &"old value".to_owned(), "", Some(Duration::from_millis(1)))
            .await?;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    plain.command(&[b"CONFIG", b"RESETSTAT"])?;
    let cpu_before = plain.server_cpu()?;
    let computes = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..options.tasks)
        .map(|i| {
            let which = i % clients.len();
            let handle = if variant.herd() {
                Handle::Herd(herds[which].clone())
            } else {
                Handle::Plain(caches[which].clone())
            };
            let (computes, compute) = (computes.clone(), options.compute);
            tokio::spawn(async move {
                let began = Instant::now();
                let value = one_task(handle, variant, compute, computes).await;
                (value, began.elapsed())
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(options.tasks);
    let mut stale_served = 0;
    for task in tasks {
        let (value, latency) = task.await?;
        match value?.as_str() {
            "new value" => {}
            "old value" if variant.herd() => stale_served += 1,
            other => return Err(format!("a task got {other:?}").into()),
        }
        latencies.push(latency);
    }
    let wall = start.elapsed();
    let server_cpu = plain.server_cpu()? - cpu_before;
    let (commands_sent, server_commands) = server_commands(&mut plain)?;
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    Ok(Sample {
        wall,
        p50: at(0.5),
        p99: at(0.99),
        max: at(1.0),
        computes: computes.load(Ordering::SeqCst),
        stale_served,
        commands_sent,
        server_commands,
        server_cpu,
    })
}

fn median<T: Copy + PartialOrd>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let options = parse_args()?;
    let server = match &options.url {
        Some(url) => Server::from_url(url)?,
        None => Server::start_throwaway()?,
    };
    let mut clients = Vec::with_capacity(options.clients);
    for _ in 0..options.clients {
        let client = anyredis::ClientBuilder::from_url(&server.url())?
            .runtime(anyredis::Runtime::tokio())
            .build()?;
        client.connect().await?;
        clients.push(client);
    }
    println!(
        "herd: {} tasks over {} clients hit one expired entry; computing it takes {} ms; redis {}; median of {} rounds\n",
        options.tasks,
        options.clients,
        options.compute.as_millis(),
        server.version(),
        options.rounds
    );
    println!(
        "| variant | wall ms | task p50 ms | p99 ms | max ms | computations | served the old value | commands sent | commands run (incl. in scripts) | server CPU ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for variant in Variant::ALL {
        let mut samples = Vec::with_capacity(options.rounds);
        for _ in 0..options.rounds {
            samples.push(round(&server, &clients, variant, &options).await?);
        }
        let pick = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
        let pick_d = |f: fn(&Sample) -> Duration| median(samples.iter().map(f).collect());
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
            variant.name(),
            ms(pick_d(|s| s.wall)),
            ms(pick_d(|s| s.p50)),
            ms(pick_d(|s| s.p99)),
            ms(pick_d(|s| s.max)),
            pick(|s| s.computes as f64),
            pick(|s| s.stale_served as f64),
            pick(|s| s.commands_sent as f64),
            pick(|s| s.server_commands as f64),
            pick(|s| s.server_cpu) * 1000.0,
        );
    }
    Ok(())
}
