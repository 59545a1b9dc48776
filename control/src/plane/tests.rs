use super::*;
use crate::config::Config;
use crate::ports::PortRef;
use crate::switch::bridge_config;
use std::cell::RefCell;
use wire::arp::{self, Repr as ArpRepr};
use wire::checksum;
use wire::igmp::{GroupRecord, IgmpPacket};

// The seed's EX9200-1, plus an access port, a static-remote-vteps VLAN and
// an IGMP-less VLAN.
const CONFIG: &str = r#"
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

const UNDERLAY: u16 = 0;
const TRUNK: u16 = 1;
const ACCESS: u16 = 2;
const VTEP_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
const GATEWAY: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 1);
const PEER_VTEP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);
const FAR_VTEP: Ipv4Addr = Ipv4Addr::new(10, 20, 0, 5);
const STATIC_NH: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 9);
const STATIC_NH_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0, 0, 9]);
const G10: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 10);
const G100: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);
const IRB10: Ipv4Addr = Ipv4Addr::new(100, 10, 1, 200);
const IRB0: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);
const ROUTER_MAC: Mac = Mac([0x02, 0xaa, 0, 0, 0, 1]);
const HOST_MAC: Mac = Mac([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31]);
const HOST_IP: Ipv4Addr = Ipv4Addr::new(100, 10, 1, 4);
const VM_MAC: Mac = Mac([0x00, 0x50, 0x56, 0xb9, 0x55, 0x58]);
const VM_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);
const CORE_MAC: Mac = Mac([0x00, 0x05, 0x86, 0x71, 0xff, 0xc0]);
const PEER_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);

fn port_mac(port: u16) -> Mac {
    Mac([0x02, 0, 0, 0, 0, 0x10 + port as u8])
}

/// The process's own compilation (`switch::bridge_config`), with device
/// dN on port N.
fn bridge_of(cfg: &Config) -> BridgeConfig {
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

fn plane_config(text: &str) -> PlaneConfig {
    let cfg = Config::parse(text).unwrap();
    PlaneConfig::new(&cfg, &bridge_of(&cfg))
}

fn with_igmp_v2(text: &str) -> String {
    text.replacen("ttl = 64\n", "ttl = 64\nigmp-version = 2\n", 1)
}

type Out = Vec<(u16, Vec<u8>)>;

/// A plane at `t0` plus a MAC table the tests fill.
struct Rig {
    p: Plane,
    t0: Instant,
    macs: RefCell<BTreeMap<(u16, Mac), Dest>>,
}

impl Rig {
    fn new() -> Rig {
        Rig::with(CONFIG)
    }
    fn with(text: &str) -> Rig {
        let t0 = Instant::now();
        Rig {
            p: Plane::new(plane_config(text), t0),
            t0,
            macs: RefCell::new(BTreeMap::new()),
        }
    }
    fn at(&self, secs: f64) -> Instant {
        self.t0 + Duration::from_secs_f64(secs)
    }
    fn learn(&self, vlan: u16, mac: Mac, d: Dest) {
        self.macs.borrow_mut().insert((vlan, mac), d);
    }
    fn handle(&mut self, port: u16, frame: &[u8], secs: f64) -> Out {
        let mut out = Vec::new();
        let macs = self.macs.borrow().clone();
        let lookup = move |vlan: u16, mac: &Mac| macs.get(&(vlan, *mac)).copied();
        let now = self.at(secs);
        self.p.handle(port, frame, now, &lookup, &mut out);
        out
    }
    fn tick(&mut self, secs: f64, vteps: &[Ipv4Addr]) -> Out {
        let mut out = Vec::new();
        let now = self.at(secs);
        self.p.tick(now, vteps, &mut out);
        out
    }
    fn counter(&self, key: &str) -> u64 {
        self.p.counters()[key].as_u64().unwrap()
    }
    fn ignored(&self, key: &str) -> u64 {
        let c = self.p.counters();
        c["ignored"][key]
            .as_u64()
            .or_else(|| c["not-sent"][key].as_u64())
            .unwrap_or(0)
    }
}

fn igmp_of(out: &Out) -> Vec<IgmpPacket> {
    out.iter()
        .filter_map(|(port, f)| {
            let p = igmp::parse_packet(f)?;
            assert_eq!(*port, UNDERLAY);
            Some(p)
        })
        .collect()
}

fn arp_of(out: &Out) -> Vec<(u16, Mac, Mac, Option<u16>, ArpRepr)> {
    out.iter()
        .filter_map(|(port, f)| {
            let (src, dst, vlan, a) = arp::parse_frame(f)?;
            Some((*port, src, dst, vlan, a))
        })
        .collect()
}

fn lldp_of(out: &Out) -> Vec<(u16, lldp::Neighbor)> {
    out.iter()
        .filter_map(|(port, f)| Some((*port, lldp::parse(f)?)))
        .collect()
}

fn records(p: &IgmpPacket) -> Vec<(RecordType, Ipv4Addr)> {
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

fn assert_igmp_envelope(p: &IgmpPacket, dst: Ipv4Addr) {
    assert_eq!(p.dst_ip, dst);
    assert_eq!(p.eth_dst, Mac::ipv4_multicast(dst));
    assert_eq!(p.src_ip, VTEP_IP);
    assert_eq!(p.eth_src, port_mac(UNDERLAY));
    assert_eq!(p.ttl, 1);
    assert!(p.router_alert);
    assert_eq!(p.vlan, None);
}

/// An IPv4 packet with the given protocol and payload in a frame.
#[allow(clippy::too_many_arguments)]
fn ip_frame(
    dst_mac: Mac,
    src_mac: Mac,
    vlan: Option<u16>,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    options: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let mut f = Vec::new();
    EthernetRepr {
        dst: dst_mac,
        src: src_mac,
        vlan,
        ethertype: ethertype::IPV4,
    }
    .emit(&mut f);
    let at = f.len();
    let hl = 20 + options.len();
    f.extend_from_slice(&[0x40 | (hl / 4) as u8, 0]);
    f.extend_from_slice(&((hl + payload.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[
        0x12,
        0x34,
        0x40,
        0,
        if protocol == 2 { 1 } else { 64 },
        protocol,
        0,
        0,
    ]);
    f.extend_from_slice(&src.octets());
    f.extend_from_slice(&dst.octets());
    f.extend_from_slice(options);
    let c = checksum::checksum(&f[at..]);
    f[at + 10..at + 12].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(payload);
    if f.len() < 60 {
        f.resize(60, 0);
    }
    f
}

/// An IGMP query from the underlay router; `v3` adds the v3 fields.
fn query(dst: Ipv4Addr, group: Ipv4Addr, code: u8, v3: bool) -> Vec<u8> {
    let mut q = vec![0x11, code, 0, 0];
    q.extend_from_slice(&group.octets());
    if v3 {
        q.extend_from_slice(&[0x02, 125, 0, 0]);
    }
    let c = checksum::checksum(&q);
    q[2..4].copy_from_slice(&c.to_be_bytes());
    ip_frame(
        Mac::ipv4_multicast(dst),
        CORE_MAC,
        None,
        GATEWAY,
        dst,
        2,
        &igmp::ROUTER_ALERT,
        &q,
    )
}

fn echo_request(
    dst_mac: Mac,
    src_mac: Mac,
    vlan: Option<u16>,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    payload_len: usize,
) -> Vec<u8> {
    let mut icmp = vec![8, 0, 0, 0, 0xbe, 0xef, 0, 7];
    icmp.extend((0..payload_len).map(|i| (i * 7 + 3) as u8));
    let c = checksum::checksum(&icmp);
    icmp[2..4].copy_from_slice(&c.to_be_bytes());
    ip_frame(dst_mac, src_mac, vlan, src, dst, 1, &[], &icmp)
}

/// (src, dst, payload length) of an echo reply, checksums verified.
fn parse_echo_reply(f: &[u8]) -> (EthernetRepr, Ipv4Addr, Ipv4Addr, usize) {
    let (eth, ip) = EthernetRepr::parse(f).unwrap();
    let hl = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    assert!(checksum::verify(&ip[..hl]));
    assert_eq!(ip[9], 1);
    let icmp = &ip[hl..total];
    assert!(checksum::verify(icmp));
    assert_eq!(icmp[0], 0, "echo reply type");
    let src = Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]);
    let dst = Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]);
    (eth, src, dst, icmp.len() - 8)
}

