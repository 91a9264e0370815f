//! Hash commands: <https://redis.io/docs/latest/commands/?group=hash>.

use super::keys::with_key;
use super::scan::ScanOptions;
use super::{command, CommandTarget};
use crate::value::{Args, FromValue, ToArgs, ToSingleArg};

/// `NAME key field`.
fn key_field(args: Args, key: impl ToSingleArg, field: impl ToSingleArg) -> Args {
    with_key(with_key(args, key), field)
}

/// Hash commands.
pub trait HashCommands: CommandTarget {
    /// Sets `field` of the hash at `key` to `value`; returns 1 if the field is new, 0
    /// if it was updated. [HSET](https://redis.io/docs/latest/commands/hset/)
    fn hset(&self, key: impl ToSingleArg, field: impl ToSingleArg, value: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = key_field(command("HSET"), key, field);
        value.write_args(&mut args);
        self.command(args)
    }

    /// Sets several fields of the hash at `key`: one or more `(field, value)` pairs (a
    /// slice, `Vec` or array of pairs, or a map); returns how many fields are new. [HSET](https://redis.io/docs/latest/commands/hset/)
    fn hset_multiple(&self, key: impl ToSingleArg, pairs: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = with_key(command("HSET"), key);
        pairs.write_args(&mut args);
        self.command(args)
    }

