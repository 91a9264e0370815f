//! Small helpers shared by the cases.

use std::time::Duration;

use anyredis::{Client, ClientBuilder, Runtime};

/// A client for `url` on `rt` (the tests enable every runtime feature, so
/// the runtime is always chosen explicitly).
pub fn client(url: &str, rt: &Runtime) -> anyredis::Result<Client> {
    ClientBuilder::from_url(url)?.runtime(rt.clone()).build()
}

/// Sleeps on the runtime-neutral async-io timer.
pub async fn sleep(duration: Duration) {
    async_io::Timer::after(duration).await;
}

/// One `key=value` field of a `CLIENT INFO` / `CLIENT LIST` line.
pub fn info_field<'a>(info: &'a str, key: &str) -> Option<&'a str> {
    info.split_whitespace()
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

/// A small deterministic pseudo-random generator for tests (xorshift64).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; 0 is replaced).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}
