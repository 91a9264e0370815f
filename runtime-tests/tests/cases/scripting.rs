//! Scripting and function commands against a real server.

use std::time::Duration;

use anyredis::commands::{FlushMode, FunctionListOptions, RestorePolicy};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use bytes::Bytes;
use runtime_tests::util::expect_server_error;
use runtime_tests::util::needs_version;
use runtime_tests::util::sleep;
use runtime_tests::TestResult;

use crate::both_protocols;

const NONE: [&str; 0] = [];

const LIBRARY: &str = r#"#!lua name=mylib
redis.register_function('set_get', function(keys, args)
    redis.call('SET', keys[1], args[1])
    return redis.call('GET', keys[1])
end)
redis.register_function{
    function_name = 'peek',
    callback = function(keys, args) return redis.call('GET', keys[1]) end,
    flags = {'no-writes'},
    description = 'reads a key',
}
"#;

/// EVAL, EVAL_RO, EVALSHA, EVALSHA_RO, SCRIPT LOAD / EXISTS / FLUSH / KILL.
pub async fn eval_and_script_cache(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["EVAL_RO", "return 1", "0"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        // numkeys is counted from the keys given.
        let counts = "return {#KEYS, #ARGV, KEYS[1], ARGV[1]}";
        let (nkeys, nargs, key, arg): (u64, u64, String, String) = c.eval(counts, ["k1", "k2"], ["a1"]).await?;
        assert_eq!((nkeys, nargs, key.as_str(), arg.as_str()), (2, 1, "k1", "a1"));
        assert_eq!(c.eval::<String>("return ARGV[2]", NONE, vec!["x", "y"]).await?, "y");
        c.eval::<()>("redis.call('SET', KEYS[1], ARGV[1])", ["k"], [42]).await?;
        assert_eq!(
            c.eval_ro::<i64>("return redis.call('GET', KEYS[1])", ["k"], NONE)
                .await?,
            42
        );
        let missing = "return redis.call('GET', KEYS[1])";
        assert_eq!(c.eval::<Option<String>>(missing, ["nokey"], NONE).await?, None);
        let err = c
            .eval::<()>("return redis.error_reply('MYERR boom')", NONE, NONE)
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("MYERR"));
        let err = c
            .eval_ro::<()>("redis.call('SET', KEYS[1], 1)", ["k"], NONE)
            .await
            .unwrap_err();
        assert!(err.is_server(), "{err}");

        let sha = c.script_load("return tonumber(ARGV[1]) * 2 + #KEYS").await?;
        assert_eq!(sha.len(), 40);
        assert_eq!(c.evalsha::<i64>(&sha, ["a"], [20]).await?, 41);
        assert_eq!(c.evalsha_ro::<i64>(&sha, NONE, [5]).await?, 10);
        let unknown = "0".repeat(40);
        assert_eq!(c.script_exists([&sha, &unknown]).await?, [true, false]);
        c.script_flush(Some(FlushMode::Sync)).await?;
        assert_eq!(c.script_exists([&sha]).await?, [false]);
        let err = c.evalsha::<i64>(&sha, NONE, [1]).await.unwrap_err();
        assert_eq!(err.code(), Some("NOSCRIPT"));
        c.script_load("return 1").await?;
        c.script_flush(None).await?;
        c.script_flush(Some(FlushMode::Async)).await?;
        assert_eq!(c.script_kill().await.unwrap_err().code(), Some("NOTBUSY"));
    }
    Ok(())
}

