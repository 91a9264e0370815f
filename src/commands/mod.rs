//! Typed command methods, one file per command family.
//!
//! Each family is a trait with provided methods built on one primitive,
//! [`CommandTarget::command`], so a command is written once for every handle that
//! implements it (a blanket impl gives every family to every [`CommandTarget`]
//! handle). Bring the traits into scope with `use anyredis::prelude::*`.
//!
//! Commands that change the connection's state (`SELECT`, `WATCH`, `WAIT`, ...)
//! are in [`DedicatedCommands`], implemented only for [`Connection`].
//!
//! # Routing
//!
//! Every typed method sets the routing class of the arguments it builds
//! ([`Args::class`]): blocking commands are [`CommandClass::Blocking`] with their
//! timeout as the [`BlockTime`](crate::value::BlockTime) (so a
//! [`Client`] runs them on a pooled connection of their own), the methods of
//! [`DedicatedCommands`] are [`CommandClass::ConnectionState`], everything else
//! is [`CommandClass::Shared`].
//!
//! # Naming
//!
//! A method named after its command sends the command's required arguments.
//! Its variant with the command's optional arguments ends in `_options` and
//! takes them by value, as one argument (an options builder such as
//! [`SetOptions`], a filter such as [`ClientListFilter`], a [`FlushMode`], a
//! pattern). A variant taking several `(name, value)` pairs where the plain
//! method takes one ends in `_pairs` ([`HashCommands::hset_pairs`],
//! [`ServerCommands::config_set_pairs`]).
//!
//! # Durations and times
//!
//! Commands take whole seconds or whole milliseconds. A [`Duration`](std::time::Duration)
//! or [`SystemTime`](std::time::SystemTime) that is not a whole number of the
//! command's unit is **rounded up** to the next unit, never truncated: a non-zero
//! duration is never sent as 0 (for `EXPIRE`, 0 would delete the key) and an
//! expiry never comes earlier than asked. So `expire(k, 900 ms)` sends
//! `EXPIRE k 1`, `setex(k, 1.5 s, v)` sends `SETEX k 2 v`, and `pexpire(k, 1 µs)`
//! sends `PEXPIRE k 1`. Each command keeps its unit: for millisecond precision use
//! the millisecond form (`pexpire`, `psetex`, [`Expiry::Px`], ...). Times before
//! the Unix epoch count as 0. Values saturate at about 146 million years (half of
//! `i64::MAX` milliseconds), which every server accepts, so `Duration::MAX`
//! neither panics nor is refused.
//!
//! # Blocking timeouts
//!
//! Blocking commands (`BLPOP`, `BRPOP`, `BRPOPLPUSH`, `BLMOVE`, `BLMPOP`,
//! `BZPOPMIN`, `BZPOPMAX`, `BZMPOP`, `XREAD`/`XREADGROUP` with `BLOCK`) take their
//! timeout as a `Duration`: `Duration::ZERO` blocks until data arrives; any other
//! timeout is sent in whole milliseconds, rounded up, and **at least 10 ms**.
//! Redis 6.2 never answers `BLPOP k 0.001` (a timeout below its timer's
//! resolution), so shorter timeouts are raised to 10 ms to behave the same on
//! every server.
//!
//! # Replies: you choose the type of the whole reply
//!
//! A method whose reply you shape yourself has **one** generic parameter, `R`, and
//! it stands for the **whole reply** ([`FromValue`] converts it), as in redis-rs.
//! The method never wraps `R` in an `Option`, a `Vec` or a tuple of its own:
//!
//! - **nil**: where Redis may answer nil (a missing key or field, an empty list
//!   popped, a blocking command that timed out, an `EXEC` aborted by `WATCH`), ask
//!   for `Option<_>`. Asking for a plain `String` there makes nil an error.
//! - **collections**: ask for the collection you want: `Vec<_>`, `VecDeque<_>`,
//!   `HashSet<_>`, `BTreeSet<_>`; pairs (hash fields, members with scores) as
//!   `Vec<(A, B)>`, `HashMap<A, B>` or `BTreeMap<A, B>`.
//! - **binary data**: ask for `Vec<u8>` or [`Bytes`](bytes::Bytes) wherever you
//!   would ask for `String` (values, members, key names alike).
//! - **several parts**: a tuple, e.g. `(u64, Vec<String>)` for a `SCAN` step or
//!   `Option<(Vec<u8>, Vec<u8>)>` for the key and element of `BLPOP`.
//!
//! Each method's documentation says what to ask for when it is not obvious.
//! Annotate the binding, or name the type with a turbofish where there is no
//! binding to annotate (on a [`Pipeline`](crate::Pipeline), for example):
//!
//! ```no_run
//! # async fn demo(client: anyredis::Client) -> anyredis::Result<()> {
//! use std::collections::HashSet;
//! use std::time::Duration;
//! use anyredis::prelude::*;
//!
//! // nil: the field may not exist.
//! let name: Option<String> = client.hget("user:1", "name").await?;
//! // a collection, the one you want.
//! let items: Vec<String> = client.lrange("queue", 0, -1).await?;
//! let members: HashSet<Vec<u8>> = client.smembers("tags").await?;
//! // binary key and element, nil when the wait timed out.
//! let popped: Option<(Vec<u8>, Vec<u8>)> = client.blpop("jobs", Duration::from_secs(1)).await?;
//! // or with a turbofish.
//! let raw = client.get::<Option<bytes::Bytes>>("blob").await?;
//! # let _ = (name, items, members, popped, raw);
//! # Ok(()) }
//! ```
//!
//! Replies with a fixed shape have a concrete type: counts (`u64`, `i64`), flags
//! (`bool`), `()` for `OK`, and this library's own typed replies ([`Ttl`],
//! [`StreamInfo`], `Vec<`[`SlowlogEntry`]`>`, ...). Where such a typed reply holds
//! your data (stream entries' fields, [`GeoMember`]), its generic parameter is the
//! type of that data only. The `*_iter` streams of [`ScanCommands`] yield one
//! element at a time: their parameters are the element's type.

