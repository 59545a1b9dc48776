//! `vtep-benchplot BENCH_JSON OUTDIR`: the plots of a bench.json, as
//! `vtep-benchreport plot` draws them (kept for old scripts and portable
//! copies that call it by this name).

#![forbid(unsafe_code)]

#[path = "vtep-benchreport/plot.rs"]
mod plot;

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 3 || a[1] == "-h" || a[1] == "--help" {
        eprintln!(
            "usage: vtep-benchplot BENCH_JSON OUTDIR   (writes bench-{{mpps,gbps}}-<N>w.svg)"
        );
        return ExitCode::from(2);
    }
    match plot::run(Path::new(&a[1]), Path::new(&a[2])) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vtep-benchplot: {e}");
            ExitCode::FAILURE
        }
    }
}
