//! Allocations per command (see `allocations.rs`).

use std::sync::Mutex;

use anyredis::prelude::*;
use anyredis::value::{Args, ToArgs};
use anyredis::Runtime;
use anyredis_test_support::RedisServer;
use bytes::{Bytes, BytesMut};
use runtime_tests::util::client;
use runtime_tests::TestResult;

/// One case at a time: the counter is process-wide.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Sequential GETs measured (after as many to warm up).
const GETS: u64 = 2_000;

/// Building a GET or a 16-byte SET (the typed method's future, and the
/// arguments encoded into a connection-sized buffer) allocates nothing: the
/// write path of a small command is allocation-free. Larger arguments do
/// allocate (checked, so the count is known to be live).
#[allow(clippy::await_holding_lock)]
pub async fn small_commands_allocate_nothing_until_sent(rt: Runtime) -> TestResult {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // A client that never connects: nothing runs in the background.
    let c = Client::builder().host("127.0.0.1", 1).runtime(rt).build()?;
    let mut out = BytesMut::with_capacity(64 * 1024);
    let value = [b'v'; 16];
    let keys: Vec<String> = (0..1_000).map(|i| format!("key:{i:06}")).collect();

    // The counter is process-wide and the runtime's own threads may allocate
    // now and then: each figure is the least of five tries.
    let gets = fewest(|| {
        for key in &keys {
            drop(std::hint::black_box(c.get::<Option<Bytes>>(key.as_str())));
        }
    });
    let sets = fewest(|| {
        for key in &keys {
            drop(std::hint::black_box(c.set(key.as_str(), &value[..])));
        }
    });
    let encoded = fewest(|| {
        for key in &keys {
            let mut args = Args::new();
            ("SET", key.as_str(), &value[..]).write_args(&mut args);
            args.write_frame(&mut out);
            out.clear();
        }
    });
    assert_eq!(
        (gets, sets, encoded),
        (0, 0, 0),
        "allocations for 1,000 GET futures, SET futures, encoded SETs"
    );

    let big = vec![b'x'; 4096];
    let before = crate::allocations();
    let mut args = Args::new();
    ("SET", "k", &big[..]).write_args(&mut args);
    assert!(crate::allocations() > before, "a 4 KiB argument goes to the heap");
    Ok(())
}

/// The fewest allocations `run` made in five tries.
fn fewest(mut run: impl FnMut()) -> u64 {
    (0..5)
        .map(|_| {
            let before = crate::allocations();
            run();
            crate::allocations() - before
        })
        .min()
        .unwrap_or(u64::MAX)
}

/// A GET of a 16-byte value, one at a time on one client. anyredis's own
/// share is close to nothing: reply slots are reused (a new one only when the
/// driver still held the last one as its caller finished), and the read
/// buffer grows now and then: tokio shows about 50 for 2,000 GETs. On smol and
/// async-std, async-io's reactor allocates on each turn while a timer is
/// registered (`BTreeMap::split_off` in `process_timers`, a `Vec` of wakers in
/// `drain_into`; seen with valgrind's DHAT): 3 to 7 more per round trip
/// depending on how many turns it takes, not ours. The precise bound is
/// tokio's; the others only catch a gross regression.
#[allow(clippy::await_holding_lock)]
pub async fn allocations_per_get_are_bounded(rt: Runtime) -> TestResult {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let server = RedisServer::new();
    let c = client(&server.url(), &rt)?;
    c.set("small", &[b's'; 16][..]).await?;
    for _ in 0..GETS {
        c.get::<Option<Bytes>>("small").await?;
    }
    let before = crate::allocations();
    for _ in 0..GETS {
        let got = c.get::<Option<Bytes>>("small").await?;
        assert_eq!(got.as_deref(), Some(&[b's'; 16][..]));
    }
    let spent = crate::allocations() - before;
    eprintln!("{}: {spent} allocations for {GETS} GETs", rt.name());
    let bound = match rt.name() {
        "tokio" => GETS / 10,
        _ => 20 * GETS,
    };
    assert!(spent <= bound, "{spent} allocations for {GETS} GETs on {}", rt.name());
    Ok(())
}
