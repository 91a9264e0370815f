//! The reply slot of one command: a one-shot channel whose cells are reused.
//!
//! A cell is an `Arc` shared by the driver (which sends the reply) and the
//! caller (who awaits it). When the caller is done with it and the driver has
//! let go, the caller's thread keeps the cell in a small free list, and the
//! next command sent from that thread takes it instead of allocating: in a
//! steady stream of commands no allocation is made per command. Cells that
//! cannot be reused (the driver still holds one, the list is full) are simply
//! freed.
//!
//! A cell goes back to a list only when its receiver holds the last reference
//! (`Arc::strong_count == 1`): nobody else can reach it then, so clearing it
//! cannot race with a send. No `unsafe` is involved.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_channel::oneshot::Canceled;
use futures_util::task::AtomicWaker;

use crate::resp::Value;
use crate::Result;

/// Nothing sent yet.
const EMPTY: u8 = 0;
/// The reply is in `value`.
const SENT: u8 = 1;
/// The sender went away without sending.
const CLOSED: u8 = 2;

/// Cells kept per thread for reuse.
const KEEP: usize = 256;

struct Cell {
    state: AtomicU8,
    value: Mutex<Option<Result<Value>>>,
    waker: AtomicWaker,
}

thread_local! {
    static FREE: RefCell<Vec<Arc<Cell>>> = const { RefCell::new(Vec::new()) };
}

/// A new channel, on a reused cell when this thread has one.
pub(crate) fn channel() -> (ReplySender, ReplyReceiver) {
    let cell = FREE
        .try_with(|free| free.try_borrow_mut().ok().and_then(|mut free| free.pop()))
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            Arc::new(Cell {
                state: AtomicU8::new(EMPTY),
                value: Mutex::new(None),
                waker: AtomicWaker::new(),
            })
        });
    (
        ReplySender {
            cell: Some(cell.clone()),
        },
        ReplyReceiver { cell: Some(cell) },
    )
}

/// The driver's end: sends the reply once.
pub(crate) struct ReplySender {
    /// `None` once sent.
    cell: Option<Arc<Cell>>,
}

impl ReplySender {
    /// Hands `reply` to the receiver (dropped with the cell if the receiver is gone).
    pub(crate) fn send(mut self, reply: Result<Value>) {
        if let Some(cell) = self.cell.take() {
            *lock(&cell.value) = Some(reply);
            cell.state.store(SENT, Ordering::Release);
            cell.waker.wake();
        }
    }
}

impl Drop for ReplySender {
    fn drop(&mut self) {
        if let Some(cell) = self.cell.take() {
            cell.state.store(CLOSED, Ordering::Release);
            cell.waker.wake();
        }
    }
}

/// The caller's end: resolves to the reply, or `Canceled` if the sender
/// went away without one.
pub(crate) struct ReplyReceiver {
    /// `None` once the reply was taken.
    cell: Option<Arc<Cell>>,
}

impl ReplyReceiver {
    fn take(&mut self, state: u8) -> Option<std::result::Result<Result<Value>, Canceled>> {
        match state {
            SENT => {
                let reply = self.cell.as_ref().and_then(|cell| lock(&cell.value).take());
                self.recycle();
                // SENT is stored after the value, so the value is there.
                Some(reply.ok_or(Canceled))
            }
            CLOSED => {
                self.recycle();
                Some(Err(Canceled))
            }
            _ => None,
        }
    }

    /// Gives the cell back to this thread's free list when nobody else holds it.
    fn recycle(&mut self) {
        let Some(cell) = self.cell.take() else {
            return;
        };
        if Arc::strong_count(&cell) != 1 {
            return;
        }
        // `strong_count` reads with `Relaxed`: this fence pairs with the
        // sender's releasing drop of its reference, so everything the sender
        // did to the cell (its store, its wake) happened before our reset.
        std::sync::atomic::fence(Ordering::Acquire);
        // Ours alone: clear it for the next command.
        cell.state.store(EMPTY, Ordering::Relaxed);
        drop(lock(&cell.value).take());
        drop(cell.waker.take());
        let _ = FREE.try_with(|free| {
            if let Ok(mut free) = free.try_borrow_mut() {
                if free.len() < KEEP {
                    free.push(cell);
                }
            }
        });
    }
}

