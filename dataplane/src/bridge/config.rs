//! The bridge's configuration as the control process fills it: ports,
//! VLANs, the underlay, neighbors. Compiled by [`View::new`] on the control
//! thread; no worker reads it.
//!
//! [`View::new`]: super::View::new

use std::net::Ipv4Addr;
use wire::Mac;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMode {
    /// Untagged member of one VLAN.
    Access(u16),
    /// Tagged member of these VLANs (no native VLAN).
    Trunk(Vec<u16>),
    /// The routed port VXLAN runs over.
    Underlay,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortConf {
    pub port_id: u16,
    pub name: String,
    pub mode: PortMode,
    pub mac: Mac,
    /// IP MTU: the largest frame is `mtu + 14` (+ 4 when tagged).
    pub mtu: u16,
}

/// Where a VLAN's BUM traffic goes in the tunnel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flood {
    /// One copy to the multicast group (joined by the control plane).
    Group(Ipv4Addr),
    /// One copy per remote VTEP (head-end replication).
    Static(Vec<Ipv4Addr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VlanConf {
    pub vlan_id: u16,
    pub name: String,
    pub vni: Option<u32>,
    pub flood: Flood,
    pub encap_inner_vlan: bool,
    pub decap_accept_inner_vlan: bool,
    /// IRB address and prefix length.
    pub irb: Option<(Ipv4Addr, u8)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Underlay {
    pub port_id: u16,
    /// Our VTEP address.
    pub ip: Ipv4Addr,
    pub prefix: u8,
    pub mac: Mac,
    /// IP MTU of the underlay: the largest outer IPv4 packet.
    pub mtu: u16,
    pub gateway: Option<Ipv4Addr>,
    pub udp_port: u16,
    pub ttl: u8,
}

impl Underlay {
    /// Whether `ip` is in the underlay's subnet.
    pub fn on_link(&self, ip: Ipv4Addr) -> bool {
        (u32::from(ip) ^ u32::from(self.ip)) & prefix_mask(self.prefix) == 0
    }
    /// The next hop towards `ip`: itself when on-link, else the gateway.
    pub fn next_hop(&self, ip: Ipv4Addr) -> Option<Ipv4Addr> {
        if self.on_link(ip) {
            Some(ip)
        } else {
            self.gateway
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BridgeConfig {
    pub ports: Vec<PortConf>,
    pub vlans: Vec<VlanConf>,
    pub underlay: Option<Underlay>,
    /// The IRB MAC.
    pub router_mac: Mac,
    /// Next-hop IP → MAC (static ARP now, learned ARP later).
    pub neighbors: Vec<(Ipv4Addr, Mac)>,
}

/// The netmask of a prefix length, host order.
pub(super) fn prefix_mask(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        p if p >= 32 => u32::MAX,
        p => u32::MAX << (32 - p),
    }
}
