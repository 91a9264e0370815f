//! WATCH transactions with retries.

use anyredis::prelude::*;
use anyredis::{ErrorKind, Runtime};
use anyredis_test_support::RedisServer;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::util::{client, spawn_all};
use crate::TestResult;

/// The redis.asyncio counter example: client-side INCR under WATCH from 32
/// tasks spawned on the runtime (several threads) stays exact.
pub async fn watch_counter_is_exact(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let retries = Arc::new(AtomicUsize::new(0));
    let tasks = (0..32).map(|_| {
        let c = c.clone();
        let retries = retries.clone();
        async move {
            for _ in 0..10 {
                let mut first = true;
                let ((),): ((),) = c
                    .transaction("counter", |tx| {
                        if !std::mem::replace(&mut first, false) {
                            retries.fetch_add(1, Ordering::Relaxed);
                        }
                        async move {
                            let current = tx.get::<Option<i64>>("counter").await?.unwrap_or(0);
                            let pipe = tx.pipeline();
                            pipe.set("counter", current + 1);
                            Ok(pipe)
                        }
                    })
                    .await?;
            }
            Ok::<(), anyredis::Error>(())
        }
    });
    for result in spawn_all(&rt, tasks).await {
        result?;
    }
    assert_eq!(c.get::<i64>("counter").await?, 320);
    assert!(
        retries.load(Ordering::Relaxed) > 0,
        "32 tasks must have collided at least once"
    );
    Ok(())
}

/// A key changed on every attempt gives a WatchConflict after the allowed attempts;
/// an error from the body ends the transaction and the connection is reused.
pub async fn watch_conflict_and_body_error(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let attempts = AtomicUsize::new(0);
    let result = c
        .transaction_with_attempts("k", 3, |tx| {
            attempts.fetch_add(1, Ordering::Relaxed);
            let other = c.clone();
            async move {
                // Another client changes the watched key before EXEC.
                other.incr("k").await?;
                let pipe = tx.pipeline();
                pipe.set("k", "mine");
                Ok(pipe)
            }
        })
        .await;
    let err = result.map(|(): ()| ()).expect_err("always conflicting");
    assert_eq!(err.kind(), ErrorKind::WatchConflict, "{err}");
    assert_eq!(attempts.load(Ordering::Relaxed), 3);
    assert_eq!(c.get::<i64>("k").await?, 3);

    let err = c
        .transaction("k", |_tx| {
            let c = c.clone();
            async move { Err::<anyredis::Pipeline, _>(c.get::<i64>("missing").await.unwrap_err()) }
        })
        .await
        .map(|(): ()| ())
        .expect_err("body failed");
    assert!(err.is_conversion(), "{err}");
    assert_eq!(c.pool_status().idle, 1, "UNWATCHed and returned to the pool");
    // EXECABORT inside a transaction is reported as the server's error.
    let err = c
        .transaction("k", |tx| async move {
            let pipe = tx.pipeline();
            pipe.add(&cmd("NOSUCHCOMMAND"));
            Ok(pipe)
        })
        .await
        .map(|(): ()| ())
        .expect_err("EXECABORT");
    assert_eq!(err.code(), Some("EXECABORT"), "{err}");
    Ok(())
}
