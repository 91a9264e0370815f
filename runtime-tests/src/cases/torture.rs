//! Cancellation torture, a server killed under load, and idempotent retries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, ErrorKind, RequestState, Runtime};
use anyredis_test_support::RedisServer;
use futures_util::future::{join, select, Either};
use futures_util::FutureExt;

use crate::util::{client, sleep, spawn, spawn_all, wait_for, Rng};
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

/// How the torture's futures ended.
#[derive(Default)]
struct Tally {
    completed: AtomicU64,
    mismatches: AtomicU64,
    /// Dropped before their first poll: never queued, never sent.
    never_polled: AtomicU64,
    /// A small value's GET dropped after it was polled (queued or sent).
    after_send: AtomicU64,
    /// A large value's GET dropped after it was polled: most of these are
    /// dropped while their 256 KiB reply is arriving.
    mid_large_reply: AtomicU64,
}

/// Thousands of commands from 16 tasks spawned on the runtime (so on several
/// threads, racing the driver); a random share of the futures is dropped
/// before sending, after sending, or in the middle of a large reply. Every
/// reply that completes must be its own command's: GET of a key whose value
/// names the key.
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
    let replies = setup.query::<Vec<Value>>().await?;
    assert_eq!(replies.len() as u64, SMALL_KEYS + BIG_KEYS);
    assert!(
        replies.iter().all(|r| *r == Value::SimpleString("OK".into())),
        "{replies:?}"
    );

    let tally = Arc::new(Tally::default());
    let workers = (0..16u64).map(|worker| {
        let (c, tally) = (c.clone(), tally.clone());
        async move {
            let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15 ^ ((worker + 1) * 7919));
            for _ in 0..300 {
                let big = rng.below(10) == 0;
                let key = if big {
                    big_key(rng.below(BIG_KEYS))
                } else {
                    small_key(rng.below(SMALL_KEYS))
                };
                let fut = c.get::<bytes::Bytes>(key.clone());
                match rng.below(10) {
                    0 => {
                        drop(fut);
                        tally.never_polled.fetch_add(1, Ordering::Relaxed);
                    }
                    // Raced against a short timer: dropped after sending, or mid-reply.
                    1..=3 => {
                        let mut fut = Box::pin(fut);
                        // The first poll queues the command.
                        if let Some(reply) = (&mut fut).now_or_never() {
                            check(&key, reply, &tally);
                            continue;
                        }
                        let timer = sleep(Duration::from_micros(rng.below(1500)));
                        match select(fut, std::pin::pin!(timer)).await {
                            Either::Left((reply, _)) => check(&key, reply, &tally),
                            Either::Right(_) if big => {
                                tally.mid_large_reply.fetch_add(1, Ordering::Relaxed);
                            }
                            Either::Right(_) => {
                                tally.after_send.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    _ => check(&key, fut.await, &tally),
                }
            }
        }
    });
    spawn_all(&rt, workers).await;
    let t = &*tally;
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let (completed, mismatches) = (load(&t.completed), load(&t.mismatches));
    let (never_polled, after_send, mid_large_reply) =
        (load(&t.never_polled), load(&t.after_send), load(&t.mid_large_reply));
    eprintln!(
        "cancellation torture on {}: completed={completed} mismatches={mismatches} dropped: never_polled={never_polled} \
         after_send={after_send} mid_large_reply={mid_large_reply}",
        rt.name()
    );
    assert_eq!(mismatches, 0, "replies went to the wrong caller");
    assert!(completed >= 2000, "most commands complete: {completed}");
    assert!(never_polled >= 300, "drops before the first poll: {never_polled}");
    assert!(after_send >= 30, "drops after sending: {after_send}");
    assert!(mid_large_reply >= 5, "drops during a large reply: {mid_large_reply}");
    // After all that, the connection is still in step.
    assert_eq!(
        c.get::<String>(small_key(7)).await?,
        format!("value-of-{}", small_key(7))
    );
    Ok(())
}

fn check(key: &str, reply: anyredis::Result<bytes::Bytes>, tally: &Tally) {
    tally.completed.fetch_add(1, Ordering::Relaxed);
    let value = reply.expect("no errors in the torture");
    let expected = format!("value-of-{key}");
    let ok = value.starts_with(expected.as_bytes())
        && (value.len() == expected.len() || (value.len() == BIG_SIZE && value[expected.len()] == b'|'));
    if !ok {
        tally.mismatches.fetch_add(1, Ordering::Relaxed);
    }
}

/// How one `RPUSH log <op id>` of the kill test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Acked,
    NotSent,
    SentUnanswered,
    /// `-LOADING`: the restarted server refused it while loading its AOF.
    Loading,
}

