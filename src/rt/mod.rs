//! The runtime boundary: the only place that knows which async runtime runs anyredis.
//!
//! Everything above this module (connections, the multiplexer, the client) is
//! written against three small traits:
//!
//! - [`Executor`] spawns a detached background task (the multiplexer's driver);
//! - [`Timer`] sleeps (connect and response timeouts, backoff);
//! - [`Transport`] opens a TCP or Unix byte stream as a
//!   [`futures_io::AsyncRead`] + [`futures_io::AsyncWrite`] ([`Socket`]).
//!
//! TLS is one layer over a [`Socket`], so it is written once for every runtime.
//! [`Runtime`] bundles one implementation of each trait. anyredis ships one per
//! runtime feature ([`Runtime::smol`], [`Runtime::async_std`], [`Runtime::tokio`]);
//! any other runtime can be plugged in with [`Runtime::new`].
//!
//! # Spawned tasks
//! Tasks given to [`Executor::spawn`] are detached: nothing holds a handle to
//! them, and they run until they finish on their own (a driver finishes when its
//! connection closes or every client handle is gone). Every built-in backend
//! behaves this way; a custom executor must too.
//!
//! # A runtime of your own
//! ```
//! use std::{io, path::Path, sync::Arc, time::Duration};
//! use anyredis::rt::{BoxFuture, BoxSocket, Executor, Runtime, TcpOptions, Timer, Transport};
//!
//! // Here: a thread per task, async-io's timer, and std sockets wrapped by
//! // async-io. Any runtime works the same way.
//! struct ThreadExecutor;
//! impl Executor for ThreadExecutor {
//!     fn spawn(&self, task: BoxFuture<'static, ()>) -> io::Result<()> {
//!         std::thread::Builder::new().spawn(move || futures_lite::future::block_on(task))?;
//!         Ok(())
//!     }
//! }
//! struct ThreadTimer;
//! impl Timer for ThreadTimer {
//!     fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
//!         Box::pin(async move { async_io::Timer::after(duration).await; })
//!     }
//! }
//! struct StdTransport;
//! impl Transport for StdTransport {
//!     fn connect_tcp<'a>(&'a self, host: &'a str, port: u16, options: &'a TcpOptions)
//!         -> BoxFuture<'a, io::Result<BoxSocket>> {
//!         Box::pin(async move {
//!             let stream = async_io::Async::<std::net::TcpStream>::connect(
//!                 std::net::ToSocketAddrs::to_socket_addrs(&(host, port))?
//!                     .next()
//!                     .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?,
//!             ).await?;
//!             options.apply(stream.get_ref())?;
//!             Ok(Box::new(stream) as BoxSocket)
//!         })
//!     }
//!     fn connect_unix<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>> {
//!         Box::pin(async move {
//!             let stream = async_io::Async::<std::os::unix::net::UnixStream>::connect(path).await?;
//!             Ok(Box::new(stream) as BoxSocket)
//!         })
//!     }
//! }
//!
//! let runtime = Runtime::new("threads", Arc::new(ThreadExecutor), Arc::new(ThreadTimer), Arc::new(StdTransport));
//! // `build` does no I/O: the client connects when it is first used.
//! let client = anyredis::Client::builder().runtime(runtime).build()?;
//! assert_eq!(client.runtime().name(), "threads");
//!
//! // The executor runs a detached task to its end, and the timer wakes it.
//! let (done, finished) = std::sync::mpsc::channel();
//! ThreadExecutor.spawn(Box::pin(async move {
//!     ThreadTimer.sleep(Duration::from_millis(10)).await;
//!     done.send(()).unwrap();
//! }))?;
//! finished.recv_timeout(Duration::from_secs(10))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(any(feature = "smol", feature = "async-std"))]
mod async_io_net;
#[cfg(feature = "async-std")]
mod async_std;
mod options;
#[cfg(any(feature = "smol", feature = "async-std"))]
mod readiness;
mod select;
#[cfg(feature = "smol")]
mod smol;
#[cfg(feature = "tokio")]
mod tokio;

