//! [`Permit`]: one of the pool's `max_connections` slots, held while a
//! connection is opened, checked or leased.

use super::{Grant, Pool};

/// The right to one slot counted in the pool's `open` count.
///
/// Whoever holds it owns the slot: dropping it unused (a caller cancelled
/// while connecting, a failed connect, a closed connection) gives the slot
/// back at once, to the next waiter or by lowering the count. A permit in a
/// [`super::Lease`] travels with the connection; one put in the idle list or
/// freed under the pool's lock is disarmed first.
pub(crate) struct Permit {
    /// `None` once the slot is accounted for elsewhere.
    pool: Option<Pool>,
}

impl Permit {
    /// A permit for a slot the caller already counted in `open`.
    pub(super) fn new(pool: Pool) -> Permit {
        Permit { pool: Some(pool) }
    }

    /// The pool this permit's slot belongs to; `None` once disarmed.
    pub(super) fn pool(&self) -> Option<&Pool> {
        self.pool.as_ref()
    }

    /// Moves the slot into a new permit, leaving this one disarmed.
    pub(super) fn take(&mut self) -> Permit {
        Permit { pool: self.pool.take() }
    }

    /// The slot is now accounted for by the caller (under the pool's lock):
    /// dropping this permit must not give it back a second time.
    pub(super) fn disarm(mut self) {
        self.pool = None;
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            let slot = Permit::new(pool.clone());
            pool.hand_over(Grant::Slot(slot));
        }
    }
}
