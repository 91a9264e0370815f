//! A client that outlives the tokio runtime its connection was driven on
//! (common with `#[tokio::test]` and a shared static client): the dropped
//! driver ends its connection, callers are told, and the next command
//! reconnects on the caller's runtime instead of queueing for ever.

use std::time::Duration;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, Runtime};
use anyredis_test_support::RedisServer;

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

#[test]
fn client_outlives_its_tokio_runtime() {
    let server = RedisServer::new();
    // No response timeout: before the fix the second runtime's command waited for ever.
    let client = ClientBuilder::from_url(&server.url())
        .and_then(|b| b.runtime(Runtime::tokio()).response_timeout(None).build())
        .expect("a client");
    let first = tokio_runtime();
    first.block_on(client.set("k", "v")).expect("SET on the first runtime");
    drop(first);

    let second = tokio_runtime();
    let value = second
        .block_on(async { tokio::time::timeout(Duration::from_secs(20), client.get::<String>("k")).await })
        .expect("the command on the second runtime must not hang")
        .expect("GET on the second runtime");
    assert_eq!(value, "v");
    // The blocking path (pool) recovers the same way.
    let popped = second
        .block_on(async {
            tokio::time::timeout(
                Duration::from_secs(20),
                client.blpop::<String>("empty", Duration::from_millis(50)),
            )
            .await
        })
        .expect("BLPOP must not hang")
        .expect("BLPOP on the second runtime");
    assert_eq!(popped, None);
}
