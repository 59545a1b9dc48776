//! The control thread's protocols: IGMP membership on the underlay, ARP
//! (answering for the VTEP and IRB addresses, resolving next hops), ICMP
//! echo, LLDP, and sending frames into a bridge domain (locally or VXLAN
//! encapsulated).
//!
//! Pure and testable: no DPDK and no clock. [`Plane::handle`] takes a
//! punted frame with its RX port (see the punt contract in
//! `dataplane::bridge`: bridge-domain punts always carry an 802.1Q tag with
//! the VLAN id, underlay punts and LLDP come as received), the current time
//! is always passed in, and frames to send are pushed as `(port id, frame)`
//! into `out`. Every table is bounded and every parser is `wire`'s, which
//! never panics on any input.

use crate::config::{Config, InterfaceKind};
use dataplane::bridge::{self, BridgeConfig, Flood, PortMode};
use dataplane::mactable::Dest;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};
use wire::ethernet::{self, ethertype, with_vlan, VLAN_TAG_LEN};
use wire::igmp::{self, IgmpMsg, RecordType};
use wire::ip_proto;
use wire::{arp, icmpv4, lldp, vxlan, ArpOp, EthernetRepr, Mac};

#[cfg(test)]
mod tests;

// ===========================================================================
// Constants

/// IGMP robustness variable: unsolicited reports are sent this many times.
pub const IGMP_ROBUSTNESS: u8 = 2;
/// Interval between the unsolicited reports of one join.
pub const IGMP_UNSOLICITED_INTERVAL: Duration = Duration::from_secs(1);
/// Most query answers waiting for their random delay.
pub const MAX_PENDING_ANSWERS: usize = 64;

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

/// LLDP transmit interval and the TTL we advertise.
pub const LLDP_INTERVAL: Duration = Duration::from_secs(30);
pub const LLDP_TTL: u16 = 120;
/// LLDP neighbors per port and in all.
pub const LLDP_MAX_PER_PORT: usize = 16;
pub const LLDP_MAX: usize = 1024;

// ===========================================================================
// Configuration

/// The underlay as the control plane needs it: the dataplane's view of
/// it (address, MAC, MTU, gateway, UDP port, TTL) plus the interface name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaneUnderlay {
    /// Interface name (`et-2/0/0`).
    pub name: String,
    pub link: bridge::Underlay,
}

impl std::ops::Deref for PlaneUnderlay {
    type Target = bridge::Underlay;
    fn deref(&self) -> &bridge::Underlay {
        &self.link
    }
}

/// A port LLDP runs on and frames are sent on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanePort {
    pub port_id: u16,
    pub name: String,
    /// The interface description, or its name.
    pub description: String,
    pub mac: Mac,
    /// IP MTU.
    pub mtu: u16,
    pub mode: PortMode,
}

impl PlanePort {
    /// `Some(tagged)` when the port carries `vlan`.
    fn egress(&self, vlan: u16) -> Option<bool> {
        match &self.mode {
            PortMode::Access(v) if *v == vlan => Some(false),
            PortMode::Trunk(vs) if vs.contains(&vlan) => Some(true),
            _ => None,
        }
    }
}

/// An IRB: `irb.N` and its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaneIrb {
    pub name: String,
    pub ip: Ipv4Addr,
    pub prefix: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaneVlan {
    pub vlan_id: u16,
    pub name: String,
    pub vni: Option<u32>,
    pub flood: Flood,
    pub encap_inner_vlan: bool,
    pub irb: Option<PlaneIrb>,
}

/// What the control plane needs from the validated configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaneConfig {
    pub underlay: Option<PlaneUnderlay>,
    /// 2 or 3.
    pub igmp_version: u8,
    /// Every port (underlay, access, trunk), in configuration order.
    pub ports: Vec<PlanePort>,
    pub vlans: Vec<PlaneVlan>,
    /// The MAC the IRBs answer with.
    pub router_mac: Mac,
    /// For LLDP: `vtep.system-name` or the host name.
    pub system_name: String,
    /// The underlay's static ARP entries.
    pub static_arp: Vec<(Ipv4Addr, Mac)>,
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "vtep".to_string())
}

