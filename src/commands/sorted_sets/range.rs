//! Typed ranges for sorted set queries: score bounds, lex bounds and [`ZRange`].

use std::borrow::Cow;

use crate::value::{Args, ToArgs, ToSingleArg};

/// One end of a score range (`ZCOUNT`, `ZRANGE ... BYSCORE`, `ZREMRANGEBYSCORE`, ...).
///
/// A plain number is an inclusive bound: `ScoreBound::from(1.5)` is `1.5`,
/// [`ScoreBound::Exclusive`] is written `(1.5`, and the infinities `-inf` / `+inf`.
///
/// ```
/// use anyredis::commands::{ScoreBound, ZRange};
/// use anyredis::value::{Args, ToArgs};
///
/// // 1 < score <= +inf
/// let range = ZRange::score(ScoreBound::Exclusive(1.0), ScoreBound::PosInf);
///
/// let mut args = Args::new();
/// range.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"(1"[..], b"+inf", b"BYSCORE"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ScoreBound {
    /// The score itself is in the range.
    Inclusive(f64),
    /// Scores strictly beyond this one (`(score`).
    Exclusive(f64),
    /// No lower limit (`-inf`).
    NegInf,
    /// No upper limit (`+inf`).
    PosInf,
}

impl From<f64> for ScoreBound {
    /// An inclusive bound.
    fn from(score: f64) -> Self {
        ScoreBound::Inclusive(score)
    }
}

impl From<i32> for ScoreBound {
    /// An inclusive bound, so that `ZRange::score(1, 5)` reads naturally.
    fn from(score: i32) -> Self {
        ScoreBound::Inclusive(f64::from(score))
    }
}

impl ToArgs for ScoreBound {
    fn write_args(&self, out: &mut Args) {
        match *self {
            ScoreBound::Inclusive(score) => out.push_float(score),
            ScoreBound::Exclusive(score) => {
                // `(` then the number written as `Inclusive` writes it.
                let mut buf = crate::value::FloatBuf::new();
                let number = crate::value::format_f64(score, &mut buf);
                let mut text = Vec::with_capacity(number.len().saturating_add(1));
                text.push(b'(');
                text.extend_from_slice(number);
                out.push(&text);
            }
            ScoreBound::NegInf => out.push(b"-inf"),
            ScoreBound::PosInf => out.push(b"+inf"),
        }
    }
}
impl ToSingleArg for ScoreBound {}

/// One end of a lexicographic range (`ZRANGE ... BYLEX`, `ZLEXCOUNT`, `ZREMRANGEBYLEX`).
///
/// Lex ranges only make sense when all members have the same score.
///
/// ```
/// use anyredis::commands::{LexBound, ZRange};
/// use anyredis::value::{Args, ToArgs};
///
/// // members from "a" (included) up to "c" (excluded)
/// let range = ZRange::lex(LexBound::inclusive("a"), LexBound::exclusive("c"));
/// let mut args = Args::new();
/// range.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"[a"[..], b"(c", b"BYLEX"]);
///
/// // every member
/// let all = ZRange::lex(LexBound::MIN, LexBound::MAX);
/// args.clear();
/// all.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"-"[..], b"+", b"BYLEX"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LexBound(Cow<'static, [u8]>);

impl LexBound {
    /// Below every member (`-`).
    pub const MIN: LexBound = LexBound(Cow::Borrowed(b"-"));
    /// Above every member (`+`).
    pub const MAX: LexBound = LexBound(Cow::Borrowed(b"+"));

    /// `member` itself is in the range (`[member`).
    pub fn inclusive(member: impl AsRef<[u8]>) -> Self {
        Self::prefixed(b'[', member.as_ref())
    }

    /// Members strictly beyond `member` (`(member`).
    pub fn exclusive(member: impl AsRef<[u8]>) -> Self {
        Self::prefixed(b'(', member.as_ref())
    }

    fn prefixed(prefix: u8, member: &[u8]) -> Self {
        let mut bytes = Vec::with_capacity(member.len().saturating_add(1));
        bytes.push(prefix);
        bytes.extend_from_slice(member);
        LexBound(Cow::Owned(bytes))
    }
}

impl ToArgs for LexBound {
    fn write_args(&self, out: &mut Args) {
        out.push(&self.0);
    }
}
impl ToSingleArg for LexBound {}

