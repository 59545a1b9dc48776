//! The immutable forwarding view: compiled from a [`BridgeConfig`] on the
//! control thread, published to the workers between bursts, read by every
//! stage. Its lookups are per packet; its compilation ([`View::new`]) is
//! not.

use super::config::{prefix_mask, BridgeConfig, Flood, PortMode, VlanConf};
use super::per_vlan;
use super::vxlan_output::Template;
use crate::mactable::Mac48;
use std::net::Ipv4Addr;
use wire::ethernet::{self, VLAN_ID_COUNT, VLAN_ID_MAX, VLAN_TAG_LEN};
use wire::vxlan;
use wire::Mac;

/// How a port sends a VLAN's frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Egress {
    NotMember,
    Untagged,
    Tagged,
}

#[derive(Clone, Debug)]
pub struct PortView {
    pub port_id: u16,
    pub name: String,
    pub mac: Mac,
    pub mtu: u16,
    pub underlay: bool,
    /// VLAN of untagged frames (access ports), 0 for none.
    pub pvid: u16,
    member: Box<[Egress; VLAN_ID_COUNT]>,
}

impl PortView {
    #[inline(always)]
    pub fn egress(&self, vlan: u16) -> Egress {
        self.member[usize::from(vlan) & (VLAN_ID_COUNT - 1)]
    }
    /// Largest frame this port sends with or without a tag.
    #[inline(always)]
    pub(super) fn max_frame(&self, tagged: bool) -> usize {
        usize::from(self.mtu) + ethernet::HEADER_LEN + if tagged { VLAN_TAG_LEN } else { 0 }
    }
}

/// A local flood destination of a VLAN.
#[derive(Clone, Copy, Debug)]
pub(super) struct FloodPort {
    pub(super) port: u16,
    pub(super) tagged: bool,
    /// Largest frame the port sends in this VLAN (with its tag if tagged).
    pub(super) max_frame: usize,
}

/// A tunnel flood destination: the group, or one static remote VTEP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FloodTarget {
    pub ip: Ipv4Addr,
    /// Outer destination MAC; `None`: next hop unresolved (copy dropped
    /// `unresolved-vtep`).
    pub mac: Option<Mac>,
}

#[derive(Clone, Debug)]
pub struct VlanView {
    pub vlan_id: u16,
    pub name: String,
    /// The VNI, when it has one and an underlay exists.
    pub vni: Option<u32>,
    pub encap_inner_vlan: bool,
    pub decap_accept_inner_vlan: bool,
    pub irb: Option<(Ipv4Addr, u8)>,
    /// Local member ports, in configuration order.
    pub ports: Vec<u16>,
    /// The same ports as flooding needs them: no port-table or membership
    /// lookup per copy.
    pub(super) flood_ports: Vec<FloodPort>,
    /// Tunnel flood destinations (empty without a VNI).
    pub remotes: Vec<FloodTarget>,
    pub(super) tmpl: Option<Template>,
    pub(super) irb_ip: Option<u32>,
}

impl VlanView {
    fn new(vlan_id: u16, c: Option<&VlanConf>) -> VlanView {
        VlanView {
            vlan_id,
            name: c.map_or_else(|| format!("vlan{vlan_id}"), |c| c.name.clone()),
            vni: None,
            encap_inner_vlan: c.is_some_and(|c| c.encap_inner_vlan),
            decap_accept_inner_vlan: c.is_some_and(|c| c.decap_accept_inner_vlan),
            irb: c.and_then(|c| c.irb),
            ports: Vec::new(),
            flood_ports: Vec::new(),
            remotes: Vec::new(),
            tmpl: None,
            irb_ip: c.and_then(|c| c.irb).map(|(ip, _)| u32::from(ip)),
        }
    }
    /// The outer header template's 50 bytes (destination, lengths,
    /// checksum and source port zero), for inspection.
    pub fn outer_template(&self) -> Option<[u8; vxlan::OVERHEAD]> {
        self.tmpl.map(|t| t.hdr)
    }
}

