//! Cluster commands on lone cluster-enabled nodes, against real servers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyredis::commands::{ClusterInfo, EpochBump, FailoverMode, ResetMode, SetSlot};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::expect_server_error;
use runtime_tests::util::skip_before;
use runtime_tests::util::{client, sleep};
use runtime_tests::TestResult;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn cluster_node() -> RedisServer {
    RedisServer::builder().cluster_enabled(true).build()
}

/// Polls `CLUSTER INFO` until `done` holds (the node updates its state in its cron).
async fn wait_for_info(c: &Client, done: impl Fn(&ClusterInfo) -> bool) -> Result<ClusterInfo, BoxError> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let info = c.cluster_info().await?;
        if done(&info) {
            return Ok(info);
        }
        if Instant::now() > deadline {
            return Err(format!("cluster state never reached: {info:?}").into());
        }
        sleep(Duration::from_millis(50)).await;
    }
}

/// MYID, KEYSLOT, ADDSLOTSRANGE then INFO, COUNTKEYSINSLOT / GETKEYSINSLOT, and NODES,
/// SLOTS, SHARDS parsed with the node itself, on RESP2 and RESP3.
pub async fn single_node_introspection(rt: Runtime) -> TestResult {
    // CLUSTER ADDSLOTSRANGE is 7.0 (a plain server cannot show the refusal:
    // it answers that cluster support is disabled).
    if skip_before((7, 0, 0), "CLUSTER ADDSLOTSRANGE") {
        return Ok(());
    }
    let server = cluster_node();
    let admin = client(&server.url(), &rt)?;
    let info = admin.cluster_info().await?;
    assert_eq!(
        (info.state.as_str(), info.slots_assigned, info.known_nodes),
        ("fail", 0, 1)
    );
    assert!(!info.is_ok());
    admin.cluster_addslotsrange([(0u16, 8191u16), (8192, 16383)]).await?;
    let info = wait_for_info(&admin, ClusterInfo::is_ok).await?;
    assert_eq!((info.slots_assigned, info.slots_ok, info.size), (16384, 16384, 1));
    assert_eq!(info.fields.get("cluster_state").map(String::as_str), Some("ok"));
    admin.set("foo", 1).await?;
    admin.set("{user1}:a", 1).await?;
    admin.set("{user1}:b", 1).await?;

    for protocol in [2u8, 3] {
        let c = client(&format!("{}?protocol={protocol}", server.url()), &rt)?;
        let myid = c.cluster_myid().await?;
        assert_eq!(myid.len(), 40);
        assert!(myid.bytes().all(|b| b.is_ascii_hexdigit()));

        assert_eq!(c.cluster_keyslot("foo").await?, 12182);
        let user_slot = c.cluster_keyslot("user1").await?;
        assert_eq!(c.cluster_keyslot("{user1}:x").await?, user_slot);
        assert_eq!(c.cluster_countkeysinslot(12182).await?, 1);
        assert_eq!(c.cluster_getkeysinslot::<Vec<String>>(12182, 10).await?, ["foo"]);
        assert_eq!(c.cluster_countkeysinslot(user_slot).await?, 2);
        let mut keys = c.cluster_getkeysinslot::<Vec<String>>(user_slot, 10).await?;
        keys.sort();
        assert_eq!(keys, ["{user1}:a", "{user1}:b"]);
        assert_eq!(c.cluster_getkeysinslot::<Vec<String>>(user_slot, 1).await?.len(), 1);
        assert_eq!(c.cluster_countkeysinslot(0).await?, 0);

        let nodes = c.cluster_nodes().await?;
        assert_eq!(nodes.len(), 1);
        let me = nodes.myself().expect("a myself line");
        assert_eq!(me.id, myid);
        assert!(me.is_master() && !me.is_replica());
        assert_eq!(me.port, server.port());
        assert_eq!(me.bus_port, server.cluster_bus_port());
        assert_eq!(me.master_id, None);
        assert!(me.connected);
        assert_eq!(me.slots, [(0, 16383)]);
        assert!(me.migrating.is_empty() && me.importing.is_empty());

        let slots = c.cluster_slots().await?;
        assert_eq!(slots.len(), 1);
        assert_eq!((slots[0].start, slots[0].end), (0, 16383));
        assert_eq!(
            (slots[0].master.port, slots[0].master.id.as_str()),
            (server.port(), &*myid)
        );
        assert!(slots[0].replicas.is_empty());

        let shards = c.cluster_shards().await?;
        assert_eq!(shards.len(), 1);
        assert_eq!(shards[0].slots, [(0, 16383)]);
        let node = &shards[0].nodes[0];
        assert_eq!(
            (node.id.as_str(), node.role.as_str(), node.health.as_str()),
            (&*myid, "master", "online")
        );
        assert_eq!((node.port, node.tls_port), (Some(server.port()), None));

        assert!(c.cluster_replicas(&*myid).await?.is_empty());
        assert!(c.cluster_slaves(&*myid).await?.is_empty());
        assert_eq!(c.cluster_count_failure_reports(&*myid).await?, 0);
        assert!(c.cluster_links::<Vec<HashMap<String, Value>>>().await?.is_empty());
        let err = c.cluster_replicas("0000").await.expect_err("unknown node");
        assert_eq!(err.code(), Some("ERR"));

        let conn = c.dedicated().await?;
        conn.readonly().await?;
        conn.readwrite().await?;
        conn.asking().await?;
    }
    Ok(())
}

