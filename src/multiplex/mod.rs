//! Many callers sharing one connection, with automatic pipelining.
//!
//! ```text
//!  task A ─ GET a ─┐                         ┌─> reply a ─> task A
//!  task B ─ GET b ─┼─> write buffer ─> one ──┤   (FIFO)
//!  task C ─ SET c ─┘   (under a lock,  write │
//!                       never across   call  └─> reply b ─> task B, OK ─> task C
//!                       an await)
//! ```
//!
//! A caller encodes its command straight into the shared write buffer and
//! queues its reply slot in the same critical section, so bytes and slots stay
//! in the same order; then it wakes the driver. The driver (one background task
//! per connection, [`driver`]) takes everything queued, writes it with one
//! system call, reads replies, and hands each one to the oldest waiting slot.
//!
//! Cancel safety: a caller that drops its future only drops its receiving end.
//! The driver still reads that reply and throws it away, so no later caller
//! gets the wrong reply.
//!
//! Bounds: at most [`QueueLimits::max_queued_bytes`] of commands wait unsent
//! (the driver takes a new batch only once the previous one is written, so
//! the shared buffer is the measure) and at most
//! [`QueueLimits::max_in_flight`] requests wait for replies; past either, a
//! caller gets [`crate::ErrorKind::QueueFull`] at once (nothing sent).
//!
//! This layer knows nothing of routing: which commands may be sent here is
//! decided above it (`src/request/`).

mod driver;
mod io;
mod push;
mod reply_cell;
mod slot;

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::BytesMut;
use futures_util::task::AtomicWaker;

use crate::config::{Config, Protocol};
use crate::connection::serial::Serial;
use crate::error::RequestState;
use crate::rt::Runtime;
use crate::value::{Args, CommandClass};
use crate::{Error, Result};

pub(crate) use push::{PushMode, PushSink, Pushes};
pub(crate) use slot::{ManyReceiver, OneReceiver, Slot};

/// How much a connection may have queued before callers are refused.
#[derive(Clone, Copy, Debug)]
pub(crate) struct QueueLimits {
    /// Encoded commands waiting to be written, in bytes (one request larger
    /// than this is still accepted when nothing else is waiting).
    pub(crate) max_queued_bytes: usize,
    /// Requests (commands or pipelines) queued or waiting for their replies.
    pub(crate) max_in_flight: usize,
    /// A connection owing replies that receives nothing for this long is
    /// declared unresponsive and closed (`None`: never).
    pub(crate) unresponsive_after: Option<Duration>,
}

impl QueueLimits {
    /// The limits for the shared connection of a client with `config`.
    pub(crate) fn shared(config: &Config) -> QueueLimits {
        QueueLimits {
            max_queued_bytes: config.max_queued_bytes,
            max_in_flight: config.max_in_flight,
            unresponsive_after: config.unresponsive_timeout,
        }
    }

    /// The limits for a dedicated connection: the same bounds, no
    /// unresponsiveness check (blocking commands are legitimately silent).
    pub(crate) fn dedicated(config: &Config) -> QueueLimits {
        QueueLimits {
            unresponsive_after: None,
            ..QueueLimits::shared(config)
        }
    }
}

/// A handle to one connection and its driver. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Multiplexer {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// The socket's write side and the replies owed (see [`io`]). When both
    /// are needed, `io` is locked first, then `state`.
    io: Mutex<io::Io>,
    driver: AtomicWaker,
    /// Slots queued or in flight: replies still owed by the server.
    outstanding: AtomicUsize,
    /// Set (never cleared) once the connection is closed or shutting down: the
    /// lock-free answer to `is_closed`, checked before every command.
    ended: AtomicBool,
    /// Set once the driver task has finished (or was dropped).
    finished: AtomicBool,
    /// Who waits for `finished`.
    finish_wakers: Mutex<Vec<Waker>>,
    protocol: Protocol,
    limits: QueueLimits,
    /// Where frames that are no caller's reply go (dropped when `None`).
    pushes: Option<Pushes>,
}

struct State {
    /// Encoded commands not yet taken by the driver.
    write: BytesMut,
    /// Reply slots for the commands in `write`, in the same order.
    queued: VecDeque<Slot>,
    /// Why the connection ended, once it has.
    closed: Option<Error>,
    /// Set when every client handle is gone or the client was closed.
    shutdown: bool,
    /// Set when the connection must close now, replies owed or not.
    abort: bool,
    /// Who may send: bumped each time a dedicated connection changes hands, so
    /// a handle from an earlier holder (a finished transaction attempt, a
    /// dropped pooled connection) can no longer send on it.
    epoch: u64,
}

