//! Bitmap and bitfield commands against a real server.

use anyredis::commands::{BitEncoding, BitField, BitOffset, BitOp, BitRange, Overflow};
use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::util::needs_version;
use runtime_tests::TestResult;

/// SETBIT, GETBIT, BITCOUNT (bytes and bits), BITPOS (found and not), BITOP.
pub async fn bits_counts_and_ops(rt: Runtime) -> TestResult {
    if !needs_version(
        &rt,
        (7, 0, 0),
        &[&["SET", "k", "v"], &["BITCOUNT", "k", "0", "-1", "BIT"]],
        "syntax error",
    )
    .await?
    {
        return Ok(());
    }
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    // 0x00 0xff 0xf0
    c.set("b", &b"\x00\xff\xf0"[..]).await?;
    assert!(!c.getbit("b", 0).await?);
    assert!(c.getbit("b", 8).await?);
    assert!(!c.getbit("b", 1000).await?);
    assert!(!c.getbit("missing", 3).await?);
    assert!(!c.setbit("b", 7, true).await?);
    assert!(c.setbit("b", 7, true).await?);
    assert!(c.setbit("b", 7, false).await?);
    assert!(!c.setbit("grown", 100, true).await?);
    assert_eq!(c.strlen("grown").await?, 13);

    assert_eq!(c.bitcount("b").await?, 12);
    assert_eq!(c.bitcount("missing").await?, 0);
    assert_eq!(c.bitcount_range("b", BitRange::bytes(1, 1)).await?, 8);
    assert_eq!(c.bitcount_range("b", BitRange::bytes(-1, -1)).await?, 4);
    assert_eq!(c.bitcount_range("b", BitRange::bits(4, 11)).await?, 4);

    assert_eq!(c.bitpos("b", true).await?.get(), Some(8));
    assert_eq!(c.bitpos("b", false).await?.get(), Some(0));
    assert_eq!(
        c.bitpos_range("b", false, BitRange::bytes(1, -1)).await?.get(),
        Some(20)
    );
    assert_eq!(c.bitpos_range("b", true, BitRange::bits(17, 23)).await?.get(), Some(17));
    assert_eq!(c.bitpos_range("b", false, BitRange::bytes(1, 1)).await?.get(), None);
    assert_eq!(c.bitpos("missing", true).await?.get(), None);
    c.set("ones", &b"\xff"[..]).await?;
    assert_eq!(Option::<u64>::from(c.bitpos("ones", false).await?), Some(8));

    c.set("x", &b"\x0f\xf0"[..]).await?;
    c.set("y", &b"\xff"[..]).await?;
    assert_eq!(c.bitop(BitOp::And, "and", ["x", "y"]).await?, 2);
    assert_eq!(c.get::<Vec<u8>>("and").await?, b"\x0f\x00");
    assert_eq!(c.bitop(BitOp::Or, "or", ("x", "y")).await?, 2);
    assert_eq!(c.get::<Vec<u8>>("or").await?, b"\xff\xf0");
    assert_eq!(c.bitop(BitOp::Xor, "xor", vec!["x", "y"]).await?, 2);
    assert_eq!(c.get::<Vec<u8>>("xor").await?, b"\xf0\xf0");
    assert_eq!(c.bitop(BitOp::Not, "not", "x").await?, 2);
    assert_eq!(c.get::<Vec<u8>>("not").await?, b"\xf0\x0f");
    assert_eq!(c.bitop(BitOp::And, "empty", ["missing"]).await?, 0);
    let err = c.bitop(BitOp::Not, "not", ["x", "y"]).await.unwrap_err();
    assert_eq!(err.code(), Some("ERR"), "{err}");

    c.cmd("RPUSH").arg("list").arg("v").query::<()>().await?;
    for err in [
        c.getbit("list", 0).await.map(drop).unwrap_err(),
        c.setbit("list", 0, true).await.map(drop).unwrap_err(),
        c.bitcount("list").await.map(drop).unwrap_err(),
        c.bitpos("list", true).await.map(drop).unwrap_err(),
        c.bitop(BitOp::Or, "d", ["list"]).await.map(drop).unwrap_err(),
    ] {
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
    }
    Ok(())
}

/// BITFIELD GET/SET/INCRBY with each OVERFLOW mode and `#` offsets, and BITFIELD_RO,
/// on RESP3 and RESP2.
pub async fn bitfield(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    for url in [server.url(), format!("{}?protocol=2", server.url())] {
        let c = client(&url, &rt)?;
        let (u8, i8, u4) = (
            BitEncoding::unsigned(8),
            BitEncoding::signed(8),
            BitEncoding::unsigned(4),
        );
        c.del("f").await?;

        let ops = BitField::new()
            .set(u8, BitOffset::index(1), 200)
            .get(u8, 8u64)
            .incrby(u8, BitOffset::index(1), 100)
            .overflow(Overflow::Sat)
            .incrby(u8, BitOffset::index(1), 250)
            .overflow(Overflow::Fail)
            .incrby(u8, BitOffset::index(1), 1)
            .set(i8, 0u64, -3)
            .get(i8, BitOffset::bit(0))
            .get(u4, 0u64);
        assert_eq!(
            c.bitfield("f", &ops).await?,
            [
                Some(0),
                Some(200),
                Some(44),
                Some(255),
                None,
                Some(0),
                Some(-3),
                Some(15)
            ],
            "{url}"
        );
        let wrap = BitField::new().overflow(Overflow::Wrap).incrby(i8, 0u64, -126);
        assert_eq!(c.bitfield("f", &wrap).await?, [Some(127)]);
        assert_eq!(c.bitfield("f", &BitField::new()).await?, Vec::<Option<i64>>::new());

        let reads = BitField::new()
            .get(u8, BitOffset::index(0))
            .get(u8, BitOffset::index(1))
            .get(u4, 12u64);
        assert_eq!(c.bitfield_ro("f", &reads).await?, [127, 255, 15]);
        assert_eq!(c.bitfield_ro("missing", &reads).await?, [0, 0, 0]);
        let err = c.bitfield_ro("f", &BitField::new().set(u8, 0u64, 1)).await.unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "{err}");
        let err = c
            .bitfield("f", &BitField::new().get(BitEncoding::unsigned(64), 0u64))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("ERR"), "{err}");
        c.cmd("SADD").arg("set").arg("v").query::<()>().await?;
        let err = c.bitfield("set", &reads).await.unwrap_err();
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
    }
    Ok(())
}