// ===========================================================================
// IGMP

#[test]
fn igmpv3_startup_sends_two_reports_a_second_apart() {
    let mut r = Rig::new();
    let first = igmp_of(&r.tick(0.0, &[]));
    assert_eq!(first.len(), 1, "one report carries both groups");
    assert!(igmp_of(&r.tick(0.5, &[])).is_empty());
    let second = igmp_of(&r.tick(1.0, &[]));
    assert_eq!(second.len(), 1);
    for p in first.iter().chain(&second) {
        assert_igmp_envelope(p, igmp::IGMPV3_ROUTERS);
        assert!(matches!(p.msg, IgmpMsg::Report { version: 3, .. }));
        assert_eq!(
            records(p),
            vec![
                (RecordType::ChangeToExclude, G10),
                (RecordType::ChangeToExclude, G100)
            ]
        );
    }
    assert!(
        igmp_of(&r.tick(5.0, &[])).is_empty(),
        "robustness 2: no third"
    );
    assert_eq!(r.counter("igmp-reports-sent"), 2);
}

#[test]
fn igmpv2_startup_sends_a_report_to_each_group_twice() {
    let mut r = Rig::with(&with_igmp_v2(CONFIG));
    for t in [0.0, 1.0] {
        let ps = igmp_of(&r.tick(t, &[]));
        assert_eq!(ps.len(), 2);
        for (p, g) in ps.iter().zip([G10, G100]) {
            assert_igmp_envelope(p, g);
            assert_eq!(records(p), vec![(RecordType::ModeIsExclude, g)]);
            assert!(matches!(p.msg, IgmpMsg::Report { version: 2, .. }));
        }
    }
    assert!(igmp_of(&r.tick(3.0, &[])).is_empty());
}

#[test]
fn general_query_answered_after_a_random_delay_within_max_response() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    r.tick(1.0, &[]);
    // Max response 10 s (code 100).
    let q = query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 100, true);
    assert!(
        r.handle(UNDERLAY, &q, 20.0).is_empty(),
        "never answered at once"
    );
    assert_eq!(r.counter("igmp-queries-seen"), 1);
    let mut answers = Vec::new();
    let mut t = 20.0;
    while t <= 30.0 {
        for p in igmp_of(&r.tick(t, &[])) {
            answers.push((t, p));
        }
        t += 0.05;
    }
    assert_eq!(answers.len(), 1, "one answer");
    let (at, p) = &answers[0];
    assert!(*at > 20.0 && *at < 30.0, "answered at {at}");
    assert_igmp_envelope(p, igmp::IGMPV3_ROUTERS);
    assert_eq!(
        records(p),
        vec![
            (RecordType::ModeIsExclude, G10),
            (RecordType::ModeIsExclude, G100)
        ]
    );
    // A zero max response is answered on the next tick.
    let q = query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 0, true);
    r.handle(UNDERLAY, &q, 40.0);
    assert_eq!(igmp_of(&r.tick(40.0, &[])).len(), 1);
}

