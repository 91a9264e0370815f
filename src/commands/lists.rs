//! List commands: <https://redis.io/docs/latest/commands/?group=list>.

use std::time::Duration;

use super::time::push_block_secs;
use super::{command, counted, with, CommandTarget};
use crate::resp::Value;
use crate::value::{Args, ConversionError, FromValue, ToArgs, ToSingleArg};

/// An end of a list: `LEFT` (the head) or `RIGHT` (the tail), for
/// [`lmove`](ListCommands::lmove), [`lmpop`](ListCommands::lmpop) and their blocking forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Side {
    /// The head of the list (`LEFT`), where `LPUSH` adds.
    Left,
    /// The tail of the list (`RIGHT`), where `RPUSH` adds.
    Right,
}

impl ToArgs for Side {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            Side::Left => b"LEFT",
            Side::Right => b"RIGHT",
        });
    }
}
impl ToSingleArg for Side {}

/// Where [`linsert`](ListCommands::linsert) puts the new element: `BEFORE` or `AFTER` the pivot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InsertPosition {
    /// Just before the pivot (nearer the head).
    Before,
    /// Just after the pivot (nearer the tail).
    After,
}

impl ToArgs for InsertPosition {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            InsertPosition::Before => b"BEFORE",
            InsertPosition::After => b"AFTER",
        });
    }
}
impl ToSingleArg for InsertPosition {}

/// The reply of [`linsert`](ListCommands::linsert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LinsertReply {
    /// Inserted: the list's new length. `Length(0)` means there was no list at the key.
    Length(u64),
    /// The pivot is not in the list: nothing was inserted.
    PivotNotFound,
}

impl FromValue for LinsertReply {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match i64::from_value(value)? {
            -1 => Ok(LinsertReply::PivotNotFound),
            n => u64::try_from(n)
                .map(LinsertReply::Length)
                .map_err(|_| ConversionError::invalid_value("LinsertReply", &Value::Integer(n), "negative length")),
        }
    }
}

/// The `RANK` and `MAXLEN` options of [`lpos_options`](ListCommands::lpos_options)
/// and [`lpos_count`](ListCommands::lpos_count).
///
/// ```
/// use anyredis::commands::LposOptions;
/// use anyredis::value::{Args, ToArgs};
///
/// // The second match from the tail, looking at no more than 100 elements.
/// let opts = LposOptions::new().rank(-2).maxlen(100);
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"RANK"[..], b"-2", b"MAXLEN", b"100"]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LposOptions {
    rank: Option<i64>,
    maxlen: Option<u64>,
}

impl LposOptions {
    /// No options: the first match, scanning the whole list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Skips to the `rank`-th match (`RANK`): 1 is the first, 2 the second; negative
    /// ranks count matches from the tail (-1 is the last). Redis rejects 0.
    pub fn rank(mut self, rank: i64) -> Self {
        self.rank = Some(rank);
        self
    }

    /// Compares at most `maxlen` elements (`MAXLEN`); 0 means the whole list.
    pub fn maxlen(mut self, maxlen: u64) -> Self {
        self.maxlen = Some(maxlen);
        self
    }
}

impl ToArgs for LposOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(rank) = self.rank {
            out.push(b"RANK");
            out.push_int(rank);
        }
        if let Some(maxlen) = self.maxlen {
            out.push(b"MAXLEN");
            out.push_uint(maxlen);
        }
    }
}

