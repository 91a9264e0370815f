//! [`ReplyFuture`]: the future of one command sent over a multiplexed connection.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_channel::oneshot;

use super::Multiplexer;
use crate::error::RequestState;
use crate::resp::Value;
use crate::rt::{BoxFuture, Runtime};
use crate::value::{Args, FromValue};
use crate::{Error, Result};

/// Where a [`ReplyFuture`] finds its connection: a client (which connects when
/// needed) or a dedicated connection.
pub(crate) trait MuxSource: Sync {
    /// The live connection, if there is one, without waiting.
    fn live(&self) -> Option<Multiplexer>;
    /// A live connection, connecting first if needed.
    fn connect(&self) -> BoxFuture<'_, Result<Multiplexer>>;
    fn runtime(&self) -> &Runtime;
    fn response_timeout(&self) -> Option<Duration>;
}

/// The reply to one command, converted to `T`.
///
/// Nothing is sent until the future is first polled. Dropping it after that
/// is safe: the reply is read and discarded, and no other caller is affected.
#[must_use = "futures do nothing unless polled"]
pub struct ReplyFuture<'a, T> {
    source: &'a dyn MuxSource,
    state: State<'a>,
    _reply: PhantomData<fn() -> T>,
}

enum State<'a> {
    Start(Args),
    Connecting(BoxFuture<'a, Result<oneshot::Receiver<Result<Value>>>>),
    Waiting {
        receiver: oneshot::Receiver<Result<Value>>,
        deadline: Option<BoxFuture<'static, ()>>,
    },
    Done,
}

impl<'a, T> ReplyFuture<'a, T> {
    pub(crate) fn new(source: &'a dyn MuxSource, args: Args) -> Self {
        ReplyFuture {
            source,
            state: State::Start(args),
            _reply: PhantomData,
        }
    }

    fn waiting(&self, receiver: oneshot::Receiver<Result<Value>>) -> State<'a> {
        let deadline = self
            .source
            .response_timeout()
            .map(|limit| self.source.runtime().sleep(limit));
        State::Waiting { receiver, deadline }
    }
}

impl<T: FromValue> Future for ReplyFuture<'_, T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Start(_) => {
                    let State::Start(args) = std::mem::replace(&mut this.state, State::Done) else {
                        unreachable!()
                    };
                    // Fast path: a live connection takes the command right now.
                    if let Some(mux) = this.source.live() {
                        match mux.send(&args) {
                            Ok(receiver) => {
                                this.state = this.waiting(receiver);
                                continue;
                            }
                            // The connection ended before the command was queued: it was
                            // not sent, so sending it on a new connection is safe.
                            Err(e) if e.request_state() == RequestState::NotSent && !e.is_closed() => {}
                            Err(e) => return Poll::Ready(Err(e)),
                        }
                    }
                    let source = this.source;
                    this.state = State::Connecting(Box::pin(async move { source.connect().await?.send(&args) }));
                }
                State::Connecting(connecting) => match connecting.as_mut().poll(cx) {
                    Poll::Ready(Ok(receiver)) => this.state = this.waiting(receiver),
                    Poll::Ready(Err(e)) => {
                        this.state = State::Done;
                        return Poll::Ready(Err(e));
                    }
                    Poll::Pending => return Poll::Pending,
                },
                State::Waiting { receiver, deadline } => {
                    let outcome = match Pin::new(receiver).poll(cx) {
                        Poll::Ready(Ok(Ok(value))) => T::from_value(value).map_err(Error::from),
                        Poll::Ready(Ok(Err(e))) => Err(e),
                        Poll::Ready(Err(oneshot::Canceled)) => Err(Error::connection_lost(
                            "the connection's driver stopped",
                            RequestState::Unknown,
                        )),
                        Poll::Pending => {
                            let expired = deadline.as_mut().is_some_and(|d| d.as_mut().poll(cx).is_ready());
                            if !expired {
                                return Poll::Pending;
                            }
                            Err(Error::timeout(
                                "waiting for a reply",
                                this.source.response_timeout().unwrap_or_default(),
                                RequestState::SentUnanswered,
                            ))
                        }
                    };
                    this.state = State::Done;
                    return Poll::Ready(outcome);
                }
                State::Done => panic!("ReplyFuture polled after it completed"),
            }
        }
    }
}

impl<T> std::fmt::Debug for ReplyFuture<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Start(_) => "not sent",
            State::Connecting(_) => "connecting",
            State::Waiting { .. } => "waiting for the reply",
            State::Done => "done",
        };
        f.debug_struct("ReplyFuture").field("state", &state).finish()
    }
}
