//! Sorted set commands: <https://redis.io/docs/latest/commands/?group=sorted-set>.
//!
//! Members with scores come back as `Vec<(M, f64)>` from RESP2 (flat) and RESP3
//! (nested pairs) servers alike. Ranges are typed: [`ZRange`], [`ScoreBound`],
//! [`LexBound`].

mod options;
mod range;

use std::time::Duration;

pub use options::{Aggregate, MinMax, ZAddOptions, ZCombineOptions};
pub use range::{LexBound, ScoreBound, ZRange};

use super::{command, counted, with, CommandTarget, ScanOptions};
use crate::value::{FromValue, ToArgs, ToSingleArg};

/// A blocking timeout in seconds; zero blocks forever.
fn seconds(timeout: Duration) -> f64 {
    timeout.as_secs_f64()
}

const WITHSCORES: &str = "WITHSCORES";

/// Sorted set commands.
///
/// ```no_run
/// # async fn demo(c: anyredis::Client) -> anyredis::Result<()> {
/// use anyredis::prelude::*;
/// use anyredis::commands::ZRange;
///
/// c.zadd("board", [(10.0, "ada"), (7.5, "bob")]).await?;
/// let top: Vec<(String, f64)> = c.zrange_withscores("board", ZRange::rank(0, 9).rev()).await?;
/// assert_eq!(top[0], ("ada".to_owned(), 10.0));
/// # Ok(()) }
/// ```
pub trait SortedSetCommands: CommandTarget {
    /// Adds or updates one or more `(score, member)` pairs, e.g. `[(1.0, "a"), (2.5, "b")]`;
    /// returns how many members were added. [ZADD](https://redis.io/docs/latest/commands/zadd/)
    fn zadd(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("ZADD"), (key, members)))
    }

    /// `ZADD` with `NX`/`XX`/`GT`/`LT`/`CH`; returns how many members were added (with
    /// `CH`: added or changed). [ZADD](https://redis.io/docs/latest/commands/zadd/)
    fn zadd_options(&self, key: impl ToSingleArg, members: impl ToArgs, opts: ZAddOptions) -> Self::Output<'_, u64> {
        self.command(with(command("ZADD"), (key, opts, members)))
    }

    /// Adds `increment` to `member`'s score (`ZADD ... INCR`); the new score, or `None`
    /// when the options prevented the update. [ZADD](https://redis.io/docs/latest/commands/zadd/)
    fn zadd_incr(
        &self,
        key: impl ToSingleArg,
        member: impl ToSingleArg,
        increment: f64,
        opts: ZAddOptions,
    ) -> Self::Output<'_, Option<f64>> {
        self.command(with(command("ZADD"), (key, opts, "INCR", increment, member)))
    }

    /// Adds `increment` to `member`'s score (created at 0); returns the new score. [ZINCRBY](https://redis.io/docs/latest/commands/zincrby/)
    fn zincrby(&self, key: impl ToSingleArg, increment: f64, member: impl ToSingleArg) -> Self::Output<'_, f64> {
        self.command(with(command("ZINCRBY"), (key, increment, member)))
    }

    /// Removes one or more members; returns how many existed. [ZREM](https://redis.io/docs/latest/commands/zrem/)
    fn zrem(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("ZREM"), (key, members)))
    }

    /// The number of members (0 for a missing key). [ZCARD](https://redis.io/docs/latest/commands/zcard/)
    fn zcard(&self, key: impl ToSingleArg) -> Self::Output<'_, u64> {
        self.command(with(command("ZCARD"), key))
    }

    /// The number of members with a score between `min` and `max`. [ZCOUNT](https://redis.io/docs/latest/commands/zcount/)
    fn zcount(
        &self,
        key: impl ToSingleArg,
        min: impl Into<ScoreBound>,
        max: impl Into<ScoreBound>,
    ) -> Self::Output<'_, u64> {
        self.command(with(command("ZCOUNT"), (key, min.into(), max.into())))
    }

    /// The number of members between `min` and `max` in lex order. [ZLEXCOUNT](https://redis.io/docs/latest/commands/zlexcount/)
    fn zlexcount(&self, key: impl ToSingleArg, min: LexBound, max: LexBound) -> Self::Output<'_, u64> {
        self.command(with(command("ZLEXCOUNT"), (key, min, max)))
    }

    /// `member`'s score, `None` if it (or the key) does not exist. [ZSCORE](https://redis.io/docs/latest/commands/zscore/)
    fn zscore(&self, key: impl ToSingleArg, member: impl ToSingleArg) -> Self::Output<'_, Option<f64>> {
        self.command(with(command("ZSCORE"), (key, member)))
    }

    /// The scores of one or more members, `None` for missing ones. [ZMSCORE](https://redis.io/docs/latest/commands/zmscore/)
    fn zmscore(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, Vec<Option<f64>>> {
        self.command(with(command("ZMSCORE"), (key, members)))
    }

    /// `member`'s 0-based rank by ascending score, `None` if missing. [ZRANK](https://redis.io/docs/latest/commands/zrank/)
    fn zrank(&self, key: impl ToSingleArg, member: impl ToSingleArg) -> Self::Output<'_, Option<u64>> {
        self.command(with(command("ZRANK"), (key, member)))
    }

    /// `member`'s 0-based rank by descending score, `None` if missing. [ZREVRANK](https://redis.io/docs/latest/commands/zrevrank/)
    fn zrevrank(&self, key: impl ToSingleArg, member: impl ToSingleArg) -> Self::Output<'_, Option<u64>> {
        self.command(with(command("ZREVRANK"), (key, member)))
    }

    /// The members in `range` (by rank, score or lex; see [`ZRange`]). [ZRANGE](https://redis.io/docs/latest/commands/zrange/)
    fn zrange<M: FromValue>(&self, key: impl ToSingleArg, range: ZRange) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZRANGE"), (key, range)))
    }

    /// The members in `range` with their scores. [ZRANGE](https://redis.io/docs/latest/commands/zrange/)
    fn zrange_withscores<M: FromValue>(&self, key: impl ToSingleArg, range: ZRange) -> Self::Output<'_, Vec<(M, f64)>> {
        self.command(with(command("ZRANGE"), (key, range, WITHSCORES)))
    }

    /// Stores the members of `src` in `range` at `dst`; returns their number. [ZRANGESTORE](https://redis.io/docs/latest/commands/zrangestore/)
    fn zrangestore(&self, dst: impl ToSingleArg, src: impl ToSingleArg, range: ZRange) -> Self::Output<'_, u64> {
        self.command(with(command("ZRANGESTORE"), (dst, src, range)))
    }

    /// Members with scores from `min` to `max`, lowest first; older form of
    /// [`ZRange::score`] (deprecated in Redis 6.2). [ZRANGEBYSCORE](https://redis.io/docs/latest/commands/zrangebyscore/)
    fn zrangebyscore<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        min: impl Into<ScoreBound>,
        max: impl Into<ScoreBound>,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZRANGEBYSCORE"), (key, min.into(), max.into())))
    }

    /// Members with scores from `max` down to `min`, highest first; older form of
    /// `ZRange::score(..).rev()` (deprecated in Redis 6.2). [ZREVRANGEBYSCORE](https://redis.io/docs/latest/commands/zrevrangebyscore/)
    fn zrevrangebyscore<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        max: impl Into<ScoreBound>,
        min: impl Into<ScoreBound>,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZREVRANGEBYSCORE"), (key, max.into(), min.into())))
    }

    /// Members from `min` to `max` in lex order; older form of [`ZRange::lex`]
    /// (deprecated in Redis 6.2). [ZRANGEBYLEX](https://redis.io/docs/latest/commands/zrangebylex/)
    fn zrangebylex<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        min: LexBound,
        max: LexBound,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZRANGEBYLEX"), (key, min, max)))
    }

    /// Members from `max` down to `min` in lex order; older form of `ZRange::lex(..).rev()`
    /// (deprecated in Redis 6.2). [ZREVRANGEBYLEX](https://redis.io/docs/latest/commands/zrevrangebylex/)
    fn zrevrangebylex<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        max: LexBound,
        min: LexBound,
    ) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZREVRANGEBYLEX"), (key, max, min)))
    }

    /// Members at ranks `start..=stop` counted from the highest score; older form of
    /// `ZRange::rank(..).rev()` (deprecated in Redis 6.2). [ZREVRANGE](https://redis.io/docs/latest/commands/zrevrange/)
    fn zrevrange<M: FromValue>(&self, key: impl ToSingleArg, start: i64, stop: i64) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZREVRANGE"), (key, start, stop)))
    }

    /// Removes the members at ranks `start..=stop`; returns how many. [ZREMRANGEBYRANK](https://redis.io/docs/latest/commands/zremrangebyrank/)
    fn zremrangebyrank(&self, key: impl ToSingleArg, start: i64, stop: i64) -> Self::Output<'_, u64> {
        self.command(with(command("ZREMRANGEBYRANK"), (key, start, stop)))
    }

    /// Removes the members with scores from `min` to `max`; returns how many. [ZREMRANGEBYSCORE](https://redis.io/docs/latest/commands/zremrangebyscore/)
    fn zremrangebyscore(
        &self,
        key: impl ToSingleArg,
        min: impl Into<ScoreBound>,
        max: impl Into<ScoreBound>,
    ) -> Self::Output<'_, u64> {
        self.command(with(command("ZREMRANGEBYSCORE"), (key, min.into(), max.into())))
    }

    /// Removes the members from `min` to `max` in lex order; returns how many. [ZREMRANGEBYLEX](https://redis.io/docs/latest/commands/zremrangebylex/)
    fn zremrangebylex(&self, key: impl ToSingleArg, min: LexBound, max: LexBound) -> Self::Output<'_, u64> {
        self.command(with(command("ZREMRANGEBYLEX"), (key, min, max)))
    }

    /// Removes and returns up to `count` members with the lowest scores. [ZPOPMIN](https://redis.io/docs/latest/commands/zpopmin/)
    fn zpopmin<M: FromValue>(&self, key: impl ToSingleArg, count: u64) -> Self::Output<'_, Vec<(M, f64)>> {
        self.command(with(command("ZPOPMIN"), (key, count)))
    }

    /// Removes and returns up to `count` members with the highest scores. [ZPOPMAX](https://redis.io/docs/latest/commands/zpopmax/)
    fn zpopmax<M: FromValue>(&self, key: impl ToSingleArg, count: u64) -> Self::Output<'_, Vec<(M, f64)>> {
        self.command(with(command("ZPOPMAX"), (key, count)))
    }

    /// Pops the lowest-scored member of the first non-empty set among one or more
    /// `keys`, waiting up to `timeout` (zero: forever): `(key, member, score)`, or
    /// `None` on timeout. [BZPOPMIN](https://redis.io/docs/latest/commands/bzpopmin/)
    fn bzpopmin<K: FromValue, M: FromValue>(
        &self,
        keys: impl ToArgs,
        timeout: Duration,
    ) -> Self::Output<'_, Option<(K, M, f64)>> {
        self.command(with(command("BZPOPMIN"), (keys, seconds(timeout))))
    }

    /// Pops the highest-scored member of the first non-empty set among one or more
    /// `keys`, waiting up to `timeout` (zero: forever): `(key, member, score)`, or
    /// `None` on timeout. [BZPOPMAX](https://redis.io/docs/latest/commands/bzpopmax/)
    fn bzpopmax<K: FromValue, M: FromValue>(
        &self,
        keys: impl ToArgs,
        timeout: Duration,
    ) -> Self::Output<'_, Option<(K, M, f64)>> {
        self.command(with(command("BZPOPMAX"), (keys, seconds(timeout))))
    }

    /// Pops up to `count` members from the `side` of the first non-empty set among one
    /// or more `keys`: `(key, members)`, or `None` if all are empty. Redis 7.0+.
    /// [ZMPOP](https://redis.io/docs/latest/commands/zmpop/)
    #[allow(clippy::type_complexity)] // (key, [(member, score)]) reads better than an alias
    fn zmpop<K: FromValue, M: FromValue>(
        &self,
        keys: impl ToArgs,
        side: MinMax,
        count: u64,
    ) -> Self::Output<'_, Option<(K, Vec<(M, f64)>)>> {
        self.command(with(command("ZMPOP"), (counted(keys), side, "COUNT", count)))
    }

    /// [`zmpop`](Self::zmpop) that waits up to `timeout` (zero: forever) for a
    /// member; `None` on timeout. Redis 7.0+. [BZMPOP](https://redis.io/docs/latest/commands/bzmpop/)
    #[allow(clippy::type_complexity)] // (key, [(member, score)]) reads better than an alias
    fn bzmpop<K: FromValue, M: FromValue>(
        &self,
        timeout: Duration,
        keys: impl ToArgs,
        side: MinMax,
        count: u64,
    ) -> Self::Output<'_, Option<(K, Vec<(M, f64)>)>> {
        let rest = (seconds(timeout), counted(keys), side, "COUNT", count);
        self.command(with(command("BZMPOP"), rest))
    }

    /// A random member, `None` if the key does not exist. [ZRANDMEMBER](https://redis.io/docs/latest/commands/zrandmember/)
    fn zrandmember<M: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<M>> {
        self.command(with(command("ZRANDMEMBER"), key))
    }

    /// Up to `count` distinct random members; a negative `count` returns exactly
    /// `-count` members, possibly repeated. [ZRANDMEMBER](https://redis.io/docs/latest/commands/zrandmember/)
    fn zrandmember_count<M: FromValue>(&self, key: impl ToSingleArg, count: i64) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZRANDMEMBER"), (key, count)))
    }

    /// [`zrandmember_count`](Self::zrandmember_count) with scores. [ZRANDMEMBER](https://redis.io/docs/latest/commands/zrandmember/)
    fn zrandmember_withscores<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        count: i64,
    ) -> Self::Output<'_, Vec<(M, f64)>> {
        self.command(with(command("ZRANDMEMBER"), (key, count, WITHSCORES)))
    }

    /// Members of the first of one or more `keys` that are in none of the others. [ZDIFF](https://redis.io/docs/latest/commands/zdiff/)
    fn zdiff<M: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZDIFF"), counted(keys)))
    }

    /// [`zdiff`](Self::zdiff) with the scores from the first set. [ZDIFF](https://redis.io/docs/latest/commands/zdiff/)
    fn zdiff_withscores<M: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, Vec<(M, f64)>> {
        self.command(with(command("ZDIFF"), (counted(keys), WITHSCORES)))
    }

    /// Stores [`zdiff`](Self::zdiff) of one or more `keys` at `dst`; returns its size. [ZDIFFSTORE](https://redis.io/docs/latest/commands/zdiffstore/)
    fn zdiffstore(&self, dst: impl ToSingleArg, keys: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("ZDIFFSTORE"), (dst, counted(keys))))
    }

    /// Members found in all of one or more `keys`. [ZINTER](https://redis.io/docs/latest/commands/zinter/)
    fn zinter<M: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZINTER"), counted(keys)))
    }

    /// Members found in all of one or more `keys`, with scores combined as `opts` say.
    /// [ZINTER](https://redis.io/docs/latest/commands/zinter/)
    fn zinter_withscores<M: FromValue>(
        &self,
        keys: impl ToArgs,
        opts: ZCombineOptions,
    ) -> Self::Output<'_, Vec<(M, f64)>> {
        self.command(with(command("ZINTER"), (counted(keys), opts, WITHSCORES)))
    }

    /// Stores the intersection of one or more `keys` at `dst`; returns its size.
    /// [ZINTERSTORE](https://redis.io/docs/latest/commands/zinterstore/)
    fn zinterstore(&self, dst: impl ToSingleArg, keys: impl ToArgs, opts: ZCombineOptions) -> Self::Output<'_, u64> {
        self.command(with(command("ZINTERSTORE"), (dst, counted(keys), opts)))
    }

    /// The size of the intersection of one or more `keys`, counting stops at `limit`
    /// if given. Redis 7.0+. [ZINTERCARD](https://redis.io/docs/latest/commands/zintercard/)
    fn zintercard(&self, keys: impl ToArgs, limit: Option<u64>) -> Self::Output<'_, u64> {
        let limit = limit.map(|n| ("LIMIT", n));
        self.command(with(command("ZINTERCARD"), (counted(keys), limit)))
    }

    /// Members found in any of one or more `keys`. [ZUNION](https://redis.io/docs/latest/commands/zunion/)
    fn zunion<M: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, Vec<M>> {
        self.command(with(command("ZUNION"), counted(keys)))
    }

    /// Members found in any of one or more `keys`, with scores combined as `opts` say.
    /// [ZUNION](https://redis.io/docs/latest/commands/zunion/)
    fn zunion_withscores<M: FromValue>(
        &self,
        keys: impl ToArgs,
        opts: ZCombineOptions,
    ) -> Self::Output<'_, Vec<(M, f64)>> {
        self.command(with(command("ZUNION"), (counted(keys), opts, WITHSCORES)))
    }

    /// Stores the union of one or more `keys` at `dst`; returns its size.
    /// [ZUNIONSTORE](https://redis.io/docs/latest/commands/zunionstore/)
    fn zunionstore(&self, dst: impl ToSingleArg, keys: impl ToArgs, opts: ZCombineOptions) -> Self::Output<'_, u64> {
        self.command(with(command("ZUNIONSTORE"), (dst, counted(keys), opts)))
    }

    /// One step of an incremental iteration: the next cursor (0 when done) and a batch
    /// of members with scores. Start with cursor 0. [ZSCAN](https://redis.io/docs/latest/commands/zscan/)
    fn zscan<M: FromValue>(
        &self,
        key: impl ToSingleArg,
        cursor: u64,
        opts: ScanOptions,
    ) -> Self::Output<'_, (u64, Vec<(M, f64)>)> {
        self.command(with(command("ZSCAN"), (key, cursor, opts)))
    }
}
