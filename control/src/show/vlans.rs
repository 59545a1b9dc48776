//! `show vlans`: the VLAN/VNI mapping and per-VLAN counters (workers and
//! the control thread summed).

use crate::switch::Switch;
use dataplane::bridge::{Flood, PortMode, VlanCounters};
use serde::Serialize;
use std::fmt::Write;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct VlanRow {
    pub name: String,
    pub vlan_id: u16,
    pub vni: Option<u32>,
    /// Where BUM traffic goes: `group G`, `static IP,...` or `-`.
    pub bum: String,
    pub encapsulate_inner_vlan: bool,
    pub decapsulate_accept_inner_vlan: bool,
    pub irb: Option<String>,
    pub interfaces: Vec<String>,
    pub rx: u64,
    pub tx: u64,
    pub encap: u64,
    pub decap: u64,
    pub flood: u64,
    pub learned: u64,
    pub moved: u64,
    pub aged: u64,
    pub learn_failed: u64,
}

#[derive(Serialize)]
pub struct Vlans {
    pub vlans: Vec<VlanRow>,
}

impl Vlans {
    pub fn of(sw: &Switch) -> Vlans {
        let mut vlans = Vec::new();
        for v in &sw.bridge.vlans {
            let id = v.vlan_id as usize;
            let c = |f: fn(&VlanCounters) -> u64| sw.sum(|w| f(&w.vlan[id]));
            let interfaces: Vec<String> = sw
                .bridge
                .ports
                .iter()
                .filter(|p| match &p.mode {
                    PortMode::Access(a) => *a == v.vlan_id,
                    PortMode::Trunk(t) => t.contains(&v.vlan_id),
                    PortMode::Underlay => false,
                })
                .map(|p| p.name.clone())
                .collect();
            let bum = match &v.flood {
                Flood::Group(g) => format!("group {g}"),
                Flood::Static(l) if v.vni.is_some() => {
                    format!(
                        "static {}",
                        l.iter()
                            .map(|x| x.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    )
                }
                Flood::Static(_) => "-".into(),
            };
            vlans.push(VlanRow {
                name: v.name.clone(),
                vlan_id: v.vlan_id,
                vni: v.vni,
                bum,
                encapsulate_inner_vlan: v.encap_inner_vlan,
                decapsulate_accept_inner_vlan: v.decap_accept_inner_vlan,
                irb: v.irb.map(|(a, p)| format!("{a}/{p}")),
                interfaces,
                rx: c(|x| x.rx.get()),
                tx: c(|x| x.tx.get()),
                encap: c(|x| x.encap.get()),
                decap: c(|x| x.decap.get()),
                flood: c(|x| x.flood.get()),
                learned: c(|x| x.learned.get()),
                moved: c(|x| x.moved.get()),
                aged: sw.aged(v.vlan_id),
                learn_failed: c(|x| x.learn_failed.get()),
            });
        }
        Vlans { vlans }
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        for r in &self.vlans {
            let _ = writeln!(
                s,
                "{} (vlan-id {}, vni {}, {}) interfaces: {} irb: {}",
                r.name,
                r.vlan_id,
                r.vni.map_or_else(|| "null".to_string(), |v| v.to_string()),
                r.bum,
                r.interfaces.join(" "),
                r.irb.as_deref().unwrap_or("-"),
            );
            let _ = writeln!(
                s,
                "  rx {} tx {} encap {} decap {} flood {} learned {} moved {} aged {} learn-failed {}",
                r.rx, r.tx, r.encap, r.decap, r.flood, r.learned, r.moved, r.aged, r.learn_failed
            );
        }
        s
    }
}
