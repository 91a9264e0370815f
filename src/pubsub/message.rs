//! What a [`super::PubSub`] hands its reader: published messages,
//! subscription changes and connection events, parsed from the server's
//! frames (RESP2 arrays or RESP3 pushes alike).

use std::time::Duration;

use bytes::Bytes;

use crate::resp::Value;
use crate::value::FromValue;
use crate::{Error, Result};

/// The three kinds of subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubscriptionKind {
    /// A channel (`SUBSCRIBE`); its messages are `message`.
    Channel,
    /// A glob-style pattern (`PSUBSCRIBE`); its messages are `pmessage`.
    Pattern,
    /// A shard channel (`SSUBSCRIBE`, Redis 7.0+); its messages are `smessage`.
    Shard,
}

impl SubscriptionKind {
    /// The command that subscribes to this kind.
    pub(crate) fn subscribe_command(self) -> &'static str {
        match self {
            SubscriptionKind::Channel => "SUBSCRIBE",
            SubscriptionKind::Pattern => "PSUBSCRIBE",
            SubscriptionKind::Shard => "SSUBSCRIBE",
        }
    }

    /// The command that unsubscribes from this kind.
    pub(crate) fn unsubscribe_command(self) -> &'static str {
        match self {
            SubscriptionKind::Channel => "UNSUBSCRIBE",
            SubscriptionKind::Pattern => "PUNSUBSCRIBE",
            SubscriptionKind::Shard => "SUNSUBSCRIBE",
        }
    }
}

/// A message published to a channel, pattern or shard channel you subscribed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publication {
    kind: SubscriptionKind,
    channel: Bytes,
    pattern: Option<Bytes>,
    payload: Bytes,
}

impl Publication {
    /// Which subscription delivered it: [`SubscriptionKind::Pattern`] for a
    /// `pmessage` (see [`Publication::pattern`]).
    pub fn kind(&self) -> SubscriptionKind {
        self.kind
    }

    /// The channel it was published to.
    pub fn channel(&self) -> &[u8] {
        &self.channel
    }

    /// The channel as text, when it is UTF-8.
    pub fn channel_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.channel).ok()
    }

    /// The pattern that matched, for a `pmessage`.
    pub fn pattern(&self) -> Option<&[u8]> {
        self.pattern.as_deref()
    }

    /// The payload, exactly as published (binary-safe).
    pub fn payload_bytes(&self) -> &Bytes {
        &self.payload
    }

    /// The payload converted like a bulk-string reply: `String`, `Vec<u8>`,
    /// numbers, or your own [`FromValue`] type.
    ///
    /// ```
    /// # fn show(message: &anyredis::pubsub::Publication) -> anyredis::Result<()> {
    /// let text: String = message.payload()?;
    /// let number: i64 = message.payload()?; // fails with ErrorKind::Conversion unless numeric
    /// # Ok(()) }
    /// ```
    pub fn payload<T: FromValue>(&self) -> Result<T> {
        T::from_value(Value::BulkString(self.payload.clone())).map_err(Error::from)
    }

    /// Size in memory, roughly, for the buffer's byte bound.
    pub(crate) fn size(&self) -> usize {
        let pattern = self.pattern.as_ref().map_or(0, Bytes::len);
        self.channel
            .len()
            .saturating_add(self.payload.len())
            .saturating_add(pattern)
    }
}

/// The server's confirmation of a subscribe or unsubscribe, one per name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionChange {
    kind: SubscriptionKind,
    subscribed: bool,
    channel: Option<Bytes>,
    remaining: i64,
}

impl SubscriptionChange {
    /// The kind of subscription that changed.
    pub fn kind(&self) -> SubscriptionKind {
        self.kind
    }

    /// `true` for a subscribe confirmation, `false` for an unsubscribe.
    pub fn is_subscribe(&self) -> bool {
        self.subscribed
    }

    /// The channel, pattern or shard channel (none when an unsubscribe-all
    /// found nothing to remove).
    pub fn channel(&self) -> Option<&[u8]> {
        self.channel.as_deref()
    }

    /// How many subscriptions the connection has after this change (shard
    /// channels are counted apart from channels and patterns, as the server does).
    pub fn remaining(&self) -> i64 {
        self.remaining
    }
}

/// One thing a [`super::PubSub`] delivers.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Message {
    /// A published message (`message`, `pmessage`, `smessage`).
    Published(Publication),
    /// A subscribe or unsubscribe confirmation (hidden with
    /// [`super::PubSubBuilder::ignore_subscribe_messages`]).
    Subscription(SubscriptionChange),
    /// The connection broke; the handle is reconnecting with the client's
    /// backoff. Messages published from now until [`Message::Reconnected`]
    /// are lost: Redis pub/sub keeps nothing for absent subscribers.
    Disconnected {
        /// Why the connection ended.
        reason: Error,
    },
    /// A new connection is up and every current subscription is being
    /// restored on it (their confirmations follow, unless ignored).
    Reconnected {
        /// Time since the old connection ended.
        outage: Duration,
        /// Connection attempts it took.
        attempts: u32,
    },
    /// The buffer's [`super::DeliveryPolicy`] dropped this many messages
    /// here, because the reader fell behind.
    Dropped {
        /// Messages dropped at this point of the stream.
        count: u64,
    },
}

impl Message {
    /// The published message, if this is one.
    pub fn as_publication(&self) -> Option<&Publication> {
        match self {
            Message::Published(p) => Some(p),
            _ => None,
        }
    }

