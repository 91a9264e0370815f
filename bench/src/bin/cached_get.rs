//! cached-get: 64 tasks sharing one client read 1,000 hot keys (16-byte
//! values), with client-side caching on and off, for anyredis (tokio and
//! smol), redis-rs (`cache-aio`, RESP3) and rustis (`client-cache`).
//!
//! Each variant is one client, connected and warmed up (every key read
//! twice, so a cache holds them all) before round 1 and kept across rounds;
//! within a round the variants run one after the other, in an order rotated
//! every round. Every GET's value is compared with the key's value. Reported
//! per variant, medians over the rounds (with the smallest and largest
//! round): GETs per second, client CPU per GET (`getrusage`, the whole
//! process), server CPU per GET (`INFO cpu`), latency p50 / p99 (every 16th
//! GET is timed, so the clock reads cost little), and the cache hit ratio
//! from the client's own counters (anyredis `client_cache_stats`, redis-rs
//! `get_cache_statistics`; rustis has none). After the rounds, each cached
//! client must see a write from another connection (the invalidation) and
//! then the restored value. See docs/BENCHMARKS.md.

#[allow(dead_code)]
#[path = "../cpu.rs"]
mod cpu;
#[allow(dead_code)]
#[path = "../exec.rs"]
mod exec;
#[allow(dead_code)]
#[path = "../server.rs"]
mod server;
#[allow(dead_code)]
#[path = "../stats.rs"]
mod stats;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::client_cache::ClientCacheConfig;
use anyredis::prelude::*;
use bytes::Bytes;
use exec::Exec;
use redis::AsyncCommands;
use server::{Error, Plain, Server};
use stats::{median, Histogram};

const USAGE: &str = "\
cached-get: 64 tasks reading 1,000 hot keys, client-side caching on and off

