//! RESP2 and RESP3 give the same Rust values; server and conversion errors are typed
//! and leave the connection usable.

use std::collections::{HashMap, HashSet};

use anyredis::prelude::*;
use anyredis::{Protocol, Runtime};
use anyredis_test_support::RedisServer;

use crate::util::client;
use crate::TestResult;

/// Maps, sets, doubles and nils read the same over both protocols.
pub async fn resp2_and_resp3_agree(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let mut seen = Vec::new();
    for protocol in ["2", "3"] {
        let c = client(&format!("{}?protocol={protocol}", server.url()), &rt)?;
        c.cmd("HSET").arg("h").arg(("a", "1", "b", "2")).query::<i64>().await?;
        c.cmd("SADD").arg("s").arg(("x", "y")).query::<i64>().await?;
        c.cmd("ZADD").arg("z").arg((1.5, "m")).query::<i64>().await?;
        let hash: HashMap<String, i64> = c.cmd("HGETALL").arg("h").query().await?;
        let set: HashSet<String> = c.cmd("SMEMBERS").arg("s").query().await?;
        let score: f64 = c.cmd("ZSCORE").arg("z").arg("m").query().await?;
        let nil: Option<String> = c.cmd("GET").arg("nothing").query().await?;
        let raw: Value = c.cmd("HGETALL").arg("h").query().await?;
        let expect_map = protocol == "3";
        assert_eq!(
            matches!(raw, Value::Map(_)),
            expect_map,
            "HGETALL over RESP{protocol}: {raw:?}"
        );
        seen.push((hash, set, score, nil));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0].0, HashMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]));
    assert_eq!(seen[0].2, 1.5);
    assert_eq!(seen[0].3, None);
    Ok(())
}

/// A RESP3 handshake is what the server reports, and RESP2 when asked for.
pub async fn negotiated_protocol(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    assert_eq!(c.dedicated().await?.protocol(), Protocol::Resp3);
    let c = client(&format!("{}?protocol=2", server.url()), &rt)?;
    assert_eq!(c.dedicated().await?.protocol(), Protocol::Resp2);
    Ok(())
}

/// Server errors carry the server's code and message; the connection keeps working.
pub async fn server_errors(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("text", "abc").await?;
    let err = c
        .cmd("LPUSH")
        .arg("text")
        .arg("x")
        .query::<i64>()
        .await
        .expect_err("wrong type");
    assert!(err.is_server());
    assert_eq!(err.code(), Some("WRONGTYPE"));
    assert!(err.server_error().unwrap().message().contains("wrong kind of value"));
    let err = c.incr("text").await.expect_err("not an integer");
    assert_eq!(err.code(), Some("ERR"));
    assert!(err.to_string().contains("not an integer"), "{err}");
    let err = c
        .cmd("NOSUCHCOMMAND")
        .query::<Value>()
        .await
        .expect_err("unknown command");
    assert!(err.to_string().contains("unknown command"), "{err}");
    assert_eq!(c.get::<String>("text").await?, "abc");
    Ok(())
}

/// Asking for the wrong Rust type is a conversion error naming both types.
pub async fn wrong_type_conversion(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("word", "hello").await?;
    let err = c.get::<i64>("word").await.expect_err("not a number");
    assert!(err.is_conversion(), "{err}");
    let text = err.to_string();
    assert!(text.contains("i64") && text.contains("bulk string"), "{text}");
    let err = c.get::<Vec<String>>("word").await.expect_err("not a list");
    assert!(err.is_conversion(), "{err}");
    let err = c.get::<String>("missing").await.expect_err("nil is not a String");
    assert!(err.to_string().contains("nil"), "{err}");
    assert_eq!(c.get::<String>("word").await?, "hello");
    Ok(())
}