impl Future for ReplyReceiver {
    type Output = std::result::Result<Result<Value>, Canceled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(state) = this.cell.as_ref().map(|cell| cell.state.load(Ordering::Acquire)) else {
            // Polled after it resolved.
            return Poll::Ready(Err(Canceled));
        };
        if let Some(reply) = this.take(state) {
            return Poll::Ready(reply);
        }
        let state = this.cell.as_ref().map_or(CLOSED, |cell| {
            cell.waker.register(cx.waker());
            // Checked again: a send between the load and the registration woke nobody.
            cell.state.load(Ordering::Acquire)
        });
        match this.take(state) {
            Some(reply) => Poll::Ready(reply),
            None => Poll::Pending,
        }
    }
}

impl Drop for ReplyReceiver {
    fn drop(&mut self) {
        self.recycle();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::task::noop_waker_ref;

    fn poll(receiver: &mut ReplyReceiver) -> Poll<std::result::Result<Result<Value>, Canceled>> {
        Pin::new(receiver).poll(&mut Context::from_waker(noop_waker_ref()))
    }

    fn free_cells() -> usize {
        FREE.with(|free| free.borrow().len())
    }

    #[test]
    fn delivers_then_reuses_the_cell_without_leaking_the_old_reply() {
        let (sender, mut receiver) = channel();
        assert!(poll(&mut receiver).is_pending());
        sender.send(Ok(Value::Integer(1)));
        assert!(matches!(poll(&mut receiver), Poll::Ready(Ok(Ok(Value::Integer(1))))));
        let kept = free_cells();
        assert!(kept >= 1, "the cell went back to the free list");
        // The next channel takes that cell, and starts empty.
        let (sender, mut receiver) = channel();
        assert_eq!(free_cells(), kept - 1);
        assert!(poll(&mut receiver).is_pending(), "a reused cell holds no old reply");
        sender.send(Ok(Value::Integer(2)));
        assert!(matches!(poll(&mut receiver), Poll::Ready(Ok(Ok(Value::Integer(2))))));
    }

    #[test]
    fn a_sender_dropped_without_sending_cancels() {
        let (sender, mut receiver) = channel();
        drop(sender);
        assert!(matches!(poll(&mut receiver), Poll::Ready(Err(Canceled))));
    }

    #[test]
    fn a_dropped_receiver_loses_the_reply_and_no_cell_is_shared() {
        let (sender, receiver) = channel();
        drop(receiver);
        // The sender still holds the cell: it must not have been listed for reuse.
        let (sender2, mut receiver2) = channel();
        sender.send(Ok(Value::Integer(7)));
        assert!(
            poll(&mut receiver2).is_pending(),
            "another channel never sees this reply"
        );
        sender2.send(Ok(Value::Integer(8)));
        assert!(matches!(poll(&mut receiver2), Poll::Ready(Ok(Ok(Value::Integer(8))))));
    }

    #[test]
    fn the_free_list_is_bounded() {
        let channels: Vec<_> = (0..KEEP + 50).map(|_| channel()).collect();
        for (sender, mut receiver) in channels {
            sender.send(Ok(Value::Nil));
            assert!(poll(&mut receiver).is_ready());
        }
        assert_eq!(free_cells(), KEEP);
    }

    #[test]
    fn replies_cross_threads() {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                std::thread::spawn(move || {
                    for n in 0..1_000i64 {
                        let (sender, receiver) = channel();
                        let t = std::thread::spawn(move || sender.send(Ok(Value::Integer(n * i))));
                        let got = futures_executor_block_on(receiver);
                        assert!(matches!(got, Ok(Ok(Value::Integer(v))) if v == n * i));
                        t.join().expect("sender thread");
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("receiver thread");
        }
    }

    /// A minimal block_on for the test (no runtime dependency).
    fn futures_executor_block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
            std::thread::park();
        }
    }
}
