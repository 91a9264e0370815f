//! The handle's messages as a `Stream`.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;

use super::reader::{Reader, Step};
use super::session::Session;
use super::{Message, PubSub};

fn poll_message(reader: &mut Reader, session: &Arc<Session>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
    loop {
        match reader.poll_step(session, cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Step::Taken) => continue,
            Poll::Ready(Step::Message(message)) => return Poll::Ready(Some(message)),
            Poll::Ready(Step::Closed) => return Poll::Ready(None),
        }
    }
}

/// A `Stream` of a [`PubSub`]'s messages, borrowing it ([`PubSub::messages`]).
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use futures_util::StreamExt;
/// # let client = anyredis::Client::open("redis://127.0.0.1")?;
/// let pubsub = client.pubsub();
/// pubsub.subscribe("news").await?;
/// let mut messages = pubsub.messages();
/// while let Some(message) = messages.next().await {
///     println!("{message:?}");
/// }
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
pub struct Messages<'a> {
    session: &'a Arc<Session>,
    reader: Reader,
}

impl<'a> Messages<'a> {
    pub(crate) fn new(session: &'a Arc<Session>) -> Messages<'a> {
        Messages {
            session,
            reader: Reader::default(),
        }
    }
}

impl Stream for Messages<'_> {
    type Item = Message;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        let this = self.get_mut();
        poll_message(&mut this.reader, this.session, cx)
    }
}

impl std::fmt::Debug for Messages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages").finish_non_exhaustive()
    }
}

/// A `Stream` of a [`PubSub`]'s messages that owns the handle
/// ([`PubSub::into_stream`]); dropping it closes the connection.
pub struct MessageStream {
    pubsub: PubSub,
    reader: Reader,
}

impl MessageStream {
    pub(crate) fn new(pubsub: PubSub) -> MessageStream {
        MessageStream {
            pubsub,
            reader: Reader::default(),
        }
    }

    /// The handle, to subscribe or unsubscribe while streaming.
    pub fn pubsub(&self) -> &PubSub {
        &self.pubsub
    }
}

impl Stream for MessageStream {
    type Item = Message;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        let this = self.get_mut();
        poll_message(&mut this.reader, &this.pubsub.session, cx)
    }
}

impl std::fmt::Debug for MessageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageStream").field("pubsub", &self.pubsub).finish()
    }
}
