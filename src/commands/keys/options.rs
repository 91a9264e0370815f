//! Options of the key commands: [`ExpireCondition`], [`CopyOptions`],
//! [`RestoreOptions`] and [`SortOptions`].

use std::time::{Duration, SystemTime};

use crate::commands::time::{millis_ceil, secs_ceil, unix_millis};
use crate::value::{Args, ToArgs, ToSingleArg};

/// When `EXPIRE` and its relatives may change a key's expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExpireCondition {
    /// Only if the key has no expiry (`NX`).
    Nx,
    /// Only if the key already has an expiry (`XX`).
    Xx,
    /// Only if the new expiry is later than the current one (`GT`; no expiry counts
    /// as infinitely late).
    Gt,
    /// Only if the new expiry is earlier than the current one (`LT`; no expiry counts
    /// as infinitely late).
    Lt,
}

impl ToArgs for ExpireCondition {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            ExpireCondition::Nx => b"NX",
            ExpireCondition::Xx => b"XX",
            ExpireCondition::Gt => b"GT",
            ExpireCondition::Lt => b"LT",
        });
    }
}

impl ToSingleArg for ExpireCondition {}

/// Options of [`copy_options`](super::KeyCommands::copy_options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CopyOptions {
    db: Option<u32>,
    replace: bool,
}

impl CopyOptions {
    /// No options: copy within the current database, fail if the destination exists.
    pub fn new() -> Self {
        Self::default()
    }

    /// Copies into database `db` (`DB`).
    pub fn db(mut self, db: u32) -> Self {
        self.db = Some(db);
        self
    }

    /// Overwrites an existing destination (`REPLACE`).
    pub fn replace(mut self) -> Self {
        self.replace = true;
        self
    }
}

impl ToArgs for CopyOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(db) = self.db {
            out.push(b"DB");
            out.push_uint(db.into());
        }
        if self.replace {
            out.push(b"REPLACE");
        }
    }
}

/// Options of [`restore_options`](super::KeyCommands::restore_options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RestoreOptions {
    /// The `ttl` argument: 0 (no expiry), milliseconds, or an absolute time with `ABSTTL`.
    ttl: u64,
    absolute: bool,
    replace: bool,
    idle_time: Option<u64>,
    freq: Option<u8>,
}

impl RestoreOptions {
    /// No options: no expiry, fail if the key exists.
    pub fn new() -> Self {
        Self::default()
    }

    /// The restored key expires after `ttl` (whole milliseconds, rounded up;
    /// `Duration::ZERO` means no expiry, as it does for the server).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = millis_ceil(ttl);
        self.absolute = false;
        self
    }

    /// The restored key expires at `at` (Unix milliseconds, rounded up;
    /// `ABSTTL`). A time in the past restores nothing (the key is expired at once);
    /// so does a time before the Unix epoch, which is sent as 1 ms since 0 would
    /// mean no expiry.
    pub fn expire_at(mut self, at: SystemTime) -> Self {
        self.ttl = unix_millis(at).max(1);
        self.absolute = true;
        self
    }

    /// Overwrites an existing key (`REPLACE`).
    pub fn replace(mut self) -> Self {
        self.replace = true;
        self
    }

    /// Sets the key's idle time, for LRU eviction (`IDLETIME`, whole seconds,
    /// rounded up).
    pub fn idle_time(mut self, idle: Duration) -> Self {
        self.idle_time = Some(secs_ceil(idle));
        self
    }

    /// Sets the key's access frequency counter, for LFU eviction (`FREQ`).
    pub fn freq(mut self, freq: u8) -> Self {
        self.freq = Some(freq);
        self
    }
}

/// Writes the `RESTORE` arguments after the key, except the payload: `ttl`.
pub(super) fn restore_ttl(options: &RestoreOptions, out: &mut Args) {
    out.push_uint(options.ttl);
}

/// Writes the `RESTORE` arguments after the payload.
pub(super) fn restore_flags(options: &RestoreOptions, out: &mut Args) {
    if options.replace {
        out.push(b"REPLACE");
    }
    if options.absolute {
        out.push(b"ABSTTL");
    }
    if let Some(idle) = options.idle_time {
        out.push(b"IDLETIME");
        out.push_uint(idle);
    }
    if let Some(freq) = options.freq {
        out.push(b"FREQ");
        out.push_uint(freq.into());
    }
}

/// Options of `SORT` and `SORT_RO`: `BY`, `LIMIT`, `GET`, `ASC`/`DESC` and `ALPHA`.
///
/// ```
/// use anyredis::commands::SortOptions;
/// use anyredis::value::{Args, ToArgs};
///
/// // SORT ids BY weight_* LIMIT 0 10 GET # GET name_* DESC ALPHA
/// let opts = SortOptions::new().by("weight_*").get("#").get("name_*").limit(0, 10).desc().alpha();
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// let expected: [&[u8]; 11] =
///     [b"BY", b"weight_*", b"LIMIT", b"0", b"10", b"GET", b"#", b"GET", b"name_*", b"DESC", b"ALPHA"];
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), expected);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortOptions {
    by: Option<Args>,
    limit: Option<(u64, u64)>,
    get: Args,
    desc: bool,
    alpha: bool,
}

impl SortOptions {
    /// No options: sort the elements themselves as numbers, ascending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sorts by the values of the keys (or hash fields, `key->field`) that `pattern`
    /// names, `*` standing for each element (`BY`). A pattern without `*`, such as
    /// `nosort`, skips sorting.
    pub fn by(mut self, pattern: impl ToSingleArg) -> Self {
        let mut by = Args::new();
        pattern.write_args(&mut by);
        self.by = Some(by);
        self
    }

    /// Returns only `count` elements, after skipping `offset` (`LIMIT`).
    pub fn limit(mut self, offset: u64, count: u64) -> Self {
        self.limit = Some((offset, count));
        self
    }

    /// Returns, for each element, the value of the key that `pattern` names (`GET`;
    /// `#` is the element itself). Call several times for several values per element:
    /// the reply is then flat, `get` values of the first element first. Missing keys
    /// give nil: ask for `Option<_>` items.
    pub fn get(mut self, pattern: impl ToSingleArg) -> Self {
        self.get.push(b"GET");
        pattern.write_args(&mut self.get);
        self
    }

    /// Largest first (`DESC`).
    pub fn desc(mut self) -> Self {
        self.desc = true;
        self
    }

    /// Smallest first (`ASC`, the default).
    pub fn asc(mut self) -> Self {
        self.desc = false;
        self
    }

    /// Compares as strings, not numbers (`ALPHA`).
    pub fn alpha(mut self) -> Self {
        self.alpha = true;
        self
    }
}

impl ToArgs for SortOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(by) = &self.by {
            out.push(b"BY");
            by.write_args(out);
        }
        if let Some((offset, count)) = self.limit {
            out.push(b"LIMIT");
            out.push_uint(offset);
            out.push_uint(count);
        }
        self.get.write_args(out);
        if self.desc {
            out.push(b"DESC");
        }
        if self.alpha {
            out.push(b"ALPHA");
        }
    }
}
