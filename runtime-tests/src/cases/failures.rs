//! Broken connections, timeouts and cancelled callers.

use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, RequestState, Runtime};
use anyredis_test_support::RedisServer;
use futures_util::future::{join, join_all};
use futures_util::FutureExt;

use crate::util::{client, sleep};
use crate::TestResult;

/// A command in flight when the server kills the connection fails with a clear
/// connection error saying it was sent; the next command reconnects by itself.
pub async fn killed_connection_then_reconnect(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let first_id: i64 = c.cmd("CLIENT").arg("ID").query().await?;
    // Writes wait while the server is paused: the SET stays in flight until the kill.
    server.raw_command(&["CLIENT", "PAUSE", "5000", "WRITE"]);
    let in_flight = c.set("k", "v");
    let killer = async {
        sleep(Duration::from_millis(200)).await;
        server.raw_command(&["CLIENT", "KILL", "ID", &first_id.to_string()])
    };
    let (result, killed) = join(in_flight, killer).await;
    server.raw_command(&["CLIENT", "UNPAUSE"]);
    assert_eq!(killed, "1");
    let err = result.expect_err("the connection was killed");
    assert!(err.is_connection(), "{err}");
    assert_eq!(err.request_state(), RequestState::SentUnanswered, "{err}");
    assert!(err.to_string().contains("connection lost"), "{err}");

    assert_eq!(c.ping().await?, "PONG");
    let second_id: i64 = c.cmd("CLIENT").arg("ID").query().await?;
    assert_ne!(first_id, second_id);
    Ok(())
}

/// With the server gone, calls fail as connection errors; once it is back,
/// the same client works again without help.
pub async fn server_restart(rt: Runtime) -> TestResult {
    let mut server = RedisServer::builder().appendonly(true).build();
    let c = client(&server.url(), &rt)?;
    c.set("kept", "yes").await?;
    server.kill();
    let err = c.get::<Option<String>>("kept").await.expect_err("server is down");
    assert!(err.is_connection(), "{err}");
    server.restart();
    assert_eq!(c.get::<Option<String>>("kept").await?, Some("yes".into()));
    Ok(())
}

/// Keeps the server busy for ARGV[1] microseconds.
pub const BUSY_SCRIPT: &str = "local t = redis.call('TIME') \
    local start = t[1] * 1000000 + t[2] \
    while true do \
        local n = redis.call('TIME') \
        if n[1] * 1000000 + n[2] - start > tonumber(ARGV[1]) then return 1 end \
    end";

/// A response timeout fails that caller only; the late reply is discarded and
/// the next caller gets its own reply.
pub async fn response_timeout(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .response_timeout(Some(Duration::from_millis(200)))
        .runtime(rt)
        .build()?;
    c.set("k", "v").await?;
    // A script that keeps the server busy for 0.6 s: an ordinary command, so
    // it runs on the shared connection (DEBUG SLEEP would go to the pool).
    let err = c
        .cmd("EVAL")
        .arg(BUSY_SCRIPT)
        .arg(0)
        .arg(600_000)
        .query::<()>()
        .await
        .expect_err("slow");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.request_state(), RequestState::SentUnanswered);
    // The next reply on the shared connection is DEBUG's "OK" — it must not reach this caller.
    let v: String = loop {
        match c.get::<String>("k").await {
            Ok(v) => break v,
            Err(e) if e.is_timeout() => continue,
            Err(e) => return Err(e.into()),
        }
    };
    assert_eq!(v, "v");
    Ok(())
}

