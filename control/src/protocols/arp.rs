//! ARP: answers for the VTEP address on the underlay and for each IRB in
//! its VLAN, resolves the next hops of remote VTEPs (retries, refresh,
//! expiry) for the dataplane's view, and keeps the IRB neighbour table
//! that `show arp` lists.

use super::config::PlaneConfig;
use super::emit::Emit;
use super::ignored::{Ignore, Ignored};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};
use wire::{arp, ArpOp, Mac};

/// Dynamic ARP entries at most.
pub const ARP_TABLE_MAX: usize = 4096;
/// IRB-side (bridge domain) ARP entries at most, for `show arp`.
pub const IRB_ARP_MAX: usize = 1024;
/// A resolved entry is valid this long after its last confirmation.
pub const ARP_LIFETIME: Duration = Duration::from_secs(300);
/// A needed entry is re-resolved this long after its last confirmation.
pub const ARP_REFRESH: Duration = Duration::from_secs(240);
/// Retry interval of the first requests.
pub const ARP_RETRY: Duration = Duration::from_secs(1);
/// Retries at [`ARP_RETRY`] after the first request, then [`ARP_BACKOFF`].
pub const ARP_FAST_RETRIES: u32 = 3;
pub const ARP_BACKOFF: Duration = Duration::from_secs(10);
/// A next hop stays wanted this long after it was last needed.
pub const ARP_WANT_HOLD: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub(crate) struct ArpEntry {
    pub(crate) mac: Option<Mac>,
    /// When `mac` was last confirmed.
    pub(crate) confirmed: Option<Instant>,
    /// Next request, while resolving or refreshing.
    next_request: Option<Instant>,
    /// Requests sent in the current round.
    attempts: u32,
    /// Last time a next hop needed it.
    wanted: Option<Instant>,
}

