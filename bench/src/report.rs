//! Medians across rounds and the Markdown tables printed at the end.

use std::fmt::Write;

use crate::clients::Kind;
use crate::scenarios::{Sample, Scenario};
use crate::stats::median;

/// One client's medians for one scenario.
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
}

pub fn metrics(s: &Sample) -> [f64; 7] {
    let ops = s.ops.max(1) as f64;
    [
        s.ops as f64 / s.secs,
        s.hist.quantile_us(0.50),
        s.hist.quantile_us(0.99),
        s.client_cpu / ops * 1e6,
        s.server_cpu,
        s.server_cpu / s.secs * 100.0,
        s.bytes as f64 / s.secs / 1e6,
    ]
}

pub fn summarize(samples: &[Sample]) -> Summary {
    let col = |i: usize| median(&samples.iter().map(|s| metrics(s)[i]).collect::<Vec<_>>());
    Summary {
        ops_s: col(0),
        p50_us: col(1),
        p99_us: col(2),
        cpu_s_per_mop: col(3),
        server_cpu_s: col(4),
        server_busy_pct: col(5),
        mb_s: col(6),
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
    line
}

fn num(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "n/a".into()
    }
}

fn ops(v: f64) -> String {
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
    for &sc in scenarios {
        let _ = writeln!(out, "\n### {} — {}\n", sc.name(), sc.describe(scale));
        let large = sc == Scenario::LargeGet;
        let lat = if sc == Scenario::PipelineSet {
            " (per pipeline)"
        } else {
            ""
        };
        let _ = write!(
            out,
            "| client | ops/s | p50 µs{lat} | p99 µs{lat} | client CPU s/Mop | server CPU s | server busy |"
        );
        if large {
            out.push_str(" MB/s |");
        }
        out.push_str(" anyredis-tokio ÷ client |\n|---|--:|--:|--:|--:|--:|--:|");
        if large {
            out.push_str("--:|");
        }
        out.push_str("--:|\n");
        let ref_ops = summary(sc, reference).map(|s| s.ops_s);
        for &k in kinds {
            let Some(s) = summary(sc, k) else {
                let _ = write!(out, "| {} | n/a | | | | | |", k.name());
                if large {
                    out.push_str(" |");
                }
                out.push_str(" |\n");
                continue;
            };
            let ratio = ref_ops.map(|r| r / s.ops_s).unwrap_or(f64::NAN);
            let _ = write!(
                out,
                "| {} | {} | {} | {} | {} | {} | {}% |",
                k.name(),
                ops(s.ops_s),
                num(s.p50_us, 1),
                num(s.p99_us, 1),
                num(s.cpu_s_per_mop, 2),
                num(s.server_cpu_s, 3),
                num(s.server_busy_pct, 0)
            );
            if large {
                let _ = write!(out, " {} |", num(s.mb_s, 0));
            }
            let _ = writeln!(out, " {} |", num(ratio, 2));
        }
    }

    let peers: Vec<Kind> = kinds.iter().copied().filter(|k| k.is_peer()).collect();
    let ours: Vec<Kind> = kinds.iter().copied().filter(|k| !k.is_peer()).collect();
    if !ours.is_empty() && !peers.is_empty() {
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
        for &sc in scenarios {
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
    out
}
