//! Stream commands against a real server, each case over RESP3 and RESP2.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use anyredis::commands::{
    StreamEntry, StreamId, StreamTrim, XAddOptions, XClaimOptions, XGroupCreateOptions, XPendingOptions,
    XReadGroupOptions, XReadOptions, XSetIdOptions,
};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use bytes::Bytes;
use runtime_tests::util::expect_server_error;
use runtime_tests::util::wait_until_blocked_in;
use runtime_tests::util::{needs_version, skip_before};
use runtime_tests::TestResult;

use crate::both_protocols;

type Fields = Vec<(String, String)>;

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

fn ids<F>(entries: &[StreamEntry<F>]) -> Vec<StreamId> {
    entries.iter().map(|e| e.id).collect()
}

fn pairs(list: &[(&str, &str)]) -> Fields {
    list.iter().map(|(f, v)| (f.to_string(), v.to_string())).collect()
}

async fn flush(c: &Client) -> anyredis::Result<()> {
    c.cmd("FLUSHALL").query::<()>().await
}

/// XADD (auto and explicit ids, NOMKSTREAM, trimming), XLEN, XRANGE, XREVRANGE,
/// XDEL, XTRIM; StreamId parsing; errors.
pub async fn add_range_trim(rt: Runtime) -> TestResult {
    let parsed: StreamId = "1526919030474-55".parse()?;
    assert_eq!(
        (parsed.ms(), parsed.seq(), parsed.to_string()),
        (1526919030474, 55, "1526919030474-55".into())
    );
    assert_eq!("7".parse::<StreamId>()?, id(7, 0));
    assert!(
        "7-".parse::<StreamId>().is_err() && "a-1".parse::<StreamId>().is_err() && "-1".parse::<StreamId>().is_err()
    );
    assert!(id(1, 9) < id(2, 0) && id(1, u64::MAX).next() == id(2, 0));

    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        flush(&c).await?;
        let auto = c.xadd("s", [("a", "1"), ("b", "2")]).await?;
        assert!(auto.ms() > 1_600_000_000_000, "server-chosen id {auto}");
        let explicit = auto.next().next();
        let opts = XAddOptions::new().id(explicit);
        assert_eq!(c.xadd_options("s", [("c", "3")], opts.clone()).await?, Some(explicit));
        let err = c.xadd_options("s", [("d", "4")], opts).await.unwrap_err();
        assert!(err.to_string().contains("equal or smaller"), "{err}");
        let missing = XAddOptions::new().no_mkstream();
        assert_eq!(c.xadd_options("nostream", [("a", "1")], missing).await?, None);
        assert_eq!(c.xlen("nostream").await?, 0);
        assert_eq!(c.xlen("s").await?, 2);

        let all = c.xrange::<Fields>("s", "-", "+").await?;
        assert_eq!(ids(&all), [auto, explicit]);
        assert_eq!(all[0].fields, pairs(&[("a", "1"), ("b", "2")]));
        let as_map = c.xrange::<HashMap<String, i64>>("s", auto, auto).await?;
        assert_eq!(as_map[0].fields, HashMap::from([("a".into(), 1), ("b".into(), 2)]));
        let binary = c.xrange_count::<Vec<(Bytes, Bytes)>>("s", "-", "+", 1).await?;
        assert_eq!(binary.len(), 1);
        assert_eq!(binary[0].fields[0], (Bytes::from("a"), Bytes::from("1")));
        let exclusive = c.xrange::<Fields>("s", format!("({auto}"), "+").await?;
        assert_eq!(ids(&exclusive), [explicit]);
        let rev = c.xrevrange::<Fields>("s", "+", "-").await?;
        assert_eq!(ids(&rev), [explicit, auto]);
        assert_eq!(ids(&c.xrevrange_count::<Fields>("s", "+", "-", 1).await?), [explicit]);
        assert!(c.xrange::<Fields>("nostream", "-", "+").await?.is_empty());

        // Trimming: exact MAXLEN on add, XTRIM MAXLEN and MINID.
        for n in 0..5 {
            c.xadd_options("t", [("n", n)], XAddOptions::new().id(id(10, n)))
                .await?;
        }
        let capped = XAddOptions::new().id(id(11, 0)).trim(StreamTrim::max_len(4));
        c.xadd_options("t", [("n", 5)], capped).await?;
        assert_eq!(
            ids(&c.xrange::<Fields>("t", "-", "+").await?),
            [id(10, 2), id(10, 3), id(10, 4), id(11, 0)]
        );
        // `~` only removes whole radix-tree nodes: all four entries share one.
        assert_eq!(c.xtrim("t", &StreamTrim::max_len(2).approximate()).await?, 0);
        assert_eq!(c.xtrim("t", &StreamTrim::max_len(2).limit(10)).await?, 0);
        assert_eq!(c.xtrim("t", &StreamTrim::min_id(id(10, 4))).await?, 2);
        assert_eq!(c.xtrim("t", &StreamTrim::max_len(1)).await?, 1);
        assert_eq!(c.xlen("t").await?, 1);

        assert_eq!(c.xdel("s", [auto, id(1, 1)]).await?, 1);
        assert_eq!(c.xlen("s").await?, 1);

        c.set("str", "x").await?;
        let err = c.xadd("str", [("a", "1")]).await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"));
        assert_eq!(c.xlen("str").await.unwrap_err().code(), Some("WRONGTYPE"));
    }
    Ok(())
}

