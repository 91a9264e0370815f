//! Distributed locks on one server: the redis-py walk-through, mutual
//! exclusion under spawned contenders, a stale holder, fencing tokens,
//! auto-extend and its loss, cancelled acquires.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use futures_util::future::{select, Either};

use crate::util::{client, sleep, spawn, spawn_all, Rng};
use crate::TestResult;

fn expect_kind<T: std::fmt::Debug>(result: anyredis::Result<T>, kind: ErrorKind) -> anyredis::Error {
    match result {
        Err(e) => {
            assert_eq!(e.kind(), kind, "{e}");
            e
        }
        Ok(v) => panic!("expected a {kind:?} error, got {v:?}"),
    }
}

/// The milliseconds `key` has left (-1: no TTL, -2: no key), asked raw.
fn pttl(server: &RedisServer, key: &str) -> i64 {
    server
        .raw_command(&["PTTL", key])
        .parse()
        .unwrap_or_else(|e| panic!("PTTL {key}: {e}"))
}

/// Waits until `key` is gone from `server` (background releases).
async fn wait_gone(server: &RedisServer, key: &str) -> Result<(), String> {
    crate::util::wait_for(&format!("{key} to be released"), Duration::from_secs(10), || {
        pttl(server, key) == -2
    })
    .await
}

/// acquire, acquire(blocking=false), release, acquire: true, false, ok,
/// true; then every guard operation, the builder's refusals, and a dropped
/// guard released in the background.
pub async fn acquire_release_walkthrough(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let lock = c.lock("walk").ttl(Duration::from_secs(5)).build()?;
    assert!(!lock.locked().await?);
    let first = lock.acquire().await?;
    let second = lock.try_acquire().await?;
    let nonblocking = c.lock("walk").blocking(false).build()?.acquire().await?;
    assert!(first.is_some() && second.is_none() && nonblocking.is_none());
    let first = first.expect("taken");
    assert!(lock.locked().await?);
    assert_eq!(server.raw_command(&["GET", "walk"]), first.token());
    assert_eq!(first.token().len(), 32);
    let ttl = pttl(&server, "walk");
    assert!(ttl > 0 && ttl <= 5000, "{ttl}");
    first.release().await?;
    assert!(!lock.locked().await?);
    let again = lock.acquire().await?.expect("free again");
    assert!(again.fencing_token() > 0);
    assert_eq!(lock.fence_key(), "{walk}:fence");
    assert_eq!(
        server.raw_command(&["GET", "{walk}:fence"]),
        again.fencing_token().to_string()
    );

    // extend adds, extend_to sets, reacquire goes back to the full TTL.
    again.extend(Duration::from_secs(20)).await?;
    assert!(pttl(&server, "walk") > 20_000);
    again.extend_to(Duration::from_millis(1500)).await?;
    assert!(pttl(&server, "walk") <= 1500);
    again.reacquire().await?;
    assert!(pttl(&server, "walk") > 4000);
    let until = again.valid_until().expect("a TTL lock has a validity");
    assert!(until > Instant::now() + Duration::from_secs(3));
    assert!(again.owned().await? && !again.is_lost());

    // Dropped without release: released in the background.
    drop(again);
    wait_gone(&server, "walk").await?;

    // A lock without TTL: permanent once taken, extend refused, extend_to works.
    let forever = c.lock("forever").ttl(None).build()?;
    let guard = forever.acquire().await?.expect("free");
    assert_eq!(pttl(&server, "forever"), -1, "held until released");
    assert_eq!(guard.valid_until(), None);
    expect_kind(guard.extend(Duration::from_secs(1)).await, ErrorKind::Usage);
    guard.reacquire().await?;
    guard.extend_to(Duration::from_secs(60)).await?;
    assert!(pttl(&server, "forever") > 50_000);
    guard.extend(Duration::from_secs(60)).await?; // it has a TTL now
    assert!(pttl(&server, "forever") > 110_000);
    guard.release().await?;

    // Somebody else's key is never touched.
    let other = c.lock("shared").build()?.acquire().await?.expect("free");
    c.set("shared", "not-yours").await?;
    expect_kind(other.extend(Duration::from_secs(1)).await, ErrorKind::LockNotOwned);
    assert!(other.is_lost());
    assert!(!other.owned().await?);
    expect_kind(other.release().await, ErrorKind::LockNotOwned);
    assert_eq!(c.get::<String>("shared").await?, "not-yours");

    // Builder refusals.
    for built in [
        c.lock("x").ttl(Duration::ZERO).build(),
        c.lock("x").retry_interval(Duration::from_micros(10)).build(),
        c.lock("x").ttl(None).auto_extend(true).build(),
        c.lock("x")
            .ttl(None)
            .replica_check(anyredis::lock::ReplicaCheck::Majority)
            .build(),
    ] {
        expect_kind(built, ErrorKind::Config);
    }
    // A fence counter that is not a number fails the acquire, and releases it.
    c.set("{bad}:fence", "text").await?;
    let err = c.lock("bad").build()?.try_acquire().await.expect_err("INCR fails");
    assert_eq!(err.kind(), ErrorKind::Server, "{err}");
    wait_gone(&server, "bad").await?;
    // RESP2, and a name with spaces, non-ASCII text and a hash tag.
    let resp2 = client(&format!("{}?protocol=2", server.url()), &rt)?;
    let odd = resp2.lock("odd name ✓ {tag}").ttl(Duration::from_secs(5)).build()?;
    assert_eq!(odd.fence_key(), "odd name ✓ {tag}:fence");
    let guard = odd.try_acquire().await?.expect("free");
    assert!(guard.owned().await? && odd.locked().await?);
    guard.extend(Duration::from_secs(5)).await?;
    assert!(pttl(&server, "odd name ✓ {tag}") > 5000);
    assert!(odd.try_acquire().await?.is_none());
    guard.release().await?;
    assert!(!odd.locked().await?);

    c.set("{neg}:fence", -5).await?;
    let err = c
        .lock("neg")
        .build()?
        .try_acquire()
        .await
        .expect_err("a negative fence");
    assert_eq!(err.kind(), ErrorKind::Conversion, "{err}");
    wait_gone(&server, "neg").await?;
    Ok(())
}

