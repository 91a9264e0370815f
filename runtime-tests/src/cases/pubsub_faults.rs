//! The pub/sub handle under failure: server restarts and killed connections
//! (resubscribe exactly the current set), a frozen connection (health
//! checks), slow consumers (delivery policies) and cancelled reads.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyredis::prelude::*;
use anyredis::pubsub::{DeliveryPolicy, Message, PubSub};
use anyredis::Runtime;
use anyredis_test_support::{Fault, FaultProxy, RedisServer};
use futures_util::future::{select, Either};
use futures_util::StreamExt;

use super::pubsub::{client_with_protocol, next};
use crate::util::{client, kill_pubsub_connections, server_version, sleep, spawn, wait_for, Rng};
use crate::TestResult;

/// Reads messages until `done` holds for one of them (other messages are
/// skipped); fails after `limit`.
async fn until(pubsub: &PubSub, limit: Duration, mut done: impl FnMut(&Message) -> bool) -> Result<Message, String> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(m) = pubsub
            .get_message(Duration::from_millis(100))
            .await
            .map_err(|e| e.to_string())?
        {
            if done(&m) {
                return Ok(m);
            }
        }
    }
    Err(format!("nothing matching within {limit:?}"))
}

fn set(names: Vec<String>) -> BTreeSet<String> {
    names.into_iter().collect()
}

/// 1,000 channels, 10 patterns and 10 shard channels (Redis 7+), 100
/// channels unsubscribed; the server is killed (-9) and restarted, then the
/// connection is killed twice 50 ms apart. Each time the handle reports the
/// outage, and the server ends up with exactly the current set; messages
/// published afterwards arrive. RESP3 and RESP2.
pub async fn resubscribe_after_restart_and_kills(rt: Runtime) -> TestResult {
    let mut server = RedisServer::new();
    let shards = server_version() >= (7, 0, 0);
    for protocol in [3, 2] {
        let c = client_with_protocol(&server, &rt, protocol)?;
        let p = c.pubsub_builder().ignore_subscribe_messages(true).build();
        let channels: Vec<String> = (0..1000).map(|i| format!("ch:{i}")).collect();
        p.subscribe(channels.clone()).await?;
        p.psubscribe((0..10).map(|i| format!("pat:{i}:*")).collect::<Vec<_>>())
            .await?;
        if shards {
            p.ssubscribe((0..10).map(|i| format!("shard:{i}")).collect::<Vec<_>>())
                .await?;
        }
        p.unsubscribe(channels[..100].to_vec()).await?;
        let expected = set(channels[100..].to_vec());

        let started = Instant::now();
        server.kill();
        server.restart();
        let m = until(&p, Duration::from_secs(20), |m| {
            matches!(m, Message::Reconnected { .. })
        })
        .await?;
        let Message::Reconnected { outage, attempts } = m else {
            unreachable!()
        };
        let c = client_with_protocol(&server, &rt, protocol)?;
        wait_for("the set restored", Duration::from_secs(20), || {
            let list = server.raw_command(&["PUBSUB", "NUMSUB", "ch:999"]);
            list.lines().nth(1) == Some("1")
        })
        .await?;
        println!(
            "RESP{protocol}: restart to restored set: {:?} (outage reported {outage:?}, {attempts} attempts)",
            started.elapsed()
        );

        for _ in 0..2 {
            kill_pubsub_connections(&c).await?;
            sleep(Duration::from_millis(50)).await;
        }
        until(&p, Duration::from_secs(20), |m| {
            matches!(m, Message::Reconnected { .. })
        })
        .await?;
        // Everything restored, nothing unsubscribed came back.
        wait_for("exactly the current set", Duration::from_secs(20), || {
            server.raw_command(&["PUBSUB", "NUMPAT"]).trim() == "10"
                && server.raw_command(&["PUBSUB", "CHANNELS"]).lines().count() == 900
        })
        .await?;
        let on_server = set(c.pubsub_channels().await?);
        assert_eq!(on_server, expected, "RESP{protocol}");
        assert_eq!(c.pubsub_numpat().await?, 10);
        if shards {
            let shard_set = set(c.pubsub_shardchannels().await?);
            assert_eq!(shard_set, set((0..10).map(|i| format!("shard:{i}")).collect()));
        }
        assert_eq!(p.channels().len(), 900);

        // Messages published after recovery arrive; an unsubscribed channel stays silent.
        assert_eq!(c.publish("ch:0", "gone").await?, 0);
        assert_eq!(c.publish("ch:500", "after").await?, 1);
        assert_eq!(c.publish("pat:3:x", "after").await?, 1);
        let mut got = Vec::new();
        while got.len() < 2 {
            if let Some(p) = next(&p, "messages after recovery").await?.as_publication() {
                got.push(p.payload::<String>()?);
            }
        }
        assert_eq!(got, ["after", "after"]);
        if shards {
            assert_eq!(c.spublish("shard:7", "s").await?, 1);
            let m = until(&p, Duration::from_secs(5), |m| m.as_publication().is_some()).await?;
            assert_eq!(m.channel(), Some(&b"shard:7"[..]));
        }
        p.close().await;
    }
    Ok(())
}