#[test]
fn v2_query_gets_v2_reports_and_v2_mode_answers_per_group() {
    for text in [CONFIG.to_string(), with_igmp_v2(CONFIG)] {
        let mut r = Rig::with(&text);
        r.tick(0.0, &[]);
        r.tick(1.0, &[]);
        // A v2 general query, max response 2 s.
        r.handle(
            UNDERLAY,
            &query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 20, false),
            10.0,
        );
        let ps = igmp_of(&r.tick(12.0, &[]));
        assert_eq!(ps.len(), 2);
        for (p, g) in ps.iter().zip([G10, G100]) {
            assert_igmp_envelope(p, g);
            assert!(matches!(p.msg, IgmpMsg::Report { version: 2, .. }));
        }
    }
}

#[test]
fn group_specific_query_answers_only_a_joined_group() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    r.tick(1.0, &[]);
    let other = Ipv4Addr::new(239, 9, 9, 9);
    r.handle(UNDERLAY, &query(other, other, 10, true), 5.0);
    assert!(igmp_of(&r.tick(7.0, &[])).is_empty());
    assert_eq!(r.ignored("igmp-unjoined-group"), 1);
    r.handle(UNDERLAY, &query(G100, G100, 10, true), 10.0);
    let ps = igmp_of(&r.tick(11.0, &[]));
    assert_eq!(ps.len(), 1);
    assert_eq!(records(&ps[0]), vec![(RecordType::ModeIsExclude, G100)]);
}

#[test]
fn pending_answers_are_bounded() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    r.tick(1.0, &[]);
    for _ in 0..1000 {
        r.handle(UNDERLAY, &query(G10, G10, 100, true), 2.0);
        r.handle(UNDERLAY, &query(G100, G100, 100, true), 2.0);
    }
    assert!(r.p.pending.len() <= MAX_PENDING_ANSWERS);
    assert!(igmp_of(&r.tick(13.0, &[])).len() <= 2);
}

#[test]
fn reconfigure_leaves_removed_groups_and_joins_new_ones() {
    for v2 in [false, true] {
        let text = if v2 {
            with_igmp_v2(CONFIG)
        } else {
            CONFIG.to_string()
        };
        let mut r = Rig::with(&text);
        r.tick(0.0, &[]);
        r.tick(1.0, &[]);
        let changed = text.replace("239.1.1.100", "239.1.1.101");
        let mut out = Vec::new();
        r.p.reconfigure(plane_config(&changed), r.at(5.0), &mut out);
        let ps = igmp_of(&out);
        let g101 = Ipv4Addr::new(239, 1, 1, 101);
        if v2 {
            assert_eq!(ps.len(), 2);
            assert_igmp_envelope(&ps[0], igmp::ALL_ROUTERS);
            assert_eq!(ps[0].msg, IgmpMsg::Leave { group: G100 });
            assert_igmp_envelope(&ps[1], g101);
        } else {
            assert_eq!(ps.len(), 2);
            assert_eq!(records(&ps[0]), vec![(RecordType::ChangeToInclude, G100)]);
            assert_eq!(records(&ps[1]), vec![(RecordType::ChangeToExclude, g101)]);
        }
        assert_eq!(r.counter("igmp-leaves-sent"), 1);
        // The join is repeated once, a second later.
        assert_eq!(igmp_of(&r.tick(6.0, &[])).len(), 1);
        assert!(igmp_of(&r.tick(8.0, &[])).is_empty());
    }
}

#[test]
fn shutdown_leaves_every_group() {
    let mut r = Rig::new();
    r.tick(0.0, &[]);
    let mut out = Vec::new();
    r.p.shutdown(&mut out);
    let ps = igmp_of(&out);
    assert_eq!(ps.len(), 1);
    assert_igmp_envelope(&ps[0], igmp::IGMPV3_ROUTERS);
    assert_eq!(
        records(&ps[0]),
        vec![
            (RecordType::ChangeToInclude, G10),
            (RecordType::ChangeToInclude, G100)
        ]
    );
    let mut r = Rig::with(&with_igmp_v2(CONFIG));
    let mut out = Vec::new();
    r.p.shutdown(&mut out);
    let ps = igmp_of(&out);
    assert_eq!(
        ps.iter().map(|p| p.msg.clone()).collect::<Vec<_>>(),
        vec![
            IgmpMsg::Leave { group: G10 },
            IgmpMsg::Leave { group: G100 }
        ]
    );
    for p in &ps {
        assert_igmp_envelope(p, igmp::ALL_ROUTERS);
    }
}

// ===========================================================================
// ARP

