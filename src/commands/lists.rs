//! List commands: <https://redis.io/docs/latest/commands/?group=list>.

use super::Commands;

/// List commands.
pub trait ListCommands: Commands {}
