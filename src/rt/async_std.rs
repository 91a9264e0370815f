//! The async-std runtime (feature `async-std`).
//!
//! async-std is no longer maintained upstream; it runs on the same async-io
//! reactor as smol, so its sockets and timers share smol's code path and only
//! spawning and name resolution go through async-std itself.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::async_io_net;
use super::{BoxFuture, BoxSocket, Executor, Runtime, TcpOptions, Timer, Transport};

struct AsyncStd;

impl Executor for AsyncStd {
    fn spawn(&self, task: BoxFuture<'static, ()>) -> io::Result<()> {
        // Dropping async-std's JoinHandle detaches the task.
        drop(async_std::task::spawn(task));
        Ok(())
    }
}

impl Timer for AsyncStd {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        async_io_net::sleep(duration)
    }
}

impl Transport for AsyncStd {
    fn connect_tcp<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        options: &'a TcpOptions,
    ) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async move {
            let addrs: Vec<_> = match async_io_net::literal_addr(host, port) {
                Some(addr) => vec![addr],
                None => async_std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
                    .await?
                    .collect(),
            };
            async_io_net::connect_tcp(addrs, options, false).await
        })
    }

    fn connect_unix<'a>(&'a self, path: &'a Path) -> BoxFuture<'a, io::Result<BoxSocket>> {
        Box::pin(async_io_net::connect_unix(path, false))
    }
}

impl Runtime {
    /// The async-std runtime (feature `async-std`). async-std is unmaintained
    /// upstream; it shares smol's async-io socket and timer code.
    #[cfg_attr(docsrs, doc(cfg(feature = "async-std")))]
    pub fn async_std() -> Runtime {
        let rt = Arc::new(AsyncStd);
        Runtime::new("async-std", rt.clone(), rt.clone(), rt)
    }
}
