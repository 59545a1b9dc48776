//! The `[interfaces]` stanza: underlay, access, trunk and irb
//! interfaces, in file order (for "already used by"), and the IRBs bound
//! to their VLANs.

use super::error::{err, ConfigError};
use super::fields::*;
use super::raw::{Ordered, RawInterface};
use super::types::*;

pub(super) fn interfaces(
    raw: &Ordered<RawInterface>,
    vlans: &[Vlan],
) -> Result<Vec<Interface>, ConfigError> {
    let mut done: Vec<Interface> = Vec::new();
    for (name, r) in &raw.0 {
        let i = interface(name, r, vlans, &done)?;
        done.push(i);
    }
    Ok(done)
}

/// One interface; `done` are those before it in the file.
fn interface(
    name: &String,
    r: &RawInterface,
    vlans: &[Vlan],
    done: &[Interface],
) -> Result<Interface, ConfigError> {
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
            if let Some(o) = done.iter().find(|o| o.device() == Some(&d)) {
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
                let Some(id) = vlans.iter().find(|v| v.name == *m).map(|v| v.vlan_id) else {
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
        if let Some(o) = done
            .iter()
            .find(|o| o.address().map(|x| x.addr) == Some(a.addr))
        {
            return err(
                format!("{k}.address"),
                format!("{} is already used by interfaces.{}", a.addr, o.name),
            );
        }
    }
    Ok(Interface {
        name: name.clone(),
        description: r.description.clone(),
        mtu,
        kind,
    })
}

/// `vlans.*.l3-interface` binds an irb to its VLAN, once.
pub(super) fn bind_irbs(vlans: &[Vlan], interfaces: &mut [Interface]) -> Result<(), ConfigError> {
    for v in vlans {
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
    Ok(())
}

#[cfg(test)]
mod tests;
