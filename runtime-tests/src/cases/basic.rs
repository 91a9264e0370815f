//! The client surface: lazy connect, raw and typed commands, concurrency.

use anyredis::prelude::*;
use anyredis::{ErrorKind, Runtime};
use anyredis_test_support::{free_port, RedisServer};
use futures_util::future::join_all;

use crate::util::client;
use crate::TestResult;

/// Opening a client does no I/O; the first command connects (and fails clearly without a server).
pub async fn lazy_open(rt: Runtime) -> TestResult {
    let port = free_port();
    let client = client(&format!("redis://127.0.0.1:{port}"), &rt)?;
    let err = client.ping().await.expect_err("no server listens there");
    assert_eq!(err.kind(), ErrorKind::ConnectionLost, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{err}"
    );
    assert_eq!(err.request_state(), anyredis::RequestState::NotSent);
    Ok(())
}

/// Typed methods and raw commands give the values the server holds.
pub async fn typed_and_raw_commands(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let client = client(&server.url(), &rt)?;
    assert_eq!(client.ping().await?, "PONG");
    client.set("k", "v1").await?;
    assert_eq!(client.get::<Option<String>>("k").await?, Some("v1".to_owned()));
    assert_eq!(client.get::<Option<String>>("missing").await?, None);
    assert_eq!(client.incr("n").await?, 1);
    assert_eq!(client.incr("n").await?, 2);
    assert_eq!(client.del(("k", "n", "missing")).await?, 2);
    client.cmd("SET").arg("raw").arg(42).query::<()>().await?;
    let n: i64 = client.cmd("GET").arg("raw").query().await?;
    assert_eq!(n, 42);
    let v: Value = client.cmd("ECHO").arg(b"bin\x00ary".as_slice()).query().await?;
    assert_eq!(v, Value::BulkString(bytes_of(b"bin\x00ary")));
    // Clones share the connection and see the same data.
    let clone = client.clone();
    assert_eq!(clone.get::<i64>("raw").await?, 42);
    assert_eq!(server.raw_command(&["GET", "raw"]), "42");
    Ok(())
}

fn bytes_of(b: &[u8]) -> bytes::Bytes {
    bytes::Bytes::copy_from_slice(b)
}

/// Hundreds of concurrent commands on one client each get their own reply.
pub async fn concurrent_callers_get_their_own_replies(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let client = client(&server.url(), &rt)?;
    join_all((0..200).map(|i| {
        let client = client.clone();
        async move { client.set(format!("key:{i}"), format!("value:{i}")).await }
    }))
    .await
    .into_iter()
    .collect::<Result<Vec<()>, _>>()?;
    let replies = join_all((0..200).map(|i| {
        let client = client.clone();
        async move { (i, client.get::<String>(format!("key:{i}")).await) }
    }))
    .await;
    for (i, reply) in replies {
        assert_eq!(reply?, format!("value:{i}"));
    }
    // All of that went over one connection.
    let clients: String = client.cmd("CLIENT").arg("LIST").query().await?;
    assert_eq!(clients.lines().count(), 1, "{clients}");
    Ok(())
}
