//! RESP3 push frames that arrive on a client's shared connection (for
//! example `invalidate` after `CLIENT TRACKING` on a connection redirecting
//! to it, or pushes from modules): kept for a listener, never mistaken for
//! a reply.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;

use super::queue::{Bounds, DeliveryPolicy, Entry, Parse, Queue};
use crate::resp::Value;
use crate::Client;

/// At most this many push frames wait for a listener; older ones are dropped.
pub const PUSH_BUFFER: usize = 1024;

pub(crate) struct PushParser {
    /// Frames are kept only once someone listens.
    listening: AtomicBool,
}

impl Parse<Value> for PushParser {
    fn parse(&self, frame: Value) -> Option<Value> {
        self.listening.load(Ordering::Acquire).then_some(frame)
    }

    fn size(&self, _: &Value) -> usize {
        256
    }
}

pub(crate) type PushInbox = Queue<Value, PushParser>;

/// A new inbox for a client's shared connection.
pub(crate) fn inbox() -> Arc<PushInbox> {
    let bounds = Bounds {
        messages: PUSH_BUFFER,
        bytes: usize::MAX,
    };
    let parser = PushParser {
        listening: AtomicBool::new(false),
    };
    Arc::new(Queue::new(bounds, DeliveryPolicy::DropOldest, parser))
}

/// The push frames of a client's shared connection ([`Client::push_messages`]).
/// Streams made from clones of one client share the frames (each frame goes
/// to one of them).
pub struct PushMessages {
    inbox: Arc<PushInbox>,
}

impl Client {
    /// RESP3 push frames that arrive on the shared connection outside any
    /// reply (before the first call, such frames are dropped; afterwards at
    /// most [`PUSH_BUFFER`] wait, the oldest dropped first). Subscriptions
    /// belong on [`Client::pubsub`], not here.
    pub fn push_messages(&self) -> PushMessages {
        let inbox = self.push_inbox();
        inbox.parser().listening.store(true, Ordering::Release);
        PushMessages { inbox }
    }
}

impl Stream for PushMessages {
    type Item = Value;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Value>> {
        loop {
            return match self.inbox.poll_next(cx) {
                Poll::Ready(Some(Entry::Item(frame))) => Poll::Ready(Some(frame)),
                Poll::Ready(Some(Entry::Gap(_))) => continue,
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

impl std::fmt::Debug for PushMessages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushMessages")
            .field("buffered", &self.inbox.len())
            .field("dropped", &self.inbox.dropped())
            .finish()
    }
}
