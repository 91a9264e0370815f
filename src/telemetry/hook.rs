//! [`Hook`]: user code told about every command, runtime-agnostic and
//! synchronous, for metrics (Prometheus, OpenTelemetry metrics, counters of
//! your own).

use std::fmt;
use std::time::Duration;

use crate::config::Addr;
use crate::Error;

/// Called for every command and pipeline a client (and its dedicated
/// connections and transactions) runs: once when it starts, once when it
/// ends (a reply, an error, or the caller dropping the future). Set it with
/// [`crate::ClientBuilder::hook`].
///
/// The calls are made inline, in the caller's task, on whatever runtime
/// runs it: keep them short and non-blocking (bump atomics, record into a
/// metrics library); never block on I/O. A hook that panics unwinds into the
/// caller's task like any other panic in user code. Both methods do nothing
/// by default, so implement only what you need.
///
/// Every command gets exactly one [`Hook::on_start`] and one
/// [`Hook::on_end`], in that order. A command retried by
/// [`crate::ReplyFuture::idempotent`] is still one command. A pipeline is
/// one event whose [`CommandInfo::batch`] is its number of commands (its
/// name is `PIPELINE`, or `MULTI` when atomic). Internal commands
/// (handshake, pool health checks, a transaction's `WATCH`) are not reported.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::time::Duration;
/// use anyredis::{CommandInfo, Hook, Outcome};
///
/// #[derive(Default)]
/// struct Counts { commands: AtomicU64, errors: AtomicU64, micros: AtomicU64 }
///
/// impl Hook for Counts {
///     fn on_end(&self, _command: &CommandInfo<'_>, outcome: Outcome<'_>, elapsed: Duration) {
///         self.commands.fetch_add(1, Ordering::Relaxed);
///         if let Outcome::Error(_) = outcome {
///             self.errors.fetch_add(1, Ordering::Relaxed);
///         }
///         let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
///         self.micros.fetch_add(micros, Ordering::Relaxed);
///     }
/// }
///
/// # #[cfg(feature = "smol")] {
/// let counts = std::sync::Arc::new(Counts::default());
/// let client = anyredis::Client::builder()
///     .hook(counts.clone())
///     .runtime(anyredis::Runtime::smol())
///     .build()?;
/// # let _ = client;
/// # }
/// # Ok::<(), anyredis::Error>(())
/// ```
///
/// `examples/metrics.rs` feeds a Prometheus registry (the
/// `prometheus-client` crate) from a hook.
pub trait Hook: Send + Sync + 'static {
    /// A command (or pipeline) starts: it is about to be routed and sent.
    fn on_start(&self, command: &CommandInfo<'_>) {
        let _ = command;
    }

    /// A command (or pipeline) ended, `elapsed` after it started.
    fn on_end(&self, command: &CommandInfo<'_>, outcome: Outcome<'_>, elapsed: Duration) {
        let _ = (command, outcome, elapsed);
    }
}

/// What a [`Hook`] is told about a command.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct CommandInfo<'a> {
    /// The command's name in capitals (`GET`, `HSET`, `CLIENT`); `PIPELINE`
    /// or `MULTI` for a pipeline. Never an argument: keys and values are not
    /// shown. A name longer than 32 bytes or not ASCII shows as `OTHER`.
    pub name: &'a str,
    /// For a pipeline, its number of commands; `None` for a single command.
    pub batch: Option<usize>,
    /// The server the client is configured for.
    pub server: &'a Addr,
    /// The database index the client selects.
    pub db: i64,
}

/// How a command ended, for [`Hook::on_end`].
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// A reply arrived and converted to the caller's type (for a pipeline:
    /// all its replies arrived; [`crate::Pipeline::query_each`] may still
    /// hold server errors of single commands).
    Ok,
    /// The command failed: a server error reply ([`Error::server_code`]), a
    /// timeout ([`Error::is_timeout`]), a connection error, a conversion
    /// error, a refusal before sending...
    Error(&'a Error),
    /// The caller dropped the future before it ended (the reply, if one
    /// comes, is read and thrown away).
    Cancelled,
}

impl fmt::Debug for Outcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Ok => f.write_str("Ok"),
            Outcome::Error(e) => f.debug_tuple("Error").field(&e.kind()).finish(),
            Outcome::Cancelled => f.write_str("Cancelled"),
        }
    }
}
