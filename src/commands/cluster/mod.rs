//! Cluster introspection and administration commands:
//! <https://redis.io/docs/latest/commands/?group=cluster>.
//!
//! Each command runs on the node the handle is connected to. `READONLY`,
//! `READWRITE` and `ASKING` change the connection's state: they are on
//! [`DedicatedCommands`](super::DedicatedCommands). `CLUSTER HELP` (help text for
//! humans) is left out.

mod options;
mod types;

use super::{subcommand, CommandTarget};
use crate::value::{Args, FromValue, ToArgs, ToSingleArg};

pub use options::{FailoverMode, ResetMode, SetSlot};
pub use types::{ClusterInfo, ClusterNode, ClusterNodes, ClusterShard, EpochBump, ShardNode, SlotNode, SlotRange};

/// Cluster introspection and administration commands.
pub trait ClusterCommands: CommandTarget {
    /// The id of the node. [CLUSTER MYID](https://redis.io/docs/latest/commands/cluster-myid/)
    fn cluster_myid(&self) -> Self::Output<'_, String> {
        self.command(subcommand("CLUSTER", "MYID"))
    }

    /// The id of the node's shard. Redis 7.2+. [CLUSTER MYSHARDID](https://redis.io/docs/latest/commands/cluster-myshardid/)
    fn cluster_myshardid(&self) -> Self::Output<'_, String> {
        self.command(subcommand("CLUSTER", "MYSHARDID"))
    }

    /// The cluster state as the node sees it. [CLUSTER INFO](https://redis.io/docs/latest/commands/cluster-info/)
    fn cluster_info(&self) -> Self::Output<'_, ClusterInfo> {
        self.command(subcommand("CLUSTER", "INFO"))
    }

    /// The hash slot of `key` (0 to 16383). [CLUSTER KEYSLOT](https://redis.io/docs/latest/commands/cluster-keyslot/)
    fn cluster_keyslot(&self, key: impl ToSingleArg) -> Self::Output<'_, u16> {
        let mut args = subcommand("CLUSTER", "KEYSLOT");
        key.write_args(&mut args);
        self.command(args)
    }

    /// The number of keys the node holds in `slot`.
    /// [CLUSTER COUNTKEYSINSLOT](https://redis.io/docs/latest/commands/cluster-countkeysinslot/)
    fn cluster_countkeysinslot(&self, slot: u16) -> Self::Output<'_, u64> {
        self.command(with_args(subcommand("CLUSTER", "COUNTKEYSINSLOT"), &slot))
    }

    /// Up to `count` key names of `slot` held by the node: ask for a collection such as
    /// `Vec<String>` (or `Vec<Vec<u8>>` for binary keys).
    /// [CLUSTER GETKEYSINSLOT](https://redis.io/docs/latest/commands/cluster-getkeysinslot/)
    fn cluster_getkeysinslot<R: FromValue>(&self, slot: u16, count: u64) -> Self::Output<'_, R> {
        self.command(with_args(subcommand("CLUSTER", "GETKEYSINSLOT"), &(slot, count)))
    }

    /// Every node known to the node, with its flags and slots.
    /// [CLUSTER NODES](https://redis.io/docs/latest/commands/cluster-nodes/)
    fn cluster_nodes(&self) -> Self::Output<'_, ClusterNodes> {
        self.command(subcommand("CLUSTER", "NODES"))
    }

    /// The replicas of the master `node_id`.
    /// [CLUSTER REPLICAS](https://redis.io/docs/latest/commands/cluster-replicas/)
    fn cluster_replicas(&self, node_id: impl ToSingleArg) -> Self::Output<'_, Vec<ClusterNode>> {
        self.command(with_args(subcommand("CLUSTER", "REPLICAS"), &node_id))
    }

    /// The replicas of the master `node_id`; deprecated alias of
    /// [`cluster_replicas`](Self::cluster_replicas). [CLUSTER SLAVES](https://redis.io/docs/latest/commands/cluster-slaves/)
    fn cluster_slaves(&self, node_id: impl ToSingleArg) -> Self::Output<'_, Vec<ClusterNode>> {
        self.command(with_args(subcommand("CLUSTER", "SLAVES"), &node_id))
    }

    /// The slot ranges and the nodes serving them (deprecated since Redis 7.0 in favour
    /// of `CLUSTER SHARDS`). [CLUSTER SLOTS](https://redis.io/docs/latest/commands/cluster-slots/)
    fn cluster_slots(&self) -> Self::Output<'_, Vec<SlotRange>> {
        self.command(subcommand("CLUSTER", "SLOTS"))
    }

    /// The shards: their slots and nodes. Redis 7+.
    /// [CLUSTER SHARDS](https://redis.io/docs/latest/commands/cluster-shards/)
    fn cluster_shards(&self) -> Self::Output<'_, Vec<ClusterShard>> {
        self.command(subcommand("CLUSTER", "SHARDS"))
    }

    /// The node's cluster bus links, one map per link (`direction`, `node`,
    /// `create-time`, ...); ask for e.g. `Vec<HashMap<String, Value>>`. Redis 7+.
    /// [CLUSTER LINKS](https://redis.io/docs/latest/commands/cluster-links/)
    fn cluster_links<R: FromValue>(&self) -> Self::Output<'_, R> {
        self.command(subcommand("CLUSTER", "LINKS"))
    }

    /// The number of nodes reporting `node_id` as failing.
    /// [CLUSTER COUNT-FAILURE-REPORTS](https://redis.io/docs/latest/commands/cluster-count-failure-reports/)
    fn cluster_count_failure_reports(&self, node_id: impl ToSingleArg) -> Self::Output<'_, u64> {
        self.command(with_args(subcommand("CLUSTER", "COUNT-FAILURE-REPORTS"), &node_id))
    }

    /// Assigns one or more slots to the node. [CLUSTER ADDSLOTS](https://redis.io/docs/latest/commands/cluster-addslots/)
    fn cluster_addslots(&self, slots: impl ToArgs) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "ADDSLOTS"), &slots))
    }

    /// Assigns one or more inclusive `(start, end)` slot ranges to the node (e.g.
    /// `[(0, 100), (200, 300)]`). [CLUSTER ADDSLOTSRANGE](https://redis.io/docs/latest/commands/cluster-addslotsrange/)
    fn cluster_addslotsrange(&self, ranges: impl ToArgs) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "ADDSLOTSRANGE"), &ranges))
    }

    /// Unassigns one or more slots from the node. [CLUSTER DELSLOTS](https://redis.io/docs/latest/commands/cluster-delslots/)
    fn cluster_delslots(&self, slots: impl ToArgs) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "DELSLOTS"), &slots))
    }

    /// Unassigns one or more inclusive `(start, end)` slot ranges from the node.
    /// [CLUSTER DELSLOTSRANGE](https://redis.io/docs/latest/commands/cluster-delslotsrange/)
    fn cluster_delslotsrange(&self, ranges: impl ToArgs) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "DELSLOTSRANGE"), &ranges))
    }

    /// Unassigns every slot of the node (its database must be empty).
    /// [CLUSTER FLUSHSLOTS](https://redis.io/docs/latest/commands/cluster-flushslots/)
    fn cluster_flushslots(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("CLUSTER", "FLUSHSLOTS"))
    }

    /// Sets the state of `slot` on the node (importing, migrating, owner, stable).
    /// [CLUSTER SETSLOT](https://redis.io/docs/latest/commands/cluster-setslot/)
    fn cluster_setslot(&self, slot: u16, action: SetSlot) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "SETSLOT"), &(slot, action)))
    }

    /// Raises the node's config epoch if another node has the same one.
    /// [CLUSTER BUMPEPOCH](https://redis.io/docs/latest/commands/cluster-bumpepoch/)
    fn cluster_bumpepoch(&self) -> Self::Output<'_, EpochBump> {
        self.command(subcommand("CLUSTER", "BUMPEPOCH"))
    }

    /// Sets the config epoch of a fresh node.
    /// [CLUSTER SET-CONFIG-EPOCH](https://redis.io/docs/latest/commands/cluster-set-config-epoch/)
    fn cluster_set_config_epoch(&self, epoch: u64) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "SET-CONFIG-EPOCH"), &epoch))
    }

    /// Connects the node to the node at `ip:port` (cluster bus on `port + 10000` unless given).
    /// [CLUSTER MEET](https://redis.io/docs/latest/commands/cluster-meet/)
    fn cluster_meet(&self, ip: impl ToSingleArg, port: u16, bus_port: Option<u16>) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "MEET"), &(ip, port, bus_port)))
    }

    /// Removes the node `node_id` from the node's table (for 60 seconds).
    /// [CLUSTER FORGET](https://redis.io/docs/latest/commands/cluster-forget/)
    fn cluster_forget(&self, node_id: impl ToSingleArg) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "FORGET"), &node_id))
    }

    /// Makes the node a replica of the master `node_id`.
    /// [CLUSTER REPLICATE](https://redis.io/docs/latest/commands/cluster-replicate/)
    fn cluster_replicate(&self, node_id: impl ToSingleArg) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "REPLICATE"), &node_id))
    }

    /// Promotes the node (a replica) to master of its shard.
    /// [CLUSTER FAILOVER](https://redis.io/docs/latest/commands/cluster-failover/)
    fn cluster_failover(&self, mode: FailoverMode) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "FAILOVER"), &mode))
    }

    /// Resets the node's cluster state (a master's database must be empty).
    /// [CLUSTER RESET](https://redis.io/docs/latest/commands/cluster-reset/)
    fn cluster_reset(&self, mode: ResetMode) -> Self::Output<'_, ()> {
        self.command(with_args(subcommand("CLUSTER", "RESET"), &mode))
    }

    /// Writes the node's cluster configuration to its `nodes.conf`.
    /// [CLUSTER SAVECONFIG](https://redis.io/docs/latest/commands/cluster-saveconfig/)
    fn cluster_saveconfig(&self) -> Self::Output<'_, ()> {
        self.command(subcommand("CLUSTER", "SAVECONFIG"))
    }

    /// Usage of the `CLUSTER` subcommands. [CLUSTER HELP](https://redis.io/docs/latest/commands/cluster-help/)
    fn cluster_help(&self) -> Self::Output<'_, Vec<String>> {
        self.command(subcommand("CLUSTER", "HELP"))
    }
}

/// `args` followed by the arguments of `rest`.
fn with_args(mut args: Args, rest: &dyn ToArgs) -> Args {
    rest.write_args(&mut args);
    args
}

#[cfg(test)]
mod tests;
