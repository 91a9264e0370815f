//! Commands routed by their class: what the shared connection refuses, what
//! goes to the pool, what a dedicated connection accepts; reply futures that
//! can be spawned; handles that end with what they stood for.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, ErrorKind, RequestState, Runtime, Transaction};
use anyredis_test_support::RedisServer;
use futures_util::future::join_all;

use crate::util::{client, info_field};
use crate::TestResult;

/// Commands that would change the shared connection for every caller are
/// refused before anything is sent; the connection stays in step.
pub async fn state_changing_commands_refused_on_shared(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("k", "v").await?;
    let refused: [&[&str]; 9] = [
        &["SELECT", "1"],
        &["WATCH", "k"],
        &["MULTI"],
        &["SUBSCRIBE", "news"],
        &["PSUBSCRIBE", "n*"],
        &["CLIENT", "REPLY", "OFF"],
        &["CLIENT", "TRACKING", "ON"],
        &["WAIT", "0", "10"],
        &["MONITOR"],
    ];
    for command in refused {
        let mut raw = c.cmd(command[0]);
        for arg in &command[1..] {
            raw = raw.arg(*arg);
        }
        let err = raw.query::<Value>().await.expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Usage, "{command:?}: {err}");
        assert_eq!(err.request_state(), RequestState::NotSent, "{command:?}");
        assert!(err.to_string().contains(command[0]), "{command:?}: {err}");
        // The connection is still in step: the next reply is our own.
        assert_eq!(c.get::<String>("k").await?, "v", "after {command:?}");
    }
    // A pipeline holding one is refused as a whole.
    let pipe = c.pipeline();
    pipe.set("k", "w").add(&anyredis::cmd("SELECT").arg(2));
    let err = pipe.query::<Value>().await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
    assert_eq!(c.get::<String>("k").await?, "v", "nothing of the pipeline ran");
    // The server never saw any of them on the shared connection.
    let list = server.raw_command(&["CLIENT", "LIST"]);
    for line in list.lines() {
        assert_eq!(info_field(line, "db"), Some("0"), "{line}");
        assert_eq!(info_field(line, "sub"), Some("0"), "{line}");
        assert!(
            !info_field(line, "flags").unwrap_or("").contains('t'),
            "tracking: {line}"
        );
    }
    Ok(())
}

/// On a dedicated connection the same commands run (but not subscribing or
/// MONITOR); a connection whose state changed is not
/// given back to the pool.
pub async fn dedicated_connection_accepts_state_changes(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let first_id = {
        let conn = c.dedicated().await?;
        conn.cmd("CLIENT").arg("ID").query::<i64>().await?
    };
    // Given back unchanged: the next lease is the same connection.
    let conn = c.dedicated().await?;
    assert_eq!(conn.cmd("CLIENT").arg("ID").query::<i64>().await?, first_id);
    conn.cmd("SELECT").arg(3).query::<()>().await?;
    conn.cmd("SET").arg("in-db-3").arg(1).query::<()>().await?;
    drop(conn);
    // Changed (SELECT): closed, not reused; the next lease is a new connection in db 0.
    let conn = c.dedicated().await?;
    assert_ne!(conn.cmd("CLIENT").arg("ID").query::<i64>().await?, first_id);
    assert_eq!(conn.cmd("EXISTS").arg("in-db-3").query::<i64>().await?, 0);
    drop(conn);

    // Subscribing and MONITOR have handles of their own (Client::pubsub,
    // Client::monitor): on RESP2 a plain connection could not tell their
    // messages from replies.
    let sub = c.dedicated().await?;
    for command in ["SUBSCRIBE", "MONITOR"] {
        let err = sub.cmd(command).arg("a").query::<Value>().await.expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
        assert!(err.to_string().contains(if command == "MONITOR" {
            "Client::monitor"
        } else {
            "Client::pubsub"
        }));
    }
    assert_eq!(sub.cmd("PING").query::<String>().await?, "PONG");
    Ok(())
}

/// Raw blocking commands leave the shared connection: while BLPOP waits on a
/// pooled connection, the shared one answers.
pub async fn raw_blocking_commands_use_the_pool(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("k", "v").await?;
    let blpop = c.cmd("BLPOP").arg("q").arg(0).query::<Option<(String, String)>>();
    let served = async {
        for _ in 0..50 {
            assert_eq!(c.get::<String>("k").await?, "v");
        }
        c.rpush("q", "job").await?;
        Ok::<_, anyredis::Error>(())
    };
    let (popped, served) = futures_util::future::join(blpop, served).await;
    served?;
    assert_eq!(popped?, Some(("q".to_owned(), "job".to_owned())));
    Ok(())
}

