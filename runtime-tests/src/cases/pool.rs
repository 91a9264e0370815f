//! Blocking commands on pooled dedicated connections; the pool's limits.

use std::time::{Duration, Instant};

use anyredis::prelude::*;
use anyredis::{ClientBuilder, PoolConfig, Runtime};
use anyredis_test_support::RedisServer;
use futures_util::future::{join, join_all};
use futures_util::FutureExt;

use crate::util::{client, connections, info_field, sleep, wait_for, wait_until_blocked_in};
use crate::TestResult;

/// Generous limit for waiting on a state change.
const SETTLE: Duration = Duration::from_secs(20);

/// While BLPOP waits on a dedicated connection, the shared one keeps serving;
/// a push from the shared connection releases it.
pub async fn blocking_commands_do_not_stall(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .response_timeout(Some(Duration::from_secs(1)))
        .runtime(rt)
        .build()?;
    c.set("k", "v").await?;
    // Generous: under load (one core, 40 test threads) the other side may take seconds.
    let blpop = c.cmd("BLPOP").arg("queue").arg(30).query::<Option<(String, String)>>();
    let others = async {
        for _ in 0..100 {
            assert_eq!(c.get::<String>("k").await.unwrap(), "v");
        }
        wait_until_blocked_in(&server, "blpop", 1).await;
        // Blocked for longer than the response timeout, and still fine.
        sleep(Duration::from_millis(1200)).await;
        let busy: Vec<String> = connections(&server)
            .into_iter()
            .filter(|line| info_field(line, "cmd") == Some("blpop"))
            .collect();
        assert_eq!(busy.len(), 1, "one dedicated connection blocks: {busy:?}");
        c.cmd("RPUSH").arg("queue").arg("job").query::<i64>().await.unwrap();
    };
    let (popped, ()) = join(blpop, others).await;
    assert_eq!(popped?, Some(("queue".to_owned(), "job".to_owned())));
    assert_eq!(c.pool_status().idle, 1, "the connection went back to the pool");

    // The response timeout of a blocking command follows its own timeout.
    let started = Instant::now();
    let none: Option<(String, String)> = c.cmd("BLPOP").arg("empty").arg(1).query().await?;
    assert_eq!(none, None);
    assert!(started.elapsed() >= Duration::from_millis(900));
    Ok(())
}

/// With every pooled connection leased, the next caller waits, then times out clearly.
pub async fn pool_exhaustion(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let mut pool = PoolConfig::default();
    pool.max_connections = 2;
    pool.acquire_timeout = Some(Duration::from_secs(2));
    let c = ClientBuilder::from_url(&server.url())?.pool(pool).runtime(rt).build()?;
    let block = |list: &'static str| c.cmd("BLPOP").arg(list).arg(30).query::<Option<(String, String)>>();
    let third = async {
        wait_until_blocked_in(&server, "blpop", 2).await;
        let third = c.cmd("BLPOP").arg("c").arg(1).query::<Option<(String, String)>>().await;
        // Release the two blocked ones.
        server.raw_command(&["RPUSH", "a", "1"]);
        server.raw_command(&["RPUSH", "b", "2"]);
        third
    };
    let (a, b, third) = futures_util::join!(block("a"), block("b"), third);
    assert_eq!(
        (a?, b?),
        (Some(("a".into(), "1".into())), Some(("b".into(), "2".into())))
    );
    let err = third.expect_err("no connection free");
    assert!(err.is_timeout(), "{err}");
    assert!(err.to_string().contains("pooled connection"), "{err}");
    // Waiters are served in turn once connections come back.
    let waits = join_all((0..6).map(|_| c.cmd("BLPOP").arg("d").arg(0.05).query::<Option<(String, String)>>())).await;
    for wait in waits {
        assert_eq!(wait?, None);
    }
    assert_eq!(c.pool_status().open, 2);
    Ok(())
}

