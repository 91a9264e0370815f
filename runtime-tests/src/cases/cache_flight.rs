//! Single flight in `get_or_compute`: one computation for many tasks; a
//! leader that is cancelled, fails, or loses its server never wedges the
//! tasks waiting on it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyredis::cache::Cache;
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::{Fault, FaultProxy, RedisServer};
use futures_util::future::{select, Either};

use crate::util::{client, sleep, spawn, spawn_all, Rng};
use crate::TestResult;

const TASKS: usize = 100;

/// Calls of `command` the server counted (`INFO commandstats`).
fn calls(server: &RedisServer, command: &str) -> u64 {
    let stats = server.raw_command(&["INFO", "commandstats"]);
    let prefix = format!("cmdstat_{command}:");
    stats
        .lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .and_then(|fields| fields.split(',').find_map(|f| f.strip_prefix("calls=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Waits for `flag`, at most 20 s.
async fn wait_flag(flag: &AtomicBool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !flag.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "flag never set");
        sleep(Duration::from_millis(2)).await;
    }
}

/// Fails the test instead of hanging when `future` takes over 20 s.
async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    let limit = Box::pin(sleep(Duration::from_secs(20)));
    match select(Box::pin(future), limit).await {
        Either::Left((value, _)) => value,
        Either::Right(_) => panic!("{what}: still waiting after 20 s (wedged)"),
    }
}

/// A caller's error: Redis's, or its own computation's.
#[derive(Debug)]
enum AppError {
    Redis(anyredis::Error),
    Backend(&'static str),
}

impl From<anyredis::Error> for AppError {
    fn from(e: anyredis::Error) -> Self {
        AppError::Redis(e)
    }
}

/// 100 spawned tasks ask for a missing entry: the closure runs once, one
/// `SET` stores it, everybody gets the value; the same on a herd cache.
pub async fn computes_once(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("flight").build();
    let herd = c.cache("flight-herd").herd().build();
    server.raw_command(&["CONFIG", "RESETSTAT"]);
    for on_herd in [false, true] {
        let computes = Arc::new(AtomicUsize::new(0));
        let tasks = (0..TASKS).map(|_| {
            let (cache, herd, computes) = (cache.clone(), herd.clone(), computes.clone());
            async move {
                let compute = || async {
                    computes.fetch_add(1, Ordering::SeqCst);
                    sleep(Duration::from_millis(100)).await;
                    Ok::<_, anyredis::Error>(vec![1u8, 2, 3])
                };
                let ttl = Some(Duration::from_secs(60));
                if on_herd {
                    herd.get_or_compute("k", "", ttl, compute).await
                } else {
                    cache.get_or_compute("k", "", ttl, compute).await
                }
            }
        });
        for value in spawn_all(&rt, tasks).await {
            assert_eq!(value?, vec![1u8, 2, 3]);
        }
        assert_eq!(computes.load(Ordering::SeqCst), 1, "herd: {on_herd}");
    }
    assert_eq!(calls(&server, "set"), 1, "one SET for the plain cache");
    assert!(calls(&server, "get") <= TASKS as u64);
    assert_eq!(cache.get::<Vec<u8>>("k", "").await?, Some(vec![1, 2, 3]));
    assert_eq!(herd.get::<Vec<u8>>("k", "").await?, Some(vec![1, 2, 3]));
    Ok(())
}

/// Spawns `n` tasks that call `get_or_compute("k")` with a computation that
/// counts itself and returns "computed".
fn followers(
    rt: &Runtime,
    cache: &Cache,
    computes: &Arc<AtomicUsize>,
    n: usize,
) -> Vec<impl std::future::Future<Output = Result<String, AppError>>> {
    (0..n)
        .map(|_| {
            let (cache, computes) = (cache.clone(), computes.clone());
            spawn(rt, async move {
                cache
                    .get_or_compute("k", "", None, || async {
                        computes.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, AppError>("computed".to_owned())
                    })
                    .await
            })
        })
        .collect()
}

/// The task computing the value is cancelled while 20 others wait for it:
/// while it lives they send nothing; once it is gone one of them computes,
/// and all get the value.
pub async fn cancelled_leader_hands_over(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("cancel").build();
    let computes = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicBool::new(false));
    server.raw_command(&["CONFIG", "RESETSTAT"]);

    let leader = cache.get_or_compute("k", "", None, || {
        started.store(true, Ordering::SeqCst);
        std::future::pending::<Result<String, AppError>>()
    });
    let waiting = async {
        wait_flag(&started).await;
        let waiting = followers(&rt, &cache, &computes, 20);
        sleep(Duration::from_millis(100)).await;
        assert_eq!(calls(&server, "get"), 1, "the waiting tasks sent nothing");
        waiting
    };
    // Drops the leader, mid-computation, once the others wait.
    let waiting = match select(Box::pin(leader), Box::pin(waiting)).await {
        Either::Left(_) => panic!("the leader never finishes"),
        Either::Right((waiting, _leader)) => waiting,
    };
    let results = within(
        "followers of a cancelled leader",
        futures_util::future::join_all(waiting),
    )
    .await;
    for result in results {
        assert_eq!(result.map_err(|e| format!("{e:?}"))?, "computed");
    }
    assert_eq!(computes.load(Ordering::SeqCst), 1, "one of them took over");
    assert_eq!(calls(&server, "set"), 1);
    Ok(())
}

/// The leader's computation fails: it gets its own error, one waiting task
/// computes instead and the others get that value.
pub async fn failed_computation_hands_over(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("fail").build();
    let computes = Arc::new(AtomicUsize::new(0));
    let (started, release) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let leader = {
        let (cache, started, release) = (cache.clone(), started.clone(), release.clone());
        spawn(&rt, async move {
            cache
                .get_or_compute("k", "", None, || async {
                    started.store(true, Ordering::SeqCst);
                    wait_flag(&release).await;
                    Err::<String, _>(AppError::Backend("database down"))
                })
                .await
        })
    };
    wait_flag(&started).await;
    let waiting = followers(&rt, &cache, &computes, 20);
    sleep(Duration::from_millis(100)).await;
    release.store(true, Ordering::SeqCst);
    assert!(matches!(
        within("leader", leader).await,
        Err(AppError::Backend("database down"))
    ));
    for result in within("followers", futures_util::future::join_all(waiting)).await {
        assert_eq!(result.map_err(|e| format!("{e:?}"))?, "computed");
    }
    assert_eq!(computes.load(Ordering::SeqCst), 1);
    Ok(())
}

/// A Redis error of the leader's lookup is every waiting task's error; the
/// computation never runs.
pub async fn lookup_errors_are_shared(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("shared-error").build();
    let _: i64 = c.cmd("RPUSH").arg(cache.redis_key("k", "")).arg("x").query().await?;
    let computes = Arc::new(AtomicUsize::new(0));
    let results = within(
        "tasks",
        futures_util::future::join_all(followers(&rt, &cache, &computes, 50)),
    )
    .await;
    for result in results {
        match result {
            Err(AppError::Redis(e)) => assert_eq!(e.code(), Some("WRONGTYPE"), "{e}"),
            other => panic!("expected WRONGTYPE, got {other:?}"),
        }
    }
    assert_eq!(computes.load(Ordering::SeqCst), 0);
    Ok(())
}

/// Storing the computed value fails (the server refuses writes, then is
/// killed): the leader gets that error, the waiting tasks still get the
/// value; after a restart the entry is computed and stored again.
pub async fn store_failures_still_serve_the_value(rt: Runtime) -> TestResult {
    let mut server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("store").build();
    for kill in [false, true] {
        let computes = Arc::new(AtomicUsize::new(0));
        let (started, release) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let leader = {
            let (cache, started, release) = (cache.clone(), started.clone(), release.clone());
            spawn(&rt, async move {
                cache
                    .get_or_compute("k", "", None, || async {
                        started.store(true, Ordering::SeqCst);
                        wait_flag(&release).await;
                        Ok::<_, AppError>("computed".to_owned())
                    })
                    .await
            })
        };
        wait_flag(&started).await;
        let waiting = followers(&rt, &cache, &computes, 10);
        sleep(Duration::from_millis(100)).await;
        if kill {
            server.kill();
        } else {
            server.raw_command(&["CONFIG", "SET", "maxmemory", "1"]);
        }
        release.store(true, Ordering::SeqCst);
        match within("leader", leader).await {
            Err(AppError::Redis(e)) if kill => assert!(e.is_connection(), "{e}"),
            Err(AppError::Redis(e)) => assert_eq!(e.code(), Some("OOM"), "{e}"),
            other => panic!("the leader's SET should fail, got {other:?}"),
        }
        for result in within("followers", futures_util::future::join_all(waiting)).await {
            assert_eq!(result.map_err(|e| format!("{e:?}"))?, "computed");
        }
        assert_eq!(computes.load(Ordering::SeqCst), 0, "nobody computed again");
        if kill {
            server.restart();
        } else {
            server.raw_command(&["CONFIG", "SET", "maxmemory", "0"]);
        }
        assert_eq!(cache.get::<String>("k", "").await?, None, "not stored");
    }
    let computes = Arc::new(AtomicUsize::new(0));
    for result in within(
        "after restart",
        futures_util::future::join_all(followers(&rt, &cache, &computes, 5)),
    )
    .await
    {
        assert_eq!(result.map_err(|e| format!("{e:?}"))?, "computed");
    }
    assert_eq!(computes.load(Ordering::SeqCst), 1);
    assert_eq!(cache.get::<String>("k", "").await?.as_deref(), Some("computed"));
    Ok(())
}

/// Rounds of tasks on a few keys, a random share of them dropped at a
/// random moment (before their lookup, during it, while computing, while
/// waiting, while storing), entries deleted in between. Afterwards every key
/// answers at once: no flight was left behind.
pub async fn cancellation_never_wedges(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("torture").build();
    let keys = 5u64;
    let mut seed = Rng::new(0x5eed);
    let completed = Arc::new(AtomicUsize::new(0));
    for round in 0..60u64 {
        if round % 3 == 0 {
            cache.delete_many((0..keys).map(|k| k.to_string()), "").await?;
        }
        let tasks = (0..12).map(|_| {
            let (cache, completed) = (cache.clone(), completed.clone());
            let key = seed.below(keys).to_string();
            let cancel_after = match seed.below(4) {
                0 => None,
                n => Some(Duration::from_micros(seed.below(3000) * n)),
            };
            let work = Duration::from_micros(seed.below(3000));
            async move {
                let expected = format!("value of {key}");
                let call = cache.get_or_compute(&key, "", Some(Duration::from_secs(60)), || async {
                    sleep(work).await;
                    Ok::<_, anyredis::Error>(format!("value of {key}"))
                });
                let outcome = match cancel_after {
                    None => Some(call.await),
                    Some(after) => match select(Box::pin(call), Box::pin(sleep(after))).await {
                        Either::Left((value, _)) => Some(value),
                        Either::Right(_) => None,
                    },
                };
                if let Some(value) = outcome {
                    assert_eq!(value?, expected);
                    completed.fetch_add(1, Ordering::SeqCst);
                }
                Ok::<_, anyredis::Error>(())
            }
        });
        for result in within("a torture round", spawn_all(&rt, tasks)).await {
            result?;
        }
    }
    assert!(completed.load(Ordering::SeqCst) > 0);
    for k in 0..keys {
        let key = k.to_string();
        let value = within(
            "a key after the torture",
            cache.get_or_compute(&key, "", None, || async {
                Ok::<_, anyredis::Error>(format!("value of {key}"))
            }),
        )
        .await?;
        assert_eq!(value, format!("value of {key}"));
    }
    Ok(())
}

/// The leader's lookup meets a frozen connection (the response timeout
/// fails it) and then a dead server: each time every waiting task gets the
/// error at once, nobody computes, nobody hangs; afterwards it all works.
pub async fn frozen_or_dead_server_fails_everyone_once(rt: Runtime) -> TestResult {
    let mut server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = anyredis::ClientBuilder::from_url(&proxy.url())?
        .runtime(rt.clone())
        .response_timeout(Some(Duration::from_millis(300)))
        .build()?;
    c.connect().await?;
    let cache = c.cache("frozen").build();
    let computes = Arc::new(AtomicUsize::new(0));

    proxy.set(Fault::Freeze);
    let results = within(
        "tasks on a frozen connection",
        futures_util::future::join_all(followers(&rt, &cache, &computes, 30)),
    )
    .await;
    for result in results {
        match result {
            Err(AppError::Redis(e)) => assert!(e.is_timeout() || e.is_connection(), "{e}"),
            other => panic!("expected a timeout, got {other:?}"),
        }
    }
    assert_eq!(computes.load(Ordering::SeqCst), 0);
    proxy.set(Fault::Pass);

    server.kill();
    let results = within(
        "tasks on a dead server",
        futures_util::future::join_all(followers(&rt, &cache, &computes, 30)),
    )
    .await;
    for result in results {
        match result {
            Err(AppError::Redis(e)) => assert!(e.is_connection() || e.is_timeout(), "{e}"),
            other => panic!("expected a connection error, got {other:?}"),
        }
    }
    assert_eq!(computes.load(Ordering::SeqCst), 0);

    server.restart();
    let results = within("tasks after the restart", async {
        loop {
            // The client may still be backing off its reconnects.
            let results = futures_util::future::join_all(followers(&rt, &cache, &computes, 30)).await;
            if results.iter().all(|r| r.is_ok()) {
                break results;
            }
            sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    for result in results {
        assert_eq!(result.map_err(|e| format!("{e:?}"))?, "computed");
    }
    assert_eq!(computes.load(Ordering::SeqCst), 1);
    Ok(())
}
