//! Client-side caching: a local copy of read-only replies, kept correct by
//! the server's invalidation messages (`CLIENT TRACKING`).
//!
//! Turned on with [`crate::ClientBuilder::client_cache`]. The client's
//! shared connection turns tracking on when it connects; reads of cacheable
//! commands ([`DEFAULT_COMMANDS`], configurable) are then answered locally
//! when the reply is held, and fetched (and kept) otherwise. On RESP3 the
//! invalidations arrive as push frames on the same connection; on RESP2 a
//! second connection subscribed to `__redis__:invalidate` receives them
//! (the shared connection redirects to it).
//!
//! ```no_run
//! # futures_lite::future::block_on(async {
//! use anyredis::client_cache::ClientCacheConfig;
//! use anyredis::prelude::*;
//!
//! let client = anyredis::ClientBuilder::from_url("redis://127.0.0.1")?
//!     .client_cache(ClientCacheConfig::new().max_entries(10_000).max_bytes(64 << 20))
//!     .build()?;
//! let first: Option<String> = client.get("config:feature-x").await?;  // from the server, kept
//! let again: Option<String> = client.get("config:feature-x").await?;  // local, until invalidated
//! println!("{:?}", client.client_cache_stats());
//! # let _ = (first, again);
//! # Ok::<(), anyredis::Error>(())
//! # });
//! ```
//!
//! Correctness rules:
//! - a reply is kept only if no invalidation (of any key) and no reconnect
//!   happened between sending its command and storing it, so a reply that
//!   was in flight when its key was invalidated is never kept;
//! - when the tracked connection ends (or, on RESP2, its invalidation
//!   connection), everything is dropped before the next read is served, and
//!   nothing is served until a new connection has tracking on;
//! - only the shared connection's plain commands are served; pipelines,
//!   transactions and dedicated connections always go to the server.

mod config;
mod store;
mod tracking;

pub use config::{ClientCacheConfig, ClientCacheStats, TrackingMode, DEFAULT_COMMANDS};
pub(crate) use store::{Fill, LocalCache};
pub(crate) use tracking::{start_tracking, InvalidationSink};

use crate::Client;

impl Client {
    /// The client-side cache's counters, when it has one
    /// ([`crate::ClientBuilder::client_cache`]).
    pub fn client_cache_stats(&self) -> Option<ClientCacheStats> {
        self.local_cache().map(|cache| cache.stats())
    }
}
