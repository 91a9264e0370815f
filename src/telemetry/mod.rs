//! Instrumentation: per-client counters ([`Stats`], always kept, in
//! atomics), a user [`Hook`] told about every command, and with the
//! `tracing` feature a span per command or pipeline and events for
//! connections, backoff and pool waits.
//!
//! Where it sits: a request's [`Probe`] lives in the request layer
//! (`ReplyFuture`, the pipeline entry point); byte counts come from a
//! counting wrapper around each socket, put on in the transport layer;
//! connect and handshake events there too; pool waits in the pool. The
//! multiplexer is not involved. Per command, without a hook or an enabled
//! span: a handful of relaxed atomic adds, one branch, no allocation.

mod hook;
mod probe;
pub(crate) mod socket;
mod stats;
#[cfg(feature = "tracing")]
mod trace;

use std::sync::Arc;

pub use hook::{CommandInfo, Hook, Outcome};
pub(crate) use probe::{Probe, Scoped};
pub(crate) use stats::Counters;
pub use stats::{ErrorCounts, PoolStats, Stats};

use crate::config::{Addr, Config};
use crate::{Client, ClientBuilder};

/// One client's instruments, shared by its clones, pool and dedicated
/// connections (made by [`ClientBuilder::build`]).
pub(crate) struct Telemetry {
    pub(crate) counters: Counters,
    pub(crate) hook: Option<Arc<dyn Hook>>,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) record_arguments: bool,
    pub(crate) server: Addr,
    pub(crate) db: i64,
    /// `server.address` and `server.port` for spans and events.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) host: String,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) port: Option<u16>,
}

/// What a [`Config`] carries about instrumentation: the builder's choices,
/// and once built, the client's live [`Telemetry`]. Not configuration in the
/// sense of `==`: two configs compare equal whatever their instruments.
#[derive(Clone, Default)]
pub(crate) struct Instruments {
    hook: Option<Arc<dyn Hook>>,
    record_arguments: bool,
    live: Option<Arc<Telemetry>>,
}

impl PartialEq for Instruments {
    fn eq(&self, _: &Instruments) -> bool {
        true
    }
}

impl Instruments {
    /// The live instruments, for a built client's connections.
    pub(crate) fn live(&self) -> Option<&Arc<Telemetry>> {
        self.live.as_ref()
    }
}

impl Config {
    /// This configuration with a new set of live instruments (fresh counters),
    /// for a client being built.
    pub(crate) fn instrumented(mut self) -> Config {
        let (host, port) = match &self.addr {
            Addr::Tcp { host, port } => (host.clone(), Some(*port)),
            Addr::Unix(path) => (path.display().to_string(), None),
        };
        let telemetry = Telemetry {
            counters: Counters::default(),
            hook: self.instruments.hook.clone(),
            record_arguments: self.instruments.record_arguments,
            server: self.addr.clone(),
            db: self.db,
            host,
            port,
        };
        self.instruments.live = Some(Arc::new(telemetry));
        self
    }
}

impl ClientBuilder {
    /// Calls `hook` for every command and pipeline of the client (and of its
    /// dedicated connections and transactions): when it starts and when it
    /// ends, with its name, the server, the time taken and the outcome. See
    /// [`Hook`]. Without a hook, nothing is timed or allocated per command.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyredis::{Client, CommandInfo, Hook};
    ///
    /// struct Log;
    /// impl Hook for Log {
    ///     fn on_start(&self, command: &CommandInfo<'_>) {
    ///         eprintln!("{} on {}", command.name, command.server);
    ///     }
    /// }
    /// # #[cfg(feature = "smol")] {
    /// let client = Client::builder().hook(Arc::new(Log)).runtime(anyredis::Runtime::smol()).build()?;
    /// # let _ = client;
    /// # }
    /// # Ok::<(), anyredis::Error>(())
    /// ```
    pub fn hook(mut self, hook: Arc<dyn Hook>) -> Self {
        self.config_mut().instruments.hook = Some(hook);
        self
    }

    /// Records each command's arguments on its span as `db.query.text`
    /// (feature `tracing`; off by default, since arguments hold user data).
    /// The arguments of `AUTH`, `HELLO`, `MIGRATE`, `ACL`, `CONFIG` and
    /// `SENTINEL` are never recorded (they may hold passwords); long
    /// arguments are cut after 64 bytes. Pipelines record only their size.
    #[cfg(feature = "tracing")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
    pub fn record_arguments(mut self, on: bool) -> Self {
        self.config_mut().instruments.record_arguments = on;
        self
    }
}

impl Client {
    /// A snapshot of this client's counters: requests, commands sent,
    /// replies, errors by kind, cancellations, connects and reconnects,
    /// bytes in and out, requests in flight, and the pool (open, idle,
    /// waiting). Counting uses relaxed atomics on the command path; the
    /// pool's figures are read under its lock, like [`Client::pool_status`].
    /// A client assembled without [`ClientBuilder::build`] has none: all zero.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    /// let client = Client::open("redis://127.0.0.1")?;
    /// client.set("k", 1).await?;
    /// let stats = client.stats();
    /// assert_eq!((stats.requests, stats.ok, stats.in_flight), (1, 1, 0));
    /// assert!(stats.bytes_out > 0 && stats.connects == 1);
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn stats(&self) -> Stats {
        let (idle, open, waiting) = self.pool().figures();
        let pool = PoolStats { open, idle, waiting };
        match self.config().instruments.live() {
            Some(telemetry) => telemetry.counters.snapshot(pool),
            None => Counters::default().snapshot(pool),
        }
    }
}

/// A `tracing` event at `$level` with target `anyredis`; nothing without
/// the `tracing` feature (its arguments are then not evaluated).
macro_rules! event {
    ($level:ident, $($rest:tt)*) => {{
        #[cfg(feature = "tracing")]
        {
            ::tracing::event!(target: "anyredis", ::tracing::Level::$level, $($rest)*);
        }
    }};
}
pub(crate) use event;
