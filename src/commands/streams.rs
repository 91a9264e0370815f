//! Stream commands: <https://redis.io/docs/latest/commands/?group=stream>.

use super::Commands;

/// Stream commands.
pub trait StreamCommands: Commands {}
