//! Parsing of the cluster replies from hand-written RESP2 and RESP3 values.

use super::*;
use crate::resp::Value;

fn bulk(s: &str) -> Value {
    Value::BulkString(s.to_owned().into())
}

#[test]
fn nodes_lines_with_replicas_hostnames_and_moving_slots() {
    let text = "\
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host-4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca [::1]:30001@31001 myself,master - 0 0 1 connected 0-5460 5462 [5461->-07c37dfeb235213a872192d90877d0cd55635b91] [7000-<-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail - 1426238316232 1426238317741 3 disconnected
";
    let nodes = ClusterNodes::from_value(Value::Verbatim {
        format: *b"txt",
        text: text.into(),
    })
    .unwrap();
    assert_eq!(nodes.len(), 3);

    let replica = &nodes[0];
    assert!(replica.is_replica() && !replica.is_myself());
    assert_eq!(
        (replica.host.as_str(), replica.port, replica.bus_port),
        ("127.0.0.1", 30004, Some(31004))
    );
    assert_eq!(replica.hostname.as_deref(), Some("host-4"));
    assert_eq!(
        replica.master_id.as_deref(),
        Some("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca")
    );
    assert_eq!((replica.pong_received, replica.config_epoch), (1426238317239, 4));
    assert!(replica.slots.is_empty());

    let me = nodes.myself().unwrap();
    assert_eq!((me.host.as_str(), me.port), ("[::1]", 30001));
    assert_eq!(me.slots, [(0, 5460), (5462, 5462)]);
    assert_eq!(
        me.migrating,
        [(5461, "07c37dfeb235213a872192d90877d0cd55635b91".to_owned())]
    );
    assert_eq!(
        me.importing,
        [(7000, "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f".to_owned())]
    );

    let failed = &nodes[2];
    assert!(failed.has_flag("fail") && !failed.connected);
}

#[test]
fn nodes_line_errors_name_the_field() {
    let err = ClusterNode::from_value(bulk("abc 127.0.0.1:1@2 master -")).unwrap_err();
    assert_eq!(err.reason(), Some("too few fields"));
    let err = ClusterNodes::from_value(bulk("a 1.2.3.4:x@1 master - 0 0 1 connected\n")).unwrap_err();
    assert_eq!(err.reason(), Some("not a number"));
    assert_eq!(err.context(), Some("line 0"));
}

#[test]
fn slots_resp2_and_resp3() {
    let node = |port, meta: Value| Value::Array(vec![bulk("10.0.0.1"), Value::Integer(port), bulk("id"), meta]);
    let resp2 = Value::Array(vec![Value::Array(vec![
        Value::Integer(0),
        Value::Integer(5460),
        node(7000, Value::Array(vec![bulk("hostname"), bulk("h1")])),
        node(7001, Value::Array(vec![])),
    ])]);
    let resp3 = Value::Array(vec![Value::Array(vec![
        Value::Integer(0),
        Value::Integer(5460),
        node(7000, Value::Map(vec![(bulk("hostname"), bulk("h1"))])),
        node(7001, Value::Map(vec![])),
    ])]);
    let a = Vec::<SlotRange>::from_value(resp2).unwrap();
    assert_eq!(a, Vec::<SlotRange>::from_value(resp3).unwrap());
    assert_eq!((a[0].start, a[0].end, a[0].master.port), (0, 5460, 7000));
    assert_eq!(a[0].master.metadata.get("hostname").map(String::as_str), Some("h1"));
    assert_eq!(a[0].replicas.len(), 1);
    assert_eq!(a[0].replicas[0].port, 7001);

    // Before Redis 4 a node had no id; a missing element is a length error.
    let old = SlotNode::from_value(Value::Array(vec![bulk("h"), Value::Integer(1)])).unwrap();
    assert_eq!(old.id, "");
    assert!(SlotRange::from_value(Value::Array(vec![Value::Integer(0)])).is_err());
}

#[test]
fn info_and_bumpepoch() {
    let info = ClusterInfo::from_value(bulk(
        "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_size:3\r\nnew_field:x\r\n",
    ))
    .unwrap();
    assert!(info.is_ok());
    assert_eq!((info.slots_assigned, info.size, info.known_nodes), (16384, 3, 0));
    assert_eq!(info.fields.get("new_field").map(String::as_str), Some("x"));
    assert!(ClusterInfo::from_value(bulk("cluster_size:many\r\n")).is_err());

    assert_eq!(EpochBump::from_value(bulk("BUMPED 7")).unwrap(), EpochBump::Bumped(7));
    assert_eq!(
        EpochBump::from_value(Value::SimpleString("STILL 2".into())).unwrap(),
        EpochBump::Still(2)
    );
    assert!(EpochBump::from_value(bulk("MAYBE 2")).is_err());
}
