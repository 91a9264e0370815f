//! The stream consumer-group worker: the seeds' example, three consumers
//! with one killed mid-way, a poison entry dead-lettered, restarts, closes,
//! several streams, a read whose reply is lost, and `next()` cancelled at
//! random points.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyredis::commands::{StreamEntry, StreamId};
use anyredis::prelude::*;
use anyredis::stream_consumer::{DeadLetter, Delivery, GroupStart, Receipt, StreamConsumer};
use anyredis::{ClientBuilder, ErrorKind, Runtime};
use anyredis_test_support::{Fault, FaultProxy, RedisServer};
use futures_util::future::{select, Either};
use futures_util::StreamExt;

use crate::util::{client, connections, info_field, sleep, spawn, spawn_all, wait_for, wait_until_blocked_in, Rng};
use crate::TestResult;

type Fields = Vec<(String, String)>;
type Consumer = StreamConsumer<Fields>;

/// The next item, or `None` when none came within `limit` (the `next()`
/// future is then dropped: a cancellation the consumer must survive).
async fn next_within(consumer: &mut Consumer, limit: Duration) -> Option<anyredis::Result<Delivery<Fields>>> {
    match select(consumer.next(), Box::pin(sleep(limit))).await {
        Either::Left((item, _)) => item,
        Either::Right(_) => None,
    }
}

/// The next item if `next()` is ready at its first poll; otherwise `None`,
/// and that `next()` is dropped.
fn poll_once(consumer: &mut Consumer) -> Option<anyredis::Result<Delivery<Fields>>> {
    let waker = futures_util::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    match consumer.poll_next_unpin(&mut cx) {
        std::task::Poll::Ready(item) => item,
        std::task::Poll::Pending => None,
    }
}

/// The next delivery, failing the case when none comes within 10 s.
async fn expect_next(consumer: &mut Consumer) -> anyredis::Result<Delivery<Fields>> {
    match next_within(consumer, Duration::from_secs(10)).await {
        Some(item) => item,
        None => panic!("no delivery within 10 s"),
    }
}

