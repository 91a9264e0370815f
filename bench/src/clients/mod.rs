//! One adapter per client library, all behind [`Handle`]: the scenarios are
//! written once and each library is called the way its documentation shows.
//!
//! A handle is cloned into every task; clones share one connection (anyredis
//! `Client`, redis-rs `MultiplexedConnection`, fred `Client`, rustis `Client`).

use std::future::Future;

pub mod anyredis;
pub mod fred;
pub mod redis_rs;
pub mod rustis;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub trait Handle: Clone + Send + Sync + 'static {
    /// What a GET returns, in the library's natural byte type.
    type Val: AsRef<[u8]> + Send;

    fn get(&mut self, key: &str) -> impl Future<Output = Result<Option<Self::Val>, Error>> + Send;

    /// SET; a server error is an `Err`.
    fn set(&mut self, key: &str, value: &[u8]) -> impl Future<Output = Result<(), Error>> + Send;

    /// One pipeline of `SET key value` for each key, sent in one go, every reply checked to be OK.
    fn pipeline_set(&mut self, keys: &[String], value: &[u8]) -> impl Future<Output = Result<(), Error>> + Send;

    /// False when the library build has no pipeline support (the scenario then reports n/a).
    fn has_pipelines(&self) -> bool {
        true
    }
}

/// Fails unless `replies` are `n` OKs, as judged by `is_ok`.
pub fn check_oks<T: std::fmt::Debug>(replies: &[T], n: usize, is_ok: impl Fn(&T) -> bool) -> Result<(), Error> {
    if replies.len() != n {
        return Err(format!("pipeline returned {} replies for {n} commands", replies.len()).into());
    }
    match replies.iter().find(|r| !is_ok(r)) {
        Some(bad) => Err(format!("pipeline SET replied {bad:?}").into()),
        None => Ok(()),
    }
}

/// The clients the benchmark knows, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    AnyredisTokio,
    RedisRs,
    Fred,
    Rustis,
    AnyredisSmol,
    AnyredisAsyncStd,
    /// anyredis-tokio with a hook that does nothing (`ClientBuilder::hook`):
    /// what the hook machinery costs. Only when asked for (`--clients`).
    AnyredisTokioHook,
    /// The server's own `redis-benchmark` (a child process, not a library; see
    /// [`crate::refbench`]): the reference the issue-12 targets are set against.
    RedisBenchmark,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::AnyredisTokio,
        Kind::RedisRs,
        Kind::Fred,
        Kind::Rustis,
        Kind::AnyredisSmol,
        Kind::AnyredisAsyncStd,
        Kind::AnyredisTokioHook,
        Kind::RedisBenchmark,
    ];

    /// The clients run when `--clients` is not given.
    pub fn default_kinds() -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|k| *k != Kind::AnyredisTokioHook)
            .collect()
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::AnyredisTokio => "anyredis-tokio",
            Kind::RedisRs => "redis-rs",
            Kind::Fred => "fred",
            Kind::Rustis => "rustis",
            Kind::AnyredisSmol => "anyredis-smol",
            Kind::AnyredisAsyncStd => "anyredis-async-std",
            Kind::AnyredisTokioHook => "anyredis-tokio-hook",
            Kind::RedisBenchmark => "redis-benchmark",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Another library (not anyredis).
    pub fn is_peer(self) -> bool {
        matches!(self, Kind::RedisRs | Kind::Fred | Kind::Rustis)
    }

    /// anyredis on one of the runtimes (with or without the no-op hook).
    pub fn is_anyredis(self) -> bool {
        matches!(
            self,
            Kind::AnyredisTokio | Kind::AnyredisSmol | Kind::AnyredisAsyncStd | Kind::AnyredisTokioHook
        )
    }
}
