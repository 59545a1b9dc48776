//! Across headers: every frame the control thread builds, as tshark
//! decodes it.

use crate::testutil::*;
use crate::{
    arp, ethernet, ethertype, igmp, igmp::RecordType, ipv4, lldp, udp, vxlan, EthernetRepr,
};
use std::net::Ipv4Addr;

/// Splits `tshark -V` output into one text per frame.
fn split_frames(text: &str) -> Vec<String> {
    let mut frames: Vec<String> = Vec::new();
    for line in text.lines() {
        let is_start = line
            .strip_prefix("Frame ")
            .and_then(|r| r.split_once(':'))
            .is_some_and(|(n, _)| n.parse::<u32>().is_ok());
        if is_start {
            frames.push(String::new());
        }
        if let Some(cur) = frames.last_mut() {
            cur.push_str(line);
            cur.push('\n');
        }
    }
    frames
}

#[test]
fn tshark_decodes_every_frame() {
    let tshark_ok = std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !tshark_ok {
        if std::env::var_os("VTEP_REQUIRE_TOOLS").is_some() {
            panic!("tshark not found and VTEP_REQUIRE_TOOLS is set");
        }
        eprintln!("skipping tshark_decodes_every_frame: tshark not found");
        return;
    }

    let jumbo_req = echo_request(Some(10), &[], &pattern(8972));
    let small_req = echo_request(None, &[7, 7, 4, 0, 0, 0, 0, 0], b"vtep ping");
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "arp request",
            arp::request(SPINE_MAC, SPINE_IP, VM_IP, Some(100)),
            vec![
                "Address Resolution Protocol (request)",
                "Opcode: request (1)",
                "ID: 100",
                "Sender IP address: 100.1.1.1",
                "Target IP address: 100.1.1.30",
                "Target MAC address: 00:00:00_00:00:00 (00:00:00:00:00:00)",
            ],
        ),
        (
            "arp reply",
            arp::reply(SPINE_MAC, SPINE_IP, VM_MAC, VM_IP, None),
            vec![
                "Address Resolution Protocol (reply)",
                "Opcode: reply (2)",
                "Sender MAC address: JuniperN_6b:bb:c0 (4c:96:14:6b:bb:c0)",
                "Sender IP address: 100.1.1.1",
                "Target MAC address: VMware_b9:55:58 (00:50:56:b9:55:58)",
                "Target IP address: 100.1.1.30",
            ],
        ),
        (
            "gratuitous arp",
            arp::gratuitous(NETAPP_MAC, Ipv4Addr::new(100, 10, 1, 254), Some(10)),
            vec![
                "Opcode: request (1)",
                "[Is gratuitous: True]",
                "[Is announcement: True]",
                "ID: 10",
                "Sender IP address: 100.10.1.254",
                "Target IP address: 100.10.1.254",
            ],
        ),
        (
            "rarp",
            arp::rarp_announce(VM_MAC),
            vec![
                "Frame Length: 60 bytes",
                "Destination: Broadcast (ff:ff:ff:ff:ff:ff)",
                "Type: RARP (0x8035)",
                "Opcode: reverse request (3)",
                "Sender MAC address: VMware_b9:55:58 (00:50:56:b9:55:58)",
                "Sender IP address: 0.0.0.0",
                "Target MAC address: VMware_b9:55:58 (00:50:56:b9:55:58)",
                "Target IP address: 0.0.0.0",
            ],
        ),
        (
            "echo request (options)",
            small_req.clone(),
            vec!["Type: 8 (Echo (ping) request)"],
        ),
        (
            "echo reply (options)",
            echo_reply(&small_req, SPINE_MAC).unwrap(),
            vec![
                "Type: 0 (Echo (ping) reply)",
                "Identifier (BE): 48879 (0xbeef)",
                "Sequence Number (BE): 7 (0x0007)",
                "Time to Live: 64",
                "Source Address: 100.1.1.1",
                "Destination Address: 100.1.1.30",
                "[Request frame: 5]",
            ],
        ),
        (
            "echo request (jumbo)",
            jumbo_req.clone(),
            vec!["Data (8972 bytes)"],
        ),
        (
            "echo reply (jumbo)",
            echo_reply(&jumbo_req, SPINE_MAC).unwrap(),
            vec![
                "Frame Length: 9018 bytes",
                "ID: 10",
                "Total Length: 9000",
                "Type: 0 (Echo (ping) reply)",
                "Data (8972 bytes)",
                "[Request frame: 7]",
            ],
        ),
        (
            "igmpv3 join",
            igmp::v3_report(
                SPINE_MAC,
                VTEP_IP,
                &[(RecordType::ChangeToExclude, GROUP_V10)],
            ),
            vec![
                "Destination: IPv4mcast_16 (01:00:5e:00:00:16)",
                "Source Address: 192.168.24.4",
                "Header Length: 24 bytes (6)",
                "Time to Live: 1",
                "Router Alert",
                "Destination Address: 224.0.0.22",
                "[IGMP Version: 3]",
                "Type: Membership Report (0x22)",
                "Num Group Records: 1",
                "Record Type: Change To Exclude Mode (4)",
                "Multicast Address: 239.1.1.10",
            ],
        ),
        (
            "igmpv3 leave",
            igmp::v3_report(VM_MAC, VM_IP, &[(RecordType::ChangeToInclude, GROUP_V100)]),
            vec![
                "Type: Membership Report (0x22)",
                "Record Type: Change To Include Mode (3)",
                "Multicast Address: 239.1.1.100",
            ],
        ),
        (
            "igmpv3 is-exclude",
            igmp::v3_report(
                VM_MAC,
                VM_IP,
                &[
                    (RecordType::ModeIsExclude, GROUP_V10),
                    (RecordType::ModeIsExclude, GROUP_V100),
                ],
            ),
            vec![
                "Num Group Records: 2",
                "Record Type: Mode Is Exclude (2)",
                "Multicast Address: 239.1.1.10",
                "Multicast Address: 239.1.1.100",
            ],
        ),
        (
            "igmpv2 report",
            igmp::v2_report(VM_MAC, VM_IP, GROUP_V10),
            vec![
                "Destination: IPv4mcast_01:01:0a (01:00:5e:01:01:0a)",
                "Destination Address: 239.1.1.10",
                "Time to Live: 1",
                "Router Alert",
                "[IGMP Version: 2]",
                "Type: Membership Report (0x16)",
                "Multicast Address: 239.1.1.10",
            ],
        ),
        (
            "igmpv2 leave",
            igmp::v2_leave(VM_MAC, VM_IP, GROUP_V10),
            vec![
                "Destination: IPv4mcast_02 (01:00:5e:00:00:02)",
                "Destination Address: 224.0.0.2",
                "Time to Live: 1",
                "Router Alert",
                "[IGMP Version: 2]",
                "Type: Leave Group (0x17)",
                "Multicast Address: 239.1.1.10",
            ],
        ),
        (
            "lldp",
            lldp::frame(
                SPINE_MAC, SPINE_MAC, "et-2/0/0", "TO-CORE1", "EX9200-1", 120,
            ),
            vec![
                "Destination: LLDP_Multicast (01:80:c2:00:00:0e)",
                "Chassis Subtype = MAC address, Id: 4c:96:14:6b:bb:c0",
                "Chassis Id Subtype: MAC address (4)",
                "Chassis Id: JuniperN_6b:bb:c0 (4c:96:14:6b:bb:c0)",
                "Port Subtype = Interface name, Id: et-2/0/0",
                "Port Id Subtype: Interface name (5)",
                "Port Id: et-2/0/0",
                "Seconds: 120",
                "Time To Live = 120 sec",
                "Port Description = TO-CORE1",
                "System Name = EX9200-1",
                "End of LLDPDU",
            ],
        ),
    ];

    let dir = std::env::temp_dir().join(format!(
        "vtep-proto-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let pcap = dir.join("proto.pcap");
    let frames: Vec<Vec<u8>> = cases.iter().map(|c| c.1.clone()).collect();
    vtep_testkit::pcap::write(&pcap, &frames);
    let out = std::process::Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-V", "-o", "ip.check_checksum:TRUE"])
        .output()
        .expect("run tshark");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if std::env::var_os("VTEP_KEEP_PCAP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("pcap kept at {}", pcap.display());
    }
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded = split_frames(&text);
    assert_eq!(decoded.len(), cases.len(), "{text}");

    for ((name, frame, expect), dec) in cases.iter().zip(&decoded) {
        let ctx = || format!("frame {name}:\n{dec}");
        let len_line = format!("Frame Length: {} bytes", frame.len());
        assert!(dec.contains(&len_line), "{}", ctx());
        for e in expect {
            assert!(dec.contains(e), "missing {e:?} in {}", ctx());
        }
        // (Wireshark 4.0's LLDP dissector reports 3 bytes too few as
        // consumed, so LLDP frames get an "undecoded trailer" Note; that
        // is a Note, not a Warning, and the TLVs themselves decode fully.)
        for bad in [
            "Malformed",
            "Bad",
            "[Expert Info (Warning",
            "[Expert Info (Error",
        ] {
            assert!(
                !dec.lines().any(|l| l.contains(bad)),
                "{bad:?} in {}",
                ctx()
            );
        }
        let (eth, _) = EthernetRepr::parse(frame).unwrap();
        if eth.ethertype == ethertype::IPV4 {
            // IPv4 header checksum, then the ICMP or IGMP checksum.
            for good in ["[Header checksum status: Good]", "[Checksum Status: Good]"] {
                assert_eq!(dec.matches(good).count(), 1, "{good:?} in {}", ctx());
            }
        }
    }
}

#[test]
fn constants() {
    assert_eq!(vxlan::OVERHEAD, 50);
    assert_eq!(vxlan::IP_OVERHEAD, 36);
    assert_eq!(ethernet::VLAN_TAG_LEN, 4);
    assert_eq!(ipv4::MAX_HEADER_LEN, 60);
    assert_eq!(
        vxlan::OVERHEAD,
        ethernet::HEADER_LEN + ipv4::MIN_HEADER_LEN + udp::HEADER_LEN + vxlan::HEADER_LEN
    );
    assert_eq!(
        ethernet::vlan_field::INNER_ETHERTYPE.start,
        ethernet::vlan_field::IN_FRAME + ethernet::VLAN_TAG_LEN
    );
}
