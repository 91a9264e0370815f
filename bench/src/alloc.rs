//! A counting global allocator: every allocation (and reallocation) of the whole
//! bench process adds one to a counter and its size to another, with relaxed
//! atomic adds, then goes to the system allocator. The counts cover every thread
//! (all clients' background tasks, the runtimes, the bench's own bookkeeping),
//! so a per-op figure is the whole process's allocations over the sample
//! divided by its ops.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

#[inline]
fn count(size: usize) {
    ALLOCS.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(size as u64, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged;
// the counters are plain atomics and never allocate.
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

/// Allocations and bytes requested so far, whole process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub allocs: u64,
    pub bytes: u64,
}

pub fn counts() -> Counts {
    Counts {
        allocs: ALLOCS.load(Ordering::Relaxed),
        bytes: BYTES.load(Ordering::Relaxed),
    }
}

impl Counts {
    pub fn since(self, before: Counts) -> Counts {
        Counts {
            allocs: self.allocs.saturating_sub(before.allocs),
            bytes: self.bytes.saturating_sub(before.bytes),
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
}
