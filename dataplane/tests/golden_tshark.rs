//! Frames vtep produced, decoded by an independent decoder (tshark).
//!
//! Skipped with a message when tshark is missing, unless
//! `VTEP_REQUIRE_TOOLS` is set (CI), where a missing tshark fails.

use dataplane::bridge::{
    process, BridgeConfig, Counters, DropReason, Flood, PortConf, PortMode, Sink, Underlay, View,
    VlanConf,
};
use dataplane::mactable::{Dest, MacTable};
use dataplane::{Packet, VecPacket};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use vtep_testkit::{parse_vxlan, pcap, Eth, BROADCAST, VXLAN_PORT};
use wire::Mac;

const UL_MAC: [u8; 6] = [0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0];
const PEER_MAC: [u8; 6] = [0x4c, 0x96, 0x14, 0xf2, 0xb6, 0xe0];
const H1: [u8; 6] = [0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31];
const H2: [u8; 6] = [0x00, 0x50, 0x56, 0x69, 0x37, 0xdb];
const NETAPP: [u8; 6] = [0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc];
const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);

fn tshark() -> Option<PathBuf> {
    let found = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(PathBuf::from("tshark"));
    }
    if std::env::var_os("VTEP_REQUIRE_TOOLS").is_some() {
        panic!("tshark not found and VTEP_REQUIRE_TOOLS is set");
    }
    eprintln!("SKIPPED: tshark not installed (set VTEP_REQUIRE_TOOLS to make this fail)");
    None
}

fn cfg() -> BridgeConfig {
    let port = |id: u16, mode| PortConf {
        port_id: id,
        name: format!("p{id}"),
        mode,
        mac: Mac([0x02, 0, 0, 0, 0, id as u8]),
        mtu: 9000,
    };
    let vlan = |id: u16, group: Ipv4Addr, inner: bool| VlanConf {
        vlan_id: id,
        name: format!("v{id}"),
        vni: Some(u32::from(id)),
        flood: Flood::Group(group),
        encap_inner_vlan: inner,
        decap_accept_inner_vlan: inner,
        irb: None,
    };
    BridgeConfig {
        ports: vec![
            port(1, PortMode::Access(100)),
            port(2, PortMode::Trunk(vec![10, 100])),
            port(9, PortMode::Underlay),
        ],
        vlans: vec![
            vlan(100, Ipv4Addr::new(239, 1, 1, 100), false),
            vlan(10, Ipv4Addr::new(239, 1, 1, 10), true),
        ],
        underlay: Some(Underlay {
            port_id: 9,
            ip: OUR_IP,
            prefix: 24,
            mac: Mac(UL_MAC),
            mtu: 9050,
            gateway: None,
            udp_port: 4789,
            ttl: 64,
        }),
        router_mac: Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]),
        neighbors: vec![(PEER_IP, Mac(PEER_MAC))],
    }
}

#[derive(Default)]
struct Collect(Vec<(u16, Vec<u8>)>);

impl Sink<VecPacket> for Collect {
    fn tx(&mut self, port: u16, pkt: VecPacket) {
        self.0.push((port, pkt.data().to_vec()))
    }
    fn punt(&mut self, _: VecPacket) {
        panic!("unexpected punt")
    }
    fn drop(&mut self, _: VecPacket, why: DropReason) {
        panic!("unexpected drop {}", why.name())
    }
}

/// An IPv4/UDP inner frame of `len` bytes, 4 more when tagged.
fn inner(dst: [u8; 6], src: [u8; 6], vid: Option<u16>, len: usize) -> Vec<u8> {
    let eth = Eth::new(dst, src);
    let eth = match vid {
        Some(v) => eth.vlan(v),
        None => eth,
    };
    eth.ipv4([100, 10, 1, 4], [100, 10, 1, 254])
        .udp(40000, 2049)
        .payload_len(len - 42)
        .build()
}

fn run(view: &View, macs: &MacTable, port: u16, f: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut s = Collect::default();
    process(
        view,
        macs,
        1,
        port,
        VecPacket::new(f),
        &mut s,
        &Counters::new(),
    );
    s.0
}

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("vtep-golden-{}", std::process::id()))
}

