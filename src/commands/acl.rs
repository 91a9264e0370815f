//! ACL commands: <https://redis.io/docs/latest/commands/?group=server>.

use super::Commands;

/// ACL commands.
pub trait AclCommands: Commands {}
