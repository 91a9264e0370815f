//! Options of the stream commands, each written with [`ToArgs`].

use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::types::StreamId;
use crate::commands::time::{block_millis, block_time, millis_ceil, unix_millis};
use crate::value::{Args, BlockTime, ToArgs};

/// How `XADD` or `XTRIM` trims a stream: `MAXLEN` or `MINID`, exact or
/// approximate (`~`), with an optional `LIMIT`.
///
/// ```
/// use anyredis::commands::{StreamId, StreamTrim};
/// use anyredis::value::{Args, ToArgs};
///
/// let keep_1000 = StreamTrim::max_len(1000).approximate();
/// let mut args = Args::new();
/// keep_1000.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"MAXLEN"[..], b"~", b"1000"]);
///
/// // `limit` implies `approximate`.
/// let drop_old = StreamTrim::min_id(StreamId::new(1_700_000_000_000, 0)).limit(100);
/// args.clear();
/// drop_old.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"MINID"[..], b"~", b"1700000000000-0", b"LIMIT", b"100"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamTrim {
    threshold: Threshold,
    approximate: bool,
    limit: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Threshold {
    MaxLen(u64),
    MinId(StreamId),
}

impl StreamTrim {
    /// Keep at most `len` entries (`MAXLEN`), exactly unless [`approximate`](Self::approximate).
    pub fn max_len(len: u64) -> Self {
        Self::new(Threshold::MaxLen(len))
    }

    /// Remove the entries with an id below `id` (`MINID`, Redis 6.2+).
    pub fn min_id(id: StreamId) -> Self {
        Self::new(Threshold::MinId(id))
    }

    fn new(threshold: Threshold) -> Self {
        StreamTrim {
            threshold,
            approximate: false,
            limit: None,
        }
    }

    /// Trim only whole radix-tree nodes (`~`): cheaper, may keep a few more entries.
    pub fn approximate(mut self) -> Self {
        self.approximate = true;
        self
    }

    /// Remove at most `count` entries in this call (`LIMIT`, Redis 6.2+); implies
    /// [`approximate`](Self::approximate), which Redis requires for it.
    pub fn limit(mut self, count: u64) -> Self {
        self.approximate = true;
        self.limit = Some(count);
        self
    }
}

impl ToArgs for StreamTrim {
    fn write_args(&self, out: &mut Args) {
        out.push(match self.threshold {
            Threshold::MaxLen(_) => b"MAXLEN",
            Threshold::MinId(_) => b"MINID",
        });
        out.push(if self.approximate { b"~" } else { b"=" });
        match &self.threshold {
            Threshold::MaxLen(len) => out.push_uint(*len),
            Threshold::MinId(id) => id.write_args(out),
        }
        if let Some(limit) = self.limit {
            out.push(b"LIMIT");
            out.push_uint(limit);
        }
    }
}

/// Options of `XADD`: the id, `NOMKSTREAM` and trimming.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XAddOptions {
    id: Option<StreamId>,
    no_mkstream: bool,
    trim: Option<StreamTrim>,
}

impl XAddOptions {
    /// No options: an id chosen by the server (`*`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the entry with this id instead of `*`; it must be greater than the
    /// stream's last id.
    pub fn id(mut self, id: StreamId) -> Self {
        self.id = Some(id);
        self
    }

    /// Do not create the stream when it does not exist (`NOMKSTREAM`); `XADD` then
    /// returns `None`.
    pub fn no_mkstream(mut self) -> Self {
        self.no_mkstream = true;
        self
    }

    /// Trim the stream after adding.
    pub fn trim(mut self, trim: StreamTrim) -> Self {
        self.trim = Some(trim);
        self
    }
}

impl ToArgs for XAddOptions {
    /// The options, then the id (or `*`): everything between the key and the fields.
    fn write_args(&self, out: &mut Args) {
        if self.no_mkstream {
            out.push(b"NOMKSTREAM");
        }
        self.trim.write_args(out);
        match &self.id {
            Some(id) => id.write_args(out),
            None => out.push(b"*"),
        }
    }
}

/// Options of `XREAD`: `COUNT` and `BLOCK`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XReadOptions {
    count: Option<u64>,
    block: Option<Duration>,
}

impl XReadOptions {
    /// No options: return what is there, up to every entry, without waiting.
    pub fn new() -> Self {
        Self::default()
    }

    /// Return at most `count` entries per stream.
    pub fn count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// Wait up to `timeout` for entries when there are none (`BLOCK`;
    /// `Duration::ZERO`: wait forever). Sent in whole milliseconds, rounded up,
    /// and at least 10 ms (see [blocking timeouts](crate::commands#blocking-timeouts)).
    /// Makes the read a blocking command: on a [`Client`](crate::Client) it runs on
    /// a pooled connection of its own.
    pub fn block(mut self, timeout: Duration) -> Self {
        self.block = Some(timeout);
        self
    }

    /// How long the read may block, when [`block`](Self::block) was given.
    pub(super) fn block_time(&self) -> Option<BlockTime> {
        self.block.map(block_time)
    }
}

impl ToArgs for XReadOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(count) = self.count {
            out.push(b"COUNT");
            out.push_uint(count);
        }
        if let Some(block) = self.block_time() {
            out.push(b"BLOCK");
            out.push_uint(block_millis(block));
        }
    }
}

/// Options of `XREADGROUP`: `COUNT`, `BLOCK` and `NOACK`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XReadGroupOptions {
    read: XReadOptions,
    no_ack: bool,
}

