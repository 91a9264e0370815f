//! The read side of a connection: a growing byte buffer filled straight from
//! the socket, and the RESP decoder that takes frames off its front.

use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::BytesMut;
use futures_io::AsyncRead;

use crate::resp::{Decoder, Limits, ProtocolError, Value};

/// Bytes read ahead of each `read` call: large enough for big replies to
/// arrive in few system calls, small enough to stay in cache.
const READ_CHUNK: usize = 64 * 1024;
/// Below this much free space, the buffer grows before reading.
const MIN_FREE: usize = 4 * 1024;
/// Most the buffer grows in one step on the word of a declared bulk length
/// (the rest is reserved as the bytes really arrive).
const MAX_STEP: usize = 8 * 1024 * 1024;
/// A frame larger than this leaves the buffer empty-handed: the connection
/// does not keep an allocation that size for the rest of its life.
const RELEASE_AFTER: usize = 4 * 1024 * 1024;

pub(crate) struct ReadBuffer {
    buf: BytesMut,
    /// How many bytes past `buf.len()` are known to be initialised (zeroed or
    /// written earlier), so each read need not zero its target again.
    initialized: usize,
    decoder: Decoder,
}

impl ReadBuffer {
    pub(crate) fn new(limits: Limits) -> ReadBuffer {
        ReadBuffer {
            buf: BytesMut::new(),
            initialized: 0,
            decoder: Decoder::new(limits),
        }
    }

    /// The next complete frame already read, if any.
    pub(crate) fn next_frame(&mut self) -> Result<Option<Value>, ProtocolError> {
        let before = self.buf.len();
        let frame = self.decoder.decode(&mut self.buf)?;
        let consumed = before.saturating_sub(self.buf.len());
        if frame.is_some() && consumed > RELEASE_AFTER && self.buf.len() <= READ_CHUNK {
            // The frame holds the big allocation now (until its owner drops
            // it); the buffer starts afresh with what followed, rather than
            // reclaim that allocation later and keep it.
            let mut fresh = BytesMut::with_capacity(READ_CHUNK);
            fresh.extend_from_slice(&self.buf);
            self.buf = fresh;
            self.initialized = 0;
        }
        Ok(frame)
    }

    /// Reads what the socket has into the buffer. `Ok(0)` means end of stream.
    pub(crate) fn poll_fill<S: AsyncRead + Unpin + ?Sized>(
        &mut self,
        socket: &mut S,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        let len = self.buf.len();
        // A large bulk payload in progress: make room for the rest of it at once.
        let wanted = match self.decoder.pending_bulk_end() {
            Some(end) => end.saturating_sub(len).min(MAX_STEP),
            _ => 0,
        };
        let free = self.buf.capacity().saturating_sub(len);
        if free < MIN_FREE || free < wanted {
            self.buf.reserve(wanted.max(READ_CHUNK));
            // The buffer may have moved: nothing past len is known to be initialised.
            self.initialized = 0;
        }
        let spare = self.buf.spare_capacity_mut();
        let spare_len = spare.len();
        if self.initialized < spare_len {
            for byte in spare.iter_mut().skip(self.initialized) {
                *byte = MaybeUninit::new(0);
            }
            self.initialized = spare_len;
        }
        // SAFETY: every byte of `spare` was initialised above or by an earlier read/zeroing
        // (tracked by `initialized`), so viewing it as `&mut [u8]` is sound.
        #[allow(unsafe_code)] // The one reviewed exception, see the SAFETY notes.
        let target = unsafe { &mut *(spare as *mut [MaybeUninit<u8>] as *mut [u8]) };
        let n = match Pin::new(socket).poll_read(cx, target) {
            Poll::Ready(Ok(n)) => n.min(spare_len),
            other => return other,
        };
        // SAFETY: the first `n` spare bytes were initialised (and written by the read).
        #[allow(unsafe_code)]
        unsafe {
            self.buf.set_len(self.buf.len().saturating_add(n))
        };
        self.initialized = self.initialized.saturating_sub(n);
        Poll::Ready(Ok(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::io::Cursor;
    use futures_util::task::noop_waker_ref;

    /// Reads a bulk string of `size` bytes then `+OK` through a `ReadBuffer`,
    /// dropping each frame once taken, and returns the buffer's capacity after
    /// the second (by then any allocation it kept was reclaimed).
    fn capacity_after(size: usize) -> usize {
        let mut wire = format!("${size}\r\n").into_bytes();
        wire.resize(wire.len() + size, b'x');
        wire.extend_from_slice(b"\r\n+OK\r\n");
        let mut socket = Cursor::new(wire);
        let mut buffer = ReadBuffer::new(Limits::default());
        let mut cx = Context::from_waker(noop_waker_ref());
        let mut frames = 0;
        loop {
            while let Some(frame) = buffer.next_frame().expect("valid frame") {
                frames += 1;
                if frames == 2 {
                    assert_eq!(frame, Value::SimpleString(bytes::Bytes::from_static(b"OK")));
                    return buffer.buf.capacity();
                }
                assert!(matches!(&frame, Value::BulkString(b) if b.len() == size));
            }
            // One more read: the buffer makes room first (reclaiming what it still holds).
            match buffer.poll_fill(&mut socket, &mut cx) {
                Poll::Ready(Ok(_)) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn a_huge_frame_does_not_stay_allocated_in_the_buffer() {
        assert!(capacity_after(RELEASE_AFTER + 1) <= 2 * READ_CHUNK);
        assert!(capacity_after(100) >= MIN_FREE);
    }
}
