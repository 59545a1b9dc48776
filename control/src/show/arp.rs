//! `show arp`: the underlay's next hops (static, resolved, incomplete) and
//! the IRBs' neighbours.

use super::clock::secs_ago;
use crate::protocols::arp::{ARP_LIFETIME, ARP_REFRESH};
use crate::protocols::Plane;
use serde::Serialize;
use std::fmt::Write;
use std::time::Instant;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ArpRow {
    pub mac_address: Option<String>,
    pub ip_address: String,
    pub interface: String,
    pub state: &'static str,
    pub age: Option<u64>,
    pub expire: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ArpTable {
    pub arp_table: Vec<ArpRow>,
    pub total_entries: usize,
}

impl ArpTable {
    pub fn of(plane: &Plane, now: Instant) -> ArpTable {
        let cfg = plane.config();
        let ifl = cfg.underlay_ifl();
        let left = |c: Instant| {
            ARP_LIFETIME
                .saturating_sub(now.saturating_duration_since(c))
                .as_secs()
        };
        let mut rows = Vec::new();
        for (ip, mac) in &cfg.static_arp {
            rows.push(ArpRow {
                mac_address: Some(mac.to_string()),
                ip_address: ip.to_string(),
                interface: ifl.clone(),
                state: "static",
                age: None,
                expire: None,
            });
        }
        for (ip, e) in &plane.arp.table {
            if cfg.is_static_arp(*ip) {
                continue;
            }
            rows.push(ArpRow {
                mac_address: e.mac.map(|m| m.to_string()),
                ip_address: ip.to_string(),
                interface: ifl.clone(),
                state: e.state(now),
                age: e.confirmed.map(|c| secs_ago(now, c)),
                expire: e.confirmed.map(left),
            });
        }
        for ((vlan, ip), e) in &plane.arp.irb {
            let name = cfg
                .vlan(*vlan)
                .and_then(|v| v.irb.as_ref())
                .map_or_else(|| format!("irb.{vlan}"), |i| i.name.clone());
            let stale = now.saturating_duration_since(e.confirmed) >= ARP_REFRESH;
            rows.push(ArpRow {
                mac_address: Some(e.mac.to_string()),
                ip_address: ip.to_string(),
                interface: name,
                state: if stale { "stale" } else { "reachable" },
                age: Some(secs_ago(now, e.confirmed)),
                expire: Some(left(e.confirmed)),
            });
        }
        ArpTable {
            total_entries: rows.len(),
            arp_table: rows,
        }
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<18}{:<16}{:<24}{:<12}Expire",
            "MAC Address", "Address", "Interface", "State"
        );
        for r in &self.arp_table {
            let mac = r.mac_address.as_deref().unwrap_or("(incomplete)");
            let exp = r.expire.map_or_else(|| "-".to_string(), |e| e.to_string());
            let _ = writeln!(
                s,
                "{:<18}{:<16}{:<24}{:<12}{exp}",
                mac, r.ip_address, r.interface, r.state
            );
        }
        let _ = writeln!(s, "Total entries: {}", self.total_entries);
        s
    }
}
