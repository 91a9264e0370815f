//! A pub/sub handle's connection over time: connected lazily, watched by a
//! supervisor task that reconnects with the client's backoff and restores
//! exactly the current subscriptions, and told about in the message stream
//! ([`Message::Disconnected`], [`Message::Reconnected`]).
//!
//! Subscription changes, reconnects and restores are serialized by one async
//! lock (`ops`), so a restore never races a subscribe or an unsubscribe: the
//! set restored is the set at that moment, and nothing the user
//! unsubscribed is ever subscribed again.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::task::AtomicWaker;

use super::queue::{Parse, Queue};
use super::subscriptions::Subscriptions;
use super::{Handler, Message, SubscriptionKind};
use crate::config::Config;
use crate::multiplex::{Multiplexer, PushMode, Pushes, QueueLimits};
use crate::request::wait;
use crate::rt::{BoxFuture, Runtime};
use crate::value::{Args, CommandClass};
use crate::{backoff, Error, Result};

/// Names per subscribe command when restoring a large set.
const NAMES_PER_COMMAND: usize = 1024;

/// Turns a pub/sub connection's frames into [`Message`]s.
pub(crate) struct MessageParser {
    pub(crate) ignore_subscribe_messages: bool,
}

impl Parse<Message> for MessageParser {
    fn parse(&self, frame: crate::resp::Value) -> Option<Message> {
        Message::parse(frame).filter(|m| !(self.ignore_subscribe_messages && matches!(m, Message::Subscription(_))))
    }

    fn size(&self, item: &Message) -> usize {
        item.size()
    }
}

pub(crate) type MessageQueue = Queue<Message, MessageParser>;

/// One connection of the session, and whether its end was reported.
struct Live {
    mux: Multiplexer,
    end_reported: bool,
}

struct ConnState {
    live: Option<Live>,
    closed: bool,
    /// When the last connection ended (reported), until a new one is up.
    down_since: Option<Instant>,
}

pub(crate) struct Session {
    config: Config,
    runtime: Runtime,
    pub(crate) queue: Arc<MessageQueue>,
    subs: Mutex<Subscriptions>,
    conn: Mutex<ConnState>,
    /// Serializes subscription changes, reconnects and restores.
    ops: futures_util::lock::Mutex<()>,
    /// Connection attempts since the last connection was up.
    attempts: AtomicU32,
    supervising: AtomicBool,
    /// The queue of subscription changes, run one at a time by a task of
    /// their own (started with the first change; ends when this is dropped).
    changes: Mutex<Option<futures_channel::mpsc::UnboundedSender<BoxFuture<'static, ()>>>>,
    /// Wakes the supervisor on close.
    supervisor: AtomicWaker,
    health_check: Option<Duration>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Session {
    pub(crate) fn new(
        config: Config,
        runtime: Runtime,
        queue: Arc<MessageQueue>,
        health_check: Option<Duration>,
    ) -> Session {
        Session {
            config,
            runtime,
            queue,
            subs: Mutex::new(Subscriptions::default()),
            conn: Mutex::new(ConnState {
                live: None,
                closed: false,
                down_since: None,
            }),
            ops: futures_util::lock::Mutex::new(()),
            attempts: AtomicU32::new(0),
            supervising: AtomicBool::new(false),
            changes: Mutex::new(None),
            supervisor: AtomicWaker::new(),
            health_check,
        }
    }

    pub(crate) fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    pub(crate) fn subscriptions(&self) -> MutexGuard<'_, Subscriptions> {
        lock(&self.subs)
    }

    pub(crate) fn is_closed(&self) -> bool {
        lock(&self.conn).closed
    }

    /// The open connection, if there is one (without connecting).
    fn live(&self) -> Option<Multiplexer> {
        let state = lock(&self.conn);
        state.live.as_ref().map(|l| l.mux.clone()).filter(|m| !m.is_closed())
    }

    /// Whether a connection is up now.
    pub(crate) fn is_connected(&self) -> bool {
        self.live().is_some()
    }

