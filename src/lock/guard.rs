//! [`LockGuard`]: one acquisition of a [`super::Lock`], with its token.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_channel::oneshot;

use super::acquire::{release_in_background, ttl_millis};
use super::lost::{LockLost, LostSignal};
use super::scripts::{self, ExtendMode, NOT_OWNED, NO_TTL};
use super::{auto_extend, LockInner};
use crate::{Error, Result};

/// What a guard shares with its auto-extend task.
#[derive(Debug)]
pub(crate) struct Held {
    pub(crate) lost: Arc<LostSignal>,
    /// Until when the lock is known to be ours (`None`: no TTL).
    valid_until: Mutex<Option<Instant>>,
}

impl Held {
    pub(crate) fn new(valid_until: Option<Instant>) -> Arc<Held> {
        Arc::new(Held {
            lost: LostSignal::new(),
            valid_until: Mutex::new(valid_until),
        })
    }

    pub(crate) fn valid_until(&self) -> Option<Instant> {
        match self.valid_until.lock() {
            Ok(v) => *v,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    pub(crate) fn set_valid_until(&self, until: Option<Instant>) {
        match self.valid_until.lock() {
            Ok(mut v) => *v = until,
            Err(poisoned) => *poisoned.into_inner() = until,
        }
    }
}

/// One acquisition of a [`super::Lock`]: holds its random token and its
/// fencing token. Made by [`super::Lock::acquire`].
///
/// Release it with [`LockGuard::release`] (recommended: you learn whether
/// the lock was still yours). Dropping a guard without releasing it
/// releases the lock in the background, on the client's runtime, with the
/// same compare-and-delete (nothing reports a failure there; the TTL is the
/// backstop).
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use std::time::Duration;
/// use anyredis::prelude::*;
///
/// let client = Client::open("redis://127.0.0.1")?;
/// let lock = client.lock("invoice:7").ttl(Duration::from_secs(2)).build()?;
/// let guard = lock.try_acquire().await?.expect("free");
/// guard.extend(Duration::from_secs(1)).await?;           // now about 3 s left
/// guard.extend_to(Duration::from_secs(10)).await?;       // now 10 s left
/// assert!(guard.owned().await?);
/// guard.release().await?;
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Debug)]
pub struct LockGuard {
    lock: Arc<LockInner>,
    token: String,
    fence: u64,
    held: Arc<Held>,
    /// Stops the auto-extend task when dropped.
    _stop: Option<oneshot::Sender<()>>,
    /// Set once released (or handed to a release): no background release on drop.
    released: bool,
}

impl LockGuard {
    pub(crate) fn new(
        lock: Arc<LockInner>,
        token: String,
        fence: u64,
        valid_until: Option<Instant>,
    ) -> Result<LockGuard> {
        let held = Held::new(valid_until);
        let stop = match (lock.auto_extend, lock.ttl) {
            (true, Some(ttl)) => {
                let (stop, stopped) = oneshot::channel();
                let task = auto_extend::run(lock.clone(), token.clone(), ttl, held.clone(), stopped);
                lock.client.runtime().spawn(task)?;
                Some(stop)
            }
            _ => None,
        };
        Ok(LockGuard {
            lock,
            token,
            fence,
            held,
            _stop: stop,
            released: false,
        })
    }

    /// The lock's name.
    pub fn name(&self) -> &str {
        &self.lock.name
    }

    /// This acquisition's random token (128 bits, as 32 hex digits): the
    /// value the lock key holds while it is ours.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The fencing token: strictly greater than the one of every earlier
    /// acquisition of this lock name (the fence counter's new value). Pass
    /// it to the resource you protect, and have it refuse any token lower
    /// than the highest it has seen.
    pub fn fencing_token(&self) -> u64 {
        self.fence
    }

    /// Until when the lock is known to be ours: the TTL counted from just
    /// before the last acquire or extend was sent (`None` for a lock without
    /// TTL). Auto-extend moves it forward.
    pub fn valid_until(&self) -> Option<Instant> {
        self.held.valid_until()
    }

    /// Whether the lock is known to be lost: an auto-extension failed, or
    /// an operation of this guard found the lock no longer ours. A flag, no
    /// I/O; see [`owned`](Self::owned) to ask the server.
    pub fn is_lost(&self) -> bool {
        self.held.lost.is_raised()
    }

