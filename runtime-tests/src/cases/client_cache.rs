//! Client-side caching (CLIENT TRACKING), on RESP3 (invalidation pushes on
//! the shared connection) and RESP2 (a redirect connection subscribed to
//! `__redis__:invalidate`).

use std::time::Duration;

use anyredis::client_cache::ClientCacheConfig;
use anyredis::prelude::*;
use anyredis::{ClientBuilder, Runtime};
use anyredis_test_support::{Fault, FaultProxy, RedisServer};

use crate::util::{client, kill_pubsub_connections, sleep, spawn};
use crate::TestResult;

fn cached(server: &RedisServer, rt: &Runtime, protocol: u8, cache: ClientCacheConfig) -> anyredis::Result<Client> {
    ClientBuilder::from_url(&format!("{}?protocol={protocol}", server.url()))?
        .runtime(rt.clone())
        .client_cache(cache)
        .build()
}

/// Waits until `get(key)` returns `expected` (the invalidation arrived).
async fn eventually(c: &Client, key: &str, expected: &str) -> Result<(), String> {
    for _ in 0..500 {
        if c.get::<Option<String>>(key)
            .await
            .map_err(|e| e.to_string())?
            .as_deref()
            == Some(expected)
        {
            return Ok(());
        }
        sleep(Duration::from_millis(10)).await;
    }
    Err(format!("{key} never read as {expected:?}: a stale entry"))
}

/// Waits until the cache counted an invalidation after `before` (the
/// invalidation arrived), at most 2.5 s.
async fn invalidated_since(c: &Client, before: u64) -> Result<(), String> {
    for _ in 0..500 {
        if c.client_cache_stats().expect("a cache").invalidations > before {
            return Ok(());
        }
        sleep(Duration::from_millis(5)).await;
    }
    Err("no invalidation arrived".to_owned())
}

