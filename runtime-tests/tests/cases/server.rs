//! Server administration commands against a real server.

use std::time::{Duration, SystemTime};

use anyredis::commands::{
    CommandListFilter, FailoverOptions, FlushMode, ReplicaOf, ReplicationState, Role, ShutdownOptions,
};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::expect_server_error;
use runtime_tests::util::needs_version;
use runtime_tests::util::{client, sleep};
use runtime_tests::TestResult;

/// A client speaking RESP2, then one speaking RESP3 (the default).
fn both_protocols(server: &RedisServer, rt: &Runtime) -> anyredis::Result<[Client; 2]> {
    Ok([
        client(&format!("{}?protocol=2", server.url()), rt)?,
        client(&server.url(), rt)?,
    ])
}

/// CONFIG GET/SET/RESETSTAT round trips, and INFO parsed over RESP2 and RESP3.
pub async fn config_and_info(rt: Runtime) -> TestResult {
    if !needs_version(
        &rt,
        (7, 0, 0),
        &[&["CONFIG", "SET", "hz", "10", "maxmemory-samples", "5"]],
        "wrong number of arguments",
    )
    .await?
    {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        c.config_set("maxmemory-samples", 7).await?;
        let got = c.config_get("maxmemory-samples").await?;
        assert_eq!(got.get("maxmemory-samples").map(String::as_str), Some("7"));

        c.config_set_pairs([("hz", "15"), ("maxmemory-policy", "allkeys-lru")])
            .await?;
        let got = c.config_get(["hz", "maxmemory-*"]).await?;
        assert_eq!(got["hz"], "15");
        assert_eq!(got["maxmemory-policy"], "allkeys-lru");
        assert!(
            got.contains_key("maxmemory-clients"),
            "glob pattern matches several: {got:?}"
        );
        assert!(c.config_get("no-such-parameter").await?.is_empty());

        let err = c.config_set("hz", "not-a-number").await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "{err}");
        // All or nothing: a bad pair leaves the good one unapplied.
        expect_server_error(
            c.config_set_pairs([("hz", "20"), ("maxmemory-samples", "x")]).await,
            "ERR",
            "maxmemory-samples",
        );
        assert_eq!(c.config_get("hz").await?["hz"], "15");

        c.set("k1", "v").await?;
        c.cmd("SET").arg(("k2", "v", "EX", 100)).query::<()>().await?;
        let info = c.info().await?;
        assert!(info.redis_version().is_some_and(|v| v.starts_with("7.")), "{info:?}");
        assert_eq!(info.get("server", "tcp_port"), Some(server.port().to_string().as_str()));
        assert_eq!(info.role(), Some("master"));
        assert!(info.connected_clients().is_some_and(|n| n >= 1));
        assert!(info.used_memory().is_some_and(|n| n > 0));
        assert!(info.uptime().is_some());
        let db0 = info.keyspace()[&0];
        assert_eq!((db0.keys, db0.expires), (2, 1));
        assert!(info.section("Clients").is_some(), "section names ignore case");

        let info = c.info_sections(["clients", "commandstats"]).await?;
        assert!(info.section("server").is_none());
        assert!(info.connected_clients().is_some());
        let stats = info.subfields("commandstats", "cmdstat_set").expect("SET was called");
        assert!(stats["calls"].parse::<u64>()? >= 1);
        assert_eq!(info.find("connected_clients"), info.get("clients", "connected_clients"));

        c.config_resetstat().await?;
        let info = c.info_sections("commandstats").await?;
        assert!(info.get("commandstats", "cmdstat_set").is_none(), "{info:?}");
        c.flushall().await?;
    }
    Ok(())
}

