//! The pub/sub handle: the seeds' walk-through, payloads, handlers and their
//! worker, ping, keyspace events, MONITOR and the shared connection's pushes,
//! on RESP2 and RESP3.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::prelude::*;
use anyredis::pubsub::{Handler, KeyspaceEvent, Message, PubSub, SubscriptionKind};
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use futures_util::StreamExt;

use crate::util::{client, info_field, spawn, wait_for};
use crate::TestResult;

/// A client on `server` with RESP3 (`3`) or RESP2 (`2`).
pub fn client_with_protocol(server: &RedisServer, rt: &Runtime, protocol: u8) -> anyredis::Result<Client> {
    client(&format!("{}?protocol={protocol}", server.url()), rt)
}

/// The next message within 5 s, or an error saying what was expected.
pub async fn next(pubsub: &PubSub, what: &str) -> Result<Message, String> {
    match pubsub.get_message(Duration::from_secs(5)).await {
        Ok(Some(message)) => Ok(message),
        Ok(None) => Err(format!("no message within 5 s; expected {what}")),
        Err(e) => Err(format!("{e}; expected {what}")),
    }
}

fn confirmation(message: &Message) -> (bool, SubscriptionKind, String, i64) {
    match message {
        Message::Subscription(s) => (
            s.is_subscribe(),
            s.kind(),
            String::from_utf8_lossy(s.channel().unwrap_or(b"<none>")).into_owned(),
            s.remaining(),
        ),
        other => panic!("expected a confirmation, got {other:?}"),
    }
}

/// The seeds' walk-through, on RESP3 and RESP2: confirmations in order with
/// counts 1, 2, 3; a publish matched by a channel and a pattern reaches 2
/// subscriptions and arrives as a message then a pmessage; unsubscribing
/// counts down 2, 1, 0; a handler takes its message and `get_message`
/// returns `None` for it; hidden confirmations; an idle `get_message`
/// returns `None` promptly.
pub async fn seeds_walkthrough(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for protocol in [3, 2] {
        let c = client_with_protocol(&server, &rt, protocol)?;
        let p = c.pubsub();
        assert!(!p.is_connected(), "lazy: no connection before the first subscribe");
        p.subscribe(["my-first-channel", "my-second-channel"]).await?;
        p.psubscribe("my-*").await?;
        let expected = [
            (true, SubscriptionKind::Channel, "my-first-channel", 1),
            (true, SubscriptionKind::Channel, "my-second-channel", 2),
            (true, SubscriptionKind::Pattern, "my-*", 3),
        ];
        for (subscribed, kind, name, count) in expected {
            let m = next(&p, "a confirmation").await?;
            assert_eq!(
                confirmation(&m),
                (subscribed, kind, name.to_owned(), count),
                "RESP{protocol}"
            );
        }
        assert_eq!(c.publish("my-first-channel", "some data").await?, 2);
        let m = next(&p, "message").await?;
        let pm = next(&p, "pmessage").await?;
        let (m, pm) = (
            m.as_publication().expect("message"),
            pm.as_publication().expect("pmessage"),
        );
        assert_eq!(
            (m.kind(), m.channel(), m.pattern()),
            (SubscriptionKind::Channel, &b"my-first-channel"[..], None)
        );
        assert_eq!(m.payload::<String>()?, "some data");
        assert_eq!(
            (pm.kind(), pm.pattern()),
            (SubscriptionKind::Pattern, Some(&b"my-*"[..]))
        );
        assert_eq!(pm.channel_str(), Some("my-first-channel"));

        p.unsubscribe_all().await?;
        p.punsubscribe_all().await?;
        let mut counts = Vec::new();
        for _ in 0..3 {
            counts.push(confirmation(&next(&p, "an unsubscribe confirmation").await?).3);
        }
        assert_eq!(counts, [2, 1, 0], "RESP{protocol}");
        assert!(!p.is_subscribed());

        // A handler takes its message; get_message returns None for it.
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        let handler = Handler::new(move |m| {
            assert_eq!(m.payload::<String>().ok().as_deref(), Some("awesome data"));
            counter.fetch_add(1, Ordering::SeqCst);
        });
        p.subscribe_with("my-channel", handler).await?;
        let _confirmation = next(&p, "the handler's subscription").await?;
        assert_eq!(c.publish("my-channel", "awesome data").await?, 1);
        let mut got = None;
        for _ in 0..50 {
            got = p.get_message(Duration::from_millis(100)).await?;
            if seen.load(Ordering::SeqCst) == 1 {
                break;
            }
        }
        assert!(got.is_none(), "the handler's message is not returned: {got:?}");
        assert_eq!(seen.load(Ordering::SeqCst), 1);

        // Nothing published: None within about the timeout (generous bound: a slow CI machine).
        let start = Instant::now();
        assert!(p.get_message(Duration::from_millis(50)).await?.is_none());
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(45) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
        p.close().await;

        let quiet = c.pubsub_builder().ignore_subscribe_messages(true).build();
        quiet.subscribe("quiet").await?;
        assert_eq!(c.publish("quiet", "only this").await?, 1);
        let m = next(&quiet, "the message, no confirmation").await?;
        assert_eq!(m.payload::<String>()?, "only this", "RESP{protocol}");
        assert_eq!(
            quiet.ping().await?.as_ref(),
            b"PONG",
            "RESP{protocol}: PING while subscribed"
        );
        assert_eq!(quiet.ping_with("hi").await?.as_ref(), b"hi", "RESP{protocol}");
    }
    Ok(())
}

