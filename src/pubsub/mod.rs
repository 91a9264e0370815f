//! Pub/Sub: [`PubSub`], a handle with its own connection for channel,
//! pattern and shard-channel subscriptions, read in three ways (one message
//! at a time with a timeout, as a `Stream`, or by handlers run on a worker),
//! on RESP2 and RESP3 alike, restored after every reconnect.
//!
//! ```no_run
//! # futures_lite::future::block_on(async {
//! use std::time::Duration;
//! use anyredis::prelude::*;
//!
//! let client = Client::open("redis://127.0.0.1:6379")?;
//! let pubsub = client.pubsub();
//! pubsub.subscribe(["news", "sport"]).await?;
//! pubsub.psubscribe("n*").await?;
//! client.publish("news", "hello").await?;
//! while let Some(message) = pubsub.get_message(Duration::from_millis(100)).await? {
//!     println!("{message:?}"); // confirmations, then the message, then the pmessage
//! }
//! # Ok::<(), anyredis::Error>(())
//! # });
//! ```
//!
//! Layers: the handle ([`PubSub`]) keeps the subscription set and its
//! handlers; a session (`session.rs`) owns the connection, reconnects and
//! restores; the connection's driver hands every message to a bounded buffer
//! (`queue.rs`) with a [`DeliveryPolicy`], which readers drain.

mod builder;
mod client_pushes;
mod handler;
mod keyspace;
mod message;
pub(crate) mod queue;
mod reader;
mod session;
mod stream;
mod subscriptions;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

pub use builder::{PubSubBuilder, DEFAULT_BUFFER_BYTES, DEFAULT_BUFFER_MESSAGES, DEFAULT_HEALTH_CHECK_INTERVAL};
pub(crate) use client_pushes::{inbox, PushInbox};
pub use client_pushes::{PushMessages, PUSH_BUFFER};
pub use handler::Handler;
pub use keyspace::KeyspaceEvent;
pub use message::{Message, Publication, SubscriptionChange, SubscriptionKind};
pub use queue::DeliveryPolicy;
pub use stream::{MessageStream, Messages};
pub use worker::HandlerWorker;

use reader::{Reader, Step};
use session::Session;

use crate::rt::with_timeout;
use crate::value::{Args, ToArgs};
use crate::{Client, Error, Result};

/// A pub/sub handle: subscriptions on a connection of its own (never the
/// client's shared one), made by [`Client::pubsub`] or
/// [`Client::pubsub_builder`].
///
/// - Connects on the first subscribe (or `ping`), with the client's
///   configuration (address, TLS, auth, protocol, timeouts).
/// - Subscribe and unsubscribe calls wait for the server's confirmations;
///   the confirmations are also delivered as [`Message::Subscription`]
///   (unless [`PubSubBuilder::ignore_subscribe_messages`]).
/// - Read with [`PubSub::get_message`], a stream ([`PubSub::messages`],
///   [`PubSub::into_stream`]), or handlers ([`PubSub::subscribe_with`] and
///   [`PubSub::run_handlers`]). All readers share one buffer: each message
///   goes to one of them.
/// - When the connection breaks, it reconnects with the client's backoff
///   and restores exactly the current subscriptions, delivering
///   [`Message::Disconnected`] and [`Message::Reconnected`]: what was
///   published in between is lost (Redis keeps nothing for absent
///   subscribers; use streams when every message counts).
/// - Dropping the handle closes its connection; [`PubSub::close`] also
///   waits until it is closed.
pub struct PubSub {
    session: Arc<Session>,
}

impl Client {
    /// A pub/sub handle with default settings (see [`PubSubBuilder`]); it
    /// connects when first used.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// # let client = anyredis::Client::open("redis://127.0.0.1")?;
    /// let pubsub = client.pubsub();
    /// pubsub.subscribe("news").await?;
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub fn pubsub(&self) -> PubSub {
        self.pubsub_builder().build()
    }

    /// A builder for a pub/sub handle: buffer size, [`DeliveryPolicy`],
    /// hidden confirmations, health checks.
    pub fn pubsub_builder(&self) -> PubSubBuilder {
        PubSubBuilder::new(self.config().clone(), self.runtime().clone())
    }
}

/// Collects names given as anything [`ToArgs`] (`"a"`, `["a", "b"]`, a `Vec`, ...).
fn names(names: impl ToArgs) -> Vec<Bytes> {
    let mut args = Args::new();
    names.write_args(&mut args);
    args.iter().map(Bytes::copy_from_slice).collect()
}

