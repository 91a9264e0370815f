//! Pub/sub publishing and introspection commands: <https://redis.io/docs/latest/commands/?group=pubsub>.
//!
//! Subscribing changes a connection's state and is done on a pub/sub handle, not
//! with these methods.

use super::{command, subcommand, CommandTarget};
use crate::value::{ToArgs, ToSingleArg};

/// Pub/sub publishing and introspection commands.
pub trait PubSubCommands: CommandTarget {
    /// Sends `message` to `channel`; returns how many subscribers received it (in a
    /// cluster: on this node). [PUBLISH](https://redis.io/docs/latest/commands/publish/)
    fn publish(&self, channel: impl ToSingleArg, message: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("PUBLISH");
        (channel, message).write_args(&mut args);
        self.command(args)
    }

    /// Sends `message` to the shard channel `channel` (Redis 7.0+); returns how many
    /// subscribers received it. [SPUBLISH](https://redis.io/docs/latest/commands/spublish/)
    fn spublish(&self, channel: impl ToSingleArg, message: impl ToSingleArg) -> Self::Output<'_, u64> {
        let mut args = command("SPUBLISH");
        (channel, message).write_args(&mut args);
        self.command(args)
    }

    /// The channels with at least one subscriber (pattern subscriptions not counted).
    /// [PUBSUB CHANNELS](https://redis.io/docs/latest/commands/pubsub-channels/)
    fn pubsub_channels(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("PUBSUB", "CHANNELS"))
    }

    /// The active channels whose name matches the glob-style `pattern`.
    /// [PUBSUB CHANNELS](https://redis.io/docs/latest/commands/pubsub-channels/)
    fn pubsub_channels_options(&self, pattern: impl ToSingleArg) -> Self::Output<'_, Vec<String>> {
        let mut args = subcommand("PUBSUB", "CHANNELS");
        pattern.write_args(&mut args);
        self.command(args)
    }

    /// The number of subscribers of each channel (zero or more), in order.
    /// [PUBSUB NUMSUB](https://redis.io/docs/latest/commands/pubsub-numsub/)
    fn pubsub_numsub(&self, channels: impl ToArgs) -> Self::Output<'_, Vec<(String, u64)>> {
        let mut args = subcommand("PUBSUB", "NUMSUB");
        channels.write_args(&mut args);
        self.command(args)
    }

    /// The number of pattern subscriptions, over all clients. [PUBSUB NUMPAT](https://redis.io/docs/latest/commands/pubsub-numpat/)
    fn pubsub_numpat(&self) -> Self::Output<'_, u64> {
        self.command(subcommand("PUBSUB", "NUMPAT"))
    }

    /// The shard channels with at least one subscriber (Redis 7.0+).
    /// [PUBSUB SHARDCHANNELS](https://redis.io/docs/latest/commands/pubsub-shardchannels/)
    fn pubsub_shardchannels(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("PUBSUB", "SHARDCHANNELS"))
    }

    /// The active shard channels whose name matches the glob-style `pattern`.
    /// [PUBSUB SHARDCHANNELS](https://redis.io/docs/latest/commands/pubsub-shardchannels/)
    fn pubsub_shardchannels_options(&self, pattern: impl ToSingleArg) -> Self::Output<'_, Vec<String>> {
        let mut args = subcommand("PUBSUB", "SHARDCHANNELS");
        pattern.write_args(&mut args);
        self.command(args)
    }

    /// The number of subscribers of each shard channel (zero or more), in order
    /// (Redis 7.0+). [PUBSUB SHARDNUMSUB](https://redis.io/docs/latest/commands/pubsub-shardnumsub/)
    fn pubsub_shardnumsub(&self, channels: impl ToArgs) -> Self::Output<'_, Vec<(String, u64)>> {
        let mut args = subcommand("PUBSUB", "SHARDNUMSUB");
        channels.write_args(&mut args);
        self.command(args)
    }

    /// Usage of the `PUBSUB` subcommands. [PUBSUB HELP](https://redis.io/docs/latest/commands/pubsub-help/)
    fn pubsub_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("PUBSUB", "HELP"))
    }
}
