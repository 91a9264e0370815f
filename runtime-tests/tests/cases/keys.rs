//! Generic key commands against a real server.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyredis::commands::{CopyOptions, ExpireCondition, ExpireTime, KeyType, RestoreOptions, SortOptions, Ttl};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::util::expect_server_error;
use runtime_tests::util::needs_version;
use runtime_tests::TestResult;

/// DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, RANDOMKEY, RENAME, RENAMENX, COPY and MOVE.
pub async fn keyspace_basics(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let db1 = client(&format!("{}/1", server.url()), &rt)?;

    assert_eq!(c.randomkey::<Option<String>>().await?, None);
    assert_eq!(c.key_type("nothing").await?, KeyType::Missing);
    c.set("s", "v").await?;
    assert_eq!(c.randomkey::<Option<String>>().await?, Some("s".into()));
    c.cmd("RPUSH").arg(("l", 1)).query::<()>().await?;
    c.cmd("SADD").arg(("set", 1)).query::<()>().await?;
    c.cmd("ZADD").arg(("z", 1, "m")).query::<()>().await?;
    c.cmd("HSET").arg(("h", "f", "v")).query::<()>().await?;
    c.cmd("XADD").arg(("x", "*", "f", "v")).query::<()>().await?;
    for (key, kind) in [
        ("s", KeyType::String),
        ("l", KeyType::List),
        ("set", KeyType::Set),
        ("z", KeyType::ZSet),
        ("h", KeyType::Hash),
        ("x", KeyType::Stream),
    ] {
        assert_eq!(c.key_type(key).await?, kind, "TYPE {key}");
    }

    let mut keys: Vec<String> = c.keys("s*").await?;
    keys.sort();
    assert_eq!(keys, ["s", "set"]);
    assert!(c.keys::<Vec<String>>("nomatch*").await?.is_empty());

    assert_eq!(c.exists("s").await?, 1);
    assert_eq!(c.exists(["s", "s", "l", "missing"]).await?, 3);
    assert_eq!(c.touch(("s", "l", "missing")).await?, 2);
    assert_eq!(c.del(["l", "set", "missing"]).await?, 2);
    assert_eq!(c.unlink(vec!["z", "missing"]).await?, 1);
    assert_eq!(c.exists(["l", "set", "z"]).await?, 0);

    // RENAME overwrites; RENAMENX refuses to.
    c.rename("s", "s2").await?;
    assert_eq!(c.get::<Option<String>>("s2").await?, Some("v".into()));
    let err = c.rename("s", "s3").await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");
    c.set("other", "o").await?;
    assert!(!c.renamenx("s2", "other").await?);
    assert!(c.renamenx("s2", "s").await?);
    assert_eq!(c.get::<Option<String>>("other").await?, Some("o".into()));

    // COPY, within the database and into another one.
    assert!(c.copy("s", "copy").await?);
    assert!(!c.copy("s", "other").await?);
    assert!(c.copy_options("s", "other", CopyOptions::new().replace()).await?);
    assert_eq!(c.get::<String>("other").await?, "v");
    assert!(!c.copy("missing", "copy2").await?);
    assert!(c.copy_options("h", "h", CopyOptions::new().db(1)).await?);
    assert_eq!(db1.key_type("h").await?, KeyType::Hash);

    // MOVE: not when the target has the key or the source is missing.
    assert!(!c.move_key("h", 1).await?);
    assert!(c.move_key("copy", 1).await?);
    assert!(!c.move_key("copy", 1).await?);
    assert_eq!(db1.get::<Option<String>>("copy").await?, Some("v".into()));
    assert_eq!(c.exists("copy").await?, 0);
    Ok(())
}

