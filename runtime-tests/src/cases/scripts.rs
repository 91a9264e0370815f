//! Lua scripts by SHA1 that never surface `NOSCRIPT`: single calls, pipelines
//! (plain and atomic), transactions, dedicated connections.

use anyredis::prelude::*;
use anyredis::{Runtime, Script};
use anyredis_test_support::RedisServer;

use crate::util::{client, info_field, server_version};
use crate::TestResult;

const MULTIPLY: &str = "return redis.call('GET', KEYS[1]) * ARGV[1]";

/// Calls of SCRIPT LOAD the server counted since the last `CONFIG RESETSTAT`
/// (Redis 7 counts subcommands apart; 6.2 counts every SCRIPT subcommand).
fn script_loads(server: &RedisServer) -> u64 {
    let stats = server.raw_command(&["INFO", "commandstats"]);
    let name = if server_version() >= (7, 0, 0) {
        "cmdstat_script|load:"
    } else {
        "cmdstat_script:"
    };
    stats
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|fields| fields.split(',').find_map(|f| f.strip_prefix("calls=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The redis-py walk-through: the same script object on two clients of two
/// servers; after `SCRIPT FLUSH` the next call loads it exactly once.
pub async fn multiply_on_two_servers(rt: Runtime) -> TestResult {
    let (first, second) = (RedisServer::new(), RedisServer::new());
    let a = client(&first.url(), &rt)?;
    let b = client(&second.url(), &rt)?;
    let multiply = a.register_script(MULTIPLY);
    a.set("foo", 2).await?;
    b.set("foo", 3).await?;
    assert_eq!(multiply.key("foo").arg(5).invoke::<i64, _>(&a).await?, 10);
    assert_eq!(
        multiply.key("foo").arg(5).invoke::<i64, _>(&b).await?,
        15,
        "never loaded there before"
    );

    a.script_flush(None).await?;
    first.raw_command(&["CONFIG", "RESETSTAT"]);
    assert_eq!(multiply.key("foo").arg(4).invoke::<i64, _>(&a).await?, 8);
    assert_eq!(multiply.key("foo").arg(6).invoke::<i64, _>(&a).await?, 12);
    assert_eq!(script_loads(&first), 1, "one load after the flush, then EVALSHA hits");
    Ok(())
}

/// Scripts in plain and atomic pipelines and in a transaction work after
/// `SCRIPT FLUSH`; a pipeline without scripts sends no `SCRIPT LOAD`.
pub async fn pipelines_and_transactions_load_their_scripts(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let multiply = Script::new(MULTIPLY);
    c.set("foo", 7).await?;

    c.script_flush(None).await?;
    let pipe = c.pipeline();
    pipe.set("bar", 1);
    multiply.key("foo").arg(2).queue(&pipe).get::<i64>("bar");
    let ((), n, bar): ((), i64, i64) = pipe.query().await?;
    assert_eq!((n, bar), (14, 1));

    c.script_flush(None).await?;
    let pipe = c.pipeline().atomic();
    multiply.key("foo").arg(3).queue(&pipe);
    Script::new("return ARGV[1]").arg("x").queue(&pipe);
    let (n, x): (i64, String) = pipe.query().await?;
    assert_eq!((n, x.as_str()), (21, "x"));

    c.script_flush(None).await?;
    let (n,): (i64,) = c
        .transaction("foo", |tx| {
            let multiply = multiply.clone();
            async move {
                let pipe = tx.pipeline();
                multiply.key("foo").arg(10).queue(&pipe);
                Ok(pipe)
            }
        })
        .await?;
    assert_eq!(n, 70);

    server.raw_command(&["CONFIG", "RESETSTAT"]);
    let pipe = c.pipeline();
    pipe.set("a", 1).get::<i64>("a");
    let ((), a): ((), i64) = pipe.query().await?;
    assert_eq!(a, 1);
    assert_eq!(script_loads(&server), 0, "no script, no SCRIPT LOAD");
    Ok(())
}

/// On a dedicated connection and among a transaction's reads; a script error
/// keeps its message; a script that does not compile says why; the read-only
/// variant runs reads and refuses writes (Redis 7.0+).
pub async fn errors_and_other_handles(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("foo", 4).await?;
    let multiply = Script::new(MULTIPLY);
    let conn = c.dedicated().await?;
    conn.cmd("SCRIPT").arg("FLUSH").query::<()>().await?;
    assert_eq!(multiply.key("foo").arg(2).invoke::<i64, _>(&conn).await?, 8);
    drop(conn);
    let ((),): ((),) = c
        .transaction("foo", |tx| {
            let multiply = multiply.clone();
            async move {
                let n: i64 = multiply.key("foo").arg(3).invoke(&tx).await?;
                let pipe = tx.pipeline();
                pipe.set("foo", n);
                Ok(pipe)
            }
        })
        .await?;
    assert_eq!(c.get::<i64>("foo").await?, 12);

    let boom = Script::new("return redis.error_reply('BOOM it failed')");
    let err = boom.call().invoke::<(), _>(&c).await.expect_err("the script fails");
    assert_eq!(err.code(), Some("BOOM"), "{err}");
    assert!(err.to_string().contains("it failed"), "{err}");
    let broken = Script::new("return (");
    let err = broken.call().invoke::<(), _>(&c).await.expect_err("does not compile");
    assert!(err.is_server(), "{err}");
    let pipe = c.pipeline();
    broken.call().queue(&pipe);
    let err = pipe.query::<((),)>().await.expect_err("does not compile");
    assert!(err.is_server(), "{err}");

    if server_version() >= (7, 0, 0) {
        let read = Script::new("return redis.call('GET', KEYS[1])");
        assert_eq!(read.key("foo").read_only().invoke::<i64, _>(&c).await?, 12);
        let write = Script::new("return redis.call('SET', KEYS[1], 1)");
        let err = write
            .key("foo")
            .read_only()
            .invoke::<(), _>(&c)
            .await
            .expect_err("read only");
        assert!(err.is_server(), "{err}");
    }
    let list = server.raw_command(&["CLIENT", "LIST"]);
    assert!(
        list.lines()
            .all(|l| !info_field(l, "flags").unwrap_or("").contains('x')),
        "no MULTI left open: {list}"
    );
    Ok(())
}