#[test]
fn arp_request_for_the_vtep_address_is_answered_on_the_underlay() {
    let mut r = Rig::new();
    let req = arp::request(CORE_MAC, GATEWAY, VTEP_IP, None);
    let out = r.handle(UNDERLAY, &req, 1.0);
    let a = arp_of(&out);
    assert_eq!(a.len(), 1);
    let (port, src, dst, vlan, arp) = a[0];
    assert_eq!(
        (port, src, dst, vlan),
        (UNDERLAY, port_mac(UNDERLAY), CORE_MAC, None)
    );
    assert_eq!(arp.op, ArpOp::Reply);
    assert_eq!(
        (arp.sender_mac, arp.sender_ip),
        (port_mac(UNDERLAY), VTEP_IP)
    );
    assert_eq!((arp.target_mac, arp.target_ip), (CORE_MAC, GATEWAY));
    // The asker was learned.
    assert!(r.p.neighbors().contains(&(GATEWAY, CORE_MAC)));
    assert!(r.p.take_neighbors_changed());
    // Someone else's address: nothing.
    let req = arp::request(CORE_MAC, GATEWAY, Ipv4Addr::new(192, 168, 24, 77), None);
    assert!(r.handle(UNDERLAY, &req, 1.0).is_empty());
    assert_eq!(r.counter("arp-requests-answered"), 1);
}

#[test]
fn arp_for_an_irb_is_answered_into_its_vlan_only() {
    let mut r = Rig::new();
    // From the access port (untagged there), punted with the VLAN tag.
    r.learn(10, HOST_MAC, Dest::Port(ACCESS));
    let req = arp::request(HOST_MAC, HOST_IP, IRB10, Some(10));
    let a = arp_of(&r.handle(ACCESS, &req, 1.0));
    assert_eq!(a.len(), 1);
    let (port, src, dst, vlan, arp) = a[0];
    assert_eq!((port, src, dst, vlan), (ACCESS, ROUTER_MAC, HOST_MAC, None));
    assert_eq!(
        (arp.op, arp.sender_mac, arp.sender_ip),
        (ArpOp::Reply, ROUTER_MAC, IRB10)
    );
    assert_eq!(arp.target_ip, HOST_IP);
    // From the trunk: tagged back.
    r.learn(100, VM_MAC, Dest::Port(TRUNK));
    let req = arp::request(VM_MAC, VM_IP, IRB0, Some(100));
    let a = arp_of(&r.handle(TRUNK, &req, 1.0));
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].0, a[0].3), (TRUNK, Some(100)));
    assert_eq!(a[0].4.sender_ip, IRB0);
    // The IRB of VLAN 100 does not answer on VLAN 10.
    let req = arp::request(HOST_MAC, HOST_IP, IRB0, Some(10));
    assert!(r.handle(ACCESS, &req, 1.0).is_empty());
    assert_eq!(r.ignored("arp-not-for-us"), 1);
    // `show arp` lists the IRB neighbors.
    let s = r.p.show_arp(r.at(2.0), false);
    assert!(s.contains("irb.10") && s.contains("100.10.1.4"), "{s}");
    assert!(
        s.contains("irb.0") && s.contains("00:50:56:b9:55:58"),
        "{s}"
    );
}

#[test]
fn arp_reply_to_an_unknown_host_floods_the_vlan() {
    let mut r = Rig::new();
    let req = arp::request(HOST_MAC, HOST_IP, IRB10, Some(10));
    let out = r.handle(ACCESS, &req, 1.0);
    // Access (untagged), trunk (tagged) and one copy to the group.
    let ports: Vec<u16> = out.iter().map(|(p, _)| *p).collect();
    assert_eq!(ports, vec![TRUNK, ACCESS, UNDERLAY]);
    assert_eq!(arp_of(&out[..1].to_vec())[0].3, Some(10));
    assert_eq!(arp_of(&out[1..2].to_vec())[0].3, None);
    let (outer, inner) = vxlan::Outer::parse(&out[2].1).unwrap();
    assert_eq!(
        (outer.dst_ip, outer.dst_mac, outer.vni),
        (G10, Mac::ipv4_multicast(G10), 10)
    );
    let (_, _, vlan, arp) = arp::parse_frame(inner).unwrap();
    assert_eq!(vlan, Some(10), "v10 has encapsulate-inner-vlan");
    assert_eq!(arp.sender_ip, IRB10);
}

#[test]
fn resolution_of_an_on_link_vtep_retries_then_backs_off() {
    let mut r = Rig::new();
    let requests = |out: &Out| {
        arp_of(out)
            .into_iter()
            .filter(|a| a.4.op == ArpOp::Request && a.4.target_ip == PEER_VTEP)
            .map(|a| {
                assert_eq!(
                    (a.0, a.1, a.2, a.3),
                    (UNDERLAY, port_mac(UNDERLAY), Mac::BROADCAST, None)
                );
                assert_eq!(a.4.sender_ip, VTEP_IP);
            })
            .count()
    };
    let mut sent = Vec::new();
    let mut t = 0.0;
    while t < 30.0 {
        if requests(&r.tick(t, &[PEER_VTEP])) > 0 {
            sent.push(t);
        }
        t += 0.25;
    }
    assert_eq!(
        sent,
        vec![0.0, 1.0, 2.0, 3.0, 13.0, 23.0],
        "first + 3 retries, then every 10 s"
    );
    assert!(!r.p.neighbors().iter().any(|(ip, _)| *ip == PEER_VTEP));
    assert!(!r.p.take_neighbors_changed());
    let s = r.p.show_arp(r.at(30.0), false);
    assert!(
        s.contains("192.168.24.5") && s.contains("incomplete"),
        "{s}"
    );
    // The reply resolves it.
    let reply = arp::reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP, None);
    assert!(r.handle(UNDERLAY, &reply, 30.0).is_empty());
    assert!(r.p.neighbors().contains(&(PEER_VTEP, PEER_MAC)));
    assert!(r.p.take_neighbors_changed());
    assert!(!r.p.take_neighbors_changed(), "true once");
    assert_eq!(requests(&r.tick(40.0, &[PEER_VTEP])), 0);
    assert_eq!(r.counter("arp-replies-seen"), 1);
}