/// Binary payloads (`\r\n`, `\0`, invalid UTF-8) and a 1 MiB payload arrive
/// exactly, on a channel and a shard channel, on both protocols.
pub async fn binary_and_large_payloads(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let shards = crate::util::server_version() >= (7, 0, 0);
    for protocol in [3, 2] {
        let c = client_with_protocol(&server, &rt, protocol)?;
        let p = c.pubsub_builder().ignore_subscribe_messages(true).build();
        p.subscribe(&b"bin\r\n\0\xff"[..]).await?;
        if shards {
            p.ssubscribe("shard").await?;
        }
        let large: Vec<u8> = (0..1 << 20).map(|i: u32| (i.wrapping_mul(31) % 251) as u8).collect();
        for payload in [&b"\r\n\0\xff\xfe"[..], b"", &large] {
            assert_eq!(c.publish(&b"bin\r\n\0\xff"[..], payload).await?, 1);
            let m = next(&p, "the binary message").await?;
            let m = m.as_publication().expect("a publication");
            assert_eq!(m.channel(), b"bin\r\n\0\xff");
            assert!(
                m.payload_bytes().as_ref() == payload,
                "RESP{protocol}: {} bytes",
                payload.len()
            );
            if shards {
                assert_eq!(c.spublish("shard", payload).await?, 1);
                let m = next(&p, "the shard message").await?;
                let m = m.as_publication().expect("a publication");
                assert_eq!(
                    (m.kind(), m.payload_bytes().len()),
                    (SubscriptionKind::Shard, payload.len())
                );
                assert!(m.payload_bytes().as_ref() == payload);
            }
        }
    }
    Ok(())
}

/// Handlers (sync and async) run on the worker; the worker refuses to start
/// while a subscription has no handler; `stop()` returns promptly and the
/// connection is closed afterwards.
pub async fn handlers_worker(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let p = c.pubsub();
    let sync_seen = Arc::new(AtomicUsize::new(0));
    let async_seen = Arc::new(AtomicUsize::new(0));
    let (s, a) = (sync_seen.clone(), async_seen.clone());
    p.subscribe_with(
        "sync",
        Handler::new(move |_| {
            s.fetch_add(1, Ordering::SeqCst);
        }),
    )
    .await?;
    p.psubscribe_with(
        "async.*",
        Handler::from_async(move |m| {
            let a = a.clone();
            async move {
                async_io::Timer::after(Duration::from_millis(1)).await;
                assert!(m.channel().starts_with(b"async."));
                a.fetch_add(1, Ordering::SeqCst);
            }
        }),
    )
    .await?;
    p.subscribe("no-handler").await?;
    let err = p.run_handlers().expect_err("a subscription without a handler");
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(err.to_string().contains("no-handler"), "{err}");
    p.unsubscribe("no-handler").await?;

    let worker = p.run_handlers()?;
    for i in 0..20 {
        c.publish("sync", i).await?;
        c.publish(format!("async.{i}"), i).await?;
    }
    wait_for("the handlers ran", Duration::from_secs(10), || {
        sync_seen.load(Ordering::SeqCst) == 20 && async_seen.load(Ordering::SeqCst) == 20
    })
    .await?;
    let start = Instant::now();
    worker.stop().await;
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "stop took {:?}",
        start.elapsed()
    );
    // Our side closed the socket before stop() returned; the server notices
    // a moment later.
    wait_for(
        "the server sees the subscriber's connection closed",
        Duration::from_secs(5),
        || {
            let list = server.raw_command(&["CLIENT", "LIST"]);
            list.lines()
                .all(|l| info_field(l, "sub") == Some("0") && info_field(l, "psub") == Some("0"))
        },
    )
    .await?;
    assert_eq!(c.publish("sync", "late").await?, 0);
    let err = p.get_message(Duration::from_millis(10)).await.expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::Closed);
    Ok(())
}

