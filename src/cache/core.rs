//! What [`super::Cache`] and [`super::HerdCache`] share: the Redis key of an
//! entry, encoding and decoding, the plain key operations and single flight.
//! The two differ only in how an entry is looked up and stored
//! ([`Core::herd`]).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::compressor::Compressor;
use super::herd::Herd;
use super::identity::IdentityGenerator;
use super::serializer::Serializer;
use super::single_flight::{Flights, Role};
use crate::commands::{KeyCommands, SetOptions, StringCommands, Ttl};
use crate::{Client, Error, Pipeline, Result};

/// An entry as found in Redis: its stored (compressed) bytes.
pub(super) enum Found {
    /// No entry.
    Missing,
    /// A live entry.
    Fresh(Bytes),
    /// A herd entry past its logical expiry: this lookup moved the expiry
    /// forward, so its caller should recompute (others get the old value).
    Stale(Bytes),
}

pub(super) struct Core<S> {
    pub(super) client: Client,
    pub(super) name: String,
    pub(super) identity: Option<Arc<dyn IdentityGenerator>>,
    pub(super) compressor: Option<Arc<dyn Compressor>>,
    pub(super) serializer: S,
    /// `Some` for a [`super::HerdCache`].
    pub(super) herd: Option<Herd>,
    pub(super) flights: Flights,
}

impl<S> std::fmt::Debug for Core<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(if self.herd.is_some() { "HerdCache" } else { "Cache" })
            .field("name", &self.name)
            .field("identity", &self.identity.is_some())
            .field("serializer", &std::any::type_name::<S>())
            .field("compressor", &self.compressor.is_some())
            .field("herd", &self.herd)
            .finish_non_exhaustive()
    }
}

impl<S> Core<S> {
    /// The Redis key of the entry `key` with `params`.
    pub(super) fn redis_key(&self, key: &str, params: &[u8]) -> String {
        match &self.identity {
            Some(generator) => generator.identity(&self.name, key, params),
            None => key.to_owned(),
        }
    }

    fn serialize<T>(&self, key: &str, redis_key: &str, value: &T) -> Result<Vec<u8>>
    where
        S: Serializer<T>,
    {
        self.serializer
            .serialize(value)
            .map_err(|e| Error::cache_codec("serialize", key, redis_key, e))
    }

    fn deserialize<T>(&self, key: &str, redis_key: &str, bytes: &[u8]) -> Result<T>
    where
        S: Serializer<T>,
    {
        self.serializer
            .deserialize(bytes)
            .map_err(|e| Error::cache_codec("deserialize", key, redis_key, e))
    }

    fn compress(&self, key: &str, redis_key: &str, serialized: Vec<u8>) -> Result<Vec<u8>> {
        match &self.compressor {
            Some(compressor) => compressor
                .compress(serialized)
                .map_err(|e| Error::cache_codec("compress", key, redis_key, e)),
            None => Ok(serialized),
        }
    }

    fn decompress(&self, key: &str, redis_key: &str, stored: Bytes) -> Result<Bytes> {
        match &self.compressor {
            Some(compressor) => compressor
                .decompress(&stored)
                .map(Bytes::from)
                .map_err(|e| Error::cache_codec("decompress", key, redis_key, e)),
            None => Ok(stored),
        }
    }

    /// The bytes to store for `value`.
    pub(super) fn encode<T>(&self, key: &str, redis_key: &str, value: &T) -> Result<Vec<u8>>
    where
        S: Serializer<T>,
    {
        let serialized = self.serialize(key, redis_key, value)?;
        self.compress(key, redis_key, serialized)
    }

    /// The value stored as `stored`.
    pub(super) fn decode<T>(&self, key: &str, redis_key: &str, stored: Bytes) -> Result<T>
    where
        S: Serializer<T>,
    {
        let serialized = self.decompress(key, redis_key, stored)?;
        self.deserialize(key, redis_key, &serialized)
    }

    pub(super) async fn find(&self, redis_key: &str) -> Result<Found> {
        match &self.herd {
            Some(herd) => herd.lookup(&self.client, redis_key).await,
            None => Ok(match self.client.get::<Option<Bytes>>(redis_key).await? {
                Some(stored) => Found::Fresh(stored),
                None => Found::Missing,
            }),
        }
    }

    pub(super) async fn store(&self, redis_key: &str, stored: &[u8], ttl: Option<Duration>) -> Result<()> {
        match &self.herd {
            Some(herd) => herd.store(&self.client, redis_key, stored, ttl).await,
            None => match ttl {
                None => self.client.set(redis_key, stored).await,
                Some(ttl) => {
                    let options = SetOptions::new().px(at_least_a_millisecond(ttl));
                    self.client.set_options(redis_key, stored, options).await.map(drop)
                }
            },
        }
    }

    fn queue_store(&self, pipe: &Pipeline, redis_key: &str, stored: &[u8], ttl: Option<Duration>) {
        match &self.herd {
            Some(herd) => herd.queue_store(pipe, redis_key, stored, ttl),
            None => {
                let options = ttl.map(|ttl| SetOptions::new().px(at_least_a_millisecond(ttl)));
                pipe.set_options(redis_key, stored, options.unwrap_or_default());
            }
        }
    }