#[test]
fn resolution_of_an_off_link_vtep_asks_for_the_gateway() {
    let mut r = Rig::new();
    let out = r.tick(0.0, &[FAR_VTEP]);
    let targets: Vec<Ipv4Addr> = arp_of(&out).iter().map(|a| a.4.target_ip).collect();
    // The gateway (once, for both reasons) and the on-link static remote
    // VTEP of v200; the off-link one goes through the gateway too.
    assert_eq!(targets, vec![GATEWAY, Ipv4Addr::new(192, 168, 24, 7)]);
    assert!(!targets.contains(&FAR_VTEP));
}

#[test]
fn resolved_entries_refresh_at_240_s_and_expire_at_300_s() {
    let mut r = Rig::new();
    r.tick(0.0, &[PEER_VTEP]);
    let reply = arp::reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP, None);
    r.handle(UNDERLAY, &reply, 0.5);
    assert!(r.p.take_neighbors_changed());
    let asks = |out: &Out| {
        arp_of(out)
            .iter()
            .filter(|a| a.4.target_ip == PEER_VTEP)
            .count()
    };
    let mut t = 1.0;
    let mut refresh = Vec::new();
    while t < 300.0 {
        if asks(&r.tick(t, &[PEER_VTEP])) > 0 {
            refresh.push(t);
        }
        t += 1.0;
    }
    // From 240.5 s: 241, 242, 243, 244 (fast), then 254, 264, ...
    assert_eq!(&refresh[..5], &[241.0, 242.0, 243.0, 244.0, 254.0]);
    let s = r.p.show_arp(r.at(250.0), false);
    assert!(s.contains("stale"), "{s}");
    // Old MAC still used until expiry.
    assert!(r.p.neighbors().contains(&(PEER_VTEP, PEER_MAC)));
    assert!(!r.p.take_neighbors_changed());
    r.tick(300.5, &[PEER_VTEP]);
    assert!(!r.p.neighbors().iter().any(|(ip, _)| *ip == PEER_VTEP));
    assert!(r.p.take_neighbors_changed());
    // A reply during refresh keeps it: resolve again and confirm at 250.
    r.handle(UNDERLAY, &reply, 301.0);
    r.tick(541.5, &[PEER_VTEP]);
    r.handle(UNDERLAY, &reply, 542.0);
    r.tick(700.0, &[PEER_VTEP]);
    assert!(r.p.neighbors().contains(&(PEER_VTEP, PEER_MAC)));
    // A learned but unneeded entry expires quietly, without requests.
    let mut r = Rig::new();
    r.handle(
        UNDERLAY,
        &arp::request(CORE_MAC, Ipv4Addr::new(192, 168, 24, 50), VTEP_IP, None),
        0.0,
    );
    assert_eq!(asks(&r.tick(250.0, &[])), 0);
    r.tick(301.0, &[]);
    assert!(!r.p.neighbors().iter().any(|(ip, _)| ip.octets()[3] == 50));
}

#[test]
fn static_arp_entries_are_neighbors_and_never_expire() {
    let mut r = Rig::new();
    assert!(r.p.neighbors().contains(&(STATIC_NH, STATIC_NH_MAC)));
    // Never asked for even when needed, never overwritten.
    let out = r.tick(0.0, &[STATIC_NH]);
    assert!(arp_of(&out).iter().all(|a| a.4.target_ip != STATIC_NH));
    let lie = arp::reply(PEER_MAC, STATIC_NH, port_mac(UNDERLAY), VTEP_IP, None);
    r.handle(UNDERLAY, &lie, 1.0);
    r.tick(100_000.0, &[STATIC_NH]);
    assert!(r.p.neighbors().contains(&(STATIC_NH, STATIC_NH_MAC)));
    let s = r.p.show_arp(r.at(1.0), false);
    assert!(s.contains("static") && s.contains("et-2/0/0.0"), "{s}");
}

#[test]
fn arp_table_is_bounded() {
    let mut r = Rig::with(
        &CONFIG
            .replace("192.168.24.4/24", "192.168.24.4/8")
            .replace("192.168.24.9", "192.0.0.9"),
    );
    for i in 0..(ARP_TABLE_MAX as u32 + 100) {
        let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(192, 1, 0, 0)) + i);
        let req = arp::request(
            Mac([0, 1, 2, 3, 4, 5]),
            ip,
            Ipv4Addr::new(192, 168, 24, 4),
            None,
        );
        r.handle(UNDERLAY, &req, 0.0);
    }
    assert_eq!(r.p.arp.len(), ARP_TABLE_MAX);
    assert_eq!(r.ignored("arp-table-full"), 100);
    // A needed next hop still gets a slot once old entries are unwanted.
    r.tick(100.0, &[PEER_VTEP]);
    assert!(r.p.arp.contains_key(&PEER_VTEP));
}

// ===========================================================================
// ICMP

