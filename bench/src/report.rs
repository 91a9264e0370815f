//! Medians across rounds and the Markdown tables printed at the end.

use std::fmt::Write;

use crate::clients::Kind;
use crate::scenarios::{Sample, Scenario};
use crate::stats::median;

/// How many figures [`metrics`] gives per sample.
pub const N: usize = 14;

/// Names of the per-sample figures of [`metrics`], in order (CSV headers).
pub const METRIC_NAMES: [&str; N] = [
    "ops_per_s",
    "p50_us",
    "p99_us",
    "client_cpu_us_per_op",
    "server_cpu_s",
    "server_busy_pct",
    "mb_per_s",
    "allocs_per_op",
    "alloc_bytes_per_op",
    "peak_rss_mib",
    "client_cpu_ns_per_kib",
    "peak_rss_growth_mib",
    "first_poll_allocs_per_op",
    "later_poll_allocs_per_op",
];

/// One client's medians for one scenario, and every figure's median, min and max.
pub struct Summary {
    pub ops_s: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    /// Client CPU seconds per million Redis commands (= µs per command).
    pub cpu_s_per_mop: f64,
    pub server_cpu_s: f64,
    /// Server CPU seconds over wall seconds, in percent of one core.
    pub server_busy_pct: f64,
    pub mb_s: f64,
    /// Allocations of the whole bench process per command (NaN: not counted).
    pub allocs_op: f64,
    pub alloc_bytes_op: f64,
    /// Peak RSS during the sample, MiB (2^20 bytes).
    pub peak_rss_mib: f64,
    /// Client CPU nanoseconds per KiB of value moved (NaN when no value bytes).
    pub cpu_ns_kib: f64,
    /// Peak RSS minus the RSS the sample started from, MiB.
    pub rss_growth_mib: f64,
    /// Of `allocs_op`: in the first poll of the command's future, in its later polls.
    pub first_poll_allocs_op: f64,
    pub later_poll_allocs_op: f64,
    pub med: [f64; N],
    pub min: [f64; N],
    pub max: [f64; N],
    pub rounds: usize,
}

pub fn metrics(s: &Sample) -> [f64; N] {
    let ops = s.ops.max(1) as f64;
    let per_op = |v: Option<u64>| v.map(|v| v as f64 / ops).unwrap_or(f64::NAN);
    let (p50, p99) = s
        .quantiles_us
        .unwrap_or_else(|| (s.hist.quantile_us(0.50), s.hist.quantile_us(0.99)));
    let kib = s.bytes as f64 / 1024.0;
    [
        s.ops as f64 / s.secs,
        p50,
        p99,
        s.client_cpu / ops * 1e6,
        s.server_cpu,
        s.server_cpu / s.secs * 100.0,
        s.bytes as f64 / s.secs / 1e6,
        per_op(s.usage.allocs),
        per_op(s.usage.alloc_bytes),
        s.usage.peak_rss_kib.map(|k| k as f64 / 1024.0).unwrap_or(f64::NAN),
        if s.bytes > 0 {
            s.client_cpu * 1e9 / kib
        } else {
            f64::NAN
        },
        match (s.usage.peak_rss_kib, s.usage.rss_start_kib) {
            (Some(p), Some(r)) => p.saturating_sub(r) as f64 / 1024.0,
            _ => f64::NAN,
        },
        per_op(s.usage.first_poll_allocs),
        per_op(s.usage.later_poll_allocs),
    ]
}

pub fn summarize(samples: &[Sample]) -> Summary {
    let all: Vec<[f64; N]> = samples.iter().map(metrics).collect();
    let mut med = [f64::NAN; N];
    let mut min = [f64::NAN; N];
    let mut max = [f64::NAN; N];
    for i in 0..N {
        let col: Vec<f64> = all.iter().map(|m| m[i]).filter(|v| v.is_finite()).collect();
        med[i] = median(&col);
        if !col.is_empty() {
            min[i] = col.iter().copied().fold(f64::INFINITY, f64::min);
            max[i] = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        }
    }
    Summary::from_figures(med, min, max, samples.len())
}