impl PubSub {
    fn from_session(session: Arc<Session>) -> PubSub {
        PubSub { session }
    }

    /// Subscribes to one or more channels (`"a"`, `["a", "b"]`, a `Vec`, ...)
    /// and waits for the server's confirmations.
    pub async fn subscribe(&self, channels: impl ToArgs) -> Result<()> {
        self.session
            .subscribe(SubscriptionKind::Channel, names(channels), None)
            .await
    }

    /// Subscribes to one or more glob-style patterns (`news.*`).
    pub async fn psubscribe(&self, patterns: impl ToArgs) -> Result<()> {
        self.session
            .subscribe(SubscriptionKind::Pattern, names(patterns), None)
            .await
    }

    /// Subscribes to one or more shard channels (Redis 7.0+; on a server
    /// without them, a server error and nothing changes).
    pub async fn ssubscribe(&self, channels: impl ToArgs) -> Result<()> {
        self.session
            .subscribe(SubscriptionKind::Shard, names(channels), None)
            .await
    }

    /// Subscribes to channels whose messages go to `handler` instead of
    /// the readers.
    ///
    /// ```no_run
    /// # futures_lite::future::block_on(async {
    /// # let client = anyredis::Client::open("redis://127.0.0.1")?;
    /// use anyredis::pubsub::Handler;
    /// let pubsub = client.pubsub();
    /// pubsub.subscribe_with("orders", Handler::new(|m| println!("{:?}", m.payload::<String>()))).await?;
    /// let worker = pubsub.run_handlers()?; // calls the handlers in the background
    /// // ...
    /// worker.stop().await;
    /// # Ok::<(), anyredis::Error>(())
    /// # });
    /// ```
    pub async fn subscribe_with(&self, channels: impl ToArgs, handler: Handler) -> Result<()> {
        self.session
            .subscribe(SubscriptionKind::Channel, names(channels), Some(handler))
            .await
    }

    /// Subscribes to patterns whose messages go to `handler`.
    pub async fn psubscribe_with(&self, patterns: impl ToArgs, handler: Handler) -> Result<()> {
        self.session
            .subscribe(SubscriptionKind::Pattern, names(patterns), Some(handler))
            .await
    }

    /// Subscribes to shard channels whose messages go to `handler`.
    pub async fn ssubscribe_with(&self, channels: impl ToArgs, handler: Handler) -> Result<()> {
        self.session
            .subscribe(SubscriptionKind::Shard, names(channels), Some(handler))
            .await
    }

    /// Unsubscribes from these channels and waits for the confirmations.
    /// An unsubscribe always takes effect: if the connection breaks
    /// meanwhile, the next one does not restore these channels.
    pub async fn unsubscribe(&self, channels: impl ToArgs) -> Result<()> {
        let names = names(channels);
        if names.is_empty() {
            return Err(Error::usage(
                "unsubscribe needs at least one name (see unsubscribe_all)",
            ));
        }
        self.session.unsubscribe(SubscriptionKind::Channel, names).await
    }

    /// Unsubscribes from these patterns.
    pub async fn punsubscribe(&self, patterns: impl ToArgs) -> Result<()> {
        let names = names(patterns);
        if names.is_empty() {
            return Err(Error::usage(
                "punsubscribe needs at least one name (see punsubscribe_all)",
            ));
        }
        self.session.unsubscribe(SubscriptionKind::Pattern, names).await
    }

    /// Unsubscribes from these shard channels.
    pub async fn sunsubscribe(&self, channels: impl ToArgs) -> Result<()> {
        let names = names(channels);
        if names.is_empty() {
            return Err(Error::usage(
                "sunsubscribe needs at least one name (see sunsubscribe_all)",
            ));
        }
        self.session.unsubscribe(SubscriptionKind::Shard, names).await
    }

    /// Unsubscribes from every channel (`UNSUBSCRIBE` with no names).
    pub async fn unsubscribe_all(&self) -> Result<()> {
        self.session.unsubscribe(SubscriptionKind::Channel, Vec::new()).await
    }

    /// Unsubscribes from every pattern.
    pub async fn punsubscribe_all(&self) -> Result<()> {
        self.session.unsubscribe(SubscriptionKind::Pattern, Vec::new()).await
    }

    /// Unsubscribes from every shard channel.
    pub async fn sunsubscribe_all(&self) -> Result<()> {
        self.session.unsubscribe(SubscriptionKind::Shard, Vec::new()).await
    }