    /// Sets several fields, like [`hset_multiple`](Self::hset_multiple) (deprecated by
    /// Redis in favour of `HSET`). [HMSET](https://redis.io/docs/latest/commands/hmset/)
    fn hmset(&self, key: impl ToSingleArg, pairs: impl ToArgs) -> Self::Output<'_, ()> {
        let mut args = with_key(command("HMSET"), key);
        pairs.write_args(&mut args);
        self.command(args)
    }

    /// Sets `field` only if it does not exist; returns whether it was set. [HSETNX](https://redis.io/docs/latest/commands/hsetnx/)
    fn hsetnx(
        &self,
        key: impl ToSingleArg,
        field: impl ToSingleArg,
        value: impl ToSingleArg,
    ) -> Self::Output<'_, bool> {
        let mut args = key_field(command("HSETNX"), key, field);
        value.write_args(&mut args);
        self.command(args)
    }

    /// The value of `field`, `None` if the field or the hash does not exist. [HGET](https://redis.io/docs/latest/commands/hget/)
    fn hget<T: FromValue>(&self, key: impl ToSingleArg, field: impl ToSingleArg) -> Self::Output<'_, Option<T>> {
        self.command(key_field(command("HGET"), key, field))
    }

    /// The values of the given field(s), one or more, in order, `None` for each missing
    /// one. [HMGET](https://redis.io/docs/latest/commands/hmget/)
    fn hmget<T: FromValue>(&self, key: impl ToSingleArg, fields: impl ToArgs) -> Self::Output<'_, Vec<Option<T>>> {
        let mut args = with_key(command("HMGET"), key);
        fields.write_args(&mut args);
        self.command(args)
    }

    /// Every field and value of the hash at `key` (empty if it does not exist): ask for
    /// a `HashMap<F, V>`, `BTreeMap<F, V>` or `Vec<(F, V)>`. [HGETALL](https://redis.io/docs/latest/commands/hgetall/)
    fn hgetall<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, T> {
        self.command(with_key(command("HGETALL"), key))
    }

    /// Every field name of the hash at `key`. [HKEYS](https://redis.io/docs/latest/commands/hkeys/)
    fn hkeys<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, Vec<T>> {
        self.command(with_key(command("HKEYS"), key))
    }

    /// Every value of the hash at `key`. [HVALS](https://redis.io/docs/latest/commands/hvals/)
    fn hvals<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, Vec<T>> {
        self.command(with_key(command("HVALS"), key))
    }

    /// The number of fields of the hash at `key` (0 if it does not exist). [HLEN](https://redis.io/docs/latest/commands/hlen/)
    fn hlen(&self, key: impl ToSingleArg) -> Self::Output<'_, u64> {
        self.command(with_key(command("HLEN"), key))
    }

    /// Whether `field` exists in the hash at `key`. [HEXISTS](https://redis.io/docs/latest/commands/hexists/)
    fn hexists(&self, key: impl ToSingleArg, field: impl ToSingleArg) -> Self::Output<'_, bool> {
        self.command(key_field(command("HEXISTS"), key, field))
    }

    /// The length in bytes of the value of `field` (0 if missing). [HSTRLEN](https://redis.io/docs/latest/commands/hstrlen/)
    fn hstrlen(&self, key: impl ToSingleArg, field: impl ToSingleArg) -> Self::Output<'_, u64> {
        self.command(key_field(command("HSTRLEN"), key, field))
    }

    /// Removes the given field(s), one or more; returns how many existed. [HDEL](https://redis.io/docs/latest/commands/hdel/)
    fn hdel(&self, key: impl ToSingleArg, fields: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = with_key(command("HDEL"), key);
        fields.write_args(&mut args);
        self.command(args)
    }

    /// Adds `delta` to the integer in `field` (missing counts as 0); returns the new
    /// value. [HINCRBY](https://redis.io/docs/latest/commands/hincrby/)
    fn hincrby(&self, key: impl ToSingleArg, field: impl ToSingleArg, delta: i64) -> Self::Output<'_, i64> {
        let mut args = key_field(command("HINCRBY"), key, field);
        args.push_int(delta);
        self.command(args)
    }

    /// Adds `delta` to the number in `field` (missing counts as 0); returns the new
    /// value. [HINCRBYFLOAT](https://redis.io/docs/latest/commands/hincrbyfloat/)
    fn hincrbyfloat(&self, key: impl ToSingleArg, field: impl ToSingleArg, delta: f64) -> Self::Output<'_, f64> {
        let mut args = key_field(command("HINCRBYFLOAT"), key, field);
        args.push_float(delta);
        self.command(args)
    }

    /// A random field name, `None` if the hash does not exist. [HRANDFIELD](https://redis.io/docs/latest/commands/hrandfield/)
    fn hrandfield<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<T>> {
        self.command(with_key(command("HRANDFIELD"), key))
    }

    /// Up to `count` distinct random field names; with a negative `count`, exactly
    /// `-count` names that may repeat. [HRANDFIELD](https://redis.io/docs/latest/commands/hrandfield/)
    fn hrandfield_count<T: FromValue>(&self, key: impl ToSingleArg, count: i64) -> Self::Output<'_, Vec<T>> {
        let mut args = with_key(command("HRANDFIELD"), key);
        args.push_int(count);
        self.command(args)
    }

    /// Like [`hrandfield_count`](Self::hrandfield_count), with each field's value
    /// (`WITHVALUES`). [HRANDFIELD](https://redis.io/docs/latest/commands/hrandfield/)
    fn hrandfield_withvalues<F: FromValue, V: FromValue>(
        &self,
        key: impl ToSingleArg,
        count: i64,
    ) -> Self::Output<'_, Vec<(F, V)>> {
        let mut args = with_key(command("HRANDFIELD"), key);
        args.push_int(count);
        args.push(b"WITHVALUES");
        self.command(args)
    }

    /// One step of a scan of the hash at `key`: `(next cursor, pairs)`. Pass cursor `0`
    /// first, then each returned cursor until it is `0` again (or use
    /// [`hscan_iter`](super::ScanCommands::hscan_iter)). [HSCAN](https://redis.io/docs/latest/commands/hscan/)
    fn hscan<F: FromValue, V: FromValue>(
        &self,
        key: impl ToSingleArg,
        cursor: u64,
        options: ScanOptions,
    ) -> Self::Output<'_, (u64, Vec<(F, V)>)> {
        let mut args = with_key(command("HSCAN"), key);
        args.push_uint(cursor);
        options.write_args(&mut args);
        self.command(args)
    }
}
