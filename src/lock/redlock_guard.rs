//! [`RedlockGuard`]: one acquisition of a [`Redlock`], its extension on every
//! server, and its optional auto-extend task.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use futures_util::future::{join_all, select, Either};

use super::acquire::ttl_millis;
use super::guard::Held;
use super::lost::LockLost;
use super::redlock::{drift, Redlock};
use super::scripts::{self, ExtendMode, NOT_OWNED};
use crate::rt::with_timeout;
use crate::{Error, Result};

/// One acquisition of a [`Redlock`]. Release it with [`RedlockGuard::release`];
/// dropping it releases on every server in the background.
#[derive(Debug)]
pub struct RedlockGuard {
    lock: Redlock,
    token: String,
    held: Arc<Held>,
    /// Stops the auto-extend task when dropped.
    _stop: Option<oneshot::Sender<()>>,
    released: bool,
}

/// What one extension round on every server found.
struct Round {
    extended: usize,
    not_owned: usize,
    /// The new end of the validity, when a majority extended in time.
    until: Option<Instant>,
}

/// Sets the TTL of `token`'s lock to `ttl` on every server where it holds.
async fn extend_all(lock: &Redlock, token: &str, ttl: Duration) -> Round {
    let inner = &lock.inner;
    let runtime = lock.runtime().clone();
    let (word, ms) = ExtendMode::Set(ttl_millis(ttl)).words();
    let started = Instant::now();
    let calls = inner.clients.iter().map(|client| {
        let call = scripts::extend().key(&inner.name).arg(token).arg(word).arg(ms);
        let call = async move { call.invoke::<i64, _>(client).await };
        with_timeout(&runtime, Some(inner.server_timeout), call)
    });
    let (mut extended, mut not_owned) = (0usize, 0usize);
    for outcome in join_all(calls).await {
        match outcome {
            Ok(Ok(pttl)) if pttl >= 0 => extended = extended.saturating_add(1),
            Ok(Ok(NOT_OWNED)) => not_owned = not_owned.saturating_add(1),
            _ => {}
        }
    }
    let elapsed = started.elapsed();
    let validity = ttl.saturating_sub(elapsed).saturating_sub(drift(ttl));
    let until = (extended >= lock.quorum() && !validity.is_zero())
        .then(|| started.checked_add(elapsed.saturating_add(validity)))
        .flatten();
    Round {
        extended,
        not_owned,
        until,
    }
}

impl RedlockGuard {
    pub(super) fn new(lock: Redlock, token: String, until: Option<Instant>, auto_extend: bool) -> Result<RedlockGuard> {
        let held = Held::new(until);
        let stop = if auto_extend {
            let (stop, stopped) = oneshot::channel();
            let task = auto_extend_task(lock.clone(), token.clone(), held.clone(), stopped);
            lock.runtime().spawn(task)?;
            Some(stop)
        } else {
            None
        };
        Ok(RedlockGuard {
            lock,
            token,
            held,
            _stop: stop,
            released: false,
        })
    }

    /// The lock's name.
    pub fn name(&self) -> &str {
        self.lock.name()
    }

    /// This acquisition's random token (128 bits, 32 hex digits).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The end of the lock's validity: the TTL minus the time the acquire
    /// (or last extend) took minus the clock-drift allowance, from its start.
    /// Finish the protected work before it.
    pub fn valid_until(&self) -> Option<Instant> {
        self.held.valid_until()
    }

    /// Whether the lock is known to be lost (auto-extend could not keep a
    /// majority, or an extend found a majority no longer ours). No I/O.
    pub fn is_lost(&self) -> bool {
        self.held.lost.is_raised()
    }

    /// A future that resolves once [`is_lost`](Self::is_lost) turns true.
    pub fn lost(&self) -> LockLost {
        self.held.lost.wait()
    }

    /// Releases on every server (only where the key still holds this token).
    /// [`crate::ErrorKind::LockNotOwned`] when no server held it any more.
    pub async fn release(mut self) -> Result<()> {
        self.released = true;
        self._stop = None;
        let (deleted, first_error) = self.lock.release_all(&self.token).await;
        match (deleted, first_error) {
            (0, Some(e)) => Err(e),
            (0, None) => Err(Error::lock_not_owned(format!(
                "Redlock {:?} had expired on every server",
                self.lock.name()
            ))),
            _ => Ok(()),
        }
    }

    /// Sets the TTL back to `ttl` on every server where it is still ours;
    /// succeeds when a majority did so in time, and moves
    /// [`valid_until`](Self::valid_until). [`crate::ErrorKind::LockNotOwned`]
    /// otherwise (the validity is then left as it was).
    pub async fn extend_to(&self, ttl: Duration) -> Result<()> {
        let round = extend_all(&self.lock, &self.token, ttl).await;
        if let Some(until) = round.until {
            self.held.set_valid_until(Some(until));
            return Ok(());
        }
        if round.not_owned > self.lock.inner.clients.len().saturating_sub(self.lock.quorum()) {
            self.held.lost.raise();
        }
        Err(Error::lock_not_owned(format!(
            "Redlock {:?} was extended on {} servers, {} needed in time",
            self.lock.name(),
            round.extended,
            self.lock.quorum()
        )))
    }
}

impl Drop for RedlockGuard {
    fn drop(&mut self) {
        if !self.released {
            self.lock.release_in_background(self.token.clone());
        }
    }
}

/// Whether the guard stopped the task (released or dropped).
fn stopped(stop: &mut oneshot::Receiver<()>) -> bool {
    !matches!(stop.try_recv(), Ok(None))
}

/// Extends on every server each third of the TTL; raises the lost signal
/// when a majority says the lock is not ours, or when no round reached a
/// majority before the validity ended.
async fn auto_extend_task(lock: Redlock, token: String, held: Arc<Held>, mut stop: oneshot::Receiver<()>) {
    let runtime = lock.runtime().clone();
    let ttl = lock.inner.ttl;
    let period = ttl.checked_div(3).unwrap_or_default().max(Duration::from_millis(1));
    let retry = period.checked_div(4).unwrap_or_default().max(Duration::from_millis(1));
    let can_lose = lock.inner.clients.len().saturating_sub(lock.quorum());
    let mut wait = period;
    loop {
        if let Either::Left(_) = select(&mut stop, runtime.sleep(wait)).await {
            return;
        }
        let left = held
            .valid_until()
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(Instant::now()));
        if left.is_zero() {
            if !stopped(&mut stop) {
                held.lost.raise();
            }
            return;
        }
        let round = with_timeout(&runtime, Some(left), extend_all(&lock, &token, ttl)).await;
        if stopped(&mut stop) {
            return;
        }
        match round {
            Ok(Round { until: Some(until), .. }) => {
                held.set_valid_until(Some(until));
                // Every third of the TTL, or sooner when rounds are slow
                // (servers down cost their timeout): halfway to the end.
                let left = until.saturating_duration_since(Instant::now());
                wait = period.min(left.checked_div(2).unwrap_or_default());
            }
            Ok(Round { not_owned, .. }) if not_owned > can_lose => {
                held.lost.raise();
                return;
            }
            // Too few servers reached: try again while still valid.
            Ok(_) => {
                let left = held
                    .valid_until()
                    .map_or(Duration::ZERO, |until| until.saturating_duration_since(Instant::now()));
                wait = retry.min(left);
            }
            Err(()) => {
                held.lost.raise();
                return;
            }
        }
    }
}
