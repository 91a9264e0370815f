//! String commands against a real server.

use std::time::{Duration, SystemTime};

use anyredis::commands::{Expiry, LcsOptions, SetOptions};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::util::needs_version;
use runtime_tests::TestResult;

/// The key's remaining time to live in milliseconds (-1: none, -2: no key).
async fn pttl(c: &Client, key: &str) -> anyredis::Result<i64> {
    c.cmd("PTTL").arg(key).query().await
}

/// Asserts that `result` is a server error with `code`.
fn assert_code<T: std::fmt::Debug>(result: anyredis::Result<T>, code: &str) {
    match result {
        Err(err) => assert_eq!(err.code(), Some(code), "{err}"),
        Ok(v) => panic!("expected a {code} error, got {v:?}"),
    }
}

/// GET, SET and the counters: INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT.
pub async fn get_set_incr(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("k", "v").await?;
    assert_eq!(c.get::<Option<String>>("k").await?, Some("v".into()));
    assert_eq!(c.get::<Option<String>>("missing").await?, None);
    c.set("bin", &b"\x00\xff"[..]).await?;
    assert_eq!(c.get::<Vec<u8>>("bin").await?, b"\x00\xff");

    assert_eq!(c.incr("n").await?, 1);
    assert_eq!(c.incrby("n", 10).await?, 11);
    assert_eq!(c.incrby("n", -20).await?, -9);
    assert_eq!(c.decr("n").await?, -10);
    assert_eq!(c.decrby("n", 5).await?, -15);
    assert_eq!(c.get::<i64>("n").await?, -15);
    assert_eq!(c.incrbyfloat("f", 1.5).await?, 1.5);
    assert_eq!(c.incrbyfloat("f", -0.25).await?, 1.25);
    assert_eq!(c.incrbyfloat("n", 0.5).await?, -14.5);

    assert_code(c.incr("k").await, "ERR");
    assert_code(c.incrbyfloat("k", 1.0).await, "ERR");
    c.cmd("RPUSH").arg("list").arg("x").query::<()>().await?;
    assert_code(c.get::<Option<String>>("list").await, "WRONGTYPE");
    assert_code(c.incr("list").await, "WRONGTYPE");
    Ok(())
}

