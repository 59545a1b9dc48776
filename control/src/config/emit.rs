//! The configuration written back as TOML (for live changes, which are
//! validated as a file would be).

use super::types::*;
use std::fmt::Write as _;

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        s.to_string()
    } else {
        toml_str(s)
    }
}

impl Config {
    /// The configuration as TOML, with every default written out; parses
    /// back to an equal `Config`.
    pub fn to_toml(&self) -> String {
        let mut o = String::new();
        let v = &self.vtep;
        o.push_str("[vtep]\n");
        if let Some(s) = &v.source_interface {
            let _ = writeln!(o, "source-interface = {}", toml_str(s));
        }
        let _ = writeln!(o, "udp-port = {}", v.udp_port);
        let _ = writeln!(o, "ttl = {}", v.ttl);
        if let Some(g) = v.gateway {
            let _ = writeln!(o, "gateway = \"{g}\"");
        }
        let _ = writeln!(o, "igmp-version = {}", v.igmp_version.number());
        if let Some(s) = &v.system_name {
            let _ = writeln!(o, "system-name = {}", toml_str(s));
        }
        if let Some(m) = &v.router_mac {
            let _ = writeln!(o, "router-mac = \"{}\"", m);
        }
        for i in &self.interfaces {
            let _ = writeln!(o, "\n[interfaces.{}]", toml_key(&i.name));
            if let Some(d) = i.device() {
                let _ = writeln!(o, "device = {}", toml_str(d));
            }
            if let Some(d) = &i.description {
                let _ = writeln!(o, "description = {}", toml_str(d));
            }
            if let Some(a) = i.address() {
                let _ = writeln!(o, "address = \"{a}\"");
            }
            let members = |ids: &[u16]| {
                ids.iter()
                    .map(|id| toml_str(self.vlan_name(*id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match &i.kind {
                InterfaceKind::Access { vlan, .. } => {
                    o.push_str("interface-mode = \"access\"\n");
                    let _ = writeln!(o, "vlan-members = [{}]", members(&[*vlan]));
                }
                InterfaceKind::Trunk { vlans, all, .. } => {
                    o.push_str("interface-mode = \"trunk\"\n");
                    if *all {
                        o.push_str("vlan-members = [\"all\"]\n");
                    } else {
                        let _ = writeln!(o, "vlan-members = [{}]", members(vlans));
                    }
                }
                _ => {}
            }
            let _ = writeln!(o, "mtu = {}", i.mtu);
            if let InterfaceKind::Underlay { static_arp, .. } = &i.kind {
                if !static_arp.is_empty() {
                    let list: Vec<String> = static_arp
                        .iter()
                        .map(|a| format!("{{ address = \"{}\", mac = \"{}\" }}", a.address, a.mac))
                        .collect();
                    let _ = writeln!(o, "static-arp = [{}]", list.join(", "));
                }
            }
        }
        for vl in &self.vlans {
            let _ = writeln!(o, "\n[vlans.{}]", toml_key(&vl.name));
            let _ = writeln!(o, "vlan-id = {}", vl.vlan_id);
            if let Some(d) = &vl.description {
                let _ = writeln!(o, "description = {}", toml_str(d));
            }
            if let Some(l3) = &vl.l3_interface {
                let _ = writeln!(o, "l3-interface = {}", toml_str(l3));
            }
            if let Some(x) = &vl.vxlan {
                let _ = writeln!(o, "[vlans.{}.vxlan]", toml_key(&vl.name));
                let _ = writeln!(o, "vni = {}", x.vni);
                match &x.flood {
                    Flood::Group(g) => {
                        let _ = writeln!(o, "multicast-group = \"{g}\"");
                    }
                    Flood::Static(list) => {
                        let l: Vec<String> = list.iter().map(|a| format!("\"{a}\"")).collect();
                        let _ = writeln!(o, "static-remote-vteps = [{}]", l.join(", "));
                    }
                }
                let _ = writeln!(o, "encapsulate-inner-vlan = {}", x.encapsulate_inner_vlan);
                let _ = writeln!(
                    o,
                    "decapsulate-accept-inner-vlan = {}",
                    x.decapsulate_accept_inner_vlan
                );
            }
        }
        let s = &self.ethernet_switching;
        o.push_str("\n[ethernet-switching]\n");
        let _ = writeln!(o, "mac-table-aging-time = {}", s.mac_table_aging_time);
        let _ = writeln!(o, "mac-table-size = {}", s.mac_table_size);
        if !s.static_mac.is_empty() {
            o.push_str("static-mac = [\n");
            for m in &s.static_mac {
                let target = match &m.target {
                    StaticMacTarget::Interface(i) => format!("interface = {}", toml_str(i)),
                    StaticMacTarget::RemoteVtep(r) => format!("remote-vtep = \"{r}\""),
                };
                let _ = writeln!(
                    o,
                    "    {{ vlan = {}, mac = \"{}\", {target} }},",
                    toml_str(self.vlan_name(m.vlan)),
                    m.mac
                );
            }
            o.push_str("]\n");
        }
        o
    }
}
