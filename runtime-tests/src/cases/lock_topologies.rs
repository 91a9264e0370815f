//! Locks over several servers: the replica-checked lock (a primary with two
//! replicas started by the test support) and Redlock over five servers.

use std::time::{Duration, Instant};

use anyredis::lock::{Redlock, ReplicaCheck};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;

use crate::util::client;
use crate::TestResult;

fn replica_of(primary: &RedisServer) -> RedisServer {
    RedisServer::builder()
        .replica_of(primary)
        .arg("--enable-debug-command")
        .arg("yes")
        .build()
}

/// Keeps `server` busy in `DEBUG SLEEP` for `secs` on a thread of its own
/// (no replication acknowledgements meanwhile); join to wait for the end.
fn pause(server: &RedisServer, secs: &str) -> std::thread::JoinHandle<()> {
    let mut conn = server.raw_connection().expect("a raw connection");
    let secs = secs.to_owned();
    let handle = std::thread::spawn(move || {
        let reply = conn.command(&["DEBUG", "SLEEP", secs.as_str()]).expect("DEBUG SLEEP");
        assert_eq!(reply.to_string(), "OK");
    });
    // DEBUG SLEEP runs as soon as the command arrives: a PING on a second
    // connection would block behind it, so wait a little instead.
    std::thread::sleep(Duration::from_millis(100));
    handle
}

/// With both replicas up the lock is taken (and its write is on both); with
/// both paused it fails within its budget with `LockQuorum` and leaves no
/// lock; afterwards it works again. `AtLeast(3)` of two replicas fails.
pub async fn replica_checked_lock(rt: Runtime) -> TestResult {
    let primary = RedisServer::new();
    let replicas = [replica_of(&primary), replica_of(&primary)];
    let c = client(&primary.url(), &rt)?;
    // Generous budgets where success is expected (a loaded machine may be slow
    // to schedule the replicas), a short one where failure is.
    let patient = c
        .lock("replicated")
        .ttl(Duration::from_secs(10))
        .replica_check(ReplicaCheck::Majority)
        .replica_timeout(Duration::from_secs(5))
        .blocking_timeout(Duration::from_secs(20))
        .build()?;
    let lock = c
        .lock("replicated")
        .ttl(Duration::from_secs(3))
        .replica_check(ReplicaCheck::Majority)
        .replica_timeout(Duration::from_millis(400))
        .build()?;
    let guard = patient.try_acquire().await?.expect("both replicas acknowledge");
    assert!(guard.fencing_token() > 0);
    for replica in &replicas {
        assert_eq!(
            replica.raw_command(&["GET", "replicated"]),
            guard.token(),
            "acknowledged means there"
        );
    }
    guard.release().await?;

    let sleepers: Vec<_> = replicas.iter().map(|r| pause(r, "6")).collect();
    let started = Instant::now();
    let err = lock.try_acquire().await.expect_err("no replica can acknowledge");
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::LockQuorum, "{err}");
    assert!(err.to_string().contains("0 of the 2 replicas"), "{err}");
    assert!(took < Duration::from_secs(3), "the budget is the TTL; took {took:?}");
    assert_eq!(
        primary.raw_command(&["EXISTS", "replicated"]),
        "0",
        "released after the failure"
    );

    // Blocking: retries until its blocking timeout, then the same error.
    let blocking = c
        .lock("replicated")
        .ttl(Duration::from_secs(3))
        .replica_check(ReplicaCheck::Majority)
        .replica_timeout(Duration::from_millis(200))
        .retry_interval(Duration::from_millis(50))
        .blocking_timeout(Duration::from_millis(600))
        .build()?;
    let err = blocking.acquire().await.expect_err("still paused");
    assert_eq!(err.kind(), ErrorKind::LockQuorum, "{err}");
    assert_eq!(primary.raw_command(&["EXISTS", "replicated"]), "0");

    // The wait counts against the TTL: a 500 ms lock gives up long before
    // its 10 s replica timeout.
    let short = c
        .lock("replicated")
        .ttl(Duration::from_millis(500))
        .replica_check(ReplicaCheck::Majority)
        .replica_timeout(Duration::from_secs(10))
        .build()?;
    let started = Instant::now();
    let err = short.try_acquire().await.expect_err("paused");
    assert_eq!(err.kind(), ErrorKind::LockQuorum, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );

    // Dropped in the middle of its WAIT (once the key is on the primary):
    // released in the background.
    let key_taken = async {
        let seen = crate::util::wait_for("the attempt's key", Duration::from_secs(5), || {
            primary.raw_command(&["EXISTS", "replicated"]) == "1"
        })
        .await;
        crate::util::sleep(Duration::from_millis(50)).await;
        seen
    };
    match futures_util::future::select(Box::pin(patient.acquire()), Box::pin(key_taken)).await {
        futures_util::future::Either::Right((seen, attempt)) => {
            seen?;
            drop(attempt);
        }
        futures_util::future::Either::Left((outcome, _)) => panic!("WAIT cannot succeed yet: {outcome:?}"),
    }
    crate::util::wait_for("the cancelled attempt's release", Duration::from_secs(5), || {
        primary.raw_command(&["EXISTS", "replicated"]) == "0"
    })
    .await?;
    for sleeper in sleepers {
        sleeper.join().expect("the DEBUG SLEEP thread");
    }

    let guard = patient.acquire().await?.expect("replicas are back");
    guard.release().await?;
    let three = c
        .lock("replicated")
        .ttl(Duration::from_secs(3))
        .replica_check(ReplicaCheck::AtLeast(3))
        .replica_timeout(Duration::from_millis(200))
        .build()?;
    let err = three.try_acquire().await.expect_err("only two replicas");
    assert_eq!(err.kind(), ErrorKind::LockQuorum, "{err}");
    assert_eq!(primary.raw_command(&["EXISTS", "replicated"]), "0");

    // A replica is not a primary: a majority cannot be counted there.
    let on_replica = client(&replicas[0].url(), &rt)?;
    let err = on_replica
        .lock("r")
        .replica_check(ReplicaCheck::Majority)
        .build()?
        .try_acquire()
        .await
        .expect_err("not a primary");
    assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
    Ok(())
}

