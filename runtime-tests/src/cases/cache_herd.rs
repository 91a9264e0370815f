//! `HerdCache`: exactly one reader per logical expiry recomputes, across
//! clients; the others keep the old value; keys vanish `herd_timeout` after
//! their logical expiry when nobody refreshes them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::cache::{HerdCache, HerdLookup};
use anyredis::commands::Ttl;
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;

use crate::util::{client, connections, sleep, spawn_all};
use crate::TestResult;

const READERS: usize = 100;
const CLIENTS: usize = 4;

/// Four clients (four connections, four single-flight tables: as good as
/// four processes; the last on RESP2), each with its own handle on the
/// same herd cache.
fn herd_caches(
    server: &RedisServer,
    rt: &Runtime,
    herd: Duration,
    extend: Duration,
) -> anyredis::Result<Vec<HerdCache>> {
    (0..CLIENTS)
        .map(|i| {
            // One of them speaks RESP2: the scripts' replies read the same.
            let url = if i == CLIENTS - 1 {
                format!("{}?protocol=2", server.url())
            } else {
                server.url()
            };
            let c = client(&url, rt)?;
            Ok(c.cache("herd").herd().herd_timeout(herd).extend_time(extend).build())
        })
        .collect()
}

/// 100 spawned readers on 4 clients hit an entry just past its logical
/// expiry: exactly one gets a miss, the 99 others the old value; five
/// rounds. The key then lives extend time + herd timeout.
pub async fn one_reader_per_expiry_across_clients(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let long = Duration::from_secs(30);
    let caches = herd_caches(&server, &rt, long, long)?;
    for round in 0..5 {
        let old = format!("old value {round}");
        caches[round % CLIENTS]
            .set("hot", &old, "", Some(Duration::from_millis(20)))
            .await?;
        sleep(Duration::from_millis(40)).await; // past the logical expiry
        let readers = (0..READERS).map(|i| {
            let cache = caches[i % CLIENTS].clone();
            async move { cache.get::<String>("hot", "").await }
        });
        let results = spawn_all(&rt, readers).await;
        let mut misses = 0;
        for result in results {
            match result? {
                None => misses += 1,
                Some(value) => assert_eq!(value, old),
            }
        }
        assert_eq!(misses, 1, "round {round}: exactly one reader recomputes");
        assert!(connections(&server).len() >= CLIENTS, "one connection per client");
        match caches[0].ttl("hot", "").await? {
            Ttl::Expires(left) => assert!(left > long && left <= long * 2, "{left:?}"),
            other => panic!("{other:?}"),
        }
    }
    Ok(())
}

/// `get_or_compute` from 100 tasks on 4 clients on a logically expired
/// entry: the computation runs once; every other task gets the old value
/// without waiting for it; afterwards everybody reads the new value.
pub async fn get_or_compute_refreshes_once(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let caches = herd_caches(&server, &rt, Duration::from_secs(30), Duration::from_secs(30))?;
    caches[0]
        .set("report", &"old".to_owned(), "", Some(Duration::from_millis(20)))
        .await?;
    sleep(Duration::from_millis(40)).await;
    let computes = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let tasks = (0..READERS).map(|i| {
        let (cache, computes, finished) = (caches[i % CLIENTS].clone(), computes.clone(), finished.clone());
        async move {
            let value = cache
                .get_or_compute("report", "", Some(Duration::from_secs(60)), || async {
                    computes.fetch_add(1, Ordering::SeqCst);
                    // Recompute only once every other task has its answer:
                    // nobody waited for this computation.
                    let deadline = Instant::now() + Duration::from_secs(20);
                    while finished.load(Ordering::SeqCst) < READERS - 1 {
                        assert!(Instant::now() < deadline, "the other readers were served");
                        sleep(Duration::from_millis(2)).await;
                    }
                    Ok::<_, anyredis::Error>("new".to_owned())
                })
                .await;
            finished.fetch_add(1, Ordering::SeqCst);
            value
        }
    });
    let results = spawn_all(&rt, tasks).await;
    let values: Vec<String> = results.into_iter().collect::<Result<_, _>>()?;
    assert_eq!(computes.load(Ordering::SeqCst), 1);
    assert_eq!(values.iter().filter(|v| *v == "new").count(), 1);
    assert_eq!(values.iter().filter(|v| *v == "old").count(), READERS - 1);
    for cache in &caches {
        assert_eq!(cache.get::<String>("report", "").await?.as_deref(), Some("new"));
    }
    Ok(())
}

/// Polls until the entry is gone; returns when that was seen.
async fn wait_until_gone(cache: &HerdCache, key: &str) -> anyredis::Result<Instant> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while cache.exists(key, "").await? {
        assert!(Instant::now() < deadline, "{key} never expired");
        sleep(Duration::from_millis(5)).await;
    }
    Ok(Instant::now())
}

