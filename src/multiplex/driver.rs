//! The background task that owns one shared connection's socket.
//!
//! One `poll` does, until nothing more can be done: take every queued command
//! (one lock), write them (one `write` call when the socket accepts it all),
//! read what the server sent, and dispatch each complete reply to the oldest
//! waiting slot. It ends when the connection fails, or after shutdown once no
//! reply is owed.
//!
//! Unresponsiveness: with [`super::QueueLimits::unresponsive_after`] set, a
//! connection that owes replies and receives nothing for that long (checked
//! at most twice per period, so between one and two periods) is closed: its
//! callers get `ConnectionLost` with their request state, and the next
//! command opens a new connection. Keepalive cannot see a peer whose kernel
//! still acknowledges while nothing answers (a frozen proxy, a stopped
//! process).
//!
//! If the driver is dropped before it finished (its runtime shut down), the
//! connection ends as if it broke, so callers are told and the next command
//! reconnects on the caller's runtime.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::io::Io;
use super::push::{route, Route};
use super::Shared;
use crate::connection::buffer::ReadBuffer;
use crate::error::RequestState;
use crate::rt::{BoxFuture, Runtime};
use crate::{Error, ErrorKind, Result};

/// Rounds of work in one `poll` before yielding to other tasks.
const BUDGET: usize = 32;

pub(super) struct Driver {
    shared: Arc<Shared>,
    read: ReadBuffer,
    /// Whether the driver already yielded once since it last delivered replies.
    yielded: bool,
    /// Replies delivered so far (wrapping), to tell how many one poll delivered.
    replies: usize,
    /// Successful reads so far (wrapping): activity, for the watchdog.
    reads: u64,
    /// The unresponsiveness check, when configured.
    watchdog: Option<Watchdog>,
    /// Set once the driver returned `Ready`: dropping it then ends nothing.
    done: bool,
    /// Set while the push sink is full: nothing more is read or dispatched
    /// until it has room.
    paused: bool,
    /// Which frames are out of band on this connection (fixed for its life).
    mode: super::PushMode,
}

/// Watches for a connection that owes replies and receives nothing.
struct Watchdog {
    period: std::time::Duration,
    runtime: Runtime,
    /// Always armed: a tick once per period (callers may start owing replies
    /// while the driver sleeps, see [`super::io`], so the driver cannot arm
    /// it only when replies start being owed).
    timer: Option<BoxFuture<'static, ()>>,
    /// Reads seen when the timer was armed.
    reads_then: u64,
    /// The owing epoch when the timer was armed.
    epoch_then: u64,
    /// Whether replies were owed when the timer was armed.
    owing_then: bool,
}

impl Driver {
    pub(super) fn new(shared: Arc<Shared>, read: ReadBuffer, runtime: Runtime) -> Driver {
        let watchdog = shared.limits.unresponsive_after.map(|period| Watchdog {
            period,
            runtime,
            timer: None,
            reads_then: 0,
            epoch_then: 0,
            owing_then: false,
        });
        let mode = shared.pushes.as_ref().map_or(super::PushMode::Commands, |p| p.mode);
        Driver {
            shared,
            read,
            yielded: false,
            replies: 0,
            reads: 0,
            watchdog,
            done: false,
            paused: false,
            mode,
        }
    }

    /// Moves queued commands into the write buffer (see [`Io::take_queued`]).
    /// Returns (progress, finished): finished when the driver should stop
    /// (aborted, or shut down with nothing owed).
    fn take_queued(&self, io: &mut Io) -> (bool, bool) {
        let mut state = self.shared.lock();
        let progress = io.take_queued(&mut state);
        let finished = state.abort || (state.shutdown && io.in_flight.is_empty() && io.all_written());
        (progress, finished)
    }

    fn poll_read(&mut self, io: &mut Io, cx: &mut Context<'_>) -> Result<bool> {
        if self.paused {
            let Some(pushes) = &self.shared.pushes else {
                self.paused = false;
                return Ok(true);
            };
            if pushes.sink.poll_room(cx).is_pending() {
                return Ok(false);
            }
            // Room again: first what is already buffered, then the socket.
            self.paused = false;
            self.dispatch(io)?;
            return Ok(true);
        }
        match self.read.poll_fill(&mut *io.socket, cx) {
            Poll::Ready(Ok(0)) => Err(Error::connection_lost(
                "the server closed the connection",
                RequestState::Unknown,
            )),
            Poll::Ready(Ok(_)) => {
                self.reads = self.reads.wrapping_add(1);
                self.dispatch(io)?;
                Ok(true)
            }
            Poll::Ready(Err(e)) => Err(Error::io("reading replies", e)),
            Poll::Pending => Ok(false),
        }
    }

