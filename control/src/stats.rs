//! Port statistics: snapshots, rates, and testpmd-shaped text and JSON.

use crate::ports::{CtlTx, PortInfo};
use dataplane::dpdk::EthStats;
use dataplane::worker::PortStats;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write;
use std::time::Instant;

/// Software counters of one port, summed over queues.
#[derive(Clone, Copy, Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SwTotals {
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub rx_oversize: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub tx_dropped: u64,
}

impl SwTotals {
    fn of(ps: &PortStats) -> Self {
        let mut t = SwTotals::default();
        for q in &ps.rxq {
            t.rx_packets += q.packets.get();
            t.rx_bytes += q.bytes.get();
            t.rx_oversize += q.oversize.get();
        }
        for q in &ps.txq {
            t.tx_packets += q.packets.get();
            t.tx_bytes += q.bytes.get();
            t.tx_dropped += q.dropped.get();
        }
        t
    }
}

/// Counters of every port at one instant.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub at: Option<Instant>,
    pub eth: Vec<EthStats>,
    pub sw: Vec<SwTotals>,
}

impl Snapshot {
    pub fn take(ports: &[PortInfo], stats: &[PortStats]) -> Snapshot {
        Snapshot {
            at: Some(Instant::now()),
            eth: ports.iter().map(|p| p.port.stats()).collect(),
            sw: stats.iter().map(SwTotals::of).collect(),
        }
    }
}

/// (rx pps, rx bps, tx pps, tx bps) of port `i` between two snapshots.
fn rates(prev: &Snapshot, now: &Snapshot, i: usize) -> (u64, u64, u64, u64) {
    let (Some(t0), Some(t1)) = (prev.at, now.at) else {
        return (0, 0, 0, 0);
    };
    let dt = t1.duration_since(t0).as_secs_f64();
    if dt <= 0.0 {
        return (0, 0, 0, 0);
    }
    let z = EthStats::default();
    let a = prev.eth.get(i).unwrap_or(&z);
    let b = &now.eth[i];
    let r = |x: u64, y: u64| (y.saturating_sub(x) as f64 / dt) as u64;
    (
        r(a.ipackets, b.ipackets),
        r(a.ibytes, b.ibytes) * 8,
        r(a.opackets, b.opackets),
        r(a.obytes, b.obytes) * 8,
    )
}

/// testpmd's `show port stats all` blocks.
pub fn port_blocks(ports: &[PortInfo], prev: &Snapshot, now: &Snapshot) -> String {
    let mut s = String::new();
    for (i, p) in ports.iter().enumerate() {
        let e = &now.eth[i];
        let sw = &now.sw[i];
        let (rpps, rbps, tpps, tbps) = rates(prev, now, i);
        let title = format!(" NIC statistics for port {} ({}) ", p.port.0, p.name);
        let _ = writeln!(s, "\n  {:#^76}", title);
        let _ = writeln!(
            s,
            "  RX-packets: {:<10} RX-missed: {:<10} RX-bytes:  {}",
            e.ipackets, e.imissed, e.ibytes
        );
        let _ = writeln!(s, "  RX-errors: {}", e.ierrors);
        let _ = writeln!(s, "  RX-nombuf:  {:<10}", e.rx_nombuf);
        let _ = writeln!(
            s,
            "  RX-oversize: {:<9} (longer than --max-pkt-len, dropped)",
            sw.rx_oversize
        );
        let _ = writeln!(
            s,
            "  TX-packets: {:<10} TX-errors: {:<10} TX-bytes:  {}",
            e.opackets, e.oerrors, e.obytes
        );
        let _ = writeln!(
            s,
            "  TX-dropped: {:<10} (device queue full, freed)",
            sw.tx_dropped
        );
        let _ = writeln!(s);
        let _ = writeln!(s, "  Throughput (since last show)");
        let _ = writeln!(s, "  Rx-pps: {:>12}          Rx-bps: {:>12}", rpps, rbps);
        let _ = writeln!(s, "  Tx-pps: {:>12}          Tx-bps: {:>12}", tpps, tbps);
        let _ = writeln!(s, "  {:#<76}", "");
    }
    s
}

