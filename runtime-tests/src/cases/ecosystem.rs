//! Fitting the ecosystem (issue 13): error helpers on real failures, serde
//! and derive round trips through a server, the metrics hook and the
//! client's stats. Spans and the secret canary are in `ecosystem_tracing`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyredis::prelude::*;
use anyredis::value::Serde;
use anyredis::{ClientBuilder, CommandInfo, Hook, Json, Outcome, Protocol, RequestState, Runtime};
use anyredis_test_support::{Fault, FaultProxy, RedisServer};

use crate::util::{client, spawn_all, wait_for};
use crate::TestResult;

const SETTLE: Duration = Duration::from_secs(20);

/// How a result is tallied: `ok`, `server:CODE`, `timeout`, `conversion`, ...
fn label_of(error: &anyredis::Error) -> String {
    match error.kind() {
        ErrorKind::Server => format!("server:{}", error.server_code().unwrap_or("?")),
        kind => format!("{kind:?}").to_lowercase(),
    }
}

fn label<T>(result: &anyredis::Result<T>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(e) => label_of(e),
    }
}

/// One end seen by the hook: name, batch, outcome label, elapsed.
type End = (String, Option<usize>, String, Duration);

/// A hook that writes down every call.
#[derive(Default)]
struct Recorder {
    starts: AtomicU64,
    /// (name, batch, outcome label, elapsed) per end.
    ends: Mutex<Vec<End>>,
    /// Servers and databases seen.
    servers: Mutex<Vec<(String, i64)>>,
}

impl Hook for Recorder {
    fn on_start(&self, command: &CommandInfo<'_>) {
        self.starts.fetch_add(1, Ordering::SeqCst);
        let mut servers = self.servers.lock().unwrap();
        let seen = (command.server.to_string(), command.db);
        if !servers.contains(&seen) {
            servers.push(seen);
        }
    }

    fn on_end(&self, command: &CommandInfo<'_>, outcome: Outcome<'_>, elapsed: Duration) {
        let label = match outcome {
            Outcome::Ok => "ok".to_owned(),
            Outcome::Error(e) => label_of(e),
            Outcome::Cancelled => "cancelled".to_owned(),
            _ => "unknown".to_owned(),
        };
        self.ends
            .lock()
            .unwrap()
            .push((command.name.to_owned(), command.batch, label, elapsed));
    }
}

impl Recorder {
    /// (name, label) -> count, over every end.
    fn tally(&self) -> BTreeMap<(String, String), usize> {
        let mut tally = BTreeMap::new();
        for (name, _, label, _) in self.ends.lock().unwrap().iter() {
            *tally.entry((name.clone(), label.clone())).or_default() += 1;
        }
        tally
    }
}

/// The helpers answer as documented on errors from a real server and network.
pub async fn error_helpers_on_real_failures(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = ClientBuilder::from_url(&proxy.url())?
        .response_timeout(Some(Duration::from_millis(300)))
        .runtime(rt.clone())
        .build()?;
    c.set("text", "abc").await?;
    // A server error: its code, not retryable, not the connection's fault.
    let err = c.lpush("text", "x").await.unwrap_err();
    assert_eq!(err.server_code(), Some("WRONGTYPE"));
    assert!(
        !err.is_retryable() && !err.is_connection_error() && !err.is_timeout(),
        "{err}"
    );
    // Nothing listening: a connection error of a command never sent, retryable.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = closed.local_addr()?.port();
    drop(closed);
    let nowhere = client(&format!("redis://127.0.0.1:{port}"), &rt)?;
    let err = nowhere.ping().await.unwrap_err();
    assert!(err.is_connection_error() && err.is_retryable(), "{err}");
    assert_eq!(err.request_state(), RequestState::NotSent);
    // A refused command: usage, never retryable, nothing sent.
    let err = c.cmd("SELECT").arg(1).query::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(!err.is_retryable() && !err.is_connection_error());
    // A reply that takes too long: a timeout, sent, so not retryable as is.
    proxy.set(Fault::Delay(Duration::from_millis(900)));
    let err = c.get::<Option<String>>("text").await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.request_state(), RequestState::SentUnanswered);
    assert!(!err.is_retryable() && err.server_code().is_none(), "{err}");
    Ok(())
}

