//! A lazily filled pool of dedicated connections, for work that must not run
//! on the shared connection: blocking commands and `WATCH` transactions.
//!
//! - Connections are opened on demand, up to `max_connections`; when all are
//!   leased, callers wait in line up to `acquire_timeout`.
//! - A lease returns its connection when dropped, unless the connection's
//!   state is unknown: replies still owed (a blocking command whose caller gave
//!   up), a transaction cut short, or a broken connection. Those are closed.
//! - Connections idle longer than `idle_timeout` are closed by a reaper task;
//!   one idle longer than `health_check_after` is checked with `PING` before
//!   it is leased again.

mod conn;
mod lease;

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

#[derive(Clone)]
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    runtime: Runtime,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    idle: Vec<(Connection, Instant)>,
    /// Connections open or being opened (leased + idle + connecting).
    open: usize,
    /// Callers waiting for a connection: `Some` hands one over, `None` grants
    /// the right to open a new one (already counted in `open`).
    waiters: VecDeque<oneshot::Sender<Option<Connection>>>,
    closed: bool,
    reaper_running: bool,
}

enum Next {
    Reuse(Connection, Instant),
    Open,
    Wait(oneshot::Receiver<Option<Connection>>),
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
    pub(crate) async fn acquire(&self) -> Result<Lease> {
        loop {
            match self.next()? {
                Next::Reuse(conn, since) => {
                    if since.elapsed() >= self.settings().health_check_after && !self.healthy(&conn).await {
                        self.release(conn, false);
                        continue;
                    }
                    return Ok(Lease::new(conn, self.clone()));
                }
                Next::Open => return self.open().await,
                Next::Wait(receiver) => {
                    let limit = self.settings().acquire_timeout;
                    match with_timeout(&self.inner.runtime, limit, receiver).await {
                        Ok(Ok(Some(conn))) => return Ok(Lease::new(conn, self.clone())),
                        Ok(Ok(None)) => return self.open().await,
                        Ok(Err(_closed)) => return Err(Error::closed()),
                        Err(()) => {
                            return Err(Error::timeout(
                                "waiting for a pooled connection (all max_connections are in use)",
                                limit.unwrap_or_default(),
                                RequestState::NotSent,
                            ))
                        }
                    }
                }
            }
        }
    }

    /// Decides, under the lock, how this caller gets a connection.
    fn next(&self) -> Result<Next> {
        let mut state = self.lock();
        if state.closed {
            return Err(Error::closed());
        }
        let idle_timeout = self.settings().idle_timeout;
        while let Some((conn, since)) = state.idle.pop() {
            if conn.is_closed() || idle_timeout.is_some_and(|limit| since.elapsed() >= limit) {
                state.open -= 1;
                continue;
            }
            return Ok(Next::Reuse(conn, since));
        }
        if state.open < self.settings().max_connections.max(1) {
            state.open += 1;
            return Ok(Next::Open);
        }
        let (sender, receiver) = oneshot::channel();
        state.waiters.push_back(sender);
        Ok(Next::Wait(receiver))
    }

    /// Opens a connection for a slot already counted in `open`.
    async fn open(&self) -> Result<Lease> {
        match Connection::connect(&self.inner.config, &self.inner.runtime).await {
            Ok(conn) => {
                self.start_reaper();
                Ok(Lease::new(conn, self.clone()))
            }
            Err(e) => {
                self.forget_one(&mut self.lock());
                Err(e)
            }
        }
    }

    async fn healthy(&self, conn: &Connection) -> bool {
        let ping = conn.ping();
        let limit = Some(self.inner.config.connect_timeout.unwrap_or(Duration::from_secs(5)));
        matches!(with_timeout(&self.inner.runtime, limit, ping).await, Ok(Ok(_)))
    }

    /// Takes a connection back: to the next waiter, to the idle list, or closed.
    pub(crate) fn release(&self, mut conn: Connection, reusable: bool) {
        let mut state = self.lock();
        if !reusable || state.closed || conn.is_closed() {
            drop(conn);
            self.forget_one(&mut state);
            return;
        }
        while let Some(waiter) = state.waiters.pop_front() {
            match waiter.send(Some(conn)) {
                Ok(()) => return,
                Err(returned) => conn = returned.expect("sent Some"),
            }
        }
        state.idle.push((conn, Instant::now()));
    }

    /// One connection is gone: hand its slot to the next waiter, if any.
    fn forget_one(&self, state: &mut State) {
        state.open -= 1;
        while let Some(waiter) = state.waiters.pop_front() {
            state.open += 1;
            if waiter.send(None).is_ok() {
                return;
            }
            state.open -= 1;
        }
    }

    /// Closes idle connections, refuses new leases, and wakes waiters with an error.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.open -= state.idle.len();
        state.idle.clear();
        state.waiters.clear();
    }

    /// (idle, open) counts, for tests and introspection.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let state = self.lock();
        (state.idle.len(), state.open)
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
        let period = (limit / 2).max(Duration::from_millis(10));
        let task = async move {
            loop {
                timer.sleep(period).await;
                let Some(inner) = weak.upgrade() else { return };
                let pool = Pool { inner };
                let mut state = pool.lock();
                if state.closed {
                    return;
                }
                let before = state.idle.len();
                state
                    .idle
                    .retain(|(conn, since)| !conn.is_closed() && since.elapsed() < limit);
                let reaped = before - state.idle.len();
                state.open -= reaped;
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
