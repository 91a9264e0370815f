//! `Cache`: the seeds' example, every operation, each part by default,
//! replaced and left out, and stored values that cannot be decoded.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyredis::cache::{BoxError, Compressor, Json, Raw, Serializer, Zlib};
use anyredis::commands::Ttl;
use anyredis::prelude::*;
use anyredis::{ErrorKind, Runtime, Script};
use anyredis_test_support::RedisServer;
use serde::{Deserialize, Serialize};

use crate::util::{client, sleep, Rng};
use crate::TestResult;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct User {
    id: u64,
    name: String,
    tags: Vec<String>,
}

fn user(id: u64) -> User {
    User {
        id,
        name: format!("user number {id}"),
        tags: vec!["a".into(), "b".into()],
    }
}

fn secs(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n))
}

/// `ttl` is an expiry between `max - 2 s` and `max`.
fn assert_expires_within(ttl: Ttl<true>, max: Duration) {
    match ttl {
        Ttl::Expires(left) => assert!(
            left <= max && left + Duration::from_secs(2) > max,
            "{left:?} vs {max:?}"
        ),
        other => panic!("expected an expiry near {max:?}, got {other:?}"),
    }
}

/// The seeds' example: a cache whose identity generator is the key itself;
/// `set` then `get` returns the value, stored under that very key.
pub async fn seeds_example_custom_identity(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c
        .cache("example_cache")
        .identity(|_name: &str, key: &str, _params: &[u8]| key.to_owned())
        .build();
    let data: BTreeMap<String, i64> = [("1".to_owned(), 1)].into();
    cache.set("example_key", &data, "", secs(30)).await?;
    let got: Option<BTreeMap<String, i64>> = cache.get("example_key", "").await?;
    assert_eq!(got, Some(data.clone()));
    assert_eq!(c.exists("example_key").await?, 1, "stored under the key itself");
    assert_eq!(cache.redis_key("example_key", "any params"), "example_key");
    assert_expires_within(cache.ttl("example_key", "").await?, Duration::from_secs(30));
    // The generator ignores the params, so every variant is the same entry.
    assert_eq!(cache.get("example_key", "other").await?, Some(data));
    Ok(())
}

