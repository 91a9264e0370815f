//! The user-facing handle: [`Client`], and [`ClientBuilder`] to configure one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::backoff;
use crate::cmd::Cmd;
use crate::config::Config;
use crate::dedicated::Connection;
use crate::error::RequestState;
use crate::multiplex::{Multiplexer, OneReceiver, QueueLimits};
use crate::pipeline::Pipeline;
use crate::pool::Pool;
use crate::request::{ReplyFuture, Sharing, Source};
use crate::rt::{BoxFuture, Runtime};
use crate::value::{Args, FromValue, ToArgs};
use crate::{Error, Result};

pub use crate::builder::ClientBuilder;

/// A Redis client. Cheap to clone: clones share one connection.
///
/// Creating a client does no I/O. The first command connects; commands from
/// every clone and task are pipelined over that one connection. When the
/// connection breaks, commands in flight fail with a connection error (which
/// says whether each was sent) and the next command connects again. After a
/// failed attempt, the next one waits a capped exponential backoff with
/// jitter (see [`ClientBuilder::reconnect_backoff`]); callers queued behind a
/// failing attempt get its error instead of trying again one by one.
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use anyredis::prelude::*;
///
/// let client = Client::open("redis://127.0.0.1:6379/0")?;
/// client.set("greeting", "hello").await?;
/// let value: Option<String> = client.get("greeting").await?;
/// assert_eq!(value.as_deref(), Some("hello"));
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    runtime: Runtime,
    /// Dedicated connections for blocking commands and transactions.
    pool: Pool,
    current: RwLock<Option<Multiplexer>>,
    /// Serialises connecting, so concurrent first calls share one connection.
    connecting: futures_util::lock::Mutex<()>,
    /// Set by `close`: no command is sent and no connection installed after it.
    closed: AtomicBool,
    reconnect: Mutex<Reconnect>,
    /// Push frames of the shared connection that are no reply.
    pushes: Arc<crate::pubsub::PushInbox>,
    /// The client-side cache, when configured.
    cache: Option<Arc<crate::client_cache::LocalCache>>,
}

/// Connection attempts of the shared connection, for backoff.
#[derive(Default)]
struct Reconnect {
    /// Attempts made so far (a caller compares before and after waiting).
    attempts: u64,
    /// Failed attempts in a row.
    failures: u32,
    /// No new attempt before this instant.
    not_before: Option<Instant>,
    /// The last attempt's error, shared with callers that waited on it.
    last_error: Option<Error>,
}

impl Client {
    /// A client for a URL, with the runtime of the enabled cargo feature.
    ///
    /// Forms accepted:
    /// - `redis://[user][:password]@host[:port][/db][?options]` (port 6379, db 0 by default);
    /// - `rediss://...` for TLS (feature `tls`);
    /// - `unix:///path/to/redis.sock[?db=N&user=U&password=P]`.
    ///
    /// Options: `protocol=2|3`, `db=N`, `client_name=NAME` (or `name`),
    /// `connect_timeout=5s`, `response_timeout=500ms` (or `none`),
    /// `keepalive=60s|none`, `nodelay=true|false`, `user=U` (or `username`),
    /// `password=P`, `lib_info=true|false`, `max_connections=N`, and for
    /// `rediss://` only `insecure=true` (no certificate checks); the README
    /// has the table with defaults. User names, passwords and values are
    /// percent-decoded (an invalid escape is an error); a repeated option,
    /// port 0 or a zero timeout is refused.
    pub fn open(url: &str) -> Result<Client> {
        ClientBuilder::from_url(url)?.build()
    }