impl XReadGroupOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Return at most `count` entries per stream.
    pub fn count(mut self, count: u64) -> Self {
        self.read = self.read.count(count);
        self
    }

    /// Wait up to `timeout` for new entries (`BLOCK`; `Duration::ZERO`: wait
    /// forever), as [`XReadOptions::block`] does.
    pub fn block(mut self, timeout: Duration) -> Self {
        self.read = self.read.block(timeout);
        self
    }

    /// How long the read may block, when [`block`](Self::block) was given.
    pub(super) fn block_time(&self) -> Option<BlockTime> {
        self.read.block_time()
    }

    /// Do not add the delivered entries to the pending list (`NOACK`): they count
    /// as acknowledged at once.
    pub fn no_ack(mut self) -> Self {
        self.no_ack = true;
        self
    }
}

impl ToArgs for XReadGroupOptions {
    fn write_args(&self, out: &mut Args) {
        self.read.write_args(out);
        if self.no_ack {
            out.push(b"NOACK");
        }
    }
}

/// Options of `XCLAIM`: `IDLE`, `TIME`, `RETRYCOUNT`, `FORCE` and `LASTID`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XClaimOptions {
    idle: Option<Duration>,
    time: Option<SystemTime>,
    retry_count: Option<u64>,
    force: bool,
    last_id: Option<StreamId>,
}

impl XClaimOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the claimed entries' idle time to `idle` (`IDLE`, whole milliseconds
    /// rounded up; default zero).
    pub fn idle(mut self, idle: Duration) -> Self {
        self.idle = Some(idle);
        self
    }

    /// Set the claimed entries' last delivery time to `time` (`TIME`, Unix
    /// milliseconds rounded up).
    pub fn time(mut self, time: SystemTime) -> Self {
        self.time = Some(time);
        self
    }

    /// Set the claimed entries' delivery count (`RETRYCOUNT`).
    pub fn retry_count(mut self, count: u64) -> Self {
        self.retry_count = Some(count);
        self
    }

    /// Claim ids that are not pending yet, if they exist in the stream (`FORCE`).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// Set the group's last delivered id to `id` (`LASTID`).
    pub fn last_id(mut self, id: StreamId) -> Self {
        self.last_id = Some(id);
        self
    }
}

impl ToArgs for XClaimOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(idle) = self.idle {
            out.push(b"IDLE");
            out.push_uint(millis_ceil(idle));
        }
        if let Some(time) = self.time {
            out.push(b"TIME");
            out.push_uint(unix_millis(time));
        }
        if let Some(count) = self.retry_count {
            out.push(b"RETRYCOUNT");
            out.push_uint(count);
        }
        if self.force {
            out.push(b"FORCE");
        }
        if let Some(id) = &self.last_id {
            out.push(b"LASTID");
            id.write_args(out);
        }
    }
}

/// Options of `XGROUP CREATE`: `MKSTREAM` and `ENTRIESREAD`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XGroupCreateOptions {
    mkstream: bool,
    entries_read: Option<u64>,
}

impl XGroupCreateOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Create an empty stream when it does not exist (`MKSTREAM`).
    pub fn mkstream(mut self) -> Self {
        self.mkstream = true;
        self
    }

    /// How many entries the group has read already, for its lag (`ENTRIESREAD`, Redis 7.0+).
    pub fn entries_read(mut self, count: u64) -> Self {
        self.entries_read = Some(count);
        self
    }
}

impl ToArgs for XGroupCreateOptions {
    fn write_args(&self, out: &mut Args) {
        if self.mkstream {
            out.push(b"MKSTREAM");
        }
        if let Some(count) = self.entries_read {
            out.push(b"ENTRIESREAD");
            out.push_uint(count);
        }
    }
}

/// Filters of the extended `XPENDING`: `IDLE` and a consumer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XPendingOptions {
    pub(super) idle: Option<Duration>,
    pub(super) consumer: Option<Bytes>,
}

impl XPendingOptions {
    /// No filters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only entries idle for at least `idle` (`IDLE`, whole milliseconds rounded
    /// up; Redis 6.2+).
    pub fn idle(mut self, idle: Duration) -> Self {
        self.idle = Some(idle);
        self
    }

    /// Only entries pending for `consumer`.
    pub fn consumer(mut self, consumer: impl AsRef<[u8]>) -> Self {
        self.consumer = Some(Bytes::copy_from_slice(consumer.as_ref()));
        self
    }
}

/// Options of `XSETID`: `ENTRIESADDED` and `MAXDELETEDID` (Redis 7.0+).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XSetIdOptions {
    entries_added: Option<u64>,
    max_deleted_id: Option<StreamId>,
}

impl XSetIdOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set how many entries were ever added (`ENTRIESADDED`).
    pub fn entries_added(mut self, count: u64) -> Self {
        self.entries_added = Some(count);
        self
    }

    /// Set the largest deleted id (`MAXDELETEDID`).
    pub fn max_deleted_id(mut self, id: StreamId) -> Self {
        self.max_deleted_id = Some(id);
        self
    }
}

impl ToArgs for XSetIdOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(count) = self.entries_added {
            out.push(b"ENTRIESADDED");
            out.push_uint(count);
        }
        if let Some(id) = &self.max_deleted_id {
            out.push(b"MAXDELETEDID");
            id.write_args(out);
        }
    }
}
