//! A counting global allocator: every allocation (and reallocation) of the whole
//! bench process adds one to a counter and its size to another, with relaxed
//! atomic adds, then goes to the system allocator. The counts cover every thread
//! (all clients' background tasks, the runtimes, the bench's own bookkeeping),
//! so a per-op figure is the whole process's allocations over the sample
//! divided by its ops.
//!
//! [`phased`] wraps one command's future in the benchmark loop: allocations the
//! calling thread makes while polling it are counted apart, those of its first
//! poll (the caller's side of the write path: building, encoding and queueing
//! the command, and writing it when the client does that in the caller) and
//! those of its later polls (taking the reply over). Everything else (the
//! client's driver task, the runtime, other threads) is the difference.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Context;

pub struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static FIRST_POLL: AtomicU64 = AtomicU64::new(0);
static LATER_POLLS: AtomicU64 = AtomicU64::new(0);

const OUTSIDE: u8 = 0;
const IN_FIRST_POLL: u8 = 1;
const IN_LATER_POLL: u8 = 2;

thread_local! {
    /// Whether this thread is inside a [`phased`] poll, and which (const: no
    /// lazy initialisation, no destructor, so reading it never allocates).
    static PHASE: Cell<u8> = const { Cell::new(OUTSIDE) };
}

#[inline]
fn count(size: usize) {
    ALLOCS.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(size as u64, Ordering::Relaxed);
    match PHASE.try_with(Cell::get) {
        Ok(IN_FIRST_POLL) => FIRST_POLL.fetch_add(1, Ordering::Relaxed),
        Ok(IN_LATER_POLL) => LATER_POLLS.fetch_add(1, Ordering::Relaxed),
        _ => 0,
    };
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged;
// the counters are plain atomics and a const thread-local Cell, none of which allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    /// A reallocation counts as one allocation of the new size (it may move).
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

/// Awaits `inner`, counting the allocations of its first poll and of its later
/// polls apart (see the module doc). No allocation of its own: `inner` is pinned
/// on this future's stack.
pub async fn phased<F: Future>(inner: F) -> F::Output {
    let mut inner = std::pin::pin!(inner);
    let mut polled = false;
    std::future::poll_fn(move |cx: &mut Context<'_>| {
        let phase = if polled { IN_LATER_POLL } else { IN_FIRST_POLL };
        polled = true;
        let before = PHASE.with(|p| p.replace(phase));
        let out = inner.as_mut().poll(cx);
        PHASE.with(|p| p.set(before));
        out
    })
    .await
}

/// Allocations and bytes requested so far, whole process, and the allocations
/// made in the first and in later polls of [`phased`] futures.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub allocs: u64,
    pub bytes: u64,
    pub first_poll: u64,
    pub later_polls: u64,
}

pub fn counts() -> Counts {
    Counts {
        allocs: ALLOCS.load(Ordering::Relaxed),
        bytes: BYTES.load(Ordering::Relaxed),
        first_poll: FIRST_POLL.load(Ordering::Relaxed),
        later_polls: LATER_POLLS.load(Ordering::Relaxed),
    }
}

impl Counts {
    pub fn since(self, before: Counts) -> Counts {
        Counts {
            allocs: self.allocs.saturating_sub(before.allocs),
            bytes: self.bytes.saturating_sub(before.bytes),
            first_poll: self.first_poll.saturating_sub(before.first_poll),
            later_polls: self.later_polls.saturating_sub(before.later_polls),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_grow_with_allocations() {
        let before = super::counts();
        let v: Vec<u8> = Vec::with_capacity(1000);
        let d = super::counts().since(before);
        drop(v);
        // Other test threads may allocate too: at least ours is counted.
        assert!(d.allocs >= 1 && d.bytes >= 1000, "{d:?}");
    }

    #[test]
    fn phased_polls_are_counted_apart() {
        use std::future::Future;
        use std::task::{Context, Poll, Waker};
        // Allocates 2 times in its first poll, returns Pending, then 3 times and Ready.
        struct TwoThenThree(bool);
        impl Future for TwoThenThree {
            type Output = ();
            fn poll(mut self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
                let n = if self.0 { 3 } else { 2 };
                for i in 0..n {
                    std::hint::black_box(vec![i as u8; 8]);
                }
                if self.0 {
                    Poll::Ready(())
                } else {
                    self.0 = true;
                    Poll::Pending
                }
            }
        }
        let mut fut = Box::pin(super::phased(TwoThenThree(false)));
        let mut cx = Context::from_waker(Waker::noop());
        let before = super::counts();
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        let mid = super::counts().since(before);
        assert!(fut.as_mut().poll(&mut cx).is_ready());
        let d = super::counts().since(before);
        // Other test threads never run inside a Phased poll: these are exact.
        assert_eq!((mid.first_poll, mid.later_polls), (2, 0));
        assert_eq!((d.first_poll, d.later_polls), (2, 3));
        // Outside a Phased poll nothing is counted apart.
        std::hint::black_box(vec![0u8; 8]);
        assert_eq!(super::counts().since(before).first_poll, 2);
    }
}
