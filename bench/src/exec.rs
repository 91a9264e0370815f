//! The three async runtimes the benchmark drives tasks on.
//!
//! - tokio: one multi-thread runtime (default worker count = number of cores),
//!   shared by anyredis-tokio and the peers, which all need tokio (`--tokio-workers`);
//! - smol: `smol::block_on` + `smol::spawn` (smol's global executor: `SMOL_THREADS`
//!   worker threads, 1 by default, plus async-io's reactor);
//! - async-std: `async_std::task::block_on` + `async_std::task::spawn`.

use std::future::Future;

pub enum Exec {
    Tokio(tokio::runtime::Runtime),
    Smol,
    AsyncStd,
}

pub enum Join<T> {
    Tokio(tokio::task::JoinHandle<T>),
    Smol(smol::Task<T>),
    AsyncStd(async_std::task::JoinHandle<T>),
}

impl<T: Send + 'static> Join<T> {
    pub async fn join(self) -> T {
        match self {
            Join::Tokio(h) => h.await.expect("benchmark task panicked"),
            Join::Smol(t) => t.await,
            Join::AsyncStd(h) => h.await,
        }
    }
}

impl Exec {
    /// A multi-thread runtime with `workers` worker threads (tokio's default, one per core, when `None`).
    pub fn tokio(workers: Option<usize>) -> Exec {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        if let Some(n) = workers {
            builder.worker_threads(n);
        }
        let rt = builder.enable_all().build().expect("tokio runtime");
        Exec::Tokio(rt)
    }

    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        match self {
            Exec::Tokio(rt) => rt.block_on(f),
            Exec::Smol => smol::block_on(f),
            Exec::AsyncStd => async_std::task::block_on(f),
        }
    }

    pub fn spawn<F>(&self, f: F) -> Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Exec::Tokio(rt) => Join::Tokio(rt.spawn(f)),
            Exec::Smol => Join::Smol(smol::spawn(f)),
            Exec::AsyncStd => Join::AsyncStd(async_std::task::spawn(f)),
        }
    }

    /// The tokio handle (for anyredis' `Runtime::tokio_with_handle`).
    pub fn tokio_handle(&self) -> Option<tokio::runtime::Handle> {
        match self {
            Exec::Tokio(rt) => Some(rt.handle().clone()),
            _ => None,
        }
    }
}
