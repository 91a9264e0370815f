//! [`Pipeline`]: many commands, one write, all replies at once; optionally
//! atomic (`MULTI` / `EXEC`).

use std::sync::{Mutex, MutexGuard};

use bytes::BytesMut;

use crate::cmd::Cmd;
use crate::commands::CommandTarget;
use crate::error::{RequestState, ServerError};
use crate::multiplex::MuxSource;
use crate::pool::{block_time, BlockTime};
use crate::resp::Value;
use crate::rt::with_timeout;
use crate::value::{Args, FromValue};
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
pub struct Pipeline {
    source: Box<dyn MuxSource + Send>,
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
}

impl Pipeline {
    pub(crate) fn new(source: Box<dyn MuxSource + Send>) -> Pipeline {
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

    /// Queues a raw command.
    pub fn add(&self, cmd: &Cmd) -> &Pipeline {
        self.push(cmd.args());
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
    }

    /// Sends the queued commands and converts the array of their replies to `T`
    /// (a tuple with one element per command, a `Vec`, ...). A server error in
    /// any command fails the conversion; use [`Pipeline::query_each`] to see
    /// each command's own result. The commands stay queued: `clear` to reuse.
    pub async fn query<T: FromValue>(&self) -> Result<T> {
        let replies = self.run().await?.unwrap_or_default();
        Ok(T::from_value(Value::Array(replies))?)
    }

    /// Sends the queued commands and returns each command's result in order.
    pub async fn query_each(&self) -> Result<Vec<Result<Value>>> {
        let replies = self.run().await?.unwrap_or_default();
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
        self.send_via(&*self.source, self.atomic).await
    }

    /// Sends the queued commands as `MULTI` ... `EXEC` on `source` (a transaction's connection).
    pub(crate) async fn exec_on(&self, source: &dyn MuxSource) -> Result<Option<Vec<Value>>> {
        self.send_via(source, true).await
    }

    async fn send_via(&self, source: &dyn MuxSource, atomic: bool) -> Result<Option<Vec<Value>>> {
        let (encoded, count, block) = {
            let queued = self.lock();
            if queued.count == 0 {
                return Ok(Some(Vec::new()));
            }
            (frame(&queued, atomic), queued.count, queued.block)
        };
        let total = if atomic { count + 2 } else { count };
        let mut limit = source.response_timeout();
        // Inside MULTI a blocking command does not block; outside, the pipeline
        // waits as long as its longest blocking command and must not stall a
        // shared connection.
        let leased = match block.filter(|_| !atomic) {
            Some(block) => {
                limit = block.response_timeout(limit);
                match source.dedicated() {
                    Some(lease) => Some(lease.await?),
                    None => None,
                }
            }
            None => None,
        };
        let source: &dyn MuxSource = match &leased {
            Some(lease) => &**lease,
            None => source,
        };
        let mut tries = if self.idempotent { 2 } else { 1 };
        let replies = loop {
            tries -= 1;
            let sent = with_timeout(source.runtime(), limit, send(source, &encoded, total)).await;
            let result = sent.unwrap_or_else(|()| {
                let limit = limit.unwrap_or_default();
                Err(Error::timeout(
                    "waiting for pipeline replies",
                    limit,
                    RequestState::SentUnanswered,
                ))
            });
            match result {
                Err(e) if tries > 0 && e.lost_after_send() => continue,
                result => break result?,
            }
        };
        if atomic {
            exec_result(replies)
        } else {
            Ok(Some(replies))
        }
    }

    fn push(&self, args: &Args) {
        let mut queued = self.lock();
        args.write_frame(&mut queued.encoded);
        queued.count += 1;
        if let Some(block) = block_time(args) {
            queued.block = Some(match queued.block {
                Some(longest) => longest.max(block),
                None => block,
            });
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queued> {
        self.queued.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The bytes to send: the queued commands, inside `MULTI` / `EXEC` if atomic.
fn frame(queued: &Queued, atomic: bool) -> BytesMut {
    let mut out = BytesMut::with_capacity(queued.encoded.len() + 32);
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
async fn send(source: &dyn MuxSource, encoded: &[u8], count: usize) -> Result<Vec<Value>> {
    let mut attempts = 0;
    let receiver = loop {
        attempts += 1;
        let mux = match source.live() {
            Some(mux) => mux,
            None => source.connect().await?,
        };
        match mux.send_many(encoded, count) {
            Ok(receiver) => break receiver,
            Err(e) if attempts < 2 && e.request_state() == RequestState::NotSent && !e.is_closed() => continue,
            Err(e) => return Err(e),
        }
    };
    match receiver.await {
        Ok(result) => result,
        Err(_) => Err(Error::connection_lost(
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
            let queue_error = replies[1..].iter().find_map(|r| match r {
                Value::Error(e) => Some(String::from_utf8_lossy(e).into_owned()),
                _ => None,
            });
            let text = match queue_error {
                Some(first) => format!("{} (first refused command: {first})", String::from_utf8_lossy(&line)),
                None => String::from_utf8_lossy(&line).into_owned(),
            };
            Err(ServerError::new(text.into()).into())
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
