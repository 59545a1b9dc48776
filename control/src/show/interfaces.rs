//! `show interfaces [NAME]`: each port's role, and the gateway's drop
//! counters by reason, punts and too-big warnings. The text is the JSON
//! as indented `key: value` lines.

use crate::show::config::config_text;
use crate::switch::Switch;
use dataplane::bridge::PortMode;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct Port {
    pub name: String,
    pub port: u16,
    /// `access`, `trunk` or `underlay`.
    pub mode: &'static str,
    pub vlans: Vec<u16>,
    pub mtu: u16,
    pub mac: String,
    pub description: Option<String>,
    pub address: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Interfaces {
    pub interfaces: Vec<Port>,
    pub drops: BTreeMap<&'static str, u64>,
    pub punted: u64,
    pub too_big_warnings: Vec<String>,
    /// The control thread's frames (IGMP, ARP, LLDP, replies) that could
    /// not be sent, by reason.
    pub control_send_failed: BTreeMap<&'static str, u64>,
}

impl Interfaces {
    pub fn of(sw: &Switch, name: Option<&str>) -> Result<Interfaces, String> {
        let interfaces: Vec<Port> = sw
            .bridge
            .ports
            .iter()
            .filter(|p| name.is_none_or(|n| n == p.name))
            .map(|p| {
                let (mode, vlans): (&str, Vec<u16>) = match &p.mode {
                    PortMode::Access(v) => ("access", vec![*v]),
                    PortMode::Trunk(t) => ("trunk", t.clone()),
                    PortMode::Underlay => ("underlay", vec![]),
                };
                let i = sw.config.interface(&p.name);
                Port {
                    name: p.name.clone(),
                    port: p.port_id,
                    mode,
                    vlans,
                    mtu: p.mtu,
                    mac: p.mac.to_string(),
                    description: i.and_then(|i| i.description.clone()),
                    address: i.and_then(|i| i.address()).map(|a| a.to_string()),
                }
            })
            .collect();
        if let Some(n) = name {
            if interfaces.is_empty() {
                return Err(format!("no interface named \"{n}\""));
            }
        }
        Ok(Interfaces {
            interfaces,
            drops: sw.drops().into_iter().collect(),
            punted: sw.punted(),
            too_big_warnings: sw.warnings.clone(),
            control_send_failed: sw.send_failed.named().collect(),
        })
    }

    pub fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    pub fn text(&self) -> String {
        config_text(&self.json())
    }
}
