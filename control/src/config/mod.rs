//! The TOML configuration file, parsed and validated.
//!
//! The file is read into raw serde structs (`deny_unknown_fields`, kebab-case
//! keys, every value optional so that a missing or out-of-range value gets our
//! own message), then [`validate`](RawConfig::validate)d into a [`Config`] with
//! resolved types, one stanza per file: IPv4 addresses, prefix lengths, MACs as [`Mac`], VLAN
//! members as sorted VLAN ids, defaults filled in.
//!
//! Every error is one line, `key: reason`, e.g.
//! `vlans.v10.vlan-id: 5000 is outside 1-4094`; a TOML syntax error or an
//! unknown key is `file:line:column: message`.
//!
//! MTUs are IP MTUs (the size of the L3 packet, as on Linux), so carrying a
//! frame from a port with mtu M over VXLAN needs an underlay mtu of
//! M + 14 (inner Ethernet) + 8 (VXLAN) + 8 (UDP) + 20 (IPv4) = M + 50, plus 4
//! when the inner 802.1Q tag is kept (`encapsulate-inner-vlan`).

mod emit;
mod fields;
mod interfaces;
mod raw;
mod switching;
mod vlans;
mod vtep;

use raw::RawConfig;
use serde::{Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;
use std::path::Path;
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

// ---------------------------------------------------------------- errors

/// A configuration error; `Display` is always one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The file could not be read.
    Io { file: String, message: String },
    /// TOML syntax error, wrong type or unknown key: `file:line:column: message`.
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value that parsed but is not valid: `key: reason`.
    Invalid { key: String, reason: String },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { file, message } => write!(f, "{file}: {message}"),
            ConfigError::Syntax {
                file,
                line,
                column,
                message,
            } => write!(f, "{file}:{line}:{column}: {message}"),
            ConfigError::Invalid { key, reason } => write!(f, "{key}: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

fn err<T>(key: impl Into<String>, reason: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid {
        key: key.into(),
        reason: reason.into(),
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------- resolved types

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

impl RawConfig {
    /// Every stanza in turn; each check may read what the ones before it
    /// resolved (an interface's VLAN members, the underlay's subnet).
    fn validate(self) -> Result<Config, ConfigError> {
        let scalars = vtep::scalars(&self.vtep)?;
        let mut vlans = vlans::vlans(&self.vlans)?;
        let mut interfaces = interfaces::interfaces(&self.interfaces, &vlans)?;
        interfaces::bind_irbs(&vlans, &mut interfaces)?;
        let underlay = vtep::underlay(&self.vtep, scalars.gateway, &interfaces, &vlans)?;
        let ethernet_switching =
            switching::switching(&self.ethernet_switching, &vlans, &interfaces, &underlay)?;
        vlans.sort_by_key(|v| v.vlan_id);
        Ok(Config {
            vtep: Vtep {
                source_interface: self.vtep.source_interface.clone(),
                udp_port: scalars.udp_port,
                ttl: scalars.ttl,
                gateway: scalars.gateway,
                igmp_version: scalars.igmp_version,
                system_name: self.vtep.system_name.clone(),
                router_mac: scalars.router_mac,
            },
            interfaces,
            vlans,
            ethernet_switching,
        })
    }
}

// ---------------------------------------------------------------- Config API

impl Config {
    /// Reads and validates a file; syntax errors name the file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            file: path.display().to_string(),
            message: one_line(&e.to_string()),
        })?;
        Self::parse_named(&text, &path.display().to_string())
    }

    /// Parses and validates `text`; syntax errors name the file `<config>`.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        Self::parse_named(text, "<config>")
    }

    /// Parses and validates `text`; syntax errors name the file `file`.
    pub fn parse_named(text: &str, file: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let before = text.get(..span.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let column = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
                    (line, column)
                }
                None => (1, 1),
            };
            ConfigError::Syntax {
                file: file.to_string(),
                line,
                column,
                message: one_line(e.message()),
            }
        })?;
        raw.validate()
    }

    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces.iter().find(|i| i.name == name)
    }

    pub fn vlan_by_name(&self, name: &str) -> Option<&Vlan> {
        self.vlans.iter().find(|v| v.name == name)
    }

    pub fn vlan_by_id(&self, id: u16) -> Option<&Vlan> {
        self.vlans.iter().find(|v| v.vlan_id == id)
    }

    /// The `vtep.source-interface`; always an [`InterfaceKind::Underlay`].
    pub fn underlay(&self) -> Option<&Interface> {
        self.interface(self.vtep.source_interface.as_deref()?)
    }

    /// The VTEP's own (outer source) address and subnet.
    pub fn source_address(&self) -> Option<Ipv4Net> {
        self.underlay()?.address()
    }

    /// `(interface name, DPDK device name)` of every interface with a device,
    /// in the order of the file.
    pub fn devices(&self) -> Vec<(&str, &str)> {
        self.interfaces
            .iter()
            .filter_map(|i| Some((i.name.as_str(), i.device()?)))
            .collect()
    }

    /// Checks that every device is one of `available` (the names of the
    /// ports the EAL probed). PCI addresses compare in canonical form.
    pub fn check_devices(&self, available: &[String]) -> Result<(), ConfigError> {
        let canon: Vec<String> = available
            .iter()
            .map(|a| fields::canonical_pci(a).unwrap_or_else(|| a.clone()))
            .collect();
        for (ifname, dev) in self.devices() {
            if !canon.iter().any(|a| a == dev) {
                let has = if available.is_empty() {
                    "none".to_string()
                } else {
                    available.join(", ")
                };
                return err(
                    format!("interfaces.{ifname}.device"),
                    format!("{dev:?} is not a device the EAL has (it has: {has})"),
                );
            }
        }
        Ok(())
    }

    /// Settings that are accepted but probably wrong, one line each.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        // The seed's caveat: the underlay must carry the largest frame plus
        // the VXLAN overhead, since VXLAN packets are never fragmented.
        if let Some(u) = self.underlay() {
            let mut worst: Option<(u32, &Interface)> = None;
            for i in &self.interfaces {
                if !i.is_switch_port() && !matches!(i.kind, InterfaceKind::Irb { .. }) {
                    continue;
                }
                let vx: Vec<&Vxlan> = i
                    .vlans()
                    .iter()
                    .filter_map(|v| self.vlan_by_id(*v)?.vxlan.as_ref())
                    .collect();
                if vx.is_empty() {
                    continue;
                }
                let tag = if vx.iter().any(|x| x.encapsulate_inner_vlan) {
                    INNER_TAG
                } else {
                    0
                };
                let need = u32::from(i.mtu) + wire::vxlan::OVERHEAD as u32 + u32::from(tag);
                if worst.is_none_or(|(n, _)| need > n) {
                    worst = Some((need, i));
                }
            }
            if let Some((need, i)) = worst {
                if need > u32::from(u.mtu) {
                    let fix = if need > u32::from(MAX_MTU) {
                        format!(
                            "{need}, above the {MAX_MTU} maximum: lower the mtu of {} to {} or less",
                            i.name,
                            u32::from(i.mtu) - (need - u32::from(MAX_MTU))
                        )
                    } else {
                        format!("{need} or more")
                    };
                    w.push(format!(
                        "interfaces.{}.mtu: {} is too small to carry {}-byte frames from {} over VXLAN; the underlay needs mtu {fix} (frames that do not fit are dropped and counted as too-big)",
                        u.name, u.mtu, i.mtu, i.name
                    ));
                }
            }
        }
        for i in &self.interfaces {
            match &i.kind {
                InterfaceKind::Underlay { .. }
                    if self.vtep.source_interface.as_deref() != Some(&i.name) =>
                {
                    w.push(format!(
                        "interfaces.{}: an L3 interface that is not vtep.source-interface carries no traffic",
                        i.name
                    ));
                }
                InterfaceKind::Irb { vlan: None, .. } => w.push(format!(
                    "interfaces.{}: no VLAN names it as l3-interface, so it is unreachable",
                    i.name
                )),
                _ => {}
            }
        }
        for (n, a) in self.interfaces.iter().enumerate() {
            let Some(na) = a.address() else { continue };
            for b in &self.interfaces[n + 1..] {
                let Some(nb) = b.address() else { continue };
                if na.overlaps(&nb) {
                    w.push(format!(
                        "interfaces.{}.address: {nb} overlaps {na} of {}",
                        b.name, a.name
                    ));
                }
            }
        }
        for v in &self.vlans {
            let on_port = self
                .interfaces
                .iter()
                .any(|i| i.is_switch_port() && i.vlans().contains(&v.vlan_id));
            if !on_port && v.vxlan.is_none() && v.l3_interface.is_none() {
                w.push(format!(
                    "vlans.{}: on no interface, no vxlan and no l3-interface",
                    v.name
                ));
            }
            let Some(x) = &v.vxlan else { continue };
            if let Flood::Group(g) = x.flood {
                if g.octets()[..3] == [224, 0, 0] {
                    w.push(format!(
                        "vlans.{}.vxlan.multicast-group: {g} is in 224.0.0.0/24, which is link-local and reserved for control protocols; use a group in 239.0.0.0/8",
                        v.name
                    ));
                }
            }
            if x.encapsulate_inner_vlan && !x.decapsulate_accept_inner_vlan {
                w.push(format!(
                    "vlans.{}.vxlan: encapsulate-inner-vlan without decapsulate-accept-inner-vlan; a peer configured the same way drops these tagged frames",
                    v.name
                ));
            }
        }
        if self.vtep.ttl == 1 && self.vtep.gateway.is_some() {
            w.push(
                "vtep.ttl: 1 keeps VXLAN packets on the local segment, so vtep.gateway is never useful"
                    .to_string(),
            );
        }
        w
    }

    fn vlan_name(&self, id: u16) -> &str {
        self.vlan_by_id(id).map_or("", |v| &v.name)
    }
}

#[cfg(test)]
mod tests;