mod acl;
mod bitmaps;
mod cluster;
mod connection;
mod dedicated;
mod geo;
mod hashes;
mod hyperloglog;
mod keys;
mod lists;
mod not_offered;
mod pubsub;
mod reply;
mod scan;
mod scripting;
mod server;
mod sets;
mod sorted_sets;
mod streams;
mod strings;
mod time;

#[cfg(test)]
mod tests;

use crate::dedicated::Connection;
use crate::request::ReplyFuture;
#[cfg(doc)]
use crate::value::CommandClass;
use crate::value::{Args, FromValue, ToArgs};
use crate::Client;

pub use acl::{AclCommands, AclDryRun, AclLogEntry, AclLogReason, AclRule, AclSelectorInfo, AclUserInfo};
pub use bitmaps::{BitEncoding, BitField, BitOffset, BitOp, BitPosition, BitRange, BitmapCommands, Overflow};
pub use cluster::{
    ClusterCommands, ClusterInfo, ClusterNode, ClusterNodes, ClusterShard, EpochBump, FailoverMode, ResetMode, SetSlot,
    ShardNode, SlotNode, SlotRange,
};
pub use connection::{
    ClientInfo, ClientKillFilter, ClientList, ClientListFilter, ClientType, ConnectionCommands, PauseMode,
    TrackingInfo, TrackingRedirect, UnblockMode,
};
pub use dedicated::{DedicatedCommands, Tracking};
pub use geo::{GeoAddOptions, GeoCommands, GeoMember, GeoSearch, GeoShape, GeoUnit, GeoWith};
pub use hashes::HashCommands;
pub use hyperloglog::HyperLogLogCommands;
pub use keys::{
    CopyOptions, ExpireCondition, ExpireTime, KeyCommands, KeyType, MigrateOptions, MigrateOutcome, RestoreOptions,
    SortOptions, Ttl,
};
pub use lists::{InsertPosition, LinsertReply, ListCommands, LposOptions, Side};
pub use not_offered::NOT_OFFERED;
pub use pubsub::PubSubCommands;
pub use scan::{ScanCommands, ScanOptions, ScanStream};
pub use scripting::{
    EngineStats, FunctionInfo, FunctionListOptions, FunctionStats, LibraryInfo, RestorePolicy, RunningFunction,
    ScriptingCommands,
};
pub use server::{
    CommandArgument, CommandDocs, CommandInfo, CommandListFilter, FailoverOptions, FlushMode, Info, KeyspaceInfo,
    LatencyEvent, LatencyHistogram, LatencySample, MemoryStats, ModuleInfo, ModuleLoadOptions, ReplicaInfo, ReplicaOf,
    ReplicationState, Role, ServerCommands, ShutdownOptions, SlowlogEntry,
};
pub use sets::SetCommands;
pub use sorted_sets::{
    Aggregate, LexBound, MinMax, ScoreBound, SortedSetCommands, ZAddOptions, ZCombineOptions, ZRange,
};
pub use streams::{
    AutoClaim, ConsumerPendingEntry, GroupPendingEntry, ParseStreamIdError, PendingEntry, PendingSummary,
    StreamCommands, StreamConsumerFull, StreamConsumerInfo, StreamEntry, StreamGroupFull, StreamGroupInfo, StreamId,
    StreamInfo, StreamInfoFull, StreamRead, StreamTrim, XAddOptions, XClaimOptions, XGroupCreateOptions,
    XPendingOptions, XReadGroupOptions, XReadOptions, XSetIdOptions,
};
pub use strings::{Expiry, LcsMatch, LcsMatches, LcsOptions, SetOptions, StringCommands};

