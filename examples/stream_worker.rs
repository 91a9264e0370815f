//! A stream consumer-group worker (on smol): three consumers share a
//! stream's entries, and a poison entry ends up in a dead-letter stream.
//!
//! `scripts/tour.sh` runs this against a throwaway server; or point it at
//! yours: `REDIS_URL=redis://127.0.0.1:6379/15 cargo run --release --example stream_worker`
//! (it writes keys under `stream_worker:` and deletes them at the end).
//! `STREAM_WORKER_ENTRIES=200000` sets how many entries the throughput part
//! processes (default 30,000).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::commands::StreamEntry;
use anyredis::prelude::*;
use anyredis::stream_consumer::{DeadLetter, Delivery, GroupStart, StreamConsumer};
use futures_util::StreamExt;

type Fields = Vec<(String, String)>;

const ORDERS: &str = "stream_worker:orders";
const DEAD: &str = "stream_worker:dead";

fn main() -> anyredis::Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let entries = std::env::var("STREAM_WORKER_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30_000);
    smol::block_on(async {
        let client = Client::open(&url)?;
        client.del([ORDERS, DEAD]).await?;
        for auto_ack in [true, false] {
            throughput(&client, entries, auto_ack).await?;
        }
        poison(&client).await?;
        client.del([ORDERS, DEAD]).await?;
        Ok(())
    })
}

/// The next delivery, or `None` after `wait` (the `next()` is then dropped,
/// which loses nothing: the consumer keeps its read in flight).
async fn next_within(consumer: &mut StreamConsumer<Fields>, wait: Duration) -> Option<Result<Delivery<Fields>>> {
    smol::future::or(consumer.next(), async {
        smol::Timer::after(wait).await;
        None
    })
    .await
}

/// Three consumers of one group process `entries` entries added beforehand;
/// prints entries per second, processed and acknowledged.
async fn throughput(client: &Client, entries: u64, auto_ack: bool) -> Result<()> {
    client.del(ORDERS).await?;
    let numbers: Vec<u64> = (0..entries).collect();
    for chunk in numbers.chunks(1000) {
        let pipe = client.pipeline();
        for n in chunk {
            pipe.xadd(ORDERS, [("order", *n)]);
        }
        pipe.query::<Vec<anyredis::commands::StreamId>>().await?;
    }

    let handled = Arc::new(AtomicU64::new(0));
    let sum = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = ["worker-1", "worker-2", "worker-3"]
        .into_iter()
        .map(|name| {
            let mut builder = client
                .stream_consumer(ORDERS, "billing", name)
                .create_group(GroupStart::Beginning)
                .batch_size(200)
                .block(Duration::from_millis(100));
            if auto_ack {
                builder = builder.auto_ack();
            }
            let (handled, sum) = (handled.clone(), sum.clone());
            smol::spawn(async move {
                let mut consumer: StreamConsumer<Fields> = builder.start().await?;
                while handled.load(Ordering::SeqCst) < entries {
                    let Some(delivery) = next_within(&mut consumer, Duration::from_millis(100)).await else {
                        continue;
                    };
                    let delivery = delivery?;
                    // "Processing": add up the order numbers.
                    let order: u64 = delivery.fields[0].1.parse().unwrap_or(0);
                    sum.fetch_add(order, Ordering::Relaxed);
                    if !auto_ack {
                        consumer.ack(&delivery).await?;
                    }
                    handled.fetch_add(1, Ordering::SeqCst);
                }
                // Auto-ack: the last handled entries are acknowledged here.
                consumer.close().await
            })
        })
        .collect();
    for worker in workers {
        worker.await?;
    }
    let elapsed = started.elapsed();
    let pending = client.xpending(ORDERS, "billing").await?;
    assert_eq!(pending.count, 0, "everything acknowledged");
    assert_eq!(sum.load(Ordering::Relaxed), entries * entries.saturating_sub(1) / 2);
    println!(
        "3 consumers, {}: {entries} entries processed and acknowledged in {:.2?} = {:.0} entries/s",
        if auto_ack {
            "auto-ack (one XACK per stream and batch)"
        } else {
            "one XACK per entry"
        },
        elapsed,
        entries as f64 / elapsed.as_secs_f64()
    );
    client.xgroup_destroy(ORDERS, "billing").await?;
    Ok(())
}

/// An entry whose handler always fails is delivered 3 times (claimed again
/// after `claim_idle`), then moved to the dead-letter stream.
async fn poison(client: &Client) -> Result<()> {
    client.del(ORDERS).await?;
    let poison = client.xadd(ORDERS, [("order", "not a number")]).await?;
    let mut consumer: StreamConsumer<Fields> = client
        .stream_consumer(ORDERS, "billing", "careful")
        .create_group(GroupStart::Beginning)
        .claim_idle(Duration::from_millis(100))
        .dead_letter(DEAD, 3)
        .block(Duration::from_millis(50))
        .start()
        .await?;
    while client.xlen(DEAD).await? == 0 {
        let Some(delivery) = next_within(&mut consumer, Duration::from_millis(100)).await else {
            continue;
        };
        let delivery = delivery?;
        match delivery.fields[0].1.parse::<u64>() {
            Ok(_) => drop(consumer.ack(&delivery).await?),
            // Not acknowledged: it comes back after claim_idle.
            Err(e) => println!("entry {} (delivery {}) failed: {e}", delivery.id, delivery.deliveries),
        }
    }
    consumer.close().await?;
    let dead: Vec<StreamEntry<DeadLetter<Fields>>> = client.xrange(DEAD, "-", "+").await?;
    let letter = &dead[0].fields;
    assert_eq!(letter.id, poison);
    println!(
        "dead-lettered: {} from {:?} after {} deliveries, fields {:?}; pending now: {}",
        letter.id,
        String::from_utf8_lossy(&letter.stream),
        letter.deliveries,
        letter.fields,
        client.xpending(ORDERS, "billing").await?.count
    );
    Ok(())
}
