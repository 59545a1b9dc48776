//! The configuration as validated: resolved types, defaults filled in.

use serde::{Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;
use wire::Mac;

/// Where BUM traffic of a VNI goes: the bridge's own type.
pub use dataplane::bridge::Flood;

pub const DEFAULT_MTU: u16 = 1500;
pub const MIN_MTU: u16 = 68;
pub const MAX_MTU: u16 = 9216;
pub const DEFAULT_MAC_TABLE_AGING_TIME: u32 = 300;
pub const MAX_MAC_TABLE_AGING_TIME: u32 = 1_000_000;
pub const DEFAULT_MAC_TABLE_SIZE: u32 = 65536;
pub const MAX_MAC_TABLE_SIZE: u32 = 1 << 24;
/// The inner 802.1Q tag kept by `encapsulate-inner-vlan`.
pub const INNER_TAG: u16 = wire::ethernet::VLAN_TAG_LEN as u16;

/// An IPv4 address with its prefix length (`192.168.24.4/24`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv4Net {
    pub addr: Ipv4Addr,
    pub prefix_len: u8,
}

impl Ipv4Net {
    pub fn mask(&self) -> u32 {
        if self.prefix_len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix_len))
        }
    }
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask())
    }
    /// Whether `a` is on-link (in this subnet).
    pub fn contains(&self, a: Ipv4Addr) -> bool {
        u32::from(a) & self.mask() == u32::from(self.addr) & self.mask()
    }
    /// Whether the two subnets share any address.
    pub fn overlaps(&self, other: &Ipv4Net) -> bool {
        let m = self.mask() & other.mask();
        u32::from(self.addr) & m == u32::from(other.addr) & m
    }
}

impl fmt::Display for Ipv4Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix_len)
    }
}

impl Serialize for Ipv4Net {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `{"multicast-group": "239.1.1.10"}` or `{"static-remote-vteps": [...]}`.
fn ser_flood<S: Serializer>(f: &Flood, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(1))?;
    match f {
        Flood::Group(g) => m.serialize_entry("multicast-group", g)?,
        Flood::Static(l) => m.serialize_entry("static-remote-vteps", l)?,
    }
    m.end()
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    pub vtep: Vtep,
    /// In the order of the file.
    pub interfaces: Vec<Interface>,
    /// Sorted by VLAN id.
    pub vlans: Vec<Vlan>,
    pub ethernet_switching: EthernetSwitching,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgmpVersion {
    V2,
    V3,
}

impl IgmpVersion {
    pub fn number(self) -> u8 {
        match self {
            IgmpVersion::V2 => 2,
            IgmpVersion::V3 => 3,
        }
    }
}

impl Serialize for IgmpVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

/// `[vtep]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Vtep {
    /// The underlay interface (an [`InterfaceKind::Underlay`]); required when
    /// any VLAN has `vxlan`.
    pub source_interface: Option<String>,
    pub udp_port: u16,
    pub ttl: u8,
    /// Next hop for remote VTEPs that are not on-link; itself on-link.
    pub gateway: Option<Ipv4Addr>,
    pub igmp_version: IgmpVersion,
    /// For LLDP.
    pub system_name: Option<String>,
    /// The MAC the IRBs answer with; the port's MAC when unset.
    pub router_mac: Option<Mac>,
}

/// `[interfaces."name"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Interface {
    pub name: String,
    pub description: Option<String>,
    /// IP MTU.
    pub mtu: u16,
    #[serde(flatten)]
    pub kind: InterfaceKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case"
)]
pub enum InterfaceKind {
    /// An L3 interface on a DPDK port (`device` and `address`, no
    /// `interface-mode`): the VXLAN underlay.
    Underlay {
        device: String,
        address: Ipv4Net,
        static_arp: Vec<StaticArp>,
    },
    /// `interface-mode = "access"`: untagged frames in one VLAN.
    Access { device: String, vlan: u16 },
    /// `interface-mode = "trunk"`: 802.1Q-tagged frames in `vlans` (sorted);
    /// `all` when the file said `vlan-members = ["all"]`.
    Trunk {
        device: String,
        vlans: Vec<u16>,
        all: bool,
    },
    /// `irb.N`: no device; `vlan` is the VLAN whose `l3-interface` names it.
    Irb { address: Ipv4Net, vlan: Option<u16> },
}

/// A static ARP entry on the underlay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticArp {
    pub address: Ipv4Addr,
    pub mac: Mac,
}

impl Interface {
    pub fn device(&self) -> Option<&str> {
        match &self.kind {
            InterfaceKind::Underlay { device, .. }
            | InterfaceKind::Access { device, .. }
            | InterfaceKind::Trunk { device, .. } => Some(device),
            InterfaceKind::Irb { .. } => None,
        }
    }
    pub fn address(&self) -> Option<Ipv4Net> {
        match &self.kind {
            InterfaceKind::Underlay { address, .. } | InterfaceKind::Irb { address, .. } => {
                Some(*address)
            }
            _ => None,
        }
    }
    /// Whether this is an access or trunk port.
    pub fn is_switch_port(&self) -> bool {
        matches!(
            self.kind,
            InterfaceKind::Access { .. } | InterfaceKind::Trunk { .. }
        )
    }
    /// The VLAN ids this interface is in (for an IRB, its VLAN), sorted.
    pub fn vlans(&self) -> &[u16] {
        match &self.kind {
            InterfaceKind::Access { vlan, .. } => std::slice::from_ref(vlan),
            InterfaceKind::Trunk { vlans, .. } => vlans,
            InterfaceKind::Irb { vlan: Some(v), .. } => std::slice::from_ref(v),
            _ => &[],
        }
    }
}

/// `[vlans.name]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Vlan {
    pub name: String,
    pub vlan_id: u16,
    pub description: Option<String>,
    /// An IRB (`irb.N`).
    pub l3_interface: Option<String>,
    pub vxlan: Option<Vxlan>,
}

/// `[vlans.name.vxlan]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Vxlan {
    pub vni: u32,
    #[serde(serialize_with = "ser_flood")]
    pub flood: Flood,
    /// Keep the 802.1Q tag inside the VXLAN payload (default false).
    pub encapsulate_inner_vlan: bool,
    /// Accept decapsulated frames that carry an 802.1Q tag (default false).
    pub decapsulate_accept_inner_vlan: bool,
}

/// `[ethernet-switching]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct EthernetSwitching {
    /// Seconds; 0 = never.
    pub mac_table_aging_time: u32,
    pub mac_table_size: u32,
    pub static_mac: Vec<StaticMac>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct StaticMac {
    /// VLAN id.
    pub vlan: u16,
    pub mac: Mac,
    pub target: StaticMacTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaticMacTarget {
    /// A switch port that carries the VLAN.
    Interface(String),
    /// A remote VTEP; the VLAN has `vxlan`.
    RemoteVtep(Ipv4Addr),
}
