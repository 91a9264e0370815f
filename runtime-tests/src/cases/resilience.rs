//! Claims that need a misbehaving network or server to check: pipelines
//! resent after a lost connection, reconnect backoff, and blocking commands
//! diverted off the shared connection. The network faults come from
//! [`FaultProxy`] (std threads, so the same on every runtime).

use std::time::{Duration, Instant};

use anyredis::commands::{Side, XReadGroupOptions, XReadOptions};
use anyredis::prelude::*;
use anyredis::{ClientBuilder, RequestState, Runtime};
use anyredis_test_support::{FaultProxy, RedisServer};
use futures_util::future::join;

use crate::util::{client, connections, info_field, server_version, sleep, spawn, wait_for, wait_until_blocked_in};
use crate::TestResult;

const SETTLE: Duration = Duration::from_secs(20);

/// How many connections the server holds blocked (`flags` has `b`).
fn blocked(server: &RedisServer) -> usize {
    connections(server)
        .iter()
        .filter(|l| info_field(l, "flags").is_some_and(|f| f.contains('b')))
        .count()
}

/// A pipeline whose connection is reset after it was sent: without
/// `idempotent()` it fails saying it was sent (and the server never ran it:
/// its connection was gone before the pause ended); with it, it is sent once
/// more on a new connection and succeeds.
pub async fn idempotent_pipeline_resent(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = client(&proxy.url(), &rt)?;
    assert_eq!(c.ping().await?, "PONG");
    for idempotent in [false, true] {
        let accepted = proxy.accepted();
        // Writes wait while the server is paused: the pipeline stays in flight.
        server.raw_command(&["CLIENT", "PAUSE", "20000", "WRITE"]);
        let pipe = c.pipeline();
        let pipe = if idempotent { pipe.idempotent() } else { pipe };
        pipe.set("k", "v").get::<String>("k");
        let sent = spawn(&rt, async move { pipe.query::<((), String)>().await });
        wait_for("the pipeline to be held by the pause", SETTLE, || blocked(&server) == 1).await?;
        proxy.reset_all();
        if idempotent {
            // The resend arrives on a new connection and waits for the pause too.
            wait_for("the pipeline to be sent again", SETTLE, || {
                proxy.accepted() > accepted && blocked(&server) == 1
            })
            .await?;
            server.raw_command(&["CLIENT", "UNPAUSE"]);
            let ((), v) = sent.await?;
            assert_eq!(v, "v");
        } else {
            let err = sent.await.expect_err("the connection was reset after sending");
            assert!(err.is_connection(), "{err}");
            assert_eq!(err.request_state(), RequestState::SentUnanswered, "{err}");
            server.raw_command(&["CLIENT", "UNPAUSE"]);
            assert_eq!(
                server.raw_command(&["EXISTS", "k"]),
                "0",
                "the reset pipeline never ran"
            );
        }
    }
    assert_eq!(c.get::<String>("k").await?, "v");
    Ok(())
}

