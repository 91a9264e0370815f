//! [`ReplyFuture`]: the future of one command sent over a multiplexed connection.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_channel::oneshot;

use super::{Multiplexer, OneReceiver};
use crate::error::RequestState;
use crate::pool::block_time;
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
    /// Takes a command that must not run on this source's connection (a
    /// blocking command on a shared connection) and runs it elsewhere; gives
    /// the arguments back otherwise.
    fn divert(&self, args: Args) -> std::result::Result<BoxFuture<'_, Result<Value>>, Args> {
        Err(args)
    }
    /// A connection of the caller's own for work that must not run on this
    /// source's connection (a pipeline holding a blocking command), when this
    /// source's connection is shared; `None` when it is already dedicated.
    fn dedicated(&self) -> Option<BoxFuture<'_, Result<Box<dyn MuxSource + Send>>>> {
        None
    }
}

/// The reply to one command, converted to `T`.
///
/// Nothing is sent until the future is first polled. Dropping it after that
/// is safe: the reply is read and discarded, and no other caller is affected.
#[must_use = "futures do nothing unless polled"]
pub struct ReplyFuture<'a, T> {
    source: &'a dyn MuxSource,
    state: State<'a>,
    /// For an idempotent command: its arguments, to send once more if the
    /// connection is lost before the reply arrives.
    retry: Option<Args>,
    idempotent: bool,
    _reply: PhantomData<fn() -> T>,
}

enum State<'a> {
    Start(Args),
    Diverted(BoxFuture<'a, Result<Value>>),
    /// Connecting; then the reply's receiver and its response timeout.
    Connecting(BoxFuture<'a, Result<(OneReceiver, Option<Duration>)>>),
    Waiting {
        receiver: OneReceiver,
        deadline: Option<BoxFuture<'static, ()>>,
        limit: Option<Duration>,
    },
    Done,
}

impl<'a, T> ReplyFuture<'a, T> {
    pub(crate) fn new(source: &'a dyn MuxSource, args: Args) -> Self {
        ReplyFuture {
            source,
            state: State::Start(args),
            retry: None,
            idempotent: false,
            _reply: PhantomData,
        }
    }

    /// Opts in to one automatic retry: if the connection is lost after the
    /// command was sent but before its reply arrived, it is sent again on a
    /// new connection. Only for commands that are safe to run twice (`GET`,
    /// `SET k v`, `HSET`...), never for `INCR`, `LPUSH` and the like. Without
    /// this, nothing that may have reached the server is retried.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    fn waiting(&self, receiver: OneReceiver, limit: Option<Duration>) -> State<'a> {
        let deadline = limit.map(|limit| self.source.runtime().sleep(limit));
        State::Waiting {
            receiver,
            deadline,
            limit,
        }
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
                    // A blocking command waits as long as its own timeout says.
                    let configured = this.source.response_timeout();
                    let limit = match block_time(&args) {
                        Some(block) => block.response_timeout(configured),
                        None => configured,
                    };
                    let args = match this.source.divert(args) {
                        Ok(diverted) => {
                            this.state = State::Diverted(diverted);
                            continue;
                        }
                        Err(args) => args,
                    };
                    if std::mem::take(&mut this.idempotent) {
                        this.retry = Some(args.clone());
                    }
                    // Fast path: a live connection takes the command right now.
                    if let Some(mux) = this.source.live() {
                        match mux.send(&args) {
                            Ok(receiver) => {
                                this.state = this.waiting(receiver, limit);
                                continue;
                            }
                            // The connection ended before the command was queued: it was
                            // not sent, so sending it on a new connection is safe.
                            Err(e) if e.request_state() == RequestState::NotSent && !e.is_closed() => {}
                            Err(e) => return Poll::Ready(Err(e)),
                        }
                    }
                    let source = this.source;
                    this.state =
                        State::Connecting(Box::pin(
                            async move { Ok((source.connect().await?.send(&args)?, limit)) },
                        ));
                }
                State::Diverted(diverted) => {
                    let Poll::Ready(result) = diverted.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    this.state = State::Done;
                    return Poll::Ready(result.and_then(|value| T::from_value(value).map_err(Error::from)));
                }
                State::Connecting(connecting) => match connecting.as_mut().poll(cx) {
                    Poll::Ready(Ok((receiver, limit))) => this.state = this.waiting(receiver, limit),
                    Poll::Ready(Err(e)) => {
                        this.state = State::Done;
                        return Poll::Ready(Err(e));
                    }
                    Poll::Pending => return Poll::Pending,
                },
                State::Waiting {
                    receiver,
                    deadline,
                    limit,
                } => {
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
                                limit.unwrap_or_default(),
                                RequestState::SentUnanswered,
                            ))
                        }
                    };
                    if outcome.as_ref().is_err_and(Error::lost_after_send) {
                        if let Some(args) = this.retry.take() {
                            this.state = State::Start(args);
                            continue;
                        }
                    }
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
            State::Diverted(_) => "on a dedicated connection",
            State::Connecting(_) => "connecting",
            State::Waiting { .. } => "waiting for the reply",
            State::Done => "done",
        };
        f.debug_struct("ReplyFuture").field("state", &state).finish()
    }
}
