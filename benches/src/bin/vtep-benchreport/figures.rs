//! From runs to figures. A run's figure is the median of its per-second
//! Rx-pps after the warm-up; a cell's figure is the median, min and max of
//! its runs. Ratios are to testpmd io at the same size and worker count
//! (decap and the learning churn also to testpmd io replaying their own
//! pcaps): median over median, best run over best run (interference on a
//! shared host only ever slows a run down), and with --interleave the
//! median of the per-round ratios (each run against the testpmd run of the
//! same round).

use crate::samples::{Cell, Run, Set};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Serialize, Clone, Copy, Default)]
pub struct Counters {
    pub encap: u64,
    pub decap: u64,
    pub flood: u64,
    pub moved: u64,
    pub learned: u64,
    pub drops: u64,
}

#[derive(Serialize)]
pub struct Measured {
    pub scenario: String,
    pub workers: u64,
    pub frame_size: u64,
    pub stored_size: u64,
    pub inner_size: u64,
    pub pcap_ports: u64,
    pub mbuf_size: u64,
    pub max_pkt_len: u64,
    pub mpps: f64,
    pub mpps_min: f64,
    pub mpps_max: f64,
    pub runs_mpps: Vec<f64>,
    pub gbps: f64,
    pub ns_per_pkt: f64,
    pub ns_per_pkt_per_core: f64,
    pub ratio_testpmd_io: Option<f64>,
    pub ratio_testpmd_io_paired: Option<f64>,
    pub ratio_testpmd_io_best: Option<f64>,
    pub ratio_same_pcaps_testpmd_io: Option<f64>,
    pub ratio_same_pcaps_testpmd_io_paired: Option<f64>,
    pub ratio_same_pcaps_testpmd_io_best: Option<f64>,
    pub counters: Option<Counters>,
    /// The ceiling of its own pcaps (decapio, learnio), for the summary line.
    #[serde(skip)]
    pub own: Option<&'static str>,
    /// The counters show the traffic took the scenario's path (or none were read).
    #[serde(skip)]
    pub path_ok: bool,
}

#[derive(Serialize)]
pub struct Skipped {
    pub scenario: String,
    pub workers: u64,
    pub frame_size: u64,
    pub skipped: String,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum Figure {
    Measured(Box<Measured>),
    Skipped(Skipped),
}

impl Figure {
    pub fn workers(&self) -> u64 {
        match self {
            Figure::Measured(m) => m.workers,
            Figure::Skipped(s) => s.workers,
        }
    }
}

pub fn round(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

/// The median (the mean of the middle two of an even count).
pub fn median(v: &[f64]) -> Option<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(s[n / 2]),
        _ => Some((s[n / 2 - 1] + s[n / 2]) / 2.0),
    }
}

/// A run's (Mpps, Rx-bps): medians over the measured seconds after the warm-up.
pub fn run_figure(r: &Run, warmup: usize, duration: usize) -> Option<(f64, f64)> {
    let slice = |v: &[f64]| {
        v.iter()
            .skip(warmup)
            .take(duration)
            .copied()
            .collect::<Vec<_>>()
    };
    let pps = median(&slice(&r.rx_pps))?.round();
    let bps = median(&slice(&r.rx_bps)).unwrap_or(0.0).round();
    Some((round(pps / 1e6, 3), bps))
}

/// Sums of vtep's VLAN counters and drop counters over the JSON documents
/// (`show vlans --json`, `show interfaces --json`) in `path`.
pub fn counters(path: &Path) -> Counters {
    fn walk(v: &serde_json::Value, c: &mut Counters) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let n = x.as_u64().unwrap_or(0);
                    match k.as_str() {
                        "encap" => c.encap += n,
                        "decap" => c.decap += n,
                        "flood" => c.flood += n,
                        "moved" => c.moved += n,
                        "learned" => c.learned += n,
                        "drops" => {
                            let sum = |o: &serde_json::Map<_, _>| {
                                o.values()
                                    .filter_map(serde_json::Value::as_u64)
                                    .sum::<u64>()
                            };
                            c.drops += x.as_object().map_or(0, sum);
                        }
                        _ => walk(x, c),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, c)),
            _ => {}
        }
    }
    let mut c = Counters::default();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for v in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
        match v {
            Ok(v) => walk(&v, &mut c),
            Err(_) => break, // an error message instead of JSON: what came before counts
        }
    }
    c
}

