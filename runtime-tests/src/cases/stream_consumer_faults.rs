//! The stream consumer-group worker under failure: a read whose reply is
//! lost, `next()` cancelled at random points, a server restart mid-read,
//! deleted or unconvertible entries, server refusals, a huge poison entry, a
//! frozen read and a slow handler.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::commands::{StreamEntry, StreamId};
use anyredis::prelude::*;
use anyredis::stream_consumer::{DeadLetter, Delivery, GroupStart, StreamConsumer};
use anyredis::{ClientBuilder, ErrorKind, Runtime};
use anyredis_test_support::{Fault, FaultProxy, RedisServer};
use futures_util::future::{select, Either};
use futures_util::StreamExt;

use super::stream_consumer::{add, expect_next, next_within, poll_once, Consumer, Fields};
use crate::util::{client, connections, info_field, sleep, spawn, wait_until_blocked_in, Rng};
use crate::TestResult;

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
