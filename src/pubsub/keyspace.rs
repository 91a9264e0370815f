//! Keyspace notifications: typed events from `__keyspace@<db>__:<key>` and
//! `__keyevent@<db>__:<event>` messages.
//!
//! The server sends them only when `notify-keyspace-events` says so, e.g.
//! `CONFIG SET notify-keyspace-events KEA` (K: keyspace channel, E: keyevent
//! channel, A: every class of command; see the Redis documentation for the
//! finer classes such as `g$lx`). It is off by default.

use bytes::Bytes;

use super::{PubSub, Publication};
use crate::Result;

/// One keyspace notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyspaceEvent {
    /// The database the key lives in.
    pub db: u32,
    /// The key the event happened to.
    pub key: Bytes,
    /// The event: the command's name in lowercase (`set`, `del`, `expire`,
    /// `lpush`, ...) or `expired` / `evicted` / `new`.
    pub event: Bytes,
}

impl KeyspaceEvent {
    /// Parses a keyspace (`__keyspace@0__:mykey`, payload `set`) or keyevent
    /// (`__keyevent@0__:set`, payload `mykey`) message; `None` for any other.
    ///
    /// ```
    /// # fn show(message: &anyredis::pubsub::Publication) {
    /// use anyredis::pubsub::KeyspaceEvent;
    /// if let Some(event) = KeyspaceEvent::parse(message) {
    ///     println!("db {}: {:?} on {:?}", event.db, event.event, event.key);
    /// }
    /// # }
    /// ```
    pub fn parse(message: &Publication) -> Option<KeyspaceEvent> {
        let channel = message.channel();
        let (keyspace, rest) = if let Some(rest) = channel.strip_prefix(b"__keyspace@") {
            (true, rest)
        } else {
            (false, channel.strip_prefix(b"__keyevent@")?)
        };
        let end = rest.windows(3).position(|w| w == b"__:")?;
        let db = std::str::from_utf8(rest.get(..end)?).ok()?.parse().ok()?;
        let name = rest.get(end.checked_add(3)?..)?;
        let name = Bytes::copy_from_slice(name);
        let payload = message.payload_bytes().clone();
        Some(if keyspace {
            KeyspaceEvent {
                db,
                key: name,
                event: payload,
            }
        } else {
            KeyspaceEvent {
                db,
                key: payload,
                event: name,
            }
        })
    }
}

impl PubSub {
    /// Subscribes to keyspace notifications for keys matching the glob
    /// `key_pattern` in database `db` (`__keyspace@<db>__:<pattern>`); parse
    /// the messages with [`KeyspaceEvent::parse`]. Needs
    /// `notify-keyspace-events` with `K` on the server.
    pub async fn subscribe_keyspace(&self, db: u32, key_pattern: &str) -> Result<()> {
        self.psubscribe(format!("__keyspace@{db}__:{key_pattern}")).await
    }

    /// Subscribes to keyevent notifications for events matching the glob
    /// `event_pattern` (`set`, `expired`, `*`) in database `db`
    /// (`__keyevent@<db>__:<pattern>`). Needs `notify-keyspace-events` with `E`.
    pub async fn subscribe_keyevent(&self, db: u32, event_pattern: &str) -> Result<()> {
        self.psubscribe(format!("__keyevent@{db}__:{event_pattern}")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubsub::Message;
    use crate::resp::Value;

    fn publication(pattern: &str, channel: &str, payload: &str) -> Publication {
        let bulk = |s: &str| Value::BulkString(Bytes::copy_from_slice(s.as_bytes()));
        let frame = Value::Push(vec![bulk("pmessage"), bulk(pattern), bulk(channel), bulk(payload)]);
        match Message::parse(frame) {
            Some(Message::Published(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn both_channel_forms() {
        let e = KeyspaceEvent::parse(&publication("__keyspace@0__:*", "__keyspace@0__:user:{1}", "set")).unwrap();
        assert_eq!((e.db, &e.key[..], &e.event[..]), (0, &b"user:{1}"[..], &b"set"[..]));
        let e = KeyspaceEvent::parse(&publication("__keyevent@*", "__keyevent@15__:expired", "k:__:x")).unwrap();
        assert_eq!((e.db, &e.key[..], &e.event[..]), (15, &b"k:__:x"[..], &b"expired"[..]));
        assert!(KeyspaceEvent::parse(&publication("*", "news", "x")).is_none());
        assert!(KeyspaceEvent::parse(&publication("*", "__keyspace@x__:k", "set")).is_none());
        assert!(KeyspaceEvent::parse(&publication("*", "__keyspace@0", "set")).is_none());
    }
}