/// set, set_many, get, exists, delete, delete_many and ttl, with and
/// without params and TTLs.
pub async fn every_operation(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("ops").build();

    assert_eq!(cache.get::<User>("u", "").await?, None);
    assert!(!cache.exists("u", "").await?);
    assert_eq!(cache.ttl("u", "").await?, Ttl::Missing);
    assert!(!cache.delete("u", "").await?);

    cache.set("u", &user(1), "", None).await?;
    assert_eq!(cache.get("u", "").await?, Some(user(1)));
    assert!(cache.exists("u", "").await?);
    assert_eq!(cache.ttl("u", "").await?, Ttl::Persistent);

    // Params tell variants apart.
    cache.set("u", &user(2), "v2", secs(10)).await?;
    assert_eq!(cache.get("u", "v2").await?, Some(user(2)));
    assert_eq!(cache.get("u", "").await?, Some(user(1)));
    assert_expires_within(cache.ttl("u", "v2").await?, Duration::from_secs(10));
    assert!(cache.delete("u", "v2").await?);
    assert_eq!(cache.get::<User>("u", "v2").await?, None);
    assert_eq!(cache.get("u", "").await?, Some(user(1)));

    // set replaces, whatever was there (even another type).
    cache.set("u", &user(3), "", None).await?;
    assert_eq!(cache.get("u", "").await?, Some(user(3)));
    let _: i64 = c.cmd("LPUSH").arg(cache.redis_key("list", "")).arg("x").query().await?;
    cache.set("list", &user(4), "", None).await?;
    assert_eq!(cache.get("list", "").await?, Some(user(4)));

    // Huge TTLs saturate instead of being refused.
    cache.set("long", &user(6), "", Some(Duration::MAX)).await?;
    assert!(cache.ttl("long", "").await?.duration() > Some(Duration::from_secs(3600 * 24 * 365 * 100)));
    let herd = c
        .cache("ops")
        .herd()
        .herd_timeout(Duration::MAX)
        .extend_time(Duration::MAX)
        .build();
    herd.set("long", &user(6), "h", Some(Duration::MAX)).await?;
    assert_eq!(herd.get("long", "h").await?, Some(user(6)));
    assert!(herd.ttl("long", "h").await?.duration() > Some(Duration::from_secs(3600 * 24 * 365 * 100)));

    // A zero TTL keeps the entry for a millisecond.
    cache.set("brief", &user(5), "", Some(Duration::ZERO)).await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while cache.exists("brief", "").await? {
        assert!(Instant::now() < deadline, "a zero TTL expires");
        sleep(Duration::from_millis(5)).await;
    }

    let users: Vec<User> = (10..13).map(user).collect();
    let names = ["a", "b", "c"];
    cache
        .set_many(names.iter().zip(&users).map(|(k, v)| (*k, v)), "p", secs(60))
        .await?;
    for (name, expected) in names.iter().zip(&users) {
        assert_eq!(cache.get(name, "p").await?.as_ref(), Some(expected));
        assert_expires_within(cache.ttl(name, "p").await?, Duration::from_secs(60));
        assert!(!cache.exists(name, "").await?, "other params, other entry");
    }
    cache.set_many(std::iter::empty::<(&str, &User)>(), "p", None).await?;
    assert_eq!(cache.delete_many(["a", "b", "missing"], "p").await?, 2);
    assert_eq!(cache.delete_many(Vec::<String>::new(), "p").await?, 0);
    assert_eq!(cache.get::<User>("a", "p").await?, None);
    assert_eq!(cache.get("c", "p").await?.as_ref(), Some(&users[2]));

    // Clones share the cache; another name is another key space.
    assert_eq!(cache.clone().get("u", "").await?, Some(user(3)));
    assert_eq!(c.cache("other").build().get::<User>("u", "").await?, None);

    // A key of the wrong type is the server's error, not a decoding one.
    let err = cache.get::<User>("wrong", "").await;
    assert_eq!(err?, None);
    let _: i64 = c
        .cmd("LPUSH")
        .arg(cache.redis_key("wrong", ""))
        .arg("x")
        .query()
        .await?;
    let err = cache.get::<User>("wrong", "").await.expect_err("WRONGTYPE");
    assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
    Ok(())
}

/// Reverses the bytes: a compressor of our own, to see it used.
struct Reverse;

impl Compressor for Reverse {
    fn compress(&self, mut data: Vec<u8>) -> Result<Vec<u8>, BoxError> {
        data.reverse();
        Ok(data)
    }
    fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, BoxError> {
        Ok(data.iter().rev().copied().collect())
    }
}

/// Numbers as decimal text: a serializer of our own.
struct Decimal;

impl Serializer<u64> for Decimal {
    fn serialize(&self, value: &u64) -> Result<Vec<u8>, BoxError> {
        Ok(value.to_string().into_bytes())
    }
    fn deserialize(&self, bytes: &[u8]) -> Result<u64, BoxError> {
        Ok(std::str::from_utf8(bytes)?.parse()?)
    }
}

