//! `--csv DIR`: every table as CSV, one file per scenario (`seq-get.csv`, ...)
//! and one per sweep (`tasks-sweep.csv`, `size-sweep.csv`): a header row, then
//! one row per client (x point), each figure as its median, min and max over
//! the rounds. [`read_sweeps`] reads the two sweep files back (`--plot DIR`
//! redraws the charts from them without running anything).

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use crate::clients::{Error, Kind};
use crate::report::{Summary, METRIC_NAMES, N};
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
                let Some((op, n)) = sc.size_op() else { continue };
                if let Some(s) = summary(sc, k) {
                    text.push_str(&row(&format!("{},{op},{n}", k.name()), &s));
                }
            }
        }
        save("size-sweep", text)?;
    }
    Ok(written)
}

/// What [`read_sweeps`] found.
pub struct Sweeps {
    /// The points, in file order.
    pub scenarios: Vec<Scenario>,
    /// The clients, in report order.
    pub kinds: Vec<Kind>,
    pub found: HashMap<(Scenario, Kind), Summary>,
}

/// The summaries in `DIR/tasks-sweep.csv` and `DIR/size-sweep.csv` (those that exist).
pub fn read_sweeps(dir: &Path) -> Result<Sweeps, Error> {
    let mut scenarios = Vec::new();
    let mut kinds = Vec::new();
    let mut found = HashMap::new();
    for (file, keys) in [("tasks-sweep.csv", 2), ("size-sweep.csv", 3)] {
        let path = dir.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
        // Columns by name: files written before a figure was added still read (it is NaN).
        let column = |name: &str| header.iter().position(|h| *h == name);
        let cols: Vec<[Option<usize>; 3]> = METRIC_NAMES
            .iter()
            .map(|m| ["median", "min", "max"].map(|w| column(&format!("{m}_{w}"))))
            .collect();
        let rounds_col = column("rounds");
        for (n, line) in lines.enumerate() {
            let bad = || format!("{}:{}: not a bench CSV row", path.display(), n + 2);
            let f: Vec<&str> = line.split(',').collect();
            if f.len() != header.len() {
                return Err(bad().into());
            }
            let kind = Kind::parse(f[0]).ok_or_else(bad)?;
            let sc = match (keys, f.get(1).copied()) {
                (2, Some(t)) => Scenario::Tasks(t.parse()?),
                (_, Some("GET")) => Scenario::SizeGet(f.get(2).ok_or_else(bad)?.parse()?),
                (_, Some("SET")) => Scenario::SizeSet(f.get(2).ok_or_else(bad)?.parse()?),
                _ => return Err(bad().into()),
            };
            let num = |i: Option<usize>| {
                i.and_then(|i| f.get(i))
                    .and_then(|s| s.parse::<f64>().ok())
                    .unwrap_or(f64::NAN)
            };
            let mut arrays = [[f64::NAN; N]; 3];
            for (i, c) in cols.iter().enumerate() {
                for (j, a) in arrays.iter_mut().enumerate() {
                    a[i] = num(c[j]);
                }
            }
            let rounds = rounds_col.and_then(|i| f.get(i)).ok_or_else(bad)?.parse()?;
            if !scenarios.contains(&sc) {
                scenarios.push(sc);
            }
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
            let [med, min, max] = arrays;
            found.insert((sc, kind), Summary::from_figures(med, min, max, rounds));
        }
    }
    // Report order for the clients, as in a run.
    let kinds = Kind::ALL.into_iter().filter(|k| kinds.contains(k)).collect();
    Ok(Sweeps {
        scenarios,
        kinds,
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_round_trip_through_csv() {
        let dir = tempfile::tempdir().unwrap();
        let mut med = [f64::NAN; N];
        med[0] = 1000.0;
        med[2] = 55.5;
        let min = med.map(|v| v / 2.0);
        let max = med.map(|v| v * 2.0);
        let lookup = |sc: Scenario, k: Kind| match (sc, k) {
            (Scenario::Tasks(64) | Scenario::SizeSet(1024), Kind::Rustis) => {
                Some(Summary::from_figures(med, min, max, 5))
            }
            _ => None,
        };
        let scenarios = [Scenario::Tasks(64), Scenario::SizeSet(1024), Scenario::SeqGet];
        let files = write_all(dir.path(), &scenarios, &[Kind::AnyredisTokio, Kind::Rustis], &lookup).unwrap();
        assert_eq!(files.len(), 3);
        let got = read_sweeps(dir.path()).unwrap();
        assert_eq!(got.scenarios, [Scenario::Tasks(64), Scenario::SizeSet(1024)]);
        assert_eq!(got.kinds, [Kind::Rustis]);
        let s = &got.found[&(Scenario::Tasks(64), Kind::Rustis)];
        assert_eq!((s.ops_s, s.min[0], s.max[2], s.rounds), (1000.0, 500.0, 111.0, 5));
        assert!(s.allocs_op.is_nan());
    }
}
