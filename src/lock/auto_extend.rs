//! The auto-extend task of a guard: sets the TTL back to the full TTL every
//! third of it; raises the guard's lost signal when the lock is found taken
//! by someone else, or when its validity ends before an extension got through.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use futures_util::future::{select, Either};

use super::acquire::ttl_millis;
use super::guard::Held;
use super::scripts::{self, ExtendMode};
use super::LockInner;
use crate::rt::with_timeout;

/// Whether the guard stopped the task (released or dropped).
fn stopped(stop: &mut oneshot::Receiver<()>) -> bool {
    !matches!(stop.try_recv(), Ok(None))
}

pub(super) async fn run(
    lock: Arc<LockInner>,
    token: String,
    ttl: Duration,
    held: Arc<Held>,
    mut stop: oneshot::Receiver<()>,
) {
    let runtime = lock.client.runtime().clone();
    let period = ttl.checked_div(3).unwrap_or_default().max(Duration::from_millis(1));
    // After a failed attempt, try again sooner.
    let retry = period.checked_div(4).unwrap_or_default().max(Duration::from_millis(1));
    let (word, ms) = ExtendMode::Set(ttl_millis(ttl)).words();
    let mut wait = period;
    loop {
        if let Either::Left(_) = select(&mut stop, runtime.sleep(wait)).await {
            return;
        }
        let left = held
            .valid_until()
            .map_or(ttl, |until| until.saturating_duration_since(Instant::now()));
        if left.is_zero() {
            if !stopped(&mut stop) {
                held.lost.raise();
            }
            return;
        }
        let sent_at = Instant::now();
        let call = scripts::extend().key(&lock.name).arg(&token).arg(word).arg(ms);
        let call = call.invoke::<i64, _>(&lock.client);
        let outcome = with_timeout(&runtime, Some(left), call).await;
        if stopped(&mut stop) {
            return;
        }
        match outcome {
            Ok(Ok(pttl)) if pttl >= 0 => {
                let pttl = Duration::from_millis(u64::try_from(pttl).unwrap_or(0));
                held.set_valid_until(sent_at.checked_add(pttl));
                wait = period;
            }
            // Not ours any more (or no TTL: someone else's key).
            Ok(Ok(_)) => {
                held.lost.raise();
                return;
            }
            // Unreachable for now: try again while the lock is still valid.
            Ok(Err(_)) => {
                let left = held
                    .valid_until()
                    .map_or(Duration::ZERO, |until| until.saturating_duration_since(Instant::now()));
                wait = retry.min(left);
            }
            // The validity ran out while waiting for the server.
            Err(()) => {
                held.lost.raise();
                return;
            }
        }
    }
}
