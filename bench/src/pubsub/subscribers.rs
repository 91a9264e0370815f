//! One subscriber per library, each subscribed to a channel of its own and
//! read the way the library's documentation shows:
//!
//! - anyredis: `client.pubsub_builder().ignore_subscribe_messages(true).build()`,
//!   `subscribe`, then the `messages()` stream (default buffer and
//!   `DeliveryPolicy::Backpressure`: nothing is dropped in the client);
//! - redis-rs: `Client::get_async_pubsub()` (`aio::PubSub`), `subscribe`,
//!   `on_message()` (an unbounded channel behind it);
//! - fred: a `Client` of its own, `message_rx()` (a tokio broadcast channel,
//!   sized with `broadcast_channel_capacity` so it cannot lag), `subscribe`;
//! - rustis: a `Client` of its own, `client.subscribe(channel)` (its
//!   `PubSubStream`), with a 64 MiB `max_pubsub_bytes` budget.
//!
//! A message lost by any of them fails the run: the scenarios check every
//! payload's sequence number, and fred's lag and rustis' drop counter are
//! errors too.

use std::future::Future;

use smol::stream::StreamExt;

use crate::clients::Error;

/// The fred broadcast channel's capacity: more than the publisher ever lets
/// the subscriber fall behind ([`super::WINDOW`]).
const FRED_CAPACITY: usize = 2 * super::WINDOW;
/// rustis' per-stream budget of undelivered messages (its default is 8 MiB).
const RUSTIS_BUDGET: usize = 64 << 20;

pub trait Subscriber: Send + 'static {
    /// Reads the next `n` messages published on its channel, handing each
    /// payload to `on`; stops at the first error.
    fn receive<F>(&mut self, n: usize, on: F) -> impl Future<Output = Result<(), Error>> + Send
    where
        F: FnMut(&[u8]) -> Result<(), Error> + Send;
}

pub struct AnyredisSub {
    pubsub: anyredis::pubsub::PubSub,
    _client: anyredis::Client,
}

impl AnyredisSub {
    pub async fn connect(url: &str, runtime: anyredis::Runtime, channel: &str) -> Result<AnyredisSub, Error> {
        let client = anyredis::ClientBuilder::from_url(url)?.runtime(runtime).build()?;
        let pubsub = client.pubsub_builder().ignore_subscribe_messages(true).build();
        pubsub.subscribe(channel).await?;
        Ok(AnyredisSub {
            pubsub,
            _client: client,
        })
    }
}

impl Subscriber for AnyredisSub {
    async fn receive<F>(&mut self, n: usize, mut on: F) -> Result<(), Error>
    where
        F: FnMut(&[u8]) -> Result<(), Error> + Send,
    {
        use anyredis::pubsub::Message;
        let mut messages = self.pubsub.messages();
        for _ in 0..n {
            match messages.next().await {
                Some(Message::Published(p)) => on(p.payload_bytes())?,
                Some(other) => return Err(format!("unexpected {other:?}").into()),
                None => return Err("the message stream ended".into()),
            }
        }
        if self.pubsub.dropped() != 0 {
            return Err(format!("anyredis dropped {} messages", self.pubsub.dropped()).into());
        }
        Ok(())
    }
}

pub struct RedisRsSub(redis::aio::PubSub);

impl RedisRsSub {
    pub async fn connect(url: &str, channel: &str) -> Result<RedisRsSub, Error> {
        let client = redis::Client::open(url)?;
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(channel).await?;
        Ok(RedisRsSub(pubsub))
    }
}

impl Subscriber for RedisRsSub {
    async fn receive<F>(&mut self, n: usize, mut on: F) -> Result<(), Error>
    where
        F: FnMut(&[u8]) -> Result<(), Error> + Send,
    {
        let mut messages = self.0.on_message();
        for _ in 0..n {
            match messages.next().await {
                Some(msg) => on(msg.get_payload_bytes())?,
                None => return Err("on_message ended".into()),
            }
        }
        Ok(())
    }
}

pub struct FredSub {
    rx: tokio::sync::broadcast::Receiver<fred::types::Message>,
    _client: fred::clients::Client,
}

impl FredSub {
    pub async fn connect(url: &str, channel: &str) -> Result<FredSub, Error> {
        use fred::prelude::*;
        let config = Config::from_url(url)?;
        let client = Builder::from_config(config)
            .with_performance_config(|perf| perf.broadcast_channel_capacity = FRED_CAPACITY)
            .build()?;
        client.init().await?;
        let rx = client.message_rx();
        client.subscribe(channel).await?;
        Ok(FredSub { rx, _client: client })
    }
}

impl Subscriber for FredSub {
    async fn receive<F>(&mut self, n: usize, mut on: F) -> Result<(), Error>
    where
        F: FnMut(&[u8]) -> Result<(), Error> + Send,
    {
        use tokio::sync::broadcast::error::RecvError;
        for _ in 0..n {
            match self.rx.recv().await {
                Ok(msg) => on(msg
                    .value
                    .as_bytes()
                    .ok_or_else(|| format!("payload {:?} is not bytes", msg.value))?)?,
                Err(RecvError::Lagged(k)) => {
                    return Err(format!("fred's broadcast channel lagged: {k} messages lost").into())
                }
                Err(RecvError::Closed) => return Err("fred's message channel closed".into()),
            }
        }
        Ok(())
    }
}

/// The stream is boxed: it is ten times the size of the other subscribers.
pub struct RustisSub(Box<rustis::client::PubSubStream>);

impl RustisSub {
    pub async fn connect(url: &str, channel: &str) -> Result<RustisSub, Error> {
        use rustis::client::{Client, IntoConfig};
        use rustis::commands::PubSubCommands;
        let mut config = url.into_config()?;
        config.backpressure.max_pubsub_bytes = RUSTIS_BUDGET;
        let client = Client::connect(config).await?;
        Ok(RustisSub(Box::new(client.subscribe(channel.to_string()).await?)))
    }
}

impl Subscriber for RustisSub {
    async fn receive<F>(&mut self, n: usize, mut on: F) -> Result<(), Error>
    where
        F: FnMut(&[u8]) -> Result<(), Error> + Send,
    {
        for _ in 0..n {
            match self.0.next().await {
                Some(Ok(msg)) => on(msg.payload())?,
                Some(Err(e)) => return Err(e.into()),
                None => return Err("the PubSubStream ended".into()),
            }
        }
        if self.0.dropped_messages() != 0 {
            return Err(format!("rustis dropped {} messages", self.0.dropped_messages()).into());
        }
        Ok(())
    }
}
