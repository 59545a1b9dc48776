use super::*;
use crate::testutil::*;
use crate::*;

#[test]
fn ethernet_view() {
    let mut b = [0u8; 20];
    assert_eq!(Frame::new_checked(&b[..13]).unwrap_err(), Error::Truncated);
    let mut f = Frame::new_checked(&mut b[..]).unwrap();
    f.set_dst_addr(Mac([1, 2, 3, 4, 5, 6]));
    f.set_src_addr(Mac([7, 8, 9, 10, 11, 12]));
    f.set_ethertype(ethertype::ARP);
    f.payload_mut()[0] = 0xee;
    assert_eq!(f.dst_addr(), Mac([1, 2, 3, 4, 5, 6]));
    assert_eq!(f.src_addr(), Mac([7, 8, 9, 10, 11, 12]));
    assert_eq!(f.ethertype(), 0x0806);
    assert_eq!(f.payload().len(), 6);
    assert_eq!(
        &b[..15],
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x06, 0xee]
    );
    assert_eq!(Frame::<&[u8]>::header_len(), 14);
}

#[test]
fn vlan_view() {
    let mut b = [0x81, 0x00, 0xa0, 0x64];
    let t = VlanTag::new_checked(&b[..]).unwrap();
    assert_eq!(
        (t.tpid(), t.pcp(), t.dei(), t.vid()),
        (0x8100, 5, false, 100)
    );
    assert!(VlanTag::new_checked(&b[..3]).is_err());
    let mut t = VlanTag::new_unchecked(&mut b[..]);
    t.set_vid(4094);
    t.set_dei(true);
    t.set_pcp(3);
    assert_eq!((t.pcp(), t.dei(), t.vid()), (3, true, 4094));
    assert_eq!(b, [0x81, 0x00, 0x7f, 0xfe]);
    let mut t = VlanTag::new_unchecked(&mut b[..]);
    t.emit(0, false, 10);
    assert_eq!(b, [0x81, 0x00, 0x00, 0x0a]);
    assert_eq!(vlan_tci(7, true, 0xffff), 0xffff);
}

#[test]
fn with_vlan_inserts_tag() {
    let f = igmp::v2_report(VM_MAC, VM_IP, GROUP_V10);
    let t = with_vlan(&f, 10);
    assert_eq!(t.len(), f.len() + 4);
    assert_eq!(&t[12..16], &[0x81, 0x00, 0x00, 0x0a]);
    assert_eq!(&t[16..], &f[12..]);
    let p = igmp::parse_packet(&t).unwrap();
    assert_eq!(p.vlan, Some(10));
    assert_eq!(with_vlan(&[1, 2, 3], 5), vec![1, 2, 3]);
}

#[test]
fn oracle_emit_and_parse() {
    use vtep_testkit as tk;
    let mut r = Rng::new(0xe7e7);
    for _ in 0..CASES {
        let (dst, src, vlan) = (r.mac(), r.mac(), r.vlan());
        let et = [
            ethertype::IPV4,
            ethertype::ARP,
            ethertype::LLDP,
            r.u16() | 0x0600,
        ][r.below(4)];
        let payload = r.bytes_below(80);
        let repr = Repr {
            dst,
            src,
            vlan,
            ethertype: et,
        };
        let mut f = Vec::new();
        repr.emit(&mut f);
        assert_eq!(f.len(), repr.header_len());
        f.extend_from_slice(&payload);
        let want = eth(dst, src, vlan).payload(et, &payload);
        assert_eq!(pad(f), want);
        // Any priority and DEI read back as the same VLAN.
        let mut e = tk::Eth::new(dst.0, src.0);
        if let Some(v) = vlan {
            e = e.tag(r.below(8) as u8, r.bool(), v);
        }
        let f = e.unpadded().payload(et, &payload);
        let (got, rest) = Repr::try_parse(&f).unwrap();
        assert_eq!(got, repr);
        assert_eq!(rest, &payload[..]);
        assert_eq!(Repr::parse(&f), Some((got, rest)));
        for n in 0..got.header_len() {
            assert_eq!(Repr::try_parse(&f[..n]), Err(Error::Truncated), "{n} bytes");
        }
    }
    // An 802.1ad outer tag is not a VLAN tag here: its TPID is the type.
    let f = tk::Eth::new([2; 6], [4; 6])
        .tag_tpid(ethertype::QINQ, 0, false, 7)
        .vlan(10)
        .payload(ethertype::IPV4, &[]);
    let (e, _) = Repr::try_parse(&f).unwrap();
    assert_eq!((e.vlan, e.ethertype), (None, ethertype::QINQ));
    // The tag helper inserts the oracle's tag bytes.
    let f = eth(VM_MAC, SPINE_MAC, None).payload(ethertype::ARP, &[1; 46]);
    assert_eq!(with_vlan(&f, 100), tk::tagged(&f, 100));
}
