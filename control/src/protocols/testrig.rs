//! The rig of the protocols' tests (one file per protocol, next to it): a plane at
//! `t0` whose frames into a VLAN go through the dataplane's
//! `bridge::control_input` with a view compiled from the same
//! configuration, so each test sees the frames that leave the ports.

pub(crate) use super::{Emit, Plane, PlaneConfig};
pub(crate) use crate::config::Config;
pub(crate) use crate::ports::PortRef;
pub(crate) use crate::switch::bridge_config;
pub(crate) use dataplane::bridge::{self, BridgeConfig, Counters, Fdb, Sink, View};
pub(crate) use dataplane::mactable::{Dest, MacTable, Memo};
pub(crate) use dataplane::vecpkt::VecPacket;
pub(crate) use dataplane::Packet;
pub(crate) use serde_json::Value;
pub(crate) use std::net::Ipv4Addr;
pub(crate) use std::time::Duration;
pub(crate) use std::time::Instant;
use vtep_testkit as tk;
pub(crate) use wire::arp::Repr as ArpRepr;
pub(crate) use wire::ethernet;
pub(crate) use wire::igmp::{GroupRecord, IgmpPacket};
pub(crate) use wire::igmp::{IgmpMsg, RecordType};
pub(crate) use wire::vxlan;
pub(crate) use wire::{igmp, lldp, EthernetRepr, Mac};

// The seed's EX9200-1, plus an access port, a static-remote-vteps VLAN and
// an IGMP-less VLAN.
pub(crate) const CONFIG: &str = r#"
[vtep]
source-interface = "et-2/0/0"
udp-port = 4789
ttl = 64
gateway = "192.168.24.1"
system-name = "EX9200-1"

[interfaces."et-2/0/0"]
device = "d0"
description = "TO-CORE1"
address = "192.168.24.4/24"
mtu = 9216
static-arp = [{ address = "192.168.24.9", mac = "4c:96:14:00:00:09" }]

[interfaces."et-2/2/1"]
device = "d1"
description = "TO-QFX5100-48S-5"
interface-mode = "trunk"
vlan-members = ["v100", "v10"]
mtu = 9000

[interfaces."ge-7/0/0"]
device = "d2"
interface-mode = "access"
vlan-members = ["v10"]
mtu = 9000

[interfaces."irb.0"]
address = "100.1.1.1/24"

[interfaces."irb.10"]
address = "100.10.1.200/24"

[vlans.v10]
vlan-id = 10
l3-interface = "irb.10"
vxlan = { vni = 10, multicast-group = "239.1.1.10", encapsulate-inner-vlan = true }

[vlans.v100]
vlan-id = 100
l3-interface = "irb.0"
vxlan = { vni = 100, multicast-group = "239.1.1.100" }

[vlans.v200]
vlan-id = 200
vxlan = { vni = 200, static-remote-vteps = ["192.168.24.7", "10.9.9.9"] }
"#;

pub(crate) const UNDERLAY: u16 = 0;
pub(crate) const TRUNK: u16 = 1;
pub(crate) const ACCESS: u16 = 2;
pub(crate) const VTEP_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
pub(crate) const GATEWAY: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 1);
pub(crate) const PEER_VTEP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);
pub(crate) const FAR_VTEP: Ipv4Addr = Ipv4Addr::new(10, 20, 0, 5);
pub(crate) const STATIC_NH: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 9);
pub(crate) const STATIC_NH_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0, 0, 9]);
pub(crate) const G10: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 10);
pub(crate) const G100: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);
pub(crate) const IRB10: Ipv4Addr = Ipv4Addr::new(100, 10, 1, 200);
pub(crate) const IRB0: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);
pub(crate) const ROUTER_MAC: Mac = Mac([0x02, 0xaa, 0, 0, 0, 1]);
pub(crate) const HOST_MAC: Mac = Mac([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31]);
pub(crate) const HOST_IP: Ipv4Addr = Ipv4Addr::new(100, 10, 1, 4);
pub(crate) const VM_MAC: Mac = Mac([0x00, 0x50, 0x56, 0xb9, 0x55, 0x58]);
pub(crate) const VM_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);
pub(crate) const CORE_MAC: Mac = Mac([0x00, 0x05, 0x86, 0x71, 0xff, 0xc0]);
pub(crate) const PEER_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);

