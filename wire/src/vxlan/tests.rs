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
