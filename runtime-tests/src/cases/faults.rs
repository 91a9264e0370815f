//! The shared connection under network faults, through the fault proxy:
//! frozen (open but silent), truncated mid-reply, and a close racing a
//! connect in flight. Callers run as tasks of their own on the runtime.

use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, ErrorKind, RequestState, Runtime};
use anyredis_test_support::{Fault, FaultProxy, RedisServer};

use crate::util::{info_field, spawn, spawn_all, wait_for};
use crate::TestResult;

/// A connection frozen by the network (the proxy holds every byte, the
/// sockets stay open, keepalive sees nothing wrong) is abandoned after
/// `unresponsive_timeout`: every caller in flight gets `ConnectionLost`, the
/// next command opens a new connection, and traffic recovers while the old
/// one is still frozen. Before the fix, every command hung (or timed out)
/// for ever and no new connection was ever opened.
pub async fn frozen_connection_is_replaced(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = ClientBuilder::from_url(&proxy.url())?
        .unresponsive_timeout(Some(Duration::from_millis(400)))
        .response_timeout(None)
        .runtime(rt.clone())
        .build()?;
    c.set("k", "v").await?;
    assert_eq!(proxy.connections(), 1);
    proxy.set(Fault::Freeze); // existing connections only: new ones pass
    let callers = (0..16).map(|i| {
        let c = c.clone();
        async move { (i, c.get::<String>("k").await) }
    });
    for (i, result) in spawn_all(&rt, callers).await {
        let err = result.expect_err("the frozen connection cannot answer");
        assert_eq!(err.kind(), ErrorKind::ConnectionLost, "caller {i}: {err}");
        assert_eq!(err.request_state(), RequestState::SentUnanswered, "caller {i}: {err}");
    }
    // Recovery while the old connection is still frozen.
    let recovered = (0..16).map(|_| {
        let c = c.clone();
        async move { c.get::<String>("k").await }
    });
    for result in spawn_all(&rt, recovered).await {
        assert_eq!(result?, "v");
    }
    assert!(proxy.accepted() >= 2, "a new connection was opened");
    proxy.set(Fault::Pass);
    Ok(())
}

/// A reply cut off mid-frame (the connection closed after part of it) fails
/// the callers of that connection with a connection error, never a wrong or
/// partial value; the next command reconnects.
pub async fn truncated_reply_fails_only_that_connection(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    let c = ClientBuilder::from_url(&proxy.url())?.runtime(rt).build()?;
    let big = "x".repeat(64 * 1024);
    c.set("big", big.as_str()).await?;
    proxy.set(Fault::Truncate(1000));
    let err = c.get::<String>("big").await.expect_err("cut off");
    assert!(err.is_connection(), "{err}");
    assert_ne!(err.request_state(), RequestState::NotSent, "{err}");
    proxy.set(Fault::Pass);
    assert_eq!(c.get::<String>("big").await?, big);
    Ok(())
}

/// `close` while the first connect is still in flight: the connect finishes,
/// sees the close and installs nothing; the caller that triggered it gets
/// `Closed`, and the server ends up with no connection of this client.
pub async fn close_during_connect_installs_nothing(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let proxy = FaultProxy::start(server.addr());
    proxy.set(Fault::Delay(Duration::from_millis(300)));
    let c = ClientBuilder::from_url(&proxy.url())?
        .client_name("closing-while-connecting")
        .runtime(rt.clone())
        .build()?;
    let caller = spawn(&rt, {
        let c = c.clone();
        async move { c.get::<Option<String>>("k").await }
    });
    wait_for("the connect to start", Duration::from_secs(10), || {
        proxy.connections() >= 1
    })
    .await?;
    c.close().await;
    let err = caller.await.expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
    wait_for("the connection to close", Duration::from_secs(10), || {
        !server
            .raw_command(&["CLIENT", "LIST"])
            .lines()
            .any(|line| info_field(line, "name") == Some("closing-while-connecting"))
    })
    .await?;
    let err = c.get::<Option<String>>("k").await.expect_err("closed");
    assert_eq!(err.kind(), ErrorKind::Closed, "{err}");
    Ok(())
}
