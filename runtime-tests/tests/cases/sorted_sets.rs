//! Sorted set commands against a real server, over RESP2 and RESP3.

use std::collections::BTreeSet;
use std::time::Duration;

use anyredis::commands::{Aggregate, LexBound, MinMax, ScanOptions, ScoreBound, ZAddOptions, ZCombineOptions, ZRange};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::needs_version;
use runtime_tests::util::{client, sleep};
use runtime_tests::TestResult;

/// A RESP3 client and a RESP2 client to the same server.
fn clients(server: &RedisServer, rt: &Runtime) -> anyredis::Result<[Client; 2]> {
    Ok([
        client(&server.url(), rt)?,
        client(&format!("{}?protocol=2", server.url()), rt)?,
    ])
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn scored(items: &[(&str, f64)]) -> Vec<(String, f64)> {
    items.iter().map(|(m, s)| (m.to_string(), *s)).collect()
}

/// ZADD and its options, ZINCRBY, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT,
/// ZLEXCOUNT, ZREM; missing keys and members; WRONGTYPE.
pub async fn add_score_rank(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for c in clients(&server, &rt)? {
        c.cmd("FLUSHDB").query::<()>().await?;
        assert_eq!(c.zadd("z", [(1.0, "a"), (2.0, "b"), (3.0, "c")]).await?, 3);
        assert_eq!(c.zadd("z", [(1.5, "a"), (4.0, "d")]).await?, 1, "a updated, d added");
        let nx = ZAddOptions::new().nx();
        assert_eq!(c.zadd_options("z", [(9.0, "a"), (5.0, "e")], nx).await?, 1);
        assert_eq!(c.zscore("z", "a").await?, Some(1.5), "NX left a alone");
        // XX GT CH: a would go down (refused), b goes up (changed), f is new (refused).
        let xx_gt_ch = ZAddOptions::new().xx().gt().ch();
        assert_eq!(
            c.zadd_options("z", [(0.5, "a"), (2.5, "b"), (7.0, "f")], xx_gt_ch)
                .await?,
            1
        );
        assert_eq!(c.zscore("z", "f").await?, None);
        assert_eq!(
            c.zadd_options("z", [(1.0, "c")], ZAddOptions::new().lt().ch()).await?,
            1
        );
        assert_eq!(c.zadd_incr("z", "a", 2.0, ZAddOptions::new()).await?, Some(3.5));
        assert_eq!(c.zadd_incr("z", "zz", 1.0, ZAddOptions::new().xx()).await?, None);
        assert_eq!(c.zadd_incr("z", "a", -9.0, ZAddOptions::new().gt()).await?, None);
        assert_eq!(c.zincrby("z", -0.5, "a").await?, 3.0);
        let nx_gt = c.zadd_options("z", [(1.0, "a")], ZAddOptions::new().nx().gt()).await;
        assert_eq!(nx_gt.unwrap_err().code(), Some("ERR"));

        // Now c=1, b=2.5, a=3, d=4, e=5.
        assert_eq!(c.zcard("z").await?, 5);
        assert_eq!(c.zcard("missing").await?, 0);
        assert_eq!(c.zscore("z", "nope").await?, None);
        assert_eq!(c.zscore("missing", "a").await?, None);
        assert_eq!(c.zmscore("z", ["a", "nope", "e"]).await?, [Some(3.0), None, Some(5.0)]);
        assert_eq!(c.zrank("z", "c").await?, Some(0));
        assert_eq!(c.zrank("z", "e").await?, Some(4));
        assert_eq!(c.zrevrank("z", "c").await?, Some(4));
        assert_eq!(c.zrank("z", "nope").await?, None);
        assert_eq!(c.zrevrank("missing", "a").await?, None);
        assert_eq!(c.zcount("z", ScoreBound::NegInf, ScoreBound::PosInf).await?, 5);
        assert_eq!(c.zcount("z", ScoreBound::Exclusive(1.0), 3).await?, 2);
        assert_eq!(c.zcount("z", 2.5, ScoreBound::Exclusive(4.0)).await?, 2);
        assert_eq!(
            c.zcount("z", ScoreBound::Exclusive(2.25), ScoreBound::Inclusive(2.5))
                .await?,
            1
        );
        assert_eq!(c.zrem("z", ["a", "nope"]).await?, 1);
        assert_eq!(c.zcard("z").await?, 4);

        c.zadd("lex", [(0.0, "a"), (0.0, "b"), (0.0, "c"), (0.0, "d")]).await?;
        assert_eq!(c.zlexcount("lex", LexBound::MIN, LexBound::MAX).await?, 4);
        assert_eq!(
            c.zlexcount("lex", LexBound::inclusive("b"), LexBound::exclusive("d"))
                .await?,
            2
        );
        assert_eq!(c.zlexcount("lex", LexBound::exclusive("d"), LexBound::MAX).await?, 0);

        c.set("str", "x").await?;
        let err = c.zadd("str", [(1.0, "a")]).await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"));
        assert_eq!(c.zscore("str", "a").await.unwrap_err().code(), Some("WRONGTYPE"));
        assert_eq!(c.zcard("str").await.unwrap_err().code(), Some("WRONGTYPE"));
    }
    Ok(())
}

/// ZRANGE by rank, score and lex with REV and LIMIT, WITHSCORES, ZRANGESTORE, the
/// older ZRANGEBY*/ZREVRANGE* forms, and ZREMRANGEBY*.
pub async fn ranges(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for c in clients(&server, &rt)? {
        c.cmd("FLUSHDB").query::<()>().await?;
        c.zadd("z", [(1.0, "a"), (2.0, "b"), (3.0, "c"), (4.0, "d"), (5.0, "e")])
            .await?;
        c.zadd("lex", [(0.0, "a"), (0.0, "b"), (0.0, "c"), (0.0, "d")]).await?;

        let all = c.zrange::<Vec<String>>("z", ZRange::rank(0, -1)).await?;
        assert_eq!(all, strings(&["a", "b", "c", "d", "e"]));
        assert_eq!(
            c.zrange::<Vec<String>>("z", ZRange::rank(0, 1).rev()).await?,
            strings(&["e", "d"])
        );
        let by_score = ZRange::score(2, ScoreBound::Exclusive(4.0));
        assert_eq!(c.zrange::<Vec<String>>("z", by_score).await?, strings(&["b", "c"]));
        let page = ZRange::score(ScoreBound::NegInf, ScoreBound::PosInf).rev().limit(1, 2);
        assert_eq!(c.zrange::<Vec<String>>("z", page).await?, strings(&["d", "c"]));
        let rest = ZRange::score(ScoreBound::NegInf, ScoreBound::PosInf).limit(3, u64::MAX);
        assert_eq!(c.zrange::<Vec<String>>("z", rest).await?, strings(&["d", "e"]));
        let low_rev = ZRange::score(ScoreBound::NegInf, 2.5).rev();
        assert_eq!(c.zrange::<Vec<String>>("z", low_rev).await?, strings(&["b", "a"]));

        let with = c
            .zrange_withscores::<Vec<(String, f64)>>("z", ZRange::rank(0, 1))
            .await?;
        assert_eq!(with, scored(&[("a", 1.0), ("b", 2.0)]));
        let with = c
            .zrange_withscores::<Vec<(String, f64)>>("z", ZRange::score(4, ScoreBound::PosInf).rev())
            .await?;
        assert_eq!(with, scored(&[("e", 5.0), ("d", 4.0)]));
        assert_eq!(
            c.zrange_withscores::<Vec<(String, f64)>>("missing", ZRange::rank(0, -1))
                .await?,
            []
        );
        assert_eq!(
            c.zrange::<Vec<String>>("missing", ZRange::rank(0, -1)).await?,
            Vec::<String>::new()
        );

        let from_b = ZRange::lex(LexBound::inclusive("b"), LexBound::MAX);
        assert_eq!(c.zrange::<Vec<String>>("lex", from_b).await?, strings(&["b", "c", "d"]));
        let below_c = ZRange::lex(LexBound::MIN, LexBound::exclusive("c")).rev();
        assert_eq!(c.zrange::<Vec<String>>("lex", below_c).await?, strings(&["b", "a"]));
        let lex_page = ZRange::lex(LexBound::MIN, LexBound::MAX).limit(1, 2);
        assert_eq!(c.zrange::<Vec<String>>("lex", lex_page).await?, strings(&["b", "c"]));

        let err = c
            .zrange::<Vec<String>>("z", ZRange::rank(0, 1).limit(0, 1))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "LIMIT needs BYSCORE or BYLEX: {err}");

        assert_eq!(c.zrangestore("dst", "z", ZRange::score(2, 4)).await?, 3);
        assert_eq!(
            c.zrange::<Vec<String>>("dst", ZRange::rank(0, -1)).await?,
            strings(&["b", "c", "d"])
        );
        assert_eq!(c.zrangestore("dst2", "missing", ZRange::rank(0, -1)).await?, 0);

        let old = c
            .zrangebyscore::<Vec<String>>("z", ScoreBound::Exclusive(1.0), 3)
            .await?;
        assert_eq!(old, strings(&["b", "c"]));
        let old = c.zrevrangebyscore::<Vec<String>>("z", ScoreBound::PosInf, 4).await?;
        assert_eq!(old, strings(&["e", "d"]));
        let old = c
            .zrangebylex::<Vec<String>>("lex", LexBound::exclusive("a"), LexBound::inclusive("c"))
            .await?;
        assert_eq!(old, strings(&["b", "c"]));
        let old = c
            .zrevrangebylex::<Vec<String>>("lex", LexBound::MAX, LexBound::exclusive("b"))
            .await?;
        assert_eq!(old, strings(&["d", "c"]));
        assert_eq!(c.zrevrange::<Vec<String>>("z", 0, 0).await?, strings(&["e"]));

        assert_eq!(c.zremrangebyrank("z", 0, 0).await?, 1);
        assert_eq!(
            c.zremrangebyscore("z", ScoreBound::Exclusive(4.0), ScoreBound::PosInf)
                .await?,
            1
        );
        assert_eq!(c.zremrangebyscore("z", 10, 20).await?, 0);
        assert_eq!(
            c.zremrangebylex("lex", LexBound::MIN, LexBound::inclusive("b")).await?,
            2
        );
        assert_eq!(
            c.zrange::<Vec<String>>("z", ZRange::rank(0, -1)).await?,
            strings(&["b", "c", "d"])
        );
        assert_eq!(
            c.zrange::<Vec<String>>("lex", ZRange::rank(0, -1)).await?,
            strings(&["c", "d"])
        );
    }
    Ok(())
}