/// FUNCTION LOAD / LIST / STATS / DUMP / RESTORE / FLUSH / DELETE / KILL,
/// FCALL and FCALL_RO.
pub async fn functions(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["FUNCTION", "LIST"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        c.function_flush(None).await?;
        assert_eq!(c.function_load(LIBRARY).await?, "mylib");
        expect_server_error(c.function_load(LIBRARY).await, "ERR", "already exists");
        assert_eq!(c.function_load_replace(LIBRARY).await?, "mylib");

        assert_eq!(c.fcall::<String>("set_get", ["k"], ["v"]).await?, "v");
        assert_eq!(c.fcall_ro::<String>("peek", ["k"], NONE).await?, "v");
        assert_eq!(c.fcall_ro::<Option<String>>("peek", ["nokey"], NONE).await?, None);
        // Not flagged no-writes.
        expect_server_error(c.fcall_ro::<String>("set_get", ["k"], ["w"]).await, "ERR", "write flag");
        let err = c.fcall::<()>("nosuch", NONE, NONE).await.unwrap_err();
        assert!(err.is_server(), "{err}");

        let libs = c.function_list().await?;
        assert_eq!(libs.len(), 1);
        let lib = &libs[0];
        assert_eq!(
            (lib.name.as_str(), lib.engine.as_str(), lib.code.as_deref()),
            ("mylib", "LUA", None)
        );
        let mut funcs = lib.functions.clone();
        funcs.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(
            (funcs[0].name.as_str(), funcs[0].description.as_deref()),
            ("peek", Some("reads a key"))
        );
        assert_eq!(funcs[0].flags, ["no-writes"]);
        assert_eq!(
            (funcs[1].name.as_str(), funcs[1].description.as_deref()),
            ("set_get", None)
        );
        assert!(funcs[1].flags.is_empty());
        let with_code = FunctionListOptions::new().library_name("my*").with_code();
        let libs = c.function_list_options(with_code).await?;
        assert_eq!(libs[0].code.as_deref(), Some(LIBRARY));
        let other = FunctionListOptions::new().library_name("other*");
        assert!(c.function_list_options(other).await?.is_empty());

        let stats = c.function_stats().await?;
        assert_eq!(stats.running_script, None);
        let lua = stats.engines["LUA"];
        assert_eq!((lua.libraries_count, lua.functions_count), (1, 2));

        let dump: Bytes = c.function_dump().await?;
        c.function_flush(Some(FlushMode::Sync)).await?;
        assert!(c.function_list().await?.is_empty());
        c.function_restore(&dump, None).await?;
        assert_eq!(c.function_list().await?.len(), 1);
        expect_server_error(
            c.function_restore(&dump, Some(RestorePolicy::Append)).await,
            "ERR",
            "already exists",
        );
        c.function_restore(&dump, Some(RestorePolicy::Replace)).await?;
        c.function_restore(&dump, Some(RestorePolicy::Flush)).await?;
        assert_eq!(c.fcall::<String>("set_get", ["k"], ["x"]).await?, "x");

        c.function_delete("mylib").await?;
        assert!(c.function_list().await?.is_empty());
        expect_server_error(c.function_delete("mylib").await, "ERR", "not found");
        assert_eq!(c.function_kill().await.unwrap_err().code(), Some("NOTBUSY"));
        c.function_flush(Some(FlushMode::Async)).await?;
    }
    Ok(())
}

/// A busy function shows in FUNCTION STATS and stops with FUNCTION KILL; a busy
/// script stops with SCRIPT KILL. The busy call runs on a dedicated connection.
pub async fn busy_scripts(rt: Runtime) -> TestResult {
    if !needs_version(
        &rt,
        (7, 0, 0),
        &[&["CONFIG", "SET", "busy-reply-threshold", "5000"]],
        "Unsupported CONFIG parameter",
    )
    .await?
    {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        c.cmd("CONFIG")
            .arg(["SET", "busy-reply-threshold", "50"])
            .query::<()>()
            .await?;
        let spin = "#!lua name=spinlib\nredis.register_function{function_name='spin', \
                    callback=function() while true do end end, flags={'no-writes'}}";
        c.function_load_replace(spin).await?;
        let busy = c.dedicated().await?;
        let (spun, stats) = futures_util::join!(busy.fcall::<()>("spin", NONE, NONE), async {
            sleep(Duration::from_millis(200)).await;
            let stats = c.function_stats().await;
            c.function_kill().await?;
            stats
        });
        expect_server_error(spun, "ERR", "killed by user");
        let running = stats?.running_script.expect("a running function");
        assert_eq!(running.name, "spin");
        assert_eq!(
            running.command,
            [Bytes::from("FCALL"), Bytes::from("spin"), Bytes::from("0")]
        );
        assert!(running.duration >= Duration::from_millis(50), "{:?}", running.duration);

        let (spun, killed) = futures_util::join!(busy.eval::<()>("while true do end", NONE, NONE), async {
            sleep(Duration::from_millis(200)).await;
            c.script_kill().await
        });
        killed?;
        expect_server_error(spun, "ERR", "killed by user");
        assert_eq!(
            busy.eval::<i64>("return 7", NONE, NONE).await?,
            7,
            "the connection still works"
        );
    }
    Ok(())
}