pub(crate) fn port_mac(port: u16) -> Mac {
    Mac([0x02, 0, 0, 0, 0, 0x10 + port as u8])
}

/// The process's own compilation (`switch::bridge_config`), with device
/// dN on port N.
pub(crate) fn bridge_of(cfg: &Config) -> BridgeConfig {
    let ports: Vec<PortRef> = cfg
        .devices()
        .iter()
        .map(|(_, dev)| {
            let id: u16 = dev[1..].parse().unwrap();
            PortRef {
                name: dev.to_string(),
                id,
                mac: port_mac(id),
            }
        })
        .collect();
    let mut b = bridge_config(cfg, &ports).unwrap();
    b.router_mac = ROUTER_MAC;
    b
}

pub(crate) fn plane_config(text: &str) -> PlaneConfig {
    let cfg = Config::parse(text).unwrap();
    PlaneConfig::new(&cfg, &bridge_of(&cfg))
}

pub(crate) fn with_igmp_v2(text: &str) -> String {
    text.replacen("ttl = 64\n", "ttl = 64\nigmp-version = 2\n", 1)
}

pub(crate) type Out = Vec<(u16, Vec<u8>)>;

/// The frames a plane sent out of a port; none into a VLAN.
pub(crate) fn ports_of(out: Vec<Emit>) -> Out {
    out.into_iter()
        .map(|e| match e {
            Emit::Port(p, f) => (p, f),
            Emit::Vlan(v, _) => panic!("into VLAN {v}, not out of a port"),
        })
        .collect()
}

/// Collects what the bridge sends; drops are counted by the bridge.
#[derive(Default)]
pub(crate) struct PortSink(Out);

impl Sink<VecPacket> for PortSink {
    fn tx(&mut self, port: u16, pkt: VecPacket) {
        self.0.push((port, pkt.data().to_vec()));
    }
    fn punt(&mut self, _pkt: VecPacket) {
        panic!("control input punted back");
    }
    fn drop(&mut self, _pkt: VecPacket, _why: bridge::DropReason) {}
}

/// A plane at `t0` plus the dataplane it sends into: the bridge
/// configuration, a MAC table the tests fill, the control thread's
/// counters.
pub(crate) struct Rig {
    pub(crate) p: Plane,
    t0: Instant,
    pub(crate) bridge: BridgeConfig,
    pub(crate) macs: MacTable,
    pub(crate) ctr: Counters,
    /// Every emit of the last `handle`, before the bridge.
    pub(crate) emitted: Vec<Emit>,
}

impl Rig {
    pub(crate) fn new() -> Rig {
        Rig::with(CONFIG)
    }
    pub(crate) fn with(text: &str) -> Rig {
        let t0 = Instant::now();
        let cfg = Config::parse(text).unwrap();
        let bridge = bridge_of(&cfg);
        Rig {
            p: Plane::new(PlaneConfig::new(&cfg, &bridge), t0),
            t0,
            bridge,
            macs: MacTable::new(1024),
            ctr: Counters::new(),
            emitted: Vec::new(),
        }
    }
    pub(crate) fn at(&self, secs: f64) -> Instant {
        self.t0 + Duration::from_secs_f64(secs)
    }
    pub(crate) fn learn(&self, vlan: u16, mac: Mac, d: Dest) {
        self.macs.insert_static(vlan, &mac, d).unwrap();
    }
    /// What leaves the ports: port frames as they are, VLAN frames after
    /// the bridge (the view knows the neighbours the plane resolved, as
    /// the switch republishes them).
    pub(crate) fn bridged(&mut self, out: Vec<Emit>) -> Out {
        let mut b = self.bridge.clone();
        b.neighbors = self.p.neighbors();
        let view = View::new(&b);
        let mut memo = Memo::default();
        let mut fdb = Fdb::new(&self.macs, &mut memo, 1);
        let mut sink = PortSink::default();
        for e in out {
            match e {
                Emit::Port(p, f) => sink.0.push((p, f)),
                Emit::Vlan(v, f) => bridge::control_input(
                    &view,
                    &mut fdb,
                    v,
                    VecPacket::new(&f),
                    &mut sink,
                    &self.ctr,
                ),
            }
        }
        sink.0
    }
    pub(crate) fn handle(&mut self, port: u16, frame: &[u8], secs: f64) -> Out {
        let mut out = Vec::new();
        let now = self.at(secs);
        self.p.handle(port, frame, now, &mut out);
        self.emitted = out.clone();
        self.bridged(out)
    }
    pub(crate) fn tick(&mut self, secs: f64, vteps: &[Ipv4Addr]) -> Out {
        let mut out = Vec::new();
        let now = self.at(secs);
        self.p.tick(now, vteps, &mut out);
        ports_of(out)
    }
    pub(crate) fn counter(&self, key: &str) -> u64 {
        self.p.counters()[key].as_u64().unwrap()
    }
    pub(crate) fn ignored(&self, key: &str) -> u64 {
        self.p.counters()["ignored"][key].as_u64().unwrap_or(0)
    }
    /// The bridge's drop counter for the control thread's frames.
    pub(crate) fn dropped(&self, why: bridge::DropReason) -> u64 {
        self.ctr.drop_count(why)
    }
    /// The VLANs the last `handle` sent frames into.
    pub(crate) fn vlans_sent_into(&self) -> Vec<u16> {
        self.emitted
            .iter()
            .filter_map(|e| match e {
                Emit::Vlan(v, _) => Some(*v),
                Emit::Port(..) => None,
            })
            .collect()
    }
}

