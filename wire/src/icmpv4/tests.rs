use super::*;
use crate::testutil::*;
use crate::*;
use vtep_testkit as tk;

#[test]
fn icmp_echo_reply_round_trip() {
    let req = echo_request(None, &[], b"abcdefghijklmnopqrstuvwabcdefghi");
    let p = icmpv4::parse_echo_request(&req).unwrap();
    assert_eq!((p.src_ip, p.dst_ip, p.vlan), (VM_IP, SPINE_IP, None));
    assert_eq!((p.ident, p.seq), (0xbeef, 7));
    let r = p.reply(SPINE_MAC, 0x4242);
    assert_eq!(r.len(), 14 + 20 + 8 + 32);
    assert_eq!(&r[..6], &VM_MAC);
    assert_eq!(&r[6..12], &SPINE_MAC);
    let ip = &r[14..34];
    assert_eq!(ip[0], 0x45);
    assert_eq!(ip[1], 0x10, "TOS kept");
    assert_eq!(&ip[4..6], &[0x42, 0x42]);
    assert_eq!(ip[8], 64);
    assert_eq!(ip[9], 1);
    assert_eq!(&ip[12..16], &SPINE_IP.octets());
    assert_eq!(&ip[16..20], &VM_IP.octets());
    assert_eq!(tk::internet_checksum(ip), 0);
    let icmp = &r[34..];
    assert_eq!(&icmp[..2], &[0, 0]);
    assert_eq!(&icmp[4..8], &[0xbe, 0xef, 0x00, 0x07]);
    assert_eq!(&icmp[8..], b"abcdefghijklmnopqrstuvwabcdefghi");
    assert_eq!(tk::internet_checksum(icmp), 0);
    // A reply is not a request.
    assert!(icmpv4::parse_echo_request(&r).is_none());
}

#[test]
fn icmp_echo_reply_vlan_and_options() {
    // Record Route with room for one address, then end-of-options padding.
    let options = [7, 7, 4, 0, 0, 0, 0, 0];
    let req = echo_request(Some(100), &options, &[1, 2, 3]);
    let r = echo_reply(&req, SPINE_MAC).unwrap();
    assert_eq!(&r[12..16], &[0x81, 0x00, 0x00, 100]);
    assert_eq!(r.len(), 60, "short reply padded");
    let ip = &r[18..38];
    assert_eq!(ip[0], 0x45, "options not echoed");
    assert_eq!(u16::from_be_bytes([ip[2], ip[3]]), 20 + 8 + 3);
    assert_eq!(tk::internet_checksum(ip), 0);
    assert_eq!(tk::internet_checksum(&r[38..38 + 11]), 0);
    assert_eq!(&r[46..49], &[1, 2, 3]);
}

#[test]
fn icmp_echo_reply_jumbo() {
    let payload = pattern(8972);
    let req = echo_request(Some(10), &[], &payload);
    assert_eq!(req.len(), 18 + 9000);
    let r = echo_reply(&req, SPINE_MAC).unwrap();
    assert_eq!(r.len(), 18 + 9000);
    let ip = &r[18..38];
    assert_eq!(u16::from_be_bytes([ip[2], ip[3]]), 9000);
    assert_eq!(tk::internet_checksum(ip), 0);
    assert_eq!(tk::internet_checksum(&r[38..]), 0);
    assert_eq!(&r[46..], &payload[..]);
}

#[test]
fn icmp_request_with_ethernet_padding() {
    // A 60-byte frame whose IP packet is shorter: padding must not reach
    // the ICMP checksum.
    let req = echo_request(None, &[], &[9; 2]);
    assert_eq!(req.len(), 60);
    let p = icmpv4::parse_echo_request(&req).unwrap();
    assert_eq!(p.payload, &[9, 9]);
}

#[test]
fn icmp_rejects_bad_checksums_fragments_and_junk() {
    let req = echo_request(Some(10), &[], &pattern(40));
    assert!(icmpv4::parse_echo_request(&req).is_some());
    let mutate = |at: usize, v: u8| {
        let mut b = req.clone();
        b[at] = v;
        b
    };
    let ip = 18;
    // IPv4 header checksum wrong.
    assert!(icmpv4::parse_echo_request(&mutate(ip + 10, req[ip + 10] ^ 0xff)).is_none());
    // ICMP checksum wrong (a payload byte changed).
    assert!(icmpv4::parse_echo_request(&mutate(ip + 30, req[ip + 30] ^ 1)).is_none());
    // Version 6, IHL 4.
    assert!(icmpv4::parse_echo_request(&mutate(ip, 0x65)).is_none());
    assert!(icmpv4::parse_echo_request(&mutate(ip, 0x44)).is_none());
    // Fragments, with the header checksum fixed up so only the flag differs.
    for (flags_hi, flags_lo) in [(0x20u8, 0u8), (0x00, 0x10), (0x40, 0x01)] {
        let mut b = req.clone();
        b[ip + 6] = flags_hi;
        b[ip + 7] = flags_lo;
        tk::fix_ipv4_checksum(&mut b);
        assert!(
            icmpv4::parse_echo_request(&b).is_none(),
            "{flags_hi:#x} {flags_lo:#x}"
        );
    }
    // Total length beyond the frame.
    let mut b = req.clone();
    b.truncate(req.len() - 1);
    assert!(icmpv4::parse_echo_request(&b).is_none());
    assert_prefixes_rejected(&req, req.len(), |b| {
        icmpv4::parse_echo_request(b).map(|p| p.ident)
    });
    assert!(icmpv4::parse_echo_request(&arp::request(VM_MAC, VM_IP, SPINE_IP, None)).is_none());
    assert!(icmpv4::parse_echo_request(&igmp::v2_report(VM_MAC, VM_IP, GROUP_V10)).is_none());
}

