//! Incremental RESP2/RESP3 decoder.
//!
//! Decoding runs in two passes over the read buffer:
//!
//! 1. A resumable **scanner** walks the frame header by header, checks the grammar and
//!    the [`Limits`], and skips bulk payloads by their declared length. It keeps its
//!    progress (an offset, the start of a pending bulk payload and a small stack of
//!    remaining element counts) between calls, so feeding a frame in many pieces costs
//!    O(new bytes) per call, not O(frame). It allocates nothing that depends on a
//!    declared length: `*2000000000\r\n` only pushes one counter.
//! 2. Once the whole frame is buffered it is split off with
//!    [`BytesMut::split_to`] and frozen, and a **builder** turns it into a [`Value`]
//!    tree whose strings are [`Bytes::slice`]s of that one frame: payloads are never
//!    copied. The builder is iterative, so deep nesting cannot overflow the call stack.

// Exception to the crate's lint policy, reviewed: every index and sum here is
// a position inside the buffer being scanned (so below `isize::MAX`), checked
// against the buffer's length by the scanner before it is used, and the
// declared lengths from the peer are bounded by `Limits` before any
// arithmetic. The property and fuzz tests exercise exactly these paths.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use bytes::{Buf, Bytes, BytesMut};

use super::grammar::{classify, element_count, is_type_byte, Head};
use super::{Limits, ProtocolError, Value};

/// Turns a byte stream into RESP [`Value`]s, one frame at a time.
///
/// ```
/// use anyredis::resp::{Decoder, Value};
/// use bytes::BytesMut;
///
/// let mut decoder = Decoder::default();
/// let mut buf = BytesMut::from(&b"*2\r\n$5\r\nhel"[..]);
/// assert_eq!(decoder.decode(&mut buf).unwrap(), None); // not complete yet
/// buf.extend_from_slice(b"lo\r\n:42\r\n+OK\r\n");
/// let value = decoder.decode(&mut buf).unwrap().unwrap();
/// assert_eq!(
///     value,
///     Value::Array(vec![Value::BulkString("hello".into()), Value::Integer(42)])
/// );
/// assert_eq!(&buf[..], b"+OK\r\n"); // the next frame stays in the buffer
/// ```
#[derive(Debug, Clone)]
pub struct Decoder {
    limits: Limits,
    /// Offset in the buffer of the next header the scanner will read.
    pos: usize,
    /// No CR lies in `pos + 1 .. line_scan`: where to resume searching a partial line.
    line_scan: usize,
    /// A bulk payload whose header was read but whose bytes have not all arrived.
    pending: Option<PendingBulk>,
    /// Elements still missing from each open aggregate of the current frame, outermost first.
    stack: Vec<usize>,
    /// Bytes removed from the front of the stream so far, for error offsets.
    consumed: u64,
    /// Set once the stream is known to be malformed; every later call returns it.
    failed: Option<ProtocolError>,
}

#[derive(Debug, Clone, Copy)]
struct PendingBulk {
    /// Offset of the header's type byte.
    header: usize,
    /// Offset of the first payload byte.
    start: usize,
    /// Offset just past the CRLF that must follow the payload.
    end: usize,
    verbatim: bool,
}

impl Default for Decoder {
    fn default() -> Decoder {
        Decoder::new(Limits::default())
    }
}

impl Decoder {
    /// When the decoder waits for the rest of a bulk payload: the buffer
    /// length at which that payload (and its CRLF) will be complete. Lets the
    /// reader grow its buffer in one step instead of many. The length was
    /// declared by the server: a reader should cap how much it reserves on
    /// its word.
    pub fn pending_bulk_end(&self) -> Option<usize> {
        self.pending.map(|bulk| bulk.end)
    }

    /// A decoder enforcing `limits`.
    #[must_use]
    pub fn new(limits: Limits) -> Decoder {
        Decoder {
            limits,
            pos: 0,
            line_scan: 0,
            pending: None,
            stack: Vec::new(),
            consumed: 0,
            failed: None,
        }
    }

    /// The limits this decoder enforces.
    #[must_use]
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Forgets any partially scanned frame, a previous error and the stream offset, so
    /// the decoder can serve a fresh connection.
    pub fn reset(&mut self) {
        self.restart_frame();
        self.consumed = 0;
        self.failed = None;
    }

