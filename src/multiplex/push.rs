//! Out-of-band frames: what a connection receives that is no caller's reply.
//!
//! Which frames are out of band depends on what the connection is for
//! ([`PushMode`]); they go to a [`PushSink`] instead of a reply slot. A sink
//! that is full makes the driver stop reading the socket until it has room
//! again (the sink decides, by its policy, whether it is ever full).

use std::sync::Arc;
use std::task::{Context, Poll};

use super::Slot;
use crate::resp::Value;

/// Where a connection's out-of-band frames go.
pub(crate) trait PushSink: Send + Sync + 'static {
    /// Takes one frame. Returns `false` when the sink is now full: the driver
    /// then reads nothing more until [`PushSink::poll_room`] is ready.
    fn push(&self, frame: Value) -> bool;

    /// Ready once the sink has room again; otherwise registers the waker.
    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()>;
}

/// What the connection is for, which decides which frames are out of band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PushMode {
    /// Ordinary commands: only RESP3 push frames (client-side caching
    /// invalidations, ...) are out of band.
    Commands,
    /// A pub/sub connection: published messages in either protocol (RESP2
    /// sends them as plain arrays), and confirmations nobody asked for. The
    /// confirmations a subscribe command waits for are its reply and are
    /// also copied to the sink, so readers see them in order with the
    /// messages.
    PubSub,
    /// A `MONITOR` connection: every frame when no reply is owed.
    Monitor,
}

/// A connection's sink and mode.
#[derive(Clone)]
pub(crate) struct Pushes {
    pub(crate) sink: Arc<dyn PushSink>,
    pub(crate) mode: PushMode,
}

/// Which of a pub/sub connection's frames are messages (never replies).
const MESSAGE_KINDS: [&[u8]; 3] = [b"message", b"pmessage", b"smessage"];

/// What to do with one frame.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// The oldest waiting slot's reply.
    Reply,
    /// The oldest waiting slot's reply, and a copy to the sink.
    ReplyAndCopy,
    /// Out of band: to the sink (or dropped when there is none).
    Out,
}

/// Decides where `frame` goes, given the oldest waiting slot.
pub(crate) fn route(mode: PushMode, frame: &Value, front: Option<&Slot>) -> Route {
    let takes = |items: &[Value]| front.is_some_and(|slot| slot.takes_confirmation(items));
    match (mode, frame) {
        (PushMode::Monitor, _) if front.is_none() => Route::Out,
        (PushMode::PubSub, Value::Push(items) | Value::Array(items)) => {
            if takes(items) {
                Route::ReplyAndCopy
            } else if matches!(frame, Value::Push(_)) || is_pubsub_frame(items) {
                Route::Out
            } else {
                Route::Reply
            }
        }
        (_, Value::Push(items)) if takes(items) => Route::Reply,
        (_, Value::Push(_)) => Route::Out,
        _ => Route::Reply,
    }
}

/// Whether a pub/sub connection's array is a message or a confirmation by
/// its first element (RESP2 sends both as plain arrays).
fn is_pubsub_frame(items: &[Value]) -> bool {
    match items.first() {
        Some(Value::BulkString(kind) | Value::SimpleString(kind)) => {
            MESSAGE_KINDS.iter().any(|k| k.eq_ignore_ascii_case(kind)) || super::slot::is_confirmation_kind(kind)
        }
        _ => false,
    }
}
