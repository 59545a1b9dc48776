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