/// The primitive every typed command is built on.
///
/// A typed method builds the command's arguments and hands them to
/// [`CommandTarget::command`]; what comes back depends on the handle: a
/// [`ReplyFuture`] on a [`Client`] or [`Connection`] (await it for the reply).
/// So each command is written once, for every handle.
pub trait CommandTarget {
    /// What a typed method returns on this handle.
    type Output<'a, T: FromValue + 'a>
    where
        Self: 'a;

    /// Sends (or queues) the command in `args` (name first); its reply converts to `T`.
    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> Self::Output<'a, T>;
}

impl CommandTarget for Client {
    type Output<'a, T: FromValue + 'a> = ReplyFuture<T>;

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<T> {
        self.send(args)
    }
}

impl CommandTarget for Connection {
    type Output<'a, T: FromValue + 'a> = ReplyFuture<T>;

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<T> {
        self.send(args)
    }
}

impl<C: CommandTarget + ?Sized> StringCommands for C {}
impl<C: AsyncCommandTarget + ?Sized> ScanCommands for C {}
impl<C: CommandTarget + ?Sized> BitmapCommands for C {}
impl<C: CommandTarget + ?Sized> HyperLogLogCommands for C {}
impl<C: CommandTarget + ?Sized> KeyCommands for C {}
impl<C: CommandTarget + ?Sized> HashCommands for C {}
impl<C: CommandTarget + ?Sized> ListCommands for C {}
impl<C: CommandTarget + ?Sized> SetCommands for C {}
impl<C: CommandTarget + ?Sized> SortedSetCommands for C {}
impl<C: CommandTarget + ?Sized> GeoCommands for C {}
impl<C: CommandTarget + ?Sized> StreamCommands for C {}
impl<C: CommandTarget + ?Sized> ScriptingCommands for C {}
impl<C: CommandTarget + ?Sized> PubSubCommands for C {}
impl<C: CommandTarget + ?Sized> ServerCommands for C {}
impl<C: CommandTarget + ?Sized> AclCommands for C {}
impl<C: CommandTarget + ?Sized> ConnectionCommands for C {}
impl<C: CommandTarget + ?Sized> ClusterCommands for C {}

/// A handle whose commands are sent at once and answered by a [`ReplyFuture`]
/// ([`Client`] and [`Connection`], not pipelines). Built-in helpers that need
/// several round trips (such as the `SCAN` streams) are written on this.
pub trait AsyncCommandTarget: CommandTarget + Sync {
    /// Sends the command in `args` (name first); the future resolves to its reply as `T`.
    fn request<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<T>;
}

impl AsyncCommandTarget for Client {
    fn request<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<T> {
        self.send(args)
    }
}

impl AsyncCommandTarget for Connection {
    fn request<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<T> {
        self.send(args)
    }
}

/// Starts the arguments of a command named `name`. Every typed method starts
/// with this (or [`subcommand`]): the coverage check reads these calls.
pub(crate) fn command(name: &'static str) -> Args {
    let mut args = Args::with_capacity(64);
    args.push(name.as_bytes());
    args
}

/// `args` followed by everything `rest` writes (a key, or a tuple of arguments).
pub(crate) fn with(mut args: Args, rest: impl ToArgs) -> Args {
    rest.write_args(&mut args);
    args
}

/// Arguments preceded by how many they are: the `numkeys key [key ...]` form
/// of `LMPOP`, `SINTERCARD`, `ZUNION` and others.
pub(crate) struct Counted(Args);

/// `items` as a [`Counted`] list.
pub(crate) fn counted(items: impl ToArgs) -> Counted {
    let mut args = Args::new();
    items.write_args(&mut args);
    Counted(args)
}

impl ToArgs for Counted {
    fn write_args(&self, out: &mut Args) {
        out.push_uint(self.0.len() as u64);
        self.0.write_args(out);
    }
}

/// Starts the arguments of a container command's subcommand, e.g. `CLIENT LIST`.
pub(crate) fn subcommand(name: &'static str, sub: &'static str) -> Args {
    let mut args = Args::with_capacity(64);
    args.push(name.as_bytes());
    args.push(sub.as_bytes());
    args
}
