//! Typed command methods, one file per command family.
//!
//! Each family is a trait with provided methods built on one primitive,
//! [`CommandTarget::command`], so a command is written once for every handle that
//! implements it (a blanket impl gives every family to every [`CommandTarget`]
//! handle). Bring the traits into scope with `use anyredis::prelude::*`.
//!
//! Commands that change the connection's state (`SELECT`, `WATCH`, ...) are
//! in [`DedicatedCommands`], implemented only for [`Connection`].

mod acl;
mod bitmaps;
mod cluster;
mod connection;
mod dedicated;
mod geo;
mod hashes;
mod help;
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

use crate::dedicated::Connection;
use crate::request::ReplyFuture;
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
pub use help::HelpCommands;
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
impl<C: CommandTarget + ?Sized> HelpCommands for C {}
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
