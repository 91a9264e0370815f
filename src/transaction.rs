//! Optimistic transactions: `WATCH`, read, queue, `EXEC`, and retry when a
//! watched key changed. See [`crate::Client::transaction`].

use std::future::Future;
use std::time::Duration;

use crate::backoff;
use crate::commands::{AsyncCommandTarget, CommandTarget};
use crate::multiplex::{FixedMux, ReplyFuture};
use crate::pipeline::Pipeline;
use crate::resp::Value;
use crate::value::{Args, FromValue, ToArgs};
use crate::{Client, Error, Result};

/// How many times [`Client::transaction`] runs its closure before giving up.
pub const DEFAULT_TRANSACTION_ATTEMPTS: usize = 64;

/// A transaction in progress: a dedicated connection on which the keys are
/// `WATCH`ed. Read with its typed methods (they run on that connection), then
/// return an atomic [`Transaction::pipeline`] holding the writes.
pub struct Transaction {
    fixed: FixedMux,
}

impl Transaction {
    /// An atomic pipeline (`MULTI` / `EXEC`) for this transaction's writes.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::new(Box::new(self.fixed.clone())).atomic()
    }
}

impl CommandTarget for Transaction {
    type Output<'a, T: FromValue + 'a> = ReplyFuture<'a, T>;

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<'a, T> {
        ReplyFuture::new(&self.fixed, args)
    }
}

impl AsyncCommandTarget for Transaction {
    fn request<'a, T: FromValue + 'a>(&'a self, args: Args) -> ReplyFuture<'a, T> {
        ReplyFuture::new(&self.fixed, args)
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
        let fixed = lease.fixed().clone();
        for attempt in 0..attempts.max(1) {
            if attempt > 0 {
                // Spread competing writers out so one of them gets through.
                let wait = backoff::delay(Duration::from_millis(1), Duration::from_millis(50), attempt as u32);
                self.runtime().sleep(wait).await;
            }
            lease.send::<()>(watch.clone()).await?;
            let pipe = match body(Transaction { fixed: fixed.clone() }).await {
                Ok(pipe) => pipe,
                Err(e) => {
                    let mut unwatch = Args::new();
                    unwatch.push(b"UNWATCH");
                    if lease.send::<()>(unwatch).await.is_ok() {
                        lease.mark_clean();
                    }
                    return Err(e);
                }
            };
            let outcome = pipe.exec_on(&fixed).await;
            // EXEC (run or aborted) ends the WATCH; an error may leave it set.
            if outcome.is_ok() {
                lease.mark_clean();
            }
            if let Some(replies) = outcome? {
                return Ok(T::from_value(Value::Array(replies))?);
            }
            lease.mark_dirty();
        }
        lease.mark_clean();
        Err(Error::watch_conflict(attempts.max(1)))
    }
}
