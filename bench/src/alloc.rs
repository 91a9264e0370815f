//! A counting global allocator: every allocation (and reallocation) of the whole
//! bench process adds one to a counter and its size to another, with relaxed
//! atomic adds, then goes to the system allocator. Each thread adds to a slot of
//! its own (64 slots, one cache line each, a thread's slot chosen once), so the
//! counting threads do not contend for one cache line; a reading sums the
//! slots. The counts cover every thread
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
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::Context;

pub struct Counting;

/// One thread's counters (several threads share a slot only beyond 64 threads).
#[repr(align(128))]
struct Slot {
    allocs: AtomicU64,
    bytes: AtomicU64,
    first_poll: AtomicU64,
    later_polls: AtomicU64,
}

const SLOTS: usize = 64;
#[allow(clippy::declare_interior_mutable_const)] // each array element is its own static slot
const EMPTY: Slot = Slot {
    allocs: AtomicU64::new(0),
    bytes: AtomicU64::new(0),
    first_poll: AtomicU64::new(0),
    later_polls: AtomicU64::new(0),
};
static SLOT: [Slot; SLOTS] = [EMPTY; SLOTS];
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);
const NO_SLOT: usize = usize::MAX;

const OUTSIDE: u8 = 0;
const IN_FIRST_POLL: u8 = 1;
const IN_LATER_POLL: u8 = 2;

thread_local! {
    /// Whether this thread is inside a [`phased`] poll, and which. Both thread
    /// locals are const-initialised with no destructor: reading them never allocates.
    static PHASE: Cell<u8> = const { Cell::new(OUTSIDE) };
    /// This thread's index into `SLOT`, chosen at its first allocation.
    static MY_SLOT: Cell<usize> = const { Cell::new(NO_SLOT) };
}

fn my_slot() -> &'static Slot {
    let idx = MY_SLOT
        .try_with(|c| {
            let mut i = c.get();
            if i == NO_SLOT {
                i = NEXT_SLOT.fetch_add(1, Ordering::Relaxed) % SLOTS;
                c.set(i);
            }
            i
        })
        .unwrap_or(0); // a thread being torn down
    &SLOT[idx % SLOTS]
}

/// Off with `--no-alloc-count` (to see what counting costs): one relaxed load per allocation.
static ENABLED: AtomicBool = AtomicBool::new(true);

pub fn disable() {
    ENABLED.store(false, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

#[inline]
fn count(size: usize) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    let slot = my_slot();
    slot.allocs.fetch_add(1, Ordering::Relaxed);
    slot.bytes.fetch_add(size as u64, Ordering::Relaxed);
    match PHASE.try_with(Cell::get) {
        Ok(IN_FIRST_POLL) => slot.first_poll.fetch_add(1, Ordering::Relaxed),
        Ok(IN_LATER_POLL) => slot.later_polls.fetch_add(1, Ordering::Relaxed),
        _ => 0,
    };
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged;
// the counters are static atomics and const thread-local Cells, none of which allocates.
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
    let mut c = Counts::default();
    for s in &SLOT {
        c.allocs += s.allocs.load(Ordering::Relaxed);
        c.bytes += s.bytes.load(Ordering::Relaxed);
        c.first_poll += s.first_poll.load(Ordering::Relaxed);
        c.later_polls += s.later_polls.load(Ordering::Relaxed);
    }
    c
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