/// SET with expiries and conditions, SET ... GET, SETEX, PSETEX, SETNX, GETEX.
pub async fn set_options_and_expiry(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["SET", "k", "v", "NX", "GET"]], "syntax error").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let hour = Duration::from_secs(3600);

    assert!(c.set_options("a", 1, SetOptions::new().ex(hour)).await?);
    assert!((3_590_000..=3_600_000).contains(&pttl(&c, "a").await?));
    assert!(
        c.set_options("a", 2, SetOptions::new().px(Duration::from_millis(50_000)))
            .await?
    );
    assert!((40_000..=50_000).contains(&pttl(&c, "a").await?));
    assert!(c.set_options("a", 3, SetOptions::new().keep_ttl()).await?);
    assert!((40_000..=50_000).contains(&pttl(&c, "a").await?));
    assert_eq!(c.get::<i64>("a").await?, 3);
    let in_an_hour = SystemTime::now() + hour;
    // EXAT is in whole seconds, rounded up: up to one second more.
    assert!(c.set_options("a", 4, SetOptions::new().exat(in_an_hour)).await?);
    assert!((3_580_000..=3_601_000).contains(&pttl(&c, "a").await?));
    assert!(c.set_options("a", 5, SetOptions::new().pxat(in_an_hour)).await?);
    assert!((3_580_000..=3_600_001).contains(&pttl(&c, "a").await?));
    assert!(c.set_options("a", 6, SetOptions::new()).await?);
    assert_eq!(pttl(&c, "a").await?, -1);
    assert_code(c.set_options("a", 7, SetOptions::new().ex(Duration::ZERO)).await, "ERR");

    // Conditions: false when they stop the write.
    assert!(!c.set_options("a", 7, SetOptions::new().nx()).await?);
    assert!(c.set_options("b", 1, SetOptions::new().nx().ex(hour)).await?);
    assert!(!c.set_options("c", 1, SetOptions::new().xx()).await?);
    assert!(c.set_options("b", 2, SetOptions::new().xx()).await?);
    assert_eq!(
        c.mget::<Vec<Option<i64>>>(["a", "b", "c"]).await?,
        [Some(6), Some(2), None]
    );

    // SET ... GET: the old value, nil for a new key; NX + GET (Redis 7.0+).
    assert_eq!(
        c.set_get::<Option<String>>("a", "x", SetOptions::new()).await?,
        Some("6".into())
    );
    assert_eq!(
        c.set_get::<Option<String>>("new", "y", SetOptions::new().ex(hour))
            .await?,
        None
    );
    assert!(pttl(&c, "new").await? > 0);
    assert_eq!(
        c.set_get::<Option<String>>("a", "z", SetOptions::new().nx()).await?,
        Some("x".into())
    );
    assert_eq!(c.get::<String>("a").await?, "x");

    c.setex("s", Duration::from_secs(100), "v").await?;
    assert!((90_000..=100_000).contains(&pttl(&c, "s").await?));
    c.psetex("p", Duration::from_millis(100_500), "v").await?;
    assert!((90_000..=100_500).contains(&pttl(&c, "p").await?));
    assert!(c.setnx("nx", 1).await?);
    assert!(!c.setnx("nx", 2).await?);
    assert_eq!(c.get::<i64>("nx").await?, 1);

    // GETEX with each expiry form, then PERSIST.
    assert_eq!(
        c.getex::<Option<String>>("nx", Expiry::Ex(hour)).await?,
        Some("1".into())
    );
    assert!((3_590_000..=3_600_000).contains(&pttl(&c, "nx").await?));
    c.getex::<()>("nx", Expiry::Px(Duration::from_secs(60))).await?;
    assert!((50_000..=60_000).contains(&pttl(&c, "nx").await?));
    c.getex::<()>("nx", Expiry::ExAt(in_an_hour)).await?;
    assert!(pttl(&c, "nx").await? > 3_000_000);
    c.getex::<()>("nx", Expiry::PxAt(SystemTime::now() + Duration::from_secs(30)))
        .await?;
    // PXAT is in whole milliseconds, rounded up.
    assert!((20_000..=30_001).contains(&pttl(&c, "nx").await?));
    assert_eq!(c.getex::<i64>("nx", Expiry::Persist).await?, 1);
    assert_eq!(pttl(&c, "nx").await?, -1);
    assert_eq!(c.getex::<Option<String>>("missing", Expiry::Persist).await?, None);
    Ok(())
}

/// APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE, GETSET, GETDEL, MGET, MSET, MSETNX.
pub async fn ranges_and_multi(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    assert_eq!(c.append("s", "Hello").await?, 5);
    assert_eq!(c.append("s", " World").await?, 11);
    assert_eq!(c.strlen("s").await?, 11);
    assert_eq!(c.strlen("missing").await?, 0);
    assert_eq!(c.getrange::<String>("s", 0, 4).await?, "Hello");
    assert_eq!(c.getrange::<String>("s", -5, -1).await?, "World");
    assert_eq!(c.getrange::<String>("s", 20, 30).await?, "");
    assert_eq!(c.getrange::<String>("missing", 0, -1).await?, "");
    assert_eq!(c.substr::<String>("s", 6, 7).await?, "Wo");
    assert_eq!(c.setrange("s", 6, "Redis").await?, 11);
    assert_eq!(c.get::<String>("s").await?, "Hello Redis");
    assert_eq!(c.setrange("pad", 3, "x").await?, 4);
    assert_eq!(c.get::<Vec<u8>>("pad").await?, b"\0\0\0x");

    assert_eq!(
        c.getset::<Option<String>>("s", "new").await?,
        Some("Hello Redis".into())
    );
    assert_eq!(c.getset::<Option<String>>("fresh", "v").await?, None);
    assert_eq!(c.getdel::<Option<String>>("s").await?, Some("new".into()));
    assert_eq!(c.getdel::<Option<String>>("s").await?, None);

    c.mset([("m1", "a"), ("m2", "b")]).await?;
    c.mset(vec![("m3", 3)]).await?;
    assert_eq!(
        c.mget::<Vec<Option<String>>>(("m1", "m2", "m3", "missing")).await?,
        [Some("a".into()), Some("b".into()), Some("3".into()), None]
    );
    assert!(!c.msetnx([("m1", "x"), ("m9", "y")]).await?);
    assert_eq!(c.get::<Option<String>>("m9").await?, None);
    assert!(c.msetnx([("m8", "x"), ("m9", "y")]).await?);
    assert_eq!(c.mget::<Vec<String>>(["m8", "m9"]).await?, ["x", "y"]);

    c.cmd("SADD").arg("set").arg("x").query::<()>().await?;
    assert_eq!(
        c.mget::<Vec<Option<String>>>(["set", "m1"]).await?,
        [None, Some("a".into())]
    );
    assert_code(c.append("set", "x").await, "WRONGTYPE");
    assert_code(c.strlen("set").await, "WRONGTYPE");
    assert_code(c.getrange::<String>("set", 0, 1).await, "WRONGTYPE");
    assert_code(c.setrange("set", 0, "x").await, "WRONGTYPE");
    Ok(())
}