/// ZPOPMIN/ZPOPMAX, ZMPOP, and the blocking BZPOPMIN/BZPOPMAX/BZMPOP: with data
/// present, timing out, and woken by a later ZADD.
pub async fn pops(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["ZMPOP", "1", "z", "MIN"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in clients(&server, &rt)? {
        c.cmd("FLUSHDB").query::<()>().await?;
        c.zadd("z", [(1.0, "a"), (2.0, "b"), (3.0, "c"), (4.0, "d"), (5.0, "e")])
            .await?;
        assert_eq!(c.zpopmin::<Vec<(String, f64)>>("z", 1).await?, scored(&[("a", 1.0)]));
        assert_eq!(
            c.zpopmax::<Vec<(String, f64)>>("z", 2).await?,
            scored(&[("e", 5.0), ("d", 4.0)])
        );
        assert_eq!(c.zpopmin::<Vec<(String, f64)>>("missing", 3).await?, []);

        let popped = c
            .zmpop::<Option<(String, Vec<(String, f64)>)>>(["missing", "z"], MinMax::Min, 5)
            .await?;
        assert_eq!(popped, Some(("z".to_owned(), scored(&[("b", 2.0), ("c", 3.0)]))));
        assert_eq!(
            c.zmpop::<Option<(String, Vec<(String, f64)>)>>(["missing", "z"], MinMax::Max, 1)
                .await?,
            None
        );

        c.zadd("q", [(1.0, "x"), (2.0, "y"), (3.0, "w")]).await?;
        let second = Duration::from_secs(1);
        let min = c
            .bzpopmin::<Option<(String, String, f64)>>(["empty", "q"], second)
            .await?;
        assert_eq!(min, Some(("q".to_owned(), "x".to_owned(), 1.0)));
        let max = c.bzpopmax::<Option<(String, String, f64)>>(["q"], second).await?;
        assert_eq!(max, Some(("q".to_owned(), "w".to_owned(), 3.0)));
        let m = c
            .bzmpop::<Option<(String, Vec<(String, f64)>)>>(second, ["empty", "q"], MinMax::Max, 2)
            .await?;
        assert_eq!(m, Some(("q".to_owned(), scored(&[("y", 2.0)]))));

        let conn = c.dedicated().await?;
        let short = Duration::from_millis(100);
        assert_eq!(
            conn.bzpopmin::<Option<(String, String, f64)>>(["empty"], short).await?,
            None
        );
        assert_eq!(
            conn.bzmpop::<Option<(String, Vec<(String, f64)>)>>(short, ["empty"], MinMax::Min, 1)
                .await?,
            None
        );

        let (popped, added) = futures_lite::future::zip(
            conn.bzpopmax::<Option<(String, String, f64)>>(["late"], second * 5),
            async {
                sleep(Duration::from_millis(50)).await;
                c.zadd("late", [(7.0, "v")]).await
            },
        )
        .await;
        assert_eq!(added?, 1);
        assert_eq!(popped?, Some(("late".to_owned(), "v".to_owned(), 7.0)));

        c.set("str", "x").await?;
        let err = c.zpopmin::<Vec<(String, f64)>>("str", 1).await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"));
    }
    Ok(())
}

/// ZINTER/ZUNION/ZDIFF (with WEIGHTS, AGGREGATE, WITHSCORES), their STORE forms,
/// ZINTERCARD, ZRANDMEMBER, and ZSCAN steps.
pub async fn combine_random_scan(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["ZINTERCARD", "1", "z"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for c in clients(&server, &rt)? {
        c.cmd("FLUSHDB").query::<()>().await?;
        c.zadd("s1", [(1.0, "a"), (2.0, "b"), (3.0, "c")]).await?;
        c.zadd("s2", [(10.0, "b"), (20.0, "c"), (30.0, "d")]).await?;
        let both = ["s1", "s2"];

        assert_eq!(c.zinter::<Vec<String>>(both).await?, strings(&["b", "c"]));
        let sum = c
            .zinter_withscores::<Vec<(String, f64)>>(both, ZCombineOptions::new())
            .await?;
        assert_eq!(sum, scored(&[("b", 12.0), ("c", 23.0)]));
        let opts = ZCombineOptions::new().weights([2.0, 0.5]).aggregate(Aggregate::Max);
        assert_eq!(
            c.zinter_withscores::<Vec<(String, f64)>>(both, opts).await?,
            scored(&[("b", 5.0), ("c", 10.0)])
        );
        assert_eq!(c.zunion::<Vec<String>>(both).await?, strings(&["a", "b", "c", "d"]));
        let min = ZCombineOptions::new().aggregate(Aggregate::Min);
        let union = c.zunion_withscores::<Vec<(String, f64)>>(both, min).await?;
        assert_eq!(union, scored(&[("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 30.0)]));

        let weighted = ZCombineOptions::new().weights([1.0, 0.0]);
        assert_eq!(c.zunionstore("u", both, weighted).await?, 4);
        let stored = c
            .zrange_withscores::<Vec<(String, f64)>>("u", ZRange::rank(0, -1))
            .await?;
        assert_eq!(stored, scored(&[("d", 0.0), ("a", 1.0), ("b", 2.0), ("c", 3.0)]));
        assert_eq!(c.zinterstore("i", both, ZCombineOptions::new()).await?, 2);
        assert_eq!(c.zscore("i", "c").await?, Some(23.0));
        assert_eq!(c.zintercard(both, None).await?, 2);
        assert_eq!(c.zintercard(both, Some(1)).await?, 1);
        assert_eq!(c.zintercard(["s1", "missing"], None).await?, 0);

        assert_eq!(c.zdiff::<Vec<String>>(both).await?, strings(&["a"]));
        assert_eq!(
            c.zdiff_withscores::<Vec<(String, f64)>>(both).await?,
            scored(&[("a", 1.0)])
        );
        assert_eq!(c.zdiffstore("d", ["s2", "s1"]).await?, 1);
        assert_eq!(
            c.zrange_withscores::<Vec<(String, f64)>>("d", ZRange::rank(0, -1))
                .await?,
            scored(&[("d", 30.0)])
        );

        let one = c.zrandmember::<Option<String>>("s1").await?.expect("s1 is not empty");
        assert!(["a", "b", "c"].contains(&one.as_str()));
        assert_eq!(c.zrandmember::<Option<String>>("missing").await?, None);
        let distinct: BTreeSet<String> = c.zrandmember_count::<Vec<String>>("s1", 5).await?.into_iter().collect();
        assert_eq!(distinct, BTreeSet::from(["a", "b", "c"].map(String::from)));
        assert_eq!(c.zrandmember_count::<Vec<String>>("s1", -5).await?.len(), 5);
        assert_eq!(
            c.zrandmember_count::<Vec<String>>("missing", 2).await?,
            Vec::<String>::new()
        );
        let repeated = c.zrandmember_withscores::<Vec<(String, f64)>>("s1", -4).await?;
        assert_eq!(repeated.len(), 4);
        for (member, score) in &repeated {
            assert_eq!(c.zscore("s1", member).await?, Some(*score));
        }
        let mut all = c.zrandmember_withscores::<Vec<(String, f64)>>("s1", 3).await?;
        all.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(all, scored(&[("a", 1.0), ("b", 2.0), ("c", 3.0)]));

        // A small set answers in one step.
        let (cursor, batch) = c
            .zscan::<(u64, Vec<(String, f64)>)>("s1", 0, ScanOptions::new())
            .await?;
        assert_eq!(cursor, 0);
        assert_eq!(batch, scored(&[("a", 1.0), ("b", 2.0), ("c", 3.0)]));
        // A large one needs several; MATCH filters.
        let members: Vec<(f64, String)> = (0..300).map(|i| (f64::from(i), format!("m{i}"))).collect();
        c.zadd("big", &members).await?;
        let (mut cursor, mut found) = (0, Vec::new());
        let mut steps = 0;
        loop {
            let opts = ScanOptions::new().pattern("m1?").count(20);
            let (next, batch) = c.zscan::<(u64, Vec<(String, f64)>)>("big", cursor, opts).await?;
            found.extend(batch);
            steps += 1;
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert!(steps > 1, "300 members in one step");
        found.sort_by(|x, y| x.1.total_cmp(&y.1));
        let expected: Vec<(String, f64)> = (10..20).map(|i| (format!("m{i}"), f64::from(i))).collect();
        assert_eq!(found, expected);

        c.set("str", "x").await?;
        assert_eq!(
            c.zinter::<Vec<String>>(["s1", "str"]).await.unwrap_err().code(),
            Some("WRONGTYPE")
        );
    }
    Ok(())
}
