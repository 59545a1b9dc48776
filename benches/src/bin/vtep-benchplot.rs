//! `vtep-benchplot BENCH_JSON OUTDIR`: draws `bench-mpps-<N>w.svg` and
//! `bench-gbps-<N>w.svg` (one pair per worker count) from the `out/bench.json`
//! that `scripts/bench.sh` writes: one line per scenario against the frame
//! size (log scale), testpmd io dashed as the I/O ceiling of the harness.

#![forbid(unsafe_code)]

use plotters::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

const ORDER: &[(&str, &str, RGBColor)] = &[
    ("testpmd", "testpmd io (ceiling)", RGBColor(0, 0, 0)),
    ("io", "vtep io", RGBColor(120, 120, 120)),
    ("encap", "encap", RGBColor(31, 119, 180)),
    (
        "decapio",
        "testpmd io, decap pcaps",
        RGBColor(200, 170, 120),
    ),
    ("decap", "decap", RGBColor(255, 127, 14)),
    ("bum", "BUM flood (3 copies)", RGBColor(44, 160, 44)),
    (
        "learnio",
        "testpmd io, learn pcaps",
        RGBColor(230, 150, 150),
    ),
    ("learn", "learning churn", RGBColor(214, 39, 40)),
    ("drop", "drop path", RGBColor(148, 103, 189)),
];

type Series = BTreeMap<String, Vec<(f64, f64)>>;

fn plot(file: &Path, title: &str, ylabel: &str, s: &Series) -> Result<(), String> {
    let xs: Vec<f64> = s.values().flatten().map(|p| p.0).collect();
    let ymax = s.values().flatten().map(|p| p.1).fold(0.0, f64::max) * 1.1 + 1e-9;
    let (x0, x1) = xs
        .iter()
        .fold((f64::MAX, 0.0f64), |a, &x| (a.0.min(x), a.1.max(x)));
    let root = SVGBackend::new(file, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut c = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((x0 * 0.9..x1 * 1.1).log_scale(), 0.0..ymax)
        .map_err(|e| e.to_string())?;
    c.configure_mesh()
        .x_desc("frame size, bytes incl. FCS (log scale)")
        .y_desc(ylabel)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(|e| e.to_string())?;
    for (key, label, color) in ORDER {
        let Some(pts) = s.get(*key) else { continue };
        let style = if *key == "testpmd" {
            color.stroke_width(3)
        } else {
            color.stroke_width(2)
        };
        let color = *color;
        c.draw_series(LineSeries::new(pts.iter().copied(), style))
            .map_err(|e| e.to_string())?
            .label(*label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        c.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(|e| e.to_string())?;
    }
    c.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

fn run(json: &Path, out: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(json).map_err(|e| format!("{}: {e}", json.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;
    let cpu = v["cpu"].as_str().unwrap_or("?").to_string();
    let mut by_workers: BTreeMap<u64, (Series, Series)> = BTreeMap::new();
    for r in v["results"].as_array().ok_or("no results array")? {
        let (Some(sc), Some(w), Some(fs), Some(m)) = (
            r["scenario"].as_str(),
            r["workers"].as_u64(),
            r["frame_size"].as_f64(),
            r["mpps"].as_f64(),
        ) else {
            continue; // skipped
        };
        let e = by_workers.entry(w).or_default();
        e.0.entry(sc.into()).or_default().push((fs, m));
        // testpmd/io rows carry no inner size: their Gbps is the frame rate x (size-4).
        let g = r["gbps"].as_f64().unwrap_or(m * (fs - 4.0) * 8.0 / 1e3);
        e.1.entry(sc.into()).or_default().push((fs, g));
    }
    if by_workers.is_empty() {
        return Err("no measured results to plot".into());
    }
    for (w, (mpps, gbps)) in &by_workers {
        let f = out.join(format!("bench-mpps-{w}w.svg"));
        plot(
            &f,
            &format!("vtep, {w} worker(s): Mpps ({cpu})"),
            "Mpps",
            mpps,
        )?;
        eprintln!("vtep-benchplot: wrote {}", f.display());
        let f = out.join(format!("bench-gbps-{w}w.svg"));
        plot(
            &f,
            &format!("vtep, {w} worker(s): Gb/s of inner frames ({cpu})"),
            "Gb/s",
            gbps,
        )?;
        eprintln!("vtep-benchplot: wrote {}", f.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 3 || a[1] == "-h" || a[1] == "--help" {
        eprintln!(
            "usage: vtep-benchplot BENCH_JSON OUTDIR   (writes bench-{{mpps,gbps}}-<N>w.svg)"
        );
        return ExitCode::from(2);
    }
    match run(Path::new(&a[1]), Path::new(&a[2])) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vtep-benchplot: {e}");
            ExitCode::FAILURE
        }
    }
}