#[derive(Clone, Debug)]
pub(super) struct UnderlayView {
    pub(super) port_id: u16,
    pub(super) ip: u32,
    mask: u32,
    pub(super) mtu: u16,
    pub(super) udp_port: u16,
    gateway: Option<u32>,
    gateway_mac: Option<Mac>,
    /// `vxlan_input::vxlan_fast`'s expected words at bytes 28 and 36 (destination
    /// address; UDP port and the I flag), less what depends on the frame.
    pub(super) fast_e28: u64,
    pub(super) fast_e36: u64,
}

const NO_VLAN: u16 = u16::MAX;

/// The immutable forwarding view compiled from a [`BridgeConfig`].
#[derive(Clone, Debug)]
pub struct View {
    ports: Vec<Option<PortView>>,
    /// VLAN id → index into `vlans`, `NO_VLAN` when not a bridge domain.
    vlan_index: Box<[u16; VLAN_ID_COUNT]>,
    vlans: Vec<VlanView>,
    vni_to_vlan: SortedMap<u32, u16>,
    pub(super) underlay: Option<UnderlayView>,
    /// Unicast MACs that are ours (router MAC, port and underlay MACs).
    local_macs: Vec<Mac48>,
    /// One bit per [`local_bit`] of each local MAC: most frames leave
    /// `is_local_mac` after one bit test instead of comparing them all.
    local_filter: u64,
    neighbors: SortedMap<u32, Mac>,
    groups: Vec<Ipv4Addr>,
    pub(super) groups_u32: Vec<u32>,
}

/// A small read-mostly map for the per-packet path: a sorted vector and a
/// binary search beat hashing for the few neighbors and VNIs a VTEP has.
#[derive(Clone, Debug, Default)]
struct SortedMap<K, V>(Vec<(K, V)>);

impl<K: Ord + Copy, V: Copy> SortedMap<K, V> {
    #[inline(always)]
    fn get(&self, k: &K) -> Option<&V> {
        self.0
            .binary_search_by(|(x, _)| x.cmp(k))
            .ok()
            .map(|i| &self.0[i].1)
    }
    fn contains_key(&self, k: &K) -> bool {
        self.get(k).is_some()
    }
    /// Keeps the first value for a key.
    fn insert(&mut self, k: K, v: V) {
        if let Err(i) = self.0.binary_search_by(|(x, _)| x.cmp(&k)) {
            self.0.insert(i, (k, v));
        }
    }
}

impl<K: Ord + Copy, V: Copy> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(it: I) -> Self {
        let mut m = SortedMap(Vec::new());
        for (k, v) in it {
            m.insert(k, v);
        }
        m
    }
}

/// A MAC's bit in [`View::local_filter`]: its low 6 bits, which vary
/// most among hosts (the NIC-specific part of the address).
#[inline(always)]
fn local_bit(m: Mac48) -> u32 {
    (m.0 & 63) as u32
}

fn valid_vlan(v: u16) -> bool {
    (1..=VLAN_ID_MAX).contains(&v)
}