/// A blocking acquire answers `None` at its blocking timeout (not before,
/// and within 1.5 s after on a loaded machine), and gets the lock as soon as
/// the holder releases it.
pub async fn blocking_timeout_is_honoured(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let holder = c
        .lock("busy")
        .ttl(Duration::from_secs(30))
        .build()?
        .acquire()
        .await?
        .expect("free");
    let limit = Duration::from_millis(400);
    let waiter = c
        .lock("busy")
        .retry_interval(Duration::from_millis(30))
        .blocking_timeout(limit)
        .build()?;
    let started = Instant::now();
    assert!(waiter.acquire().await?.is_none());
    let took = started.elapsed();
    assert!(took >= limit, "gave up after {took:?}, before {limit:?}");
    assert!(
        took < limit + Duration::from_millis(1500),
        "gave up only after {took:?}"
    );

    let release_later = spawn(&rt, async move {
        sleep(Duration::from_millis(150)).await;
        holder.release().await
    });
    let waiter = c
        .lock("busy")
        .retry_interval(Duration::from_millis(10))
        .blocking_timeout(Duration::from_secs(20))
        .build()?;
    let got = waiter.acquire().await?;
    release_later.await?;
    assert!(got.is_some(), "the holder released it");
    Ok(())
}

/// 32 spawned tasks × 50: take the lock, GET the counter, yield, SET it +1,
/// release. Exactly 1,600, and never two tasks inside at once.
pub async fn mutual_exclusion(rt: Runtime) -> TestResult {
    const TASKS: usize = 32;
    const ROUNDS: usize = 50;
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("counter", 0).await?;
    let inside = Arc::new(AtomicUsize::new(0));
    let lock = c
        .lock("mutex")
        .ttl(Duration::from_secs(20))
        .retry_interval(Duration::from_millis(2))
        .build()?;
    let tasks = (0..TASKS).map(|_| {
        let (c, lock, inside) = (c.clone(), lock.clone(), inside.clone());
        async move {
            for _ in 0..ROUNDS {
                let guard = lock.acquire().await?.expect("blocking without timeout");
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders at once");
                let n: i64 = c.get("counter").await?;
                futures_lite::future::yield_now().await;
                c.set("counter", n + 1).await?;
                inside.fetch_sub(1, Ordering::SeqCst);
                guard.release().await?;
            }
            Ok::<(), anyredis::Error>(())
        }
    });
    for outcome in spawn_all(&rt, tasks).await {
        outcome?;
    }
    assert_eq!(c.get::<i64>("counter").await?, (TASKS * ROUNDS) as i64);
    assert_eq!(pttl(&server, "mutex"), -2, "released");
    Ok(())
}

/// Holder A (1 s TTL) stalls past expiry; B takes the lock; A's release and
/// extend fail with `LockNotOwned` and B still holds it.
pub async fn stale_holder_cannot_release(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let lock = c.lock("timeline").ttl(Duration::from_secs(1)).build()?;
    let a = lock.acquire().await?.expect("free");
    sleep(Duration::from_millis(1200)).await;
    assert!(a.valid_until().expect("ttl") < Instant::now());
    let b = lock.try_acquire().await?.expect("A's lock expired");
    assert!(b.fencing_token() > a.fencing_token());
    expect_kind(a.extend(Duration::from_secs(5)).await, ErrorKind::LockNotOwned);
    expect_kind(a.reacquire().await, ErrorKind::LockNotOwned);
    assert!(a.is_lost());
    let err = expect_kind(a.release().await, ErrorKind::LockNotOwned);
    assert!(err.to_string().contains("timeline"), "{err}");
    assert!(b.owned().await?);
    assert_eq!(server.raw_command(&["GET", "timeline"]), b.token());
    b.release().await?;
    Ok(())
}

