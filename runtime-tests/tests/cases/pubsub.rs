//! Pub/sub publishing and introspection commands against a real server, with a
//! raw connection holding the subscriptions.

use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RawReply;
use anyredis_test_support::RedisServer;
use runtime_tests::TestResult;

use crate::both_protocols;
use runtime_tests::util::needs_version;

const NONE: [&str; 0] = [];

/// PUBLISH, SPUBLISH, PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS /
/// SHARDNUMSUB, over RESP3 and RESP2.
pub async fn publish_and_introspection(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["SPUBLISH", "ch", "m"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    let [c, _] = both_protocols(&server, &rt)?;
    assert!(c.pubsub_channels().await?.is_empty());
    assert_eq!(c.pubsub_numpat().await?, 0);
    assert_eq!(c.publish("news", "nobody listens").await?, 0);

    let mut sub = server.raw_connection()?;
    for (command, replies) in [
        (&["SUBSCRIBE", "news", "sport"][..], 2),
        (&["PSUBSCRIBE", "n*"][..], 1),
        (&["SSUBSCRIBE", "shard1"][..], 1),
    ] {
        sub.send(command)?;
        for _ in 0..replies {
            assert!(matches!(sub.read_reply()?, RawReply::Array(_)));
        }
    }

    for c in both_protocols(&server, &rt)? {
        assert_eq!(c.publish("news", "hi").await?, 2, "the channel and the pattern");
        let message = sub.read_reply()?.to_string();
        let pmessage = sub.read_reply()?.to_string();
        assert_eq!(
            (message.as_str(), pmessage.as_str()),
            ("message\nnews\nhi", "pmessage\nn*\nnews\nhi")
        );
        assert_eq!(c.publish("sport", b"\x00bin").await?, 1);
        assert_eq!(sub.read_reply()?, raw_message(&["message", "sport"], b"\x00bin"));
        assert_eq!(c.publish("other", "x").await?, 0);

        let mut channels = c.pubsub_channels().await?;
        channels.sort();
        assert_eq!(channels, ["news", "sport"]);
        assert_eq!(c.pubsub_channels_options("n*").await?, ["news"]);
        assert!(c.pubsub_channels_options("x*").await?.is_empty());
        let counts = c.pubsub_numsub(["news", "none", "sport"]).await?;
        assert_eq!(counts, [("news".into(), 1), ("none".into(), 0), ("sport".into(), 1)]);
        assert!(c.pubsub_numsub(NONE).await?.is_empty());
        assert_eq!(c.pubsub_numpat().await?, 1);

        assert_eq!(c.pubsub_shardchannels().await?, ["shard1"]);
        assert_eq!(c.pubsub_shardchannels_options("shard*").await?, ["shard1"]);
        assert!(c.pubsub_shardchannels_options("x*").await?.is_empty());
        let counts = c.pubsub_shardnumsub(["shard1", "shard2"]).await?;
        assert_eq!(counts, [("shard1".into(), 1), ("shard2".into(), 0)]);
        assert_eq!(c.spublish("shard1", "s").await?, 1);
        assert_eq!(sub.read_reply()?.to_string(), "smessage\nshard1\ns");
        assert_eq!(c.spublish("shard2", "s").await?, 0);
    }
    Ok(())
}

/// A pub/sub message as [`RawReply`]: text parts, then a binary payload.
fn raw_message(parts: &[&str], payload: &[u8]) -> RawReply {
    let mut items: Vec<RawReply> = parts.iter().map(|p| RawReply::Bulk(p.as_bytes().to_vec())).collect();
    items.push(RawReply::Bulk(payload.to_vec()));
    RawReply::Array(items)
}
