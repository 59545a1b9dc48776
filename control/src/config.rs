//! The TOML configuration file, parsed and validated.
//!
//! The file is read into raw serde structs (`deny_unknown_fields`, kebab-case
//! keys, every value optional so that a missing or out-of-range value gets our
//! own message), then [`validate`](RawConfig::validate)d into a [`Config`] with
//! resolved types: IPv4 addresses, prefix lengths, MACs as [`Mac`], VLAN
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

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::marker::PhantomData;
use std::net::Ipv4Addr;
use std::path::Path;
use wire::{ipv4, vxlan, Mac};

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

// ---------------------------------------------------------------- raw file

/// A TOML table kept in the order of the file.
#[derive(Debug)]
struct Ordered<V>(Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Visit<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry::<String, V>()? {
                    v.push(entry);
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(Visit(PhantomData))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    vtep: RawVtep,
    #[serde(default)]
    interfaces: Ordered<RawInterface>,
    #[serde(default)]
    vlans: Ordered<RawVlan>,
    #[serde(default)]
    ethernet_switching: RawSwitching,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawVtep {
    source_interface: Option<String>,
    udp_port: Option<i64>,
    ttl: Option<i64>,
    gateway: Option<String>,
    igmp_version: Option<i64>,
    system_name: Option<String>,
    router_mac: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawInterface {
    device: Option<String>,
    description: Option<String>,
    address: Option<String>,
    mtu: Option<i64>,
    static_arp: Option<Vec<RawArp>>,
    interface_mode: Option<String>,
    vlan_members: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawArp {
    address: Option<String>,
    mac: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawVlan {
    vlan_id: Option<i64>,
    description: Option<String>,
    l3_interface: Option<String>,
    vxlan: Option<RawVxlan>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawVxlan {
    vni: Option<i64>,
    multicast_group: Option<String>,
    static_remote_vteps: Option<Vec<String>>,
    encapsulate_inner_vlan: Option<bool>,
    decapsulate_accept_inner_vlan: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawSwitching {
    mac_table_aging_time: Option<i64>,
    mac_table_size: Option<i64>,
    static_mac: Option<Vec<RawStaticMac>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawStaticMac {
    vlan: Option<String>,
    mac: Option<String>,
    interface: Option<String>,
    remote_vtep: Option<String>,
}

// ---------------------------------------------------------------- value parsers

fn in_range(key: &str, v: i64, lo: i64, hi: i64) -> Result<i64, ConfigError> {
    if v < lo || v > hi {
        return err(key, format!("{v} is outside {lo}-{hi}"));
    }
    Ok(v)
}

fn parse_ipv4(key: &str, s: &str) -> Result<Ipv4Addr, ConfigError> {
    s.parse()
        .or_else(|_| err(key, format!("{s:?} is not an IPv4 address")))
}

fn check_unicast(key: &str, a: Ipv4Addr) -> Result<Ipv4Addr, ConfigError> {
    if a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_loopback()
        || a.octets()[0] >= 240
    {
        return err(key, format!("{a} is not a unicast address"));
    }
    Ok(a)
}

fn parse_unicast(key: &str, s: &str) -> Result<Ipv4Addr, ConfigError> {
    check_unicast(key, parse_ipv4(key, s)?)
}

fn parse_net(key: &str, s: &str) -> Result<Ipv4Net, ConfigError> {
    let Some((a, len)) = s.split_once('/') else {
        return err(key, format!("{s:?} needs a prefix length (a.b.c.d/len)"));
    };
    let addr = parse_ipv4(key, a)?;
    let prefix_len: u8 = match len.parse() {
        Ok(l) if l <= 32 => l,
        _ => return err(key, format!("prefix length {len:?} is outside 0-32")),
    };
    check_unicast(key, addr)?;
    Ok(Ipv4Net { addr, prefix_len })
}

fn parse_unicast_mac(key: &str, s: &str) -> Result<Mac, ConfigError> {
    let Ok(m) = s.parse::<Mac>() else {
        return err(
            key,
            format!("{s:?} is not a MAC address (aa:bb:cc:dd:ee:ff)"),
        );
    };
    if !m.is_valid_source() {
        return err(key, format!("{s} is not a unicast MAC address"));
    }
    Ok(m)
}

/// `0000:3b:00.0` or `3b:00.0` → `0000:3b:00.0` (lower case); `None` when
/// `s` is not a PCI address.
fn canonical_pci(s: &str) -> Option<String> {
    let hex = |p: &str, n: usize| {
        (p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(p, 16).ok())
            .flatten()
    };
    let (rest, func) = s.rsplit_once('.')?;
    let func = hex(func, 1).filter(|f| *f < 8)?;
    let parts: Vec<&str> = rest.split(':').collect();
    let (dom, bus, dev) = match parts[..] {
        [d, b, v] => (hex(d, 4)?, hex(b, 2)?, hex(v, 2)?),
        [b, v] => (0, hex(b, 2)?, hex(v, 2)?),
        _ => return None,
    };
    Some(format!("{dom:04x}:{bus:02x}:{dev:02x}.{func:x}"))
}

fn parse_device(key: &str, s: &str) -> Result<String, ConfigError> {
    if let Some((name, _)) = s.split_once(',') {
        return err(
            key,
            format!(
                "{s:?} has device arguments; give only the name ({name}) and pass the arguments to the EAL (--vdev {s})"
            ),
        );
    }
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return err(key, format!("{s:?} is not a device name"));
    }
    Ok(canonical_pci(s).unwrap_or_else(|| s.to_string()))
}

// ---------------------------------------------------------------- validation

impl RawConfig {
    fn validate(self) -> Result<Config, ConfigError> {
        // [vtep] scalars.
        let rv = &self.vtep;
        let udp_port = in_range(
            "vtep.udp-port",
            rv.udp_port.unwrap_or(vxlan::PORT.into()),
            1,
            65535,
        )? as u16;
        let ttl = in_range(
            "vtep.ttl",
            rv.ttl.unwrap_or(ipv4::DEFAULT_TTL.into()),
            1,
            255,
        )? as u8;
        let igmp_version = match rv.igmp_version.unwrap_or(3) {
            2 => IgmpVersion::V2,
            3 => IgmpVersion::V3,
            v => return err("vtep.igmp-version", format!("{v} is not 2 or 3")),
        };
        let gateway = match &rv.gateway {
            Some(g) => Some(parse_unicast("vtep.gateway", g)?),
            None => None,
        };
        let router_mac = match &rv.router_mac {
            Some(m) => Some(parse_unicast_mac("vtep.router-mac", m)?),
            None => None,
        };
        if let Some(n) = &rv.system_name {
            if n.trim().is_empty() {
                return err("vtep.system-name", "is empty");
            }
        }

        // [vlans]: ids, VNIs, flood lists (file order, for "already used by").
        let mut vlans: Vec<Vlan> = Vec::new();
        let mut by_name: HashMap<&str, u16> = HashMap::new();
        for (name, v) in &self.vlans.0 {
            let k = format!("vlans.{name}");
            if name == "all" {
                return err(
                    k,
                    "\"all\" is reserved (vlan-members = [\"all\"] means every VLAN)",
                );
            }
            if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return err(k, format!("{name:?} is not a VLAN name"));
            }
            let Some(id) = v.vlan_id else {
                return err(format!("{k}.vlan-id"), "missing");
            };
            let id = in_range(&format!("{k}.vlan-id"), id, 1, 4094)? as u16;
            if let Some(o) = vlans.iter().find(|o| o.vlan_id == id) {
                return err(
                    format!("{k}.vlan-id"),
                    format!("{id} is already used by vlans.{}", o.name),
                );
            }
            let vxlan = match &v.vxlan {
                None => None,
                Some(x) => {
                    let kx = format!("{k}.vxlan");
                    let Some(vni) = x.vni else {
                        return err(format!("{kx}.vni"), "missing");
                    };
                    let vni = in_range(&format!("{kx}.vni"), vni, 0, vxlan::VNI_MAX.into())? as u32;
                    if let Some(o) = vlans
                        .iter()
                        .find(|o| o.vxlan.as_ref().is_some_and(|ox| ox.vni == vni))
                    {
                        return err(
                            format!("{kx}.vni"),
                            format!("{vni} is already used by vlans.{}", o.name),
                        );
                    }
                    let flood = match (&x.multicast_group, &x.static_remote_vteps) {
                        (Some(g), None) => {
                            let kg = format!("{kx}.multicast-group");
                            let g = parse_ipv4(&kg, g)?;
                            if !g.is_multicast() {
                                return err(
                                    kg,
                                    format!("{g} is not an IPv4 multicast address (224.0.0.0/4)"),
                                );
                            }
                            Flood::Group(g)
                        }
                        (None, Some(list)) => {
                            let kl = format!("{kx}.static-remote-vteps");
                            if list.is_empty() {
                                return err(kl, "is empty; list at least one remote VTEP");
                            }
                            let mut out: Vec<Ipv4Addr> = Vec::new();
                            for (i, s) in list.iter().enumerate() {
                                let ki = format!("{kl}[{i}]");
                                let a = parse_unicast(&ki, s)?;
                                if out.contains(&a) {
                                    return err(ki, format!("{a} is listed twice"));
                                }
                                out.push(a);
                            }
                            Flood::Static(out)
                        }
                        (None, None) => {
                            return err(kx, "needs multicast-group or static-remote-vteps")
                        }
                        (Some(_), Some(_)) => {
                            return err(
                                kx,
                                "takes multicast-group or static-remote-vteps, not both",
                            )
                        }
                    };
                    Some(Vxlan {
                        vni,
                        flood,
                        encapsulate_inner_vlan: x.encapsulate_inner_vlan.unwrap_or(false),
                        decapsulate_accept_inner_vlan: x
                            .decapsulate_accept_inner_vlan
                            .unwrap_or(false),
                    })
                }
            };
            by_name.insert(name, id);
            vlans.push(Vlan {
                name: name.clone(),
                vlan_id: id,
                description: v.description.clone(),
                l3_interface: v.l3_interface.clone(),
                vxlan,
            });
        }

        // [interfaces].
        let mut interfaces: Vec<Interface> = Vec::new();
        for (name, r) in &self.interfaces.0 {
            let k = format!("interfaces.{name}");
            if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return err(k, format!("{name:?} is not an interface name"));
            }
            let mtu = in_range(
                &format!("{k}.mtu"),
                r.mtu.unwrap_or(DEFAULT_MTU.into()),
                MIN_MTU.into(),
                MAX_MTU.into(),
            )? as u16;
            let address = match &r.address {
                Some(a) => Some(parse_net(&format!("{k}.address"), a)?),
                None => None,
            };
            let device = match &r.device {
                Some(d) => {
                    let kd = format!("{k}.device");
                    let d = parse_device(&kd, d)?;
                    if let Some(o) = interfaces.iter().find(|o| o.device() == Some(&d)) {
                        return err(
                            kd,
                            format!("{d:?} is already used by interfaces.{}", o.name),
                        );
                    }
                    Some(d)
                }
                None => None,
            };
            let kind = if name.starts_with("irb.") {
                if r.device.is_some() {
                    return err(format!("{k}.device"), "an irb has no device");
                }
                if r.interface_mode.is_some() || r.vlan_members.is_some() {
                    let which = if r.interface_mode.is_some() {
                        "interface-mode"
                    } else {
                        "vlan-members"
                    };
                    return err(
                        format!("{k}.{which}"),
                        "an irb is bound to its VLAN by vlans.<name>.l3-interface",
                    );
                }
                if r.static_arp.is_some() {
                    return err(
                        format!("{k}.static-arp"),
                        "only the underlay takes static-arp",
                    );
                }
                let Some(address) = address else {
                    return err(format!("{k}.address"), "missing; an irb needs an address");
                };
                InterfaceKind::Irb {
                    address,
                    vlan: None,
                }
            } else if let Some(mode) = &r.interface_mode {
                let Some(device) = device else {
                    return err(
                        format!("{k}.device"),
                        "missing; an interface with interface-mode needs a device",
                    );
                };
                if r.address.is_some() {
                    return err(
                        format!("{k}.address"),
                        "a switch port (interface-mode) takes no address; use an irb",
                    );
                }
                if r.static_arp.is_some() {
                    return err(
                        format!("{k}.static-arp"),
                        "only the underlay takes static-arp",
                    );
                }
                let km = format!("{k}.vlan-members");
                let members = r.vlan_members.as_deref().unwrap_or(&[]);
                let all = members.iter().any(|m| m == "all");
                let mut ids: Vec<u16> = Vec::new();
                if all {
                    if members.len() > 1 {
                        return err(km, "\"all\" cannot be combined with other VLANs");
                    }
                    ids = vlans.iter().map(|v| v.vlan_id).collect();
                } else {
                    for m in members {
                        let Some(&id) = by_name.get(m.as_str()) else {
                            return err(km, format!("unknown VLAN {m:?}"));
                        };
                        if ids.contains(&id) {
                            return err(km, format!("{m:?} is listed twice"));
                        }
                        ids.push(id);
                    }
                }
                ids.sort_unstable();
                match mode.as_str() {
                    "access" => {
                        if all {
                            return err(km, "an access port takes exactly one VLAN, not \"all\"");
                        }
                        if ids.len() != 1 {
                            return err(
                                km,
                                format!("an access port takes exactly one VLAN, got {}", ids.len()),
                            );
                        }
                        InterfaceKind::Access {
                            device,
                            vlan: ids[0],
                        }
                    }
                    "trunk" => {
                        if ids.is_empty() {
                            return err(km, "a trunk needs at least one VLAN");
                        }
                        InterfaceKind::Trunk {
                            device,
                            vlans: ids,
                            all,
                        }
                    }
                    m => {
                        return err(
                            format!("{k}.interface-mode"),
                            format!("{m:?} is not \"trunk\" or \"access\""),
                        )
                    }
                }
            } else {
                if r.vlan_members.is_some() {
                    return err(
                        format!("{k}.vlan-members"),
                        "needs interface-mode (\"trunk\" or \"access\")",
                    );
                }
                let Some(device) = device else {
                    return err(
                        format!("{k}.device"),
                        "missing; only an irb (irb.N) has no device",
                    );
                };
                let Some(address) = address else {
                    return err(
                        k,
                        "needs address (an L3 interface) or interface-mode (a switch port)",
                    );
                };
                let mut static_arp = Vec::new();
                for (i, a) in r.static_arp.iter().flatten().enumerate() {
                    let ka = format!("{k}.static-arp[{i}]");
                    let Some(ip) = &a.address else {
                        return err(format!("{ka}.address"), "missing");
                    };
                    let Some(mac) = &a.mac else {
                        return err(format!("{ka}.mac"), "missing");
                    };
                    let ip = parse_unicast(&format!("{ka}.address"), ip)?;
                    if !address.contains(ip) {
                        return err(
                            format!("{ka}.address"),
                            format!(
                                "{ip} is not in {}/{}",
                                address.network(),
                                address.prefix_len
                            ),
                        );
                    }
                    if ip == address.addr {
                        return err(
                            format!("{ka}.address"),
                            format!("{ip} is {name}'s own address"),
                        );
                    }
                    let mac = parse_unicast_mac(&format!("{ka}.mac"), mac)?;
                    static_arp.push(StaticArp { address: ip, mac });
                }
                InterfaceKind::Underlay {
                    device,
                    address,
                    static_arp,
                }
            };
            if let Some(a) = address {
                if let Some(o) = interfaces
                    .iter()
                    .find(|o| o.address().map(|x| x.addr) == Some(a.addr))
                {
                    return err(
                        format!("{k}.address"),
                        format!("{} is already used by interfaces.{}", a.addr, o.name),
                    );
                }
            }
            interfaces.push(Interface {
                name: name.clone(),
                description: r.description.clone(),
                mtu,
                kind,
            });
        }

        // vlans.*.l3-interface → irb.
        for v in &vlans {
            let Some(l3) = &v.l3_interface else { continue };
            let k = format!("vlans.{}.l3-interface", v.name);
            let Some(i) = interfaces.iter_mut().find(|i| &i.name == l3) else {
                return err(k, format!("unknown interface {l3:?}"));
            };
            let InterfaceKind::Irb { vlan, .. } = &mut i.kind else {
                return err(k, format!("{l3:?} is not an irb (irb.N)"));
            };
            if let Some(o) = vlan {
                let other = vlans
                    .iter()
                    .find(|x| x.vlan_id == *o)
                    .map_or("", |x| &x.name);
                return err(k, format!("{l3} is already used by vlans.{other}"));
            }
            *vlan = Some(v.vlan_id);
        }

        // The underlay.
        let mut source: Option<Ipv4Net> = None;
        if let Some(s) = &rv.source_interface {
            let k = "vtep.source-interface";
            let Some(i) = interfaces.iter().find(|i| &i.name == s) else {
                return err(k, format!("unknown interface {s:?}"));
            };
            let InterfaceKind::Underlay { address, .. } = &i.kind else {
                return err(
                    k,
                    format!("{s:?} is not an L3 interface (one with a device and an address, no interface-mode)"),
                );
            };
            source = Some(*address);
        }
        let off_link = |key: &str, a: Ipv4Addr| -> Result<(), ConfigError> {
            let Some(net) = source else { return Ok(()) };
            if a == net.addr {
                return err(
                    key,
                    format!("{a} is this VTEP's own address (vtep.source-interface)"),
                );
            }
            if !net.contains(a) && gateway.is_none() {
                return err(
                    key,
                    format!(
                        "{a} is not in {}/{} and vtep.gateway is not set",
                        net.network(),
                        net.prefix_len
                    ),
                );
            }
            Ok(())
        };
        if let Some(g) = gateway {
            let Some(net) = source else {
                return err("vtep.gateway", "needs vtep.source-interface");
            };
            if !net.contains(g) {
                return err(
                    "vtep.gateway",
                    format!(
                        "{g} is not in {}/{} (the underlay's subnet)",
                        net.network(),
                        net.prefix_len
                    ),
                );
            }
            if g == net.addr {
                return err("vtep.gateway", format!("{g} is this VTEP's own address"));
            }
        }
        for v in &vlans {
            let Some(x) = &v.vxlan else { continue };
            if source.is_none() {
                return err(
                    format!("vlans.{}.vxlan", v.name),
                    "needs the underlay: vtep.source-interface is not set",
                );
            }
            if let Flood::Static(list) = &x.flood {
                for (i, a) in list.iter().enumerate() {
                    off_link(
                        &format!("vlans.{}.vxlan.static-remote-vteps[{i}]", v.name),
                        *a,
                    )?;
                }
            }
        }

        // [ethernet-switching].
        let rs = &self.ethernet_switching;
        let mac_table_aging_time = in_range(
            "ethernet-switching.mac-table-aging-time",
            rs.mac_table_aging_time
                .unwrap_or(DEFAULT_MAC_TABLE_AGING_TIME.into()),
            0,
            MAX_MAC_TABLE_AGING_TIME.into(),
        )? as u32;
        let mac_table_size = in_range(
            "ethernet-switching.mac-table-size",
            rs.mac_table_size.unwrap_or(DEFAULT_MAC_TABLE_SIZE.into()),
            1,
            MAX_MAC_TABLE_SIZE.into(),
        )? as u32;
        let mut static_mac: Vec<StaticMac> = Vec::new();
        for (i, m) in rs.static_mac.iter().flatten().enumerate() {
            let k = format!("ethernet-switching.static-mac[{i}]");
            let Some(vname) = &m.vlan else {
                return err(format!("{k}.vlan"), "missing");
            };
            let Some(vlan) = vlans.iter().find(|v| &v.name == vname) else {
                return err(format!("{k}.vlan"), format!("unknown VLAN {vname:?}"));
            };
            let Some(mac) = &m.mac else {
                return err(format!("{k}.mac"), "missing");
            };
            let mac = parse_unicast_mac(&format!("{k}.mac"), mac)?;
            if let Some(j) = static_mac
                .iter()
                .position(|o| o.vlan == vlan.vlan_id && o.mac == mac)
            {
                return err(
                    format!("{k}.mac"),
                    format!("{} in {vname} is already in static-mac[{j}]", mac),
                );
            }
            let target = match (&m.interface, &m.remote_vtep) {
                (Some(ifname), None) => {
                    let ki = format!("{k}.interface");
                    let Some(i) = interfaces.iter().find(|i| &i.name == ifname) else {
                        return err(ki, format!("unknown interface {ifname:?}"));
                    };
                    if !i.is_switch_port() || !i.vlans().contains(&vlan.vlan_id) {
                        return err(ki, format!("{ifname} is not a switch port in VLAN {vname}"));
                    }
                    StaticMacTarget::Interface(ifname.clone())
                }
                (None, Some(r)) => {
                    let kr = format!("{k}.remote-vtep");
                    let r = parse_unicast(&kr, r)?;
                    if vlan.vxlan.is_none() {
                        return err(kr, format!("VLAN {vname} has no vxlan"));
                    }
                    off_link(&kr, r)?;
                    StaticMacTarget::RemoteVtep(r)
                }
                _ => return err(k, "needs exactly one of interface or remote-vtep"),
            };
            static_mac.push(StaticMac {
                vlan: vlan.vlan_id,
                mac,
                target,
            });
        }

        vlans.sort_by_key(|v| v.vlan_id);
        Ok(Config {
            vtep: Vtep {
                source_interface: rv.source_interface.clone(),
                udp_port,
                ttl,
                gateway,
                igmp_version,
                system_name: rv.system_name.clone(),
                router_mac,
            },
            interfaces,
            vlans,
            ethernet_switching: EthernetSwitching {
                mac_table_aging_time,
                mac_table_size,
                static_mac,
            },
        })
    }
}

// ---------------------------------------------------------------- Config API

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        s.to_string()
    } else {
        toml_str(s)
    }
}

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
            .map(|a| canonical_pci(a).unwrap_or_else(|| a.clone()))
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
                let need = u32::from(i.mtu) + vxlan::OVERHEAD as u32 + u32::from(tag);
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

    /// The configuration as TOML, with every default written out; parses
    /// back to an equal `Config`.
    pub fn to_toml(&self) -> String {
        let mut o = String::new();
        let v = &self.vtep;
        o.push_str("[vtep]\n");
        if let Some(s) = &v.source_interface {
            let _ = writeln!(o, "source-interface = {}", toml_str(s));
        }
        let _ = writeln!(o, "udp-port = {}", v.udp_port);
        let _ = writeln!(o, "ttl = {}", v.ttl);
        if let Some(g) = v.gateway {
            let _ = writeln!(o, "gateway = \"{g}\"");
        }
        let _ = writeln!(o, "igmp-version = {}", v.igmp_version.number());
        if let Some(s) = &v.system_name {
            let _ = writeln!(o, "system-name = {}", toml_str(s));
        }
        if let Some(m) = &v.router_mac {
            let _ = writeln!(o, "router-mac = \"{}\"", m);
        }
        for i in &self.interfaces {
            let _ = writeln!(o, "\n[interfaces.{}]", toml_key(&i.name));
            if let Some(d) = i.device() {
                let _ = writeln!(o, "device = {}", toml_str(d));
            }
            if let Some(d) = &i.description {
                let _ = writeln!(o, "description = {}", toml_str(d));
            }
            if let Some(a) = i.address() {
                let _ = writeln!(o, "address = \"{a}\"");
            }
            let members = |ids: &[u16]| {
                ids.iter()
                    .map(|id| toml_str(self.vlan_name(*id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match &i.kind {
                InterfaceKind::Access { vlan, .. } => {
                    o.push_str("interface-mode = \"access\"\n");
                    let _ = writeln!(o, "vlan-members = [{}]", members(&[*vlan]));
                }
                InterfaceKind::Trunk { vlans, all, .. } => {
                    o.push_str("interface-mode = \"trunk\"\n");
                    if *all {
                        o.push_str("vlan-members = [\"all\"]\n");
                    } else {
                        let _ = writeln!(o, "vlan-members = [{}]", members(vlans));
                    }
                }
                _ => {}
            }
            let _ = writeln!(o, "mtu = {}", i.mtu);
            if let InterfaceKind::Underlay { static_arp, .. } = &i.kind {
                if !static_arp.is_empty() {
                    let list: Vec<String> = static_arp
                        .iter()
                        .map(|a| format!("{{ address = \"{}\", mac = \"{}\" }}", a.address, a.mac))
                        .collect();
                    let _ = writeln!(o, "static-arp = [{}]", list.join(", "));
                }
            }
        }
        for vl in &self.vlans {
            let _ = writeln!(o, "\n[vlans.{}]", toml_key(&vl.name));
            let _ = writeln!(o, "vlan-id = {}", vl.vlan_id);
            if let Some(d) = &vl.description {
                let _ = writeln!(o, "description = {}", toml_str(d));
            }
            if let Some(l3) = &vl.l3_interface {
                let _ = writeln!(o, "l3-interface = {}", toml_str(l3));
            }
            if let Some(x) = &vl.vxlan {
                let _ = writeln!(o, "[vlans.{}.vxlan]", toml_key(&vl.name));
                let _ = writeln!(o, "vni = {}", x.vni);
                match &x.flood {
                    Flood::Group(g) => {
                        let _ = writeln!(o, "multicast-group = \"{g}\"");
                    }
                    Flood::Static(list) => {
                        let l: Vec<String> = list.iter().map(|a| format!("\"{a}\"")).collect();
                        let _ = writeln!(o, "static-remote-vteps = [{}]", l.join(", "));
                    }
                }
                let _ = writeln!(o, "encapsulate-inner-vlan = {}", x.encapsulate_inner_vlan);
                let _ = writeln!(
                    o,
                    "decapsulate-accept-inner-vlan = {}",
                    x.decapsulate_accept_inner_vlan
                );
            }
        }
        let s = &self.ethernet_switching;
        o.push_str("\n[ethernet-switching]\n");
        let _ = writeln!(o, "mac-table-aging-time = {}", s.mac_table_aging_time);
        let _ = writeln!(o, "mac-table-size = {}", s.mac_table_size);
        if !s.static_mac.is_empty() {
            o.push_str("static-mac = [\n");
            for m in &s.static_mac {
                let target = match &m.target {
                    StaticMacTarget::Interface(i) => format!("interface = {}", toml_str(i)),
                    StaticMacTarget::RemoteVtep(r) => format!("remote-vtep = \"{r}\""),
                };
                let _ = writeln!(
                    o,
                    "    {{ vlan = {}, mac = \"{}\", {target} }},",
                    toml_str(self.vlan_name(m.vlan)),
                    m.mac
                );
            }
            o.push_str("]\n");
        }
        o
    }
}

#[cfg(test)]
mod tests;