impl ArpEntry {
    fn new() -> ArpEntry {
        ArpEntry {
            mac: None,
            confirmed: None,
            next_request: None,
            attempts: 0,
            wanted: None,
        }
    }
    fn is_wanted(&self, now: Instant) -> bool {
        self.wanted
            .is_some_and(|w| now.saturating_duration_since(w) < ARP_WANT_HOLD)
    }
    pub(crate) fn state(&self, now: Instant) -> &'static str {
        match (self.mac, self.confirmed) {
            (None, _) => "incomplete",
            (Some(_), Some(c)) if now.saturating_duration_since(c) >= ARP_REFRESH => "stale",
            _ => "reachable",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct IrbArp {
    pub(crate) mac: Mac,
    pub(crate) confirmed: Instant,
}

/// The underlay's neighbour table, the IRBs' neighbours, and counters.
#[derive(Default)]
pub struct Arp {
    pub(crate) table: BTreeMap<Ipv4Addr, ArpEntry>,
    pub(crate) irb: BTreeMap<(u16, Ipv4Addr), IrbArp>,
    neighbors_changed: bool,
    pub(crate) requests_answered: u64,
    pub(crate) requests_sent: u64,
    pub(crate) replies_seen: u64,
    pub(crate) ignored: Ignored,
}

impl Arp {
    /// Dynamic entries survive if still on-link under the new underlay;
    /// IRB neighbours if still inside their IRB's subnet.
    pub(crate) fn reconfigure(&mut self, old: &PlaneConfig, cfg: &PlaneConfig) {
        let underlay_changed = match (&old.underlay, &cfg.underlay) {
            (Some(a), Some(b)) => {
                (a.port_id, a.ip, a.prefix, a.mac) != (b.port_id, b.ip, b.prefix, b.mac)
            }
            (None, None) => false,
            _ => true,
        };
        if underlay_changed {
            if self.table.values().any(|e| e.mac.is_some()) {
                self.neighbors_changed = true;
            }
            self.table.clear();
        }
        if old.static_arp != cfg.static_arp {
            self.neighbors_changed = true;
        }
        self.irb.retain(|(vlan, ip), _| {
            cfg.vlan(*vlan)
                .and_then(|v| v.irb.as_ref())
                .is_some_and(|irb| {
                    let m = match irb.prefix {
                        0 => 0,
                        p if p >= 32 => u32::MAX,
                        p => u32::MAX << (32 - p),
                    };
                    (u32::from(*ip) ^ u32::from(irb.ip)) & m == 0
                })
        });
    }

    /// ARP punted from bridge domain `vlan`: an IRB answers for its own
    /// address into its VLAN and records the sender.
    pub(crate) fn irb_input(
        &mut self,
        cfg: &PlaneConfig,
        vlan: u16,
        frame: &[u8],
        now: Instant,
        out: &mut Vec<Emit>,
    ) {
        let irb = cfg.vlan(vlan).and_then(|v| v.irb.as_ref());
        let Some((_, _, _, arp)) = arp::parse_frame(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        let Some(irb) = irb.filter(|i| i.ip == arp.target_ip) else {
            return self.ignored.count(Ignore::ArpNotForUs);
        };
        if arp.op == ArpOp::Reply {
            self.replies_seen += 1;
        }
        if arp.sender_mac.is_valid_source()
            && !arp.sender_ip.is_unspecified()
            && arp.sender_ip != irb.ip
        {
            self.learn_irb(vlan, arp.sender_ip, arp.sender_mac, now);
        }
        if arp.op == ArpOp::Request {
            let reply = arp::reply(cfg.router_mac, irb.ip, arp.sender_mac, arp.sender_ip, None);
            self.requests_answered += 1;
            out.push(Emit::Vlan(vlan, reply));
        }
    }

    fn learn_irb(&mut self, vlan: u16, ip: Ipv4Addr, mac: Mac, now: Instant) {
        let key = (vlan, ip);
        if !self.irb.contains_key(&key) && self.irb.len() >= IRB_ARP_MAX {
            self.irb
                .retain(|_, e| now.saturating_duration_since(e.confirmed) < ARP_LIFETIME);
            if self.irb.len() >= IRB_ARP_MAX {
                return self.ignored.count(Ignore::ArpTableFull);
            }
        }
        self.irb.insert(
            key,
            IrbArp {
                mac,
                confirmed: now,
            },
        );
    }

    /// ARP on the underlay: answers for the VTEP address, learns senders
    /// that asked us or that we asked for.
    pub(crate) fn underlay_input(
        &mut self,
        cfg: &PlaneConfig,
        frame: &[u8],
        now: Instant,
        out: &mut Vec<Emit>,
    ) {
        let Some(u) = cfg.underlay.as_ref() else {
            return self.ignored.count(Ignore::NoUnderlay);
        };
        let Some((_, _, _, arp)) = arp::parse_frame(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        let to_us = arp.target_ip == u.ip;
        if arp.op == ArpOp::Reply && to_us {
            self.replies_seen += 1;
        }
        let sender_ok = arp.sender_mac.is_valid_source()
            && arp.sender_ip != u.ip
            && !arp.sender_ip.is_unspecified()
            && u.on_link(arp.sender_ip);
        if sender_ok && (to_us || self.table.contains_key(&arp.sender_ip)) {
            self.learn(cfg, arp.sender_ip, arp.sender_mac, now);
        }
        if !to_us {
            return self.ignored.count(Ignore::ArpNotForUs);
        }
        if arp.op == ArpOp::Request {
            let reply = arp::reply(u.mac, u.ip, arp.sender_mac, arp.sender_ip, None);
            self.requests_answered += 1;
            out.push(Emit::Port(u.port_id, reply));
        }
    }

    /// Records `ip` at `mac` (confirmed now). Static entries win.
    fn learn(&mut self, cfg: &PlaneConfig, ip: Ipv4Addr, mac: Mac, now: Instant) {
        if cfg.is_static_arp(ip) {
            return;
        }
        if !self.table.contains_key(&ip) && !self.make_room(now, false) {
            return self.ignored.count(Ignore::ArpTableFull);
        }
        let e = self.table.entry(ip).or_insert_with(ArpEntry::new);
        if e.mac != Some(mac) {
            self.neighbors_changed = true;
        }
        e.mac = Some(mac);
        e.confirmed = Some(now);
        e.next_request = None;
        e.attempts = 0;
    }

    /// Frees a slot when the table is full: an unwanted entry, the
    /// incomplete or oldest first, only when `for_wanted`; else a new
    /// learned entry waits.
    fn make_room(&mut self, now: Instant, for_wanted: bool) -> bool {
        if self.table.len() < ARP_TABLE_MAX {
            return true;
        }
        if !for_wanted {
            return false;
        }
        let victim = self
            .table
            .iter()
            .filter(|(_, e)| !e.is_wanted(now))
            .min_by_key(|(_, e)| e.confirmed)
            .map(|(ip, _)| *ip);
        match victim {
            Some(ip) => {
                if self.table.remove(&ip).is_some_and(|e| e.mac.is_some()) {
                    self.neighbors_changed = true;
                }
                true
            }
            None => false,
        }
    }

    /// Sends a request for `ip` and schedules the next one.
    fn poll(&mut self, cfg: &PlaneConfig, ip: Ipv4Addr, now: Instant, out: &mut Vec<Emit>) {
        let Some(u) = cfg.underlay.as_ref() else {
            return;
        };
        let Some(e) = self.table.get_mut(&ip) else {
            return;
        };
        e.attempts = e.attempts.saturating_add(1);
        e.next_request = Some(
            now + if e.attempts <= ARP_FAST_RETRIES {
                ARP_RETRY
            } else {
                ARP_BACKOFF
            },
        );
        out.push(Emit::Port(u.port_id, arp::request(u.mac, u.ip, ip, None)));
        self.requests_sent += 1;
    }

    /// Marks the next hops of `remote_vteps`, the static remote VTEPs and
    /// the gateway as wanted, then sends the requests due and expires
    /// what is old.
    pub(crate) fn tick(
        &mut self,
        cfg: &PlaneConfig,
        now: Instant,
        remote_vteps: &[Ipv4Addr],
        out: &mut Vec<Emit>,
    ) {
        let Some(u) = cfg.underlay.as_ref() else {
            return;
        };
        let mut needed: Vec<Ipv4Addr> = remote_vteps
            .iter()
            .chain(cfg.static_vteps().iter())
            .filter(|ip| **ip != u.ip && !ip.is_multicast())
            .filter_map(|ip| u.next_hop(*ip))
            .chain(u.gateway)
            .collect();
        needed.sort();
        needed.dedup();
        for nh in needed {
            if cfg.is_static_arp(nh) {
                continue;
            }
            if !self.table.contains_key(&nh) && !self.make_room(now, true) {
                self.ignored.count(Ignore::ArpTableFull);
                continue;
            }
            self.table.entry(nh).or_insert_with(ArpEntry::new).wanted = Some(now);
        }
        let ips: Vec<Ipv4Addr> = self.table.keys().copied().collect();
        for ip in ips {
            let Some(e) = self.table.get_mut(&ip) else {
                continue;
            };
            let wanted = e.is_wanted(now);
            if let (Some(_), Some(c)) = (e.mac, e.confirmed) {
                if now.saturating_duration_since(c) >= ARP_LIFETIME {
                    e.mac = None;
                    e.confirmed = None;
                    e.next_request = None;
                    e.attempts = 0;
                    self.neighbors_changed = true;
                } else if now.saturating_duration_since(c) >= ARP_REFRESH && wanted {
                    if e.next_request.is_none() {
                        e.next_request = Some(now);
                        e.attempts = 0;
                    }
                } else {
                    continue;
                }
            }
            let Some(e) = self.table.get_mut(&ip) else {
                continue;
            };
            if !wanted {
                if e.mac.is_none() {
                    self.table.remove(&ip);
                }
                continue;
            }
            if e.next_request.is_none_or(|t| t <= now) {
                self.poll(cfg, ip, now, out);
            }
        }
        self.irb
            .retain(|_, e| now.saturating_duration_since(e.confirmed) < ARP_LIFETIME);
    }

    /// Next hop IP → MAC: static-arp entries plus resolved ARP entries.
    pub(crate) fn neighbors(&self, cfg: &PlaneConfig) -> Vec<(Ipv4Addr, Mac)> {
        let mut n: BTreeMap<Ipv4Addr, Mac> = self
            .table
            .iter()
            .filter_map(|(ip, e)| e.mac.map(|m| (*ip, m)))
            .collect();
        n.extend(cfg.static_arp.iter().copied());
        n.into_iter().collect()
    }

    pub(crate) fn take_neighbors_changed(&mut self) -> bool {
        std::mem::take(&mut self.neighbors_changed)
    }
}

#[cfg(test)]
mod tests;
