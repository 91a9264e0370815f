//! The SCAN family: single steps and streams, against a real server.

use std::collections::{HashMap, HashSet};

use anyredis::commands::{KeyType, ScanOptions};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use futures_util::{StreamExt, TryStreamExt};
use runtime_tests::util::client;
use runtime_tests::TestResult;

const KEYS: usize = 3000;

/// Asserts `items` holds each of `expected` exactly once, and nothing else.
fn exactly_once(items: Vec<String>, expected: impl IntoIterator<Item = String>, what: &str) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    let dupes: Vec<_> = counts.iter().filter(|(_, &n)| n > 1).collect();
    assert!(dupes.is_empty(), "{what}: yielded more than once: {dupes:?}");
    let expected: HashSet<String> = expected.into_iter().collect();
    let got: HashSet<String> = counts.into_keys().collect();
    assert_eq!(got.len(), expected.len(), "{what}: count");
    assert!(got == expected, "{what}: different keys");
}

/// Fills the database with `KEYS` string keys `a:N`, `KEYS / 10` string keys `b:N` and
/// 20 hashes `h:N`.
async fn fill(c: &Client) -> TestResult {
    for chunk in (0..KEYS).collect::<Vec<_>>().chunks(500) {
        let pairs: Vec<(String, usize)> = chunk.iter().map(|i| (format!("a:{i}"), *i)).collect();
        c.cmd("MSET").arg(&pairs).query::<()>().await?;
    }
    let pairs: Vec<(String, usize)> = (0..KEYS / 10).map(|i| (format!("b:{i}"), i)).collect();
    c.cmd("MSET").arg(&pairs).query::<()>().await?;
    for i in 0..20 {
        c.cmd("HSET").arg((format!("h:{i}"), "f", i)).query::<()>().await?;
    }
    Ok(())
}

fn names(prefix: &str, n: usize) -> impl Iterator<Item = String> + '_ {
    (0..n).map(move |i| format!("{prefix}:{i}"))
}

/// SCAN as a stream (small COUNT, MATCH, TYPE) on a client and a dedicated
/// connection, SCAN by single steps, and streams dropped half-way.
pub async fn scan_keyspace(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    fill(&c).await?;
    let all: Vec<String> = names("a", KEYS)
        .chain(names("b", KEYS / 10))
        .chain(names("h", 20))
        .collect();

    // Streams can move between threads (e.g. into a spawned task with the client).
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&c.scan_iter::<String>(ScanOptions::new()));
    assert_send(&c.hscan_iter::<String, Vec<u8>>("h", ScanOptions::new()));

    let keys: Vec<String> = c.scan_iter(ScanOptions::new().count(7)).try_collect().await?;
    exactly_once(keys, all.clone(), "all keys");

    let matched: Vec<String> = c
        .scan_iter(ScanOptions::new().pattern("b:*").count(5))
        .try_collect()
        .await?;
    exactly_once(matched, names("b", KEYS / 10), "MATCH b:*");

    let hashes: Vec<String> = c
        .scan_iter(ScanOptions::new().key_type(KeyType::Hash).count(50))
        .try_collect()
        .await?;
    exactly_once(hashes, names("h", 20), "TYPE hash");

    let both: Vec<String> = c
        .scan_iter(ScanOptions::new().pattern("h:1*").key_type(KeyType::Hash))
        .try_collect()
        .await?;
    let expected = ["h:1".to_owned()].into_iter().chain((10..20).map(|i| format!("h:{i}")));
    exactly_once(both, expected, "MATCH + TYPE");
    let none: Vec<String> = c
        .scan_iter(ScanOptions::new().key_type(KeyType::Stream))
        .try_collect()
        .await?;
    assert!(none.is_empty());

    // On a dedicated connection, as bytes.
    let conn = c.dedicated().await?;
    let raw: Vec<Vec<u8>> = conn.scan_iter(ScanOptions::new().count(100)).try_collect().await?;
    let raw = raw.into_iter().map(String::from_utf8).collect::<Result<Vec<_>, _>>()?;
    exactly_once(raw, all.clone(), "all keys on a connection");

    // By single steps.
    let mut stepped = Vec::new();
    let mut cursor = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = c.scan(cursor, ScanOptions::new().pattern("a:*").count(200)).await?;
        stepped.extend(keys);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    exactly_once(stepped, names("a", KEYS), "SCAN steps");

    // Dropped half-way: after some items, and with a request in flight.
    let mut stream = c.scan_iter::<String>(ScanOptions::new().count(10));
    let mut taken = 0;
    while taken < 25 {
        stream.next().await.ok_or("ended early")??;
        taken += 1;
    }
    drop(stream);
    // The server is paused, so the first page is surely still in flight when dropped.
    let pauser = client(&server.url(), &rt)?;
    pauser.cmd("CLIENT").arg(("PAUSE", 200, "ALL")).query::<()>().await?;
    let mut stream = c.scan_iter::<String>(ScanOptions::new().count(10));
    let polled = futures_lite::future::poll_once(stream.next()).await;
    assert!(polled.is_none(), "{polled:?} {stream:?}");
    drop(stream);
    let mut first_five = Vec::new();
    let mut stream = conn.scan_iter::<String>(ScanOptions::new().count(3));
    while let Some(key) = stream.next().await {
        first_five.push(key?);
        if first_five.len() == 5 {
            break;
        }
    }
    drop(stream);
    assert_eq!(first_five.len(), 5);
    // Both handles still answer correctly.
    assert_eq!(c.get::<u32>("a:17").await?, 17);
    assert_eq!(conn.get::<u32>("b:3").await?, 3);
    Ok(())
}