pub(crate) fn igmp_of(out: &Out) -> Vec<IgmpPacket> {
    out.iter()
        .filter_map(|(port, f)| {
            let p = igmp::parse_packet(f)?;
            assert_eq!(*port, UNDERLAY);
            Some(p)
        })
        .collect()
}

/// The ARP frames among `out`, read by the test oracle: (port, source
/// MAC, destination MAC, VLAN tag, the ARP fields).
pub(crate) fn arp_of(out: &Out) -> Vec<(u16, Mac, Mac, Option<u16>, ArpRepr)> {
    out.iter()
        .filter(|(_, f)| tk::parse_eth(f).ethertype == tk::ethertype::ARP)
        .map(|(port, f)| {
            let (eth, a) = tk::parse_arp(f);
            let op = match a.op {
                tk::Arp::REQUEST => wire::ArpOp::Request,
                tk::Arp::REPLY => wire::ArpOp::Reply,
                op => panic!("ARP operation {op}"),
            };
            let repr = ArpRepr {
                op,
                sender_mac: Mac(a.sha),
                sender_ip: a.spa,
                target_mac: Mac(a.tha),
                target_ip: a.tpa,
            };
            let vlan = eth.tags.first().map(|t| t.vid);
            (*port, Mac(eth.src), Mac(eth.dst), vlan, repr)
        })
        .collect()
}

pub(crate) fn lldp_of(out: &Out) -> Vec<(u16, lldp::Neighbor)> {
    out.iter()
        .filter_map(|(port, f)| Some((*port, lldp::parse(f)?)))
        .collect()
}

pub(crate) fn records(p: &IgmpPacket) -> Vec<(RecordType, Ipv4Addr)> {
    match &p.msg {
        IgmpMsg::Report { records, .. } => records
            .iter()
            .map(
                |GroupRecord {
                     record_type,
                     group,
                     sources,
                 }| {
                    assert!(sources.is_empty());
                    (*record_type, *group)
                },
            )
            .collect(),
        m => panic!("not a report: {m:?}"),
    }
}

pub(crate) fn assert_igmp_envelope(p: &IgmpPacket, dst: Ipv4Addr) {
    assert_eq!(p.dst_ip, dst);
    assert_eq!(p.eth_dst, Mac::ipv4_multicast(dst));
    assert_eq!(p.src_ip, VTEP_IP);
    assert_eq!(p.eth_src, port_mac(UNDERLAY));
    assert_eq!(p.ttl, 1);
    assert!(p.router_alert);
    assert_eq!(p.vlan, None);
}

/// An ARP request from `mac`/`ip` for `target`, as a host sends it,
/// built by the test oracle.
pub(crate) fn arp_request(mac: Mac, ip: Ipv4Addr, target: Ipv4Addr, vlan: Option<u16>) -> Vec<u8> {
    let eth = tk::Eth::new(tk::BROADCAST, mac.0);
    let eth = match vlan {
        Some(v) => eth.vlan(v),
        None => eth,
    };
    eth.arp(&tk::Arp::request(mac.0, ip, target))
}

