//! `show ethernet-switching table [vlan-id N] [start N] [count N]`,
//! shaped like Junos, one page of rows at a time.

use crate::ctl::Page;
use crate::switch::{self, Switch};
use dataplane::mactable::Dest;
use serde::Serialize;
use std::fmt::Write;
use std::net::Ipv4Addr;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Entry {
    pub vlan: String,
    pub vlan_id: u16,
    pub mac: String,
    /// `S` static, `D` dynamic.
    pub flags: &'static str,
    /// Seconds since last seen; none for a static entry.
    pub age: Option<u32>,
    pub interface: String,
    pub remote_vtep: Option<String>,
}

#[derive(Serialize)]
pub struct MacTable {
    pub entries: Vec<Entry>,
    pub total: usize,
    pub learned: usize,
    /// Rows before this page.
    pub start: usize,
    /// Rows after this page.
    pub more: usize,
}

impl MacTable {
    /// `&mut`: a remote VTEP seen for the first time gets its logical
    /// interface number.
    pub fn of(sw: &mut Switch, vlan: Option<u16>, page: Page) -> Result<MacTable, String> {
        if let Some(v) = vlan {
            if !sw.bridge.vlans.iter().any(|x| x.vlan_id == v) {
                return Err(format!("no VLAN with vlan-id {v}"));
            }
        }
        let now = switch::now_secs();
        let mut rows = Vec::new();
        sw.macs.for_each(|vl, mac, e| {
            if vlan.is_none_or(|v| v == vl) {
                rows.push((vl, mac, e));
            }
        });
        rows.sort_by_key(|r| (r.0, r.1));
        let total = rows.len();
        let learned = rows.iter().filter(|r| !r.2.is_static).count();
        let start = page.start.min(total);
        let end = start.saturating_add(page.count).min(total);
        let mut entries = Vec::new();
        for &(vl, mac, e) in &rows[start..end] {
            let (interface, remote) = match e.dest {
                Dest::Port(p) => (format!("{}.0", sw.port_name(p)), None),
                Dest::Vtep(ip) => {
                    let ip = Ipv4Addr::from(ip);
                    (format!("vtep.{}", sw.ifl(ip)), Some(ip))
                }
            };
            entries.push(Entry {
                vlan: sw.vlan_name(vl),
                vlan_id: vl,
                mac: mac.to_string(),
                flags: if e.is_static { "S" } else { "D" },
                age: (!e.is_static).then(|| now.saturating_sub(e.last_seen)),
                interface,
                remote_vtep: remote.map(|r| r.to_string()),
            });
        }
        Ok(MacTable {
            total,
            learned,
            entries,
            start,
            more: total - end,
        })
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "\nMAC flags (S - static MAC, D - dynamic MAC, L - locally learned, R - remote PE MAC)\n");
        let _ = writeln!(
            s,
            "Ethernet switching table : {} entries, {} learned",
            self.total, self.learned
        );
        let _ = writeln!(s, "Routing instance : default-switch");
        let _ = writeln!(
            s,
            "    {:<20}{:<20}{:<12}{:>4}   {:<22}",
            "Vlan", "MAC", "MAC", "Age", "Logical"
        );
        let _ = writeln!(
            s,
            "    {:<20}{:<20}{:<12}{:>4}   {:<22}",
            "name", "address", "flags", "", "interface"
        );
        for e in &self.entries {
            let age = e.age.map(|a| a.to_string()).unwrap_or_else(|| "-".into());
            let _ = writeln!(
                s,
                "    {:<20}{:<20}{:<12}{:>4}   {:<22}",
                e.vlan, e.mac, e.flags, age, e.interface
            );
        }
        if self.more > 0 {
            let next = self.start + self.entries.len();
            let _ = writeln!(
                s,
                "    ... {} more (add start {next} to the command for the next page)",
                self.more
            );
        }
        s
    }
}
