//! What `scripts/bench.sh` records for this tool: a meta file (the machine
//! and the options of the suite) and a JSON-lines file with one line per
//! cell (a scenario at a worker count and frame size, in report order, with
//! the sizes its pcaps and pools had, or why it was skipped) and one per run
//! (the per-second Rx-pps and Rx-bps samples of that run, warm-up included,
//! and the counters vtep showed at its end).

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
pub struct Lcores {
    pub workers: u64,
    pub desc: String,
}

#[derive(Deserialize)]
pub struct Meta {
    pub bench: String,
    pub date: String,
    pub git_rev: String,
    pub cpu: String,
    pub nproc: u64,
    pub dpdk: String,
    pub eal_memory: String,
    pub quick: bool,
    pub duration_s: usize,
    pub warmup_s: usize,
    pub runs: u64,
    pub interleaved: bool,
    pub learn_macs: u64,
    /// One entry per worker count, in the order they ran.
    pub lcores: Vec<Lcores>,
    pub sizes: Vec<u64>,
    /// The scenarios that ran, in report order.
    pub scenarios: Vec<String>,
}

#[derive(Deserialize, Clone)]
pub struct Cell {
    pub scenario: String,
    pub workers: u64,
    pub frame_size: u64,
    #[serde(default)]
    pub skipped: Option<String>,
    #[serde(default)]
    pub stored_size: u64,
    #[serde(default)]
    pub inner_size: u64,
    #[serde(default)]
    pub pcap_ports: u64,
    #[serde(default)]
    pub mbuf_size: u64,
    #[serde(default)]
    pub max_pkt_len: u64,
}

#[derive(Deserialize)]
pub struct Run {
    pub scenario: String,
    pub workers: u64,
    pub frame_size: u64,
    pub round: u64,
    /// Per-second samples summed over the RX ports; empty when the run failed.
    #[serde(default)]
    pub rx_pps: Vec<f64>,
    #[serde(default)]
    pub rx_bps: Vec<f64>,
    /// `show vlans --json` and `show interfaces --json` at the end of the run.
    #[serde(default)]
    pub counters: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Line {
    Cell(Cell),
    Run(Run),
}

pub struct Set {
    pub meta: Meta,
    pub cells: Vec<Cell>,
    /// In the order they ran.
    pub runs: Vec<Run>,
}

pub fn load(meta: &Path, samples: &Path) -> Result<Set, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let meta: Meta =
        serde_json::from_str(&read(meta)?).map_err(|e| format!("{}: {e}", meta.display()))?;
    let (mut cells, mut runs) = (Vec::new(), Vec::new());
    for (i, l) in read(samples)?.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(l)
            .map_err(|e| format!("{}:{}: {e}", samples.display(), i + 1))?
        {
            Line::Cell(c) => cells.push(c),
            Line::Run(r) => runs.push(r),
        }
    }
    Ok(Set { meta, cells, runs })
}
