//! `control_protocols`: arbitrary frames through every `wire` parser (a
//! parsed header emitted again must parse to the same thing) and through
//! the control plane as punted frames, with its timers running. Nothing
//! panics, and every frame the plane emits re-parses: out of a port, it
//! is a well-formed ARP, IGMP, ICMP or LLDP frame from one of our MACs;
//! into a VLAN, an untagged ARP or ICMP frame that the bridge's control
//! input sends on without punting it back. The shows of the protocols'
//! tables render whatever the frames put there.
//!
//! Input layout ([`crate::Input`]): `[knobs]`, then punts `[port][dt]
//! [frame chunk]`: `port` picks the underlay (0), the trunk (1), the access
//! port (2) or an unknown one; `dt` advances the clock by `dt / 4`
//! seconds, and an odd `dt` runs the timers. Knobs bit 0: IGMP v2.

use crate::Input;
use dataplane::bridge::{control_input, BridgeConfig, Counters, DropReason, Fdb, Sink, View};
use dataplane::mactable::{MacTable, Memo};
use dataplane::{Packet, VecPacket};
use std::net::Ipv4Addr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use vtep::config::Config;
use vtep::ports::PortRef;
use vtep::protocols::{Emit, Plane, PlaneConfig};
use vtep::switch::bridge_config;
use wire::ethernet::ethertype;
use wire::{arp, icmpv4, igmp, ip_proto, ipv4, lldp, udp, vxlan, EthernetRepr, Mac};

/// The seed lab's EX9200-1, plus an access port, a static-remote-vteps
/// VLAN and an IGMP-less VLAN (the protocols' unit-test configuration).
pub const CONFIG: &str = r#"
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

[ethernet-switching]
mac-table-size = 64
"#;

pub const UNDERLAY: u16 = 0;
pub const TRUNK: u16 = 1;
pub const ACCESS: u16 = 2;
const PORTS: [u16; 4] = [UNDERLAY, TRUNK, ACCESS, 9];
pub const ROUTER_MAC: Mac = Mac([0x02, 0xaa, 0, 0, 0, 1]);
/// Remote VTEPs the timers resolve next hops for.
const VTEPS: [Ipv4Addr; 3] = [
    Ipv4Addr::new(192, 168, 24, 5),
    Ipv4Addr::new(10, 20, 0, 5),
    Ipv4Addr::new(192, 168, 24, 7),
];

pub fn port_mac(port: u16) -> Mac {
    Mac([0x02, 0, 0, 0, 0, 0x10 + port as u8])
}

/// The configuration compiled as bring-up does, device dN on port N.
fn compile(text: &str) -> (PlaneConfig, BridgeConfig) {
    let cfg = Config::parse(text).expect("the target's configuration");
    let ports: Vec<PortRef> = cfg
        .devices()
        .iter()
        .map(|(_, dev)| {
            let id: u16 = dev[1..].parse().expect("dN");
            PortRef {
                name: dev.to_string(),
                id,
                mac: port_mac(id),
            }
        })
        .collect();
    let mut b = bridge_config(&cfg, &ports).expect("compiles");
    b.router_mac = ROUTER_MAC;
    (PlaneConfig::new(&cfg, &b), b)
}

fn setup(v2: bool) -> &'static (PlaneConfig, BridgeConfig) {
    static V3: OnceLock<(PlaneConfig, BridgeConfig)> = OnceLock::new();
    static V2: OnceLock<(PlaneConfig, BridgeConfig)> = OnceLock::new();
    if v2 {
        V2.get_or_init(|| {
            compile(&CONFIG.replacen("ttl = 64\n", "ttl = 64\nigmp-version = 2\n", 1))
        })
    } else {
        V3.get_or_init(|| compile(CONFIG))
    }
}

/// At most this many punts a run.
const MAX_PUNTS: usize = 64;

/// The fuzz target.
pub fn run(data: &[u8]) {
    let mut inp = Input::new(data);
    let knobs = inp.u8();
    let (pc, bc) = setup(knobs & 1 == 1);
    let t0 = Instant::now();
    let mut plane = Plane::new(pc.clone(), t0);
    let mut bridge = Bridged::new(bc);
    let mut out = Vec::new();
    let mut now = t0;
    plane.tick(now, &VTEPS, &mut out);
    bridge.check(&plane, pc, &mut out);
    for _ in 0..MAX_PUNTS {
        if inp.is_empty() {
            break;
        }
        let port = inp.pick(&PORTS);
        let dt = inp.u8();
        let frame = inp.chunk();
        wire_parsers(frame);
        now += Duration::from_millis(u64::from(dt) * 250);
        plane.handle(port, frame, now, &mut out);
        if dt & 1 == 1 {
            plane.tick(now, &VTEPS, &mut out);
        }
        bridge.check(&plane, pc, &mut out);
    }
    plane.shutdown(&mut out);
    bridge.check(&plane, pc, &mut out);
    let _ = plane.counters().to_string();
    let igmp = vtep::show::igmp::IgmpMembership::of(&plane, now);
    let arp = vtep::show::arp::ArpTable::of(&plane, now);
    let lldp = vtep::show::lldp::LldpNeighbors::of(&plane, now);
    let _ = (igmp.text(), vtep::show::compact(&igmp));
    let _ = (arp.text(), vtep::show::compact(&arp));
    let _ = (lldp.text(), vtep::show::compact(&lldp));
}