impl Summary {
    /// From every figure's median, min and max (in [`METRIC_NAMES`] order).
    pub fn from_figures(med: [f64; N], min: [f64; N], max: [f64; N], rounds: usize) -> Summary {
        Summary {
            ops_s: med[0],
            p50_us: med[1],
            p99_us: med[2],
            cpu_s_per_mop: med[3],
            server_cpu_s: med[4],
            server_busy_pct: med[5],
            mb_s: med[6],
            allocs_op: med[7],
            alloc_bytes_op: med[8],
            peak_rss_mib: med[9],
            cpu_ns_kib: med[10],
            rss_growth_mib: med[11],
            first_poll_allocs_op: med[12],
            later_poll_allocs_op: med[13],
            med,
            min,
            max,
            rounds,
        }
    }
}

/// "all (first poll / later polls)" allocations per op.
pub fn allocs(s: &Summary) -> String {
    if s.first_poll_allocs_op.is_finite() {
        format!(
            "{} ({} / {})",
            num(s.allocs_op, 2),
            num(s.first_poll_allocs_op, 2),
            num(s.later_poll_allocs_op, 2)
        )
    } else {
        num(s.allocs_op, 2)
    }
}

/// "peak (+growth over the sample's start)" in MiB.
pub fn rss(s: &Summary) -> String {
    if s.rss_growth_mib.is_finite() {
        format!("{} (+{})", num(s.peak_rss_mib, 1), num(s.rss_growth_mib, 1))
    } else {
        num(s.peak_rss_mib, 1)
    }
}

/// "median (min–max)" of ops/s, or the median alone for one round.
pub fn ops_spread(s: &Summary) -> String {
    if s.rounds > 1 {
        format!("{} ({}–{})", ops(s.ops_s), ops(s.min[0]), ops(s.max[0]))
    } else {
        ops(s.ops_s)
    }
}

/// One progress line for a finished sample.
pub fn progress_line(round: usize, rounds: usize, scenario: Scenario, kind: Kind, s: &Sample) -> String {
    let m = metrics(s);
    let mut line = format!(
        "round {}/{rounds} {:<16} {:<18} {:>10.0} ops/s  p50 {:>8.1} µs  p99 {:>8.1} µs  client CPU {:>6.2} s/Mop  server CPU {:>6.3} s ({:>3.0}% busy)",
        round + 1,
        scenario.name(),
        kind.name(),
        m[0],
        m[1],
        m[2],
        m[3],
        m[4],
        m[5]
    );
    if s.bytes > 0 {
        let _ = write!(line, "  {:.0} MB/s", m[6]);
    }
    if m[7].is_finite() {
        let _ = write!(line, "  {:.1} allocs/op", m[7]);
    }
    if m[9].is_finite() {
        let _ = write!(line, "  peak RSS {:.0} MiB", m[9]);
    }
    line
}

pub fn num(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "n/a".into()
    }
}

