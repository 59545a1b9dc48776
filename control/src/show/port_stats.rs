//! `show port stats all`: testpmd's blocks per port (also the periodic
//! and final statistics) and the same counters as JSON, with the rates
//! since the previous snapshot.

use crate::ports::PortInfo;
use crate::stats::{Snapshot, SwTotals};
use dataplane::dpdk::EthStats;
use dataplane::worker::{Latency, PortStats};
use serde::Serialize;
use std::fmt::Write;
use std::sync::Arc;

#[derive(Serialize)]
pub struct RxQueue {
    pub packets: u64,
    pub bytes: u64,
    pub oversize: u64,
}

#[derive(Serialize)]
pub struct TxQueue {
    pub packets: u64,
    pub bytes: u64,
    pub dropped: u64,
}

/// One port: the device's counters, ours, the rates.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PortRow {
    pub port: u16,
    pub name: String,
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub rx_missed: u64,
    pub rx_errors: u64,
    pub rx_nombuf: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub tx_errors: u64,
    pub sw: SwTotals,
    pub rx_pps: u64,
    pub rx_bps: u64,
    pub tx_pps: u64,
    pub tx_bps: u64,
    pub rx_queues: Vec<RxQueue>,
    pub tx_queues: Vec<TxQueue>,
}

#[derive(Serialize)]
pub struct PortStatsShow {
    pub ports: Vec<PortRow>,
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

impl PortStatsShow {
    /// Every port at `now`, rates since `prev`.
    pub fn of(
        ports: &[PortInfo],
        prev: &Snapshot,
        now: &Snapshot,
        stats: &[PortStats],
    ) -> PortStatsShow {
        let ports = ports
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let e = &now.eth[i];
                let (rx_pps, rx_bps, tx_pps, tx_bps) = rates(prev, now, i);
                let ps = &stats[i];
                PortRow {
                    port: p.port.0,
                    name: p.name.clone(),
                    rx_packets: e.ipackets,
                    rx_bytes: e.ibytes,
                    rx_missed: e.imissed,
                    rx_errors: e.ierrors,
                    rx_nombuf: e.rx_nombuf,
                    tx_packets: e.opackets,
                    tx_bytes: e.obytes,
                    tx_errors: e.oerrors,
                    sw: now.sw[i],
                    rx_pps,
                    rx_bps,
                    tx_pps,
                    tx_bps,
                    rx_queues: ps
                        .rxq
                        .iter()
                        .map(|q| RxQueue {
                            packets: q.packets.get(),
                            bytes: q.bytes.get(),
                            oversize: q.oversize.get(),
                        })
                        .collect(),
                    tx_queues: ps
                        .txq
                        .iter()
                        .map(|q| TxQueue {
                            packets: q.packets.get(),
                            bytes: q.bytes.get(),
                            dropped: q.dropped.get(),
                        })
                        .collect(),
                }
            })
            .collect();
        PortStatsShow { ports }
    }

    /// testpmd's `show port stats all` blocks.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for p in &self.ports {
            let title = format!(" NIC statistics for port {} ({}) ", p.port, p.name);
            let _ = writeln!(s, "\n  {:#^76}", title);
            let _ = writeln!(
                s,
                "  RX-packets: {:<10} RX-missed: {:<10} RX-bytes:  {}",
                p.rx_packets, p.rx_missed, p.rx_bytes
            );
            let _ = writeln!(s, "  RX-errors: {}", p.rx_errors);
            let _ = writeln!(s, "  RX-nombuf:  {:<10}", p.rx_nombuf);
            let _ = writeln!(
                s,
                "  RX-oversize: {:<9} (longer than --max-pkt-len, dropped)",
                p.sw.rx_oversize
            );
            let _ = writeln!(
                s,
                "  TX-packets: {:<10} TX-errors: {:<10} TX-bytes:  {}",
                p.tx_packets, p.tx_errors, p.tx_bytes
            );
            let _ = writeln!(
                s,
                "  TX-dropped: {:<10} (device queue full, freed)",
                p.sw.tx_dropped
            );
            let _ = writeln!(s);
            let _ = writeln!(s, "  Throughput (since last show)");
            let _ = writeln!(
                s,
                "  Rx-pps: {:>12}          Rx-bps: {:>12}",
                p.rx_pps, p.rx_bps
            );
            let _ = writeln!(
                s,
                "  Tx-pps: {:>12}          Tx-bps: {:>12}",
                p.tx_pps, p.tx_bps
            );
            let _ = writeln!(s, "  {:#<76}", "");
        }
        s
    }
}

/// rxonly's latency from txonly probes, or nothing when none arrived.
pub fn latency_line(l: &[Arc<Latency>]) -> String {
    match Latency::summary(l) {
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
