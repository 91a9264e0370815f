//! A lazily filled pool of dedicated connections, for work that must not run
//! on the shared connection: blocking commands and `WATCH` transactions.
//!
//! - Connections are opened on demand, up to `max_connections`; when all are
//!   leased, callers wait in line (first come, first served) up to
//!   `acquire_timeout`.
//! - Every slot counted in `open` is owned by exactly one thing: an idle
//!   connection, or a [`Permit`] (a caller opening or checking a connection,
//!   a [`Lease`], or a grant on its way to a waiter). Dropping a permit or a
//!   lease, wherever and whenever that happens (a cancelled caller, a waiter
//!   that timed out with a connection already in its channel), gives the slot
//!   back, so cancellation never shrinks the pool.
//! - A lease returns its connection when dropped, unless the connection's
//!   state is unknown: replies still owed (a blocking command whose caller gave
//!   up), a transaction cut short, a health check that did not finish, or a
//!   broken connection. Those are closed.
//! - Connections idle longer than `idle_timeout` are closed by a reaper task;
//!   one idle longer than `health_check_after` is checked with `PING` before
//!   it is leased again.
//! - [`Pool::close`] closes idle connections, fails waiters with
//!   [`crate::ErrorKind::Closed`], and makes leases close their connections
//!   when released (a leased connection stays its holder's until then: a
//!   `BLPOP k 0` may hold it for ever, so nobody waits for that).

mod conn;
mod lease;
mod permit;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use futures_channel::oneshot;

use crate::config::Config;
use crate::error::RequestState;
use crate::rt::{with_timeout, Runtime};
use crate::{Error, Result};

use conn::PoolConn as Connection;
pub(crate) use lease::Lease;
use permit::Permit;

/// Settings of the pool of dedicated connections.
///
/// Defaults: at most 32 connections, wait at most 5 s for one, close those
/// idle for 5 minutes, `PING` those idle for 30 s before reuse.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolConfig {
    /// Most dedicated connections open at once.
    pub max_connections: usize,
    /// Longest wait for a free connection (`None`: wait as long as it takes).
    pub acquire_timeout: Option<Duration>,
    /// Idle connections are closed after this long (`None`: kept).
    pub idle_timeout: Option<Duration>,
    /// A connection idle this long is checked with `PING` before it is leased.
    pub health_check_after: Duration,
}

impl Default for PoolConfig {
    fn default() -> PoolConfig {
        PoolConfig {
            max_connections: 32,
            acquire_timeout: Some(Duration::from_secs(5)),
            idle_timeout: Some(Duration::from_secs(300)),
            health_check_after: Duration::from_secs(30),
        }
    }
}

/// The pool of dedicated connections. Cheap to clone: clones share it.
#[derive(Clone)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    runtime: Runtime,
    state: Mutex<State>,
}

/// What a waiter is handed.
enum Grant {
    /// A connection someone released.
    Lease(Lease),
    /// A freed slot: the waiter opens a connection of its own.
    Slot(Permit),
}

#[derive(Default)]
struct State {
    /// Connections waiting to be leased, with when they were returned.
    idle: Vec<(Arc<Connection>, Instant)>,
    /// Slots taken: connections open or being opened (leased + idle +
    /// connecting + checking + granted to a waiter). Lowered only by
    /// [`State::slot_freed`].
    open: usize,
    /// Callers waiting for a connection, oldest first.
    waiters: VecDeque<oneshot::Sender<Grant>>,
    closed: bool,
    reaper_running: bool,
}

impl State {
    /// The one place `open` goes down: a slot's connection is closed (or was
    /// never opened) and nobody takes the slot over.
    fn slot_freed(&mut self) {
        self.open = self.open.saturating_sub(1);
    }
}

/// How a caller gets a connection, decided under the lock.
enum Next {
    /// An idle connection, idle since then.
    Reuse(Lease, Instant),
    /// A slot to open a connection in.
    Open(Permit),
    /// Wait in line.
    Wait(oneshot::Receiver<Grant>),
}

impl Pool {
    pub(crate) fn new(config: Config, runtime: Runtime) -> Pool {
        Pool {
            inner: Arc::new(Inner {
                config,
                runtime,
                state: Mutex::new(State::default()),
            }),
        }
    }

    fn settings(&self) -> &PoolConfig {
        &self.inner.config.pool
    }