/// ADDSLOTS / DELSLOTS / DELSLOTSRANGE / SETSLOT / FLUSHSLOTS, BUMPEPOCH, SET-CONFIG-EPOCH,
/// MEET / LINKS / FORGET with a second node, the refusals of FORGET / REPLICATE / FAILOVER
/// on oneself, SAVECONFIG and RESET.
pub async fn slot_and_node_admin(rt: Runtime) -> TestResult {
    // CLUSTER ADDSLOTSRANGE is 7.0 (a plain server cannot show the refusal:
    // it answers that cluster support is disabled).
    if skip_before((7, 0, 0), "CLUSTER ADDSLOTSRANGE") {
        return Ok(());
    }
    let server = cluster_node();
    let c = client(&server.url(), &rt)?;
    let myid = c.cluster_myid().await?;

    assert_eq!(c.cluster_bumpepoch().await?, EpochBump::Bumped(1));
    assert_eq!(c.cluster_bumpepoch().await?, EpochBump::Still(1));
    expect_server_error(c.cluster_set_config_epoch(5).await, "ERR", "config epoch");

    c.cluster_addslots([1u16, 2, 3]).await?;
    c.cluster_delslots(2u16).await?;
    c.cluster_addslotsrange((100u16, 200u16)).await?;
    c.cluster_delslotsrange([(150u16, 160u16)]).await?;
    c.cluster_setslot(7, SetSlot::Node(myid.clone())).await?;
    c.cluster_setslot(7, SetSlot::Stable).await?;
    let err = c.cluster_addslots(1u16).await.expect_err("already assigned");
    assert_eq!(err.code(), Some("ERR"));
    let me = c.cluster_nodes().await?.into_vec().remove(0);
    assert_eq!(me.slots, [(1, 1), (3, 3), (7, 7), (100, 149), (161, 200)]);
    let err = c
        .cluster_setslot(9, SetSlot::Migrating(myid.clone()))
        .await
        .expect_err("not the owner");
    assert!(err.to_string().contains("owner"), "{err}");
    let err = c
        .cluster_setslot(1, SetSlot::Importing("f".repeat(40)))
        .await
        .expect_err("unknown node");
    assert_eq!(err.code(), Some("ERR"));
    c.cluster_flushslots().await?;
    assert!(c.cluster_nodes().await?[0].slots.is_empty());

    expect_server_error(c.cluster_forget(&*myid).await, "ERR", "forget myself");
    expect_server_error(c.cluster_replicate(&*myid).await, "ERR", "replicate myself");
    let err = c.cluster_failover(FailoverMode::Force).await.expect_err("a master");
    assert!(err.to_string().contains("replica"), "{err}");
    expect_server_error(c.cluster_failover(FailoverMode::Coordinated).await, "ERR", "replica");
    c.cluster_saveconfig().await?;

    let other = cluster_node();
    let other_id = client(&other.url(), &rt)?.cluster_myid().await?;
    c.cluster_meet("127.0.0.1", other.port(), other.cluster_bus_port())
        .await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let nodes = c.cluster_nodes().await?;
        let known = nodes.iter().find(|n| n.id == other_id);
        if known.is_some_and(|n| n.connected && !n.has_flag("handshake")) {
            let known = known.expect("found");
            assert_eq!((known.port, known.host.as_str()), (other.port(), "127.0.0.1"));
            assert!(known.is_master() && !known.is_myself());
            break;
        }
        assert!(Instant::now() < deadline, "never met: {nodes:?}");
        sleep(Duration::from_millis(50)).await;
    }
    let links = c.cluster_links::<Vec<HashMap<String, Value>>>().await?;
    assert!(!links.is_empty());
    assert!(links
        .iter()
        .all(|l| l.contains_key("direction") && l.contains_key("node")));
    assert_eq!(c.cluster_count_failure_reports(&*other_id).await?, 0);
    c.cluster_forget(&*other_id).await?;
    assert!(c.cluster_nodes().await?.iter().all(|n| n.id != other_id));

    c.cluster_reset(ResetMode::Soft).await?;
    assert_eq!(c.cluster_myid().await?, myid, "a soft reset keeps the id");
    c.cluster_reset(ResetMode::Hard).await?;
    assert_ne!(c.cluster_myid().await?, myid, "a hard reset takes a new id");
    let info = c.cluster_info().await?;
    assert_eq!((info.current_epoch, info.my_epoch), (0, 0));
    c.cluster_set_config_epoch(5).await?;
    assert_eq!(c.cluster_info().await?.my_epoch, 5);
    Ok(())
}

/// A server without cluster support answers with its own error.
pub async fn not_a_cluster(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let disabled = |e: anyredis::Error| {
        let message = e.server_error().map(|s| s.message().to_owned()).unwrap_or_default();
        e.code() == Some("ERR") && message.contains("cluster support disabled")
    };
    assert!(disabled(c.cluster_info().await.expect_err("no cluster")));
    assert!(disabled(c.cluster_nodes().await.expect_err("no cluster")));
    assert!(disabled(c.cluster_slots().await.expect_err("no cluster")));
    assert!(disabled(c.cluster_addslots(1u16).await.expect_err("no cluster")));
    assert!(disabled(c.cluster_keyslot("foo").await.expect_err("no cluster")));
    assert_eq!(c.ping().await?, "PONG");
    Ok(())
}
