//! Cache-aside on Redis: [`Cache`], and [`HerdCache`] with thundering-herd
//! protection; both with single-flight [`get_or_compute`](Cache::get_or_compute).
//!
//! [`Client::cache`] starts a [`CacheBuilder`]. A cache has three parts, each
//! a small trait with a default that can be replaced or left out:
//!
//! | part | default | left out |
//! |---|---|---|
//! | [`IdentityGenerator`]: the Redis key of `(key, params)` | [`DefaultIdentity`]: `name:key`, plus `:<SHA1 of params>` when there are params | the key as is ([`CacheBuilder::no_identity`]) |
//! | [`Serializer`]: value to bytes | [`DefaultSerializer`]: bytes and strings as they are; with the `serde` feature, other types as JSON | [`Raw`]: bytes and strings only |
//! | [`Compressor`]: bytes as stored | [`Zlib`] (feature `compression`, on by default) | stored as serialized ([`CacheBuilder::no_compression`]) |
//!
//! Programs that share a cache must agree on all three. A stored value that
//! cannot be decompressed or deserialized is an [`ErrorKind::Conversion`]
//! error whose message names the entry's key and its Redis key; nothing
//! stored under a key can make the cache panic.
//!
//! ```no_run
//! # futures_lite::future::block_on(async {
//! use std::time::Duration;
//! use anyredis::prelude::*;
//!
//! let client = Client::open("redis://127.0.0.1")?;
//! let pages = client.cache("pages").build();
//! let minute = Some(Duration::from_secs(60));
//! pages.set("home", &"<h1>hi</h1>".to_owned(), "lang=en", minute).await?;
//! let home: Option<String> = pages.get("home", "lang=en").await?;
//! assert_eq!(home.as_deref(), Some("<h1>hi</h1>"));
//!
//! // Cache-aside: computed once however many tasks ask at the same time.
//! let about: String = pages
//!     .get_or_compute("about", "lang=en", minute, || async {
//!         Ok::<_, anyredis::Error>("<h1>about</h1>".to_owned())
//!     })
//!     .await?;
//! # Ok::<(), anyredis::Error>(())
//! # });
//! ```
//!
//! ## HerdCache
//!
//! A [`HerdCache`] entry keeps its *logical* expiry (the TTL given to `set`)
//! beside the value; the key itself lives [`herd_timeout`] longer. The first
//! reader that finds an entry past its logical expiry moves that expiry
//! forward by [`extend_time`] and gets a miss, so it recomputes the value;
//! every other reader, in this process or another, keeps getting the old
//! value until the new one is set. The check and the extension are one Lua
//! script (one atomic step on the server), so exactly one reader per expiry
//! recomputes. If nobody reads the entry for `herd_timeout` after its logical
//! expiry, the key expires.
//!
//! ## Single flight
//!
//! [`Cache::get_or_compute`] and [`HerdCache::get_or_compute`] make the tasks
//! of one process that ask for the same entry at the same time share one
//! lookup and, on a miss, one computation: one task leads, the others wait
//! for its result. If the leading task is cancelled or its computation
//! fails, one of the waiting tasks takes over (it looks up and computes in
//! turn), so nobody is left waiting for a task that is gone; a Redis error
//! of the leader's lookup is shared with the tasks waiting on it. The
//! tasks share only what goes through the same `Cache` value and its clones:
//! build a cache once and clone it, rather than building one per request.
//!
//! [`herd_timeout`]: HerdCacheBuilder::herd_timeout
//! [`extend_time`]: HerdCacheBuilder::extend_time
//! [`ErrorKind::Conversion`]: crate::ErrorKind::Conversion

mod compressor;
mod core;
mod herd;
mod herd_cache;
mod identity;
mod plain;
mod serializer;
mod single_flight;

use std::sync::Arc;
use std::time::Duration;

pub use compressor::Compressor;
#[cfg(feature = "compression")]
pub use compressor::Zlib;
pub use herd::HerdLookup;
pub use herd_cache::HerdCache;
pub use identity::{DefaultIdentity, IdentityGenerator};
pub use plain::Cache;
#[cfg(feature = "serde")]
pub use serializer::Json;
pub use serializer::{DefaultSerializer, Raw, Serializer};

use self::core::Core;
use self::herd::Herd;
use self::single_flight::Flights;
use crate::Client;

/// The error a serializer or compressor returns; anyredis wraps it in a
/// [`crate::Error`] that names the entry's key.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The herd timeout of a [`HerdCache`] unless set (1 s, as in the seeds).
pub const DEFAULT_HERD_TIMEOUT: Duration = Duration::from_secs(1);

/// The extend time of a [`HerdCache`] unless set (1 s, as in the seeds).
pub const DEFAULT_EXTEND_TIME: Duration = Duration::from_secs(1);