pub fn port_json(
    ports: &[PortInfo],
    prev: &Snapshot,
    now: &Snapshot,
    stats: &[PortStats],
) -> Value {
    let v: Vec<Value> = ports
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let e = &now.eth[i];
            let (rpps, rbps, tpps, tbps) = rates(prev, now, i);
            let ps = &stats[i];
            json!({
                "port": p.port.0, "name": p.name,
                "rx-packets": e.ipackets, "rx-bytes": e.ibytes, "rx-missed": e.imissed,
                "rx-errors": e.ierrors, "rx-nombuf": e.rx_nombuf,
                "tx-packets": e.opackets, "tx-bytes": e.obytes, "tx-errors": e.oerrors,
                "sw": now.sw[i],
                "rx-pps": rpps, "rx-bps": rbps, "tx-pps": tpps, "tx-bps": tbps,
                "rx-queues": ps.rxq.iter().map(|q| json!({"packets": q.packets.get(), "bytes": q.bytes.get(), "oversize": q.oversize.get()})).collect::<Vec<_>>(),
                "tx-queues": ps.txq.iter().map(|q| json!({"packets": q.packets.get(), "bytes": q.bytes.get(), "dropped": q.dropped.get()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "ports": v })
}

/// rxonly's latency from txonly probes, or nothing when none arrived.
pub fn latency_line(l: &[std::sync::Arc<dataplane::worker::Latency>]) -> String {
    match dataplane::worker::Latency::summary(l) {
        None => String::new(),
        Some((n, min, avg, p99, max)) => format!(
            "  Latency (txonly probe, {n} samples): min {:.1} us  avg {:.1} us  p99 {:.1} us  max {:.1} us\n",
            min as f64 / 1e3,
            avg as f64 / 1e3,
            p99 as f64 / 1e3,
            max as f64 / 1e3
        ),
    }
}

/// A port as `show config` shows it.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PortView {
    pub port: u16,
    pub name: String,
    pub driver: String,
    pub mac: String,
    pub mtu: u32,
    pub rxq: u16,
    pub txq: u16,
    pub rxd: u16,
    pub txd: u16,
    pub rss: bool,
    pub multi_segs: bool,
    pub control_tx: String,
}

impl From<&PortInfo> for PortView {
    fn from(p: &PortInfo) -> Self {
        PortView {
            port: p.port.0,
            name: p.name.clone(),
            driver: p.driver.clone(),
            mac: p.mac.to_string(),
            mtu: p.state.mtu,
            rxq: p.rxq,
            txq: p.txq,
            rxd: p.state.rxd,
            txd: p.state.txd,
            rss: p.state.rss,
            multi_segs: p.state.multi_segs,
            control_tx: match p.ctl_tx {
                CtlTx::Queue(q) => format!("txq {q}"),
                CtlTx::Ring(_) => "worker ring".into(),
            },
        }
    }
}

/// `show config` as indented `key: value` lines.
pub fn config_text(v: &Value) -> String {
    fn walk(out: &mut String, v: &Value, indent: usize) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match x {
                        Value::Object(_) | Value::Array(_) => {
                            let _ = writeln!(out, "{:indent$}{k}:", "");
                            walk(out, x, indent + 2);
                        }
                        _ => {
                            let _ = writeln!(out, "{:indent$}{k}: {}", "", scalar(x));
                        }
                    }
                }
            }
            Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
                let _ = writeln!(
                    out,
                    "{:indent$}{}",
                    "",
                    a.iter().map(scalar).collect::<Vec<_>>().join(" ")
                );
            }
            Value::Array(a) => {
                for x in a {
                    let _ = writeln!(out, "{:indent$}-", "");
                    walk(out, x, indent + 2);
                }
            }
            _ => {
                let _ = writeln!(out, "{:indent$}{}", "", scalar(v));
            }
        }
    }
    fn scalar(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => "-".into(),
            x => x.to_string(),
        }
    }
    let mut out = String::new();
    walk(&mut out, v, 0);
    out
}