    pub(super) async fn set<T>(&self, key: &str, value: &T, params: &[u8], ttl: Option<Duration>) -> Result<()>
    where
        S: Serializer<T>,
    {
        let redis_key = self.redis_key(key, params);
        let stored = self.encode(key, &redis_key, value)?;
        self.store(&redis_key, &stored, ttl).await
    }

    pub(super) async fn set_many<'v, K, T>(
        &self,
        entries: impl IntoIterator<Item = (K, &'v T)>,
        params: &[u8],
        ttl: Option<Duration>,
    ) -> Result<()>
    where
        K: AsRef<str>,
        T: 'v,
        S: Serializer<T>,
    {
        let pipe = self.client.pipeline();
        for (key, value) in entries {
            let key = key.as_ref();
            let redis_key = self.redis_key(key, params);
            let stored = self.encode(key, &redis_key, value)?;
            self.queue_store(&pipe, &redis_key, &stored, ttl);
        }
        if pipe.is_empty() {
            return Ok(());
        }
        pipe.query::<Vec<crate::Value>>().await.map(drop)
    }

    /// The entry's value, `None` when it is missing or (for a herd cache)
    /// when this call was chosen to recompute it.
    pub(super) async fn get<T>(&self, key: &str, params: &[u8]) -> Result<Option<T>>
    where
        S: Serializer<T>,
    {
        let redis_key = self.redis_key(key, params);
        match self.find(&redis_key).await? {
            Found::Fresh(stored) => self.decode(key, &redis_key, stored).map(Some),
            Found::Missing | Found::Stale(_) => Ok(None),
        }
    }

    pub(super) async fn exists(&self, key: &str, params: &[u8]) -> Result<bool> {
        let redis_key = self.redis_key(key, params);
        Ok(self.client.exists(&redis_key).await? > 0)
    }

    pub(super) async fn delete(&self, key: &str, params: &[u8]) -> Result<bool> {
        let redis_key = self.redis_key(key, params);
        Ok(self.client.del(&redis_key).await? > 0)
    }

    pub(super) async fn delete_many<K: AsRef<str>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        params: &[u8],
    ) -> Result<u64> {
        let redis_keys: Vec<String> = keys.into_iter().map(|k| self.redis_key(k.as_ref(), params)).collect();
        if redis_keys.is_empty() {
            return Ok(0);
        }
        self.client.del(&redis_keys).await
    }

    pub(super) async fn ttl(&self, key: &str, params: &[u8]) -> Result<Ttl<true>> {
        let redis_key = self.redis_key(key, params);
        self.client.pttl(&redis_key).await
    }

    /// Single-flight cache-aside; see [`super::Cache::get_or_compute`].
    pub(super) async fn get_or_compute<T, F, Fut, E>(
        &self,
        key: &str,
        params: &[u8],
        ttl: Option<Duration>,
        compute: F,
    ) -> Result<T, E>
    where
        S: Serializer<T>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        let redis_key = self.redis_key(key, params);
        // Wait for whoever is already looking the entry up; lead otherwise
        // (or when that task gives up).
        let leader = loop {
            match self.flights.join(&redis_key) {
                Role::Leader(leader) => break leader,
                Role::Follower(outcome) => match outcome.await {
                    Ok(Ok(serialized)) => return Ok(self.deserialize(key, &redis_key, &serialized)?),
                    Ok(Err(e)) => return Err(e.into()),
                    Err(_gave_up) => continue,
                },
            }
        };
        let found = match self.find(&redis_key).await {
            Ok(found) => found,
            Err(e) => {
                leader.publish(Err(e.clone()));
                return Err(e.into());
            }
        };
        let leader = match found {
            Found::Fresh(stored) => {
                let decoded = self.decompress(key, &redis_key, stored);
                leader.publish(decoded.clone());
                return Ok(self.deserialize(key, &redis_key, &decoded?)?);
            }
            Found::Stale(stored) => {
                // The others serve the old value while this task recomputes.
                leader.publish(self.decompress(key, &redis_key, stored));
                None
            }
            Found::Missing => Some(leader),
        };
        // Dropped (cancelled) or failed here: `leader` is dropped without
        // publishing, and one of the waiting tasks takes over.
        let value = compute().await?;
        let serialized = Bytes::from(self.serialize(key, &redis_key, &value)?);
        let compressed;
        let stored: &[u8] = match &self.compressor {
            Some(_) => {
                compressed = self.compress(key, &redis_key, serialized.to_vec())?;
                &compressed
            }
            None => &serialized,
        };
        let stored_result = self.store(&redis_key, stored, ttl).await;
        if let Some(leader) = leader {
            // Computed: the followers get the value even if storing it failed.
            leader.publish(Ok(serialized));
        }
        stored_result?;
        Ok(value)
    }
}

/// `ttl` for `PX`: a zero duration becomes one millisecond (expired almost
/// at once) rather than the server's "invalid expire time".
pub(super) fn at_least_a_millisecond(ttl: Duration) -> Duration {
    ttl.max(Duration::from_millis(1))
}
