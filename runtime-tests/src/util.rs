//! Small helpers shared by the cases.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use anyredis::{Client, ClientBuilder, Runtime};
use anyredis_test_support::RedisServer;
use futures_util::FutureExt;

/// A client for `url` on `rt` (the tests enable every runtime feature, so
/// the runtime is always chosen explicitly).
pub fn client(url: &str, rt: &Runtime) -> anyredis::Result<Client> {
    ClientBuilder::from_url(url)?.runtime(rt.clone()).build()
}

/// `CLIENT KILL TYPE pubsub` through `c`: closes every subscribed
/// connection on the server (a pub/sub handle's, a RESP2 invalidation
/// connection's); returns how many.
pub async fn kill_pubsub_connections(c: &Client) -> anyredis::Result<i64> {
    c.cmd("CLIENT").arg("KILL").arg("TYPE").arg("pubsub").query().await
}

/// Sleeps on the runtime-neutral async-io timer.
pub async fn sleep(duration: Duration) {
    async_io::Timer::after(duration).await;
}

/// Runs `task` as a task of its own on the case's runtime (so on any of its
/// threads, racing the connection's driver) and returns a future of its
/// output. A panic in the task is resumed in the caller.
///
/// Panics when called outside a case run by [`crate::run`].
pub fn spawn<T: Send + 'static>(
    rt: &Runtime,
    task: impl Future<Output = T> + Send + 'static,
) -> impl Future<Output = T> + Send + 'static {
    let (tx, rx) = smol::channel::bounded(1);
    let task = async move {
        let outcome = AssertUnwindSafe(task).catch_unwind().await;
        let _ = tx.send(outcome).await;
    };
    match rt.name() {
        "tokio" => drop(tokio::spawn(task)),
        "async-std" => drop(async_std::task::spawn(task)),
        "smol" => crate::run::current_smol_executor()
            .expect("util::spawn on smol outside a case run by run::on_smol")
            .spawn(task)
            .detach(),
        other => panic!("util::spawn: unknown runtime {other}"),
    }
    async move {
        match rx.recv().await {
            Ok(Ok(value)) => value,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => panic!("a spawned task was dropped before it finished"),
        }
    }
}

/// Spawns every task ([`spawn`]) at once and returns a future of all their
/// outputs, in order.
pub fn spawn_all<T, F>(rt: &Runtime, tasks: impl IntoIterator<Item = F>) -> impl Future<Output = Vec<T>> + Send
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let handles: Vec<_> = tasks.into_iter().map(|task| spawn(rt, task)).collect();
    futures_util::future::join_all(handles)
}

/// Polls `condition` every few milliseconds until it holds; fails after
/// `limit` with `what` in the message. For waiting on a state instead of
/// sleeping for a guessed time.
pub async fn wait_for(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("timed out after {limit:?} waiting for {what}"));
        }
        sleep(Duration::from_millis(5)).await;
    }
}

/// The server's client connections (from `CLIENT LIST`), without the one asking.
pub fn connections(server: &RedisServer) -> Vec<String> {
    let list = server.raw_command(&["CLIENT", "LIST"]);
    list.lines()
        .filter(|line| info_field(line, "cmd") != Some("client|list") && info_field(line, "cmd") != Some("client"))
        .map(str::to_owned)
        .collect()
}

/// Waits until `n` connections of the server are blocked in a command named `cmd`
/// (`CLIENT LIST`'s `cmd=` field, lowercase, e.g. `blpop`, `xread`); panics
/// after 20 s.
pub async fn wait_until_blocked_in(server: &RedisServer, cmd: &str, n: usize) {
    wait_for(
        &format!("{n} connection(s) blocked in {cmd}"),
        Duration::from_secs(20),
        || {
            connections(server)
                .iter()
                .filter(|line| {
                    info_field(line, "cmd") == Some(cmd) && info_field(line, "flags").is_some_and(|f| f.contains('b'))
                })
                .count()
                == n
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}: {:?}", connections(server)))
}

/// One `key=value` field of a `CLIENT INFO` / `CLIENT LIST` line.
pub fn info_field<'a>(info: &'a str, key: &str) -> Option<&'a str> {
    info.split_whitespace()
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

