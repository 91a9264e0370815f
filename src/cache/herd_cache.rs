//! [`HerdCache`]: a cache whose expired entries are recomputed by one reader
//! while the others keep the old value.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::core::Core;
use super::herd::{found_bytes, HerdLookup};
use super::{DefaultSerializer, Serializer};
use crate::commands::Ttl;
use crate::{Error, Result};

/// A cache with thundering-herd protection; made by
/// [`CacheBuilder::herd`](super::CacheBuilder::herd).
///
/// Each entry keeps its logical expiry (the `ttl` given to `set`) beside the
/// value, and its key lives [`herd_timeout`](HerdCache::herd_timeout) longer.
/// The first reader after the logical expiry moves it forward by
/// [`extend_time`](HerdCache::extend_time) and gets a miss (`None` from
/// [`get`](HerdCache::get), [`HerdLookup::Stale`] from
/// [`lookup`](HerdCache::lookup)), so it recomputes the value and sets it;
/// every other reader keeps getting the old value meanwhile. The check and
/// the extension are one Lua script, so across all processes exactly one
/// reader per expiry is chosen. Times are the server's clock.
///
/// Entries are Redis hashes (`v`: the value, `e`: the logical expiry in Unix
/// milliseconds), so use a herd cache's own methods to read them, not `GET`.
/// Parameters, TTLs and the parts are as in [`super::Cache`].
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use std::time::Duration;
/// use anyredis::prelude::*;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let prices = client.cache("prices").herd().herd_timeout(Duration::from_secs(30)).build();
/// prices.set("btc", &"42000".to_owned(), "", Some(Duration::from_secs(5))).await?;
/// // Within 5 s: the value. Then one reader gets None (and should set a new
/// // value within the extend time) while the others still get "42000".
/// let price: Option<String> = prices.get("btc", "").await?;
/// assert_eq!(price.as_deref(), Some("42000"));
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
pub struct HerdCache<S = DefaultSerializer> {
    core: Arc<Core<S>>,
}

impl<S> Clone for HerdCache<S> {
    fn clone(&self) -> Self {
        HerdCache {
            core: Arc::clone(&self.core),
        }
    }
}

impl<S> std::fmt::Debug for HerdCache<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.core.fmt(f)
    }
}

impl<S> HerdCache<S> {
    pub(super) fn from_core(core: Arc<Core<S>>) -> HerdCache<S> {
        HerdCache { core }
    }

    /// The cache's name.
    pub fn name(&self) -> &str {
        &self.core.name
    }

    /// How long a key outlives its logical expiry.
    pub fn herd_timeout(&self) -> Duration {
        self.core.herd.as_ref().map(|h| h.herd_timeout).unwrap_or_default()
    }

    /// How far the first reader after the logical expiry moves it.
    pub fn extend_time(&self) -> Duration {
        self.core.herd.as_ref().map(|h| h.extend_time).unwrap_or_default()
    }

    /// The Redis key of the entry `key` with `params`.
    pub fn redis_key(&self, key: &str, params: impl AsRef<[u8]>) -> String {
        self.core.redis_key(key, params.as_ref())
    }

    /// Stores `value` as the entry `key` with `params`: its logical expiry
    /// is `ttl` from now (none without a `ttl`), and the key expires
    /// `herd_timeout` after that.
    pub async fn set<T>(&self, key: &str, value: &T, params: impl AsRef<[u8]>, ttl: Option<Duration>) -> Result<()>
    where
        S: Serializer<T>,
    {
        self.core.set(key, value, params.as_ref(), ttl).await
    }

    /// Stores several entries with the same `params` and `ttl` in one
    /// pipeline (one round trip).
    pub async fn set_many<'v, K, T>(
        &self,
        entries: impl IntoIterator<Item = (K, &'v T)>,
        params: impl AsRef<[u8]>,
        ttl: Option<Duration>,
    ) -> Result<()>
    where
        K: AsRef<str>,
        T: 'v,
        S: Serializer<T>,
    {
        self.core.set_many(entries, params.as_ref(), ttl).await
    }

