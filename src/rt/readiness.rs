//! An async-io socket that skips the read it can predict will fail.
//!
//! async-io's `poll_read` always tries the `read` system call first and only
//! waits for readiness when it fails with `EAGAIN`. A connection driver that
//! has just read a short batch (less than its buffer could take: the socket
//! was empty) and asks again would pay for one `read` that fails. This wrapper
//! remembers the short read and waits for readiness first, so that read is
//! never made. Correctness does not depend on the guess: waiting for readiness
//! re-arms the reactor, which reports data that is already there at once.

use std::io::{self, IoSlice, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use async_io::Async;
use futures_io::{AsyncRead, AsyncWrite};

pub(crate) struct ReadinessFirst<T> {
    inner: Async<T>,
    /// The last read returned less than asked: the socket was drained.
    drained: bool,
    /// Since then, a readiness wait was registered (so the next readiness is new).
    armed: bool,
}

impl<T> ReadinessFirst<T> {
    pub(crate) fn new(inner: Async<T>) -> Self {
        ReadinessFirst {
            inner,
            drained: false,
            armed: false,
        }
    }
}

impl<T> AsyncRead for ReadinessFirst<T>
where
    Async<T>: AsyncRead,
    T: Read + Unpin,
{
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if self.drained {
            // Without a wait registered since the short read, a readiness seen
            // now may be the one that read already used: look once more.
            let tries = if self.armed { 1 } else { 2 };
            for _ in 0..tries {
                match self.inner.poll_readable(cx) {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        self.armed = true;
                        return Poll::Pending;
                    }
                }
            }
            self.drained = false;
            self.armed = false;
        }
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(n)) = result {
            self.drained = n > 0 && n < buf.len();
        }
        result
    }
}

impl<T> AsyncWrite for ReadinessFirst<T>
where
    Async<T>: AsyncWrite,
    T: Write + Unpin,
{
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}