fn spawnable<F: Future + Send + 'static>(future: F) -> F {
    future
}

/// Reply futures own what they need: they can be moved to another thread
/// and awaited there, after the client handle that made them is gone.
pub async fn reply_futures_are_static_and_send(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("k", "v").await?;
    let get = spawnable(c.get::<String>("k"));
    let pipe_free = spawnable(c.incr("n"));
    drop(c);
    let on_thread = std::thread::spawn(move || futures_lite::future::block_on(async { (get.await, pipe_free.await) }));
    let (value, n) = on_thread.join().map_err(|_| "the thread panicked")?;
    assert_eq!(value?, "v");
    assert_eq!(n?, 1);
    Ok(())
}

/// A transaction handle kept past its attempt fails with `Closed` instead of
/// running on a connection that may serve someone else by then.
pub async fn transaction_handle_ends_with_its_attempt(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .max_connections(1)
        .runtime(rt)
        .build()?;
    let kept: Arc<Mutex<Option<Transaction>>> = Arc::default();
    let store = kept.clone();
    let ((),): ((),) = c
        .transaction("k", move |tx| {
            *store.lock().unwrap() = Some(tx.clone());
            async move {
                let pipe = tx.pipeline();
                pipe.set("k", 1);
                Ok(pipe)
            }
        })
        .await?;
    let tx = kept.lock().unwrap().take().ok_or("the body ran")?;
    // The pool's only connection is now someone else's transaction.
    let other = c.dedicated().await?;
    other.cmd("MULTI").query::<()>().await?;
    let err = tx.get::<Option<i64>>("k").await.expect_err("stale handle");
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
    let err = tx
        .pipeline()
        .set("k", 2)
        .query::<Value>()
        .await
        .expect_err("stale handle");
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
    let queued: Vec<Value> = other.cmd("EXEC").query().await?;
    assert!(queued.is_empty(), "nothing of the stale handle was queued: {queued:?}");
    assert_eq!(c.get::<i64>("k").await?, 1);
    // Commands that change state are refused among a transaction's reads.
    drop(other);
    let err = c
        .transaction::<_, (), _, _>("k", |tx| async move {
            tx.cmd("SELECT").arg(1).query::<()>().await?;
            Ok(tx.pipeline())
        })
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
    Ok(())
}

/// A transaction whose body queues nothing leaves no `WATCH` behind: the
/// next transaction on the same pooled connection does not see a spurious
/// conflict.
pub async fn empty_transaction_leaves_no_watch(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .max_connections(1)
        .runtime(rt)
        .build()?;
    let empty: Vec<Value> = c.transaction("k", |tx| async move { Ok(tx.pipeline()) }).await?;
    assert!(empty.is_empty());
    c.set("k", "changed after the transaction").await?;
    let ((),): ((),) = c
        .transaction_with_attempts("other", 1, |tx| async move {
            let pipe = tx.pipeline();
            pipe.set("other", 1);
            Ok(pipe)
        })
        .await?;
    Ok(())
}

/// A server error inside a pipeline keeps its kind, code and the failing
/// command's index.
pub async fn pipeline_errors_keep_code_and_index(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let pipe = c.pipeline();
    pipe.set("text", "x").incr("text").get::<String>("text");
    let err = pipe.query::<((), i64, String)>().await.expect_err("INCR fails");
    assert_eq!(err.kind(), ErrorKind::Server, "{err}");
    assert_eq!(err.code(), Some("ERR"), "{err}");
    assert_eq!(err.command_index(), Some(1), "{err}");
    let pipe = c.pipeline();
    pipe.set("list", "x").lpush("list", "y");
    let err = pipe.query::<((), i64)>().await.expect_err("WRONGTYPE");
    assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
    assert_eq!(err.command_index(), Some(1), "{err}");
    Ok(())
}

/// Callers queued behind a failed connect get its error with kind and code
/// (WRONGPASS), not a string.
pub async fn connect_errors_keep_kind_for_every_caller(rt: Runtime) -> TestResult {
    let server = RedisServer::builder().password("right").build();
    let url = format!("redis://:wrong@{}:{}", server.host(), server.port());
    let c = client(&url, &rt)?;
    let results = join_all((0..8).map(|i| c.get::<Option<String>>(format!("k{i}")))).await;
    for result in results {
        let err = result.expect_err("wrong password");
        assert_eq!(err.kind(), ErrorKind::Server, "{err}");
        assert_eq!(err.code(), Some("WRONGPASS"), "{err}");
        assert!(!err.to_string().contains("wrong@"), "{err}");
    }
    Ok(())
}

