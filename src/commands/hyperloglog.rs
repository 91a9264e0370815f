//! HyperLogLog commands: <https://redis.io/docs/latest/commands/?group=hyperloglog>.

use super::Commands;

/// HyperLogLog commands.
pub trait HyperLogLogCommands: Commands {}
