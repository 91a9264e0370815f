//! Distributed locks built on the public command surface and [`crate::Script`]:
//! [`Lock`] (one server, with fencing tokens, optional auto-extend and an
//! optional replica check) and [`Redlock`] (a majority of independent
//! servers, optional auto-extend, no fencing token).
//!
//! # How a lock works
//! Acquiring runs one Lua script: `SET name token NX PX ttl` and, when that
//! took the lock, `INCR` of the lock's fence counter, whose new value is
//! returned as the [fencing token](LockGuard::fencing_token). The key and its
//! TTL are set in one command, so no key is ever left without a TTL, even by
//! an `acquire` cancelled at any point. The token is 128 random bits
//! (`getrandom`), new for every acquisition, and lives in the [`LockGuard`]
//! that took it: there is no per-thread or per-handle state to mix up
//! between tasks. Release and extend are compare-and-act scripts: they act
//! only when the key still holds this guard's token; otherwise they change
//! nothing and fail with [`ErrorKind::LockNotOwned`](crate::ErrorKind::LockNotOwned).
//!
//! # What a lock guarantees, and what it does not
//! While the key holds your token, no other well-behaved holder has the
//! lock. But a TTL lock can expire while its holder is paused (a GC pause, a
//! stalled VM, a slow network), and then a second holder takes it: the first
//! one may still believe it holds the lock. A lock over Redis alone cannot
//! stop that. The fencing token closes the gap: give it to the protected
//! resource with every write, and have the resource refuse a token smaller
//! than the largest it has seen. Tokens of one lock name strictly increase
//! across acquisitions (as long as the fence counter key is not deleted or
//! lost with the server's data). [`LockGuard::valid_until`] tells how long
//! the lock is known to be held, and [`LockBuilder::auto_extend`] keeps it
//! alive while you work, reporting a loss through [`LockGuard::lost`].
//!
//! A plain lock lives on one server: if that primary fails over to a
//! replica that had not yet received the lock, two holders can coexist.
//! [`LockBuilder::replica_check`] makes acquisition wait (`WAIT`) until
//! replicas acknowledged it. [`Redlock`] spreads a lock over independent
//! servers; see its docs for its own limits.
//!
//! ```no_run
//! # futures_lite::future::block_on(async {
//! use std::time::Duration;
//! use anyredis::prelude::*;
//!
//! let client = Client::open("redis://127.0.0.1")?;
//! let lock = client.lock("report:42").ttl(Duration::from_secs(10)).build()?;
//! if let Some(guard) = lock.acquire().await? {
//!     let fence = guard.fencing_token(); // pass it to the resource you protect
//!     // ... work ...
//!     guard.release().await?;           // atomic: only if still ours
//!     # let _ = fence;
//! }
//! # Ok::<(), anyredis::Error>(())
//! # });
//! ```

mod acquire;
mod auto_extend;
mod guard;
mod lost;
mod redlock;
mod redlock_guard;
mod replica;
mod scripts;
mod token;

use std::sync::Arc;
use std::time::Duration;

use crate::commands::KeyCommands;
use crate::{Client, Error, Result};

pub use guard::LockGuard;
pub use lost::LockLost;
pub use redlock::{Redlock, RedlockBuilder};
pub use redlock_guard::RedlockGuard;
pub use replica::ReplicaCheck;

/// Default [`LockBuilder::ttl`]: 30 s.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30);
/// Default [`LockBuilder::retry_interval`]: 100 ms (the redis-py default).
pub const DEFAULT_RETRY_INTERVAL: Duration = Duration::from_millis(100);

/// The shortest TTL and retry interval accepted (Redis' own unit).
const MIN_MS: Duration = Duration::from_millis(1);

impl Client {
    /// A builder for a lock named `name` (the Redis key that holds it) on
    /// this client's server. See [`crate::lock`].
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use std::time::Duration;
    /// use anyredis::prelude::*;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let lock = client
    ///     .lock("jobs:nightly")
    ///     .ttl(Duration::from_secs(5))
    ///     .blocking_timeout(Duration::from_secs(2))
    ///     .build()?;
    /// let taken = lock.acquire().await?;    // waits up to 2 s
    /// assert_eq!(taken.is_some(), true);
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn lock(&self, name: impl Into<String>) -> LockBuilder {
        LockBuilder::new(self.clone(), name.into())
    }
}

/// Options of a [`Lock`]; made by [`Client::lock`], finished by [`LockBuilder::build`].
#[derive(Debug, Clone)]
#[must_use = "a lock builder does nothing until `build`"]
pub struct LockBuilder {
    client: Client,
    name: String,
    fence_key: Option<String>,
    ttl: Option<Duration>,
    retry_interval: Duration,
    blocking: bool,
    blocking_timeout: Option<Duration>,
    auto_extend: bool,
    replica_check: Option<ReplicaCheck>,
    replica_timeout: Option<Duration>,
}

