//! Waiting before trying again: capped exponential backoff with jitter.

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
/// capped at `cap`, then scaled by a random factor in `[0.5, 1]` ("equal jitter"),
/// so that many clients retrying at once spread out.
pub(crate) fn delay(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let capped = exp.min(cap);
    capped.mul_f64(0.5 + 0.5 * unit())
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
}
