//! Hash commands: <https://redis.io/docs/latest/commands/?group=hash>.

use super::Commands;

/// Hash commands.
pub trait HashCommands: Commands {}
