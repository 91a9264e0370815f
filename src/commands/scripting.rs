//! Scripting and function commands: <https://redis.io/docs/latest/commands/?group=scripting>.

use super::Commands;

/// Scripting and function commands.
pub trait ScriptingCommands: Commands {}
