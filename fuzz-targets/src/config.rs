//! `config`: configuration files through parse and validate. The answer
//! is a configuration or a one-line error, never a panic; a valid
//! configuration re-parses from its own TOML (`to_toml`, what `show
//! config` and the live changes write) to the same configuration, which
//! then compiles for the ports bring-up would give it into a bridge view
//! and a control-plane configuration (or a one-line error).
//!
//! Input layout: `[mode]`, then with mode bit 0 clear the file's text
//! (invalid UTF-8 replaced); with bit 0 set, the rest is read by
//! `arbitrary` as a structured configuration ([`ArbConfig`]) written out
//! as TOML, so that most inputs get past the syntax to the validation.

use arbitrary::{Arbitrary, Unstructured};
use std::fmt::Write as _;
use vtep::config::Config;
use vtep::ports::PortRef;
use vtep::protocols::PlaneConfig;
use vtep::switch::bridge_config;
use wire::Mac;

/// The fuzz target.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode & 1 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        match ArbConfig::arbitrary_take_rest(Unstructured::new(rest)) {
            Ok(c) => c.to_toml(),
            Err(_) => return,
        }
    };
    check(&text);
}

/// Parse and validate `text`, and everything a valid result must allow.
pub fn check(text: &str) {
    let c = match Config::parse(text) {
        Ok(c) => c,
        Err(e) => return crate::assert_one_line("config error", &e.to_string()),
    };
    let own = c.to_toml();
    let back = Config::parse(&own)
        .unwrap_or_else(|e| panic!("a valid configuration's own TOML is refused: {e}\n{own}"));
    assert_eq!(
        back, c,
        "the configuration changed through its own TOML:\n{own}"
    );
    assert_eq!(back.to_toml(), own, "to_toml is not stable");
    for w in c.warnings() {
        crate::assert_one_line("config warning", &w);
    }
    let _ = vtep::show::compact(&c);
    let ports: Vec<PortRef> = c
        .devices()
        .iter()
        .enumerate()
        .map(|(i, (_, dev))| PortRef {
            name: dev.to_string(),
            id: i as u16,
            mac: Mac([0x02, 0, 0, 0, 1, i as u8]),
        })
        .collect();
    if let Err(e) = c.check_devices(&ports.iter().map(|p| p.name.clone()).collect::<Vec<_>>()) {
        crate::assert_one_line("check_devices", &e.to_string());
    }
    match bridge_config(&c, &ports) {
        Ok(b) => {
            let _ = dataplane::bridge::View::new(&b);
            let _ = PlaneConfig::new(&c, &b);
        }
        Err(e) => crate::assert_one_line("bridge_config", &e),
    }
}

/// A name from the lab's, or any.
#[derive(Arbitrary, Debug)]
pub enum Name {
    Pool(u8),
    Any(String),
}

const NAMES: [&str; 10] = [
    "et-2/0/0", "et-2/2/1", "ge-7/0/0", "irb.0", "irb.10", "irb.100", "v10", "v100", "v200", "all",
];

impl Name {
    fn get(&self) -> String {
        match self {
            Name::Pool(i) => NAMES[usize::from(*i) % NAMES.len()].to_string(),
            Name::Any(s) => s.clone(),
        }
    }
}

/// An integer near the edges that matter, or any.
#[derive(Arbitrary, Debug)]
pub enum Int {
    Small(u8),
    Edge(u8),
    Any(i64),
}

const EDGES: [i64; 14] = [
    0,
    1,
    -1,
    2,
    3,
    4094,
    4095,
    4789,
    9216,
    65535,
    65536,
    16_777_215,
    16_777_216,
    i64::MAX,
];

impl Int {
    fn get(&self) -> i64 {
        match self {
            Int::Small(v) => i64::from(*v),
            Int::Edge(i) => EDGES[usize::from(*i) % EDGES.len()],
            Int::Any(v) => *v,
        }
    }
}

/// An address (with or without a prefix), from the lab's or any.
#[derive(Arbitrary, Debug)]
pub enum Addr {
    Pool(u8),
    Octets([u8; 4], Option<u8>),
    Any(String),
}

