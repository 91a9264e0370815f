//! [`Cache`]: cache-aside entries under plain string keys.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::core::Core;
use super::{DefaultSerializer, Serializer};
use crate::commands::Ttl;
use crate::{Error, Result};

/// A cache on Redis: values stored under keys made from the cache's name,
/// an entry key and parameters; made by [`crate::Client::cache`].
///
/// Cheap to clone; clones share the client and the single-flight table of
/// [`get_or_compute`](Cache::get_or_compute). `params` are any bytes
/// (`""` for none) that tell apart variants of an entry (a language, a
/// page number); the default identity generator digests them into the key.
/// A `ttl` of `None` keeps the entry until deleted or evicted; durations are
/// whole milliseconds, rounded up, and a zero one keeps the entry for 1 ms.
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use std::time::Duration;
/// use anyredis::prelude::*;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let cache = client.cache("example").build();
/// cache.set("greeting", &"hello".to_owned(), "", Some(Duration::from_secs(30))).await?;
/// let greeting: Option<String> = cache.get("greeting", "").await?;
/// assert_eq!(greeting.as_deref(), Some("hello"));
/// assert!(cache.delete("greeting", "").await?);
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
pub struct Cache<S = DefaultSerializer> {
    core: Arc<Core<S>>,
}

impl<S> Clone for Cache<S> {
    fn clone(&self) -> Self {
        Cache {
            core: Arc::clone(&self.core),
        }
    }
}

impl<S> std::fmt::Debug for Cache<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.core.fmt(f)
    }
}

impl<S> Cache<S> {
    pub(super) fn from_core(core: Arc<Core<S>>) -> Cache<S> {
        Cache { core }
    }

    /// The cache's name.
    pub fn name(&self) -> &str {
        &self.core.name
    }

    /// The Redis key of the entry `key` with `params` (from the identity
    /// generator, or `key` itself without one).
    pub fn redis_key(&self, key: &str, params: impl AsRef<[u8]>) -> String {
        self.core.redis_key(key, params.as_ref())
    }

    /// Stores `value` as the entry `key` with `params` (`SET`, with `PX` when
    /// `ttl` is given), replacing what was there.
    pub async fn set<T>(&self, key: &str, value: &T, params: impl AsRef<[u8]>, ttl: Option<Duration>) -> Result<()>
    where
        S: Serializer<T>,
    {
        self.core.set(key, value, params.as_ref(), ttl).await
    }

    /// Stores several entries, all with the same `params` and `ttl`, in one
    /// pipeline (one write, one round trip). Each value is encoded first: an
    /// encoding error stores nothing.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let cache = client.cache("colors").build();
    /// let (red, blue) = ("#f00".to_owned(), "#00f".to_owned());
    /// cache.set_many([("red", &red), ("blue", &blue)], "", None).await?;
    /// assert_eq!(cache.get::<String>("blue", "").await?.as_deref(), Some("#00f"));
    /// assert_eq!(cache.delete_many(["red", "blue", "green"], "").await?, 2);
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
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

    /// The entry's value, or `None` when there is none. A stored value that
    /// cannot be decoded is an [`crate::ErrorKind::Conversion`] error naming
    /// the key.
    pub async fn get<T>(&self, key: &str, params: impl AsRef<[u8]>) -> Result<Option<T>>
    where
        S: Serializer<T>,
    {
        self.core.get(key, params.as_ref()).await
    }

    /// Whether the entry exists.
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

    /// The entry's time to live (`PTTL`): [`Ttl::Expires`],
    /// [`Ttl::Persistent`] or [`Ttl::Missing`].
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use std::time::Duration;
    /// use anyredis::prelude::*;
    /// use anyredis::commands::Ttl;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let cache = client.cache("example").build();
    /// cache.set("soon", &"x".to_owned(), "", Some(Duration::from_secs(9))).await?;
    /// let left = cache.ttl("soon", "").await?.duration().unwrap_or_default();
    /// assert!(left > Duration::from_secs(8));
    /// assert_eq!(cache.ttl("never-set", "").await?, Ttl::Missing);
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub async fn ttl(&self, key: &str, params: impl AsRef<[u8]>) -> Result<Ttl<true>> {
        self.core.ttl(key, params.as_ref()).await
    }

    /// The entry's value; when there is none, `compute`s it, stores it with
    /// `ttl` and returns it.
    ///
    /// Single flight: the tasks of this process that call this for the same
    /// entry (on this cache or its clones) at the same time share one lookup
    /// and at most one computation; the others wait for the leading task and
    /// get its value. If the leading task is cancelled, or `compute` fails,
    /// one of the waiting tasks takes over with its own `compute`. A Redis
    /// error of the lookup is returned to the waiting tasks too; if only
    /// storing the computed value fails, the waiting tasks still get the
    /// value and the leading task gets the error.
    ///
    /// `compute`'s error type is the method's: anything that an
    /// [`Error`] converts into ([`Error`] itself, `Box<dyn Error>`,
    /// `anyhow::Error`, ...).
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use std::time::Duration;
    /// use anyredis::prelude::*;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let cache = client.cache("squares").build();
    /// let n = 12u64;
    /// let square: String = cache
    ///     .get_or_compute(&n.to_string(), "", Some(Duration::from_secs(60)), || async move {
    ///         Ok::<_, anyredis::Error>((n * n).to_string())
    ///     })
    ///     .await?;
    /// assert_eq!(square, "144");
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
