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
mod error;
mod fields;
mod interfaces;
mod raw;
mod switching;
mod types;
mod vlans;
mod vtep;

pub use error::ConfigError;
pub use types::*;

use error::{err, one_line};
use raw::RawConfig;
use std::path::Path;
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
#[cfg(test)]
mod testutil;