pub fn ops(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    // Thousands separators keep the table readable.
    let s = format!("{:.0}", v);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The report: one table per scenario, then the ratios anyredis-tokio / each client.
pub fn render(
    scenarios: &[Scenario],
    kinds: &[Kind],
    scale: f64,
    summary: impl Fn(Scenario, Kind) -> Option<Summary>,
) -> String {
    let mut out = String::new();
    let reference = Kind::AnyredisTokio;
    for &sc in scenarios.iter().filter(|s| !s.is_sweep()) {
        let _ = writeln!(out, "\n### {} — {}\n", sc.name(), sc.describe(scale));
        let large = sc == Scenario::LargeGet;
        let lat = if sc == Scenario::PipelineSet {
            " (per pipeline)"
        } else {
            ""
        };
        let _ = write!(
            out,
            "| client | ops/s (min–max) | p50 µs{lat} | p99 µs{lat} | client CPU s/Mop | server CPU s | server busy | allocs/op (1st poll / later) | alloc B/op | peak RSS MiB (+growth) |"
        );
        if large {
            out.push_str(" MB/s |");
        }
        out.push_str(" anyredis-tokio ÷ client |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        if large {
            out.push_str("--:|");
        }
        out.push_str("--:|\n");
        let ref_ops = summary(sc, reference).map(|s| s.ops_s);
        for &k in kinds {
            let Some(s) = summary(sc, k) else {
                let _ = write!(out, "| {} | n/a | | | | | | | | |", k.name());
                if large {
                    out.push_str(" |");
                }
                out.push_str(" |\n");
                continue;
            };
            let ratio = ref_ops.map(|r| r / s.ops_s).unwrap_or(f64::NAN);
            let _ = write!(
                out,
                "| {} | {} | {} | {} | {} | {} | {}% | {} | {} | {} |",
                k.name(),
                ops_spread(&s),
                num(s.p50_us, 1),
                num(s.p99_us, 1),
                num(s.cpu_s_per_mop, 2),
                num(s.server_cpu_s, 3),
                num(s.server_busy_pct, 0),
                allocs(&s),
                num(s.alloc_bytes_op, 0),
                rss(&s)
            );
            if large {
                let _ = write!(out, " {} |", num(s.mb_s, 0));
            }
            let _ = writeln!(out, " {} |", num(ratio, 2));
        }
        if kinds.contains(&Kind::RedisBenchmark) {
            if let Some(note) = crate::refbench::RefBench::note(sc, scale) {
                let _ = writeln!(out, "\n{note}");
            }
        }
    }

    let peers: Vec<Kind> = kinds.iter().copied().filter(|k| k.is_peer()).collect();
    let ours: Vec<Kind> = kinds.iter().copied().filter(|k| k.is_anyredis()).collect();
    if !ours.is_empty() && !peers.is_empty() && scenarios.iter().any(|s| !s.is_sweep()) {
        let _ = writeln!(
            out,
            "\n### anyredis ÷ peers\n\nThroughput ratios (ops/s; above 1: anyredis is faster) and client-CPU-per-op ratios \
             (below 1: anyredis uses less). \"best\" is the peer with the most ops/s, resp. the least CPU per op.\n"
        );
        out.push_str("| scenario |");
        for k in &peers {
            let _ = write!(out, " anyredis-tokio ÷ {} |", k.name());
        }
        for k in &ours {
            let _ = write!(out, " {} ÷ best |", k.name());
        }
        out.push_str(" best peer | CPU/op anyredis-tokio ÷ best |\n|---|");
        for _ in 0..peers.len() + ours.len() {
            out.push_str("--:|");
        }
        out.push_str("---|--:|\n");
        for &sc in scenarios.iter().filter(|s| !s.is_sweep()) {
            let _ = write!(out, "| {} |", sc.name());
            let ref_s = summary(sc, reference);
            let peer_s: Vec<(Kind, Summary)> = peers.iter().filter_map(|&k| summary(sc, k).map(|s| (k, s))).collect();
            for &k in &peers {
                let v = match (&ref_s, peer_s.iter().find(|(p, _)| *p == k)) {
                    (Some(r), Some((_, s))) => r.ops_s / s.ops_s,
                    _ => f64::NAN,
                };
                let _ = write!(out, " {} |", num(v, 2));
            }
            let best = peer_s.iter().max_by(|a, b| a.1.ops_s.total_cmp(&b.1.ops_s));
            for &k in &ours {
                let v = match (summary(sc, k), best) {
                    (Some(r), Some((_, b))) => r.ops_s / b.ops_s,
                    _ => f64::NAN,
                };
                let _ = write!(out, " {} |", num(v, 2));
            }
            let least_cpu = peer_s
                .iter()
                .map(|(_, s)| s.cpu_s_per_mop)
                .fold(f64::INFINITY, f64::min);
            let cpu = ref_s.as_ref().map(|r| r.cpu_s_per_mop / least_cpu).unwrap_or(f64::NAN);
            let _ = writeln!(
                out,
                " {} | {} |",
                best.map(|(k, _)| k.name()).unwrap_or("n/a"),
                num(cpu, 2)
            );
        }
    }
    if kinds.contains(&Kind::RedisBenchmark) {
        out.push_str(&against_redis_benchmark(scenarios, &summary));
    }
    out
}

/// The issue-12 target for anyredis-tokio ÷ redis-benchmark, where it sets one.
fn target(sc: Scenario) -> Option<f64> {
    match sc {
        Scenario::PipelineSet | Scenario::SeqGet => Some(0.90),
        Scenario::LargeGet => Some(0.95),
        _ => None,
    }
}

fn against_redis_benchmark(scenarios: &[Scenario], summary: &impl Fn(Scenario, Kind) -> Option<Summary>) -> String {
    let mut out = String::from(
        "\n### anyredis-tokio ÷ redis-benchmark\n\nThroughput ratio in the same run (medians), the issue-12 target where it sets one, \
         and client CPU per op of each (redis-benchmark's is the child process's own).\n\n\
         | scenario | anyredis-tokio ops/s | redis-benchmark ops/s | ÷ redis-benchmark | target | CPU µs/op anyredis-tokio | CPU µs/op redis-benchmark |\n\
         |---|--:|--:|--:|--:|--:|--:|\n",
    );
    for &sc in scenarios {
        let (Some(a), Some(r)) = (summary(sc, Kind::AnyredisTokio), summary(sc, Kind::RedisBenchmark)) else {
            continue;
        };
        let ratio = a.ops_s / r.ops_s;
        let goal = match (sc, target(sc)) {
            (_, Some(t)) => format!("≥ {t:.2} ({})", if ratio >= t { "met" } else { "missed" }),
            (Scenario::ConcurrentGet, None) => "none (64 connections: not like-for-like)".into(),
            _ => "none".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {goal} | {} | {} |",
            sc.name(),
            ops(a.ops_s),
            ops(r.ops_s),
            num(ratio, 2),
            num(a.cpu_s_per_mop, 2),
            num(r.cpu_s_per_mop, 2)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(ops: f64, cpu: f64) -> Summary {
        let mut med = [f64::NAN; N];
        med[0] = ops;
        med[3] = cpu;
        Summary::from_figures(med, med, med, 5)
    }

    #[test]
    fn redis_benchmark_targets_are_marked() {
        let lookup = |sc: Scenario, k: Kind| match (sc, k) {
            (Scenario::PipelineSet, Kind::AnyredisTokio) => Some(with(720_000.0, 0.3)),
            (Scenario::PipelineSet, Kind::RedisBenchmark) => Some(with(1_000_000.0, 0.1)),
            (Scenario::LargeGet, Kind::AnyredisTokio) => Some(with(2_000.0, 150.0)),
            (Scenario::LargeGet, Kind::RedisBenchmark) => Some(with(2_100.0, 200.0)),
            (Scenario::ConcurrentGet, Kind::AnyredisTokio) => Some(with(700_000.0, 1.0)),
            (Scenario::ConcurrentGet, Kind::RedisBenchmark) => Some(with(1_400_000.0, 0.4)),
            _ => None,
        };
        let scenarios = [
            Scenario::PipelineSet,
            Scenario::LargeGet,
            Scenario::ConcurrentGet,
            Scenario::SeqGet,
        ];
        let table = against_redis_benchmark(&scenarios, &lookup);
        assert!(
            table.contains("| pipeline-set | 720,000 | 1,000,000 | 0.72 | ≥ 0.90 (missed) | 0.30 | 0.10 |"),
            "{table}"
        );
        assert!(
            table.contains("| large-get | 2,000 | 2,100 | 0.95 | ≥ 0.95 (met) |"),
            "{table}"
        );
        assert!(
            table
                .contains("| concurrent-get | 700,000 | 1,400,000 | 0.50 | none (64 connections: not like-for-like) |"),
            "{table}"
        );
        assert!(!table.contains("| seq-get"), "{table}");
    }

    #[test]
    fn spread_and_allocation_cells() {
        let mut s = with(1234.4, 1.0);
        assert_eq!(ops_spread(&s), "1,234 (1,234–1,234)");
        s.rounds = 1;
        assert_eq!(ops_spread(&s), "1,234");
        assert_eq!(allocs(&s), "n/a");
        s.allocs_op = 2.0;
        s.first_poll_allocs_op = 2.0;
        s.later_poll_allocs_op = 0.0;
        assert_eq!(allocs(&s), "2.00 (2.00 / 0.00)");
        assert_eq!(ops(1_234_567.0), "1,234,567");
    }
}
