//! `HELP` subcommands and the deprecated writable GEORADIUS forms.

use anyredis::commands::GeoUnit;
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;

use crate::util::client;
use crate::util::needs_version;
use crate::TestResult;

/// Each container's HELP text starts by naming the container, over both protocols.
pub async fn container_help(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["FUNCTION", "HELP"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for protocol in ["2", "3"] {
        let c = client(&format!("{}?protocol={protocol}", server.url()), &rt)?;
        let texts = [
            ("ACL", c.acl_help().await?),
            ("CLIENT", c.client_help().await?),
            ("COMMAND", c.command_help().await?),
            ("CONFIG", c.config_help().await?),
            ("FUNCTION", c.function_help().await?),
            ("LATENCY", c.latency_help().await?),
            ("MEMORY", c.memory_help().await?),
            ("MODULE", c.module_help().await?),
            ("OBJECT", c.object_help().await?),
            ("PUBSUB", c.pubsub_help().await?),
            ("SCRIPT", c.script_help().await?),
            ("SLOWLOG", c.slowlog_help().await?),
            ("XGROUP", c.xgroup_help().await?),
            ("XINFO", c.xinfo_help().await?),
        ];
        for (container, lines) in texts {
            assert!(lines.len() > 2, "{container}: {lines:?}");
            assert!(lines[0].starts_with(container), "{container}: {:?}", lines[0]);
            assert!(
                lines.iter().any(|l| l.trim_start().starts_with("HELP")),
                "{container} lists HELP itself"
            );
        }
    }
    // CLUSTER HELP needs a cluster-enabled server; elsewhere it is the server's error.
    let plain = client(&server.url(), &rt)?;
    assert!(plain
        .cluster_help()
        .await
        .expect_err("not a cluster")
        .to_string()
        .contains("cluster support disabled"));
    let node = RedisServer::builder().cluster_enabled(true).build();
    let lines = client(&node.url(), &rt)?.cluster_help().await?;
    assert!(lines[0].starts_with("CLUSTER"), "{lines:?}");
    Ok(())
}

/// GEORADIUS / GEORADIUSBYMEMBER give what their read-only forms give.
pub async fn deprecated_georadius(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.cmd("GEOADD")
        .arg("Sicily")
        .arg((13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"))
        .query::<i64>()
        .await?;
    let mut near: Vec<String> = c.georadius("Sicily", 15.0, 37.0, 200.0, GeoUnit::Kilometers).await?;
    near.sort();
    assert_eq!(near, ["Catania", "Palermo"]);
    let ro: Vec<String> = c.georadius_ro("Sicily", 15.0, 37.0, 100.0, GeoUnit::Kilometers).await?;
    assert_eq!(ro, ["Catania"]);
    let by_member: Vec<String> = c
        .georadiusbymember("Sicily", "Palermo", 100.0, GeoUnit::Kilometers)
        .await?;
    assert_eq!(by_member, ["Palermo"]);
    let none: Vec<String> = c.georadius("Nowhere", 15.0, 37.0, 100.0, GeoUnit::Kilometers).await?;
    assert!(none.is_empty());
    c.set("text", "x").await?;
    let err = c
        .georadius::<Vec<String>>("text", 15.0, 37.0, 1.0, GeoUnit::Meters)
        .await
        .expect_err("wrong type");
    assert_eq!(err.code(), Some("WRONGTYPE"));
    Ok(())
}

/// DEBUG SLEEP blocks the server for the time given; DEBUG OBJECT describes a key.
pub async fn debug_commands(rt: Runtime) -> TestResult {
    let server = RedisServer::builder().arg("--enable-debug-command").arg("yes").build();
    let c = client(&server.url(), &rt)?;
    c.set("k", "12345").await?;
    let started = std::time::Instant::now();
    c.debug_sleep(std::time::Duration::from_millis(200)).await?;
    assert!(started.elapsed() >= std::time::Duration::from_millis(190));
    let line = c.debug_object("k").await?;
    assert!(line.contains("encoding:int") && line.contains("refcount:"), "{line}");
    let err = c.debug_object("missing").await.expect_err("no such key");
    assert!(err.to_string().contains("no such key"), "{err}");
    let plain = RedisServer::new();
    let err = client(&plain.url(), &rt)?
        .debug_object("k")
        .await
        .expect_err("DEBUG is disabled by default");
    assert!(err.is_server(), "{err}");
    Ok(())
}
