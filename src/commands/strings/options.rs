//! Options of the string commands: [`SetOptions`], [`Expiry`], [`LcsOptions`].

use std::time::{Duration, SystemTime};

use crate::commands::time::{millis_ceil, secs_ceil, unix_millis, unix_secs};
use crate::value::{Args, ToArgs};

/// When a key expires, for [`getex`](super::StringCommands::getex) (and inside
/// [`SetOptions`]).
///
/// Durations and times are sent in the unit of the chosen option, rounded up
/// (so a non-zero duration never becomes 0 and the key never expires earlier
/// than asked): `Ex` and `ExAt` in whole seconds (`Ex(1.5 s)` is sent as `EX 2`),
/// `Px` and `PxAt` in whole milliseconds. Pick `Px`/`PxAt` for millisecond
/// precision. A zero duration, or a time before the Unix epoch, is sent as 0,
/// which the server rejects as an invalid expire time.
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
                out.push_uint(secs_ceil(d));
            }
            Expiry::Px(d) => {
                out.push(b"PX");
                out.push_uint(millis_ceil(d));
            }
            Expiry::ExAt(t) => {
                out.push(b"EXAT");
                out.push_uint(unix_secs(t));
            }
            Expiry::PxAt(t) => {
                out.push(b"PXAT");
                out.push_uint(unix_millis(t));
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
/// use anyredis::value::{Args, ToArgs};
///
/// let lock = SetOptions::new().nx().px(Duration::from_millis(1500));
///
/// let mut args = Args::new();
/// lock.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"PX"[..], b"1500", b"NX"]);
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

    /// Expire after `ttl`, in whole seconds rounded up (`EX`).
    pub fn ex(self, ttl: Duration) -> Self {
        self.expiry(Expiry::Ex(ttl))
    }

    /// Expire after `ttl`, in whole milliseconds rounded up (`PX`).
    pub fn px(self, ttl: Duration) -> Self {
        self.expiry(Expiry::Px(ttl))
    }

    /// Expire at `time`, in Unix seconds rounded up (`EXAT`).
    pub fn exat(self, time: SystemTime) -> Self {
        self.expiry(Expiry::ExAt(time))
    }

    /// Expire at `time`, in Unix milliseconds rounded up (`PXAT`).
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
/// use anyredis::value::{Args, ToArgs};
///
/// let options = LcsOptions::new().min_match_len(4).with_match_len();
///
/// let mut args = Args::new();
/// options.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"MINMATCHLEN"[..], b"4", b"WITHMATCHLEN"]);
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