/// Reads are served locally once kept; a second client's write is seen
/// by the next read after its invalidation arrives (the test waits for the
/// invalidation count, not for time); hits + misses == reads.
pub async fn writes_by_others_are_seen(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for protocol in [3, 2] {
        let c = cached(&server, &rt, protocol, ClientCacheConfig::new())?;
        let other = client(&server.url(), &rt)?;
        other.set("k", "v1").await?;
        let mut reads = 0;
        for _ in 0..5 {
            assert_eq!(c.get::<String>("k").await?, "v1");
            reads += 1;
        }
        let stats = c.client_cache_stats().expect("a cache");
        assert!(stats.hits >= 3, "RESP{protocol}: {stats:?}");
        assert_eq!(stats.hits + stats.misses, reads, "RESP{protocol}: {stats:?}");
        assert_eq!(stats.entries, 1);

        let before = stats.invalidations;
        other.set("k", "v2").await?;
        invalidated_since(&c, before)
            .await
            .map_err(|e| format!("RESP{protocol}: {e}"))?;
        assert_eq!(c.get::<String>("k").await?, "v2", "RESP{protocol}");
        // Not cacheable: always from the server.
        assert_eq!(c.incr("n").await?, 1);
        assert_eq!(c.incr("n").await?, 2);
        // Own writes invalidate too.
        assert_eq!(c.get::<String>("k").await?, "v2");
        c.set("k", "v3").await?;
        eventually(&c, "k", "v3").await?;
        // A flush by the server empties the store.
        other.cmd("FLUSHALL").query::<()>().await?;
        for _ in 0..500 {
            if c.get::<Option<String>>("k").await?.is_none() {
                break;
            }
            sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(c.get::<Option<String>>("k").await?, None, "RESP{protocol}");
        c.close().await;
    }
    Ok(())
}

/// Reads racing another client's writes, 10,000 in all (2,500 writes,
/// each raced by 4 spawned readers): afterwards the value read is always the
/// written one (a reply that was in flight when its key was invalidated is
/// never kept, however late its reader stores it).
pub async fn reads_racing_invalidations_never_stay_stale(rt: Runtime) -> TestResult {
    const WRITES: i64 = 2500;
    const READERS: usize = 4;
    let server = RedisServer::new();
    for protocol in [3, 2] {
        let c = cached(&server, &rt, protocol, ClientCacheConfig::new())?;
        let other = client(&server.url(), &rt)?;
        other.set("race", 0).await?;
        for i in 1..=WRITES {
            let readers: Vec<_> = (0..READERS)
                .map(|_| {
                    let c = c.clone();
                    spawn(&rt, async move { c.get::<i64>("race").await })
                })
                .collect();
            other.set("race", i).await?;
            for reader in readers {
                let seen = reader.await?;
                assert!(
                    seen == i - 1 || seen == i,
                    "RESP{protocol}: read {seen} around write {i}"
                );
            }
            // Served locally or not, the next reads reach the written value.
            let mut tries = 0;
            while c.get::<i64>("race").await? != i {
                tries += 1;
                assert!(tries < 1000, "RESP{protocol}, round {i}: a stale entry stayed");
                sleep(Duration::from_millis(1)).await;
            }
        }
        let stats = c.client_cache_stats().expect("a cache");
        println!("RESP{protocol}: {} racing reads: {stats:?}", WRITES * READERS as i64);
        assert!(stats.hits > 0, "RESP{protocol}: the cache served nothing: {stats:?}");
        c.close().await;
    }
    Ok(())
}

/// The race made certain: a read is sent, its reply arrives, then its key
/// is invalidated, and only then does its reader store the reply. The
/// reply must not be kept (it would stay stale: the server does not track
/// the key any more).
pub async fn late_reply_is_not_kept(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    // Replies take 20 ms: the first poll surely finds none.
    let proxy = FaultProxy::start(server.addr());
    proxy.set(Fault::Delay(Duration::from_millis(20)));
    for protocol in [3, 2] {
        let c = ClientBuilder::from_url(&format!("{}?protocol={protocol}", proxy.url()))?
            .runtime(rt.clone())
            .client_cache(ClientCacheConfig::new())
            .build()?;
        let other = client(&server.url(), &rt)?;
        other.set("late", "old").await?;
        // Tracking is on once a first command went through.
        c.ping().await?;
        let before = c.client_cache_stats().expect("a cache").invalidations;
        // A miss, sent but not yet stored: polled once only.
        let mut reader = Box::pin(c.get::<String>("late"));
        let first = futures_util::poll!(&mut reader);
        assert!(
            first.is_pending(),
            "RESP{protocol}: a miss goes to the server: {first:?}"
        );
        sleep(Duration::from_millis(100)).await; // its reply arrives meanwhile
        other.set("late", "new").await?;
        invalidated_since(&c, before)
            .await
            .map_err(|e| format!("RESP{protocol}: {e}"))?;
        assert_eq!(reader.await?, "old", "the reply of a read sent before the write");
        assert_eq!(
            c.get::<String>("late").await?,
            "new",
            "RESP{protocol}: the late reply was kept"
        );
        c.close().await;
    }
    Ok(())
}

/// Killing the tracked connection (and, on RESP2, the invalidation
/// connection) empties the store before the next read: writes made while
/// it was down are seen.
pub async fn killed_connections_flush_the_store(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for protocol in [3, 2] {
        let c = cached(&server, &rt, protocol, ClientCacheConfig::new())?;
        let other = client(&server.url(), &rt)?;
        other.set("k", "old").await?;
        for _ in 0..3 {
            assert_eq!(c.get::<String>("k").await?, "old");
        }
        assert!(c.client_cache_stats().expect("a cache").entries >= 1);
        // Kill every connection of the cached client, then write.
        let id = c.client_id().await?;
        other.cmd("CLIENT").arg("KILL").arg("ID").arg(id).query::<i64>().await?;
        if protocol == 2 {
            // The invalidation connection: the one subscribed.
            kill_pubsub_connections(&other).await?;
        }
        other.set("k", "new").await?;
        eventually(&c, "k", "new").await?;
        assert_eq!(c.get::<String>("k").await?, "new");

        // RESP2 only: the invalidation connection alone breaks.
        if protocol == 2 {
            for _ in 0..3 {
                assert_eq!(c.get::<String>("k").await?, "new");
            }
            kill_pubsub_connections(&other).await?;
            other.set("k", "newer").await?;
            eventually(&c, "k", "newer").await?;
        }
        c.close().await;
    }
    Ok(())
}

/// The store stays within its bounds (keys and bytes); evictions are counted.
pub async fn bounds_hold(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = cached(
        &server,
        &rt,
        3,
        ClientCacheConfig::new().max_entries(100).max_bytes(64 * 1024),
    )?;
    let pipe = c.pipeline();
    for i in 0..1000 {
        pipe.set(format!("key:{i}"), "x".repeat(100));
    }
    pipe.query::<Vec<Value>>().await?;
    for round in 0..2 {
        for i in 0..1000 {
            let v: String = c.get(format!("key:{i}")).await?;
            assert_eq!(v.len(), 100, "round {round}");
        }
    }
    let stats = c.client_cache_stats().expect("a cache");
    assert!(stats.entries <= 100, "{stats:?}");
    assert!(stats.bytes <= 64 * 1024, "{stats:?}");
    assert!(stats.evictions > 0, "{stats:?}");
    assert_eq!(stats.hits + stats.misses, 2000);
    Ok(())
}

/// Broadcast mode: only keys under the prefixes are cached; they are
/// invalidated by writes from anyone.
pub async fn broadcast_prefixes(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = cached(&server, &rt, 3, ClientCacheConfig::new().broadcast(["conf:"]))?;
    let other = client(&server.url(), &rt)?;
    other.set("conf:a", 1).await?;
    other.set("data:b", 1).await?;
    for _ in 0..3 {
        assert_eq!(c.get::<i64>("conf:a").await?, 1);
        assert_eq!(c.get::<i64>("data:b").await?, 1);
    }
    let stats = c.client_cache_stats().expect("a cache");
    assert_eq!(stats.entries, 1, "only conf:a: {stats:?}");
    assert_eq!(
        stats.hits + stats.misses,
        3,
        "data:b is not a cacheable read here: {stats:?}"
    );
    other.set("conf:a", 2).await?;
    eventually(&c, "conf:a", "2").await?;
    Ok(())
}
