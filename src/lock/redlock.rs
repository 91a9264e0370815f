//! [`Redlock`]: one lock over several independent Redis servers, held when a
//! majority granted it in time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::acquire::{ttl_millis, Jitter};
use super::redlock_guard::RedlockGuard;
use super::scripts;
use super::{token, DEFAULT_RETRY_INTERVAL, DEFAULT_TTL, MIN_MS};
use crate::rt::with_timeout;
use crate::{Client, Error, ErrorKind, Result};

/// A lock over N independent servers (the Redlock algorithm), e.g. 5 primaries
/// with no replication between them.
///
/// An attempt sets the key with a random token and a TTL on every server at
/// once (each with a short [per-server timeout](RedlockBuilder::server_timeout)).
/// The lock is held when a majority (`N / 2 + 1`) granted it and time is left:
/// its validity is the TTL minus the time the attempt took minus a clock-drift
/// allowance (1% of the TTL plus 2 ms). Otherwise it is released on every
/// server before the attempt returns. Release and extend use the same
/// compare-and-act scripts as [`super::Lock`], on every server.
///
/// What it guarantees: while a guard is within [`RedlockGuard::valid_until`],
/// no other client can have had a majority grant it, as long as the servers'
/// clocks run at about the same rate, no server loses its data while the lock
/// is held (restart a crashed server only after a TTL, or run it with
/// `appendfsync always`), and the holder's own process did not pause past the
/// validity. What it does not: it offers no fencing token (independent
/// counters on each server give no single increasing number), so a holder
/// paused past its validity cannot be stopped by the resource it writes to.
/// When that matters, use [`super::Lock`] and its
/// [fencing token](super::LockGuard::fencing_token), or a consensus system.
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use std::time::Duration;
/// use anyredis::{Client, lock::Redlock};
///
/// let clients = ["redis://10.0.0.1", "redis://10.0.0.2", "redis://10.0.0.3"]
///     .iter()
///     .map(|url| Client::open(url))
///     .collect::<anyredis::Result<Vec<_>>>()?;
/// let lock = Redlock::builder(clients, "payments").ttl(Duration::from_secs(10)).build()?;
/// if let Some(guard) = lock.try_acquire().await? {
///     // ... work, done before guard.valid_until() ...
///     guard.release().await?;
/// }
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct Redlock {
    pub(super) inner: Arc<RedlockInner>,
}

#[derive(Debug)]
pub(super) struct RedlockInner {
    pub(super) clients: Vec<Client>,
    pub(super) name: String,
    pub(super) ttl: Duration,
    retry_interval: Duration,
    blocking: bool,
    blocking_timeout: Option<Duration>,
    pub(super) server_timeout: Duration,
    auto_extend: bool,
    /// The first client's runtime: timers and background releases.
    runtime: crate::Runtime,
}

/// Options of a [`Redlock`]; made by [`Redlock::builder`].
#[derive(Debug, Clone)]
#[must_use = "a lock builder does nothing until `build`"]
pub struct RedlockBuilder {
    clients: Vec<Client>,
    name: String,
    ttl: Duration,
    retry_interval: Duration,
    blocking: bool,
    blocking_timeout: Option<Duration>,
    server_timeout: Option<Duration>,
    auto_extend: bool,
}

impl RedlockBuilder {
    /// Keeps the lock alive while its guard is held (default off): a task on
    /// the first client's runtime sets the TTL back on every server every
    /// third of the TTL, and moves [`RedlockGuard::valid_until`]. When a
    /// majority can no longer be reached before the validity ends, or a
    /// majority no longer holds this token, the guard reports the loss
    /// ([`RedlockGuard::is_lost`], [`RedlockGuard::lost`]). A round waits
    /// for every server up to the [server timeout](Self::server_timeout), so
    /// keep that well below a third of the TTL (the default is a tenth).
    pub fn auto_extend(mut self, on: bool) -> RedlockBuilder {
        self.auto_extend = on;
        self
    }

    /// How long the lock lasts (default [`super::DEFAULT_TTL`]). A Redlock
    /// always has a TTL.
    pub fn ttl(mut self, ttl: Duration) -> RedlockBuilder {
        self.ttl = ttl;
        self
    }

    /// The wait between attempts of a blocking acquire (drawn between half
    /// and one and a half times this); default 100 ms.
    pub fn retry_interval(mut self, interval: Duration) -> RedlockBuilder {
        self.retry_interval = interval;
        self
    }

    /// Whether [`Redlock::acquire`] retries (default `true`).
    pub fn blocking(mut self, blocking: bool) -> RedlockBuilder {
        self.blocking = blocking;
        self
    }

