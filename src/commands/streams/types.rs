//! Stream ids and the typed replies of stream commands, each converting from both
//! the RESP2 and the RESP3 form of its reply.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use bytes::Bytes;

use crate::resp::Value;
use crate::value::{Args, ConversionError, FromValue, ToArgs, ToSingleArg};

/// The id of a stream entry: a millisecond timestamp and a sequence number,
/// written `ms-seq` (`1526919030474-55`).
///
/// Ids order like the entries they name. Parse one with [`str::parse`] (`"5-1"`, or
/// `"5"` for `5-0`); pass one wherever a command takes an id.
///
/// ```
/// use anyredis::commands::StreamId;
///
/// let id: StreamId = "1526919030474-55".parse().unwrap();
/// assert_eq!((id.ms(), id.seq()), (1526919030474, 55));
/// assert_eq!(id.to_string(), "1526919030474-55");
/// assert!(StreamId::new(5, 0) < id && id.next() == StreamId::new(1526919030474, 56));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    ms: u64,
    seq: u64,
}

impl StreamId {
    /// The smallest id, `0-0`.
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// The largest id, `18446744073709551615-18446744073709551615`.
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// The id `ms-seq`.
    pub const fn new(ms: u64, seq: u64) -> Self {
        StreamId { ms, seq }
    }

    /// The millisecond part.
    pub const fn ms(&self) -> u64 {
        self.ms
    }

    /// The sequence part.
    pub const fn seq(&self) -> u64 {
        self.seq
    }

    /// The smallest id after this one (saturating at [`StreamId::MAX`]), e.g. to read on
    /// from the last entry of a range.
    pub const fn next(&self) -> Self {
        match (self.seq.checked_add(1), self.ms.checked_add(1)) {
            (Some(seq), _) => StreamId::new(self.ms, seq),
            (None, Some(ms)) => StreamId::new(ms, 0),
            (None, None) => StreamId::MAX,
        }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// A text that is not a stream id (`ms-seq` or `ms`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid stream id: expected `ms-seq` or `ms` with decimal numbers")]
pub struct ParseStreamIdError(());

impl FromStr for StreamId {
    type Err = ParseStreamIdError;

    /// Parses `ms-seq`, or `ms` alone as `ms-0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let number = |part: &str| {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            digits
                .then(|| part.parse().ok())
                .flatten()
                .ok_or(ParseStreamIdError(()))
        };
        match s.split_once('-') {
            Some((ms, seq)) => Ok(StreamId::new(number(ms)?, number(seq)?)),
            None => Ok(StreamId::new(number(s)?, 0)),
        }
    }
}

impl ToArgs for StreamId {
    /// One argument, `ms-seq`.
    fn write_args(&self, out: &mut Args) {
        let mut ms = itoa::Buffer::new();
        let mut seq = itoa::Buffer::new();
        let (ms, seq) = (ms.format(self.ms).as_bytes(), seq.format(self.seq).as_bytes());
        let mut text = Vec::with_capacity(41);
        text.extend_from_slice(ms);
        text.push(b'-');
        text.extend_from_slice(seq);
        out.push(&text);
    }
}
impl ToSingleArg for StreamId {}

impl FromValue for StreamId {
    /// A bulk or simple string `ms-seq`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::BulkString(ref text) | Value::SimpleString(ref text) => std::str::from_utf8(text)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| ConversionError::invalid_value("StreamId", &value, "not a stream id")),
            Value::Attribute { value, .. } => Self::from_value(*value),
            Value::Error(message) => Err(ConversionError::server_error("StreamId", &message)),
            other => Err(ConversionError::type_mismatch("StreamId", &other)),
        }
    }
}

/// One stream entry: its id and its fields.
///
/// `F` is what the fields convert to, e.g. `Vec<(String, String)>` (in order),
/// `HashMap<String, String>`, or `Vec<(Bytes, Bytes)>` for binary values. A
/// deleted entry still listed in a consumer's pending history has nil fields,
/// which convert to an empty collection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StreamEntry<F> {
    /// The entry's id.
    pub id: StreamId,
    /// The entry's field/value pairs.
    pub fields: F,
}

impl<F: FromValue> FromValue for StreamEntry<F> {
    /// An array `[id, [field, value, ...]]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let (id, fields) = <(StreamId, F)>::from_value(value).map_err(|e| e.with_context("stream entry"))?;
        Ok(StreamEntry { id, fields })
    }
}

/// The entries `XREAD` / `XREADGROUP` returned from one stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StreamRead<F> {
    /// The stream's key.
    pub key: Bytes,
    /// The entries read, oldest first.
    pub entries: Vec<StreamEntry<F>>,
}

impl<F: FromValue> FromValue for StreamRead<F> {
    /// RESP2 sends each stream as an array `[key, [entry, ...]]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let (key, entries) = <(Bytes, Vec<StreamEntry<F>>)>::from_value(value)?;
        Ok(StreamRead { key, entries })
    }

    /// RESP3 sends a map from key to entries.
    fn extend_from_pairs<C: Extend<Self>>(pairs: Vec<(Value, Value)>, out: &mut C) -> Result<(), ConversionError> {
        for (key, entries) in pairs {
            let key = Bytes::from_value(key).map_err(|e| e.with_context("stream key"))?;
            let entries = Vec::from_value(entries).map_err(|e| e.with_context("stream entries"))?;
            out.extend(Some(StreamRead { key, entries }));
        }
        Ok(())
    }
}

/// The reply of `XPENDING key group` (the summary form).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PendingSummary {
    /// How many entries are pending (delivered, not acknowledged) in the group.
    pub count: u64,
    /// The smallest pending id, `None` when nothing is pending.
    pub min_id: Option<StreamId>,
    /// The largest pending id, `None` when nothing is pending.
    pub max_id: Option<StreamId>,
    /// Each consumer with pending entries and how many it has.
    pub consumers: Vec<(String, u64)>,
}

