//! `show ethernet-switching vxlan-tunnel-end-point remote`: the remote
//! VTEPs, their MACs, VNIs and next hops.

use crate::switch::Switch;
use dataplane::bridge::Flood;
use dataplane::mactable::Dest;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::net::Ipv4Addr;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Remote {
    pub remote_vtep: String,
    /// The logical interface number, for the text.
    #[serde(skip)]
    pub ifl: u32,
    pub interface: String,
    pub macs: usize,
    pub vnis: Vec<u32>,
    pub next_hop: Option<String>,
    pub next_hop_mac: Option<String>,
}

#[derive(Serialize)]
pub struct Vteps {
    /// This VTEP's address, empty without an underlay.
    pub source: String,
    pub remotes: Vec<Remote>,
}

impl Vteps {
    /// `&mut`: a remote VTEP seen for the first time gets its logical
    /// interface number.
    pub fn of(sw: &mut Switch) -> Vteps {
        let mut per: BTreeMap<Ipv4Addr, (usize, BTreeSet<u32>)> = BTreeMap::new();
        let mut vni_of = BTreeMap::new();
        for v in &sw.bridge.vlans {
            if let Some(vni) = v.vni {
                vni_of.insert(v.vlan_id, vni);
                if let Flood::Static(list) = &v.flood {
                    for ip in list {
                        per.entry(*ip).or_default().1.insert(vni);
                    }
                }
            }
        }
        sw.macs.for_each(|vl, _, e| {
            if let Dest::Vtep(ip) = e.dest {
                let ent = per.entry(Ipv4Addr::from(ip)).or_default();
                ent.0 += 1;
                if let Some(v) = vni_of.get(&vl) {
                    ent.1.insert(*v);
                }
            }
        });
        let mut remotes = Vec::new();
        for (ip, (n, vnis)) in per {
            let ifl = sw.ifl(ip);
            remotes.push(Remote {
                remote_vtep: ip.to_string(),
                ifl,
                interface: format!("vtep.{ifl}"),
                macs: n,
                vnis: vnis.into_iter().collect(),
                next_hop: sw.view.next_hop(ip).map(|x| x.to_string()),
                next_hop_mac: sw.view.next_hop_mac(u32::from(ip)).map(|m| m.to_string()),
            });
        }
        Vteps {
            source: sw
                .bridge
                .underlay
                .as_ref()
                .map(|u| u.ip.to_string())
                .unwrap_or_default(),
            remotes,
        }
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Logical System Name       Id  SVTEP-IP         IFL   L3-Idx"
        );
        let _ = writeln!(
            s,
            "<default>                 0   {:<16} lo0.0    0",
            self.source
        );
        let _ = writeln!(s, " RVTEP-IP         IFL-Idx   Interface    MACs  VNIs          Next-hop         Next-hop MAC");
        for r in &self.remotes {
            let vn: Vec<String> = r.vnis.iter().map(|v| v.to_string()).collect();
            let _ = writeln!(
                s,
                " {:<16} {:<9} {:<12} {:<5} {:<13} {:<16} {}",
                r.remote_vtep,
                r.ifl,
                r.interface,
                r.macs,
                vn.join(","),
                r.next_hop.as_deref().unwrap_or("-"),
                r.next_hop_mac.as_deref().unwrap_or("unresolved")
            );
        }
        s
    }
}
