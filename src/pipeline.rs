//! [`Pipeline`]: many commands, one write, all replies at once; optionally
//! atomic (`MULTI` / `EXEC`).

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::BytesMut;
use futures_channel::oneshot;

use crate::cmd::Cmd;
use crate::commands::CommandTarget;
use crate::error::{RequestState, ServerError};
use crate::multiplex::ManyReceiver;
use crate::request::{command_name, count_sent, limit_for, plan, refused, Plan, Source};
use crate::resp::Value;
use crate::rt::with_timeout;
use crate::script::Script;
use crate::telemetry::{Probe, Scoped};
use crate::value::{Args, BlockTime, CommandClass, FromValue};
use crate::{Error, Result};

/// Commands queued to be sent together.
///
/// Typed methods queue a command and return the pipeline, so they chain;
/// [`Pipeline::query`] sends everything in one write and converts all the
/// replies at once (a tuple, a `Vec<Value>`, ...). [`Pipeline::query_each`]
/// keeps each command's own result, so a server error in one command does not
/// hide the others' results.
///
/// ```no_run
/// # futures_lite::future::block_on(async {
/// use anyredis::prelude::*;
/// let client = Client::open("redis://127.0.0.1")?;
/// let pipe = client.pipeline();
/// pipe.set("a", 1).incr("a").get::<i64>("a");
/// let ((), n, a): ((), i64, i64) = pipe.query().await?;
/// assert_eq!((n, a), (2, 2));
/// # Ok::<(), anyredis::Error>(())
/// # });
/// ```
///
/// With [`Pipeline::atomic`], the commands are wrapped in `MULTI` / `EXEC`: the
/// server runs all of them or, if one is rejected while queueing, none
/// (an `EXECABORT` server error).
///
/// Commands are routed like single ones: a pipeline holding a blocking
/// command (outside `MULTI`) runs on a pooled connection; one holding a
/// command that changes the connection's state (`SELECT`, `SUBSCRIBE`, ...)
/// is refused on a client's shared connection ([`crate::ErrorKind::Usage`],
/// nothing sent).
pub struct Pipeline {
    source: Arc<dyn Source>,
    queued: Mutex<Queued>,
    atomic: bool,
    idempotent: bool,
}

#[derive(Default)]
struct Queued {
    encoded: BytesMut,
    count: usize,
    /// The longest a queued command may block the connection (`BLPOP` ...).
    block: Option<BlockTime>,
    /// The first queued command that is neither ordinary nor blocking, with
    /// its name: whether the pipeline may run on its source depends on it.
    special: Option<(CommandClass, String)>,
    /// Scripts called by queued commands, loaded just before them.
    scripts: Vec<Script>,
    /// The first queued command whose arguments were refused ([`Args::refuse`]):
    /// its name and the reason. The pipeline is then not sent.
    refused: Option<(String, String)>,
}

impl Pipeline {
    pub(crate) fn new(source: Arc<dyn Source>) -> Pipeline {
        Pipeline {
            source,
            queued: Mutex::new(Queued::default()),
            atomic: false,
            idempotent: false,
        }
    }

    /// Wraps the commands in `MULTI` / `EXEC` when sent.
    #[must_use]
    pub fn atomic(mut self) -> Pipeline {
        self.atomic = true;
        self
    }

    /// Opts in to one automatic resend when the connection is lost after the
    /// pipeline was sent but before all replies arrived. Only for pipelines
    /// whose commands are all safe to run twice.
    #[must_use]
    pub fn idempotent(mut self) -> Pipeline {
        self.idempotent = true;
        self
    }

    /// Whether the pipeline is sent as a `MULTI` / `EXEC` transaction.
    pub fn is_atomic(&self) -> bool {
        self.atomic
    }

    /// Queues a raw command (classified from its name, like
    /// [`crate::Client::cmd`]).
    pub fn add(&self, cmd: &Cmd) -> &Pipeline {
        let mut args = cmd.args().clone();
        args.classify();
        self.push(&args);
        self
    }

    /// How many commands are queued.
    pub fn len(&self) -> usize {
        self.lock().count
    }

    /// Whether no command is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every queued command.
    pub fn clear(&self) {
        let mut queued = self.lock();
        queued.encoded.clear();
        queued.count = 0;
        queued.block = None;
        queued.special = None;
        queued.scripts.clear();
        queued.refused = None;
    }

    /// Sends the queued commands and converts the array of their replies to `T`
    /// (a tuple with one element per command, a `Vec`, ...). A server error in
    /// any command fails the conversion; use [`Pipeline::query_each`] to see
    /// each command's own result. The commands stay queued: `clear` to reuse.
    ///
    /// A server error reply to one command is returned as that
    /// [`crate::ErrorKind::Server`] error, with its code and
    /// [`Error::command_index`].
    pub async fn query<T: FromValue>(&self) -> Result<T> {
        self.observed(&self.source, self.atomic, async {
            let replies = self.run().await?.unwrap_or_default();
            convert(replies)
        })
        .await
    }