impl PlaneConfig {
    /// From the validated configuration and the bridge configuration built
    /// from it (which knows port ids and MACs). Reads the host name once
    /// when `vtep.system-name` is not set.
    pub fn new(cfg: &Config, bridge: &BridgeConfig) -> PlaneConfig {
        let describe = |name: &str| {
            cfg.interface(name)
                .and_then(|i| i.description.clone())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| name.to_string())
        };
        let mut ports: Vec<PlanePort> = bridge
            .ports
            .iter()
            .map(|p| PlanePort {
                port_id: p.port_id,
                name: p.name.clone(),
                description: describe(&p.name),
                mac: p.mac,
                mtu: p.mtu,
                mode: p.mode.clone(),
            })
            .collect();
        let underlay = bridge.underlay.as_ref().map(|u| {
            let name = ports
                .iter()
                .find(|p| p.port_id == u.port_id)
                .map(|p| p.name.clone())
                .or_else(|| cfg.vtep.source_interface.clone())
                .unwrap_or_else(|| format!("underlay{}", u.port_id));
            PlaneUnderlay {
                name,
                link: u.clone(),
            }
        });
        if let Some(u) = &underlay {
            match ports.iter_mut().find(|p| p.port_id == u.port_id) {
                Some(p) => p.mac = u.mac,
                None => ports.push(PlanePort {
                    port_id: u.port_id,
                    name: u.name.clone(),
                    description: describe(&u.name),
                    mac: u.mac,
                    mtu: u.mtu,
                    mode: PortMode::Underlay,
                }),
            }
        }
        let vlans = bridge
            .vlans
            .iter()
            .map(|v| {
                let irb_name = cfg
                    .vlan_by_id(v.vlan_id)
                    .and_then(|c| c.l3_interface.clone())
                    .unwrap_or_else(|| format!("irb.{}", v.vlan_id));
                PlaneVlan {
                    vlan_id: v.vlan_id,
                    name: v.name.clone(),
                    vni: v.vni,
                    flood: v.flood.clone(),
                    encap_inner_vlan: v.encap_inner_vlan,
                    irb: v.irb.map(|(ip, prefix)| PlaneIrb {
                        name: irb_name,
                        ip,
                        prefix,
                    }),
                }
            })
            .collect();
        let static_arp = match cfg.underlay().map(|i| &i.kind) {
            Some(InterfaceKind::Underlay { static_arp, .. }) => {
                static_arp.iter().map(|a| (a.address, a.mac)).collect()
            }
            _ => Vec::new(),
        };
        PlaneConfig {
            underlay,
            igmp_version: cfg.vtep.igmp_version.number(),
            ports,
            vlans,
            router_mac: bridge.router_mac,
            system_name: cfg
                .vtep
                .system_name
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(host_name),
            static_arp,
        }
    }

    /// The multicast groups to join: those of VLANs with a VNI flooding to
    /// a group, sorted, once each; none without an underlay.
    pub fn groups(&self) -> Vec<Ipv4Addr> {
        if self.underlay.is_none() {
            return Vec::new();
        }
        let mut g: Vec<Ipv4Addr> = self
            .vlans
            .iter()
            .filter(|v| v.vni.is_some())
            .filter_map(|v| match &v.flood {
                Flood::Group(g) => Some(*g),
                Flood::Static(_) => None,
            })
            .collect();
        g.sort();
        g.dedup();
        g
    }

    /// Static remote VTEPs of every VLAN with a VNI.
    pub fn static_vteps(&self) -> Vec<Ipv4Addr> {
        let mut r: Vec<Ipv4Addr> = self
            .vlans
            .iter()
            .filter(|v| v.vni.is_some())
            .flat_map(|v| match &v.flood {
                Flood::Static(l) => l.clone(),
                Flood::Group(_) => Vec::new(),
            })
            .collect();
        r.sort();
        r.dedup();
        r
    }

    fn vlan(&self, vlan: u16) -> Option<&PlaneVlan> {
        self.vlans.iter().find(|v| v.vlan_id == vlan)
    }

    fn port(&self, port_id: u16) -> Option<&PlanePort> {
        self.ports.iter().find(|p| p.port_id == port_id)
    }

    /// What IGMP identifies itself with: (port, MAC, address, version).
    fn igmp_identity(&self) -> Option<(u16, Mac, Ipv4Addr, u8)> {
        self.underlay
            .as_ref()
            .map(|u| (u.port_id, u.mac, u.ip, self.igmp_version))
    }
}

// ===========================================================================
// State

/// Why a punt was ignored or a frame not sent; the names are the
/// counters' keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ignore {
    Malformed,
    UnknownPort,
    UnknownVlan,
    UntaggedFromBridgePort,
    NoUnderlay,
    UnsupportedEthertype,
    UnsupportedProtocol,
    ArpNotForUs,
    ArpTableFull,
    EchoNotForUs,
    IgmpNotQuery,
    IgmpUnjoinedGroup,
    IgmpPendingFull,
    LldpOwn,
    LldpTableFull,
    // Frames that could not be sent.
    UnresolvedNextHop,
    NoVni,
    TooBig,
    NoFloodTarget,
}

impl Ignore {
    fn name(self) -> &'static str {
        match self {
            Ignore::Malformed => "malformed",
            Ignore::UnknownPort => "unknown-port",
            Ignore::UnknownVlan => "unknown-vlan",
            Ignore::UntaggedFromBridgePort => "untagged-from-bridge-port",
            Ignore::NoUnderlay => "no-underlay",
            Ignore::UnsupportedEthertype => "unsupported-ethertype",
            Ignore::UnsupportedProtocol => "unsupported-protocol",
            Ignore::ArpNotForUs => "arp-not-for-us",
            Ignore::ArpTableFull => "arp-table-full",
            Ignore::EchoNotForUs => "echo-not-for-us",
            Ignore::IgmpNotQuery => "igmp-not-query",
            Ignore::IgmpUnjoinedGroup => "igmp-unjoined-group",
            Ignore::IgmpPendingFull => "igmp-pending-full",
            Ignore::LldpOwn => "lldp-own",
            Ignore::LldpTableFull => "lldp-table-full",
            Ignore::UnresolvedNextHop => "unresolved-next-hop",
            Ignore::NoVni => "no-vni",
            Ignore::TooBig => "too-big",
            Ignore::NoFloodTarget => "no-flood-target",
        }
    }
    fn is_tx_drop(self) -> bool {
        matches!(
            self,
            Ignore::UnresolvedNextHop | Ignore::NoVni | Ignore::TooBig | Ignore::NoFloodTarget
        )
    }
}

#[derive(Default, Debug)]
struct Counters {
    arp_requests_answered: u64,
    arp_requests_sent: u64,
    arp_replies_seen: u64,
    echo_replies_sent: u64,
    igmp_reports_sent: u64,
    igmp_leaves_sent: u64,
    igmp_queries_seen: u64,
    lldp_sent: u64,
    lldp_received: u64,
    ignored: BTreeMap<Ignore, u64>,
}

#[derive(Clone, Debug)]
struct Group {
    since: Instant,
    reports_sent: u64,
    last_query: Option<Instant>,
    unsolicited_left: u8,
    next_unsolicited: Option<Instant>,
}

#[derive(Clone, Copy, Debug)]
struct PendingAnswer {
    due: Instant,
    /// `None`: a general query.
    group: Option<Ipv4Addr>,
    /// 2 or 3.
    version: u8,
}

#[derive(Clone, Debug)]
struct ArpEntry {
    mac: Option<Mac>,
    /// When `mac` was last confirmed.
    confirmed: Option<Instant>,
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
    fn state(&self, now: Instant) -> &'static str {
        match (self.mac, self.confirmed) {
            (None, _) => "incomplete",
            (Some(_), Some(c)) if now.saturating_duration_since(c) >= ARP_REFRESH => "stale",
            _ => "reachable",
        }
    }
}

#[derive(Clone, Debug)]
struct IrbArp {
    mac: Mac,
    confirmed: Instant,
}

#[derive(Clone, Debug)]
struct LldpEntry {
    n: lldp::Neighbor,
    expires: Instant,
}

