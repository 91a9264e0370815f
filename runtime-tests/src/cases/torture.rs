//! Cancellation torture, a server killed under load, and idempotent retries.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, ErrorKind, RequestState, Runtime};
use anyredis_test_support::RedisServer;
use futures_util::future::{join, join_all, select, Either};

use crate::util::{client, sleep, Rng};
use crate::TestResult;

const SMALL_KEYS: u64 = 200;
const BIG_KEYS: u64 = 4;
const BIG_SIZE: usize = 256 * 1024;

fn small_key(i: u64) -> String {
    format!("key:{i}")
}

fn big_key(i: u64) -> String {
    format!("big:{i}")
}

/// Thousands of commands from many tasks; a random share of the futures is
/// dropped before sending, after sending, or in the middle of a large reply.
/// Every reply that completes must be its own command's: GET of a key whose
/// value names the key.
pub async fn cancellation_torture(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let setup = c.pipeline();
    for i in 0..SMALL_KEYS {
        setup.set(small_key(i), format!("value-of-{}", small_key(i)));
    }
    for i in 0..BIG_KEYS {
        let mut value = format!("value-of-{}|", big_key(i)).into_bytes();
        value.resize(BIG_SIZE, b'x');
        setup.set(big_key(i), value);
    }
    setup.query::<Vec<Value>>().await?;

    let (commands, completed, dropped, mismatches) = (
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    );
    let workers = (0..16u64).map(|worker| {
        let c = c.clone();
        let (commands, completed, dropped, mismatches) = (&commands, &completed, &dropped, &mismatches);
        async move {
            let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15 ^ ((worker + 1) * 7919));
            for _ in 0..300 {
                let key = if rng.below(10) == 0 {
                    big_key(rng.below(BIG_KEYS))
                } else {
                    small_key(rng.below(SMALL_KEYS))
                };
                commands.fetch_add(1, Ordering::Relaxed);
                let fut = c.get::<bytes::Bytes>(key.clone());
                match rng.below(10) {
                    // Dropped before it was ever polled (never sent).
                    0 => {
                        drop(fut);
                        dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    // Raced against a short timer: dropped after sending, or mid-reply.
                    1..=3 => {
                        let fut = std::pin::pin!(fut);
                        let timer = sleep(Duration::from_micros(rng.below(1500)));
                        match select(fut, std::pin::pin!(timer)).await {
                            Either::Left((reply, _)) => check(&key, reply, completed, mismatches),
                            Either::Right(_) => {
                                dropped.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    _ => check(&key, fut.await, completed, mismatches),
                }
            }
        }
    });
    join_all(workers).await;
    let (commands, completed, dropped, mismatches) = (
        commands.into_inner(),
        completed.into_inner(),
        dropped.into_inner(),
        mismatches.into_inner(),
    );
    eprintln!(
        "cancellation torture on {}: commands={commands} completed={completed} dropped={dropped} mismatches={mismatches}",
        rt.name()
    );
    assert_eq!(mismatches, 0);
    assert_eq!(completed + dropped, commands);
    assert!(dropped > 400, "enough drops to mean something: {dropped}");
    // After all that, the connection is still in step.
    assert_eq!(
        c.get::<String>(small_key(7)).await?,
        format!("value-of-{}", small_key(7))
    );
    Ok(())
}

fn check(key: &str, reply: anyredis::Result<bytes::Bytes>, completed: &AtomicU64, mismatches: &AtomicU64) {
    completed.fetch_add(1, Ordering::Relaxed);
    let value = reply.expect("no errors in the torture");
    let expected = format!("value-of-{key}");
    let ok = value.starts_with(expected.as_bytes())
        && (value.len() == expected.len() || (value.len() == BIG_SIZE && value[expected.len()] == b'|'));
    if !ok {
        mismatches.fetch_add(1, Ordering::Relaxed);
    }
}

/// `kill -9` of the server (AOF on) during 64 concurrent INCR loops, then a
/// restart: every call succeeds or fails with a typed connection or timeout
/// error saying whether it was sent; the client recovers by itself; the final
/// counter lies between the acknowledged INCRs and that plus the sent-but-
/// unanswered ones.
pub async fn server_killed_during_incr(rt: Runtime) -> TestResult {
    let mut server = RedisServer::builder().appendonly(true).build();
    let c = ClientBuilder::from_url(&server.url())?
        .connect_timeout(Some(Duration::from_secs(1)))
        .reconnect_backoff(Duration::from_millis(20), Duration::from_millis(200))
        .runtime(rt.clone())
        .build()?;
    c.set("counter", 0).await?;
    let stop = AtomicBool::new(false);
    let restarted = AtomicBool::new(false);
    let (acked, unanswered, not_sent, after_restart) = (
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    );
    let workers = join_all((0..64).map(|_| {
        let c = c.clone();
        let (stop, restarted) = (&stop, &restarted);
        let (acked, unanswered, not_sent, after_restart) = (&acked, &unanswered, &not_sent, &after_restart);
        async move {
            while !stop.load(Ordering::Relaxed) {
                match c.incr("counter").await {
                    Ok(_) => {
                        acked.fetch_add(1, Ordering::Relaxed);
                        if restarted.load(Ordering::Relaxed) {
                            after_restart.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        assert!(
                            matches!(e.kind(), ErrorKind::ConnectionLost | ErrorKind::Io | ErrorKind::Timeout),
                            "only connection or timeout errors, got {:?}: {e}",
                            e.kind()
                        );
                        match e.request_state() {
                            RequestState::NotSent => not_sent.fetch_add(1, Ordering::Relaxed),
                            _ => unanswered.fetch_add(1, Ordering::Relaxed),
                        };
                        sleep(Duration::from_millis(5)).await;
                    }
                }
            }
        }
    }));
    let chaos = async {
        sleep(Duration::from_millis(300)).await;
        server.kill();
        sleep(Duration::from_millis(300)).await;
        server.restart();
        restarted.store(true, Ordering::Relaxed);
        sleep(Duration::from_millis(700)).await;
        stop.store(true, Ordering::Relaxed);
    };
    join(workers, chaos).await;
    let final_count: u64 = c.get("counter").await?;
    let (acked, unanswered, not_sent, after_restart) = (
        acked.into_inner(),
        unanswered.into_inner(),
        not_sent.into_inner(),
        after_restart.into_inner(),
    );
    eprintln!(
        "kill -9 on {}: acked={acked} sent_unanswered={unanswered} not_sent={not_sent} final={final_count} after_restart={after_restart}",
        rt.name()
    );
    assert!(unanswered + not_sent > 0, "the kill was noticed");
    assert!(after_restart > 0, "the client recovered without help");
    assert!(
        final_count >= acked,
        "an acknowledged INCR was lost: final {final_count} < acked {acked}"
    );
    assert!(
        final_count <= acked + unanswered,
        "more INCRs ran than were sent: {final_count} > {acked} + {unanswered}"
    );
    Ok(())
}

/// An idempotent command whose connection is lost after sending is sent again
/// (and succeeds); without the opt-in it fails and says it was sent.
pub async fn idempotent_retry(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    for idempotent in [false, true] {
        let id: i64 = c.cmd("CLIENT").arg("ID").query().await?;
        // Writes wait while the server is paused; kill the connection meanwhile.
        server.raw_command(&["CLIENT", "PAUSE", "600", "WRITE"]);
        let set = c.cmd("SET").arg("k").arg("v").query::<()>();
        let set = if idempotent { set.idempotent() } else { set };
        let kill = async {
            sleep(Duration::from_millis(150)).await;
            server.raw_command(&["CLIENT", "KILL", "ID", &id.to_string()])
        };
        let (result, killed) = join(set, kill).await;
        assert_eq!(killed, "1");
        if idempotent {
            result?;
            assert_eq!(c.get::<String>("k").await?, "v");
        } else {
            let err = result.expect_err("lost after sending");
            assert_eq!(err.request_state(), RequestState::SentUnanswered, "{err}");
        }
        sleep(Duration::from_millis(600)).await;
    }
    Ok(())
}
