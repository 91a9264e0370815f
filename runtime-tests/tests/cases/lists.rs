//! List commands against a real server, over RESP3 and RESP2.

use std::time::{Duration, Instant};

use anyredis::commands::{InsertPosition, LinsertReply, LposOptions, MinMax, Side};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use futures_util::future::join;
use runtime_tests::util::needs_version;
use runtime_tests::util::{client, info_field, sleep};
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

/// The whole list at `key`.
async fn all(c: &Client, key: &str) -> anyredis::Result<Vec<String>> {
    c.lrange(key, 0, -1).await
}

/// Asserts that `result` is a server error with `code`.
fn assert_code<T: std::fmt::Debug>(result: anyredis::Result<T>, code: &str) {
    match result {
        Err(err) => assert_eq!(err.code(), Some(code), "{err}"),
        Ok(v) => panic!("expected a {code} error, got {v:?}"),
    }
}

/// Pushes, reads by index and range, edits in place and pops.
pub async fn push_edit_pop(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;

        // Pushes return the new length; X variants do nothing without a list.
        assert_eq!(c.lpushx("l", "x").await?, 0);
        assert_eq!(c.rpushx("l", ["x", "y"]).await?, 0);
        assert_eq!(c.llen("l").await?, 0);
        assert_eq!(c.rpush("l", "c").await?, 1);
        assert_eq!(c.lpush("l", ["b", "a"]).await?, 3); // a b c
        assert_eq!(c.rpush("l", ("d", 5)).await?, 5);
        assert_eq!(c.lpushx("l", "z").await?, 6);
        assert_eq!(c.rpushx("l", vec!["e"]).await?, 7);
        assert_eq!(all(&c, "l").await?, ["z", "a", "b", "c", "d", "5", "e"]);
        assert_eq!(c.llen("l").await?, 7);
        assert_eq!(c.llen("missing").await?, 0);

        // Ranges and indexes, negative from the tail.
        assert_eq!(c.lrange::<Vec<String>>("l", 1, 2).await?, ["a", "b"]);
        assert_eq!(c.lrange::<Vec<String>>("l", -2, -1).await?, ["5", "e"]);
        assert_eq!(c.lrange::<Vec<String>>("l", 5, 1).await?, Vec::<String>::new());
        assert_eq!(c.lrange::<Vec<String>>("missing", 0, -1).await?, Vec::<String>::new());
        assert_eq!(c.lindex::<Option<String>>("l", 0).await?, Some("z".into()));
        assert_eq!(c.lindex::<Option<i64>>("l", -2).await?, Some(5));
        assert_eq!(c.lindex::<Option<String>>("l", 100).await?, None);
        assert_eq!(c.lindex::<Option<String>>("missing", 0).await?, None);

        // LSET, and its errors.
        c.lset("l", -1, "E").await?;
        c.lset("l", 0, b"\x00bin".as_slice()).await?;
        assert_eq!(c.lindex::<Option<Vec<u8>>>("l", 0).await?, Some(b"\x00bin".to_vec()));
        assert_code(c.lset("l", 100, "x").await, "ERR");
        assert_code(c.lset("missing", 0, "x").await, "ERR");
        c.lpop::<Option<String>>("l").await?; // a b c d 5 E

        // LINSERT: the new length, pivot not found, no list.
        assert_eq!(
            c.linsert("l", InsertPosition::Before, "c", "b2").await?,
            LinsertReply::Length(7)
        );
        assert_eq!(
            c.linsert("l", InsertPosition::After, "c", "c2").await?,
            LinsertReply::Length(8)
        );
        assert_eq!(
            c.linsert("l", InsertPosition::After, "nope", "x").await?,
            LinsertReply::PivotNotFound
        );
        assert_eq!(
            c.linsert("missing", InsertPosition::Before, "a", "x").await?,
            LinsertReply::Length(0)
        );
        assert_eq!(all(&c, "l").await?, ["a", "b", "b2", "c", "c2", "d", "5", "E"]);

        // LREM from the head, from the tail, all.
        c.rpush("r", ["x", "a", "x", "b", "x", "c", "x"]).await?;
        assert_eq!(c.lrem("r", 1, "x").await?, 1);
        assert_eq!(all(&c, "r").await?, ["a", "x", "b", "x", "c", "x"]);
        assert_eq!(c.lrem("r", -2, "x").await?, 2);
        assert_eq!(all(&c, "r").await?, ["a", "x", "b", "c"]);
        assert_eq!(c.lrem("r", 0, "x").await?, 1);
        assert_eq!(c.lrem("r", 0, "x").await?, 0);
        assert_eq!(c.lrem("missing", 0, "x").await?, 0);

        // LTRIM keeps a range; an empty range deletes the list.
        c.ltrim("l", 1, -2).await?;
        assert_eq!(all(&c, "l").await?, ["b", "b2", "c", "c2", "d", "5"]);
        c.ltrim("l", -3, -1).await?;
        assert_eq!(all(&c, "l").await?, ["c2", "d", "5"]);

        // Pops: one, several, nil and empty.
        assert_eq!(c.rpop::<Option<u32>>("l").await?, Some(5));
        assert_eq!(c.lpop::<Option<String>>("l").await?, Some("c2".into()));
        c.rpush("l", ["e", "f", "g"]).await?; // d e f g
        assert_eq!(c.lpop_count::<Vec<String>>("l", 2).await?, ["d", "e"]);
        assert_eq!(c.rpop_count::<Vec<String>>("l", 5).await?, ["g", "f"]);
        assert_eq!(c.lpop::<Option<String>>("l").await?, None);
        assert_eq!(c.rpop::<Option<String>>("l").await?, None);
        assert_eq!(c.lpop_count::<Vec<String>>("l", 3).await?, Vec::<String>::new());
        assert_eq!(c.rpop_count::<Vec<String>>("l", 3).await?, Vec::<String>::new());

        // A string is not a list.
        c.set("s", "v").await?;
        assert_code(c.lpush("s", "x").await, "WRONGTYPE");
        assert_code(c.llen("s").await, "WRONGTYPE");
        assert_code(c.lrange::<Vec<String>>("s", 0, -1).await, "WRONGTYPE");
        assert_code(c.lpop::<Option<String>>("s").await, "WRONGTYPE");
        assert_code(c.lpos("s", "v").await, "WRONGTYPE");
        assert_code(
            c.lmove::<Option<String>>("s", "d", Side::Left, Side::Left).await,
            "WRONGTYPE",
        );
    }
    Ok(())
}

