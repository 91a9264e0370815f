//! The bounded buffer between a connection's driver and its readers, with a
//! [`DeliveryPolicy`] for when the readers fall behind.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::multiplex::PushSink;
use crate::resp::Value;

/// What happens when messages arrive faster than they are read and the
/// buffer is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DeliveryPolicy {
    /// Stop reading the connection until the reader catches up (the default:
    /// nothing is lost in the client). The server keeps what it could not
    /// send in the connection's output buffer; past its
    /// `client-output-buffer-limit pubsub` (32 MB hard, 8 MB for 60 s by
    /// default) it closes the connection, which the handle reports as
    /// [`super::Message::Disconnected`] / [`super::Message::Reconnected`].
    /// While the buffer is full, replies on the same connection (a
    /// `subscribe` confirmation, a `ping`) wait behind the messages: read from
    /// another task, or pick a drop policy.
    #[default]
    Backpressure,
    /// Drop the oldest buffered message to make room (keeps the newest).
    DropOldest,
    /// Drop the arriving message (keeps the oldest).
    DropNewest,
}

/// How much the buffer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub(crate) messages: usize,
    pub(crate) bytes: usize,
}

/// What a reader takes out of the queue.
#[derive(Debug)]
pub(crate) enum Entry<T> {
    Item(T),
    /// This many items were dropped here.
    Gap(u64),
}

/// Converts frames into items and measures them.
pub(crate) trait Parse<T>: Send + Sync + 'static {
    fn parse(&self, frame: Value) -> Option<T>;
    fn size(&self, item: &T) -> usize;
}

pub(crate) struct Queue<T, P> {
    state: Mutex<State<T>>,
    bounds: Bounds,
    policy: DeliveryPolicy,
    parser: P,
    dropped: AtomicU64,
}

struct State<T> {
    entries: VecDeque<Entry<T>>,
    bytes: usize,
    /// Items dropped at the front since a reader last looked (DropOldest).
    front_gap: u64,
    /// Items dropped at the back since the last accepted one (DropNewest).
    back_gap: u64,
    readers: Vec<Waker>,
    /// The driver, waiting for room.
    room: Option<Waker>,
    closed: bool,
}

