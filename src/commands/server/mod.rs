//! Server administration commands: <https://redis.io/docs/latest/commands/?group=server>.
//!
//! Left out on purpose: `DEBUG` (debugging internals; use [`cmd`](crate::cmd)),
//! `SYNC`, `PSYNC` and `REPLCONF` (replication internals), and `MONITOR` (it needs
//! a dedicated streaming connection).

mod command_info;
mod info;
mod options;
mod types;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use super::time::micros_ceil;
use super::{command, subcommand, CommandTarget};
use crate::value::{BlockTime, FromValue, ToArgs, ToSingleArg};

pub use command_info::{CommandArgument, CommandDocs, CommandInfo};
pub use info::{Info, KeyspaceInfo};
pub use options::{CommandListFilter, FailoverOptions, FlushMode, ModuleLoadOptions, ReplicaOf, ShutdownOptions};
pub use types::{
    LatencyEvent, LatencyHistogram, LatencySample, MemoryStats, ModuleInfo, ReplicaInfo, ReplicationState, Role,
    SlowlogEntry,
};

/// Server administration commands.
pub trait ServerCommands: CommandTarget {
    /// Starts rewriting the append-only file in the background. [BGREWRITEAOF](https://redis.io/docs/latest/commands/bgrewriteaof/)
    fn bgrewriteaof(&self) -> Self::Output<'_, ()> {
        self.command(command("BGREWRITEAOF"))
    }

    /// Starts saving the dataset to disk in the background. [BGSAVE](https://redis.io/docs/latest/commands/bgsave/)
    fn bgsave(&self) -> Self::Output<'_, ()> {
        self.command(command("BGSAVE"))
    }

    /// `BGSAVE SCHEDULE`: saves in the background as soon as no AOF rewrite is running. [BGSAVE](https://redis.io/docs/latest/commands/bgsave/)
    fn bgsave_schedule(&self) -> Self::Output<'_, ()> {
        let mut args = command("BGSAVE");
        args.push(b"SCHEDULE");
        self.command(args)
    }

    /// Describes every command the server knows. [COMMAND](https://redis.io/docs/latest/commands/command/)
    fn command_all(&self) -> Self::Output<'_, Vec<CommandInfo>> {
        self.command(command("COMMAND"))
    }

    /// The number of commands the server knows. [COMMAND COUNT](https://redis.io/docs/latest/commands/command-count/)
    fn command_count(&self) -> Self::Output<'_, u64> {
        self.command(subcommand("COMMAND", "COUNT"))
    }

    /// The documentation of one or more commands by name (an empty list gives all).
    /// [COMMAND DOCS](https://redis.io/docs/latest/commands/command-docs/)
    fn command_docs(&self, names: impl ToArgs) -> Self::Output<'_, HashMap<String, CommandDocs>> {
        let mut args = subcommand("COMMAND", "DOCS");
        names.write_args(&mut args);
        self.command(args)
    }

    /// The keys a full command line (name first) would access: ask for a collection
    /// such as `Vec<String>`. [COMMAND GETKEYS](https://redis.io/docs/latest/commands/command-getkeys/)
    fn command_getkeys<R: FromValue>(&self, command_line: impl ToArgs) -> Self::Output<'_, R> {
        let mut args = subcommand("COMMAND", "GETKEYS");
        command_line.write_args(&mut args);
        self.command(args)
    }

    /// The keys a full command line would access, each with its flags (`RW`, `access`,
    /// ...): ask for e.g. `Vec<(String, Vec<String>)>`.
    /// [COMMAND GETKEYSANDFLAGS](https://redis.io/docs/latest/commands/command-getkeysandflags/)
    fn command_getkeysandflags<R: FromValue>(&self, command_line: impl ToArgs) -> Self::Output<'_, R> {
        let mut args = subcommand("COMMAND", "GETKEYSANDFLAGS");
        command_line.write_args(&mut args);
        self.command(args)
    }

    /// Describes one or more commands by name; `None` for names the server does not know.
    /// [COMMAND INFO](https://redis.io/docs/latest/commands/command-info/)
    fn command_info(&self, names: impl ToArgs) -> Self::Output<'_, Vec<Option<CommandInfo>>> {
        let mut args = subcommand("COMMAND", "INFO");
        names.write_args(&mut args);
        self.command(args)
    }

    /// The names of all commands. [COMMAND LIST](https://redis.io/docs/latest/commands/command-list/)
    fn command_list(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("COMMAND", "LIST"))
    }

    /// The names of the commands that pass `filter`. [COMMAND LIST](https://redis.io/docs/latest/commands/command-list/)
    fn command_list_options(&self, filter: CommandListFilter) -> Self::Output<'_, Vec<String>> {
        let mut args = subcommand("COMMAND", "LIST");
        filter.write_args(&mut args);
        self.command(args)
    }

    /// The configuration parameters matching one or more glob patterns, by name.
    /// [CONFIG GET](https://redis.io/docs/latest/commands/config-get/)
    fn config_get(&self, patterns: impl ToArgs) -> Self::Output<'_, HashMap<String, String>> {
        let mut args = subcommand("CONFIG", "GET");
        patterns.write_args(&mut args);
        self.command(args)
    }

    /// Sets one configuration parameter. [CONFIG SET](https://redis.io/docs/latest/commands/config-set/)
    fn config_set(&self, name: impl ToSingleArg, value: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = subcommand("CONFIG", "SET");
        name.write_args(&mut args);
        value.write_args(&mut args);
        self.command(args)
    }

    /// Sets one or more parameters at once, given as `(name, value)` pairs (all or none apply).
    /// [CONFIG SET](https://redis.io/docs/latest/commands/config-set/)
    fn config_set_pairs(&self, pairs: impl ToArgs) -> Self::Output<'_, ()> {
        let mut args = subcommand("CONFIG", "SET");
        pairs.write_args(&mut args);
        self.command(args)
    }

    /// Writes the running configuration back to the config file. [CONFIG REWRITE](https://redis.io/docs/latest/commands/config-rewrite/)
    fn config_rewrite(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("CONFIG", "REWRITE"))
    }

    /// Resets the statistics reported by `INFO` and `LATENCY HISTOGRAM`. [CONFIG RESETSTAT](https://redis.io/docs/latest/commands/config-resetstat/)
    fn config_resetstat(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("CONFIG", "RESETSTAT"))
    }

    /// The number of keys in the selected database. [DBSIZE](https://redis.io/docs/latest/commands/dbsize/)
    fn dbsize(&self) -> Self::Output<'_, u64> {
        self.command(command("DBSIZE"))
    }

    /// Starts a coordinated failover from this master to a replica. [FAILOVER](https://redis.io/docs/latest/commands/failover/)
    fn failover(&self, options: FailoverOptions) -> Self::Output<'_, ()> {
        let mut args = command("FAILOVER");
        options.write_args(&mut args);
        self.command(args)
    }

    /// Deletes every key of every database. [FLUSHALL](https://redis.io/docs/latest/commands/flushall/)
    fn flushall(&self) -> Self::Output<'_, ()> {
        self.command(command("FLUSHALL"))
    }

    /// Deletes every key of every database, freeing memory as `mode` says. [FLUSHALL](https://redis.io/docs/latest/commands/flushall/)
    fn flushall_options(&self, mode: FlushMode) -> Self::Output<'_, ()> {
        let mut args = command("FLUSHALL");
        mode.write_args(&mut args);
        self.command(args)
    }

    /// Deletes every key of the selected database. [FLUSHDB](https://redis.io/docs/latest/commands/flushdb/)
    fn flushdb(&self) -> Self::Output<'_, ()> {
        self.command(command("FLUSHDB"))
    }

    /// Deletes every key of the selected database, freeing memory as `mode` says. [FLUSHDB](https://redis.io/docs/latest/commands/flushdb/)
    fn flushdb_options(&self, mode: FlushMode) -> Self::Output<'_, ()> {
        let mut args = command("FLUSHDB");
        mode.write_args(&mut args);
        self.command(args)
    }

    /// The default sections of server information and statistics, parsed. [INFO](https://redis.io/docs/latest/commands/info/)
    fn info(&self) -> Self::Output<'_, Info> {
        self.command(command("INFO"))
    }

    /// One or more sections of `INFO` (`"server"`, `"memory"`, `"all"`, `"everything"`, ...).
    /// [INFO](https://redis.io/docs/latest/commands/info/)
    fn info_sections(&self, sections: impl ToArgs) -> Self::Output<'_, Info> {
        let mut args = command("INFO");
        sections.write_args(&mut args);
        self.command(args)
    }

    /// When the last successful save to disk happened. [LASTSAVE](https://redis.io/docs/latest/commands/lastsave/)
    fn lastsave(&self) -> Self::Output<'_, SystemTime> {
        self.command(command("LASTSAVE"))
    }

    /// A human-readable analysis of latency problems. [LATENCY DOCTOR](https://redis.io/docs/latest/commands/latency-doctor/)
    fn latency_doctor(&self) -> Self::Output<'_, String> {
        self.command(subcommand("LATENCY", "DOCTOR"))
    }

    /// An ASCII-art graph of one latency event's samples. [LATENCY GRAPH](https://redis.io/docs/latest/commands/latency-graph/)
    fn latency_graph(&self, event: impl ToSingleArg) -> Self::Output<'_, String> {
        let mut args = subcommand("LATENCY", "GRAPH");
        event.write_args(&mut args);
        self.command(args)
    }

    /// Latency histograms of one or more commands by name (an empty list gives all called commands).
    /// [LATENCY HISTOGRAM](https://redis.io/docs/latest/commands/latency-histogram/)
    fn latency_histogram(&self, commands: impl ToArgs) -> Self::Output<'_, HashMap<String, LatencyHistogram>> {
        let mut args = subcommand("LATENCY", "HISTOGRAM");
        commands.write_args(&mut args);
        self.command(args)
    }

    /// The recorded samples of one latency event. [LATENCY HISTORY](https://redis.io/docs/latest/commands/latency-history/)
    fn latency_history(&self, event: impl ToSingleArg) -> Self::Output<'_, Vec<LatencySample>> {
        let mut args = subcommand("LATENCY", "HISTORY");
        event.write_args(&mut args);
        self.command(args)
    }

    /// The latest spike of every latency event. [LATENCY LATEST](https://redis.io/docs/latest/commands/latency-latest/)
    fn latency_latest(&self) -> Self::Output<'_, Vec<LatencyEvent>> {
        self.command(subcommand("LATENCY", "LATEST"))
    }

    /// Clears the samples of one or more events (an empty list clears all); returns how many were reset.
    /// [LATENCY RESET](https://redis.io/docs/latest/commands/latency-reset/)
    fn latency_reset(&self, events: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = subcommand("LATENCY", "RESET");
        events.write_args(&mut args);
        self.command(args)
    }

    /// Computer art and the Redis version. [LOLWUT](https://redis.io/docs/latest/commands/lolwut/)
    fn lolwut(&self) -> Self::Output<'_, String> {
        self.command(command("LOLWUT"))
    }

    /// `LOLWUT VERSION n`: the art of one Redis version. [LOLWUT](https://redis.io/docs/latest/commands/lolwut/)
    fn lolwut_version(&self, version: u32) -> Self::Output<'_, String> {
        let mut args = command("LOLWUT");
        args.push(b"VERSION");
        args.push_uint(u64::from(version));
        self.command(args)
    }

    /// A human-readable analysis of memory problems. [MEMORY DOCTOR](https://redis.io/docs/latest/commands/memory-doctor/)
    fn memory_doctor(&self) -> Self::Output<'_, String> {
        self.command(subcommand("MEMORY", "DOCTOR"))
    }

    /// The memory allocator's internal statistics, as text. [MEMORY MALLOC-STATS](https://redis.io/docs/latest/commands/memory-malloc-stats/)
    fn memory_malloc_stats(&self) -> Self::Output<'_, String> {
        self.command(subcommand("MEMORY", "MALLOC-STATS"))
    }

    /// Asks the allocator to release dirty pages. [MEMORY PURGE](https://redis.io/docs/latest/commands/memory-purge/)
    fn memory_purge(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("MEMORY", "PURGE"))
    }

    /// Memory usage figures of the server. [MEMORY STATS](https://redis.io/docs/latest/commands/memory-stats/)
    fn memory_stats(&self) -> Self::Output<'_, MemoryStats> {
        self.command(subcommand("MEMORY", "STATS"))
    }

    /// The bytes `key` and its value take in memory; `None` if the key does not exist.
    /// [MEMORY USAGE](https://redis.io/docs/latest/commands/memory-usage/)
    fn memory_usage(&self, key: impl ToSingleArg) -> Self::Output<'_, Option<u64>> {
        let mut args = subcommand("MEMORY", "USAGE");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Like [`memory_usage`](Self::memory_usage), sampling `samples` nested values
    /// (0 samples them all). [MEMORY USAGE](https://redis.io/docs/latest/commands/memory-usage/)
    fn memory_usage_samples(&self, key: impl ToSingleArg, samples: u64) -> Self::Output<'_, Option<u64>> {
        let mut args = subcommand("MEMORY", "USAGE");
        key.write_args(&mut args);
        args.push(b"SAMPLES");
        args.push_uint(samples);
        self.command(args)
    }

    /// The loaded modules. [MODULE LIST](https://redis.io/docs/latest/commands/module-list/)
    fn module_list(&self) -> Self::Output<'_, Vec<ModuleInfo>> {
        self.command(subcommand("MODULE", "LIST"))
    }

    /// Loads a module from a shared library on the server. [MODULE LOAD](https://redis.io/docs/latest/commands/module-load/)
    fn module_load(&self, path: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = subcommand("MODULE", "LOAD");
        path.write_args(&mut args);
        self.command(args)
    }

    /// Loads a module with configuration and arguments. [MODULE LOADEX](https://redis.io/docs/latest/commands/module-loadex/)
    fn module_loadex(&self, path: impl ToSingleArg, options: ModuleLoadOptions) -> Self::Output<'_, ()> {
        let mut args = subcommand("MODULE", "LOADEX");
        path.write_args(&mut args);
        options.write_args(&mut args);
        self.command(args)
    }

    /// Unloads a module by name. [MODULE UNLOAD](https://redis.io/docs/latest/commands/module-unload/)
    fn module_unload(&self, name: impl ToSingleArg) -> Self::Output<'_, ()> {
        let mut args = subcommand("MODULE", "UNLOAD");
        name.write_args(&mut args);
        self.command(args)
    }

    /// Makes this server a replica of another, or (`ReplicaOf::NoOne`) a master.
    /// [REPLICAOF](https://redis.io/docs/latest/commands/replicaof/)
    fn replicaof(&self, target: ReplicaOf) -> Self::Output<'_, ()> {
        let mut args = command("REPLICAOF");
        target.write_args(&mut args);
        self.command(args)
    }

    /// The old name of [`replicaof`](Self::replicaof). [SLAVEOF](https://redis.io/docs/latest/commands/slaveof/)
    #[deprecated(note = "SLAVEOF is deprecated since Redis 5: use `replicaof`")]
    fn slaveof(&self, target: ReplicaOf) -> Self::Output<'_, ()> {
        let mut args = command("SLAVEOF");
        target.write_args(&mut args);
        self.command(args)
    }

    /// This server's replication role. [ROLE](https://redis.io/docs/latest/commands/role/)
    fn role(&self) -> Self::Output<'_, Role> {
        self.command(command("ROLE"))
    }

    /// Saves the dataset to disk, blocking the server until done. [SAVE](https://redis.io/docs/latest/commands/save/)
    fn save(&self) -> Self::Output<'_, ()> {
        self.command(command("SAVE"))
    }

    /// Stops the server.
    ///
    /// A successful shutdown has no reply: the server closes the connection, so
    /// the future ends with a connection error ([`Error::is_connection`](crate::Error::is_connection)),
    /// which here means success. An error reply means the server stays up
    /// (e.g. saving failed). With [`ShutdownOptions::abort`] the reply is `OK`.
    /// [SHUTDOWN](https://redis.io/docs/latest/commands/shutdown/)
    fn shutdown(&self, options: ShutdownOptions) -> Self::Output<'_, ()> {
        let mut args = command("SHUTDOWN");
        options.write_args(&mut args);
        self.command(args)
    }

    /// The `count` most recent slow log entries, newest first. [SLOWLOG GET](https://redis.io/docs/latest/commands/slowlog-get/)
    fn slowlog_get(&self, count: usize) -> Self::Output<'_, Vec<SlowlogEntry>> {
        let mut args = subcommand("SLOWLOG", "GET");
        args.push_uint(count as u64);
        self.command(args)
    }

    /// Every slow log entry, newest first. [SLOWLOG GET](https://redis.io/docs/latest/commands/slowlog-get/)
    fn slowlog_get_all(&self) -> Self::Output<'_, Vec<SlowlogEntry>> {
        let mut args = subcommand("SLOWLOG", "GET");
        args.push_int(-1);
        self.command(args)
    }

    /// The number of slow log entries. [SLOWLOG LEN](https://redis.io/docs/latest/commands/slowlog-len/)
    fn slowlog_len(&self) -> Self::Output<'_, u64> {
        self.command(subcommand("SLOWLOG", "LEN"))
    }

    /// Clears the slow log. [SLOWLOG RESET](https://redis.io/docs/latest/commands/slowlog-reset/)
    fn slowlog_reset(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("SLOWLOG", "RESET"))
    }

    /// Swaps two databases' contents. [SWAPDB](https://redis.io/docs/latest/commands/swapdb/)
    fn swapdb(&self, a: u32, b: u32) -> Self::Output<'_, ()> {
        let mut args = command("SWAPDB");
        args.push_uint(u64::from(a));
        args.push_uint(u64::from(b));
        self.command(args)
    }

    /// The server's clock, to the microsecond (ask for `(u64, u64)` seconds and
    /// microseconds through [`cmd`](crate::cmd) if you prefer the raw pair).
    /// [TIME](https://redis.io/docs/latest/commands/time/)
    fn time(&self) -> Self::Output<'_, SystemTime> {
        self.command(command("TIME"))
    }

    /// Blocks the server for `duration` (testing timeouts and failover), sent in
    /// seconds with fractions to the microsecond, rounded up (`Duration::ZERO`
    /// returns at once). As it keeps its connection busy, it is a blocking command:
    /// on a [`Client`](crate::Client) it runs on a pooled connection of its own, with
    /// its response timeout extended by `duration`. Needs `enable-debug-command yes`
    /// (or `local`) on the server; other `DEBUG` subcommands go through
    /// [`cmd`](crate::cmd). [DEBUG](https://redis.io/docs/latest/commands/debug/)
    fn debug_sleep(&self, duration: Duration) -> Self::Output<'_, ()> {
        let mut args = command("DEBUG");
        args.push(b"SLEEP");
        let micros = micros_ceil(duration);
        // Exact for any sleep below 2^53 µs (285 years).
        args.push_float(micros as f64 / 1e6);
        self.command(args.blocking(BlockTime::For(Duration::from_micros(micros))))
    }

    /// The server's internal view of `key` (encoding, refcount, serialized
    /// length, LRU idle time) as one line. Needs `enable-debug-command`.
    /// [DEBUG](https://redis.io/docs/latest/commands/debug/)
    fn debug_object(&self, key: impl ToSingleArg) -> Self::Output<'_, String> {
        let mut args = command("DEBUG");
        args.push(b"OBJECT");
        key.write_args(&mut args);
        self.command(args)
    }

    /// Usage of the `COMMAND` subcommands. [COMMAND HELP](https://redis.io/docs/latest/commands/command-help/)
    fn command_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("COMMAND", "HELP"))
    }
    /// Usage of the `CONFIG` subcommands. [CONFIG HELP](https://redis.io/docs/latest/commands/config-help/)
    fn config_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("CONFIG", "HELP"))
    }
    /// Usage of the `LATENCY` subcommands. [LATENCY HELP](https://redis.io/docs/latest/commands/latency-help/)
    fn latency_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("LATENCY", "HELP"))
    }
    /// Usage of the `MEMORY` subcommands. [MEMORY HELP](https://redis.io/docs/latest/commands/memory-help/)
    fn memory_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("MEMORY", "HELP"))
    }
    /// Usage of the `MODULE` subcommands. [MODULE HELP](https://redis.io/docs/latest/commands/module-help/)
    fn module_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("MODULE", "HELP"))
    }
    /// Usage of the `SLOWLOG` subcommands. [SLOWLOG HELP](https://redis.io/docs/latest/commands/slowlog-help/)
    fn slowlog_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("SLOWLOG", "HELP"))
    }
}