/// LCS: the string, LEN, and IDX with options, typed alike on RESP2 and RESP3.
pub async fn lcs(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["LCS", "a", "b"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for url in [server.url(), format!("{}?protocol=2", server.url())] {
        let c = client(&url, &rt)?;
        c.mset([("k1", "ohmytext"), ("k2", "mynewtext")]).await?;
        assert_eq!(c.lcs::<String>("k1", "k2").await?, "mytext");
        assert_eq!(c.lcs_len("k1", "k2").await?, 6);
        assert_eq!(c.lcs::<String>("k1", "missing").await?, "");

        let all = c.lcs_idx("k1", "k2", LcsOptions::new()).await?;
        assert_eq!(all.len, 6);
        let ranges: Vec<_> = all
            .matches
            .iter()
            .map(|m| (m.first.clone(), m.second.clone(), m.len))
            .collect();
        assert_eq!(ranges, [(4..=7, 5..=8, None), (2..=3, 0..=1, None)], "{url}");

        let long = c
            .lcs_idx("k1", "k2", LcsOptions::new().min_match_len(4).with_match_len())
            .await?;
        assert_eq!(long.len, 6);
        assert_eq!(long.matches.len(), 1);
        assert_eq!((long.matches[0].first.clone(), long.matches[0].len), (4..=7, Some(4)));

        let none = c.lcs_idx("k1", "missing", LcsOptions::new()).await?;
        assert_eq!((none.matches.len(), none.len), (0, 0));
        c.cmd("HSET").arg("h").arg("f").arg("v").query::<()>().await?;
        assert_code(c.lcs_len("h", "k1").await, "ERR");
    }
    Ok(())
}

/// Durations that are not whole seconds or milliseconds are rounded up, never
/// truncated: `SETEX 1.5 s` keeps the key more than a second, `SETEX 0.5 s` and
/// `PSETEX 1 µs` are accepted (they used to send 0, an error), and so are
/// `EX`/`PX` of a fraction; `Duration::MAX` is clamped to a value the server takes.
pub async fn fractional_expiry(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let half = Duration::from_millis(500);

    c.setex("a", Duration::from_millis(1500), "v").await?;
    assert!((1_001..=2_000).contains(&pttl(&c, "a").await?));
    c.setex("b", half, "v").await?;
    assert!((1..=1_000).contains(&pttl(&c, "b").await?));
    c.psetex("c", Duration::from_micros(1), "v").await?;
    c.psetex("d", Duration::from_micros(1500), "v").await?;
    assert!(pttl(&c, "d").await? <= 2);

    assert!(c.set_options("e", "v", SetOptions::new().ex(half)).await?);
    assert!((1..=1_000).contains(&pttl(&c, "e").await?));
    assert!(
        c.set_options("f", "v", SetOptions::new().px(Duration::from_nanos(1)))
            .await?
    );
    c.set("g", "v").await?;
    c.getex::<String>("g", Expiry::Ex(half)).await?;
    assert!((1..=1_000).contains(&pttl(&c, "g").await?));

    assert!(c.set_options("h", "v", SetOptions::new().ex(Duration::MAX)).await?);
    assert!(pttl(&c, "h").await? > 1_000_000_000_000);
    c.setex("i", Duration::MAX, "v").await?;
    c.psetex("j", Duration::MAX, "v").await?;
    assert!(pttl(&c, "j").await? > 1_000_000_000_000);
    Ok(())
}