type Key = (String, u64, u64);

/// Per cell: its runs' figures by round, and the last run's Rx-bps and counters.
#[derive(Default)]
struct Runs {
    by_round: BTreeMap<u64, f64>,
    last_bps: f64,
    counters: Option<Counters>,
}

fn key(scenario: &str, workers: u64, size: u64) -> Key {
    (scenario.to_string(), workers, size)
}

pub fn compute(set: &Set) -> Vec<Figure> {
    let (w, d) = (set.meta.warmup_s, set.meta.duration_s);
    let mut runs: BTreeMap<Key, Runs> = BTreeMap::new();
    for r in &set.runs {
        let Some((mpps, bps)) = run_figure(r, w, d) else {
            continue;
        };
        let e = runs
            .entry(key(&r.scenario, r.workers, r.frame_size))
            .or_default();
        e.by_round.insert(r.round, mpps);
        e.last_bps = bps;
        if let Some(p) = r.counters.as_deref().filter(|p| p.is_file()) {
            e.counters = Some(counters(p));
        }
    }
    // (median, best run) of every measured cell, for the ratios.
    let mut fig: BTreeMap<Key, (f64, f64)> = BTreeMap::new();
    for (k, r) in &runs {
        let v: Vec<f64> = r.by_round.values().copied().collect();
        if let Some(m) = median(&v) {
            fig.insert(
                k.clone(),
                (round(m, 4), v.iter().copied().fold(f64::MIN, f64::max)),
            );
        }
    }
    set.cells
        .iter()
        .map(|c| figure(set, c, &runs, &fig))
        .collect()
}

fn figure(
    set: &Set,
    c: &Cell,
    runs: &BTreeMap<Key, Runs>,
    fig: &BTreeMap<Key, (f64, f64)>,
) -> Figure {
    let skipped = |why: &str| {
        Figure::Skipped(Skipped {
            scenario: c.scenario.clone(),
            workers: c.workers,
            frame_size: c.frame_size,
            skipped: why.to_string(),
        })
    };
    if let Some(why) = &c.skipped {
        return skipped(why);
    }
    let k = key(&c.scenario, c.workers, c.frame_size);
    let (Some(r), Some(&(med, mx))) = (runs.get(&k), fig.get(&k)) else {
        return skipped("failed");
    };
    let vals: Vec<f64> = r.by_round.values().copied().collect();
    let mn = vals.iter().copied().fold(f64::MAX, f64::min);
    let n = c.workers;
    let gbps = if c.scenario == "drop" {
        round(r.last_bps / 1e9, 3)
    } else {
        round(med * c.inner_size as f64 * 8.0 / 1e3, 3)
    };
    let per = |x: f64| if med > 0.0 { round(x / med, 2) } else { 0.0 };
    let ratio = |x: f64, base: f64| round(if base > 0.0 { x / base } else { 0.0 }, 3);
    // (median ratio, paired ratio, best-run ratio) against `base`.
    let against = |base: &str| -> (Option<f64>, Option<f64>, Option<f64>) {
        let bk = key(base, n, c.frame_size);
        let Some(&(bm, bx)) = fig.get(&bk) else {
            return (None, None, None);
        };
        let paired = set.meta.interleaved.then(|| {
            let b = &runs[&bk].by_round;
            let v: Vec<f64> = r
                .by_round
                .iter()
                .filter_map(|(round_no, a)| b.get(round_no).map(|b| ratio(*a, *b)))
                .collect();
            median(&v)
        });
        (Some(ratio(med, bm)), paired.flatten(), Some(ratio(mx, bx)))
    };
    let (rt, pt, bt) = against("testpmd");
    let own = match c.scenario.as_str() {
        "decap" => Some("decapio"),
        "learn" => Some("learnio"),
        _ => None,
    };
    let (ro, po, bo) = own.map_or((None, None, None), against);
    let path_ok = r.counters.is_none_or(|k| match c.scenario.as_str() {
        "encap" => k.encap > 0 && k.drops == 0,
        "decap" => k.decap > 0 && k.drops == 0,
        "bum" => k.flood > 0 && k.drops == 0,
        "learn" => k.moved > 0 && k.drops == 0,
        "drop" => k.drops > 0 && k.decap == 0,
        _ => true,
    });
    Figure::Measured(Box::new(Measured {
        scenario: c.scenario.clone(),
        workers: n,
        frame_size: c.frame_size,
        stored_size: c.stored_size,
        inner_size: c.inner_size,
        pcap_ports: c.pcap_ports,
        mbuf_size: c.mbuf_size,
        max_pkt_len: c.max_pkt_len,
        mpps: med,
        mpps_min: mn,
        mpps_max: mx,
        runs_mpps: vals,
        gbps,
        ns_per_pkt: per(1e3),
        ns_per_pkt_per_core: per(n as f64 * 1e3),
        ratio_testpmd_io: rt,
        ratio_testpmd_io_paired: pt,
        ratio_testpmd_io_best: bt,
        ratio_same_pcaps_testpmd_io: ro,
        ratio_same_pcaps_testpmd_io_paired: po,
        ratio_same_pcaps_testpmd_io_best: bo,
        counters: r.counters,
        own,
        path_ok,
    }))
}