#[test]
fn echo_to_the_vtep_address_is_answered() {
    let mut r = Rig::new();
    for len in [56, 8972] {
        let req = echo_request(port_mac(UNDERLAY), CORE_MAC, None, GATEWAY, VTEP_IP, len);
        let out = r.handle(UNDERLAY, &req, 0.0);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, UNDERLAY);
        let (eth, src, dst, n) = parse_echo_reply(&out[0].1);
        assert_eq!(
            (eth.dst, eth.src, eth.vlan),
            (CORE_MAC, port_mac(UNDERLAY), None)
        );
        assert_eq!((src, dst, n), (VTEP_IP, GATEWAY, len));
    }
    let req = echo_request(port_mac(UNDERLAY), CORE_MAC, None, GATEWAY, IRB0, 56);
    assert!(r.handle(UNDERLAY, &req, 0.0).is_empty());
    assert_eq!(r.ignored("echo-not-for-us"), 1);
    assert_eq!(r.counter("icmp-echo-replies-sent"), 2);
}

#[test]
fn echo_to_an_irb_answers_only_its_own_vlan() {
    let mut r = Rig::new();
    r.learn(100, VM_MAC, Dest::Port(TRUNK));
    // Jumbo: ping -s 8972 to the IRB from a VM behind the trunk.
    let req = echo_request(ROUTER_MAC, VM_MAC, Some(100), VM_IP, IRB0, 8972);
    let out = r.handle(TRUNK, &req, 0.0);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, TRUNK);
    let (eth, src, dst, n) = parse_echo_reply(&out[0].1);
    assert_eq!(
        (eth.dst, eth.src, eth.vlan),
        (VM_MAC, ROUTER_MAC, Some(100))
    );
    assert_eq!((src, dst, n), (IRB0, VM_IP, 8972));
    // The other VLAN's IRB address: ignored.
    let req = echo_request(ROUTER_MAC, VM_MAC, Some(100), VM_IP, IRB10, 56);
    assert!(r.handle(TRUNK, &req, 0.0).is_empty());
    assert_eq!(r.ignored("echo-not-for-us"), 1);
}

#[test]
fn echo_to_an_irb_from_a_remote_vtep_is_encapsulated() {
    let mut r = Rig::new();
    r.tick(0.0, &[PEER_VTEP]);
    // Unresolved next hop: dropped, counted, resolution triggered.
    r.learn(10, HOST_MAC, Dest::Vtep(u32::from(PEER_VTEP)));
    let req = echo_request(ROUTER_MAC, HOST_MAC, Some(10), HOST_IP, IRB10, 56);
    let out = r.handle(UNDERLAY, &req, 5.0);
    assert_eq!(arp_of(&out).len(), 1, "only an ARP request: {out:?}");
    assert_eq!(arp_of(&out)[0].4.target_ip, PEER_VTEP);
    assert_eq!(r.ignored("unresolved-next-hop"), 1);
    let reply = arp::reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP, None);
    r.handle(UNDERLAY, &reply, 5.1);
    // v10 keeps the inner tag; v100 does not. Jumbo fits the 9216 underlay.
    r.learn(100, VM_MAC, Dest::Vtep(u32::from(PEER_VTEP)));
    for (vlan, mac, ip, irb, len, tagged) in [
        (10, HOST_MAC, HOST_IP, IRB10, 56, true),
        (100, VM_MAC, VM_IP, IRB0, 8972, false),
    ] {
        let req = echo_request(ROUTER_MAC, mac, Some(vlan), ip, irb, len);
        let out = r.handle(UNDERLAY, &req, 6.0);
        assert_eq!(out.len(), 1);
        let (port, f) = &out[0];
        assert_eq!(*port, UNDERLAY);
        let (outer, inner) = vxlan::Outer::parse(f).unwrap();
        assert_eq!(outer.src_mac, port_mac(UNDERLAY));
        assert_eq!(outer.dst_mac, PEER_MAC);
        assert_eq!(
            (outer.src_ip, outer.dst_ip, outer.ttl),
            (VTEP_IP, PEER_VTEP, 64)
        );
        assert_eq!((outer.dst_port, outer.vni), (4789, u32::from(vlan)));
        assert!(outer.src_port >= 49152);
        let tag = EthernetRepr::parse(inner).unwrap().0.header_len() - ethernet::HEADER_LEN;
        assert_eq!(
            outer.src_port,
            vxlan::source_port(vxlan::inner_flow_hash(inner, tag))
        );
        // DF, IP ID 0, UDP checksum 0, VXLAN flags 0x08 and reserved zero.
        assert_eq!(&f[20..22], &[0x40, 0x00]);
        assert_eq!(&f[18..20], &[0, 0]);
        assert_eq!(&f[40..42], &[0, 0]);
        assert_eq!(&f[42..46], &[0x08, 0, 0, 0]);
        assert_eq!(f[49], 0);
        assert_eq!(
            usize::from(u16::from_be_bytes([f[16], f[17]])),
            f.len() - 14
        );
        let (eth, src, dst, n) = parse_echo_reply(inner);
        assert_eq!((eth.dst, eth.src), (mac, ROUTER_MAC));
        assert_eq!(eth.vlan, tagged.then_some(vlan));
        assert_eq!((src, dst, n), (irb, ip, len));
    }
}

#[test]
fn too_big_for_the_port_is_dropped_and_counted() {
    let mut r = Rig::new();
    r.learn(10, HOST_MAC, Dest::Port(ACCESS));
    // IP packet of 9001 bytes back out a port of MTU 9000.
    let req = echo_request(ROUTER_MAC, HOST_MAC, Some(10), HOST_IP, IRB10, 8973);
    assert!(r.handle(ACCESS, &req, 0.0).is_empty());
    assert_eq!(r.ignored("too-big"), 1);
}

