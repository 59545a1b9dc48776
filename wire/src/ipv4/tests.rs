use super::*;
use crate::*;
use vtep_testkit as tk;

/// 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF, TTL 64
/// (checksum 0xb861), as the oracle builds it.
fn ip_hdr() -> [u8; 20] {
    let f = tk::Eth::new([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([192, 168, 0, 1], [192, 168, 0, 199])
        .df()
        .protocol(17)
        .payload(&[0; 95]);
    f[14..34].try_into().unwrap()
}

#[test]
fn ipv4_view_read() {
    let h = ip_hdr();
    let p = Packet::new_unchecked(&h[..]);
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
    assert_eq!(Packet::new_checked(&h[..]).unwrap_err(), Error::Truncated);
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
    // The oracle's header with the same fields, options and payload.
    let want = tk::Eth::new([0; 6], [0; 6])
        .unpadded()
        .ipv4([10, 0, 0, 1], [224, 0, 0, 22])
        .tos(0xb8)
        .ident(0x1234)
        .mf()
        .frag_offset(185)
        .ttl(1)
        .options(&b[20..24])
        .protocol(protocol::IGMP)
        .payload(&b[24..]);
    assert_eq!(&want[14..], &b[..]);
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
    let mut p = Packet::new_unchecked(ip_hdr());
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

#[test]
fn oracle_emit_and_parse() {
    use crate::testutil::*;
    let mut r = Rng::new(0x4444);
    for _ in 0..CASES {
        let repr = Repr {
            src: r.ip(),
            dst: r.ip(),
            protocol: r.u8(),
            ttl: r.u8(),
            tos: r.u8(),
            ident: r.u16(),
        };
        let df = r.bool();
        let options = r.words_below(11);
        let payload = r.bytes_below(100);
        let mut b = Vec::new();
        repr.emit(&mut b, df, &options, payload.len());
        b.extend_from_slice(&payload);
        let mut ip = tk::Eth::new([0; 6], [0; 6])
            .unpadded()
            .ipv4(repr.src, repr.dst)
            .tos(repr.tos)
            .ident(repr.ident)
            .ttl(repr.ttl)
            .protocol(repr.protocol)
            .options(&options);
        if df {
            ip = ip.df();
        }
        let want = ip.payload(&payload);
        assert_eq!(&want[14..], &b[..]);
        // Trailing bytes (Ethernet padding) are not payload.
        let mut padded = want[14..].to_vec();
        padded.extend_from_slice(&[0; 7]);
        assert_eq!(
            Repr::try_parse(&padded),
            Ok((repr, &options[..], &payload[..]))
        );
        for n in 0..b.len() {
            assert_eq!(Repr::try_parse(&b[..n]), Err(Error::Truncated), "{n}");
        }
    }
    // The oracle's wrong headers, and the error each gives.
    let base = || tk::Eth::new([0; 6], [0; 6]).ipv4([10, 0, 0, 1], [10, 0, 0, 2]);
    let err = |f: Vec<u8>| Repr::try_parse(&f[14..]).map(|r| r.0);
    assert!(err(base().payload(&[1; 8])).is_ok());
    assert_eq!(
        err(base().wrong_checksum().payload(&[])),
        Err(Error::Checksum)
    );
    assert_eq!(err(base().mf().payload(&[])), Err(Error::Fragmented));
    assert_eq!(
        err(base().frag_offset(1).payload(&[])),
        Err(Error::Fragmented)
    );
    assert_eq!(
        err(base().version_ihl(0x65).payload(&[])),
        Err(Error::Malformed)
    );
    assert_eq!(
        err(base().version_ihl(0x44).payload(&[])),
        Err(Error::Malformed)
    );
    assert_eq!(
        err(base().total_len(19).payload(&[])),
        Err(Error::Malformed)
    );
    assert_eq!(
        err(base().total_len(47).payload(&[])),
        Err(Error::Truncated)
    );
    assert_eq!(
        err(base().version_ihl(0x4f).payload(&[])),
        Err(Error::Truncated)
    );
    // DF and the reserved flag are not fragments.
    assert!(err(base().df().reserved_flag().payload(&[])).is_ok());
}