/// LPOS with RANK, COUNT and MAXLEN.
pub async fn lpos_options(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;
        //                0    1    2    3    4    5    6    7
        c.rpush("l", ["a", "b", "c", "1", "2", "3", "c", "c"]).await?;
        assert_eq!(c.lpos("l", "c").await?, Some(2));
        assert_eq!(c.lpos("l", 3).await?, Some(5));
        assert_eq!(c.lpos("l", "z").await?, None);
        assert_eq!(c.lpos("missing", "a").await?, None);

        let opts = LposOptions::new();
        assert_eq!(c.lpos_options("l", "c", opts.rank(2)).await?, Some(6));
        assert_eq!(c.lpos_options("l", "c", opts.rank(-1)).await?, Some(7));
        assert_eq!(c.lpos_options("l", "c", opts.rank(-3)).await?, Some(2));
        assert_eq!(c.lpos_options("l", "c", opts.rank(4)).await?, None);
        assert_eq!(c.lpos_options("l", "c", opts.maxlen(2)).await?, None);
        assert_eq!(c.lpos_options("l", "c", opts.maxlen(3)).await?, Some(2));
        assert_eq!(c.lpos_options("l", "c", opts.rank(-1).maxlen(1)).await?, Some(7));
        assert_code(c.lpos_options("l", "c", opts.rank(0)).await, "ERR");

        assert_eq!(c.lpos_count("l", "c", 0, opts).await?, [2, 6, 7]);
        assert_eq!(c.lpos_count("l", "c", 2, opts).await?, [2, 6]);
        assert_eq!(c.lpos_count("l", "c", 0, opts.rank(-1)).await?, [7, 6, 2]);
        assert_eq!(c.lpos_count("l", "c", 0, opts.rank(2).maxlen(7)).await?, [6]);
        assert_eq!(c.lpos_count("l", "z", 0, opts).await?, Vec::<u64>::new());
        assert_eq!(c.lpos_count("missing", "z", 1, opts).await?, Vec::<u64>::new());
    }
    Ok(())
}

