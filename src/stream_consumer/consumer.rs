//! [`StreamConsumer`]: the `Stream` of deliveries, acknowledgements, close.

use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::stream::{FusedStream, Stream};

use super::fetch::{self, Shared, Worker};
use super::{Delivery, Receipt, Settings};
use crate::commands::{ConnectionCommands, StreamCommands, UnblockMode, XGroupCreateOptions};
use crate::resp::Value;
use crate::rt::BoxFuture;
use crate::{Client, Error, FromValue, Result};

/// How long [`StreamConsumer::close`] waits for a read in flight to end
/// (it asks the server to end it at once) before dropping it.
const CLOSE_WAIT: Duration = Duration::from_secs(2);
/// How often `close` repeats its `CLIENT UNBLOCK` while waiting.
const UNBLOCK_EVERY: Duration = Duration::from_millis(50);

type Fetch = BoxFuture<'static, (Worker, Result<Vec<Delivery<Value>>>)>;

/// A consumer-group worker: a [`Stream`] of [`Delivery`] items, made by
/// [`Client::stream_consumer`](crate::Client::stream_consumer) (see the
/// [module docs](super) for what it does and an example).
///
/// Each item is `Ok(delivery)` or an `Err` (a failed read, acknowledgement
/// or conversion of an entry's fields to `F`). The stream does not end on
/// errors: the next poll tries again, after a short wait that grows while
/// failures repeat (50 ms doubling up to 5 s). An entry whose fields do not
/// convert to `F` is yielded as that conversion error and stays pending
/// (it comes back through a claim, and is dead-lettered like any entry that
/// keeps failing). The stream ends (`None`) only after [`close`](Self::close)
/// started.
///
/// Cancel safety: the read in flight is kept by the consumer, not by the
/// `next()` future, so dropping a `next()` future (a `select!` that chose
/// another branch, a timeout) loses nothing: the next call returns what
/// that read got. If a read's reply is lost anyway (a lost connection, a
/// response timeout), the consumer reads its own pending entries above
/// everything it has delivered before anything else, so those entries are
/// delivered again (with a higher delivery count).
///
/// A consumer is `Send` (move it into a task), not `Sync`: poll it from one
/// task, and acknowledge from others with a [`StreamAcker`]; the futures of
/// [`ack`](Self::ack) and [`ack_many`](Self::ack_many) do not borrow it.
#[must_use = "streams do nothing unless polled"]
pub struct StreamConsumer<F> {
    shared: Arc<Shared>,
    /// The worker, when no fetch holds it.
    worker: Option<Worker>,
    fetch: Option<Fetch>,
    buffer: VecDeque<Delivery<Value>>,
    /// Auto-ack: the last entry yielded (handled once the next is asked for).
    last: Option<Receipt>,
    /// Auto-ack: handled entries not acknowledged yet.
    handled: Vec<Receipt>,
    done: bool,
    fields: PhantomData<fn() -> F>,
}

impl<F> StreamConsumer<F> {
    pub(super) async fn start(client: Client, settings: Settings) -> Result<StreamConsumer<F>> {
        if settings.streams.is_empty() {
            return Err(Error::usage("a stream consumer needs at least one stream"));
        }
        if let Some(start) = settings.create {
            let creates = settings.streams.iter().map(|key| {
                let options = XGroupCreateOptions::new().mkstream();
                client.xgroup_create_options(key, &settings.group, start.id(), options)
            });
            for created in futures_util::future::join_all(creates).await {
                match created {
                    Err(e) if e.code() == Some("BUSYGROUP") => {}
                    other => other?,
                }
            }
        }
        let reader = client.dedicated().await?;
        let reader_id = reader.client_id().await?;
        let shared = Arc::new(Shared {
            client,
            settings,
            closing: AtomicBool::new(false),
            reader_id: AtomicU64::new(reader_id),
            dead_lettered: AtomicU64::new(0),
            deleted: AtomicU64::new(0),
        });
        Ok(StreamConsumer {
            worker: Some(Worker::new(shared.clone(), reader)),
            shared,
            fetch: None,
            buffer: VecDeque::new(),
            last: None,
            handled: Vec::new(),
            done: false,
            fields: PhantomData,
        })
    }

