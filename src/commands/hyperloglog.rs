//! HyperLogLog commands: <https://redis.io/docs/latest/commands/?group=hyperloglog>.
//!
//! `PFDEBUG` and `PFSELFTEST` are internal testing commands and have no method.

use super::{command, CommandTarget};
use crate::value::{ToArgs, ToSingleArg};

/// HyperLogLog commands.
pub trait HyperLogLogCommands: CommandTarget {
    /// Adds zero or more `elements` to the HyperLogLog at `key` (creating it);
    /// returns whether its estimate changed (or the key was created).
    /// [PFADD](https://redis.io/docs/latest/commands/pfadd/)
    fn pfadd(&self, key: impl ToSingleArg, elements: impl ToArgs) -> Self::Output<'_, bool> {
        let mut args = command("PFADD");
        args.push_args(&key).push_args(&elements);
        self.command(args)
    }

    /// The estimated number of distinct elements in the union of the HyperLogLogs
    /// at one or more `keys` (0 for missing keys).
    /// [PFCOUNT](https://redis.io/docs/latest/commands/pfcount/)
    fn pfcount(&self, keys: impl ToArgs) -> Self::Output<'_, u64> {
        let mut args = command("PFCOUNT");
        keys.write_args(&mut args);
        self.command(args)
    }

    /// Stores in `dest` the union of `dest` (if it exists) and the HyperLogLogs at
    /// zero or more `sources`. [PFMERGE](https://redis.io/docs/latest/commands/pfmerge/)
    fn pfmerge(&self, dest: impl ToSingleArg, sources: impl ToArgs) -> Self::Output<'_, ()> {
        let mut args = command("PFMERGE");
        args.push_args(&dest).push_args(&sources);
        self.command(args)
    }
}