impl View {
    /// Compiles a configuration. Never fails: invalid VLAN ids are ignored
    /// (the control process validates and reports), a VNI without an
    /// underlay is inert, a duplicate VNI maps to the first VLAN.
    pub fn new(cfg: &BridgeConfig) -> View {
        let neighbors: SortedMap<u32, Mac> = cfg
            .neighbors
            .iter()
            .map(|(ip, mac)| (u32::from(*ip), *mac))
            .collect();
        let underlay = cfg.underlay.as_ref().map(|u| {
            let gateway = u.gateway.map(u32::from);
            UnderlayView {
                port_id: u.port_id,
                ip: u32::from(u.ip),
                mask: prefix_mask(u.prefix),
                mtu: u.mtu,
                udp_port: u.udp_port,
                gateway,
                gateway_mac: gateway.and_then(|g| neighbors.get(&g).copied()),
                fast_e28: u64::from(u32::from(u.ip).to_be()) << 16,
                fast_e36: u64::from(u.udp_port.to_be()) | u64::from(vxlan::FLAG_I) << 48,
            }
        });
        let mut v = View {
            ports: Vec::new(),
            vlan_index: per_vlan(|| NO_VLAN),
            vlans: Vec::new(),
            vni_to_vlan: SortedMap::default(),
            underlay,
            local_macs: Vec::new(),
            local_filter: 0,
            neighbors,
            groups: Vec::new(),
            groups_u32: Vec::new(),
        };
        for c in cfg.vlans.iter().filter(|c| valid_vlan(c.vlan_id)) {
            if v.vlan_index[usize::from(c.vlan_id)] == NO_VLAN {
                v.vlan_index[usize::from(c.vlan_id)] = v.vlans.len() as u16;
                v.vlans.push(VlanView::new(c.vlan_id, Some(c)));
            }
        }
        for p in &cfg.ports {
            let mut pv = PortView {
                port_id: p.port_id,
                name: p.name.clone(),
                mac: p.mac,
                mtu: p.mtu,
                underlay: false,
                pvid: 0,
                member: per_vlan(|| Egress::NotMember),
            };
            let members: Vec<(u16, Egress)> = match &p.mode {
                PortMode::Access(vl) => {
                    pv.pvid = if valid_vlan(*vl) { *vl } else { 0 };
                    vec![(*vl, Egress::Untagged)]
                }
                PortMode::Trunk(vls) => vls.iter().map(|vl| (*vl, Egress::Tagged)).collect(),
                PortMode::Underlay => {
                    pv.underlay = true;
                    Vec::new()
                }
            };
            for (vl, e) in members.into_iter().filter(|(vl, _)| valid_vlan(*vl)) {
                if pv.member[usize::from(vl)] != Egress::NotMember {
                    continue;
                }
                pv.member[usize::from(vl)] = e;
                let idx = v.vlan_idx_or_insert(vl);
                v.vlans[idx].ports.push(p.port_id);
            }
            v.set_port(pv);
        }
        if let Some(u) = &cfg.underlay {
            let existing = v
                .ports
                .get_mut(usize::from(u.port_id))
                .and_then(|p| p.as_mut());
            match existing {
                Some(p) => {
                    p.underlay = true;
                    p.mac = u.mac;
                }
                None => v.set_port(PortView {
                    port_id: u.port_id,
                    name: format!("underlay{}", u.port_id),
                    mac: u.mac,
                    mtu: u.mtu,
                    underlay: true,
                    pvid: 0,
                    member: per_vlan(|| Egress::NotMember),
                }),
            }
            for c in cfg.vlans.iter().filter(|c| valid_vlan(c.vlan_id)) {
                let Some(vni) = c.vni.map(|n| n & vxlan::VNI_MAX) else {
                    continue;
                };
                let idx = usize::from(v.vlan_index[usize::from(c.vlan_id)]);
                if v.vlans[idx].tmpl.is_some() || v.vni_to_vlan.contains_key(&vni) {
                    continue;
                }
                v.vni_to_vlan.insert(vni, c.vlan_id);
                let targets: Vec<Ipv4Addr> = match &c.flood {
                    Flood::Group(g) => vec![*g],
                    Flood::Static(l) => l.clone(),
                };
                let remotes = targets
                    .into_iter()
                    .map(|ip| {
                        let mac = if ip.is_multicast() {
                            if !v.groups.contains(&ip) {
                                v.groups.push(ip);
                                v.groups_u32.push(u32::from(ip));
                            }
                            Some(Mac::ipv4_multicast(ip))
                        } else {
                            v.next_hop_mac(u32::from(ip))
                        };
                        FloodTarget { ip, mac }
                    })
                    .collect();
                let vv = &mut v.vlans[idx];
                vv.vni = Some(vni);
                vv.tmpl = Some(Template::new(u, vni));
                vv.remotes = remotes;
            }
        }
        for vv in &mut v.vlans {
            let vlan = vv.vlan_id;
            vv.flood_ports = vv
                .ports
                .iter()
                .filter_map(|&p| {
                    let out = v.ports.get(usize::from(p))?.as_ref()?;
                    let tagged = out.egress(vlan) == Egress::Tagged;
                    Some(FloodPort {
                        port: p,
                        tagged,
                        max_frame: out.max_frame(tagged),
                    })
                })
                .collect();
        }
        let mut macs = vec![cfg.router_mac];
        macs.extend(cfg.ports.iter().map(|p| p.mac));
        macs.extend(cfg.underlay.iter().map(|u| u.mac));
        for m in macs {
            let m = Mac48::from_bytes(&m);
            if m.is_valid_source() && !v.local_macs.contains(&m) {
                v.local_macs.push(m);
                v.local_filter |= 1 << local_bit(m);
            }
        }
        v
    }