fn decode(tshark: &Path, name: &str, frame: &[u8]) -> String {
    let dir = scratch();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.pcap"));
    pcap::write(&file, &[frame]);
    let out = Command::new(tshark)
        .arg("-r")
        .arg(&file)
        .args([
            "-V",
            "-d",
            "udp.port==4789,vxlan",
            "-o",
            "ip.check_checksum:TRUE",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for bad in [
        "Malformed",
        "Expert Info (Warning",
        "Expert Info (Error",
        "[incorrect",
        "Bad",
    ] {
        assert!(!text.contains(bad), "{name}: tshark says {bad}:\n{text}");
    }
    text
}

fn has(text: &str, needles: &[&str]) {
    assert!(
        text.lines()
            .any(|l| l.trim().starts_with("Header Checksum: 0x") && l.ends_with("[correct]")),
        "IP header checksum not marked correct:\n{text}"
    );
    for n in needles {
        assert!(text.contains(n), "missing {n:?} in:\n{text}");
    }
}

#[test]
fn golden_frames_decode_in_tshark() {
    let Some(tshark) = tshark() else { return };
    let view = View::new(&cfg());
    let macs = MacTable::new(64);

    // 1. Encap unicast: access VLAN 100 → known remote VTEP.
    macs.learn(100, &Mac(H2), Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = inner(H2, H1, None, 128);
    let out = run(&view, &macs, 1, &f);
    assert_eq!(out.len(), 1);
    let (port, enc) = &out[0];
    assert_eq!(*port, 9);
    let outer = parse_vxlan(enc);
    assert_eq!(outer.vni, 100);
    assert_eq!(outer.dst_mac, PEER_MAC);
    let t = decode(&tshark, "encap-unicast", enc);
    has(
        &t,
        &[
            "Virtual eXtensible Local Area Network",
            "Flags: 0x0800, VXLAN Network ID (VNI)",
            "VXLAN Network Identifier (VNI): 100",
            "Time to Live: 64",
            "Don't fragment: Set",
            "[Header checksum status: Good]",
            "Checksum: 0x0000 [zero-value ignored]",
            "Source Address: 192.168.24.4",
            "Destination Address: 192.168.24.5",
            "Destination Port: 4789",
            "Checksum: 0x0000",
            "(4c:96:14:f2:b6:e0)",
            "(00:50:56:69:37:db)",
            "(00:50:56:6f:2c:31)",
            "Total Length: 164",
        ],
    );
    assert!(!t.contains("802.1Q"), "no inner tag on VLAN 100");

    // 2. Encap to the group with the inner VLAN kept (VLAN 10 from the trunk).
    let f = inner(BROADCAST, NETAPP, Some(10), 100);
    let out = run(&view, &macs, 2, &f);
    let grp: Vec<_> = out.iter().filter(|(p, _)| *p == 9).collect();
    assert_eq!(grp.len(), 1);
    let t = decode(&tshark, "encap-group-inner-vlan", &grp[0].1);
    has(
        &t,
        &[
            "VXLAN Network Identifier (VNI): 10",
            "Destination Address: 239.1.1.10",
            "(01:00:5e:01:01:0a)",
            "Time to Live: 64",
            "Don't fragment: Set",
            "[Header checksum status: Good]",
            "802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 10",
            "(02:a0:98:2c:06:cc)",
            "Broadcast (ff:ff:ff:ff:ff:ff)",
        ],
    );

    // 3. Decap output: from the peer to the trunk (re-tagged VLAN 100).
    macs.learn(100, &Mac(H1), Dest::Port(2), 1);
    let inner_f = inner(H1, NETAPP, None, 200);
    let tun = Eth::new(UL_MAC, PEER_MAC)
        .ipv4(PEER_IP, OUR_IP)
        .df()
        .udp(outer.sport, VXLAN_PORT)
        .vxlan(100)
        .wrap(&inner_f);
    let out = run(&view, &macs, 9, &tun);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, 2);
    let t = decode(&tshark, "decap", &out[0].1);
    has(
        &t,
        &[
            "802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 100",
            "(00:50:56:6f:2c:31)",
            "(02:a0:98:2c:06:cc)",
            "Source Address: 100.10.1.4",
            "[Header checksum status: Good]",
        ],
    );
    assert!(!t.contains("VXLAN"), "decapsulated");
    let _ = std::fs::remove_dir_all(scratch());
}
