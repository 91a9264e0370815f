//! The sweeps' tables: one row per client and point (tasks sweep), per client,
//! operation and value size (size sweep), medians with the min–max of ops/s,
//! and whether any client collapses at 4,096 tasks.

use std::fmt::Write;

use crate::clients::Kind;
use crate::report::{allocs, num, ops_spread, rss, Summary};
use crate::scenarios::Scenario;
use crate::sweeps::size_name;

pub type Lookup<'a> = &'a dyn Fn(Scenario, Kind) -> Option<Summary>;

fn tasks_points(scenarios: &[Scenario]) -> Vec<usize> {
    scenarios
        .iter()
        .filter_map(|s| match s {
            Scenario::Tasks(n) => Some(*n),
            _ => None,
        })
        .collect()
}

/// (is_get, size) of the size-sweep points run, GETs first.
fn size_points(scenarios: &[Scenario]) -> Vec<Scenario> {
    let mut v: Vec<Scenario> = scenarios
        .iter()
        .copied()
        .filter(|s| matches!(s, Scenario::SizeGet(_) | Scenario::SizeSet(_)))
        .collect();
    v.sort_by_key(|s| match s {
        Scenario::SizeGet(n) => (0, *n),
        Scenario::SizeSet(n) => (1, *n),
        _ => (2, 0),
    });
    v
}

pub fn render(scenarios: &[Scenario], kinds: &[Kind], scale: f64, summary: Lookup) -> String {
    let mut out = String::new();
    let points = tasks_points(scenarios);
    if !points.is_empty() {
        let _ = writeln!(
            out,
            "\n### tasks-sweep — N tasks sharing one client, GETs of 16-byte values ({})\n",
            points
                .iter()
                .map(|&n| format!("{n}: {} GETs", Scenario::Tasks(n).total_units(scale)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        out.push_str(
            "| client | tasks | ops/s (min–max) | p50 µs | p99 µs | client CPU µs/op | allocs/op (1st poll / later) | alloc B/op | peak RSS MiB (+growth) |\n\
             |---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
        );
        for &k in kinds {
            for &n in &points {
                let Some(s) = summary(Scenario::Tasks(n), k) else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "| {} | {n} | {} | {} | {} | {} | {} | {} | {} |",
                    k.name(),
                    ops_spread(&s),
                    num(s.p50_us, 1),
                    num(s.p99_us, 1),
                    num(s.cpu_s_per_mop, 2),
                    allocs(&s),
                    num(s.alloc_bytes_op, 0),
                    rss(&s)
                );
            }
        }
        out.push_str(&collapse(&points, kinds, summary));
    }
    let sizes = size_points(scenarios);
    if !sizes.is_empty() {
        out.push_str(
            "\n### size-sweep — 1 task, sequential GETs / SETs of one value of each size\n\n\
             MB/s counts value bytes (10^6 B/s); CPU ns/KiB is the client's CPU per KiB of value; \
             redis-benchmark ran `-c 1 -n N -t get|set -d SIZE`.\n\n\
             | client | op | value | ops/s (min–max) | MB/s | p50 µs | p99 µs | client CPU ns/KiB | allocs/op (1st poll / later) | alloc B/op | peak RSS MiB (+growth) |\n\
             |---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
        );
        for &k in kinds {
            for &sc in &sizes {
                let Some((op, n)) = sc.size_op() else { continue };
                let Some(s) = summary(sc, k) else { continue };
                let _ = writeln!(
                    out,
                    "| {} | {op} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    k.name(),
                    size_name(n),
                    ops_spread(&s),
                    num(s.mb_s, 1),
                    num(s.p50_us, 1),
                    num(s.p99_us, 1),
                    num(s.cpu_ns_kib, 0),
                    allocs(&s),
                    num(s.alloc_bytes_op, 0),
                    rss(&s)
                );
            }
        }
    }
    out
}

/// ops/s at the largest task count over the best of the points, per client: a
/// collapse is a ratio well under 1 (a quadratic queue or a lock convoy).
fn collapse(points: &[usize], kinds: &[Kind], summary: Lookup) -> String {
    let Some(&last) = points.iter().max() else {
        return String::new();
    };
    let mut out = format!(
        "\nops/s at {last} tasks ÷ the client's best point (below ~0.7: it collapses), and p99 at {last} tasks:\n\n\
         | client | best point | ops/s at {last} ÷ best | p99 µs at {last} |\n|---|--:|--:|--:|\n"
    );
    for &k in kinds {
        let got: Vec<(usize, Summary)> = points
            .iter()
            .filter_map(|&n| summary(Scenario::Tasks(n), k).map(|s| (n, s)))
            .collect();
        let Some((best_n, best)) = got.iter().max_by(|a, b| a.1.ops_s.total_cmp(&b.1.ops_s)) else {
            continue;
        };
        let Some((_, at_last)) = got.iter().find(|(n, _)| *n == last) else {
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {best_n} tasks | {} | {} |",
            k.name(),
            num(at_last.ops_s / best.ops_s, 2),
            num(at_last.p99_us, 0)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::N;

    fn summary(ops: f64, p99: f64) -> Summary {
        let mut med = [f64::NAN; N];
        med[0] = ops;
        med[2] = p99;
        Summary::from_figures(med, med, med, 1)
    }

    #[test]
    fn collapse_is_the_last_point_over_the_best() {
        let lookup = |sc: Scenario, k: Kind| match (sc, k) {
            (Scenario::Tasks(64), Kind::AnyredisTokio) => Some(summary(800_000.0, 300.0)),
            (Scenario::Tasks(4096), Kind::AnyredisTokio) => Some(summary(200_000.0, 90_000.0)),
            (Scenario::Tasks(64), Kind::Rustis) => Some(summary(400_000.0, 400.0)),
            (Scenario::Tasks(4096), Kind::Rustis) => Some(summary(410_000.0, 20_000.0)),
            _ => None,
        };
        let table = collapse(&[64, 4096], &[Kind::AnyredisTokio, Kind::Rustis, Kind::Fred], &lookup);
        assert!(
            table.contains("| anyredis-tokio | 64 tasks | 0.25 | 90000 |"),
            "{table}"
        );
        assert!(table.contains("| rustis | 4096 tasks | 1.00 | 20000 |"), "{table}");
        assert!(!table.contains("fred"), "{table}");
    }

    #[test]
    fn size_rows_are_gets_then_sets_by_size() {
        let sc = [
            Scenario::SizeSet(16),
            Scenario::SizeGet(1 << 20),
            Scenario::SizeGet(16),
            Scenario::Tasks(1),
        ];
        assert_eq!(
            size_points(&sc),
            [Scenario::SizeGet(16), Scenario::SizeGet(1 << 20), Scenario::SizeSet(16)]
        );
        assert_eq!(tasks_points(&sc), [1]);
    }
}