    /// Takes one complete frame from the front of `buf`, removing its bytes.
    ///
    /// - `Ok(Some(value))`: one frame was removed from `buf`; any bytes after it stay.
    /// - `Ok(None)`: the frame is not complete yet. Append more bytes to `buf` and call
    ///   again. The decoder remembers how far it scanned, so the next call only looks
    ///   at the new bytes. Between such calls only *append* to `buf`; if it shrank, the
    ///   decoder starts the frame over.
    /// - `Err(_)`: see below.
    ///
    /// Never panics, whatever the bytes.
    ///
    /// # Errors
    ///
    /// A [`ProtocolError`] when the input is malformed or passes a [`Limits`] bound.
    /// The stream is then out of sync and unusable: close the connection. This decoder
    /// keeps returning the same error until [`reset`](Decoder::reset). Errors are found
    /// as soon as the offending bytes arrive, not when the frame would have ended.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Value>, ProtocolError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if buf.len() < self.pos {
            self.restart_frame();
        }
        let end = match self.scan(buf) {
            Ok(Some(end)) => end,
            Ok(None) => return Ok(None),
            Err(e) => return Err(self.fail(e)),
        };
        let base = self.consumed;
        if matches!(buf[0], b':' | b'_' | b'#' | b',') {
            // A lone number, null or boolean holds no bytes: skip the split and freeze.
            let head = classify(buf[0], &buf[1..end - 2], &self.limits, base);
            buf.advance(end);
            self.consumed += end as u64;
            self.restart_frame();
            return match head {
                Ok(head) => Ok(Some(number(head).unwrap_or(Value::Nil))),
                Err(e) => Err(self.fail(e)),
            };
        }
        if let Some(known) = KNOWN_LINES.iter().find(|known| buf[..end] == *known.0) {
            // The common status replies (`+OK`, `+QUEUED`, `+PONG`) come from a
            // static: no split, no reference count to take and give back.
            buf.advance(end);
            self.consumed += end as u64;
            self.restart_frame();
            return Ok(Some(Value::SimpleString(Bytes::from_static(known.1))));
        }
        let frame = buf.split_to(end).freeze();
        self.consumed += end as u64;
        self.restart_frame();
        match build_lone(frame, &self.limits, base) {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(self.fail(e)),
        }
    }

    fn restart_frame(&mut self) {
        self.pos = 0;
        self.line_scan = 0;
        self.pending = None;
        self.stack.clear();
    }

    fn fail(&mut self, e: ProtocolError) -> ProtocolError {
        self.failed = Some(e.clone());
        e
    }

    fn at(&self, offset: usize) -> u64 {
        self.consumed + offset as u64
    }

    /// Advances over the current frame; returns its length once it is all in `b`.
    fn scan(&mut self, b: &[u8]) -> Result<Option<usize>, ProtocolError> {
        loop {
            if let Some(p) = self.pending {
                if b.len() < p.end {
                    return Ok(None);
                }
                if b[p.end - 2..p.end] != *b"\r\n" {
                    return Err(ProtocolError::MissingBulkCrlf {
                        offset: self.at(p.end - 2),
                    });
                }
                if p.verbatim && b[p.start + 3] != b':' {
                    return Err(ProtocolError::InvalidVerbatim {
                        offset: self.at(p.header),
                    });
                }
                self.pending = None;
                self.pos = p.end;
                if self.finish_element() {
                    return Ok(Some(self.pos));
                }
                continue;
            }
            let start = self.pos;
            let Some(&ty) = b.get(start) else {
                return Ok(None);
            };
            if !is_type_byte(ty) {
                return Err(ProtocolError::UnknownType {
                    byte: ty,
                    offset: self.at(start),
                });
            }
            let Some(cr) = self.find_line(b, start)? else {
                return Ok(None);
            };
            let next = cr + 2;
            self.line_scan = 0;
            if next > self.limits.max_frame_len {
                let (limit, offset) = (self.limits.max_frame_len, self.at(start));
                return Err(ProtocolError::FrameTooLong { limit, offset });
            }
            match classify(ty, &b[start + 1..cr], &self.limits, self.at(start))? {
                Head::Bulk(ty, len) => {
                    let end = next.checked_add(len).and_then(|e| e.checked_add(2));
                    let Some(end) = end else {
                        return Err(ProtocolError::BulkTooLong {
                            len: len as u64,
                            limit: self.limits.max_bulk_len,
                            offset: self.at(start),
                        });
                    };
                    if end > self.limits.max_frame_len {
                        let (limit, offset) = (self.limits.max_frame_len, self.at(start));
                        return Err(ProtocolError::FrameTooLong { limit, offset });
                    }
                    self.pending = Some(PendingBulk {
                        header: start,
                        start: next,
                        end,
                        verbatim: ty == b'=',
                    });
                    self.pos = next;
                    continue;
                }
                Head::Agg(ty, n) => {
                    if self.stack.len() >= self.limits.max_depth {
                        let (limit, offset) = (self.limits.max_depth, self.at(start));
                        return Err(ProtocolError::TooDeep { limit, offset });
                    }
                    let count = element_count(ty, n).ok_or(ProtocolError::AggregateTooLong {
                        len: n as u64,
                        limit: self.limits.max_aggregate_len,
                        offset: self.at(start),
                    })?;
                    self.pos = next;
                    if count > 0 {
                        self.stack.push(count);
                        continue;
                    }
                }
                _ => self.pos = next,
            }
            if self.finish_element() {
                return Ok(Some(self.pos));
            }
        }
    }

    /// Counts one finished element against the open aggregates; true when the
    /// whole frame is finished.
    #[inline]
    fn finish_element(&mut self) -> bool {
        while let Some(top) = self.stack.last_mut() {
            *top -= 1;
            if *top > 0 {
                return false;
            }
            self.stack.pop();
        }
        true
    }

    /// Finds the CR ending the line whose type byte is at `start`. `Ok(None)`: the line
    /// (or its LF) has not fully arrived.
    #[inline]
    fn find_line(&mut self, b: &[u8], start: usize) -> Result<Option<usize>, ProtocolError> {
        // The CR may sit at most at start + 1 + max_inline_len.
        let max_end = start.saturating_add(2).saturating_add(self.limits.max_inline_len);
        let from = self.line_scan.max(start + 1);
        let to = b.len().min(max_end);
        if from < to {
            if let Some(i) = b[from..to].iter().position(|&c| c == b'\r') {
                let cr = from + i;
                return match b.get(cr + 1) {
                    Some(b'\n') => Ok(Some(cr)),
                    Some(_) => Err(ProtocolError::MissingLf { offset: self.at(cr) }),
                    None => {
                        self.line_scan = cr;
                        Ok(None)
                    }
                };
            }
        }
        if b.len() >= max_end {
            let (limit, offset) = (self.limits.max_inline_len, self.at(start));
            return Err(ProtocolError::LineTooLong { limit, offset });
        }
        self.line_scan = to.max(start + 1);
        Ok(None)
    }
}