    /// `PING` on the handle's connection (connecting if needed), answered
    /// in subscribed mode too: `PONG`.
    pub async fn ping(&self) -> Result<Bytes> {
        self.session.ping(None).await
    }

    /// `PING message`: the message echoed back.
    pub async fn ping_with(&self, message: impl AsRef<[u8]>) -> Result<Bytes> {
        self.session.ping(Some(Bytes::copy_from_slice(message.as_ref()))).await
    }

    /// The next message, waiting at most `timeout`: `None` when the time
    /// passed, or when a handler took the message. Cancel-safe: dropping the
    /// future loses no message. After [`PubSub::close`]: a
    /// [`crate::ErrorKind::Closed`] error.
    pub async fn get_message(&self, timeout: Duration) -> Result<Option<Message>> {
        let mut reader = Reader::default();
        let step = std::future::poll_fn(|cx| reader.poll_step(&self.session, cx));
        match with_timeout(self.session.runtime(), Some(timeout), step).await {
            Err(()) | Ok(Step::Taken) => Ok(None),
            Ok(Step::Message(message)) => Ok(Some(message)),
            Ok(Step::Closed) => Err(Error::closed()),
        }
    }

    /// The messages as a `Stream`, borrowing the handle; it ends when the
    /// handle is closed. Messages taken by handlers are not yielded.
    pub fn messages(&self) -> Messages<'_> {
        Messages::new(&self.session)
    }

    /// The messages as a `Stream` that owns the handle (`'static`, `Send`).
    pub fn into_stream(self) -> MessageStream {
        MessageStream::new(self)
    }

    /// Starts a worker on the client's runtime that reads the messages and
    /// runs their handlers. Refused (a [`crate::ErrorKind::Usage`] error)
    /// while some subscription has no handler: its messages would pile up
    /// unread. Stop it with [`HandlerWorker::stop`], which also closes the
    /// handle's connection.
    pub fn run_handlers(&self) -> Result<HandlerWorker> {
        if let Some((kind, name)) = self.session.subscriptions().without_handler() {
            return Err(Error::usage(format!(
                "the {kind:?} subscription {:?} has no handler: subscribe it with a handler \
                 (subscribe_with and the like) or unsubscribe it before run_handlers",
                String::from_utf8_lossy(&name)
            )));
        }
        HandlerWorker::start(self.session.clone())
    }

    /// The channels subscribed to now (the set restored after a reconnect).
    pub fn channels(&self) -> Vec<Bytes> {
        self.session.subscriptions().names(SubscriptionKind::Channel)
    }

    /// The patterns subscribed to now.
    pub fn patterns(&self) -> Vec<Bytes> {
        self.session.subscriptions().names(SubscriptionKind::Pattern)
    }

    /// The shard channels subscribed to now.
    pub fn shard_channels(&self) -> Vec<Bytes> {
        self.session.subscriptions().names(SubscriptionKind::Shard)
    }

    /// Whether the handle has any subscription.
    pub fn is_subscribed(&self) -> bool {
        !self.session.subscriptions().is_empty()
    }

    /// Whether the handle's connection is up now (it is not before the
    /// first use, nor while reconnecting).
    pub fn is_connected(&self) -> bool {
        self.session.is_connected()
    }

    /// Messages dropped by the [`DeliveryPolicy`] so far (0 with
    /// [`DeliveryPolicy::Backpressure`]).
    pub fn dropped(&self) -> u64 {
        self.session.queue.dropped()
    }

    /// Messages waiting in the buffer now.
    pub fn buffered(&self) -> usize {
        self.session.queue.len()
    }

    /// Closes the connection and waits until it is closed; readers get
    /// nothing more (buffered messages are discarded).
    pub async fn close(self) {
        if let Some(mux) = self.session.close() {
            mux.finished().await;
        }
    }
}

impl Drop for PubSub {
    fn drop(&mut self) {
        self.session.close();
    }
}

impl std::fmt::Debug for PubSub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let subs = self.session.subscriptions();
        f.debug_struct("PubSub")
            .field("channels", &subs.count(SubscriptionKind::Channel))
            .field("patterns", &subs.count(SubscriptionKind::Pattern))
            .field("shard_channels", &subs.count(SubscriptionKind::Shard))
            .field("connected", &self.session.is_connected())
            .field("buffered", &self.session.queue.len())
            .finish()
    }
}