impl<T: Send + 'static, P: Parse<T>> Queue<T, P> {
    pub(crate) fn new(bounds: Bounds, policy: DeliveryPolicy, parser: P) -> Queue<T, P> {
        Queue {
            state: Mutex::new(State {
                entries: VecDeque::new(),
                bytes: 0,
                front_gap: 0,
                back_gap: 0,
                readers: Vec::new(),
                room: None,
                closed: false,
            }),
            bounds,
            policy,
            parser,
            dropped: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn parser(&self) -> &P {
        &self.parser
    }

    /// Messages dropped by the policy so far.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Items buffered now.
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the buffer is at its bound.
    pub(crate) fn is_full(&self) -> bool {
        self.full(&self.lock())
    }

    fn full(&self, state: &State<T>) -> bool {
        state.entries.len() >= self.bounds.messages || state.bytes >= self.bounds.bytes
    }

    /// Adds an item, applying the policy; returns whether there is still room
    /// (always `true` for the drop policies).
    pub(crate) fn offer(&self, item: T) -> bool {
        let size = self.parser.size(&item);
        let wake = {
            let mut state = self.lock();
            if state.closed {
                return true;
            }
            if self.full(&state) {
                match self.policy {
                    DeliveryPolicy::Backpressure => {}
                    DeliveryPolicy::DropNewest => {
                        state.back_gap = state.back_gap.saturating_add(1);
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                        return true;
                    }
                    DeliveryPolicy::DropOldest => {
                        while self.full(&state) {
                            match state.entries.pop_front() {
                                Some(Entry::Item(old)) => {
                                    state.bytes = state.bytes.saturating_sub(self.parser.size(&old));
                                    state.front_gap = state.front_gap.saturating_add(1);
                                    self.dropped.fetch_add(1, Ordering::Relaxed);
                                }
                                Some(Entry::Gap(n)) => state.front_gap = state.front_gap.saturating_add(n),
                                None => break,
                            }
                        }
                    }
                }
            }
            if state.back_gap > 0 {
                let gap = std::mem::take(&mut state.back_gap);
                state.entries.push_back(Entry::Gap(gap));
            }
            state.entries.push_back(Entry::Item(item));
            state.bytes = state.bytes.saturating_add(size);
            let room = self.policy != DeliveryPolicy::Backpressure || !self.full(&state);
            (std::mem::take(&mut state.readers), room)
        };
        let (readers, room) = wake;
        for reader in readers {
            reader.wake();
        }
        room
    }

    /// Adds an event outside the bounds (connection events: few and small).
    pub(crate) fn offer_event(&self, item: T) {
        let readers = {
            let mut state = self.lock();
            if state.closed {
                return;
            }
            state.entries.push_back(Entry::Item(item));
            std::mem::take(&mut state.readers)
        };
        for reader in readers {
            reader.wake();
        }
    }

    /// The next entry; `None` once the queue is closed.
    pub(crate) fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Entry<T>>> {
        let (entry, room) = {
            let mut state = self.lock();
            if state.closed {
                return Poll::Ready(None);
            }
            if state.front_gap > 0 {
                let gap = std::mem::take(&mut state.front_gap);
                return Poll::Ready(Some(Entry::Gap(gap)));
            }
            let entry = match state.entries.pop_front() {
                Some(entry) => entry,
                None if state.back_gap > 0 => Entry::Gap(std::mem::take(&mut state.back_gap)),
                None => {
                    if !state.readers.iter().any(|w| w.will_wake(cx.waker())) {
                        state.readers.push(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
            };
            if let Entry::Item(item) = &entry {
                state.bytes = state.bytes.saturating_sub(self.parser.size(item));
            }
            let room = if self.full(&state) { None } else { state.room.take() };
            (entry, room)
        };
        if let Some(driver) = room {
            driver.wake();
        }
        Poll::Ready(Some(entry))
    }

    /// Ends the queue: readers get `None`, buffered items are discarded, and
    /// a driver waiting for room goes on (dropping what it reads).
    pub(crate) fn close(&self) {
        let (readers, room) = {
            let mut state = self.lock();
            state.closed = true;
            state.entries.clear();
            state.bytes = 0;
            (std::mem::take(&mut state.readers), state.room.take())
        };
        for reader in readers {
            reader.wake();
        }
        if let Some(driver) = room {
            driver.wake();
        }
    }
}

impl<T: Send + 'static, P: Parse<T>> PushSink for Queue<T, P> {
    fn push(&self, frame: Value) -> bool {
        match self.parser.parse(frame) {
            Some(item) => self.offer(item),
            None => true,
        }
    }

    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.lock();
        if state.closed || !self.full(&state) {
            return Poll::Ready(());
        }
        state.room = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::task::Context;

    use futures_util::task::noop_waker_ref;

    use super::*;

    struct Numbers;
    impl Parse<u64> for Numbers {
        fn parse(&self, frame: Value) -> Option<u64> {
            match frame {
                Value::Integer(n) => u64::try_from(n).ok(),
                _ => None,
            }
        }
        fn size(&self, _: &u64) -> usize {
            8
        }
    }

    fn drain(q: &Queue<u64, Numbers>) -> Vec<String> {
        let mut cx = Context::from_waker(noop_waker_ref());
        let mut out = Vec::new();
        while let Poll::Ready(Some(entry)) = q.poll_next(&mut cx) {
            out.push(match entry {
                Entry::Item(n) => n.to_string(),
                Entry::Gap(n) => format!("gap {n}"),
            });
        }
        out
    }

    fn queue(policy: DeliveryPolicy) -> Queue<u64, Numbers> {
        Queue::new(
            Bounds {
                messages: 3,
                bytes: 1 << 20,
            },
            policy,
            Numbers,
        )
    }

    #[test]
    fn backpressure_keeps_everything_and_says_when_full() {
        let q = queue(DeliveryPolicy::Backpressure);
        assert!(q.push(Value::Integer(1)) && q.push(Value::Integer(2)));
        assert!(!q.push(Value::Integer(3)), "full at the bound");
        let mut cx = Context::from_waker(noop_waker_ref());
        assert!(q.poll_room(&mut cx).is_pending());
        assert!(!q.push(Value::Integer(4)), "one over the bound is still kept");
        assert!(q.push(Value::Nil), "frames that are not items are skipped");
        assert_eq!(drain(&q), ["1", "2", "3", "4"]);
        assert!(q.poll_room(&mut cx).is_ready());
        assert_eq!(q.dropped(), 0);
    }

    #[test]
    fn drop_policies_count_and_mark_the_gap() {
        let q = queue(DeliveryPolicy::DropOldest);
        for n in 1..=7 {
            assert!(q.push(Value::Integer(n)));
        }
        assert_eq!(drain(&q), ["gap 4", "5", "6", "7"]);
        assert_eq!(q.dropped(), 4);

        let q = queue(DeliveryPolicy::DropNewest);
        for n in 1..=7 {
            assert!(q.push(Value::Integer(n)));
        }
        assert_eq!(drain(&q), ["1", "2", "3", "gap 4"]);
        for n in 8..=12 {
            q.push(Value::Integer(n));
        }
        q.push(Value::Integer(13));
        // 8, 9, 10 kept; 11, 12 and 13 dropped, reported after 10.
        assert_eq!(drain(&q), ["8", "9", "10", "gap 3"]);
        assert_eq!(q.dropped(), 7);
    }

    #[test]
    fn byte_bound_and_close() {
        let q = Queue::new(
            Bounds {
                messages: 100,
                bytes: 16,
            },
            DeliveryPolicy::Backpressure,
            Numbers,
        );
        assert!(q.push(Value::Integer(1)));
        assert!(!q.push(Value::Integer(2)), "16 bytes reached");
        q.close();
        let mut cx = Context::from_waker(noop_waker_ref());
        assert!(matches!(q.poll_next(&mut cx), Poll::Ready(None)));
        assert!(q.poll_room(&mut cx).is_ready(), "a closed queue never holds the driver");
    }
}
