//! A tour of anyredis against a running server (on smol, the default runtime).
//!
//! `scripts/tour.sh` starts a throwaway server and runs this; or point it at
//! yours: `REDIS_URL=redis://127.0.0.1:6379/15 cargo run --example tour`
//! (it writes keys under `tour:` and deletes them at the end).

use std::collections::HashMap;
use std::time::Instant;

use anyredis::commands::ScanOptions;
use anyredis::prelude::*;
use futures_util::TryStreamExt;

fn main() -> anyredis::Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    smol::block_on(tour(&url))
}

async fn tour(url: &str) -> anyredis::Result<()> {
    // 1. A client is lazy: this line does no I/O.
    let client = Client::open(url)?;
    println!("client for {} on {}", client.config(), client.runtime().name());

    // 2. The first command connects (HELLO 3, AUTH, SELECT as the URL says).
    println!("PING -> {}", client.ping().await?);

    // 3. Typed commands, with the Rust type chosen at the call.
    client.set("tour:greeting", "hello").await?;
    let greeting: Option<String> = client.get("tour:greeting").await?;
    let missing: Option<String> = client.get("tour:missing").await?;
    println!("GET tour:greeting -> {greeting:?}, GET tour:missing -> {missing:?}");
    client.set("tour:visits", 41).await?;
    println!("INCR tour:visits -> {}", client.incr("tour:visits").await?);

    // 4. Any command through the raw builder; replies convert to maps, tuples, vectors...
    client
        .cmd("HSET")
        .arg("tour:user:1")
        .arg([("name", "Ada"), ("lang", "Rust")])
        .query::<i64>()
        .await?;
    let user: HashMap<String, String> = client.cmd("HGETALL").arg("tour:user:1").query().await?;
    println!("HGETALL tour:user:1 -> {user:?}");
    let raw: Value = client.cmd("HGETALL").arg("tour:user:1").query().await?;
    println!("  (as the server sent it: {} with {:?})", raw.type_name(), raw);

    // 5. Errors are typed: the server's code survives, and the connection stays usable.
    let err = client
        .cmd("LPUSH")
        .arg("tour:greeting")
        .arg("x")
        .query::<i64>()
        .await
        .unwrap_err();
    println!(
        "LPUSH on a string -> {:?} error, code {:?}: {err}",
        err.kind(),
        err.code()
    );
    let err = client.get::<i64>("tour:greeting").await.unwrap_err();
    println!("GET as i64 -> {:?} error: {err}", err.kind());

    // 6. Concurrency is pipelining: 10,000 GETs from concurrent futures share one connection.
    let started = Instant::now();
    let replies = futures_util::future::join_all((0..10_000).map(|_| client.get::<String>("tour:greeting"))).await;
    let ok = replies.iter().filter(|r| r.as_deref().ok() == Some("hello")).count();
    println!("10000 concurrent GETs: {ok} correct in {:?}", started.elapsed());

    // 7. Pipelines: many commands, one write; atomic ones run as MULTI/EXEC.
    let pipe = client.pipeline();
    pipe.set("tour:a", 1).incr("tour:a").get::<i64>("tour:a");
    let ((), incremented, read_back): ((), i64, i64) = pipe.query().await?;
    println!("pipeline: INCR -> {incremented}, GET -> {read_back}");
    let tx = client.pipeline().atomic();
    tx.incr("tour:a").incr("tour:a");
    let (x, y): (i64, i64) = tx.query().await?;
    println!("MULTI/EXEC: {x}, {y}");

    // 8. An optimistic transaction: WATCH, read, write, retried if the key changed meanwhile.
    let ((),): ((),) = client
        .transaction("tour:a", |tx| async move {
            let current: i64 = tx.get("tour:a").await?;
            let pipe = tx.pipeline();
            pipe.set("tour:a", current * 10);
            Ok(pipe)
        })
        .await?;
    println!(
        "after the WATCH transaction: tour:a = {}",
        client.get::<i64>("tour:a").await?
    );

    // 9. Blocking commands run on a pooled dedicated connection, never stalling the shared one.
    client.rpush("tour:jobs", "job-1").await?;
    let job: Option<(String, String)> = client.blpop("tour:jobs", std::time::Duration::from_secs(1)).await?;
    println!("BLPOP -> {job:?} (pool: {:?})", client.pool_status());

    // 10. SCAN as a stream: the cursor is handled for you.
    let keys: Vec<String> = client
        .scan_iter(ScanOptions::new().pattern("tour:*"))
        .try_collect()
        .await?;
    println!("SCAN tour:* -> {} keys", keys.len());

    // 11. A dedicated connection, for when you need one to yourself: commands
    //     that change a connection's state are refused on the shared one.
    let refused = client.cmd("SELECT").arg(1).query::<()>().await.unwrap_err();
    println!("SELECT on the shared connection -> {:?}: {refused}", refused.kind());
    let conn = client.dedicated().await?;
    let id: i64 = conn.cmd("CLIENT").arg("ID").query().await?;
    conn.select(1).await?;
    conn.select(0).await?;
    println!(
        "dedicated connection id {id}, protocol {:?}: SELECT ran there",
        conn.protocol()
    );
    drop(conn); // changed state: the pool closes it instead of reusing it

    // 12. Reply futures own what they need: spawn them.
    let spawned = smol::spawn(client.incr("tour:spawned"));
    println!("spawned INCR -> {}", spawned.await?);
    client.del("tour:spawned").await?;

    let deleted = client.del(keys).await?;
    println!("cleaned up {deleted} keys");
    client.close().await;
    Ok(())
}
