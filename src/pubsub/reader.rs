//! Reading a handle's messages: one step shared by `get_message`, the
//! message streams and the handlers' worker. A published message whose
//! subscription has a [`super::Handler`] goes to the handler; the step then
//! reports "taken" instead of the message.

use std::sync::Arc;
use std::task::{Context, Poll};

use super::queue::Entry;
use super::session::Session;
use super::Message;
use crate::rt::BoxFuture;

/// What one read step produced.
pub(crate) enum Step {
    Message(Message),
    /// A handler took the message (and, if async, has finished with it).
    Taken,
    /// The handle was closed.
    Closed,
}

/// A reader's state: an async handler that is still running.
#[derive(Default)]
pub(crate) struct Reader {
    running: Option<BoxFuture<'static, ()>>,
}

impl Reader {
    pub(crate) fn poll_step(&mut self, session: &Arc<Session>, cx: &mut Context<'_>) -> Poll<Step> {
        if let Some(handler) = &mut self.running {
            if handler.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.running = None;
            return Poll::Ready(Step::Taken);
        }
        let entry = match session.queue.poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => return Poll::Ready(Step::Closed),
            Poll::Ready(Some(entry)) => entry,
        };
        let message = match entry {
            Entry::Gap(count) => return Poll::Ready(Step::Message(Message::Dropped { count })),
            Entry::Item(message) => message,
        };
        let Message::Published(publication) = &message else {
            return Poll::Ready(Step::Message(message));
        };
        let Some(handler) = session.subscriptions().handler_for(publication) else {
            return Poll::Ready(Step::Message(message));
        };
        let Message::Published(publication) = message else {
            return Poll::Ready(Step::Taken);
        };
        match handler.call(publication) {
            None => Poll::Ready(Step::Taken),
            Some(mut running) => {
                if running.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Step::Taken);
                }
                self.running = Some(running);
                Poll::Pending
            }
        }
    }
}
