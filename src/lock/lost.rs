//! The "lock lost" signal a guard shares with its auto-extend task: a flag
//! to read at any time and a future that resolves when it is raised.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_channel::oneshot;
use futures_util::future::{FutureExt, Shared};

/// Raised once, never lowered.
#[derive(Debug)]
pub(crate) struct LostSignal {
    lost: AtomicBool,
    /// Sent (dropped, in fact) when raised; `None` afterwards.
    raise: Mutex<Option<oneshot::Sender<()>>>,
    waiters: Shared<oneshot::Receiver<()>>,
}

impl LostSignal {
    pub(crate) fn new() -> Arc<LostSignal> {
        let (raise, waiters) = oneshot::channel();
        Arc::new(LostSignal {
            lost: AtomicBool::new(false),
            raise: Mutex::new(Some(raise)),
            waiters: waiters.shared(),
        })
    }

    pub(crate) fn raise(&self) {
        self.lost.store(true, Ordering::SeqCst);
        let sender = match self.raise.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(sender) = sender {
            let _ = sender.send(());
        }
    }

    pub(crate) fn is_raised(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    pub(crate) fn wait(self: &Arc<LostSignal>) -> LockLost {
        LockLost {
            waiter: self.waiters.clone(),
            _signal: self.clone(),
        }
    }
}

/// A future that resolves when the lock behind a guard is known to be lost
/// (an auto-extension failed, or an operation found the lock no longer
/// ours). Made by [`crate::lock::LockGuard::lost`]. It never resolves for a
/// lock that is kept, nor because the guard was released or dropped.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct LockLost {
    waiter: Shared<oneshot::Receiver<()>>,
    /// Keeps the sender alive, so the receiver ends only when raised.
    _signal: Arc<LostSignal>,
}

impl Future for LockLost {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.waiter.poll_unpin(cx).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_once_raised_and_not_before() {
        let signal = LostSignal::new();
        let mut early = signal.wait();
        assert!(futures_util::FutureExt::now_or_never(&mut early).is_none());
        assert!(!signal.is_raised());
        signal.raise();
        signal.raise();
        assert!(signal.is_raised());
        assert_eq!(futures_util::FutureExt::now_or_never(&mut early), Some(()));
        assert_eq!(futures_util::FutureExt::now_or_never(signal.wait()), Some(()));
    }
}
