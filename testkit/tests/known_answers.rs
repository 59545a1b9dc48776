//! Frames checked against answers from elsewhere: bytes scapy 2.5 built
//! for the same fields, and tshark's decoding of each builder's output.

use std::net::Ipv4Addr;
use std::process::Command;
use vtep_testkit::igmp::{self, GroupRecord, V3Query};
use vtep_testkit::*;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const HOST: Mac = [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58];
const VTEP: Mac = [0x02, 0, 0, 0, 0, 0x01];
const G10: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 10);
const G100: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);

fn igmpv3_join_and_leave() -> Vec<u8> {
    Eth::new(ipv4_multicast_mac(igmp::V3_ROUTERS), VTEP)
        .ipv4([192, 168, 24, 4], igmp::V3_ROUTERS)
        .tos(0xc0)
        .df()
        .ttl(1)
        .router_alert()
        .igmp(&igmp::v3_report(&[
            GroupRecord::new(igmp::record::CHANGE_TO_EXCLUDE, G10),
            GroupRecord::new(igmp::record::CHANGE_TO_INCLUDE, G100),
        ]))
}

fn tagged_ping() -> Vec<u8> {
    Eth::new(BROADCAST, HOST)
        .vlan(10)
        .ipv4([100, 1, 1, 30], [100, 1, 1, 1])
        .ident(0x1234)
        .df()
        .icmp(&icmp::echo_request(0xbeef, 7, b"abcdefgh"))
}

#[test]
fn igmpv3_report_as_scapy_builds_it() {
    // Ether()/IP(tos=0xc0, flags="DF", ttl=1, options=[Router Alert])/
    // IGMPv3(type=0x22)/IGMPv3mr(records=[rtype 4 239.1.1.10, rtype 3 239.1.1.100])
    let want = hex(concat!(
        "01005e000016020000000001080046c000300000400001022b45c0a81804e0000016",
        "940400002200f68b0000000204000000ef01010a03000000ef010164"
    ));
    assert_eq!(igmpv3_join_and_leave(), want);
}

#[test]
fn tagged_echo_request_as_scapy_builds_it() {
    let want = hex(concat!(
        "ffffffffffff005056b955588100000a0800450000241234400040015e846401011e",
        "640101010800a773beef00076162636465666768"
    ));
    let f = tagged_ping();
    assert_eq!(f[..want.len()], want);
    assert_eq!(f.len(), 60, "padded as a NIC pads");
    assert!(f[want.len()..].iter().all(|&b| b == 0));
}

fn tshark() -> bool {
    let found = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("VTEP_REQUIRE_TOOLS").is_none(),
            "tshark not found and VTEP_REQUIRE_TOOLS is set"
        );
        eprintln!("SKIPPED: tshark not installed (set VTEP_REQUIRE_TOOLS to make this fail)");
    }
    found
}

/// `tshark -V` of each frame on its own, with checksums checked.
fn decode(frames: &[Vec<u8>]) -> Vec<String> {
    let file = std::env::temp_dir().join(format!("vtep-testkit-kat-{}.pcap", std::process::id()));
    pcap::write(&file, frames);
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&file)
        .args(["-V", "-d", "udp.port==4789,vxlan"])
        .args(["-o", "ip.check_checksum:TRUE"])
        .args(["-o", "udp.check_checksum:TRUE"])
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut per_frame: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("Frame ") && line.contains(" bytes on wire") {
            per_frame.push(String::new());
        }
        if let Some(cur) = per_frame.last_mut() {
            cur.push_str(line);
            cur.push('\n');
        }
    }
    assert_eq!(per_frame.len(), frames.len(), "{text}");
    per_frame
}

