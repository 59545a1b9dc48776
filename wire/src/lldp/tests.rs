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

#[test]
fn oracle_frames_equal_and_parse() {
    use crate::lldp::*;
    let mut r = Rng::new(0x88cc);
    for _ in 0..CASES {
        let (src, chassis, ttl) = (r.mac(), r.mac(), r.u16());
        let port = format!("p{}", r.text(300));
        let (desc, name) = (r.text(300), r.text(300));
        let cut = |s: &str| {
            let mut end = s.len().min(field::MAX_STRING);
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s[..end].to_string()
        };
        let mut l = tk::Eth::new(tk::LLDP_MULTICAST, src.0)
            .lldp()
            .chassis_mac(chassis.0)
            .port_name(&cut(&port))
            .ttl(ttl);
        if !desc.is_empty() {
            l = l.port_description(&cut(&desc));
        }
        if !name.is_empty() {
            l = l.system_name(&cut(&name));
        }
        let want = l.end().build();
        assert_eq!(lldp::frame(src, chassis, &port, &desc, &name, ttl), want);
        let n = lldp::try_parse(&want).unwrap();
        assert_eq!(n.chassis_id, chassis.to_string());
        assert_eq!(n.port_id, cut(&port));
        assert_eq!(n.port_desc, (!desc.is_empty()).then(|| cut(&desc)));
        assert_eq!(n.system_name, (!name.is_empty()).then(|| cut(&name)));
        assert_eq!(n.ttl, ttl);

        // Any ids, unknown TLVs between, no End TLV: the Repr reads the
        // oracle's bytes and writes them back.
        let (cs, ps) = (r.u8(), r.u8());
        let (cid, pid) = (r.bytes_below(40), r.bytes_below(40));
        let (cid, pid) = ([&[0xc1][..], &cid].concat(), [&[0x9a][..], &pid].concat());
        let f = tk::Eth::new(tk::LLDP_MULTICAST, src.0)
            .unpadded()
            .lldp()
            .chassis_id(cs, &cid)
            .port_id(ps, &pid)
            .ttl(ttl)
            .tlv(127, &r.bytes_below(20))
            .system_name(&name)
            .system_name("second")
            .build();
        let p = Packet::new_checked(&f[14..]).unwrap();
        let repr = Repr::parse(&p).unwrap();
        assert_eq!(
            repr,
            Repr {
                chassis_id: Id {
                    subtype: cs,
                    id: &cid
                },
                port_id: Id {
                    subtype: ps,
                    id: &pid
                },
                ttl,
                port_description: None,
                system_name: Some(name.as_bytes()),
            }
        );
        let mut b = vec![0; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut b[..]));
        let back = tk::Eth::new(tk::LLDP_MULTICAST, src.0)
            .unpadded()
            .lldp()
            .chassis_id(cs, &cid)
            .port_id(ps, &pid)
            .ttl(ttl)
            .system_name(&name)
            .end()
            .build();
        assert_eq!(&b[..], &back[14..]);
        let tlvs: Vec<_> = Packet::new_checked(&b[..])
            .unwrap()
            .tlvs()
            .map(|t| (t.tlv_type(), t.value().to_vec()))
            .collect();
        assert_eq!(tlvs, tk::lldp::parse(&back));
    }
}

#[test]
fn oracle_edge_cases_give_their_error() {
    use crate::lldp::*;
    let l = || tk::Eth::new(tk::LLDP_MULTICAST, SPINE_MAC.0).lldp();
    let mandatory = || l().chassis_mac(SPINE_MAC.0).port_name("x").ttl(1);
    assert!(lldp::try_parse(&mandatory().build()).is_ok());
    // A TLV running past the frame (unpadded, so nothing follows).
    let mut f = tk::Eth::new(tk::LLDP_MULTICAST, SPINE_MAC.0)
        .unpadded()
        .lldp()
        .chassis_mac(SPINE_MAC.0)
        .port_name("x")
        .ttl(1)
        .system_name("name")
        .build();
    f.pop();
    assert_eq!(lldp::try_parse(&f).unwrap_err(), Error::Truncated);
    assert_eq!(
        Tlv::new_checked(&f[f.len() - 5..]).unwrap_err(),
        Error::Truncated
    );
    // The LLDPDU ends before the mandatory TLVs do; End comes first.
    let short = tk::Eth::new(tk::LLDP_MULTICAST, SPINE_MAC.0)
        .unpadded()
        .lldp()
        .chassis_mac(SPINE_MAC.0)
        .build();
    assert_eq!(lldp::try_parse(&short).unwrap_err(), Error::Truncated);
    assert_eq!(
        lldp::try_parse(&l().end().chassis_mac(SPINE_MAC.0).build()).unwrap_err(),
        Error::Malformed
    );
    // Out of order, empty id, short TTL.
    let f = l().port_name("x").chassis_mac(SPINE_MAC.0).ttl(1).build();
    assert_eq!(lldp::try_parse(&f).unwrap_err(), Error::Malformed);
    let f = l().chassis_id(4, &[]).port_name("x").ttl(1).build();
    assert_eq!(lldp::try_parse(&f).unwrap_err(), Error::Malformed);
    let f = l()
        .chassis_mac(SPINE_MAC.0)
        .port_name("x")
        .tlv(3, &[1])
        .build();
    assert_eq!(lldp::try_parse(&f).unwrap_err(), Error::Malformed);
    // Whatever follows the End TLV is not read.
    let mut f = mandatory().end().build();
    let at = f.len() - 2;
    f[at] = 0xfe;
    assert!(lldp::try_parse(&f).is_ok());
    // Not LLDP.
    let arp = eth(Mac::BROADCAST, VM_MAC, None).arp(&tk::Arp::request(VM_MAC.0, VM_IP, SPINE_IP));
    assert_eq!(lldp::try_parse(&arp).unwrap_err(), Error::Unrecognized);
}
