//! Cache-aside on Redis with anyredis: `Cache`, `HerdCache` and single-flight
//! `get_or_compute` (on smol, the default runtime).
//!
//! `scripts/tour.sh` starts a throwaway server and runs this; or point it at
//! yours: `REDIS_URL=redis://127.0.0.1:6379/15 cargo run --example cache`
//! (it writes keys under `cache-example:` and deletes them at the end).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::cache::{HerdLookup, Raw};
use anyredis::prelude::*;

fn main() -> anyredis::Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    smol::block_on(example(&url))
}

/// A slow computation: what the cache saves.
async fn render_page(name: &str, calls: &AtomicUsize) -> anyredis::Result<String> {
    calls.fetch_add(1, Ordering::SeqCst);
    smol::Timer::after(Duration::from_millis(50)).await;
    Ok(format!("<h1>{name}</h1>"))
}

async fn example(url: &str) -> anyredis::Result<()> {
    let client = Client::open(url)?;

    // 1. A cache: keys are "cache-example:<key>[:<sha1 of params>]", values
    //    zlib-compressed (feature `compression`, on by default).
    let pages = client.cache("cache-example").build();
    let minute = Some(Duration::from_secs(60));
    pages
        .set("home", &"<h1>home</h1>".to_owned(), "lang=en", minute)
        .await?;
    let home: Option<String> = pages.get("home", "lang=en").await?;
    let other_lang: Option<String> = pages.get("home", "lang=fr").await?;
    println!("get home (en) -> {home:?}; (fr) -> {other_lang:?}");
    println!(
        "stored under {:?}, ttl {:?}",
        pages.redis_key("home", "lang=en"),
        pages.ttl("home", "lang=en").await?
    );

    // 2. Single flight: 50 tasks ask for the same missing page at once; it is
    //    rendered once, and all 50 get it.
    let calls = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (pages, calls) = (pages.clone(), calls.clone());
            smol::spawn(async move {
                pages
                    .get_or_compute("about", "lang=en", minute, || render_page("about", &calls))
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await?, "<h1>about</h1>");
    }
    println!(
        "50 concurrent get_or_compute -> rendered {} time(s) in {:?}",
        calls.load(Ordering::SeqCst),
        started.elapsed()
    );

    // 3. Bytes as they are: no serialization, no compression; a plain GET reads them.
    let blobs = client
        .cache("cache-example-blobs")
        .serializer(Raw)
        .no_compression()
        .build();
    blobs.set("logo", &vec![0x89u8, b'P', b'N', b'G'], "", minute).await?;
    let raw: Option<Vec<u8>> = client.get("cache-example-blobs:logo").await?;
    println!("raw bytes through a plain GET -> {raw:?}");

    // 4. A herd cache: after its 100 ms TTL, exactly one reader is told to
    //    refresh the entry while the others keep the old value for up to
    //    `extend_time` (then `herd_timeout` more if nobody refreshes it).
    let prices = client
        .cache("cache-example-prices")
        .herd()
        .herd_timeout(Duration::from_secs(10))
        .extend_time(Duration::from_secs(2))
        .build();
    prices
        .set("btc", &"42000".to_owned(), "", Some(Duration::from_millis(100)))
        .await?;
    smol::Timer::after(Duration::from_millis(150)).await;
    let readers: Vec<_> = (0..10)
        .map(|_| {
            let prices = prices.clone();
            smol::spawn(async move { prices.lookup::<String>("btc", "").await })
        })
        .collect();
    let mut refreshers = 0;
    for reader in readers {
        match reader.await? {
            HerdLookup::Stale(old) => {
                refreshers += 1;
                println!("one reader refreshes (serving {old} meanwhile)");
                prices.set("btc", &"43000".to_owned(), "", minute).await?;
            }
            HerdLookup::Fresh(price) => assert_eq!(price, "42000"),
            other => println!("unexpected: {other:?}"),
        }
    }
    assert_eq!(refreshers, 1);
    println!("after the refresh -> {:?}", prices.get::<String>("btc", "").await?);

    // 5. A corrupt value is a typed error naming the key, never a panic.
    client.set(pages.redis_key("broken", ""), "\u{1}not zlib").await?;
    let err = pages.get::<String>("broken", "").await.expect_err("corrupt");
    println!("corrupt value -> {:?}: {err}", err.kind());

    let removed = pages.delete_many(["home", "about"], "lang=en").await?
        + pages.delete_many(["broken"], "").await?
        + blobs.delete("logo", "").await? as u64
        + prices.delete("btc", "").await? as u64;
    println!("cleaned up {removed} keys");

    // 6. Client-side caching: reads kept locally, invalidated by the server.
    client_side(url).await
}

/// A client whose plain reads are served from a local copy kept correct by
/// CLIENT TRACKING invalidations; another client's write is seen right after.
async fn client_side(url: &str) -> anyredis::Result<()> {
    let cached = anyredis::ClientBuilder::from_url(url)?
        .client_cache(anyredis::client_cache::ClientCacheConfig::new().max_entries(1000))
        .build()?;
    let writer = Client::open(url)?;
    writer.set("cache:flag", "on").await?;
    for _ in 0..5 {
        let flag: String = cached.get("cache:flag").await?;
        assert_eq!(flag, "on");
    }
    let stats = cached.client_cache_stats().unwrap_or_default();
    println!(
        "client-side cache after 5 reads: {} hits, {} misses",
        stats.hits, stats.misses
    );
    writer.set("cache:flag", "off").await?;
    // The invalidation travels on the cached client's connection; wait for it.
    let before = stats.invalidations;
    while cached.client_cache_stats().unwrap_or_default().invalidations == before {
        smol::Timer::after(Duration::from_millis(1)).await;
    }
    println!(
        "after another client's write -> {}",
        cached.get::<String>("cache:flag").await?
    );
    writer.del("cache:flag").await?;
    Ok(())
}
