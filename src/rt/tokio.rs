//! The tokio runtime (feature `tokio`).
//!
//! Tasks, timers and sockets use the tokio runtime the calling task runs on
//! (`Handle::try_current`), or the one given to [`Runtime::tokio_with_handle`].
//! Outside any tokio runtime, calls fail with an [`crate::ErrorKind::Runtime`]
//! error instead of panicking. The runtime needs its I/O and time drivers
//! (`Builder::enable_all`, as `#[tokio::main]` does).
//!
//! tokio's sockets use tokio's own I/O traits; [`Compat`] adapts them to
//! `futures_io`, so nothing above this file knows about tokio.

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::runtime::Handle;

use super::{BoxFuture, BoxSocket, Executor, Runtime, TcpOptions, Timer, Transport};

struct Tokio {
    handle: Option<Handle>,
}

impl Tokio {
    fn handle(&self) -> io::Result<Handle> {
        match &self.handle {
            Some(handle) => Ok(handle.clone()),
            None => Handle::try_current().map_err(|_| {
                io::Error::other(
                    "no tokio runtime is running on this thread: call anyredis from inside a tokio \
                     runtime, or use Runtime::tokio_with_handle",
                )
            }),
        }
    }
}

impl Executor for Tokio {
    fn spawn(&self, task: BoxFuture<'static, ()>) -> io::Result<()> {
        // Dropping tokio's JoinHandle detaches the task.
        drop(self.handle()?.spawn(task));
        Ok(())
    }
}

impl Timer for Tokio {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        match self.handle() {
            Ok(handle) => {
                let _entered = handle.enter();
                Box::pin(tokio::time::sleep(duration))
            }
            // Outside tokio, the async-io timer still works (it drives itself).
            Err(_) => Box::pin(async move {
                async_io::Timer::after(duration).await;
            }),
        }
    }
}

impl Transport for Tokio {
    fn connect_tcp<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        options: &'a TcpOptions,
    ) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async move {
            let handle = self.handle()?;
            let host = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host)
                .to_owned();
            let options = options.clone();
            // Run on the runtime itself, so this works even when polled from elsewhere.
            let stream = handle
                .spawn(async move {
                    let stream = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
                    options.apply(&stream)?;
                    Ok::<_, io::Error>(stream)
                })
                .await
                .map_err(|e| io::Error::other(format!("connect task failed: {e}")))??;
            Ok(Box::new(Compat(stream)) as BoxSocket)
        })
    }

    #[cfg(unix)]
    fn connect_unix<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async move {
            let handle = self.handle()?;
            let path = path.to_owned();
            let stream = handle
                .spawn(async move { tokio::net::UnixStream::connect(path).await })
                .await
                .map_err(|e| io::Error::other(format!("connect task failed: {e}")))??;
            Ok(Box::new(Compat(stream)) as BoxSocket)
        })
    }

    #[cfg(not(unix))]
    fn connect_unix<'a>(&'a self, _path: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async {
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "Unix sockets are not available on this platform",
            ))
        })
    }
}

/// Adapts a tokio stream to `futures_io::AsyncRead` + `AsyncWrite`.
struct Compat<T>(T);

impl<T: tokio::io::AsyncRead + Unpin> futures_io::AsyncRead for Compat<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let mut read_buf = tokio::io::ReadBuf::new(buf);
        match Pin::new(&mut self.0).poll_read(cx, &mut read_buf) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(read_buf.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> futures_io::AsyncWrite for Compat<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl Runtime {
    /// The tokio runtime (feature `tokio`), using the runtime each call runs on.
    #[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
    pub fn tokio() -> Runtime {
        let rt = Arc::new(Tokio { handle: None });
        Runtime::new("tokio", rt.clone(), rt.clone(), rt)
    }

    /// The tokio runtime behind `handle`, usable from any thread.
    #[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
    pub fn tokio_with_handle(handle: Handle) -> Runtime {
        let rt = Arc::new(Tokio { handle: Some(handle) });
        Runtime::new("tokio", rt.clone(), rt.clone(), rt)
    }
}
