//! Peak memory of a slow consumer per delivery policy (see `pubsub_memory.rs`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyredis::prelude::*;
use anyredis::pubsub::{DeliveryPolicy, Message};
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use runtime_tests::cases::pubsub_faults::{publish_many, slow_subscriber};
use runtime_tests::util::{client, sleep};
use runtime_tests::TestResult;

/// One case at a time: the allocator's peak is process-wide.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const PUBLISHED: usize = 100_000;
const PAYLOAD: usize = 100;
const BOUND: usize = 1000;

/// 100,000 messages of 100 bytes (10 MB) published as fast as possible to a
/// consumer that sleeps until the publisher is done: for every policy the
/// process's heap grows by far less than what was published (the buffer's
/// bound, the read buffer and the publisher's pipelines), and for the drop
/// policies delivered + dropped == published.
// Each case runs on its own thread (its runtime's block_on): holding the lock
// across awaits is the point, it keeps the other runtimes' cases out.
#[allow(clippy::await_holding_lock)]
pub async fn slow_consumer_memory_is_bounded(rt: Runtime) -> TestResult {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    for policy in [
        DeliveryPolicy::Backpressure,
        DeliveryPolicy::DropOldest,
        DeliveryPolicy::DropNewest,
    ] {
        let p = slow_subscriber(&c, "firehose", BOUND, policy).await?;
        c.ping().await?;
        let before = crate::live();
        crate::reset_peak();
        publish_many(&c, "firehose", PUBLISHED, PAYLOAD).await?;
        // Give the subscriber's connection time to fill the buffer.
        sleep(Duration::from_millis(200)).await;
        let (mut delivered, deadline) = (0u64, Instant::now() + Duration::from_secs(60));
        while delivered + p.dropped() < PUBLISHED as u64 && Instant::now() < deadline {
            match p.get_message(Duration::from_secs(2)).await? {
                Some(Message::Published(_)) => delivered += 1,
                Some(Message::Dropped { .. }) => {}
                Some(other) => return Err(format!("unexpected {other:?}").into()),
                None => break,
            }
        }
        let grown = crate::peak().saturating_sub(before);
        println!(
            "{} {policy:?}: peak heap growth {} KiB for {} KiB published; delivered {delivered}, dropped {}",
            rt.name(),
            grown / 1024,
            PUBLISHED * PAYLOAD / 1024,
            p.dropped()
        );
        assert_eq!(delivered + p.dropped(), PUBLISHED as u64, "{policy:?}");
        // The buffer's share is about BOUND * (PAYLOAD + overhead) = 0.2 MB;
        // everything published would be 10 MB plus per-message overhead.
        assert!(grown < 4 << 20, "{policy:?}: the heap grew by {grown} bytes");
        p.close().await;
    }
    Ok(())
}