impl LockBuilder {
    fn new(client: Client, name: String) -> LockBuilder {
        LockBuilder {
            client,
            name,
            fence_key: None,
            ttl: Some(DEFAULT_TTL),
            retry_interval: DEFAULT_RETRY_INTERVAL,
            blocking: true,
            blocking_timeout: None,
            auto_extend: false,
            replica_check: None,
            replica_timeout: None,
        }
    }

    /// How long the lock lasts unless extended (redis-py's `timeout`);
    /// default [`DEFAULT_TTL`]. `None`: held until released. Rounded up to
    /// whole milliseconds.
    ///
    /// A lock without a TTL is still taken with one (the default TTL), made
    /// permanent by a second script once the acquisition is known to the
    /// caller: an `acquire` cancelled in between leaves a key that expires.
    /// A holder that dies without releasing a lock without TTL leaves it
    /// held for good, so prefer a TTL (with [`auto_extend`](Self::auto_extend)
    /// for long work).
    pub fn ttl(mut self, ttl: impl Into<Option<Duration>>) -> LockBuilder {
        self.ttl = ttl.into();
        self
    }

    /// How long a blocking [`Lock::acquire`] waits between attempts
    /// (redis-py's `sleep`); default [`DEFAULT_RETRY_INTERVAL`]. Each wait
    /// is drawn at random between half and one and a half times this, so
    /// waiting callers do not retry in step.
    pub fn retry_interval(mut self, interval: Duration) -> LockBuilder {
        self.retry_interval = interval;
        self
    }

    /// Whether [`Lock::acquire`] waits for a held lock (default `true`);
    /// with `false` it is [`Lock::try_acquire`].
    pub fn blocking(mut self, blocking: bool) -> LockBuilder {
        self.blocking = blocking;
        self
    }

    /// The longest a blocking [`Lock::acquire`] waits before it answers
    /// `None` (default: no limit). The answer comes at most one attempt's
    /// round trip after the timeout.
    pub fn blocking_timeout(mut self, timeout: impl Into<Option<Duration>>) -> LockBuilder {
        self.blocking_timeout = timeout.into();
        self
    }

    /// Keeps the lock alive while its guard is held (default off): a task
    /// on the client's runtime sets the TTL back to the full TTL every third
    /// of it. When an extension fails (the lock was taken by someone else,
    /// or the server could not be reached before the lock's validity ended)
    /// the guard reports the loss: [`LockGuard::is_lost`], [`LockGuard::lost`].
    /// The task stops when the guard is released or dropped. Needs a TTL.
    pub fn auto_extend(mut self, on: bool) -> LockBuilder {
        self.auto_extend = on;
        self
    }

    /// After taking the lock on the primary, waits (`WAIT`, on a dedicated
    /// connection) until enough of its replicas acknowledged it, so a
    /// failover to one of them keeps the lock. The wait counts against the
    /// TTL. Without enough acknowledgements the lock is released and the
    /// attempt fails with [`crate::ErrorKind::LockQuorum`] (a blocking
    /// acquire retries until its blocking timeout first). Needs a TTL.
    pub fn replica_check(mut self, check: ReplicaCheck) -> LockBuilder {
        self.replica_check = Some(check);
        self
    }

    /// The longest one attempt of a [`replica_check`](Self::replica_check)ed
    /// lock waits for acknowledgements; default a tenth of the TTL. Never
    /// more than what is left of the TTL.
    pub fn replica_timeout(mut self, timeout: Duration) -> LockBuilder {
        self.replica_timeout = Some(timeout);
        self
    }

    /// The key of the fence counter (default: `{name}:fence`, or
    /// `name:fence` when the name has a hash tag, so both keys share a
    /// cluster slot). It has no TTL: the counter must outlive every lock.
    pub fn fence_key(mut self, key: impl Into<String>) -> LockBuilder {
        self.fence_key = Some(key.into());
        self
    }

