//! `vtep-benchreport`: the arithmetic and the reports of `scripts/bench.sh`.
//! The script runs the forwarders and records what it saw (a meta file and
//! one JSON line per cell and per run, see `samples`); this tool turns that
//! into figures (medians, min/max, ratios to testpmd io), `bench.json`,
//! `bench.md` and the SVG plots, and reads criterion's own estimates.
//!
//!   vtep-benchreport figures   --meta M --samples S [--workers N]
//!   vtep-benchreport report    --meta M --samples S [--soak F] [--criterion F] --out DIR
//!   vtep-benchreport soak      --rss FILE --seconds S [--died]
//!   vtep-benchreport criterion --dir TARGET/criterion [--since EPOCH]
//!   vtep-benchreport plot      BENCH_JSON OUTDIR

#![forbid(unsafe_code)]

mod criterion;
mod figures;
mod plot;
mod report;
mod samples;
mod soak;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "vtep-benchreport",
    about = "Figures, reports and plots of scripts/bench.sh"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// One line per figure (median Mpps, ratios) on stderr; exits 1 when a
    /// scenario's counters show the traffic did not take its path.
    Figures {
        #[arg(long)]
        meta: PathBuf,
        #[arg(long)]
        samples: PathBuf,
        /// Only the figures of this worker count.
        #[arg(long)]
        workers: Option<u64>,
    },
    /// Writes OUT/bench.json and OUT/bench.md.
    Report {
        #[arg(long)]
        meta: PathBuf,
        #[arg(long)]
        samples: PathBuf,
        /// The soak's verdict, as `soak` printed it.
        #[arg(long)]
        soak: Option<PathBuf>,
        /// The criterion figures, as `criterion` printed them.
        #[arg(long)]
        criterion: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// The soak's verdict from its "second VmRSS-kB" samples, as one JSON line.
    Soak {
        #[arg(long)]
        rss: PathBuf,
        #[arg(long)]
        seconds: u64,
        /// vtep was no longer running at the end of the soak.
        #[arg(long)]
        died: bool,
    },
    /// Criterion's figures (from its estimates.json files) as one JSON array.
    Criterion {
        /// Criterion's output directory (TARGET/criterion).
        #[arg(long)]
        dir: PathBuf,
        /// Only benches measured at or after this time (seconds since the epoch).
        #[arg(long)]
        since: Option<u64>,
    },
    /// Draws bench-{mpps,gbps}-<N>w.svg from a bench.json.
    Plot { json: PathBuf, out: PathBuf },
}

fn run(cli: Cli) -> Result<bool, String> {
    match cli.cmd {
        Cmd::Figures {
            meta,
            samples,
            workers,
        } => {
            let set = samples::load(&meta, &samples)?;
            let figs = figures::compute(&set);
            let mut ok = true;
            for f in figs
                .iter()
                .filter(|f| workers.is_none_or(|w| f.workers() == w))
            {
                ok &= figures::say(f);
            }
            Ok(ok)
        }
        Cmd::Report {
            meta,
            samples,
            soak,
            criterion,
            out,
        } => {
            let set = samples::load(&meta, &samples)?;
            let figs = figures::compute(&set);
            let read = |p: Option<PathBuf>| -> Result<Option<report::Doc>, String> {
                let Some(p) = p else { return Ok(None) };
                let text =
                    std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                let value =
                    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
                Ok(Some(report::Doc { text, value }))
            };
            let extra = report::Extra {
                soak: read(soak)?,
                criterion: read(criterion)?,
            };
            report::write(&set, &figs, &extra, &out)?;
            Ok(true)
        }
        Cmd::Soak { rss, seconds, died } => {
            let t = std::fs::read_to_string(&rss).map_err(|e| format!("{}: {e}", rss.display()))?;
            println!("{}", soak::verdict(&t, seconds, !died));
            Ok(true)
        }
        Cmd::Criterion { dir, since } => {
            println!("{}", criterion::collect(&dir, since)?);
            Ok(true)
        }
        Cmd::Plot { json, out } => plot::run(&json, &out).map(|()| true),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("vtep-benchreport: {e}");
            ExitCode::from(2)
        }
    }
}