/// XREAD over several streams, XGROUP CREATE / CREATECONSUMER / DELCONSUMER /
/// SETID / DESTROY, XREADGROUP (new and pending history, NOACK), XACK.
pub async fn read_and_groups(rt: Runtime) -> TestResult {
    if !needs_version(
        &rt,
        (7, 0, 0),
        &[&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM", "ENTRIESREAD", "0"]],
        "requires the key to exist",
    )
    .await?
    {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        flush(&c).await?;
        for (key, n) in [("a", 1), ("a", 2), ("b", 1)] {
            c.xadd_options(key, [("n", n)], XAddOptions::new().id(id(n, 0))).await?;
        }
        let read = c.xread::<Fields>(["a", "b", "none"], [0, 0, 0]).await?;
        assert_eq!(read.len(), 2, "streams without entries are left out");
        assert_eq!(
            (read[0].key.as_ref(), ids(&read[0].entries)),
            (&b"a"[..], vec![id(1, 0), id(2, 0)])
        );
        assert_eq!(
            (read[1].key.as_ref(), ids(&read[1].entries)),
            (&b"b"[..], vec![id(1, 0)])
        );
        assert_eq!(read[1].entries[0].fields, pairs(&[("n", "1")]));
        let counted = c
            .xread_options::<Fields>(["a"], [id(1, 0)], XReadOptions::new().count(5))
            .await?;
        assert_eq!(ids(&counted[0].entries), [id(2, 0)]);
        assert!(
            c.xread::<Fields>(["a"], ["$"]).await?.is_empty(),
            "nothing new: nil reply"
        );

        // Groups.
        c.xgroup_create("a", "g", "0").await?;
        let err = c.xgroup_create("a", "g", "0").await.unwrap_err();
        assert_eq!(err.code(), Some("BUSYGROUP"));
        // Without MKSTREAM.
        expect_server_error(
            c.xgroup_create("nostream", "g", "$").await,
            "ERR",
            "requires the key to exist",
        );
        let mk = XGroupCreateOptions::new().mkstream().entries_read(0);
        c.xgroup_create_options("new", "g", "$", mk).await?;
        assert_eq!(c.xlen("new").await?, 0);

        let got = c.xreadgroup::<Fields>("g", "alice", ["a"], [">"]).await?;
        assert_eq!(ids(&got[0].entries), [id(1, 0), id(2, 0)]);
        assert!(c.xreadgroup::<Fields>("g", "alice", ["a"], [">"]).await?.is_empty());
        // Alice's pending history, after an entry was deleted: nil fields become empty.
        c.xdel("a", [id(1, 0)]).await?;
        let history = c.xreadgroup::<Fields>("g", "alice", ["a"], ["0"]).await?;
        assert_eq!(ids(&history[0].entries), [id(1, 0), id(2, 0)]);
        assert!(history[0].entries[0].fields.is_empty());
        assert_eq!(history[0].entries[1].fields, pairs(&[("n", "2")]));
        assert_eq!(c.xack("a", "g", [id(1, 0), id(2, 0), id(9, 0)]).await?, 2);
        assert!(c.xreadgroup::<Fields>("g", "alice", ["a"], ["0"]).await?[0]
            .entries
            .is_empty());

        c.xadd_options("a", [("n", 3)], XAddOptions::new().id(id(3, 0))).await?;
        let opts = XReadGroupOptions::new().count(1).no_ack();
        let got = c.xreadgroup_options::<Fields>("g", "bob", ["a"], [">"], opts).await?;
        assert_eq!(ids(&got[0].entries), [id(3, 0)]);
        assert_eq!(c.xpending("a", "g").await?.count, 0, "NOACK entries are not pending");

        assert!(c.xgroup_createconsumer("a", "g", "carol").await?);
        assert!(!c.xgroup_createconsumer("a", "g", "carol").await?);
        c.xgroup_setid("a", "g", "0", Some(0)).await?;
        c.xreadgroup::<Fields>("g", "carol", ["a"], [">"]).await?;
        assert_eq!(c.xgroup_delconsumer("a", "g", "carol").await?, 2, "carol had 2 pending");
        assert_eq!(c.xgroup_delconsumer("a", "g", "nobody").await?, 0);
        assert!(c.xgroup_destroy("a", "g").await?);
        assert!(!c.xgroup_destroy("a", "g").await?);
        let err = c.xreadgroup::<Fields>("g", "alice", ["a"], [">"]).await.unwrap_err();
        assert_eq!(err.code(), Some("NOGROUP"));
    }
    Ok(())
}

/// XPENDING (summary and extended, filters), XCLAIM (options, JUSTID),
/// XAUTOCLAIM (JUSTID, deleted ids).
pub async fn claim_and_pending(rt: Runtime) -> TestResult {
    // Redis 6.2 answers XAUTOCLAIM with nil in place of deleted entries (and
    // no list of deleted ids), which the typed AutoClaim does not take yet.
    if skip_before((7, 0, 0), "XAUTOCLAIM's 7.0 reply (deleted ids)") {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        flush(&c).await?;
        for n in 1..=4 {
            c.xadd_options("s", [("n", n)], XAddOptions::new().id(id(n, 0))).await?;
        }
        c.xgroup_create("s", "g", "0").await?;
        let empty = c.xpending("s", "g").await?;
        assert_eq!(
            (empty.count, empty.min_id, empty.max_id, empty.consumers.len()),
            (0, None, None, 0)
        );
        c.xreadgroup_options::<Fields>("g", "alice", ["s"], [">"], XReadGroupOptions::new().count(3))
            .await?;
        c.xreadgroup::<Fields>("g", "bob", ["s"], [">"]).await?;

        let summary = c.xpending("s", "g").await?;
        assert_eq!(
            (summary.count, summary.min_id, summary.max_id),
            (4, Some(id(1, 0)), Some(id(4, 0)))
        );
        assert_eq!(summary.consumers, [("alice".to_string(), 3), ("bob".to_string(), 1)]);

        let all = c.xpending_range("s", "g", "-", "+", 10, XPendingOptions::new()).await?;
        assert_eq!(
            all.iter().map(|p| p.id).collect::<Vec<_>>(),
            [id(1, 0), id(2, 0), id(3, 0), id(4, 0)]
        );
        assert_eq!((all[3].consumer.as_str(), all[3].deliveries), ("bob", 1));
        assert!(all[0].idle < Duration::from_secs(60));
        let bobs = c
            .xpending_range("s", "g", "-", "+", 10, XPendingOptions::new().consumer("bob"))
            .await?;
        assert_eq!(bobs.len(), 1);
        let idle = XPendingOptions::new().idle(Duration::from_secs(3600));
        assert!(c.xpending_range("s", "g", "-", "+", 10, idle).await?.is_empty());
        assert_eq!(
            c.xpending_range("s", "g", id(2, 0), "+", 1, XPendingOptions::new())
                .await?[0]
                .id,
            id(2, 0)
        );

        // XCLAIM: only entries idle long enough; options set the delivery data.
        let hour = Duration::from_secs(3600);
        assert!(c
            .xclaim::<Fields>("s", "g", "bob", hour, [id(1, 0)], XClaimOptions::new())
            .await?
            .is_empty());
        let opts = XClaimOptions::new().retry_count(7).idle(hour).last_id(id(4, 0));
        let claimed = c
            .xclaim::<Fields>("s", "g", "bob", Duration::ZERO, [id(1, 0), id(2, 0)], opts)
            .await?;
        assert_eq!(ids(&claimed), [id(1, 0), id(2, 0)]);
        assert_eq!(claimed[0].fields, pairs(&[("n", "1")]));
        let p = c
            .xpending_range("s", "g", id(1, 0), id(1, 0), 1, XPendingOptions::new())
            .await?;
        assert_eq!((p[0].consumer.as_str(), p[0].deliveries), ("bob", 7));
        assert!(p[0].idle >= hour);
        let past = SystemTime::now() - Duration::from_secs(7200);
        let opts = XClaimOptions::new().time(past);
        let just = c
            .xclaim_justid("s", "g", "carol", hour, [id(1, 0), id(3, 0)], opts)
            .await?;
        assert_eq!(just, [id(1, 0)], "only entry 1 was idle for an hour");
        // FORCE claims an id that exists but is not pending.
        c.xack("s", "g", [id(4, 0)]).await?;
        let forced = c
            .xclaim_justid(
                "s",
                "g",
                "dave",
                Duration::ZERO,
                [id(4, 0)],
                XClaimOptions::new().force(),
            )
            .await?;
        assert_eq!(forced, [id(4, 0)]);

        // XAUTOCLAIM: scans the pending list; deleted entries are reported and dropped.
        c.xdel("s", [id(2, 0)]).await?;
        let auto = c
            .xautoclaim::<Fields>("s", "g", "erin", Duration::ZERO, "0-0", Some(2))
            .await?;
        assert_eq!(ids(&auto.claimed), [id(1, 0)]);
        assert_eq!(auto.deleted, [id(2, 0)]);
        assert_eq!(auto.next, id(3, 0));
        let rest = c
            .xautoclaim_justid("s", "g", "erin", Duration::ZERO, auto.next, None)
            .await?;
        assert_eq!(
            (rest.claimed, rest.deleted, rest.next),
            (vec![id(3, 0), id(4, 0)], vec![], id(0, 0))
        );
        let summary = c.xpending("s", "g").await?;
        assert_eq!((summary.count, summary.consumers), (3, vec![("erin".to_string(), 3)]));

        let err = c
            .xautoclaim::<Fields>("s", "nogroup", "x", Duration::ZERO, "0", None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("NOGROUP"));
    }
    Ok(())
}

/// XINFO STREAM (plain and FULL), XINFO GROUPS, XINFO CONSUMERS, XSETID.
pub async fn info_and_setid(rt: Runtime) -> TestResult {
    if !needs_version(
        &rt,
        (7, 0, 0),
        &[&["XSETID", "s", "0-1", "ENTRIESADDED", "1", "MAXDELETEDID", "0-0"]],
        "wrong number of arguments",
    )
    .await?
    {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        flush(&c).await?;
        for n in 1..=3 {
            c.xadd_options("s", [("n", n)], XAddOptions::new().id(id(n, 0))).await?;
        }
        c.xgroup_create("s", "g", "0").await?;
        c.xgroup_create("s", "idle", "$").await?;
        c.xreadgroup_options::<Fields>("g", "alice", ["s"], [">"], XReadGroupOptions::new().count(1))
            .await?;
        c.xgroup_createconsumer("s", "g", "bob").await?;

        let groups = c.xinfo_groups("s").await?;
        assert_eq!(groups.len(), 2);
        let g = &groups[0];
        assert_eq!(
            (g.name.as_str(), g.consumers, g.pending, g.last_delivered_id),
            ("g", 2, 1, id(1, 0))
        );
        assert_eq!((g.entries_read, g.lag), (Some(1), Some(2)));
        let idle = &groups[1];
        assert_eq!(
            (idle.name.as_str(), idle.last_delivered_id, idle.entries_read, idle.lag),
            ("idle", id(3, 0), None, Some(0))
        );

        let consumers = c.xinfo_consumers("s", "g").await?;
        let pending: Vec<_> = consumers.iter().map(|c| (c.name.as_str(), c.pending)).collect();
        assert_eq!(pending, [("alice", 1), ("bob", 0)]);
        assert!(consumers[0].idle < Duration::from_secs(60));
        assert_eq!(consumers[0].inactive, None, "Redis 7.2+ only");
        assert!(c.xinfo_consumers("s", "idle").await?.is_empty());

        let full = c.xinfo_stream_full::<Fields>("s", None).await?;
        assert_eq!(
            (full.length, full.entries_added, full.last_generated_id),
            (3, Some(3), id(3, 0))
        );
        assert_eq!(ids(&full.entries), [id(1, 0), id(2, 0), id(3, 0)]);
        assert_eq!(full.entries[2].fields, pairs(&[("n", "3")]));
        assert_eq!(full.groups.len(), 2);
        let g = &full.groups[0];
        assert_eq!((g.name.as_str(), g.last_delivered_id, g.pel_count), ("g", id(1, 0), 1));
        assert_eq!((g.entries_read, g.lag), (Some(1), Some(2)));
        let p = &g.pending[0];
        assert_eq!((p.id, p.consumer.as_str(), p.deliveries), (id(1, 0), "alice", 1));
        assert!(p.delivered_at > SystemTime::now() - Duration::from_secs(60));
        let names: Vec<_> = g.consumers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["alice", "bob"]);
        let alice = &g.consumers[0];
        assert_eq!(
            (alice.pel_count, alice.pending[0].id, alice.pending[0].deliveries),
            (1, id(1, 0), 1)
        );
        assert!(alice.seen_at > SystemTime::now() - Duration::from_secs(60));
        assert!(g.consumers[1].pending.is_empty());
        assert!(full.groups[1].consumers.is_empty() && full.groups[1].name == "idle");
        let capped = c.xinfo_stream_full::<Fields>("s", Some(1)).await?;
        assert_eq!(ids(&capped.entries), [id(1, 0)]);

        c.xdel("s", [id(3, 0)]).await?;
        let info = c.xinfo_stream::<HashMap<String, u64>>("s").await?;
        assert_eq!((info.length, info.groups, info.last_generated_id), (2, 2, id(3, 0)));
        assert_eq!(info.max_deleted_entry_id, Some(id(3, 0)));
        assert_eq!(
            (info.entries_added, info.recorded_first_entry_id),
            (Some(3), Some(id(1, 0)))
        );
        assert!(info.radix_tree_keys >= 1 && info.radix_tree_nodes >= 1);
        let first = info.first_entry.expect("first entry");
        assert_eq!((first.id, first.fields["n"]), (id(1, 0), 1));
        assert_eq!(info.last_entry.map(|e| e.id), Some(id(2, 0)));
        assert_eq!(c.xinfo_groups("s").await?[0].lag, None, "unknown after a deletion");
        c.xadd_options("empty", [("x", 1)], XAddOptions::new().id(id(1, 0)))
            .await?;
        c.xdel("empty", [id(1, 0)]).await?;
        let empty = c.xinfo_stream::<Fields>("empty").await?;
        assert_eq!((empty.length, empty.first_entry, empty.last_entry), (0, None, None));

        // XSETID: below the last id is refused; the 7.0 options set the counters.
        let err = c.xsetid("s", id(1, 0)).await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"));
        c.xsetid("s", id(50, 0)).await?;
        let opts = XSetIdOptions::new().entries_added(10).max_deleted_id(id(40, 0));
        c.xsetid_options("s", id(60, 0), opts).await?;
        let info = c.xinfo_stream::<Fields>("s").await?;
        assert_eq!((info.last_generated_id, info.entries_added), (id(60, 0), Some(10)));
        assert_eq!(info.max_deleted_entry_id, Some(id(40, 0)));

        let err = c.xinfo_stream::<Fields>("nostream").await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"));
        c.set("str", "x").await?;
        assert_eq!(c.xinfo_groups("str").await.unwrap_err().code(), Some("WRONGTYPE"));
    }
    Ok(())
}