impl FromValue for PendingSummary {
    /// An array `[count, min-id, max-id, [[consumer, count], ...]]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let (count, min_id, max_id, consumers) = FromValue::from_value(value)?;
        Ok(PendingSummary {
            count,
            min_id,
            max_id,
            consumers,
        })
    }
}

/// One pending entry, from the extended form of `XPENDING`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PendingEntry {
    /// The entry's id.
    pub id: StreamId,
    /// The consumer it was delivered to.
    pub consumer: String,
    /// The time since it was last delivered.
    pub idle: Duration,
    /// How many times it was delivered.
    pub deliveries: u64,
}

impl FromValue for PendingEntry {
    /// An array `[id, consumer, idle-ms, deliveries]`.
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let (id, consumer, idle, deliveries) = FromValue::from_value(value)?;
        Ok(PendingEntry {
            id,
            consumer,
            idle: Duration::from_millis(idle),
            deliveries,
        })
    }
}

/// The reply of `XAUTOCLAIM`: `T` is a [`StreamEntry`] or, with `JUSTID`, a [`StreamId`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AutoClaim<T> {
    /// Where the next call should start; `0-0` once the whole pending list was scanned.
    pub next: StreamId,
    /// The entries (or ids) claimed.
    pub claimed: Vec<T>,
    /// Ids that were pending but no longer exist in the stream; they were removed
    /// from the pending list (Redis 7.0+, empty before).
    pub deleted: Vec<StreamId>,
}

impl<T: FromValue> FromValue for AutoClaim<T> {
    /// An array `[next, [claimed...], [deleted...]]` (two elements before Redis 7.0).
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        let mut parts = Vec::<Value>::from_value(value)?.into_iter();
        let mut part = |what: &'static str| {
            let part = parts.next().unwrap_or(Value::Nil);
            (part, move |e: ConversionError| {
                e.with_context(format_args!("{what} of AutoClaim"))
            })
        };
        let (next, next_err) = part("next id");
        let (claimed, claimed_err) = part("claimed");
        let (deleted, deleted_err) = part("deleted ids");
        Ok(AutoClaim {
            next: StreamId::from_value(next).map_err(next_err)?,
            claimed: Vec::from_value(claimed).map_err(claimed_err)?,
            deleted: Vec::from_value(deleted).map_err(deleted_err)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::reply::Fields;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn entry(id: &str, fields: &[&str]) -> Value {
        Value::Array(vec![bulk(id), Value::Array(fields.iter().map(|f| bulk(f)).collect())])
    }

    #[test]
    fn stream_id_text_and_args() {
        let id = StreamId::new(1526919030474, 55);
        let mut args = Args::new();
        (id, StreamId::MAX).write_args(&mut args);
        let written: Vec<&[u8]> = args.iter().collect();
        assert_eq!(
            written,
            [&b"1526919030474-55"[..], b"18446744073709551615-18446744073709551615"]
        );
        assert_eq!("18446744073709551615-18446744073709551615".parse(), Ok(StreamId::MAX));
        assert!("18446744073709551616-0".parse::<StreamId>().is_err());
        assert!(["", "1-2-3", "+1-0", "1 -0", "-"]
            .iter()
            .all(|s| s.parse::<StreamId>().is_err()));
        assert_eq!(StreamId::MAX.next(), StreamId::MAX);
        let err = StreamId::from_value(bulk("nope")).unwrap_err();
        assert_eq!(err.reason(), Some("not a stream id"));
    }

    #[test]
    fn xread_reply_resp2_and_resp3() {
        let entries = || Value::Array(vec![entry("1-0", &["a", "1"]), entry("2-0", &[])]);
        let resp2 = Value::Array(vec![Value::Array(vec![bulk("s"), entries()])]);
        let resp3 = Value::Map(vec![(bulk("s"), entries())]);
        for reply in [resp2, resp3] {
            let read = Vec::<StreamRead<Vec<(String, u32)>>>::from_value(reply).unwrap();
            assert_eq!(read.len(), 1);
            assert_eq!(read[0].key, "s");
            assert_eq!(read[0].entries[0].id, StreamId::new(1, 0));
            assert_eq!(read[0].entries[0].fields, [("a".to_owned(), 1)]);
            assert!(read[0].entries[1].fields.is_empty());
        }
        assert!(Vec::<StreamRead<Value>>::from_value(Value::Nil).unwrap().is_empty());
    }

    #[test]
    fn deleted_entry_and_old_autoclaim() {
        let deleted = Value::Array(vec![bulk("3-0"), Value::Nil]);
        let entry = StreamEntry::<Vec<(String, String)>>::from_value(deleted).unwrap();
        assert!(entry.fields.is_empty());
        // Before Redis 7.0, XAUTOCLAIM had no list of deleted ids.
        let old = Value::Array(vec![bulk("0-0"), Value::Array(vec![bulk("1-0")])]);
        let claim = AutoClaim::<StreamId>::from_value(old).unwrap();
        assert_eq!(
            (claim.next, claim.claimed, claim.deleted),
            (StreamId::MIN, vec![StreamId::new(1, 0)], vec![])
        );
    }

    #[test]
    fn reply_map_reports_the_field() {
        let reply = Value::Map(vec![(bulk("count"), bulk("x"))]);
        let mut map = Fields::new(reply, "Test").unwrap();
        let err = map.take::<u64>("count").unwrap_err();
        assert_eq!(err.context(), Some("field \"count\" of Test"));
        assert_eq!(map.take::<Option<u64>>("missing").unwrap(), None);
    }
}