/// A small deterministic pseudo-random generator for tests (xorshift64).
pub struct Rng(u64);

/// Runs `future` until it completes (`Some`) or until it has been polled
/// `polls` times and is woken once more (`None`: it was dropped there, at
/// an await of its own). Unlike a timer, this cuts at the same await on a
/// fast machine as on a slow one, and below a timer's resolution.
pub async fn cut_after_polls<F: Future>(future: F, polls: u32) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut left = polls;
    std::future::poll_fn(move |cx| {
        if left == 0 {
            return std::task::Poll::Ready(None);
        }
        left -= 1;
        future.as_mut().poll(cx).map(Some)
    })
    .await
}

impl Rng {
    /// A generator from a seed (any value; 0 is replaced).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Fails unless `result` is a server error with `code` whose message
/// contains `text` (checks that fail for the right reason, not any error).
pub fn expect_server_error<T: std::fmt::Debug>(result: anyredis::Result<T>, code: &str, text: &str) {
    match result {
        Err(err) => {
            assert_eq!(err.code(), Some(code), "{err}");
            assert!(err.to_string().contains(text), "{err:?} does not say {text:?}");
        }
        Ok(v) => panic!("expected a {code} error ({text}), got {v:?}"),
    }
}

/// Fails unless `result` is a connection error (the connection was lost or closed).
pub fn expect_connection_error<T: std::fmt::Debug>(result: anyredis::Result<T>) -> anyredis::Error {
    match result {
        Err(err) => {
            assert!(
                err.is_connection(),
                "expected a connection error, got {:?}: {err}",
                err.kind()
            );
            err
        }
        Ok(v) => panic!("expected a connection error, got {v:?}"),
    }
}

/// The version of the `redis-server` the tests run, as (major, minor, patch).
pub fn server_version() -> (u32, u32, u32) {
    anyredis_test_support::server_version()
}

/// Gate for a case that needs Redis `min`: true when the server has it.
/// Otherwise checks that the older server refuses the newer feature
/// clearly: every command of `probe` but the last is run (set-up), the last
/// must fail with a server error whose message contains `refusal`. Then the
/// case ends there (false), saying so on stderr.
pub async fn needs_version(
    rt: &Runtime,
    min: (u32, u32, u32),
    probe: &[&[&str]],
    refusal: &str,
) -> anyredis::Result<bool> {
    let version = server_version();
    if version >= min {
        return Ok(true);
    }
    let server = RedisServer::new();
    // A dedicated connection: probes may be connection-state commands, which
    // the shared connection refuses before the server could.
    let shared = client(&server.url(), rt)?;
    let c = shared.dedicated().await?;
    let (last, setup) = probe.split_last().expect("a probe command");
    for command in setup {
        c.cmd(command[0]).arg(&command[1..]).query::<anyredis::Value>().await?;
    }
    let result = c.cmd(last[0]).arg(&last[1..]).query::<anyredis::Value>().await;
    match result {
        Err(err) if err.is_server() && err.to_string().contains(refusal) => {}
        other => panic!("Redis {version:?} should refuse {last:?} with {refusal:?}, got {other:?}"),
    }
    eprintln!(
        "needs Redis {}.{}.{}; on {}.{}.{} only the refusal of {last:?} was checked",
        min.0, min.1, min.2, version.0, version.1, version.2
    );
    Ok(false)
}

/// Stops a case on servers older than `min`, with a reason on stderr (for
/// differences that are not a server error, such as a reply's shape).
pub fn skip_before(min: (u32, u32, u32), reason: &str) -> bool {
    let version = server_version();
    if version >= min {
        return false;
    }
    eprintln!("not run on Redis {version:?} (needs {min:?}): {reason}");
    true
}