    /// A future that resolves once [`is_lost`](Self::is_lost) turns true:
    /// race your work against it.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use std::time::Duration;
    /// use anyredis::prelude::*;
    /// use futures_util::future::{select, Either};
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let lock = client.lock("batch").ttl(Duration::from_secs(3)).auto_extend(true).build()?;
    /// let guard = lock.acquire().await?.expect("taken");
    /// let work = std::pin::pin!(async { /* long work */ });
    /// match select(work, guard.lost()).await {
    ///     Either::Left(((), _)) => guard.release().await?,
    ///     Either::Right(((), _)) => eprintln!("lock lost: stop writing"),
    /// }
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn lost(&self) -> LockLost {
        self.held.lost.wait()
    }

    /// Releases the lock, only if it is still ours (one atomic script).
    /// [`crate::ErrorKind::LockNotOwned`] when it expired or another holder
    /// has it (theirs is left alone). When the server could not be reached,
    /// the release is tried again in the background and the error returned.
    pub async fn release(mut self) -> Result<()> {
        self.released = true;
        self._stop = None;
        let result = scripts::release()
            .key(&self.lock.name)
            .arg(&self.token)
            .invoke::<i64, _>(&self.lock.client)
            .await;
        match result {
            Ok(1) => Ok(()),
            Ok(_) => {
                self.held.lost.raise();
                Err(self.not_owned("release"))
            }
            Err(e) => {
                // Maybe not run: try again in the background (on drop).
                if e.is_connection() || e.is_timeout() {
                    self.released = false;
                }
                Err(e)
            }
        }
    }

    /// Adds `by` to the lock's remaining TTL, if it is still ours.
    /// [`crate::ErrorKind::LockNotOwned`] when it is not;
    /// [`crate::ErrorKind::Usage`] for a lock without TTL.
    pub async fn extend(&self, by: Duration) -> Result<()> {
        if self.held.valid_until().is_none() {
            // Known to have no TTL: refused before anything is sent.
            return Err(self.no_ttl());
        }
        self.run(ExtendMode::Add(ttl_millis(by)), "extend").await
    }

    /// Sets the lock's remaining TTL to `ttl` (also on a lock without one),
    /// if it is still ours.
    pub async fn extend_to(&self, ttl: Duration) -> Result<()> {
        self.run(ExtendMode::Set(ttl_millis(ttl)), "extend").await
    }

    /// Sets the TTL back to the lock's full TTL (redis-py's `reacquire`), if
    /// it is still ours; for a lock without TTL, only checks that it is.
    pub async fn reacquire(&self) -> Result<()> {
        let mode = match self.lock.ttl {
            Some(ttl) => ExtendMode::Set(ttl_millis(ttl)),
            None => ExtendMode::Check,
        };
        self.run(mode, "reacquire").await
    }

    /// Whether the lock key still holds this guard's token (asks the server).
    pub async fn owned(&self) -> Result<bool> {
        match self.run(ExtendMode::Check, "check").await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == crate::ErrorKind::LockNotOwned => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn run(&self, mode: ExtendMode, what: &str) -> Result<()> {
        let (word, ms) = mode.words();
        let sent_at = Instant::now();
        let pttl: i64 = scripts::extend()
            .key(&self.lock.name)
            .arg(&self.token)
            .arg(word)
            .arg(ms)
            .invoke(&self.lock.client)
            .await?;
        match pttl {
            NOT_OWNED => {
                self.held.lost.raise();
                Err(self.not_owned(what))
            }
            NO_TTL => {
                self.held.set_valid_until(None);
                Err(self.no_ttl())
            }
            ms if ms >= 0 => {
                let ms = u64::try_from(ms).unwrap_or(0);
                self.held
                    .set_valid_until(sent_at.checked_add(Duration::from_millis(ms)));
                Ok(())
            }
            _ => {
                self.held.set_valid_until(None);
                Ok(())
            }
        }
    }

    fn no_ttl(&self) -> Error {
        Error::usage(format!("lock {:?} has no TTL to extend: use extend_to", self.lock.name))
    }

    fn not_owned(&self, what: &str) -> Error {
        Error::lock_not_owned(format!(
            "cannot {what} lock {:?}: it expired or another holder has it",
            self.lock.name
        ))
    }
}

impl Drop for LockGuard {
    /// Releases in the background unless [`LockGuard::release`] did.
    fn drop(&mut self) {
        if !self.released {
            release_in_background(self.lock.client.clone(), self.lock.name.clone(), self.token.clone());
        }
    }
}
