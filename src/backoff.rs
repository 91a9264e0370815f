//! Waiting before trying again: capped exponential backoff with jitter.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// No backoff wait is longer than this, whatever the configuration says.
pub(crate) const MAX_DELAY: Duration = Duration::from_secs(3600);

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    let local = 0u8;
    // Mix in a stack address so threads started in the same nanosecond differ.
    (nanos ^ (&local as *const u8 as u64).rotate_left(32)) | 1
}

/// A pseudo-random number in `0..=1` (xorshift; only for spreading retries).
fn unit() -> f64 {
    RNG.with(|rng| {
        let mut x = rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rng.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// The wait before retry number `attempt` (1 = first retry): `base * 2^(attempt-1)`,
/// capped at `cap` and at [`MAX_DELAY`], then scaled by a random factor in
/// `[0.5, 1]` ("equal jitter"), so that many clients retrying at once spread out.
/// Any inputs (`Duration::MAX` included) give a wait no longer than [`MAX_DELAY`].
pub(crate) fn delay(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let capped = exp.min(cap).min(MAX_DELAY);
    // `capped` is at most an hour, so the product cannot overflow.
    capped.mul_f64(0.5 + 0.5 * unit())
}

/// The instant `delay` after `now`, saturating: a delay too long for
/// `Instant` arithmetic gives an instant [`MAX_DELAY`] after `now` (or `now`
/// itself if even that overflows). Use it instead of `now + delay`.
// For the reconnect state in client.rs, whose owner switches `Instant::now() + delay` to it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn not_before(now: Instant, delay: Duration) -> Instant {
    now.checked_add(delay)
        .or_else(|| now.checked_add(MAX_DELAY))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps_with_jitter() {
        let base = Duration::from_millis(10);
        let cap = Duration::from_millis(500);
        for attempt in 1..=12 {
            let d = delay(base, cap, attempt);
            let full = (base * (1 << (attempt - 1))).min(cap);
            assert!(
                d >= full / 2 && d <= full,
                "attempt {attempt}: {d:?} not in [{:?}, {full:?}]",
                full / 2
            );
        }
        let samples: Vec<Duration> = (0..20).map(|_| delay(base, cap, 10)).collect();
        assert!(samples.iter().any(|d| *d != samples[0]), "jitter varies");
    }

    #[test]
    fn huge_settings_do_not_overflow() {
        for attempt in [0, 1, 2, 20, 21, 64, u32::MAX] {
            for (base, cap) in [
                (Duration::MAX, Duration::MAX),
                (Duration::from_millis(1), Duration::MAX),
                (Duration::MAX, Duration::from_secs(1)),
            ] {
                let d = delay(base, cap, attempt);
                assert!(d <= MAX_DELAY && d <= cap, "{base:?} {cap:?} {attempt}: {d:?}");
            }
        }
        let d = delay(Duration::MAX, Duration::MAX, 3);
        assert!(d >= MAX_DELAY / 2, "{d:?}");
    }

    #[test]
    fn not_before_saturates() {
        let now = Instant::now();
        assert_eq!(not_before(now, Duration::from_secs(1)), now + Duration::from_secs(1));
        let far = not_before(now, Duration::MAX);
        assert!(far >= now + MAX_DELAY, "a huge delay is still a wait");
        let d = delay(Duration::MAX, Duration::MAX, u32::MAX);
        assert!(not_before(now, d) > now);
    }
}
