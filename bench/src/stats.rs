//! Latency histogram: log-linear buckets over nanoseconds (32 buckets per
//! power of two, so any recorded value is off by at most ~3%). Recording is an
//! index computation and an increment; each task owns one, merged at the end.

use std::time::Duration;

const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;
// Index of u64::MAX is (59 << SUB_BITS) + 31: every u64 has a bucket.
const BUCKETS: usize = 60 << SUB_BITS;

#[derive(Clone)]
pub struct Histogram {
    counts: Box<[u64]>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
        }
    }
}

fn index(ns: u64) -> usize {
    if ns < SUB {
        return ns as usize;
    }
    let exp = 63 - ns.leading_zeros(); // >= SUB_BITS
    let shift = exp - SUB_BITS;
    let sub = (ns >> shift) & (SUB - 1);
    ((((shift + 1) as u64) << SUB_BITS) + sub) as usize
}

/// The middle of bucket `idx`, in nanoseconds.
fn value(idx: usize) -> f64 {
    let idx = idx as u64;
    if idx < SUB {
        return idx as f64;
    }
    let shift = (idx >> SUB_BITS) - 1;
    let sub = idx & (SUB - 1);
    let lower = (SUB + sub) << shift;
    lower as f64 + ((1u64 << shift) as f64 - 1.0) / 2.0
}

impl Histogram {
    #[inline]
    pub fn record(&mut self, elapsed: Duration) {
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.counts[index(ns).min(BUCKETS - 1)] += 1;
        self.total += 1;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.total += other.total;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q` quantile (0..=1) in microseconds, or NaN when empty.
    pub fn quantile_us(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (idx, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return value(idx) / 1000.0;
            }
        }
        f64::NAN
    }
}

/// Median of the finite values (NaN when none).
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_trip_within_3_percent() {
        for ns in [0u64, 1, 31, 32, 33, 63, 64, 100, 1_000, 12_345, 999_999, 1 << 40] {
            let v = value(index(ns));
            assert!((v - ns as f64).abs() <= (ns as f64 * 0.032).max(0.5), "{ns} -> {v}");
        }
        assert_eq!(index(u64::MAX), BUCKETS - 1);
        for i in 1..BUCKETS {
            assert!(value(i) > value(i - 1));
        }
    }

    #[test]
    fn quantiles() {
        let mut h = Histogram::default();
        for us in 1..=100u64 {
            h.record(Duration::from_micros(us));
        }
        assert!((h.quantile_us(0.5) - 50.0).abs() < 2.0);
        assert!((h.quantile_us(0.99) - 99.0).abs() < 4.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
