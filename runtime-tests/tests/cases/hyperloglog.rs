//! HyperLogLog commands against a real server.

use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::TestResult;

/// PFADD, PFCOUNT (one key and a union), PFMERGE, and a wrong-type key.
pub async fn pfadd_count_merge(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    assert!(c.pfadd("h1", ["a", "b", "c"]).await?);
    assert!(!c.pfadd("h1", ["a", "b"]).await?);
    assert!(c.pfadd("h1", "d").await?);
    assert!(c.pfadd("empty", Vec::<&str>::new()).await?);
    assert!(!c.pfadd("empty", Vec::<&str>::new()).await?);
    let many: Vec<String> = (0..1000).map(|i| format!("e{i}")).collect();
    assert!(c.pfadd("h2", &many).await?);

    assert_eq!(c.pfcount("h1").await?, 4);
    assert_eq!(c.pfcount("empty").await?, 0);
    assert_eq!(c.pfcount("missing").await?, 0);
    let estimate = c.pfcount("h2").await?;
    assert!((980..=1020).contains(&estimate), "{estimate}");
    let union = c.pfcount(["h1", "h2"]).await?;
    assert!((984..=1024).contains(&union), "{union}");

    c.pfmerge("merged", ["h1", "h2"]).await?;
    assert_eq!(c.pfcount("merged").await?, union);
    c.pfmerge("merged", Vec::<&str>::new()).await?;
    assert_eq!(c.pfcount("merged").await?, union);
    c.pfmerge("new", ["h1"]).await?;
    assert_eq!(c.pfcount("new").await?, 4);

    c.set("s", "not a hll").await?;
    for err in [
        c.pfadd("s", "x").await.map(drop).unwrap_err(),
        c.pfcount("s").await.map(drop).unwrap_err(),
        c.pfmerge("s", ["h1"]).await.map(drop).unwrap_err(),
    ] {
        assert_eq!(err.code(), Some("WRONGTYPE"), "{err}");
    }
    Ok(())
}
