//! The pub/sub scenarios: one publisher (plain blocking TCP on threads of its
//! own, the same for every client) and one subscriber of the client under test.
//!
//! - `pubsub-throughput`: the publisher pipelines `PUBLISH` of 16-byte payloads
//!   (the message's sequence number, 16 digits) in batches of
//!   [`PUBLISH_BATCH`], two batches in flight, never more than [`WINDOW`]
//!   messages ahead of what the subscriber has read (so the server's output
//!   buffer for the subscriber stays under its 8 MB pubsub soft limit). Wall
//!   time runs from the first publish to the subscriber's last message.
//! - `pubsub-latency`: the publisher sends [`LATENCY_RATE`] messages/s on a
//!   fixed schedule, each a 32-byte payload (sequence number, then the
//!   nanoseconds since [`BASE`] just before the write); the subscriber records
//!   now − that time.
//!
//! Every payload is checked: the sequence numbers must arrive exactly in
//! order, every `PUBLISH` must reply `:1` (one subscriber), and a stall of
//! [`STALL`] (a lost message) fails the run.
//!
//! Client CPU is the whole process's CPU over the run (`getrusage`) minus the
//! publisher threads' own CPU (`CLOCK_THREAD_CPUTIME_ID`, read by each thread),
//! i.e. the subscriber, its runtime, and the bench's per-message check.

mod subscribers;

