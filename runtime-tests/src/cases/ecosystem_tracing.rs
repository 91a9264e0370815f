//! The `tracing` feature: one span per command or pipeline with
//! OpenTelemetry's database fields, no argument values unless asked for,
//! and a password that reaches no span, event, `Debug` or error.
//!
//! Spans and events are caught by [`crate::trace_capture`], a subscriber
//! installed for the whole test binary at TRACE level; each case looks at
//! the spans of its own server (by port).

use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, Runtime};
use anyredis_test_support::RedisServer;

use crate::trace_capture::{self, events_with, leaks, spans, CapturedSpan, CANARY};
use crate::util::{spawn, wait_for};
use crate::TestResult;

fn field<'a>(span: &'a CapturedSpan, name: &str) -> Option<&'a str> {
    span.fields.get(name).map(String::as_str)
}

/// The spans of `port` in database `db`, oldest first.
fn spans_in(port: u16, db: &str) -> Vec<CapturedSpan> {
    spans(port)
        .into_iter()
        .filter(|s| field(s, "db.namespace") == Some(db))
        .collect()
}

/// One span per command and per pipeline, with the conventions' fields; no
/// argument values by default, and with them when asked for.
pub async fn spans_follow_the_conventions(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let port = server.port();
    trace_capture::watch(port);
    let c = ClientBuilder::from_url(&format!("{}/3", server.url()))?
        .runtime(rt.clone())
        .build()?;
    c.set("user:1", "private-value").await?;
    assert_eq!(c.get::<String>("user:1").await?, "private-value");
    let err = c.lpush("user:1", "x").await.unwrap_err();
    assert_eq!(err.server_code(), Some("WRONGTYPE"));
    let pipe = c.pipeline();
    pipe.incr("n").incr("n");
    let (a, b): (i64, i64) = pipe.query().await?;
    assert_eq!((a, b), (1, 2));
    let got = spans_in(port, "3");
    let names: Vec<_> = got
        .iter()
        .map(|s| field(s, "db.operation.name").unwrap_or("?"))
        .collect();
    assert_eq!(names, ["SET", "GET", "LPUSH", "PIPELINE"], "{got:#?}");
    for span in &got {
        assert_eq!(span.name, "redis");
        assert_eq!(span.level, "INFO");
        assert_eq!(field(span, "db.system.name"), Some("redis"));
        assert_eq!(field(span, "server.address"), Some("127.0.0.1"));
        assert_eq!(field(span, "server.port"), Some(port.to_string().as_str()));
        assert_eq!(field(span, "otel.kind"), Some("client"));
        assert_eq!(field(span, "otel.name"), field(span, "db.operation.name"));
        assert_eq!(field(span, "db.query.text"), None, "no arguments by default: {span:?}");
        let text = format!("{span:?}");
        assert!(!text.contains("private-value") && !text.contains("user:1"), "{text}");
    }
    assert_eq!(field(&got[2], "error.type"), Some("Server"));
    assert_eq!(field(&got[2], "db.response.status_code"), Some("WRONGTYPE"));
    assert_eq!(field(&got[2], "otel.status_code"), Some("ERROR"));
    assert_eq!(field(&got[0], "error.type"), None);
    assert_eq!(field(&got[3], "db.operation.batch.size"), Some("2"));
    assert_eq!(field(&got[0], "db.operation.batch.size"), None);

    // Arguments, when asked for.
    let verbose = ClientBuilder::from_url(&format!("{}/4", server.url()))?
        .record_arguments(true)
        .runtime(rt.clone())
        .build()?;
    verbose.set("shown-key", "shown-value").await?;
    let got = spans_in(port, "4");
    assert_eq!(got.len(), 1, "{got:#?}");
    let text = field(&got[0], "db.query.text").unwrap_or_default();
    assert!(text.contains("shown-key") && text.contains("shown-value"), "{text}");

    // Events: the connect and the handshake, naming the server.
    let server_name = format!("127.0.0.1:{port}");
    wait_for("the connect events", Duration::from_secs(10), || {
        let events = events_with(&server_name);
        events.iter().any(|e| e.contains("connected")) && events.iter().any(|e| e.contains("handshake done"))
    })
    .await?;
    Ok(())
}

