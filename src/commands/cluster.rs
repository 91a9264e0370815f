//! Cluster introspection commands: <https://redis.io/docs/latest/commands/?group=cluster>.

use super::Commands;

/// Cluster introspection commands.
pub trait ClusterCommands: Commands {}