/// 1,000 acquisitions from 16 spawned tasks: in the order they held the
/// lock, fencing tokens strictly increase.
pub async fn fencing_tokens_increase(rt: Runtime) -> TestResult {
    const TASKS: usize = 16;
    const TOTAL: usize = 1000;
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let lock = c
        .lock("fenced")
        .ttl(Duration::from_secs(20))
        .retry_interval(Duration::from_millis(2))
        .build()?;
    let seen = Arc::new(Mutex::new(Vec::with_capacity(TOTAL)));
    let tasks = (0..TASKS).map(|t| {
        let (lock, seen) = (lock.clone(), seen.clone());
        let mine = TOTAL / TASKS + usize::from(t < TOTAL % TASKS);
        async move {
            for _ in 0..mine {
                let guard = lock.acquire().await?.expect("blocking");
                // Recorded while held: the list is in acquisition order.
                seen.lock().unwrap().push(guard.fencing_token());
                guard.release().await?;
            }
            Ok::<(), anyredis::Error>(())
        }
    });
    for outcome in spawn_all(&rt, tasks).await {
        outcome?;
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), TOTAL);
    for pair in seen.windows(2) {
        assert!(pair[1] > pair[0], "fencing token {} after {}", pair[1], pair[0]);
    }
    Ok(())
}

/// Auto-extend keeps a 300 ms lock through 2 s of work; a lock taken from
/// under it is reported lost; a killed server makes the guard report the
/// loss once its validity ends; dropping the guard stops the task.
pub async fn auto_extend_keeps_and_reports_loss(rt: Runtime) -> TestResult {
    let mut server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let lock = c
        .lock("kept")
        .ttl(Duration::from_millis(300))
        .auto_extend(true)
        .build()?;
    let guard = lock.acquire().await?.expect("free");
    let first_validity = guard.valid_until().expect("ttl");
    sleep(Duration::from_secs(2)).await;
    assert!(!guard.is_lost());
    assert!(guard.owned().await?, "kept alive past 6 TTLs");
    assert!(guard.valid_until().expect("ttl") > first_validity);
    assert!(lock.try_acquire().await?.is_none());
    guard.release().await?;
    assert!(!lock.locked().await?);

    // Taken from under it: the next extension sees another token.
    let guard = lock.acquire().await?.expect("free");
    c.set("kept", "intruder").await?;
    let lost = select(guard.lost(), Box::pin(sleep(Duration::from_secs(10)))).await;
    assert!(matches!(lost, Either::Left(_)), "the loss was not reported");
    assert!(guard.is_lost());
    drop(guard);
    assert_eq!(c.get::<String>("kept").await?, "intruder", "left alone");
    c.del("kept").await?;

    // Dropped: the task stops and the lock is released.
    let guard = lock.acquire().await?.expect("free");
    drop(guard);
    wait_gone(&server, "kept").await?;
    sleep(Duration::from_millis(400)).await;
    assert_eq!(pttl(&server, "kept"), -2, "no extension after the drop");

    // The server dies under a held lock: lost once its validity ends.
    let guard = lock.acquire().await?.expect("free");
    let until = guard.valid_until().expect("ttl");
    server.kill();
    let lost = select(guard.lost(), Box::pin(sleep(Duration::from_secs(10)))).await;
    assert!(matches!(lost, Either::Left(_)), "the loss was not reported");
    assert!(guard.is_lost());
    assert!(
        Instant::now() + Duration::from_millis(5) >= until,
        "reported before the validity ended"
    );
    Ok(())
}

