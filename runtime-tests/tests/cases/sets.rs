//! Set commands against a real server, over RESP3 (set replies) and RESP2 (arrays).

use std::collections::{BTreeSet, HashSet};

use anyredis::commands::ScanOptions;
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::util::needs_version;
use runtime_tests::TestResult;

/// The server's URL for RESP3 (the default) and for RESP2.
fn urls(server: &RedisServer) -> [String; 2] {
    [server.url(), format!("{}?protocol=2", server.url())]
}

/// An empty database on `url`.
async fn fresh(url: &str, rt: &Runtime) -> Result<Client, Box<dyn std::error::Error + Send + Sync>> {
    let c = client(url, rt)?;
    c.cmd("FLUSHALL").query::<()>().await?;
    Ok(c)
}

/// A sorted set of owned strings.
fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Asserts that `result` is a server error with `code`.
fn assert_code<T: std::fmt::Debug>(result: anyredis::Result<T>, code: &str) {
    match result {
        Err(err) => assert_eq!(err.code(), Some(code), "{err}"),
        Ok(v) => panic!("expected a {code} error, got {v:?}"),
    }
}

/// SADD, SREM, SCARD, SMEMBERS, SISMEMBER, SMISMEMBER and SMOVE.
pub async fn members(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;
        assert_eq!(c.sadd("s", ["a", "b", "c"]).await?, 3);
        assert_eq!(c.sadd("s", ("c", "d", 1)).await?, 2);
        assert_eq!(c.sadd("s", "a").await?, 0);
        assert_eq!(c.scard("s").await?, 5);
        assert_eq!(c.scard("missing").await?, 0);

        // The caller picks the collection.
        assert_eq!(
            c.smembers::<BTreeSet<String>>("s").await?,
            set(&["1", "a", "b", "c", "d"])
        );
        let hashed: HashSet<Vec<u8>> = c.smembers("s").await?;
        assert!(hashed.contains(&b"d"[..]) && hashed.len() == 5);
        let mut listed: Vec<String> = c.smembers("s").await?;
        listed.sort();
        assert_eq!(listed, ["1", "a", "b", "c", "d"]);
        assert_eq!(c.smembers::<Vec<String>>("missing").await?, Vec::<String>::new());
        // The same typed results, from a RESP3 set and a RESP2 array.
        let raw: Value = c.cmd("SMEMBERS").arg("s").query().await?;
        let resp3 = !url.contains("protocol=2");
        assert!(
            matches!((&raw, resp3), (Value::Set(_), true) | (Value::Array(_), false)),
            "{raw:?}"
        );

        assert!(c.sismember("s", "a").await?);
        assert!(c.sismember("s", 1).await?);
        assert!(!c.sismember("s", "z").await?);
        assert!(!c.sismember("missing", "a").await?);
        assert_eq!(c.smismember("s", ["a", "z", "d"]).await?, [true, false, true]);
        assert_eq!(c.smismember("missing", "a").await?, [false]);

        assert_eq!(c.srem("s", ["a", "z"]).await?, 1);
        assert_eq!(c.srem("missing", "a").await?, 0);

        assert!(c.smove("s", "t", "b").await?);
        assert!(!c.smove("s", "t", "b").await?);
        assert!(!c.smove("missing", "t", "b").await?);
        assert_eq!(c.smembers::<BTreeSet<String>>("s").await?, set(&["1", "c", "d"]));
        assert_eq!(c.smembers::<BTreeSet<String>>("t").await?, set(&["b"]));

        // The last member gone, the key is gone.
        assert_eq!(c.srem("t", "b").await?, 1);
        assert_eq!(c.scard("t").await?, 0);

        c.rpush("l", "x").await?;
        assert_code(c.sadd("l", "x").await, "WRONGTYPE");
        assert_code(c.smembers::<Vec<String>>("l").await, "WRONGTYPE");
        assert_code(c.sismember("l", "x").await, "WRONGTYPE");
        assert_code(c.smove("l", "s", "x").await, "WRONGTYPE");
        assert_code(c.sinter::<Vec<String>>(["s", "l"]).await, "WRONGTYPE");
    }
    Ok(())
}

