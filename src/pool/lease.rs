//! [`Lease`]: a pooled connection on loan, returned (or closed) on drop.

use std::ops::Deref;
use std::sync::Arc;

use super::{Connection, Permit};

/// A dedicated connection borrowed from the pool, with the slot it occupies.
///
/// Dropped anywhere (by its user, unused in a waiter's channel whose
/// receiver is gone, during a health check), it gives the connection back to
/// the pool when it is reusable and closes it otherwise; either way the slot
/// is never lost.
pub(crate) struct Lease {
    /// Shared only with the pool's idle list, never with another lease: the
    /// `Arc` lets `drop` hand the connection on from behind `&mut self`.
    conn: Arc<Connection>,
    permit: Permit,
    /// Cleared while the connection is in a state the next user must not see
    /// (a `WATCH` in force, a transaction half-sent, a health check pending).
    clean: bool,
}

impl Lease {
    pub(super) fn new(conn: Arc<Connection>, permit: Permit) -> Lease {
        Lease {
            conn,
            permit,
            clean: true,
        }
    }

    /// Marks the connection's state as unknown until [`Lease::mark_clean`].
    pub(crate) fn mark_dirty(&mut self) {
        self.clean = false;
    }

    /// The connection is back in its initial state.
    pub(crate) fn mark_clean(&mut self) {
        self.clean = true;
    }

    /// The connection and its slot, without giving either back.
    pub(super) fn into_parts(mut self) -> (Arc<Connection>, Permit) {
        // `drop` finds the permit disarmed and does nothing more.
        (Arc::clone(&self.conn), self.permit.take())
    }
}

impl Deref for Lease {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let permit = self.permit.take();
        let Some(pool) = permit.pool().cloned() else {
            return;
        };
        // Replies still owed (e.g. a blocking command whose caller gave up)
        // would reach the next user: close such a connection instead.
        // `retire` also ends every handle of this holder (epoch), so nothing
        // they still hold can send on the next holder's lease; it runs first,
        // whatever `clean` says.
        let reusable = self.conn.retire() && self.clean;
        pool.release(Arc::clone(&self.conn), permit, reusable);
    }
}
