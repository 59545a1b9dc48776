use crate::testutil::*;
use crate::*;
use vtep_testkit as tk;

#[test]
fn lldp_round_trip() {
    let f = lldp::frame(
        SPINE_MAC, SPINE_MAC, "et-2/0/0", "TO-CORE1", "EX9200-1", 120,
    );
    assert_eq!(&f[..6], &Mac::LLDP_NEAREST_BRIDGE);
    assert_eq!(&f[12..14], &[0x88, 0xcc]);
    // Chassis id TLV: type 1, length 7, subtype 4, MAC.
    assert_eq!(&f[14..17], &[0x02, 0x07, 4]);
    assert_eq!(&f[17..23], &SPINE_MAC);
    // Port id TLV: type 2, length 9, subtype 5.
    assert_eq!(&f[23..26], &[0x04, 0x09, 5]);
    assert_eq!(&f[26..34], b"et-2/0/0");
    // TTL.
    assert_eq!(&f[34..38], &[0x06, 0x02, 0x00, 120]);
    let n = lldp::parse(&f).unwrap();
    assert_eq!(
        n,
        lldp::Neighbor {
            chassis_id: "4c:96:14:6b:bb:c0".into(),
            port_id: "et-2/0/0".into(),
            port_desc: Some("TO-CORE1".into()),
            system_name: Some("EX9200-1".into()),
            ttl: 120,
        }
    );
    let end = 38 + 2 + 8 + 2 + 8;
    assert_eq!(&f[end..end + 2], &[0, 0], "end TLV");
    assert_eq!(f.len(), end + 2);
}

#[test]
fn lldp_short_frame_padded_and_optional_tlvs_omitted() {
    let f = lldp::frame(VM_MAC, VM_MAC, "eth1", "", "", 0);
    assert_eq!(f.len(), 60);
    let n = lldp::parse(&f).unwrap();
    assert_eq!(n.port_id, "eth1");
    assert_eq!((n.port_desc, n.system_name, n.ttl), (None, None, 0));
}

#[test]
fn lldp_long_strings_cut_to_255() {
    let long = "é".repeat(200); // 400 bytes
    let f = lldp::frame(VM_MAC, VM_MAC, &long, &long, "x", 30);
    let n = lldp::parse(&f).unwrap();
    assert_eq!(n.port_id.len(), 254);
    assert_eq!(n.port_desc.unwrap().len(), 254);
    assert_eq!(n.system_name.as_deref(), Some("x"));
}

fn lldp_raw(tlvs: &[(u8, &[u8])]) -> Vec<u8> {
    tlvs.iter()
        .fold(
            tk::Eth::new(tk::LLDP_MULTICAST, SPINE_MAC.0).lldp(),
            |l, (t, v)| l.tlv(*t, v),
        )
        .build()
}

#[test]
fn lldp_other_id_subtypes() {
    // Chassis id as locally assigned text with a trailing NUL, port id as
    // an IPv4 network address, no end TLV, unknown TLVs skipped.
    let f = lldp_raw(&[
        (1, b"\x07localhost.jnpr.net\0"),
        (2, &[4, 1, 100, 10, 1, 4]),
        (3, &[0, 30]),
        (127, &[0x00, 0x12, 0x0f, 1, 2, 3]),
        (5, b"localhost.jnpr.net"),
    ]);
    let n = lldp::parse(&f).unwrap();
    assert_eq!(n.chassis_id, "localhost.jnpr.net");
    assert_eq!(n.port_id, "100.10.1.4");
    assert_eq!(n.system_name.as_deref(), Some("localhost.jnpr.net"));
    assert_eq!(n.port_desc, None);
    assert_eq!(n.ttl, 30);
    let f = lldp_raw(&[
        (1, &[5, 1, 10, 0, 0, 1]),
        (2, &[3, 0, 0x50, 0x56, 0xb9, 0x0b, 0xb3]),
        (3, &[0, 1]),
    ]);
    let n = lldp::parse(&f).unwrap();
    assert_eq!(n.chassis_id, "10.0.0.1");
    assert_eq!(n.port_id, "00:50:56:b9:0b:b3");
}

#[test]
fn lldp_rejects_bad_and_truncated() {
    let f = lldp::frame(
        SPINE_MAC, SPINE_MAC, "et-2/0/0", "TO-CORE1", "EX9200-1", 120,
    );
    assert_prefixes_rejected(&f, 38, lldp::parse);
    // Cut inside an optional TLV: that TLV overruns.
    assert!(lldp::parse(&f[..44]).is_none());
    // Mandatory TLVs out of order or missing.
    assert!(lldp::parse(&lldp_raw(&[
        (2, b"\x05et-2/0/0"),
        (1, &[4, 1, 2, 3, 4, 5, 6]),
        (3, &[0, 1])
    ]))
    .is_none());
    assert!(lldp::parse(&lldp_raw(&[(1, &[4, 1, 2, 3, 4, 5, 6]), (3, &[0, 1])])).is_none());
    // Empty ids, short TTL.
    assert!(lldp::parse(&lldp_raw(&[(1, &[4]), (2, b"\x05x"), (3, &[0, 1])])).is_none());
    assert!(lldp::parse(&lldp_raw(&[
        (1, &[4, 1, 2, 3, 4, 5, 6]),
        (2, b"\x05x"),
        (3, &[1])
    ]))
    .is_none());
    // Not LLDP.
    assert!(lldp::parse(&arp::request(SPINE_MAC, SPINE_IP, VM_IP, None)).is_none());
}
