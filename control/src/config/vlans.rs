//! The `[vlans]` stanza: ids, VNIs, flood lists, in file order (for
//! "already used by").

use super::error::{err, ConfigError};
use super::fields::*;
use super::raw::{Ordered, RawVlan};
use super::types::*;
use std::net::Ipv4Addr;
use wire::vxlan;

pub(super) fn vlans(raw: &Ordered<RawVlan>) -> Result<Vec<Vlan>, ConfigError> {
    let mut vlans: Vec<Vlan> = Vec::new();
    for (name, v) in &raw.0 {
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
                    (None, None) => return err(kx, "needs multicast-group or static-remote-vteps"),
                    (Some(_), Some(_)) => {
                        return err(kx, "takes multicast-group or static-remote-vteps, not both")
                    }
                };
                Some(Vxlan {
                    vni,
                    flood,
                    encapsulate_inner_vlan: x.encapsulate_inner_vlan.unwrap_or(false),
                    decapsulate_accept_inner_vlan: x.decapsulate_accept_inner_vlan.unwrap_or(false),
                })
            }
        };
        vlans.push(Vlan {
            name: name.clone(),
            vlan_id: id,
            description: v.description.clone(),
            l3_interface: v.l3_interface.clone(),
            vxlan,
        });
    }
    Ok(vlans)
}

#[cfg(test)]
mod tests;
