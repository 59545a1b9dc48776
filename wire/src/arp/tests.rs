use super::*;
use crate::testutil::*;
use crate::*;

#[test]
fn arp_view_and_repr() {
    let repr = Repr {
        op: Operation::Request,
        sender_mac: Mac([0, 0x50, 0x56, 0x6f, 0x2c, 0x31]),
        sender_ip: Ipv4Addr::new(100, 10, 1, 4),
        target_mac: Mac::ZERO,
        target_ip: Ipv4Addr::new(100, 10, 1, 200),
    };
    let mut b = [0u8; LEN];
    assert_eq!(repr.buffer_len(), 28);
    repr.emit(&mut Packet::new_unchecked(&mut b[..]));
    assert_eq!(&b[..8], &[0, 1, 8, 0, 6, 4, 0, 1]);
    assert_eq!(&b[24..], &[100, 10, 1, 200]);
    let p = Packet::new_checked(&b[..]).unwrap();
    assert_eq!(p.hardware_type(), 1);
    assert_eq!(p.protocol_type(), 0x0800);
    assert_eq!((p.hardware_len(), p.protocol_len()), (6, 4));
    assert_eq!(
        p.target_proto_u32(),
        u32::from(Ipv4Addr::new(100, 10, 1, 200))
    );
    assert_eq!(
        p.sender_proto_u32(),
        u32::from(Ipv4Addr::new(100, 10, 1, 4))
    );
    assert_eq!(Repr::parse(&p), Ok(repr));
    assert_eq!(Packet::new_checked(&b[..27]).unwrap_err(), Error::Truncated);
    assert_eq!(Packet::new_checked(&b[..5]).unwrap_err(), Error::Truncated);
    b[4] = 8;
    assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed);
    b[4] = 6;
    b[1] = 6; // not Ethernet
    assert_eq!(
        Repr::parse(&Packet::new_checked(&b[..]).unwrap()),
        Err(Error::Malformed)
    );
}

#[test]
fn arp_request_round_trip() {
    let f = arp::request(SPINE_MAC, SPINE_IP, VM_IP, None);
    assert_eq!(f.len(), 60);
    assert_eq!(&f[..6], &Mac::BROADCAST);
    assert_eq!(&f[12..14], &[0x08, 0x06]);
    assert!(f[42..].iter().all(|&b| b == 0), "padding is zero");
    let (src, dst, vlan, arp) = arp::parse_frame(&f).unwrap();
    assert_eq!((src, dst, vlan), (SPINE_MAC, Mac::BROADCAST, None));
    assert_eq!(
        arp,
        Repr {
            op: Operation::Request,
            sender_mac: SPINE_MAC,
            sender_ip: SPINE_IP,
            target_mac: Mac::ZERO,
            target_ip: VM_IP,
        }
    );
}

#[test]
fn arp_request_vlan_round_trip() {
    let f = arp::request(SPINE_MAC, SPINE_IP, VM_IP, Some(100));
    assert_eq!(f.len(), 60);
    assert_eq!(&f[12..18], &[0x81, 0x00, 0x00, 100, 0x08, 0x06]);
    let (_, _, vlan, arp) = arp::parse_frame(&f).unwrap();
    assert_eq!(vlan, Some(100));
    assert_eq!(arp.target_ip, VM_IP);
}

#[test]
fn arp_reply_round_trip() {
    for vlan in [None, Some(10), Some(4094)] {
        let f = arp::reply(SPINE_MAC, SPINE_IP, VM_MAC, VM_IP, vlan);
        assert_eq!(f.len(), 60);
        let (src, dst, v, arp) = arp::parse_frame(&f).unwrap();
        assert_eq!((src, dst, v), (SPINE_MAC, VM_MAC, vlan));
        assert_eq!(arp.op, Operation::Reply);
        assert_eq!((arp.sender_mac, arp.sender_ip), (SPINE_MAC, SPINE_IP));
        assert_eq!((arp.target_mac, arp.target_ip), (VM_MAC, VM_IP));
    }
}

#[test]
fn gratuitous_arp_fields() {
    let f = arp::gratuitous(VM_MAC, VM_IP, Some(100));
    let (src, dst, vlan, arp) = arp::parse_frame(&f).unwrap();
    assert_eq!((src, dst, vlan), (VM_MAC, Mac::BROADCAST, Some(100)));
    assert_eq!(arp.op, Operation::Request);
    assert_eq!(arp.sender_ip, VM_IP);
    assert_eq!(arp.target_ip, VM_IP);
    assert_eq!(arp.target_mac, Mac::ZERO);
}

