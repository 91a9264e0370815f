//! Pipelines and MULTI/EXEC.

use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;

use crate::util::client;
use crate::TestResult;

/// Typed methods chain; the replies convert to a tuple or a Vec in order.
pub async fn pipeline_replies_in_order(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let pipe = c.pipeline();
    assert!(pipe.is_empty());
    pipe.set("a", 1)
        .incr("a")
        .get::<i64>("a")
        .get::<Option<String>>("missing");
    pipe.add(&cmd("RPUSH").arg("l").arg(("x", "y")));
    assert_eq!(pipe.len(), 5);
    let ((), n, a, missing, len): ((), i64, i64, Option<String>, i64) = pipe.query().await?;
    assert_eq!((n, a, missing, len), (2, 2, None, 2));

    let big = c.pipeline();
    for i in 0..10_000 {
        big.set(format!("k{i}"), i);
    }
    for i in 0..10_000 {
        big.get::<i64>(format!("k{i}"));
    }
    let replies: Vec<Value> = big.query().await?;
    assert_eq!(replies.len(), 20_000);
    for (i, reply) in replies[10_000..].iter().enumerate() {
        assert_eq!(reply, &Value::BulkString(i.to_string().into()));
    }
    let empty: Vec<Value> = c.pipeline().query().await?;
    assert!(empty.is_empty());
    Ok(())
}

/// A server error in one command is that command's result; the others keep theirs.
pub async fn pipeline_mid_error(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let pipe = c.pipeline();
    pipe.set("s", "text")
        .incr("s")
        .set("after", "ok")
        .get::<String>("after");
    let results = pipe.query_each().await?;
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].as_ref().ok(), Some(&Value::SimpleString("OK".into())));
    let err = results[1].as_ref().expect_err("INCR of text");
    assert_eq!(err.code(), Some("ERR"));
    assert_eq!(results[3].as_ref().ok(), Some(&Value::BulkString("ok".into())));
    // The whole-pipeline conversion reports the failing command's error.
    let err = pipe.query::<((), i64, (), String)>().await.expect_err("INCR fails");
    assert!(err.to_string().contains("not an integer"), "{err}");
    // The connection is fine afterwards.
    assert_eq!(c.get::<String>("after").await?, "ok");
    Ok(())
}

/// Atomic pipelines run all or nothing; EXECABORT says which command was refused.
pub async fn atomic_pipelines(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let tx = c.pipeline().atomic();
    tx.set("x", 10).incr("x").incr("x");
    let ((), a, b): ((), i64, i64) = tx.query().await?;
    assert_eq!((a, b), (11, 12));

    // A command the server refuses to queue aborts the whole transaction.
    let tx = c.pipeline().atomic();
    tx.set("y", 1).add(&cmd("NOSUCHCOMMAND")).set("z", 1);
    let err = tx.query::<Vec<Value>>().await.expect_err("EXECABORT");
    assert_eq!(err.code(), Some("EXECABORT"), "{err}");
    assert!(err.to_string().contains("unknown command"), "{err}");
    assert_eq!(c.get::<Option<String>>("y").await?, None);

    // A runtime error inside EXEC fails that command only.
    let tx = c.pipeline().atomic();
    tx.set("t", "text").incr("t").set("u", 1);
    let results = tx.query_each().await?;
    assert_eq!(results[0].as_ref().ok(), Some(&Value::SimpleString("OK".into())));
    assert_eq!(results[2].as_ref().ok(), Some(&Value::SimpleString("OK".into())));
    assert_eq!(results[1].as_ref().expect_err("WRONGTYPE-ish").code(), Some("ERR"));
    assert_eq!(c.get::<i64>("u").await?, 1);

    // On a dedicated connection too.
    let conn = c.dedicated().await?;
    let tx = conn.pipeline().atomic();
    tx.incr("counter").incr("counter");
    assert_eq!(tx.query::<(i64, i64)>().await?, (1, 2));
    Ok(())
}