    /// The channel of a published message or a subscription change.
    pub fn channel(&self) -> Option<&[u8]> {
        match self {
            Message::Published(p) => Some(p.channel()),
            Message::Subscription(s) => s.channel(),
            _ => None,
        }
    }

    /// A published message's payload, converted ([`Publication::payload`]);
    /// a [`crate::ErrorKind::Conversion`] error for anything else.
    pub fn payload<T: FromValue>(&self) -> Result<T> {
        match self {
            Message::Published(p) => p.payload(),
            other => Err(crate::value::ConversionError::invalid_value(
                "a published message",
                &Value::Nil,
                "only published messages have a payload",
            )
            .with_context(other.describe())
            .into()),
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Message::Published(_) => "a published message",
            Message::Subscription(_) => "a subscription change",
            Message::Disconnected { .. } => "a disconnection event",
            Message::Reconnected { .. } => "a reconnection event",
            Message::Dropped { .. } => "a dropped-messages event",
        }
    }

    /// Size in memory, roughly, for the buffer's byte bound.
    pub(crate) fn size(&self) -> usize {
        const OVERHEAD: usize = 64;
        match self {
            Message::Published(p) => p.size().saturating_add(OVERHEAD),
            Message::Subscription(s) => s.channel.as_ref().map_or(0, Bytes::len).saturating_add(OVERHEAD),
            _ => OVERHEAD,
        }
    }

    /// Parses a frame of a pub/sub connection (a RESP2 array or a RESP3
    /// push); `None` for anything that is neither a message nor a confirmation.
    pub(crate) fn parse(frame: Value) -> Option<Message> {
        let (Value::Array(items) | Value::Push(items)) = frame else {
            return None;
        };
        let mut items = items.into_iter();
        let kind = bytes(items.next()?)?;
        let is = |name: &[u8]| kind.eq_ignore_ascii_case(name);
        let publication = |kind, channel, pattern, payload| {
            Some(Message::Published(Publication {
                kind,
                channel,
                pattern,
                payload,
            }))
        };
        if is(b"message") {
            return publication(
                SubscriptionKind::Channel,
                bytes(items.next()?)?,
                None,
                bytes(items.next()?)?,
            );
        }
        if is(b"smessage") {
            return publication(
                SubscriptionKind::Shard,
                bytes(items.next()?)?,
                None,
                bytes(items.next()?)?,
            );
        }
        if is(b"pmessage") {
            let pattern = bytes(items.next()?)?;
            let channel = bytes(items.next()?)?;
            return publication(SubscriptionKind::Pattern, channel, Some(pattern), bytes(items.next()?)?);
        }
        const CONFIRMATIONS: [(&[u8], SubscriptionKind, bool); 6] = [
            (b"subscribe", SubscriptionKind::Channel, true),
            (b"psubscribe", SubscriptionKind::Pattern, true),
            (b"ssubscribe", SubscriptionKind::Shard, true),
            (b"unsubscribe", SubscriptionKind::Channel, false),
            (b"punsubscribe", SubscriptionKind::Pattern, false),
            (b"sunsubscribe", SubscriptionKind::Shard, false),
        ];
        let (_, kind, subscribed) = CONFIRMATIONS.into_iter().find(|(name, _, _)| is(name))?;
        let channel = match items.next()? {
            Value::Nil => None,
            other => Some(bytes(other)?),
        };
        let Value::Integer(remaining) = items.next()? else {
            return None;
        };
        Some(Message::Subscription(SubscriptionChange {
            kind,
            subscribed,
            channel,
            remaining,
        }))
    }
}

fn bytes(value: Value) -> Option<Bytes> {
    match value {
        Value::BulkString(b) | Value::SimpleString(b) => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &[u8]) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s))
    }

    #[test]
    fn parses_both_protocols_shapes() {
        for wrap in [Value::Array as fn(Vec<Value>) -> Value, Value::Push] {
            let m = Message::parse(wrap(vec![bulk(b"message"), bulk(b"news"), bulk(b"\r\n\0\xff")])).unwrap();
            let p = m.as_publication().unwrap();
            assert_eq!(
                (p.kind(), p.channel(), p.pattern()),
                (SubscriptionKind::Channel, &b"news"[..], None)
            );
            assert_eq!(p.payload_bytes().as_ref(), b"\r\n\0\xff");
            let m = Message::parse(wrap(vec![bulk(b"pmessage"), bulk(b"n*"), bulk(b"news"), bulk(b"x")])).unwrap();
            assert_eq!(m.as_publication().unwrap().pattern(), Some(&b"n*"[..]));
            assert_eq!(m.payload::<String>().unwrap(), "x");
            let m = Message::parse(wrap(vec![bulk(b"unsubscribe"), Value::Nil, Value::Integer(0)])).unwrap();
            let Message::Subscription(s) = m else { panic!("{m:?}") };
            assert_eq!((s.is_subscribe(), s.channel(), s.remaining()), (false, None, 0));
        }
    }

    #[test]
    fn hostile_frames_are_not_messages() {
        assert!(Message::parse(Value::Integer(1)).is_none());
        assert!(Message::parse(Value::Array(vec![])).is_none());
        assert!(Message::parse(Value::Array(vec![bulk(b"message"), bulk(b"ch")])).is_none());
        assert!(Message::parse(Value::Array(vec![bulk(b"subscribe"), bulk(b"ch"), bulk(b"1")])).is_none());
        assert!(Message::parse(Value::Push(vec![bulk(b"invalidate"), Value::Nil])).is_none());
        let m = Message::Dropped { count: 3 };
        assert_eq!(m.payload::<String>().unwrap_err().kind(), crate::ErrorKind::Conversion);
    }
}