#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
struct Address {
    city: String,
    lines: Vec<String>,
    geo: Option<(f64, f64)>,
}

#[derive(anyredis::FromValue, anyredis::ToArgs, Debug, PartialEq, Clone)]
struct Customer {
    name: String,
    #[redis(rename = "e-mail")]
    email: Option<String>,
    age: u32,
    address: Json<Address>,
    #[redis(default)]
    visits: u64,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct CustomerView {
    name: String,
    #[serde(rename = "e-mail")]
    email: Option<String>,
    age: u32,
}

/// Derive and serde round trips through a server, on RESP2 and RESP3:
/// `HSET` from `#[derive(ToArgs)]`, `HGETALL` into `#[derive(FromValue)]`
/// and into a serde type, JSON values nested in fields and keys, and
/// errors that name the field.
pub async fn serde_and_derive_round_trips(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let c = ClientBuilder::from_url(&server.url())?
            .protocol(protocol)
            .runtime(rt.clone())
            .build()?;
        let key = format!("customer:{protocol:?}");
        let ada = Customer {
            name: "Ada \"the first\" Lovelace".into(),
            email: None,
            age: 36,
            address: Json(Address {
                city: "Zürich".into(),
                lines: vec!["line\r\none".into(), String::new()],
                geo: Some((47.37, 8.54)),
            }),
            visits: 0,
        };
        assert_eq!(c.hset_pairs(&key, &ada).await?, 4, "None is not written");
        let back: Customer = c.hgetall(&key).await?;
        assert_eq!(back, ada);
        let Serde(view): Serde<CustomerView> = c.hgetall(&key).await?;
        assert_eq!(
            (view.name.as_str(), view.email, view.age),
            (ada.name.as_str(), None, 36)
        );
        // The whole struct as one JSON value, and a missing key.
        c.set(format!("{key}:json"), &ada.address).await?;
        let address: Option<Json<Address>> = c.get(format!("{key}:json")).await?;
        assert_eq!(address.map(Json::into_inner), Some(ada.address.0.clone()));
        assert_eq!(c.get::<Option<Json<Address>>>("no such key").await?, None);
        // Wrong field types name the field.
        c.hset(&key, "age", "thirty-six").await?;
        let err = c.hgetall::<Customer>(&key).await.unwrap_err();
        assert!(
            err.is_conversion() && err.to_string().contains("field `age` of Customer"),
            "{err}"
        );
        let err = c.hgetall::<Serde<CustomerView>>(&key).await.unwrap_err();
        assert!(err.is_conversion() && err.to_string().contains("\"age\""), "{err}");
        c.hset(&key, "age", 36).await?;
        c.hset(&key, "address", "{not json").await?;
        let err = c.hgetall::<Customer>(&key).await.unwrap_err();
        assert!(err.to_string().contains("field `address`"), "{err}");
        // A missing required field, and a missing hash.
        c.hdel(&key, "name").await?;
        let err = c.hgetall::<Customer>(&key).await.unwrap_err();
        assert!(err.to_string().contains("missing field `name`"), "{err}");
        assert!(c.hgetall::<Customer>("no such hash").await.is_err());
        // A value serde cannot write refuses its command: nothing is sent.
        let unwritable: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into_iter().collect();
        let err = c.set(format!("{key}:bad"), Json(&unwritable)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
        let pipe = c.pipeline();
        pipe.incr(format!("{key}:counter"))
            .set(format!("{key}:bad"), Json(&unwritable));
        let err = pipe.query::<(i64, ())>().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
        assert_eq!(c.exists(format!("{key}:bad")).await?, 0);
        assert_eq!(
            c.exists(format!("{key}:counter")).await?,
            0,
            "the pipeline was not sent"
        );
    }
    Ok(())
}

/// A 1,000-command mixed run from several spawned callers (successes,
/// server errors, conversion errors, refusals, timeouts, a pipeline): the
/// hook sees each command once, with the outcome its caller got.
pub async fn hook_sees_every_command_once(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let recorder = Arc::new(Recorder::default());
    let c = ClientBuilder::from_url(&format!("{}/2", proxy.url()))?
        .response_timeout(Some(Duration::from_millis(250)))
        .hook(recorder.clone())
        .runtime(rt.clone())
        .build()?;
    let mut seen: Vec<(String, String)> = Vec::new();
    let r = c.set("text", "abc").await;
    seen.push(("SET".into(), label(&r)));
    // 8 callers x 120 commands, six kinds of outcome.
    let callers = (0..8).map(|caller| {
        let c = c.clone();
        async move {
            let mut seen = Vec::new();
            for i in 0..120 {
                let key = format!("k:{caller}:{i}");
                let (name, outcome) = match i % 6 {
                    0 => ("SET", label(&c.set(&key, i).await)),
                    1 => ("GET", label(&c.get::<Option<String>>(&key).await)),
                    2 => ("INCR", label(&c.incr("counter").await)),
                    3 => ("LPUSH", label(&c.lpush("text", "x").await)),
                    4 => ("GET", label(&c.get::<i64>("text").await)),
                    _ => ("SELECT", label(&c.cmd("select").arg(1).query::<()>().await)),
                };
                seen.push((name.to_owned(), outcome));
            }
            seen
        }
    });
    for part in spawn_all(&rt, callers).await {
        seen.extend(part);
    }
    let pipe = c.pipeline();
    pipe.set("p", 1).incr("p").get::<i64>("p");
    let r = pipe.query::<((), i64, i64)>().await;
    seen.push(("PIPELINE".into(), label(&r)));
    // Commands caught by a connection reset: sent, frozen in the proxy, then cut.
    let sent_before = c.stats().commands_sent;
    proxy.set(Fault::Freeze);
    let frozen = (0..10).map(|_| {
        let c = c.clone();
        async move { label(&c.incr("frozen").await) }
    });
    let frozen = spawn_all(&rt, frozen);
    let c2 = c.clone();
    let waiting = async move {
        wait_for("the frozen commands to be sent", SETTLE, || {
            c2.stats().commands_sent >= sent_before + 10
        })
        .await
    };
    let (outcomes, sent) = futures_util::future::join(frozen, async {
        let sent = waiting.await;
        proxy.reset_all();
        sent
    })
    .await;
    sent?;
    for outcome in outcomes {
        assert_eq!(outcome, "connectionlost");
        seen.push(("INCR".into(), outcome));
    }
    proxy.set(Fault::Pass);
    for _ in 0..6 {
        let r = c.ping().await;
        seen.push(("PING".into(), label(&r)));
    }
    // A dedicated connection's command.
    let conn = c.dedicated().await?;
    let r = conn.cmd("client").arg("id").query::<i64>().await;
    seen.push(("CLIENT".into(), label(&r)));
    drop(conn);
    // Timeouts: every reply is held back longer than the response timeout.
    proxy.set(Fault::Delay(Duration::from_millis(700)));
    // A future dropped after its first poll (its reply is held back: it cannot be there yet).
    let mut dropped = c.get::<Option<String>>("k:0:0");
    match futures_util::poll!(&mut dropped) {
        std::task::Poll::Pending => seen.push(("GET".into(), "cancelled".into())),
        std::task::Poll::Ready(r) => seen.push(("GET".into(), label(&r))),
    }
    drop(dropped);
    let slow = (0..20).map(|i| {
        let c = c.clone();
        async move { label(&c.get::<Option<String>>(format!("slow:{i}")).await) }
    });
    for outcome in spawn_all(&rt, slow).await {
        seen.push(("GET".into(), outcome));
    }
    assert_eq!(seen.len(), 1000);

    let mut expected = BTreeMap::new();
    for (name, outcome) in &seen {
        *expected.entry((name.clone(), outcome.clone())).or_default() += 1;
    }
    assert_eq!(recorder.starts.load(Ordering::SeqCst), 1000);
    assert_eq!(recorder.tally(), expected);
    // What was expected of each kind of command, so the tallies are not vacuous.
    assert_eq!(expected[&("LPUSH".into(), "server:WRONGTYPE".into())], 160);
    assert_eq!(expected[&("GET".into(), "conversion".into())], 160);
    assert_eq!(expected[&("SELECT".into(), "usage".into())], 160);
    assert_eq!(expected[&("GET".into(), "timeout".into())], 20);
    assert_eq!(expected[&("INCR".into(), "ok".into())], 160);
    assert_eq!(expected[&("INCR".into(), "connectionlost".into())], 10);
    assert_eq!(
        expected.get(&("GET".into(), "cancelled".into())),
        Some(&1),
        "the reply was held back by the proxy: {expected:?}"
    );
    assert_eq!(expected.get(&("CLIENT".into(), "ok".into())), Some(&1), "{expected:?}");
    let ends = recorder.ends.lock().unwrap().clone();
    let pipeline: Vec<_> = ends.iter().filter(|e| e.0 == "PIPELINE").collect();
    assert_eq!(pipeline.len(), 1);
    assert_eq!((pipeline[0].1, pipeline[0].2.as_str()), (Some(3), "ok"));
    assert!(ends.iter().filter(|e| e.0 != "PIPELINE").all(|e| e.1.is_none()));
    for (_, _, outcome, elapsed) in &ends {
        if outcome == "timeout" {
            assert!(*elapsed >= Duration::from_millis(250), "a timeout after {elapsed:?}");
        }
    }
    assert_eq!(*recorder.servers.lock().unwrap(), [(proxy.addr().to_string(), 2)]);
    Ok(())
}

/// Stats add up after a mixed run that includes a forced reconnect,
/// cancelled futures, pooled blocking commands, a dedicated connection and
/// a transaction: every request ends once, as its caller saw it.
pub async fn stats_add_up_after_forced_reconnect(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = client(&proxy.url(), &rt)?;
    let zero = c.stats();
    assert_eq!((zero.requests, zero.connects, zero.bytes_out), (0, 0, 0));
    // What each request's caller saw, with its number of commands.
    let mut results: Vec<(String, u64)> = Vec::new();
    fn tally(r: String, commands: u64, results: &mut Vec<(String, u64)>) {
        results.push((r, commands));
    }
    for i in 0..200 {
        let r = match i % 4 {
            0 => label(&c.set(format!("k{i}"), i).await),
            1 => label(&c.get::<Option<i64>>(format!("k{}", i - 1)).await),
            2 => label(&c.hset(format!("k{}", i - 2), "f", 1).await),
            _ => label(&c.get::<Vec<i64>>(format!("k{}", i - 3)).await),
        };
        tally(r, 1, &mut results);
    }
    // Forced reconnect: the server side of the connection goes away.
    let before = c.stats();
    assert_eq!((before.connects, before.reconnects), (1, 0));
    proxy.reset_all();
    wait_for("the proxy to drop its connections", SETTLE, || proxy.connections() == 0).await?;
    proxy.set(Fault::Pass);
    for i in 0..100 {
        let r = c.incr("after").await;
        if let (0, Err(e)) = (i, &r) {
            // The reset may be noticed by this command rather than before it.
            assert!(e.is_connection_error(), "{e}");
        }
        tally(label(&r), 1, &mut results);
    }
    // Cancelled: polled once (so started and sent), then dropped.
    let mut cancelled = 0u64;
    for _ in 0..10 {
        let mut future = c.get::<Option<String>>("k0");
        match futures_util::poll!(&mut future) {
            std::task::Poll::Pending => cancelled += 1,
            std::task::Poll::Ready(r) => tally(label(&r), 1, &mut results),
        }
    }
    // A pipeline dropped after its first poll counts as cancelled too.
    let pipe = c.pipeline();
    pipe.get::<Option<String>>("k0");
    {
        let mut query = Box::pin(pipe.query::<(Option<String>,)>());
        match futures_util::poll!(query.as_mut()) {
            std::task::Poll::Pending => cancelled += 1,
            std::task::Poll::Ready(r) => tally(label(&r), 1, &mut results),
        }
    }
    // A pooled blocking command, a pipeline, a dedicated connection, a transaction.
    let r = c
        .blpop::<Option<(String, String)>>("empty", Duration::from_millis(50))
        .await;
    tally(label(&r), 1, &mut results);
    let pipe = c.pipeline();
    pipe.set("a", 1).get::<i64>("a").lpush("a", 2);
    let r = pipe.query::<((), i64, u64)>().await;
    assert_eq!(label(&r), "server:WRONGTYPE");
    tally(label(&r), 3, &mut results);
    let conn = c.dedicated().await?;
    let r = conn.cmd("SELECT").arg(3).query::<()>().await;
    tally(label(&r), 1, &mut results);
    drop(conn);
    let r = c
        .transaction("t", |tx| async move {
            let n: Option<i64> = tx.get("t").await?;
            let pipe = tx.pipeline();
            pipe.set("t", n.unwrap_or(0) + 1);
            Ok(pipe)
        })
        .await
        .map(|((),)| ());
    // Two requests: the transaction's GET, and its MULTI/SET/EXEC pipeline (1 command queued).
    tally("ok".into(), 1, &mut results);
    tally(label(&r), 1, &mut results);
    let replies: u64 = results
        .iter()
        .filter(|(r, _)| r == "ok" || r.starts_with("server:") || r == "conversion")
        .map(|(_, n)| n)
        .sum();

    let stats = c.stats();
    let ok = results.iter().filter(|(r, _)| r == "ok").count() as u64;
    let failed = results.len() as u64 - ok;
    assert_eq!(stats.requests, results.len() as u64 + cancelled, "{stats:?}");
    assert_eq!(stats.ok, ok, "{stats:?}");
    assert_eq!(stats.errors.total(), failed, "{stats:?}");
    assert_eq!(stats.cancelled, cancelled, "{stats:?}");
    assert_eq!(stats.in_flight, 0, "{stats:?}");
    assert_eq!(stats.requests, stats.ok + stats.errors.total() + stats.cancelled);
    let server_errors = results.iter().filter(|(r, _)| r.starts_with("server:")).count() as u64;
    assert_eq!(stats.errors.get(ErrorKind::Server), server_errors);
    assert_eq!(stats.errors.get(ErrorKind::Conversion), 50, "{stats:?}");
    assert!(server_errors >= 51, "the HSETs on strings and the pipeline");
    assert_eq!(stats.replies, replies, "{stats:?}");
    assert!(stats.commands_sent >= stats.replies + cancelled, "{stats:?}");
    assert_eq!(stats.reconnects, 1, "{stats:?}");
    // The shared connection twice, and at least one pooled connection.
    assert!(stats.connects >= 3, "{stats:?}");
    assert!(stats.pool.open >= 1 && stats.pool.waiting == 0, "{stats:?}");
    // Every command is at least `*1\r\n$3\r\nGET\r\n` long, every reply at least `+OK\r\n`-ish.
    assert!(stats.bytes_out >= 14 * stats.commands_sent, "{stats:?}");
    assert!(stats.bytes_in >= 4 * stats.replies, "{stats:?}");
    // Clones share the counters; a second client has its own.
    assert_eq!(c.clone().stats().requests, stats.requests);
    let other = client(&server.url(), &rt)?;
    other.ping().await?;
    assert_eq!(other.stats().requests, 1);
    assert_eq!(c.stats().requests, stats.requests);
    Ok(())
}
