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

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::{BoxFuture, BoxSocket, Executor, Runtime, RuntimeUnavailable, TcpOptions, Timer, Transport};

struct Tokio {
    handle: Option<Handle>,
}

impl Tokio {
    fn handle(&self) -> io::Result<Handle> {
        match &self.handle {
            Some(handle) => Ok(handle.clone()),
            None => Handle::try_current().map_err(|_| {
                RuntimeUnavailable::new(
                    "no tokio runtime is running on this thread: call anyredis from inside a tokio \
                     runtime, or use Runtime::tokio_with_handle",
                )
                .into_io()
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
            // Run on the runtime itself, so this works even when polled from
            // elsewhere; aborted when this future is dropped (a connect timeout).
            let stream = spawn_abortable(&handle, async move {
                let stream = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
                options.apply(&stream)?;
                Ok::<_, io::Error>(stream)
            })
            .await?;
            Ok(Box::new(Compat::new(stream)) as BoxSocket)
        })
    }

    #[cfg(unix)]
    fn connect_unix<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async move {
            let handle = self.handle()?;
            let path = path.to_owned();
            let stream = spawn_abortable(&handle, async move { tokio::net::UnixStream::connect(path).await }).await?;
            Ok(Box::new(Compat::new(stream)) as BoxSocket)
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

/// Runs `task` on `handle` and waits for its result. Dropping the returned
/// future (a caller that timed out) aborts the task, so no connect keeps running.
async fn spawn_abortable<T: Send + 'static>(
    handle: &Handle,
    task: impl Future<Output = io::Result<T>> + Send + 'static,
) -> io::Result<T> {
    let mut guard = AbortOnDrop(handle.spawn(task));
    match (&mut guard.0).await {
        Ok(result) => result,
        Err(e) => Err(io::Error::other(format!("connect task failed: {e}"))),
    }
}

/// Aborts a tokio task when dropped (a no-op once the task has finished).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pin_project_lite::pin_project! {
    /// Adapts a tokio stream to `futures_io::AsyncRead` + `AsyncWrite`.
    struct Compat<T> {
        #[pin]
        inner: T,
    }
}

impl<T> Compat<T> {
    fn new(inner: T) -> Compat<T> {
        Compat { inner }
    }
}

impl<T: tokio::io::AsyncRead> futures_io::AsyncRead for Compat<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let mut read_buf = tokio::io::ReadBuf::new(buf);
        match self.project().inner.poll_read(cx, &mut read_buf) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(read_buf.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: tokio::io::AsyncWrite> futures_io::AsyncWrite for Compat<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    /// Reports on a channel when dropped: tells whether a task's future was dropped.
    struct Dropped(mpsc::Sender<&'static str>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            let _ = self.0.send("dropped");
        }
    }

    #[test]
    fn a_dropped_connect_aborts_its_task() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let flag = Dropped(tx.clone());
        let task = async move {
            let _flag = flag;
            tx.send("started").unwrap();
            // A connect that never finishes.
            std::future::pending::<io::Result<()>>().await
        };
        let mut waiting = Box::pin(spawn_abortable(rt.handle(), task));
        // Poll once so the task is spawned, then wait until it runs.
        assert!(futures_util::FutureExt::now_or_never(&mut waiting).is_none());
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok("started"));
        drop(waiting);
        // Without the abort, the task (and its socket) would live on and this would time out.
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(30)),
            Ok("dropped"),
            "the spawned connect kept running"
        );
    }

    #[test]
    fn outside_a_runtime_the_error_is_typed() {
        let e = Tokio { handle: None }.handle().unwrap_err();
        assert!(RuntimeUnavailable::find(&e).is_some(), "{e}");
    }
}