    /// A connection of the caller's own until the lease is dropped.
    ///
    /// Cancel-safe: dropping this future at any point (waiting, connecting,
    /// during the health check) gives its slot back.
    pub(crate) async fn acquire(&self) -> Result<Lease> {
        loop {
            match self.next()? {
                Next::Reuse(mut lease, since) => {
                    if since.elapsed() >= self.settings().health_check_after {
                        // Should this future be dropped before the PING
                        // answers, the dirty lease closes the connection.
                        lease.mark_dirty();
                        if !self.healthy(&lease).await {
                            drop(lease);
                            continue;
                        }
                        lease.mark_clean();
                    }
                    return Ok(lease);
                }
                Next::Open(permit) => return self.open(permit).await,
                Next::Wait(receiver) => {
                    return match self.wait(receiver).await? {
                        // Released after close: dropping it closes it.
                        Grant::Lease(_) if self.is_closed() => Err(Error::closed()),
                        Grant::Lease(lease) => Ok(lease),
                        Grant::Slot(permit) => self.open(permit).await,
                    };
                }
            }
        }
    }

    /// Waits in line for a grant, up to the acquire timeout.
    async fn wait(&self, receiver: oneshot::Receiver<Grant>) -> Result<Grant> {
        #[cfg(feature = "tracing")]
        let started = Instant::now();
        let result = self.wait_in_line(receiver).await;
        crate::telemetry::event!(
            DEBUG,
            server = %self.inner.config.addr,
            waited_ms = started.elapsed().as_millis(),
            granted = result.is_ok(),
            "waited for a pooled connection"
        );
        result
    }

    async fn wait_in_line(&self, mut receiver: oneshot::Receiver<Grant>) -> Result<Grant> {
        let limit = self.settings().acquire_timeout;
        match with_timeout(&self.inner.runtime, limit, &mut receiver).await {
            Ok(Ok(grant)) => Ok(grant),
            // The pool dropped the sender: it was closed.
            Ok(Err(oneshot::Canceled)) => Err(Error::closed()),
            Err(()) => {
                // A grant sent just as the time ran out is taken, not wasted.
                receiver.close();
                match receiver.try_recv() {
                    Ok(Some(grant)) => Ok(grant),
                    _ => Err(Error::timeout(
                        "waiting for a pooled connection (all max_connections are in use)",
                        limit.unwrap_or_default(),
                        RequestState::NotSent,
                    )),
                }
            }
        }
    }

    /// Decides, under the lock, how this caller gets a connection.
    fn next(&self) -> Result<Next> {
        // Closed after the lock is released (declared first, dropped last).
        let mut stale = Vec::new();
        let mut state = self.lock();
        if state.closed {
            return Err(Error::closed());
        }
        let idle_timeout = self.settings().idle_timeout;
        while let Some((conn, since)) = state.idle.pop() {
            if conn.is_closed() || idle_timeout.is_some_and(|limit| since.elapsed() >= limit) {
                state.slot_freed();
                stale.push(conn);
                continue;
            }
            // The idle connection's slot moves to the lease.
            return Ok(Next::Reuse(Lease::new(conn, Permit::new(self.clone())), since));
        }
        if state.open < self.settings().max_connections.max(1) {
            state.open = state.open.saturating_add(1);
            return Ok(Next::Open(Permit::new(self.clone())));
        }
        // Forget waiters that gave up, so the line does not grow without bound.
        state.waiters.retain(|waiter| !waiter.is_canceled());
        let (sender, receiver) = oneshot::channel();
        state.waiters.push_back(sender);
        Ok(Next::Wait(receiver))
    }

    /// Opens a connection in the slot `permit` holds. Dropped or failed, the
    /// permit gives the slot back.
    async fn open(&self, permit: Permit) -> Result<Lease> {
        if self.is_closed() {
            return Err(Error::closed());
        }
        // Boxed: the connect and handshake future is large, and every caller
        // of `acquire` (pipelines, transactions, blocking commands) would
        // otherwise carry it inline.
        let conn = Box::pin(Connection::connect(&self.inner.config, &self.inner.runtime)).await?;
        let lease = Lease::new(Arc::new(conn), permit);
        if self.is_closed() {
            // Closed while connecting: dropping the lease closes the connection.
            return Err(Error::closed());
        }
        self.start_reaper();
        Ok(lease)
    }

