//! The write side of one connection, and the replies it owes: the part of the
//! connection that callers may drive themselves.
//!
//! The driver holds this lock while it works. A caller that queued a command
//! and finds the lock free and the connection idle (nothing being written,
//! no reply owed) takes the queue and writes it itself, in its own `poll`,
//! instead of waking the driver: one task hand-off less per request when
//! requests come one at a time. The driver still reads every reply (it
//! waits for the socket to become readable whether or not it wrote).
//!
//! A caller never waits here: it writes what the socket accepts without
//! blocking and leaves the rest (and any error) to the driver, which it then
//! wakes.

use std::collections::VecDeque;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::BytesMut;
use futures_io::AsyncWrite;

use super::{Slot, State};
use crate::error::RequestState;
use crate::rt::BoxSocket;
use crate::{Error, Result};

pub(super) struct Io {
    pub(super) socket: BoxSocket,
    /// Bytes taken from the shared buffer, being written.
    write: BytesMut,
    /// How much of `write` the socket has accepted.
    pub(super) written: usize,
    needs_flush: bool,
    /// Slots whose commands were (fully or partly) taken for writing, oldest first.
    pub(super) in_flight: VecDeque<Slot>,
    /// How many of the oldest `in_flight` slots were fully written.
    pub(super) sent: usize,
    /// Bumped each time replies start being owed after none were.
    pub(super) owing_epoch: u64,
    /// A write error met by a caller, for the driver to end the connection with.
    pub(super) error: Option<Error>,
}

impl Io {
    pub(super) fn new(socket: BoxSocket) -> Io {
        Io {
            socket,
            write: BytesMut::with_capacity(16 * 1024),
            written: 0,
            needs_flush: false,
            in_flight: VecDeque::new(),
            sent: 0,
            owing_epoch: 0,
            error: None,
        }
    }

    /// Closes the socket now (the driver ended); handles that outlive the
    /// driver keep this `Io`, not the connection.
    pub(super) fn close(&mut self) {
        self.socket = Box::new(Closed);
    }

    /// Whether nothing is being written and no reply is owed: a caller may
    /// write its command itself.
    pub(super) fn idle(&self) -> bool {
        self.write.is_empty() && !self.needs_flush && self.in_flight.is_empty() && self.error.is_none()
    }

    /// Whether everything taken was written and flushed.
    pub(super) fn all_written(&self) -> bool {
        self.write.is_empty() && !self.needs_flush
    }

    /// Moves queued commands into the write buffer, once the previous batch is
    /// written (so what waits unwritten stays in the shared buffer, where the
    /// queue bound measures it). Returns whether it took anything.
    pub(super) fn take_queued(&mut self, state: &mut State) -> bool {
        if state.write.is_empty() || !self.write.is_empty() {
            return false;
        }
        mem::swap(&mut self.write, &mut state.write);
        self.written = 0;
        if self.in_flight.is_empty() {
            // Replies are owed from now on: a new silence period starts.
            self.owing_epoch = self.owing_epoch.wrapping_add(1);
        }
        self.in_flight.extend(state.queued.drain(..));
        true
    }

    /// Writes (and flushes) what the socket accepts now; returns whether any
    /// bytes went out.
    pub(super) fn poll_write(&mut self, cx: &mut Context<'_>) -> Result<bool> {
        let mut progress = false;
        while self.written < self.write.len() {
            match Pin::new(&mut self.socket).poll_write(cx, self.write.get(self.written..).unwrap_or_default()) {
                Poll::Ready(Ok(0)) => {
                    return Err(Error::connection_lost(
                        "the socket accepted no bytes",
                        RequestState::Unknown,
                    ))
                }
                Poll::Ready(Ok(n)) => {
                    self.written = self.written.saturating_add(n);
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
}

/// What is left of a socket once its connection ended: reads see the end of
/// the stream, writes fail.
struct Closed;

impl futures_io::AsyncRead for Closed {
    fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, _: &mut [u8]) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Ok(0))
    }
}

impl AsyncWrite for Closed {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Err(std::io::ErrorKind::NotConnected.into()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
