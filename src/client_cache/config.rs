//! [`ClientCacheConfig`]: what the client-side cache keeps and how the
//! server tracks it; [`ClientCacheStats`].

use std::collections::BTreeSet;
use std::time::Duration;

/// The read-only, single-key commands served locally by default: their
/// reply depends only on the key's value (never on time: `TTL` is not here).
pub const DEFAULT_COMMANDS: &[&str] = &[
    "GET",
    "GETRANGE",
    "STRLEN",
    "GETBIT",
    "BITCOUNT",
    "HGET",
    "HMGET",
    "HGETALL",
    "HEXISTS",
    "HLEN",
    "HKEYS",
    "HVALS",
    "HSTRLEN",
    "LRANGE",
    "LINDEX",
    "LLEN",
    "SMEMBERS",
    "SISMEMBER",
    "SMISMEMBER",
    "SCARD",
    "ZRANGE",
    "ZRANGEBYSCORE",
    "ZRANGEBYLEX",
    "ZREVRANGE",
    "ZSCORE",
    "ZMSCORE",
    "ZCARD",
    "ZRANK",
    "ZREVRANK",
    "ZCOUNT",
    "ZLEXCOUNT",
    "TYPE",
    "XLEN",
    "GEOPOS",
    "GEODIST",
];

/// How the server tracks what the client may have cached.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrackingMode {
    /// The server remembers the keys this connection read and invalidates
    /// those (the default; costs server memory per tracked key).
    Default,
    /// Broadcasting: the server invalidates every key starting with one of
    /// the prefixes (all keys when none), whoever read it; no server memory
    /// per key, more messages. Only keys under the prefixes are cached.
    Broadcast {
        /// Key prefixes to track.
        prefixes: Vec<String>,
    },
}

/// Settings of the client-side cache.
///
/// `OPTIN` tracking is not offered: on an auto-pipelined connection,
/// `CLIENT CACHING yes` would have to travel glued to each read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct ClientCacheConfig {
    pub(crate) max_entries: usize,
    pub(crate) max_bytes: usize,
    pub(crate) ttl: Option<Duration>,
    pub(crate) mode: TrackingMode,
    pub(crate) commands: BTreeSet<String>,
}

impl Default for ClientCacheConfig {
    fn default() -> Self {
        ClientCacheConfig::new()
    }
}

impl ClientCacheConfig {
    /// 10,000 keys, 64 MiB, no TTL, default tracking, [`DEFAULT_COMMANDS`].
    pub fn new() -> ClientCacheConfig {
        ClientCacheConfig {
            max_entries: 10_000,
            max_bytes: 64 << 20,
            ttl: None,
            mode: TrackingMode::Default,
            commands: DEFAULT_COMMANDS.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    /// At most this many keys are cached (at least 1).
    pub fn max_entries(mut self, entries: usize) -> ClientCacheConfig {
        self.max_entries = entries.max(1);
        self
    }

    /// At most about this many bytes of replies are cached (at least 1 KiB).
    pub fn max_bytes(mut self, bytes: usize) -> ClientCacheConfig {
        self.max_bytes = bytes.max(1024);
        self
    }

    /// A kept reply is served for at most this long, invalidated or not
    /// (a bound on staleness should an invalidation ever be lost).
    pub fn ttl(mut self, ttl: Option<Duration>) -> ClientCacheConfig {
        self.ttl = ttl.filter(|t| !t.is_zero());
        self
    }

    /// The tracking mode (default [`TrackingMode::Default`]).
    pub fn mode(mut self, mode: TrackingMode) -> ClientCacheConfig {
        self.mode = mode;
        self
    }

    /// Broadcast tracking for keys under `prefixes` ([`TrackingMode::Broadcast`]).
    pub fn broadcast<I, S>(self, prefixes: I) -> ClientCacheConfig
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.mode(TrackingMode::Broadcast {
            prefixes: prefixes.into_iter().map(Into::into).collect(),
        })
    }

    /// Replaces the commands served locally (names, any case). Only
    /// read-only commands with one key, in first position, whose reply
    /// depends only on that key's value belong here.
    pub fn commands<I, S>(mut self, commands: I) -> ClientCacheConfig
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.commands = commands.into_iter().map(|c| c.as_ref().to_ascii_uppercase()).collect();
        self
    }

    /// Whether `name` (any case) is served locally.
    pub(crate) fn serves(&self, name: &[u8]) -> bool {
        let mut upper = [0u8; 24];
        let Some(upper) = upper.get_mut(..name.len()) else {
            return false;
        };
        upper.copy_from_slice(name);
        upper.make_ascii_uppercase();
        std::str::from_utf8(upper).is_ok_and(|name| self.commands.contains(name))
    }

    /// Whether a key may be cached in this mode.
    pub(crate) fn covers(&self, key: &[u8]) -> bool {
        match &self.mode {
            TrackingMode::Default => true,
            TrackingMode::Broadcast { prefixes } => {
                prefixes.is_empty() || prefixes.iter().any(|p| key.starts_with(p.as_bytes()))
            }
        }
    }
}

/// What the client-side cache did so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientCacheStats {
    /// Reads answered locally.
    pub hits: u64,
    /// Reads of cacheable commands sent to the server.
    pub misses: u64,
    /// Keys invalidated by the server (a flush counts once).
    pub invalidations: u64,
    /// Keys dropped to stay within the bounds.
    pub evictions: u64,
    /// Keys cached now.
    pub entries: u64,
    /// Bytes of replies cached now (approximately).
    pub bytes: u64,
}
