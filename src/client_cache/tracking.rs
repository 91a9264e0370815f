//! Turning tracking on for a new shared connection, and where the
//! invalidations go: RESP3 push frames on the shared connection itself, or
//! (RESP2) `__redis__:invalidate` messages on a second connection.

use std::sync::{Arc, Weak};
use std::task::{Context, Poll};

use bytes::Bytes;

use super::{LocalCache, TrackingMode};
use crate::config::{Config, Protocol};
use crate::multiplex::{Multiplexer, PushMode, PushSink, Pushes, QueueLimits};
use crate::request::wait;
use crate::resp::Value;
use crate::rt::Runtime;
use crate::value::CommandClass;
use crate::{Error, Result};

/// The channel RESP2 invalidations are published on.
const INVALIDATE_CHANNEL: &[u8] = b"__redis__:invalidate";

/// The keys an invalidation names (`None`: everything, after a flush).
enum Invalidation {
    Keys(Vec<Bytes>),
    All,
}

/// Reads an invalidation: a RESP3 push `invalidate [keys]` / `invalidate nil`,
/// or a RESP2 message on `__redis__:invalidate` with the same payload.
fn parse(frame: &Value) -> Option<Invalidation> {
    let (Value::Push(items) | Value::Array(items)) = frame else {
        return None;
    };
    let is = |v: &Value, what: &[u8]| matches!(v, Value::BulkString(b) | Value::SimpleString(b) if b.eq_ignore_ascii_case(what));
    let payload = match items.as_slice() {
        // RESP3: a push `invalidate <keys | nil>` on the tracked connection.
        [kind, payload] if matches!(frame, Value::Push(_)) && is(kind, b"invalidate") => payload,
        // RESP2: a message on `__redis__:invalidate` (the redirect connection).
        [kind, Value::BulkString(channel), payload]
            if is(kind, b"message") && channel.as_ref() == INVALIDATE_CHANNEL =>
        {
            payload
        }
        _ => return None,
    };
    match payload {
        Value::Nil => Some(Invalidation::All),
        Value::Array(keys) | Value::Set(keys) => Some(Invalidation::Keys(
            keys.iter()
                .filter_map(|k| match k {
                    Value::BulkString(b) | Value::SimpleString(b) => Some(b.clone()),
                    _ => None,
                })
                .collect(),
        )),
        _ => None,
    }
}

/// Applies invalidations to the cache; passes every other frame on (to the
/// client's push inbox) when there is a next sink.
pub(crate) struct InvalidationSink {
    cache: Weak<LocalCache>,
    next: Option<Arc<dyn PushSink>>,
}

impl InvalidationSink {
    pub(crate) fn new(cache: &Arc<LocalCache>, next: Option<Arc<dyn PushSink>>) -> InvalidationSink {
        InvalidationSink {
            cache: Arc::downgrade(cache),
            next,
        }
    }
}

impl PushSink for InvalidationSink {
    fn push(&self, frame: Value) -> bool {
        match (parse(&frame), self.cache.upgrade()) {
            (Some(Invalidation::Keys(keys)), Some(cache)) => cache.invalidate(keys),
            (Some(Invalidation::All), Some(cache)) => cache.flush_all_by_server(),
            (Some(_), None) => {}
            (None, _) => {
                if let Some(next) = &self.next {
                    return next.push(frame);
                }
            }
        }
        true
    }

    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        match &self.next {
            Some(next) => next.poll_room(cx),
            None => Poll::Ready(()),
        }
    }
}

/// Turns tracking on for `shared` (a new connection, not yet used): on
/// RESP2 first opens the connection that receives the invalidations. The
/// cache serves again only once this succeeded.
pub(crate) async fn start_tracking(
    cache: &Arc<LocalCache>,
    shared: &Multiplexer,
    config: &Config,
    runtime: &Runtime,
) -> Result<()> {
    let mut args = crate::commands::subcommand("CLIENT", "TRACKING");
    args.push(b"ON");
    let redirect = if shared.protocol() == Protocol::Resp2 {
        let pushes = Pushes {
            sink: Arc::new(InvalidationSink::new(cache, None)),
            mode: PushMode::PubSub,
        };
        let redirect = Multiplexer::open_with(config, runtime, QueueLimits::dedicated(config), Some(pushes)).await?;
        let setup = async {
            let id = wait(
                redirect.send(&crate::commands::subcommand("CLIENT", "ID"), None)?,
                config.response_timeout,
                runtime,
            )
            .await?;
            let Value::Integer(id) = id else {
                return Err(Error::from(crate::value::ConversionError::type_mismatch(
                    "a client id",
                    &id,
                )));
            };
            let mut subscribe = crate::commands::command("SUBSCRIBE");
            subscribe.push(INVALIDATE_CHANNEL);
            let subscribe = subscribe.with_class(CommandClass::Subscribe);
            wait(redirect.send(&subscribe, None)?, config.response_timeout, runtime).await?;
            Ok(id)
        };
        match setup.await {
            Ok(id) => {
                args.push(b"REDIRECT");
                args.push_int(id);
                Some(redirect)
            }
            Err(e) => {
                redirect.abort();
                return Err(e);
            }
        }
    } else {
        None
    };
    if let TrackingMode::Broadcast { prefixes } = &cache.config().mode {
        args.push(b"BCAST");
        for prefix in prefixes {
            args.push(b"PREFIX");
            args.push(prefix.as_bytes());
        }
    }
    let outcome = match shared.send(&args, None) {
        Ok(receiver) => wait(receiver, config.response_timeout, runtime).await.map(drop),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => {
            cache.tracking_started(shared.clone(), redirect);
            Ok(())
        }
        Err(e) => {
            if let Some(redirect) = redirect {
                redirect.abort();
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &[u8]) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s))
    }

    #[test]
    fn both_protocols_forms() {
        let resp3 = Value::Push(vec![bulk(b"invalidate"), Value::Array(vec![bulk(b"a"), bulk(b"b")])]);
        assert!(matches!(parse(&resp3), Some(Invalidation::Keys(k)) if k.len() == 2));
        let flush = Value::Push(vec![bulk(b"invalidate"), Value::Nil]);
        assert!(matches!(parse(&flush), Some(Invalidation::All)));
        let resp2 = Value::Array(vec![
            bulk(b"message"),
            bulk(INVALIDATE_CHANNEL),
            Value::Array(vec![bulk(b"k")]),
        ]);
        assert!(matches!(parse(&resp2), Some(Invalidation::Keys(k)) if k.len() == 1));
        let other = Value::Array(vec![bulk(b"message"), bulk(b"news"), Value::Array(vec![])]);
        assert!(parse(&other).is_none());
        assert!(parse(&Value::Push(vec![bulk(b"message"), bulk(b"x"), bulk(b"y")])).is_none());
    }
}
