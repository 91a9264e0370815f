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
        self.decoder.decode(&mut self.buf)
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