/// The value of a header that holds no bytes: integer, double, boolean or null.
#[inline]
fn number(head: Head) -> Option<Value> {
    Some(match head {
        Head::Int(i) => Value::Integer(i),
        Head::Double(d) => Value::Double(d),
        Head::Bool(v) => Value::Boolean(v),
        Head::Nil => Value::Nil,
        _ => return None,
    })
}

/// An aggregate the builder is filling.
struct Open {
    ty: u8,
    /// Elements still to come.
    remaining: usize,
    /// Array, set or push elements; for an attribute, the described value.
    items: Vec<Value>,
    /// Map or attribute pairs.
    pairs: Vec<(Value, Value)>,
    key: Option<Value>,
}

impl Open {
    fn new(ty: u8, n: usize, count: usize) -> Open {
        // The whole frame is buffered and every element takes at least 3 bytes, so
        // these capacities are bounded by bytes that really arrived.
        let (items, pairs) = match ty {
            b'%' => (Vec::new(), Vec::with_capacity(n)),
            b'|' => (Vec::with_capacity(1), Vec::with_capacity(n)),
            _ => (Vec::with_capacity(n), Vec::new()),
        };
        Open {
            ty,
            remaining: count,
            items,
            pairs,
            key: None,
        }
    }

    fn push(&mut self, v: Value) {
        self.remaining -= 1;
        if self.ty == b'%' || (self.ty == b'|' && self.remaining > 0) {
            match self.key.take() {
                Some(k) => self.pairs.push((k, v)),
                None => self.key = Some(v),
            }
        } else {
            self.items.push(v);
        }
    }

