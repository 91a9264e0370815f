//! Where replies go: one caller waiting for one reply, or a pipeline waiting
//! for a fixed number of them.

use futures_channel::oneshot;

use super::reply_cell::{self, ReplyReceiver, ReplySender};

use crate::error::ServerError;
use crate::resp::Value;
use crate::{Error, Result};

/// The receiving end of a [`Slot::One`] (a reused cell, see [`super::reply_cell`]).
pub(crate) type OneReceiver = ReplyReceiver;
/// The receiving end of a [`Slot::Many`]: every reply, server errors kept as [`Value::Error`].
pub(crate) type ManyReceiver = oneshot::Receiver<Result<Vec<Value>>>;

pub(crate) enum Slot {
    /// One command; an error reply becomes `Err`.
    One(ReplySender),
    /// A pipeline of `left` more replies.
    Many {
        sender: oneshot::Sender<Result<Vec<Value>>>,
        replies: Vec<Value>,
        left: usize,
    },
    /// A subscribe-family command: `left` more confirmations of `kind` (its
    /// name in lowercase; push frames on RESP3), delivered together as one array.
    Confirmations {
        sender: ReplySender,
        replies: Vec<Value>,
        left: usize,
        kind: Box<[u8]>,
    },
}

/// The first element of subscribe-family confirmations.
const CONFIRMATIONS: [&[u8]; 6] = [
    b"subscribe",
    b"psubscribe",
    b"ssubscribe",
    b"unsubscribe",
    b"punsubscribe",
    b"sunsubscribe",
];

/// Whether `kind` (a frame's first element) names a subscribe-family confirmation.
pub(crate) fn is_confirmation_kind(kind: &[u8]) -> bool {
    CONFIRMATIONS.iter().any(|c| c.eq_ignore_ascii_case(kind))
}

impl Slot {
    pub(crate) fn one() -> (Slot, OneReceiver) {
        let (sender, receiver) = reply_cell::channel();
        (Slot::One(sender), receiver)
    }

    pub(crate) fn many(count: usize) -> (Slot, ManyReceiver) {
        let (sender, receiver) = oneshot::channel();
        // The count is ours (the commands we encoded), not the server's: safe to reserve.
        (
            Slot::Many {
                sender,
                replies: Vec::with_capacity(count),
                left: count,
            },
            receiver,
        )
    }

    /// A slot for a subscribe-family command named `name` expecting `count` confirmations.
    pub(crate) fn confirmations(name: &[u8], count: usize) -> (Slot, OneReceiver) {
        let (sender, receiver) = reply_cell::channel();
        // The count is the number of channels we sent, not the server's word.
        (
            Slot::Confirmations {
                sender,
                replies: Vec::with_capacity(count),
                left: count,
                kind: name.to_ascii_lowercase().into_boxed_slice(),
            },
            receiver,
        )
    }

    /// Whether `next` is this slot's last reply (an error ends a subscribe
    /// command's confirmations at once).
    pub(crate) fn takes_last_reply(&self, next: &Value) -> bool {
        match self {
            Slot::One(_) => true,
            Slot::Many { left, .. } => *left <= 1,
            Slot::Confirmations { left, .. } => *left <= 1 || matches!(next, Value::Error(_)),
        }
    }

    /// Whether this slot is answered by a frame with these elements: a
    /// confirmation of the kind its subscribe-family command waits for (any
    /// other frame of that shape is out of band: a message, or a confirmation
    /// the server sent on its own).
    pub(crate) fn takes_confirmation(&self, items: &[Value]) -> bool {
        match (self, items.first()) {
            (Slot::Confirmations { kind, .. }, Some(Value::BulkString(got) | Value::SimpleString(got))) => {
                kind.eq_ignore_ascii_case(got)
            }
            _ => false,
        }
    }

    /// Keeps a reply that is not this slot's last (see
    /// [`Slot::takes_last_reply`]); a single-reply slot never gets one.
    pub(crate) fn keep(&mut self, value: Value) {
        match self {
            Slot::One(_) => {}
            Slot::Many { replies, left, .. } | Slot::Confirmations { replies, left, .. } => {
                replies.push(value);
                *left = left.saturating_sub(1);
            }
        }
    }

    /// Takes one reply; returns the slot back while it still waits for more.
    /// A caller that gave up (dropped its receiver) just has its reply discarded.
    pub(crate) fn deliver(self, value: Value) -> Option<Slot> {
        match self {
            Slot::One(sender) => {
                let reply = match value {
                    Value::Error(line) => Err(ServerError::new(line).into()),
                    value => Ok(value),
                };
                sender.send(reply);
                None
            }
            Slot::Many {
                sender,
                mut replies,
                left,
            } => {
                replies.push(value);
                if left > 1 {
                    Some(Slot::Many {
                        sender,
                        replies,
                        left: left.saturating_sub(1),
                    })
                } else {
                    let _ = sender.send(Ok(replies));
                    None
                }
            }
            Slot::Confirmations {
                sender,
                mut replies,
                left,
                kind,
            } => {
                if let Value::Error(line) = value {
                    sender.send(Err(ServerError::new(line).into()));
                    return None;
                }
                replies.push(value);
                if left > 1 {
                    Some(Slot::Confirmations {
                        sender,
                        replies,
                        left: left.saturating_sub(1),
                        kind,
                    })
                } else {
                    sender.send(Ok(Value::Array(replies)));
                    None
                }
            }
        }
    }

    /// Ends the slot with an error.
    pub(crate) fn fail(self, error: Error) {
        match self {
            Slot::One(sender) | Slot::Confirmations { sender, .. } => sender.send(Err(error)),
            Slot::Many { sender, .. } => {
                let _ = sender.send(Err(error));
            }
        }
    }
}