/// Events for a wait in line for a pooled connection, and for a reconnect
/// that waits out its backoff, naming the server.
pub async fn events_for_pool_waits_and_backoff(rt: Runtime) -> TestResult {
    let mut server = RedisServer::new();
    let port = server.port();
    let name = format!("127.0.0.1:{port}");
    trace_capture::watch(port);
    let c = ClientBuilder::from_url(&server.url())?
        .max_connections(1)
        .reconnect_backoff(Duration::from_millis(200), Duration::from_millis(400))
        .connect_timeout(Some(Duration::from_secs(2)))
        .runtime(rt.clone())
        .build()?;
    // The only pooled connection is held; a blocking command waits for it.
    let held = c.dedicated().await?;
    let waiter = {
        let c = c.clone();
        spawn(&rt, async move {
            c.blpop::<Option<(String, String)>>("empty", Duration::from_millis(10))
                .await
        })
    };
    wait_for("the caller to wait in line", Duration::from_secs(10), || {
        c.stats().pool.waiting == 1
    })
    .await?;
    drop(held);
    assert_eq!(waiter.await?, None);
    let waited: Vec<String> = events_with(&name)
        .into_iter()
        .filter(|e| e.contains("waited for a pooled connection"))
        .collect();
    assert!(waited.iter().any(|e| e.contains("granted=true")), "{waited:#?}");
    // Reconnects against a dead server wait out their backoff.
    c.ping().await?;
    server.kill();
    for _ in 0..3 {
        assert!(c.ping().await.is_err());
    }
    let events = events_with(&name);
    assert!(
        events.iter().any(|e| e.contains("waiting before reconnecting")),
        "{events:#?}"
    );
    assert!(events.iter().any(|e| e.contains("connect failed")), "{events:#?}");
    Ok(())
}

/// The password `S3cr3t-canary`, given in a URL and to a builder, with
/// arguments recorded and commands that carry it (`AUTH`, `HELLO`,
/// `CONFIG SET requirepass`, `MIGRATE ... AUTH`), appears in no span,
/// record or event (at TRACE level), no `Debug` or `Display`, and no error.
pub async fn secret_canary_stays_secret(rt: Runtime) -> TestResult {
    let server = RedisServer::builder().password(CANARY).build();
    let port = server.port();
    trace_capture::watch(port);
    let by_url = ClientBuilder::from_url(&format!("redis://:{CANARY}@127.0.0.1:{port}/5"))?
        .record_arguments(true)
        .runtime(rt.clone())
        .build()?;
    let by_builder = ClientBuilder::new()
        .host("127.0.0.1", port)
        .db(6)
        .password(CANARY)
        .record_arguments(true)
        .runtime(rt.clone())
        .build()?;
    let mut shown: Vec<String> = Vec::new();
    for c in [&by_url, &by_builder] {
        c.set("k", "v").await?;
        let pipe = c.pipeline();
        pipe.get::<String>("k").incr("n");
        pipe.query::<(String, i64)>().await?;
        let _: Option<(String, String)> = c.blpop("empty", Duration::from_millis(20)).await?;
        let conn = c.dedicated().await?;
        conn.cmd("AUTH").arg(CANARY).query::<()>().await?;
        conn.cmd("AUTH").arg("default").arg(CANARY).query::<()>().await?;
        conn.cmd("HELLO")
            .arg(3)
            .arg("AUTH")
            .arg("default")
            .arg(CANARY)
            .query::<Value>()
            .await?;
        conn.cmd("CONFIG")
            .arg("SET")
            .arg("requirepass")
            .arg(CANARY)
            .query::<()>()
            .await?;
        // Nobody listens on port 1: MIGRATE fails (with an error to look at).
        let err = conn
            .cmd("MIGRATE")
            .arg("127.0.0.1")
            .arg(1)
            .arg("k")
            .arg(0)
            .arg(100)
            .arg("AUTH")
            .arg(CANARY)
            .query::<()>()
            .await
            .unwrap_err();
        shown.push(format!("{err} {err:?}"));
        // An AUTH with the canary as a (wrong) user name fails.
        let err = conn.cmd("AUTH").arg(CANARY).arg("x").query::<()>().await.unwrap_err();
        shown.push(format!("{err} {err:?}"));
        shown.push(format!("{c:?} {:?} {} {conn:?}", c.config(), c.config()));
    }
    // Failing connects: the wrong password, and nothing listening.
    let wrong = ClientBuilder::new()
        .host("127.0.0.1", port)
        .username("default")
        .password(format!("{CANARY}-wrong"))
        .runtime(rt.clone())
        .build()?;
    let err = wrong.ping().await.unwrap_err();
    assert_eq!(err.server_code(), Some("WRONGPASS"), "{err}");
    shown.push(format!("{err} {err:?} {wrong:?}"));
    let nowhere = ClientBuilder::from_url(&format!("redis://:{CANARY}@127.0.0.1:1"))?
        .runtime(rt.clone())
        .build()?;
    let err = nowhere.ping().await.unwrap_err();
    shown.push(format!("{err} {err:?} {nowhere:?}"));
    for text in &shown {
        assert!(!text.contains(CANARY), "the canary in {text}");
    }
    // The spans were recorded, with arguments: the check is not vacuous.
    let got = spans(port);
    let with_args = got.iter().filter(|s| s.fields.contains_key("db.query.text")).count();
    assert!(with_args >= 10, "{got:#?}");
    assert!(got.iter().any(|s| field(s, "db.operation.name") == Some("AUTH")));
    assert!(got
        .iter()
        .filter(|s| field(s, "db.operation.name") == Some("SET"))
        .all(|s| field(s, "db.query.text").is_some_and(|t| t.contains("\"k\""))));
    assert!(!events_with(&format!("127.0.0.1:{port}")).is_empty());
    let leaked = leaks();
    assert!(leaked.is_empty(), "the canary reached tracing: {leaked:#?}");
    Ok(())
}