use std::io::{BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use subscribers::{AnyredisSub, FredSub, RedisRsSub, RustisSub, Subscriber};

use crate::clients::{Error, Kind};
use crate::exec::Exec;
use crate::scenarios::{Sample, Scenario};
use crate::server::Plain;
use crate::stats::Histogram;

/// Messages of `pubsub-throughput` at scale 1.
pub const THROUGHPUT_MESSAGES: f64 = 1_000_000.0;
/// Messages of `pubsub-latency` at scale 1 (3 s at [`LATENCY_RATE`]).
pub const LATENCY_MESSAGES: f64 = 30_000.0;
/// `PUBLISH` commands per pipeline in `pubsub-throughput`.
pub const PUBLISH_BATCH: usize = 1000;
/// How far the throughput publisher may run ahead of the subscriber, in messages.
pub const WINDOW: usize = 65_536;
/// Messages per second in `pubsub-latency`.
pub const LATENCY_RATE: u64 = 10_000;
/// No message for this long fails the run.
const STALL: Duration = Duration::from_secs(10);
/// Messages each subscriber reads once before round 1.
const WARM_UP: usize = 2_000;

/// The clock the latency payloads are stamped against.
static BASE: OnceLock<Instant> = OnceLock::new();

fn now_ns() -> u64 {
    BASE.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

pub fn describe(scenario: Scenario, units: usize) -> String {
    match scenario {
        Scenario::PubsubThroughput => format!(
            "{units} messages of 16 bytes, published in pipelines of {PUBLISH_BATCH} by a raw TCP publisher, \
             read by one subscriber; ops/s = messages delivered per second, client CPU = the subscriber's µs per message"
        ),
        _ => format!(
            "{units} messages of 32 bytes published at {LATENCY_RATE}/s by a raw TCP publisher; \
             p50/p99 = publish-to-delivery latency; client CPU = the subscriber's µs per message"
        ),
    }
}

/// The channel a client's subscriber listens on (one per client, so only the
/// client under test receives anything).
fn channel(kind: Kind) -> String {
    format!("bench:pubsub:{}", kind.name())
}

enum Sub {
    Anyredis(AnyredisSub),
    RedisRs(RedisRsSub),
    Fred(FredSub),
    Rustis(RustisSub),
}

/// A client's subscriber, subscribed before round 1 and kept across rounds.
pub struct Subscription {
    kind: Kind,
    exec: usize,
    sub: Option<Sub>,
}

impl Subscription {
    pub fn connect(kind: Kind, url: &str, execs: &[Exec; 3], addr: SocketAddr) -> Result<Subscription, Error> {
        use crate::{ASYNC_STD, SMOL, TOKIO};
        let ch = channel(kind);
        let tokio = &execs[TOKIO];
        let (exec, sub) = match kind {
            // The hook variant subscribes like anyredis-tokio (the hook is on commands, not pub/sub).
            Kind::AnyredisTokio | Kind::AnyredisTokioHook => {
                let rt = anyredis::Runtime::tokio_with_handle(tokio.tokio_handle().ok_or("no tokio runtime")?);
                (
                    TOKIO,
                    Sub::Anyredis(tokio.block_on(AnyredisSub::connect(url, rt, &ch))?),
                )
            }
            Kind::AnyredisSmol => (
                SMOL,
                Sub::Anyredis(execs[SMOL].block_on(AnyredisSub::connect(url, anyredis::Runtime::smol(), &ch))?),
            ),
            Kind::AnyredisAsyncStd => (
                ASYNC_STD,
                Sub::Anyredis(execs[ASYNC_STD].block_on(AnyredisSub::connect(
                    url,
                    anyredis::Runtime::async_std(),
                    &ch,
                ))?),
            ),
            Kind::RedisRs => (TOKIO, Sub::RedisRs(tokio.block_on(RedisRsSub::connect(url, &ch))?)),
            Kind::Fred => (TOKIO, Sub::Fred(tokio.block_on(FredSub::connect(url, &ch))?)),
            Kind::Rustis => (TOKIO, Sub::Rustis(tokio.block_on(RustisSub::connect(url, &ch))?)),
            Kind::RedisBenchmark => return Err("redis-benchmark has no pub/sub subscriber".into()),
        };
        let mut s = Subscription {
            kind,
            exec,
            sub: Some(sub),
        };
        s.run_inner(&execs[exec], Mode::Throughput, WARM_UP, addr)?;
        Ok(s)
    }

    /// One timed run of `scenario` (a pub/sub one) at `scale`.
    pub fn run(
        &mut self,
        execs: &[Exec; 3],
        scenario: Scenario,
        scale: f64,
        addr: SocketAddr,
        plain: &mut Plain,
    ) -> Result<Sample, Error> {
        let mode = match scenario {
            Scenario::PubsubThroughput => Mode::Throughput,
            Scenario::PubsubLatency => Mode::Latency,
            other => return Err(format!("{} is not a pub/sub scenario", other.name()).into()),
        };
        let n = scenario.total_units(scale);
        let server_before = plain.server_cpu()?;
        let probe = crate::mem::Probe::start();
        let run = self.run_inner(&execs[self.exec], mode, n, addr)?;
        let usage = probe.finish();
        let server_cpu = plain.server_cpu()? - server_before;
        Ok(Sample {
            ops: n as u64,
            secs: run.secs,
            hist: run.hist,
            client_cpu: run.client_cpu,
            server_cpu,
            bytes: 0,
            usage,
            quantiles_us: None,
        })
    }

    fn run_inner(&mut self, exec: &Exec, mode: Mode, n: usize, addr: SocketAddr) -> Result<Run, Error> {
        let sub = self
            .sub
            .take()
            .ok_or("the subscriber was lost in an earlier failed run")?;
        let ch = channel(self.kind);
        let (sub, run) = match sub {
            Sub::Anyredis(s) => wrap(drive(exec, s, mode, n, addr, &ch), Sub::Anyredis),
            Sub::RedisRs(s) => wrap(drive(exec, s, mode, n, addr, &ch), Sub::RedisRs),
            Sub::Fred(s) => wrap(drive(exec, s, mode, n, addr, &ch), Sub::Fred),
            Sub::Rustis(s) => wrap(drive(exec, s, mode, n, addr, &ch), Sub::Rustis),
        };
        self.sub = sub;
        run
    }
}

fn wrap<S>(r: (Option<S>, Result<Run, Error>), f: impl FnOnce(S) -> Sub) -> (Option<Sub>, Result<Run, Error>) {
    (r.0.map(f), r.1)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Throughput,
    Latency,
}

struct Run {
    secs: f64,
    hist: Histogram,
    client_cpu: f64,
}

/// Publisher and subscriber for one run; gives the subscriber back unless it stalled.
fn drive<S: Subscriber>(
    exec: &Exec,
    sub: S,
    mode: Mode,
    n: usize,
    addr: SocketAddr,
    channel: &str,
) -> (Option<S>, Result<Run, Error>) {
    let progress = Arc::new(AtomicU64::new(0));
    let publisher = match Publisher::connect(addr, channel) {
        Ok(p) => p,
        Err(e) => return (Some(sub), Err(e)),
    };
    now_ns();

    let cpu_before = crate::cpu::self_cpu_seconds();
    let start = Instant::now();
    let task = exec.spawn(consume(sub, mode, n, progress.clone()));
    let pub_progress = progress.clone();
    let publishing = std::thread::spawn(move || match mode {
        Mode::Throughput => publisher.throughput(n, &pub_progress),
        Mode::Latency => publisher.paced(n),
    });
    let outcome = exec.block_on(smol::future::or(
        async { Some(task.join().await) },
        stall_watch(&progress),
    ));
    let secs = start.elapsed().as_secs_f64();
    if outcome.is_none() {
        // Releases a publisher waiting for the subscriber to catch up.
        progress.store(u64::MAX, Ordering::Relaxed);
    }
    let published = publishing
        .join()
        .unwrap_or_else(|_| Err("the publisher panicked".into()));
    let cpu = crate::cpu::self_cpu_seconds() - cpu_before;

    let Some((sub, consumed)) = outcome else {
        let why = match published {
            Err(e) => format!("publisher: {e}"),
            Ok(_) => format!(
                "no message for {STALL:?}: {} of {n} received (messages lost)",
                progress.load(Ordering::Relaxed)
            ),
        };
        return (None, Err(why.into()));
    };
    let run = (|| {
        let publisher_cpu = published.map_err(|e| format!("publisher: {e}"))?;
        let hist = consumed?;
        Ok(Run {
            secs,
            hist,
            client_cpu: cpu - publisher_cpu,
        })
    })();
    (Some(sub), run)
}

/// Resolves (to `None`) when the subscriber has made no progress for [`STALL`].
async fn stall_watch<T>(progress: &AtomicU64) -> Option<T> {
    let mut last = u64::MAX;
    loop {
        smol::Timer::after(STALL).await;
        let now = progress.load(Ordering::Relaxed);
        if now == last {
            return None;
        }
        last = now;
    }
}

/// The subscriber's side: `n` messages, each checked to carry the next
/// sequence number (and, for latency, its publish time recorded).
async fn consume<S: Subscriber>(
    mut sub: S,
    mode: Mode,
    n: usize,
    progress: Arc<AtomicU64>,
) -> (S, Result<Histogram, Error>) {
    let mut hist = Histogram::default();
    let mut expected = 0u64;
    let want_len = match mode {
        Mode::Throughput => 16,
        Mode::Latency => 32,
    };
    let result = sub
        .receive(n, |payload| {
            if payload.len() != want_len {
                return Err(format!("message {expected}: payload of {} bytes", payload.len()).into());
            }
            let seq = digits(&payload[..16]);
            if seq != Some(expected) {
                return Err(format!(
                    "expected message {expected}, got {:?} (lost or reordered)",
                    String::from_utf8_lossy(payload)
                )
                .into());
            }
            if mode == Mode::Latency {
                let sent = digits(&payload[16..]).ok_or("bad timestamp")?;
                hist.record(Duration::from_nanos(now_ns().saturating_sub(sent)));
            }
            expected += 1;
            progress.store(expected, Ordering::Relaxed);
            Ok(())
        })
        .await;
    (sub, result.map(|()| hist))
}

/// 16 ASCII digits as a number.
fn digits(b: &[u8]) -> Option<u64> {
    b.iter().try_fold(0u64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u64::from(c - b'0'))
    })
}