/// With the shared connection busy, requests past `max_in_flight` fail at
/// once with `QueueFull` (not sent); the others get their own replies.
pub async fn queue_bounds_refuse_with_a_typed_error(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .max_in_flight(4)
        .runtime(rt)
        .build()?;
    c.set("k", "v").await?;
    let busy = c
        .cmd("EVAL")
        .arg(crate::cases::failures::BUSY_SCRIPT)
        .arg(0)
        .arg(300_000)
        .query::<i64>();
    let gets = join_all((0..10).map(|_| c.get::<String>("k")));
    let (busy, gets) = futures_util::future::join(busy, gets).await;
    assert_eq!(busy?, 1);
    let (mut ok, mut full) = (0, 0);
    for result in gets {
        match result {
            Ok(v) => {
                assert_eq!(v, "v");
                ok += 1;
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::QueueFull, "{e}");
                assert_eq!(e.request_state(), RequestState::NotSent);
                full += 1;
            }
        }
    }
    assert_eq!(ok, 3, "the script holds one of the four places");
    assert_eq!(full, 7);
    // Once replies drain, the connection takes commands again.
    assert_eq!(c.get::<String>("k").await?, "v");
    Ok(())
}

/// `close` refuses new commands, returns once the shared socket is closed,
/// and a closed client never connects again.
pub async fn close_closes(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .client_name("closing-client")
        .runtime(rt)
        .build()?;
    c.set("k", "v").await?;
    let _lease = c.dedicated().await?;
    c.close().await;
    // Our side is closed when `close` returns; the server notices on its next
    // turn of the event loop.
    let named = || {
        server
            .raw_command(&["CLIENT", "LIST"])
            .lines()
            .filter(|line| info_field(line, "name") == Some("closing-client"))
            .count()
    };
    crate::util::wait_for("only the leased connection to be left", Duration::from_secs(10), || {
        named() == 1
    })
    .await?;
    let err = c.get::<String>("k").await.expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
    let err = c.connect().await.expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
    let err = c
        .blpop::<Option<(String, String)>>("q", Duration::from_millis(10))
        .await
        .expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
    Ok(())
}

/// `connect` fails fast on a wrong address.
pub async fn connect_fails_fast(rt: Runtime) -> TestResult {
    let port = anyredis_test_support::free_port();
    let c = client(&format!("redis://127.0.0.1:{port}"), &rt)?;
    let err = c.connect().await.expect_err("nothing listens");
    assert!(err.is_connection(), "{err}");
    let server = RedisServer::new();
    client(&server.url(), &rt)?.connect().await?;
    Ok(())
}

/// A shared connection that owes replies and hears nothing for
/// `unresponsive_timeout` is closed: its caller gets `ConnectionLost` (sent,
/// unanswered) instead of waiting for ever, and later commands work again.
pub async fn unresponsive_connection_is_abandoned(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .unresponsive_timeout(Some(Duration::from_millis(300)))
        .response_timeout(None)
        .runtime(rt)
        .build()?;
    c.set("k", "v").await?;
    // Another client keeps the server busy for 2.5 s: our connection hears nothing.
    let mut raw = server.raw_connection()?;
    let busy = std::thread::spawn(move || raw.command(&["EVAL", crate::cases::failures::BUSY_SCRIPT, "0", "2500000"]));
    // Until the script runs, GETs are answered; the first one sent while it
    // runs hears nothing.
    let started = std::time::Instant::now();
    let err = loop {
        match c.get::<String>("k").await {
            Ok(v) if started.elapsed() < Duration::from_secs(2) => {
                assert_eq!(v, "v");
                crate::util::sleep(Duration::from_millis(5)).await;
            }
            Ok(v) => return Err(format!("answered during the busy script: {v}").into()),
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind(), ErrorKind::ConnectionLost, "{err}");
    assert_eq!(err.request_state(), RequestState::SentUnanswered, "{err}");
    assert!(err.to_string().contains("unresponsive"), "{err}");
    busy.join().map_err(|_| "the busy thread panicked")??;
    assert_eq!(c.get::<String>("k").await?, "v");
    Ok(())
}