/// LMOVE in every direction, RPOPLPUSH and LMPOP.
pub async fn move_and_mpop(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["LMPOP", "1", "k", "LEFT"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;
        c.rpush("src", ["a", "b", "c", "d", "e"]).await?;

        assert_eq!(
            c.lmove::<Option<String>>("src", "dst", Side::Left, Side::Right).await?,
            Some("a".into())
        );
        assert_eq!(
            c.lmove::<Option<String>>("src", "dst", Side::Right, Side::Left).await?,
            Some("e".into())
        );
        assert_eq!(
            c.lmove::<Option<String>>("src", "dst", Side::Left, Side::Left).await?,
            Some("b".into())
        );
        assert_eq!(
            c.lmove::<Option<String>>("src", "dst", Side::Right, Side::Right)
                .await?,
            Some("d".into())
        );
        assert_eq!(all(&c, "dst").await?, ["b", "e", "a", "d"]);
        assert_eq!(c.rpoplpush::<Option<String>>("src", "dst").await?, Some("c".into()));
        assert_eq!(all(&c, "dst").await?, ["c", "b", "e", "a", "d"]);
        assert_eq!(c.llen("src").await?, 0);
        assert_eq!(
            c.lmove::<Option<String>>("src", "dst", Side::Left, Side::Left).await?,
            None
        );
        assert_eq!(c.rpoplpush::<Option<String>>("src", "dst").await?, None);
        // Rotating a list onto itself.
        assert_eq!(c.rpoplpush::<Option<String>>("dst", "dst").await?, Some("d".into()));
        assert_eq!(all(&c, "dst").await?, ["d", "c", "b", "e", "a"]);

        // LMPOP takes the first non-empty list; the reply names it.
        c.rpush("second", ["1", "2", "3"]).await?;
        assert_eq!(
            c.lmpop::<Option<(String, Vec<String>)>>(["empty", "second", "dst"], Side::Left, 2)
                .await?,
            Some(("second".to_owned(), vec!["1".to_owned(), "2".to_owned()]))
        );
        assert_eq!(
            c.lmpop::<Option<(String, Vec<u16>)>>(("empty", "second"), Side::Right, 10)
                .await?,
            Some(("second".to_owned(), vec![3]))
        );
        assert_eq!(
            c.lmpop::<Option<(String, Vec<String>)>>(vec!["dst"], Side::Right, 2)
                .await?,
            Some(("dst".to_owned(), vec!["a".to_owned(), "e".to_owned()]))
        );
        assert_eq!(
            c.lmpop::<Option<(String, Vec<String>)>>(["empty", "second"], Side::Left, 1)
                .await?,
            None
        );
        assert_code(
            c.lmpop::<Option<(String, Vec<String>)>>("dst", Side::Left, 0).await,
            "ERR",
        );
        c.set("s", "v").await?;
        assert_code(
            c.lmpop::<Option<(String, Vec<String>)>>(["s"], Side::Left, 1).await,
            "WRONGTYPE",
        );
    }
    Ok(())
}