/// SLOWLOG with every command logged, LATENCY after DEBUG SLEEP.
pub async fn slowlog_and_latency(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["LATENCY", "HISTOGRAM"]], "Unknown subcommand").await? {
        return Ok(());
    }
    let server = RedisServer::builder()
        .args(["--enable-debug-command", "yes", "--latency-monitor-threshold", "5"])
        .build();
    for c in both_protocols(&server, &rt)? {
        c.config_set("slowlog-log-slower-than", 0).await?;
        c.slowlog_reset().await?;
        // Naming a connection changes its state: a dedicated one (the shared
        // connection refuses CLIENT SETNAME; its name comes from the config).
        let conn = c.dedicated().await?;
        conn.cmd("CLIENT").arg(("SETNAME", "slowpoke")).query::<()>().await?;
        conn.set("slow-key", "slow-value").await?;
        drop(conn);
        let entries = c.slowlog_get(2).await?;
        assert_eq!(entries.len(), 2);
        let set = &entries[0];
        assert_eq!(set.args, ["SET", "slow-key", "slow-value"]);
        assert_eq!(set.client_name, "slowpoke");
        assert!(set.client_addr.starts_with("127.0.0.1:"), "{set:?}");
        assert!(entries[0].id > entries[1].id, "newest first");
        let age = SystemTime::now().duration_since(set.time).unwrap_or_default();
        assert!(age < Duration::from_secs(60), "{set:?}");
        assert!(set.duration < Duration::from_secs(5));
        assert!(c.slowlog_len().await? >= 3);
        let all = c.slowlog_get_all().await?;
        assert!(all.len() >= 3);
        c.slowlog_reset().await?;
        // SLOWLOG RESET itself may be logged; nothing older survives.
        assert!(c.slowlog_len().await? <= 1);
        c.config_set("slowlog-log-slower-than", 10_000).await?;

        c.latency_reset(Vec::<String>::new()).await?;
        c.cmd("DEBUG").arg(("SLEEP", 0.02)).query::<()>().await?;
        let latest = c.latency_latest().await?;
        let event = latest.iter().find(|e| e.name == "command").expect("a command event");
        assert!(event.latest >= Duration::from_millis(15), "{event:?}");
        assert!(event.max >= event.latest);
        let history = c.latency_history("command").await?;
        assert!(!history.is_empty());
        assert!(history[0].latency >= Duration::from_millis(15));
        assert!(c.latency_graph("command").await?.contains("command"));
        assert!(!c.latency_doctor().await?.is_empty());
        assert_eq!(c.latency_reset("command").await?, 1);
        assert!(c.latency_latest().await?.is_empty());
        assert!(c.latency_history("command").await?.is_empty());

        let histograms = c.latency_histogram(["set", "debug"]).await?;
        let set = &histograms["set"];
        assert!(set.calls >= 1);
        assert!(!set.buckets.is_empty());
        assert!(histograms.contains_key("debug"));
        let err = c.latency_graph("no-such-event").await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"));
    }
    Ok(())
}

/// TIME, SAVE + LASTSAVE, BGSAVE, ROLE as master and as replica (REPLICAOF).
pub async fn time_save_role_replication(rt: Runtime) -> TestResult {
    let master = RedisServer::new();
    let replica_server = RedisServer::new();
    let [c2, c] = both_protocols(&master, &rt)?;

    let now = SystemTime::now();
    for server_time in [c.time().await?, c2.time().await?] {
        let skew = server_time.duration_since(now).unwrap_or_else(|e| e.duration());
        assert!(skew < Duration::from_secs(5), "{server_time:?} vs {now:?}");
    }
    let (secs, micros): (u64, u64) = c.cmd("TIME").query().await?;
    assert!(secs > 1_600_000_000 && micros < 1_000_000);

    let before = SystemTime::now() - Duration::from_secs(2);
    c.save().await?;
    let saved = c.lastsave().await?;
    assert!(saved >= before, "{saved:?}");
    assert_eq!(c2.lastsave().await?, saved);
    c.bgsave().await?;
    for _ in 0..100 {
        let info = c.info_sections("persistence").await?;
        if info.get("persistence", "rdb_bgsave_in_progress") == Some("0") {
            break;
        }
        sleep(Duration::from_millis(50)).await;
    }
    // SCHEDULE waits for a running AOF rewrite instead of failing.
    c.bgrewriteaof().await?;
    c.bgsave_schedule().await?;

    for c in [&c, &c2] {
        match c.role().await? {
            Role::Master { replicas, .. } => assert!(replicas.is_empty()),
            other => panic!("expected a master: {other:?}"),
        }
    }

    // Diskless sync would otherwise wait 5 s for more replicas.
    c.config_set("repl-diskless-sync-delay", 0).await?;
    let [r2, r] = both_protocols(&replica_server, &rt)?;
    r.replicaof(ReplicaOf::master(master.host(), master.port())).await?;
    for r in [&r, &r2] {
        match r.role().await? {
            Role::Replica {
                master_host,
                master_port,
                state,
                ..
            } => {
                assert_eq!((master_host.as_str(), master_port), (master.host(), master.port()));
                assert_ne!(state, ReplicationState::Other(String::new()));
            }
            other => panic!("expected a replica: {other:?}"),
        }
    }
    // Wait for the link, then the master lists its replica.
    let mut linked = false;
    for _ in 0..300 {
        if let Role::Replica {
            state: ReplicationState::Connected,
            ..
        } = r.role().await?
        {
            linked = true;
            break;
        }
        sleep(Duration::from_millis(50)).await;
    }
    assert!(linked, "replica never connected");
    let mut listed = None;
    for _ in 0..300 {
        if let Role::Master { mut replicas, .. } = c2.role().await? {
            listed = replicas.pop();
            if listed.is_some() {
                break;
            }
        }
        sleep(Duration::from_millis(50)).await;
    }
    let replica = listed.expect("the master lists its replica");
    assert_eq!(
        (replica.ip.as_str(), replica.port),
        ("127.0.0.1", replica_server.port())
    );
    r.replicaof(ReplicaOf::NoOne).await?;
    assert!(matches!(r.role().await?, Role::Master { .. }));
    Ok(())
}

