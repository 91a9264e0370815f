//! The stream consumer-group worker: the seeds' example, three consumers
//! with one killed mid-way, a poison entry dead-lettered, restarts, closes,
//! several streams (failures are in `stream_consumer_faults.rs`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyredis::commands::{StreamEntry, StreamId};
use anyredis::prelude::*;
use anyredis::stream_consumer::{DeadLetter, Delivery, GroupStart, Receipt, StreamConsumer};
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use futures_util::future::{select, Either};
use futures_util::StreamExt;

use crate::util::{client, connections, info_field, sleep, spawn, spawn_all, wait_for, wait_until_blocked_in};
use crate::TestResult;

pub(crate) type Fields = Vec<(String, String)>;
pub(crate) type Consumer = StreamConsumer<Fields>;

/// The next item, or `None` when none came within `limit` (the `next()`
/// future is then dropped: a cancellation the consumer must survive).
pub(crate) async fn next_within(
    consumer: &mut Consumer,
    limit: Duration,
) -> Option<anyredis::Result<Delivery<Fields>>> {
    match select(consumer.next(), Box::pin(sleep(limit))).await {
        Either::Left((item, _)) => item,
        Either::Right(_) => None,
    }
}

/// The next item if `next()` is ready at its first poll; otherwise `None`,
/// and that `next()` is dropped.
pub(crate) fn poll_once(consumer: &mut Consumer) -> Option<anyredis::Result<Delivery<Fields>>> {
    let waker = futures_util::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    match consumer.poll_next_unpin(&mut cx) {
        std::task::Poll::Ready(item) => item,
        std::task::Poll::Pending => None,
    }
}

/// The next delivery, failing the case when none comes within 10 s.
pub(crate) async fn expect_next(consumer: &mut Consumer) -> anyredis::Result<Delivery<Fields>> {
    match next_within(consumer, Duration::from_secs(10)).await {
        Some(item) => item,
        None => panic!("no delivery within 10 s"),
    }
}

/// Adds entries `n = range` to `stream`, 500 per pipeline; returns their ids.
pub(crate) async fn add(c: &Client, stream: &str, range: std::ops::Range<u64>) -> anyredis::Result<Vec<StreamId>> {
    let mut ids = Vec::new();
    let all: Vec<u64> = range.collect();
    for chunk in all.chunks(500) {
        let pipe = c.pipeline();
        for n in chunk {
            pipe.xadd(stream, ("n", n));
        }
        ids.extend(pipe.query::<Vec<StreamId>>().await?);
    }
    Ok(ids)
}

pub(crate) fn field_n(fields: &Fields) -> &str {
    assert_eq!(fields.len(), 1, "{fields:?}");
    &fields[0].1
}

/// The seeds' example: 20 entries, a group created at `0`, a consumer that
/// reads 5 (one batch of 5): the first 5, delivered once each, pending
/// until acknowledged. A second consumer started with `create_group` on the
/// existing group leaves it as it is and gets the next ones.
pub async fn seeds_example(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let ids = add(&c, "events", 0..20).await?;
    let mut consumer: Consumer = c
        .stream_consumer("events", "group", "consumer-1")
        .create_group(GroupStart::Beginning)
        .batch_size(5)
        .start()
        .await?;
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(expect_next(&mut consumer).await?);
    }
    for (i, delivery) in got.iter().enumerate() {
        assert_eq!(delivery.id, ids[i]);
        assert_eq!(delivery.stream, "events");
        assert_eq!(field_n(&delivery.fields), i.to_string());
        assert_eq!(delivery.deliveries, 1);
    }
    let pending = c.xpending("events", "group").await?;
    assert_eq!(pending.count, 5, "one batch of 5 was read: {pending:?}");
    assert_eq!(pending.consumers, [("consumer-1".to_owned(), 5)]);
    assert_eq!(consumer.ack_many(&got).await?, 5);
    assert!(!consumer.ack(&got[0]).await?, "acknowledged already");
    assert_eq!(c.xpending("events", "group").await?.count, 0);

    let mut second: Consumer = c
        .stream_consumer("events", "group", "consumer-2")
        .create_group(GroupStart::NewEntries)
        .batch_size(5)
        .start()
        .await?;
    let next = expect_next(&mut second).await?;
    assert_eq!(next.id, ids[5], "the group kept its position");
    second.ack(next.receipt()).await?;
    consumer.close().await?;
    second.close().await?;
    Ok(())
}

