//! The `[ethernet-switching]` stanza: MAC table size and aging, static
//! MACs on a switch port or behind a remote VTEP.

use super::error::{err, ConfigError};
use super::fields::*;
use super::raw::RawSwitching;
use super::types::*;
use super::vtep::Underlay;

pub(super) fn switching(
    rs: &RawSwitching,
    vlans: &[Vlan],
    interfaces: &[Interface],
    ul: &Underlay,
) -> Result<EthernetSwitching, ConfigError> {
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
                ul.off_link(&kr, r)?;
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
    Ok(EthernetSwitching {
        mac_table_aging_time,
        mac_table_size,
        static_mac,
    })
}

#[cfg(test)]
mod tests;