#[test]
fn arp_parse_rejects_bad_and_truncated() {
    let f = arp::reply(SPINE_MAC, SPINE_IP, VM_MAC, VM_IP, Some(10));
    assert_prefixes_rejected(&f, 18 + 28, arp::parse_frame);
    assert!(arp::parse_frame(&f[..18 + 28]).is_some());
    for (at, v) in [(18, 0x06u8), (20, 0x86), (22, 8), (23, 16), (25, 3)] {
        let mut bad = f.clone();
        bad[at] = v;
        assert!(arp::parse_frame(&bad).is_none(), "byte {at} = {v:#x}");
    }
    assert!(arp::parse_frame(&arp::rarp_announce(VM_MAC)).is_none());
    assert!(arp::parse_frame(&igmp::v2_report(VM_MAC, VM_IP, GROUP_V10)).is_none());
}

#[test]
fn rarp_announce_exact_bytes() {
    let f = arp::rarp_announce(VM_MAC);
    let mut want = vec![0xff; 6];
    want.extend_from_slice(&VM_MAC.0);
    want.extend_from_slice(&[0x80, 0x35, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x03]);
    want.extend_from_slice(&VM_MAC.0);
    want.extend_from_slice(&[0, 0, 0, 0]);
    want.extend_from_slice(&VM_MAC.0);
    want.extend_from_slice(&[0, 0, 0, 0]);
    want.resize(60, 0);
    assert_eq!(f, want);
    assert!(arp::is_rarp(&f));
}

#[test]
fn is_rarp_cases() {
    let f = arp::rarp_announce(VM_MAC);
    assert!(arp::is_rarp(&ethernet::with_vlan(&f, 100)));
    assert!(!arp::is_rarp(&f[..41]));
    assert!(!arp::is_rarp(&[]));
    assert!(!arp::is_rarp(&arp::request(
        SPINE_MAC, SPINE_IP, VM_IP, None
    )));
    let mut op1 = f.clone();
    op1[21] = 1;
    assert!(!arp::is_rarp(&op1));
    let mut op4 = f;
    op4[21] = 4;
    assert!(arp::is_rarp(&op4));
}

#[test]
fn oracle_emit_and_parse() {
    use vtep_testkit as tk;
    let mut r = Rng::new(0xa7a7);
    for _ in 0..CASES {
        let op = if r.bool() {
            Operation::Request
        } else {
            Operation::Reply
        };
        let repr = Repr {
            op,
            sender_mac: r.mac(),
            sender_ip: r.ip(),
            target_mac: r.mac(),
            target_ip: r.ip(),
        };
        let (dst, src, vlan) = (r.mac(), r.mac(), r.vlan());
        let arp = tk::Arp::new(
            op.code(),
            repr.sender_mac.0,
            repr.sender_ip,
            repr.target_mac.0,
            repr.target_ip,
        );
        let want = eth(dst, src, vlan).arp(&arp);
        assert_eq!(repr.to_frame(dst, src, vlan), want);
        assert_eq!(arp::parse_frame(&want), Some((src, dst, vlan, repr)));
        let mut b = [0u8; LEN];
        repr.emit(&mut Packet::new_unchecked(&mut b[..]));
        assert_eq!(&b[..], &arp.to_bytes()[..]);
    }
    let (m, ip, t) = (VM_MAC, VM_IP, SPINE_IP);
    assert_eq!(
        arp::request(m, ip, t, Some(7)),
        eth(Mac::BROADCAST, m, Some(7)).arp(&tk::Arp::request(m.0, ip, t))
    );
    assert_eq!(
        arp::gratuitous(m, ip, None),
        eth(Mac::BROADCAST, m, None).arp(&tk::Arp::gratuitous(m.0, ip))
    );
    assert_eq!(
        arp::rarp_announce(m),
        eth(Mac::BROADCAST, m, None).rarp(&tk::Arp::rarp_request(m.0))
    );
    // What the oracle can make wrong, the view and Repr refuse.
    let good = tk::Arp::request(m.0, ip, t);
    let body = |a: tk::Arp| a.to_bytes();
    let parse = |b: &[u8]| Packet::new_checked(b).and_then(|p| Repr::parse(&p));
    assert_eq!(
        parse(&body(tk::Arp { hlen: 8, ..good })),
        Err(Error::Malformed)
    );
    assert_eq!(
        parse(&body(tk::Arp { plen: 16, ..good })),
        Err(Error::Malformed)
    );
    assert_eq!(
        parse(&body(tk::Arp { htype: 6, ..good })),
        Err(Error::Malformed)
    );
    assert_eq!(
        parse(&body(tk::Arp {
            ptype: 0x86dd,
            ..good
        })),
        Err(Error::Malformed)
    );
    assert_eq!(
        parse(&body(tk::Arp { op: 3, ..good })),
        Err(Error::Malformed)
    );
    assert_eq!(parse(&body(good)[..27]), Err(Error::Truncated));
}