const ADDRS: [&str; 10] = [
    "192.168.24.4/24",
    "192.168.24.1",
    "192.168.24.7",
    "10.9.9.9",
    "239.1.1.10",
    "100.1.1.1/24",
    "0.0.0.0",
    "255.255.255.255",
    "192.168.24.4",
    "100.10.1.200/24",
];

impl Addr {
    fn get(&self) -> String {
        match self {
            Addr::Pool(i) => ADDRS[usize::from(*i) % ADDRS.len()].to_string(),
            Addr::Octets(o, None) => std::net::Ipv4Addr::from(*o).to_string(),
            Addr::Octets(o, Some(p)) => format!("{}/{p}", std::net::Ipv4Addr::from(*o)),
            Addr::Any(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum MacText {
    Bytes([u8; 6]),
    Any(String),
}

impl MacText {
    fn get(&self) -> String {
        match self {
            MacText::Bytes(b) => Mac(*b).to_string(),
            MacText::Any(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub struct ArbVtep {
    pub source_interface: Option<Name>,
    pub udp_port: Option<Int>,
    pub ttl: Option<Int>,
    pub gateway: Option<Addr>,
    pub igmp_version: Option<Int>,
    pub system_name: Option<String>,
    pub router_mac: Option<MacText>,
}

#[derive(Arbitrary, Debug)]
pub struct ArbInterface {
    pub name: Name,
    pub device: Option<Name>,
    pub description: Option<String>,
    pub address: Option<Addr>,
    pub mtu: Option<Int>,
    pub static_arp: Option<Vec<(Option<Addr>, Option<MacText>)>>,
    /// access, trunk, or any.
    pub mode: Option<Name>,
    pub vlan_members: Option<Vec<Name>>,
}

#[derive(Arbitrary, Debug)]
pub struct ArbVxlan {
    pub vni: Option<Int>,
    pub multicast_group: Option<Addr>,
    pub static_remote_vteps: Option<Vec<Addr>>,
    pub encapsulate_inner_vlan: Option<bool>,
    pub decapsulate_accept_inner_vlan: Option<bool>,
}

#[derive(Arbitrary, Debug)]
pub struct ArbVlan {
    pub name: Name,
    pub vlan_id: Option<Int>,
    pub description: Option<String>,
    pub l3_interface: Option<Name>,
    pub vxlan: Option<ArbVxlan>,
}

#[derive(Arbitrary, Debug)]
pub struct ArbStaticMac {
    pub vlan: Option<Name>,
    pub mac: Option<MacText>,
    pub interface: Option<Name>,
    pub remote_vtep: Option<Addr>,
}

#[derive(Arbitrary, Debug)]
pub struct ArbSwitching {
    pub mac_table_aging_time: Option<Int>,
    pub mac_table_size: Option<Int>,
    pub static_mac: Option<Vec<ArbStaticMac>>,
}

/// A configuration file's shape with arbitrary values: every key of the
/// format, each maybe missing, names and numbers mostly from the lab's.
#[derive(Arbitrary, Debug)]
pub struct ArbConfig {
    pub vtep: ArbVtep,
    pub interfaces: Vec<ArbInterface>,
    pub vlans: Vec<ArbVlan>,
    pub switching: Option<ArbSwitching>,
}

fn s(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.map(|v| s(&v)).collect::<Vec<_>>().join(", "))
}

impl ArbConfig {
    /// As a file (keys quoted, strings escaped: a file that is valid TOML
    /// unless a table repeats).
    pub fn to_toml(&self) -> String {
        let mut o = String::from("[vtep]\n");
        let v = &self.vtep;
        let kv = |o: &mut String, k: &str, val: String| {
            let _ = writeln!(o, "{k} = {val}");
        };
        if let Some(x) = &v.source_interface {
            kv(&mut o, "source-interface", s(&x.get()));
        }
        if let Some(x) = &v.udp_port {
            kv(&mut o, "udp-port", x.get().to_string());
        }
        if let Some(x) = &v.ttl {
            kv(&mut o, "ttl", x.get().to_string());
        }
        if let Some(x) = &v.gateway {
            kv(&mut o, "gateway", s(&x.get()));
        }
        if let Some(x) = &v.igmp_version {
            kv(&mut o, "igmp-version", x.get().to_string());
        }
        if let Some(x) = &v.system_name {
            kv(&mut o, "system-name", s(x));
        }
        if let Some(x) = &v.router_mac {
            kv(&mut o, "router-mac", s(&x.get()));
        }
        for i in &self.interfaces {
            let _ = writeln!(o, "\n[interfaces.{}]", s(&i.name.get()));
            if let Some(x) = &i.device {
                kv(&mut o, "device", s(&x.get()));
            }
            if let Some(x) = &i.description {
                kv(&mut o, "description", s(x));
            }
            if let Some(x) = &i.address {
                kv(&mut o, "address", s(&x.get()));
            }
            if let Some(x) = &i.mtu {
                kv(&mut o, "mtu", x.get().to_string());
            }
            if let Some(arps) = &i.static_arp {
                let items: Vec<String> = arps
                    .iter()
                    .map(|(a, m)| {
                        let mut f = Vec::new();
                        if let Some(a) = a {
                            f.push(format!("address = {}", s(&a.get())));
                        }
                        if let Some(m) = m {
                            f.push(format!("mac = {}", s(&m.get())));
                        }
                        format!("{{ {} }}", f.join(", "))
                    })
                    .collect();
                kv(&mut o, "static-arp", format!("[{}]", items.join(", ")));
            }
            if let Some(x) = &i.mode {
                let m = match x {
                    Name::Pool(b) if b % 3 == 0 => "access".to_string(),
                    Name::Pool(b) if b % 3 == 1 => "trunk".to_string(),
                    x => x.get(),
                };
                kv(&mut o, "interface-mode", s(&m));
            }
            if let Some(x) = &i.vlan_members {
                kv(&mut o, "vlan-members", list(x.iter().map(Name::get)));
            }
        }
        for vl in &self.vlans {
            let _ = writeln!(o, "\n[vlans.{}]", s(&vl.name.get()));
            if let Some(x) = &vl.vlan_id {
                kv(&mut o, "vlan-id", x.get().to_string());
            }
            if let Some(x) = &vl.description {
                kv(&mut o, "description", s(x));
            }
            if let Some(x) = &vl.l3_interface {
                kv(&mut o, "l3-interface", s(&x.get()));
            }
            if let Some(x) = &vl.vxlan {
                let mut f = Vec::new();
                if let Some(v) = &x.vni {
                    f.push(format!("vni = {}", v.get()));
                }
                if let Some(g) = &x.multicast_group {
                    f.push(format!("multicast-group = {}", s(&g.get())));
                }
                if let Some(l) = &x.static_remote_vteps {
                    f.push(format!(
                        "static-remote-vteps = {}",
                        list(l.iter().map(Addr::get))
                    ));
                }
                if let Some(b) = x.encapsulate_inner_vlan {
                    f.push(format!("encapsulate-inner-vlan = {b}"));
                }
                if let Some(b) = x.decapsulate_accept_inner_vlan {
                    f.push(format!("decapsulate-accept-inner-vlan = {b}"));
                }
                kv(&mut o, "vxlan", format!("{{ {} }}", f.join(", ")));
            }
        }
        if let Some(sw) = &self.switching {
            o.push_str("\n[ethernet-switching]\n");
            if let Some(x) = &sw.mac_table_aging_time {
                kv(&mut o, "mac-table-aging-time", x.get().to_string());
            }
            if let Some(x) = &sw.mac_table_size {
                kv(&mut o, "mac-table-size", x.get().to_string());
            }
            if let Some(l) = &sw.static_mac {
                let items: Vec<String> = l
                    .iter()
                    .map(|m| {
                        let mut f = Vec::new();
                        if let Some(v) = &m.vlan {
                            f.push(format!("vlan = {}", s(&v.get())));
                        }
                        if let Some(x) = &m.mac {
                            f.push(format!("mac = {}", s(&x.get())));
                        }
                        if let Some(x) = &m.interface {
                            f.push(format!("interface = {}", s(&x.get())));
                        }
                        if let Some(x) = &m.remote_vtep {
                            f.push(format!("remote-vtep = {}", s(&x.get())));
                        }
                        format!("{{ {} }}", f.join(", "))
                    })
                    .collect();
                kv(&mut o, "static-mac", format!("[{}]", items.join(", ")));
            }
        }
        o
    }
}
