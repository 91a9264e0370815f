//! String commands against a real server.

use anyredis::prelude::*;
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;
use runtime_tests::TestResult;

/// GET, SET and INCR round trip through the server.
pub async fn get_set_incr(rt: Runtime) -> TestResult {
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("k", "v").await?;
    assert_eq!(c.get::<Option<String>>("k").await?, Some("v".into()));
    assert_eq!(c.incr("n").await?, 1);
    Ok(())
}
