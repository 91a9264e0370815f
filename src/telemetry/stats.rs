//! [`Stats`]: a client's counters, kept in atomics (no lock on the command
//! path), read with [`crate::Client::stats`].

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::ErrorKind;

/// Every [`ErrorKind`], in the order of [`ErrorCounts`].
const KINDS: [ErrorKind; 15] = [
    ErrorKind::Config,
    ErrorKind::Io,
    ErrorKind::ConnectionLost,
    ErrorKind::Protocol,
    ErrorKind::Server,
    ErrorKind::Conversion,
    ErrorKind::Timeout,
    ErrorKind::Tls,
    ErrorKind::Runtime,
    ErrorKind::Closed,
    ErrorKind::WatchConflict,
    ErrorKind::Usage,
    ErrorKind::QueueFull,
    ErrorKind::LockNotOwned,
    ErrorKind::LockQuorum,
];

fn index(kind: ErrorKind) -> usize {
    match kind {
        ErrorKind::Config => 0,
        ErrorKind::Io => 1,
        ErrorKind::ConnectionLost => 2,
        ErrorKind::Protocol => 3,
        ErrorKind::Server => 4,
        ErrorKind::Conversion => 5,
        ErrorKind::Timeout => 6,
        ErrorKind::Tls => 7,
        ErrorKind::Runtime => 8,
        ErrorKind::Closed => 9,
        ErrorKind::WatchConflict => 10,
        ErrorKind::Usage => 11,
        ErrorKind::QueueFull => 12,
        ErrorKind::LockNotOwned => 13,
        ErrorKind::LockQuorum => 14,
    }
}

/// The live counters of one client (shared by its clones, its pool and its
/// dedicated connections).
/// How many copies of the per-command counters a client keeps: each thread
/// adds to one of them (picked once per thread), so threads sending commands
/// at once do not fight over one cache line. Reading sums them.
const STRIPES: usize = 8;

/// The counters touched by every command, on a cache line of their own
/// (128 bytes: adjacent-line prefetch pairs lines on x86).
#[derive(Default)]
#[repr(align(128))]
pub(crate) struct Hot {
    pub(crate) requests: AtomicU64,
    pub(crate) commands_sent: AtomicU64,
    pub(crate) replies: AtomicU64,
    pub(crate) ok: AtomicU64,
    pub(crate) cancelled: AtomicU64,
    pub(crate) bytes_in: AtomicU64,
    pub(crate) bytes_out: AtomicU64,
}

/// The stripe of the calling thread: threads take stripes in turn.
fn stripe() -> usize {
    use std::cell::Cell;
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static STRIPE: Cell<Option<usize>> = const { Cell::new(None) };
    }
    STRIPE.with(|cell| match cell.get() {
        Some(stripe) => stripe,
        None => {
            let stripe = NEXT.fetch_add(1, Relaxed) % STRIPES;
            cell.set(Some(stripe));
            stripe
        }
    })
}

#[derive(Default)]
pub(crate) struct Counters {
    hot: [Hot; STRIPES],
    errors: [AtomicU64; 15],
    pub(crate) connects: AtomicU64,
    pub(crate) shared_connects: AtomicU64,
}

impl Counters {
    /// The calling thread's copy of the per-command counters.
    pub(crate) fn hot(&self) -> &Hot {
        // `stripe()` is below STRIPES; `get` keeps the lint policy.
        let [first, ..] = &self.hot;
        self.hot.get(stripe()).unwrap_or(first)
    }

    /// One per-command counter summed over the stripes.
    fn sum(&self, field: impl Fn(&Hot) -> &AtomicU64) -> u64 {
        self.hot
            .iter()
            .fold(0u64, |sum, hot| sum.wrapping_add(field(hot).load(Relaxed)))
    }

    pub(crate) fn error(&self, kind: ErrorKind) {
        if let Some(counter) = self.errors.get(index(kind)) {
            counter.fetch_add(1, Relaxed);
        }
    }

    pub(crate) fn snapshot(&self, pool: PoolStats) -> Stats {
        let shared = self.shared_connects.load(Relaxed);
        // Ended requests first, then started ones: a request ending meanwhile
        // cannot make `in_flight` negative (it is worked out, not counted, to
        // save two atomic operations per request).
        let ok = self.sum(|h| &h.ok);
        let errors = ErrorCounts(self.errors.each_ref().map(|c| c.load(Relaxed)));
        let cancelled = self.sum(|h| &h.cancelled);
        let requests = self.sum(|h| &h.requests);
        let ended = ok.saturating_add(errors.total()).saturating_add(cancelled);
        Stats {
            requests,
            commands_sent: self.sum(|h| &h.commands_sent),
            replies: self.sum(|h| &h.replies),
            ok,
            errors,
            cancelled,
            connects: self.connects.load(Relaxed),
            reconnects: shared.saturating_sub(1),
            bytes_in: self.sum(|h| &h.bytes_in),
            bytes_out: self.sum(|h| &h.bytes_out),
            in_flight: requests.saturating_sub(ended),
            pool,
        }
    }
}