/// DBSIZE, FLUSHDB / FLUSHALL (with modes), SWAPDB.
pub async fn databases(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let db1 = client(&format!("{}/1", server.url()), &rt)?;
    assert_eq!(c.dbsize().await?, 0);
    c.set("a", 1).await?;
    c.set("b", 2).await?;
    db1.set("x", 1).await?;
    assert_eq!(c.dbsize().await?, 2);
    assert_eq!(db1.dbsize().await?, 1);

    c.swapdb(0, 1).await?;
    assert_eq!(c.dbsize().await?, 1);
    assert_eq!(db1.dbsize().await?, 2);
    assert_eq!(db1.get::<Option<i64>>("a").await?, Some(1));
    let err = c.swapdb(0, 99).await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");

    c.flushdb().await?;
    assert_eq!((c.dbsize().await?, db1.dbsize().await?), (0, 2));
    c.set("a", 1).await?;
    c.flushdb_options(FlushMode::Sync).await?;
    assert_eq!(c.dbsize().await?, 0);
    db1.flushdb_options(FlushMode::Async).await?;
    assert_eq!(db1.dbsize().await?, 0);

    c.set("a", 1).await?;
    db1.set("a", 1).await?;
    c.flushall_options(FlushMode::Async).await?;
    assert_eq!((c.dbsize().await?, db1.dbsize().await?), (0, 0));
    db1.set("a", 1).await?;
    c.flushall().await?;
    assert_eq!(db1.dbsize().await?, 0);
    Ok(())
}

