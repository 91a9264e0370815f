//! `--csv DIR`: every table as CSV, one file per scenario (`seq-get.csv`, ...)
//! and one per sweep (`tasks-sweep.csv`, `size-sweep.csv`): a header row, then
//! one row per client (x point), each figure as its median, min and max over
//! the rounds.

use std::fmt::Write;
use std::path::Path;

use crate::clients::{Error, Kind};
use crate::report::{Summary, METRIC_NAMES};
use crate::scenarios::Scenario;
use crate::sweep_report::Lookup;

fn header(keys: &str) -> String {
    let mut h = String::from(keys);
    for name in METRIC_NAMES {
        let _ = write!(h, ",{name}_median,{name}_min,{name}_max");
    }
    h.push_str(",rounds\n");
    h
}

fn row(keys: &str, s: &Summary) -> String {
    let mut r = String::from(keys);
    let f = |v: f64| if v.is_finite() { format!("{v}") } else { String::new() };
    for i in 0..METRIC_NAMES.len() {
        let _ = write!(r, ",{},{},{}", f(s.med[i]), f(s.min[i]), f(s.max[i]));
    }
    let _ = writeln!(r, ",{}", s.rounds);
    r
}

/// Writes the files; returns their paths.
pub fn write_all(dir: &Path, scenarios: &[Scenario], kinds: &[Kind], summary: Lookup) -> Result<Vec<String>, Error> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut save = |name: &str, text: String| -> Result<(), Error> {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, text)?;
        written.push(path.display().to_string());
        Ok(())
    };
    for &sc in scenarios.iter().filter(|s| !s.is_sweep()) {
        let mut text = header("client");
        for &k in kinds {
            if let Some(s) = summary(sc, k) {
                text.push_str(&row(k.name(), &s));
            }
        }
        save(&sc.name(), text)?;
    }
    let tasks: Vec<Scenario> = scenarios
        .iter()
        .copied()
        .filter(|s| matches!(s, Scenario::Tasks(_)))
        .collect();
    if !tasks.is_empty() {
        let mut text = header("client,tasks");
        for &k in kinds {
            for &sc in &tasks {
                if let (Scenario::Tasks(n), Some(s)) = (sc, summary(sc, k)) {
                    text.push_str(&row(&format!("{},{n}", k.name()), &s));
                }
            }
        }
        save("tasks-sweep", text)?;
    }
    let sizes: Vec<Scenario> = scenarios
        .iter()
        .copied()
        .filter(|s| matches!(s, Scenario::SizeGet(_) | Scenario::SizeSet(_)))
        .collect();
    if !sizes.is_empty() {
        let mut text = header("client,op,value_bytes");
        for &k in kinds {
            for &sc in &sizes {
                let (op, n) = match sc {
                    Scenario::SizeGet(n) => ("GET", n),
                    Scenario::SizeSet(n) => ("SET", n),
                    _ => continue,
                };
                if let Some(s) = summary(sc, k) {
                    text.push_str(&row(&format!("{},{op},{n}", k.name()), &s));
                }
            }
        }
        save("size-sweep", text)?;
    }
    Ok(written)
}
