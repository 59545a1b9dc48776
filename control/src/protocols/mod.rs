//! The control thread's protocols, one per file: IGMP membership on the
//! underlay, ARP (answering for the VTEP and IRB addresses, resolving
//! next hops), ICMP echo and LLDP. [`Plane`] routes a punted frame to its
//! protocol, runs their timers and collects what they send.
//!
//! Pure and testable: no DPDK and no clock. [`Plane::handle`] takes a
//! punted frame with its RX port (see the punt contract in
//! `dataplane::bridge`: bridge-domain punts always carry an 802.1Q tag with
//! the VLAN id, underlay punts and LLDP come as received), the current time
//! is always passed in, and frames to send are pushed as [`Emit`]s into
//! `out`. A frame for a bridge domain (an IRB's reply) is not bridged here:
//! it enters the dataplane's bridge as control input, so there is one
//! flood, one encapsulation and one set of counters. Every table is bounded
//! and every parser is `wire`'s, which never panics on any input.

pub mod arp;
pub mod config;
pub mod emit;
pub mod icmp;
pub mod igmp;
pub mod ignored;
pub mod lldp;

#[cfg(test)]
mod testrig;
#[cfg(test)]
mod tests;

pub use config::{PlaneConfig, PlaneIrb, PlanePort, PlaneUnderlay, PlaneVlan};
pub use emit::Emit;
use ignored::{Ignore, Ignored};

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Instant;
use wire::ethernet::ethertype;
use wire::ip_proto;
use wire::{EthernetRepr, Mac};

/// The control thread's protocol state.
pub struct Plane {
    cfg: PlaneConfig,
    pub igmp: igmp::Igmp,
    pub arp: arp::Arp,
    pub icmp: icmp::Icmp,
    pub lldp: lldp::Lldp,
    /// Punts no protocol took.
    ignored: Ignored,
}

impl Plane {
    pub fn new(cfg: PlaneConfig, now: Instant) -> Plane {
        Plane {
            igmp: igmp::Igmp::new(&cfg, now),
            arp: arp::Arp::default(),
            icmp: icmp::Icmp::default(),
            lldp: lldp::Lldp::new(&cfg, now),
            ignored: Ignored::default(),
            cfg,
        }
    }

    pub fn config(&self) -> &PlaneConfig {
        &self.cfg
    }

    /// Live change: VLANs/VNIs/groups added or removed. IGMP joins new
    /// groups and leaves removed ones.
    pub fn reconfigure(&mut self, cfg: PlaneConfig, now: Instant, out: &mut Vec<Emit>) {
        self.igmp.reconfigure(&self.cfg, &cfg, now, out);
        self.arp.reconfigure(&self.cfg, &cfg);
        self.lldp.reconfigure(&self.cfg, &cfg, now);
        self.cfg = cfg;
        self.igmp.send_unsolicited(&self.cfg, now, out);
    }

    /// One punted frame.
    pub fn handle(&mut self, rx_port: u16, frame: &[u8], now: Instant, out: &mut Vec<Emit>) {
        let cfg = &self.cfg;
        let Some((eth, payload)) = EthernetRepr::parse(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        if eth.ethertype == ethertype::LLDP {
            return self.lldp.input(cfg, rx_port, frame, now);
        }
        if cfg.port(rx_port).is_none() {
            return self.ignored.count(Ignore::UnknownPort);
        }
        let protocol = payload.get(wire::ipv4::field::PROTOCOL).copied();
        if let Some(vlan) = eth.vlan {
            if cfg.vlan(vlan).is_none() {
                return self.ignored.count(Ignore::UnknownVlan);
            }
            return match (eth.ethertype, protocol) {
                (ethertype::ARP, _) => self.arp.irb_input(cfg, vlan, frame, now, out),
                (ethertype::IPV4, Some(ip_proto::ICMP)) => {
                    self.icmp.irb_input(cfg, vlan, frame, out)
                }
                (ethertype::IPV4, _) => self.ignored.count(Ignore::UnsupportedProtocol),
                _ => self.ignored.count(Ignore::UnsupportedEthertype),
            };
        }
        match &cfg.underlay {
            Some(u) if u.port_id == rx_port => {}
            Some(_) => return self.ignored.count(Ignore::UntaggedFromBridgePort),
            None => return self.ignored.count(Ignore::NoUnderlay),
        }
        match eth.ethertype {
            ethertype::ARP => self.arp.underlay_input(cfg, frame, now, out),
            ethertype::IPV4 => match protocol {
                Some(ip_proto::IGMP) => self.igmp.input(cfg, frame, now),
                Some(ip_proto::ICMP) => self.icmp.underlay_input(cfg, frame, out),
                Some(_) => self.ignored.count(Ignore::UnsupportedProtocol),
                None => self.ignored.count(Ignore::Malformed),
            },
            _ => self.ignored.count(Ignore::UnsupportedEthertype),
        }
    }

    /// Timers: IGMP unsolicited reports and delayed query answers, ARP
    /// retries/expiry/refresh, LLDP every 30 s. `remote_vteps`: VTEP IPs
    /// currently in the MAC table or configured; each needs its next hop
    /// resolved.
    pub fn tick(&mut self, now: Instant, remote_vteps: &[Ipv4Addr], out: &mut Vec<Emit>) {
        self.igmp.tick(&self.cfg, now, out);
        self.arp.tick(&self.cfg, now, remote_vteps, out);
        self.lldp.tick(&self.cfg, now, out);
    }

    /// IGMP leaves for every joined group (shutdown).
    pub fn shutdown(&mut self, out: &mut Vec<Emit>) {
        self.igmp.shutdown(&self.cfg, out);
    }

    /// Next hop IP → MAC: static-arp entries plus resolved ARP entries.
    pub fn neighbors(&self) -> Vec<(Ipv4Addr, Mac)> {
        self.arp.neighbors(&self.cfg)
    }

    /// True once after any change of [`Plane::neighbors`].
    pub fn take_neighbors_changed(&mut self) -> bool {
        self.arp.take_neighbors_changed()
    }

    /// Protocol counters, the ignored punts of every protocol summed by
    /// reason.
    pub fn counters(&self) -> Value {
        let mut ignored: BTreeMap<Ignore, u64> = BTreeMap::new();
        for part in [
            &self.ignored,
            &self.igmp.ignored,
            &self.arp.ignored,
            &self.icmp.ignored,
            &self.lldp.ignored,
        ] {
            for (k, v) in &part.0 {
                *ignored.entry(*k).or_default() += v;
            }
        }
        let ignored: serde_json::Map<String, Value> = ignored
            .into_iter()
            .map(|(k, v)| (k.name().to_string(), json!(v)))
            .collect();
        json!({
            "arp-requests-answered": self.arp.requests_answered,
            "arp-requests-sent": self.arp.requests_sent,
            "arp-replies-seen": self.arp.replies_seen,
            "icmp-echo-replies-sent": self.icmp.echo_replies_sent,
            "igmp-reports-sent": self.igmp.reports_sent,
            "igmp-leaves-sent": self.igmp.leaves_sent,
            "igmp-queries-seen": self.igmp.queries_seen,
            "lldp-sent": self.lldp.sent,
            "lldp-received": self.lldp.received,
            "ignored": ignored,
        })
    }
}
