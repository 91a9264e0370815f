//! Options of the string commands: [`SetOptions`], [`Expiry`], [`LcsOptions`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::value::{Args, ToArgs};

/// A duration in whole milliseconds (saturating).
pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A point in time as the time since the Unix epoch (zero for earlier times,
/// which Redis rejects as an invalid expire time).
fn since_epoch(time: SystemTime) -> Duration {
    time.duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// When a key expires, for [`getex`](super::StringCommands::getex) (and inside
/// [`SetOptions`]).
///
/// Durations and times are sent in the unit of the chosen option, dropping
/// anything finer: `Ex` and `ExAt` in whole seconds, `Px` and `PxAt` in whole
/// milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expiry {
    /// Expire after this long, in seconds (`EX`).
    Ex(Duration),
    /// Expire after this long, in milliseconds (`PX`).
    Px(Duration),
    /// Expire at this time, in Unix seconds (`EXAT`).
    ExAt(SystemTime),
    /// Expire at this time, in Unix milliseconds (`PXAT`).
    PxAt(SystemTime),
    /// Remove any expiry (`PERSIST`; `GETEX` only).
    Persist,
}

impl ToArgs for Expiry {
    fn write_args(&self, out: &mut Args) {
        match *self {
            Expiry::Ex(d) => {
                out.push(b"EX");
                out.push_uint(d.as_secs());
            }
            Expiry::Px(d) => {
                out.push(b"PX");
                out.push_uint(millis(d));
            }
            Expiry::ExAt(t) => {
                out.push(b"EXAT");
                out.push_uint(since_epoch(t).as_secs());
            }
            Expiry::PxAt(t) => {
                out.push(b"PXAT");
                out.push_uint(millis(since_epoch(t)));
            }
            Expiry::Persist => out.push(b"PERSIST"),
        }
    }
}

/// The condition of a `SET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    Nx,
    Xx,
}

/// What a `SET` does to the key's time to live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ttl {
    Expiry(Expiry),
    Keep,
}

/// Options of [`set_options`](super::StringCommands::set_options) and
/// [`set_get`](super::StringCommands::set_get): an expiry (`EX`, `PX`, `EXAT`,
/// `PXAT`, `KEEPTTL`) and a condition (`NX`, `XX`). The last expiry and the last
/// condition chosen win.
///
/// ```
/// use std::time::Duration;
/// use anyredis::commands::SetOptions;
///
/// let lock = SetOptions::new().nx().px(Duration::from_millis(1500));
/// # let _ = lock;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetOptions {
    ttl: Option<Ttl>,
    condition: Option<Condition>,
}

impl SetOptions {
    /// No options: a plain `SET` that removes any expiry the key had.
    pub fn new() -> Self {
        Self::default()
    }

    /// Expire after `ttl`, in whole seconds (`EX`).
    pub fn ex(self, ttl: Duration) -> Self {
        self.expiry(Expiry::Ex(ttl))
    }

    /// Expire after `ttl`, in whole milliseconds (`PX`).
    pub fn px(self, ttl: Duration) -> Self {
        self.expiry(Expiry::Px(ttl))
    }

    /// Expire at `time`, in Unix seconds (`EXAT`).
    pub fn exat(self, time: SystemTime) -> Self {
        self.expiry(Expiry::ExAt(time))
    }

    /// Expire at `time`, in Unix milliseconds (`PXAT`).
    pub fn pxat(self, time: SystemTime) -> Self {
        self.expiry(Expiry::PxAt(time))
    }

    /// Expire as `expiry` says. [`Expiry::Persist`] is the same as no expiry, as a
    /// `SET` without one removes the old expiry anyway.
    pub fn expiry(mut self, expiry: Expiry) -> Self {
        self.ttl = match expiry {
            Expiry::Persist => None,
            other => Some(Ttl::Expiry(other)),
        };
        self
    }

    /// Keep the expiry the key already has (`KEEPTTL`).
    pub fn keep_ttl(mut self) -> Self {
        self.ttl = Some(Ttl::Keep);
        self
    }

    /// Only set the key if it does not exist (`NX`).
    pub fn nx(mut self) -> Self {
        self.condition = Some(Condition::Nx);
        self
    }

    /// Only set the key if it already exists (`XX`).
    pub fn xx(mut self) -> Self {
        self.condition = Some(Condition::Xx);
        self
    }
}

impl ToArgs for SetOptions {
    fn write_args(&self, out: &mut Args) {
        match self.ttl {
            Some(Ttl::Expiry(expiry)) => expiry.write_args(out),
            Some(Ttl::Keep) => out.push(b"KEEPTTL"),
            None => {}
        }
        match self.condition {
            Some(Condition::Nx) => out.push(b"NX"),
            Some(Condition::Xx) => out.push(b"XX"),
            None => {}
        }
    }
}

/// Options of [`lcs_idx`](super::StringCommands::lcs_idx).
///
/// ```
/// use anyredis::commands::LcsOptions;
///
/// let options = LcsOptions::new().min_match_len(4).with_match_len();
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LcsOptions {
    min_match_len: Option<u64>,
    with_match_len: bool,
}

impl LcsOptions {
    /// No options: every match, without its length.
    pub fn new() -> Self {
        Self::default()
    }

    /// Leave out matches shorter than `len` (`MINMATCHLEN`).
    pub fn min_match_len(mut self, len: u64) -> Self {
        self.min_match_len = Some(len);
        self
    }

    /// Give each match's length, in [`LcsMatch::len`](super::LcsMatch::len)
    /// (`WITHMATCHLEN`).
    pub fn with_match_len(mut self) -> Self {
        self.with_match_len = true;
        self
    }
}

impl ToArgs for LcsOptions {
    fn write_args(&self, out: &mut Args) {
        if let Some(len) = self.min_match_len {
            out.push(b"MINMATCHLEN");
            out.push_uint(len);
        }
        if self.with_match_len {
            out.push(b"WITHMATCHLEN");
        }
    }
}
