//! The `[vtep]` stanza: its scalars, and the underlay they describe
//! (source interface, gateway) with the checks that need it.

use super::error::{err, ConfigError};
use super::fields::*;
use super::raw::RawVtep;
use super::types::*;
use std::net::Ipv4Addr;
use wire::Mac;
use wire::{ipv4, vxlan};

/// `[vtep]`'s values, resolved.
pub(super) struct Scalars {
    pub(super) udp_port: u16,
    pub(super) ttl: u8,
    pub(super) igmp_version: IgmpVersion,
    pub(super) gateway: Option<Ipv4Addr>,
    pub(super) router_mac: Option<Mac>,
}

pub(super) fn scalars(rv: &RawVtep) -> Result<Scalars, ConfigError> {
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
    Ok(Scalars {
        udp_port,
        ttl,
        igmp_version,
        gateway,
        router_mac,
    })
}

/// The underlay's subnet and gateway, for what must be reachable on it.
pub(super) struct Underlay {
    source: Option<Ipv4Net>,
    gateway: Option<Ipv4Addr>,
}

impl Underlay {
    /// A remote VTEP `a` must not be ours, and off the subnet only with a
    /// gateway.
    pub(super) fn off_link(&self, key: &str, a: Ipv4Addr) -> Result<(), ConfigError> {
        let Some(net) = self.source else {
            return Ok(());
        };
        if a == net.addr {
            return err(
                key,
                format!("{a} is this VTEP's own address (vtep.source-interface)"),
            );
        }
        if !net.contains(a) && self.gateway.is_none() {
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
    }
}

/// `vtep.source-interface` and `vtep.gateway` against the interfaces, and
/// every VLAN's remote VTEPs against them.
pub(super) fn underlay(
    rv: &RawVtep,
    gateway: Option<Ipv4Addr>,
    interfaces: &[Interface],
    vlans: &[Vlan],
) -> Result<Underlay, ConfigError> {
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
    let ul = Underlay { source, gateway };
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
    for v in vlans {
        let Some(x) = &v.vxlan else { continue };
        if source.is_none() {
            return err(
                format!("vlans.{}.vxlan", v.name),
                "needs the underlay: vtep.source-interface is not set",
            );
        }
        if let Flood::Static(list) = &x.flood {
            for (i, a) in list.iter().enumerate() {
                ul.off_link(
                    &format!("vlans.{}.vxlan.static-remote-vteps[{i}]", v.name),
                    *a,
                )?;
            }
        }
    }
    Ok(ul)
}

#[cfg(test)]
mod tests;
