//! The smol runtime: smol's global executor (or an executor of the user's
//! own), and the async-io reactor it runs on.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::async_io_net;
use super::{BoxFuture, BoxSocket, Executor, Runtime, TcpOptions, Timer, Transport};

/// Where smol tasks go: the global executor, or one the user runs.
struct Smol {
    executor: Option<Arc<smol::Executor<'static>>>,
}

impl Executor for Smol {
    fn spawn(&self, task: BoxFuture<'static, ()>) -> io::Result<()> {
        match &self.executor {
            Some(executor) => executor.spawn(task).detach(),
            None => smol::spawn(task).detach(),
        }
        Ok(())
    }
}

impl Timer for Smol {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        async_io_net::sleep(duration)
    }
}

impl Transport for Smol {
    fn connect_tcp<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        options: &'a TcpOptions,
    ) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async move {
            let addrs = match async_io_net::literal_addr(host, port) {
                Some(addr) => vec![addr],
                None => smol::net::resolve((host, port)).await?,
            };
            async_io_net::connect_tcp(addrs, options, true).await
        })
    }

    fn connect_unix<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async_io_net::connect_unix(path, true))
    }
}

impl Runtime {
    /// The smol runtime (feature `smol`): tasks go to smol's global executor.
    #[cfg_attr(docsrs, doc(cfg(feature = "smol")))]
    pub fn smol() -> Runtime {
        let rt = Arc::new(Smol { executor: None });
        Runtime::new("smol", rt.clone(), rt.clone(), rt)
    }

    /// The smol runtime with tasks spawned on `executor` (feature `smol`):
    /// for applications that run their own [`smol::Executor`], for instance
    /// on several threads. Sockets and timers use the async-io reactor, as
    /// with [`Runtime::smol`].
    ///
    /// The executor must be run (`executor.run(...)`) by at least one thread
    /// for as long as clients built on this runtime are used: the
    /// multiplexer's driver is a task on it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use anyredis::{Client, Runtime};
    ///
    /// let executor = Arc::new(smol::Executor::new());
    /// // Two threads run the executor until `stop` is dropped ...
    /// let (stop, stopped) = smol::channel::unbounded::<()>();
    /// let threads: Vec<_> = (0..2)
    ///     .map(|_| {
    ///         let (executor, stopped) = (executor.clone(), stopped.clone());
    ///         std::thread::spawn(move || smol::block_on(executor.run(stopped.recv())))
    ///     })
    ///     .collect();
    /// // ... and so does this one, while it waits for its own future.
    /// let client = Client::builder()
    ///     .host("127.0.0.1", 6379)
    ///     .runtime(Runtime::smol_with_executor(executor.clone()))
    ///     .build()?;
    /// let spawned = executor.spawn(async move {
    ///     // A spawned task may run on any of the three threads.
    ///     drop(client);
    ///     21 * 2
    /// });
    /// assert_eq!(smol::block_on(executor.run(spawned)), 42);
    /// drop(stop);
    /// for thread in threads {
    ///     let _ = thread.join().unwrap();
    /// }
    /// # Ok::<(), anyredis::Error>(())
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "smol")))]
    pub fn smol_with_executor(executor: Arc<smol::Executor<'static>>) -> Runtime {
        let rt = Arc::new(Smol {
            executor: Some(executor),
        });
        Runtime::new("smol", rt.clone(), rt.clone(), rt)
    }
}