/// The dataplane the plane's VLAN frames enter, as the switch runs it: a
/// view that follows the neighbours the plane resolves.
struct Bridged {
    cfg: BridgeConfig,
    view: View,
    macs: MacTable,
    memo: Memo,
    ctr: Counters,
}

/// Frames the bridge sends for the control thread; a punt back is a bug.
struct CtlSink;

impl Sink<VecPacket> for CtlSink {
    fn tx(&mut self, _port: u16, pkt: VecPacket) {
        assert!(pkt.data().len() >= 14);
    }
    fn punt(&mut self, pkt: VecPacket) {
        panic!(
            "the control thread's frame punted back to it: {:02x?}",
            pkt.data()
        );
    }
    fn drop(&mut self, _pkt: VecPacket, _why: DropReason) {}
}

impl Bridged {
    fn new(cfg: &BridgeConfig) -> Bridged {
        Bridged {
            cfg: cfg.clone(),
            view: View::new(cfg),
            macs: MacTable::new(64),
            memo: Memo::default(),
            ctr: Counters::new(),
        }
    }

    /// Checks and bridges what the plane emitted, and empties `out`.
    fn check(&mut self, plane: &Plane, pc: &PlaneConfig, out: &mut Vec<Emit>) {
        // ARP replies change the next hops: the switch republishes then.
        let mut plane_neighbors = None;
        for e in out.drain(..) {
            match e {
                Emit::Port(p, f) => {
                    let port = pc
                        .ports
                        .iter()
                        .find(|x| x.port_id == p)
                        .unwrap_or_else(|| panic!("sent out of port {p}, not ours"));
                    let eth = check_emitted(&f, usize::from(port.mtu));
                    let ours = pc.ports.iter().any(|x| x.mac == eth.src);
                    assert!(ours, "sent from {:02x?}, not a port's MAC", eth.src);
                }
                Emit::Vlan(v, f) => {
                    assert!(pc.vlans.iter().any(|x| x.vlan_id == v), "into VLAN {v}");
                    let eth = check_emitted(&f, 9216);
                    assert_eq!(eth.vlan, None, "a frame into a VLAN carries no tag");
                    assert_eq!(
                        eth.src, pc.router_mac,
                        "IRB frames come from the router MAC"
                    );
                    assert!(
                        eth.ethertype == ethertype::ARP || eth.ethertype == ethertype::IPV4,
                        "into a VLAN: EtherType {:#x}",
                        eth.ethertype
                    );
                    let n = plane_neighbors.get_or_insert_with(|| plane.neighbors());
                    if *n != self.cfg.neighbors {
                        self.cfg.neighbors = n.clone();
                        self.view = View::new(&self.cfg);
                    }
                    let mut fdb = Fdb::new(&self.macs, &mut self.memo, 1);
                    let pkt = VecPacket::new(&f);
                    control_input(&self.view, &mut fdb, v, pkt, &mut CtlSink, &self.ctr);
                }
            }
        }
    }
}

/// A frame the plane built parses back, by its EtherType; its header.
fn check_emitted(f: &[u8], mtu: usize) -> EthernetRepr {
    let (eth, payload) = EthernetRepr::parse(f).expect("an Ethernet frame");
    assert!(f.len() >= 60, "{} bytes: not padded", f.len());
    assert!(
        f.len() <= mtu + 18,
        "{} bytes over an MTU of {mtu}",
        f.len()
    );
    match eth.ethertype {
        ethertype::ARP => {
            arp::parse_frame(f).expect("an ARP frame");
        }
        ethertype::LLDP => {
            lldp::try_parse(f).expect("an LLDP frame");
        }
        ethertype::IPV4 => {
            let (ip, _opts, l4) = ipv4::Repr::try_parse(payload).expect("an IPv4 packet");
            match ip.protocol {
                ip_proto::IGMP => {
                    igmp::try_parse_packet(f).expect("an IGMP packet");
                }
                ip_proto::ICMP => {
                    let p = icmpv4::Packet::new_checked(l4).expect("an ICMP message");
                    icmpv4::Repr::parse(&p).expect("an echo message");
                }
                p => panic!("sent IP protocol {p}"),
            }
        }
        t => panic!("sent EtherType {t:#x}"),
    }
    eth
}