/// The EXPIRE family with NX/XX/GT/LT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.
pub async fn expiry(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["EXPIRETIME", "k"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let hour = Duration::from_secs(3600);

    assert_eq!(c.ttl("k").await?, Ttl::Missing);
    assert_eq!(c.pttl("k").await?, Ttl::Missing);
    assert_eq!(c.expire_time("k").await?, ExpireTime::Missing);
    assert_eq!(c.pexpire_time("k").await?, ExpireTime::Missing);
    assert!(!c.expire("k", hour).await?);
    assert!(!c.persist("k").await?);

    c.set("k", "v").await?;
    assert_eq!(c.ttl("k").await?, Ttl::Persistent);
    assert_eq!(c.pttl("k").await?, Ttl::Persistent);
    assert_eq!(c.expire_time("k").await?, ExpireTime::Persistent);
    assert_eq!(c.pexpire_time("k").await?.time(), None);

    // XX needs an expiry, NX needs none.
    assert!(!c.expire_if("k", hour, ExpireCondition::Xx).await?);
    assert!(c.expire_if("k", hour, ExpireCondition::Nx).await?);
    assert!(!c.expire_if("k", hour, ExpireCondition::Nx).await?);
    let ttl = c.ttl("k").await?.duration().ok_or("no ttl")?;
    assert!(ttl <= hour && ttl >= hour - Duration::from_secs(5), "{ttl:?}");
    let pttl = c.pttl("k").await?;
    assert!(
        matches!(pttl, Ttl::Expires(d) if d > hour - Duration::from_secs(5) && d <= hour),
        "{pttl:?}"
    );

    // GT / LT compare with the current expiry.
    assert!(!c.pexpire_if("k", Duration::from_secs(60), ExpireCondition::Gt).await?);
    assert!(
        c.pexpire_if("k", Duration::from_millis(120_500), ExpireCondition::Lt)
            .await?
    );
    let left = c.pttl("k").await?.duration().ok_or("no pttl")?;
    assert!(
        left > Duration::from_secs(115) && left <= Duration::from_millis(120_500),
        "{left:?}"
    );
    assert!(c.pexpire("k", hour).await?);

    // Absolute times, to the second (rounded up) and to the millisecond.
    let at = SystemTime::now() + Duration::from_secs(1000);
    let since = at.duration_since(UNIX_EPOCH)?;
    let at_secs = since.as_secs() + u64::from(since.subsec_nanos() != 0);
    assert!(c.expire_at("k", at).await?);
    assert_eq!(
        c.expire_time("k").await?,
        ExpireTime::At(UNIX_EPOCH + Duration::from_secs(at_secs))
    );
    let at_ms = UNIX_EPOCH + Duration::from_millis(at.duration_since(UNIX_EPOCH)?.as_millis() as u64 + 1234);
    assert!(!c.pexpire_at_if("k", at_ms, ExpireCondition::Lt).await?);
    assert!(c.pexpire_at_if("k", at_ms, ExpireCondition::Gt).await?);
    assert_eq!(c.pexpire_time("k").await?, ExpireTime::At(at_ms));
    assert!(c.expire_at_if("k", at, ExpireCondition::Xx).await?);
    assert_eq!(
        c.expire_time("k").await?.time(),
        Some(UNIX_EPOCH + Duration::from_secs(at_secs))
    );

    assert!(c.persist("k").await?);
    assert_eq!(c.ttl("k").await?, Ttl::Persistent);

    // A time in the past deletes the key; a short TTL runs out.
    assert!(c.pexpire_at("k", UNIX_EPOCH + Duration::from_secs(1)).await?);
    assert_eq!(c.exists("k").await?, 0);
    c.set("short", "v").await?;
    assert!(c.pexpire("short", Duration::from_millis(30)).await?);
    runtime_tests::util::sleep(Duration::from_millis(80)).await;
    assert_eq!(c.pttl("short").await?, Ttl::Missing);
    Ok(())
}

/// Durations that are not whole seconds or milliseconds are rounded up, never
/// truncated: `EXPIRE 900 ms` keeps the key (it used to send 0 and delete it),
/// `RESTORE` with a 1 µs TTL gives the key an expiry (0 meant none), and
/// `Duration::MAX` and far-future times are clamped to values the server takes.
pub async fn fractional_expiry(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;

    c.set("k", "v").await?;
    assert!(c.expire("k", Duration::from_millis(900)).await?);
    assert_eq!(c.exists("k").await?, 1);
    let left = c.pttl("k").await?.duration().ok_or("no pttl")?;
    assert!(left > Duration::ZERO && left <= Duration::from_secs(1), "{left:?}");
    if runtime_tests::util::server_version() >= (7, 0, 0) {
        assert!(
            c.expire_if("k", Duration::from_millis(1500), ExpireCondition::Gt)
                .await?
        );
    } else {
        // EXPIRE's conditions are Redis 7.0+; the rounding is the same without them.
        assert!(c.expire("k", Duration::from_millis(1500)).await?);
    }
    let left = c.pttl("k").await?.duration().ok_or("no pttl")?;
    assert!(
        left > Duration::from_secs(1) && left <= Duration::from_secs(2),
        "{left:?}"
    );

    // A sub-millisecond TTL is 1 ms, not "no expiry".
    let payload = c.dump("k").await?.ok_or("no dump")?;
    let opts = RestoreOptions::new().ttl(Duration::from_micros(1)).replace();
    c.restore_options("r", payload.as_slice(), opts).await?;
    assert_ne!(c.pttl("r").await?, Ttl::Persistent);

    // Enormous durations and times are accepted, not refused or wrapped.
    c.set("far", "v").await?;
    assert!(c.expire("far", Duration::MAX).await?);
    assert!(c.ttl("far").await?.duration().ok_or("no ttl")? > Duration::from_secs(1 << 40));
    assert!(c.pexpire("far", Duration::MAX).await?);
    let far = UNIX_EPOCH + Duration::from_secs(u64::MAX / 4);
    assert!(c.expire_at("far", far).await?);
    assert!(c.pexpire_at("far", far).await?);
    assert_eq!(c.exists("far").await?, 1);
    Ok(())
}

/// DUMP and RESTORE with their options, and OBJECT ENCODING/FREQ/IDLETIME/REFCOUNT.
pub async fn dump_restore_object(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["PEXPIRETIME", "k"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;

    assert_eq!(c.dump("missing").await?, None);
    c.cmd("RPUSH").arg(("list", "a", "b", "c")).query::<()>().await?;
    let payload = c.dump("list").await?.ok_or("no dump")?;

    c.restore("copy", &payload).await?;
    assert_eq!(
        c.cmd("LRANGE").arg(("copy", 0, -1)).query::<Vec<String>>().await?,
        ["a", "b", "c"]
    );
    assert_eq!(c.ttl("copy").await?, Ttl::Persistent);
    let err = c.restore("copy", &payload).await.unwrap_err();
    assert_eq!(err.code(), Some("BUSYKEY"), "{err}");
    let err = c.restore("bad", b"not a payload").await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");

    let opts = RestoreOptions::new()
        .replace()
        .ttl(Duration::from_secs(100))
        .idle_time(Duration::from_secs(500));
    c.restore_options("copy", &payload, opts).await?;
    let ttl = c.pttl("copy").await?.duration().ok_or("no ttl")?;
    assert!(
        ttl > Duration::from_secs(95) && ttl <= Duration::from_secs(100),
        "{ttl:?}"
    );
    assert!(c.object_idletime("copy").await?.ok_or("no idletime")? >= 500);

    let at = UNIX_EPOCH + Duration::from_millis(4_000_000_000_123);
    c.restore_options("abs", &payload, RestoreOptions::new().expire_at(at))
        .await?;
    assert_eq!(c.pexpire_time("abs").await?, ExpireTime::At(at));

    // OBJECT: encodings, reference counts, nil for missing keys.
    c.set("int", 12345).await?;
    c.set("str", "hello").await?;
    assert_eq!(c.object_encoding("int").await?.as_deref(), Some("int"));
    assert_eq!(c.object_encoding("str").await?.as_deref(), Some("embstr"));
    // A small list is a quicklist in Redis 7.0, a listpack from 7.2.
    let list = c.object_encoding("list").await?;
    assert!(matches!(list.as_deref(), Some("quicklist" | "listpack")), "{list:?}");
    assert_eq!(c.object_encoding("missing").await?, None);
    assert_eq!(c.object_refcount("list").await?, Some(1));
    assert_eq!(c.object_refcount("missing").await?, None);
    assert_eq!(c.object_idletime("missing").await?, None);
    // FREQ needs an LFU policy; IDLETIME then refuses.
    let err = c.object_freq("list").await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");
    c.cmd("CONFIG")
        .arg(("SET", "maxmemory-policy", "allkeys-lfu"))
        .query::<()>()
        .await?;
    c.restore_options("freq", &payload, RestoreOptions::new().freq(100))
        .await?;
    assert_eq!(c.object_freq("freq").await?, Some(100));
    assert_eq!(c.object_freq("missing").await?, None);
    expect_server_error(c.object_idletime("freq").await, "ERR", "LFU");
    Ok(())
}

/// SORT and SORT_RO with BY, LIMIT, GET, ASC/DESC, ALPHA and STORE, on RESP2 and RESP3.
pub async fn sort(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["SORT_RO", "k"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for url in [server.url(), format!("{}?protocol=2", server.url())] {
        let c = client(&url, &rt)?;
        c.del(("ids", "names", "sorted")).await?;
        c.cmd("RPUSH").arg(("ids", 3, 1, 10, 2)).query::<()>().await?;
        c.cmd("MSET")
            .arg([("w_1", "40"), ("w_2", "30"), ("w_3", "20"), ("w_10", "10")])
            .arg([("name_1", "one"), ("name_2", "two"), ("name_3", "three")])
            .query::<()>()
            .await?;

        assert_eq!(c.sort::<Vec<u32>>("ids", SortOptions::new()).await?, [1, 2, 3, 10]);
        assert_eq!(
            c.sort::<Vec<u32>>("ids", SortOptions::new().desc()).await?,
            [10, 3, 2, 1]
        );
        assert_eq!(
            c.sort::<Vec<String>>("ids", SortOptions::new().alpha()).await?,
            ["1", "10", "2", "3"]
        );
        assert_eq!(c.sort::<Vec<u32>>("ids", SortOptions::new().limit(1, 2)).await?, [2, 3]);
        assert_eq!(
            c.sort::<Vec<u32>>("ids", SortOptions::new().by("w_*")).await?,
            [10, 3, 2, 1]
        );
        assert_eq!(
            c.sort::<Vec<u32>>("ids", SortOptions::new().by("nosort")).await?,
            [3, 1, 10, 2]
        );
        assert_eq!(
            c.sort_ro::<Vec<u32>>("ids", SortOptions::new().desc().asc()).await?,
            [1, 2, 3, 10]
        );

        // GET: the element itself (#) and a value per element, nil where missing.
        let got: Vec<Option<String>> = c.sort("ids", SortOptions::new().get("#").get("name_*")).await?;
        let expected = [
            Some("1"),
            Some("one"),
            Some("2"),
            Some("two"),
            Some("3"),
            Some("three"),
            Some("10"),
            None,
        ];
        assert_eq!(got, expected.map(|s| s.map(String::from)));

        assert_eq!(
            c.sort_store("ids", "sorted", SortOptions::new().desc().limit(0, 3))
                .await?,
            3
        );
        assert_eq!(
            c.cmd("LRANGE").arg(("sorted", 0, -1)).query::<Vec<u32>>().await?,
            [10, 3, 2]
        );

        // Empty and wrong-type keys; ALPHA needed for words.
        assert!(c.sort::<Vec<String>>("missing", SortOptions::new()).await?.is_empty());
        c.cmd("RPUSH").arg(("words", "b", "a")).query::<()>().await?;
        expect_server_error(
            c.sort::<Vec<String>>("words", SortOptions::new()).await,
            "ERR",
            "converted into double",
        );
        assert_eq!(
            c.sort_ro::<Vec<String>>("words", SortOptions::new().alpha()).await?,
            ["a", "b"]
        );
        let err = c.sort::<Vec<String>>("w_1", SortOptions::new()).await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
        c.del("words").await?;
    }
    Ok(())
}

/// WAIT on a server without replicas, on a dedicated connection.
pub async fn wait(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let conn = c.dedicated().await?;
    conn.set("k", "v").await?;
    assert_eq!(conn.wait(0, Duration::ZERO).await?, 0);
    let start = Instant::now();
    assert_eq!(conn.wait(1, Duration::from_millis(100)).await?, 0);
    assert!(start.elapsed() >= Duration::from_millis(90), "{:?}", start.elapsed());
    Ok(())
}