/// With the server down, connection attempts are spaced by the reconnect
/// backoff (capped, with jitter in [50%, 100%]); once it is back, the client
/// recovers by itself.
pub async fn reconnect_backoff_end_to_end(rt: Runtime) -> TestResult {
    let (first, cap) = (Duration::from_millis(100), Duration::from_millis(400));
    let mut server = RedisServer::builder().appendonly(true).build();
    let proxy = FaultProxy::start(server.addr());
    let c = ClientBuilder::from_url(&proxy.url())?
        .reconnect_backoff(first, cap)
        .connect_timeout(Some(Duration::from_secs(5)))
        .runtime(rt.clone())
        .build()?;
    c.set("kept", "yes").await?;
    server.kill();
    let before = proxy.accepted_at().len();
    let (mut calls, mut errors) = (0, 0);
    let started = Instant::now();
    // Call until the client has made 6 attempts against the dead server.
    while proxy.accepted_at().len() < before + 6 {
        calls += 1;
        if let Err(e) = c.ping().await {
            assert!(e.is_connection() || e.is_io(), "{e}");
            errors += 1;
        }
        assert!(
            started.elapsed() < SETTLE,
            "too few attempts: {:?}",
            proxy.accepted_at()
        );
        sleep(Duration::from_millis(5)).await;
    }
    let attempts = proxy.accepted_at()[before..].to_vec();
    let gaps: Vec<Duration> = attempts.windows(2).map(|w| w[1] - w[0]).collect();
    eprintln!(
        "backoff on {}: {calls} calls, {errors} errors, gaps between attempts {gaps:?}",
        rt.name()
    );
    assert_eq!(errors, calls, "every call failed while the server was down");
    for (i, gap) in gaps.iter().enumerate() {
        let full = first.saturating_mul(1 << i.min(10)).min(cap);
        // Equal jitter: at least half the full delay (minus timer slack).
        assert!(
            *gap + Duration::from_millis(5) >= full / 2,
            "attempt {}: {gap:?} after the previous one, expected at least {:?} ({gaps:?})",
            i + 2,
            full / 2
        );
    }
    assert!(
        gaps.iter().any(|g| *g >= cap / 2),
        "the delay grows to the cap: {gaps:?}"
    );
    server.restart();
    let recovered = Instant::now();
    let value = loop {
        match c.get::<Option<String>>("kept").await {
            Ok(v) => break v,
            Err(e) if e.is_connection() || e.code() == Some("LOADING") => {
                assert!(recovered.elapsed() < SETTLE, "no recovery: {e}");
                sleep(Duration::from_millis(10)).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    assert_eq!(value.as_deref(), Some("yes"));
    Ok(())
}

/// XREAD BLOCK, XREADGROUP BLOCK, BLMOVE and BLMPOP issued on a `Client` run
/// on a pooled connection: the server shows them blocked on a connection
/// other than the shared one, which answers meanwhile.
pub async fn blocking_commands_leave_the_shared_connection(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("k", "v").await?;
    // So far only the shared connection exists: that is its id.
    let first = connections(&server);
    assert_eq!(first.len(), 1, "{first:?}");
    let shared_id: i64 = info_field(&first[0], "id")
        .and_then(|i| i.parse().ok())
        .ok_or("an id")?;
    let wait = Duration::from_secs(15);
    let check = |cmd: &'static str| {
        let (server, c) = (&server, &c);
        async move {
            wait_until_blocked_in(server, cmd, 1).await;
            let line = connections(server)
                .into_iter()
                .find(|l| info_field(l, "cmd") == Some(cmd))
                .expect("the blocked connection");
            let id: i64 = info_field(&line, "id").and_then(|i| i.parse().ok()).unwrap_or(-1);
            assert_ne!(id, shared_id, "{cmd} blocks the shared connection: {line}");
            // The shared connection answers while the other one blocks ...
            assert_eq!(c.get::<String>("k").await.unwrap(), "v");
            // ... and it was the shared connection that did.
            let shared = connections(server)
                .into_iter()
                .find(|l| info_field(l, "id") == Some(&*shared_id.to_string()))
                .expect("the shared connection is still there");
            assert_eq!(info_field(&shared, "cmd"), Some("get"), "{shared}");
        }
    };

    c.xadd("s", [("f", "0")]).await?;
    let (read, ()) = join(
        c.xread_options::<Vec<(String, String)>>(["s"], ["$"], XReadOptions::new().block(wait)),
        async {
            check("xread").await;
            c.xadd("s", [("f", "1")]).await.unwrap();
        },
    )
    .await;
    assert_eq!(read?[0].entries[0].fields, [("f".to_owned(), "1".to_owned())]);

    c.xgroup_create("s", "g", "$").await?;
    let opts = XReadGroupOptions::new().block(wait).count(1);
    let (read, ()) = join(
        c.xreadgroup_options::<Vec<(String, String)>>("g", "consumer", ["s"], [">"], opts),
        async {
            check("xreadgroup").await;
            c.xadd("s", [("f", "2")]).await.unwrap();
        },
    )
    .await;
    assert_eq!(read?[0].entries[0].fields, [("f".to_owned(), "2".to_owned())]);

    let (moved, ()) = join(
        c.blmove::<Option<String>>("src", "dst", Side::Left, Side::Right, wait),
        async {
            check("blmove").await;
            c.rpush("src", "job").await.unwrap();
        },
    )
    .await;
    assert_eq!(moved?, Some("job".to_owned()));

    if server_version() >= (7, 0, 0) {
        let (popped, ()) = join(
            c.blmpop::<Option<(String, Vec<String>)>>("q", Side::Left, 2, wait),
            async {
                check("blmpop").await;
                c.rpush("q", ["a", "b", "c"]).await.unwrap();
            },
        )
        .await;
        assert_eq!(popped?, Some(("q".to_owned(), vec!["a".to_owned(), "b".to_owned()])));
    } else {
        eprintln!("BLMPOP not checked: Redis {:?} has no BLMPOP", server_version());
    }
    assert_eq!(c.pool_status().idle, 1, "one pooled connection served them all in turn");
    Ok(())
}