/// Adds entries `n = range` to `stream`, 500 per pipeline; returns their ids.
async fn add(c: &Client, stream: &str, range: std::ops::Range<u64>) -> anyredis::Result<Vec<StreamId>> {
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

fn field_n(fields: &Fields) -> &str {
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

/// A read whose reply never arrives (the network holds it, then the
/// connection is reset) after the server delivered entries into the
/// consumer's pending list: the consumer reports the lost connection, then
/// delivers those entries again (delivery count 2) before anything else.
pub async fn lost_read_reply_is_delivered_again(rt: Runtime) -> TestResult {
    let server = Arc::new(RedisServer::new());
    let proxy = Arc::new(FaultProxy::start(server.addr()));
    let c = ClientBuilder::from_url(&proxy.url())?.runtime(rt.clone()).build()?;
    let direct = client(&server.url(), &rt)?;
    let mut consumer: Consumer = c
        .stream_consumer("s", "g", "w")
        .create_group(GroupStart::NewEntries)
        .block(Duration::from_secs(20))
        .start()
        .await?;
    let faults = {
        let (server, proxy, direct) = (server.clone(), proxy.clone(), direct.clone());
        spawn(&rt, async move {
            wait_until_blocked_in(&server, "xreadgroup", 1).await;
            proxy.set(Fault::Freeze);
            let lost = direct.xadd("s", ("n", "lost")).await?;
            // The server has delivered it: pending for "w", the reply held by the proxy.
            let pending = direct.xpending("s", "g").await?;
            assert_eq!(pending.consumers, [("w".to_owned(), 1)]);
            let new = add(&direct, "s", 0..2).await?;
            proxy.set(Fault::Reset);
            proxy.set(Fault::Pass);
            Ok::<_, anyredis::Error>((lost, new))
        })
    };
    let err = expect_next(&mut consumer)
        .await
        .expect_err("the read's connection was reset");
    assert!(err.is_connection(), "{err}");
    let (lost, new) = faults.await?;
    let delivery = expect_next(&mut consumer).await?;
    assert_eq!((delivery.id, delivery.deliveries), (lost, 2), "the lost entry first");
    consumer.ack(&delivery).await?;
    for id in &new {
        let delivery = expect_next(&mut consumer).await?;
        assert_eq!((delivery.id, delivery.deliveries), (*id, 1));
        consumer.ack(&delivery).await?;
    }
    let later = direct.xadd("s", ("n", "later")).await?;
    assert_eq!(expect_next(&mut consumer).await?.id, later);
    assert_eq!(direct.xpending("s", "g").await?.count, 1);
    consumer.close().await?;
    Ok(())
}

/// `next()` cancelled at random points (timeouts from 0 to 4 ms), the
/// consumer dropped or closed and started again, its reading connection
/// killed by the server, all while entries arrive: every entry is still
/// delivered and acknowledged exactly once, and nothing stays pending.
pub async fn cancelled_next_loses_nothing(rt: Runtime) -> TestResult {
    const N: u64 = 3000;
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let producer = {
        let c = c.clone();
        spawn(&rt, async move {
            let mut ids = Vec::new();
            for start in (0..N).step_by(10) {
                ids.extend(add(&c, "s", start..start + 10).await?);
                sleep(Duration::from_millis(2)).await;
            }
            Ok::<_, anyredis::Error>(ids)
        })
    };
    let start = || {
        c.stream_consumer("s", "g", "w")
            .create_group(GroupStart::Beginning)
            .batch_size(20)
            .block(Duration::from_millis(20))
            .start::<Fields>()
    };
    let mut rng = Rng::new(11);
    let mut consumer = start().await?;
    let mut acked: HashMap<StreamId, u32> = HashMap::new();
    let (mut cancelled, mut restarts, mut kills, mut errors) = (0, 0, 0, 0);
    let deadline = Instant::now() + Duration::from_secs(40);
    while (acked.len() as u64) < N {
        assert!(Instant::now() < deadline, "only {} of {N} acknowledged", acked.len());
        match rng.below(100) {
            0 => {
                drop(consumer);
                consumer = start().await?;
                restarts += 1;
            }
            1 => {
                consumer.close().await?;
                consumer = start().await?;
                restarts += 1;
            }
            2..=4 => {
                // The reader, blocked or between reads (a blocked one fails
                // its read; an idle one its next read, or it is replaced).
                for line in connections(&server) {
                    if info_field(&line, "cmd") == Some("xreadgroup") {
                        let id = info_field(&line, "id").unwrap();
                        server.raw_command(&["CLIENT", "KILL", "ID", id]);
                        kills += 1;
                    }
                }
            }
            _ => {}
        }
        let item = if rng.below(4) == 0 {
            // Polled once, then dropped: the fetch it started (or the buffer) stays.
            poll_once(&mut consumer)
        } else {
            next_within(&mut consumer, Duration::from_micros(rng.below(4000))).await
        };
        match item {
            None => cancelled += 1,
            Some(Err(e)) => {
                assert!(e.is_connection() || e.kind() == ErrorKind::Io, "{e}");
                errors += 1;
            }
            Some(Ok(delivery)) => {
                if consumer.ack(&delivery).await? {
                    *acked.entry(delivery.id).or_default() += 1;
                }
            }
        }
    }
    let ids = producer.await?;
    assert!(ids.iter().all(|id| acked.get(id) == Some(&1)));
    assert_eq!(c.xpending("s", "g").await?.count, 0);
    consumer.close().await?;
    eprintln!("cancelled {cancelled} next() calls, {restarts} restarts, {kills} reader kills ({errors} errors)");
    assert!(cancelled > 0 && restarts > 5, "the torture happened");
    Ok(())
}

/// The server killed and restarted (AOF, fsync always) under a consumer: it reports
/// connection errors meanwhile, then carries on by itself: every entry,
/// before and after the restart, is delivered and acknowledged.
pub async fn server_restart_mid_read(rt: Runtime) -> TestResult {
    // `appendfsync always`: with `everysec`, a killed server may lose the
    // last acknowledgements (the AOF write can lag the replies).
    let mut server = RedisServer::builder()
        .appendonly(true)
        .args(["--appendfsync", "always"])
        .build();
    let c = client(&server.url(), &rt)?;
    let mut ids = add(&c, "s", 0..20).await?;
    let mut consumer: Consumer = c
        .stream_consumer("s", "g", "w")
        .create_group(GroupStart::Beginning)
        .batch_size(5)
        .block(Duration::from_millis(200))
        .start()
        .await?;
    let mut acked = Vec::new();
    for _ in 0..5 {
        let delivery = expect_next(&mut consumer).await?;
        assert!(consumer.ack(&delivery).await?);
        acked.push(delivery.id);
    }
    server.kill();
    let err = expect_next(&mut consumer).await.expect_err("the server is down");
    assert!(err.is_connection() || err.is_io(), "{err}");
    server.restart();
    ids.extend(add(&c, "s", 20..30).await?);
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.len() < ids.len() {
        assert!(
            Instant::now() < deadline,
            "{} of {} acknowledged",
            acked.len(),
            ids.len()
        );
        match next_within(&mut consumer, Duration::from_millis(500)).await {
            None => {}
            Some(Err(e)) => assert!(e.is_connection() || e.is_io(), "{:?}: {e}", e.kind()),
            Some(Ok(delivery)) => {
                let was_pending = consumer.ack(&delivery).await?;
                assert!(was_pending, "{} acknowledged before", delivery.id);
                acked.push(delivery.id);
            }
        }
    }
    acked.sort_unstable();
    assert_eq!(acked, ids, "each entry acknowledged once");
    assert_eq!(c.xpending("s", "g").await?.count, 0);
    consumer.close().await?;
    Ok(())
}

/// Pending entries deleted from their stream (`XDEL`) cannot be delivered:
/// reading own pending entries and claiming both acknowledge them and
/// count them, and deliver the others.
pub async fn deleted_pending_entries_are_dropped(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let ids = add(&c, "s", 0..6).await?;
    let start = |name: &str| {
        c.stream_consumer("s", "g", name)
            .create_group(GroupStart::Beginning)
            .batch_size(6)
            .block(Duration::from_millis(50))
    };
    let mut first: Consumer = start("w").start().await?;
    for id in &ids {
        assert_eq!(expect_next(&mut first).await?.id, *id);
    }
    first.close().await?;
    c.xdel("s", [ids[1], ids[3]]).await?;
    let mut again: Consumer = start("w").start().await?;
    for id in [ids[0], ids[2], ids[4], ids[5]] {
        let delivery = expect_next(&mut again).await?;
        assert_eq!((delivery.id, delivery.deliveries), (id, 2));
        again.ack(&delivery).await?;
    }
    assert_eq!(again.dead_lettered_and_deleted(), (0, 2));
    assert_eq!(c.xpending("s", "g").await?.count, 0);

    // Claimed from another consumer: the same.
    let more = add(&c, "s", 6..9).await?;
    for id in &more {
        assert_eq!(expect_next(&mut again).await?.id, *id);
    }
    again.close().await?; // "w" holds them, unacknowledged
    c.xdel("s", more[0]).await?;
    let mut claimer: Consumer = start("x").claim_idle(Duration::from_millis(50)).start().await?;
    for id in &more[1..] {
        let delivery = expect_next(&mut claimer).await?;
        assert_eq!((delivery.id, delivery.deliveries), (*id, 2));
        claimer.ack(&delivery).await?;
    }
    assert_eq!(claimer.dead_lettered_and_deleted(), (0, 1));
    assert_eq!(c.xpending("s", "g").await?.count, 0);
    claimer.close().await?;
    Ok(())
}

/// An entry whose fields do not convert to the consumer's type is an error
/// item; the stream goes on, the entry stays pending, and with
/// `dead_letter(.., 1)` the next claim moves it out of the way.
pub async fn unconvertible_entry_is_an_error_item(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let good = c.xadd("s", ("n", 1)).await?;
    let bad = c.xadd("s", ("n", "not a number")).await?;
    let last = c.xadd("s", ("n", 3)).await?;
    let mut consumer: StreamConsumer<Vec<(String, u64)>> = c
        .stream_consumer("s", "g", "w")
        .create_group(GroupStart::Beginning)
        .block(Duration::from_millis(50))
        .start()
        .await?;
    let first = next_item(&mut consumer).await?;
    assert_eq!((first.id, first.fields.as_slice()), (good, &[("n".to_owned(), 1)][..]));
    consumer.ack(&first).await?;
    let err = next_item(&mut consumer).await.expect_err("not a number");
    assert!(err.is_conversion(), "{err}");
    assert!(
        err.to_string().contains(&bad.to_string()),
        "the error names the entry: {err}"
    );
    let third = next_item(&mut consumer).await?;
    assert_eq!(third.id, last);
    consumer.ack(&third).await?;
    let pending = c.xpending("s", "g").await?;
    assert_eq!((pending.count, pending.min_id), (1, Some(bad)));
    consumer.close().await?;

    let mut careful: StreamConsumer<Vec<(String, u64)>> = c
        .stream_consumer("s", "g", "w")
        .block(Duration::from_millis(20))
        .pending_first(false)
        .claim_idle(Duration::from_millis(20))
        .dead_letter("s:dead", 1)
        .start()
        .await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while careful.dead_lettered_and_deleted().0 == 0 {
        assert!(Instant::now() < deadline, "the bad entry was not dead-lettered");
        let item = select(careful.next(), Box::pin(sleep(Duration::from_millis(50)))).await;
        if let Either::Left((item, _)) = item {
            panic!("nothing else to deliver, got {item:?}");
        }
    }
    assert_eq!(c.xpending("s", "g").await?.count, 0);
    let letters: Vec<StreamEntry<DeadLetter>> = c.xrange("s:dead", "-", "+").await?;
    assert_eq!(
        (letters.len(), letters[0].fields.id, letters[0].fields.deliveries),
        (1, bad, 1)
    );
    careful.close().await?;
    Ok(())
}

async fn next_item<F: FromValue>(consumer: &mut StreamConsumer<F>) -> anyredis::Result<Delivery<F>> {
    consumer.next().await.expect("the stream goes on")
}

/// Server refusals keep their code: a stream key holding a string
/// (`WRONGTYPE` at start), a group that does not exist (`NOGROUP` as an
/// error item, again on the next poll, until the group exists).
pub async fn server_refusals_are_errors(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("text", "x").await?;
    let err = c
        .stream_consumer("text", "g", "w")
        .create_group(GroupStart::Beginning)
        .start::<Fields>()
        .await
        .expect_err("not a stream");
    assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");

    let mut consumer: Consumer = c
        .stream_consumer("nostream", "g", "w")
        .block(Duration::from_millis(20))
        .start()
        .await?;
    for _ in 0..2 {
        let err = expect_next(&mut consumer).await.expect_err("no group");
        assert!(err.is_server() && err.to_string().contains("NOGROUP"), "{err}");
    }
    c.xgroup_create_options(
        "nostream",
        "g",
        "$",
        anyredis::commands::XGroupCreateOptions::new().mkstream(),
    )
    .await?;
    let id = c.xadd("nostream", ("n", 1)).await?;
    let delivery = loop {
        match expect_next(&mut consumer).await {
            Ok(delivery) => break delivery,
            Err(e) => assert!(e.to_string().contains("NOGROUP"), "{e}"),
        }
    };
    assert_eq!(delivery.id, id);
    consumer.close().await?;
    Ok(())
}

/// A poison entry too large for a script to copy whole (4,000 fields) is
/// still dead-lettered, without its fields (a field says how many), instead
/// of failing every claim for ever.
pub async fn huge_poison_entry_is_dead_lettered(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let fields: Vec<(String, String)> = (0..4000).map(|i| (format!("f{i}"), format!("v{i}"))).collect();
    let huge = c.xadd("s", &fields).await?;
    let small = c.xadd("s", ("n", 1)).await?;
    let mut consumer: Consumer = c
        .stream_consumer("s", "g", "w")
        .create_group(GroupStart::Beginning)
        .block(Duration::from_millis(20))
        .claim_idle(Duration::from_millis(20))
        .dead_letter("s:dead", 1)
        .start()
        .await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    while consumer.dead_lettered_and_deleted().0 < 2 {
        assert!(Instant::now() < deadline, "not dead-lettered: {seen:?}");
        if let Some(delivery) = next_within(&mut consumer, Duration::from_millis(50)).await {
            let delivery = delivery?;
            assert_eq!(delivery.deliveries, 1, "max_deliveries 1: never delivered twice");
            seen.push((delivery.id, delivery.fields.len())); // and never acknowledged
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, [(huge, 4000), (small, 1)]);
    let letters: Vec<StreamEntry<DeadLetter<Fields>>> = c.xrange("s:dead", "-", "+").await?;
    let letters: HashMap<StreamId, Fields> = letters.into_iter().map(|e| (e.fields.id, e.fields.fields)).collect();
    assert_eq!(
        letters[&huge],
        [("dead-letter:omitted-fields".to_owned(), "4000".to_owned())]
    );
    assert_eq!(letters[&small], [("n".to_owned(), "1".to_owned())]);
    assert_eq!(c.xpending("s", "g").await?.count, 0);
    consumer.close().await?;
    Ok(())
}

/// A read frozen by the network after the server delivered an entry: the
/// response timeout (block time + 300 ms) fails it, the consumer takes a new
/// connection and delivers that entry again before new ones; the frozen
/// shared connection (the recovery's script runs there) is replaced after
/// `unresponsive_timeout`.
pub async fn frozen_read_times_out_and_is_recovered(rt: Runtime) -> TestResult {
    let server = Arc::new(RedisServer::new());
    let proxy = Arc::new(FaultProxy::start(server.addr()));
    let c = ClientBuilder::from_url(&proxy.url())?
        .response_timeout(Some(Duration::from_millis(300)))
        .unresponsive_timeout(Some(Duration::from_millis(400)))
        .runtime(rt.clone())
        .build()?;
    let direct = client(&server.url(), &rt)?;
    let mut consumer: Consumer = c
        .stream_consumer("s", "g", "w")
        .create_group(GroupStart::NewEntries)
        .block(Duration::from_millis(500))
        .start()
        .await?;
    let faults = {
        let (server, proxy, direct) = (server.clone(), proxy.clone(), direct.clone());
        spawn(&rt, async move {
            wait_until_blocked_in(&server, "xreadgroup", 1).await;
            proxy.set(Fault::Freeze);
            let frozen = direct.xadd("s", ("n", "frozen")).await?;
            let pending = direct.xpending("s", "g").await?;
            assert_eq!(pending.consumers, [("w".to_owned(), 1)]);
            Ok::<_, anyredis::Error>(frozen)
        })
    };
    let err = expect_next(&mut consumer).await.expect_err("the frozen read times out");
    assert!(err.is_timeout(), "{err}");
    let frozen = faults.await?;
    let after = direct.xadd("s", ("n", "after")).await?;
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while got.len() < 2 {
        assert!(Instant::now() < deadline, "got only {got:?}");
        match next_within(&mut consumer, Duration::from_millis(500)).await {
            None => {}
            // The frozen shared connection fails the recovery's first tries.
            Some(Err(e)) => assert!(e.is_timeout() || e.is_connection(), "{e}"),
            Some(Ok(delivery)) => {
                consumer.ack(&delivery).await?;
                got.push((delivery.id, delivery.deliveries));
            }
        }
    }
    assert_eq!(got, [(frozen, 2), (after, 1)]);
    proxy.set(Fault::Pass);
    consumer.close().await?;
    Ok(())
}

/// A handler slower than `claim_idle`: another consumer claims its entry
/// meanwhile (delivery 2) and acknowledges it; the slow one's late
/// acknowledgement then says the entry was no longer pending, so the
/// server counted exactly one.
pub async fn slow_handler_loses_its_entry_to_a_claim(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let id = c.xadd("s", ("n", 1)).await?;
    let start = |name: &str| {
        c.stream_consumer("s", "g", name)
            .create_group(GroupStart::Beginning)
            .block(Duration::from_millis(20))
            .claim_idle(Duration::from_millis(100))
            .start::<Fields>()
    };
    let mut slow = start("slow").await?;
    let first = expect_next(&mut slow).await?;
    assert_eq!((first.id, first.deliveries), (id, 1));
    let fast = start("fast").await?;
    let claimed = spawn(&rt, async move {
        let mut fast = fast;
        let delivery = expect_next(&mut fast).await?;
        let acked = fast.ack(&delivery).await?;
        fast.close().await?;
        Ok::<_, anyredis::Error>((delivery.id, delivery.deliveries, acked))
    });
    assert_eq!(claimed.await?, (id, 2, true));
    assert!(!slow.ack(&first).await?, "acknowledged by the other consumer already");
    assert_eq!(c.xpending("s", "g").await?.count, 0);
    slow.close().await?;
    Ok(())
}
