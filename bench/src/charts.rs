//! `--charts DIR`: the two sweeps drawn as SVG (plotters, SVG backend only):
//! `tasks-sweep.svg` (ops/s, p99, client CPU per op and allocations per op
//! against the number of tasks, log x) and `size-sweep.svg` (MB/s and client
//! CPU per KiB against the value size, GET and SET, log x). One line per client
//! through the medians over the rounds, a thin bar at each point from the
//! smallest to the largest round.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::clients::{Error, Kind};
use crate::report::Summary;
use crate::scenarios::Scenario;
use crate::sweep_report::Lookup;

/// Per client: (x, median, min, max) at each point.
type Series = Vec<(Kind, Vec<(f64, f64, f64, f64)>)>;

fn color(kind: Kind) -> RGBColor {
    match kind {
        Kind::AnyredisTokio => RGBColor(214, 39, 40),
        Kind::RedisRs => RGBColor(31, 119, 180),
        Kind::Fred => RGBColor(44, 160, 44),
        Kind::Rustis => RGBColor(148, 103, 189),
        Kind::AnyredisSmol => RGBColor(255, 127, 14),
        Kind::AnyredisAsyncStd => RGBColor(140, 86, 75),
        Kind::AnyredisTokioHook => RGBColor(227, 119, 194),
        Kind::RedisBenchmark => RGBColor(60, 60, 60),
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    format!("chart: {e}").into()
}

/// One series per client: (x, median, min, max) of figure `metric` (an index
/// into [`crate::report::METRIC_NAMES`]) at each point where it is finite.
fn series(kinds: &[Kind], points: &[(f64, Scenario)], summary: Lookup, metric: usize) -> Series {
    kinds
        .iter()
        .map(|&k| {
            let pts = points
                .iter()
                .filter_map(|&(x, sc)| {
                    summary(sc, k).map(|s: Summary| (x, s.med[metric], s.min[metric], s.max[metric]))
                })
                .filter(|(_, y, lo, hi)| y.is_finite() && *y > 0.0 && lo.is_finite() && *lo > 0.0 && hi.is_finite())
                .collect::<Vec<_>>();
            (k, pts)
        })
        .filter(|(_, pts)| !pts.is_empty())
        .collect()
}

fn count_label(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{}k", v / 1e3)
    } else if v >= 1.0 {
        format!("{v}")
    } else {
        format!("{v:.2}")
    }
}

/// Decimal units: the log axis puts its ticks at powers of ten.
fn bytes_label(v: f64) -> String {
    if v >= 1e6 {
        format!("{} MB", v / 1e6)
    } else if v >= 1e3 {
        format!("{} kB", v / 1e3)
    } else {
        format!("{v} B")
    }
}

struct Panel<'a> {
    title: &'a str,
    x_desc: &'a str,
    y_desc: &'a str,
    x_label: fn(f64) -> String,
    log_y: bool,
    legend: SeriesLabelPosition,
}

fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    p: &Panel,
    data: &Series,
) -> Result<(), Error>
where
    DB::ErrorType: 'static,
{
    let xs = data.iter().flat_map(|(_, v)| v.iter().map(|p| p.0));
    // Log panels span the spread bars too; linear ones the medians (the bars are
    // cut at the top), so one wild round does not flatten every line.
    let ys: Vec<f64> = data
        .iter()
        .flat_map(|(_, v)| v.iter().flat_map(|q| if p.log_y { [q.2, q.3] } else { [q.1, q.1] }))
        .collect();
    let (x0, x1) = xs.fold((f64::INFINITY, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
    let (y0, y1) = ys
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), &y| (a.min(y), b.max(y)));
    if !(x0.is_finite() && y0.is_finite()) {
        return Ok(());
    }
    let mut b = ChartBuilder::on(area);
    b.caption(p.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(70);
    let x_range = (x0 / 1.3..x1 * 1.3).log_scale();
    if p.log_y {
        let chart = b
            .build_cartesian_2d(x_range, (y0 / 1.5..y1 * 1.5).log_scale())
            .map_err(err)?;
        lines(chart, p, data, f64::INFINITY)
    } else {
        // The spread bars are cut at the top of a linear panel.
        let top = y1 * 1.6;
        let chart = b.build_cartesian_2d(x_range, 0.0..top).map_err(err)?;
        lines(chart, p, data, top)
    }
}

/// The mesh, one line per client with its spread bars (cut at `top`), and the
/// legend, on a chart whose y axis is log or linear.
fn lines<'a, DB, X, Y>(
    mut chart: ChartContext<'a, DB, Cartesian2d<X, Y>>,
    p: &Panel,
    data: &Series,
    top: f64,
) -> Result<(), Error>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let fmt_x = |v: &f64| (p.x_label)(*v);
    let fmt_y = |v: &f64| count_label(*v);
    chart
        .configure_mesh()
        .x_desc(p.x_desc)
        .y_desc(p.y_desc)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .draw()
        .map_err(err)?;
    for (k, pts) in data {
        let c = color(*k);
        chart
            .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), c.stroke_width(2)).point_size(3))
            .map_err(err)?
            .label(k.name())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        // The spread over the rounds: a thin bar from min to max at each point.
        chart
            .draw_series(pts.iter().map(|p| {
                PathElement::new(
                    vec![(p.0, p.2.min(top)), (p.0, p.3.min(top))],
                    c.mix(0.5).stroke_width(1),
                )
            }))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(p.legend.clone())
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;
    Ok(())
}