    /// The entry's value; `None` when there is none, or when this call is
    /// the one chosen to recompute it (it was past its logical expiry: the
    /// caller should set a new value within the extend time).
    pub async fn get<T>(&self, key: &str, params: impl AsRef<[u8]>) -> Result<Option<T>>
    where
        S: Serializer<T>,
    {
        self.core.get(key, params.as_ref()).await
    }

    /// Like [`get`](HerdCache::get), but tells a missing entry from a stale
    /// one, and gives the stale value to the reader chosen to recompute it
    /// (who may serve it meanwhile).
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    /// use anyredis::cache::HerdLookup;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let cache = client.cache("feeds").herd().build();
    /// match cache.lookup::<String>("front", "").await? {
    ///     HerdLookup::Fresh(feed) => println!("{feed}"),
    ///     HerdLookup::Stale(old) => {
    ///         println!("{old}");
    ///         cache.set("front", &"new feed".to_owned(), "", None).await?;
    ///     }
    ///     HerdLookup::Missing => cache.set("front", &"first feed".to_owned(), "", None).await?,
    ///     _ => {}
    /// }
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub async fn lookup<T>(&self, key: &str, params: impl AsRef<[u8]>) -> Result<HerdLookup<T>>
    where
        S: Serializer<T>,
    {
        let redis_key = self.core.redis_key(key, params.as_ref());
        let decode = |stored| self.core.decode(key, &redis_key, stored);
        Ok(match found_bytes(self.core.find(&redis_key).await?) {
            HerdLookup::Missing => HerdLookup::Missing,
            HerdLookup::Fresh(stored) => HerdLookup::Fresh(decode(stored)?),
            HerdLookup::Stale(stored) => HerdLookup::Stale(decode(stored)?),
        })
    }

    /// Whether the entry exists (stale or not).
    pub async fn exists(&self, key: &str, params: impl AsRef<[u8]>) -> Result<bool> {
        self.core.exists(key, params.as_ref()).await
    }

    /// Deletes the entry; returns whether it existed.
    pub async fn delete(&self, key: &str, params: impl AsRef<[u8]>) -> Result<bool> {
        self.core.delete(key, params.as_ref()).await
    }

    /// Deletes the entries with these keys and `params` (one `DEL`);
    /// returns how many existed.
    pub async fn delete_many<K: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        params: impl AsRef<[u8]>,
    ) -> Result<u64> {
        self.core.delete_many(keys, params.as_ref()).await
    }

    /// The key's time to live (`PTTL`): the logical expiry's remaining time
    /// plus the herd timeout.
    pub async fn ttl(&self, key: &str, params: impl AsRef<[u8]>) -> Result<Ttl<true>> {
        self.core.ttl(key, params.as_ref()).await
    }

    /// The entry's value; when there is none, or this call is the one chosen
    /// to recompute it, `compute`s it, stores it with the logical `ttl` and
    /// returns it.
    ///
    /// Single flight as in [`super::Cache::get_or_compute`]: tasks of this
    /// process asking for the same entry at once share one lookup. When that
    /// lookup finds the entry stale, the waiting tasks get the old value at
    /// once and only the leading task computes; when it finds none, they wait
    /// for the computed value.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use std::time::Duration;
    /// use anyredis::prelude::*;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let cache = client.cache("totals").herd().build();
    /// let total: String = cache
    ///     .get_or_compute("today", "", Some(Duration::from_secs(10)), || async {
    ///         Ok::<_, anyredis::Error>("1234".to_owned()) // an expensive query
    ///     })
    ///     .await?;
    /// assert_eq!(total, "1234");
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub async fn get_or_compute<T, F, Fut, E>(
        &self,
        key: &str,
        params: impl AsRef<[u8]>,
        ttl: Option<Duration>,
        compute: F,
    ) -> Result<T, E>
    where
        S: Serializer<T>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        self.core.get_or_compute(key, params.as_ref(), ttl, compute).await
    }
}