    /// Sends the queued commands and returns each command's result in order.
    pub async fn query_each(&self) -> Result<Vec<Result<Value>>> {
        let replies = self
            .observed(&self.source, self.atomic, async {
                Ok(self.run().await?.unwrap_or_default())
            })
            .await?;
        Ok(replies
            .into_iter()
            .map(|value| match value {
                Value::Error(line) => Err(ServerError::new(line).into()),
                value => Ok(value),
            })
            .collect())
    }

    /// The replies; `None` when an atomic pipeline's `EXEC` was aborted by a
    /// `WATCH`ed key changing.
    pub(crate) async fn run(&self) -> Result<Option<Vec<Value>>> {
        if self.is_empty() {
            return Ok(Some(Vec::new()));
        }
        self.send_via(&self.source, self.atomic).await
    }

    /// Sends the queued commands as `MULTI` ... `EXEC` on `source` (a
    /// transaction's connection), even when none is queued: an empty `EXEC`
    /// still ends the `WATCH` and tells whether a watched key changed.
    pub(crate) async fn exec_on(&self, source: &Arc<dyn Source>) -> Result<Option<Vec<Value>>> {
        self.observed(source, true, self.send_via(source, true)).await
    }

    /// Runs `work` (this pipeline sent on `source`, its replies converted)
    /// as one request of the source's instruments: counted, told to the
    /// hook, in a span. The outcome is what the caller gets.
    async fn observed<R>(
        &self,
        source: &Arc<dyn Source>,
        atomic: bool,
        work: impl std::future::Future<Output = Result<R>>,
    ) -> Result<R> {
        let Some(telemetry) = source.telemetry() else {
            return work.await;
        };
        let count = self.len();
        let probe = Scoped::new(telemetry, Probe::pipeline(telemetry, count, atomic));
        #[cfg(feature = "tracing")]
        let result = match probe.probe.span() {
            Some(span) => tracing::Instrument::instrument(work, span).await,
            None => work.await,
        };
        #[cfg(not(feature = "tracing"))]
        let result = work.await;
        probe.finish(&result, count);
        result
    }

    async fn send_via(&self, source: &Arc<dyn Source>, atomic: bool) -> Result<Option<Vec<Value>>> {
        let (encoded, count, block, special, loads) = {
            let queued = self.lock();
            if let Some((name, reason)) = &queued.refused {
                return Err(refused(name, reason));
            }
            (
                frame(&queued, atomic),
                queued.count,
                queued.block,
                queued.special.clone(),
                queued.scripts.len(),
            )
        };
        if let Some((class, name)) = special {
            plan(&**source, class, &|| name.clone())?;
        }
        // Inside MULTI a blocking command does not block; outside, the pipeline
        // waits as long as its longest blocking command and must not stall a
        // shared connection.
        let block = block.filter(|_| !atomic);
        let route = match block {
            Some(_) => plan(&**source, CommandClass::Blocking, &|| "a pipeline".into())?,
            None => Plan::Here,
        };
        let limit = limit_for(block, source.response_timeout());
        let total = if atomic { count.saturating_add(2) } else { count };
        // The scripts' `SCRIPT LOAD`s go first, in the same write.
        let total = total.saturating_add(loads);
        let mut tries: u32 = if self.idempotent { 2 } else { 1 };
        let replies = loop {
            tries = tries.saturating_sub(1);
            let attempt = async {
                match (route, source.pool()) {
                    (Plan::Pool, Some(pool)) => {
                        let lease = pool.acquire().await?;
                        let receiver = lease.send_many(&encoded, total, None)?;
                        count_sent(&**source, total);
                        receive(receiver).await
                    }
                    _ => send(source, &encoded, total).await,
                }
            };
            let result = with_timeout(source.runtime(), limit, attempt)
                .await
                .unwrap_or_else(|()| {
                    Err(Error::timeout(
                        "waiting for pipeline replies",
                        limit.unwrap_or_default(),
                        RequestState::SentUnanswered,
                    ))
                });
            match result {
                Err(e) if tries > 0 && e.lost_after_send() => continue,
                result => break result?,
            }
        };
        let replies = script_loads_done(replies, loads)?;
        if atomic {
            exec_result(replies)
        } else {
            Ok(Some(replies))
        }
    }

    /// Queues a call of `script` (its `EVALSHA` in `args`) and remembers the
    /// script, to load it just before the pipeline runs.
    pub(crate) fn push_script(&self, script: &Script, args: Args) -> &Pipeline {
        {
            let mut queued = self.lock();
            if !queued.scripts.iter().any(|known| known.sha1() == script.sha1()) {
                queued.scripts.push(script.clone());
            }
        }
        self.push(&args);
        self
    }