fn write_digits(out: &mut Vec<u8>, n: u64) {
    let mut buf = [b'0'; 16];
    let mut n = n;
    for d in buf.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&buf);
}

/// A blocking RESP connection that only publishes.
struct Publisher {
    stream: TcpStream,
    /// `*3\r\n$7\r\nPUBLISH\r\n$<len>\r\n<channel>\r\n`.
    prefix: Vec<u8>,
}

const REPLY: &[u8] = b":1\r\n";

impl Publisher {
    fn connect(addr: SocketAddr, channel: &str) -> Result<Publisher, Error> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(STALL))?;
        let prefix = format!("*3\r\n$7\r\nPUBLISH\r\n${}\r\n{channel}\r\n", channel.len()).into_bytes();
        Ok(Publisher { stream, prefix })
    }

    fn encode(&self, out: &mut Vec<u8>, seq: u64, stamp: Option<u64>) {
        out.extend_from_slice(&self.prefix);
        out.extend_from_slice(if stamp.is_some() { b"$32\r\n" } else { b"$16\r\n" });
        write_digits(out, seq);
        if let Some(t) = stamp {
            write_digits(out, t);
        }
        out.extend_from_slice(b"\r\n");
    }

    /// Reads `k` replies, each of which must be `:1`.
    fn check_replies(reader: &mut impl Read, buf: &mut Vec<u8>, k: usize) -> Result<(), Error> {
        buf.resize(k * REPLY.len(), 0);
        reader.read_exact(buf)?;
        match buf.chunks(REPLY.len()).position(|r| r != REPLY) {
            None => Ok(()),
            Some(i) => Err(format!(
                "PUBLISH replied {:?} (the subscriber is not subscribed?)",
                String::from_utf8_lossy(&buf[i * REPLY.len()..(i * REPLY.len() + 40).min(buf.len())])
            )
            .into()),
        }
    }

    /// Publishes `n` messages as fast as the subscriber (and [`WINDOW`]) allow;
    /// returns this thread's CPU seconds.
    fn throughput(self, n: usize, progress: &AtomicU64) -> Result<f64, Error> {
        let cpu_before = crate::cpu::thread_cpu_seconds();
        let mut reader = BufReader::with_capacity(1 << 16, self.stream.try_clone()?);
        let mut writer = &self.stream;
        let (mut out, mut replies) = (Vec::new(), Vec::new());
        let (mut sent, mut acked) = (0usize, 0usize);
        while acked < n {
            while sent < n && sent - acked < 2 * PUBLISH_BATCH {
                while sent.saturating_sub(progress.load(Ordering::Relaxed) as usize) >= WINDOW {
                    std::thread::sleep(Duration::from_micros(50));
                }
                let k = PUBLISH_BATCH.min(n - sent);
                out.clear();
                for seq in sent..sent + k {
                    self.encode(&mut out, seq as u64, None);
                }
                writer.write_all(&out)?;
                sent += k;
            }
            let k = PUBLISH_BATCH.min(sent - acked);
            Self::check_replies(&mut reader, &mut replies, k)?;
            acked += k;
        }
        Ok(crate::cpu::thread_cpu_seconds() - cpu_before)
    }

    /// Publishes `n` messages at [`LATENCY_RATE`]/s, each stamped with the
    /// time just before its write; the replies are read by a second thread.
    /// Returns the CPU seconds of both threads.
    fn paced(self, n: usize) -> Result<f64, Error> {
        let cpu_before = crate::cpu::thread_cpu_seconds();
        let mut reader = BufReader::new(self.stream.try_clone()?);
        let replies = std::thread::spawn(move || -> Result<f64, Error> {
            let cpu_before = crate::cpu::thread_cpu_seconds();
            let mut buf = Vec::new();
            let mut left = n;
            while left > 0 {
                let k = left.min(64);
                Self::check_replies(&mut reader, &mut buf, k)?;
                left -= k;
            }
            Ok(crate::cpu::thread_cpu_seconds() - cpu_before)
        });
        let mut writer = &self.stream;
        let period = Duration::from_nanos(1_000_000_000 / LATENCY_RATE);
        let start = Instant::now();
        let mut out = Vec::new();
        let mut seq = 0u64;
        let n64 = n as u64;
        let written = (|| -> Result<(), Error> {
            while seq < n64 {
                let now = Instant::now();
                let due = start + period * seq as u32;
                if now < due {
                    std::thread::sleep(due - now);
                    continue;
                }
                out.clear();
                let stamp = now_ns();
                while seq < n64 && start + period * seq as u32 <= now {
                    self.encode(&mut out, seq, Some(stamp));
                    seq += 1;
                }
                writer.write_all(&out)?;
            }
            Ok(())
        })();
        let own = crate::cpu::thread_cpu_seconds() - cpu_before;
        if let Err(e) = written {
            // Unblocks the reply reader.
            let _ = self.stream.shutdown(std::net::Shutdown::Both);
            let _ = replies.join();
            return Err(e);
        }
        let theirs = replies.join().map_err(|_| "the reply reader panicked")??;
        Ok(own + theirs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_round_trip() {
        let mut v = Vec::new();
        write_digits(&mut v, 1_234_567);
        assert_eq!(v, b"0000000001234567");
        assert_eq!(digits(&v), Some(1_234_567));
        assert_eq!(digits(b"00000000000x0001"), None);
    }
}
