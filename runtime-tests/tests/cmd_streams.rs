//! Stream, scripting/function and pub/sub publishing commands, on every runtime.

mod cases {
    pub mod pubsub;
    pub mod scripting;
    pub mod streams;
}

use anyredis::{Client, Runtime};
use anyredis_test_support::RedisServer;
use runtime_tests::util::client;

/// A RESP3 client and a RESP2 client of `server`, for checking both reply forms.
pub fn both_protocols(server: &RedisServer, rt: &Runtime) -> anyredis::Result<[Client; 2]> {
    Ok([
        client(&server.url(), rt)?,
        client(&format!("{}?protocol=2", server.url()), rt)?,
    ])
}

runtime_tests::per_runtime! { local:
    streams: [add_range_trim, read_and_groups, claim_and_pending, info_and_setid, blocking_reads],
    scripting: [eval_and_script_cache, functions, busy_scripts],
    pubsub: [publish_and_introspection],
}