/// Every `wire` parser on `f`; what parses is emitted again and must
/// parse to the same.
pub fn wire_parsers(f: &[u8]) {
    let _ = arp::parse_frame(f);
    let _ = arp::is_rarp(f);
    let _ = igmp::parse(f);
    let _ = igmp::parse_packet(f);
    let _ = lldp::parse(f);
    let _ = vxlan::Outer::parse(f);
    if let Ok(req) = icmpv4::try_parse_echo_request(f) {
        let reply = req.reply(ROUTER_MAC, 7);
        let (eth, payload) = EthernetRepr::parse(&reply).expect("the echo reply's Ethernet");
        assert_eq!(eth.src, ROUTER_MAC);
        let (_, _, l4) = ipv4::Repr::parse(payload).expect("the echo reply's IPv4");
        let p = icmpv4::Packet::new_checked(l4).expect("the echo reply's ICMP");
        assert!(matches!(
            icmpv4::Repr::parse(&p),
            Ok(icmpv4::Repr::EchoReply { .. })
        ));
    }
    let Some((eth, payload)) = EthernetRepr::parse(f) else {
        return;
    };
    let mut b = Vec::new();
    eth.emit(&mut b);
    b.extend_from_slice(payload);
    let (eth2, payload2) = EthernetRepr::parse(&b).expect("an emitted Ethernet header");
    assert_eq!((eth2, payload2), (eth, payload));
    l3_parsers(payload);
    if let Some(a) = arp::Repr::parse_body(payload) {
        let mut b = vec![0; a.buffer_len()];
        a.emit(&mut arp::Packet::new_unchecked(&mut b[..]));
        assert_eq!(arp::Repr::parse_body(&b), Some(a));
    }
    if let Ok(p) = lldp::Packet::new_checked(payload) {
        if let Ok(r) = lldp::Repr::parse(&p) {
            let mut b = vec![0; r.buffer_len()];
            r.emit(&mut lldp::Packet::new_unchecked(&mut b[..]));
            let p2 = lldp::Packet::new_checked(&b[..]).expect("an emitted LLDPDU");
            assert_eq!(lldp::Repr::parse(&p2), Ok(r));
        }
    }
}

/// IPv4 and what it carries.
fn l3_parsers(packet: &[u8]) {
    let Some((ip, opts, l4)) = ipv4::Repr::parse(packet) else {
        return;
    };
    let mut b = Vec::new();
    ip.emit(&mut b, true, opts, l4.len());
    b.extend_from_slice(l4);
    let back = ipv4::Repr::parse(&b).expect("an emitted IPv4 header");
    assert_eq!(back, (ip, opts, l4));
    match ip.protocol {
        ip_proto::IGMP => {
            if let Ok(p) = igmp::Packet::new_checked(l4) {
                if let Ok(r) = igmp::Repr::parse(&p) {
                    let mut b = vec![0; r.buffer_len()];
                    r.emit(&mut igmp::Packet::new_unchecked(&mut b[..]));
                    let p2 = igmp::Packet::new_checked(&b[..]).expect("an emitted IGMP message");
                    assert_eq!(igmp::Repr::parse(&p2), Ok(r));
                }
            }
        }
        ip_proto::ICMP => {
            if let Ok(p) = icmpv4::Packet::new_checked(l4) {
                if let Ok(r) = icmpv4::Repr::parse(&p) {
                    let mut b = vec![0; r.buffer_len()];
                    r.emit(&mut icmpv4::Packet::new_unchecked(&mut b[..]));
                    let p2 = icmpv4::Packet::new_checked(&b[..]).expect("an emitted ICMP message");
                    assert_eq!(icmpv4::Repr::parse(&p2), Ok(r));
                }
            }
        }
        ip_proto::UDP => {
            if let Ok(p) = udp::Packet::new_checked(l4) {
                if let Ok(r) = udp::Repr::parse(&p) {
                    let mut b = vec![0; r.buffer_len()];
                    r.emit(&mut udp::Packet::new_unchecked(&mut b[..]));
                    let p2 = udp::Packet::new_checked(&b[..]).expect("an emitted UDP header");
                    assert_eq!(udp::Repr::parse(&p2), Ok(r));
                }
            }
        }
        _ => {}
    }
}

/// Writes what [`run`] reads, for the seed corpus.
pub fn write(knobs: u8, punts: &[(u8, u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![knobs];
    for (port, dt, f) in punts {
        out.push(*port);
        out.push(*dt);
        crate::chunk(&mut out, f);
    }
    out
}