impl Multiplexer {
    /// Opens a connection (socket and handshake, within the connect timeout)
    /// and starts its driver.
    pub(crate) async fn open(config: &Config, runtime: &Runtime, limits: QueueLimits) -> Result<Multiplexer> {
        Multiplexer::open_with(config, runtime, limits, None).await
    }

    /// [`Multiplexer::open`], with out-of-band frames going to `pushes`.
    pub(crate) async fn open_with(
        config: &Config,
        runtime: &Runtime,
        limits: QueueLimits,
        pushes: Option<Pushes>,
    ) -> Result<Multiplexer> {
        let serial = Serial::connect(config, runtime).await?;
        Multiplexer::start_with(serial, runtime, limits, pushes)
    }

    /// Takes over a connection that finished its handshake and spawns its driver.
    pub(crate) fn start(conn: Serial, runtime: &Runtime, limits: QueueLimits) -> Result<Multiplexer> {
        Multiplexer::start_with(conn, runtime, limits, None)
    }

    /// [`Multiplexer::start`], with out-of-band frames going to `pushes`.
    pub(crate) fn start_with(
        conn: Serial,
        runtime: &Runtime,
        limits: QueueLimits,
        pushes: Option<Pushes>,
    ) -> Result<Multiplexer> {
        let (socket, read, protocol) = conn.into_parts();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                write: BytesMut::with_capacity(16 * 1024),
                queued: VecDeque::new(),
                closed: None,
                shutdown: false,
                abort: false,
                epoch: 0,
            }),
            io: Mutex::new(io::Io::new(socket)),
            driver: AtomicWaker::new(),
            outstanding: AtomicUsize::new(0),
            ended: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            finish_wakers: Mutex::new(Vec::new()),
            protocol,
            limits,
            pushes,
        });
        let driver = driver::Driver::new(shared.clone(), read, runtime.clone());
        // On failure the driver was dropped unpolled, and its drop ended the connection.
        runtime.spawn(driver)?;
        Ok(Multiplexer { shared })
    }

    /// The protocol agreed in the handshake.
    pub(crate) fn protocol(&self) -> Protocol {
        self.shared.protocol
    }

    /// Queues one command; the receiver gets its reply. `epoch`, when given,
    /// must still be the connection's (see [`Multiplexer::retire`]).
    ///
    /// A subscribe-family command is answered by one confirmation per channel
    /// (push frames on RESP3): its reply is the array of them.
    pub(crate) fn send(&self, args: &Args, epoch: Option<u64>) -> Result<OneReceiver> {
        let (slot, receiver) = match args.class() {
            CommandClass::Subscribe => {
                let name = args.iter().next().unwrap_or_default();
                Slot::confirmations(name, args.len().saturating_sub(1).max(1))
            }
            _ => Slot::one(),
        };
        self.enqueue(slot, args.encoded().len(), epoch, |buf| args.write_frame(buf))?;
        Ok(receiver)
    }

    /// Queues `count` already-encoded commands (one pipeline); the receiver gets all their replies.
    pub(crate) fn send_many(&self, encoded: &[u8], count: usize, epoch: Option<u64>) -> Result<ManyReceiver> {
        let (slot, receiver) = Slot::many(count);
        self.enqueue(slot, encoded.len(), epoch, |buf| buf.extend_from_slice(encoded))?;
        Ok(receiver)
    }

    fn enqueue(&self, slot: Slot, len: usize, epoch: Option<u64>, write: impl FnOnce(&mut BytesMut)) -> Result<()> {
        let alone = {
            let mut state = self.shared.lock();
            if epoch.is_some_and(|epoch| epoch != state.epoch) {
                return Err(Error::closed_because(
                    "this handle's connection was given back (its transaction attempt is over, or the \
                     dedicated connection was dropped)",
                ));
            }
            if let Some(error) = &state.closed {
                return Err(Error::connection_broken(error.clone(), RequestState::NotSent));
            }
            if state.shutdown {
                return Err(Error::closed());
            }
            let limits = &self.shared.limits;
            let queued = state.write.len();
            if queued > 0 && queued.saturating_add(len) > limits.max_queued_bytes {
                return Err(Error::queue_full(format!(
                    "{queued} bytes of commands already wait to be written (max_queued_bytes = {})",
                    limits.max_queued_bytes
                )));
            }
            let in_flight = self.shared.outstanding.load(Ordering::Relaxed);
            if in_flight >= limits.max_in_flight {
                return Err(Error::queue_full(format!(
                    "{in_flight} requests already wait for replies (max_in_flight = {})",
                    limits.max_in_flight
                )));
            }
            write(&mut state.write);
            state.queued.push_back(slot);
            self.shared.outstanding.fetch_add(1, Ordering::Relaxed);
            in_flight == 0
        };
        // With other requests owed, the connection is not idle: do not even
        // try for the write lock the driver is likely holding.
        if !(alone && self.write_now()) {
            self.shared.driver.wake();
        }
        Ok(())
    }

    /// Writes the queued commands from the caller, when the connection is
    /// idle and the driver is not working (see [`io`]). Returns whether
    /// everything went out; if not, the driver must be woken to finish.
    fn write_now(&self) -> bool {
        let Ok(mut io) = self.shared.io.try_lock() else {
            return false;
        };
        if !io.idle() {
            return false;
        }
        {
            let mut state = self.shared.lock();
            if state.closed.is_some() || state.shutdown {
                return false;
            }
            io.take_queued(&mut state);
        }
        // Nobody is to be woken by this write: if the socket is not ready, the
        // driver (woken by our caller) polls it again with its own waker.
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        match io.poll_write(&mut cx) {
            Ok(_) => io.all_written(),
            Err(error) => {
                io.error = Some(error);
                false
            }
        }
    }

    /// Whether the connection has ended (a new one is needed).
    pub(crate) fn is_closed(&self) -> bool {
        self.shared.ended.load(Ordering::Acquire)
    }

    /// Why the connection ended, once it has.
    pub(crate) fn closed_reason(&self) -> Option<Error> {
        self.shared.lock().closed.clone()
    }

    /// The current holder's epoch (see [`Multiplexer::retire`]).
    pub(crate) fn epoch(&self) -> u64 {
        self.shared.lock().epoch
    }

    /// Ends the current holder's right to send (handles made with the
    /// current epoch are refused from now on) and tells whether the
    /// connection is idle and open, i.e. fit for another holder. Atomic with
    /// respect to sends, so no command of the old holder can slip in after.
    pub(crate) fn retire(&self) -> bool {
        let mut state = self.shared.lock();
        state.epoch = state.epoch.wrapping_add(1);
        state.closed.is_none()
            && !state.shutdown
            && state.queued.is_empty()
            && self.shared.outstanding.load(Ordering::Acquire) == 0
    }

    /// Asks the driver to finish the replies in flight, then close the socket.
    pub(crate) fn shutdown(&self) {
        self.shared.lock().shutdown = true;
        self.shared.ended.store(true, Ordering::Release);
        self.shared.driver.wake();
    }

    /// Closes the connection now; callers still waiting get a connection error.
    /// For connections whose state is unknown (a pooled connection whose
    /// blocking command was abandoned) or that nobody can use any more.
    pub(crate) fn abort(&self) {
        {
            let mut state = self.shared.lock();
            state.shutdown = true;
            state.abort = true;
        }
        self.shared.ended.store(true, Ordering::Release);
        self.shared.driver.wake();
    }

    /// Resolves once the driver task has finished (the socket is closed).
    pub(crate) fn finished(&self) -> Finished {
        Finished {
            shared: self.shared.clone(),
        }
    }
}

/// The future of [`Multiplexer::finished`].
pub(crate) struct Finished {
    shared: Arc<Shared>,
}

impl Future for Finished {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.shared.finished.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        let mut wakers = lock(&self.shared.finish_wakers);
        // Checked again under the lock the driver takes to wake us.
        if self.shared.finished.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Called once by the driver when it ends (returns or is dropped).
    fn mark_finished(&self) {
        let wakers = {
            let mut wakers = lock(&self.finish_wakers);
            self.finished.store(true, Ordering::Release);
            std::mem::take(&mut *wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }
}

/// Locks a mutex, going on after a panic elsewhere: every critical section
/// here leaves the data consistent at each step, so poisoning tells nothing.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