/// Redlock over five servers: held with two down (and refused to a second
/// contender), released on all; with three down it fails with `LockQuorum`
/// and leaves no key on the two that are up.
pub async fn redlock_quorum(rt: Runtime) -> TestResult {
    let mut servers: Vec<RedisServer> = (0..5).map(|_| RedisServer::new()).collect();
    let clients = servers
        .iter()
        .map(|s| client(&s.url(), &rt))
        .collect::<anyredis::Result<Vec<_>>>()?;
    let redlock = |name: &str| {
        Redlock::builder(clients.clone(), name)
            .ttl(Duration::from_secs(10))
            .server_timeout(Duration::from_millis(500))
            .blocking(false)
            .build()
    };
    let lock = redlock("red")?;
    assert_eq!(lock.quorum(), 3);

    // A TTL shorter than the clock-drift allowance (1% + 2 ms) can never
    // leave any validity: granted everywhere, yet refused, and released.
    let hopeless = Redlock::builder(clients.clone(), "red")
        .ttl(Duration::from_millis(2))
        .server_timeout(Duration::from_secs(2))
        .blocking(false)
        .build()?;
    let err = hopeless.acquire().await.expect_err("no validity left");
    assert_eq!(err.kind(), ErrorKind::LockQuorum, "{err}");
    assert!(err.to_string().contains("leaving no validity"), "{err}");

    let guard = lock.acquire().await?.expect("all five up");
    for s in &servers {
        assert_eq!(s.raw_command(&["GET", "red"]), guard.token());
    }
    assert!(redlock("red")?.try_acquire().await?.is_none(), "held by the first");
    guard.release().await?;
    for s in &servers {
        assert_eq!(s.raw_command(&["EXISTS", "red"]), "0");
    }

    servers[0].kill();
    servers[1].kill();
    let started = Instant::now();
    let guard = lock.acquire().await?.expect("three of five is a majority");
    let until = guard.valid_until().expect("validity");
    assert!(
        until > started + Duration::from_secs(9),
        "validity = TTL - elapsed - drift"
    );
    assert!(until <= started + Duration::from_secs(10) - Duration::from_millis(100));
    assert!(redlock("red")?.try_acquire().await?.is_none());
    guard.extend_to(Duration::from_secs(20)).await?;
    assert!(guard.valid_until().expect("validity") > until);
    guard.release().await?;

    // Held on a minority by someone else: not acquired, nothing left.
    servers[2].raw_command(&["SET", "red", "someone"]);
    servers[3].raw_command(&["SET", "red", "someone"]);
    assert!(lock.acquire().await?.is_none());
    assert_eq!(servers[4].raw_command(&["EXISTS", "red"]), "0", "released where taken");
    servers[2].raw_command(&["DEL", "red"]);
    servers[3].raw_command(&["DEL", "red"]);

    servers[2].kill();
    let err = lock.acquire().await.expect_err("two of five");
    assert_eq!(err.kind(), ErrorKind::LockQuorum, "{err}");
    assert!(err.to_string().contains("3 of 5 servers"), "{err}");
    for s in &servers[3..] {
        assert_eq!(s.raw_command(&["EXISTS", "red"]), "0", "nothing left behind");
        assert_eq!(s.raw_command(&["DBSIZE"]), "0");
    }
    // Blocking with a timeout: the same error once the time is up.
    let blocking = Redlock::builder(clients.clone(), "red")
        .ttl(Duration::from_secs(10))
        .server_timeout(Duration::from_millis(200))
        .retry_interval(Duration::from_millis(50))
        .blocking_timeout(Duration::from_millis(300))
        .build()?;
    let err = blocking.acquire().await.expect_err("still two of five");
    assert_eq!(err.kind(), ErrorKind::LockQuorum, "{err}");
    for s in &servers[3..] {
        assert_eq!(s.raw_command(&["DBSIZE"]), "0");
    }
    let none = Redlock::builder(Vec::<Client>::new(), "x").build();
    assert_eq!(none.expect_err("no clients").kind(), ErrorKind::Config);
    Ok(())
}

