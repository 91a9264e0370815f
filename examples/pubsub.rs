//! Pub/Sub with anyredis: the three ways to read, a handlers worker, a slow
//! reader under a drop policy, and a reconnect (the subscriber's connection
//! is killed and comes back subscribed).
//!
//! `REDIS_URL=redis://127.0.0.1:6379 cargo run --example pubsub`
//! (`scripts/tour.sh` runs it against a throwaway server).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyredis::prelude::*;
use anyredis::pubsub::{DeliveryPolicy, Handler, Message};
use futures_util::StreamExt;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    smol::block_on(demo(&url))
}

async fn demo(url: &str) -> Result<()> {
    let client = Client::open(url)?;

    // 1. get_message: confirmations (counts 1, 2, 3), then a message and a pmessage.
    let pubsub = client.pubsub();
    pubsub.subscribe(["tour:news", "tour:sport"]).await?;
    pubsub.psubscribe("tour:n*").await?;
    let receivers = client.publish("tour:news", "rain tomorrow").await?;
    println!("PUBLISH tour:news -> {receivers} receivers (the channel and the pattern)");
    while let Some(message) = pubsub.get_message(Duration::from_millis(100)).await? {
        match message {
            Message::Subscription(s) => println!(
                "  confirmed {:?} {:?}: {} subscriptions",
                s.kind(),
                String::from_utf8_lossy(s.channel().unwrap_or_default()),
                s.remaining()
            ),
            Message::Published(m) => println!(
                "  {:?} on {:?} (pattern {:?}): {}",
                m.kind(),
                m.channel_str(),
                m.pattern().map(String::from_utf8_lossy),
                m.payload::<String>()?
            ),
            other => println!("  {other:?}"),
        }
    }
    pubsub.close().await;

    // 2. A stream, owning its handle.
    let quiet = client.pubsub_builder().ignore_subscribe_messages(true).build();
    quiet.subscribe("tour:stream").await?;
    for i in 0..3 {
        client.publish("tour:stream", i).await?;
    }
    let numbers: Vec<i64> = quiet
        .into_stream()
        .take(3)
        .filter_map(|m| async move { m.payload::<i64>().ok() })
        .collect()
        .await;
    println!("stream read {numbers:?}");

    // 3. Handlers, run by a worker on the client's runtime.
    let handled = Arc::new(AtomicUsize::new(0));
    let counter = handled.clone();
    let workers = client.pubsub();
    workers
        .subscribe_with(
            "tour:orders",
            Handler::new(move |m| {
                counter.fetch_add(1, Ordering::SeqCst);
                println!("  handler got order {}", m.payload::<String>().unwrap_or_default());
            }),
        )
        .await?;
    let worker = workers.run_handlers()?;
    client.publish("tour:orders", "#1").await?;
    client.publish("tour:orders", "#2").await?;
    while handled.load(Ordering::SeqCst) < 2 {
        smol::Timer::after(Duration::from_millis(10)).await;
    }
    worker.stop().await;
    println!(
        "handlers ran {} times; worker stopped, connection closed",
        handled.load(Ordering::SeqCst)
    );

    // 4. A slow reader with DropOldest: a bounded buffer, drops counted and marked.
    let lossy = client
        .pubsub_builder()
        .ignore_subscribe_messages(true)
        .buffer(100, 1 << 20)
        .policy(DeliveryPolicy::DropOldest)
        .build();
    lossy.subscribe("tour:firehose").await?;
    let pipe = client.pipeline();
    for i in 0..1000 {
        pipe.publish("tour:firehose", i);
    }
    pipe.query::<Vec<i64>>().await?;
    let (mut read, mut gap) = (0, 0);
    while let Some(message) = lossy.get_message(Duration::from_millis(200)).await? {
        match message {
            Message::Dropped { count } => gap += count,
            _ => read += 1,
        }
    }
    println!("slow reader: read {read}, dropped {gap} (counted: {})", lossy.dropped());

    // 5. A reconnect: kill the subscriber's connection; it comes back subscribed.
    let resilient = client.pubsub_builder().ignore_subscribe_messages(true).build();
    resilient.subscribe("tour:alerts").await?;
    client
        .cmd("CLIENT")
        .arg("KILL")
        .arg("TYPE")
        .arg("pubsub")
        .query::<i64>()
        .await?;
    loop {
        match resilient.get_message(Duration::from_secs(5)).await? {
            Some(Message::Reconnected { outage, attempts }) => {
                println!("reconnected after {outage:?} ({attempts} attempt(s)), subscriptions restored");
                break;
            }
            Some(other) => println!("  {other:?}"),
            None => return Err("no reconnect within 5 s".into()),
        }
    }
    // The restore's SUBSCRIBE may still be on its way: publish until it is heard.
    loop {
        if client.publish("tour:alerts", "still here").await? == 1 {
            break;
        }
        smol::Timer::after(Duration::from_millis(10)).await;
    }
    if let Some(m) = resilient.get_message(Duration::from_secs(5)).await? {
        println!("after the reconnect: {}", m.payload::<String>()?);
    }
    Ok(())
}
