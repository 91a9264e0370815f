//! Which commands block the connection they run on, and for how long.
//!
//! A `Client` sends these to a pooled dedicated connection, so they never
//! stall the shared one, and derives their response timeout from the
//! command's own timeout argument: `BLPOP k 5` may take 5 s plus the usual
//! response timeout, and `BLPOP k 0` may take forever.

use std::time::Duration;

use crate::value::Args;

/// How long a blocking command may keep its connection busy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum BlockTime {
    /// A timeout of 0: until data arrives.
    Forever,
    /// At most this long.
    For(Duration),
}

impl BlockTime {
    /// The longer of two block times (forever is the longest).
    pub(crate) fn max(self, other: BlockTime) -> BlockTime {
        match (self, other) {
            (BlockTime::For(a), BlockTime::For(b)) => BlockTime::For(a.max(b)),
            _ => BlockTime::Forever,
        }
    }

    /// The response timeout for this command given the configured one.
    pub(crate) fn response_timeout(self, configured: Option<Duration>) -> Option<Duration> {
        match (self, configured) {
            (BlockTime::Forever, _) | (_, None) => None,
            (BlockTime::For(block), Some(extra)) => Some(block + extra),
        }
    }
}

/// Where a command keeps its blocking timeout.
enum Timeout {
    /// The last argument, in seconds (fractions allowed).
    LastSeconds,
    /// The last argument, in milliseconds.
    LastMillis,
    /// The first argument after the name, in seconds.
    FirstSeconds,
    /// The argument after `BLOCK`, in milliseconds; not blocking without it.
    BlockOption,
}

fn timeout_position(name: &[u8]) -> Option<Timeout> {
    // Fast rejection: every blocking command starts with B, W or X.
    match name.first().map(u8::to_ascii_uppercase) {
        Some(b'B' | b'W' | b'X') => {}
        _ => return None,
    }
    let upper = name.to_ascii_uppercase();
    Some(match upper.as_slice() {
        b"BLPOP" | b"BRPOP" | b"BRPOPLPUSH" | b"BLMOVE" | b"BZPOPMIN" | b"BZPOPMAX" => Timeout::LastSeconds,
        b"BLMPOP" | b"BZMPOP" => Timeout::FirstSeconds,
        b"WAIT" | b"WAITAOF" => Timeout::LastMillis,
        b"XREAD" | b"XREADGROUP" => Timeout::BlockOption,
        _ => return None,
    })
}

/// `Some` when `args` is a blocking command, with how long it may block.
pub(crate) fn block_time(args: &Args) -> Option<BlockTime> {
    let position = timeout_position(args.first()?)?;
    let (value, millis) = match position {
        Timeout::LastSeconds => (args.iter().last()?, false),
        Timeout::LastMillis => (args.iter().last()?, true),
        Timeout::FirstSeconds => (args.iter().nth(1)?, false),
        Timeout::BlockOption => {
            let mut iter = args.iter().skip(1);
            iter.find(|arg| arg.eq_ignore_ascii_case(b"BLOCK"))?;
            (iter.next()?, true)
        }
    };
    let number: f64 = std::str::from_utf8(value).ok()?.trim().parse().ok()?;
    if !number.is_finite() || number < 0.0 {
        // The server will reject it; treat it as not blocking so the error comes back quickly.
        return None;
    }
    if number == 0.0 {
        return Some(BlockTime::Forever);
    }
    let seconds = if millis { number / 1000.0 } else { number };
    Some(BlockTime::For(Duration::from_secs_f64(seconds.min(1.0e9))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(parts: &[&str]) -> Args {
        let mut args = Args::new();
        for part in parts {
            args.push(part.as_bytes());
        }
        args
    }

    #[test]
    fn classifies_blocking_commands() {
        let secs = |s: f64| Some(BlockTime::For(Duration::from_secs_f64(s)));
        assert_eq!(block_time(&args(&["BLPOP", "a", "b", "5"])), secs(5.0));
        assert_eq!(block_time(&args(&["brpop", "a", "0.5"])), secs(0.5));
        assert_eq!(block_time(&args(&["BLPOP", "a", "0"])), Some(BlockTime::Forever));
        assert_eq!(
            block_time(&args(&["BLMOVE", "a", "b", "LEFT", "RIGHT", "2"])),
            secs(2.0)
        );
        assert_eq!(block_time(&args(&["BZMPOP", "1.5", "1", "z", "MIN"])), secs(1.5));
        assert_eq!(block_time(&args(&["WAIT", "1", "250"])), secs(0.25));
        assert_eq!(
            block_time(&args(&["XREAD", "COUNT", "2", "BLOCK", "100", "STREAMS", "s", "$"])),
            secs(0.1)
        );
        assert_eq!(block_time(&args(&["XREAD", "COUNT", "2", "STREAMS", "s", "0"])), None);
        assert_eq!(block_time(&args(&["GET", "k"])), None);
        assert_eq!(block_time(&args(&["BITCOUNT", "k"])), None);
        assert_eq!(block_time(&args(&["BLPOP", "k", "soon"])), None);
    }

    #[test]
    fn response_timeout_follows_the_command() {
        let five = BlockTime::For(Duration::from_secs(5));
        assert_eq!(
            five.response_timeout(Some(Duration::from_secs(1))),
            Some(Duration::from_secs(6))
        );
        assert_eq!(five.response_timeout(None), None);
        assert_eq!(BlockTime::Forever.response_timeout(Some(Duration::from_secs(1))), None);
    }
}
