//! Typed replies of the cluster commands.

use std::collections::HashMap;
use std::ops::Deref;
use std::str::FromStr;
use std::vec;

use crate::commands::reply::{invalid, Fields, TextFields};
use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// The cluster state as one node sees it (`CLUSTER INFO`).
///
/// The common fields are typed; every `field:value` line is in [`fields`](Self::fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterInfo {
    /// `ok` or `fail` (`cluster_state`); see [`is_ok`](Self::is_ok).
    pub state: String,
    /// Slots assigned to some node (`cluster_slots_assigned`).
    pub slots_assigned: u64,
    /// Slots whose node is healthy (`cluster_slots_ok`).
    pub slots_ok: u64,
    /// Slots whose node is possibly failing (`cluster_slots_pfail`).
    pub slots_pfail: u64,
    /// Slots whose node has failed (`cluster_slots_fail`).
    pub slots_fail: u64,
    /// Nodes known, handshaking ones included (`cluster_known_nodes`).
    pub known_nodes: u64,
    /// Master nodes serving at least one slot (`cluster_size`).
    pub size: u64,
    /// The cluster's epoch (`cluster_current_epoch`).
    pub current_epoch: u64,
    /// This node's config epoch (`cluster_my_epoch`).
    pub my_epoch: u64,
    /// Every `field:value` line, as sent.
    pub fields: HashMap<String, String>,
}

impl ClusterInfo {
    /// Whether `cluster_state` is `ok`: every slot is served.
    pub fn is_ok(&self) -> bool {
        self.state == "ok"
    }
}

impl FromValue for ClusterInfo {
    /// From the `field:value` lines of `CLUSTER INFO`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let text = String::from_value(value)?;
        let f = TextFields::parse("ClusterInfo", text.lines().map(str::trim), ':');
        Ok(ClusterInfo {
            state: f.text("cluster_state"),
            slots_assigned: f.num_or_default("cluster_slots_assigned")?,
            slots_ok: f.num_or_default("cluster_slots_ok")?,
            slots_pfail: f.num_or_default("cluster_slots_pfail")?,
            slots_fail: f.num_or_default("cluster_slots_fail")?,
            known_nodes: f.num_or_default("cluster_known_nodes")?,
            size: f.num_or_default("cluster_size")?,
            current_epoch: f.num_or_default("cluster_current_epoch")?,
            my_epoch: f.num_or_default("cluster_my_epoch")?,
            fields: f.into_map(),
        })
    }
}

/// One node as a line of `CLUSTER NODES` (or an element of `CLUSTER REPLICAS`) describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterNode {
    /// The node id.
    pub id: String,
    /// The node's IP; empty while a lone node has not learnt it yet.
    pub host: String,
    /// The client port.
    pub port: u16,
    /// The cluster bus port.
    pub bus_port: Option<u16>,
    /// The announced host name, if any.
    pub hostname: Option<String>,
    /// The flags, e.g. `["myself", "master"]`; see [`has_flag`](Self::has_flag).
    pub flags: Vec<String>,
    /// For a replica, the id of its master.
    pub master_id: Option<String>,
    /// When the last ping was sent, in Unix milliseconds (0: none pending).
    pub ping_sent: u64,
    /// When the last pong was received, in Unix milliseconds.
    pub pong_received: u64,
    /// The node's config epoch.
    pub config_epoch: u64,
    /// Whether the cluster bus link to the node is up (`connected`).
    pub connected: bool,
    /// The slots served, as inclusive `(start, end)` ranges.
    pub slots: Vec<(u16, u16)>,
    /// Slots being migrated to another node: `(slot, node id)`.
    pub migrating: Vec<(u16, String)>,
    /// Slots being imported from another node: `(slot, node id)`.
    pub importing: Vec<(u16, String)>,
}

impl ClusterNode {
    /// Whether `flags` holds `flag` (`"master"`, `"slave"`, `"fail?"`, ...).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// Whether this is the node that answered.
    pub fn is_myself(&self) -> bool {
        self.has_flag("myself")
    }

    /// Whether the node is a master.
    pub fn is_master(&self) -> bool {
        self.has_flag("master")
    }

    /// Whether the node is a replica (flag `slave`).
    pub fn is_replica(&self) -> bool {
        self.has_flag("slave")
    }