/// Keyspace notifications parse into `KeyspaceEvent`s (keyspace and keyevent forms).
pub async fn keyspace_events(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    server.raw_command(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    let c = client(&server.url(), &rt)?;
    let p = c.pubsub_builder().ignore_subscribe_messages(true).build();
    p.subscribe_keyspace(0, "user:*").await?;
    p.subscribe_keyevent(0, "del").await?;
    c.set("user:1", "x").await?;
    c.del("user:1").await?;
    let mut events = Vec::new();
    while events.len() < 3 {
        let m = next(&p, "a keyspace event").await?;
        let event = KeyspaceEvent::parse(m.as_publication().expect("publication")).expect("a keyspace event");
        events.push((
            event.db,
            String::from_utf8_lossy(&event.key).into_owned(),
            String::from_utf8_lossy(&event.event).into_owned(),
        ));
    }
    let events: BTreeSet<_> = events.into_iter().collect();
    let expected: BTreeSet<_> = [(0, "user:1", "set"), (0, "user:1", "del")]
        .map(|(d, k, e)| (d, k.to_owned(), e.to_owned()))
        .into_iter()
        .collect();
    assert_eq!(events, expected);
    Ok(())
}

/// MONITOR sees another client's commands with their arguments; refused on
/// the shared and dedicated connections.
pub async fn monitor_sees_commands(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let mut monitor = c.monitor().await?;
    let other = client(&server.url(), &rt)?;
    other.set("watched", &b"v\r\n\x00\xff"[..]).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let line = futures_util::future::select(
            monitor.next(),
            Box::pin(async_io::Timer::after(Duration::from_secs(10))),
        );
        let line = match line.await {
            futures_util::future::Either::Left((Some(line), _)) => line,
            _ => return Err("MONITOR ended or was silent".into()),
        };
        if line.command() == "SET" {
            assert_eq!(&line.args[1][..], b"watched");
            assert_eq!(&line.args[2][..], b"v\r\n\x00\xff");
            assert_eq!(line.db, 0);
            assert!(line.client.starts_with("127.0.0.1:"), "{}", line.client);
            break;
        }
        assert!(Instant::now() < deadline, "no SET line");
    }
    assert_eq!(monitor.unparsed(), 0);
    drop(monitor);
    let err = c.cmd("MONITOR").query::<Value>().await.expect_err("refused on shared");
    assert_eq!(err.kind(), ErrorKind::Usage);
    Ok(())
}

/// On RESP3, a push that arrives on the shared connection (invalidations
/// redirected to it by another connection's CLIENT TRACKING) goes to
/// `push_messages`, and never to a caller's reply.
pub async fn shared_connection_pushes(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let mut pushes = c.push_messages();
    let shared_id = c.client_id().await?;
    let tracker = c.dedicated().await?;
    tracker
        .cmd("CLIENT")
        .arg("TRACKING")
        .arg("ON")
        .arg("REDIRECT")
        .arg(shared_id)
        .query::<()>()
        .await?;
    c.set("tracked", 1).await?;
    let _: Option<String> = tracker.cmd("GET").arg("tracked").query().await?;
    let writer = client(&server.url(), &rt)?;
    // Replies on the shared connection stay in step around the push.
    let callers = (0..50).map(|i| {
        let c = c.clone();
        spawn(&rt, async move { c.incr(format!("n{i}")).await })
    });
    writer.set("tracked", 2).await?;
    for caller in callers {
        assert_eq!(caller.await?, 1);
    }
    let push = futures_util::future::select(pushes.next(), Box::pin(async_io::Timer::after(Duration::from_secs(10))));
    let push = match push.await {
        futures_util::future::Either::Left((Some(push), _)) => push,
        _ => return Err("no invalidation push within 10 s".into()),
    };
    let Value::Push(items) = push else {
        return Err(format!("expected a push: {push:?}").into());
    };
    assert_eq!(
        items.first(),
        Some(&Value::BulkString("invalidate".into())),
        "{items:?}"
    );
    assert_eq!(c.get::<i64>("tracked").await?, 2);
    Ok(())
}
