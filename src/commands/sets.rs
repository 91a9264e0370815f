//! Set commands: <https://redis.io/docs/latest/commands/?group=set>.

use super::Commands;

/// Set commands.
pub trait SetCommands: Commands {}