impl Client {
    /// Starts a cache named `name` on this client (no I/O): the default
    /// identity generator prefixes the cache's keys with `name:`.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use std::time::Duration;
    /// use anyredis::prelude::*;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let cache = client.cache("sessions").build();
    /// cache.set("alice", &b"token".to_vec(), "", Some(Duration::from_secs(30))).await?;
    /// assert!(cache.exists("alice", "").await?);
    /// assert_eq!(cache.redis_key("alice", ""), "sessions:alice");
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn cache(&self, name: impl Into<String>) -> CacheBuilder {
        CacheBuilder {
            client: self.clone(),
            name: name.into(),
            identity: Some(Arc::new(DefaultIdentity)),
            compressor: default_compressor(),
            serializer: DefaultSerializer,
        }
    }
}

#[cfg(feature = "compression")]
fn default_compressor() -> Option<Arc<dyn Compressor>> {
    Some(Arc::new(Zlib::new()))
}

#[cfg(not(feature = "compression"))]
fn default_compressor() -> Option<Arc<dyn Compressor>> {
    None
}

/// Configures a [`Cache`] or a [`HerdCache`]; made by [`Client::cache`].
///
/// ```no_run
/// use anyredis::prelude::*;
/// use anyredis::cache::Raw;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let blobs = client
///     .cache("blobs")
///     .serializer(Raw)
///     .no_compression()
///     .build();
/// # Ok::<(), anyredis::Error>(())
/// ```
#[must_use = "a cache builder does nothing until `build`"]
pub struct CacheBuilder<S = DefaultSerializer> {
    client: Client,
    name: String,
    identity: Option<Arc<dyn IdentityGenerator>>,
    compressor: Option<Arc<dyn Compressor>>,
    serializer: S,
}

impl<S> std::fmt::Debug for CacheBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheBuilder")
            .field("name", &self.name)
            .field("identity", &self.identity.is_some())
            .field("serializer", &std::any::type_name::<S>())
            .field("compressor", &self.compressor.is_some())
            .finish_non_exhaustive()
    }
}

impl<S> CacheBuilder<S> {
    /// Uses `generator` to make each entry's Redis key.
    pub fn identity(mut self, generator: impl IdentityGenerator) -> Self {
        self.identity = Some(Arc::new(generator));
        self
    }

    /// Stores each entry under its key as is; the cache's name and the
    /// parameters are not used.
    pub fn no_identity(mut self) -> Self {
        self.identity = None;
        self
    }

    /// Uses `serializer` for the values (which decides the value types the
    /// cache takes).
    pub fn serializer<S2>(self, serializer: S2) -> CacheBuilder<S2> {
        CacheBuilder {
            client: self.client,
            name: self.name,
            identity: self.identity,
            compressor: self.compressor,
            serializer,
        }
    }

    /// Compresses the serialized values with `compressor`.
    pub fn compressor(mut self, compressor: impl Compressor) -> Self {
        self.compressor = Some(Arc::new(compressor));
        self
    }

    /// Stores the serialized values as they are.
    pub fn no_compression(mut self) -> Self {
        self.compressor = None;
        self
    }

    /// Makes a [`HerdCache`] instead, configured further by the returned builder.
    pub fn herd(self) -> HerdCacheBuilder<S> {
        HerdCacheBuilder {
            base: self,
            herd_timeout: DEFAULT_HERD_TIMEOUT,
            extend_time: DEFAULT_EXTEND_TIME,
        }
    }

    /// The cache.
    pub fn build(self) -> Cache<S> {
        Cache::from_core(self.core(None))
    }

    fn core(self, herd: Option<Herd>) -> Arc<Core<S>> {
        Arc::new(Core {
            client: self.client,
            name: self.name,
            identity: self.identity,
            compressor: self.compressor,
            serializer: self.serializer,
            herd,
            flights: Flights::default(),
        })
    }
}

/// Configures a [`HerdCache`]; made by [`CacheBuilder::herd`].
///
/// ```no_run
/// use std::time::Duration;
/// use anyredis::prelude::*;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let reports = client
///     .cache("reports")
///     .herd()
///     .herd_timeout(Duration::from_secs(60))
///     .extend_time(Duration::from_secs(10))
///     .build();
/// assert_eq!(reports.extend_time(), Duration::from_secs(10));
/// # Ok::<(), anyredis::Error>(())
/// ```
#[must_use = "a cache builder does nothing until `build`"]
#[derive(Debug)]
pub struct HerdCacheBuilder<S = DefaultSerializer> {
    base: CacheBuilder<S>,
    herd_timeout: Duration,
    extend_time: Duration,
}

impl<S> HerdCacheBuilder<S> {
    /// How long a key outlives its logical expiry, serving the old value
    /// while one reader recomputes it (default [`DEFAULT_HERD_TIMEOUT`]).
    /// Longer than the computation takes; zero gives no protection.
    pub fn herd_timeout(mut self, timeout: Duration) -> Self {
        self.herd_timeout = timeout;
        self
    }

    /// How far the reader that finds an entry logically expired moves its
    /// logical expiry (default [`DEFAULT_EXTEND_TIME`]): the time it has to
    /// set the new value before another reader is asked to. At least 1 ms.
    pub fn extend_time(mut self, time: Duration) -> Self {
        self.extend_time = time;
        self
    }

    /// The herd cache.
    pub fn build(self) -> HerdCache<S> {
        let herd = Herd::new(self.herd_timeout, self.extend_time);
        HerdCache::from_core(self.base.core(Some(herd)))
    }
}
