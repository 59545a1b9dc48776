//! bench.json (the schema the results in docs/results/ have, so old and new
//! runs plot alike) and bench.md (a Mpps and ratio matrix per worker count).

use crate::figures::{Figure, Measured};
use crate::samples::Set;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const METRIC: &str = "per run: median of the per-second Rx-pps summed over the net_pcap RX ports after warm-up; per figure: median, min, max over runs. gbps = mpps x inner frame bytes (no FCS) x 8 (drop: measured Rx-bps); ratio = mpps / testpmd io mpps, same size and workers; ratio_testpmd_io_paired (--interleave) = median over rounds of run / testpmd run of the same round; ratio_testpmd_io_best = best run / testpmd best run (interference on a shared host only slows runs down); ratio_same_pcaps_testpmd_io[_paired|_best] (decap, learn) = the same against testpmd io replaying the scenario's own pcaps (decapio, learnio)";

/// A JSON document as its maker wrote it (keys in its order) and parsed.
pub struct Doc {
    pub text: String,
    pub value: Value,
}

pub struct Extra {
    pub soak: Option<Doc>,
    pub criterion: Option<Doc>,
}

fn js<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Compact JSON with a space after each `:` and `,`, fields in their
/// declared order, as the results have always had it.
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.begin_array_value(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
}

fn spaced<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Spaced);
    match v.serialize(&mut ser) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "null".into()),
        Err(_) => "null".into(),
    }
}

fn bench_json(set: &Set, figs: &[Figure], extra: &Extra) -> String {
    let m = &set.meta;
    let mut s = String::from("{\n");
    let mut field = |k: &str, v: String| {
        let _ = writeln!(s, "  \"{k}\": {v},");
    };
    field("bench", js(&m.bench));
    field("date", js(&m.date));
    field("git_rev", js(&m.git_rev));
    field("cpu", js(&m.cpu));
    field("nproc", js(&m.nproc));
    field("dpdk", js(&m.dpdk));
    field("eal_memory", js(&m.eal_memory));
    field("quick", js(&m.quick));
    field("duration_s", js(&m.duration_s));
    field("warmup_s", js(&m.warmup_s));
    field("runs", js(&m.runs));
    field("interleaved", js(&m.interleaved));
    field("learn_macs", js(&m.learn_macs));
    let lc: Vec<String> = m
        .lcores
        .iter()
        .map(|l| format!("\"{}\": {}", l.workers, js(&l.desc)))
        .collect();
    field("lcores", format!("{{{}}}", lc.join(", ")));
    field("metric", js(METRIC));
    s += "  \"results\": [\n";
    for (i, f) in figs.iter().enumerate() {
        let sep = if i + 1 < figs.len() { "," } else { "" };
        let _ = writeln!(s, "    {}{sep}", spaced(f));
    }
    s += "  ],\n";
    fn text(d: &Option<Doc>) -> &str {
        d.as_ref().map_or("null", |d| d.text.trim())
    }
    let _ = writeln!(s, "  \"soak\": {},", text(&extra.soak));
    let _ = writeln!(s, "  \"criterion\": {}", text(&extra.criterion));
    s += "}\n";
    s
}

fn label(scen: &str) -> &str {
    match scen {
        "testpmd" => "testpmd io",
        "io" => "vtep io",
        "decapio" => "testpmd io, decap pcaps",
        "learnio" => "testpmd io, learn pcaps",
        s => s,
    }
}

fn cell(m: &Measured) -> String {
    let mut r = String::new();
    if let Some(x) = m.ratio_testpmd_io {
        let _ = write!(r, ", x{x:.2}");
    }
    if let Some(x) = m.ratio_testpmd_io_best {
        let _ = write!(r, " (best x{x:.2})");
    }
    if let Some(x) = m.ratio_testpmd_io_paired {
        let _ = write!(r, " (paired x{x:.2})");
    }
    if let Some(x) = m.ratio_same_pcaps_testpmd_io {
        let best = m
            .ratio_same_pcaps_testpmd_io_best
            .map_or(String::new(), |b| format!(", best x{b:.2}"));
        let paired = m
            .ratio_same_pcaps_testpmd_io_paired
            .map_or(String::new(), |p| format!(", paired x{p:.2}"));
        let _ = write!(r, " (x{x:.2} of testpmd io on its pcaps{best}{paired})");
    }
    format!(
        "{:.2} [{:.2}-{:.2}]<br>{:.1} Gb/s, {:.1} ns{r}",
        m.mpps, m.mpps_min, m.mpps_max, m.gbps, m.ns_per_pkt
    )
}

fn bench_md(set: &Set, figs: &[Figure], extra: &Extra) -> String {
    let m = &set.meta;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "vtep line-rate suite: net_pcap (infinite_rx) -> vtep -> net_null; {} run(s) x {}s, EAL {}, {}",
        m.runs, m.duration_s, m.eal_memory, m.cpu
    );
    for lc in &m.lcores {
        let n = lc.workers;
        let _ = writeln!(s, "\n**{n} worker(s)** ({}): Mpps, median [min-max]; Gbps of inner frames; ns/pkt; ratio to testpmd io (best: best run over best run; with --interleave, paired: median of the per-round ratios)\n", lc.desc);
        s += "| scenario |";
        for z in &m.sizes {
            let _ = write!(s, " {z} B |");
        }
        s += "\n|---|";
        for _ in &m.sizes {
            s += "---:|";
        }
        s += "\n";
        for scen in &m.scenarios {
            let _ = write!(s, "| {} |", label(scen));
            for z in &m.sizes {
                let f = figs.iter().find_map(|f| match f {
                    Figure::Measured(x)
                        if x.scenario == *scen && x.workers == n && x.frame_size == *z =>
                    {
                        Some(x)
                    }
                    _ => None,
                });
                let _ = write!(s, " {} |", f.map_or("n/a".into(), |x| cell(x)));
            }
            s += "\n";
        }
    }
    let mut skipped: Vec<String> = figs
        .iter()
        .filter_map(|f| match f {
            Figure::Skipped(k) => Some(format!(
                "- {} ({} workers): {}",
                k.scenario, k.workers, k.skipped
            )),
            _ => None,
        })
        .collect();
    skipped.sort();
    skipped.dedup();
    if !skipped.is_empty() {
        let _ = write!(s, "\nn/a:\n{}\n", skipped.join("\n"));
    }
    if let Some(d) = &extra.soak {
        let (secs, text) = (&d.value["seconds"], d.text.trim());
        let _ = write!(s, "\nsoak (learning churn, {secs}s): {text}\n");
    }
    if let Some(Value::Array(rows)) = extra.criterion.as_ref().map(|d| &d.value) {
        s += "\ncriterion (median estimate; ns per operation = per packet / table op):\n\n| bench | ns per op |\n|---|---:|\n";
        for r in rows {
            let _ = writeln!(
                s,
                "| {} | {} |",
                r["bench"].as_str().unwrap_or("?"),
                r["ns_per_op"]
            );
        }
    }
    s
}

/// Writes OUT/bench.json and OUT/bench.md.
pub fn write(set: &Set, figs: &[Figure], extra: &Extra, out: &Path) -> Result<(), String> {
    let put = |name: &str, text: String| {
        let p = out.join(name);
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))
    };
    put("bench.json", bench_json(set, figs, extra))?;
    put("bench.md", bench_md(set, figs, extra))
}