use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};

pub use options::TcpOptions;
pub(crate) use select::{with_timeout, LONGEST_WAIT};

/// A boxed, `Send` future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A byte stream to a server: any `futures_io` reader and writer that can move between threads.
pub trait Socket: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Socket for T {}

/// A boxed [`Socket`], as returned by a [`Transport`].
pub type BoxSocket = Box<dyn Socket>;

/// The error a [`Transport`] or [`Executor`] returns (inside an [`io::Error`],
/// see [`RuntimeUnavailable::into_io`]) when no runtime can do the work, e.g. a
/// tokio backend called outside any tokio runtime. anyredis reports it as an
/// [`crate::ErrorKind::Runtime`] error rather than a connection error.
#[derive(Debug, Clone)]
pub struct RuntimeUnavailable {
    message: String,
}

impl RuntimeUnavailable {
    /// An error saying why no runtime is available.
    pub fn new(message: impl Into<String>) -> RuntimeUnavailable {
        RuntimeUnavailable {
            message: message.into(),
        }
    }

    /// Wraps this error in an [`io::Error`] (kind `Other`), as the traits return.
    pub fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    /// The `RuntimeUnavailable` inside `error`, if that is what it holds.
    pub fn find(error: &io::Error) -> Option<&RuntimeUnavailable> {
        error.get_ref()?.downcast_ref::<RuntimeUnavailable>()
    }
}

impl fmt::Display for RuntimeUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuntimeUnavailable {}

/// Spawns detached background tasks.
pub trait Executor: Send + Sync + 'static {
    /// Runs `task` in the background until it completes. The task is detached:
    /// no handle is kept, and it is not cancelled by anything anyredis drops.
    fn spawn(&self, task: BoxFuture<'static, ()>) -> io::Result<()>;
}

/// Sleeps without blocking a thread.
pub trait Timer: Send + Sync + 'static {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// Opens byte streams to servers.
pub trait Transport: Send + Sync + 'static {
    /// Connects to `host:port` (trying every address the name resolves to) and
    /// applies `options` (TCP_NODELAY, keepalive).
    fn connect_tcp<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        options: &'a TcpOptions,
    ) -> BoxFuture<'a, io::Result<BoxSocket>>;

    /// Connects to a Unix domain socket.
    fn connect_unix<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>>;
}

/// One async runtime: an [`Executor`], a [`Timer`] and a [`Transport`]. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    name: &'static str,
    executor: Arc<dyn Executor>,
    timer: Arc<dyn Timer>,
    transport: Arc<dyn Transport>,
}

impl Runtime {
    /// A runtime made of your own parts (see the module docs for an example).
    pub fn new(
        name: &'static str,
        executor: Arc<dyn Executor>,
        timer: Arc<dyn Timer>,
        transport: Arc<dyn Transport>,
    ) -> Runtime {
        Runtime {
            name,
            executor,
            timer,
            transport,
        }
    }

    /// The runtime's name (`"smol"`, `"async-std"`, `"tokio"` or the one given to [`Runtime::new`]).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The runtime chosen by the enabled cargo features: the one runtime feature
    /// when exactly one is on. With none or several, an error says to pick one
    /// with [`crate::ClientBuilder::runtime`].
    pub fn from_features() -> crate::Result<Runtime> {
        // Mutated only when a runtime feature is on.
        #[allow(unused_mut)]
        let mut found: Vec<fn() -> Runtime> = Vec::new();
        #[allow(unused_mut)]
        let mut names: Vec<&str> = Vec::new();
        #[cfg(feature = "smol")]
        {
            found.push(Runtime::smol);
            names.push("smol");
        }
        #[cfg(feature = "async-std")]
        {
            found.push(Runtime::async_std);
            names.push("async-std");
        }
        #[cfg(feature = "tokio")]
        {
            found.push(Runtime::tokio);
            names.push("tokio");
        }
        match found.as_slice() {
            [only] => Ok(only()),
            [] => Err(crate::Error::config(
                "no runtime feature is enabled: enable one of the features smol, async-std, tokio, \
                 or pass your own with ClientBuilder::runtime(Runtime::new(...))",
            )),
            _ => Err(crate::Error::config(format!(
                "several runtime features are enabled ({}): choose one with \
                 ClientBuilder::runtime(Runtime::...)",
                names.join(", ")
            ))),
        }
    }

