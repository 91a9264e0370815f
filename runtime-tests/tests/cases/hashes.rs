//! Hash commands against a real server.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyredis::commands::ScanOptions;
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::util::needs_version;
use runtime_tests::TestResult;

/// HSET (one and many pairs), HMSET, HSETNX, HGET, HMGET, HGETALL, HKEYS, HVALS, HLEN,
/// HEXISTS, HSTRLEN and HDEL, with missing keys and wrong types, on RESP2 and RESP3.
pub async fn read_write(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for url in [server.url(), format!("{}?protocol=2", server.url())] {
        let c = client(&url, &rt)?;
        c.del(("h", "str")).await?;

        // Missing hash: nil, empty, zero.
        assert_eq!(c.hget::<Option<String>>("h", "f").await?, None);
        assert_eq!(c.hmget::<Vec<Option<String>>>("h", ["a", "b"]).await?, [None, None]);
        assert!(c.hgetall::<HashMap<String, String>>("h").await?.is_empty());
        assert!(c.hkeys::<Vec<String>>("h").await?.is_empty());
        assert!(c.hvals::<Vec<String>>("h").await?.is_empty());
        assert_eq!(c.hlen("h").await?, 0);
        assert!(!c.hexists("h", "f").await?);
        assert_eq!(c.hstrlen("h", "f").await?, 0);
        assert_eq!(c.hdel("h", "f").await?, 0);

        assert_eq!(c.hset("h", "name", "ada").await?, 1);
        assert_eq!(c.hset("h", "name", "Ada").await?, 0);
        assert_eq!(c.hset_pairs("h", [("age", "36"), ("city", "London")]).await?, 2);
        assert_eq!(c.hset_pairs("h", vec![("age", 37)]).await?, 0);
        c.hmset("h", BTreeMap::from([("lang", "en"), ("city", "Paris")]))
            .await?;
        assert!(c.hsetnx("h", "pet", "cat").await?);
        assert!(!c.hsetnx("h", "pet", "dog").await?);

        assert_eq!(c.hget::<Option<String>>("h", "name").await?, Some("Ada".into()));
        assert_eq!(c.hget::<Option<u32>>("h", "age").await?, Some(37));
        let got: Vec<Option<String>> = c.hmget("h", ("name", "nope", "pet")).await?;
        assert_eq!(got, [Some("Ada".into()), None, Some("cat".into())]);

        let all: HashMap<String, String> = c.hgetall("h").await?;
        let expected: HashMap<String, String> = [
            ("name", "Ada"),
            ("age", "37"),
            ("city", "Paris"),
            ("lang", "en"),
            ("pet", "cat"),
        ]
        .into_iter()
        .map(|(f, v)| (f.into(), v.into()))
        .collect();
        assert_eq!(all, expected);
        let mut pairs: Vec<(String, String)> = c.hgetall("h").await?;
        pairs.sort();
        assert_eq!(pairs.len(), 5);
        assert_eq!(pairs[0], ("age".into(), "37".into()));
        let keys: HashSet<String> = c.hkeys("h").await?;
        assert_eq!(keys, expected.keys().cloned().collect());
        let mut vals: Vec<String> = c.hvals("h").await?;
        vals.sort();
        assert_eq!(vals, ["37", "Ada", "Paris", "cat", "en"]);
        assert_eq!(c.hlen("h").await?, 5);
        assert!(c.hexists("h", "pet").await?);
        assert_eq!(c.hstrlen("h", "city").await?, 5);

        assert_eq!(c.hdel("h", ["pet", "lang", "nope"]).await?, 2);
        assert_eq!(c.hlen("h").await?, 3);

        // Wrong type.
        c.set("str", "v").await?;
        let err = c.hget::<Option<String>>("str", "f").await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
        let err = c.hset("str", "f", "v").await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
        let err = c.hgetall::<Vec<(String, String)>>("str").await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
    }
    Ok(())
}