    /// A builder with default settings (`redis://127.0.0.1:6379/0`).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_parts(config: Config, runtime: Runtime) -> Client {
        let cache = config
            .client_cache
            .clone()
            .map(|c| Arc::new(crate::client_cache::LocalCache::new(c)));
        Client {
            inner: Arc::new(Inner {
                pool: Pool::new(config.clone(), runtime.clone()),
                config,
                runtime,
                current: RwLock::new(None),
                connecting: futures_util::lock::Mutex::new(()),
                closed: AtomicBool::new(false),
                reconnect: Mutex::new(Reconnect::default()),
                pushes: crate::pubsub::inbox(),
                cache,
            }),
        }
    }

    /// The configuration this client connects with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The runtime this client runs on.
    pub fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    /// Starts a raw command bound to this client:
    /// `client.cmd("SET").arg("k").arg("v").query::<()>().await`.
    ///
    /// The command is classified from its name when sent: blocking commands
    /// run on a pooled connection; commands that change the connection's
    /// state (`SELECT`, `WATCH`, `SUBSCRIBE`, ...) are refused with
    /// [`crate::ErrorKind::Usage`] (use [`Client::dedicated`]).
    pub fn cmd(&self, name: &str) -> BoundCmd {
        BoundCmd::new(self.source(), name)
    }

    /// Sends one command (name first), routed by its class.
    pub(crate) fn send<T>(&self, args: Args) -> ReplyFuture<T> {
        ReplyFuture::new(self.source(), args)
    }

    fn source(&self) -> Arc<dyn Source> {
        self.inner.clone()
    }

    /// A pipeline of commands to send together over the shared connection
    /// (or, when it holds a blocking command, over a pooled one).
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::new(self.source())
    }

    /// A [`crate::Script`] for this Lua source (the redis-py name): its SHA1
    /// is computed once; invoke it on this or any other client.
    pub fn register_script(&self, code: impl Into<String>) -> crate::Script {
        crate::Script::new(code)
    }

    /// A dedicated connection from this client's pool (opened when none is
    /// idle, waiting up to the pool's acquire timeout when all are in use).
    /// Dropping it gives it back, unless its state was changed (`SELECT`,
    /// `CLIENT TRACKING`, ...) or a reply is still owed: then it is closed.
    pub async fn dedicated(&self) -> Result<Connection> {
        let lease = self.inner.pool.acquire().await?;
        Ok(Connection::leased(lease, &self.inner.config, &self.inner.runtime))
    }

    /// Connects the shared connection now (clients are lazy): for programs
    /// that want to fail fast at start-up on a wrong address or password.
    pub async fn connect(&self) -> Result<()> {
        self.inner.clone().connect().await.map(drop)
    }

    /// Closes the client: from now on every command fails with
    /// [`crate::ErrorKind::Closed`]; a connect in flight installs nothing.
    /// Returns once the shared connection has delivered the replies already
    /// in flight (bounded by the response and unresponsive timeouts) and its
    /// socket is closed, and the pool's idle connections are closed.
    pub async fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        // Wait for a connect in flight: it sees `closed` and installs nothing.
        let guard = self.inner.connecting.lock().await;
        let mux = self.inner.lock().take();
        drop(guard);
        self.inner.pool.close();
        if let Some(cache) = &self.inner.cache {
            cache.close();
        }
        if let Some(mux) = mux {
            mux.shutdown();
            mux.finished().await;
        }
    }

    /// How many pooled dedicated connections are (idle, open): for tests and monitoring.
    pub fn pool_status(&self) -> PoolStatus {
        let (idle, open) = self.inner.pool.counts();
        PoolStatus { idle, open }
    }

    /// The pool of dedicated connections.
    pub(crate) fn local_cache(&self) -> Option<&Arc<crate::client_cache::LocalCache>> {
        self.inner.cache.as_ref()
    }

    pub(crate) fn push_inbox(&self) -> Arc<crate::pubsub::PushInbox> {
        self.inner.pushes.clone()
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.inner.pool
    }
}

impl Source for Inner {
    fn live(&self) -> Option<Multiplexer> {
        let current = self.read();
        current.as_ref().filter(|mux| !mux.is_closed()).cloned()
    }

    fn send_live(&self, args: &Args, epoch: Option<u64>) -> Option<Result<OneReceiver>> {
        // Under the read lock: no handle cloned per command.
        let current = self.read();
        current
            .as_ref()
            .filter(|mux| !mux.is_closed())
            .map(|mux| mux.send(args, epoch))
    }

    fn connect(self: Arc<Self>) -> BoxFuture<'static, Result<Multiplexer>> {
        Box::pin(async move { self.multiplexer().await })
    }

    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    fn response_timeout(&self) -> Option<Duration> {
        self.config.response_timeout
    }

    fn sharing(&self) -> Sharing {
        Sharing::Shared
    }

    fn pool(&self) -> Option<&Pool> {
        Some(&self.pool)
    }

    fn local_cache(&self) -> Option<&Arc<crate::client_cache::LocalCache>> {
        self.cache.as_ref()
    }

    fn telemetry(&self) -> Option<&crate::telemetry::Telemetry> {
        self.config.instruments.live().map(|t| &**t)
    }
}

