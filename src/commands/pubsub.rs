//! Pub/sub publishing and introspection commands: <https://redis.io/docs/latest/commands/?group=pubsub>.

use super::Commands;

/// Pub/sub publishing and introspection commands.
pub trait PubSubCommands: Commands {}