/// HINCRBY, HINCRBYFLOAT, HRANDFIELD (count, WITHVALUES) and HSCAN steps, on RESP2 and RESP3.
pub async fn counters_random_scan(rt: Runtime) -> TestResult {
    if !needs_version(
        &rt,
        (7, 0, 0),
        &[&["CONFIG", "SET", "hash-max-listpack-entries", "128"]],
        "Unsupported CONFIG parameter",
    )
    .await?
    {
        return Ok(());
    }
    let server = RedisServer::new();
    for url in [server.url(), format!("{}?protocol=2", server.url())] {
        let c = client(&url, &rt)?;
        c.del(("n", "h", "big")).await?;

        assert_eq!(c.hincrby("n", "i", 5).await?, 5);
        assert_eq!(c.hincrby("n", "i", -7).await?, -2);
        assert_eq!(c.hincrbyfloat("n", "f", 1.5).await?, 1.5);
        assert_eq!(c.hincrbyfloat("n", "f", 0.25).await?, 1.75);
        assert_eq!(c.hincrbyfloat("n", "i", 0.5).await?, -1.5);
        c.hset("n", "word", "abc").await?;
        let err = c.hincrby("n", "word", 1).await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "{err}");
        let err = c.hincrbyfloat("n", "word", 1.0).await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "{err}");

        // HRANDFIELD.
        assert_eq!(c.hrandfield::<Option<String>>("h").await?, None);
        assert!(c.hrandfield_count::<Vec<String>>("h", 3).await?.is_empty());
        assert!(c
            .hrandfield_withvalues::<Vec<(String, String)>>("h", 3)
            .await?
            .is_empty());
        c.hset_pairs("h", [("a", 1), ("b", 2), ("c", 3)]).await?;
        let one = c.hrandfield::<Option<String>>("h").await?.ok_or("no field")?;
        assert!(["a", "b", "c"].contains(&one.as_str()), "{one}");
        let mut distinct: Vec<String> = c.hrandfield_count("h", 10).await?;
        distinct.sort();
        assert_eq!(distinct, ["a", "b", "c"]);
        let repeated: Vec<String> = c.hrandfield_count("h", -7).await?;
        assert_eq!(repeated.len(), 7);
        let mut with: Vec<(String, u32)> = c.hrandfield_withvalues("h", 3).await?;
        with.sort();
        assert_eq!(with, [("a".into(), 1), ("b".into(), 2), ("c".into(), 3)]);
        let with: Vec<(String, u32)> = c.hrandfield_withvalues("h", -5).await?;
        assert_eq!(with.len(), 5);
        assert!(with.iter().all(|(f, v)| (f.as_bytes()[0] - b'a' + 1) as u32 == *v));

        // HSCAN by hand, over a hash large enough to be scanned in steps.
        c.cmd("CONFIG")
            .arg(("SET", "hash-max-listpack-entries", 64))
            .query::<()>()
            .await?;
        let fields: Vec<(String, u32)> = (0..300).map(|i| (format!("f{i}"), i)).collect();
        c.hset_pairs("big", &fields).await?;
        let mut seen = Vec::new();
        let mut cursor = 0;
        let mut steps = 0;
        loop {
            let (next, pairs): (u64, Vec<(String, u32)>) = c.hscan("big", cursor, ScanOptions::new().count(20)).await?;
            seen.extend(pairs);
            steps += 1;
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert!(steps > 1, "{steps} steps");
        seen.sort_by_key(|(_, v)| *v);
        assert_eq!(seen, fields);
        let (next, pairs) = c
            .hscan::<(u64, Vec<(String, u32)>)>("big", 0, ScanOptions::new().pattern("f1?").count(1000))
            .await?;
        assert_eq!((next, pairs.len()), (0, 10));
        let (next, pairs) = c
            .hscan::<(u64, Vec<(String, String)>)>("missing", 0, ScanOptions::new())
            .await?;
        assert_eq!((next, pairs), (0, vec![]));
    }
    Ok(())
}
