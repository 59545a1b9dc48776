use super::*;
use crate::testutil::*;
use crate::*;
use vtep_testkit as tk;

#[test]
fn vxlan_view() {
    let mut b = [0xffu8; 8];
    assert!(Header::new_checked(&b[..7]).is_err());
    let mut h = Header::new_checked(&mut b[..]).unwrap();
    assert_eq!(h.reserved0(), 0xff_ffff);
    assert_eq!(h.reserved1(), 0xff);
    h.emit(0x12_3456 | 0xff00_0000);
    assert_eq!(b, [0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
    let h = Header::new_checked(&b[..]).unwrap();
    assert!(h.i_flag());
    assert_eq!(
        (h.flags(), h.vni(), h.reserved0(), h.reserved1()),
        (8, 0x12_3456, 0, 0)
    );
    let mut h = Header::new_unchecked(&mut b[..]);
    h.set_flags(0);
    h.set_vni(100);
    assert!(!h.i_flag());
    assert_eq!(h.vni(), 100);
    assert!(h.payload().is_empty());
}

#[test]
fn vxlan_encap_round_trip() {
    let inner = echo_request(Some(100), &[], &pattern(100));
    let outer = Outer {
        src_mac: SPINE_MAC,
        dst_mac: NETAPP_MAC,
        src_ip: VTEP_IP,
        dst_ip: Ipv4Addr::new(192, 168, 24, 5),
        ttl: 64,
        src_port: source_port(inner_flow_hash(&inner, ethernet::VLAN_TAG_LEN)),
        dst_port: 4789,
        vni: 0x0012_3456,
    };
    let f = outer.encap(&inner);
    assert_eq!(f.len(), vxlan::OVERHEAD + inner.len());
    assert_eq!(vxlan::OVERHEAD, 50);
    assert_eq!(&f[12..14], &[0x08, 0x00]);
    assert_eq!(f[14], 0x45);
    assert_eq!(&f[18..22], &[0, 0, 0x40, 0]); // ID 0, DF
    assert_eq!(tk::internet_checksum(&f[14..34]), 0);
    assert_eq!(f[23], 17);
    assert_eq!(&f[40..42], &[0, 0]); // UDP checksum
    assert_eq!(&f[42..50], &[0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
    assert!((49152..=65535).contains(&outer.src_port));
    assert_eq!(Outer::parse(&f), Some((outer, &inner[..])));
    assert_prefixes_rejected(&f, 50, |b| Outer::parse(b).map(|(o, i)| (o, i.len())));
    // Same flow (MACs, addresses), same port; the VNI is cut to 24 bits.
    let same_flow = echo_request(Some(100), &[], &pattern(7));
    assert_eq!(
        source_port(inner_flow_hash(&inner, ethernet::VLAN_TAG_LEN)),
        source_port(inner_flow_hash(&same_flow, ethernet::VLAN_TAG_LEN))
    );
    let wide = Outer {
        vni: 0xff00_0001,
        ..outer
    }
    .encap(&inner);
    assert_eq!(Outer::parse(&wide).unwrap().0.vni, 1);
}

#[test]
fn oracle_emit_and_parse() {
    let mut r = Rng::new(0x4789);
    for _ in 0..CASES {
        let inner = eth(r.mac(), r.mac(), r.vlan()).payload(ethertype::IPV4, &r.bytes_below(200));
        let o = Outer {
            src_mac: r.mac(),
            dst_mac: r.mac(),
            src_ip: r.ip(),
            dst_ip: r.ip(),
            ttl: r.u8(),
            src_port: r.u16(),
            dst_port: [PORT, 8472, r.u16()][r.below(3)],
            vni: r.u32() & VNI_MAX,
        };
        let want = eth(o.dst_mac, o.src_mac, None)
            .ipv4(o.src_ip, o.dst_ip)
            .df()
            .ttl(o.ttl)
            .udp(o.src_port, o.dst_port)
            .vxlan(o.vni)
            .wrap(&inner);
        assert_eq!(o.encap(&inner), want);
        assert_eq!(Outer::try_parse(&want), Ok((o, &inner[..])));
        // A tagged underlay, TOS, identification and reserved bits set.
        let vid = 1 + r.below(4094) as u16;
        let odd = eth(o.dst_mac, o.src_mac, Some(vid))
            .ipv4(o.src_ip, o.dst_ip)
            .tos(r.u8())
            .ident(r.u16())
            .ttl(o.ttl)
            .udp(o.src_port, o.dst_port)
            .vxlan(o.vni)
            .reserved0([r.u8(), r.u8(), r.u8()])
            .reserved1(r.u8())
            .wrap(&inner);
        assert_eq!(Outer::try_parse(&odd), Ok((o, &inner[..])));
        for n in 0..OVERHEAD {
            assert_eq!(Outer::try_parse(&want[..n]), Err(Error::Truncated), "{n}");
        }
    }
    let base = || eth(VM_MAC, SPINE_MAC, None).ipv4(VTEP_IP, SPINE_IP).df();
    let inner = eth(VM_MAC, SPINE_MAC, None).payload(ethertype::ARP, &[0; 28]);
    let err = |f: Vec<u8>| Outer::try_parse(&f).map(|(o, _)| o);
    assert_eq!(
        err(base().udp(1, PORT).vxlan(5).flags(0).wrap(&inner)),
        Err(Error::Malformed)
    );
    assert_eq!(
        err(base().wrong_checksum().udp(1, PORT).vxlan(5).wrap(&inner)),
        Err(Error::Checksum)
    );
    assert_eq!(
        err(base().protocol(6).udp(1, PORT).vxlan(5).wrap(&inner)),
        Err(Error::Unrecognized)
    );
    assert_eq!(
        err(base().udp(1, PORT).len(20).payload_len(20).build()),
        Err(Error::Malformed)
    );
    assert_eq!(
        err(base().udp(1, PORT).payload_len(7).build()),
        Err(Error::Truncated)
    );
    assert_eq!(
        err(base().mf().udp(1, PORT).vxlan(5).wrap(&inner)),
        Err(Error::Fragmented)
    );
    assert_eq!(
        Outer::try_parse(&inner).unwrap_err(),
        Error::Unrecognized,
        "ARP"
    );
}
