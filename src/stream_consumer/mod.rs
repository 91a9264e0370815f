//! A consumer-group worker over Redis streams: [`Client::stream_consumer`].
//!
//! Every program that reads a stream with a consumer group writes the same
//! loop: `XREADGROUP`, process, `XACK`; and the same bugs: entries left
//! pending by a crash are never processed again, entries of a dead consumer
//! stay stuck, and a poison entry is retried forever. [`StreamConsumer`] is
//! that loop, done once:
//!
//! - on start it reads this consumer's own pending entries first (those a
//!   previous run of the same consumer name received and never
//!   acknowledged), then new ones (`XREADGROUP ... >`);
//! - with [`claim_idle`](StreamConsumerBuilder::claim_idle) it takes over the
//!   entries that stayed pending longer than that in any consumer of the
//!   group (a consumer that died, or a handler that failed without
//!   acknowledging);
//! - with [`dead_letter`](StreamConsumerBuilder::dead_letter), an entry that
//!   was already delivered `max_deliveries` times is moved to a dead-letter
//!   stream (with where it came from and how often it was delivered) and
//!   acknowledged, instead of being delivered again;
//! - it is a [`Stream`](futures_util::Stream) of [`Delivery`] items (stream,
//!   id, fields, delivery count), acknowledged with
//!   [`StreamConsumer::ack`] / [`ack_many`](StreamConsumer::ack_many), from
//!   another task with a [`StreamAcker`], or automatically
//!   ([`auto_ack`](StreamConsumerBuilder::auto_ack)).
//!
//! Delivery is **at least once**: an entry is delivered again (to this
//! consumer or another) until it is acknowledged. Cancelling a `next()` loses
//! nothing, because the read in flight belongs to the consumer, not to the
//! `next()` future: the next call picks it up. Dropping the consumer (or a
//! lost connection) leaves the entries it had received pending in the group;
//! they come back through the restart (own pending entries first) or through
//! another consumer's claim.
//!
//! ```no_run
//! # futures_lite::future::block_on(async {
//! use std::collections::HashMap;
//! use std::time::Duration;
//! use anyredis::prelude::*;
//! use anyredis::stream_consumer::{GroupStart, StreamConsumer};
//! use futures_util::StreamExt;
//!
//! let client = Client::open("redis://127.0.0.1")?;
//! let mut orders: StreamConsumer<HashMap<String, String>> = client
//!     .stream_consumer("orders", "billing", "worker-1")
//!     .create_group(GroupStart::Beginning)
//!     .claim_idle(Duration::from_secs(60))
//!     .dead_letter("orders:dead", 5)
//!     .start()
//!     .await?;
//! while let Some(delivery) = orders.next().await {
//!     let delivery = delivery?;
//!     println!("order {} ({}th delivery): {:?}", delivery.id, delivery.deliveries, delivery.fields);
//!     orders.ack(&delivery).await?;
//! #   break;
//! }
//! orders.close().await?;
//! # Ok::<(), anyredis::Error>(())
//! # });
//! ```
//!
//! # How it reads
//!
//! New entries are read with a blocking `XREADGROUP ... BLOCK` on a pooled
//! connection that the consumer holds for its lifetime (never the client's
//! shared connection), `COUNT` [`batch_size`](StreamConsumerBuilder::batch_size)
//! per stream. Own pending entries and claims go through one Lua script per
//! stream and batch, run on the shared connection: it lists the candidates
//! with `XPENDING` (with their delivery counts), and for each one either
//! claims it with `XCLAIM` (counting a delivery) or, past `max_deliveries`,
//! copies it to the dead-letter stream with `XADD` and acknowledges it with
//! `XACK`. A script, not `MULTI`/`EXEC`, because the choice depends on the
//! delivery count read in the same step: run atomically, two consumers can
//! never both claim or both dead-letter one entry, and no crash can leave an
//! entry dead-lettered but still pending. Acknowledgements are `XACK`s on the
//! shared connection. The script needs Redis 6.2 or later (`XPENDING IDLE`);
//! in a cluster, give the stream and its dead-letter stream the same hash
//! tag, since both are keys of one script.

