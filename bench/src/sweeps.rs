//! The two sweeps of issue 12: tasks sharing one client (1 to 4,096, GETs of 16
//! bytes, run by the seq-get task body) and value sizes (16 B to 16 MiB, GET and
//! SET, one task). Op counts are sized so one sample takes about a second on a
//! 2-core machine at scale 1.

use std::sync::Arc;
use std::time::Instant;

use crate::alloc::phased;
use crate::clients::{Error, Handle};
use crate::scenarios::{mismatch, Data};
use crate::stats::Histogram;

pub const TASK_POINTS: [usize; 5] = [1, 8, 64, 512, 4096];
pub const SIZE_POINTS: [usize; 5] = [16, 1 << 10, 64 << 10, 1 << 20, 16 << 20];

/// GETs at scale 1 for `tasks` tasks (about 1 s at the throughput measured so far).
pub fn task_units(tasks: usize) -> f64 {
    match tasks {
        1 => 10_000.0,
        2..=8 => 50_000.0,
        _ => 200_000.0,
    }
}

/// GETs or SETs at scale 1 of a value of `size` bytes.
pub fn size_units(size: usize) -> f64 {
    match size {
        0..=1024 => 10_000.0,
        1025..=65_536 => 4_000.0,
        65_537..=1_048_576 => 800.0,
        _ => 50.0,
    }
}

/// "16B", "1KiB", "64KiB", "1MiB", "16MiB".
pub fn size_name(size: usize) -> String {
    if size >= 1 << 20 && size.is_multiple_of(1 << 20) {
        format!("{}MiB", size >> 20)
    } else if size >= 1 << 10 && size.is_multiple_of(1 << 10) {
        format!("{}KiB", size >> 10)
    } else {
        format!("{size}B")
    }
}

/// One point of the size sweep: the key GETs read (seeded before round 1), the
/// key SETs write, and the value (a pattern with its size at the head and tail).
pub struct Sized {
    pub size: usize,
    pub get_key: String,
    pub set_key: String,
    pub val: Vec<u8>,
}

impl Sized {
    pub fn new(size: usize) -> Sized {
        let mut val: Vec<u8> = (0..size).map(|i| b'A' + (i % 26) as u8).collect();
        let tag = format!("{size}:");
        let n = tag.len().min(size);
        val[..n].copy_from_slice(&tag.as_bytes()[..n]);
        let m = n.min(size - n);
        val[size - m..].copy_from_slice(&tag.as_bytes()[..m]);
        Sized {
            size,
            get_key: format!("bench:size:get:{size}"),
            set_key: format!("bench:size:set:{size}"),
            val,
        }
    }

    /// The whole value up to 64 KiB; beyond, length, 64 bytes at each end and every 4096th byte.
    pub fn check(&self, got: &[u8]) -> bool {
        let want = &self.val[..];
        if want.len() <= 64 << 10 {
            return got == want;
        }
        let n = want.len();
        got.len() == n
            && got[..64] == want[..64]
            && got[n - 64..] == want[n - 64..]
            && (0..n).step_by(4096).all(|i| got[i] == want[i])
    }
}

fn point(data: &Data, size: usize) -> Result<&Sized, Error> {
    data.sized
        .iter()
        .find(|s| s.size == size)
        .ok_or_else(|| format!("no value of {size} bytes").into())
}

pub async fn sized_gets<C: Handle>(
    mut h: C,
    data: Arc<Data>,
    mut hist: Histogram,
    size: usize,
    n: usize,
) -> Result<Histogram, Error> {
    let p = point(&data, size)?;
    for _ in 0..n {
        let start = Instant::now();
        let got = phased(h.get(&p.get_key)).await?;
        hist.record(start.elapsed());
        match &got {
            Some(v) if p.check(v.as_ref()) => {}
            _ => return Err(mismatch("wrong reply", &p.get_key, got.as_ref().map(|v| v.as_ref()))),
        }
    }
    Ok(hist)
}

pub async fn sized_sets<C: Handle>(
    mut h: C,
    data: Arc<Data>,
    mut hist: Histogram,
    size: usize,
    n: usize,
) -> Result<Histogram, Error> {
    let p = point(&data, size)?;
    for _ in 0..n {
        let start = Instant::now();
        phased(h.set(&p.set_key, &p.val)).await?;
        hist.record(start.elapsed());
    }
    Ok(hist)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_checks() {
        let names: Vec<String> = SIZE_POINTS.iter().map(|&n| size_name(n)).collect();
        assert_eq!(names, ["16B", "1KiB", "64KiB", "1MiB", "16MiB"]);
        for &n in &SIZE_POINTS[..4] {
            let s = Sized::new(n);
            assert_eq!(s.val.len(), n);
            assert!(s.check(&s.val));
            let mut bad = s.val.clone();
            bad[n - 1] ^= 1;
            assert!(!s.check(&bad));
            assert!(!s.check(&s.val[1..]));
        }
    }
}
