//! The smol runtime: smol's global executor, and the async-io reactor it runs on.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::async_io_net;
use super::{BoxFuture, BoxSocket, Executor, Runtime, TcpOptions, Timer, Transport};

struct Smol;

impl Executor for Smol {
    fn spawn(&self, task: BoxFuture<'static, ()>) -> io::Result<()> {
        smol::spawn(task).detach();
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
        let rt = Arc::new(Smol);
        Runtime::new("smol", rt.clone(), rt.clone(), rt)
    }
}
