//! Optimistic transactions: `WATCH`, read, queue, `EXEC`, and retry when a
//! watched key changed. See [`crate::Client::transaction`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::backoff;
use crate::commands::{AsyncCommandTarget, CommandTarget};
use crate::multiplex::Multiplexer;
use crate::pipeline::{convert, Pipeline};
use crate::request::{wait, FixedSource, ReplyFuture, Sharing, Source};
use crate::value::{Args, FromValue, ToArgs};
use crate::{Client, Error, Result};

/// How many times [`Client::transaction`] runs its closure before giving up.
pub const DEFAULT_TRANSACTION_ATTEMPTS: usize = 64;

/// One attempt of a transaction in progress: a dedicated connection on which
/// the keys are `WATCH`ed. Read with its typed methods (they run on that
/// connection), then return an atomic [`Transaction::pipeline`] holding the
/// writes.
///
/// The handle is good for its attempt only: once the attempt is over (the
/// pipeline was executed, or the body failed), commands sent through it, or
/// through a clone kept by user code, fail with [`crate::ErrorKind::Closed`];
/// they never reach the connection, which by then may serve someone else.
/// Commands that change the connection's state (`SELECT`, `MULTI`,
/// `WATCH`, ...) are refused with [`crate::ErrorKind::Usage`].
#[derive(Clone)]
pub struct Transaction {
    source: Arc<FixedSource>,
}

impl Transaction {
    /// An atomic pipeline (`MULTI` / `EXEC`) for this transaction's writes.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::new(self.source()).atomic()
    }

    /// Starts a raw command on this transaction's connection.
    pub fn cmd(&self, name: &str) -> crate::BoundCmd {
        crate::BoundCmd::new(self.source(), name)
    }

    fn source(&self) -> Arc<dyn Source> {
        self.source.clone()
    }
}

impl CommandTarget for Transaction {
    type Output<'a, T: FromValue + 'a> = ReplyFuture<T>;

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<T> {
        ReplyFuture::new(self.source(), args)
    }
}

impl AsyncCommandTarget for Transaction {
    fn request<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<T> {
        ReplyFuture::new(self.source(), args)
    }
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction").finish_non_exhaustive()
    }
}

impl Client {
    /// Runs `body` as an optimistic transaction over `keys`, retrying when a
    /// watched key changes (up to [`DEFAULT_TRANSACTION_ATTEMPTS`] runs).
    ///
    /// Each attempt: `WATCH keys` on a pooled dedicated connection, run `body`
    /// (reads go through the [`Transaction`] handle, on that connection), then
    /// send the pipeline it returns as `MULTI` ... `EXEC`. If `EXEC` is aborted
    /// because a watched key changed, the attempt is repeated; the result is
    /// the `EXEC` replies converted to `T`. After the last attempt the error is
    /// [`crate::ErrorKind::WatchConflict`]. An error from `body` ends the
    /// transaction (after `UNWATCH`) and is returned as is.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use anyredis::prelude::*;
    /// let client = Client::open("redis://127.0.0.1")?;
    /// // A client-side INCR that stays exact under concurrency:
    /// let ((),): ((),) = client
    ///     .transaction("counter", |tx| async move {
    ///         let current = tx.get::<Option<i64>>("counter").await?.unwrap_or(0);
    ///         let pipe = tx.pipeline();
    ///         pipe.set("counter", current + 1);
    ///         Ok(pipe)
    ///     })
    ///     .await?;
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub async fn transaction<K, T, F, Fut>(&self, keys: K, body: F) -> Result<T>
    where
        K: ToArgs,
        T: FromValue,
        F: FnMut(Transaction) -> Fut,
        Fut: Future<Output = Result<Pipeline>>,
    {
        self.transaction_with_attempts(keys, DEFAULT_TRANSACTION_ATTEMPTS, body)
            .await
    }

    /// [`Client::transaction`] with a chosen number of attempts (at least 1).
    pub async fn transaction_with_attempts<K, T, F, Fut>(&self, keys: K, attempts: usize, mut body: F) -> Result<T>
    where
        K: ToArgs,
        T: FromValue,
        F: FnMut(Transaction) -> Fut,
        Fut: Future<Output = Result<Pipeline>>,
    {
        let mut watch = Args::new();
        watch.push(b"WATCH");
        keys.write_args(&mut watch);
        if watch.len() < 2 {
            return Err(Error::config("a transaction needs at least one key to WATCH"));
        }
        let mut lease = self.pool().acquire().await?;
        // Until EXEC or UNWATCH completes, the connection may hold a WATCH: if
        // this future is dropped, the lease closes the connection.
        lease.mark_dirty();
        let mux = Multiplexer::clone(&lease);
        let limit = self.config().response_timeout;
        let internal = |args: &Args| -> Result<_> { Ok(wait(mux.send(args, None)?, limit, self.runtime())) };
        let mut unwatch = Args::new();
        unwatch.push(b"UNWATCH");
        for attempt in 0..attempts.max(1) {
            if attempt > 0 {
                // Spread competing writers out so one of them gets through.
                let step = u32::try_from(attempt).unwrap_or(u32::MAX);
                let wait = backoff::delay(Duration::from_millis(1), Duration::from_millis(50), step);
                self.runtime().sleep(wait).await;
            }
            internal(&watch)?.await?;
            let source = Arc::new(
                FixedSource::new(mux.clone(), self.runtime().clone(), limit, Sharing::Transaction, true)
                    .with_telemetry(self.config().instruments.live()),
            );
            let body_result = body(Transaction { source: source.clone() }).await;
            let outcome = match body_result {
                Ok(pipe) => {
                    let source: Arc<dyn Source> = source;
                    pipe.exec_on(&source).await
                }
                Err(e) => {
                    // This attempt's handles stop working before anything else is sent.
                    mux.retire();
                    if internal(&unwatch)?.await.is_ok() {
                        lease.mark_clean();
                    }
                    return Err(e);
                }
            };
            mux.retire();
            // EXEC (run or aborted) ends the WATCH; an error may leave it set.
            if outcome.is_ok() {
                lease.mark_clean();
            }
            if let Some(replies) = outcome? {
                return convert(replies);
            }
            lease.mark_dirty();
        }
        lease.mark_clean();
        Err(Error::watch_conflict(attempts.max(1)))
    }
}