/// COMMAND, COUNT, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, LIST, over RESP2 and RESP3.
pub async fn command_introspection(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["COMMAND", "DOCS", "get"]], "Unknown subcommand").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    let [c2, c] = both_protocols(&server, &rt)?;
    for c in [&c2, &c] {
        let count = c.command_count().await?;
        assert!(count > 200, "{count}");
        let all = c.command_all().await?;
        assert_eq!(all.len() as u64, count);

        let infos = c.command_info(["get", "no-such-command", "config"]).await?;
        assert_eq!(infos.len(), 3);
        let get = infos[0].as_ref().expect("GET exists");
        assert_eq!((get.name.as_str(), get.arity), ("get", 2));
        assert_eq!((get.first_key, get.last_key, get.step), (1, 1, 1));
        assert!(get.flags.iter().any(|f| f == "readonly"), "{get:?}");
        assert!(get.acl_categories.iter().any(|c| c == "@read"));
        assert_eq!(get.key_specs.len(), 1);
        assert!(infos[1].is_none());
        let config = infos[2].as_ref().expect("CONFIG exists");
        assert!(config.subcommands.iter().any(|s| s.name == "config|get"));

        let docs = c.command_docs(["get", "set", "config"]).await?;
        let get = &docs["get"];
        assert_eq!(get.group, "string");
        assert_eq!(get.since, "1.0.0");
        assert!(!get.summary.is_empty());
        assert_eq!(get.arguments.len(), 1);
        assert_eq!(
            (get.arguments[0].name.as_str(), get.arguments[0].kind.as_str()),
            ("key", "key")
        );
        assert_eq!(get.arguments[0].key_spec_index, Some(0));
        let set = &docs["set"];
        assert!(!set.history.is_empty());
        let condition = set
            .arguments
            .iter()
            .find(|a| a.kind == "oneof")
            .expect("a oneof argument");
        assert!(condition.flags.iter().any(|f| f == "optional"));
        assert!(condition.arguments.iter().any(|a| a.token.as_deref() == Some("NX")));
        assert!(docs["config"].subcommands.contains_key("config|get"));
        let everything = c.command_docs(Vec::<String>::new()).await?;
        assert!(everything.len() as u64 >= count - 5);

        let keys: Vec<String> = c.command_getkeys(("MSET", "a", "1", "b", "2")).await?;
        assert_eq!(keys, ["a", "b"]);
        let keys: Vec<(String, Vec<String>)> = c
            .command_getkeysandflags(("LMOVE", "src", "dst", "LEFT", "RIGHT"))
            .await?;
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].0, "src");
        assert!(keys[0].1.iter().any(|f| f == "RW"), "{keys:?}");
        let err = c.command_getkeys::<Vec<String>>(["PING"]).await.unwrap_err();
        assert!(err.is_server(), "{err}");

        let names = c.command_list().await?;
        assert!(names.len() > 200 && names.contains(&"get".to_owned()));
        let mut gets = c
            .command_list_options(CommandListFilter::Pattern("get*".into()))
            .await?;
        gets.sort();
        assert_eq!(gets, ["get", "getbit", "getdel", "getex", "getrange", "getset"]);
        let hll = c
            .command_list_options(CommandListFilter::AclCategory("hyperloglog".into()))
            .await?;
        assert!(hll.contains(&"pfadd".to_owned()));
        let none = c.command_list_options(CommandListFilter::Module("nope".into())).await?;
        assert!(none.is_empty());
    }
    Ok(())
}

/// MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE, MODULE LIST, LOLWUT.
pub async fn memory_module_lolwut(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        c.set("small", "v").await?;
        c.cmd("RPUSH").arg(("list", [0; 100])).query::<()>().await?;
        let small = c.memory_usage("small").await?.expect("the key exists");
        let list = c.memory_usage_samples("list", 0).await?.expect("the key exists");
        assert!(small > 0 && list > small, "{small} {list}");
        assert_eq!(c.memory_usage("missing").await?, None);

        let stats = c.memory_stats().await?;
        assert_eq!(stats.keys_count(), Some(2));
        assert!(stats.total_allocated().is_some_and(|n| n > 0));
        assert!(stats.peak_allocated() >= stats.total_allocated().map(|n| n / 2));
        assert!(stats.dataset_bytes().is_some());
        assert!(stats.fragmentation().is_some());
        assert!(stats.get("db.0").is_some());
        assert!(stats.iter().count() > 10);

        assert!(!c.memory_doctor().await?.is_empty());
        assert!(!c.memory_malloc_stats().await?.is_empty());
        c.memory_purge().await?;

        assert!(c.module_list().await?.is_empty());
        let err = c.module_unload("nosuchmodule").await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "{err}");
        let err = c.module_load("/nonexistent/module.so").await.unwrap_err();
        assert!(err.is_server(), "{err}");

        assert!(c.lolwut().await?.contains("Redis ver"));
        assert!(c.lolwut_version(5).await?.contains("Redis ver"));
        c.flushall().await?;
    }
    Ok(())
}

/// FAILOVER and SHUTDOWN ABORT errors on a lone server, then SHUTDOWN NOSAVE,
/// whose success shows as a connection error.
pub async fn shutdown_failover(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["SHUTDOWN", "ABORT"]], "syntax error").await? {
        return Ok(());
    }
    let mut server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let err = c.failover(FailoverOptions::new()).await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");
    let opts = FailoverOptions::new()
        .to("127.0.0.1", 1)
        .force()
        .timeout(Duration::from_millis(100));
    assert!(c.failover(opts).await.unwrap_err().is_server());
    let err = c.shutdown(ShutdownOptions::new().abort()).await.unwrap_err();
    assert!(err.is_server(), "{err}");

    let err = c.shutdown(ShutdownOptions::new().nosave().now()).await.unwrap_err();
    assert!(err.is_connection() || err.is_io(), "{err:?}");
    for _ in 0..100 {
        if !server.is_running() {
            return Ok(());
        }
        sleep(Duration::from_millis(50)).await;
    }
    panic!("the server is still running after SHUTDOWN");
}
