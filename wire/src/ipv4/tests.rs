use super::*;
use crate::*;

const IP_HDR: [u8; 20] = [
    0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
    0xc0, 0xa8, 0x00, 0xc7,
];

#[test]
fn ipv4_view_read() {
    let p = Packet::new_unchecked(&IP_HDR[..]);
    assert_eq!(p.version(), 4);
    assert_eq!(p.header_len(), 20);
    assert_eq!(p.options_len(), 0);
    assert_eq!(p.dscp_ecn(), 0);
    assert_eq!(p.total_len(), 0x73);
    assert_eq!(p.ident(), 0);
    assert!(p.dont_frag() && !p.more_frags() && !p.is_fragment());
    assert_eq!(p.frag_offset(), 0);
    assert_eq!(p.ttl(), 64);
    assert_eq!(p.protocol(), protocol::UDP);
    assert_eq!(p.checksum(), 0xb861);
    assert_eq!(p.src_addr(), Ipv4Addr::new(192, 168, 0, 1));
    assert_eq!(p.dst_addr(), Ipv4Addr::new(192, 168, 0, 199));
    assert_eq!(p.src_u32(), 0xc0a8_0001);
    assert!(p.verify_checksum());
    // total length 0x73 > 20-byte buffer
    assert_eq!(
        Packet::new_checked(&IP_HDR[..]).unwrap_err(),
        Error::Truncated
    );
}

#[test]
fn ipv4_view_checks_and_write() {
    let mut b = [0u8; 28];
    assert_eq!(Packet::new_checked(&b[..19]).unwrap_err(), Error::Truncated);
    assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed); // version 0
    let mut p = Packet::new_unchecked(&mut b[..]);
    p.set_version_and_header_len(4, 16);
    assert_eq!(p.check_len(), Err(Error::Malformed)); // IHL 4
    p.set_version_and_header_len(4, 32);
    assert_eq!(p.check_len(), Err(Error::Truncated)); // header > buffer
    p.set_version_and_header_len(4, 24);
    p.set_total_len(20);
    assert_eq!(p.check_len(), Err(Error::Malformed)); // total < header
    p.set_total_len(29);
    assert_eq!(p.check_len(), Err(Error::Truncated));
    p.set_total_len(28);
    assert_eq!(p.check_len(), Ok(()));
    assert_eq!(p.options_len(), 4);
    p.set_dscp_ecn(0xb8);
    p.set_ident(0x1234);
    p.set_flags_and_frag_offset(false, true, 1480);
    p.set_ttl(1);
    p.set_protocol(protocol::IGMP);
    p.set_src_addr(Ipv4Addr::new(10, 0, 0, 1));
    p.set_dst_addr(Ipv4Addr::new(224, 0, 0, 22));
    p.fill_checksum();
    assert!(p.verify_checksum());
    assert!(p.more_frags() && !p.dont_frag() && p.is_fragment());
    assert_eq!(p.frag_offset(), 1480);
    assert_eq!(p.payload_mut().len(), 4);
    assert_eq!(
        &b[..20],
        &[
            0x46, 0xb8, 0, 28, 0x12, 0x34, 0x20, 185, 1, 2, b[10], b[11], 10, 0, 0, 1, 224, 0, 0,
            22
        ]
    );
    let p = Packet::new_checked(&b[..]).unwrap();
    assert_eq!(p.payload().len(), 4);
    assert_eq!(p.options().len(), 4);
    let mut b2 = b;
    let mut p = Packet::new_unchecked(&mut b2[..]);
    p.set_flags_and_frag_offset(false, false, 8);
    assert!(p.is_fragment() && !p.more_frags());
    p.set_flags_and_frag_offset(true, false, 0);
    assert!(!p.is_fragment());
}

#[test]
fn checksum_incremental_matches_full() {
    let mut p = Packet::new_unchecked(IP_HDR);
    for (old, new) in [(0x0073u16, 0x2332u16), (0x2332, 0xffff), (0xffff, 0x0000)] {
        let c = checksum::update(p.checksum(), old, new);
        p.set_total_len(new);
        let mut q = p.clone();
        q.fill_checksum();
        assert_eq!(c, q.checksum(), "{old:#x}->{new:#x}");
        p.set_checksum(c);
        assert!(p.verify_checksum());
    }
}