/// SDIFF, SINTER, SUNION, their STORE forms and SINTERCARD.
pub async fn set_algebra(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["SINTERCARD", "1", "k"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;
        c.sadd("x", ["a", "b", "c", "d"]).await?;
        c.sadd("y", ["c", "d", "e"]).await?;
        c.sadd("z", ["d", "f"]).await?;

        assert_eq!(c.sdiff::<BTreeSet<String>>(["x", "y"]).await?, set(&["a", "b"]));
        assert_eq!(c.sdiff::<BTreeSet<String>>(("x", "y", "z")).await?, set(&["a", "b"]));
        assert_eq!(c.sdiff::<BTreeSet<String>>("x").await?, set(&["a", "b", "c", "d"]));
        assert_eq!(c.sdiff::<Vec<String>>(["missing", "x"]).await?, Vec::<String>::new());
        assert_eq!(c.sinter::<BTreeSet<String>>(["x", "y"]).await?, set(&["c", "d"]));
        assert_eq!(c.sinter::<BTreeSet<String>>(["x", "y", "z"]).await?, set(&["d"]));
        assert_eq!(c.sinter::<Vec<String>>(["x", "missing"]).await?, Vec::<String>::new());
        assert_eq!(
            c.sunion::<BTreeSet<String>>(vec!["y", "z", "missing"]).await?,
            set(&["c", "d", "e", "f"])
        );

        assert_eq!(c.sdiffstore("d", ["x", "y"]).await?, 2);
        assert_eq!(c.smembers::<BTreeSet<String>>("d").await?, set(&["a", "b"]));
        assert_eq!(c.sinterstore("i", ["x", "y", "z"]).await?, 1);
        assert_eq!(c.smembers::<BTreeSet<String>>("i").await?, set(&["d"]));
        assert_eq!(c.sunionstore("u", ["x", "y", "z"]).await?, 6);
        // A STORE into an existing key replaces it; an empty result deletes it.
        assert_eq!(c.sinterstore("u", ["x", "missing"]).await?, 0);
        assert_eq!(c.scard("u").await?, 0);

        assert_eq!(c.sintercard(["x", "y"]).await?, 2);
        assert_eq!(c.sintercard("x").await?, 4);
        assert_eq!(c.sintercard(["x", "missing"]).await?, 0);
        assert_eq!(c.sintercard_limit(["x", "y"], 1).await?, 1);
        assert_eq!(c.sintercard_limit(["x", "y"], 10).await?, 2);
        assert_eq!(c.sintercard_limit(["x"], 0).await?, 4);

        c.set("str", "v").await?;
        assert_code(c.sunionstore("u", ["x", "str"]).await, "WRONGTYPE");
        assert_code(c.sintercard(["x", "str"]).await, "WRONGTYPE");
    }
    Ok(())
}

/// SPOP, SRANDMEMBER (positive and negative counts) and SSCAN steps.
pub async fn random_and_scan(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let all = set(&["a", "b", "c", "d", "e"]);
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;
        c.sadd("s", ["a", "b", "c", "d", "e"]).await?;

        let one: String = c.srandmember::<Option<String>>("s").await?.expect("a member");
        assert!(all.contains(&one));
        let three: BTreeSet<String> = c.srandmember_count("s", 3).await?;
        assert!(three.len() == 3 && three.is_subset(&all), "{three:?}");
        let every: BTreeSet<String> = c.srandmember_count("s", 10).await?;
        assert_eq!(every, all);
        // A negative count may repeat members and returns exactly that many.
        let repeated: Vec<String> = c.srandmember_count("s", -12).await?;
        assert_eq!(repeated.len(), 12);
        assert!(repeated.iter().all(|m| all.contains(m)));
        assert_eq!(c.scard("s").await?, 5);
        assert_eq!(c.srandmember::<Option<String>>("missing").await?, None);
        assert_eq!(
            c.srandmember_count::<Vec<String>>("missing", 3).await?,
            Vec::<String>::new()
        );

        let popped: String = c.spop::<Option<String>>("s").await?.expect("a member");
        let two: BTreeSet<String> = c.spop_count("s", 2).await?;
        let rest: BTreeSet<String> = c.spop_count("s", 10).await?;
        assert_eq!(two.len(), 2);
        let mut seen = rest.clone();
        seen.extend(two);
        assert!(seen.insert(popped));
        assert_eq!(seen, all);
        assert_eq!(c.scard("s").await?, 0);
        assert_eq!(c.spop::<Option<String>>("s").await?, None);
        assert_eq!(c.spop_count::<Vec<String>>("s", 2).await?, Vec::<String>::new());

        // SSCAN: follow the cursor to 0; with MATCH only matching members come back.
        let members: Vec<String> = (0..200).map(|i| format!("m{i}")).collect();
        c.sadd("big", &members).await?;
        c.sadd("big", ["other1", "other2"]).await?;
        let (mut cursor, mut seen, mut steps) = (0, BTreeSet::new(), 0);
        loop {
            let (next, batch) = c
                .sscan_options::<(u64, Vec<String>)>("big", cursor, ScanOptions::new().pattern("m1*").count(50))
                .await?;
            seen.extend(batch);
            steps += 1;
            if next == 0 {
                break;
            }
            cursor = next;
        }
        let expected: BTreeSet<String> = members.into_iter().filter(|m| m.starts_with("m1")).collect();
        assert_eq!(seen, expected);
        assert!(steps > 1, "{steps} steps");

        // A small set comes back whole in one step.
        let (next, batch) = c.sscan::<(u64, Vec<String>)>("t", 0).await?;
        assert_eq!((next, batch), (0, vec![]));
        c.sadd("t", ["p", "q"]).await?;
        let (next, batch) = c.sscan::<(u64, Vec<String>)>("t", 0).await?;
        assert_eq!(next, 0);
        assert_eq!(batch.into_iter().collect::<BTreeSet<_>>(), set(&["p", "q"]));

        c.set("str", "v").await?;
        assert_code(c.spop::<Option<String>>("str").await, "WRONGTYPE");
        assert_code(c.srandmember_count::<Vec<String>>("str", 2).await, "WRONGTYPE");
        assert_code(c.sscan::<(u64, Vec<String>)>("str", 0).await, "WRONGTYPE");
    }
    Ok(())
}