/// A Mpps figure as the runs give it: three decimals, four for the mean of
/// two middle runs.
pub fn mpps_str(x: f64) -> String {
    if ((x * 1e3).round() - x * 1e3).abs() < 1e-6 {
        format!("{x:.3}")
    } else {
        format!("{x:.4}")
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "null".into(), |v| format!("{v:.3}"))
}

pub fn counters_json(k: &Counters) -> String {
    format!(
        "{{\"encap\": {}, \"decap\": {}, \"flood\": {}, \"moved\": {}, \"learned\": {}, \"drops\": {}}}",
        k.encap, k.decap, k.flood, k.moved, k.learned, k.drops
    )
}

/// Prints the figure's line ("bench: encap 1w 64B: ..."); false when its
/// counters do not show the scenario's path (printed as a warning).
pub fn say(f: &Figure) -> bool {
    let Figure::Measured(m) = f else { return true };
    if !m.path_ok {
        let cj = m
            .counters
            .as_ref()
            .map_or_else(|| "null".into(), counters_json);
        eprintln!(
            "bench: WARNING: {} {}w {}B: counters {cj} do not show the expected path",
            m.scenario, m.workers, m.frame_size
        );
    }
    let mut note = String::new();
    if let Some(p) = m.ratio_testpmd_io_paired {
        note += &format!(", paired ratio {p:.3}");
    }
    if let Some(b) = m.ratio_testpmd_io_best {
        note += &format!(", best-run ratio {b:.3}");
    }
    if let (Some(o), Some(r)) = (m.own, m.ratio_same_pcaps_testpmd_io) {
        note += &format!(", ratio to {o} {r:.3}");
    }
    if let Some(p) = m.ratio_same_pcaps_testpmd_io_paired {
        note += &format!(" (paired {p:.3})");
    }
    if let Some(b) = m.ratio_same_pcaps_testpmd_io_best {
        note += &format!(" (best-run {b:.3})");
    }
    eprintln!(
        "bench: {} {}w {}B: {} Mpps [{}..{}], {:.3} Gbps, ratio {}{note}",
        m.scenario,
        m.workers,
        m.frame_size,
        mpps_str(m.mpps),
        mpps_str(m.mpps_min),
        mpps_str(m.mpps_max),
        m.gbps,
        opt(m.ratio_testpmd_io)
    );
    m.path_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn a_run_is_the_median_after_warmup() {
        let r = Run {
            scenario: "io".into(),
            workers: 1,
            frame_size: 64,
            round: 1,
            // two warm-up seconds, then three measured, then one too many
            rx_pps: vec![1e6, 1e6, 5_000_000.0, 7_000_000.0, 6_123_456.0, 9e9],
            rx_bps: vec![0.0, 0.0, 1.0, 3.0, 2.0, 9.0],
            counters: None,
        };
        assert_eq!(run_figure(&r, 2, 3), Some((6.123, 2.0)));
        assert_eq!(run_figure(&r, 6, 3), None);
    }

    #[test]
    fn counters_sum_vlans_and_drops_over_documents() {
        let p = std::env::temp_dir().join(format!("benchreport-ctr-{}", std::process::id()));
        std::fs::write(
            &p,
            r#"{"vlans": [{"name": "v100", "encap": 5, "decap": 1, "flood": 0, "learned": 2, "moved": 1},
                          {"name": "v101", "encap": 7, "decap": 0, "flood": 3, "learned": 0, "moved": 0}]}
               {"interfaces": [{"name": "ul"}], "drops": {"no-route": 2, "too-big": 1}, "punted": 4}
               vtep ctl: connection refused"#,
        )
        .unwrap();
        let c = counters(&p);
        std::fs::remove_file(&p).unwrap();
        assert_eq!(
            (c.encap, c.decap, c.flood, c.moved, c.learned, c.drops),
            (12, 1, 3, 1, 2, 3)
        );
    }

    #[test]
    fn ratios_median_best_and_paired() {
        use crate::samples::{Lcores, Meta};
        let cell = |scenario: &str| Cell {
            scenario: scenario.into(),
            workers: 1,
            frame_size: 64,
            skipped: None,
            stored_size: 60,
            inner_size: 60,
            pcap_ports: 1,
            mbuf_size: 2176,
            max_pkt_len: 1518,
        };
        let run = |scenario: &str, round: u64, mpps: f64| Run {
            scenario: scenario.into(),
            workers: 1,
            frame_size: 64,
            round,
            rx_pps: vec![mpps * 1e6],
            rx_bps: vec![0.0],
            counters: None,
        };
        let set = Set {
            meta: Meta {
                bench: String::new(),
                date: String::new(),
                git_rev: String::new(),
                cpu: String::new(),
                nproc: 2,
                dpdk: String::new(),
                eal_memory: String::new(),
                quick: false,
                duration_s: 1,
                warmup_s: 0,
                runs: 3,
                interleaved: true,
                learn_macs: 1,
                lcores: vec![Lcores {
                    workers: 1,
                    desc: String::new(),
                }],
                sizes: vec![64],
                scenarios: vec!["testpmd".into(), "encap".into()],
            },
            cells: vec![cell("testpmd"), cell("encap")],
            runs: vec![
                run("testpmd", 1, 40.0),
                run("encap", 1, 10.0),
                run("testpmd", 2, 20.0),
                run("encap", 2, 8.0),
                run("testpmd", 3, 30.0),
                run("encap", 3, 12.0),
            ],
        };
        let figs = compute(&set);
        let Figure::Measured(m) = &figs[1] else {
            panic!("encap not measured")
        };
        assert_eq!((m.mpps, m.mpps_min, m.mpps_max), (10.0, 8.0, 12.0));
        assert_eq!(m.ratio_testpmd_io, Some(0.333)); // 10 / 30
        assert_eq!(m.ratio_testpmd_io_best, Some(0.3)); // 12 / 40
        assert_eq!(m.ratio_testpmd_io_paired, Some(0.4)); // median of 0.25, 0.4, 0.4
        assert_eq!((m.gbps, m.ns_per_pkt), (4.8, 100.0));
        assert_eq!(m.ratio_same_pcaps_testpmd_io, None);
    }
}