/// A snapshot of a client's counters, from [`crate::Client::stats`]. The
/// counters cover the client, its clones, its pool and the dedicated
/// connections and transactions made from it; they only grow (except the
/// gauges `in_flight` and `pool`).
///
/// A *request* is one command or one pipeline. Once no request is running,
/// `requests == ok + errors.total() + cancelled`; while some are,
/// `in_flight` makes up the difference (each counter is read on its own,
/// so a snapshot taken under load may be off by the requests that moved
/// meanwhile).
///
/// ```
/// # #[cfg(feature = "smol")] {
/// let client = anyredis::Client::builder().runtime(anyredis::Runtime::smol()).build()?;
/// let stats = client.stats();
/// assert_eq!(stats.requests, 0); // clients are lazy
/// assert_eq!(stats.errors.get(anyredis::ErrorKind::Timeout), 0);
/// # }
/// # Ok::<(), anyredis::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Commands and pipelines started (first polled).
    pub requests: u64,
    /// Commands queued for writing on a connection (a pipeline counts its
    /// commands, `MULTI`/`EXEC` and script loads included; a resent command
    /// counts again).
    pub commands_sent: u64,
    /// Replies received for requests (server error replies included; a
    /// pipeline counts each of its commands).
    pub replies: u64,
    /// Requests that ended with `Ok`.
    pub ok: u64,
    /// Requests that ended with an error, by kind.
    pub errors: ErrorCounts,
    /// Requests whose future was dropped before they ended.
    pub cancelled: u64,
    /// Connections opened (socket and handshake): the shared one, pooled
    /// and dedicated ones.
    pub connects: u64,
    /// Times the shared connection was opened again after the first time.
    pub reconnects: u64,
    /// Bytes read from the server, over every connection.
    pub bytes_in: u64,
    /// Bytes written to the server, over every connection.
    pub bytes_out: u64,
    /// Requests started and not ended, now.
    pub in_flight: u64,
    /// The pool of dedicated connections, now.
    pub pool: PoolStats,
}

/// Requests that failed, by [`ErrorKind`]; see [`Stats::errors`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrorCounts([u64; 15]);

impl ErrorCounts {
    /// Requests that failed with this kind of error.
    pub fn get(&self, kind: ErrorKind) -> u64 {
        self.0.get(index(kind)).copied().unwrap_or(0)
    }

    /// Requests that failed, all kinds together.
    pub fn total(&self) -> u64 {
        self.0.iter().fold(0, |sum, n| sum.saturating_add(*n))
    }

    /// Each kind with its count (zero counts included).
    pub fn iter(&self) -> impl Iterator<Item = (ErrorKind, u64)> + '_ {
        KINDS.iter().copied().zip(self.0.iter().copied())
    }
}

/// The pool part of [`Stats`]: what [`crate::Client::pool_status`] says,
/// plus the callers waiting for a connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// Connections open (leased and idle) or being opened.
    pub open: usize,
    /// Connections open and waiting to be leased.
    pub idle: usize,
    /// Callers waiting in line for a connection.
    pub waiting: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_counter() {
        let counters = Counters::default();
        for (i, kind) in KINDS.iter().enumerate() {
            assert_eq!(index(*kind), i);
            for _ in 0..=i {
                counters.error(*kind);
            }
        }
        let stats = counters.snapshot(PoolStats::default());
        for (i, (kind, n)) in stats.errors.iter().enumerate() {
            assert_eq!(stats.errors.get(kind), n);
            assert_eq!(n, i as u64 + 1);
        }
        assert_eq!(stats.errors.total(), (1..=15).sum::<u64>());
        assert_eq!(stats.in_flight, 0, "never below zero");
        counters.hot().requests.fetch_add(200, Relaxed);
        assert_eq!(counters.snapshot(PoolStats::default()).in_flight, 200 - 120);
    }

    #[test]
    fn striped_counts_from_many_threads_add_up() {
        let counters = std::sync::Arc::new(Counters::default());
        let threads: Vec<_> = (0..2 * STRIPES)
            .map(|_| {
                let counters = counters.clone();
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        counters.hot().requests.fetch_add(1, Relaxed);
                        counters.hot().ok.fetch_add(1, Relaxed);
                        counters.hot().bytes_out.fetch_add(3, Relaxed);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("counting thread");
        }
        let stats = counters.snapshot(PoolStats::default());
        let n = 2 * STRIPES as u64 * 1_000;
        assert_eq!(
            (stats.requests, stats.ok, stats.bytes_out, stats.in_flight),
            (n, n, 3 * n, 0)
        );
        // More threads than stripes: some stripes were shared, and none lost a count.
        assert!(counters.hot.iter().filter(|h| h.requests.load(Relaxed) > 0).count() > 1);
    }
}
