//! Sorted set commands: <https://redis.io/docs/latest/commands/?group=sorted-set>.

use super::Commands;

/// Sorted set commands.
pub trait SortedSetCommands: Commands {}
