//! Peak memory of a slow pub/sub consumer, per delivery policy, measured
//! with a counting global allocator (this test binary only). The cases run
//! one at a time (a lock), so the peak is theirs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Live bytes now.
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Restarts the peak from the live bytes now.
pub fn reset_peak() {
    PEAK.store(live(), Ordering::Relaxed);
}

/// The peak since the last reset.
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

mod cases {
    pub mod memory;
}

runtime_tests::per_runtime! { local:
    memory: [slow_consumer_memory_is_bounded],
}