/// A connection that freezes (open but silent) is found by the health check
/// and replaced; the subscription works again afterwards.
pub async fn frozen_connection_is_replaced(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = client(&proxy.url(), &rt)?;
    let p = c
        .pubsub_builder()
        .ignore_subscribe_messages(true)
        .health_check_interval(Some(Duration::from_millis(200)))
        .build();
    p.subscribe("news").await?;
    proxy.set(Fault::Freeze);
    let m = until(&p, Duration::from_secs(10), |m| {
        matches!(m, Message::Disconnected { .. })
    })
    .await?;
    let Message::Disconnected { reason } = m else {
        unreachable!()
    };
    assert!(
        matches!(
            reason.kind(),
            ErrorKind::ConnectionLost | ErrorKind::Io | ErrorKind::Closed
        ),
        "{reason}"
    );
    proxy.set(Fault::Pass);
    until(&p, Duration::from_secs(10), |m| {
        matches!(m, Message::Reconnected { .. })
    })
    .await?;
    let publisher = client(&server.url(), &rt)?;
    wait_for("resubscribed", Duration::from_secs(10), || {
        server.raw_command(&["PUBSUB", "NUMSUB", "news"]).lines().nth(1) == Some("1")
    })
    .await?;
    assert_eq!(publisher.publish("news", "back").await?, 1);
    let m = until(&p, Duration::from_secs(5), |m| m.as_publication().is_some()).await?;
    assert_eq!(m.payload::<String>()?, "back");
    Ok(())
}

/// Publishes `count` messages of `size` bytes to `channel`, pipelined.
pub async fn publish_many(c: &Client, channel: &str, count: usize, size: usize) -> anyredis::Result<()> {
    let payload = vec![b'x'; size];
    for start in (0..count).step_by(1000) {
        let pipe = c.pipeline();
        for _ in start..count.min(start + 1000) {
            pipe.publish(channel, &payload[..]);
        }
        pipe.query::<Vec<i64>>().await?;
    }
    Ok(())
}

/// A handle subscribed to `channel` with a buffer of `bound` messages and
/// `policy`, confirmations hidden: the slow consumer of these tests.
pub async fn slow_subscriber(
    c: &Client,
    channel: &str,
    bound: usize,
    policy: DeliveryPolicy,
) -> anyredis::Result<PubSub> {
    let p = c
        .pubsub_builder()
        .ignore_subscribe_messages(true)
        .buffer(bound, 64 << 20)
        .policy(policy)
        .build();
    p.subscribe(channel).await?;
    Ok(p)
}

