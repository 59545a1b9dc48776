//! Port statistics: the software counters summed per port, and snapshots
//! of every port's counters at one instant (rates are between two).

use crate::ports::PortInfo;
use dataplane::dpdk::EthStats;
use dataplane::worker::PortStats;
use serde::Serialize;
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
    pub fn of(ps: &PortStats) -> Self {
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
