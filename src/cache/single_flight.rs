//! Single flight: within one process, one task at a time looks up (and, on a
//! miss, computes and stores) a given cache entry; the tasks that ask for the
//! same entry meanwhile wait for its outcome instead of doing the same work.
//!
//! The first task to ask becomes the leader ([`Role::Leader`]); later ones
//! get a receiver ([`Role::Follower`]). The leader ends its flight with
//! [`Leader::publish`] (every follower gets the outcome). A leader that is
//! dropped without publishing (its future was cancelled, or its computation
//! failed with the caller's own error) ends the flight too: the followers'
//! receivers fail, and each asks again, so one of them leads the next
//! flight. Nobody is left waiting on a leader that is gone.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use futures_channel::oneshot;

use crate::Error;

/// What a follower receives: the entry's serialized value, or the error of
/// the leader's Redis call (shared rather than retried by every follower).
pub(crate) type Outcome = Result<Bytes, Error>;

/// The flights in progress, by Redis key.
#[derive(Debug, Default)]
pub(crate) struct Flights {
    inner: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    next_id: u64,
    flights: HashMap<String, Flight>,
}

#[derive(Debug)]
struct Flight {
    id: u64,
    followers: Vec<oneshot::Sender<Outcome>>,
}

/// A caller's part in the flight for one key.
pub(crate) enum Role<'a> {
    /// Nobody else is working on the key: do the work, then publish.
    Leader(Leader<'a>),
    /// Another task is: wait for its outcome (an error from the receiver
    /// means it gave up; ask again).
    Follower(oneshot::Receiver<Outcome>),
}

impl Flights {
    fn table(&self) -> MutexGuard<'_, Table> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Joins the flight for `key`, or starts one.
    pub(crate) fn join(&self, key: &str) -> Role<'_> {
        let mut table = self.table();
        if let Some(flight) = table.flights.get_mut(key) {
            let (tx, rx) = oneshot::channel();
            flight.followers.push(tx);
            return Role::Follower(rx);
        }
        let id = table.next_id;
        table.next_id = id.wrapping_add(1);
        table.flights.insert(
            key.to_owned(),
            Flight {
                id,
                followers: Vec::new(),
            },
        );
        Role::Leader(Leader {
            flights: self,
            key: key.to_owned(),
            id,
        })
    }

    /// Ends the flight `id` for `key` (if it is still the current one) and
    /// returns its followers.
    fn end(&self, key: &str, id: u64) -> Vec<oneshot::Sender<Outcome>> {
        let mut table = self.table();
        match table.flights.get(key) {
            Some(flight) if flight.id == id => table.flights.remove(key).map(|f| f.followers).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// How many flights are in progress (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.table().flights.len()
    }
}

/// The leader of one flight. Dropping it without [`publish`](Leader::publish)
/// hands the key to the followers (each asks again).
pub(crate) struct Leader<'a> {
    flights: &'a Flights,
    key: String,
    id: u64,
}

impl Leader<'_> {
    /// Ends the flight: every follower gets `outcome`.
    pub(crate) fn publish(self, outcome: Outcome) {
        let followers = self.flights.end(&self.key, self.id);
        for follower in followers {
            // A follower that stopped waiting dropped its receiver: nothing to do.
            let _ = follower.send(outcome.clone());
        }
        // `end` already removed the flight; Drop finds nothing more to do.
    }
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        // Dropping the senders wakes the followers with `Canceled`.
        drop(self.flights.end(&self.key, self.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::future::block_on;

    #[test]
    fn followers_get_the_published_outcome() {
        let flights = Flights::default();
        let Role::Leader(leader) = flights.join("k") else {
            panic!("first is the leader")
        };
        let Role::Follower(a) = flights.join("k") else {
            panic!("second follows")
        };
        let Role::Follower(b) = flights.join("k") else {
            panic!("third follows")
        };
        assert!(matches!(flights.join("other"), Role::Leader(_)));
        leader.publish(Ok(Bytes::from_static(b"v")));
        assert_eq!(flights.len(), 0);
        assert_eq!(block_on(a).unwrap().unwrap(), "v");
        assert_eq!(block_on(b).unwrap().unwrap(), "v");
        assert!(
            matches!(flights.join("k"), Role::Leader(_)),
            "a new flight after the end"
        );
    }

    #[test]
    fn a_dropped_leader_releases_its_followers() {
        let flights = Flights::default();
        let leader = flights.join("k");
        let Role::Follower(rx) = flights.join("k") else {
            panic!("follows")
        };
        drop(leader);
        assert!(block_on(rx).is_err(), "canceled: ask again");
        assert!(matches!(flights.join("k"), Role::Leader(_)));
    }

    #[test]
    fn a_stale_leader_does_not_end_a_newer_flight() {
        let flights = Flights::default();
        let Role::Leader(first) = flights.join("k") else {
            panic!()
        };
        // The first flight ends by hand (as `publish` would), a second starts.
        drop(flights.end("k", first.id));
        let Role::Leader(_second) = flights.join("k") else {
            panic!()
        };
        let Role::Follower(rx) = flights.join("k") else {
            panic!()
        };
        drop(first);
        assert_eq!(flights.len(), 1, "the second flight is still there");
        drop(_second);
        assert!(block_on(rx).is_err());
    }
}
