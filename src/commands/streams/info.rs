//! The typed replies of `XINFO STREAM`, `XINFO GROUPS` and `XINFO CONSUMERS`.
//!
//! Each is a map in RESP3 and a flat `[name, value, ...]` array in RESP2; fields a
//! server does not send (older versions) are `None`.

use std::time::{Duration, SystemTime};

use super::types::{StreamEntry, StreamId};
use crate::commands::reply::Fields;
use crate::resp::Value;
use crate::value::{ConversionError, FromValue};

/// The reply of `XINFO STREAM key`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StreamInfo<F> {
    /// The number of entries.
    pub length: u64,
    /// The number of keys in the stream's radix tree.
    pub radix_tree_keys: u64,
    /// The number of nodes in the stream's radix tree.
    pub radix_tree_nodes: u64,
    /// The id of the last entry added (also when it was deleted since).
    pub last_generated_id: StreamId,
    /// The largest id deleted from the stream (Redis 7.0+).
    pub max_deleted_entry_id: Option<StreamId>,
    /// How many entries were ever added (Redis 7.0+).
    pub entries_added: Option<u64>,
    /// The id of the first entry (Redis 7.0+).
    pub recorded_first_entry_id: Option<StreamId>,
    /// The number of consumer groups.
    pub groups: u64,
    /// The first entry, `None` for an empty stream.
    pub first_entry: Option<StreamEntry<F>>,
    /// The last entry, `None` for an empty stream.
    pub last_entry: Option<StreamEntry<F>>,
}

impl<F: FromValue> FromValue for StreamInfo<F> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "StreamInfo")?;
        Ok(StreamInfo {
            length: m.take("length")?,
            radix_tree_keys: m.take("radix-tree-keys")?,
            radix_tree_nodes: m.take("radix-tree-nodes")?,
            last_generated_id: m.take("last-generated-id")?,
            max_deleted_entry_id: m.take("max-deleted-entry-id")?,
            entries_added: m.take("entries-added")?,
            recorded_first_entry_id: m.take("recorded-first-entry-id")?,
            groups: m.take("groups")?,
            first_entry: m.take("first-entry")?,
            last_entry: m.take("last-entry")?,
        })
    }
}

/// The reply of `XINFO STREAM key FULL`: the stream with its entries, groups,
/// consumers and pending entries.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StreamInfoFull<F> {
    /// The number of entries.
    pub length: u64,
    /// The number of keys in the stream's radix tree.
    pub radix_tree_keys: u64,
    /// The number of nodes in the stream's radix tree.
    pub radix_tree_nodes: u64,
    /// The id of the last entry added.
    pub last_generated_id: StreamId,
    /// The largest id deleted from the stream (Redis 7.0+).
    pub max_deleted_entry_id: Option<StreamId>,
    /// How many entries were ever added (Redis 7.0+).
    pub entries_added: Option<u64>,
    /// The id of the first entry (Redis 7.0+).
    pub recorded_first_entry_id: Option<StreamId>,
    /// The entries, oldest first (at most the `COUNT` asked for).
    pub entries: Vec<StreamEntry<F>>,
    /// The consumer groups.
    pub groups: Vec<StreamGroupFull>,
}

impl<F: FromValue> FromValue for StreamInfoFull<F> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "StreamInfoFull")?;
        Ok(StreamInfoFull {
            length: m.take("length")?,
            radix_tree_keys: m.take("radix-tree-keys")?,
            radix_tree_nodes: m.take("radix-tree-nodes")?,
            last_generated_id: m.take("last-generated-id")?,
            max_deleted_entry_id: m.take("max-deleted-entry-id")?,
            entries_added: m.take("entries-added")?,
            recorded_first_entry_id: m.take("recorded-first-entry-id")?,
            entries: m.take("entries")?,
            groups: m.take("groups")?,
        })
    }
}

/// One consumer group in [`StreamInfoFull`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamGroupFull {
    /// The group's name.
    pub name: String,
    /// The id of the last entry delivered to the group.
    pub last_delivered_id: StreamId,
    /// How many entries the group has read (Redis 7.0+; `None` when unknown).
    pub entries_read: Option<u64>,
    /// How many entries are still to be delivered (Redis 7.0+; `None` when unknown).
    pub lag: Option<u64>,
    /// How many entries are pending (delivered, not acknowledged).
    pub pel_count: u64,
    /// The pending entries.
    pub pending: Vec<GroupPendingEntry>,
    /// The group's consumers.
    pub consumers: Vec<StreamConsumerFull>,
}

