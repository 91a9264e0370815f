//! [`PubSubBuilder`]: a pub/sub handle's settings.

use std::sync::Arc;
use std::time::Duration;

use super::queue::{Bounds, Queue};
use super::session::{MessageParser, Session};
use super::{DeliveryPolicy, PubSub};
use crate::config::Config;
use crate::rt::Runtime;
use crate::{ClientBuilder, Result};

/// Settings for a [`PubSub`] handle, from [`crate::Client::pubsub_builder`]
/// or [`ClientBuilder::build_pubsub`].
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use std::time::Duration;
/// use anyredis::pubsub::DeliveryPolicy;
/// # let client = anyredis::Client::open("redis://127.0.0.1")?;
/// let pubsub = client
///     .pubsub_builder()
///     .buffer(10_000, 16 << 20)                 // messages, bytes
///     .policy(DeliveryPolicy::DropOldest)       // a slow reader loses the oldest, counted
///     .ignore_subscribe_messages(true)
///     .health_check_interval(Some(Duration::from_secs(10)))
///     .build();
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct PubSubBuilder {
    config: Config,
    runtime: Runtime,
    bounds: Bounds,
    policy: DeliveryPolicy,
    ignore_subscribe_messages: bool,
    health_check: Option<Duration>,
}

/// Default buffer bound, in messages.
pub const DEFAULT_BUFFER_MESSAGES: usize = 8192;
/// Default buffer bound, in bytes (channel names and payloads, roughly).
pub const DEFAULT_BUFFER_BYTES: usize = 64 << 20;
/// Default interval between health-check `PING`s.
pub const DEFAULT_HEALTH_CHECK_INTERVAL: Duration = Duration::from_secs(30);

impl PubSubBuilder {
    pub(crate) fn new(config: Config, runtime: Runtime) -> PubSubBuilder {
        PubSubBuilder {
            config,
            runtime,
            bounds: Bounds {
                messages: DEFAULT_BUFFER_MESSAGES,
                bytes: DEFAULT_BUFFER_BYTES,
            },
            policy: DeliveryPolicy::default(),
            ignore_subscribe_messages: false,
            health_check: Some(DEFAULT_HEALTH_CHECK_INTERVAL),
        }
    }

    /// The buffer between the connection and the readers holds at most this
    /// many messages and bytes (default [`DEFAULT_BUFFER_MESSAGES`],
    /// [`DEFAULT_BUFFER_BYTES`]); 0 counts as 1. What happens when it is
    /// full is the [`DeliveryPolicy`]. Memory stays within the bound plus one
    /// message, whatever the publish rate.
    pub fn buffer(mut self, messages: usize, bytes: usize) -> PubSubBuilder {
        self.bounds = Bounds {
            messages: messages.max(1),
            bytes: bytes.max(1),
        };
        self
    }

    /// What to do when the buffer is full (default
    /// [`DeliveryPolicy::Backpressure`]: nothing is dropped in the client).
    pub fn policy(mut self, policy: DeliveryPolicy) -> PubSubBuilder {
        self.policy = policy;
        self
    }

    /// Hide subscribe/unsubscribe confirmations from readers (they are still
    /// awaited by the calls that caused them). Default: shown.
    pub fn ignore_subscribe_messages(mut self, ignore: bool) -> PubSubBuilder {
        self.ignore_subscribe_messages = ignore;
        self
    }

    /// How often an idle connection is checked with `PING`
    /// ([`DEFAULT_HEALTH_CHECK_INTERVAL`]); one that does not answer within
    /// the interval (or the response timeout, if shorter) is replaced. A
    /// subscriber otherwise cannot tell a silent channel from a dead
    /// connection. `None` turns the checks off.
    pub fn health_check_interval(mut self, interval: Option<Duration>) -> PubSubBuilder {
        self.health_check = interval.filter(|i| !i.is_zero());
        self
    }

    /// The handle (no I/O yet: it connects when first used).
    pub fn build(self) -> PubSub {
        let parser = MessageParser {
            ignore_subscribe_messages: self.ignore_subscribe_messages,
        };
        let queue = Arc::new(Queue::new(self.bounds, self.policy, parser));
        PubSub::from_session(Arc::new(Session::new(
            self.config,
            self.runtime,
            queue,
            self.health_check,
        )))
    }
}

impl ClientBuilder {
    /// Builds a pub/sub handle with this configuration and default pub/sub
    /// settings, without a [`crate::Client`] for other commands.
    ///
    /// ```no_run
    /// let pubsub = anyredis::ClientBuilder::from_url("redis://127.0.0.1")?.build_pubsub()?;
    /// # Ok::<(), anyredis::Error>(())
    /// ```
    pub fn build_pubsub(self) -> Result<PubSub> {
        Ok(self.build()?.pubsub())
    }
}
