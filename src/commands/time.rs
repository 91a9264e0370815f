//! Durations and points in time as the integers commands take.
//!
//! One rule for every typed method (see the [module docs](super#durations-and-times)):
//!
//! - a duration or time that is not a whole number of the command's unit is
//!   **rounded up** to the next whole unit, so a non-zero duration never
//!   becomes 0 and an expiry never comes earlier than asked;
//! - values saturate at [`MAX_MILLIS`] milliseconds (about 146 million years),
//!   which every server accepts, so `Duration::MAX` neither panics nor is
//!   rejected;
//! - times before the Unix epoch count as the epoch (0);
//! - blocking timeouts are whole milliseconds, at least [`MIN_BLOCK`] when not
//!   zero; zero blocks forever.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::value::{Args, BlockTime};

/// The largest duration sent, in milliseconds: half of `i64::MAX`, so that the
/// server can add its clock to it (or multiply seconds by 1000) without
/// refusing it as out of range.
pub(crate) const MAX_MILLIS: u64 = (i64::MAX / 2) as u64;

/// The largest duration sent in seconds ([`MAX_MILLIS`] in seconds).
const MAX_SECS: u64 = MAX_MILLIS / 1000;

/// The shortest blocking timeout sent. Redis 6.2 never answers `BLPOP k 0.001`
/// (a timeout below its 10 ms timer resolution can be missed), so shorter
/// non-zero timeouts are raised to this, to behave the same on every server.
pub(crate) const MIN_BLOCK: Duration = Duration::from_millis(10);

/// `whole` units plus one when anything is left over, capped at `max`.
fn ceil(whole: u128, remainder: bool, max: u64) -> u64 {
    let units = if remainder { whole.saturating_add(1) } else { whole };
    u64::try_from(units).unwrap_or(u64::MAX).min(max)
}

/// `d` in whole seconds, rounded up; saturates.
pub(crate) fn secs_ceil(d: Duration) -> u64 {
    ceil(u128::from(d.as_secs()), d.subsec_nanos() != 0, MAX_SECS)
}

/// `d` in whole milliseconds, rounded up; saturates.
pub(crate) fn millis_ceil(d: Duration) -> u64 {
    ceil(d.as_millis(), d.subsec_nanos() % 1_000_000 != 0, MAX_MILLIS)
}

/// `d` in whole microseconds, rounded up; saturates.
pub(crate) fn micros_ceil(d: Duration) -> u64 {
    ceil(d.as_micros(), d.subsec_nanos() % 1_000 != 0, MAX_MILLIS)
}

/// The time from the Unix epoch to `at` (zero for earlier times).
fn since_epoch(at: SystemTime) -> Duration {
    at.duration_since(UNIX_EPOCH).unwrap_or_default()
}

/// `at` in Unix seconds, rounded up (0 before the epoch); saturates.
pub(crate) fn unix_secs(at: SystemTime) -> u64 {
    secs_ceil(since_epoch(at))
}

/// `at` in Unix milliseconds, rounded up (0 before the epoch); saturates.
pub(crate) fn unix_millis(at: SystemTime) -> u64 {
    millis_ceil(since_epoch(at))
}

/// How long a blocking command with this `timeout` may block: forever for
/// zero, otherwise the timeout in whole milliseconds (rounded up), at least
/// [`MIN_BLOCK`], saturating at [`MAX_MILLIS`].
pub(crate) fn block_time(timeout: Duration) -> BlockTime {
    if timeout.is_zero() {
        BlockTime::Forever
    } else {
        BlockTime::For(Duration::from_millis(millis_ceil(timeout.max(MIN_BLOCK))))
    }
}

/// The milliseconds a blocking command's timeout argument says (0: forever).
pub(crate) fn block_millis(block: BlockTime) -> u64 {
    match block {
        BlockTime::Forever => 0,
        BlockTime::For(d) => millis_ceil(d),
    }
}