impl FromValue for StreamGroupFull {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "StreamGroupFull")?;
        Ok(StreamGroupFull {
            name: m.take("name")?,
            last_delivered_id: m.take("last-delivered-id")?,
            entries_read: m.take("entries-read")?,
            lag: m.take("lag")?,
            pel_count: m.take("pel-count")?,
            pending: m.take("pending")?,
            consumers: m.take("consumers")?,
        })
    }
}

/// One pending entry of a group in [`StreamGroupFull`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupPendingEntry {
    /// The entry's id.
    pub id: StreamId,
    /// The consumer it was delivered to.
    pub consumer: String,
    /// When it was last delivered.
    pub delivered_at: SystemTime,
    /// How many times it was delivered.
    pub deliveries: u64,
}

impl FromValue for GroupPendingEntry {
    /// An array `[id, consumer, delivery-time-ms, deliveries]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let (id, consumer, time, deliveries) = FromValue::from_value(value)?;
        Ok(GroupPendingEntry {
            id,
            consumer,
            delivered_at: unix_ms(time),
            deliveries,
        })
    }
}

/// One consumer in [`StreamGroupFull`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamConsumerFull {
    /// The consumer's name.
    pub name: String,
    /// When the consumer last interacted with the server.
    pub seen_at: SystemTime,
    /// When the consumer last read or claimed successfully (Redis 7.2+).
    pub active_at: Option<SystemTime>,
    /// How many entries are pending for this consumer.
    pub pel_count: u64,
    /// The consumer's pending entries.
    pub pending: Vec<ConsumerPendingEntry>,
}

impl FromValue for StreamConsumerFull {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "StreamConsumerFull")?;
        Ok(StreamConsumerFull {
            name: m.take("name")?,
            seen_at: unix_ms(m.take("seen-time")?),
            active_at: non_negative(m.take("active-time")?).map(unix_ms),
            pel_count: m.take("pel-count")?,
            pending: m.take("pending")?,
        })
    }
}

/// One pending entry of a consumer in [`StreamConsumerFull`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsumerPendingEntry {
    /// The entry's id.
    pub id: StreamId,
    /// When it was last delivered.
    pub delivered_at: SystemTime,
    /// How many times it was delivered.
    pub deliveries: u64,
}

impl FromValue for ConsumerPendingEntry {
    /// An array `[id, delivery-time-ms, deliveries]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let (id, time, deliveries) = FromValue::from_value(value)?;
        Ok(ConsumerPendingEntry {
            id,
            delivered_at: unix_ms(time),
            deliveries,
        })
    }
}

/// One consumer group, from `XINFO GROUPS`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamGroupInfo {
    /// The group's name.
    pub name: String,
    /// The number of consumers.
    pub consumers: u64,
    /// How many entries are pending (delivered, not acknowledged).
    pub pending: u64,
    /// The id of the last entry delivered to the group.
    pub last_delivered_id: StreamId,
    /// How many entries the group has read (Redis 7.0+; `None` when unknown).
    pub entries_read: Option<u64>,
    /// How many entries are still to be delivered (Redis 7.0+; `None` when unknown).
    pub lag: Option<u64>,
}

impl FromValue for StreamGroupInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "StreamGroupInfo")?;
        Ok(StreamGroupInfo {
            name: m.take("name")?,
            consumers: m.take("consumers")?,
            pending: m.take("pending")?,
            last_delivered_id: m.take("last-delivered-id")?,
            entries_read: m.take("entries-read")?,
            lag: m.take("lag")?,
        })
    }
}

/// One consumer of a group, from `XINFO CONSUMERS`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamConsumerInfo {
    /// The consumer's name.
    pub name: String,
    /// How many entries are pending for this consumer.
    pub pending: u64,
    /// The time since the consumer last interacted with the server.
    pub idle: Duration,
    /// The time since the consumer last read or claimed successfully (Redis 7.2+;
    /// `None` also when it never did).
    pub inactive: Option<Duration>,
}

impl FromValue for StreamConsumerInfo {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut m = Fields::new(value, "StreamConsumerInfo")?;
        Ok(StreamConsumerInfo {
            name: m.take("name")?,
            pending: m.take("pending")?,
            idle: m.millis("idle")?,
            inactive: non_negative(m.take("inactive")?).map(Duration::from_millis),
        })
    }
}

/// A Unix time in milliseconds.
fn unix_ms(ms: u64) -> SystemTime {
    super::super::reply::unix_millis(ms)
}

/// `Some` for a present, non-negative value (Redis sends -1 for "never").
fn non_negative(value: Option<i64>) -> Option<u64> {
    value.and_then(|v| u64::try_from(v).ok())
}