    /// The longest a blocking acquire keeps trying (default: no limit).
    pub fn blocking_timeout(mut self, timeout: impl Into<Option<Duration>>) -> RedlockBuilder {
        self.blocking_timeout = timeout.into();
        self
    }

    /// How long one attempt waits for each server (default: a tenth of the
    /// TTL, between 5 ms and 500 ms): small against the TTL, so a server that
    /// is down costs little of the validity. A client's first command also
    /// connects it (clients are lazy): call [`Client::connect`] on each
    /// first, or allow for a connect and handshake in this timeout.
    pub fn server_timeout(mut self, timeout: Duration) -> RedlockBuilder {
        self.server_timeout = Some(timeout);
        self
    }

    /// The lock. [`crate::ErrorKind::Config`] without clients, or with a TTL,
    /// retry interval or server timeout under 1 ms.
    pub fn build(self) -> Result<Redlock> {
        let runtime = match self.clients.first() {
            Some(client) => client.runtime().clone(),
            None => return Err(Error::config("a Redlock needs at least one client")),
        };
        if self.ttl < MIN_MS || self.retry_interval < MIN_MS || self.server_timeout.is_some_and(|t| t < MIN_MS) {
            return Err(Error::config(
                "a Redlock's TTL, retry interval and server timeout must be at least 1 ms",
            ));
        }
        let server_timeout = self.server_timeout.unwrap_or_else(|| {
            (self.ttl.checked_div(10).unwrap_or_default()).clamp(Duration::from_millis(5), Duration::from_millis(500))
        });
        Ok(Redlock {
            inner: Arc::new(RedlockInner {
                clients: self.clients,
                name: self.name,
                ttl: self.ttl,
                retry_interval: self.retry_interval,
                blocking: self.blocking,
                blocking_timeout: self.blocking_timeout,
                server_timeout,
                auto_extend: self.auto_extend,
                runtime,
            }),
        })
    }
}

/// The clock-drift allowance for `ttl`: 1% of it plus 2 ms.
pub(super) fn drift(ttl: Duration) -> Duration {
    ttl.checked_div(100)
        .unwrap_or_default()
        .saturating_add(Duration::from_millis(2))
}

impl Redlock {
    /// A builder for a lock named `name` over the servers of `clients` (one
    /// client per independent server).
    pub fn builder(clients: impl IntoIterator<Item = Client>, name: impl Into<String>) -> RedlockBuilder {
        RedlockBuilder {
            clients: clients.into_iter().collect(),
            name: name.into(),
            ttl: DEFAULT_TTL,
            retry_interval: DEFAULT_RETRY_INTERVAL,
            blocking: true,
            blocking_timeout: None,
            server_timeout: None,
            auto_extend: false,
        }
    }

    /// How many servers must grant the lock: `N / 2 + 1`.
    ///
    /// ```
    /// use anyredis::{lock::Redlock, ClientBuilder};
    ///
    /// # #[cfg(feature = "smol")] {
    /// let clients = (1..=5)
    ///     .map(|i| {
    ///         let url = format!("redis://10.0.0.{i}");
    ///         ClientBuilder::from_url(&url)?.runtime(anyredis::Runtime::smol()).build() // no I/O yet
    ///     })
    ///     .collect::<anyredis::Result<Vec<_>>>()?;
    /// let lock = Redlock::builder(clients, "payments").build()?;
    /// assert_eq!(lock.quorum(), 3);
    /// # }
    /// # Ok::<(), anyredis::Error>(())
    /// ```
    pub fn quorum(&self) -> usize {
        (self.inner.clients.len() / 2).saturating_add(1)
    }

    /// The lock's name (its key on every server).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Takes the lock: `Some(guard)` when a majority granted it in time,
    /// `None` when it is held elsewhere (after retrying, when blocking).
    /// [`crate::ErrorKind::LockQuorum`] when too many servers could not be
    /// reached (or answered too late) for a majority. A failed attempt
    /// leaves nothing behind: it releases on every server before returning.
    pub async fn acquire(&self) -> Result<Option<RedlockGuard>> {
        Box::pin(self.acquire_loop(self.inner.blocking)).await
    }

    /// One attempt, never waiting.
    pub async fn try_acquire(&self) -> Result<Option<RedlockGuard>> {
        Box::pin(self.acquire_loop(false)).await
    }

