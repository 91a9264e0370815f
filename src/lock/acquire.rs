//! Taking a [`super::Lock`]: one attempt (the acquire script, plus the
//! replica check or making a TTL-less lock permanent), and the blocking loop
//! around it with jittered waits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::guard::LockGuard;
use super::scripts::{self, ExtendMode, NOT_OWNED};
use super::{replica, token, LockInner, DEFAULT_TTL};
use crate::{Client, ErrorKind, Result};

/// The longest TTL sent (about 34 years): far beyond any lock, and exact in
/// Lua's doubles.
const MAX_TTL_MS: u64 = 1 << 40;

/// `d` in whole milliseconds, rounded up, at least 1, at most [`MAX_TTL_MS`].
pub(crate) fn ttl_millis(d: Duration) -> u64 {
    let whole = u64::try_from(d.as_millis()).unwrap_or(MAX_TTL_MS);
    let ms = if d.subsec_nanos() % 1_000_000 == 0 {
        whole
    } else {
        whole.saturating_add(1)
    };
    ms.clamp(1, MAX_TTL_MS)
}

/// Takes the lock, retrying while `blocking` until the blocking timeout.
pub(crate) async fn acquire(lock: Arc<LockInner>, blocking: bool) -> Result<Option<LockGuard>> {
    let started = Instant::now();
    let mut jitter = Jitter::new();
    loop {
        let refused = match attempt(&lock).await {
            Ok(Some(guard)) => return Ok(Some(guard)),
            Ok(None) => None,
            Err(e) if blocking && e.kind() == ErrorKind::LockQuorum => Some(e),
            Err(e) => return Err(e),
        };
        if !blocking {
            return Ok(None);
        }
        let mut wait = jitter.around(lock.retry_interval);
        if let Some(limit) = lock.blocking_timeout {
            let left = limit.saturating_sub(started.elapsed());
            if left.is_zero() {
                return refused.map_or(Ok(None), Err);
            }
            wait = wait.min(left);
        }
        lock.client.runtime().sleep(wait).await;
    }
}

/// One attempt: `Some(guard)` when taken.
async fn attempt(lock: &Arc<LockInner>) -> Result<Option<LockGuard>> {
    let token = token::new_token()?;
    // A lock without a TTL is taken with a provisional one, removed below
    // once this caller knows it holds the lock.
    let ttl = lock.ttl.unwrap_or(DEFAULT_TTL);
    let mut pending = Pending::new(&lock.client, &lock.name, &token);
    let sent_at = Instant::now();
    let fence = match lock.replica_check {
        None => {
            scripts::acquire()
                .key(&lock.name)
                .key(&lock.fence_key)
                .arg(&token)
                .arg(ttl_millis(ttl))
                // A fence counter someone set negative fails the conversion
                // (and `pending` releases the lock).
                .invoke::<u64, _>(&lock.client)
                .await?
        }
        Some(check) => {
            return match replica::acquire(lock, check, &token, ttl, sent_at).await {
                Ok(Some(fence)) => {
                    let guard = LockGuard::new(lock.clone(), token, fence, sent_at.checked_add(ttl))?;
                    pending.disarm();
                    Ok(Some(guard))
                }
                Ok(None) => {
                    pending.disarm();
                    Ok(None)
                }
                // Released already by the replica check.
                Err(e) if e.kind() == ErrorKind::LockQuorum => {
                    pending.disarm();
                    Err(e)
                }
                // May hold the lock: `pending` releases it.
                Err(e) => Err(e),
            };
        }
    };
    if fence == 0 {
        pending.disarm();
        return Ok(None);
    }
    let valid_until = match lock.ttl {
        Some(ttl) => sent_at.checked_add(ttl),
        None => {
            let (mode, ms) = ExtendMode::Persist.words();
            let pttl: i64 = scripts::extend()
                .key(&lock.name)
                .arg(&token)
                .arg(mode)
                .arg(ms)
                .invoke(&lock.client)
                .await?;
            if pttl == NOT_OWNED {
                // Lost before it was made permanent (the provisional TTL ran out).
                pending.disarm();
                return Ok(None);
            }
            None
        }
    };
    let guard = LockGuard::new(lock.clone(), token, fence, valid_until)?;
    pending.disarm();
    Ok(Some(guard))
}

/// An attempt whose outcome the caller has not yet seen: if it ends early
/// (cancelled, or failed after its command may have run), the lock it may
/// have taken is released in the background.
pub(crate) struct Pending {
    armed: Option<(Client, String, String)>,
}

impl Pending {
    pub(crate) fn new(client: &Client, name: &str, token: &str) -> Pending {
        Pending {
            armed: Some((client.clone(), name.to_owned(), token.to_owned())),
        }
    }

    pub(crate) fn disarm(&mut self) {
        self.armed = None;
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some((client, name, token)) = self.armed.take() {
            release_in_background(client, name, token);
        }
    }
}

/// Runs the release script on the client's runtime, without waiting; a
/// failure (or a runtime that cannot spawn) leaves the key to its TTL.
pub(crate) fn release_in_background(client: Client, name: String, token: String) {
    let runtime = client.runtime().clone();
    let _ = runtime.spawn(async move {
        let _ = scripts::release()
            .key(&name)
            .arg(&token)
            .invoke::<i64, _>(&client)
            .await;
    });
}

/// Random waits around an interval (xorshift64, seeded from the OS).
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new() -> Jitter {
        let mut seed = [0u8; 8];
        let seed = match getrandom::getrandom(&mut seed) {
            Ok(()) => u64::from_le_bytes(seed),
            Err(_) => u64::from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .subsec_nanos(),
            ),
        };
        Jitter(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A duration drawn between half and one and a half times `interval`.
    pub(crate) fn around(&mut self, interval: Duration) -> Duration {
        let micros = u64::try_from(interval.as_micros()).unwrap_or(u64::MAX).max(2);
        let half = micros / 2;
        let offset = self.next().checked_rem(micros).unwrap_or(0);
        Duration::from_micros(half.saturating_add(offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_rounds_up_and_saturates() {
        assert_eq!(ttl_millis(Duration::from_micros(1)), 1);
        assert_eq!(ttl_millis(Duration::ZERO), 1);
        assert_eq!(ttl_millis(Duration::from_micros(1500)), 2);
        assert_eq!(ttl_millis(Duration::from_secs(3)), 3000);
        assert_eq!(ttl_millis(Duration::MAX), MAX_TTL_MS);
    }

    #[test]
    fn jitter_stays_within_half_and_one_and_a_half() {
        let mut j = Jitter::new();
        let base = Duration::from_millis(100);
        for _ in 0..1000 {
            let d = j.around(base);
            assert!(d >= base / 2 && d < base * 3 / 2, "{d:?}");
        }
        assert!(j.around(Duration::ZERO) <= Duration::from_micros(2));
    }
}
