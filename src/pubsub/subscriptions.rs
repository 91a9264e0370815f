//! What a handle is subscribed to (the set restored after a reconnect), with
//! each subscription's handler and, for shard channels, hash slot.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::{Handler, Publication, SubscriptionKind};
use crate::key_slot;

/// One subscription's record.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) handler: Option<Handler>,
    /// The hash slot (cluster routing of shard channels; kept for every kind).
    pub(crate) slot: u16,
}

/// The current subscriptions, by kind.
#[derive(Default, Debug)]
pub(crate) struct Subscriptions {
    channels: BTreeMap<Bytes, Entry>,
    patterns: BTreeMap<Bytes, Entry>,
    shards: BTreeMap<Bytes, Entry>,
}

impl Subscriptions {
    fn map(&self, kind: SubscriptionKind) -> &BTreeMap<Bytes, Entry> {
        match kind {
            SubscriptionKind::Channel => &self.channels,
            SubscriptionKind::Pattern => &self.patterns,
            SubscriptionKind::Shard => &self.shards,
        }
    }

    fn map_mut(&mut self, kind: SubscriptionKind) -> &mut BTreeMap<Bytes, Entry> {
        match kind {
            SubscriptionKind::Channel => &mut self.channels,
            SubscriptionKind::Pattern => &mut self.patterns,
            SubscriptionKind::Shard => &mut self.shards,
        }
    }

    /// Adds (or replaces) subscriptions; returns the names that were new.
    pub(crate) fn add(&mut self, kind: SubscriptionKind, names: &[Bytes], handler: Option<&Handler>) -> Vec<Bytes> {
        let map = self.map_mut(kind);
        let mut added = Vec::new();
        for name in names {
            let entry = Entry {
                handler: handler.cloned(),
                slot: key_slot(name),
            };
            if map.insert(name.clone(), entry).is_none() {
                added.push(name.clone());
            }
        }
        added
    }

    /// Removes subscriptions (all of `kind` when `names` is empty); returns
    /// the names removed.
    pub(crate) fn remove(&mut self, kind: SubscriptionKind, names: &[Bytes]) -> Vec<Bytes> {
        let map = self.map_mut(kind);
        if names.is_empty() {
            return std::mem::take(map).into_keys().collect();
        }
        names.iter().filter(|n| map.remove(*n).is_some()).cloned().collect()
    }

    /// Removes exactly `names` (none when empty).
    pub(crate) fn remove_exact(&mut self, kind: SubscriptionKind, names: &[Bytes]) {
        let map = self.map_mut(kind);
        for name in names {
            map.remove(name);
        }
    }

    /// The names of `kind`, in order.
    pub(crate) fn names(&self, kind: SubscriptionKind) -> Vec<Bytes> {
        self.map(kind).keys().cloned().collect()
    }

    /// The names of `kind` grouped by hash slot (one `SSUBSCRIBE` per slot
    /// is what a cluster accepts).
    pub(crate) fn names_by_slot(&self, kind: SubscriptionKind) -> BTreeMap<u16, Vec<Bytes>> {
        let mut groups: BTreeMap<u16, Vec<Bytes>> = BTreeMap::new();
        for (name, entry) in self.map(kind) {
            groups.entry(entry.slot).or_default().push(name.clone());
        }
        groups
    }

    /// How many subscriptions of `kind`.
    pub(crate) fn count(&self, kind: SubscriptionKind) -> usize {
        self.map(kind).len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty() && self.shards.is_empty()
    }

    /// The handler for a published message, if its subscription has one.
    pub(crate) fn handler_for(&self, message: &Publication) -> Option<Handler> {
        let key = match message.kind() {
            SubscriptionKind::Pattern => message.pattern()?,
            _ => message.channel(),
        };
        self.map(message.kind()).get(key)?.handler.clone()
    }

    /// A subscription without a handler, if any (the handlers' worker refuses to start then).
    pub(crate) fn without_handler(&self) -> Option<(SubscriptionKind, Bytes)> {
        [
            SubscriptionKind::Channel,
            SubscriptionKind::Pattern,
            SubscriptionKind::Shard,
        ]
        .into_iter()
        .find_map(|kind| {
            let (name, _) = self.map(kind).iter().find(|(_, e)| e.handler.is_none())?;
            Some((kind, name.clone()))
        })
    }
}