/// The control thread's protocol state.
pub struct Plane {
    cfg: PlaneConfig,
    rng: u64,
    groups: BTreeMap<Ipv4Addr, Group>,
    pending: Vec<PendingAnswer>,
    arp: BTreeMap<Ipv4Addr, ArpEntry>,
    irb_arp: BTreeMap<(u16, Ipv4Addr), IrbArp>,
    neighbors_changed: bool,
    lldp_next: BTreeMap<u16, Instant>,
    lldp: BTreeMap<(u16, String, String), LldpEntry>,
    ctr: Counters,
}

fn is_unicast(m: &Mac) -> bool {
    m.is_valid_source()
}

static NEXT_IP_IDENT: AtomicU16 = AtomicU16::new(1);

/// A fresh IPv4 identification for packets this process originates.
pub fn next_ip_ident() -> u16 {
    NEXT_IP_IDENT.fetch_add(1, Ordering::Relaxed)
}

fn ms(d: Duration) -> u64 {
    d.as_millis().min(u128::from(u64::MAX)) as u64
}

fn secs_ago(now: Instant, t: Instant) -> u64 {
    now.saturating_duration_since(t).as_secs()
}

impl Plane {
    pub fn new(cfg: PlaneConfig, now: Instant) -> Plane {
        let seed = cfg
            .underlay
            .as_ref()
            .map_or(0x5eed, |u| u64::from(u32::from(u.ip)));
        let mut p = Plane {
            cfg: PlaneConfig {
                underlay: None,
                igmp_version: 3,
                ports: Vec::new(),
                vlans: Vec::new(),
                router_mac: Mac::ZERO,
                system_name: String::new(),
                static_arp: Vec::new(),
            },
            // splitmix64 of the seed; never zero for xorshift.
            rng: {
                let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                (z ^ (z >> 31)) | 1
            },
            groups: BTreeMap::new(),
            pending: Vec::new(),
            arp: BTreeMap::new(),
            irb_arp: BTreeMap::new(),
            neighbors_changed: false,
            lldp_next: BTreeMap::new(),
            lldp: BTreeMap::new(),
            ctr: Counters::default(),
        };
        for g in cfg.groups() {
            p.groups.insert(g, Group::joining(now));
        }
        for port in &cfg.ports {
            p.lldp_next.insert(port.port_id, now);
        }
        p.cfg = cfg;
        p
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn ignore(&mut self, why: Ignore) {
        *self.ctr.ignored.entry(why).or_default() += 1;
    }

    /// Live change: VLANs/VNIs/groups added or removed. IGMP joins new
    /// groups and leaves removed ones.
    pub fn reconfigure(&mut self, cfg: PlaneConfig, now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        // IGMP: a changed identity (port, MAC, address, version) leaves
        // everything under the old one and joins again under the new.
        let identity_changed = self.cfg.igmp_identity() != cfg.igmp_identity();
        let new_groups = cfg.groups();
        let gone: Vec<Ipv4Addr> = self
            .groups
            .keys()
            .filter(|g| identity_changed || !new_groups.contains(g))
            .copied()
            .collect();
        self.send_leaves(&gone, out);
        for g in &gone {
            self.groups.remove(g);
        }
        self.pending
            .retain(|p| p.group.is_none_or(|g| new_groups.contains(&g)));
        if identity_changed {
            self.pending.clear();
        }
        for g in new_groups {
            self.groups.entry(g).or_insert_with(|| Group::joining(now));
        }
        // ARP: dynamic entries survive if still on-link under the new underlay.
        let underlay_changed = match (&self.cfg.underlay, &cfg.underlay) {
            (Some(a), Some(b)) => {
                (a.port_id, a.ip, a.prefix, a.mac) != (b.port_id, b.ip, b.prefix, b.mac)
            }
            (None, None) => false,
            _ => true,
        };
        if underlay_changed {
            if self.arp.values().any(|e| e.mac.is_some()) {
                self.neighbors_changed = true;
            }
            self.arp.clear();
        }
        if self.cfg.static_arp != cfg.static_arp {
            self.neighbors_changed = true;
        }
        self.irb_arp.retain(|(vlan, ip), _| {
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
        // LLDP: new or changed ports, or a new system name, send now.
        let renamed = self.cfg.system_name != cfg.system_name;
        let mut next = BTreeMap::new();
        for p in &cfg.ports {
            let same = self.cfg.port(p.port_id).is_some_and(|o| {
                o.name == p.name && o.mac == p.mac && o.description == p.description
            });
            let t = match self.lldp_next.get(&p.port_id) {
                Some(t) if same && !renamed => *t,
                _ => now,
            };
            next.insert(p.port_id, t);
        }
        self.lldp_next = next;
        self.lldp
            .retain(|(port, _, _), _| cfg.ports.iter().any(|p| p.port_id == *port));
        self.cfg = cfg;
        self.send_unsolicited(now, out);
    }

    // =======================================================================
    // Punts

    /// One punted frame. `lookup(vlan, &mac)` is the MAC table.
    pub fn handle(
        &mut self,
        rx_port: u16,
        frame: &[u8],
        now: Instant,
        lookup: &dyn Fn(u16, &Mac) -> Option<Dest>,
        out: &mut Vec<(u16, Vec<u8>)>,
    ) {
        let Some((eth, payload)) = EthernetRepr::parse(frame) else {
            return self.ignore(Ignore::Malformed);
        };
        if eth.ethertype == ethertype::LLDP {
            return self.lldp_input(rx_port, frame, now);
        }
        if self.cfg.port(rx_port).is_none() {
            return self.ignore(Ignore::UnknownPort);
        }
        if let Some(vlan) = eth.vlan {
            return self.bridge_input(vlan, &eth, payload, frame, now, lookup, out);
        }
        match &self.cfg.underlay {
            Some(u) if u.port_id == rx_port => {}
            Some(_) => return self.ignore(Ignore::UntaggedFromBridgePort),
            None => return self.ignore(Ignore::NoUnderlay),
        }
        match eth.ethertype {
            ethertype::ARP => self.underlay_arp(frame, now, out),
            ethertype::IPV4 => match payload.get(wire::ipv4::field::PROTOCOL).copied() {
                Some(ip_proto::IGMP) => self.igmp_input(frame, now),
                Some(ip_proto::ICMP) => self.underlay_echo(frame, out),
                Some(_) => self.ignore(Ignore::UnsupportedProtocol),
                None => self.ignore(Ignore::Malformed),
            },
            _ => self.ignore(Ignore::UnsupportedEthertype),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn bridge_input(
        &mut self,
        vlan: u16,
        eth: &EthernetRepr,
        payload: &[u8],
        frame: &[u8],
        now: Instant,
        lookup: &dyn Fn(u16, &Mac) -> Option<Dest>,
        out: &mut Vec<(u16, Vec<u8>)>,
    ) {
        let Some(irb) = self.cfg.vlan(vlan).map(|v| v.irb.clone()) else {
            return self.ignore(Ignore::UnknownVlan);
        };
        match eth.ethertype {
            ethertype::ARP => {
                let Some((_, _, _, arp)) = arp::parse_frame(frame) else {
                    return self.ignore(Ignore::Malformed);
                };
                let Some(irb) = irb.filter(|i| i.ip == arp.target_ip) else {
                    return self.ignore(Ignore::ArpNotForUs);
                };
                if arp.op == ArpOp::Reply {
                    self.ctr.arp_replies_seen += 1;
                }
                if is_unicast(&arp.sender_mac)
                    && !arp.sender_ip.is_unspecified()
                    && arp.sender_ip != irb.ip
                {
                    self.learn_irb(vlan, arp.sender_ip, arp.sender_mac, now);
                }
                if arp.op == ArpOp::Request {
                    let reply = arp::reply(
                        self.cfg.router_mac,
                        irb.ip,
                        arp.sender_mac,
                        arp.sender_ip,
                        None,
                    );
                    self.ctr.arp_requests_answered += 1;
                    self.send_into_vlan(vlan, reply, now, lookup, out);
                }
            }
            ethertype::IPV4 => {
                if payload.get(wire::ipv4::field::PROTOCOL).copied() != Some(ip_proto::ICMP) {
                    return self.ignore(Ignore::UnsupportedProtocol);
                }
                let Some(mut req) = icmpv4::parse_echo_request(frame) else {
                    return self.ignore(Ignore::Malformed);
                };
                if irb.is_none_or(|i| i.ip != req.dst_ip) {
                    return self.ignore(Ignore::EchoNotForUs);
                }
                req.vlan = None;
                let reply = req.reply(self.cfg.router_mac, next_ip_ident());
                self.ctr.echo_replies_sent += 1;
                self.send_into_vlan(vlan, reply, now, lookup, out);
            }
            _ => self.ignore(Ignore::UnsupportedEthertype),
        }
    }

    fn learn_irb(&mut self, vlan: u16, ip: Ipv4Addr, mac: Mac, now: Instant) {
        let key = (vlan, ip);
        if !self.irb_arp.contains_key(&key) && self.irb_arp.len() >= IRB_ARP_MAX {
            self.irb_arp
                .retain(|_, e| now.saturating_duration_since(e.confirmed) < ARP_LIFETIME);
            if self.irb_arp.len() >= IRB_ARP_MAX {
                return self.ignore(Ignore::ArpTableFull);
            }
        }
        self.irb_arp.insert(
            key,
            IrbArp {
                mac,
                confirmed: now,
            },
        );
    }

    fn underlay_arp(&mut self, frame: &[u8], now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        let Some(u) = self.cfg.underlay.clone() else {
            return self.ignore(Ignore::NoUnderlay);
        };
        let Some((_, _, _, arp)) = arp::parse_frame(frame) else {
            return self.ignore(Ignore::Malformed);
        };
        let to_us = arp.target_ip == u.ip;
        if arp.op == ArpOp::Reply && to_us {
            self.ctr.arp_replies_seen += 1;
        }
        let sender_ok = is_unicast(&arp.sender_mac)
            && arp.sender_ip != u.ip
            && !arp.sender_ip.is_unspecified()
            && u.on_link(arp.sender_ip);
        if sender_ok && (to_us || self.arp.contains_key(&arp.sender_ip)) {
            self.learn(arp.sender_ip, arp.sender_mac, now);
        }
        if !to_us {
            return self.ignore(Ignore::ArpNotForUs);
        }
        if arp.op == ArpOp::Request {
            let reply = arp::reply(u.mac, u.ip, arp.sender_mac, arp.sender_ip, None);
            self.ctr.arp_requests_answered += 1;
            out.push((u.port_id, reply));
        }
    }

    fn is_static(&self, ip: Ipv4Addr) -> bool {
        self.cfg.static_arp.iter().any(|(a, _)| *a == ip)
    }

    /// Records `ip` at `mac` (confirmed now). Static entries win.
    fn learn(&mut self, ip: Ipv4Addr, mac: Mac, now: Instant) {
        if self.is_static(ip) {
            return;
        }
        if !self.arp.contains_key(&ip) && !self.make_room(now, false) {
            return self.ignore(Ignore::ArpTableFull);
        }
        let e = self.arp.entry(ip).or_insert_with(ArpEntry::new);
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
        if self.arp.len() < ARP_TABLE_MAX {
            return true;
        }
        if !for_wanted {
            return false;
        }
        let victim = self
            .arp
            .iter()
            .filter(|(_, e)| !e.is_wanted(now))
            .min_by_key(|(_, e)| e.confirmed)
            .map(|(ip, _)| *ip);
        match victim {
            Some(ip) => {
                if self.arp.remove(&ip).is_some_and(|e| e.mac.is_some()) {
                    self.neighbors_changed = true;
                }
                true
            }
            None => false,
        }
    }

    fn underlay_echo(&mut self, frame: &[u8], out: &mut Vec<(u16, Vec<u8>)>) {
        let Some(u) = self.cfg.underlay.as_ref() else {
            return self.ignore(Ignore::NoUnderlay);
        };
        let Some(req) = icmpv4::parse_echo_request(frame) else {
            return self.ignore(Ignore::Malformed);
        };
        if req.dst_ip != u.ip {
            return self.ignore(Ignore::EchoNotForUs);
        }
        let (port, mac) = (u.port_id, u.mac);
        out.push((port, req.reply(mac, next_ip_ident())));
        self.ctr.echo_replies_sent += 1;
    }

    // =======================================================================
    // Sending into a VLAN

    /// Sends `frame` (untagged, as built) into the bridge domain of `vlan`:
    /// to the port or VTEP the MAC table names, else flooded.
    fn send_into_vlan(
        &mut self,
        vlan: u16,
        frame: Vec<u8>,
        now: Instant,
        lookup: &dyn Fn(u16, &Mac) -> Option<Dest>,
        out: &mut Vec<(u16, Vec<u8>)>,
    ) {
        let Some(dst) = Mac::from_slice(&frame) else {
            return self.ignore(Ignore::Malformed);
        };
        let dest = if !dst.is_multicast() {
            lookup(vlan, &dst)
        } else {
            None
        };
        match dest {
            Some(Dest::Port(p)) => {
                if let Some(port) = self.cfg.port(p).cloned() {
                    if let Some(tagged) = port.egress(vlan) {
                        return self.send_local(&port, vlan, tagged, &frame, out);
                    }
                }
                // A stale entry (an older view): flood as the workers do.
                self.flood(vlan, &frame, now, out)
            }
            Some(Dest::Vtep(ip)) => {
                self.send_encap(vlan, Ipv4Addr::from(ip), None, &frame, now, out);
            }
            None => self.flood(vlan, &frame, now, out),
        }
    }

    fn send_local(
        &mut self,
        port: &PlanePort,
        vlan: u16,
        tagged: bool,
        frame: &[u8],
        out: &mut Vec<(u16, Vec<u8>)>,
    ) {
        let f = if tagged {
            with_vlan(frame, vlan)
        } else {
            frame.to_vec()
        };
        let max =
            usize::from(port.mtu) + ethernet::HEADER_LEN + if tagged { VLAN_TAG_LEN } else { 0 };
        if f.len() > max {
            return self.ignore(Ignore::TooBig);
        }
        out.push((port.port_id, f));
    }

    /// Encapsulates `frame` for `vlan`'s VNI to `dst_ip`; `group_mac` set
    /// for a multicast group (no next-hop resolution). Returns whether a
    /// copy was sent.
    fn send_encap(
        &mut self,
        vlan: u16,
        dst_ip: Ipv4Addr,
        group_mac: Option<Mac>,
        frame: &[u8],
        now: Instant,
        out: &mut Vec<(u16, Vec<u8>)>,
    ) -> bool {
        let Some(u) = self.cfg.underlay.clone() else {
            self.ignore(Ignore::NoUnderlay);
            return false;
        };
        let Some(v) = self.cfg.vlan(vlan).filter(|v| v.vni.is_some()).cloned() else {
            self.ignore(Ignore::NoVni);
            return false;
        };
        let dst_mac = match group_mac {
            Some(m) => m,
            None => match self.next_hop_mac(dst_ip) {
                Some(m) => m,
                None => {
                    self.ignore(Ignore::UnresolvedNextHop);
                    if let Some(nh) = u.next_hop(dst_ip) {
                        self.want(nh, now, out);
                    }
                    return false;
                }
            },
        };
        let inner = if v.encap_inner_vlan {
            with_vlan(frame, vlan)
        } else {
            frame.to_vec()
        };
        if inner.len() + vxlan::IP_OVERHEAD > usize::from(u.mtu) {
            self.ignore(Ignore::TooBig);
            return false;
        }
        let outer = vxlan::Outer {
            src_mac: u.mac,
            dst_mac,
            src_ip: u.ip,
            dst_ip,
            ttl: u.ttl,
            // The dataplane's port for the same (untagged) frame.
            src_port: vxlan::source_port(vxlan::inner_flow_hash(frame, 0)),
            dst_port: u.udp_port,
            vni: v.vni.unwrap_or(0),
        };
        out.push((u.port_id, outer.encap(&inner)));
        true
    }

    fn flood(&mut self, vlan: u16, frame: &[u8], now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        let before = out.len();
        let ports: Vec<(PlanePort, bool)> = self
            .cfg
            .ports
            .iter()
            .filter_map(|p| p.egress(vlan).map(|t| (p.clone(), t)))
            .collect();
        for (p, tagged) in &ports {
            self.send_local(p, vlan, *tagged, frame, out);
        }
        let v = self.cfg.vlan(vlan).cloned();
        if let Some(v) = v.filter(|v| v.vni.is_some() && self.cfg.underlay.is_some()) {
            match &v.flood {
                Flood::Group(g) => {
                    self.send_encap(vlan, *g, Some(Mac::ipv4_multicast(*g)), frame, now, out);
                }
                Flood::Static(list) => {
                    for ip in list {
                        self.send_encap(vlan, *ip, None, frame, now, out);
                    }
                }
            }
        }
        if out.len() == before {
            self.ignore(Ignore::NoFloodTarget);
        }
    }

    // =======================================================================
    // ARP resolution

    /// The MAC of the next hop towards `ip`.
    fn next_hop_mac(&self, ip: Ipv4Addr) -> Option<Mac> {
        let nh = self.cfg.underlay.as_ref()?.next_hop(ip)?;
        self.neighbor(nh)
    }

    fn neighbor(&self, ip: Ipv4Addr) -> Option<Mac> {
        self.cfg
            .static_arp
            .iter()
            .find(|(a, _)| *a == ip)
            .map(|(_, m)| *m)
            .or_else(|| self.arp.get(&ip).and_then(|e| e.mac))
    }

    /// Marks next hop `nh` as needed; sends a request now when none is
    /// scheduled or one is due.
    fn want(&mut self, nh: Ipv4Addr, now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        if self.is_static(nh) {
            return;
        }
        if !self.arp.contains_key(&nh) && !self.make_room(now, true) {
            return self.ignore(Ignore::ArpTableFull);
        }
        let e = self.arp.entry(nh).or_insert_with(ArpEntry::new);
        e.wanted = Some(now);
        if e.mac.is_none() && e.next_request.is_none_or(|t| t <= now) {
            self.poll(nh, now, out);
        }
    }

    /// Sends a request for `ip` and schedules the next one.
    fn poll(&mut self, ip: Ipv4Addr, now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        let Some(u) = self.cfg.underlay.as_ref() else {
            return;
        };
        let (port, mac, src) = (u.port_id, u.mac, u.ip);
        let Some(e) = self.arp.get_mut(&ip) else {
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
        out.push((port, arp::request(mac, src, ip, None)));
        self.ctr.arp_requests_sent += 1;
    }

    fn arp_tick(&mut self, now: Instant, remote_vteps: &[Ipv4Addr], out: &mut Vec<(u16, Vec<u8>)>) {
        let Some(u) = self.cfg.underlay.clone() else {
            return;
        };
        let mut needed: Vec<Ipv4Addr> = remote_vteps
            .iter()
            .chain(self.cfg.static_vteps().iter())
            .filter(|ip| **ip != u.ip && !ip.is_multicast())
            .filter_map(|ip| u.next_hop(*ip))
            .chain(u.gateway)
            .collect();
        needed.sort();
        needed.dedup();
        for nh in needed {
            if self.is_static(nh) {
                continue;
            }
            if !self.arp.contains_key(&nh) && !self.make_room(now, true) {
                self.ignore(Ignore::ArpTableFull);
                continue;
            }
            self.arp.entry(nh).or_insert_with(ArpEntry::new).wanted = Some(now);
        }
        let ips: Vec<Ipv4Addr> = self.arp.keys().copied().collect();
        for ip in ips {
            let Some(e) = self.arp.get_mut(&ip) else {
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
            let Some(e) = self.arp.get_mut(&ip) else {
                continue;
            };
            if !wanted {
                if e.mac.is_none() {
                    self.arp.remove(&ip);
                }
                continue;
            }
            if e.next_request.is_none_or(|t| t <= now) {
                self.poll(ip, now, out);
            }
        }
        self.irb_arp
            .retain(|_, e| now.saturating_duration_since(e.confirmed) < ARP_LIFETIME);
    }

    /// Next hop IP → MAC: static-arp entries plus resolved ARP entries.
    pub fn neighbors(&self) -> Vec<(Ipv4Addr, Mac)> {
        let mut n: BTreeMap<Ipv4Addr, Mac> = self
            .arp
            .iter()
            .filter_map(|(ip, e)| e.mac.map(|m| (*ip, m)))
            .collect();
        n.extend(self.cfg.static_arp.iter().copied());
        n.into_iter().collect()
    }

    /// True once after any change of [`Plane::neighbors`].
    pub fn take_neighbors_changed(&mut self) -> bool {
        std::mem::take(&mut self.neighbors_changed)
    }

    // =======================================================================
    // IGMP

    fn igmp_input(&mut self, frame: &[u8], now: Instant) {
        let Some(pkt) = igmp::parse_packet(frame) else {
            return self.ignore(Ignore::Malformed);
        };
        let IgmpMsg::Query {
            group,
            max_resp,
            version,
        } = pkt.msg
        else {
            return self.ignore(Ignore::IgmpNotQuery);
        };
        self.ctr.igmp_queries_seen += 1;
        match group {
            Some(g) => match self.groups.get_mut(&g) {
                Some(st) => st.last_query = Some(now),
                None => return self.ignore(Ignore::IgmpUnjoinedGroup),
            },
            None => {
                for st in self.groups.values_mut() {
                    st.last_query = Some(now);
                }
                if self.groups.is_empty() {
                    return;
                }
            }
        }
        // Host compatibility (RFC 3376 §7.2.1): answer an older querier in
        // its version (v1 queriers get v2 reports, which they ignore).
        let answer_version = if version < 3 {
            2
        } else {
            self.cfg.igmp_version
        };
        let span = ms(max_resp);
        let delay = if span == 0 {
            0
        } else {
            self.next_random() % span
        };
        let due = now + Duration::from_millis(delay);
        let general_due = self
            .pending
            .iter()
            .filter(|p| p.group.is_none())
            .map(|p| p.due)
            .min();
        if general_due.is_some_and(|d| d <= due) {
            return; // an earlier answer for everything already covers it
        }
        if group.is_none() {
            self.pending.retain(|p| p.group.is_some() && p.due < due);
        }
        if let Some(p) = self.pending.iter_mut().find(|p| p.group == group) {
            p.due = p.due.min(due);
            p.version = p.version.min(answer_version);
            return;
        }
        if self.pending.len() >= MAX_PENDING_ANSWERS {
            return self.ignore(Ignore::IgmpPendingFull);
        }
        self.pending.push(PendingAnswer {
            due,
            group,
            version: answer_version,
        });
    }

    fn igmp_send(
        &mut self,
        groups: &[Ipv4Addr],
        record: RecordType,
        version: u8,
        out: &mut Vec<(u16, Vec<u8>)>,
    ) -> usize {
        let Some((port, mac, ip, _)) = self.cfg.igmp_identity() else {
            return 0;
        };
        let frames: Vec<Vec<u8>> = if version == 2 {
            groups
                .iter()
                .map(|g| match record {
                    RecordType::ChangeToInclude => igmp::v2_leave(mac, ip, *g),
                    _ => igmp::v2_report(mac, ip, *g),
                })
                .collect()
        } else {
            let recs: Vec<(RecordType, Ipv4Addr)> = groups.iter().map(|g| (record, *g)).collect();
            igmp::v3_reports(mac, ip, &recs)
        };
        let n = frames.len();
        out.extend(frames.into_iter().map(|f| (port, f)));
        n
    }

    fn send_leaves(&mut self, groups: &[Ipv4Addr], out: &mut Vec<(u16, Vec<u8>)>) {
        if groups.is_empty() {
            return;
        }
        let v = self.cfg.igmp_version;
        let n = self.igmp_send(groups, RecordType::ChangeToInclude, v, out);
        self.ctr.igmp_leaves_sent += n as u64;
    }

    fn send_reports(
        &mut self,
        groups: &[Ipv4Addr],
        record: RecordType,
        version: u8,
        out: &mut Vec<(u16, Vec<u8>)>,
    ) {
        if groups.is_empty() {
            return;
        }
        let n = self.igmp_send(groups, record, version, out);
        self.ctr.igmp_reports_sent += n as u64;
        for g in groups {
            if let Some(st) = self.groups.get_mut(g) {
                st.reports_sent += 1;
            }
        }
    }

    fn send_unsolicited(&mut self, now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        let due: Vec<Ipv4Addr> = self
            .groups
            .iter()
            .filter(|(_, s)| s.next_unsolicited.is_some_and(|t| t <= now))
            .map(|(g, _)| *g)
            .collect();
        let v = self.cfg.igmp_version;
        self.send_reports(&due, RecordType::ChangeToExclude, v, out);
        for g in &due {
            if let Some(st) = self.groups.get_mut(g) {
                st.unsolicited_left = st.unsolicited_left.saturating_sub(1);
                st.next_unsolicited =
                    (st.unsolicited_left > 0).then(|| now + IGMP_UNSOLICITED_INTERVAL);
            }
        }
    }

    fn igmp_tick(&mut self, now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        self.send_unsolicited(now, out);
        let (due, later): (Vec<PendingAnswer>, Vec<PendingAnswer>) =
            self.pending.iter().partition(|p| p.due <= now);
        self.pending = later;
        for p in due {
            let groups: Vec<Ipv4Addr> = match p.group {
                None => self.groups.keys().copied().collect(),
                Some(g) if self.groups.contains_key(&g) => vec![g],
                Some(_) => Vec::new(),
            };
            self.send_reports(&groups, RecordType::ModeIsExclude, p.version, out);
        }
    }

    /// IGMP leaves for every joined group (shutdown).
    pub fn shutdown(&mut self, out: &mut Vec<(u16, Vec<u8>)>) {
        let groups: Vec<Ipv4Addr> = self.groups.keys().copied().collect();
        self.send_leaves(&groups, out);
        self.groups.clear();
        self.pending.clear();
    }

    // =======================================================================
    // LLDP

    fn lldp_input(&mut self, rx_port: u16, frame: &[u8], now: Instant) {
        let Some(port) = self.cfg.port(rx_port) else {
            return self.ignore(Ignore::UnknownPort);
        };
        let Some((eth, _)) = EthernetRepr::parse(frame) else {
            return self.ignore(Ignore::Malformed);
        };
        if eth.src == port.mac || self.cfg.ports.iter().any(|p| p.mac == eth.src) {
            return self.ignore(Ignore::LldpOwn);
        }
        let Some(n) = lldp::parse(frame) else {
            return self.ignore(Ignore::Malformed);
        };
        self.ctr.lldp_received += 1;
        let key = (rx_port, n.chassis_id.clone(), n.port_id.clone());
        if n.ttl == 0 {
            self.lldp.remove(&key);
            return;
        }
        if !self.lldp.contains_key(&key) {
            self.lldp.retain(|_, e| e.expires > now);
            let here = self.lldp.keys().filter(|k| k.0 == rx_port).count();
            if here >= LLDP_MAX_PER_PORT || self.lldp.len() >= LLDP_MAX {
                return self.ignore(Ignore::LldpTableFull);
            }
        }
        let expires = now + Duration::from_secs(u64::from(n.ttl));
        self.lldp.insert(key, LldpEntry { n, expires });
    }

    fn lldp_tick(&mut self, now: Instant, out: &mut Vec<(u16, Vec<u8>)>) {
        for p in &self.cfg.ports {
            let next = self.lldp_next.entry(p.port_id).or_insert(now);
            if *next > now {
                continue;
            }
            *next = now + LLDP_INTERVAL;
            out.push((
                p.port_id,
                lldp::frame(
                    p.mac,
                    p.mac,
                    &p.name,
                    &p.description,
                    &self.cfg.system_name,
                    LLDP_TTL,
                ),
            ));
            self.ctr.lldp_sent += 1;
        }
        self.lldp.retain(|_, e| e.expires > now);
    }

    // =======================================================================
    // Timers

    /// Timers: IGMP unsolicited reports and delayed query answers, ARP
    /// retries/expiry/refresh, LLDP every 30 s. `remote_vteps`: VTEP IPs
    /// currently in the MAC table or configured; each needs its next hop
    /// resolved.
    pub fn tick(&mut self, now: Instant, remote_vteps: &[Ipv4Addr], out: &mut Vec<(u16, Vec<u8>)>) {
        self.igmp_tick(now, out);
        self.arp_tick(now, remote_vteps, out);
        self.lldp_tick(now, out);
    }

    // =======================================================================
    // Show commands

    fn underlay_ifl(&self) -> String {
        self.cfg
            .underlay
            .as_ref()
            .map_or_else(|| "-".to_string(), |u| format!("{}.0", u.name))
    }

    /// `show igmp membership`.
    pub fn show_igmp(&self, now: Instant, json: bool) -> String {
        let ifl = self.underlay_ifl();
        let v = self.cfg.igmp_version;
        let rows: Vec<(Ipv4Addr, &Group, &'static str)> = self
            .groups
            .iter()
            .map(|(g, s)| {
                let delaying = s.next_unsolicited.is_some()
                    || self
                        .pending
                        .iter()
                        .any(|p| p.group.is_none() || p.group == Some(*g));
                (
                    *g,
                    s,
                    if delaying {
                        "Delaying member"
                    } else {
                        "Idle member"
                    },
                )
            })
            .collect();
        if json {
            let groups: Vec<Value> = rows
                .iter()
                .map(|(g, s, state)| {
                    json!({
                        "group": g.to_string(),
                        "interface": ifl,
                        "version": v,
                        "state": state,
                        "joined-seconds-ago": secs_ago(now, s.since),
                        "reports-sent": s.reports_sent,
                        "last-query-seconds-ago": s.last_query.map(|t| secs_ago(now, t)),
                    })
                })
                .collect();
            return json!({ "igmp-membership": groups }).to_string();
        }
        let mut s = String::new();
        let _ = writeln!(s, "Interface: {ifl}, Version: {v}");
        if rows.is_empty() {
            let _ = writeln!(s, "    No groups joined");
        }
        for (g, st, state) in rows {
            let last = st.last_query.map_or_else(
                || "never".to_string(),
                |t| format!("{}s ago", secs_ago(now, t)),
            );
            let _ = writeln!(s, "    Group: {g}");
            let _ = writeln!(
                s,
                "        State: {state}, Joined: {}s ago, Reports sent: {}, Last query: {last}",
                secs_ago(now, st.since),
                st.reports_sent
            );
        }
        s
    }

    /// `show arp`.
    pub fn show_arp(&self, now: Instant, json: bool) -> String {
        struct Row {
            mac: Option<Mac>,
            ip: Ipv4Addr,
            ifl: String,
            state: &'static str,
            expire: Option<u64>,
            age: Option<u64>,
        }
        let ifl = self.underlay_ifl();
        let mut rows = Vec::new();
        for (ip, mac) in &self.cfg.static_arp {
            rows.push(Row {
                mac: Some(*mac),
                ip: *ip,
                ifl: ifl.clone(),
                state: "static",
                expire: None,
                age: None,
            });
        }
        for (ip, e) in &self.arp {
            if self.is_static(*ip) {
                continue;
            }
            let left = |c: Instant| {
                (ARP_LIFETIME.saturating_sub(now.saturating_duration_since(c))).as_secs()
            };
            rows.push(Row {
                mac: e.mac,
                ip: *ip,
                ifl: ifl.clone(),
                state: e.state(now),
                expire: e.confirmed.map(left),
                age: e.confirmed.map(|c| secs_ago(now, c)),
            });
        }
        for ((vlan, ip), e) in &self.irb_arp {
            let name = self
                .cfg
                .vlan(*vlan)
                .and_then(|v| v.irb.as_ref())
                .map_or_else(|| format!("irb.{vlan}"), |i| i.name.clone());
            let stale = now.saturating_duration_since(e.confirmed) >= ARP_REFRESH;
            rows.push(Row {
                mac: Some(e.mac),
                ip: *ip,
                ifl: name,
                state: if stale { "stale" } else { "reachable" },
                expire: Some(
                    ARP_LIFETIME
                        .saturating_sub(now.saturating_duration_since(e.confirmed))
                        .as_secs(),
                ),
                age: Some(secs_ago(now, e.confirmed)),
            });
        }
        if json {
            let v: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({
                        "mac-address": r.mac.map(|m| m.to_string()),
                        "ip-address": r.ip.to_string(),
                        "interface": r.ifl,
                        "state": r.state,
                        "age": r.age,
                        "expire": r.expire,
                    })
                })
                .collect();
            return json!({ "arp-table": v, "total-entries": rows.len() }).to_string();
        }
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<18}{:<16}{:<24}{:<12}Expire",
            "MAC Address", "Address", "Interface", "State"
        );
        for r in &rows {
            let mac = r
                .mac
                .map_or_else(|| "(incomplete)".to_string(), |m| m.to_string());
            let exp = r.expire.map_or_else(|| "-".to_string(), |e| e.to_string());
            let _ = writeln!(
                s,
                "{:<18}{:<16}{:<24}{:<12}{exp}",
                mac,
                r.ip.to_string(),
                r.ifl,
                r.state
            );
        }
        let _ = writeln!(s, "Total entries: {}", rows.len());
        s
    }

    /// `show lldp neighbors`.
    pub fn show_lldp(&self, now: Instant, json: bool) -> String {
        let order = |port: u16| {
            self.cfg
                .ports
                .iter()
                .position(|p| p.port_id == port)
                .unwrap_or(usize::MAX)
        };
        let mut rows: Vec<(&(u16, String, String), &LldpEntry)> =
            self.lldp.iter().filter(|(_, e)| e.expires > now).collect();
        rows.sort_by_key(|(k, _)| (order(k.0), k.1.clone(), k.2.clone()));
        let name = |port: u16| {
            self.cfg
                .port(port)
                .map_or_else(|| format!("port{port}"), |p| p.name.clone())
        };
        if json {
            let v: Vec<Value> = rows
                .iter()
                .map(|(k, e)| {
                    json!({
                        "local-interface": name(k.0),
                        "parent-interface": Value::Null,
                        "chassis-id": e.n.chassis_id,
                        "port-id": e.n.port_id,
                        "port-description": e.n.port_desc,
                        "system-name": e.n.system_name,
                        "ttl": e.n.ttl,
                        "expires-in": e.expires.saturating_duration_since(now).as_secs(),
                    })
                })
                .collect();
            return json!({ "lldp-neighbors": v }).to_string();
        }
        let mut s = String::from(
            "Local Interface    Parent Interface    Chassis Id          Port info          System Name\n",
        );
        for (k, e) in rows {
            let port_info =
                e.n.port_desc
                    .as_deref()
                    .filter(|d| !d.is_empty())
                    .unwrap_or(&e.n.port_id);
            let line = format!(
                "{:<19}{:<20}{:<20}{:<19}{}",
                name(k.0),
                "-",
                e.n.chassis_id,
                port_info,
                e.n.system_name.as_deref().unwrap_or("")
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
        s
    }

    /// Protocol counters.
    pub fn counters(&self) -> Value {
        let c = &self.ctr;
        let mut ignored = serde_json::Map::new();
        let mut not_sent = serde_json::Map::new();
        for (k, v) in &c.ignored {
            let m = if k.is_tx_drop() {
                &mut not_sent
            } else {
                &mut ignored
            };
            m.insert(k.name().to_string(), json!(v));
        }
        json!({
            "arp-requests-answered": c.arp_requests_answered,
            "arp-requests-sent": c.arp_requests_sent,
            "arp-replies-seen": c.arp_replies_seen,
            "icmp-echo-replies-sent": c.echo_replies_sent,
            "igmp-reports-sent": c.igmp_reports_sent,
            "igmp-leaves-sent": c.igmp_leaves_sent,
            "igmp-queries-seen": c.igmp_queries_seen,
            "lldp-sent": c.lldp_sent,
            "lldp-received": c.lldp_received,
            "ignored": ignored,
            "not-sent": not_sent,
        })
    }
}

impl Group {
    fn joining(now: Instant) -> Group {
        Group {
            since: now,
            reports_sent: 0,
            last_query: None,
            unsolicited_left: IGMP_ROBUSTNESS,
            next_unsolicited: Some(now),
        }
    }
}
