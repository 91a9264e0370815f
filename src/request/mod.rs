//! The request layer: where a command runs, decided by its routing class
//! ([`CommandClass`], set once when its arguments were built), and the future
//! that waits for its reply ([`ReplyFuture`]).
//!
//! | class | on the shared connection (`Client`) | on a dedicated connection | in a transaction's reads |
//! |---|---|---|---|
//! | shared | sent on the shared connection | sent | sent |
//! | blocking | sent on a pooled dedicated connection | sent | sent |
//! | connection state | refused ([`crate::ErrorKind::Usage`]) | sent; the connection is not reused by the pool | refused |
//! | subscribe | refused | refused | refused |
//! | monitor | refused | refused | refused |
//!
//! Subscribing runs on a [`crate::PubSub`] handle ([`crate::Client::pubsub`]),
//! whose connection tells messages from replies on RESP2 too; `MONITOR` on
//! [`crate::Client::monitor`]. Neither goes through this table.
//!
//! A command with a [`BlockTime`] (blocking commands, `WAIT`) gets a response
//! timeout of its own time plus the configured response timeout, or plus
//! [`BLOCKING_MARGIN`] when none is configured, so a server that never
//! answers a blocking command cannot hang its caller for ever; a block time
//! of 0 ("forever") has no limit.

mod fixed;
mod reply;

use std::sync::Arc;
use std::time::Duration;

pub(crate) use fixed::FixedSource;
pub use reply::ReplyFuture;
pub(crate) use reply::{count_sent, wait};

use crate::multiplex::{Multiplexer, OneReceiver};
use crate::pool::Pool;
use crate::rt::{BoxFuture, Runtime};
use crate::telemetry::Telemetry;
use crate::value::{Args, BlockTime, CommandClass};
use crate::{Error, Result};

/// How long past its own timeout a blocking command may take to answer when
/// no response timeout is configured.
pub const BLOCKING_MARGIN: Duration = Duration::from_secs(10);

/// Who else uses the connection behind a [`Source`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sharing {
    /// Every clone of a client: only commands that leave the connection as
    /// they found it.
    Shared,
    /// A dedicated connection: anything but `MONITOR`.
    Dedicated,
    /// A transaction's reads, on a connection holding its `WATCH`.
    Transaction,
}

/// Where a [`ReplyFuture`] finds its connection: a client (which connects when
/// needed) or a fixed dedicated connection.
pub(crate) trait Source: Send + Sync + 'static {
    /// The live connection, if there is one, without waiting.
    fn live(&self) -> Option<Multiplexer>;
    /// Queues `args` on the live connection, if there is one (`None`: no
    /// connection is live).
    fn send_live(&self, args: &Args, epoch: Option<u64>) -> Option<Result<OneReceiver>> {
        self.live().map(|mux| mux.send(args, epoch))
    }
    /// A live connection, connecting first if needed.
    fn connect(self: Arc<Self>) -> BoxFuture<'static, Result<Multiplexer>>;
    fn runtime(&self) -> &Runtime;
    fn response_timeout(&self) -> Option<Duration>;
    fn sharing(&self) -> Sharing;
    /// The holder's epoch on a connection that changes hands (see
    /// [`Multiplexer::retire`]); `None` for connections that never do.
    fn epoch(&self) -> Option<u64> {
        None
    }
    /// The pool blocking commands are diverted to, for shared sources.
    fn pool(&self) -> Option<&Pool> {
        None
    }
    /// Told before a command that changes its connection's state is sent.
    fn note_state_change(&self) {}
    /// The client-side cache that may answer this source's reads.
    fn local_cache(&self) -> Option<&Arc<crate::client_cache::LocalCache>> {
        None
    }
    /// The instruments of the client behind this source, if any.
    fn telemetry(&self) -> Option<&Telemetry> {
        None
    }
}

/// Where one command (or pipeline) runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// On the source's own connection.
    Here,
    /// On a connection leased from the pool.
    Pool,
}

/// Decides where a command of `class` runs on `source`, or refuses it
/// (before anything is sent) with a [`crate::ErrorKind::Usage`] error.
pub(crate) fn plan(source: &dyn Source, class: CommandClass, name: &dyn Fn() -> String) -> Result<Plan> {
    let sharing = source.sharing();
    match (class, sharing) {
        (CommandClass::Monitor, _) => Err(Error::usage(
            "MONITOR turns its connection into an endless stream of every command the server runs: use \
             Client::monitor, which reads that stream",
        )),
        (CommandClass::Subscribe, _) => Err(Error::usage(format!(
            "{} was not sent: subscriptions run on a pub/sub handle (Client::pubsub), which keeps the \
             subscription set, tells messages from replies and resubscribes after a reconnect",
            name()
        ))),
        (CommandClass::Shared, _) => Ok(Plan::Here),
        (CommandClass::Blocking, Sharing::Shared) if source.pool().is_some() => Ok(Plan::Pool),
        (CommandClass::Blocking, _) => Ok(Plan::Here),
        (_, Sharing::Dedicated) => {
            source.note_state_change();
            Ok(Plan::Here)
        }
        (class, Sharing::Shared) => Err(Error::usage(format!(
            "{} is {}: on the shared connection it would affect every other caller, so it was not sent; \
             run it on a dedicated connection (Client::dedicated)",
            name(),
            class.describe()
        ))),
        (class, Sharing::Transaction) => Err(Error::usage(format!(
            "{} is {}: it cannot run among a transaction's reads (the transaction sends WATCH, MULTI and \
             EXEC itself), so it was not sent",
            name(),
            class.describe()
        ))),
    }
}

/// The [`crate::ErrorKind::Usage`] error of a command whose arguments were
/// refused while being built ([`Args::refuse`]), if they were.
pub(crate) fn refusal(args: &Args) -> Result<()> {
    match args.refused() {
        None => Ok(()),
        Some(reason) => Err(refused(&command_name(args), reason)),
    }
}

pub(crate) fn refused(name: &str, reason: &str) -> Error {
    Error::usage(format!("{name} was not sent: {reason}"))
}

/// The response timeout of a command blocking for `block` (if it blocks),
/// given the configured one.
pub(crate) fn limit_for(block: Option<BlockTime>, configured: Option<Duration>) -> Option<Duration> {
    match block {
        Some(block) => block.response_timeout(configured.unwrap_or(BLOCKING_MARGIN)),
        None => configured,
    }
}

/// The command's name (and subcommand for containers), for error messages.
pub(crate) fn command_name(args: &Args) -> String {
    let mut parts = args
        .iter()
        .take(2)
        .map(|part| String::from_utf8_lossy(part).to_ascii_uppercase());
    let first = parts.next().unwrap_or_default();
    match (first.as_str(), parts.next()) {
        ("CLIENT" | "DEBUG", Some(sub)) => format!("{first} {sub}"),
        _ => first,
    }
}