    async fn acquire_loop(&self, blocking: bool) -> Result<Option<RedlockGuard>> {
        let started = Instant::now();
        let mut jitter = Jitter::new();
        loop {
            let refused = match self.attempt().await {
                Ok(Some(guard)) => return Ok(Some(guard)),
                Ok(None) => None,
                Err(e) if blocking && e.kind() == ErrorKind::LockQuorum => Some(e),
                Err(e) => return Err(e),
            };
            if !blocking {
                return Ok(None);
            }
            let mut wait = jitter.around(self.inner.retry_interval);
            if let Some(limit) = self.inner.blocking_timeout {
                let left = limit.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return refused.map_or(Ok(None), Err);
                }
                wait = wait.min(left);
            }
            self.runtime().sleep(wait).await;
        }
    }

    pub(super) fn runtime(&self) -> &crate::Runtime {
        &self.inner.runtime
    }

    async fn attempt(&self) -> Result<Option<RedlockGuard>> {
        let inner = &self.inner;
        let token = token::new_token()?;
        let ttl_ms = ttl_millis(inner.ttl);
        let mut pending = AllPending {
            lock: Some((self.clone(), token.clone())),
        };
        let started = Instant::now();
        let runtime = self.runtime().clone();
        let calls = inner.clients.iter().map(|client| {
            let call = scripts::acquire_plain().key(&inner.name).arg(&token).arg(ttl_ms);
            let call = async move { call.invoke::<i64, _>(client).await };
            with_timeout(&runtime, Some(inner.server_timeout), call)
        });
        let outcomes = join_all(calls).await;
        let elapsed = started.elapsed();
        let mut granted = 0usize;
        let mut failed = 0usize;
        let mut first_error = None;
        for outcome in outcomes {
            match outcome {
                Ok(Ok(1)) => granted = granted.saturating_add(1),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    failed = failed.saturating_add(1);
                    first_error.get_or_insert(e);
                }
                Err(()) => {
                    failed = failed.saturating_add(1);
                    first_error.get_or_insert_with(|| {
                        Error::timeout("a Redlock server", inner.server_timeout, crate::RequestState::Unknown)
                    });
                }
            }
        }
        let validity = inner.ttl.saturating_sub(elapsed).saturating_sub(drift(inner.ttl));
        if granted >= self.quorum() && !validity.is_zero() {
            let until = started.checked_add(elapsed.saturating_add(validity));
            let guard = RedlockGuard::new(self.clone(), token, until, self.inner.auto_extend)?;
            pending.lock = None;
            return Ok(Some(guard));
        }
        pending.lock = None;
        self.release_all(&token).await;
        let servers = inner.clients.len();
        let reachable = servers.saturating_sub(failed);
        if reachable < self.quorum() {
            return Err(Error::lock_quorum(
                format!(
                    "Redlock {:?}: {failed} of {servers} servers failed or timed out, so no majority \
                     ({}) could grant it; released on all",
                    inner.name,
                    self.quorum()
                ),
                first_error,
            ));
        }
        if granted >= self.quorum() {
            return Err(Error::lock_quorum(
                format!(
                    "Redlock {:?}: a majority granted it, but the attempt took {elapsed:?}, leaving no \
                     validity of the {:?} TTL; released on all",
                    inner.name, inner.ttl
                ),
                None,
            ));
        }
        Ok(None)
    }

    /// Runs the release script on every server; how many deleted the key,
    /// and the first error.
    pub(super) async fn release_all(&self, token: &str) -> (usize, Option<Error>) {
        let inner = &self.inner;
        let runtime = self.runtime().clone();
        let calls = inner.clients.iter().map(|client| {
            let call = scripts::release().key(&inner.name).arg(token);
            let call = async move { call.invoke::<i64, _>(client).await };
            with_timeout(&runtime, Some(inner.server_timeout), call)
        });
        let mut deleted = 0usize;
        let mut first_error = None;
        for outcome in join_all(calls).await {
            match outcome {
                Ok(Ok(1)) => deleted = deleted.saturating_add(1),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                Err(()) => {
                    first_error.get_or_insert_with(|| {
                        Error::timeout("a Redlock server", inner.server_timeout, crate::RequestState::Unknown)
                    });
                }
            }
        }
        (deleted, first_error)
    }

    pub(super) fn release_in_background(&self, token: String) {
        let lock = self.clone();
        let _ = self.runtime().spawn(async move {
            lock.release_all(&token).await;
        });
    }
}

/// An attempt not yet answered: releases on every server if dropped.
struct AllPending {
    lock: Option<(Redlock, String)>,
}

impl Drop for AllPending {
    fn drop(&mut self) {
        if let Some((lock, token)) = self.lock.take() {
            lock.release_in_background(token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_is_one_percent_plus_two_ms() {
        assert_eq!(drift(Duration::from_secs(10)), Duration::from_millis(102));
        assert_eq!(drift(Duration::ZERO), Duration::from_millis(2));
        assert!(drift(Duration::MAX) > Duration::from_secs(1));
    }
}