/// Writes a blocking command's `timeout` in seconds (with fractions, to the
/// millisecond; see [`block_time`]) and returns its block time, for
/// [`Args::blocking`].
pub(crate) fn push_block_secs(args: &mut Args, timeout: Duration) -> BlockTime {
    let block = block_time(timeout);
    match block {
        BlockTime::Forever => args.push(b"0"),
        // Exact for any timeout below 2^53 ms (285 000 years).
        BlockTime::For(_) => args.push_float(block_millis(block) as f64 / 1000.0),
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn rounds_up_never_down() {
        assert_eq!(secs_ceil(Duration::from_millis(900)), 1);
        assert_eq!(secs_ceil(Duration::from_millis(1500)), 2);
        assert_eq!(secs_ceil(Duration::from_nanos(1)), 1);
        assert_eq!(secs_ceil(Duration::from_secs(7)), 7);
        assert_eq!(secs_ceil(Duration::ZERO), 0);
        assert_eq!(millis_ceil(Duration::from_micros(1)), 1);
        assert_eq!(millis_ceil(Duration::from_nanos(1_000_001)), 2);
        assert_eq!(millis_ceil(Duration::from_millis(1500)), 1500);
        assert_eq!(millis_ceil(Duration::from_secs(3)), 3000);
        assert_eq!(millis_ceil(Duration::ZERO), 0);
        assert_eq!(micros_ceil(Duration::from_nanos(1)), 1);
        assert_eq!(micros_ceil(Duration::from_micros(250)), 250);
    }

    #[test]
    fn saturates() {
        assert_eq!(secs_ceil(Duration::MAX), MAX_SECS);
        assert_eq!(millis_ceil(Duration::MAX), MAX_MILLIS);
        assert_eq!(micros_ceil(Duration::MAX), MAX_MILLIS);
        assert_eq!(
            unix_millis(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::MAX / 4)),
            MAX_MILLIS
        );
        assert!(MAX_SECS.saturating_mul(1000) <= MAX_MILLIS);
        assert_eq!(
            block_time(Duration::MAX),
            BlockTime::For(Duration::from_millis(MAX_MILLIS))
        );
    }

    #[test]
    fn unix_times() {
        let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        assert_eq!(unix_secs(at), 1_700_000_001);
        assert_eq!(unix_millis(at), 1_700_000_000_250);
        assert_eq!(unix_millis(at + Duration::from_nanos(1)), 1_700_000_000_251);
        assert_eq!(unix_secs(UNIX_EPOCH + Duration::from_secs(5)), 5);
        let before = UNIX_EPOCH.checked_sub(Duration::from_secs(10));
        if let Some(before) = before {
            assert_eq!(unix_secs(before), 0);
            assert_eq!(unix_millis(before), 0);
        }
    }

    #[test]
    fn blocking_timeouts() {
        assert_eq!(block_time(Duration::ZERO), BlockTime::Forever);
        assert_eq!(block_time(MS), BlockTime::For(MIN_BLOCK));
        assert_eq!(block_time(Duration::from_nanos(1)), BlockTime::For(MIN_BLOCK));
        assert_eq!(block_time(Duration::from_millis(9)), BlockTime::For(MIN_BLOCK));
        assert_eq!(block_time(Duration::from_millis(10)), BlockTime::For(MIN_BLOCK));
        assert_eq!(
            block_time(Duration::from_micros(10_500)),
            BlockTime::For(Duration::from_millis(11))
        );
        assert_eq!(
            block_time(Duration::from_secs(2)),
            BlockTime::For(Duration::from_secs(2))
        );

        let written = |timeout| {
            let mut args = Args::new();
            let block = push_block_secs(&mut args, timeout);
            (args.first().map(<[u8]>::to_vec).unwrap_or_default(), block)
        };
        assert_eq!(written(Duration::ZERO), (b"0".to_vec(), BlockTime::Forever));
        assert_eq!(written(MS), (b"0.01".to_vec(), BlockTime::For(MIN_BLOCK)));
        assert_eq!(written(Duration::from_millis(1500)).0, b"1.5");
        assert_eq!(written(Duration::from_micros(1_000_001)).0, b"1.001");
        assert_eq!(written(Duration::from_secs(5)).0, b"5");
        assert_eq!(block_millis(BlockTime::Forever), 0);
    }
}