#[test]
fn icmp_view_and_repr() {
    let mut b = [0u8; 12];
    assert_eq!(Packet::new_checked(&b[..7]).unwrap_err(), Error::Truncated);
    let repr = Repr::EchoRequest {
        ident: 0xbeef,
        seq_no: 7,
        data: b"ping",
    };
    assert_eq!(repr.buffer_len(), 12);
    repr.emit(&mut Packet::new_unchecked(&mut b[..]));
    assert_eq!(&b[..], &tk::icmp::echo_request(0xbeef, 7, b"ping")[..]);
    let p = Packet::new_checked(&b[..]).unwrap();
    assert_eq!((p.msg_type(), p.msg_code()), (8, 0));
    assert_eq!(
        (p.echo_ident(), p.echo_seq_no(), p.data()),
        (0xbeef, 7, &b"ping"[..])
    );
    assert!(p.verify_checksum());
    assert_eq!(Repr::parse(&p), Ok(repr));
    let mut q = Packet::new_unchecked(&mut b[..]);
    q.set_msg_type(field::TYPE_ECHO_REPLY);
    q.set_echo_seq_no(8);
    assert_eq!(
        Repr::parse(&Packet::new_checked(&b[..]).unwrap()),
        Err(Error::Checksum)
    );
    Packet::new_unchecked(&mut b[..]).fill_checksum();
    assert_eq!(&b[..], &tk::icmp::echo_reply(0xbeef, 8, b"ping")[..]);
    let p = Packet::new_checked(&b[..]).unwrap();
    assert_eq!(
        Repr::parse(&p),
        Ok(Repr::EchoReply {
            ident: 0xbeef,
            seq_no: 8,
            data: b"ping"
        })
    );
    // Not an echo: unreachable, and an echo with a non-zero code.
    let m = tk::icmp::message(3, 1, [0; 4], &[0; 28]);
    assert_eq!(
        Repr::parse(&Packet::new_checked(&m[..]).unwrap()),
        Err(Error::Unrecognized)
    );
    let m = tk::icmp::message(8, 1, [0; 4], &[]);
    assert_eq!(
        Repr::parse(&Packet::new_checked(&m[..]).unwrap()),
        Err(Error::Unrecognized)
    );
}

#[test]
fn oracle_echo_request_and_reply() {
    let mut r = Rng::new(0x1c3b);
    for _ in 0..CASES {
        let (mac, peer, vlan) = (r.mac(), r.mac(), r.vlan());
        let (src, dst, tos, ipid) = (r.ip(), r.ip(), r.u8(), r.u16());
        let (ident, seq, data) = (r.u16(), r.u16(), r.bytes_below(300));
        let options = r.words_below(11);
        let mut ip = eth(mac, peer, vlan)
            .ipv4(src, dst)
            .tos(tos)
            .ident(r.u16())
            .ttl(r.u8())
            .options(&options);
        if r.bool() {
            ip = ip.df();
        }
        let req = ip.icmp(&tk::icmp::echo_request(ident, seq, &data));
        let p = try_parse_echo_request(&req).unwrap();
        assert_eq!(
            p,
            EchoRequest {
                eth_src: peer,
                eth_dst: mac,
                vlan,
                src_ip: src,
                dst_ip: dst,
                tos,
                ident,
                seq,
                payload: &data,
            }
        );
        let want = eth(peer, mac, vlan)
            .ipv4(dst, src)
            .tos(tos)
            .ident(ipid)
            .icmp(&tk::icmp::echo_reply(ident, seq, &data));
        assert_eq!(p.reply(mac, ipid), want);
        let hl = if vlan.is_some() { 18 } else { 14 } + 20 + options.len();
        for n in 0..hl + HEADER_LEN {
            assert!(try_parse_echo_request(&req[..n]).is_err(), "{n}");
        }
    }
    let base = || eth(SPINE_MAC, VM_MAC, None).ipv4(VM_IP, SPINE_IP);
    let ping = tk::icmp::echo_request(1, 2, b"abc");
    let err = |f: Vec<u8>| try_parse_echo_request(&f).map(|p| p.ident);
    assert_eq!(err(base().icmp(&ping)), Ok(1));
    let mut bad = ping.clone();
    bad[8] ^= 1;
    assert_eq!(err(base().icmp(&bad)), Err(Error::Checksum));
    assert_eq!(
        err(base().wrong_checksum().icmp(&ping)),
        Err(Error::Checksum)
    );
    assert_eq!(err(base().mf().icmp(&ping)), Err(Error::Fragmented));
    assert_eq!(
        err(base().icmp(&tk::icmp::echo_reply(1, 2, b"abc"))),
        Err(Error::Unrecognized)
    );
    assert_eq!(
        err(base().protocol(17).icmp(&ping)),
        Err(Error::Unrecognized)
    );
    assert_eq!(
        err(eth(SPINE_MAC, VM_MAC, None).arp(&tk::Arp::request(VM_MAC.0, VM_IP, SPINE_IP))),
        Err(Error::Unrecognized)
    );
    assert_eq!(err(base().icmp(&ping[..7])), Err(Error::Truncated));
}
