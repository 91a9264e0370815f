//! The pool keeps its capacity when acquiring futures are dropped (while
//! connecting, during the health check, after a connection was handed to
//! them), and `close` fails waiters at once and closes every connection.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyredis::prelude::*;
use anyredis::{Client, ClientBuilder, PoolConfig, Runtime};
use anyredis_test_support::{RawConnection, RedisServer};
use futures_util::future::{join, join3, select, Either};
use futures_util::FutureExt;

use crate::util::{info_field, sleep, Rng};
use crate::TestResult;

/// How long any awaited condition may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(20);

type Popped = Option<(String, String)>;

/// A blocking pop, which always runs on a pooled connection.
fn blpop<'a>(c: &'a Client, list: &str, seconds: f64) -> impl Future<Output = anyredis::Result<Popped>> + 'a {
    c.cmd("BLPOP").arg(list).arg(seconds).query::<Popped>()
}

/// A BLPOP that holds the pool's only connection (blocked on the server),
/// and a second one queued for it (polled once, so it waits in line).
async fn holder_and_waiter<'a>(
    c: &'a Client,
) -> Result<
    (
        std::pin::Pin<Box<impl Future<Output = anyredis::Result<Popped>> + 'a>>,
        std::pin::Pin<Box<impl Future<Output = anyredis::Result<Popped>> + 'a>>,
    ),
    Box<dyn std::error::Error + Send + Sync>,
> {
    let mut holder = Box::pin(blpop(c, "held", 0.0));
    match select(holder.as_mut(), Box::pin(wait_until_blocked(c, 1))).await {
        Either::Left((out, _)) => return Err(format!("the holder finished early: {out:?}").into()),
        Either::Right((blocked, _)) => blocked?,
    }
    let mut waiter = Box::pin(blpop(c, "waited", 0.0));
    if waiter.as_mut().now_or_never().is_some() {
        return Err("the waiter got a connection while the only one was held".into());
    }
    Ok((holder, waiter))
}

/// Polls `done` until it holds, failing after [`PATIENCE`].
async fn wait_for(what: &str, mut done: impl FnMut() -> bool) -> TestResult {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}").into());
        }
        sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

/// Waits until the server reports `n` blocked clients.
async fn wait_until_blocked(c: &Client, n: usize) -> TestResult {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let info: String = c.cmd("INFO").arg("clients").query().await?;
        let blocked = info_field(&info.replace(':', "="), "blocked_clients").and_then(|v| v.trim().parse().ok());
        if blocked == Some(n) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the server never had {n} blocked clients ({blocked:?})").into());
        }
        sleep(Duration::from_millis(5)).await;
    }
}

/// Runs `fut` for at most `limit`: `None` when it was dropped unfinished.
async fn for_at_most<F: Future>(limit: Duration, fut: F) -> Option<F::Output> {
    match select(Box::pin(fut), Box::pin(sleep(limit))).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(((), _)) => None,
    }
}

/// Whether the server fails to answer a `PING` quickly (it is in `DEBUG SLEEP`).
fn server_is_asleep(server: &RedisServer) -> bool {
    let Ok(mut raw) = server.raw_connection() else {
        return false;
    };
    if raw.set_timeout(Some(Duration::from_millis(500))).is_err() {
        return false;
    }
    raw.command(&["PING"]).is_err()
}

/// Puts the server to sleep for `seconds` from a thread of its own, and
/// returns once it sleeps. The thread ends when the sleep does.
async fn put_to_sleep(
    server: &RedisServer,
    seconds: u32,
) -> Result<JoinHandle<()>, Box<dyn std::error::Error + Send + Sync>> {
    let mut raw: RawConnection = server.raw_connection()?;
    raw.set_timeout(Some(Duration::from_secs(u64::from(seconds) + 30)))?;
    let seconds = seconds.to_string();
    let sleeper = thread::spawn(move || {
        let reply = raw.command(&["DEBUG", "SLEEP", seconds.as_str()]);
        assert!(matches!(&reply, Ok(r) if !r.is_error()), "DEBUG SLEEP: {reply:?}");
    });
    let deadline = Instant::now() + PATIENCE;
    while !server_is_asleep(server) {
        if Instant::now() > deadline || sleeper.is_finished() {
            return Err("the server never went to sleep".into());
        }
        sleep(Duration::from_millis(5)).await;
    }
    Ok(sleeper)
}