/// A consumer that sleeps while 100,000 messages are published: with each
/// policy the buffer never holds more than its bound (plus one); with the
/// drop policies, delivered + dropped == published and the gap events add
/// up to the drop count; with backpressure everything is delivered.
pub async fn slow_consumer_policies(rt: Runtime) -> TestResult {
    const PUBLISHED: usize = 100_000;
    const BOUND: usize = 1000;
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    for policy in [
        DeliveryPolicy::Backpressure,
        DeliveryPolicy::DropOldest,
        DeliveryPolicy::DropNewest,
    ] {
        let p = slow_subscriber(&c, "firehose", BOUND, policy).await?;
        let publisher = c.clone();
        let publishing = spawn(
            &rt,
            async move { publish_many(&publisher, "firehose", PUBLISHED, 16).await },
        );
        let mut peak = 0;
        let (mut delivered, mut gaps) = (0u64, 0u64);
        // Sleep while the publisher runs, watching the buffer's size.
        let mut publishing = Box::pin(publishing);
        loop {
            peak = peak.max(p.buffered());
            match select(publishing.as_mut(), Box::pin(sleep(Duration::from_millis(5)))).await {
                Either::Left((result, _)) => {
                    result?;
                    break;
                }
                Either::Right(_) => {}
            }
        }
        // Then read everything there is.
        let deadline = Instant::now() + Duration::from_secs(60);
        while delivered + gaps < PUBLISHED as u64 && Instant::now() < deadline {
            peak = peak.max(p.buffered());
            match p.get_message(Duration::from_secs(2)).await? {
                Some(Message::Published(_)) => delivered += 1,
                Some(Message::Dropped { count }) => gaps += count,
                Some(other) => return Err(format!("{policy:?}: unexpected {other:?}").into()),
                None => break,
            }
        }
        assert!(peak <= BOUND + 1, "{policy:?}: the buffer held {peak}");
        assert_eq!(gaps, p.dropped(), "{policy:?}: gap events add up to the drop count");
        assert_eq!(delivered + p.dropped(), PUBLISHED as u64, "{policy:?}");
        match policy {
            DeliveryPolicy::Backpressure => assert_eq!(p.dropped(), 0),
            _ => assert!(p.dropped() > 0, "{policy:?}: the consumer slept through most of it"),
        }
        println!(
            "{policy:?}: delivered {delivered}, dropped {}, buffer peak {peak}",
            p.dropped()
        );
        p.close().await;
    }
    Ok(())
}

/// Reads cancelled at random points (a `get_message` or a stream `next()`
/// raced against a short timer) lose no message: all 5,000 published
/// messages are read exactly once, in order.
pub async fn cancelled_reads_lose_nothing(rt: Runtime) -> TestResult {
    const PUBLISHED: usize = 5000;
    let server = RedisServer::new();
    for protocol in [3, 2] {
        let c = client_with_protocol(&server, &rt, protocol)?;
        let p = c.pubsub_builder().ignore_subscribe_messages(true).build();
        p.subscribe("numbers").await?;
        let publisher = c.clone();
        let publishing = spawn(&rt, async move {
            for start in (0..PUBLISHED).step_by(100) {
                let pipe = publisher.pipeline();
                for i in start..start + 100 {
                    pipe.publish("numbers", i);
                }
                pipe.query::<Vec<i64>>().await?;
            }
            Ok::<_, anyredis::Error>(())
        });
        let mut rng = Rng::new(protocol as u64 * 7919);
        let mut expected = 0usize;
        let mut stream = p.messages();
        let deadline = Instant::now() + Duration::from_secs(60);
        while expected < PUBLISHED && Instant::now() < deadline {
            let limit = Duration::from_micros(rng.below(300));
            let got = if rng.below(2) == 0 {
                match select(Box::pin(p.get_message(Duration::from_secs(5))), Box::pin(sleep(limit))).await {
                    Either::Left((m, _)) => m?,
                    Either::Right(_) => None,
                }
            } else {
                match select(stream.next(), Box::pin(sleep(limit))).await {
                    Either::Left((m, _)) => m,
                    Either::Right(_) => None,
                }
            };
            if let Some(m) = got {
                assert_eq!(m.payload::<usize>()?, expected, "RESP{protocol}: in order, none lost");
                expected += 1;
            }
        }
        publishing.await?;
        assert_eq!(expected, PUBLISHED, "RESP{protocol}");
    }
    Ok(())
}

/// Subscribe and unsubscribe calls dropped at random points still complete,
/// in call order: afterwards the handle's set and the server's agree
/// exactly (channels subscribed, the even ones then unsubscribed).
pub async fn cancelled_subscription_changes_complete(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let p = c.pubsub_builder().ignore_subscribe_messages(true).build();
    let mut rng = Rng::new(42);
    for i in 0..200 {
        let limit = Duration::from_micros(rng.below(400));
        let _ = select(Box::pin(p.subscribe(format!("c{i}"))), Box::pin(sleep(limit))).await;
    }
    for i in (0..200).step_by(2) {
        let limit = Duration::from_micros(rng.below(400));
        let _ = select(Box::pin(p.unsubscribe(format!("c{i}"))), Box::pin(sleep(limit))).await;
    }
    // Queued behind every earlier change.
    p.subscribe("fence").await?;
    let mut expected: BTreeSet<String> = (1..200).step_by(2).map(|i| format!("c{i}")).collect();
    expected.insert("fence".to_owned());
    let mine: BTreeSet<String> = p
        .channels()
        .iter()
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    assert_eq!(mine, expected, "the handle's set");
    assert_eq!(set(c.pubsub_channels().await?), expected, "the server's set");
    Ok(())
}