/// Without reads, a key lives its TTL plus the herd timeout, then is gone;
/// after a reader was told to recompute and never did, it lives the extend
/// time plus the herd timeout, serving the old value meanwhile.
pub async fn unrefreshed_entries_expire(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let herd = Duration::from_millis(300);
    let cache = c
        .cache("expiry")
        .herd()
        .herd_timeout(herd)
        .extend_time(Duration::from_secs(1))
        .build();

    let ttl = Duration::from_millis(100);
    let start = Instant::now();
    cache.set("k", &"v".to_owned(), "", Some(ttl)).await?;
    let rk = cache.redis_key("k", "");
    match cache.ttl("k", "").await? {
        Ttl::Expires(left) => assert!(left <= ttl + herd && left > herd / 2, "{left:?}"),
        other => panic!("{other:?}"),
    }
    // The logical expiry sits beside the value, in the server's clock.
    let (logical, (now_s, now_us)): (u64, (u64, u64)) = (
        c.cmd("HGET").arg(&rk).arg("e").query().await?,
        c.cmd("TIME").query().await?,
    );
    let now_ms = now_s * 1000 + now_us / 1000;
    assert!(
        logical > now_ms.saturating_sub(1000) && logical <= now_ms + 100,
        "{logical} vs {now_ms}"
    );
    let gone = wait_until_gone(&cache, "k").await?;
    assert!(
        gone - start >= ttl + herd - Duration::from_millis(10),
        "gone after {:?}",
        gone - start
    );

    cache
        .set("k", &"v".to_owned(), "", Some(Duration::from_millis(30)))
        .await?;
    sleep(Duration::from_millis(60)).await;
    let stale_at = Instant::now();
    assert_eq!(
        cache.lookup::<String>("k", "").await?,
        HerdLookup::Stale("v".to_owned())
    );
    assert_eq!(
        cache.get::<String>("k", "").await?.as_deref(),
        Some("v"),
        "others keep the old value"
    );
    let gone = wait_until_gone(&cache, "k").await?;
    let lived = gone - stale_at;
    assert!(lived >= Duration::from_millis(1290), "extended: lived {lived:?}");
    assert_eq!(cache.lookup::<String>("k", "").await?, HerdLookup::Missing);
    Ok(())
}

/// Every operation of a herd cache; entries without a TTL never go stale;
/// the scripts survive `SCRIPT FLUSH`; a key of the wrong type is the
/// server's error.
pub async fn herd_every_operation(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("herd-ops").herd().build();
    assert_eq!(cache.herd_timeout(), anyredis::cache::DEFAULT_HERD_TIMEOUT);
    assert_eq!(cache.extend_time(), anyredis::cache::DEFAULT_EXTEND_TIME);

    assert_eq!(cache.get::<String>("a", "").await?, None);
    assert_eq!(cache.lookup::<String>("a", "").await?, HerdLookup::Missing);
    assert!(!cache.exists("a", "").await?);
    assert!(!cache.delete("a", "").await?);

    cache.set("a", &"forever".to_owned(), "", None).await?;
    assert_eq!(cache.ttl("a", "").await?, Ttl::Persistent);
    assert_eq!(
        cache.lookup::<String>("a", "").await?,
        HerdLookup::Fresh("forever".to_owned())
    );
    assert!(cache.exists("a", "").await?);

    cache
        .set("a", &"with params".to_owned(), "p", Some(Duration::from_secs(50)))
        .await?;
    match cache.ttl("a", "p").await? {
        Ttl::Expires(left) => assert!(left > Duration::from_secs(49) && left <= Duration::from_secs(51)),
        other => panic!("{other:?}"),
    }
    assert_eq!(cache.get::<String>("a", "").await?.as_deref(), Some("forever"));

    c.script_flush(None).await?;
    let values: Vec<String> = (0..3).map(|i| format!("value {i}")).collect();
    cache
        .set_many(
            ["x", "y", "z"].into_iter().zip(&values),
            "",
            Some(Duration::from_secs(20)),
        )
        .await?;
    c.script_flush(None).await?;
    assert_eq!(cache.get::<String>("y", "").await?.as_deref(), Some("value 1"));
    assert_eq!(cache.delete_many(["x", "y", "nope"], "").await?, 2);
    assert_eq!(cache.get::<String>("z", "").await?.as_deref(), Some("value 2"));
    assert!(cache.delete("z", "").await?);

    // RESP2 clients read the scripts' replies the same way (nil, arrays).
    let resp2 = client(&format!("{}?protocol=2", server.url()), &rt)?;
    let old = resp2.cache("herd-ops").herd().build();
    assert_eq!(old.get::<String>("z", "").await?, None);
    old.set("z", &"resp2".to_owned(), "", Some(Duration::from_millis(5)))
        .await?;
    sleep(Duration::from_millis(20)).await;
    assert_eq!(
        old.lookup::<String>("z", "").await?,
        HerdLookup::Stale("resp2".to_owned())
    );
    assert_eq!(
        cache.lookup::<String>("z", "").await?,
        HerdLookup::Fresh("resp2".to_owned())
    );

    c.set(cache.redis_key("s", ""), "a string").await?;
    let err = cache.get::<String>("s", "").await.expect_err("WRONGTYPE");
    assert!(err.is_server() && err.to_string().contains("WRONGTYPE"), "{err}");
    Ok(())
}