    /// Reports the current connection's end in the stream, once.
    fn report_end(&self) {
        let reason = {
            let mut state = lock(&self.conn);
            let Some(live) = state.live.as_mut() else { return };
            if live.end_reported || !live.mux.is_closed() {
                return;
            }
            live.end_reported = true;
            state.down_since = Some(Instant::now());
            let live = state.live.as_ref();
            live.and_then(|l| l.mux.closed_reason()).unwrap_or_else(Error::closed)
        };
        self.queue.offer_event(Message::Disconnected { reason });
    }

    /// The connection, connecting (and restoring every subscription) when
    /// there is none or it ended. Call with `ops` held. Returns whether it
    /// connected now (the restore then already covered the current set).
    async fn connection(self: &Arc<Self>) -> Result<(Multiplexer, bool)> {
        if let Some(mux) = self.live() {
            return Ok((mux, false));
        }
        if self.is_closed() {
            return Err(Error::closed());
        }
        self.report_end();
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let pushes = Pushes {
            sink: self.queue.clone(),
            mode: PushMode::PubSub,
        };
        let limits = QueueLimits::dedicated(&self.config);
        let mux = Multiplexer::open_with(&self.config, &self.runtime, limits, Some(pushes)).await?;
        let outage = {
            let mut state = lock(&self.conn);
            if state.closed {
                mux.abort();
                return Err(Error::closed());
            }
            state.live = Some(Live {
                mux: mux.clone(),
                end_reported: false,
            });
            state.down_since.take().map(|since| since.elapsed())
        };
        let attempts = self.attempts.swap(0, Ordering::Relaxed);
        if let Some(outage) = outage {
            // Before the restore's confirmations and the first new messages.
            self.queue.offer_event(Message::Reconnected { outage, attempts });
        }
        if let Err(error) = self.restore(&mux).await {
            mux.abort();
            return Err(error);
        }
        self.start_supervisor()?;
        Ok((mux, true))
    }

    /// Subscribes the new connection to the whole current set.
    async fn restore(&self, mux: &Multiplexer) -> Result<()> {
        let mut commands = Vec::new();
        {
            let subs = self.subscriptions();
            for kind in [SubscriptionKind::Channel, SubscriptionKind::Pattern] {
                for chunk in subs.names(kind).chunks(NAMES_PER_COMMAND) {
                    commands.push(subscribe_args(kind.subscribe_command(), chunk));
                }
            }
            // One SSUBSCRIBE per hash slot: what a cluster node accepts.
            for names in subs.names_by_slot(SubscriptionKind::Shard).values() {
                for chunk in names.chunks(NAMES_PER_COMMAND) {
                    commands.push(subscribe_args(SubscriptionKind::Shard.subscribe_command(), chunk));
                }
            }
        }
        self.run_all(mux, &commands).await
    }