    pub(crate) fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) -> crate::Result<()> {
        self.executor
            .spawn(Box::pin(task))
            .map_err(|e| crate::Error::runtime(format!("could not spawn a task on {}: {e}", self.name)))
    }

    /// Sleeps for `duration`; a wait longer than [`LONGEST_WAIT`] (about a
    /// century) never ends, so that no timer computes an `Instant` it cannot hold.
    pub(crate) fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        if duration > LONGEST_WAIT {
            return Box::pin(std::future::pending());
        }
        self.timer.sleep(duration)
    }

    /// The transport that opens sockets (also usable for [`crate::Connection::from_socket`]).
    pub fn transport(&self) -> &dyn Transport {
        &*self.transport
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Runtime").field(&self.name).finish()
    }
}

/// A runtime that can do nothing, for unit tests that do no I/O (whatever
/// runtime features are enabled).
#[cfg(test)]
pub(crate) fn test_runtime() -> Runtime {
    struct Inert;
    impl Executor for Inert {
        fn spawn(&self, _task: BoxFuture<'static, ()>) -> io::Result<()> {
            Err(RuntimeUnavailable::new("the inert test runtime spawns nothing").into_io())
        }
    }
    impl Timer for Inert {
        fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::pending())
        }
    }
    impl Transport for Inert {
        fn connect_tcp<'a>(&'a self, _: &'a str, _: u16, _: &'a TcpOptions) -> BoxFuture<'a, io::Result<BoxSocket>> {
            Box::pin(async { Err(RuntimeUnavailable::new("the inert test runtime opens nothing").into_io()) })
        }
        fn connect_unix<'a>(&'a self, _: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>> {
            Box::pin(async { Err(RuntimeUnavailable::new("the inert test runtime opens nothing").into_io()) })
        }
    }
    let inert = Arc::new(Inert);
    Runtime::new("inert", inert.clone(), inert.clone(), inert)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_unavailable_is_found_by_type_not_text() {
        let e = RuntimeUnavailable::new("nothing here").into_io();
        assert_eq!(
            RuntimeUnavailable::find(&e).map(|r| r.to_string()).as_deref(),
            Some("nothing here")
        );
        let lookalike = io::Error::other("no tokio runtime is running on this thread");
        assert!(RuntimeUnavailable::find(&lookalike).is_none());
    }

    #[test]
    fn with_timeout_zero_is_the_same_everywhere() {
        let rt = test_runtime();
        let ready = futures_util::FutureExt::now_or_never(with_timeout(&rt, Some(Duration::ZERO), async { 7 }));
        assert_eq!(ready, Some(Ok(7)));
        let pending = futures_util::FutureExt::now_or_never(with_timeout(
            &rt,
            Some(Duration::ZERO),
            std::future::pending::<()>(),
        ));
        assert_eq!(pending, Some(Err(())));
    }

    #[test]
    fn huge_sleeps_do_not_reach_the_timer() {
        struct Panicky;
        impl Timer for Panicky {
            fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
                // A naive timer: overflows (panics) on huge durations.
                let _deadline = std::time::Instant::now() + duration;
                Box::pin(std::future::pending())
            }
        }
        let base = test_runtime();
        let rt = Runtime::new(
            "panicky",
            base.executor.clone(),
            Arc::new(Panicky),
            base.transport.clone(),
        );
        let mut sleep = rt.sleep(Duration::MAX);
        assert!(futures_util::FutureExt::now_or_never(&mut sleep).is_none());
        let out = futures_util::FutureExt::now_or_never(with_timeout(&rt, Some(Duration::MAX), async { 1 }));
        assert_eq!(out, Some(Ok(1)));
    }
}
