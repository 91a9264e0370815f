//! Commands for a dedicated connection only, against a real server.

use anyredis::commands::{Tracking, TrackingRedirect};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::util::expect_server_error;
use runtime_tests::util::needs_version;
use runtime_tests::TestResult;

use super::connection::client_by_id;

/// WATCH / MULTI / EXEC (committed, aborted by another client, with an error inside),
/// DISCARD, UNWATCH, EXECABORT.
pub async fn watch_multi_exec(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let conn = c.dedicated().await?;
    let conn_id = conn.client_id().await?;
    c.set("balance", 10).await?;

    // Committed: the queued commands' replies come back from EXEC.
    conn.watch(["balance"]).await?;
    conn.multi().await?;
    conn.set("balance", 20).await?; // QUEUED
    conn.cmd("INCR").arg("counter").query::<()>().await?; // QUEUED
    let queued = client_by_id(&c, conn_id).await?;
    assert_eq!(queued.multi, Some(2));
    assert!(queued.has_flag('x'), "flags {:?}", queued.flags);
    let replies = conn.exec::<Option<((), i64)>>().await?;
    assert_eq!(replies, Some(((), 1)));
    assert_eq!(c.get::<i64>("balance").await?, 20);

    // Aborted: another client changes a watched key between WATCH and EXEC.
    conn.watch(("balance", "other")).await?;
    c.set("balance", 99).await?;
    conn.multi().await?;
    conn.set("balance", 0).await?;
    assert_eq!(conn.exec::<Option<Vec<Value>>>().await?, None);
    assert_eq!(c.get::<i64>("balance").await?, 99);

    // UNWATCH forgets the keys: the same sequence now commits.
    conn.watch("balance").await?;
    conn.unwatch().await?;
    c.set("balance", 100).await?;
    conn.multi().await?;
    conn.set("balance", 1).await?;
    assert_eq!(conn.exec::<Option<Vec<Value>>>().await?.map(|r| r.len()), Some(1));
    assert_eq!(c.get::<i64>("balance").await?, 1);

    // A command failing at run time is an error element; the others still ran.
    conn.multi().await?;
    conn.set("text", "abc").await?;
    conn.cmd("INCR").arg("text").query::<()>().await?;
    conn.set("after", "ran").await?;
    let replies = conn.exec::<Option<Vec<Value>>>().await?.expect("not watched");
    assert_eq!(replies.len(), 3);
    assert!(
        matches!(&replies[1], Value::Error(e) if e.starts_with(b"ERR")),
        "{replies:?}"
    );
    assert_eq!(c.get::<String>("after").await?, "ran");

    // DISCARD drops the queue.
    conn.multi().await?;
    conn.set("balance", 5).await?;
    conn.discard().await?;
    assert_eq!(c.get::<i64>("balance").await?, 1);
    let err = conn.exec::<Option<Vec<Value>>>().await.expect_err("no MULTI");
    assert_eq!(err.code(), Some("ERR"));
    assert_eq!(conn.discard().await.expect_err("no MULTI").code(), Some("ERR"));

    // A command rejected while queueing aborts the whole transaction.
    conn.multi().await?;
    expect_server_error(
        conn.cmd("NO-SUCH-COMMAND").query::<()>().await,
        "ERR",
        "unknown command",
    );
    let err = conn.exec::<Option<Vec<Value>>>().await.expect_err("EXECABORT");
    assert_eq!(err.code(), Some("EXECABORT"));
    assert_eq!(conn.ping().await?, "PONG");
    Ok(())
}

