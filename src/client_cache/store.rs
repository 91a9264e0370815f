//! The local store: replies by key (a key's entry holds the replies of the
//! cacheable commands read on it), bounded in keys and bytes by
//! `quick_cache`, and the invalidation sequence that keeps stale replies out.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use quick_cache::sync::Cache;
use quick_cache::{DefaultHashBuilder, Lifecycle, Weighter};

use super::{ClientCacheConfig, ClientCacheStats};
use crate::multiplex::Multiplexer;
use crate::resp::Value;
use crate::value::{Args, CommandClass};

/// The replies kept for one key.
#[derive(Debug)]
struct KeyEntry {
    /// (the command's encoded bytes, its reply, when it stops being served)
    replies: Vec<(Bytes, Value, Option<Instant>)>,
    bytes: usize,
}

/// Weighs an entry by its bytes, but never under `floor`, so that the byte
/// capacity also bounds the number of keys (`floor` = bytes / keys).
#[derive(Clone)]
struct Weigh {
    floor: u64,
}

impl Weighter<Bytes, Arc<KeyEntry>> for Weigh {
    fn weight(&self, key: &Bytes, entry: &Arc<KeyEntry>) -> u64 {
        let bytes = u64::try_from(entry.bytes.saturating_add(key.len())).unwrap_or(u64::MAX);
        bytes.max(self.floor)
    }
}

/// Counts evictions.
#[derive(Clone)]
struct CountEvictions(Arc<AtomicU64>);

impl Lifecycle<Bytes, Arc<KeyEntry>> for CountEvictions {
    type RequestState = ();

    fn begin_request(&self) {}

