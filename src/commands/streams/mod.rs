//! Stream commands: <https://redis.io/docs/latest/commands/?group=stream>.
//!
//! Entries come back as [`StreamEntry<F>`], where `F` is the type the caller picks
//! for the fields (`Vec<(String, String)>`, `HashMap<String, String>`, ...). Ids are
//! [`StreamId`]s; where a command also takes a special id (`-`, `+`, `$`, `>`, or
//! `(id` for an exclusive range bound), any single argument works.
//!
//! Idle times (`min_idle`, `IDLE`) are sent in whole milliseconds, rounded up;
//! a read with [`XReadOptions::block`] is a blocking command (see
//! [blocking timeouts](super#blocking-timeouts)).

use std::time::Duration;

use super::{command, subcommand, CommandTarget};
use crate::value::{Args, FromValue, ToArgs, ToSingleArg};

mod info;
mod options;
mod types;

use super::time::millis_ceil;

pub use info::{
    ConsumerPendingEntry, GroupPendingEntry, StreamConsumerFull, StreamConsumerInfo, StreamGroupFull, StreamGroupInfo,
    StreamInfo, StreamInfoFull,
};
pub use options::{
    StreamTrim, XAddOptions, XClaimOptions, XGroupCreateOptions, XPendingOptions, XReadGroupOptions, XReadOptions,
    XSetIdOptions,
};
pub use types::{AutoClaim, ParseStreamIdError, PendingEntry, PendingSummary, StreamEntry, StreamId, StreamRead};