/// Redlock acquires dropped at 300 random points, and guards dropped without
/// release: every key they took on any of the five servers is released in
/// the background; none is left without a TTL meanwhile.
pub async fn redlock_cancelled_and_dropped_leave_nothing(rt: Runtime) -> TestResult {
    let servers: Vec<RedisServer> = (0..5).map(|_| RedisServer::new()).collect();
    let clients = servers
        .iter()
        .map(|s| client(&s.url(), &rt))
        .collect::<anyredis::Result<Vec<_>>>()?;
    let lock = Redlock::builder(clients.clone(), "red")
        .ttl(Duration::from_secs(30))
        .server_timeout(Duration::from_secs(2))
        .blocking(false)
        .build()?;
    // Each attempt is dropped after a random number of polls (at one of its
    // own awaits), not after a random time: tokio's timer cannot cut below a
    // millisecond, and an acquire on this machine can take a third of one.
    let mut rng = crate::util::Rng::new(0x4ed);
    let (mut completed, mut cancelled) = (0, 0);
    for round in 0..300 {
        let polls = u32::try_from(rng.below(12)).unwrap_or(0) + 1;
        match crate::util::cut_after_polls(lock.acquire(), polls).await {
            Some(outcome) => {
                completed += 1;
                drop(outcome?); // a guard, if taken: released in the background
            }
            None => cancelled += 1,
        }
        for s in &servers {
            let left: i64 = s.raw_command(&["PTTL", "red"]).parse()?;
            assert!(left == -2 || left > 0, "round {round}: PTTL {left}");
        }
    }
    assert!(
        completed > 20 && cancelled > 20,
        "completed {completed}, cancelled {cancelled}"
    );
    crate::util::wait_for("every Redlock key released", Duration::from_secs(10), || {
        servers.iter().all(|s| s.raw_command(&["DBSIZE"]) == "0")
    })
    .await?;
    Ok(())
}

/// Redlock with auto-extend keeps a 1 s lock through 2.5 s of work, and
/// keeps it with two of five servers down; with three down no round reaches
/// a majority, and the guard reports the loss once its validity ends.
pub async fn redlock_auto_extend(rt: Runtime) -> TestResult {
    use futures_util::future::{select, Either};
    let mut servers: Vec<RedisServer> = (0..5).map(|_| RedisServer::new()).collect();
    let clients = servers
        .iter()
        .map(|s| client(&s.url(), &rt))
        .collect::<anyredis::Result<Vec<_>>>()?;
    for c in &clients {
        c.connect().await?;
    }
    let lock = Redlock::builder(clients.clone(), "kept")
        .ttl(Duration::from_millis(1000))
        .server_timeout(Duration::from_millis(100))
        .auto_extend(true)
        .blocking(false)
        .build()?;
    let guard = lock.acquire().await?.expect("all up");
    let first = guard.valid_until().expect("validity");
    crate::util::sleep(Duration::from_millis(2500)).await;
    assert!(!guard.is_lost());
    assert!(guard.valid_until().expect("validity") > first + Duration::from_millis(1500));
    for s in &servers {
        assert_eq!(s.raw_command(&["GET", "kept"]), guard.token());
    }

    servers[0].kill();
    servers[1].kill();
    crate::util::sleep(Duration::from_millis(2000)).await;
    assert!(!guard.is_lost(), "three of five still extend it");
    assert!(guard.valid_until().expect("validity") > Instant::now());

    servers[2].kill();
    let lost = select(guard.lost(), Box::pin(crate::util::sleep(Duration::from_secs(10)))).await;
    assert!(matches!(lost, Either::Left(_)), "the loss was not reported");
    assert!(guard.is_lost());
    drop(guard);
    crate::util::wait_for("the survivors' keys to go", Duration::from_secs(5), || {
        servers[3..].iter().all(|s| s.raw_command(&["EXISTS", "kept"]) == "0")
    })
    .await?;

    // Released explicitly: the task stops, nothing is extended again.
    let lock = Redlock::builder(clients[3..].to_vec(), "again")
        .ttl(Duration::from_millis(300))
        .auto_extend(true)
        .build()?;
    let guard = lock.try_acquire().await?.expect("two of two up");
    guard.release().await?;
    crate::util::sleep(Duration::from_millis(400)).await;
    for s in &servers[3..] {
        assert_eq!(s.raw_command(&["EXISTS", "again"]), "0");
    }
    Ok(())
}