/// "`ip` is at `mac`", to `to`/`to_ip`, built by the test oracle.
pub(crate) fn arp_reply(mac: Mac, ip: Ipv4Addr, to: Mac, to_ip: Ipv4Addr) -> Vec<u8> {
    tk::Eth::new(to.0, mac.0).arp(&tk::Arp::reply(mac.0, ip, to.0, to_ip))
}

/// An LLDPDU as a neighbour sends it (description and system name left
/// out when empty), built by the test oracle.
pub(crate) fn lldp_frame(
    src: Mac,
    chassis: Mac,
    port: &str,
    description: &str,
    system_name: &str,
    ttl: u16,
) -> Vec<u8> {
    let mut l = tk::Eth::new(tk::LLDP_MULTICAST, src.0)
        .lldp()
        .chassis_mac(chassis.0)
        .port_name(port)
        .ttl(ttl);
    if !description.is_empty() {
        l = l.port_description(description);
    }
    if !system_name.is_empty() {
        l = l.system_name(system_name);
    }
    l.end().build()
}

/// An IGMP query from the underlay router; `v3` adds the v3 fields.
pub(crate) fn query(dst: Ipv4Addr, group: Ipv4Addr, code: u8, v3: bool) -> Vec<u8> {
    let msg = if v3 {
        tk::igmp::V3Query {
            group,
            ..tk::igmp::V3Query::general(code)
        }
        .to_bytes()
    } else {
        tk::igmp::query(code, group)
    };
    tk::Eth::new(tk::ipv4_multicast_mac(dst), CORE_MAC.0)
        .ipv4(GATEWAY, dst)
        .ident(0x1234)
        .df()
        .ttl(1)
        .router_alert()
        .igmp(&msg)
}

pub(crate) fn echo_request(
    dst_mac: Mac,
    src_mac: Mac,
    vlan: Option<u16>,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    payload_len: usize,
) -> Vec<u8> {
    let data: Vec<u8> = (0..payload_len).map(|i| (i * 7 + 3) as u8).collect();
    let eth = tk::Eth::new(dst_mac.0, src_mac.0);
    let eth = match vlan {
        Some(v) => eth.vlan(v),
        None => eth,
    };
    eth.ipv4(src, dst)
        .ident(0x1234)
        .df()
        .icmp(&tk::icmp::echo_request(0xbeef, 7, &data))
}

/// (Ethernet header, src, dst, payload length) of an echo reply, read by
/// the test oracle, checksums verified.
pub(crate) fn parse_echo_reply(f: &[u8]) -> (EthernetRepr, Ipv4Addr, Ipv4Addr, usize) {
    let e = tk::parse_eth(f);
    let ip = tk::parse_ipv4(e.payload);
    assert!(ip.checksum_ok);
    assert_eq!(ip.protocol, tk::ip_proto::ICMP);
    assert_eq!(tk::internet_checksum(ip.payload), 0);
    assert_eq!(ip.payload[0], 0, "echo reply type");
    let eth = EthernetRepr {
        dst: Mac(e.dst),
        src: Mac(e.src),
        vlan: e.tags.first().map(|t| t.vid),
        ethertype: e.ethertype,
    };
    (eth, ip.src, ip.dst, ip.payload.len() - 8)
}

pub(crate) fn show_igmp(p: &Plane, now: Instant, json: bool) -> String {
    let d = crate::show::igmp::IgmpMembership::of(p, now);
    if json {
        crate::show::compact(&d)
    } else {
        d.text()
    }
}

pub(crate) fn show_arp(p: &Plane, now: Instant, json: bool) -> String {
    let d = crate::show::arp::ArpTable::of(p, now);
    if json {
        crate::show::compact(&d)
    } else {
        d.text()
    }
}

pub(crate) fn show_lldp(p: &Plane, now: Instant, json: bool) -> String {
    let d = crate::show::lldp::LldpNeighbors::of(p, now);
    if json {
        crate::show::compact(&d)
    } else {
        d.text()
    }
}