    async fn healthy(&self, conn: &Connection) -> bool {
        let ping = conn.ping();
        let limit = Some(self.inner.config.connect_timeout.unwrap_or(Duration::from_secs(5)));
        matches!(with_timeout(&self.inner.runtime, limit, ping).await, Ok(Ok(_)))
    }

    fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Takes a connection back from a dropped lease: to the next waiter, to
    /// the idle list, or closed (then its slot is given back).
    fn release(&self, conn: Arc<Connection>, permit: Permit, reusable: bool) {
        if !reusable || conn.is_closed() || self.is_closed() {
            // Close it now, whoever still holds a handle to it.
            conn.abort();
            drop(conn);
            drop(permit);
            return;
        }
        self.hand_over(Grant::Lease(Lease::new(conn, permit)));
    }

    /// Gives a released connection or a freed slot to the oldest waiter; with
    /// none left (or the pool closed), parks the connection in the idle list
    /// or frees the slot.
    ///
    /// Grants are sent outside the lock: one dropped in a channel whose
    /// receiver is gone comes back here through its own `Drop`.
    fn hand_over(&self, mut grant: Grant) {
        loop {
            let waiter = {
                let mut state = self.lock();
                match state.waiters.pop_front() {
                    Some(waiter) if !state.closed => waiter,
                    _ => {
                        Self::park(&mut state, grant);
                        return;
                    }
                }
            };
            match waiter.send(grant) {
                Ok(()) => return,
                // That waiter gave up: try the next one.
                Err(returned) => grant = returned,
            }
        }
    }

    /// Keeps a grant nobody waits for, under the lock. Nothing dropped here
    /// may call back into the pool, so the permits are disarmed first.
    fn park(state: &mut State, grant: Grant) {
        match grant {
            Grant::Lease(lease) if !state.closed => {
                let (conn, permit) = lease.into_parts();
                permit.disarm();
                state.idle.push((conn, Instant::now()));
            }
            Grant::Lease(lease) => {
                let (conn, permit) = lease.into_parts();
                permit.disarm();
                conn.abort();
                state.slot_freed();
            }
            Grant::Slot(permit) => {
                permit.disarm();
                state.slot_freed();
            }
        }
    }

    /// Closes idle connections, refuses new leases, and fails waiters with
    /// [`crate::ErrorKind::Closed`] at once. Leased connections are closed when
    /// released; connections being opened are closed once open.
    pub(crate) fn close(&self) {
        let (idle, waiters) = {
            let mut state = self.lock();
            state.closed = true;
            let idle = std::mem::take(&mut state.idle);
            for _ in &idle {
                state.slot_freed();
            }
            (idle, std::mem::take(&mut state.waiters))
        };
        for (conn, _) in &idle {
            conn.abort();
        }
        // Their receivers see the senders dropped: `Closed`.
        drop(waiters);
    }

    /// (idle, open) counts, for tests and introspection.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let state = self.lock();
        (state.idle.len(), state.open)
    }

    /// (idle, open, callers waiting), for [`crate::Client::stats`].
    pub(crate) fn figures(&self) -> (usize, usize, usize) {
        let state = self.lock();
        (state.idle.len(), state.open, state.waiters.len())
    }

    /// Spawns the idle reaper once; it ends when the pool is closed or dropped.
    fn start_reaper(&self) {
        let Some(limit) = self.settings().idle_timeout else {
            return;
        };
        {
            let mut state = self.lock();
            if state.reaper_running {
                return;
            }
            state.reaper_running = true;
        }
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let timer = self.inner.runtime.clone();
        let period = limit.checked_div(2).unwrap_or(limit).max(Duration::from_millis(10));
        let task = async move {
            loop {
                timer.sleep(period).await;
                let Some(inner) = weak.upgrade() else { return };
                let pool = Pool { inner };
                let reaped = {
                    let mut state = pool.lock();
                    if state.closed {
                        return;
                    }
                    let (keep, reaped): (Vec<_>, Vec<_>) = std::mem::take(&mut state.idle)
                        .into_iter()
                        .partition(|(conn, since)| !conn.is_closed() && since.elapsed() < limit);
                    state.idle = keep;
                    for _ in &reaped {
                        state.slot_freed();
                    }
                    reaped
                };
                drop(reaped);
            }
        };
        if self.inner.runtime.spawn(task).is_err() {
            self.lock().reaper_running = false;
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