    /// The lock. Fails with [`crate::ErrorKind::Config`] on a zero TTL or
    /// retry interval, or auto-extend or a replica check without a TTL.
    ///
    /// ```
    /// use std::time::Duration;
    /// use anyredis::{ClientBuilder, ErrorKind};
    ///
    /// # #[cfg(feature = "smol")] {
    /// let client = ClientBuilder::from_url("redis://127.0.0.1")?
    ///     .runtime(anyredis::Runtime::smol())
    ///     .build()?; // no I/O yet
    /// let lock = client.lock("orders").ttl(Duration::from_secs(5)).build()?;
    /// assert_eq!((lock.name(), lock.fence_key()), ("orders", "{orders}:fence"));
    /// assert_eq!(lock.ttl(), Some(Duration::from_secs(5)));
    /// let refused = client.lock("orders").ttl(None).auto_extend(true).build();
    /// assert_eq!(refused.unwrap_err().kind(), ErrorKind::Config);
    /// # }
    /// # Ok::<(), anyredis::Error>(())
    /// ```
    pub fn build(self) -> Result<Lock> {
        if self.ttl.is_some_and(|t| t < MIN_MS) {
            return Err(Error::config("a lock's TTL must be at least 1 ms"));
        }
        if self.retry_interval < MIN_MS {
            return Err(Error::config("a lock's retry interval must be at least 1 ms"));
        }
        if self.ttl.is_none() && self.auto_extend {
            return Err(Error::config("auto-extend needs a lock with a TTL"));
        }
        if self.ttl.is_none() && self.replica_check.is_some() {
            return Err(Error::config("a replica-checked lock needs a TTL"));
        }
        let fence_key = self.fence_key.unwrap_or_else(|| token::fence_key_for(&self.name));
        let replica_timeout = self
            .replica_timeout
            .or_else(|| self.ttl.and_then(|t| t.checked_div(10)))
            .unwrap_or(DEFAULT_TTL);
        Ok(Lock {
            inner: Arc::new(LockInner {
                client: self.client,
                name: self.name,
                fence_key,
                ttl: self.ttl,
                retry_interval: self.retry_interval,
                blocking: self.blocking,
                blocking_timeout: self.blocking_timeout,
                auto_extend: self.auto_extend,
                replica_check: self.replica_check,
                replica_timeout,
            }),
        })
    }
}

/// A lock on one server: its name and options, no token. Cheap to clone and
/// share between tasks; every acquisition gets its own token, held by the
/// [`LockGuard`] it returns. Made by [`Client::lock`].
#[derive(Debug, Clone)]
pub struct Lock {
    inner: Arc<LockInner>,
}

#[derive(Debug)]
pub(crate) struct LockInner {
    pub(crate) client: Client,
    pub(crate) name: String,
    pub(crate) fence_key: String,
    pub(crate) ttl: Option<Duration>,
    pub(crate) retry_interval: Duration,
    pub(crate) blocking: bool,
    pub(crate) blocking_timeout: Option<Duration>,
    pub(crate) auto_extend: bool,
    pub(crate) replica_check: Option<ReplicaCheck>,
    pub(crate) replica_timeout: Duration,
}

impl Lock {
    /// Takes the lock: `Some(guard)` when taken, `None` when it is held
    /// elsewhere and the lock is not blocking or its blocking timeout
    /// passed. A blocking lock (the default) tries again every
    /// [`retry_interval`](LockBuilder::retry_interval).
    ///
    /// Cancel-safe: dropping the future at any point leaves no key without
    /// a TTL, and a lock taken by an attempt whose answer was not awaited is
    /// released in the background.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let lock = client.lock("resource").build()?;
    /// let first = lock.acquire().await?;        // Some: taken
    /// let second = lock.try_acquire().await?;   // None: held by `first`
    /// assert!(first.is_some() && second.is_none());
    /// if let Some(guard) = first {
    ///     guard.release().await?;
    /// }
    /// assert!(lock.acquire().await?.is_some());  // free again
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub async fn acquire(&self) -> Result<Option<LockGuard>> {
        Box::pin(acquire::acquire(self.inner.clone(), self.inner.blocking)).await
    }

    /// One attempt, never waiting: `None` when the lock is held elsewhere.
    pub async fn try_acquire(&self) -> Result<Option<LockGuard>> {
        Box::pin(acquire::acquire(self.inner.clone(), false)).await
    }

    /// Whether anyone holds the lock now (`EXISTS`).
    pub async fn locked(&self) -> Result<bool> {
        let n = self.inner.client.exists(&self.inner.name).await?;
        Ok(n > 0)
    }

    /// The lock's name: the key that holds it.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The key of the fence counter.
    pub fn fence_key(&self) -> &str {
        &self.inner.fence_key
    }

    /// The TTL each acquisition sets (`None`: held until released).
    pub fn ttl(&self) -> Option<Duration> {
        self.inner.ttl
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use crate::{Error, ErrorKind};

    #[test]
    fn lock_errors_keep_kind_message_and_cause() {
        let e = Error::lock_not_owned("cannot release lock \"a\"");
        assert_eq!(e.kind(), ErrorKind::LockNotOwned);
        assert_eq!(e.to_string(), "lock not owned: cannot release lock \"a\"");
        assert!(e.source().is_none());
        let cause = Error::connection_lost("reset", crate::RequestState::NotSent);
        let e = Error::lock_quorum("3 of 5 servers failed", Some(cause));
        assert_eq!(e.kind(), ErrorKind::LockQuorum);
        assert!(e.to_string().contains("3 of 5 servers failed"), "{e}");
        assert!(e.to_string().contains("reset"), "{e}");
        let source = e.source().and_then(|s| s.downcast_ref::<Error>()).map(Error::kind);
        assert_eq!(source, Some(ErrorKind::ConnectionLost));
    }
}