    /// Acknowledges one delivered entry (`XACK`, on the client's shared
    /// connection); `true` when it was still pending (`false`: acknowledged
    /// already, or claimed and acknowledged by another consumer).
    ///
    /// The future owns what it needs (`'static`): it does not borrow the
    /// consumer, which can be polled meanwhile.
    pub fn ack(&self, entry: impl Into<Receipt>) -> impl Future<Output = Result<bool>> + Send + 'static {
        ack_one(self.shared.clone(), entry.into())
    }

    /// Acknowledges several entries, one `XACK` per stream, sent together;
    /// returns how many were still pending.
    pub fn ack_many<R: Into<Receipt>>(
        &self,
        entries: impl IntoIterator<Item = R>,
    ) -> impl Future<Output = Result<u64>> + Send + 'static {
        ack_all(self.shared.clone(), entries.into_iter().map(Into::into).collect())
    }

    /// With [`auto_ack`](super::StreamConsumerBuilder::auto_ack): leaves
    /// the entry delivered last pending instead of acknowledging it (its
    /// handling failed). It is delivered again through a claim
    /// ([`claim_idle`](super::StreamConsumerBuilder::claim_idle)) or after a
    /// restart, and dead-lettered once delivered `max_deliveries` times.
    /// Returns whether there was such an entry (always `false` without auto-ack).
    pub fn keep_pending(&mut self) -> bool {
        self.last.take().is_some()
    }

    /// A handle that acknowledges this consumer's entries from other tasks
    /// (cheap to clone, `'static`), for handling entries concurrently.
    pub fn acker(&self) -> StreamAcker {
        StreamAcker {
            shared: self.shared.clone(),
        }
    }

    /// How many entries this consumer moved to the dead-letter stream, and
    /// how many pending entries it acknowledged because they had been deleted
    /// from their stream (`XDEL`, trimming) and could not be delivered.
    pub fn dead_lettered_and_deleted(&self) -> (u64, u64) {
        (
            self.shared.dead_lettered.load(Ordering::Relaxed),
            self.shared.deleted.load(Ordering::Relaxed),
        )
    }

    /// The consumer group's name.
    pub fn group(&self) -> &[u8] {
        &self.shared.settings.group
    }

    /// This consumer's name in the group.
    pub fn consumer(&self) -> &[u8] {
        &self.shared.settings.consumer
    }

    /// Stops the consumer cleanly: a blocking read in flight is ended at
    /// once (`CLIENT UNBLOCK`), entries handled under
    /// [`auto_ack`](super::StreamConsumerBuilder::auto_ack) (the last one
    /// delivered included) are acknowledged, and the dedicated connection
    /// goes back to the pool. Entries read but not delivered yet stay
    /// pending for this consumer: they are delivered first when a consumer
    /// of the same name starts again, or claimed by another one.
    ///
    /// If the server refuses `CLIENT UNBLOCK` (an ACL user without it), the
    /// read is waited for at most 2 s, then dropped with its connection;
    /// what it read stays pending. Returns the error of the final
    /// acknowledgement, if it failed (those entries then stay pending too).
    pub async fn close(mut self) -> Result<()> {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.done = true;
        self.take_last();
        if let Some(fetch) = self.fetch.take() {
            let (worker, result) = stop(&self.shared, fetch).await;
            self.worker = worker;
            if let Some(Ok(batch)) = result {
                // Read but never delivered: they stay pending.
                drop(batch);
            }
        }
        let handled = std::mem::take(&mut self.handled);
        let result = if handled.is_empty() {
            Ok(())
        } else {
            fetch::ack(&self.shared, handled).await.map(drop)
        };
        // Dropping the worker gives the reader back to the pool.
        self.worker = None;
        result
    }

    /// Auto-ack: the last entry yielded counts as handled now.
    fn take_last(&mut self) {
        if let Some(last) = self.last.take() {
            self.handled.push(last);
        }
    }
}