    /// Parses one line of `CLUSTER NODES`.
    fn parse(line: &str) -> Result<ClusterNode, ConversionError> {
        const EXPECTED: &str = "ClusterNode";
        fn bad(text: &str, reason: &'static str) -> ConversionError {
            invalid(EXPECTED, text, reason)
        }
        fn num<T: FromStr>(text: &str) -> Result<T, ConversionError> {
            text.parse().map_err(|_| bad(text, "not a number"))
        }
        let mut parts = line.split_ascii_whitespace();
        let mut next = || parts.next().ok_or_else(|| bad(line, "too few fields"));
        let id = next()?.to_owned();
        let address = next()?;
        let flags = next()?.split(',').map(str::to_owned).collect();
        let master_id = Some(next()?).filter(|m| *m != "-").map(str::to_owned);
        let (ping_sent, pong_received, config_epoch) = (num(next()?)?, num(next()?)?, num(next()?)?);
        let connected = next()? == "connected";

        let (address, hostname) = match address.split_once(',') {
            Some((a, h)) => (a, Some(h.to_owned()).filter(|h| !h.is_empty())),
            None => (address, None),
        };
        let (address, bus_port) = match address.split_once('@') {
            Some((a, bus)) => (a, Some(num(bus)?)),
            None => (address, None),
        };
        let (host, port) = address.rsplit_once(':').ok_or_else(|| bad(address, "no port"))?;

        let mut node = ClusterNode {
            id,
            host: host.to_owned(),
            port: num(port)?,
            bus_port,
            hostname,
            flags,
            master_id,
            ping_sent,
            pong_received,
            config_epoch,
            connected,
            ..ClusterNode::default()
        };
        for slot in parts {
            if let Some(moving) = slot.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                if let Some((n, to)) = moving.split_once("->-") {
                    node.migrating.push((num(n)?, to.to_owned()));
                } else if let Some((n, from)) = moving.split_once("-<-") {
                    node.importing.push((num(n)?, from.to_owned()));
                }
            } else if let Some((start, end)) = slot.split_once('-') {
                node.slots.push((num(start)?, num(end)?));
            } else {
                let n = num(slot)?;
                node.slots.push((n, n));
            }
        }
        Ok(node)
    }
}

impl FromValue for ClusterNode {
    /// From one `CLUSTER NODES` line (an element of `CLUSTER REPLICAS`).
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        ClusterNode::parse(String::from_value(value)?.trim())
    }
}

/// The nodes listed by `CLUSTER NODES`, one [`ClusterNode`] per line.
///
/// Derefs to `Vec<ClusterNode>`; [`into_vec`](Self::into_vec) takes the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterNodes(Vec<ClusterNode>);

impl ClusterNodes {
    /// The nodes, in the order the server listed them.
    pub fn into_vec(self) -> Vec<ClusterNode> {
        self.0
    }

    /// The node that answered (flag `myself`).
    pub fn myself(&self) -> Option<&ClusterNode> {
        self.0.iter().find(|n| n.is_myself())
    }
}

impl Deref for ClusterNodes {
    type Target = Vec<ClusterNode>;

    fn deref(&self) -> &Vec<ClusterNode> {
        &self.0
    }
}

impl IntoIterator for ClusterNodes {
    type Item = ClusterNode;
    type IntoIter = vec::IntoIter<ClusterNode>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromValue for ClusterNodes {
    /// From the text reply of `CLUSTER NODES`, one node per line.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let text = String::from_value(value)?;
        let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let nodes = lines
            .enumerate()
            .map(|(i, line)| ClusterNode::parse(line).map_err(|e| e.with_context(format_args!("line {i}"))))
            .collect::<Result<_, _>>()?;
        Ok(ClusterNodes(nodes))
    }
}

/// A range of slots and the nodes serving it (an element of `CLUSTER SLOTS`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlotRange {
    /// First slot.
    pub start: u16,
    /// Last slot (inclusive).
    pub end: u16,
    /// The master serving the range.
    pub master: SlotNode,
    /// Its replicas.
    pub replicas: Vec<SlotNode>,
}

/// One node of a [`SlotRange`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlotNode {
    /// The preferred endpoint (IP by default); empty while a lone node has not learnt
    /// it, `?` when unknown.
    pub host: String,
    /// The client port.
    pub port: u16,
    /// The node id.
    pub id: String,
    /// Further networking metadata (e.g. `hostname`, `ip`), Redis 7+.
    pub metadata: HashMap<String, String>,
}

