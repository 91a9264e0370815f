//! Set commands: <https://redis.io/docs/latest/commands/?group=set>.

use super::{command, counted, with, CommandTarget, ScanOptions};
use crate::value::{FromValue, ToArgs, ToSingleArg};

/// Set commands.
///
/// Commands that answer a whole set are generic over the collection `C`: ask for
/// `HashSet<String>`, `BTreeSet<Vec<u8>>`, `Vec<String>`, ... (RESP2 sends an array,
/// RESP3 a set; both convert).
pub trait SetCommands: CommandTarget {
    /// Adds one or more `members` to the set at `key` and returns how many were new.
    /// [SADD](https://redis.io/docs/latest/commands/sadd/)
    fn sadd(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("SADD"), (key, members)))
    }

    /// Removes one or more `members` and returns how many were there.
    /// [SREM](https://redis.io/docs/latest/commands/srem/)
    fn srem(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("SREM"), (key, members)))
    }

    /// The number of members (0: no set). [SCARD](https://redis.io/docs/latest/commands/scard/)
    fn scard(&self, key: impl ToSingleArg) -> Self::Output<'_, u64> {
        self.command(with(command("SCARD"), key))
    }

    /// All members of the set (empty: no set). [SMEMBERS](https://redis.io/docs/latest/commands/smembers/)
    fn smembers<C: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, C> {
        self.command(with(command("SMEMBERS"), key))
    }

    /// Whether `member` is in the set. [SISMEMBER](https://redis.io/docs/latest/commands/sismember/)
    fn sismember(&self, key: impl ToSingleArg, member: impl ToSingleArg) -> Self::Output<'_, bool> {
        self.command(with(command("SISMEMBER"), (key, member)))
    }

    /// Whether each of one or more `members` is in the set, in order.
    /// [SMISMEMBER](https://redis.io/docs/latest/commands/smismember/)
    fn smismember(&self, key: impl ToSingleArg, members: impl ToArgs) -> Self::Output<'_, Vec<bool>> {
        self.command(with(command("SMISMEMBER"), (key, members)))
    }

    /// Moves `member` from `source` to `destination`; false if it was not in `source`.
    /// [SMOVE](https://redis.io/docs/latest/commands/smove/)
    fn smove(
        &self,
        source: impl ToSingleArg,
        destination: impl ToSingleArg,
        member: impl ToSingleArg,
    ) -> Self::Output<'_, bool> {
        self.command(with(command("SMOVE"), (source, destination, member)))
    }

    /// Removes and returns a random member (`None`: no set). [SPOP](https://redis.io/docs/latest/commands/spop/)
    fn spop<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<T>> {
        self.command(with(command("SPOP"), key))
    }

    /// Removes and returns up to `count` random members (empty: no set).
    /// [SPOP](https://redis.io/docs/latest/commands/spop/)
    fn spop_count<C: FromValue>(&self, key: impl ToSingleArg, count: u64) -> Self::Output<'_, C> {
        self.command(with(command("SPOP"), (key, count)))
    }

    /// A random member, left in the set (`None`: no set).
    /// [SRANDMEMBER](https://redis.io/docs/latest/commands/srandmember/)
    fn srandmember<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<T>> {
        self.command(with(command("SRANDMEMBER"), key))
    }

    /// Random members, left in the set: up to `count` distinct ones if `count > 0`, or
    /// exactly `-count` that may repeat if `count < 0` (empty: no set).
    /// [SRANDMEMBER](https://redis.io/docs/latest/commands/srandmember/)
    fn srandmember_count<C: FromValue>(&self, key: impl ToSingleArg, count: i64) -> Self::Output<'_, C> {
        self.command(with(command("SRANDMEMBER"), (key, count)))
    }

    /// The members of the first of one or more `keys` that are in none of the others.
    /// [SDIFF](https://redis.io/docs/latest/commands/sdiff/)
    fn sdiff<C: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, C> {
        self.command(with(command("SDIFF"), keys))
    }

    /// Stores [`sdiff`](Self::sdiff) of one or more `keys` at `destination` and returns
    /// its size. [SDIFFSTORE](https://redis.io/docs/latest/commands/sdiffstore/)
    fn sdiffstore(&self, destination: impl ToSingleArg, keys: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("SDIFFSTORE"), (destination, keys)))
    }

    /// The members in all of one or more `keys`. [SINTER](https://redis.io/docs/latest/commands/sinter/)
    fn sinter<C: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, C> {
        self.command(with(command("SINTER"), keys))
    }

    /// Stores [`sinter`](Self::sinter) of one or more `keys` at `destination` and
    /// returns its size. [SINTERSTORE](https://redis.io/docs/latest/commands/sinterstore/)
    fn sinterstore(&self, destination: impl ToSingleArg, keys: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("SINTERSTORE"), (destination, keys)))
    }

    /// The size of the intersection of one or more `keys`, without building it.
    /// [SINTERCARD](https://redis.io/docs/latest/commands/sintercard/)
    fn sintercard(&self, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("SINTERCARD");
        counted(&keys).write_args(&mut args);
        self.command(args)
    }

    /// Like [`sintercard`](Self::sintercard), but stops counting at `limit` (`LIMIT`;
    /// 0: no limit). [SINTERCARD](https://redis.io/docs/latest/commands/sintercard/)
    fn sintercard_limit(&self, keys: impl ToArgs, limit: u64) -> Self::Output<'_, u64> {
        let mut args = command("SINTERCARD");
        counted(&keys).write_args(&mut args);
        args.push(b"LIMIT");
        args.push_uint(limit);
        self.command(args)
    }

    /// The members in any of one or more `keys`. [SUNION](https://redis.io/docs/latest/commands/sunion/)
    fn sunion<C: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, C> {
        self.command(with(command("SUNION"), keys))
    }

    /// Stores [`sunion`](Self::sunion) of one or more `keys` at `destination` and
    /// returns its size. [SUNIONSTORE](https://redis.io/docs/latest/commands/sunionstore/)
    fn sunionstore(&self, destination: impl ToSingleArg, keys: impl ToArgs) -> Self::Output<'_, u64> {
        self.command(with(command("SUNIONSTORE"), (destination, keys)))
    }

    /// One step of iterating the set from `cursor` (0 to start): the next cursor (0
    /// when done) and a batch of members, which may repeat across steps.
    /// [SSCAN](https://redis.io/docs/latest/commands/sscan/)
    fn sscan<T: FromValue>(&self, key: impl ToSingleArg, cursor: u64) -> Self::Output<'_, (u64, Vec<T>)> {
        self.sscan_options(key, cursor, ScanOptions::new())
    }

    /// [`sscan`](Self::sscan) with `MATCH` and `COUNT` options.
    /// [SSCAN](https://redis.io/docs/latest/commands/sscan/)
    fn sscan_options<T: FromValue>(
        &self,
        key: impl ToSingleArg,
        cursor: u64,
        options: ScanOptions,
    ) -> Self::Output<'_, (u64, Vec<T>)> {
        self.command(with(command("SSCAN"), (key, cursor, options)))
    }
}