    /// Sends every command at once, then waits for all their confirmations.
    async fn run_all(&self, mux: &Multiplexer, commands: &[Args]) -> Result<()> {
        let mut receivers = Vec::with_capacity(commands.len());
        for args in commands {
            receivers.push(mux.send(args, None)?);
        }
        let mut first_error = None;
        for receiver in receivers {
            if let Err(error) = wait(receiver, self.config.response_timeout, &self.runtime).await {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Runs a subscription change on the session's change task, in call
    /// order, so that it completes (the set and the server agree) even when
    /// the caller's future is dropped half-way, and a later call never
    /// overtakes an earlier one; the caller waits for its outcome.
    async fn detached<F>(self: &Arc<Self>, change: impl FnOnce(Arc<Session>) -> F) -> Result<()>
    where
        F: Future<Output = Result<()>> + Send + 'static,
    {
        if self.is_closed() {
            return Err(Error::closed());
        }
        let (tell, outcome) = futures_channel::oneshot::channel();
        let work = change(self.clone());
        let op: BoxFuture<'static, ()> = Box::pin(async move {
            let _ = tell.send(work.await);
        });
        {
            let mut changes = lock(&self.changes);
            if changes.is_none() {
                let (queue, mut ops) = futures_channel::mpsc::unbounded::<BoxFuture<'static, ()>>();
                self.runtime.spawn(async move {
                    while let Some(op) = futures_util::StreamExt::next(&mut ops).await {
                        op.await;
                    }
                })?;
                *changes = Some(queue);
            }
            let sent = changes.as_ref().map(|queue| queue.unbounded_send(op));
            if !matches!(sent, Some(Ok(()))) {
                return Err(Error::closed());
            }
        }
        outcome.await.unwrap_or_else(|_| {
            Err(Error::closed_because(
                "the task changing the subscriptions was dropped (was the runtime shut down?)",
            ))
        })
    }

    /// Subscribes to `names` of `kind` (with `handler`, if given) and waits
    /// for the server's confirmations. Completes even if the caller stops waiting.
    pub(crate) async fn subscribe(
        self: &Arc<Self>,
        kind: SubscriptionKind,
        names: Vec<Bytes>,
        handler: Option<Handler>,
    ) -> Result<()> {
        self.detached(move |s| async move { s.subscribe_now(kind, names, handler).await })
            .await
    }

    /// Unsubscribes (see [`Session::unsubscribe_now`]); completes even if the
    /// caller stops waiting.
    pub(crate) async fn unsubscribe(self: &Arc<Self>, kind: SubscriptionKind, names: Vec<Bytes>) -> Result<()> {
        self.detached(move |s| async move { s.unsubscribe_now(kind, names).await })
            .await
    }

    async fn subscribe_now(
        self: &Arc<Self>,
        kind: SubscriptionKind,
        names: Vec<Bytes>,
        handler: Option<Handler>,
    ) -> Result<()> {
        if names.is_empty() {
            return Err(Error::usage(format!(
                "{} needs at least one name",
                kind.subscribe_command()
            )));
        }
        let _ops = self.ops.lock().await;
        let added = self.subscriptions().add(kind, &names, handler.as_ref());
        let outcome = async {
            let (mux, restored) = self.connection().await?;
            if restored {
                return Ok(());
            }
            let commands: Vec<Args> = names
                .chunks(NAMES_PER_COMMAND)
                .map(|chunk| subscribe_args(kind.subscribe_command(), chunk))
                .collect();
            self.run_all(&mux, &commands).await
        }
        .await;
        if outcome.is_err() {
            // Not subscribed: never restored later either.
            self.subscriptions().remove_exact(kind, &added);
        }
        outcome
    }

    /// Unsubscribes from `names` of `kind` (all of them when empty). The
    /// names leave the set first, so they are never restored, even when the
    /// connection breaks meanwhile (the server then drops them with it).
    async fn unsubscribe_now(self: &Arc<Self>, kind: SubscriptionKind, names: Vec<Bytes>) -> Result<()> {
        let _ops = self.ops.lock().await;
        let removed = self.subscriptions().remove(kind, &names);
        let Some(mux) = self.live() else {
            return Ok(());
        };
        let targets = if names.is_empty() { removed } else { names };
        let commands: Vec<Args> = if targets.is_empty() {
            vec![subscribe_args(kind.unsubscribe_command(), &[])]
        } else {
            targets
                .chunks(NAMES_PER_COMMAND)
                .map(|chunk| subscribe_args(kind.unsubscribe_command(), chunk))
                .collect()
        };
        match self.run_all(&mux, &commands).await {
            Err(error) if error.breaks_connection() => Ok(()),
            other => other,
        }
    }

    /// `PING` on the connection (connecting if needed); the payload echoed.
    pub(crate) async fn ping(self: &Arc<Self>, message: Option<Bytes>) -> Result<Bytes> {
        let mux = {
            let _ops = self.ops.lock().await;
            self.connection().await?.0
        };
        let mut args = crate::commands::command("PING");
        if let Some(message) = &message {
            args.push(message);
        }
        let reply = wait(mux.send(&args, None)?, self.config.response_timeout, &self.runtime).await?;
        use crate::resp::Value;
        match reply {
            // RESP2 in subscribed mode: ["pong", message].
            Value::Array(items) => match items.into_iter().nth(1) {
                Some(Value::BulkString(b) | Value::SimpleString(b)) if !b.is_empty() || message.is_some() => Ok(b),
                _ => Ok(Bytes::from_static(b"PONG")),
            },
            Value::BulkString(b) | Value::SimpleString(b) => Ok(b),
            other => Err(crate::value::ConversionError::type_mismatch("a PING reply", &other).into()),
        }
    }

    fn start_supervisor(self: &Arc<Self>) -> Result<()> {
        if self.supervising.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let session = self.clone();
        self.runtime
            .spawn(async move { session.supervise().await })
            .inspect_err(|_| {
                self.supervising.store(false, Ordering::Release);
            })
    }

    /// Runs until the handle is closed: waits for the connection to end
    /// (checking it with `PING` every health-check interval), reports it,
    /// and reconnects with the client's backoff.
    async fn supervise(self: Arc<Self>) {
        loop {
            let Some(mux) = self.live() else {
                if !self.reconnect().await {
                    return;
                }
                continue;
            };
            if !self.watch(&mux).await {
                return;
            }
            self.report_end();
            if !self.reconnect().await {
                return;
            }
        }
    }

    /// Waits until `mux` ends (`true`) or the handle is closed (`false`).
    async fn watch(&self, mux: &Multiplexer) -> bool {
        let mut finished = pin!(mux.finished());
        loop {
            let mut tick = self.health_check.map(|period| self.runtime.sleep(period));
            let woke = poll_fn(|cx| {
                self.supervisor.register(cx.waker());
                if self.is_closed() {
                    return Poll::Ready(Some(false));
                }
                if finished.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Some(true));
                }
                match tick.as_mut().map(|t| t.as_mut().poll(cx)) {
                    Some(Poll::Ready(())) => Poll::Ready(None),
                    _ => Poll::Pending,
                }
            })
            .await;
            match woke {
                Some(ended) => return ended,
                None => self.health_check(mux).await,
            }
        }
    }

    /// One health check: a connection that does not answer `PING` in time is
    /// closed (and then replaced). Skipped while the buffer is full: the
    /// reply would wait behind unread messages.
    async fn health_check(&self, mux: &Multiplexer) {
        let Some(period) = self.health_check else { return };
        if self.queue.is_full() {
            return;
        }
        let args = crate::commands::command("PING");
        let Ok(receiver) = mux.send(&args, None) else { return };
        let limit = self.config.response_timeout.map_or(period, |t| t.min(period));
        // A reply held up behind a full buffer (the reader stalled since the
        // PING went out) proves nothing either way: the next check decides.
        if wait(receiver, Some(limit), &self.runtime).await.is_err() && !self.queue.is_full() {
            mux.abort();
        }
    }

    /// Reconnects with backoff until it works (`true`) or the handle is closed.
    async fn reconnect(self: &Arc<Self>) -> bool {
        let (base, cap) = self.config.reconnect_backoff;
        let mut attempt = 0u32;
        loop {
            if self.is_closed() {
                return false;
            }
            let outcome = {
                let _ops = self.ops.lock().await;
                self.connection().await
            };
            match outcome {
                Ok(_) => return true,
                Err(_) if self.is_closed() => return false,
                Err(_) => {
                    attempt = attempt.saturating_add(1);
                    let mut pause = self.runtime.sleep(backoff::delay(base, cap, attempt));
                    let closed = poll_fn(|cx| {
                        self.supervisor.register(cx.waker());
                        if self.is_closed() {
                            return Poll::Ready(true);
                        }
                        pause.as_mut().poll(cx).map(|()| false)
                    })
                    .await;
                    if closed {
                        return false;
                    }
                }
            }
        }
    }

    /// Closes the handle: the connection (now), the buffer (readers get
    /// nothing more) and the supervisor. Returns the connection, to wait for.
    pub(crate) fn close(&self) -> Option<Multiplexer> {
        let mux = {
            let mut state = lock(&self.conn);
            state.closed = true;
            state.live.take().map(|l| l.mux)
        };
        if let Some(mux) = &mux {
            mux.abort();
        }
        self.queue.close();
        self.supervisor.wake();
        // The change task ends once the changes already queued are done.
        lock(&self.changes).take();
        mux
    }
}

/// `command name...` as a subscribe-family command.
fn subscribe_args(command: &'static str, names: &[Bytes]) -> Args {
    let mut args = crate::commands::command(command);
    for name in names {
        args.push(name);
    }
    args.with_class(CommandClass::Subscribe)
}