/// Idle pooled connections are closed after the idle timeout.
pub async fn idle_reaping(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let mut pool = PoolConfig::default();
    pool.idle_timeout = Some(Duration::from_secs(2));
    let c = ClientBuilder::from_url(&server.url())?.pool(pool).runtime(rt).build()?;
    c.ping().await?;
    let _: Option<(String, String)> = c.cmd("BLPOP").arg("q").arg(0.05).query().await?;
    assert_eq!(connections(&server).len(), 2);
    assert_eq!(c.pool_status().idle, 1);
    wait_for("the idle connection to be reaped", SETTLE, || c.pool_status().open == 0).await?;
    wait_for("the server to see it closed", SETTLE, || {
        connections(&server).len() == 1
    })
    .await?;
    Ok(())
}

/// A pooled connection killed during a lease fails that call and is not reused;
/// an abandoned blocking command closes its connection.
pub async fn broken_and_abandoned_leases(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let blpop = c.cmd("BLPOP").arg("q").arg(10).query::<Option<(String, String)>>();
    let killer = async {
        wait_until_blocked_in(&server, "blpop", 1).await;
        server.raw_command(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"])
    };
    let (result, killed) = join(blpop, killer).await;
    assert_eq!(killed, "1", "exactly the blocked connection was killed");
    let err = result.expect_err("killed");
    assert!(err.is_connection(), "{err}");
    assert_eq!(c.pool_status().open, 0, "the broken connection was not returned");
    c.cmd("RPUSH").arg("q").arg("x").query::<i64>().await?;
    let got: Option<(String, String)> = c.cmd("BLPOP").arg("q").arg(1).query().await?;
    assert_eq!(got, Some(("q".into(), "x".into())));

    // Poll a BLPOP once (sent), then drop it: its connection must be closed.
    let abandoned = c.cmd("BLPOP").arg("never").arg(30).query::<Option<(String, String)>>();
    let mut abandoned = Box::pin(abandoned);
    assert!((&mut abandoned).now_or_never().is_none());
    // Drive it until the server has it blocked, then abandon it.
    let blocked = wait_until_blocked_in(&server, "blpop", 1);
    let abandoned = match futures_util::future::select(abandoned, std::pin::pin!(blocked)).await {
        futures_util::future::Either::Right(((), abandoned)) => abandoned,
        futures_util::future::Either::Left((reply, _)) => return Err(format!("BLPOP returned: {reply:?}").into()),
    };
    drop(abandoned);
    wait_for("the abandoned BLPOP's connection to close", SETTLE, || {
        !connections(&server)
            .iter()
            .any(|l| info_field(l, "cmd") == Some("blpop"))
    })
    .await?;
    // It had leased the idle connection from before: none is left, none is open.
    assert_eq!((c.pool_status().idle, c.pool_status().open), (0, 0));
    Ok(())
}

/// A pipeline holding a blocking command runs on a pooled connection too, with
/// the blocking command's own timeout; inside MULTI it does not block at all.
pub async fn blocking_pipeline(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = ClientBuilder::from_url(&server.url())?
        .response_timeout(Some(Duration::from_secs(1)))
        .runtime(rt)
        .build()?;
    let pipe = c.pipeline();
    pipe.set("before", 1)
        .add(&cmd("BLPOP").arg("q").arg(2))
        .get::<i64>("before");
    let others = async {
        wait_until_blocked_in(&server, "blpop", 1).await;
        sleep(Duration::from_millis(1200)).await; // blocked for longer than the response timeout
        assert_eq!(
            c.get::<i64>("before").await.unwrap(),
            1,
            "the shared connection still serves"
        );
        c.cmd("RPUSH").arg("q").arg("job").query::<i64>().await.unwrap();
    };
    let (replies, ()) = join(pipe.query::<((), Option<(String, String)>, i64)>(), others).await;
    let ((), popped, before) = replies?;
    assert_eq!(popped, Some(("q".into(), "job".into())));
    assert_eq!(before, 1);
    assert_eq!(
        c.pool_status().idle,
        1,
        "the pipeline's connection went back to the pool"
    );

    let tx = c.pipeline().atomic();
    tx.add(&cmd("BLPOP").arg("empty").arg(10));
    let started = Instant::now();
    let (nothing,): (Option<(String, String)>,) = tx.query().await?;
    assert_eq!(nothing, None);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "BLPOP inside MULTI does not block (took {:?})",
        started.elapsed()
    );
    Ok(())
}