/// What the consumers of the 10,000-entry case did, per entry id.
#[derive(Default)]
struct Ledger {
    /// Times each entry was handed to a handler.
    processed: Mutex<HashMap<StreamId, u32>>,
    /// `XACK`s that found the entry pending (the server's count of acks).
    acked: Mutex<HashMap<StreamId, u32>>,
    acked_total: AtomicU64,
    /// Deliveries with a count above 1 (claimed from another consumer).
    redelivered: AtomicU64,
}

impl Ledger {
    fn processed(&self, id: StreamId) {
        *self.processed.lock().unwrap().entry(id).or_default() += 1;
    }

    fn acked(&self, id: StreamId) {
        *self.acked.lock().unwrap().entry(id).or_default() += 1;
        self.acked_total.fetch_add(1, Ordering::SeqCst);
    }
}

const TOTAL: u64 = 10_000;

/// Three consumers process 10,000 entries added while they run; one is
/// killed mid-way (its client dropped while it holds entries it never
/// acknowledged, some of them read but not even handed out). After
/// `claim_idle` the two others claim them; at the end nothing is pending,
/// every entry was processed at least once and acknowledged exactly once.
pub async fn three_consumers_one_killed(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let ledger = Arc::new(Ledger::default());
    let builder = |c: &Client, name: &str| {
        c.stream_consumer("jobs", "workers", name)
            .create_group(GroupStart::Beginning)
            .batch_size(50)
            .block(Duration::from_millis(100))
    };

    // The doomed consumer, on a client of its own.
    let doomed_client = client(&server.url(), &rt)?;
    let mut doomed: Consumer = builder(&doomed_client, "doomed").start().await?;
    let producer = {
        let c = c.clone();
        spawn(&rt, async move {
            let mut ids = Vec::new();
            for start in (0..TOTAL).step_by(1000) {
                ids.extend(add(&c, "jobs", start..start + 1000).await?);
            }
            Ok::<_, anyredis::Error>(ids)
        })
    };
    let doomed_task = {
        let ledger = ledger.clone();
        spawn(&rt, async move {
            let mut held = Vec::new();
            let mut handled = 0;
            while held.len() < 120 {
                let Some(delivery) = next_within(&mut doomed, Duration::from_secs(10)).await else {
                    panic!("the doomed consumer got nothing");
                };
                let delivery = delivery?;
                ledger.processed(delivery.id);
                handled += 1;
                if handled <= 1000 {
                    if doomed.ack(&delivery).await? {
                        ledger.acked(delivery.id);
                    }
                } else {
                    held.push(delivery.id);
                }
            }
            // Killed: the consumer and its client go away without a word.
            drop(doomed);
            drop(doomed_client);
            Ok::<_, anyredis::Error>(held)
        })
    };

    let workers = ["alice", "bob"].map(|name| {
        let ledger = ledger.clone();
        let builder = builder(&c, name).claim_idle(Duration::from_millis(300));
        async move {
            let mut consumer: Consumer = builder.start().await?;
            let deadline = Instant::now() + Duration::from_secs(45);
            while ledger.acked_total.load(Ordering::SeqCst) < TOTAL {
                assert!(Instant::now() < deadline, "not every entry was acknowledged in time");
                let Some(delivery) = next_within(&mut consumer, Duration::from_millis(200)).await else {
                    continue;
                };
                let delivery = delivery?;
                ledger.processed(delivery.id);
                if delivery.deliveries > 1 {
                    ledger.redelivered.fetch_add(1, Ordering::SeqCst);
                }
                if consumer.ack(&delivery).await? {
                    ledger.acked(delivery.id);
                }
            }
            consumer.close().await
        }
    });
    let workers = spawn_all(&rt, workers);
    let ids = producer.await?;
    let held = doomed_task.await?;
    for result in workers.await {
        result?;
    }

    assert_eq!(c.xpending("jobs", "workers").await?.count, 0, "nothing left pending");
    assert_eq!(ids.len() as u64, TOTAL);
    let consumers = c.xinfo_consumers("jobs", "workers").await?;
    assert!(consumers.iter().all(|info| info.pending == 0), "{consumers:?}");
    let processed = ledger.processed.lock().unwrap();
    let acked = ledger.acked.lock().unwrap();
    for id in &ids {
        assert!(processed.get(id).copied().unwrap_or(0) >= 1, "{id} was never processed");
        assert_eq!(acked.get(id).copied(), Some(1), "{id} acknowledged once");
    }
    assert_eq!(acked.len() as u64, TOTAL);
    for id in &held {
        assert!(
            processed[id] >= 2,
            "{id}, held by the dead consumer, was processed again"
        );
    }
    assert!(ledger.redelivered.load(Ordering::SeqCst) >= held.len() as u64);
    Ok(())
}