// ===========================================================================
// LLDP

#[test]
fn lldp_is_sent_on_every_port_at_start_then_every_30_s() {
    let mut r = Rig::new();
    let sent = lldp_of(&r.tick(0.0, &[]));
    assert_eq!(
        sent.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        vec![UNDERLAY, TRUNK, ACCESS]
    );
    let (_, n) = &sent[0];
    assert_eq!(n.chassis_id, "02:00:00:00:00:10");
    assert_eq!(n.port_id, "et-2/0/0");
    assert_eq!(n.port_desc.as_deref(), Some("TO-CORE1"));
    assert_eq!(n.system_name.as_deref(), Some("EX9200-1"));
    assert_eq!(n.ttl, 120);
    assert_eq!(
        sent[2].1.port_desc.as_deref(),
        Some("ge-7/0/0"),
        "no description: the name"
    );
    let frame = &r.tick(0.0, &[]);
    assert!(lldp_of(frame).is_empty());
    assert!(lldp_of(&r.tick(29.0, &[])).is_empty());
    assert_eq!(lldp_of(&r.tick(30.0, &[])).len(), 3);
    assert_eq!(lldp_of(&r.tick(60.0, &[])).len(), 3);
    assert_eq!(r.counter("lldp-sent"), 9);
}

#[test]
fn lldp_neighbors_are_recorded_shown_and_expire() {
    let mut r = Rig::new();
    let n1 = lldp::frame(
        PEER_MAC,
        Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]),
        "et-2/0/0",
        "TO-QFX5100-48S-5",
        "EX9200-2",
        120,
    );
    let n2 = lldp::frame(VM_MAC, VM_MAC, "eth1", "", "South-VM", 60);
    assert!(r.handle(TRUNK, &n1, 0.0).is_empty());
    r.handle(ACCESS, &n2, 0.0);
    // Our own LLDP looped back is not a neighbor.
    let own = lldp::frame(
        port_mac(TRUNK),
        port_mac(TRUNK),
        "et-2/2/1",
        "",
        "EX9200-1",
        120,
    );
    r.handle(ACCESS, &own, 0.0);
    assert_eq!(r.ignored("lldp-own"), 1);
    assert_eq!(r.counter("lldp-received"), 2);
    let s = r.p.show_lldp(r.at(10.0), false);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines,
        vec![
            "Local Interface    Parent Interface    Chassis Id          Port info          System Name",
            "et-2/2/1           -                   4c:96:14:6b:bb:c0   TO-QFX5100-48S-5   EX9200-2",
            "ge-7/0/0           -                   00:50:56:b9:55:58   eth1               South-VM",
        ]
    );
    let j: Value = serde_json::from_str(&r.p.show_lldp(r.at(10.0), true)).unwrap();
    assert_eq!(j["lldp-neighbors"][1]["system-name"], "South-VM");
    // After its TTL the second one is gone.
    r.tick(61.0, &[]);
    let s = r.p.show_lldp(r.at(61.0), false);
    assert!(s.contains("EX9200-2") && !s.contains("South-VM"), "{s}");
    r.tick(121.0, &[]);
    assert_eq!(r.p.show_lldp(r.at(121.0), false).lines().count(), 1);
    // A refresh extends it; TTL 0 removes it.
    r.handle(TRUNK, &n1, 200.0);
    assert_eq!(r.p.show_lldp(r.at(300.0), false).lines().count(), 2);
    let bye = lldp::frame(
        PEER_MAC,
        Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]),
        "et-2/0/0",
        "",
        "",
        0,
    );
    r.handle(TRUNK, &bye, 301.0);
    assert_eq!(r.p.show_lldp(r.at(301.0), false).lines().count(), 1);
}

#[test]
fn lldp_neighbors_are_bounded() {
    let mut r = Rig::new();
    for i in 0..100u8 {
        let f = lldp::frame(
            Mac([0, 0, 0, 0, 1, i]),
            Mac([0, 0, 0, 0, 1, i]),
            "p",
            "",
            "",
            120,
        );
        r.handle(TRUNK, &f, 0.0);
    }
    assert_eq!(r.p.lldp.len(), LLDP_MAX_PER_PORT);
    assert_eq!(r.ignored("lldp-table-full"), 100 - LLDP_MAX_PER_PORT as u64);
}

// ===========================================================================
// Configuration, shows, robustness

#[test]
fn plane_config_from_the_configuration() {
    let c = plane_config(CONFIG);
    let u = c.underlay.as_ref().unwrap();
    assert_eq!(
        (u.name.as_str(), u.ip, u.prefix, u.gateway),
        ("et-2/0/0", VTEP_IP, 24, Some(GATEWAY))
    );
    assert_eq!(c.igmp_version, 3);
    assert_eq!(c.groups(), vec![G10, G100]);
    assert_eq!(
        c.static_vteps(),
        vec![Ipv4Addr::new(10, 9, 9, 9), Ipv4Addr::new(192, 168, 24, 7)]
    );
    assert_eq!(c.static_arp, vec![(STATIC_NH, STATIC_NH_MAC)]);
    assert_eq!(c.system_name, "EX9200-1");
    assert_eq!(c.ports.len(), 3);
    assert_eq!(c.ports[1].description, "TO-QFX5100-48S-5");
    assert_eq!(c.vlans[0].irb.as_ref().unwrap().name, "irb.10");
    assert_eq!(c.vlans[1].irb.as_ref().unwrap().name, "irb.0");
    assert_eq!(plane_config(&with_igmp_v2(CONFIG)).igmp_version, 2);
    // Without system-name, the host name (read once, never empty).
    let c = plane_config(&CONFIG.replace("system-name = \"EX9200-1\"\n", ""));
    assert!(!c.system_name.is_empty());
}