USAGE: cached_get [--url redis://127.0.0.1:PORT] [--rounds N] [--gets N] [--cached-gets N]
                  [--tasks N] [--only VARIANT,...]

  --url URL          a running server on a loopback address (default: a throwaway redis-server)
  --rounds N         rounds; medians are reported (default 7)
  --gets N           GETs per sample without a cache (default 300000)
  --cached-gets N    GETs per sample with a cache (default 2000000)
  --tasks N          tasks sharing the client (default 64)
  --only LIST        variants, e.g. anyredis-tokio+cache,redis-rs+cache (default: all eight)
";

const KEYS: usize = 1000;
/// One GET in this many is timed for the latency histogram.
const TIME_EVERY: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lib {
    AnyredisTokio,
    AnyredisSmol,
    RedisRs,
    Rustis,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Variant {
    lib: Lib,
    cached: bool,
}

impl Variant {
    fn all() -> Vec<Variant> {
        let mut v = Vec::new();
        for cached in [true, false] {
            for lib in [Lib::AnyredisTokio, Lib::RedisRs, Lib::Rustis, Lib::AnyredisSmol] {
                v.push(Variant { lib, cached });
            }
        }
        v
    }

    fn name(self) -> String {
        let lib = match self.lib {
            Lib::AnyredisTokio => "anyredis-tokio",
            Lib::AnyredisSmol => "anyredis-smol",
            Lib::RedisRs => "redis-rs",
            Lib::Rustis => "rustis",
        };
        if self.cached {
            format!("{lib}+cache")
        } else {
            lib.to_string()
        }
    }
}

/// One connected client; clones share its connection (and its cache).
#[derive(Clone)]
enum Conn {
    Anyredis(anyredis::Client),
    RedisRs(redis::aio::MultiplexedConnection),
    Rustis(rustis::client::Client),
    RustisCache(Arc<rustis::cache::Cache>),
}

impl Conn {
    /// GET `key`; whether it returned `want`.
    async fn get_is(&mut self, key: &str, want: &[u8]) -> Result<bool, Error> {
        Ok(match self {
            Conn::Anyredis(c) => c.get::<Option<Bytes>>(key).await?.as_deref() == Some(want),
            Conn::RedisRs(c) => c.get::<_, Option<Vec<u8>>>(key).await?.as_deref() == Some(want),
            Conn::Rustis(c) => {
                use rustis::commands::StringCommands;
                c.get::<Option<Bytes>>(key).await?.as_deref() == Some(want)
            }
            Conn::RustisCache(c) => c.get::<Option<Bytes>>(key).await?.as_deref() == Some(want),
        })
    }

    /// (hits, misses) so far, when the client counts them.
    fn hits_misses(&self) -> Option<(u64, u64)> {
        match self {
            Conn::Anyredis(c) => c.client_cache_stats().map(|s| (s.hits, s.misses)),
            Conn::RedisRs(c) => c.get_cache_statistics().map(|s| (s.hit as u64, s.miss as u64)),
            Conn::Rustis(_) | Conn::RustisCache(_) => None,
        }
    }
}

const TOKIO: usize = 0;
const SMOL: usize = 1;

fn exec_of(v: Variant) -> usize {
    if v.lib == Lib::AnyredisSmol {
        SMOL
    } else {
        TOKIO
    }
}

fn connect(v: Variant, url: &str, execs: &[Exec; 2]) -> Result<Conn, Error> {
    let exec = &execs[exec_of(v)];
    exec.block_on(async {
        Ok(match v.lib {
            Lib::AnyredisTokio | Lib::AnyredisSmol => {
                let runtime = match v.lib {
                    Lib::AnyredisTokio => anyredis::Runtime::tokio_with_handle(exec.tokio_handle().ok_or("tokio")?),
                    _ => anyredis::Runtime::smol(),
                };
                // Defaults: RESP3 (invalidations arrive as pushes on the shared connection).
                let mut builder = anyredis::ClientBuilder::from_url(url)?.runtime(runtime);
                if v.cached {
                    builder = builder.client_cache(ClientCacheConfig::new());
                }
                let client = builder.build()?;
                client.connect().await?;
                Conn::Anyredis(client)
            }
            Lib::RedisRs => {
                let conn = if v.cached {
                    // The cache needs RESP3; CacheConfig::new(): 10,000 keys, CacheMode::All.
                    let client = redis::Client::open(format!("{url}/?protocol=resp3").replace("//?", "/?"))?;
                    let config =
                        redis::AsyncConnectionConfig::new().set_cache_config(redis::caching::CacheConfig::new());
                    client.get_multiplexed_async_connection_with_config(&config).await?
                } else {
                    redis::Client::open(url)?.get_multiplexed_async_connection().await?
                };
                Conn::RedisRs(conn)
            }
            Lib::Rustis => {
                let client = rustis::client::Client::connect(url).await?;
                if v.cached {
                    // Default tracking (not BCAST), 10,000 keys, an hour's TTL (longer than the run).
                    let options = rustis::commands::ClientTrackingOptions::default();
                    Conn::RustisCache(rustis::cache::Cache::new(client, 3600, options).await?)
                } else {
                    Conn::Rustis(client)
                }
            }
        })
    })
}

struct Data {
    keys: Vec<String>,
    vals: Vec<Vec<u8>>,
}

impl Data {
    fn new() -> Data {
        // The same keys and values as anyredis-bench's GET scenarios.
        let data = Data {
            keys: (0..KEYS).map(|i| format!("bench:s:{i:04}")).collect(),
            vals: (0..KEYS).map(|i| format!("value-of-s:{i:05}").into_bytes()).collect(),
        };
        assert!(data.vals.iter().all(|v| v.len() == 16));
        data
    }

    fn pairs(&self) -> Vec<(String, Vec<u8>)> {
        self.keys.iter().cloned().zip(self.vals.iter().cloned()).collect()
    }
}

async fn gets(mut conn: Conn, data: Arc<Data>, task: usize, n: usize) -> Result<Histogram, Error> {
    let mut hist = Histogram::default();
    let mut idx = (task * 7919) % KEYS;
    for i in 0..n {
        let (key, want) = (&data.keys[idx], &data.vals[idx]);
        let ok = if i % TIME_EVERY == 0 {
            let start = Instant::now();
            let ok = conn.get_is(key, want).await?;
            hist.record(start.elapsed());
            ok
        } else {
            conn.get_is(key, want).await?
        };
        if !ok {
            return Err(format!("GET {key} did not return {:?}", String::from_utf8_lossy(want)).into());
        }
        idx += 1;
        if idx == KEYS {
            idx = 0;
        }
    }
    Ok(hist)
}

struct Sample {
    ops_s: f64,
    client_us: f64,
    server_us: f64,
    p50: f64,
    p99: f64,
    hit_ratio: Option<f64>,
}

fn run(
    conn: &Conn,
    exec: &Exec,
    data: &Arc<Data>,
    tasks: usize,
    total: usize,
    plain: &mut Plain,
) -> Result<Sample, Error> {
    let before = conn.hits_misses();
    let server_before = plain.server_cpu()?;
    let cpu_before = cpu::self_cpu_seconds();
    let start = Instant::now();
    let hist = exec.block_on(async {
        let joins: Vec<_> = (0..tasks)
            .map(|t| {
                let n = total / tasks + usize::from(t < total % tasks);
                exec.spawn(gets(conn.clone(), data.clone(), t, n))
            })
            .collect();
        let mut all = Histogram::default();
        for j in joins {
            all.merge(&j.join().await?);
        }
        Ok::<Histogram, Error>(all)
    })?;
    let secs = start.elapsed().as_secs_f64();
    let client_cpu = cpu::self_cpu_seconds() - cpu_before;
    let server_cpu = plain.server_cpu()? - server_before;
    let hit_ratio = match (before, conn.hits_misses()) {
        (Some((h0, m0)), Some((h1, m1))) => {
            let (h, m) = ((h1 - h0) as f64, (m1 - m0) as f64);
            Some(if h + m > 0.0 { h / (h + m) } else { f64::NAN })
        }
        _ => None,
    };
    let timed = total.div_ceil(TIME_EVERY) as u64;
    if hist.count() < timed.saturating_sub(tasks as u64) {
        return Err(format!("{} GETs timed, expected about {timed}", hist.count()).into());
    }
    Ok(Sample {
        ops_s: total as f64 / secs,
        client_us: client_cpu / total as f64 * 1e6,
        server_us: server_cpu / total as f64 * 1e6,
        p50: hist.quantile_us(0.5),
        p99: hist.quantile_us(0.99),
        hit_ratio,
    })
}

/// Invalidation round trips: `TRIALS` times, writes a new value for one hot
/// key from another connection and spins (yielding to the runtime between
/// GETs) until the client returns it, at most 2 s; the old value is written
/// back between trials. Returns the waits' median and largest.
fn check_invalidation(conn: &Conn, exec: &Exec, data: &Data, plain: &mut Plain) -> Result<(Duration, Duration), Error> {
    const TRIALS: usize = 21;
    let key = data.keys[0].clone();
    let mut waits = Vec::new();
    for trial in 0..TRIALS * 2 {
        let value: &[u8] = if trial % 2 == 0 {
            b"changed-value-00"
        } else {
            &data.vals[0]
        };
        plain.set_all(&[(key.clone(), value.to_vec())])?;
        let start = Instant::now();
        let waited = exec.block_on(async {
            let mut c = conn.clone();
            loop {
                if c.get_is(&key, value).await? {
                    return Ok::<Duration, Error>(start.elapsed());
                }
                if start.elapsed() > Duration::from_secs(2) {
                    return Err(format!(
                        "still not {:?} after 2 s: invalidation lost",
                        String::from_utf8_lossy(value)
                    )
                    .into());
                }
                match exec {
                    Exec::Tokio(_) => tokio::task::yield_now().await,
                    _ => smol::future::yield_now().await,
                }
            }
        })?;
        if trial % 2 == 0 {
            waits.push(waited);
        }
    }
    waits.sort();
    Ok((waits[waits.len() / 2], waits[waits.len() - 1]))
}

struct Args {
    url: Option<String>,
    rounds: usize,
    gets: usize,
    cached_gets: usize,
    tasks: usize,
    variants: Vec<Variant>,
}

fn parse_args() -> Result<Args, Error> {
    let mut args = Args {
        url: None,
        rounds: 7,
        gets: 300_000,
        cached_gets: 2_000_000,
        tasks: 64,
        variants: Variant::all(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            print!("{USAGE}");
            std::process::exit(0);
        }
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = Some(value()?),
            "--rounds" => args.rounds = value()?.parse::<usize>()?.max(1),
            "--gets" => args.gets = value()?.parse::<usize>()?.max(1),
            "--cached-gets" => args.cached_gets = value()?.parse::<usize>()?.max(1),
            "--tasks" => args.tasks = value()?.parse::<usize>()?.max(1),
            "--only" => {
                let wanted: Vec<String> = value()?.split(',').map(|s| s.trim().to_string()).collect();
                for w in &wanted {
                    if !Variant::all().iter().any(|v| &v.name() == w) {
                        return Err(format!("unknown variant {w:?}").into());
                    }
                }
                args.variants = Variant::all()
                    .into_iter()
                    .filter(|v| wanted.contains(&v.name()))
                    .collect();
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}").into()),
        }
    }
    Ok(args)
}

fn fmt_ops(v: f64) -> String {
    let s = format!("{:.0}", v);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn spread(values: &[f64], f: impl Fn(f64) -> String) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{} ({}–{})", f(median(values)), f(min), f(max))
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("cached_get: {e}");
        std::process::exit(1);
    }
}