    fn set_port(&mut self, p: PortView) {
        let i = usize::from(p.port_id);
        if self.ports.len() <= i {
            self.ports.resize(i + 1, None);
        }
        self.ports[i] = Some(p);
    }

    fn vlan_idx_or_insert(&mut self, vl: u16) -> usize {
        if self.vlan_index[usize::from(vl)] == NO_VLAN {
            self.vlan_index[usize::from(vl)] = self.vlans.len() as u16;
            self.vlans.push(VlanView::new(vl, None));
        }
        usize::from(self.vlan_index[usize::from(vl)])
    }

    #[inline(always)]
    pub fn port(&self, port_id: u16) -> Option<&PortView> {
        self.ports
            .get(usize::from(port_id))
            .and_then(|p| p.as_ref())
    }
    pub fn ports(&self) -> impl Iterator<Item = &PortView> {
        self.ports.iter().flatten()
    }
    #[inline(always)]
    pub fn vlan(&self, vlan_id: u16) -> Option<&VlanView> {
        let i = *self.vlan_index.get(usize::from(vlan_id))?;
        self.vlans.get(usize::from(i))
    }
    pub fn vlans(&self) -> &[VlanView] {
        &self.vlans
    }
    #[inline]
    pub fn vlan_for_vni(&self, vni: u32) -> Option<u16> {
        self.vni_to_vlan.get(&vni).copied()
    }
    /// The multicast groups the control plane must join on the underlay.
    pub fn groups(&self) -> &[Ipv4Addr] {
        &self.groups
    }
    pub fn neighbor(&self, ip: Ipv4Addr) -> Option<Mac> {
        self.neighbors.get(&u32::from(ip)).copied()
    }
    /// The IP whose MAC the outer frame to `vtep` goes to: the VTEP itself
    /// when on-link, else the gateway (`None` without one or no underlay).
    pub fn next_hop(&self, vtep: Ipv4Addr) -> Option<Ipv4Addr> {
        let u = self.underlay.as_ref()?;
        let ip = u32::from(vtep);
        if ip & u.mask == u.ip & u.mask {
            Some(vtep)
        } else {
            u.gateway.map(Ipv4Addr::from)
        }
    }
    /// The outer destination MAC for unicast to VTEP `ip` (host order).
    #[inline]
    pub fn next_hop_mac(&self, ip: u32) -> Option<Mac> {
        let u = self.underlay.as_ref()?;
        if ip == u.ip {
            None
        } else if ip & u.mask == u.ip & u.mask {
            self.neighbors.get(&ip).copied()
        } else {
            u.gateway_mac
        }
    }
    #[inline(always)]
    pub(super) fn is_local_mac(&self, m: Mac48) -> bool {
        self.local_filter >> local_bit(m) & 1 != 0 && self.local_macs.contains(&m)
    }
}

#[cfg(test)]
mod tests;