/// The blocking pops on a dedicated connection: immediate when data is there,
/// `None` on timeout, and a real wait released by a push from the shared client.
pub async fn blocking_pops(rt: Runtime) -> TestResult {
    if !needs_version(&rt, (7, 0, 0), &[&["BLMPOP", "1", "1", "k", "LEFT"]], "unknown command").await? {
        return Ok(());
    }
    let server = RedisServer::new();
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;
        let d = c.dedicated().await?;
        let short = Duration::from_millis(50);

        // With data present, nothing waits (a zero timeout would wait forever).
        c.rpush("a", ["1", "2", "3", "4", "5", "6"]).await?;
        assert_eq!(
            d.blpop::<Option<(String, String)>>(["empty", "a"], Duration::ZERO)
                .await?,
            Some(("a".to_owned(), "1".to_owned()))
        );
        assert_eq!(
            d.brpop::<Option<(String, u16)>>("a", short).await?,
            Some(("a".to_owned(), 6))
        );
        assert_eq!(
            d.blmove::<Option<String>>("a", "b", Side::Left, Side::Right, Duration::ZERO)
                .await?,
            Some("2".into())
        );
        assert_eq!(d.brpoplpush::<Option<String>>("a", "b", short).await?, Some("5".into()));
        assert_eq!(
            d.blmpop::<Option<(String, Vec<String>)>>(["empty", "a"], Side::Left, 5, Duration::ZERO)
                .await?,
            Some(("a".to_owned(), vec!["3".to_owned(), "4".to_owned()]))
        );
        assert_eq!(all(&c, "b").await?, ["5", "2"]);

        // Empty lists: each one times out with None, after about the timeout.
        let started = Instant::now();
        assert_eq!(d.blpop::<Option<(String, String)>>(["a", "empty"], short).await?, None);
        assert_eq!(d.brpop::<Option<(String, String)>>("a", short).await?, None);
        assert_eq!(
            d.blmove::<Option<String>>("a", "b", Side::Right, Side::Left, short)
                .await?,
            None
        );
        assert_eq!(d.brpoplpush::<Option<String>>("a", "b", short).await?, None);
        assert_eq!(
            d.blmpop::<Option<(String, Vec<String>)>>("a", Side::Right, 1, short)
                .await?,
            None
        );
        assert!(started.elapsed() >= short * 5, "{:?}", started.elapsed());

        // A real wait: the dedicated connection blocks until the shared client pushes.
        let wait = Duration::from_secs(10);
        let started = Instant::now();
        let (popped, pushed) = join(d.brpop::<Option<(String, String)>>(["q1", "q2"], wait), async {
            wait_until_blocked(&c).await?;
            c.rpush("q2", ["x", "y"]).await
        })
        .await;
        assert_eq!(popped?, Some(("q2".to_owned(), "y".to_owned())));
        assert_eq!(pushed?, 2);
        let (moved, pushed) = join(
            d.blmove::<Option<String>>("q3", "q2", Side::Left, Side::Left, wait),
            async {
                wait_until_blocked(&c).await?;
                c.lpush("q3", "z").await
            },
        )
        .await;
        assert_eq!(moved?, Some("z".into()));
        assert_eq!(pushed?, 1);
        let (popped, pushed) = join(
            d.blmpop::<Option<(String, Vec<String>)>>("q4", Side::Right, 3, wait),
            async {
                wait_until_blocked(&c).await?;
                c.rpush("q4", ["m", "n"]).await
            },
        )
        .await;
        assert_eq!(popped?, Some(("q4".to_owned(), vec!["n".to_owned(), "m".to_owned()])));
        assert_eq!(pushed?, 2);
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        assert_eq!(all(&c, "q2").await?, ["z", "x"]);

        // A blocking pop on the wrong type fails at once.
        c.set("s", "v").await?;
        assert_code(
            d.blpop::<Option<(String, String)>>("s", Duration::ZERO).await,
            "WRONGTYPE",
        );
    }
    Ok(())
}