/// `acquire` dropped at 1,000 random points (some while the lock is held
/// elsewhere, some with the lock free): no lock key is ever left without a
/// TTL, and every lock a cancelled attempt took is released in the
/// background. Also for locks without TTL (taken with a provisional one).
pub async fn cancelled_acquire_leaves_no_key_without_ttl(rt: Runtime) -> TestResult {
    const ROUNDS: u64 = 1000;
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let mut rng = Rng::new(0x10c4);
    let (mut completed, mut cancelled) = (0, 0);
    for round in 0..ROUNDS {
        // TTL-less locks under names of their own: their keys are
        // permanent while held, by design.
        let permanent = round % 5 == 0;
        let name = if permanent {
            format!("cancel:forever:{}", round % 4)
        } else {
            format!("cancel:{}", round % 4)
        };
        let lock = c
            .lock(name.as_str())
            .ttl(if permanent { None } else { Some(Duration::from_secs(30)) })
            .retry_interval(Duration::from_millis(1))
            .blocking_timeout(Duration::from_millis(20))
            .build()?;
        let held = if round % 3 == 0 {
            lock.try_acquire().await?
        } else {
            None
        };
        let cut = Duration::from_micros(rng.below(1500));
        let attempt = Box::pin(lock.acquire());
        match select(attempt, Box::pin(sleep(cut))).await {
            Either::Left((outcome, _)) => {
                completed += 1;
                drop(outcome?);
            }
            Either::Right(((), attempt)) => {
                cancelled += 1;
                drop(attempt);
            }
        }
        drop(held);
        // Either gone or expiring: never a lock key without a TTL.
        if !permanent {
            let left = pttl(&server, &name);
            assert!(left == -2 || left > 0, "round {round}: {name} has PTTL {left}");
        }
    }
    assert!(
        completed > 50 && cancelled > 50,
        "completed {completed}, cancelled {cancelled}"
    );
    // Every lock a cancelled attempt took is released in the background,
    // the permanent ones too; only the fence counters remain (on purpose
    // without TTL).
    for i in 0..4 {
        wait_gone(&server, &format!("cancel:{i}")).await?;
        wait_gone(&server, &format!("cancel:forever:{i}")).await?;
    }
    let mut keys: Vec<String> = c.keys("*").await?;
    keys.sort();
    let mut fences: Vec<String> = (0..4)
        .flat_map(|i| [format!("{{cancel:{i}}}:fence"), format!("{{cancel:forever:{i}}}:fence")])
        .collect();
    fences.sort();
    assert_eq!(keys, fences);
    Ok(())
}

/// Auto-extend through a fault proxy: a connection killed under the lock is
/// replaced and the lock kept (extensions go through the new one); a frozen
/// connection makes the guard report the loss once the validity ends (each
/// extension is bounded by it), and the key then expires on the server.
pub async fn auto_extend_through_faults(rt: Runtime) -> TestResult {
    use anyredis_test_support::{Fault, FaultProxy};
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = client(&proxy.url(), &rt)?;
    let lock = c
        .lock("faulty")
        .ttl(Duration::from_millis(600))
        .auto_extend(true)
        .build()?;
    let guard = lock.acquire().await?.expect("free");
    for _ in 0..3 {
        proxy.reset_all();
        sleep(Duration::from_millis(250)).await;
    }
    sleep(Duration::from_millis(700)).await;
    assert!(!guard.is_lost(), "a replaced connection does not lose the lock");
    assert!(guard.owned().await?);
    assert_eq!(server.raw_command(&["GET", "faulty"]), guard.token());

    proxy.freeze_new_connections(true);
    proxy.set(Fault::Freeze);
    let frozen_at = Instant::now();
    let lost = select(guard.lost(), Box::pin(sleep(Duration::from_secs(10)))).await;
    assert!(matches!(lost, Either::Left(_)), "the loss was not reported");
    assert!(
        frozen_at.elapsed() < Duration::from_secs(3),
        "reported only after {:?}",
        frozen_at.elapsed()
    );
    crate::util::wait_for("the key to expire", Duration::from_secs(5), || {
        pttl(&server, "faulty") == -2
    })
    .await?;
    proxy.set(Fault::Pass);
    drop(guard);
    Ok(())
}

/// Fencing tokens live in the server's data: with the AOF they keep
/// increasing across a restart (a lock held then is gone or kept with its
/// TTL, and a stale holder's release is refused once another took it).
pub async fn fencing_survives_a_restart(rt: Runtime) -> TestResult {
    let mut server = RedisServer::builder().appendonly(true).build();
    let c = client(&server.url(), &rt)?;
    let lock = c.lock("durable").ttl(Duration::from_secs(30)).build()?;
    let mut last = 0;
    for _ in 0..5 {
        let guard = lock.acquire().await?.expect("free");
        assert!(guard.fencing_token() > last);
        last = guard.fencing_token();
        guard.release().await?;
    }
    let held = lock.acquire().await?.expect("free");
    server.raw_command(&["CONFIG", "SET", "appendfsync", "always"]);
    server.stop();
    server.restart();
    assert!(held.owned().await?, "the key came back with the AOF, with its TTL");
    let left = pttl(&server, "durable");
    assert!(left > 0, "PTTL {left}");
    c.del("durable").await?;
    let next = lock.acquire().await?.expect("deleted, so free");
    assert!(next.fencing_token() > held.fencing_token(), "the counter survived");
    expect_kind(held.release().await, ErrorKind::LockNotOwned);
    assert!(next.owned().await?);
    next.release().await?;
    Ok(())
}