/// What `ZRANGE` and `ZRANGESTORE` select: by rank, by score or by lex, optionally
/// reversed and (for score and lex ranges) limited.
///
/// Score and lex bounds are always given low to high, also with [`rev`](Self::rev):
/// the method sends them in the order Redis expects (`max min` for `REV`).
///
/// ```
/// use anyredis::commands::{ScoreBound, ZRange};
/// use anyredis::value::{Args, ToArgs};
///
/// let mut args = Args::new();
/// let first_three = ZRange::rank(0, 2);
/// first_three.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [b"0", b"2"]);
///
/// args.clear();
/// let top_ten = ZRange::rank(0, 9).rev();
/// top_ten.write_args(&mut args);
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), [&b"0"[..], b"9", b"REV"]);
///
/// // With `REV`, the bounds are sent high to low.
/// args.clear();
/// let page = ZRange::score(ScoreBound::NegInf, 100.0).rev().limit(20, 10);
/// page.write_args(&mut args);
/// let expected: [&[u8]; 7] = [b"100", b"-inf", b"BYSCORE", b"REV", b"LIMIT", b"20", b"10"];
/// assert_eq!(args.iter().collect::<Vec<&[u8]>>(), expected);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ZRange {
    by: By,
    rev: bool,
    limit: Option<(u64, u64)>,
}

#[derive(Debug, Clone, PartialEq)]
enum By {
    Rank(i64, i64),
    Score(ScoreBound, ScoreBound),
    Lex(LexBound, LexBound),
}

impl ZRange {
    /// Members at ranks `start..=stop` (0-based; negative counts from the end, -1 the last).
    pub fn rank(start: i64, stop: i64) -> Self {
        Self::new(By::Rank(start, stop))
    }

    /// Members with scores from `min` to `max` (`BYSCORE`).
    pub fn score(min: impl Into<ScoreBound>, max: impl Into<ScoreBound>) -> Self {
        Self::new(By::Score(min.into(), max.into()))
    }

    /// Members from `min` to `max` in lexicographic order (`BYLEX`).
    pub fn lex(min: LexBound, max: LexBound) -> Self {
        Self::new(By::Lex(min, max))
    }

    fn new(by: By) -> Self {
        ZRange {
            by,
            rev: false,
            limit: None,
        }
    }

    /// Highest score first (`REV`). For [`rank`](Self::rank), ranks count from the highest.
    pub fn rev(mut self) -> Self {
        self.rev = true;
        self
    }

    /// Skips `offset` matches and returns at most `count` (`LIMIT`); score and lex
    /// ranges only (the server rejects it on rank ranges). A `count` above `i64::MAX`
    /// means "all the rest".
    pub fn limit(mut self, offset: u64, count: u64) -> Self {
        self.limit = Some((offset, count));
        self
    }
}

impl ToArgs for ZRange {
    fn write_args(&self, out: &mut Args) {
        fn ends<T: ToArgs>(out: &mut Args, min: &T, max: &T, rev: bool, by: &[u8]) {
            let (first, second) = if rev { (max, min) } else { (min, max) };
            first.write_args(out);
            second.write_args(out);
            out.push(by);
        }
        match &self.by {
            By::Rank(start, stop) => (start, stop).write_args(out),
            By::Score(min, max) => ends(out, min, max, self.rev, b"BYSCORE"),
            By::Lex(min, max) => ends(out, min, max, self.rev, b"BYLEX"),
        }
        if self.rev {
            out.push(b"REV");
        }
        if let Some((offset, count)) = self.limit {
            out.push(b"LIMIT");
            out.push_uint(offset);
            out.push_int(i64::try_from(count).unwrap_or(-1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(value: &impl ToArgs) -> Vec<String> {
        let mut args = Args::new();
        value.write_args(&mut args);
        args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()
    }

    #[test]
    fn score_bounds() {
        assert_eq!(words(&ScoreBound::from(1)), ["1"]);
        assert_eq!(words(&ScoreBound::Inclusive(0.1)), ["0.1"]);
        assert_eq!(words(&ScoreBound::Exclusive(2.5)), ["(2.5"]);
        assert_eq!(words(&ScoreBound::Exclusive(-1e300)), ["(-1e300"]);
        assert_eq!(words(&(ScoreBound::NegInf, ScoreBound::PosInf)), ["-inf", "+inf"]);
    }

    #[test]
    fn lex_bounds() {
        let bounds = (
            LexBound::MIN,
            LexBound::inclusive("a"),
            LexBound::exclusive(b"b"),
            LexBound::MAX,
        );
        assert_eq!(words(&bounds), ["-", "[a", "(b", "+"]);
    }

    #[test]
    fn ranges_swap_bounds_for_rev() {
        assert_eq!(words(&ZRange::rank(0, -1).rev()), ["0", "-1", "REV"]);
        let score = ZRange::score(1, ScoreBound::Exclusive(2.5)).rev().limit(3, u64::MAX);
        assert_eq!(words(&score), ["(2.5", "1", "BYSCORE", "REV", "LIMIT", "3", "-1"]);
        let lex = ZRange::lex(LexBound::MIN, LexBound::inclusive("m")).limit(0, 10);
        assert_eq!(words(&lex), ["-", "[m", "BYLEX", "LIMIT", "0", "10"]);
    }
}
