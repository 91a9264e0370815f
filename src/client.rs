//! The user-facing handle: [`Client`], and [`ClientBuilder`] to configure one.

use std::sync::{Arc, Mutex};

use std::time::{Duration, Instant};

use crate::backoff;
use crate::cmd::Cmd;
use crate::config::Config;
use crate::connection::serial::Serial;
use crate::connection::Connection;
use crate::error::RequestState;
use crate::multiplex::{Multiplexer, MuxSource, ReplyFuture};
use crate::pipeline::Pipeline;
use crate::pool::{block_time, LeasedSource, Pool};
use crate::resp::Value;
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
    current: Mutex<Option<Multiplexer>>,
    /// Serialises connecting, so concurrent first calls share one connection.
    connecting: futures_util::lock::Mutex<()>,
    closed: std::sync::atomic::AtomicBool,
    reconnect: Mutex<Reconnect>,
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
    last_error: Option<String>,
}

impl Client {
    /// A client for a URL, with the runtime of the enabled cargo feature.
    ///
    /// Forms accepted:
    /// - `redis://[user][:password]@host[:port][/db][?options]` (port 6379, db 0 by default);
    /// - `rediss://...` for TLS (feature `tls`);
    /// - `unix:///path/to/redis.sock[?db=N&user=U&password=P]`.
    ///
    /// Options: `protocol=2|3`, `db=N`, `client_name=NAME`, `connect_timeout=5s`,
    /// `response_timeout=500ms` (or `none`), `keepalive=60s|none`,
    /// `nodelay=true|false`, `user=U`, `password=P`, `lib_info=true|false`,
    /// and for `rediss://` only `insecure=true` (no certificate checks).
    /// User names and passwords are percent-decoded.
    pub fn open(url: &str) -> Result<Client> {
        ClientBuilder::from_url(url)?.build()
    }

    /// A builder with default settings (`redis://127.0.0.1:6379/0`).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_parts(config: Config, runtime: Runtime) -> Client {
        Client {
            inner: Arc::new(Inner {
                pool: Pool::new(config.clone(), runtime.clone()),
                config,
                runtime,
                current: Mutex::new(None),
                connecting: futures_util::lock::Mutex::new(()),
                closed: std::sync::atomic::AtomicBool::new(false),
                reconnect: Mutex::new(Reconnect::default()),
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
    pub fn cmd(&self, name: &str) -> ClientCmd<'_> {
        ClientCmd {
            client: self,
            cmd: Cmd::new(name),
        }
    }

    /// Sends `cmd` over the shared connection and converts its reply.
    pub fn query<T: FromValue>(&self, cmd: &Cmd) -> ReplyFuture<'_, T> {
        self.send(cmd.args().clone())
    }

    /// Sends one command (name first) over the shared connection.
    pub(crate) fn send<T>(&self, args: Args) -> ReplyFuture<'_, T> {
        ReplyFuture::new(self, args)
    }

