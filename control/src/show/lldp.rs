//! `show lldp neighbors`: what LLDP heard on each port.

use crate::protocols::Plane;
use serde::Serialize;
use std::fmt::Write;
use std::time::Instant;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NeighborRow {
    pub local_interface: String,
    /// Always none: no aggregated interfaces.
    pub parent_interface: Option<String>,
    pub chassis_id: String,
    pub port_id: String,
    pub port_description: Option<String>,
    pub system_name: Option<String>,
    pub ttl: u16,
    pub expires_in: u64,
}

#[derive(Serialize)]
pub struct LldpNeighbors {
    #[serde(rename = "lldp-neighbors")]
    pub neighbors: Vec<NeighborRow>,
}

impl LldpNeighbors {
    pub fn of(plane: &Plane, now: Instant) -> LldpNeighbors {
        let cfg = plane.config();
        let order = |port: u16| {
            cfg.ports
                .iter()
                .position(|p| p.port_id == port)
                .unwrap_or(usize::MAX)
        };
        let mut rows: Vec<_> = plane
            .lldp
            .neighbors
            .iter()
            .filter(|(_, e)| e.expires > now)
            .collect();
        rows.sort_by_key(|(k, _)| (order(k.0), k.1.clone(), k.2.clone()));
        let name = |port: u16| {
            cfg.port(port)
                .map_or_else(|| format!("port{port}"), |p| p.name.clone())
        };
        LldpNeighbors {
            neighbors: rows
                .into_iter()
                .map(|(k, e)| NeighborRow {
                    local_interface: name(k.0),
                    parent_interface: None,
                    chassis_id: e.n.chassis_id.clone(),
                    port_id: e.n.port_id.clone(),
                    port_description: e.n.port_desc.clone(),
                    system_name: e.n.system_name.clone(),
                    ttl: e.n.ttl,
                    expires_in: e.expires.saturating_duration_since(now).as_secs(),
                })
                .collect(),
        }
    }

    pub fn text(&self) -> String {
        let mut s = String::from(
            "Local Interface    Parent Interface    Chassis Id          Port info          System Name\n",
        );
        for n in &self.neighbors {
            let port_info = n
                .port_description
                .as_deref()
                .filter(|d| !d.is_empty())
                .unwrap_or(&n.port_id);
            let line = format!(
                "{:<19}{:<20}{:<20}{:<19}{}",
                n.local_interface,
                "-",
                n.chassis_id,
                port_info,
                n.system_name.as_deref().unwrap_or("")
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
        s
    }
}