fn grid(path: &Path, title: &str, panels: &[(Panel, Series)]) -> Result<(), Error> {
    let root = SVGBackend::new(path, (1400, 1000)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let root = root.titled(title, ("sans-serif", 24)).map_err(err)?;
    let areas = root.split_evenly((2, 2));
    for (area, (panel, data)) in areas.iter().zip(panels) {
        draw(area, panel, data)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

/// Draws the charts of the sweeps that ran; returns the files written.
pub fn draw_all(
    dir: &Path,
    scenarios: &[Scenario],
    kinds: &[Kind],
    summary: Lookup,
    note: &str,
) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let tasks: Vec<(f64, Scenario)> = scenarios
        .iter()
        .filter_map(|&s| match s {
            Scenario::Tasks(n) => Some((n as f64, s)),
            _ => None,
        })
        .collect();
    if !tasks.is_empty() {
        let path = dir.join("tasks-sweep.svg");
        let panel = |title, y_desc, log_y| Panel {
            title,
            x_desc: "tasks sharing one client (log)",
            y_desc,
            x_label: count_label,
            log_y,
            legend: SeriesLabelPosition::UpperLeft,
        };
        grid(
            &path,
            &format!("tasks-sweep: GETs of 16 bytes, N tasks on one client ({note})"),
            &[
                (
                    panel("throughput", "GET/s (log)", true),
                    series(kinds, &tasks, summary, 0),
                ),
                (
                    panel("p99 latency", "p99 µs (log)", true),
                    series(kinds, &tasks, summary, 2),
                ),
                (
                    panel("client CPU per GET", "µs CPU / GET", false),
                    series(kinds, &tasks, summary, 3),
                ),
                (
                    panel("allocations per GET (whole bench process)", "allocs / GET", false),
                    series(kinds, &tasks, summary, 7),
                ),
            ],
        )?;
        written.push(path);
    }
    let pick = |get: bool| -> Vec<(f64, Scenario)> {
        scenarios
            .iter()
            .filter_map(|&s| match (s, get) {
                (Scenario::SizeGet(n), true) | (Scenario::SizeSet(n), false) => Some((n as f64, s)),
                _ => None,
            })
            .collect()
    };
    let (gets, sets) = (pick(true), pick(false));
    if !gets.is_empty() || !sets.is_empty() {
        let path = dir.join("size-sweep.svg");
        let panel = |title, y_desc, legend| Panel {
            title,
            x_desc: "value size, bytes (log)",
            y_desc,
            x_label: bytes_label,
            log_y: true,
            legend,
        };
        let (left, right) = (SeriesLabelPosition::UpperLeft, SeriesLabelPosition::UpperRight);
        grid(
            &path,
            &format!("size-sweep: one task, sequential GET / SET of one value ({note})"),
            &[
                (
                    panel("GET throughput", "MB/s of value (log)", left.clone()),
                    series(kinds, &gets, summary, 6),
                ),
                (
                    panel("SET throughput", "MB/s of value (log)", left),
                    series(kinds, &sets, summary, 6),
                ),
                (
                    panel("GET: client CPU per KiB", "ns CPU / KiB (log)", right.clone()),
                    series(kinds, &gets, summary, 10),
                ),
                (
                    panel("SET: client CPU per KiB", "ns CPU / KiB (log)", right),
                    series(kinds, &sets, summary, 10),
                ),
            ],
        )?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::N;

    #[test]
    fn draws_both_sweeps_with_a_legend_entry_per_client() {
        let dir = tempfile::tempdir().unwrap();
        let lookup = |sc: Scenario, k: Kind| {
            let base = match k {
                Kind::AnyredisTokio => 2.0,
                Kind::RedisRs => 1.0,
                _ => return None,
            };
            let x = match sc {
                Scenario::Tasks(n) | Scenario::SizeGet(n) | Scenario::SizeSet(n) => n as f64,
                _ => return None,
            };
            let med = [base * 1000.0 + x; N];
            Some(Summary::from_figures(
                med,
                med.map(|v| v * 0.9),
                med.map(|v| v * 1.1),
                3,
            ))
        };
        let scenarios: Vec<Scenario> = ["tasks-sweep", "size-sweep"]
            .iter()
            .flat_map(|s| Scenario::parse(s).unwrap())
            .collect();
        let files = draw_all(
            dir.path(),
            &scenarios,
            &[Kind::AnyredisTokio, Kind::RedisRs, Kind::Fred],
            &lookup,
            "test",
        )
        .unwrap();
        assert_eq!(files.len(), 2);
        for f in files {
            let svg = std::fs::read_to_string(&f).unwrap();
            assert!(svg.starts_with("<svg"), "{}", f.display());
            // Four panels, each with a legend entry per client that has data
            // (the SVG backend writes a text element's content on a line of its own).
            let entries = |name: &str| svg.lines().filter(|l| l.trim() == name).count();
            assert_eq!(entries("anyredis-tokio"), 4, "{}", f.display());
            assert_eq!(entries("redis-rs"), 4, "{}", f.display());
            assert_eq!(entries("fred"), 0, "{}", f.display());
        }
    }

    #[test]
    fn axis_labels() {
        assert_eq!(bytes_label(16.0), "16 B");
        assert_eq!(bytes_label(1e5), "100 kB");
        assert_eq!(bytes_label(1e7), "10 MB");
        assert_eq!(count_label(4096.0), "4.096k");
        assert_eq!(count_label(1e6), "1M");
    }
}
