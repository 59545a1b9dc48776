//! Frames vtep produced, decoded by an independent decoder (tshark).
//!
//! Skipped with a message when tshark is missing, unless
//! `VTEP_REQUIRE_TOOLS` is set (CI), where a missing tshark fails.

use dataplane::bridge::{
    process, BridgeConfig, Counters, Drop, Flood, PortConf, PortMode, Sink, Underlay, View,
    VlanConf,
};
use dataplane::mactable::{Dest, MacTable};
use dataplane::{Packet, VecPacket};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use wire::{EthernetFrame, Ipv4Packet, Mac, UdpPacket, VxlanHeader};

const UL_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);
const PEER_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0xf2, 0xb6, 0xe0]);
const H1: Mac = Mac([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31]);
const H2: Mac = Mac([0x00, 0x50, 0x56, 0x69, 0x37, 0xdb]);
const NETAPP: Mac = Mac([0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc]);
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
            mac: UL_MAC,
            mtu: 9050,
            gateway: None,
            udp_port: 4789,
            ttl: 64,
        }),
        router_mac: Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]),
        neighbors: vec![(PEER_IP, PEER_MAC)],
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
    fn drop(&mut self, _: VecPacket, why: Drop) {
        panic!("unexpected drop {}", why.name())
    }
}

/// An IPv4/UDP inner frame, optionally tagged.
fn inner(dst: Mac, src: Mac, vid: Option<u16>, len: usize) -> Vec<u8> {
    let mut f = vec![0u8; len + if vid.is_some() { 4 } else { 0 }];
    let mut at = 12;
    f[..6].copy_from_slice(&dst.0);
    f[6..12].copy_from_slice(&src.0);
    if let Some(v) = vid {
        f[12..14].copy_from_slice(&wire::ethertype::VLAN.to_be_bytes());
        f[14..16].copy_from_slice(&v.to_be_bytes());
        at = 16;
    }
    f[at..at + 2].copy_from_slice(&wire::ethertype::IPV4.to_be_bytes());
    let l3 = at + 2;
    let body = f.len() - l3;
    let mut ip = Ipv4Packet::new_unchecked(&mut f[l3..]);
    ip.set_version_and_header_len(4, 20);
    ip.set_total_len(body as u16);
    ip.set_ttl(64);
    ip.set_protocol(wire::ip_proto::UDP);
    ip.set_src_addr(Ipv4Addr::new(100, 10, 1, 4));
    ip.set_dst_addr(Ipv4Addr::new(100, 10, 1, 254));
    ip.fill_checksum();
    let mut u = UdpPacket::new_unchecked(&mut f[l3 + 20..]);
    u.set_src_port(40000);
    u.set_dst_port(2049);
    u.set_len((body - 20) as u16);
    f
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

fn write_pcap(path: &Path, frames: &[&[u8]]) {
    let mut b = Vec::new();
    b.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // pcap magic, µs
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    for v in [0u32, 0, 65535, 1] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    for (i, f) in frames.iter().enumerate() {
        for v in [i as u32, 0, f.len() as u32, f.len() as u32] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(f);
    }
    std::fs::write(path, b).unwrap();
}

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("vtep-golden-{}", std::process::id()))
}

fn decode(tshark: &Path, name: &str, frame: &[u8]) -> String {
    let dir = scratch();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.pcap"));
    write_pcap(&file, &[frame]);
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
    macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = inner(H2, H1, None, 128);
    let out = run(&view, &macs, 1, &f);
    assert_eq!(out.len(), 1);
    let (port, enc) = &out[0];
    assert_eq!(*port, 9);
    assert_eq!(VxlanHeader::new_checked(&enc[42..]).unwrap().vni(), 100);
    assert_eq!(
        EthernetFrame::new_checked(&enc[..]).unwrap().dst_addr(),
        PEER_MAC
    );
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
    let f = inner(Mac::BROADCAST, NETAPP, Some(10), 100);
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
    macs.learn(100, &H1, Dest::Port(2), 1);
    let inner_f = inner(H1, NETAPP, None, 200);
    let mut tun = vec![0u8; 50 + inner_f.len()];
    tun[..50].copy_from_slice(&enc[..50]);
    tun[50..].copy_from_slice(&inner_f);
    {
        let mut ip = Ipv4Packet::new_unchecked(&mut tun[14..]);
        ip.set_src_addr(PEER_IP);
        ip.set_dst_addr(OUR_IP);
        ip.set_total_len((inner_f.len() + 36) as u16);
        ip.fill_checksum();
        UdpPacket::new_unchecked(&mut tun[34..]).set_len((inner_f.len() + 16) as u16);
    }
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