/// The elements of an array reply, at least `min` of them.
fn items(value: Value, min: usize, expected: &'static str) -> Result<vec::IntoIter<Value>, ConversionError> {
    let items = Vec::<Value>::from_value(value)?;
    if items.len() < min {
        return Err(ConversionError::length_mismatch(expected, &Value::Array(items)));
    }
    Ok(items.into_iter())
}

/// Converts the next element (one is there: [`items`] checked the length).
fn take<T: FromValue>(items: &mut vec::IntoIter<Value>, what: &'static str) -> Result<T, ConversionError> {
    T::from_value(items.next().unwrap_or(Value::Nil)).map_err(|e| e.with_context(what))
}

impl FromValue for SlotNode {
    /// From `[host, port, id, metadata]` (RESP2 or RESP3; id and metadata are optional).
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut items = items(value, 2, "array of at least 2 elements")?;
        Ok(SlotNode {
            host: take::<Option<String>>(&mut items, "host")?.unwrap_or_default(),
            port: take(&mut items, "port")?,
            id: take::<Option<String>>(&mut items, "id")?.unwrap_or_default(),
            metadata: take(&mut items, "metadata")?,
        })
    }
}

impl FromValue for SlotRange {
    /// From `[start, end, master, replica...]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut items = items(value, 3, "array of at least 3 elements")?;
        Ok(SlotRange {
            start: take(&mut items, "start slot")?,
            end: take(&mut items, "end slot")?,
            master: take(&mut items, "master")?,
            replicas: Vec::from_value(Value::Array(items.collect())).map_err(|e| e.with_context("replicas"))?,
        })
    }
}

/// A shard: its slots and its nodes (an element of `CLUSTER SHARDS`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterShard {
    /// The slots served, as inclusive `(start, end)` ranges.
    pub slots: Vec<(u16, u16)>,
    /// The master and replicas of the shard.
    pub nodes: Vec<ShardNode>,
}

impl FromValue for ClusterShard {
    /// From the shard map (RESP3 map or RESP2 flat array).
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut map = Fields::new(value, "ClusterShard")?;
        Ok(ClusterShard {
            slots: map.take("slots")?,
            nodes: map.take("nodes")?,
        })
    }
}

/// One node of a [`ClusterShard`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShardNode {
    /// The node id.
    pub id: String,
    /// The plain-text client port, if it has one.
    pub port: Option<u16>,
    /// The TLS client port, if it has one.
    pub tls_port: Option<u16>,
    /// The node's IP (empty while a lone node has not learnt it).
    pub ip: String,
    /// The preferred endpoint for clients.
    pub endpoint: String,
    /// The announced host name, if any.
    pub hostname: Option<String>,
    /// `master` or `replica`.
    pub role: String,
    /// The replication offset.
    pub replication_offset: u64,
    /// `online`, `failed` or `loading`.
    pub health: String,
}

impl FromValue for ShardNode {
    /// From the node map (RESP3 map or RESP2 flat array).
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut map = Fields::new(value, "ShardNode")?;
        Ok(ShardNode {
            id: map.take("id")?,
            port: map.take("port")?,
            tls_port: map.take("tls-port")?,
            ip: map.take::<Option<String>>("ip")?.unwrap_or_default(),
            endpoint: map.take::<Option<String>>("endpoint")?.unwrap_or_default(),
            hostname: map.take("hostname")?,
            role: map.take("role")?,
            replication_offset: map.take("replication-offset")?,
            health: map.take("health")?,
        })
    }
}

/// The answer of `CLUSTER BUMPEPOCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EpochBump {
    /// The config epoch was raised to this value (`BUMPED`).
    Bumped(u64),
    /// The config epoch was already the highest and stays at this value (`STILL`).
    Still(u64),
}

impl FromValue for EpochBump {
    /// From `BUMPED <epoch>` or `STILL <epoch>`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let text = String::from_value(value)?;
        let bad = |reason| invalid("EpochBump", &text, reason);
        let (word, epoch) = text.split_once(' ').ok_or_else(|| bad("not BUMPED or STILL"))?;
        let epoch = epoch.trim().parse().map_err(|_| bad("not a number"))?;
        match word {
            "BUMPED" => Ok(EpochBump::Bumped(epoch)),
            "STILL" => Ok(EpochBump::Still(epoch)),
            _ => Err(bad("not BUMPED or STILL")),
        }
    }
}
