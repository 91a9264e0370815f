//! [`Lease`]: a pooled connection on loan, returned (or closed) on drop.

use std::ops::Deref;

use super::{Connection, Pool};

/// A dedicated connection borrowed from the pool.
pub(crate) struct Lease {
    conn: Option<Connection>,
    pool: Pool,
    /// Cleared while the connection is in a state the next user must not see
    /// (a `WATCH` in force, a transaction half-sent).
    clean: bool,
}

impl Lease {
    pub(super) fn new(conn: Connection, pool: Pool) -> Lease {
        Lease {
            conn: Some(conn),
            pool,
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
}

impl Deref for Lease {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("a lease holds its connection until dropped")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Replies still owed (e.g. a blocking command whose caller gave up)
            // would reach the next user: close such a connection instead.
            // `retire` also ends every handle of this holder (epoch), so
            // nothing they still hold can send on the next holder's lease.
            let reusable = conn.retire() && self.clean;
            self.pool.release(conn, reusable);
        }
    }
}