use std::time::Duration;

use bytes::Bytes;

use crate::commands::StreamId;
use crate::value::ToArgs;
use crate::Client;

mod claim;
mod consumer;
mod dead_letter;
mod fetch;

pub use consumer::{StreamAcker, StreamConsumer};
pub use dead_letter::DeadLetter;

/// Where a consumer group created by [`StreamConsumerBuilder::create_group`]
/// starts reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GroupStart {
    /// Every entry already in the stream, then new ones (id `0`).
    Beginning,
    /// Only entries added after the group is created (id `$`).
    NewEntries,
    /// The entries after this id.
    After(StreamId),
}

impl GroupStart {
    /// The id `XGROUP CREATE` takes.
    fn id(&self) -> Bytes {
        match self {
            GroupStart::Beginning => Bytes::from_static(b"0"),
            GroupStart::NewEntries => Bytes::from_static(b"$"),
            GroupStart::After(id) => Bytes::from(id.to_string()),
        }
    }
}

/// One entry delivered by a [`StreamConsumer`]: where it comes from, its
/// fields, and how many times it has been delivered.
///
/// `F` is what the fields convert to, as for
/// [`StreamEntry`](crate::commands::StreamEntry): `Vec<(String, String)>`,
/// `HashMap<String, String>`, `Vec<(Bytes, Bytes)>`, ...
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery<F> {
    /// The key of the stream it was read from.
    pub stream: Bytes,
    /// The entry's id.
    pub id: StreamId,
    /// The entry's field/value pairs.
    pub fields: F,
    /// How many times the server has delivered it to the group, this time
    /// included: 1 for a new entry; more for an entry read again after a
    /// restart or claimed from another consumer.
    pub deliveries: u64,
}

impl<F> Delivery<F> {
    /// What acknowledging it takes (stream and id), without the fields.
    pub fn receipt(&self) -> Receipt {
        Receipt {
            stream: self.stream.clone(),
            id: self.id,
        }
    }
}

/// A delivered entry's stream and id: what [`StreamConsumer::ack`] needs.
///
/// Made from a `&`[`Delivery`] (so `consumer.ack(&delivery)` works), by
/// [`Delivery::receipt`], or with [`Receipt::new`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Receipt {
    /// The stream's key.
    pub stream: Bytes,
    /// The entry's id.
    pub id: StreamId,
}

impl Receipt {
    /// The receipt of entry `id` of `stream`.
    pub fn new(stream: impl AsRef<[u8]>, id: StreamId) -> Receipt {
        Receipt {
            stream: Bytes::copy_from_slice(stream.as_ref()),
            id,
        }
    }
}

impl<F> From<&Delivery<F>> for Receipt {
    fn from(delivery: &Delivery<F>) -> Receipt {
        delivery.receipt()
    }
}

/// Default [`StreamConsumerBuilder::batch_size`].
pub const DEFAULT_BATCH_SIZE: u64 = 100;
/// Default [`StreamConsumerBuilder::block`].
pub const DEFAULT_BLOCK: Duration = Duration::from_secs(5);

/// The settings of a consumer, fixed at [`StreamConsumerBuilder::start`].
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) streams: Vec<Bytes>,
    pub(crate) group: Bytes,
    pub(crate) consumer: Bytes,
    pub(crate) create: Option<GroupStart>,
    pub(crate) batch: u64,
    pub(crate) block: Duration,
    pub(crate) claim_idle: Option<Duration>,
    pub(crate) dead_letter: Option<(Bytes, u64)>,
    pub(crate) pending_first: bool,
    pub(crate) auto_ack: bool,
}