/// Replies shaped by the caller: binary key names and elements from the blocking
/// and multi-key pops (not UTF-8, so a `String` would fail), nil as `None`, and the
/// collection of one's choice.
pub async fn binary_replies(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let key: &[u8] = b"q\xff";
    let elements: [&[u8]; 3] = [b"\x00\xfe", b"\xc3\x28", b"ok"];
    for url in urls(&server) {
        let c = fresh(&url, &rt).await?;
        let d = c.dedicated().await?;
        c.rpush(key, elements).await?;

        let popped: Option<(Vec<u8>, Vec<u8>)> = d.blpop(key, Duration::ZERO).await?;
        assert_eq!(popped, Some((key.to_vec(), elements[0].to_vec())));
        let err = d
            .brpop::<Option<(String, String)>>(key, Duration::ZERO)
            .await
            .unwrap_err();
        assert!(err.is_conversion(), "{err}");
        let head: Option<Vec<u8>> = c.lindex(key, 0).await?;
        assert_eq!(head.as_deref(), Some(elements[1]));
        let rest: std::collections::VecDeque<Vec<u8>> = c.lrange(key, 0, -1).await?;
        assert_eq!(rest, [elements[1]]);
        if runtime_tests::util::server_version() >= (7, 0, 0) {
            let popped: Option<(Vec<u8>, Vec<Vec<u8>>)> = c.lmpop(["empty", "x"], Side::Left, 5).await?;
            assert_eq!(popped, None);
            let popped: Option<(bytes::Bytes, Vec<bytes::Bytes>)> = c.lmpop(key, Side::Left, 5).await?;
            assert_eq!(popped, Some((key.into(), vec![elements[1].into()])));
        } else {
            // LMPOP is Redis 7.0+.
            let popped: Option<Vec<u8>> = c.lpop(key).await?;
            assert_eq!(popped.as_deref(), Some(elements[1]));
        }
        let gone: Option<Vec<u8>> = c.lpop(key).await?;
        assert_eq!(gone, None);
    }
    Ok(())
}

/// Blocking timeouts below the server's resolution (1 µs, 1 ms) are raised to
/// 10 ms and time out (Redis 6.2 never answers `BLPOP k 0.001`); an enormous
/// one (`Duration::MAX`) is accepted by the server. On the shared client and on
/// a dedicated connection.
pub async fn sub_resolution_timeouts(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = fresh(&server.url(), &rt).await?;
    let d = c.dedicated().await?;
    for tiny in [
        Duration::from_nanos(1),
        Duration::from_micros(1),
        Duration::from_millis(1),
    ] {
        assert_eq!(c.blpop::<Option<(String, String)>>("empty", tiny).await?, None);
        assert_eq!(d.brpop::<Option<(String, String)>>("empty", tiny).await?, None);
        assert_eq!(
            d.blmove::<Option<String>>("empty", "b", Side::Left, Side::Left, tiny)
                .await?,
            None
        );
        assert_eq!(c.bzpopmin::<Option<(String, String, f64)>>("zempty", tiny).await?, None);
        if runtime_tests::util::server_version() >= (7, 0, 0) {
            // BLMPOP and BZMPOP are Redis 7.0+.
            assert_eq!(
                c.blmpop::<Option<(String, Vec<String>)>>("empty", Side::Left, 1, tiny)
                    .await?,
                None
            );
            assert_eq!(
                d.bzmpop::<Option<(String, Vec<(String, f64)>)>>(tiny, "zempty", MinMax::Max, 1)
                    .await?,
                None
            );
        }
    }
    // Parsed before the lists are looked at: the server accepts the clamped value.
    c.rpush("full", ["1", "2"]).await?;
    assert_eq!(
        d.blpop::<Option<(String, String)>>("full", Duration::MAX).await?,
        Some(("full".to_owned(), "1".to_owned()))
    );
    c.zadd("z", [(1.0, "m")]).await?;
    assert_eq!(
        c.bzpopmax::<Option<(String, String, f64)>>("z", Duration::MAX).await?,
        Some(("z".to_owned(), "m".to_owned(), 1.0))
    );
    Ok(())
}

/// Waits until the server reports one blocked client.
async fn wait_until_blocked(c: &Client) -> anyredis::Result<()> {
    loop {
        let info: String = c.cmd("INFO").arg("clients").query().await?;
        if info_field(&info.replace(':', "="), "blocked_clients") == Some("1") {
            return Ok(());
        }
        sleep(Duration::from_millis(5)).await;
    }
}