/// A poison entry that always fails (never acknowledged) comes back after
/// `claim_idle`, to either of two consumers, with a growing delivery count;
/// after `max_deliveries` (3) it is moved to the dead-letter stream exactly
/// once, with its history and fields, and acknowledged. The other entries
/// are unaffected.
pub async fn poison_entry_is_dead_lettered(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let mut ids = add(&c, "orders", 0..4).await?;
    let poison = c.xadd("orders", [("n", "poison"), ("why", "always fails")]).await?;
    ids.extend(add(&c, "orders", 4..9).await?);
    let poison_deliveries = Arc::new(Mutex::new(Vec::new()));
    let acked = Arc::new(AtomicU64::new(0));
    // What each consumer says it dead-lettered (the counter moves when its fetch sees the script's reply).
    let moved = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
    let workers = [(0, "w1"), (1, "w2")].map(|(index, name)| {
        let builder = c
            .stream_consumer("orders", "billing", name)
            .create_group(GroupStart::Beginning)
            .batch_size(4)
            .block(Duration::from_millis(50))
            .claim_idle(Duration::from_millis(200))
            .dead_letter("orders:dead", 3);
        let (poison_deliveries, acked, moved) = (poison_deliveries.clone(), acked.clone(), moved.clone());
        async move {
            let mut consumer: Consumer = builder.start().await?;
            let deadline = Instant::now() + Duration::from_secs(20);
            let moved_total = || moved.iter().map(|m| m.load(Ordering::SeqCst)).sum::<u64>();
            while acked.load(Ordering::SeqCst) < 9 || moved_total() == 0 {
                assert!(Instant::now() < deadline, "the poison entry was never dead-lettered");
                let next = next_within(&mut consumer, Duration::from_millis(100)).await;
                moved[index].store(consumer.dead_lettered_and_deleted().0, Ordering::SeqCst);
                let Some(delivery) = next else {
                    continue;
                };
                let delivery = delivery?;
                if delivery.id == poison {
                    // The handler fails: no acknowledgement.
                    poison_deliveries.lock().unwrap().push(delivery.deliveries);
                } else if consumer.ack(&delivery).await? {
                    acked.fetch_add(1, Ordering::SeqCst);
                }
            }
            let (dead, deleted) = consumer.dead_lettered_and_deleted();
            assert_eq!(deleted, 0);
            consumer.close().await?;
            Ok::<_, anyredis::Error>(dead)
        }
    });
    let mut dead_lettered = 0;
    for result in spawn_all(&rt, workers).await {
        dead_lettered += result?;
    }
    assert_eq!(dead_lettered, 1, "one consumer moved it");
    let mut seen = poison_deliveries.lock().unwrap().clone();
    seen.sort_unstable();
    assert_eq!(seen, [1, 2, 3], "delivered max_deliveries times, counted up");

    let letters: Vec<StreamEntry<DeadLetter<Fields>>> = c.xrange("orders:dead", "-", "+").await?;
    assert_eq!(letters.len(), 1, "moved exactly once");
    let letter = &letters[0].fields;
    assert_eq!(letter.stream, "orders");
    assert_eq!(letter.id, poison);
    assert_eq!(letter.group, "billing");
    assert!(letter.consumer == "w1" || letter.consumer == "w2", "{letter:?}");
    assert_eq!(letter.deliveries, 3);
    assert_eq!(
        letter.fields,
        [
            ("n".to_owned(), "poison".to_owned()),
            ("why".to_owned(), "always fails".to_owned())
        ]
    );
    assert_eq!(
        c.xpending("orders", "billing").await?.count,
        0,
        "dead-lettered means acknowledged"
    );
    assert_eq!(c.xlen("orders").await?, 10, "the original stays in its stream");
    Ok(())
}