/// `kill -9` of the server (AOF with `appendfsync always`) and a restart, from
/// another OS thread, while 64 spawned tasks append unique op ids with
/// `RPUSH log <op id>` (not idempotent: a resend would show as a duplicate).
/// Afterwards the log must agree with what each caller was told: acknowledged
/// ops are present (once), `NotSent` and `LOADING` ones absent,
/// `SentUnanswered` ones either; the client recovers by itself.
pub async fn server_killed_during_incr(rt: Runtime) -> TestResult {
    let server = RedisServer::builder()
        .appendonly(true)
        .args(["--appendfsync", "always"])
        .build();
    let c = ClientBuilder::from_url(&server.url())?
        .connect_timeout(Some(Duration::from_secs(2)))
        .reconnect_backoff(Duration::from_millis(20), Duration::from_millis(200))
        .runtime(rt.clone())
        .build()?;
    c.del("log").await?;
    let stop = Arc::new(AtomicBool::new(false));
    let restarted = Arc::new(AtomicBool::new(false));
    let acked_after_restart = Arc::new(AtomicU64::new(0));
    let workers = (0..64u32).map(|worker| {
        let c = c.clone();
        let (stop, restarted, acked_after_restart) = (stop.clone(), restarted.clone(), acked_after_restart.clone());
        async move {
            let mut outcomes = Vec::new();
            let mut seq = 0u32;
            while !stop.load(Ordering::SeqCst) {
                let id = format!("{worker}:{seq}");
                seq += 1;
                let outcome = match c.cmd("RPUSH").arg("log").arg(&id).query::<i64>().await {
                    Ok(_) => {
                        if restarted.load(Ordering::SeqCst) {
                            acked_after_restart.fetch_add(1, Ordering::SeqCst);
                        }
                        Outcome::Acked
                    }
                    Err(e) if e.code() == Some("LOADING") => Outcome::Loading,
                    Err(e) => {
                        assert!(
                            matches!(e.kind(), ErrorKind::ConnectionLost | ErrorKind::Io | ErrorKind::Timeout),
                            "only connection or timeout errors, got {:?}: {e}",
                            e.kind()
                        );
                        match e.request_state() {
                            RequestState::NotSent => Outcome::NotSent,
                            RequestState::SentUnanswered => Outcome::SentUnanswered,
                            RequestState::Unknown => {
                                panic!("a single command's error must say whether it was sent: {e}")
                            }
                            other => panic!("unexpected request state {other:?}: {e}"),
                        }
                    }
                };
                if outcome != Outcome::Acked {
                    // Keep calling through the outage, a little slower.
                    sleep(Duration::from_millis(2)).await;
                }
                outcomes.push((id, outcome));
            }
            outcomes
        }
    });
    let workers = spawn_all(&rt, workers);
    // The chaos runs on an OS thread of its own: kill -9 and restart while
    // the callers keep calling.
    let (done_tx, done_rx) = smol::channel::bounded(1);
    let chaos = {
        let (c, restarted) = (c.clone(), restarted.clone());
        let rt = rt.clone();
        let mut server = server;
        spawn(&rt, async move {
            // Start the chaos once the callers are well under way.
            let _ = c.cmd("RPUSH").arg("warm").arg(1).query::<i64>().await;
            wait_for("writes before the kill", Duration::from_secs(20), || {
                server.raw_command(&["LLEN", "log"]).parse::<u64>().unwrap_or(0) >= 500
            })
            .await
            .unwrap();
            std::thread::spawn(move || {
                server.kill();
                std::thread::sleep(Duration::from_millis(300));
                server.restart();
                restarted.store(true, Ordering::SeqCst);
                let _ = done_tx.send_blocking(server);
            });
        })
    };
    chaos.await;
    let server = done_rx.recv().await?;
    wait_for("writes acknowledged after the restart", Duration::from_secs(30), || {
        acked_after_restart.load(Ordering::SeqCst) >= 500
    })
    .await?;
    stop.store(true, Ordering::SeqCst);
    let outcomes: Vec<(String, Outcome)> = workers.await.into_iter().flatten().collect();

    let log: Vec<String> = c.cmd("LRANGE").arg("log").arg(0).arg(-1).query().await?;
    let mut in_log: HashMap<&str, usize> = HashMap::new();
    for id in &log {
        *in_log.entry(id.as_str()).or_default() += 1;
    }
    let count = |o: Outcome| outcomes.iter().filter(|(_, x)| *x == o).count();
    eprintln!(
        "kill -9 on {}: ops={} acked={} sent_unanswered={} not_sent={} loading={} in_log={} acked_after_restart={}",
        rt.name(),
        outcomes.len(),
        count(Outcome::Acked),
        count(Outcome::SentUnanswered),
        count(Outcome::NotSent),
        count(Outcome::Loading),
        log.len(),
        acked_after_restart.load(Ordering::SeqCst)
    );
    let mut wrong = Vec::new();
    for (id, outcome) in &outcomes {
        let times = in_log.get(id.as_str()).copied().unwrap_or(0);
        let fine = match outcome {
            Outcome::Acked => times == 1,
            Outcome::NotSent | Outcome::Loading => times == 0,
            Outcome::SentUnanswered => times <= 1,
        };
        if !fine {
            wrong.push(format!("{id}: told {outcome:?}, in the log {times} time(s)"));
        }
    }
    let told: std::collections::HashSet<&str> = outcomes.iter().map(|(id, _)| id.as_str()).collect();
    let unknown: Vec<&&str> = in_log.keys().filter(|id| !told.contains(**id)).collect();
    assert!(
        wrong.is_empty() && unknown.is_empty(),
        "the log disagrees with what callers were told ({} wrong, first ones: {:?}; in the log but never issued: {:?})",
        wrong.len(),
        &wrong[..wrong.len().min(10)],
        unknown
    );
    assert!(
        count(Outcome::SentUnanswered) + count(Outcome::NotSent) > 0,
        "the kill was noticed"
    );
    drop(server);
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