impl<F: FromValue> Stream for StreamConsumer<F> {
    type Item = Result<Delivery<F>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.take_last();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(raw) = this.buffer.pop_front() {
                let Delivery {
                    stream,
                    id,
                    fields,
                    deliveries,
                } = raw;
                let fields = match F::from_value(fields) {
                    Ok(fields) => fields,
                    Err(e) => {
                        let e = e.with_context(format_args!("fields of entry {id}"));
                        return Poll::Ready(Some(Err(Error::from(e))));
                    }
                };
                if this.shared.settings.auto_ack {
                    this.last = Some(Receipt {
                        stream: stream.clone(),
                        id,
                    });
                }
                return Poll::Ready(Some(Ok(Delivery {
                    stream,
                    id,
                    fields,
                    deliveries,
                })));
            }
            let fetch = match &mut this.fetch {
                Some(fetch) => fetch,
                None => {
                    let Some(worker) = this.worker.take() else {
                        this.done = true;
                        return Poll::Ready(None);
                    };
                    let handled = std::mem::take(&mut this.handled);
                    this.fetch.insert(Box::pin(worker.fetch(handled)))
                }
            };
            let (worker, result) = std::task::ready!(fetch.as_mut().poll(cx));
            this.fetch = None;
            this.worker = Some(worker);
            match result {
                Ok(batch) if batch.is_empty() => this.done = true,
                Ok(batch) => this.buffer.extend(batch),
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}

impl<F: FromValue> FusedStream for StreamConsumer<F> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

// Entries are moved out of the buffer, never pinned; the fetch is boxed.
impl<F> Unpin for StreamConsumer<F> {}

impl<F> std::fmt::Debug for StreamConsumer<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamConsumer")
            .field("streams", &self.shared.settings.streams)
            .field("group", &self.shared.settings.group)
            .field("consumer", &self.shared.settings.consumer)
            .field("buffered", &self.buffer.len())
            .field("reading", &self.fetch.is_some())
            .field("closed", &self.done)
            .finish()
    }
}

/// Acknowledges a [`StreamConsumer`]'s entries from other tasks; made by
/// [`StreamConsumer::acker`]. Cheap to clone; keeps working after the
/// consumer is closed (acknowledging is an `XACK` on the client's shared
/// connection).
#[derive(Clone)]
pub struct StreamAcker {
    shared: Arc<Shared>,
}

impl StreamAcker {
    /// As [`StreamConsumer::ack`].
    pub fn ack(&self, entry: impl Into<Receipt>) -> impl Future<Output = Result<bool>> + Send + 'static {
        ack_one(self.shared.clone(), entry.into())
    }

    /// As [`StreamConsumer::ack_many`].
    pub fn ack_many<R: Into<Receipt>>(
        &self,
        entries: impl IntoIterator<Item = R>,
    ) -> impl Future<Output = Result<u64>> + Send + 'static {
        ack_all(self.shared.clone(), entries.into_iter().map(Into::into).collect())
    }
}

impl std::fmt::Debug for StreamAcker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamAcker")
            .field("group", &self.shared.settings.group)
            .finish_non_exhaustive()
    }
}

/// Ends a fetch in flight: unblocks its read (again and again, in case
/// the read was not blocked yet), waiting at most [`CLOSE_WAIT`].
async fn stop(shared: &Shared, mut fetch: Fetch) -> (Option<Worker>, Option<Result<Vec<Delivery<Value>>>>) {
    let client = &shared.client;
    let deadline = std::time::Instant::now().checked_add(CLOSE_WAIT);
    loop {
        let id = shared.reader_id.load(Ordering::SeqCst);
        if id != 0 {
            // Refused (no permission) or failed: the wait below still bounds the close.
            let _ = client.client_unblock(id, UnblockMode::Timeout).await;
        }
        match select(fetch, client.runtime().sleep(UNBLOCK_EVERY)).await {
            Either::Left(((worker, result), _)) => return (Some(worker), Some(result)),
            Either::Right(((), pending)) => fetch = pending,
        }
        if deadline.map_or(true, |d| std::time::Instant::now() >= d) {
            // Dropped: its connection is closed, its entries stay pending.
            return (None, None);
        }
    }
}

async fn ack_one(shared: Arc<Shared>, receipt: Receipt) -> Result<bool> {
    Ok(fetch::ack(&shared, vec![receipt]).await? > 0)
}

async fn ack_all(shared: Arc<Shared>, receipts: Vec<Receipt>) -> Result<u64> {
    fetch::ack(&shared, receipts).await
}