/// Each part by default, replaced, and left out; what lands in Redis.
pub async fn default_parts_and_parts_left_out(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let raw = |key: String| {
        let c = c.clone();
        async move { c.get::<Option<Vec<u8>>>(key).await }
    };

    // Defaults: name:key[:sha1(params)], zlib with a tag byte, JSON for
    // structs and strings as they are.
    let cache = c.cache("parts").build();
    assert_eq!(cache.redis_key("k", ""), "parts:k");
    let digest = Script::new("lang=en").sha1().to_owned();
    assert_eq!(cache.redis_key("k", "lang=en"), format!("parts:k:{digest}"));
    cache.set("small", &"hi".to_owned(), "", None).await?;
    assert_eq!(
        raw(cache.redis_key("small", "")).await?.as_deref(),
        Some(&b"\x00hi"[..])
    );
    let long = "the quick brown fox jumps over the lazy dog; ".repeat(200);
    cache.set("long", &long, "lang=en", None).await?;
    let stored = raw(format!("parts:long:{digest}")).await?.expect("stored");
    assert_eq!(stored.first(), Some(&1), "zlib tag");
    assert!(stored.len() < long.len() / 10, "compressed: {} bytes", stored.len());
    assert_eq!(cache.get::<String>("long", "lang=en").await?, Some(long.clone()));
    cache.set("user", &user(7), "", None).await?;
    let stored = raw(cache.redis_key("user", "")).await?.expect("stored");
    let json = Zlib::new().decompress(&stored)?;
    assert_eq!(Json.deserialize(&json).ok(), Some(user(7)), "JSON inside");

    // No compression: the serialized bytes as they are (plain GET reads them).
    let plain = c.cache("plain").no_compression().build();
    plain.set("s", &"hello".to_owned(), "", None).await?;
    assert_eq!(c.get::<Option<String>>("plain:s").await?.as_deref(), Some("hello"));
    plain.set("bytes", &vec![0u8, 255, 10], "", None).await?;
    assert_eq!(raw("plain:bytes".into()).await?, Some(vec![0u8, 255, 10]));
    plain.set("user", &user(8), "", None).await?;
    let stored = raw("plain:user".into()).await?.expect("stored");
    assert_eq!(Json.deserialize(&stored).ok(), Some(user(8)));

    // Raw serializer (no serialization): Bytes, binary-safe.
    let blobs = c.cache("blobs").serializer(Raw).no_compression().build();
    let blob = bytes::Bytes::from_static(b"\x00\xff\r\n*1\r\n");
    blobs.set("b", &blob, "", None).await?;
    assert_eq!(raw("blobs:b".into()).await?.as_deref(), Some(&blob[..]));
    assert_eq!(blobs.get::<bytes::Bytes>("b", "").await?, Some(blob));

    // JSON for everything: strings keep their quotes.
    let json = c.cache("json").serializer(Json).no_compression().build();
    json.set("s", &"a".to_owned(), "", None).await?;
    assert_eq!(raw("json:s".into()).await?.as_deref(), Some(&b"\"a\""[..]));
    assert_eq!(json.get::<String>("s", "").await?.as_deref(), Some("a"));

    // No identity generator: the key as is, params ignored.
    let bare = c.cache("bare").no_identity().build();
    bare.set("plain-key", &"v".to_owned(), "p1", None).await?;
    assert_eq!(raw("plain-key".into()).await?.as_deref(), Some(&b"\x00v"[..]));
    assert_eq!(bare.get::<String>("plain-key", "p2").await?.as_deref(), Some("v"));

    // Parts of our own.
    let own = c.cache("own").serializer(Decimal).compressor(Reverse).build();
    own.set("n", &1234u64, "", None).await?;
    assert_eq!(raw("own:n".into()).await?.as_deref(), Some(&b"4321"[..]));
    assert_eq!(own.get::<u64>("n", "").await?, Some(1234));
    let tuned = c.cache("tuned").compressor(Zlib::new().level(9).min_len(4)).build();
    tuned
        .set("t", &"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_owned(), "", None)
        .await?;
    assert_eq!(raw("tuned:t".into()).await?.and_then(|s| s.first().copied()), Some(1));
    Ok(())
}

/// Checks that `result` is a decoding error that names the key, the Redis
/// key and the failed step.
fn expect_codec_error<T: std::fmt::Debug>(result: anyredis::Result<T>, key: &str, redis_key: &str, step: &str) {
    let err = result.expect_err("a decoding error");
    assert_eq!(err.kind(), ErrorKind::Conversion, "{err}");
    let text = err.to_string();
    for part in [key, redis_key, step] {
        assert!(text.contains(part), "{text:?} does not say {part:?}");
    }
    assert!(std::error::Error::source(&err).is_some(), "keeps the cause: {err:?}");
}

/// Stored values that cannot be decompressed or deserialized are typed
/// errors naming the key, for `get`, `get_or_compute` and herd lookups;
/// random bytes never panic.
pub async fn corrupt_values_are_typed_errors(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    let cache = c.cache("corrupt").build();
    let key = "u1";
    let rk = cache.redis_key(key, "");
    let valid = Zlib::new().compress(serde_json_bytes(&user(1)))?;
    let mut truncated = Zlib::new().compress(b"{\"id\":1,\"name\":\"x\",\"tags\":[]}".repeat(5))?;
    truncated.truncate(truncated.len() - 4);
    let bad_json = Zlib::new()
        .min_len(0)
        .compress(b"{{{{{{{{{{{{{{{{{{{{{{{{{{{{".to_vec())?;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"\x01not a zlib stream".to_vec(), "decompress"),
        (b"\x07abc".to_vec(), "decompress"),
        (Vec::new(), "decompress"),
        (truncated, "decompress"),
        (b"\x00{not json".to_vec(), "deserialize"),
        (b"\x00[1,2]".to_vec(), "deserialize"),
        (bad_json, "deserialize"),
    ];
    for (stored, step) in cases {
        c.set(&rk, stored.as_slice()).await?;
        expect_codec_error(cache.get::<User>(key, "").await, key, &rk, step);
        let computed = cache
            .get_or_compute(key, "", None, || async { Ok::<_, anyredis::Error>(user(2)) })
            .await;
        expect_codec_error(computed, key, &rk, step);
    }
    c.set(&rk, valid.as_slice()).await?;
    assert_eq!(cache.get(key, "").await?, Some(user(1)));

    // A small stored value that would inflate past the bound is refused.
    let bounded = c
        .cache("bomb")
        .compressor(Zlib::new().max_decompressed_len(1000))
        .build();
    c.set(
        bounded.redis_key("b", ""),
        Zlib::new().compress(vec![b' '; 1 << 20])?.as_slice(),
    )
    .await?;
    expect_codec_error(
        bounded.get::<String>("b", "").await,
        "b",
        "bomb:b",
        "more than 1000 bytes",
    );

    // Strings must be UTF-8.
    let text = c.cache("text").no_compression().build();
    c.set("text:t", &b"\xff\xfe"[..]).await?;
    expect_codec_error(text.get::<String>("t", "").await, "t", "text:t", "deserialize");

    // A herd entry with a corrupt value.
    let herd = c.cache("herd").herd().build();
    let hk = herd.redis_key("h", "");
    let _: i64 = c.cmd("HSET").arg(&hk).arg("v").arg("\x09garbage").query().await?;
    expect_codec_error(herd.get::<User>("h", "").await, "h", &hk, "decompress");
    expect_codec_error(herd.lookup::<User>("h", "").await, "h", &hk, "decompress");

    // Random stored bytes: an error or a value, never a panic.
    let mut rng = Rng::new(0xcafe);
    for _ in 0..300 {
        let len = rng.below(40) as usize;
        let mut stored: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        if let Some(first) = stored.first_mut() {
            *first = rng.below(3) as u8;
        }
        c.set(&rk, stored.as_slice()).await?;
        if let Err(err) = cache.get::<User>(key, "").await {
            assert_eq!(err.kind(), ErrorKind::Conversion, "{err}");
        }
        let _ = herd.get::<String>("h", "").await;
    }
    Ok(())
}

fn serde_json_bytes(value: &User) -> Vec<u8> {
    Json.serialize(value).expect("serializable")
}