    /// Hands every complete reply to its slot, and out-of-band frames (see
    /// [`super::PushMode`]) to the push sink, until the sink is full.
    fn dispatch(&mut self, io: &mut Io) -> Result<()> {
        while !self.paused {
            let Some(value) = self.read.next_frame()? else {
                break;
            };
            match route(self.mode, &value, io.in_flight.front()) {
                Route::Out => {
                    // Dropped when nobody listens: never a caller's reply.
                    if let Some(pushes) = &self.shared.pushes {
                        self.paused = !pushes.sink.push(value);
                    }
                    continue;
                }
                Route::ReplyAndCopy => {
                    if let Some(pushes) = &self.shared.pushes {
                        self.paused = !pushes.sink.push(value.clone());
                    }
                }
                Route::Reply => {}
            }
            let Some(front) = io.in_flight.front_mut() else {
                return Err(Error::connection_lost(
                    "the server sent a reply nobody asked for",
                    RequestState::Unknown,
                ));
            };
            self.replies = self.replies.wrapping_add(1);
            if !front.takes_last_reply(&value) {
                // A pipeline's reply before its last: kept in place, the slot
                // stays first in line.
                front.keep(value);
                continue;
            }
            // Counted down before the caller can see its reply, so a caller
            // that then checks the connection finds it idle.
            io.sent = io.sent.saturating_sub(1);
            self.shared.outstanding.fetch_sub(1, Ordering::Release);
            let Some(slot) = io.in_flight.pop_front() else {
                continue;
            };
            if let Some(slot) = slot.deliver(value) {
                // A pipeline still waiting for more replies stays first in line.
                io.in_flight.push_front(slot);
            }
        }
        Ok(())
    }

    /// Ends the connection: every waiting caller gets an error saying whether
    /// its command reached the server. A reply that could not be decoded is
    /// the oldest caller's: that caller gets the protocol error itself.
    fn fail(&mut self, io: &mut Io, error: Error) {
        let queued = {
            let mut state = self.shared.lock();
            if state.closed.is_none() {
                state.closed = Some(error.clone());
            }
            self.shared.ended.store(true, Ordering::Release);
            state.write.clear();
            mem::take(&mut state.queued)
        };
        let partly_written = io.written > 0;
        let mut own_error = (error.kind() == ErrorKind::Protocol).then(|| error.clone());
        let sent = io.sent;
        for (i, slot) in io.in_flight.drain(..).enumerate() {
            let state = if i < sent || partly_written {
                RequestState::SentUnanswered
            } else {
                RequestState::NotSent
            };
            let reply = match own_error.take() {
                Some(error) => error,
                None => Error::connection_broken(error.clone(), state),
            };
            slot.fail(reply);
        }
        for slot in queued {
            slot.fail(Error::connection_broken(error.clone(), RequestState::NotSent));
        }
        self.shared.outstanding.store(0, Ordering::Release);
    }

    /// Ends the driver: fails whoever still waits and wakes `finished` waiters.
    fn finish(&mut self, io: &mut Io, error: Error) {
        self.fail(io, error);
        io.close();
        self.done = true;
        self.shared.mark_finished();
    }

    /// The unresponsiveness check: `Err` when replies have been owed for a
    /// whole period with nothing read. The timer ticks once per period while
    /// the connection lives; a tick finds the connection unresponsive when
    /// replies were owed at the previous tick and still are, since the same
    /// moment (same owing epoch), and nothing was read in between.
    fn poll_watchdog(&mut self, io: &Io, cx: &mut Context<'_>) -> Result<()> {
        let owing = !io.in_flight.is_empty();
        let (reads, epoch) = (self.reads, io.owing_epoch);
        let Some(dog) = &mut self.watchdog else {
            return Ok(());
        };
        loop {
            let Some(timer) = &mut dog.timer else {
                dog.timer = Some(dog.runtime.sleep(dog.period));
                dog.reads_then = reads;
                dog.epoch_then = epoch;
                dog.owing_then = owing;
                continue;
            };
            if timer.as_mut().poll(cx).is_pending() {
                return Ok(());
            }
            dog.timer = None;
            if owing && dog.owing_then && reads == dog.reads_then && epoch == dog.epoch_then {
                return Err(Error::connection_lost(
                    format!(
                        "the server sent nothing for {:?} while replies were owed (unresponsive_timeout); \
                         the connection was closed",
                        dog.period
                    ),
                    RequestState::Unknown,
                ));
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.done {
            let shared = self.shared.clone();
            let mut io = super::lock(&shared.io);
            self.finish(
                &mut io,
                Error::connection_lost(
                    "the connection's driver task was dropped before it finished (was its runtime shut down?)",
                    RequestState::Unknown,
                ),
            );
        }
    }
}

impl Future for Driver {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.shared.driver.register(cx.waker());
        // Held for the whole poll: callers that find it taken leave their
        // commands to this driver (they woke it) rather than write them.
        let shared = this.shared.clone();
        let mut io = super::lock(&shared.io);
        let before = this.replies;
        for _ in 0..BUDGET {
            let (took, finished) = this.take_queued(&mut io);
            if finished {
                this.finish(&mut io, Error::closed());
                return Poll::Ready(());
            }
            let step = match io.error.take() {
                // A caller's own write failed: the connection is broken.
                Some(error) => Err(error),
                None => io.poll_write(cx),
            }
            .and_then(|wrote| Ok(wrote | this.poll_read(&mut io, cx)?))
            // The watchdog is looked at only when going idle: never on the
            // hot path, and a silent server always ends up there.
            .and_then(|progress| match progress || took {
                true => Ok(true),
                false => this.poll_watchdog(&io, cx).map(|()| false),
            });
            match step {
                Ok(true) => continue,
                Ok(_) if this.replies.wrapping_sub(before) > 1 && !this.yielded => {
                    // Replies just woke several callers, who will likely send
                    // more commands: yield once so they are queued first and
                    // go out together in one write. (With one caller there is
                    // nothing to gather, and the extra wake-up only costs.)
                    this.yielded = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Ok(_) => {
                    this.yielded = false;
                    return Poll::Pending;
                }
                Err(error) => {
                    this.finish(&mut io, error);
                    return Poll::Ready(());
                }
            }
        }
        // Out of budget with work left: let other tasks run, then come back.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
