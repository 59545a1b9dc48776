//! What the control plane needs from the validated configuration: the
//! underlay, the ports LLDP runs on, the VLANs with their IRBs, compiled
//! once per configuration change.

use crate::config::{Config, InterfaceKind};
use dataplane::bridge::{self, BridgeConfig, Flood, PortMode};
use std::net::Ipv4Addr;
use wire::Mac;

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

    pub(crate) fn vlan(&self, vlan: u16) -> Option<&PlaneVlan> {
        self.vlans.iter().find(|v| v.vlan_id == vlan)
    }

    pub(crate) fn port(&self, port_id: u16) -> Option<&PlanePort> {
        self.ports.iter().find(|p| p.port_id == port_id)
    }

    /// What IGMP identifies itself with: (port, MAC, address, version).
    pub(crate) fn igmp_identity(&self) -> Option<(u16, Mac, Ipv4Addr, u8)> {
        self.underlay
            .as_ref()
            .map(|u| (u.port_id, u.mac, u.ip, self.igmp_version))
    }

    /// The underlay's logical interface as the shows name it.
    pub(crate) fn underlay_ifl(&self) -> String {
        self.underlay
            .as_ref()
            .map_or_else(|| "-".to_string(), |u| format!("{}.0", u.name))
    }

    pub(crate) fn is_static_arp(&self, ip: Ipv4Addr) -> bool {
        self.static_arp.iter().any(|(a, _)| *a == ip)
    }
}

impl Default for PlaneConfig {
    /// Nothing configured: the state a plane starts from before its first
    /// configuration.
    fn default() -> Self {
        PlaneConfig {
            underlay: None,
            igmp_version: 3,
            ports: Vec::new(),
            vlans: Vec::new(),
            router_mac: Mac::ZERO,
            system_name: String::new(),
            static_arp: Vec::new(),
        }
    }
}