/// XREAD BLOCK and XREADGROUP BLOCK on a dedicated connection: a timeout gives an
/// empty result, an entry added meanwhile wakes the reader.
pub async fn blocking_reads(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for c in both_protocols(&server, &rt)? {
        flush(&c).await?;
        let conn = c.dedicated().await?;
        let short = XReadOptions::new().block(Duration::from_millis(50));
        assert!(conn.xread_options::<Fields>(["s"], ["$"], short).await?.is_empty());

        let long = XReadOptions::new().block(Duration::from_secs(10));
        let (read, added) = futures_util::join!(conn.xread_options::<Fields>(["s"], ["$"], long), async {
            wait_until_blocked_in(&server, "xread", 1).await;
            c.xadd("s", [("woke", "1")]).await
        });
        let (read, added) = (read?, added?);
        assert_eq!(read.len(), 1);
        assert_eq!(ids(&read[0].entries), [added]);
        assert_eq!(read[0].entries[0].fields, pairs(&[("woke", "1")]));

        c.xgroup_create("s", "g", "$").await?;
        let opts = XReadGroupOptions::new().block(Duration::from_millis(50));
        assert!(conn
            .xreadgroup_options::<Fields>("g", "a", ["s"], [">"], opts)
            .await?
            .is_empty());
        let opts = XReadGroupOptions::new().block(Duration::ZERO).count(1);
        let (read, added) =
            futures_util::join!(conn.xreadgroup_options::<Fields>("g", "a", ["s"], [">"], opts), async {
                wait_until_blocked_in(&server, "xreadgroup", 1).await;
                c.xadd("s", [("again", "2")]).await
            });
        assert_eq!(ids(&read?[0].entries), [added?]);

        // A timeout below the server's resolution is raised to 10 ms and times out,
        // on the shared client too.
        let tiny = XReadOptions::new().block(Duration::from_micros(1));
        assert!(c.xread_options::<Fields>(["s"], ["$"], tiny).await?.is_empty());
        let tiny = XReadGroupOptions::new().block(Duration::from_nanos(1));
        assert!(c
            .xreadgroup_options::<Fields>("g", "a", ["s"], [">"], tiny)
            .await?
            .is_empty());
    }
    Ok(())
}