/// List commands.
///
/// Blocking commands (`BLPOP`, `BLMOVE`, ...) take their timeout as a [`Duration`]
/// and reply nil when it passes (ask for `Option<_>`). `Duration::ZERO` blocks
/// forever; other timeouts are sent in whole milliseconds, rounded up, and at least
/// 10 ms (see [blocking timeouts](super#blocking-timeouts)). They hold their
/// connection while they wait: on a [`Client`](crate::Client) they run on a pooled
/// connection of their own, never on the shared one.
pub trait ListCommands: CommandTarget {
    /// Adds one or more `elements` to the head of the list at `key` (the last one
    /// ends up first) and returns the new length. [LPUSH](https://redis.io/docs/latest/commands/lpush/)
    fn lpush(&self, key: impl ToSingleArg, elements: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("LPUSH"), (key, elements)))
    }

    /// Like [`lpush`](Self::lpush), only if the list exists; returns the new length
    /// (0: no list). [LPUSHX](https://redis.io/docs/latest/commands/lpushx/)
    fn lpushx(&self, key: impl ToSingleArg, elements: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("LPUSHX"), (key, elements)))
    }

    /// Adds one or more `elements` to the tail of the list at `key` and returns the
    /// new length. [RPUSH](https://redis.io/docs/latest/commands/rpush/)
    fn rpush(&self, key: impl ToSingleArg, elements: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("RPUSH"), (key, elements)))
    }

    /// Like [`rpush`](Self::rpush), only if the list exists; returns the new length
    /// (0: no list). [RPUSHX](https://redis.io/docs/latest/commands/rpushx/)
    fn rpushx(&self, key: impl ToSingleArg, elements: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("RPUSHX"), (key, elements)))
    }

    /// Removes and returns the first element; nil when there is no list: ask for
    /// `Option<_>`. [LPOP](https://redis.io/docs/latest/commands/lpop/)
    fn lpop<R: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, R> {
        self.command(with(command("LPOP"), key))
    }

    /// Removes and returns up to `count` elements from the head (empty: no list): ask
    /// for a collection such as `Vec<String>`. [LPOP](https://redis.io/docs/latest/commands/lpop/)
    fn lpop_count<R: FromValue>(&self, key: impl ToSingleArg, count: u64) -> Self::Output<'_, R> {
        self.command(with(command("LPOP"), (key, count)))
    }

    /// Removes and returns the last element; nil when there is no list: ask for
    /// `Option<_>`. [RPOP](https://redis.io/docs/latest/commands/rpop/)
    fn rpop<R: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, R> {
        self.command(with(command("RPOP"), key))
    }

    /// Removes and returns up to `count` elements from the tail, last first (empty: no
    /// list): ask for a collection such as `Vec<String>`. [RPOP](https://redis.io/docs/latest/commands/rpop/)
    fn rpop_count<R: FromValue>(&self, key: impl ToSingleArg, count: u64) -> Self::Output<'_, R> {
        self.command(with(command("RPOP"), (key, count)))
    }

    /// The length of the list (0: no list). [LLEN](https://redis.io/docs/latest/commands/llen/)
    fn llen(&self, key: impl ToSingleArg) -> Self::Output<'_, u64> {
        self.command(with(command("LLEN"), key))
    }

    /// The elements from `start` to `stop`, both included; negative indexes count
    /// from the tail (`0, -1` is the whole list). Ask for a collection such as
    /// `Vec<String>` or `VecDeque<Vec<u8>>`. [LRANGE](https://redis.io/docs/latest/commands/lrange/)
    fn lrange<R: FromValue>(&self, key: impl ToSingleArg, start: i64, stop: i64) -> Self::Output<'_, R> {
        self.command(with(command("LRANGE"), (key, start, stop)))
    }

    /// The element at `index` (negative counts from the tail); nil when out of range or
    /// no list: ask for `Option<_>`. [LINDEX](https://redis.io/docs/latest/commands/lindex/)
    fn lindex<R: FromValue>(&self, key: impl ToSingleArg, index: i64) -> Self::Output<'_, R> {
        self.command(with(command("LINDEX"), (key, index)))
    }

    /// Replaces the element at `index` (an error if out of range or no list).
    /// [LSET](https://redis.io/docs/latest/commands/lset/)
    fn lset(&self, key: impl ToSingleArg, index: i64, element: impl ToSingleArg) -> Self::Output<'_, ()> {
        self.command(with(command("LSET"), (key, index, element)))
    }

    /// Inserts `element` before or after the first `pivot` found from the head.
    /// [LINSERT](https://redis.io/docs/latest/commands/linsert/)
    fn linsert(
        &self,
        key: impl ToSingleArg,
        position: InsertPosition,
        pivot: impl ToSingleArg,
        element: impl ToSingleArg,
    ) -> Self::Output<'_, LinsertReply> {
        self.command(with(command("LINSERT"), (key, position, pivot, element)))
    }

    /// Removes elements equal to `element` and returns how many: the first `count`
    /// from the head if `count > 0`, the last `-count` from the tail if `count < 0`,
    /// all if 0. [LREM](https://redis.io/docs/latest/commands/lrem/)
    fn lrem(&self, key: impl ToSingleArg, count: i64, element: impl ToSingleArg) -> Self::Output<'_, u64> {
        self.command(with(command("LREM"), (key, count, element)))
    }

    /// Keeps only the elements from `start` to `stop`, both included (negative
    /// indexes count from the tail). [LTRIM](https://redis.io/docs/latest/commands/ltrim/)
    fn ltrim(&self, key: impl ToSingleArg, start: i64, stop: i64) -> Self::Output<'_, ()> {
        self.command(with(command("LTRIM"), (key, start, stop)))
    }

    /// The index of the first `element` from the head (`None`: not found).
    /// [LPOS](https://redis.io/docs/latest/commands/lpos/)
    fn lpos(&self, key: impl ToSingleArg, element: impl ToSingleArg) -> Self::Output<'_, Option<u64>> {
        self.lpos_options(key, element, LposOptions::new())
    }

    /// The index of `element` with `RANK` and `MAXLEN` options (`None`: not found).
    /// [LPOS](https://redis.io/docs/latest/commands/lpos/)
    fn lpos_options(
        &self,
        key: impl ToSingleArg,
        element: impl ToSingleArg,
        options: LposOptions,
    ) -> Self::Output<'_, Option<u64>> {
        self.command(with(command("LPOS"), (key, element, options)))
    }

    /// The indexes of up to `count` matches of `element` (`COUNT`; 0: all matches),
    /// in scan order. [LPOS](https://redis.io/docs/latest/commands/lpos/)
    fn lpos_count(
        &self,
        key: impl ToSingleArg,
        element: impl ToSingleArg,
        count: u64,
        options: LposOptions,
    ) -> Self::Output<'_, Vec<u64>> {
        let mut args = command("LPOS");
        key.write_args(&mut args);
        element.write_args(&mut args);
        args.push(b"COUNT");
        args.push_uint(count);
        options.write_args(&mut args);
        self.command(args)
    }

    /// Pops an element from the `from` end of `source`, pushes it on the `to` end of
    /// `destination` and returns it; nil when `source` is empty: ask for `Option<_>`.
    /// [LMOVE](https://redis.io/docs/latest/commands/lmove/)
    fn lmove<R: FromValue>(
        &self,
        source: impl ToSingleArg,
        destination: impl ToSingleArg,
        from: Side,
        to: Side,
    ) -> Self::Output<'_, R> {
        self.command(with(command("LMOVE"), (source, destination, from, to)))
    }

    /// Moves the last element of `source` to the head of `destination` and returns it;
    /// nil when `source` is empty: ask for `Option<_>`. Same as [`lmove`](Self::lmove)
    /// `Right, Left`. [RPOPLPUSH](https://redis.io/docs/latest/commands/rpoplpush/)
    fn rpoplpush<R: FromValue>(&self, source: impl ToSingleArg, destination: impl ToSingleArg) -> Self::Output<'_, R> {
        self.command(with(command("RPOPLPUSH"), (source, destination)))
    }

    /// Pops up to `count` elements from the `side` end of the first non-empty list of
    /// one or more `keys`; returns that key and the elements, nil when all are empty:
    /// ask for e.g. `Option<(String, Vec<String>)>`. [LMPOP](https://redis.io/docs/latest/commands/lmpop/)
    fn lmpop<R: FromValue>(&self, keys: impl ToArgs, side: Side, count: u64) -> Self::Output<'_, R> {
        let mut args = command("LMPOP");
        counted(&keys).write_args(&mut args);
        side.write_args(&mut args);
        args.push(b"COUNT");
        args.push_uint(count);
        self.command(args)
    }

    /// Pops the first element of the first non-empty list of one or more `keys`,
    /// waiting up to `timeout` for one; returns the key and the element, nil when timed
    /// out: ask for e.g. `Option<(String, String)>` or `Option<(Vec<u8>, Vec<u8>)>`.
    /// [BLPOP](https://redis.io/docs/latest/commands/blpop/)
    fn blpop<R: FromValue>(&self, keys: impl ToArgs, timeout: Duration) -> Self::Output<'_, R> {
        let mut args = command("BLPOP");
        keys.write_args(&mut args);
        let block = push_block_secs(&mut args, timeout);
        self.command(args.blocking(block))
    }

    /// Pops the last element of the first non-empty list of one or more `keys`,
    /// waiting up to `timeout` for one; returns the key and the element, nil when timed
    /// out: ask for e.g. `Option<(String, String)>` or `Option<(Vec<u8>, Vec<u8>)>`.
    /// [BRPOP](https://redis.io/docs/latest/commands/brpop/)
    fn brpop<R: FromValue>(&self, keys: impl ToArgs, timeout: Duration) -> Self::Output<'_, R> {
        let mut args = command("BRPOP");
        keys.write_args(&mut args);
        let block = push_block_secs(&mut args, timeout);
        self.command(args.blocking(block))
    }

    /// [`lmove`](Self::lmove) that waits up to `timeout` for `source` to have an
    /// element; nil when timed out: ask for `Option<_>`. [BLMOVE](https://redis.io/docs/latest/commands/blmove/)
    fn blmove<R: FromValue>(
        &self,
        source: impl ToSingleArg,
        destination: impl ToSingleArg,
        from: Side,
        to: Side,
        timeout: Duration,
    ) -> Self::Output<'_, R> {
        let mut args = command("BLMOVE");
        (source, destination, from, to).write_args(&mut args);
        let block = push_block_secs(&mut args, timeout);
        self.command(args.blocking(block))
    }

    /// [`lmpop`](Self::lmpop) that waits up to `timeout` for one of the lists to have
    /// an element; nil when timed out: ask for e.g. `Option<(String, Vec<String>)>`.
    /// [BLMPOP](https://redis.io/docs/latest/commands/blmpop/)
    fn blmpop<R: FromValue>(
        &self,
        keys: impl ToArgs,
        side: Side,
        count: u64,
        timeout: Duration,
    ) -> Self::Output<'_, R> {
        let mut args = command("BLMPOP");
        let block = push_block_secs(&mut args, timeout);
        counted(&keys).write_args(&mut args);
        side.write_args(&mut args);
        args.push(b"COUNT");
        args.push_uint(count);
        self.command(args.blocking(block))
    }

    /// [`rpoplpush`](Self::rpoplpush) that waits up to `timeout`; nil when timed out: ask
    /// for `Option<_>`. Deprecated by Redis since 6.2 in favour of [`blmove`](Self::blmove)
    /// `Right, Left`. [BRPOPLPUSH](https://redis.io/docs/latest/commands/brpoplpush/)
    fn brpoplpush<R: FromValue>(
        &self,
        source: impl ToSingleArg,
        destination: impl ToSingleArg,
        timeout: Duration,
    ) -> Self::Output<'_, R> {
        let mut args = command("BRPOPLPUSH");
        (source, destination).write_args(&mut args);
        let block = push_block_secs(&mut args, timeout);
        self.command(args.blocking(block))
    }
}