/// A TCP listener that accepts connections and never answers.
struct Silent {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Silent {
    fn start() -> io::Result<Silent> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((socket, _)) => held.push(socket),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(5)),
                    Err(_) => return,
                }
            }
        });
        Ok(Silent {
            addr,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A server that accepts `DEBUG SLEEP`.
fn debug_server() -> RedisServer {
    RedisServer::builder().arg("--enable-debug-command").arg("yes").build()
}

fn pool_config(max: usize, acquire_timeout: Duration) -> PoolConfig {
    let mut pool = PoolConfig::default();
    pool.max_connections = max;
    pool.acquire_timeout = Some(acquire_timeout);
    pool
}

/// Acquiring futures dropped while their connection is being opened give
/// their slot back: the next caller gets the connect timeout, not a wait for
/// a free connection.
pub async fn dropped_while_connecting(rt: Runtime) -> TestResult {
    let silent = Silent::start()?;
    let c = ClientBuilder::new()
        .host(silent.addr.ip().to_string(), silent.addr.port())
        .connect_timeout(Some(Duration::from_secs(2)))
        .pool(pool_config(2, Duration::from_secs(5)))
        .runtime(rt)
        .build()?;
    for _ in 0..5 {
        let out = for_at_most(Duration::from_millis(100), blpop(&c, "q", 0.0)).await;
        assert!(out.is_none(), "nothing answers, so nothing can finish: {out:?}");
    }
    wait_for("every slot to come back", || c.pool_status().open == 0).await?;
    let started = Instant::now();
    let err = blpop(&c, "q", 0.0).await.expect_err("nothing answers");
    assert!(err.is_timeout(), "{err}");
    assert!(
        !err.to_string().contains("pooled connection"),
        "a slot was free, the caller connected: {err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(c.pool_status().open, 0);
    Ok(())
}

/// An acquiring future dropped while the health check's `PING` waits closes
/// that connection and frees its slot: afterwards all `max_connections`
/// connections can be leased at once.
pub async fn dropped_during_health_check(rt: Runtime) -> TestResult {
    let server = debug_server();
    let mut pool = pool_config(2, Duration::from_secs(5));
    pool.health_check_after = Duration::ZERO;
    let c = ClientBuilder::from_url(&server.url())?.pool(pool).runtime(rt).build()?;
    let (a, b) = join(blpop(&c, "a", 0.05), blpop(&c, "b", 0.05)).await;
    assert_eq!((a?, b?), (None, None));
    let status = c.pool_status();
    assert_eq!((status.idle, status.open), (2, 2));

    let sleeper = put_to_sleep(&server, 3).await?;
    // Two callers take the idle connections and wait for their PING; the
    // third opens a connection whose handshake waits. All are dropped.
    for _ in 0..3 {
        let out = for_at_most(Duration::from_millis(150), blpop(&c, "a", 0.05)).await;
        assert!(out.is_none(), "the server sleeps: {out:?}");
    }
    wait_for("the checked connections to be closed", || c.pool_status().open == 0).await?;
    wait_for("the server to wake up", || sleeper.is_finished()).await?;

    let (x, y, pushed) = join3(blpop(&c, "q", 0.0), blpop(&c, "q", 0.0), async {
        wait_until_blocked(&c, 2).await?;
        Ok::<u64, Box<dyn std::error::Error + Send + Sync>>(c.rpush("q", ["1", "2"]).await?)
    })
    .await;
    assert_eq!(pushed?, 2);
    let mut got = vec![x?, y?];
    got.sort();
    assert_eq!(
        got,
        [Some(("q".into(), "1".into())), Some(("q".into(), "2".into()))],
        "both connections were leased at once"
    );
    assert_eq!(c.pool_status().open, 2);
    Ok(())
}

/// A connection handed to a waiter that is dropped before it looks goes back
/// to the pool; so does one that meets a waiter's acquire timeout.
pub async fn handed_to_dropped_waiter(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .pool(pool_config(1, Duration::from_secs(5)))
        .runtime(rt.clone())
        .build()?;
    for round in 0..3 {
        // The waiter queues for the one connection, then is never polled again.
        let (holder, waiter) = holder_and_waiter(&c).await?;
        let (popped, pushed) = join(holder, c.rpush("held", round)).await;
        assert_eq!(popped?, Some(("held".into(), round.to_string())));
        assert_eq!(pushed?, 1);
        // The holder's connection now sits in the waiter's channel.
        drop(waiter);
        assert_eq!(
            blpop(&c, "other", 0.01).await?,
            None,
            "round {round}: the pool still has its connection"
        );
        let status = c.pool_status();
        assert_eq!((status.idle, status.open), (1, 1), "round {round}");
    }

    // Waiters whose acquire timeout races the holder's release.
    let racing = ClientBuilder::from_url(&server.url())?
        .pool(pool_config(1, Duration::from_millis(30)))
        .runtime(rt)
        .build()?;
    let mut rng = Rng::new(7);
    for _ in 0..40 {
        let hold = 0.02 + rng.below(20) as f64 / 1000.0;
        let (held, waited) = join(blpop(&racing, "h", hold), blpop(&racing, "w", 0.01)).await;
        assert_eq!(held?, None);
        if let Err(e) = waited {
            assert!(e.is_timeout() && e.to_string().contains("pooled connection"), "{e}");
        }
    }
    assert_eq!(racing.pool_status().open, 1);
    for _ in 0..3 {
        assert_eq!(blpop(&racing, "w", 0.01).await?, None, "capacity is intact");
    }
    Ok(())
}

/// `close` fails waiters with `Closed` at once; leases released afterwards
/// close their connections, and a connection being opened during `close` is
/// closed instead of used.
pub async fn close_fails_waiters_and_closes_leases(rt: Runtime) -> TestResult {
    let server = debug_server();
    let c = ClientBuilder::from_url(&server.url())?
        .pool(pool_config(1, Duration::from_secs(30)))
        .runtime(rt.clone())
        .build()?;
    let (holder, waiter) = holder_and_waiter(&c).await?;
    let started = Instant::now();
    c.close().await;
    let err = for_at_most(PATIENCE, waiter)
        .await
        .ok_or("the waiter was not woken by close")?
        .expect_err("closed");
    assert!(err.is_closed(), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    let err = blpop(&c, "after", 0.0).await.expect_err("closed");
    assert!(err.is_closed(), "{err}");

    // The lease still runs its command; released after close, it is closed.
    assert_eq!(c.pool_status().open, 1);
    server.raw_command(&["RPUSH", "held", "x"]);
    assert_eq!(holder.await?, Some(("held".into(), "x".into())));
    let status = c.pool_status();
    assert_eq!((status.idle, status.open), (0, 0));

    // A connection whose handshake is under way when the pool closes is not used.
    let d = ClientBuilder::from_url(&server.url())?
        .pool(pool_config(1, Duration::from_secs(30)))
        .runtime(rt)
        .build()?;
    let sleeper = put_to_sleep(&server, 2).await?;
    let mut connecting = Box::pin(blpop(&d, "q", 0.01));
    assert!(connecting.as_mut().now_or_never().is_none());
    assert_eq!(d.pool_status().open, 1);
    d.close().await;
    let out = for_at_most(PATIENCE, connecting)
        .await
        .ok_or("the connecting caller never finished")?;
    let err = out.expect_err("the pool closed while connecting");
    assert!(err.is_closed(), "{err}");
    wait_for("the server to wake up", || sleeper.is_finished()).await?;
    wait_for("the new connection to be closed", || d.pool_status().open == 0).await?;
    assert_eq!(d.pool_status().idle, 0);
    Ok(())
}

/// The ids of the server's clients whose last command was `cmd`.
fn client_ids(server: &RedisServer, cmd: &str) -> Vec<String> {
    server
        .raw_command(&["CLIENT", "LIST"])
        .lines()
        .filter(|line| info_field(line, "cmd") == Some(cmd))
        .filter_map(|line| info_field(line, "id").map(str::to_owned))
        .collect()
}

/// A pooled connection that fails while idle is found out before it is
/// leased again (it broke, or its `PING` fails) and replaced: the caller's
/// command succeeds on a new connection.
pub async fn health_check_replaces_bad_connection(rt: Runtime) -> TestResult {
    let server = RedisServer::builder()
        .acl_user("worker", "secret", "~* &* +@all")
        .build();
    let mut pool = pool_config(1, Duration::from_secs(10));
    pool.health_check_after = Duration::ZERO;
    let c = ClientBuilder::from_url(&server.url())?
        .username("worker")
        .password("secret")
        .pool(pool)
        .runtime(rt)
        .build()?;

    // Killed while idle.
    assert_eq!(blpop(&c, "q", 0.01).await?, None);
    let first = client_ids(&server, "blpop");
    assert_eq!(first.len(), 1, "{first:?}");
    server.raw_command(&["CLIENT", "KILL", "ID", first[0].as_str()]);
    assert_eq!(blpop(&c, "q", 0.01).await?, None, "served on a new connection");
    let second = client_ids(&server, "blpop");
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(first, second);
    assert_eq!(c.pool_status().open, 1);

    // Alive but failing its PING (the user may no longer run it).
    server.raw_command(&["ACL", "SETUSER", "worker", "-ping"]);
    assert_eq!(blpop(&c, "q", 0.01).await?, None, "served on a new connection");
    let third = client_ids(&server, "blpop");
    assert_eq!(
        third.len(),
        1,
        "the connection that failed its PING is closed: {third:?}"
    );
    assert_ne!(second, third);
    let status = c.pool_status();
    assert_eq!((status.idle, status.open), (1, 1));
    Ok(())
}