    fn finish(mut self) -> Value {
        match self.ty {
            b'%' => Value::Map(self.pairs),
            b'|' => Value::Attribute {
                attributes: self.pairs,
                value: Box::new(self.items.pop().unwrap_or(Value::Nil)),
            },
            b'~' => Value::Set(self.items),
            b'>' => Value::Push(self.items),
            _ => Value::Array(self.items),
        }
    }
}

/// Status lines answered from a static (the whole frame, and its text).
const KNOWN_LINES: [(&[u8], &[u8]); 3] = [
    (b"+OK\r\n", b"OK"),
    (b"+QUEUED\r\n", b"QUEUED"),
    (b"+PONG\r\n", b"PONG"),
];

/// Builds a frame that is one simple string, simple error or bulk string by trimming
/// `frame` itself, which saves a reference count round trip; anything else goes to
/// [`build`].
#[inline]
fn build_lone(mut frame: Bytes, limits: &Limits, base: u64) -> Result<Value, ProtocolError> {
    let (ty, len) = (frame[0], frame.len());
    if (ty == b'+' || ty == b'-') && len >= 3 {
        frame.truncate(len - 2);
        frame.advance(1);
        return Ok(if ty == b'+' {
            Value::SimpleString(frame)
        } else {
            Value::Error(frame)
        });
    }
    if ty == b'$' && len >= 5 && frame[1] != b'-' {
        // `$<len>\r\n<payload>\r\n`: the payload starts after the first CRLF.
        if let Some(cr) = frame.iter().position(|&c| c == b'\r') {
            if cr + 4 <= len {
                frame.truncate(len - 2);
                frame.advance(cr + 2);
                return Ok(Value::BulkString(frame));
            }
        }
    }
    build(&frame, limits, base)
}

/// Builds the value of one complete, already scanned frame. `base` is the frame's
/// stream offset. The scanner has checked everything, so errors here are defensive.
fn build(frame: &Bytes, limits: &Limits, base: u64) -> Result<Value, ProtocolError> {
    let b: &[u8] = frame;
    let mut pos = 0;
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let at = base + pos as u64;
        let cr = match b.get(pos + 1..).and_then(|rest| rest.iter().position(|&c| c == b'\r')) {
            Some(i) => pos + 1 + i,
            None => return Err(ProtocolError::MissingLf { offset: at }),
        };
        let next = cr + 2;
        let mut after = next;
        let mut value = match classify(b[pos], &b[pos + 1..cr], limits, at)? {
            Head::Line(b'+') => Value::SimpleString(frame.slice(pos + 1..cr)),
            Head::Line(_) => Value::Error(frame.slice(pos + 1..cr)),
            Head::BigNumber => Value::BigNumber(frame.slice(pos + 1..cr)),
            head @ (Head::Int(_) | Head::Double(_) | Head::Bool(_) | Head::Nil) => number(head).unwrap_or(Value::Nil),
            Head::Bulk(ty, len) => {
                if b.len() < next + len + 2 {
                    return Err(ProtocolError::MissingBulkCrlf {
                        offset: base + b.len() as u64,
                    });
                }
                let data = frame.slice(next..next + len);
                after = next + len + 2;
                match ty {
                    b'$' => Value::BulkString(data),
                    b'!' => Value::Error(data),
                    _ => Value::Verbatim {
                        format: [data[0], data[1], data[2]],
                        text: data.slice(4..),
                    },
                }
            }
            Head::Agg(ty, n) => {
                let count = element_count(ty, n).unwrap_or(0);
                if count > 0 {
                    stack.push(Open::new(ty, n, count));
                    pos = next;
                    continue;
                }
                Open::new(ty, 0, 0).finish()
            }
        };
        pos = after;
        loop {
            let Some(top) = stack.last_mut() else {
                return Ok(value);
            };
            top.push(value);
            if top.remaining > 0 {
                break;
            }
            value = match stack.pop() {
                Some(open) => open.finish(),
                None => Value::Nil,
            };
        }
    }
}