fn real_main() -> Result<(), Error> {
    let args = parse_args()?;
    let server = match &args.url {
        Some(url) => Server::from_url(url)?,
        None => Server::start_throwaway()?,
    };
    let url = server.url();
    let mut plain = Plain::connect(server.addr)?;
    let data = Arc::new(Data::new());
    plain.set_all(&data.pairs())?;
    let execs = [Exec::tokio(None), Exec::Smol];
    let workers = execs[TOKIO].block_on(async { tokio::runtime::Handle::current().metrics().num_workers() });
    let header = format!(
        "cached-get: {} tasks sharing one client, {KEYS} keys of 16-byte values; {} GETs per sample cached, {} uncached; \
         redis {} at {url}; {} cores, tokio {workers} workers, SMOL_THREADS={}; rounds {}",
        args.tasks,
        args.cached_gets,
        args.gets,
        server.version(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::env::var("SMOL_THREADS").unwrap_or_else(|_| "unset (1)".into()),
        args.rounds
    );
    eprintln!("{header}");

    let mut conns = Vec::new();
    for &v in &args.variants {
        let conn = connect(v, &url, &execs).map_err(|e| format!("{}: connect: {e}", v.name()))?;
        // Warm-up: every key twice (a cache then holds them all), then one short concurrent run.
        let exec = &execs[exec_of(v)];
        exec.block_on(async {
            let mut c = conn.clone();
            for _ in 0..2 {
                for (k, val) in data.keys.iter().zip(&data.vals) {
                    if !c.get_is(k, val).await? {
                        return Err::<(), Error>(format!("warm-up: GET {k} returned a wrong value").into());
                    }
                }
            }
            Ok(())
        })
        .map_err(|e| format!("{}: {e}", v.name()))?;
        run(&conn, exec, &data, args.tasks, 20_000, &mut plain).map_err(|e| format!("{}: warm-up: {e}", v.name()))?;
        conns.push((v, conn));
    }

    let mut samples: Vec<Vec<Sample>> = conns.iter().map(|_| Vec::new()).collect();
    for round in 0..args.rounds {
        let n = conns.len();
        for i in 0..n {
            let at = (i + round) % n;
            let (v, conn) = &conns[at];
            let total = if v.cached { args.cached_gets } else { args.gets };
            let s = run(conn, &execs[exec_of(*v)], &data, args.tasks, total, &mut plain)
                .map_err(|e| format!("round {}: {}: {e}", round + 1, v.name()))?;
            eprintln!(
                "round {}/{} {:<22} {:>11} GETs/s  client {:>6.3} µs/GET  server {:>6.3} µs/GET  p50 {:>8.1} µs  p99 {:>8.1} µs  hits {}",
                round + 1,
                args.rounds,
                v.name(),
                fmt_ops(s.ops_s),
                s.client_us,
                s.server_us,
                s.p50,
                s.p99,
                s.hit_ratio.map_or("n/a".into(), |h| format!("{:.4}%", h * 100.0))
            );
            samples[at].push(s);
        }
    }

    let mut checks = Vec::new();
    for (v, conn) in &conns {
        if v.cached {
            let (p50, max) = check_invalidation(conn, &execs[exec_of(*v)], &data, &mut plain)
                .map_err(|e| format!("{}: invalidation check: {e}", v.name()))?;
            checks.push(format!(
                "{}: a write from another connection was seen after {:.0} µs (median of 21), {:.0} µs at most",
                v.name(),
                p50.as_secs_f64() * 1e6,
                max.as_secs_f64() * 1e6
            ));
        }
    }

    println!(
        "{header}\nMedians of {} rounds (smallest–largest round in brackets).\n",
        args.rounds
    );
    println!("| client | GETs/s | client CPU µs/GET | server CPU µs/GET | p50 µs | p99 µs | hit ratio |");
    println!("|---|--:|--:|--:|--:|--:|--:|");
    let col = |s: &[Sample], f: fn(&Sample) -> f64| s.iter().map(f).collect::<Vec<f64>>();
    let mut medians = Vec::new();
    for ((v, _), s) in conns.iter().zip(&samples) {
        let ops = col(s, |x| x.ops_s);
        let cpu = col(s, |x| x.client_us);
        let hits: Vec<f64> = s.iter().filter_map(|x| x.hit_ratio).collect();
        println!(
            "| {} | {} | {} | {:.3} | {:.1} | {:.1} | {} |",
            v.name(),
            spread(&ops, fmt_ops),
            spread(&cpu, |x| format!("{x:.3}")),
            median(&col(s, |x| x.server_us)),
            median(&col(s, |x| x.p50)),
            median(&col(s, |x| x.p99)),
            if hits.is_empty() {
                "n/a".to_string()
            } else {
                format!("{:.3}%", hits.iter().copied().fold(f64::INFINITY, f64::min) * 100.0)
            }
        );
        medians.push((*v, median(&ops), median(&cpu)));
    }
    println!("\nhit ratio: the lowest of the rounds (hits ÷ cacheable reads, from the client's own counters).\n");

    let find = |name: &str| {
        medians
            .iter()
            .find(|(v, _, _)| v.name() == name)
            .map(|&(_, o, c)| (o, c))
    };
    println!("| ratio | GETs/s | client CPU per GET |");
    println!("|---|--:|--:|");
    let ours = [
        "anyredis-tokio+cache",
        "anyredis-smol+cache",
        "anyredis-tokio",
        "anyredis-smol",
    ];
    for a in ours {
        for b in ["redis-rs", "rustis"] {
            let b = if a.ends_with("+cache") {
                format!("{b}+cache")
            } else {
                b.to_string()
            };
            if let (Some((oa, ca)), Some((ob, cb))) = (find(a), find(&b)) {
                println!("| {a} ÷ {b} | {:.2} | {:.2} |", oa / ob, ca / cb);
            }
        }
    }
    for lib in ["anyredis-tokio", "anyredis-smol", "redis-rs", "rustis"] {
        if let (Some((oa, ca)), Some((ob, cb))) = (find(&format!("{lib}+cache")), find(lib)) {
            println!("| {lib}: cache on ÷ off | {:.2} | {:.2} |", oa / ob, ca / cb);
        }
    }
    println!();
    for c in checks {
        println!("{c}");
    }
    drop(conns);
    drop(server);
    Ok(())
}
