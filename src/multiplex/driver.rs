//! The background task that owns one shared connection's socket.
//!
//! One `poll` does, until nothing more can be done: take every queued command
//! (one lock), write them (one `write` call when the socket accepts it all),
//! read what the server sent, and dispatch each complete reply to the oldest
//! waiting slot. It ends when the connection fails, or after shutdown once no
//! reply is owed.

use std::collections::VecDeque;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::BytesMut;
use futures_io::AsyncWrite;

use super::{Shared, Slot};
use crate::connection::buffer::ReadBuffer;
use crate::error::RequestState;
use crate::resp::Value;
use crate::rt::BoxSocket;
use crate::{Error, ErrorKind, Result};

/// Rounds of work in one `poll` before yielding to other tasks.
const BUDGET: usize = 32;

pub(super) struct Driver {
    shared: Arc<Shared>,
    socket: BoxSocket,
    read: ReadBuffer,
    /// Bytes taken from the shared buffer, being written.
    write: BytesMut,
    /// How much of `write` the socket has accepted.
    written: usize,
    needs_flush: bool,
    /// Slots whose commands were (fully or partly) taken for writing, oldest first.
    in_flight: VecDeque<Slot>,
    /// How many of the oldest `in_flight` slots were fully written.
    sent: usize,
    /// Whether the driver already yielded once since it last delivered replies.
    yielded: bool,
    /// Replies delivered so far (wrapping), to tell how many one poll delivered.
    replies: usize,
}

impl Driver {
    pub(super) fn new(shared: Arc<Shared>, socket: BoxSocket, read: ReadBuffer) -> Driver {
        Driver {
            shared,
            socket,
            read,
            write: BytesMut::with_capacity(16 * 1024),
            written: 0,
            needs_flush: false,
            in_flight: VecDeque::new(),
            sent: 0,
            yielded: false,
            replies: 0,
        }
    }

    /// Moves queued commands into the write buffer. Returns `Ready` when the
    /// driver should stop (shutdown with nothing owed).
    fn take_queued(&mut self) -> (bool, bool) {
        let mut state = self.shared.lock();
        let mut progress = false;
        if !state.write.is_empty() {
            if self.write.is_empty() {
                mem::swap(&mut self.write, &mut state.write);
                self.written = 0;
            } else {
                self.write.extend_from_slice(&state.write);
                state.write.clear();
            }
            self.in_flight.extend(state.queued.drain(..));
            progress = true;
        }
        let finished = state.abort || (state.shutdown && self.in_flight.is_empty() && self.write.is_empty());
        (progress, finished)
    }

    fn poll_write(&mut self, cx: &mut Context<'_>) -> Result<bool> {
        let mut progress = false;
        while self.written < self.write.len() {
            match Pin::new(&mut self.socket).poll_write(cx, &self.write[self.written..]) {
                Poll::Ready(Ok(0)) => {
                    return Err(Error::connection_lost(
                        "the socket accepted no bytes",
                        RequestState::Unknown,
                    ))
                }
                Poll::Ready(Ok(n)) => {
                    self.written += n;
                    progress = true;
                }
                Poll::Ready(Err(e)) => return Err(Error::io("writing requests", e)),
                Poll::Pending => break,
            }
        }
        if !self.write.is_empty() && self.written == self.write.len() {
            self.write.clear();
            self.written = 0;
            self.sent = self.in_flight.len();
            self.needs_flush = true;
        }
        if self.needs_flush {
            match Pin::new(&mut self.socket).poll_flush(cx) {
                Poll::Ready(Ok(())) => self.needs_flush = false,
                Poll::Ready(Err(e)) => return Err(Error::io("writing requests", e)),
                Poll::Pending => {}
            }
        }
        Ok(progress)
    }

    fn poll_read(&mut self, cx: &mut Context<'_>) -> Result<bool> {
        match self.read.poll_fill(&mut *self.socket, cx) {
            Poll::Ready(Ok(0)) => Err(Error::connection_lost(
                "the server closed the connection",
                RequestState::Unknown,
            )),
            Poll::Ready(Ok(_)) => {
                self.dispatch()?;
                Ok(true)
            }
            Poll::Ready(Err(e)) => Err(Error::io("reading replies", e)),
            Poll::Pending => Ok(false),
        }
    }

    /// Hands every complete reply to its slot.
    fn dispatch(&mut self) -> Result<()> {
        while let Some(value) = self.read.next_frame()? {
            if let Value::Push(_) = value {
                // Out-of-band (e.g. client-side caching invalidations): not a reply.
                continue;
            }
            let Some(slot) = self.in_flight.pop_front() else {
                return Err(Error::connection_lost(
                    "the server sent a reply nobody asked for",
                    RequestState::Unknown,
                ));
            };
            self.replies = self.replies.wrapping_add(1);
            if slot.takes_last_reply() {
                // Counted down before the caller can see its reply, so a caller
                // that then checks the connection finds it idle.
                self.sent = self.sent.saturating_sub(1);
                self.shared.outstanding.fetch_sub(1, Ordering::Release);
            }
            if let Some(slot) = slot.deliver(value) {
                // A pipeline still waiting for more replies stays first in line.
                self.in_flight.push_front(slot);
            }
        }
        Ok(())
    }

    /// Ends the connection: every waiting caller gets an error saying whether
    /// its command reached the server. A reply that could not be decoded is
    /// the oldest caller's: that caller gets the protocol error itself.
    fn fail(&mut self, error: Error) {
        let reason = error.to_string();
        let queued = {
            let mut state = self.shared.lock();
            state.closed = Some(reason.clone());
            self.shared.ended.store(true, Ordering::Release);
            state.write.clear();
            mem::take(&mut state.queued)
        };
        let partly_written = self.written > 0;
        let mut own_error = (error.kind() == ErrorKind::Protocol).then_some(error);
        for (i, slot) in self.in_flight.drain(..).enumerate() {
            let state = if i < self.sent || partly_written {
                RequestState::SentUnanswered
            } else {
                RequestState::NotSent
            };
            let reply = match own_error.take() {
                Some(error) => error,
                None => Error::connection_lost(reason.clone(), state),
            };
            slot.fail(reply);
        }
        for slot in queued {
            slot.fail(Error::connection_lost(reason.clone(), RequestState::NotSent));
        }
        self.shared.outstanding.store(0, Ordering::Release);
    }
}

impl Future for Driver {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.shared.driver.register(cx.waker());
        let before = this.replies;
        for _ in 0..BUDGET {
            let (took, finished) = this.take_queued();
            if finished {
                this.fail(Error::closed());
                return Poll::Ready(());
            }
            let step = this.poll_write(cx).and_then(|wrote| Ok(wrote | this.poll_read(cx)?));
            match step {
                Ok(progress) if took || progress => continue,
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
                    this.fail(error);
                    return Poll::Ready(());
                }
            }
        }
        // Out of budget with work left: let other tasks run, then come back.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