impl Inner {
    /// The live shared connection, connecting first when there is none.
    async fn multiplexer(&self) -> Result<Multiplexer> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::closed());
        }
        if let Some(mux) = self.live() {
            return Ok(mux);
        }
        let seen = self.reconnect().attempts;
        let _guard = self.connecting.lock().await;
        if let Some(mux) = self.live() {
            return Ok(mux);
        }
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::closed());
        }
        let wait = {
            let state = self.reconnect();
            // An attempt failed while this caller waited in line: share its
            // outcome (same kind and code) instead of queueing attempt after attempt.
            if state.attempts != seen {
                if let Some(error) = &state.last_error {
                    return Err(error.clone().with_state(RequestState::NotSent));
                }
            }
            state
                .not_before
                .map(|t| t.saturating_duration_since(Instant::now()))
                .unwrap_or_default()
        };
        if !wait.is_zero() {
            crate::telemetry::event!(
                INFO,
                server = %self.config.addr,
                wait_ms = wait.as_millis(),
                "waiting before reconnecting (backoff)"
            );
            self.runtime.sleep(wait).await;
        }
        let result = self.connect_now().await;
        let mut state = self.reconnect();
        state.attempts = state.attempts.wrapping_add(1);
        match &result {
            Ok(_) => {
                state.failures = 0;
                state.not_before = None;
                state.last_error = None;
            }
            Err(e) => {
                state.failures = state.failures.saturating_add(1);
                let (base, cap) = self.config.reconnect_backoff;
                let delay = backoff::delay(base, cap, state.failures);
                state.not_before = Some(backoff::not_before(Instant::now(), delay));
                state.last_error = Some(e.clone());
            }
        }
        result
    }

    async fn connect_now(&self) -> Result<Multiplexer> {
        let limits = QueueLimits::shared(&self.config);
        let sink: Arc<dyn crate::multiplex::PushSink> = match &self.cache {
            // Invalidations to the cache first; other pushes to the inbox.
            Some(cache) => Arc::new(crate::client_cache::InvalidationSink::new(
                cache,
                Some(self.pushes.clone()),
            )),
            None => self.pushes.clone(),
        };
        let pushes = crate::multiplex::Pushes {
            sink,
            mode: crate::multiplex::PushMode::Commands,
        };
        let mux = Multiplexer::open_with(&self.config, &self.runtime, limits, Some(pushes)).await?;
        if let Some(cache) = &self.cache {
            // Before anyone else can use the connection.
            if let Err(e) = crate::client_cache::start_tracking(cache, &mux, &self.config, &self.runtime).await {
                mux.abort();
                return Err(e);
            }
        }
        let mut current = self.lock();
        if self.closed.load(Ordering::SeqCst) {
            // `close` ran while this connect was in flight.
            mux.abort();
            return Err(Error::closed());
        }
        *current = Some(mux.clone());
        if let Some(telemetry) = self.config.instruments.live() {
            telemetry.counters.shared_connects.fetch_add(1, Ordering::Relaxed);
        }
        Ok(mux)
    }

    fn reconnect(&self) -> std::sync::MutexGuard<'_, Reconnect> {
        self.reconnect.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock(&self) -> std::sync::RwLockWriteGuard<'_, Option<Multiplexer>> {
        self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<Multiplexer>> {
        self.current.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Inner {
    /// The last handle is gone, and with it every request future (they hold
    /// a handle): no reply can reach anybody, so the socket closes at once
    /// instead of waiting on a server that may never answer.
    fn drop(&mut self) {
        if let Some(mux) = self.lock().take() {
            mux.abort();
        }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("runtime", &self.inner.runtime)
            .finish()
    }
}

/// A snapshot of the pool of dedicated connections, from [`Client::pool_status`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStatus {
    /// Connections open and waiting to be leased.
    pub idle: usize,
    /// Connections open (leased and idle) or being opened.
    pub open: usize,
}

/// A raw command bound to a client or connection, from [`Client::cmd`] or
/// [`Connection::cmd`].
#[must_use = "a command does nothing until `.query().await`"]
pub struct BoundCmd {
    source: Arc<dyn Source>,
    cmd: Cmd,
}

impl BoundCmd {
    pub(crate) fn new(source: Arc<dyn Source>, name: &str) -> BoundCmd {
        BoundCmd {
            source,
            cmd: Cmd::new(name),
        }
    }

    /// Adds argument(s).
    pub fn arg(mut self, arg: impl ToArgs) -> Self {
        self.cmd.push_arg(arg);
        self
    }

    /// Sends the command and converts the reply to `T` (use [`crate::Value`]
    /// for the raw reply).
    pub fn query<T: FromValue>(self) -> ReplyFuture<T> {
        let mut args = self.cmd.into_args();
        args.classify();
        ReplyFuture::new(self.source, args)
    }
}

impl std::fmt::Debug for BoundCmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BoundCmd").field(&self.cmd).finish()
    }
}