/// Futures dropped after their command was queued never shift replies: every
/// completed call gets the value of its own key.
pub async fn dropped_futures_do_not_desync(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    for i in 0..100 {
        c.set(format!("key:{i}"), format!("value:{i}")).await?;
    }
    let mut dropped = 0;
    for round in 0..20 {
        // Start some GETs and drop them after one poll (queued, maybe sent).
        for i in 0..50 {
            if (i + round) % 3 == 0 {
                let fut = c.get::<String>(format!("key:{i}"));
                let _ = fut.now_or_never();
                dropped += 1;
            }
        }
        let replies = join_all((0..100).map(|i| {
            let c = c.clone();
            async move { (i, c.get::<String>(format!("key:{i}")).await) }
        }))
        .await;
        for (i, reply) in replies {
            assert_eq!(reply?, format!("value:{i}"));
        }
    }
    // 20 rounds of 17 dropped GETs each (a count true by construction, so not asserted).
    let _ = dropped;
    Ok(())
}

/// With every runtime feature enabled, `Client::open` asks the user to pick one.
pub async fn runtime_must_be_chosen(_rt: Runtime) -> TestResult {
    let err = Client::open("redis://127.0.0.1:6379").expect_err("several runtimes enabled");
    assert_eq!(err.kind(), anyredis::ErrorKind::Config);
    assert!(
        err.to_string().contains("several runtime features are enabled"),
        "{err}"
    );
    Ok(())
}

/// Sends a signal to the server process (`STOP` freezes it: the kernel still
/// accepts connections, but nothing answers).
fn signal(server: &RedisServer, sig: &str) {
    let pid = server.pid().expect("server runs").to_string();
    let status = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// A server that accepts but never answers trips the connect timeout (the
/// handshake is part of connecting); once it answers again, so does the client.
pub async fn connect_timeout(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&format!("{}?connect_timeout=300ms", server.url()), &rt)?;
    signal(&server, "STOP");
    let result = c.ping().await;
    signal(&server, "CONT");
    let err = result.expect_err("frozen server");
    assert!(err.is_timeout(), "{err}");
    assert!(err.to_string().contains("connecting timed out after 300ms"), "{err}");
    assert_eq!(err.request_state(), RequestState::NotSent);
    assert_eq!(c.ping().await?, "PONG");
    Ok(())
}

/// A reply past the client's limits is a protocol error naming the limit; the
/// connection is replaced and the next command works.
pub async fn oversized_reply(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .limits(
            anyredis::resp::Limits::default()
                .with_max_bulk_len(1024)
                .with_max_aggregate_len(100),
        )
        .runtime(rt)
        .build()?;
    c.set("big", "x".repeat(4096)).await?;
    c.set("small", "y".repeat(1024)).await?;
    let err = c.get::<String>("big").await.expect_err("past max_bulk_len");
    assert_eq!(err.kind(), anyredis::ErrorKind::Protocol, "{err}");
    assert!(
        err.to_string().contains("4096 bytes") && err.to_string().contains("limit of 1024"),
        "{err}"
    );
    assert_eq!(c.get::<String>("small").await?.len(), 1024);
    for i in 0..101 {
        c.cmd("RPUSH").arg("list").arg(i).query::<i64>().await?;
    }
    let err = c
        .cmd("LRANGE")
        .arg("list")
        .arg(0)
        .arg(-1)
        .query::<Vec<i64>>()
        .await
        .expect_err("101 elements");
    assert!(err.to_string().contains("101 elements"), "{err}");
    assert_eq!(
        c.cmd("LRANGE")
            .arg("list")
            .arg(0)
            .arg(99)
            .query::<Vec<i64>>()
            .await?
            .len(),
        100
    );
    Ok(())
}

/// `close` finishes the replies in flight, then refuses new commands.
pub async fn close(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("k", 1).await?;
    let pending = c.incr("k");
    let (incr, ()) = join(pending, c.close()).await;
    // The INCR was queued before close: it either completed or was refused as not sent.
    match incr {
        Ok(n) => assert_eq!(n, 2),
        Err(e) => assert!(e.is_closed() || e.request_state() == RequestState::NotSent, "{e}"),
    }
    let err = c.ping().await.expect_err("closed");
    assert!(err.is_closed(), "{err}");
    Ok(())
}