/// Configures a [`StreamConsumer`]; made by [`Client::stream_consumer`],
/// started with [`start`](Self::start).
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start().await`"]
pub struct StreamConsumerBuilder {
    client: Client,
    settings: Settings,
}

impl StreamConsumerBuilder {
    /// Creates the group on each stream when it does not exist (`XGROUP
    /// CREATE ... MKSTREAM`, so a missing stream is created empty), starting
    /// at `start`. An existing group is left as it is. Without this, a
    /// missing group makes reads fail with the server's `NOGROUP` error.
    pub fn create_group(mut self, start: GroupStart) -> Self {
        self.settings.create = Some(start);
        self
    }

    /// At most this many entries per stream and read (`COUNT`), and per
    /// batch of pending entries or claims; default
    /// [`DEFAULT_BATCH_SIZE`] (100). 0 counts as 1.
    pub fn batch_size(mut self, count: u64) -> Self {
        self.settings.batch = count.max(1);
        self
    }

    /// How long one read waits for new entries (`BLOCK`); default
    /// [`DEFAULT_BLOCK`] (5 s). The consumer simply reads again after a read
    /// that found nothing; a shorter wait is used when a claim is due
    /// sooner. `Duration::ZERO` counts as the shortest wait (10 ms), not as
    /// "forever".
    pub fn block(mut self, wait: Duration) -> Self {
        self.settings.block = wait;
        self
    }

    /// Claims (`XCLAIM`) entries of the group pending longer than `idle` in
    /// any consumer, this one included: the entries of a consumer that died,
    /// and entries delivered and never acknowledged (a handler that failed).
    /// The pending list is scanned about every `idle / 2` (at least every
    /// 10 ms), a batch at a time. Choose `idle` longer than handling a whole
    /// batch takes, or entries still being handled are delivered again.
    /// Off by default.
    pub fn claim_idle(mut self, idle: Duration) -> Self {
        self.settings.claim_idle = Some(idle);
        self
    }

    /// Moves an entry that was already delivered `max_deliveries` times to
    /// the stream `key` (`XADD`, then `XACK` in the group), instead of
    /// delivering it again; see [`DeadLetter`] for what the copy holds. The
    /// check runs when an entry would be delivered again: on a claim, or
    /// when own pending entries are read after a restart. 0 counts as 1.
    /// Off by default (an entry is delivered again however often it failed).
    pub fn dead_letter(mut self, key: impl AsRef<[u8]>, max_deliveries: u64) -> Self {
        self.settings.dead_letter = Some((Bytes::copy_from_slice(key.as_ref()), max_deliveries.max(1)));
        self
    }

    /// Whether to deliver this consumer's own pending entries (received by
    /// an earlier run under the same consumer name and never acknowledged)
    /// before new ones. Default `true`. With `false` they wait for a claim.
    pub fn pending_first(mut self, yes: bool) -> Self {
        self.settings.pending_first = yes;
        self
    }

    /// Acknowledges each delivered entry once it is handled, that is, when
    /// the consumer is asked for the next one (or closed): the handled
    /// entries are sent in one `XACK` per stream before the next read. For
    /// an entry whose handling failed, call
    /// [`StreamConsumer::keep_pending`] before asking for the next one: it
    /// stays pending (delivered again by a claim or a restart). If that `XACK` fails, its error is the next
    /// item and those entries stay pending (delivered again after a restart
    /// or through a claim). Off by default: [`StreamConsumer::ack`].
    pub fn auto_ack(mut self) -> Self {
        self.settings.auto_ack = true;
        self
    }

    /// Creates the groups (when asked), takes a dedicated connection from
    /// the client's pool for the blocking reads (held while the consumer
    /// lives, so it counts against the pool's `max_connections`), and
    /// returns the consumer. Nothing is read until it is polled.
    pub async fn start<F>(self) -> crate::Result<StreamConsumer<F>> {
        StreamConsumer::start(self.client, self.settings).await
    }
}