/// A consumer that stopped with unacknowledged entries gets them first when
/// it starts again under the same name (with their delivery count raised),
/// then the new ones; with `pending_first(false)` it gets new ones and its
/// old entries stay pending.
pub async fn restart_gets_own_pending_first(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let ids = add(&c, "s", 0..10).await?;
    let start = |name: &str, pending_first: bool| {
        c.stream_consumer("s", "g", name)
            .create_group(GroupStart::Beginning)
            .batch_size(5)
            .pending_first(pending_first)
            .start::<Fields>()
    };
    let mut first = start("w", true).await?;
    for (i, id) in ids[..5].iter().enumerate() {
        let delivery = expect_next(&mut first).await?;
        assert_eq!(delivery.id, *id);
        if i < 2 {
            first.ack(&delivery).await?;
        }
    }
    first.close().await?;
    let more = add(&c, "s", 10..13).await?;

    let mut again = start("w", true).await?;
    for (i, id) in ids[2..5].iter().enumerate() {
        let delivery = expect_next(&mut again).await?;
        assert_eq!(
            (delivery.id, delivery.deliveries),
            (*id, 2),
            "own pending entry {i} first"
        );
        again.ack(&delivery).await?;
    }
    for id in ids[5..].iter().chain(&more) {
        let delivery = expect_next(&mut again).await?;
        assert_eq!((delivery.id, delivery.deliveries), (*id, 1));
        if delivery.id != *more.last().unwrap() {
            again.ack(&delivery).await?;
        }
    }
    again.close().await?;

    // The last one stays pending for "w"; without pending_first, new entries come first.
    let newest = c.xadd("s", ("n", "newest")).await?;
    let mut skipping = start("w", false).await?;
    let delivery = expect_next(&mut skipping).await?;
    assert_eq!(delivery.id, newest);
    skipping.ack(&delivery).await?;
    skipping.close().await?;
    let pending = c.xpending("s", "g").await?;
    assert_eq!((pending.count, pending.min_id), (1, more.last().copied()));
    Ok(())
}

