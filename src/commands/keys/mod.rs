//! Generic key commands: <https://redis.io/docs/latest/commands/?group=generic>.

mod migrate;
mod options;
mod types;

use std::time::{Duration, SystemTime};

use super::scan::ScanOptions;
use super::{command, subcommand, CommandTarget};
use crate::value::{Args, FromValue, ToArgs, ToSingleArg};

pub use migrate::{MigrateOptions, MigrateOutcome};
pub use options::{CopyOptions, ExpireCondition, RestoreOptions, SortOptions};
pub use types::{ExpireTime, KeyType, Ttl};

use super::time::{millis_ceil, secs_ceil, unix_millis, unix_secs};
use options::{restore_flags, restore_ttl};

/// `NAME key amount [condition]`, the shape of the `EXPIRE` family.
fn expire_args(mut args: Args, key: impl ToSingleArg, amount: u64, condition: Option<ExpireCondition>) -> Args {
    key.write_args(&mut args);
    args.push_uint(amount);
    condition.write_args(&mut args);
    args
}

/// Appends `key` (or any one argument) to `args`; shared by the key-based families.
pub(super) fn with_key(mut args: Args, key: impl ToSingleArg) -> Args {
    key.write_args(&mut args);
    args
}

/// Commands on keys of any type.
pub trait KeyCommands: CommandTarget {
    /// Deletes the given key(s), one or more; returns how many existed. [DEL](https://redis.io/docs/latest/commands/del/)
    fn del(&self, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("DEL");
        keys.write_args(&mut args);
        self.command(args)
    }

    /// Deletes the given key(s), one or more, reclaiming memory in the background;
    /// returns how many existed. [UNLINK](https://redis.io/docs/latest/commands/unlink/)
    fn unlink(&self, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("UNLINK");
        keys.write_args(&mut args);
        self.command(args)
    }

    /// Counts how many of the given key(s), one or more, exist (a key named twice
    /// counts twice). [EXISTS](https://redis.io/docs/latest/commands/exists/)
    fn exists(&self, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("EXISTS");
        keys.write_args(&mut args);
        self.command(args)
    }

    /// Updates the last access time of the given key(s), one or more; returns how many
    /// exist. [TOUCH](https://redis.io/docs/latest/commands/touch/)
    fn touch(&self, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("TOUCH");
        keys.write_args(&mut args);
        self.command(args)
    }