    /// A pipeline of commands to send together over the shared connection.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::new(Box::new(self.clone()))
    }

    /// Opens a new dedicated connection with this client's configuration.
    pub async fn dedicated(&self) -> Result<Connection> {
        Connection::connect(&self.inner.config, &self.inner.runtime).await
    }

    /// Closes the shared connection after the replies in flight. Later commands
    /// fail with [`crate::ErrorKind::Closed`].
    pub async fn close(&self) {
        self.inner.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(mux) = self.inner.lock().take() {
            mux.shutdown();
        }
        self.inner.pool.close();
    }

    /// The pool of dedicated connections.
    pub(crate) fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    /// How many pooled dedicated connections are (idle, open): for tests and monitoring.
    pub fn pool_status(&self) -> PoolStatus {
        let (idle, open) = self.inner.pool.counts();
        PoolStatus { idle, open }
    }

    /// The live shared connection, connecting first when there is none.
    async fn multiplexer(&self) -> Result<Multiplexer> {
        if let Some(mux) = self.live() {
            return Ok(mux);
        }
        let seen = self.inner.reconnect().attempts;
        let _guard = self.inner.connecting.lock().await;
        if let Some(mux) = self.live() {
            return Ok(mux);
        }
        if self.inner.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::closed());
        }
        let wait = {
            let state = self.inner.reconnect();
            // An attempt failed while this caller waited in line: share its
            // outcome instead of queueing attempt after attempt.
            if state.attempts != seen {
                if let Some(reason) = &state.last_error {
                    return Err(Error::connection_lost(reason.clone(), RequestState::NotSent));
                }
            }
            state
                .not_before
                .map(|t| t.saturating_duration_since(Instant::now()))
                .unwrap_or_default()
        };
        if !wait.is_zero() {
            self.inner.runtime.sleep(wait).await;
        }
        let result = self.connect_now().await;
        let mut state = self.inner.reconnect();
        state.attempts += 1;
        match &result {
            Ok(_) => {
                state.failures = 0;
                state.not_before = None;
                state.last_error = None;
            }
            Err(e) => {
                state.failures += 1;
                let (base, cap) = self.inner.config.reconnect_backoff;
                state.not_before = Some(Instant::now() + backoff::delay(base, cap, state.failures));
                state.last_error = Some(e.to_string());
            }
        }
        result
    }

    async fn connect_now(&self) -> Result<Multiplexer> {
        let serial = Serial::connect(&self.inner.config, &self.inner.runtime).await?;
        let mux = Multiplexer::start(serial, &self.inner.runtime)?;
        *self.inner.lock() = Some(mux.clone());
        Ok(mux)
    }

    fn live(&self) -> Option<Multiplexer> {
        let current = self.inner.lock();
        current.as_ref().filter(|mux| !mux.is_closed()).cloned()
    }
}

impl MuxSource for Client {
    fn live(&self) -> Option<Multiplexer> {
        Client::live(self)
    }

    fn connect(&self) -> BoxFuture<'_, Result<Multiplexer>> {
        Box::pin(self.multiplexer())
    }

    fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    fn response_timeout(&self) -> Option<Duration> {
        self.inner.config.response_timeout
    }

    /// Pipelines holding a blocking command run on a pooled dedicated connection.
    fn dedicated(&self) -> Option<BoxFuture<'_, Result<Box<dyn MuxSource + Send>>>> {
        Some(Box::pin(async move {
            let lease = self.inner.pool.acquire().await?;
            Ok(Box::new(LeasedSource(lease)) as Box<dyn MuxSource + Send>)
        }))
    }

    /// Blocking commands run on a pooled dedicated connection, never on the shared one.
    fn divert(&self, args: Args) -> std::result::Result<BoxFuture<'_, Result<Value>>, Args> {
        if block_time(&args).is_none() {
            return Err(args);
        }
        Ok(Box::pin(async move {
            let lease = self.inner.pool.acquire().await?;
            lease.send::<Value>(args).await
        }))
    }
}

impl Inner {
    fn reconnect(&self) -> std::sync::MutexGuard<'_, Reconnect> {
        self.reconnect.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Multiplexer>> {
        self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(mux) = self.lock().take() {
            mux.shutdown();
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

/// A raw command bound to a client, from [`Client::cmd`].
#[must_use = "a command does nothing until `.query().await`"]
#[derive(Debug)]
pub struct ClientCmd<'a> {
    client: &'a Client,
    cmd: Cmd,
}

impl<'a> ClientCmd<'a> {
    /// Adds argument(s).
    pub fn arg(mut self, arg: impl ToArgs) -> Self {
        self.cmd.push_arg(arg);
        self
    }

    /// Sends the command and converts the reply to `T` (use [`crate::Value`] for the raw reply).
    pub fn query<T: FromValue>(self) -> ReplyFuture<'a, T> {
        self.client.send(self.cmd.into_args())
    }
}