#[test]
fn tshark_decodes_every_builder() {
    if !tshark() {
        return;
    }
    let vm_ip = Ipv4Addr::new(100, 1, 1, 30);
    let irb = Ipv4Addr::new(100, 1, 1, 1);
    let inner = Eth::new([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31], HOST)
        .vlan(100)
        .ipv4(vm_ip, irb)
        .udp(40000, 2049)
        .payload(&pattern(3, 100))
        .right_checksum()
        .build();
    let cases: Vec<(Vec<u8>, Vec<&str>)> = vec![
        (
            Eth::new(BROADCAST, HOST)
                .vlan(10)
                .arp(&Arp::request(HOST, vm_ip, irb)),
            vec![
                "802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 10",
                "Opcode: request (1)",
                "Sender IP address: 100.1.1.30",
                "Target IP address: 100.1.1.1",
            ],
        ),
        (
            Eth::new(HOST, VTEP).arp(&Arp::reply(VTEP, irb, HOST, vm_ip)),
            vec!["Opcode: reply (2)", "Sender MAC address: 02:00:00:00:00:01"],
        ),
        (
            Eth::new(BROADCAST, HOST).arp(&Arp::gratuitous(HOST, vm_ip)),
            vec!["[Is gratuitous: True]"],
        ),
        (
            Eth::new(BROADCAST, HOST).rarp(&Arp::rarp_request(HOST)),
            vec!["Opcode: reverse request (3)"],
        ),
        (
            tagged_ping(),
            vec![
                "Type: 8 (Echo (ping) request)",
                "Identifier (BE): 48879 (0xbeef)",
                "Sequence Number (BE): 7",
            ],
        ),
        (
            Eth::new(HOST, VTEP)
                .tag(5, true, 100)
                .ipv4(irb, vm_ip)
                .icmp(&icmp::echo_reply(0xbeef, 7, &[0; 1000])),
            vec!["PRI: 5, DEI: 1, ID: 100", "Type: 0 (Echo (ping) reply)"],
        ),
        (
            igmpv3_join_and_leave(),
            vec![
                "[IGMP Version: 3]",
                "Type: Membership Report (0x22)",
                "Multicast Address: 239.1.1.100",
                "Record Type: Change To Exclude Mode (4)",
                "Record Type: Change To Include Mode (3)",
                "Router Alert",
            ],
        ),
        (
            Eth::new(ipv4_multicast_mac(igmp::ALL_SYSTEMS), VTEP)
                .ipv4([192, 168, 24, 1], igmp::ALL_SYSTEMS)
                .ttl(1)
                .router_alert()
                .igmp(&V3Query::general(100).to_bytes()),
            vec![
                "[IGMP Version: 3]",
                "Type: Membership Query (0x11)",
                "QQIC: 125",
            ],
        ),
        (
            Eth::new(ipv4_multicast_mac(G10), VTEP)
                .ipv4([192, 168, 24, 4], G10)
                .ttl(1)
                .router_alert()
                .igmp(&igmp::v2_report(G10)),
            vec![
                "[IGMP Version: 2]",
                "Type: Membership Report (0x16)",
                "Multicast Address: 239.1.1.10",
            ],
        ),
        (
            Eth::new(ipv4_multicast_mac(igmp::ALL_ROUTERS), VTEP)
                .ipv4([192, 168, 24, 4], igmp::ALL_ROUTERS)
                .ttl(1)
                .router_alert()
                .igmp(&igmp::v2_leave(G10)),
            vec!["Type: Leave Group (0x17)", "Multicast Address: 239.1.1.10"],
        ),
        (
            Eth::new(ipv4_multicast_mac(igmp::ALL_SYSTEMS), VTEP)
                .ipv4([192, 168, 24, 1], igmp::ALL_SYSTEMS)
                .ttl(1)
                .igmp(&igmp::query(100, Ipv4Addr::UNSPECIFIED)),
            vec![
                "[IGMP Version: 2]",
                "Type: Membership Query (0x11)",
                "Max Resp Time: 10.0 sec (0x64)",
            ],
        ),
        (
            Eth::new(LLDP_MULTICAST, VTEP)
                .lldp()
                .chassis_mac(VTEP)
                .port_name("et-2/0/0")
                .ttl(120)
                .port_description("TO-CORE1")
                .system_name("EX9200-1")
                .end()
                .build(),
            vec![
                "Chassis Subtype = MAC address, Id: 02:00:00:00:00:01",
                "Port Subtype = Interface name, Id: et-2/0/0",
                "Time To Live = 120 sec",
                "Port Description = TO-CORE1",
                "System Name = EX9200-1",
                "End of LLDPDU",
            ],
        ),
        (
            Eth::new([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0], VTEP)
                .ipv4([192, 168, 24, 4], [192, 168, 24, 5])
                .df()
                .udp(50000, VXLAN_PORT)
                .vxlan(100)
                .wrap(&inner),
            vec![
                "Virtual eXtensible Local Area Network",
                "Flags: 0x0800, VXLAN Network ID (VNI)",
                "VXLAN Network Identifier (VNI): 100",
                "Don't fragment: Set",
                "Checksum: 0x0000 [zero-value ignored]",
                "Source Port: 40000",
                "[Checksum Status: Good]",
                "Data (100 bytes)",
            ],
        ),
    ];
    let frames: Vec<Vec<u8>> = cases.iter().map(|c| c.0.clone()).collect();
    for (text, (frame, needles)) in decode(&frames).iter().zip(&cases) {
        for bad in [
            "Malformed",
            "Expert Info (Warning",
            "Expert Info (Error",
            "[incorrect",
            "Bad",
        ] {
            assert!(!text.contains(bad), "tshark says {bad}:\n{text}");
        }
        if parse_eth(frame).ethertype == ethertype::IPV4 {
            assert!(text.contains("[Header checksum status: Good]"), "{text}");
        }
        for n in needles {
            assert!(text.contains(n), "missing {n:?} in:\n{text}");
        }
    }
}