/// Stream commands.
pub trait StreamCommands: CommandTarget {
    /// Appends an entry with `fields` (one or more field/value pairs) to the stream
    /// at `key`, creating it if needed, with an id chosen by the server; returns the
    /// id. [XADD](https://redis.io/docs/latest/commands/xadd/)
    fn xadd(&self, key: impl ToSingleArg, fields: impl ToArgs) -> Self::Output<'_, StreamId> {
        let mut args = command("XADD");
        key.write_args(&mut args);
        args.push(b"*");
        fields.write_args(&mut args);
        self.command(args)
    }

    /// `XADD` with an explicit id, `NOMKSTREAM` or trimming; `None` when
    /// `NOMKSTREAM` found no stream. [XADD](https://redis.io/docs/latest/commands/xadd/)
    fn xadd_options(
        &self,
        key: impl ToSingleArg,
        fields: impl ToArgs,
        options: XAddOptions,
    ) -> Self::Output<'_, Option<StreamId>> {
        let mut args = command("XADD");
        key.write_args(&mut args);
        options.write_args(&mut args);
        fields.write_args(&mut args);
        self.command(args)
    }

    /// The number of entries in the stream (0 when there is none). [XLEN](https://redis.io/docs/latest/commands/xlen/)
    fn xlen(&self, key: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("XLEN");
        key.write_args(&mut args);
        self.command(args)
    }

    /// The entries with ids from `start` to `end` (inclusive; `-` and `+` for the
    /// ends of the stream). [XRANGE](https://redis.io/docs/latest/commands/xrange/)
    fn xrange<F: FromValue>(
        &self,
        key: impl ToSingleArg,
        start: impl ToSingleArg,
        end: impl ToSingleArg,
    ) -> Self::Output<'_, Vec<StreamEntry<F>>> {
        self.command(range(command("XRANGE"), key, start, end, None))
    }

    /// At most `count` entries from `start` to `end`. [XRANGE](https://redis.io/docs/latest/commands/xrange/)
    fn xrange_count<F: FromValue>(
        &self,
        key: impl ToSingleArg,
        start: impl ToSingleArg,
        end: impl ToSingleArg,
        count: u64,
    ) -> Self::Output<'_, Vec<StreamEntry<F>>> {
        self.command(range(command("XRANGE"), key, start, end, Some(count)))
    }

    /// The entries from `end` down to `start` (`+` and `-` for the ends), newest
    /// first. [XREVRANGE](https://redis.io/docs/latest/commands/xrevrange/)
    fn xrevrange<F: FromValue>(
        &self,
        key: impl ToSingleArg,
        end: impl ToSingleArg,
        start: impl ToSingleArg,
    ) -> Self::Output<'_, Vec<StreamEntry<F>>> {
        self.command(range(command("XREVRANGE"), key, end, start, None))
    }

    /// At most `count` entries from `end` down to `start`. [XREVRANGE](https://redis.io/docs/latest/commands/xrevrange/)
    fn xrevrange_count<F: FromValue>(
        &self,
        key: impl ToSingleArg,
        end: impl ToSingleArg,
        start: impl ToSingleArg,
        count: u64,
    ) -> Self::Output<'_, Vec<StreamEntry<F>>> {
        self.command(range(command("XREVRANGE"), key, end, start, Some(count)))
    }

    /// Deletes the entries with the given ids (one or more); returns how many
    /// existed. [XDEL](https://redis.io/docs/latest/commands/xdel/)
    fn xdel(&self, key: impl ToSingleArg, ids: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("XDEL");
        key.write_args(&mut args);
        ids.write_args(&mut args);
        self.command(args)
    }

    /// Trims the stream; returns how many entries were removed. [XTRIM](https://redis.io/docs/latest/commands/xtrim/)
    fn xtrim(&self, key: impl ToSingleArg, trim: &StreamTrim) -> Self::Output<'_, u64> {
        let mut args = command("XTRIM");
        key.write_args(&mut args);
        trim.write_args(&mut args);
        self.command(args)
    }

    /// Reads the entries after the given ids from one or more streams (`keys` and
    /// `ids` in the same order; `$` for "only new ones"). Streams without new entries
    /// are left out. [XREAD](https://redis.io/docs/latest/commands/xread/)
    fn xread<F: FromValue>(&self, keys: impl ToArgs, ids: impl ToArgs) -> Self::Output<'_, Vec<StreamRead<F>>> {
        self.command(streams(command("XREAD"), keys, ids))
    }

    /// `XREAD` with `COUNT` or `BLOCK`; an empty `Vec` when a block timed out.
    /// [XREAD](https://redis.io/docs/latest/commands/xread/)
    fn xread_options<F: FromValue>(
        &self,
        keys: impl ToArgs,
        ids: impl ToArgs,
        options: XReadOptions,
    ) -> Self::Output<'_, Vec<StreamRead<F>>> {
        let mut args = command("XREAD");
        options.write_args(&mut args);
        let args = streams(args, keys, ids);
        self.command(match options.block_time() {
            Some(block) => args.blocking(block),
            None => args,
        })
    }

    /// Reads entries from one or more streams as `consumer` of `group`: with id `>`
    /// the entries never delivered to the group, with another id the consumer's
    /// pending entries after it. [XREADGROUP](https://redis.io/docs/latest/commands/xreadgroup/)
    fn xreadgroup<F: FromValue>(
        &self,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
        keys: impl ToArgs,
        ids: impl ToArgs,
    ) -> Self::Output<'_, Vec<StreamRead<F>>> {
        let mut args = command("XREADGROUP");
        (b"GROUP", group, consumer).write_args(&mut args);
        self.command(streams(args, keys, ids))
    }

    /// `XREADGROUP` with `COUNT`, `BLOCK` or `NOACK`; an empty `Vec` when a block
    /// timed out. [XREADGROUP](https://redis.io/docs/latest/commands/xreadgroup/)
    fn xreadgroup_options<F: FromValue>(
        &self,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
        keys: impl ToArgs,
        ids: impl ToArgs,
        options: XReadGroupOptions,
    ) -> Self::Output<'_, Vec<StreamRead<F>>> {
        let block = options.block_time();
        let mut args = command("XREADGROUP");
        (b"GROUP", group, consumer, options).write_args(&mut args);
        let args = streams(args, keys, ids);
        self.command(match block {
            Some(block) => args.blocking(block),
            None => args,
        })
    }

    /// Acknowledges entries (one or more ids) of `group`; returns how many were
    /// pending. [XACK](https://redis.io/docs/latest/commands/xack/)
    fn xack(&self, key: impl ToSingleArg, group: impl ToSingleArg, ids: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("XACK");
        key.write_args(&mut args);
        group.write_args(&mut args);
        ids.write_args(&mut args);
        self.command(args)
    }

    /// Creates consumer group `group` whose next entry is the one after `id` (`$`:
    /// only new entries, `0`: all). [XGROUP CREATE](https://redis.io/docs/latest/commands/xgroup-create/)
    fn xgroup_create(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        id: impl ToSingleArg,
    ) -> Self::Output<'_, ()> {
        let mut args = subcommand("XGROUP", "CREATE");
        (key, group, id).write_args(&mut args);
        self.command(args)
    }

    /// `XGROUP CREATE` with `MKSTREAM` or `ENTRIESREAD`. [XGROUP CREATE](https://redis.io/docs/latest/commands/xgroup-create/)
    fn xgroup_create_options(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        id: impl ToSingleArg,
        options: XGroupCreateOptions,
    ) -> Self::Output<'_, ()> {
        let mut args = subcommand("XGROUP", "CREATE");
        (key, group, id, options).write_args(&mut args);
        self.command(args)
    }

    /// Creates `consumer` in `group`; `false` when it existed. [XGROUP CREATECONSUMER](https://redis.io/docs/latest/commands/xgroup-createconsumer/)
    fn xgroup_createconsumer(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
    ) -> Self::Output<'_, bool> {
        let mut args = subcommand("XGROUP", "CREATECONSUMER");
        (key, group, consumer).write_args(&mut args);
        self.command(args)
    }

    /// Deletes `consumer` from `group`; returns how many entries it had pending
    /// (they are no longer pending). [XGROUP DELCONSUMER](https://redis.io/docs/latest/commands/xgroup-delconsumer/)
    fn xgroup_delconsumer(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
    ) -> Self::Output<'_, u64> {
        let mut args = subcommand("XGROUP", "DELCONSUMER");
        (key, group, consumer).write_args(&mut args);
        self.command(args)
    }

    /// Deletes consumer group `group`; `false` when it did not exist. [XGROUP DESTROY](https://redis.io/docs/latest/commands/xgroup-destroy/)
    fn xgroup_destroy(&self, key: impl ToSingleArg, group: impl ToSingleArg) -> Self::Output<'_, bool> {
        let mut args = subcommand("XGROUP", "DESTROY");
        (key, group).write_args(&mut args);
        self.command(args)
    }

    /// Sets the last delivered id of `group` (`$` for the stream's last entry), and
    /// optionally its read counter (`ENTRIESREAD`, Redis 7.0+). [XGROUP SETID](https://redis.io/docs/latest/commands/xgroup-setid/)
    fn xgroup_setid(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        id: impl ToSingleArg,
        entries_read: Option<u64>,
    ) -> Self::Output<'_, ()> {
        let mut args = subcommand("XGROUP", "SETID");
        (key, group, id).write_args(&mut args);
        if let Some(count) = entries_read {
            args.push(b"ENTRIESREAD");
            args.push_uint(count);
        }
        self.command(args)
    }

    /// A summary of the entries pending in `group`. [XPENDING](https://redis.io/docs/latest/commands/xpending/)
    fn xpending(&self, key: impl ToSingleArg, group: impl ToSingleArg) -> Self::Output<'_, PendingSummary> {
        let mut args = command("XPENDING");
        (key, group).write_args(&mut args);
        self.command(args)
    }

    /// At most `count` pending entries of `group` with ids from `start` to `end`
    /// (`-` and `+` for all), filtered by `options`. [XPENDING](https://redis.io/docs/latest/commands/xpending/)
    fn xpending_range(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        start: impl ToSingleArg,
        end: impl ToSingleArg,
        count: u64,
        options: XPendingOptions,
    ) -> Self::Output<'_, Vec<PendingEntry>> {
        let mut args = command("XPENDING");
        (key, group).write_args(&mut args);
        if let Some(idle) = options.idle {
            args.push(b"IDLE");
            args.push_uint(millis_ceil(idle));
        }
        (start, end, count, &options.consumer).write_args(&mut args);
        self.command(args)
    }

    /// Gives the entries with the given ids (one or more) that are idle for at least
    /// `min_idle` to `consumer`; returns the claimed entries. [XCLAIM](https://redis.io/docs/latest/commands/xclaim/)
    fn xclaim<F: FromValue>(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
        min_idle: Duration,
        ids: impl ToArgs,
        options: XClaimOptions,
    ) -> Self::Output<'_, Vec<StreamEntry<F>>> {
        let mut args = command("XCLAIM");
        (key, group, consumer, millis_ceil(min_idle), ids, options).write_args(&mut args);
        self.command(args)
    }

    /// `XCLAIM ... JUSTID`: claims like [`xclaim`](Self::xclaim) without counting a
    /// delivery, and returns only the ids. [XCLAIM](https://redis.io/docs/latest/commands/xclaim/)
    fn xclaim_justid(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
        min_idle: Duration,
        ids: impl ToArgs,
        options: XClaimOptions,
    ) -> Self::Output<'_, Vec<StreamId>> {
        let mut args = command("XCLAIM");
        (key, group, consumer, millis_ceil(min_idle), ids, options).write_args(&mut args);
        args.push(b"JUSTID");
        self.command(args)
    }

    /// Claims for `consumer` the pending entries of `group` idle for at least
    /// `min_idle`, scanning from `start` (`0-0` at first, then the returned
    /// [`AutoClaim::next`]); `count` caps the entries claimed (server default 100).
    /// [XAUTOCLAIM](https://redis.io/docs/latest/commands/xautoclaim/)
    fn xautoclaim<F: FromValue>(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
        min_idle: Duration,
        start: impl ToSingleArg,
        count: Option<u64>,
    ) -> Self::Output<'_, AutoClaim<StreamEntry<F>>> {
        let mut args = command("XAUTOCLAIM");
        (
            key,
            group,
            consumer,
            millis_ceil(min_idle),
            start,
            count.map(|n| ("COUNT", n)),
        )
            .write_args(&mut args);
        self.command(args)
    }

    /// `XAUTOCLAIM ... JUSTID`: claims like [`xautoclaim`](Self::xautoclaim) without
    /// counting a delivery, and returns only the ids. [XAUTOCLAIM](https://redis.io/docs/latest/commands/xautoclaim/)
    fn xautoclaim_justid(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
        consumer: impl ToSingleArg,
        min_idle: Duration,
        start: impl ToSingleArg,
        count: Option<u64>,
    ) -> Self::Output<'_, AutoClaim<StreamId>> {
        let mut args = command("XAUTOCLAIM");
        (
            key,
            group,
            consumer,
            millis_ceil(min_idle),
            start,
            count.map(|n| ("COUNT", n)),
        )
            .write_args(&mut args);
        args.push(b"JUSTID");
        self.command(args)
    }

    /// General information about the stream: length, ids, first and last entries.
    /// [XINFO STREAM](https://redis.io/docs/latest/commands/xinfo-stream/)
    fn xinfo_stream<F: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, StreamInfo<F>> {
        let mut args = subcommand("XINFO", "STREAM");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Everything about the stream: entries, groups, consumers, pending entries.
    /// `count` caps the entries and pending entries listed (server default 10, `0`
    /// for all). [XINFO STREAM](https://redis.io/docs/latest/commands/xinfo-stream/)
    fn xinfo_stream_full<F: FromValue>(
        &self,
        key: impl ToSingleArg,
        count: Option<u64>,
    ) -> Self::Output<'_, StreamInfoFull<F>> {
        let mut args = subcommand("XINFO", "STREAM");
        (key, "FULL", count.map(|n| ("COUNT", n))).write_args(&mut args);
        self.command(args)
    }

    /// The stream's consumer groups. [XINFO GROUPS](https://redis.io/docs/latest/commands/xinfo-groups/)
    fn xinfo_groups(&self, key: impl ToSingleArg) -> Self::Output<'_, Vec<StreamGroupInfo>> {
        let mut args = subcommand("XINFO", "GROUPS");
        key.write_args(&mut args);
        self.command(args)
    }

    /// The consumers of `group`. [XINFO CONSUMERS](https://redis.io/docs/latest/commands/xinfo-consumers/)
    fn xinfo_consumers(
        &self,
        key: impl ToSingleArg,
        group: impl ToSingleArg,
    ) -> Self::Output<'_, Vec<StreamConsumerInfo>> {
        let mut args = subcommand("XINFO", "CONSUMERS");
        (key, group).write_args(&mut args);
        self.command(args)
    }

    /// Sets the stream's last id (creating no stream). [XSETID](https://redis.io/docs/latest/commands/xsetid/)
    fn xsetid(&self, key: impl ToSingleArg, last_id: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = command("XSETID");
        (key, last_id).write_args(&mut args);
        self.command(args)
    }

    /// `XSETID` with `ENTRIESADDED` or `MAXDELETEDID` (Redis 7.0+). [XSETID](https://redis.io/docs/latest/commands/xsetid/)
    fn xsetid_options(
        &self,
        key: impl ToSingleArg,
        last_id: impl ToSingleArg,
        options: XSetIdOptions,
    ) -> Self::Output<'_, ()> {
        let mut args = command("XSETID");
        (key, last_id, options).write_args(&mut args);
        self.command(args)
    }

    /// Usage of the `XGROUP` subcommands. [XGROUP HELP](https://redis.io/docs/latest/commands/xgroup-help/)
    fn xgroup_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("XGROUP", "HELP"))
    }
    /// Usage of the `XINFO` subcommands. [XINFO HELP](https://redis.io/docs/latest/commands/xinfo-help/)
    fn xinfo_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("XINFO", "HELP"))
    }
}

/// `args` (`XRANGE` or `XREVRANGE`) with the key, both bounds and an optional `COUNT`.
fn range(mut args: Args, key: impl ToArgs, from: impl ToArgs, to: impl ToArgs, count: Option<u64>) -> Args {
    (key, from, to, count.map(|n| ("COUNT", n))).write_args(&mut args);
    args
}

/// `args` (`XREAD` or `XREADGROUP` with its options) then `STREAMS`, the keys, the ids.
fn streams(mut args: Args, keys: impl ToArgs, ids: impl ToArgs) -> Args {
    (b"STREAMS", keys, ids).write_args(&mut args);
    args
}
