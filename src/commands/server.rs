//! Server administration commands: <https://redis.io/docs/latest/commands/?group=server>.

use super::Commands;

/// Server administration commands.
pub trait ServerCommands: Commands {}
