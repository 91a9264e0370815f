//! Options of sorted set commands: `ZADD` flags, `WEIGHTS`/`AGGREGATE`, pop sides, `ZSCAN`.

use crate::value::{Args, ToArgs, ToSingleArg};

/// Flags of `ZADD`: which members may be touched (`NX`/`XX`), which score
/// changes are allowed (`GT`/`LT`), and whether to count changed members (`CH`).
///
/// ```
/// use anyredis::commands::ZAddOptions;
/// use anyredis::value::{Args, ToArgs};
///
/// // Only raise the scores of existing members; count the ones changed.
/// let opts = ZAddOptions::new().xx().gt().ch();
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"XX"[..], b"GT", b"CH"]);
/// ```
///
/// The server rejects `NX` together with `GT` or `LT`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZAddOptions {
    existence: Option<&'static str>,
    comparison: Option<&'static str>,
    changed: bool,
}

impl ZAddOptions {
    /// No flags: add new members, update existing ones.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only add new members, never update existing ones (`NX`; replaces `XX`).
    pub fn nx(mut self) -> Self {
        self.existence = Some("NX");
        self
    }

    /// Only update existing members, never add new ones (`XX`; replaces `NX`).
    pub fn xx(mut self) -> Self {
        self.existence = Some("XX");
        self
    }

    /// Only update a score when the new one is greater (`GT`; replaces `LT`).
    pub fn gt(mut self) -> Self {
        self.comparison = Some("GT");
        self
    }

    /// Only update a score when the new one is less (`LT`; replaces `GT`).
    pub fn lt(mut self) -> Self {
        self.comparison = Some("LT");
        self
    }

    /// Count changed members as well as added ones in the reply (`CH`).
    pub fn ch(mut self) -> Self {
        self.changed = true;
        self
    }
}

impl ToArgs for ZAddOptions {
    fn write_args(&self, out: &mut Args) {
        (self.existence, self.comparison, self.changed.then_some("CH")).write_args(out);
    }
}

/// How `ZUNION`/`ZINTER` (and their `STORE` forms) combine the scores of a member
/// found in several sets (`AGGREGATE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Aggregate {
    /// The sum of the (weighted) scores; the server's default.
    Sum,
    /// The lowest (weighted) score.
    Min,
    /// The highest (weighted) score.
    Max,
}

/// `WEIGHTS` and `AGGREGATE` of `ZUNION`, `ZINTER`, `ZUNIONSTORE` and `ZINTERSTORE`.
///
/// ```
/// use anyredis::commands::{Aggregate, ZCombineOptions};
/// use anyredis::value::{Args, ToArgs};
///
/// // The first set's scores count double; keep the highest score per member.
/// let opts = ZCombineOptions::new().weights([2.0, 1.0]).aggregate(Aggregate::Max);
///
/// let mut args = Args::new();
/// opts.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"WEIGHTS"[..], b"2", b"1", b"AGGREGATE", b"MAX"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZCombineOptions {
    weights: Vec<f64>,
    aggregate: Option<Aggregate>,
}

impl ZCombineOptions {
    /// Weight 1 for every set, scores summed.
    pub fn new() -> Self {
        Self::default()
    }

    /// One multiplication factor per input set, in the order of the keys (`WEIGHTS`).
    pub fn weights(mut self, weights: impl IntoIterator<Item = f64>) -> Self {
        self.weights = weights.into_iter().collect();
        self
    }

    /// How the scores of a member found in several sets are combined (`AGGREGATE`).
    pub fn aggregate(mut self, aggregate: Aggregate) -> Self {
        self.aggregate = Some(aggregate);
        self
    }
}

impl ToArgs for ZCombineOptions {
    fn write_args(&self, out: &mut Args) {
        if !self.weights.is_empty() {
            out.push(b"WEIGHTS");
            self.weights.write_args(out);
        }
        if let Some(aggregate) = self.aggregate {
            out.push(b"AGGREGATE");
            out.push(match aggregate {
                Aggregate::Sum => b"SUM",
                Aggregate::Min => b"MIN",
                Aggregate::Max => b"MAX",
            });
        }
    }
}

/// Which end of a sorted set `ZMPOP` and `BZMPOP` pop from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MinMax {
    /// The members with the lowest scores (`MIN`).
    Min,
    /// The members with the highest scores (`MAX`).
    Max,
}

impl ToArgs for MinMax {
    fn write_args(&self, out: &mut Args) {
        out.push(match self {
            MinMax::Min => b"MIN",
            MinMax::Max => b"MAX",
        });
    }
}
impl ToSingleArg for MinMax {}