/// SELECT changes the database of that connection only; CLIENT SETNAME; AUTH as another
/// user; RESET undoes all of it.
pub async fn select_name_auth_reset(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["CLIENT", "NO-EVICT", "on"]], "Unknown subcommand").await? {
        return Ok(());
    }
    let server = RedisServer::builder()
        .acl_user("alice", "wonder", "~* &* +@all")
        .build();
    for protocol in [2u8, 3] {
        let c = client(&format!("{}?protocol={protocol}", server.url()), &rt)?;
        let conn = c.dedicated().await?;
        conn.select(3).await?;
        conn.set("where", "db3").await?;
        assert_eq!(conn.get::<String>("where").await?, "db3");
        assert_eq!(
            c.get::<Option<String>>("where").await?,
            None,
            "the shared connection stays on db 0"
        );
        assert_eq!(conn.client_info().await?.db, 3);
        assert_eq!(c.client_info().await?.db, 0);
        let err = conn.select(100_000).await.expect_err("no such db");
        assert_eq!(err.code(), Some("ERR"));
        assert_eq!(conn.client_info().await?.db, 3);

        conn.client_setname("worker-1").await?;
        assert_eq!(conn.client_getname().await?.as_deref(), Some("worker-1"));
        let id = conn.client_id().await?;
        assert_eq!(client_by_id(&c, id).await?.name.as_deref(), Some("worker-1"));
        expect_server_error(conn.client_setname("has space").await, "ERR", "spaces");
        assert_eq!(c.client_getname().await?, None);

        conn.auth_user("alice", "wonder").await?;
        assert_eq!(conn.client_info().await?.user, "alice");
        let err = conn.auth_user("alice", "wrong").await.expect_err("wrong password");
        assert_eq!(err.code(), Some("WRONGPASS"));
        // The default user has no password.
        expect_server_error(conn.auth("anything").await, "ERR", "without any password configured");

        conn.client_no_evict(true).await?;
        assert!(conn.client_info().await?.has_flag('e'));
        conn.client_no_evict(false).await?;
        assert!(!conn.client_info().await?.has_flag('e'));

        conn.reset().await?;
        let info = conn.client_info().await?;
        assert_eq!((info.db, info.name, info.user.as_str()), (0, None, "default"));
        assert_eq!(info.resp, Some(2), "RESET returns to RESP2");
        assert_eq!(conn.get::<Option<String>>("where").await?, None);

        let err = conn.readonly().await.expect_err("not a cluster");
        assert!(
            err.server_error()
                .is_some_and(|e| e.message().contains("cluster support disabled")),
            "{err}"
        );
    }
    Ok(())
}

/// CLIENT TRACKING on (BCAST, PREFIX, NOLOOP, REDIRECT, OPTIN) and off, CLIENT CACHING,
/// GETREDIR and TRACKINGINFO; a RESP3 invalidation push does not disturb the connection.
pub async fn tracking_caching_no_evict(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for protocol in [2u8, 3] {
        let c = client(&format!("{}?protocol={protocol}", server.url()), &rt)?;
        let conn = c.dedicated().await?;

        conn.client_tracking(Tracking::on().bcast().prefix("user:").prefix("job:").noloop())
            .await?;
        let info = conn.client_trackinginfo().await?;
        for flag in ["on", "bcast", "noloop"] {
            assert!(info.has_flag(flag), "{flag} missing in {:?}", info.flags);
        }
        let mut prefixes = info.prefixes.clone();
        prefixes.sort();
        assert_eq!(prefixes, ["job:", "user:"]);
        assert_eq!(info.redirect, TrackingRedirect::NotRedirected);
        assert_eq!(conn.client_getredir().await?, TrackingRedirect::NotRedirected);

        // Another client changes a tracked key: on RESP3 an invalidation push arrives
        // on `conn`, which must not be taken for a reply.
        c.set("user:1", "x").await?;
        assert_eq!(conn.ping().await?, "PONG");
        assert_eq!(conn.get::<String>("user:1").await?, "x");

        let err = conn.client_caching(true).await.expect_err("needs OPTIN");
        assert!(err.is_server());
        conn.client_tracking(Tracking::off()).await?;
        assert_eq!(conn.client_getredir().await?, TrackingRedirect::Off);

        let listener = c.dedicated().await?;
        let listener_id = listener.client_id().await?;
        conn.client_tracking(Tracking::on().redirect(listener_id).optin())
            .await?;
        assert_eq!(conn.client_getredir().await?, TrackingRedirect::To(listener_id));
        conn.client_caching(true).await?;
        assert_eq!(conn.get::<Option<String>>("job:1").await?, None);
        let info = conn.client_trackinginfo().await?;
        assert!(info.has_flag("optin"), "{:?}", info.flags);
        assert_eq!(info.redirect, TrackingRedirect::To(listener_id));

        let err = conn
            .client_tracking(Tracking::on().redirect(u64::from(u32::MAX)))
            .await
            .expect_err("no such client");
        assert!(err.is_server());
        conn.client_tracking(Tracking::off()).await?;
        assert_eq!(conn.client_trackinginfo().await?.flags, ["off"]);
    }
    Ok(())
}
