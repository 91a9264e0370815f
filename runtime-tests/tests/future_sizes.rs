//! The futures users await stay small: a 33 KB pipeline future (the pool's
//! connect inlined) overflowed the 2 MB stack of a test thread under
//! async-std's `block_on`, which polls on the caller's stack. Bounds are
//! generous multiples of what debug builds measure today.

use std::mem::size_of_val;

use anyredis::prelude::*;
use anyredis::{ClientBuilder, Runtime};

#[test]
fn user_facing_futures_stay_small() {
    // Lazy: nothing connects, only the futures' sizes are looked at.
    let c = ClientBuilder::from_url("redis://127.0.0.1:1")
        .and_then(|b| b.runtime(Runtime::smol()).build())
        .expect("a lazy client");
    let pipe = c.pipeline();
    let lock = c.lock("k").build().expect("a lock");
    let redlock = anyredis::lock::Redlock::builder([c.clone()], "k")
        .build()
        .expect("a redlock");
    let (cache, herd) = (c.cache("c").build(), c.cache("h").herd().build());
    let checks = [
        ("GET", size_of_val(&c.get::<String>("k")), 512),
        (
            "BLPOP",
            size_of_val(&c.blpop::<Value>("k", std::time::Duration::ZERO)),
            512,
        ),
        ("Pipeline::query", size_of_val(&pipe.query::<Value>()), 8 * 1024),
        (
            "Client::transaction",
            size_of_val(&c.transaction::<_, Value, _, _>("k", |tx| async move { Ok(tx.pipeline()) })),
            8 * 1024,
        ),
        ("Client::dedicated", size_of_val(&c.dedicated()), 4 * 1024),
        ("Client::connect", size_of_val(&c.connect()), 1024),
        ("Client::close", size_of_val(&c.close()), 1024),
        ("Lock::acquire", size_of_val(&lock.acquire()), 1024),
        ("Lock::try_acquire", size_of_val(&lock.try_acquire()), 1024),
        ("Redlock::acquire", size_of_val(&redlock.acquire()), 1024),
        (
            "StreamConsumerBuilder::start",
            size_of_val(&c.stream_consumer("s", "g", "c").start::<Value>()),
            4 * 1024,
        ),
        ("Cache::get", size_of_val(&cache.get::<String>("k", "")), 2 * 1024),
        (
            "Cache::set",
            size_of_val(&cache.set("k", &String::new(), "", None)),
            2 * 1024,
        ),
        ("HerdCache::get", size_of_val(&herd.get::<String>("k", "")), 4 * 1024),
        (
            "Cache::get_or_compute",
            size_of_val(&cache.get_or_compute("k", "", None, || async { Ok::<_, Error>(String::new()) })),
            4 * 1024,
        ),
        (
            "HerdCache::get_or_compute",
            size_of_val(&herd.get_or_compute("k", "", None, || async { Ok::<_, Error>(String::new()) })),
            4 * 1024,
        ),
    ];
    for (what, size, limit) in checks {
        assert!(size <= limit, "the future of {what} is {size} bytes (limit {limit})");
    }
}