impl Client {
    /// A consumer-group worker reading `streams` (one key, or several: an
    /// array, a `Vec`, ...) as `consumer` of `group`: see
    /// [`crate::stream_consumer`]. Configure it on the builder, then
    /// [`start`](StreamConsumerBuilder::start) it.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// use std::time::Duration;
    /// use anyredis::prelude::*;
    /// use anyredis::stream_consumer::{GroupStart, StreamConsumer};
    /// use futures_util::StreamExt;
    ///
    /// let client = Client::open("redis://127.0.0.1")?;
    /// let mut events: StreamConsumer<Vec<(String, String)>> = client
    ///     .stream_consumer(["clicks", "views"], "analytics", "worker-7")
    ///     .create_group(GroupStart::NewEntries)
    ///     .batch_size(500)
    ///     .block(Duration::from_secs(1))
    ///     .auto_ack()
    ///     .start()
    ///     .await?;
    /// if let Some(event) = events.next().await {
    ///     let event = event?;
    ///     assert!(event.stream == "clicks" || event.stream == "views");
    /// } // acknowledged when the next one is asked for, or at close
    /// events.close().await?;
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn stream_consumer(
        &self,
        streams: impl ToArgs,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
    ) -> StreamConsumerBuilder {
        let mut keys = crate::value::Args::new();
        streams.write_args(&mut keys);
        StreamConsumerBuilder {
            client: self.clone(),
            settings: Settings {
                streams: keys.iter().map(Bytes::copy_from_slice).collect(),
                group: Bytes::copy_from_slice(group.as_ref()),
                consumer: Bytes::copy_from_slice(consumer.as_ref()),
                create: None,
                batch: DEFAULT_BATCH_SIZE,
                block: DEFAULT_BLOCK,
                claim_idle: None,
                dead_letter: None,
                pending_first: true,
                auto_ack: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> StreamConsumerBuilder {
        let client = Client::builder().runtime(crate::rt::test_runtime()).build().unwrap();
        client.stream_consumer(["a", "b"], "g", "c")
    }

    #[test]
    fn builder_keeps_every_stream_and_clamps_zero() {
        let settings = builder().batch_size(0).dead_letter("dead", 0).settings;
        assert_eq!(settings.streams, [Bytes::from("a"), Bytes::from("b")]);
        assert_eq!(
            (settings.group.as_ref(), settings.consumer.as_ref()),
            (&b"g"[..], &b"c"[..])
        );
        assert_eq!(settings.batch, 1);
        assert_eq!(settings.dead_letter, Some((Bytes::from("dead"), 1)));
        assert!(settings.pending_first && !settings.auto_ack && settings.claim_idle.is_none());
        let single = builder().client.stream_consumer("only", "g", "c").settings;
        assert_eq!(single.streams, [Bytes::from("only")]);
    }

    #[test]
    fn consumer_is_send_and_acks_are_static() {
        fn send<T: Send>() {}
        fn send_sync<T: Send + Sync + 'static>() {}
        send::<StreamConsumer<Vec<(String, String)>>>();
        send_sync::<StreamAcker>();
        send_sync::<StreamConsumerBuilder>();
        // Compiles only if the acknowledgement futures borrow nothing.
        fn _acks(c: &StreamConsumer<()>) -> impl std::future::Future<Output = crate::Result<u64>> + Send + 'static {
            let one = c.ack(Receipt::new("s", StreamId::MIN));
            let many = c.ack_many([Receipt::new("s", StreamId::MIN)]);
            async move { Ok(u64::from(one.await?).saturating_add(many.await?)) }
        }
    }

    #[test]
    fn group_start_ids_and_receipts() {
        assert_eq!(GroupStart::Beginning.id(), "0");
        assert_eq!(GroupStart::NewEntries.id(), "$");
        assert_eq!(GroupStart::After(StreamId::new(5, 1)).id(), "5-1");
        let delivery = Delivery {
            stream: Bytes::from("s"),
            id: StreamId::new(1, 2),
            fields: (),
            deliveries: 1,
        };
        assert_eq!(Receipt::from(&delivery), Receipt::new("s", StreamId::new(1, 2)));
    }
}
