//! LLDP: advertises every port every 30 s (at once on a change) and keeps
//! what the neighbours advertise until their TTL runs out.

use super::config::PlaneConfig;
use super::emit::Emit;
use super::ignored::{Ignore, Ignored};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wire::{lldp, EthernetRepr};

/// LLDP transmit interval and the TTL we advertise.
pub const LLDP_INTERVAL: Duration = Duration::from_secs(30);
pub const LLDP_TTL: u16 = 120;
/// LLDP neighbors per port and in all.
pub const LLDP_MAX_PER_PORT: usize = 16;
pub const LLDP_MAX: usize = 1024;

#[derive(Clone, Debug)]
pub(crate) struct LldpEntry {
    pub(crate) n: lldp::Neighbor,
    pub(crate) expires: Instant,
}

/// Neighbours by (port, chassis id, port id), the next advertisement of
/// each port, and counters.
pub struct Lldp {
    next: BTreeMap<u16, Instant>,
    pub(crate) neighbors: BTreeMap<(u16, String, String), LldpEntry>,
    pub(crate) sent: u64,
    pub(crate) received: u64,
    pub(crate) ignored: Ignored,
}

impl Lldp {
    /// Every port advertises at `now`.
    pub fn new(cfg: &PlaneConfig, now: Instant) -> Lldp {
        Lldp {
            next: cfg.ports.iter().map(|p| (p.port_id, now)).collect(),
            neighbors: BTreeMap::new(),
            sent: 0,
            received: 0,
            ignored: Ignored::default(),
        }
    }

    /// New or changed ports, or a new system name, advertise now;
    /// neighbours of removed ports go.
    pub(crate) fn reconfigure(&mut self, old: &PlaneConfig, cfg: &PlaneConfig, now: Instant) {
        let renamed = old.system_name != cfg.system_name;
        let mut next = BTreeMap::new();
        for p in &cfg.ports {
            let same = old.port(p.port_id).is_some_and(|o| {
                o.name == p.name && o.mac == p.mac && o.description == p.description
            });
            let t = match self.next.get(&p.port_id) {
                Some(t) if same && !renamed => *t,
                _ => now,
            };
            next.insert(p.port_id, t);
        }
        self.next = next;
        self.neighbors
            .retain(|(port, _, _), _| cfg.ports.iter().any(|p| p.port_id == *port));
    }

    /// An LLDPDU received on `rx_port`.
    pub(crate) fn input(&mut self, cfg: &PlaneConfig, rx_port: u16, frame: &[u8], now: Instant) {
        let Some(port) = cfg.port(rx_port) else {
            return self.ignored.count(Ignore::UnknownPort);
        };
        let Some((eth, _)) = EthernetRepr::parse(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        if eth.src == port.mac || cfg.ports.iter().any(|p| p.mac == eth.src) {
            return self.ignored.count(Ignore::LldpOwn);
        }
        let Some(n) = lldp::parse(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        self.received += 1;
        let key = (rx_port, n.chassis_id.clone(), n.port_id.clone());
        if n.ttl == 0 {
            self.neighbors.remove(&key);
            return;
        }
        if !self.neighbors.contains_key(&key) {
            self.neighbors.retain(|_, e| e.expires > now);
            let here = self.neighbors.keys().filter(|k| k.0 == rx_port).count();
            if here >= LLDP_MAX_PER_PORT || self.neighbors.len() >= LLDP_MAX {
                return self.ignored.count(Ignore::LldpTableFull);
            }
        }
        let expires = now + Duration::from_secs(u64::from(n.ttl));
        self.neighbors.insert(key, LldpEntry { n, expires });
    }

    /// Advertisements due, and expiry.
    pub(crate) fn tick(&mut self, cfg: &PlaneConfig, now: Instant, out: &mut Vec<Emit>) {
        for p in &cfg.ports {
            let next = self.next.entry(p.port_id).or_insert(now);
            if *next > now {
                continue;
            }
            *next = now + LLDP_INTERVAL;
            out.push(Emit::Port(
                p.port_id,
                lldp::frame(
                    p.mac,
                    p.mac,
                    &p.name,
                    &p.description,
                    &cfg.system_name,
                    LLDP_TTL,
                ),
            ));
            self.sent += 1;
        }
        self.neighbors.retain(|_, e| e.expires > now);
    }
}

#[cfg(test)]
mod tests;
