//! [`ReplyFuture`]: the future of one command, routed by its class.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_channel::oneshot;

use super::{command_name, limit_for, plan, refusal, Plan, Source};
use crate::error::RequestState;
use crate::multiplex::OneReceiver;
use crate::pool::Pool;
use crate::resp::Value;
use crate::rt::{with_timeout, BoxFuture, Runtime};
use crate::telemetry::Probe;
use crate::value::{Args, FromValue};
use crate::{Error, Result};

/// The reply to one command, converted to `T`.
///
/// Nothing is sent until the future is first polled. Dropping it after that
/// is safe: the reply is read and discarded, and no other caller is affected.
/// The future owns what it needs (`'static` and `Send`), so it can be spawned:
///
/// ```no_run
/// # smol::block_on(async {
/// use anyredis::prelude::*;
/// let client = Client::open("redis://127.0.0.1")?;
/// let task = smol::spawn(client.get::<Option<String>>("greeting"));
/// let greeting = task.await?;
/// # let _ = greeting;
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct ReplyFuture<T> {
    source: Arc<dyn Source>,
    state: State,
    /// For an idempotent command: its arguments, to send once more if the
    /// connection is lost before the reply arrives.
    retry: Option<Args>,
    idempotent: bool,
    /// Counters, hook and span of this request, once started (when the
    /// source has instruments).
    probe: Option<Probe>,
    /// A client-side cache miss: the right to keep the reply.
    fill: Option<crate::client_cache::Fill>,
    _reply: PhantomData<fn() -> T>,
}