#[test]
fn show_outputs_have_the_expected_rows_and_json_parses() {
    let mut r = Rig::new();
    r.tick(0.0, &[PEER_VTEP]);
    r.handle(
        UNDERLAY,
        &query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 100, true),
        3.0,
    );
    let reply = arp::reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP, None);
    r.handle(UNDERLAY, &reply, 4.0);
    let now = r.at(10.0);
    let s = r.p.show_igmp(now, false);
    assert!(s.contains("Interface: et-2/0/0.0, Version: 3"), "{s}");
    assert!(
        s.contains("Group: 239.1.1.10") && s.contains("Group: 239.1.1.100"),
        "{s}"
    );
    assert!(
        s.contains("Reports sent: 1") && s.contains("Last query: 7s ago"),
        "{s}"
    );
    assert!(s.contains("Joined: 10s ago"), "{s}");
    let j: Value = serde_json::from_str(&r.p.show_igmp(now, true)).unwrap();
    assert_eq!(j["igmp-membership"][0]["group"], "239.1.1.10");
    assert_eq!(j["igmp-membership"][0]["version"], 3);
    let s = r.p.show_arp(now, false);
    assert!(
        s.starts_with("MAC Address       Address         Interface"),
        "{s}"
    );
    assert!(
        s.lines().any(
            |l| l.starts_with("4c:96:14:6b:bb:f0 192.168.24.5    et-2/0/0.0")
                && l.contains("reachable")
                && l.ends_with("294")
        ),
        "{s}"
    );
    assert!(s.contains("Total entries: 4"), "{s}");
    let j: Value = serde_json::from_str(&r.p.show_arp(now, true)).unwrap();
    assert_eq!(j["total-entries"], 4);
    assert!(j["arp-table"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["state"] == "incomplete" && e["ip-address"] == "192.168.24.1"));
    let j: Value = serde_json::from_str(&r.p.show_lldp(now, true)).unwrap();
    assert!(j["lldp-neighbors"].as_array().unwrap().is_empty());
    let c = r.p.counters();
    assert_eq!(c["igmp-queries-seen"], 1);
    assert!(c["arp-requests-sent"].as_u64().unwrap() >= 2);
}

#[test]
fn junk_of_every_length_never_panics() {
    let mut r = Rig::new();
    r.learn(10, HOST_MAC, Dest::Vtep(u32::from(PEER_VTEP)));
    let valid: Vec<Vec<u8>> = vec![
        arp::request(CORE_MAC, GATEWAY, VTEP_IP, None),
        arp::request(HOST_MAC, HOST_IP, IRB10, Some(10)),
        echo_request(port_mac(UNDERLAY), CORE_MAC, None, GATEWAY, VTEP_IP, 100),
        echo_request(ROUTER_MAC, HOST_MAC, Some(10), HOST_IP, IRB10, 100),
        query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 100, true),
        query(G10, G10, 10, false),
        lldp::frame(PEER_MAC, PEER_MAC, "x", "y", "z", 120),
    ];
    let mut seed: u32 = 1;
    let mut noise = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as u8
    };
    for (k, f) in valid.iter().enumerate() {
        for n in 0..=f.len().min(200) {
            for port in [UNDERLAY, TRUNK, ACCESS, 99] {
                r.handle(port, &f[..n], k as f64);
            }
        }
        // Corrupt each byte of the header area in turn.
        for i in 0..f.len().min(80) {
            let mut g = f.clone();
            g[i] ^= noise() | 1;
            r.handle(UNDERLAY, &g, k as f64);
            r.handle(TRUNK, &g, k as f64);
        }
    }
    for n in 0..300 {
        let g: Vec<u8> = (0..n).map(|_| noise()).collect();
        r.handle(UNDERLAY, &g, 9.0);
        r.handle(ACCESS, &g, 9.0);
        // Plausible headers with random rest.
        for et in [[0x08, 0x00], [0x08, 0x06], [0x88, 0xcc], [0x81, 0x00]] {
            let mut h = vec![0xff; 12];
            h.extend_from_slice(&et);
            h.extend_from_slice(&g);
            r.handle(UNDERLAY, &h, 9.0);
            r.handle(TRUNK, &h, 9.0);
        }
    }
    r.tick(10.0, &[PEER_VTEP, FAR_VTEP]);
    let _ = r.p.show_arp(r.at(10.0), false);
    let _ = r.p.show_lldp(r.at(10.0), false);
    let _ = r.p.show_igmp(r.at(10.0), false);
}

#[test]
fn icmp_echo_reply_fresh_ident() {
    let req = echo_request(ROUTER_MAC, HOST_MAC, None, HOST_IP, VTEP_IP, 8);
    let p = icmpv4::parse_echo_request(&req).unwrap();
    let a = p.reply(ROUTER_MAC, next_ip_ident());
    let b = p.reply(ROUTER_MAC, next_ip_ident());
    assert_ne!(&a[18..20], &b[18..20]);
}