    fn push(&self, args: &Args) {
        let mut queued = self.lock();
        args.write_frame(&mut queued.encoded);
        queued.count = queued.count.saturating_add(1);
        if let Some(block) = args.block_time().filter(|_| args.class() == CommandClass::Blocking) {
            queued.block = Some(match queued.block {
                Some(longest) => longest.max(block),
                None => block,
            });
        }
        if let (Some(reason), None) = (args.refused(), &queued.refused) {
            queued.refused = Some((command_name(args), reason.to_owned()));
        }
        if !matches!(args.class(), CommandClass::Shared | CommandClass::Blocking) && queued.special.is_none() {
            queued.special = Some((args.class(), command_name(args)));
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queued> {
        self.queued.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Converts a pipeline's replies to `T`; the first server error reply is
/// returned as such, with its command's index.
pub(crate) fn convert<T: FromValue>(replies: Vec<Value>) -> Result<T> {
    let failed = replies.iter().enumerate().find_map(|(i, reply)| match reply {
        Value::Error(line) => Some((i, line.clone())),
        _ => None,
    });
    if let Some((index, line)) = failed {
        return Err(Error::in_pipeline(ServerError::new(line), index));
    }
    Ok(T::from_value(Value::Array(replies))?)
}

/// The replies of the pipeline's own commands, once the `SCRIPT LOAD`s sent
/// first have succeeded (a script that does not compile fails here, with the
/// server's reason).
fn script_loads_done(mut replies: Vec<Value>, loads: usize) -> Result<Vec<Value>> {
    let rest = replies.split_off(loads.min(replies.len()));
    for reply in replies {
        if let Value::Error(line) = reply {
            return Err(ServerError::new(line).into());
        }
    }
    Ok(rest)
}

/// The bytes to send: the scripts' `SCRIPT LOAD`s, then the queued commands,
/// inside `MULTI` / `EXEC` if atomic.
fn frame(queued: &Queued, atomic: bool) -> BytesMut {
    let mut out = BytesMut::with_capacity(queued.encoded.len().saturating_add(32));
    for script in &queued.scripts {
        script.load_args().write_frame(&mut out);
    }
    if atomic {
        out.extend_from_slice(b"*1\r\n$5\r\nMULTI\r\n");
    }
    out.extend_from_slice(&queued.encoded);
    if atomic {
        out.extend_from_slice(b"*1\r\n$4\r\nEXEC\r\n");
    }
    out
}

/// Sends pre-encoded commands on the source's live connection (connecting when
/// needed; once more if the connection ended before they were queued).
async fn send(source: &Arc<dyn Source>, encoded: &[u8], count: usize) -> Result<Vec<Value>> {
    let mut attempts: u32 = 0;
    let epoch = source.epoch();
    let receiver = loop {
        attempts = attempts.saturating_add(1);
        let mux = match source.live() {
            Some(mux) => mux,
            None => source.clone().connect().await?,
        };
        match mux.send_many(encoded, count, epoch) {
            Ok(receiver) => {
                count_sent(&**source, count);
                break receiver;
            }
            Err(e) if attempts < 2 && e.request_state() == RequestState::NotSent && e.is_connection() => continue,
            Err(e) => return Err(e),
        }
    };
    receive(receiver).await
}

async fn receive(receiver: ManyReceiver) -> Result<Vec<Value>> {
    match receiver.await {
        Ok(result) => result,
        Err(oneshot::Canceled) => Err(Error::connection_lost(
            "the connection's driver stopped",
            RequestState::Unknown,
        )),
    }
}

/// Reads `MULTI`, `QUEUED`..., `EXEC` replies: the results, `None` for an
/// aborted `EXEC` (nil), or the server's error (`EXECABORT` names the first
/// command the server refused to queue).
fn exec_result(mut replies: Vec<Value>) -> Result<Option<Vec<Value>>> {
    let exec = replies.pop().unwrap_or(Value::Nil);
    if let Some(Value::Error(line)) = replies.first() {
        return Err(ServerError::new(line.clone()).into());
    }
    match exec {
        Value::Array(results) => Ok(Some(results)),
        Value::Nil => Ok(None),
        Value::Error(line) => {
            // EXECABORT: name (and point at) the first command the server refused to queue.
            let refused = replies
                .get(1..)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .find_map(|(i, r)| match r {
                    Value::Error(e) => Some((i, String::from_utf8_lossy(e).into_owned())),
                    _ => None,
                });
            match refused {
                Some((index, first)) => {
                    let text = format!("{} (first refused command: {first})", String::from_utf8_lossy(&line));
                    Err(Error::in_pipeline(ServerError::new(text.into()), index))
                }
                None => Err(ServerError::new(line).into()),
            }
        }
        other => Err(Error::connection_lost(
            format!("unexpected EXEC reply: {}", other.type_name()),
            RequestState::Unknown,
        )),
    }
}

impl CommandTarget for Pipeline {
    type Output<'a, T: FromValue + 'a> = &'a Pipeline;

    fn command<'a, T: FromValue + 'a>(&'a self, args: Args) -> &'a Pipeline {
        self.push(&args);
        self
    }
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("commands", &self.len())
            .field("atomic", &self.atomic)
            .finish()
    }
}