enum State {
    Start(Args),
    /// Answered by the client-side cache.
    Cached(Option<Value>),
    /// On a connection leased from the pool (blocking commands of a client).
    Diverted(BoxFuture<'static, Result<Value>>),
    /// Connecting; then the reply's receiver.
    Connecting(BoxFuture<'static, Result<OneReceiver>>, Option<Duration>),
    Waiting {
        receiver: OneReceiver,
        deadline: Option<BoxFuture<'static, ()>>,
        limit: Option<Duration>,
    },
    Done,
}

impl<T> ReplyFuture<T> {
    pub(crate) fn new(source: Arc<dyn Source>, args: Args) -> Self {
        ReplyFuture {
            source,
            state: State::Start(args),
            retry: None,
            idempotent: false,
            probe: None,
            fill: None,
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

    fn waiting(&self, receiver: OneReceiver, limit: Option<Duration>) -> State {
        let deadline = limit.map(|limit| self.source.runtime().sleep(limit));
        State::Waiting {
            receiver,
            deadline,
            limit,
        }
    }

    /// The next state for a command not sent yet, or its final error.
    fn start(&mut self, args: Args) -> Result<State> {
        let source = &*self.source;
        refusal(&args)?;
        let plan = plan(source, args.class(), &|| command_name(&args))?;
        let limit = limit_for(args.block_time(), source.response_timeout());
        if let Some(cache) = source.local_cache() {
            match cache.lookup(&args) {
                Ok(value) => return Ok(State::Cached(Some(value))),
                Err(fill) => self.fill = fill,
            }
        }
        if plan == Plan::Pool {
            if let Some(pool) = source.pool() {
                let (pool, runtime) = (pool.clone(), source.runtime().clone());
                let source = self.source.clone();
                return Ok(State::Diverted(Box::pin(on_lease(pool, args, limit, runtime, source))));
            }
        }
        if std::mem::take(&mut self.idempotent) {
            self.retry = Some(args.clone());
        }
        let epoch = source.epoch();
        // Fast path: a live connection takes the command right now.
        if let Some(sent) = source.send_live(&args, epoch) {
            match sent {
                Ok(receiver) => {
                    count_sent(source, 1);
                    return Ok(self.waiting(receiver, limit));
                }
                // The connection ended before the command was queued: it was
                // not sent, so sending it on a new connection is safe.
                Err(e) if e.request_state() == RequestState::NotSent && e.is_connection() => {}
                Err(e) => return Err(e),
            }
        }
        let connect = self.source.clone().connect();
        Ok(State::Connecting(
            Box::pin(async move { connect.await?.send(&args, epoch) }),
            limit,
        ))
    }
}

/// Runs one command on a connection leased from `pool`; the lease goes back
/// (or, with a reply still owed, is closed) when this ends or is dropped.
async fn on_lease(
    pool: Pool,
    args: Args,
    limit: Option<Duration>,
    runtime: Runtime,
    source: Arc<dyn Source>,
) -> Result<Value> {
    let lease = pool.acquire().await?;
    let receiver = lease.send(&args, None)?;
    count_sent(&*source, 1);
    wait(receiver, limit, &runtime).await
}

/// Waits for a reply, at most `limit`.
pub(crate) async fn wait(receiver: OneReceiver, limit: Option<Duration>, runtime: &Runtime) -> Result<Value> {
    match with_timeout(runtime, limit, receiver).await {
        Ok(Ok(reply)) => reply,
        Ok(Err(oneshot::Canceled)) => Err(driver_gone()),
        Err(()) => Err(timed_out(limit)),
    }
}

/// Counts commands queued for writing, for the source's client stats.
pub(crate) fn count_sent(source: &dyn Source, commands: usize) {
    if let Some(telemetry) = source.telemetry() {
        let n = u64::try_from(commands).unwrap_or(u64::MAX);
        telemetry.counters.hot().commands_sent.fetch_add(n, Ordering::Relaxed);
    }
}

fn driver_gone() -> Error {
    Error::connection_lost("the connection's driver stopped", RequestState::Unknown)
}

fn timed_out(limit: Option<Duration>) -> Error {
    Error::timeout(
        "waiting for a reply",
        limit.unwrap_or_default(),
        RequestState::SentUnanswered,
    )
}

impl<T: FromValue> Future for ReplyFuture<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.get_mut();
        if this.probe.is_none() {
            if let (Some(telemetry), State::Start(args)) = (this.source.telemetry(), &this.state) {
                this.probe = Some(Probe::command(telemetry, args));
            }
        }
        #[cfg(feature = "tracing")]
        let _entered = this.probe.as_ref().and_then(Probe::enter);
        let polled = this.poll_state(cx);
        if let (Poll::Ready(result), Some(probe)) = (&polled, this.probe.as_mut()) {
            if let Some(telemetry) = this.source.telemetry() {
                probe.finish(telemetry, result, 1);
            }
        }
        polled
    }
}

impl<T> Drop for ReplyFuture<T> {
    fn drop(&mut self) {
        if let (Some(probe), Some(telemetry)) = (self.probe.as_mut(), self.source.telemetry()) {
            probe.cancel(telemetry);
        }
    }
}

impl<T: FromValue> ReplyFuture<T> {
    fn poll_state(&mut self, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self;
        loop {
            match &mut this.state {
                State::Start(_) => {
                    let State::Start(args) = std::mem::replace(&mut this.state, State::Done) else {
                        return Poll::Ready(Err(Error::usage("ReplyFuture in an impossible state")));
                    };
                    match this.start(args) {
                        Ok(next) => this.state = next,
                        Err(e) => return Poll::Ready(Err(e)),
                    }
                }
                State::Cached(value) => {
                    let value = value.take().unwrap_or(Value::Nil);
                    this.state = State::Done;
                    return Poll::Ready(T::from_value(value).map_err(Error::from));
                }
                State::Diverted(diverted) => {
                    let Poll::Ready(result) = diverted.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    this.state = State::Done;
                    return Poll::Ready(result.and_then(|value| T::from_value(value).map_err(Error::from)));
                }
                State::Connecting(connecting, limit) => match connecting.as_mut().poll(cx) {
                    Poll::Ready(Ok(receiver)) => {
                        let limit = *limit;
                        count_sent(&*this.source, 1);
                        this.state = this.waiting(receiver, limit);
                    }
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
                        Poll::Ready(Ok(Ok(value))) => {
                            if let Some(fill) = this.fill.take() {
                                fill.keep(&value);
                            }
                            T::from_value(value).map_err(Error::from)
                        }
                        Poll::Ready(Ok(Err(e))) => Err(e),
                        Poll::Ready(Err(oneshot::Canceled)) => Err(driver_gone()),
                        Poll::Pending => {
                            let expired = deadline.as_mut().is_some_and(|d| d.as_mut().poll(cx).is_ready());
                            if !expired {
                                return Poll::Pending;
                            }
                            Err(timed_out(*limit))
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
                State::Done => {
                    return Poll::Ready(Err(Error::usage("a ReplyFuture was polled after it completed")));
                }
            }
        }
    }
}

impl<T> std::fmt::Debug for ReplyFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Start(_) => "not sent",
            State::Cached(_) => "answered by the client-side cache",
            State::Diverted(_) => "on a pooled dedicated connection",
            State::Connecting(..) => "connecting",
            State::Waiting { .. } => "waiting for the reply",
            State::Done => "done",
        };
        f.debug_struct("ReplyFuture").field("state", &state).finish()
    }
}