/// SSCAN, HSCAN and ZSCAN streams on RESP2 and RESP3, and errors ending a stream.
pub async fn collection_streams(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let setup = client(&server.url(), &rt)?;
    let members: Vec<String> = names("m", 1000).collect();
    setup.cmd("SADD").arg(("set", &members)).query::<()>().await?;
    let fields: Vec<(String, u32)> = (0..1000).map(|i| (format!("f{i}"), i)).collect();
    setup.cmd("HSET").arg(("hash", &fields)).query::<()>().await?;
    let scored: Vec<(f64, String)> = (0..1000).map(|i| (f64::from(i) / 4.0, format!("z{i}"))).collect();
    setup.cmd("ZADD").arg(("zset", &scored)).query::<()>().await?;
    setup.set("str", "v").await?;

    for url in [server.url(), format!("{}?protocol=2", server.url())] {
        let c = client(&url, &rt)?;
        let conn = c.dedicated().await?;

        let got: Vec<String> = c.sscan_iter("set", ScanOptions::new().count(10)).try_collect().await?;
        exactly_once(got, members.clone(), "SSCAN");
        let got: Vec<String> = conn
            .sscan_iter("set", ScanOptions::new().pattern("m:99*"))
            .try_collect()
            .await?;
        let expected = ["m:99".to_owned()]
            .into_iter()
            .chain((990..1000).map(|i| format!("m:{i}")));
        exactly_once(got, expected, "SSCAN MATCH");

        let got: Vec<(String, u32)> = c.hscan_iter("hash", ScanOptions::new().count(10)).try_collect().await?;
        let map: HashMap<String, u32> = got.iter().cloned().collect();
        assert_eq!(got.len(), 1000, "HSCAN yields each pair once");
        assert_eq!(map, fields.iter().cloned().collect());
        let got: Vec<(String, u32)> = conn
            .hscan_iter("hash", ScanOptions::new().pattern("f99?"))
            .try_collect()
            .await?;
        assert_eq!(got.len(), 10);
        assert!(got.iter().all(|(f, v)| *f == format!("f{v}")));

        let got: Vec<(String, f64)> = c.zscan_iter("zset", ScanOptions::new().count(10)).try_collect().await?;
        assert_eq!(got.len(), 1000, "ZSCAN yields each member once");
        let scores: HashMap<String, f64> = got.into_iter().collect();
        for (score, member) in &scored {
            assert_eq!(scores.get(member), Some(score), "{member}");
        }

        // Missing keys give empty streams.
        assert_eq!(c.sscan_iter::<String>("nope", ScanOptions::new()).count().await, 0);
        assert_eq!(
            c.hscan_iter::<String, String>("nope", ScanOptions::new()).count().await,
            0
        );
        assert_eq!(conn.zscan_iter::<String>("nope", ScanOptions::new()).count().await, 0);

        // A server error is the last item.
        let items: Vec<_> = c.sscan_iter::<String>("str", ScanOptions::new()).collect().await;
        assert_eq!(items.len(), 1);
        let err = items.into_iter().next().ok_or("no item")?.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
        let mut stream = conn.hscan_iter::<String, String>("str", ScanOptions::new());
        assert_eq!(
            stream.next().await.ok_or("no item")?.unwrap_err().code(),
            Some("WRONGTYPE")
        );
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none());
        let items: Vec<_> = c
            .zscan_iter::<String>("zset", ScanOptions::new().key_type(KeyType::String))
            .collect()
            .await;
        assert!(
            matches!(items.as_slice(), [Err(e)] if e.code() == Some("ERR")),
            "{items:?}"
        );
        // A conversion error ends the stream too.
        let items: Vec<_> = c
            .hscan_iter::<String, String>("set", ScanOptions::new())
            .collect()
            .await;
        assert!(
            matches!(items.as_slice(), [Err(e)] if e.code() == Some("WRONGTYPE")),
            "{items:?}"
        );
        let items: Vec<_> = c.sscan_iter::<u32>("set", ScanOptions::new()).collect().await;
        assert!(matches!(items.as_slice(), [Err(e)] if e.is_conversion()), "{items:?}");
    }
    Ok(())
}