/// Auto-ack: an entry counts as handled when the next is asked for, and at
/// close (the last one included), unless `keep_pending` said its handling
/// failed; entries read but not handed out at close
/// stay pending and come first after a restart. The blocking read runs on
/// a connection of its own, not the shared one; `close` ends it at once and
/// gives the connection back to the pool.
pub async fn auto_ack_and_close(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let ids = add(&c, "s", 0..5).await?;
    let start = || {
        c.stream_consumer("s", "g", "w")
            .create_group(GroupStart::Beginning)
            .batch_size(5)
            .block(Duration::from_secs(30))
            .auto_ack()
            .start::<Fields>()
    };
    let mut consumer = start().await?;
    for id in &ids[..3] {
        assert_eq!(expect_next(&mut consumer).await?.id, *id);
        if *id == ids[1] {
            assert!(consumer.keep_pending(), "its handling failed");
        }
    }
    // Nothing acknowledged yet: the whole batch is still being handled.
    assert_eq!(c.xpending("s", "g").await?.count, 5);
    consumer.close().await?;
    let pending = c.xpending_range("s", "g", "-", "+", 10, Default::default()).await?;
    let pending: Vec<StreamId> = pending.into_iter().map(|p| p.id).collect();
    assert_eq!(
        pending,
        [ids[1], ids[3], ids[4]],
        "the others handed out were acknowledged"
    );

    let mut consumer = start().await?;
    for id in [ids[1], ids[3], ids[4]] {
        let delivery = expect_next(&mut consumer).await?;
        assert_eq!((delivery.id, delivery.deliveries), (id, 2));
    }
    // A read blocked for 30 s, its next() cancelled; close ends it at once.
    assert!(next_within(&mut consumer, Duration::from_millis(50)).await.is_none());
    wait_until_blocked_in(&server, "xreadgroup", 1).await;
    // Blocked on a connection of its own, never the shared one.
    let shared_id = c.client_id().await?.to_string();
    let blocked: Vec<String> = connections(&server)
        .into_iter()
        .filter(|line| info_field(line, "cmd") == Some("xreadgroup"))
        .collect();
    assert_eq!(blocked.len(), 1);
    assert_ne!(info_field(&blocked[0], "id"), Some(shared_id.as_str()));
    let began = Instant::now();
    consumer.close().await?;
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "close did not wait for the read's timeout"
    );
    assert_eq!(c.xpending("s", "g").await?.count, 0);
    wait_for("the reader back in the pool", Duration::from_secs(5), || {
        c.pool_status().idle == 1
    })
    .await?;
    Ok(())
}

/// One consumer over several streams, on RESP3 and RESP2: entries of both
/// come with their stream's key; an acker in other tasks acknowledges them
/// concurrently, receipts of both streams in one call.
pub async fn several_streams_and_an_acker(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let clicks = add(&client(&server.url(), &rt)?, "clicks", 0..30).await?;
    let views = add(&client(&server.url(), &rt)?, "views", 0..20).await?;
    // RESP3 sends XREADGROUP's streams as a map, RESP2 as an array: both read alike.
    for (url, group) in [
        (server.url(), "analytics"),
        (format!("{}?protocol=2", server.url()), "analytics-resp2"),
    ] {
        let c = client(&url, &rt)?;
        let mut consumer: Consumer = c
            .stream_consumer(["clicks", "views"], group, "w")
            .create_group(GroupStart::Beginning)
            .batch_size(7)
            .start()
            .await?;
        let mut got: HashMap<String, Vec<StreamId>> = HashMap::new();
        let mut receipts = Vec::new();
        for _ in 0..50 {
            let delivery = expect_next(&mut consumer).await?;
            let stream = String::from_utf8(delivery.stream.to_vec())?;
            got.entry(stream).or_default().push(delivery.id);
            receipts.push(delivery.receipt());
        }
        assert_eq!(got["clicks"], clicks, "{url}");
        assert_eq!(got["views"], views, "{url}");
        let acker = consumer.acker();
        let tasks = receipts.chunks(10).map(|chunk| {
            let (acker, chunk) = (acker.clone(), chunk.to_vec());
            async move { acker.ack_many(chunk).await }
        });
        let mut total = 0;
        for result in spawn_all(&rt, tasks).await {
            total += result?;
        }
        assert_eq!(total, 50);
        assert!(!acker.ack(Receipt::new("views", views[0])).await?);
        assert_eq!(c.xpending("clicks", group).await?.count, 0);
        assert_eq!(c.xpending("views", group).await?.count, 0);
        assert!(next_within(&mut consumer, Duration::from_millis(30)).await.is_none());
        consumer.close().await?;
    }
    Ok(())
}
