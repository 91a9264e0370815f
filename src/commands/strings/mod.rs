//! String commands: <https://redis.io/docs/latest/commands/?group=string>.
//!
//! Reading methods are generic over the reply type: ask for `Option<T>` where the
//! key may be missing (`get::<Option<String>>`), `Vec<u8>` or
//! [`Bytes`](bytes::Bytes) for binary values.

mod options;
mod types;

pub use options::{Expiry, LcsOptions, SetOptions};
pub use types::{LcsMatch, LcsMatches};

use super::{command, CommandTarget};
use crate::value::{FromValue, ToArgs, ToSingleArg};
use std::time::Duration;

/// String commands.
pub trait StringCommands: CommandTarget {
    /// Appends `value` to the string at `key` (creating it); returns the new length.
    /// [APPEND](https://redis.io/docs/latest/commands/append/)
    fn append(&self, key: impl ToSingleArg, value: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("APPEND");
        args.push_args(&key).push_args(&value);
        self.command(args)
    }

    /// Subtracts 1 from the integer at `key` and returns the new value.
    /// [DECR](https://redis.io/docs/latest/commands/decr/)
    fn decr(&self, key: impl ToSingleArg) -> Self::Output<'_, i64> {
        let mut args = command("DECR");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Subtracts `decrement` from the integer at `key` and returns the new value.
    /// [DECRBY](https://redis.io/docs/latest/commands/decrby/)
    fn decrby(&self, key: impl ToSingleArg, decrement: i64) -> Self::Output<'_, i64> {
        let mut args = command("DECRBY");
        args.push_args(&key).push_int(decrement);
        self.command(args)
    }

    /// Gets the value of `key` (`None`-able: ask for `Option<T>`). [GET](https://redis.io/docs/latest/commands/get/)
    fn get<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, T> {
        let mut args = command("GET");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Gets the value of `key` and deletes the key (`None`-able: ask for `Option<T>`).
    /// [GETDEL](https://redis.io/docs/latest/commands/getdel/)
    fn getdel<T: FromValue>(&self, key: impl ToSingleArg) -> Self::Output<'_, T> {
        let mut args = command("GETDEL");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Gets the value of `key` and sets or removes its expiry (`None`-able: ask for
    /// `Option<T>`). [GETEX](https://redis.io/docs/latest/commands/getex/)
    fn getex<T: FromValue>(&self, key: impl ToSingleArg, expiry: Expiry) -> Self::Output<'_, T> {
        let mut args = command("GETEX");
        args.push_args(&key).push_args(&expiry);
        self.command(args)
    }

    /// The substring of the value at `key` between byte offsets `start` and `end`,
    /// both included; negative offsets count from the end (`-1` is the last byte).
    /// A missing key reads as an empty string. [GETRANGE](https://redis.io/docs/latest/commands/getrange/)
    fn getrange<T: FromValue>(&self, key: impl ToSingleArg, start: i64, end: i64) -> Self::Output<'_, T> {
        let mut args = command("GETRANGE");
        args.push_args(&key).push_int(start);
        args.push_int(end);
        self.command(args)
    }

    /// Sets `key` to `value` and returns the old value (`None`-able: ask for
    /// `Option<T>`). Deprecated by Redis in favour of [`set_get`](Self::set_get).
    /// [GETSET](https://redis.io/docs/latest/commands/getset/)
    fn getset<T: FromValue>(&self, key: impl ToSingleArg, value: impl ToSingleArg) -> Self::Output<'_, T> {
        let mut args = command("GETSET");
        args.push_args(&key).push_args(&value);
        self.command(args)
    }

    /// Adds 1 to the integer at `key` and returns the new value. [INCR](https://redis.io/docs/latest/commands/incr/)
    fn incr(&self, key: impl ToSingleArg) -> Self::Output<'_, i64> {
        let mut args = command("INCR");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Adds `increment` to the integer at `key` and returns the new value.
    /// [INCRBY](https://redis.io/docs/latest/commands/incrby/)
    fn incrby(&self, key: impl ToSingleArg, increment: i64) -> Self::Output<'_, i64> {
        let mut args = command("INCRBY");
        args.push_args(&key).push_int(increment);
        self.command(args)
    }

    /// Adds the float `increment` to the number at `key` and returns the new value.
    /// [INCRBYFLOAT](https://redis.io/docs/latest/commands/incrbyfloat/)
    fn incrbyfloat(&self, key: impl ToSingleArg, increment: f64) -> Self::Output<'_, f64> {
        let mut args = command("INCRBYFLOAT");
        args.push_args(&key).push_float(increment);
        self.command(args)
    }

    /// The longest common subsequence of the strings at `key1` and `key2`.
    /// [LCS](https://redis.io/docs/latest/commands/lcs/)
    fn lcs<T: FromValue>(&self, key1: impl ToSingleArg, key2: impl ToSingleArg) -> Self::Output<'_, T> {
        let mut args = command("LCS");
        args.push_args(&key1).push_args(&key2);
        self.command(args)
    }

    /// The length of the longest common subsequence of the strings at `key1` and
    /// `key2` (`LCS ... LEN`). [LCS](https://redis.io/docs/latest/commands/lcs/)
    fn lcs_len(&self, key1: impl ToSingleArg, key2: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("LCS");
        args.push_args(&key1).push_args(&key2).push(b"LEN");
        self.command(args)
    }

    /// Where the longest common subsequence of the strings at `key1` and `key2`
    /// lies in each of them (`LCS ... IDX`). [LCS](https://redis.io/docs/latest/commands/lcs/)
    fn lcs_idx(
        &self,
        key1: impl ToSingleArg,
        key2: impl ToSingleArg,
        options: LcsOptions,
    ) -> Self::Output<'_, LcsMatches> {
        let mut args = command("LCS");
        args.push_args(&key1).push_args(&key2).push(b"IDX");
        options.write_args(&mut args);
        self.command(args)
    }

    /// The values of one or more keys, in order; ask for `Option<T>` elements, as a
    /// missing key (or one holding another type) is nil.
    /// [MGET](https://redis.io/docs/latest/commands/mget/)
    fn mget<T: FromValue>(&self, keys: impl ToArgs) -> Self::Output<'_, Vec<T>> {
        let mut args = command("MGET");
        keys.write_args(&mut args);
        self.command(args)
    }

    /// Sets one or more key/value pairs (e.g. `[("a", 1), ("b", 2)]` or a map).
    /// [MSET](https://redis.io/docs/latest/commands/mset/)
    fn mset(&self, pairs: impl ToArgs) -> Self::Output<'_, ()> {
        let mut args = command("MSET");
        pairs.write_args(&mut args);
        self.command(args)
    }

    /// Sets one or more key/value pairs only if none of the keys exists; returns
    /// whether they were set. [MSETNX](https://redis.io/docs/latest/commands/msetnx/)
    fn msetnx(&self, pairs: impl ToArgs) -> Self::Output<'_, bool> {
        let mut args = command("MSETNX");
        pairs.write_args(&mut args);
        self.command(args)
    }

    /// Sets `key` to `value` expiring after `ttl` (whole milliseconds).
    /// [PSETEX](https://redis.io/docs/latest/commands/psetex/)
    fn psetex(&self, key: impl ToSingleArg, ttl: Duration, value: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = command("PSETEX");
        args.push_args(&key).push_uint(options::millis(ttl));
        value.write_args(&mut args);
        self.command(args)
    }

    /// Sets `key` to `value`. [SET](https://redis.io/docs/latest/commands/set/)
    fn set(&self, key: impl ToSingleArg, value: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = command("SET");
        key.write_args(&mut args);
        value.write_args(&mut args);
        self.command(args)
    }

    /// Sets `key` to `value` with an expiry and/or a condition; returns whether the
    /// value was written (`false` only when [`nx`](SetOptions::nx) or
    /// [`xx`](SetOptions::xx) stopped it). [SET](https://redis.io/docs/latest/commands/set/)
    fn set_options(
        &self,
        key: impl ToSingleArg,
        value: impl ToSingleArg,
        options: SetOptions,
    ) -> Self::Output<'_, bool> {
        let mut args = command("SET");
        args.push_args(&key).push_args(&value).push_args(&options);
        self.command(args)
    }

    /// Sets `key` to `value` (subject to `options`) and returns the old value, `None`
    /// if the key did not exist (`SET ... GET`).
    /// [SET](https://redis.io/docs/latest/commands/set/)
    fn set_get<T: FromValue>(
        &self,
        key: impl ToSingleArg,
        value: impl ToSingleArg,
        options: SetOptions,
    ) -> Self::Output<'_, Option<T>> {
        let mut args = command("SET");
        args.push_args(&key).push_args(&value).push_args(&options).push(b"GET");
        self.command(args)
    }

    /// Sets `key` to `value` expiring after `ttl` (whole seconds).
    /// [SETEX](https://redis.io/docs/latest/commands/setex/)
    fn setex(&self, key: impl ToSingleArg, ttl: Duration, value: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = command("SETEX");
        args.push_args(&key).push_uint(ttl.as_secs());
        value.write_args(&mut args);
        self.command(args)
    }

    /// Sets `key` to `value` only if `key` does not exist; returns whether it was set.
    /// [SETNX](https://redis.io/docs/latest/commands/setnx/)
    fn setnx(&self, key: impl ToSingleArg, value: impl ToSingleArg) -> Self::Output<'_, bool> {
        let mut args = command("SETNX");
        args.push_args(&key).push_args(&value);
        self.command(args)
    }

    /// Overwrites the value at `key` from byte `offset` on with `value` (padding with
    /// zero bytes); returns the new length. [SETRANGE](https://redis.io/docs/latest/commands/setrange/)
    fn setrange(&self, key: impl ToSingleArg, offset: u64, value: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("SETRANGE");
        args.push_args(&key).push_uint(offset);
        value.write_args(&mut args);
        self.command(args)
    }

    /// The length in bytes of the value at `key` (0 for a missing key).
    /// [STRLEN](https://redis.io/docs/latest/commands/strlen/)
    fn strlen(&self, key: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("STRLEN");
        key.write_args(&mut args);
        self.command(args)
    }

    /// The same as [`getrange`](Self::getrange), under its old name (deprecated by
    /// Redis). [SUBSTR](https://redis.io/docs/latest/commands/substr/)
    fn substr<T: FromValue>(&self, key: impl ToSingleArg, start: i64, end: i64) -> Self::Output<'_, T> {
        let mut args = command("SUBSTR");
        args.push_args(&key).push_int(start);
        args.push_int(end);
        self.command(args)
    }
}