    fn on_evict(&self, _: &mut (), _: Bytes, _: Arc<KeyEntry>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// The connections whose tracking keeps the store correct.
struct Tracked {
    shared: Multiplexer,
    /// RESP2: the connection receiving the invalidations.
    redirect: Option<Multiplexer>,
}

pub(crate) struct LocalCache {
    config: ClientCacheConfig,
    store: Cache<Bytes, Arc<KeyEntry>, Weigh, DefaultHashBuilder, CountEvictions>,
    /// Bumped by every invalidation and flush: a reply is kept only if this
    /// did not change since its command was sent.
    seq: AtomicU64,
    tracked: Mutex<Option<Tracked>>,
    hits: AtomicU64,
    misses: AtomicU64,
    invalidations: AtomicU64,
    evictions: Arc<AtomicU64>,
}

/// A miss's right to keep its reply, if nothing was invalidated meanwhile.
pub(crate) struct Fill {
    cache: Arc<LocalCache>,
    key: Bytes,
    command: Bytes,
    seq: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Roughly how many bytes a reply takes in memory.
fn value_size(value: &Value) -> usize {
    const NODE: usize = 32;
    let inner = match value {
        Value::SimpleString(b) | Value::Error(b) | Value::BulkString(b) | Value::BigNumber(b) => b.len(),
        Value::Verbatim { text, .. } => text.len(),
        Value::Array(items) | Value::Set(items) | Value::Push(items) => items.iter().map(value_size).sum(),
        Value::Map(pairs) => pairs
            .iter()
            .map(|(k, v)| value_size(k).saturating_add(value_size(v)))
            .sum(),
        Value::Attribute { attributes, value } => attributes
            .iter()
            .map(|(k, v)| value_size(k).saturating_add(value_size(v)))
            .sum::<usize>()
            .saturating_add(value_size(value)),
        _ => 0,
    };
    inner.saturating_add(NODE)
}

impl LocalCache {
    pub(crate) fn new(config: ClientCacheConfig) -> LocalCache {
        let evictions = Arc::new(AtomicU64::new(0));
        let entries = config.max_entries;
        let capacity = u64::try_from(config.max_bytes).unwrap_or(u64::MAX);
        let floor = capacity.checked_div(u64::try_from(entries).unwrap_or(1)).unwrap_or(1);
        let store = Cache::with(
            entries,
            capacity,
            Weigh { floor: floor.max(1) },
            DefaultHashBuilder::default(),
            CountEvictions(evictions.clone()),
        );
        LocalCache {
            config,
            store,
            seq: AtomicU64::new(0),
            tracked: Mutex::new(None),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
            evictions,
        }
    }

    pub(crate) fn config(&self) -> &ClientCacheConfig {
        &self.config
    }

    /// The key of a command served locally, if `args` is one.
    fn cacheable_key<'a>(&self, args: &'a Args) -> Option<&'a [u8]> {
        if args.class() != CommandClass::Shared {
            return None;
        }
        let mut parts = args.iter();
        let name = parts.next()?;
        let key = parts.next()?;
        (self.config.serves(name) && self.config.covers(key)).then_some(key)
    }

    /// Whether tracking is live; if its connection ended, empties the store
    /// first (and, when the RESP2 invalidation connection ended, closes the
    /// shared one so that the next command sets both up again).
    fn tracking_live(&self) -> bool {
        let mut tracked = lock(&self.tracked);
        let Some(t) = tracked.as_ref() else {
            return false;
        };
        let redirect_ended = t.redirect.as_ref().is_some_and(Multiplexer::is_closed);
        if !t.shared.is_closed() && !redirect_ended {
            return true;
        }
        if redirect_ended {
            t.shared.abort();
        }
        if let Some(redirect) = &t.redirect {
            redirect.abort();
        }
        *tracked = None;
        drop(tracked);
        self.flush();
        false
    }

    /// Looks `args` up: `Ok(reply)` on a hit; on a miss of a cacheable
    /// command, the right to keep its reply; `Err(None)` when not cacheable.
    pub(crate) fn lookup(self: &Arc<Self>, args: &Args) -> Result<Value, Option<Fill>> {
        let Some(key) = self.cacheable_key(args) else {
            return Err(None);
        };
        // Taken before anything else: an invalidation from here on voids the fill.
        let seq = self.seq.load(Ordering::Acquire);
        if !self.tracking_live() {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return Err(None);
        }
        let command = args.encoded();
        if let Some(entry) = self.store.get(key) {
            // The clock is read only when a TTL is configured.
            let now = self.config.ttl.map(|_| Instant::now());
            let fresh = |until: &Option<Instant>| match (until, now) {
                (Some(until), Some(now)) => now < *until,
                _ => true,
            };
            let found = entry
                .replies
                .iter()
                .find(|(c, _, until)| c.as_ref() == command && fresh(until));
            if let Some((_, value, _)) = found {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(value.clone());
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        Err(Some(Fill {
            cache: self.clone(),
            key: Bytes::copy_from_slice(key),
            command: Bytes::copy_from_slice(command),
            seq,
        }))
    }

    /// Drops the replies of these keys (a server invalidation).
    pub(crate) fn invalidate(&self, keys: impl IntoIterator<Item = Bytes>) {
        self.seq.fetch_add(1, Ordering::AcqRel);
        for key in keys {
            self.store.remove(&key);
            self.invalidations.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Drops everything (a server flush, a reconnect, a broken connection).
    pub(crate) fn flush(&self) {
        self.seq.fetch_add(1, Ordering::AcqRel);
        self.store.clear();
    }

    /// A new connection with tracking on: serve again (from an empty store).
    pub(crate) fn tracking_started(&self, shared: Multiplexer, redirect: Option<Multiplexer>) {
        let previous = lock(&self.tracked).replace(Tracked { shared, redirect });
        if let Some(previous) = previous {
            if let Some(redirect) = previous.redirect {
                redirect.abort();
            }
        }
        self.flush();
    }

    /// Counted as one invalidation: the server dropped all tracking.
    pub(crate) fn flush_all_by_server(&self) {
        self.invalidations.fetch_add(1, Ordering::Relaxed);
        self.flush();
    }

    pub(crate) fn stats(&self) -> ClientCacheStats {
        ClientCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            invalidations: self.invalidations.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            entries: u64::try_from(self.store.len()).unwrap_or(u64::MAX),
            bytes: self.store.iter().fold(0u64, |sum, (key, entry)| {
                let bytes = entry.bytes.saturating_add(key.len());
                sum.saturating_add(u64::try_from(bytes).unwrap_or(u64::MAX))
            }),
        }
    }

    /// Ends tracking (the client is closing).
    pub(crate) fn close(&self) {
        if let Some(t) = lock(&self.tracked).take() {
            if let Some(redirect) = t.redirect {
                redirect.abort();
            }
        }
        self.flush();
    }
}

impl Fill {
    /// Keeps `value` unless an invalidation or flush happened since the
    /// command was sent. Checked again after inserting: an invalidation that
    /// raced the insert removes what it may have missed.
    pub(crate) fn keep(self, value: &Value) {
        let cache = &self.cache;
        if cache.seq.load(Ordering::Acquire) != self.seq {
            return;
        }
        let until = cache
            .config
            .ttl
            .map(|ttl| crate::backoff::not_before(Instant::now(), ttl));
        let mut replies: Vec<(Bytes, Value, Option<Instant>)> = cache
            .store
            .peek(&self.key)
            .map(|e| {
                e.replies
                    .iter()
                    .filter(|(c, _, _)| *c != self.command)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        replies.push((self.command.clone(), value.clone(), until));
        let bytes = replies
            .iter()
            .map(|(c, v, _)| value_size(v).saturating_add(c.len()))
            .fold(0, usize::saturating_add);
        cache
            .store
            .insert(self.key.clone(), Arc::new(KeyEntry { replies, bytes }));
        if cache.seq.load(Ordering::Acquire) != self.seq {
            cache.store.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_add_up() {
        let v = Value::Array(vec![Value::BulkString(Bytes::from_static(b"abcd")), Value::Integer(1)]);
        assert_eq!(value_size(&v), 4 + 32 + 32 + 32);
    }
}