    /// The type of the value at `key` ([`KeyType::Missing`] if there is none). [TYPE](https://redis.io/docs/latest/commands/type/)
    fn key_type(&self, key: impl ToSingleArg) -> Self::Output<'_, KeyType> {
        self.command(with_key(command("TYPE"), key))
    }

    /// Every key matching the glob-style `pattern`: ask for a collection such as
    /// `Vec<String>`. Blocks the server while it walks the whole keyspace: prefer
    /// [`scan_iter`](super::ScanCommands::scan_iter) in production.
    /// [KEYS](https://redis.io/docs/latest/commands/keys/)
    fn keys<R: FromValue>(&self, pattern: impl ToSingleArg) -> Self::Output<'_, R> {
        self.command(with_key(command("KEYS"), pattern))
    }

    /// One step of a keyspace scan: `(next cursor, keys)`, e.g. `(u64, Vec<String>)`.
    /// Pass cursor `0` first, then each returned cursor until it is `0` again (or use
    /// [`scan_iter`](super::ScanCommands::scan_iter)). [SCAN](https://redis.io/docs/latest/commands/scan/)
    fn scan<R: FromValue>(&self, cursor: u64, options: ScanOptions) -> Self::Output<'_, R> {
        let mut args = command("SCAN");
        args.push_uint(cursor);
        options.write_args(&mut args);
        self.command(args)
    }

    /// A random key; nil if the database is empty: ask for `Option<_>`.
    /// [RANDOMKEY](https://redis.io/docs/latest/commands/randomkey/)
    fn randomkey<R: FromValue>(&self) -> Self::Output<'_, R> {
        self.command(command("RANDOMKEY"))
    }

    /// Renames `key` to `new_key`, overwriting it if it exists (an error if `key` does
    /// not exist). [RENAME](https://redis.io/docs/latest/commands/rename/)
    fn rename(&self, key: impl ToSingleArg, new_key: impl ToSingleArg) -> Self::Output<'_, ()> {
        self.command(with_key(with_key(command("RENAME"), key), new_key))
    }

    /// Renames `key` to `new_key` only if `new_key` does not exist; returns whether it
    /// did. [RENAMENX](https://redis.io/docs/latest/commands/renamenx/)
    fn renamenx(&self, key: impl ToSingleArg, new_key: impl ToSingleArg) -> Self::Output<'_, bool> {
        self.command(with_key(with_key(command("RENAMENX"), key), new_key))
    }

    /// Copies the value at `source` to `destination` unless that exists; returns whether
    /// it copied. [COPY](https://redis.io/docs/latest/commands/copy/)
    fn copy(&self, source: impl ToSingleArg, destination: impl ToSingleArg) -> Self::Output<'_, bool> {
        self.command(with_key(with_key(command("COPY"), source), destination))
    }

    /// [`copy`](Self::copy) with a target database or `REPLACE`. [COPY](https://redis.io/docs/latest/commands/copy/)
    fn copy_options(
        &self,
        source: impl ToSingleArg,
        destination: impl ToSingleArg,
        options: CopyOptions,
    ) -> Self::Output<'_, bool> {
        let mut args = with_key(with_key(command("COPY"), source), destination);
        options.write_args(&mut args);
        self.command(args)
    }

    /// Moves `key` to database `db`; returns whether it moved (not if it is missing
    /// or already exists there). [MOVE](https://redis.io/docs/latest/commands/move/)
    fn move_key(&self, key: impl ToSingleArg, db: u32) -> Self::Output<'_, bool> {
        let mut args = with_key(command("MOVE"), key);
        args.push_uint(db.into());
        self.command(args)
    }

    /// Serializes the value at `key` for [`restore`](Self::restore); `None` if the key
    /// does not exist. [DUMP](https://redis.io/docs/latest/commands/dump/)
    fn dump(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<Vec<u8>>> {
        self.command(with_key(command("DUMP"), key))
    }

    /// Creates `key`, without expiry, from a [`dump`](Self::dump) payload (an error if
    /// `key` exists). [RESTORE](https://redis.io/docs/latest/commands/restore/)
    fn restore(&self, key: impl ToSingleArg, payload: impl ToSingleArg) -> Self::Output<'_, ()> {
        self.restore_options(key, payload, RestoreOptions::new())
    }

    /// [`restore`](Self::restore) with an expiry, `REPLACE`, `IDLETIME` or `FREQ`. [RESTORE](https://redis.io/docs/latest/commands/restore/)
    fn restore_options(
        &self,
        key: impl ToSingleArg,
        payload: impl ToSingleArg,
        options: RestoreOptions,
    ) -> Self::Output<'_, ()> {
        let mut args = with_key(command("RESTORE"), key);
        restore_ttl(&options, &mut args);
        payload.write_args(&mut args);
        restore_flags(&options, &mut args);
        self.command(args)
    }

    /// Makes `key` expire after `ttl`, in whole seconds rounded up (900 ms is sent
    /// as 1 s, never as 0, which would delete the key; use [`pexpire`](Self::pexpire)
    /// for millisecond precision); returns whether the expiry was set (not if the key
    /// is missing). [EXPIRE](https://redis.io/docs/latest/commands/expire/)
    fn expire(&self, key: impl ToSingleArg, ttl: Duration) -> Self::Output<'_, bool> {
        self.command(expire_args(command("EXPIRE"), key, secs_ceil(ttl), None))
    }

    /// [`expire`](Self::expire) only if `condition` holds. [EXPIRE](https://redis.io/docs/latest/commands/expire/)
    fn expire_if(&self, key: impl ToSingleArg, ttl: Duration, condition: ExpireCondition) -> Self::Output<'_, bool> {
        self.command(expire_args(command("EXPIRE"), key, secs_ceil(ttl), Some(condition)))
    }

    /// Makes `key` expire after `ttl`, in whole milliseconds rounded up (never 0
    /// for a non-zero `ttl`); returns whether the expiry was set. [PEXPIRE](https://redis.io/docs/latest/commands/pexpire/)
    fn pexpire(&self, key: impl ToSingleArg, ttl: Duration) -> Self::Output<'_, bool> {
        self.command(expire_args(command("PEXPIRE"), key, millis_ceil(ttl), None))
    }

    /// [`pexpire`](Self::pexpire) only if `condition` holds. [PEXPIRE](https://redis.io/docs/latest/commands/pexpire/)
    fn pexpire_if(&self, key: impl ToSingleArg, ttl: Duration, condition: ExpireCondition) -> Self::Output<'_, bool> {
        self.command(expire_args(command("PEXPIRE"), key, millis_ceil(ttl), Some(condition)))
    }

    /// Makes `key` expire at `at`, in Unix seconds rounded up (a past time deletes
    /// it); returns whether the expiry was set. [EXPIREAT](https://redis.io/docs/latest/commands/expireat/)
    fn expire_at(&self, key: impl ToSingleArg, at: SystemTime) -> Self::Output<'_, bool> {
        self.command(expire_args(command("EXPIREAT"), key, unix_secs(at), None))
    }

    /// [`expire_at`](Self::expire_at) only if `condition` holds. [EXPIREAT](https://redis.io/docs/latest/commands/expireat/)
    fn expire_at_if(
        &self,
        key: impl ToSingleArg,
        at: SystemTime,
        condition: ExpireCondition,
    ) -> Self::Output<'_, bool> {
        self.command(expire_args(command("EXPIREAT"), key, unix_secs(at), Some(condition)))
    }

    /// Makes `key` expire at `at`, in Unix milliseconds rounded up (a past time
    /// deletes it); returns whether the expiry was set. [PEXPIREAT](https://redis.io/docs/latest/commands/pexpireat/)
    fn pexpire_at(&self, key: impl ToSingleArg, at: SystemTime) -> Self::Output<'_, bool> {
        self.command(expire_args(command("PEXPIREAT"), key, unix_millis(at), None))
    }

    /// [`pexpire_at`](Self::pexpire_at) only if `condition` holds. [PEXPIREAT](https://redis.io/docs/latest/commands/pexpireat/)
    fn pexpire_at_if(
        &self,
        key: impl ToSingleArg,
        at: SystemTime,
        condition: ExpireCondition,
    ) -> Self::Output<'_, bool> {
        self.command(expire_args(command("PEXPIREAT"), key, unix_millis(at), Some(condition)))
    }

    /// Removes the expiry of `key`; returns whether it had one. [PERSIST](https://redis.io/docs/latest/commands/persist/)
    fn persist(&self, key: impl ToSingleArg) -> Self::Output<'_, bool> {
        self.command(with_key(command("PERSIST"), key))
    }

    /// The time `key` has left, in whole seconds. [TTL](https://redis.io/docs/latest/commands/ttl/)
    fn ttl(&self, key: impl ToSingleArg) -> Self::Output<'_, Ttl> {
        self.command(with_key(command("TTL"), key))
    }

    /// The time `key` has left, in milliseconds. [PTTL](https://redis.io/docs/latest/commands/pttl/)
    fn pttl(&self, key: impl ToSingleArg) -> Self::Output<'_, Ttl<true>> {
        self.command(with_key(command("PTTL"), key))
    }

    /// When `key` expires, in whole seconds. Redis 7.0+. [EXPIRETIME](https://redis.io/docs/latest/commands/expiretime/)
    fn expire_time(&self, key: impl ToSingleArg) -> Self::Output<'_, ExpireTime> {
        self.command(with_key(command("EXPIRETIME"), key))
    }

    /// When `key` expires, in milliseconds. Redis 7.0+. [PEXPIRETIME](https://redis.io/docs/latest/commands/pexpiretime/)
    fn pexpire_time(&self, key: impl ToSingleArg) -> Self::Output<'_, ExpireTime<true>> {
        self.command(with_key(command("PEXPIRETIME"), key))
    }

    /// Sorts the list, set or sorted set at `key` (see [`SortOptions`]); the sorted
    /// elements, or what `GET` patterns fetched: ask for a collection such as
    /// `Vec<String>` (`Vec<Option<String>>` when a `GET` pattern may match nothing).
    /// [SORT](https://redis.io/docs/latest/commands/sort/)
    fn sort<R: FromValue>(&self, key: impl ToSingleArg, options: SortOptions) -> Self::Output<'_, R> {
        let mut args = with_key(command("SORT"), key);
        options.write_args(&mut args);
        self.command(args)
    }

    /// [`sort`](Self::sort), storing the result as a list at `destination` (`STORE`);
    /// returns its length. [SORT](https://redis.io/docs/latest/commands/sort/)
    fn sort_store(
        &self,
        key: impl ToSingleArg,
        destination: impl ToSingleArg,
        options: SortOptions,
    ) -> Self::Output<'_, u64> {
        let mut args = with_key(command("SORT"), key);
        options.write_args(&mut args);
        args.push(b"STORE");
        destination.write_args(&mut args);
        self.command(args)
    }

    /// Read-only [`sort`](Self::sort), allowed on replicas; same reply. Redis 7.0+.
    /// [SORT_RO](https://redis.io/docs/latest/commands/sort_ro/)
    fn sort_ro<R: FromValue>(&self, key: impl ToSingleArg, options: SortOptions) -> Self::Output<'_, R> {
        let mut args = with_key(command("SORT_RO"), key);
        options.write_args(&mut args);
        self.command(args)
    }

    /// The internal encoding of the value at `key` (`listpack`, `int`, `hashtable`,
    /// ...), `None` if the key does not exist. [OBJECT ENCODING](https://redis.io/docs/latest/commands/object-encoding/)
    fn object_encoding(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<String>> {
        self.command(with_key(subcommand("OBJECT", "ENCODING"), key))
    }

    /// The logarithmic access frequency counter of `key`, `None` if it does not exist.
    /// Only with an LFU `maxmemory-policy` (an error otherwise). [OBJECT FREQ](https://redis.io/docs/latest/commands/object-freq/)
    fn object_freq(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<u64>> {
        self.command(with_key(subcommand("OBJECT", "FREQ"), key))
    }

    /// Seconds since `key` was last accessed, `None` if it does not exist. Not with an
    /// LFU `maxmemory-policy` (an error then). [OBJECT IDLETIME](https://redis.io/docs/latest/commands/object-idletime/)
    fn object_idletime(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<u64>> {
        self.command(with_key(subcommand("OBJECT", "IDLETIME"), key))
    }

    /// The reference count of the value at `key`, `None` if it does not exist. [OBJECT REFCOUNT](https://redis.io/docs/latest/commands/object-refcount/)
    fn object_refcount(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<u64>> {
        self.command(with_key(subcommand("OBJECT", "REFCOUNT"), key))
    }

    /// Moves `keys` (one or more) to another server's database `db`, waiting at
    /// most `timeout` for the transfer of each (whole milliseconds, rounded up;
    /// `Duration::ZERO` means the server's default, 1 s). Blocks this server while
    /// it runs. [MIGRATE](https://redis.io/docs/latest/commands/migrate/)
    fn migrate(
        &self,
        host: &str,
        port: u16,
        db: i64,
        timeout: Duration,
        keys: impl ToArgs,
        options: MigrateOptions,
    ) -> Self::Output<'_, MigrateOutcome> {
        let mut args = command("MIGRATE");
        args.push(host.as_bytes());
        args.push_uint(u64::from(port));
        // An empty key with KEYS moves several keys in one go.
        args.push(b"");
        args.push_int(db);
        args.push_uint(millis_ceil(timeout));
        options.write_args(&mut args);
        args.push(b"KEYS");
        keys.write_args(&mut args);
        self.command(args)
    }

    /// Usage of the `OBJECT` subcommands. [OBJECT HELP](https://redis.io/docs/latest/commands/object-help/)
    fn object_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("OBJECT", "HELP"))
    }
}
