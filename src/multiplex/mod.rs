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

mod driver;
mod fixed;
mod reply;
mod slot;

pub(crate) use fixed::FixedMux;
pub(crate) use reply::MuxSource;
pub use reply::ReplyFuture;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::BytesMut;
use futures_util::task::AtomicWaker;

use crate::connection::serial::Serial;
use crate::error::RequestState;
use crate::rt::Runtime;
use crate::value::Args;
use crate::{Error, Result};

pub(crate) use slot::{ManyReceiver, OneReceiver, Slot};

/// A handle to one shared connection and its driver. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Multiplexer {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    driver: AtomicWaker,
    /// Slots queued or in flight: replies still owed by the server.
    outstanding: AtomicUsize,
    /// Set (never cleared) once the connection is closed or shutting down: the
    /// lock-free answer to `is_closed`, checked before every command.
    ended: AtomicBool,
}

struct State {
    /// Encoded commands not yet taken by the driver.
    write: BytesMut,
    /// Reply slots for the commands in `write`, in the same order.
    queued: VecDeque<Slot>,
    /// Why the connection ended, once it has.
    closed: Option<String>,
    /// Set when every client handle is gone or the client was closed.
    shutdown: bool,
    /// Set when the connection must close now, replies owed or not.
    abort: bool,
}

impl Multiplexer {
    /// Takes over a connection that finished its handshake and spawns its driver.
    pub(crate) fn start(conn: Serial, runtime: &Runtime) -> Result<Multiplexer> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                write: BytesMut::with_capacity(16 * 1024),
                queued: VecDeque::new(),
                closed: None,
                shutdown: false,
                abort: false,
            }),
            driver: AtomicWaker::new(),
            outstanding: AtomicUsize::new(0),
            ended: AtomicBool::new(false),
        });
        let (socket, read, _protocol) = conn.into_parts();
        runtime.spawn(driver::Driver::new(shared.clone(), socket, read))?;
        Ok(Multiplexer { shared })
    }

    /// Queues one command; the receiver gets its reply.
    pub(crate) fn send(&self, args: &Args) -> Result<OneReceiver> {
        let (slot, receiver) = Slot::one();
        self.enqueue(slot, |buf| args.write_frame(buf))?;
        Ok(receiver)
    }

    /// Queues `count` already-encoded commands (one pipeline); the receiver gets all their replies.
    pub(crate) fn send_many(&self, encoded: &[u8], count: usize) -> Result<ManyReceiver> {
        let (slot, receiver) = Slot::many(count);
        self.enqueue(slot, |buf| buf.extend_from_slice(encoded))?;
        Ok(receiver)
    }

    fn enqueue(&self, slot: Slot, write: impl FnOnce(&mut BytesMut)) -> Result<()> {
        {
            let mut state = self.shared.lock();
            if let Some(reason) = &state.closed {
                return Err(Error::connection_lost(reason.clone(), RequestState::NotSent));
            }
            if state.shutdown {
                return Err(Error::closed());
            }
            write(&mut state.write);
            state.queued.push_back(slot);
            self.shared.outstanding.fetch_add(1, Ordering::Relaxed);
        }
        self.shared.driver.wake();
        Ok(())
    }

    /// Replies still owed: zero means the connection is idle (nothing queued or in flight).
    pub(crate) fn outstanding(&self) -> usize {
        self.shared.outstanding.load(Ordering::Acquire)
    }

    /// Whether the connection has ended (a new one is needed).
    pub(crate) fn is_closed(&self) -> bool {
        self.shared.ended.load(Ordering::Acquire)
    }

    /// Asks the driver to finish the replies in flight, then close the socket.
    pub(crate) fn shutdown(&self) {
        self.shared.lock().shutdown = true;
        self.shared.ended.store(true, Ordering::Release);
        self.shared.driver.wake();
    }
}

impl Multiplexer {
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
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state half-written
        // in a way that matters more than losing the connection; keep going.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
