use super::*;

// Addresses from the seed's topology.
const SPINE_MAC: MacAddr = [0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0];
const VM_MAC: MacAddr = [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58];
const NETAPP_MAC: MacAddr = [0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc];
const SPINE_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);
const VM_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);
const VTEP_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
const GROUP_V10: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 10);
const GROUP_V100: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);

fn eth_header(f: &mut Vec<u8>, dst: MacAddr, src: MacAddr, vlan: Option<u16>, et: u16) {
    EthernetRepr {
        dst,
        src,
        vlan,
        ethertype: et,
    }
    .emit(f);
}

/// An echo request as a host would send it, built independently of the
/// reply code; `options` must be a multiple of 4 bytes.
fn echo_request(vlan: Option<u16>, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth_header(&mut f, SPINE_MAC, VM_MAC, vlan, ethertype::IPV4);
    let ip_start = f.len();
    let hl = 20 + options.len();
    let total = (hl + 8 + payload.len()) as u16;
    f.extend_from_slice(&[0x40 | (hl / 4) as u8, 0x10]);
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&[0x12, 0x34, 0x40, 0x00, 64, 1, 0, 0]);
    f.extend_from_slice(&VM_IP.octets());
    f.extend_from_slice(&SPINE_IP.octets());
    f.extend_from_slice(options);
    let c = internet_checksum(&f[ip_start..]);
    f[ip_start + 10..ip_start + 12].copy_from_slice(&c.to_be_bytes());
    let icmp_start = f.len();
    f.extend_from_slice(&[8, 0, 0, 0, 0xbe, 0xef, 0x00, 0x07]);
    f.extend_from_slice(payload);
    let c = internet_checksum(&f[icmp_start..]);
    f[icmp_start + 2..icmp_start + 4].copy_from_slice(&c.to_be_bytes());
    pad(f)
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + 3) as u8).collect()
}

/// Every proper prefix of `frame` must parse to nothing (and not panic).
fn assert_prefixes_rejected<T: std::fmt::Debug>(
    frame: &[u8],
    upto: usize,
    parse: impl Fn(&[u8]) -> Option<T>,
) {
    for n in 0..upto.min(frame.len()) {
        assert!(parse(&frame[..n]).is_none(), "prefix of {n} bytes parsed");
    }
}

// ---------------------------------------------------------------- checksum

#[test]
fn checksum_rfc1071_example() {
    // RFC 1071 §3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2.
    let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
    assert_eq!(ones_complement_sum(&data), 0xddf2);
    assert_eq!(internet_checksum(&data), !0xddf2);
}

#[test]
fn checksum_odd_length_and_verify() {
    assert_eq!(ones_complement_sum(&[0xab]), 0xab00);
    // Odd length, checksum field first.
    let mut data = vec![0, 0, 0x45, 0x00, 0x00, 0x1c, 0xff, 0xff, 0x00, 0x00, 0x01];
    let c = internet_checksum(&data);
    data[..2].copy_from_slice(&c.to_be_bytes());
    assert!(checksum_ok(&data));
    data[0] ^= 1;
    assert!(!checksum_ok(&data));
}

#[test]
fn checksum_large_buffer_carries() {
    let data = vec![0xff; 65536];
    assert_eq!(ones_complement_sum(&data), 0xffff);
}

// ---------------------------------------------------------------- ethernet

#[test]
fn with_vlan_inserts_tag() {
    let f = igmpv2_report(VM_MAC, VM_IP, GROUP_V10);
    let t = with_vlan(&f, 10);
    assert_eq!(t.len(), f.len() + 4);
    assert_eq!(&t[12..16], &[0x81, 0x00, 0x00, 0x0a]);
    assert_eq!(&t[16..], &f[12..]);
    let p = parse_igmp_packet(&t).unwrap();
    assert_eq!(p.vlan, Some(10));
    assert_eq!(with_vlan(&[1, 2, 3], 5), vec![1, 2, 3]);
}

// ---------------------------------------------------------------- ARP

#[test]
fn arp_request_round_trip() {
    let f = arp_request(SPINE_MAC, SPINE_IP, VM_IP, None);
    assert_eq!(f.len(), 60);
    assert_eq!(&f[..6], &BROADCAST_MAC);
    assert_eq!(&f[12..14], &[0x08, 0x06]);
    assert!(f[42..].iter().all(|&b| b == 0), "padding is zero");
    let (src, dst, vlan, arp) = ArpRepr::parse(&f).unwrap();
    assert_eq!((src, dst, vlan), (SPINE_MAC, BROADCAST_MAC, None));
    assert_eq!(
        arp,
        ArpRepr {
            op: ArpOp::Request,
            sender_mac: SPINE_MAC,
            sender_ip: SPINE_IP,
            target_mac: [0; 6],
            target_ip: VM_IP,
        }
    );
}

#[test]
fn arp_request_vlan_round_trip() {
    let f = arp_request(SPINE_MAC, SPINE_IP, VM_IP, Some(100));
    assert_eq!(f.len(), 60);
    assert_eq!(&f[12..18], &[0x81, 0x00, 0x00, 100, 0x08, 0x06]);
    let (_, _, vlan, arp) = ArpRepr::parse(&f).unwrap();
    assert_eq!(vlan, Some(100));
    assert_eq!(arp.target_ip, VM_IP);
}

#[test]
fn arp_reply_round_trip() {
    for vlan in [None, Some(10), Some(4094)] {
        let f = arp_reply(SPINE_MAC, SPINE_IP, VM_MAC, VM_IP, vlan);
        assert_eq!(f.len(), 60);
        let (src, dst, v, arp) = ArpRepr::parse(&f).unwrap();
        assert_eq!((src, dst, v), (SPINE_MAC, VM_MAC, vlan));
        assert_eq!(arp.op, ArpOp::Reply);
        assert_eq!((arp.sender_mac, arp.sender_ip), (SPINE_MAC, SPINE_IP));
        assert_eq!((arp.target_mac, arp.target_ip), (VM_MAC, VM_IP));
    }
}

#[test]
fn gratuitous_arp_fields() {
    let f = gratuitous_arp(VM_MAC, VM_IP, Some(100));
    let (src, dst, vlan, arp) = ArpRepr::parse(&f).unwrap();
    assert_eq!((src, dst, vlan), (VM_MAC, BROADCAST_MAC, Some(100)));
    assert_eq!(arp.op, ArpOp::Request);
    assert_eq!(arp.sender_ip, VM_IP);
    assert_eq!(arp.target_ip, VM_IP);
    assert_eq!(arp.target_mac, [0; 6]);
}

#[test]
fn arp_parse_rejects_bad_and_truncated() {
    let f = arp_reply(SPINE_MAC, SPINE_IP, VM_MAC, VM_IP, Some(10));
    assert_prefixes_rejected(&f, 18 + 28, ArpRepr::parse);
    assert!(ArpRepr::parse(&f[..18 + 28]).is_some());
    for (at, v) in [(18, 0x06u8), (20, 0x86), (22, 8), (23, 16), (25, 3)] {
        let mut bad = f.clone();
        bad[at] = v;
        assert!(ArpRepr::parse(&bad).is_none(), "byte {at} = {v:#x}");
    }
    assert!(ArpRepr::parse(&rarp_announce(VM_MAC)).is_none());
    assert!(ArpRepr::parse(&igmpv2_report(VM_MAC, VM_IP, GROUP_V10)).is_none());
}

#[test]
fn rarp_announce_exact_bytes() {
    let f = rarp_announce(VM_MAC);
    let mut want = vec![0xff; 6];
    want.extend_from_slice(&VM_MAC);
    want.extend_from_slice(&[0x80, 0x35, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x03]);
    want.extend_from_slice(&VM_MAC);
    want.extend_from_slice(&[0, 0, 0, 0]);
    want.extend_from_slice(&VM_MAC);
    want.extend_from_slice(&[0, 0, 0, 0]);
    want.resize(60, 0);
    assert_eq!(f, want);
    assert!(is_rarp(&f));
}

#[test]
fn is_rarp_cases() {
    let f = rarp_announce(VM_MAC);
    assert!(is_rarp(&with_vlan(&f, 100)));
    assert!(!is_rarp(&f[..41]));
    assert!(!is_rarp(&[]));
    assert!(!is_rarp(&arp_request(SPINE_MAC, SPINE_IP, VM_IP, None)));
    let mut op1 = f.clone();
    op1[21] = 1;
    assert!(!is_rarp(&op1));
    let mut op4 = f;
    op4[21] = 4;
    assert!(is_rarp(&op4));
}

// ---------------------------------------------------------------- ICMP

#[test]
fn icmp_echo_reply_round_trip() {
    let req = echo_request(None, &[], b"abcdefghijklmnopqrstuvwabcdefghi");
    let p = parse_icmp_echo_request(&req).unwrap();
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
    assert!(checksum_ok(ip));
    let icmp = &r[34..];
    assert_eq!(&icmp[..2], &[0, 0]);
    assert_eq!(&icmp[4..8], &[0xbe, 0xef, 0x00, 0x07]);
    assert_eq!(&icmp[8..], b"abcdefghijklmnopqrstuvwabcdefghi");
    assert!(checksum_ok(icmp));
    // A reply is not a request.
    assert!(parse_icmp_echo_request(&r).is_none());
}

#[test]
fn icmp_echo_reply_vlan_and_options() {
    // Record Route with room for one address, then end-of-options padding.
    let options = [7, 7, 4, 0, 0, 0, 0, 0];
    let req = echo_request(Some(100), &options, &[1, 2, 3]);
    let r = icmp_echo_reply(&req, SPINE_MAC).unwrap();
    assert_eq!(&r[12..16], &[0x81, 0x00, 0x00, 100]);
    assert_eq!(r.len(), 60, "short reply padded");
    let ip = &r[18..38];
    assert_eq!(ip[0], 0x45, "options not echoed");
    assert_eq!(u16::from_be_bytes([ip[2], ip[3]]), 20 + 8 + 3);
    assert!(checksum_ok(ip));
    assert!(checksum_ok(&r[38..38 + 11]));
    assert_eq!(&r[46..49], &[1, 2, 3]);
}

#[test]
fn icmp_echo_reply_fresh_ident() {
    let req = echo_request(None, &[], &[0; 8]);
    let a = icmp_echo_reply(&req, SPINE_MAC).unwrap();
    let b = icmp_echo_reply(&req, SPINE_MAC).unwrap();
    assert_ne!(&a[18..20], &b[18..20]);
}

#[test]
fn icmp_echo_reply_jumbo() {
    let payload = pattern(8972);
    let req = echo_request(Some(10), &[], &payload);
    assert_eq!(req.len(), 18 + 9000);
    let r = icmp_echo_reply(&req, SPINE_MAC).unwrap();
    assert_eq!(r.len(), 18 + 9000);
    let ip = &r[18..38];
    assert_eq!(u16::from_be_bytes([ip[2], ip[3]]), 9000);
    assert!(checksum_ok(ip));
    assert!(checksum_ok(&r[38..]));
    assert_eq!(&r[46..], &payload[..]);
}

#[test]
fn icmp_request_with_ethernet_padding() {
    // A 60-byte frame whose IP packet is shorter: padding must not reach
    // the ICMP checksum.
    let req = echo_request(None, &[], &[9; 2]);
    assert_eq!(req.len(), 60);
    let p = parse_icmp_echo_request(&req).unwrap();
    assert_eq!(p.payload, &[9, 9]);
}

#[test]
fn icmp_rejects_bad_checksums_fragments_and_junk() {
    let req = echo_request(Some(10), &[], &pattern(40));
    assert!(parse_icmp_echo_request(&req).is_some());
    let mutate = |at: usize, v: u8| {
        let mut b = req.clone();
        b[at] = v;
        b
    };
    let ip = 18;
    // IPv4 header checksum wrong.
    assert!(parse_icmp_echo_request(&mutate(ip + 10, req[ip + 10] ^ 0xff)).is_none());
    // ICMP checksum wrong (a payload byte changed).
    assert!(parse_icmp_echo_request(&mutate(ip + 30, req[ip + 30] ^ 1)).is_none());
    // Version 6, IHL 4.
    assert!(parse_icmp_echo_request(&mutate(ip, 0x65)).is_none());
    assert!(parse_icmp_echo_request(&mutate(ip, 0x44)).is_none());
    // Fragments, with the header checksum fixed up so only the flag differs.
    for (flags_hi, flags_lo) in [(0x20u8, 0u8), (0x00, 0x10), (0x40, 0x01)] {
        let mut b = req.clone();
        b[ip + 6] = flags_hi;
        b[ip + 7] = flags_lo;
        b[ip + 10..ip + 12].copy_from_slice(&[0, 0]);
        let c = internet_checksum(&b[ip..ip + 20]);
        b[ip + 10..ip + 12].copy_from_slice(&c.to_be_bytes());
        assert!(
            parse_icmp_echo_request(&b).is_none(),
            "{flags_hi:#x} {flags_lo:#x}"
        );
    }
    // Total length beyond the frame.
    let mut b = req.clone();
    b.truncate(req.len() - 1);
    assert!(parse_icmp_echo_request(&b).is_none());
    assert_prefixes_rejected(&req, req.len(), |b| {
        parse_icmp_echo_request(b).map(|p| p.ident)
    });
    assert!(parse_icmp_echo_request(&arp_request(VM_MAC, VM_IP, SPINE_IP, None)).is_none());
    assert!(parse_icmp_echo_request(&igmpv2_report(VM_MAC, VM_IP, GROUP_V10)).is_none());
}

// ---------------------------------------------------------------- IGMP

#[test]
fn group_mac_maps_low_23_bits() {
    assert_eq!(group_mac(GROUP_V10), [0x01, 0x00, 0x5e, 0x01, 0x01, 0x0a]);
    assert_eq!(
        group_mac(IGMPV3_ROUTERS),
        [0x01, 0x00, 0x5e, 0x00, 0x00, 0x16]
    );
    assert_eq!(
        group_mac(Ipv4Addr::new(239, 129, 1, 100)),
        [0x01, 0x00, 0x5e, 0x01, 0x01, 0x64]
    );
    assert_eq!(
        group_mac(Ipv4Addr::new(224, 255, 255, 255)),
        [0x01, 0x00, 0x5e, 0x7f, 0xff, 0xff]
    );
}

/// Checks the IPv4 part every IGMP frame shares and returns the IGMP bytes.
fn check_igmp_ip(f: &[u8], dst: Ipv4Addr) -> &[u8] {
    assert_eq!(&f[..6], &group_mac(dst));
    assert_eq!(&f[6..12], &VM_MAC);
    assert_eq!(&f[12..14], &[0x08, 0x00]);
    let ip = &f[14..38];
    assert_eq!(ip[0], 0x46, "IHL 6");
    assert_eq!(ip[8], 1, "TTL 1");
    assert_eq!(ip[9], 2, "protocol IGMP");
    assert_eq!(&ip[12..16], &VM_IP.octets());
    assert_eq!(&ip[16..20], &dst.octets());
    assert_eq!(&ip[20..24], &[0x94, 0x04, 0x00, 0x00], "router alert");
    assert!(checksum_ok(ip));
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    let igmp = &f[38..14 + total];
    assert!(checksum_ok(igmp));
    igmp
}

#[test]
fn igmpv3_report_join_layout() {
    let f = igmpv3_report(VM_MAC, VM_IP, &[(RecordType::ChangeToExclude, GROUP_V10)]);
    assert_eq!(f.len(), 60, "14 + 24 + 16 padded");
    assert!(f[54..].iter().all(|&b| b == 0));
    assert_eq!(&f[..6], &[0x01, 0x00, 0x5e, 0x00, 0x00, 0x16]);
    let igmp = check_igmp_ip(&f, IGMPV3_ROUTERS);
    assert_eq!(igmp.len(), 16);
    assert_eq!(igmp[0], 0x22);
    assert_eq!(&igmp[4..8], &[0, 0, 0, 1]);
    assert_eq!(&igmp[8..12], &[4, 0, 0, 0]);
    assert_eq!(&igmp[12..16], &GROUP_V10.octets());
}

#[test]
fn igmpv3_report_round_trips() {
    let recs = [
        (RecordType::ModeIsExclude, GROUP_V10),
        (RecordType::ModeIsExclude, GROUP_V100),
    ];
    for (rt, want_len) in [
        (RecordType::ChangeToExclude, 1),
        (RecordType::ChangeToInclude, 1),
    ] {
        let f = igmpv3_report(VM_MAC, VM_IP, &[(rt, GROUP_V100)]);
        let p = parse_igmp_packet(&f).unwrap();
        assert_eq!(p.dst_ip, IGMPV3_ROUTERS);
        assert_eq!(p.ttl, 1);
        assert!(p.router_alert);
        let IgmpMsg::Report {
            version: 3,
            records,
        } = p.msg
        else {
            panic!("{:?}", p.msg)
        };
        assert_eq!(records.len(), want_len);
        assert_eq!(records[0].record_type, rt);
        assert_eq!(records[0].group, GROUP_V100);
        assert!(records[0].sources.is_empty());
    }
    let f = igmpv3_report(VM_MAC, VM_IP, &recs);
    let igmp = check_igmp_ip(&f, IGMPV3_ROUTERS);
    assert_eq!(igmp.len(), 8 + 16);
    assert_eq!(
        parse_igmp(&f),
        Some(IgmpMsg::Report {
            version: 3,
            records: recs
                .iter()
                .map(|&(record_type, group)| GroupRecord {
                    record_type,
                    group,
                    sources: vec![],
                })
                .collect(),
        })
    );
}

#[test]
fn igmpv3_reports_split_at_mtu() {
    let recs: Vec<_> = (0..400u32)
        .map(|i| (RecordType::ModeIsExclude, Ipv4Addr::from(0xef01_0000 + i)))
        .collect();
    let frames = igmpv3_reports(VM_MAC, VM_IP, &recs);
    assert_eq!(frames.len(), 3);
    // 14 + 24 + 8 + 183 * 8: within a 1500-byte IP MTU.
    assert_eq!(frames[0].len(), 1510);
    assert_eq!(frames[2].len(), 14 + 24 + 8 + 34 * 8);
    let mut seen = Vec::new();
    for f in &frames {
        let Some(IgmpMsg::Report { records, .. }) = parse_igmp(f) else {
            panic!()
        };
        seen.extend(records.into_iter().map(|r| r.group));
    }
    assert_eq!(seen, recs.iter().map(|r| r.1).collect::<Vec<_>>());
    assert!(igmpv3_reports(VM_MAC, VM_IP, &[]).is_empty());
    assert_eq!(igmpv3_report(VM_MAC, VM_IP, &recs).len(), 1510);
}

#[test]
fn igmpv2_report_and_leave() {
    let f = igmpv2_report(VM_MAC, VM_IP, GROUP_V10);
    assert_eq!(f.len(), 60, "14 + 24 + 8 padded");
    assert_eq!(&f[..6], &[0x01, 0x00, 0x5e, 0x01, 0x01, 0x0a]);
    let igmp = check_igmp_ip(&f, GROUP_V10);
    assert_eq!(igmp.len(), 8);
    assert_eq!(igmp[0], 0x16);
    assert_eq!(&igmp[4..8], &GROUP_V10.octets());
    let p = parse_igmp_packet(&f).unwrap();
    assert_eq!(
        p.msg,
        IgmpMsg::Report {
            version: 2,
            records: vec![GroupRecord {
                record_type: RecordType::ModeIsExclude,
                group: GROUP_V10,
                sources: vec![],
            }],
        }
    );

    let f = igmpv2_leave(VM_MAC, VM_IP, GROUP_V100);
    assert_eq!(&f[..6], &[0x01, 0x00, 0x5e, 0x00, 0x00, 0x02]);
    let igmp = check_igmp_ip(&f, ALL_ROUTERS);
    assert_eq!(igmp[0], 0x17);
    assert_eq!(&igmp[4..8], &GROUP_V100.octets());
    assert_eq!(parse_igmp(&f), Some(IgmpMsg::Leave { group: GROUP_V100 }));
}

/// A query frame as a querier sends it; `igmp` has its checksum zeroed.
fn query_frame(dst: Ipv4Addr, mut igmp: Vec<u8>, vlan: Option<u16>) -> Vec<u8> {
    let c = internet_checksum(&igmp);
    igmp[2..4].copy_from_slice(&c.to_be_bytes());
    let mut f = Vec::new();
    eth_header(&mut f, group_mac(dst), SPINE_MAC, vlan, ethertype::IPV4);
    let ip = Ipv4Repr {
        src: SPINE_IP,
        dst,
        protocol: 2,
        ttl: 1,
        tos: 0xc0,
        ident: 0,
    };
    emit_ipv4(&mut f, &ip, false, &ROUTER_ALERT, igmp.len());
    f.extend_from_slice(&igmp);
    pad(f)
}

fn v3_query(code: u8, group: Ipv4Addr, sources: &[Ipv4Addr]) -> Vec<u8> {
    let mut q = vec![0x11, code, 0, 0];
    q.extend_from_slice(&group.octets());
    q.extend_from_slice(&[0x0a, 125]); // S=1, QRV=2, QQIC=125
    q.extend_from_slice(&(sources.len() as u16).to_be_bytes());
    for s in sources {
        q.extend_from_slice(&s.octets());
    }
    q
}

#[test]
fn igmp_query_versions_by_length() {
    let g0 = Ipv4Addr::UNSPECIFIED;
    let short = |code: u8, group: Ipv4Addr| {
        let mut q = vec![0x11, code, 0, 0];
        q.extend_from_slice(&group.octets());
        q
    };
    let cases = [
        (short(0, g0), None, 100, 1),
        (short(100, g0), None, 100, 2),
        (short(10, GROUP_V10), Some(GROUP_V10), 10, 2),
        (v3_query(100, g0, &[]), None, 100, 3),
        (v3_query(125, GROUP_V100, &[]), Some(GROUP_V100), 125, 3),
        // exp 0, mant 0: 0x10 << 3 = 128 tenths.
        (v3_query(0x80, g0, &[]), None, 128, 3),
        // exp 0, mant 15: 31 << 3 = 248 tenths.
        (v3_query(0x8f, g0, &[]), None, 248, 3),
        // exp 7, mant 15: 31 << 10 = 31744 tenths.
        (v3_query(0xff, g0, &[]), None, 31744, 3),
        // exp 2, mant 5: 21 << 5 = 672 tenths.
        (v3_query(0xa5, g0, &[]), None, 672, 3),
    ];
    for (igmp, group, tenths, version) in cases {
        let dst = group.unwrap_or(ALL_SYSTEMS);
        let f = query_frame(dst, igmp, None);
        assert_eq!(
            parse_igmp(&f),
            Some(IgmpMsg::Query {
                group,
                max_resp: Duration::from_millis(tenths * 100),
                version,
            }),
        );
    }
}

#[test]
fn igmp_v3_query_detail_and_sources() {
    let srcs = [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)];
    let f = query_frame(GROUP_V10, v3_query(100, GROUP_V10, &srcs), Some(10));
    let p = parse_igmp_packet(&f).unwrap();
    assert_eq!(p.vlan, Some(10));
    assert_eq!(p.src_ip, SPINE_IP);
    assert_eq!(
        p.v3_query,
        Some(V3QueryDetail {
            suppress: true,
            qrv: 2,
            qqi: Duration::from_secs(125),
            sources: srcs.to_vec(),
        })
    );
    // Source count claiming more than is there.
    let mut q = v3_query(100, GROUP_V10, &srcs);
    q[11] = 3;
    assert!(parse_igmp(&query_frame(GROUP_V10, q, None)).is_none());
}

#[test]
fn igmp_query_of_odd_length_ignored() {
    // RFC 3376 §7.1: a 10-byte query matches no version.
    let mut q = vec![0x11, 100, 0, 0, 0, 0, 0, 0, 0, 0];
    q[4..8].copy_from_slice(&GROUP_V10.octets());
    assert!(parse_igmp(&query_frame(GROUP_V10, q, None)).is_none());
    // And a 7-byte one.
    assert!(parse_igmp(&query_frame(
        ALL_SYSTEMS,
        vec![0x11, 100, 0, 0, 0, 0, 0],
        None
    ))
    .is_none());
}

#[test]
fn igmp_rejects_bad_checksum_and_truncation() {
    let f = igmpv3_report(VM_MAC, VM_IP, &[(RecordType::ChangeToExclude, GROUP_V10)]);
    let mut bad = f.clone();
    bad[14 + 24 + 2] ^= 0x01; // IGMP checksum
    assert!(parse_igmp(&bad).is_none());
    let mut bad = f.clone();
    bad[14 + 24 + 16 - 1] ^= 0x01; // group address
    assert!(parse_igmp(&bad).is_none());
    let mut bad = f.clone();
    bad[14 + 8] = 2; // TTL changed: IPv4 header checksum now wrong
    assert!(parse_igmp(&bad).is_none());
    assert_prefixes_rejected(&f, 14 + 24 + 16, parse_igmp);
    // A record count larger than the records present.
    let mut igmp = f[38..].to_vec();
    igmp[7] = 2;
    igmp[2..4].copy_from_slice(&[0, 0]);
    let c = internet_checksum(&igmp);
    igmp[2..4].copy_from_slice(&c.to_be_bytes());
    let mut g = f[..38].to_vec();
    g.extend_from_slice(&igmp);
    assert!(parse_igmp(&g).is_none());
    // Unknown message type.
    let mut q = vec![0x13, 0, 0, 0, 0, 0, 0, 0];
    q[4..8].copy_from_slice(&GROUP_V10.octets());
    assert!(parse_igmp(&query_frame(GROUP_V10, q, None)).is_none());
    assert!(parse_igmp(&echo_request(None, &[], &[1])).is_none());
}

#[test]
fn igmpv3_unknown_record_type_skipped() {
    let mut igmp = vec![0x22, 0, 0, 0, 0, 0, 0, 2];
    // Type 9 with one aux word and one source, then a join.
    igmp.extend_from_slice(&[9, 1, 0, 1]);
    igmp.extend_from_slice(&GROUP_V10.octets());
    igmp.extend_from_slice(&[10, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd]);
    igmp.extend_from_slice(&[4, 0, 0, 0]);
    igmp.extend_from_slice(&GROUP_V100.octets());
    let f = query_frame(IGMPV3_ROUTERS, igmp, None);
    let Some(IgmpMsg::Report { records, .. }) = parse_igmp(&f) else {
        panic!()
    };
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].group, GROUP_V100);
}

#[test]
fn igmpv3_decode_code_table() {
    assert_eq!(igmpv3_decode_code(0), 0);
    assert_eq!(igmpv3_decode_code(127), 127);
    assert_eq!(igmpv3_decode_code(128), 128);
    assert_eq!(igmpv3_decode_code(0xff), 31744);
}

// ---------------------------------------------------------------- LLDP

#[test]
fn lldp_round_trip() {
    let f = lldp_frame(
        SPINE_MAC, SPINE_MAC, "et-2/0/0", "TO-CORE1", "EX9200-1", 120,
    );
    assert_eq!(&f[..6], &LLDP_MULTICAST_MAC);
    assert_eq!(&f[12..14], &[0x88, 0xcc]);
    // Chassis id TLV: type 1, length 7, subtype 4, MAC.
    assert_eq!(&f[14..17], &[0x02, 0x07, 4]);
    assert_eq!(&f[17..23], &SPINE_MAC);
    // Port id TLV: type 2, length 9, subtype 5.
    assert_eq!(&f[23..26], &[0x04, 0x09, 5]);
    assert_eq!(&f[26..34], b"et-2/0/0");
    // TTL.
    assert_eq!(&f[34..38], &[0x06, 0x02, 0x00, 120]);
    let n = parse_lldp(&f).unwrap();
    assert_eq!(
        n,
        LldpNeighbor {
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
    let f = lldp_frame(VM_MAC, VM_MAC, "eth1", "", "", 0);
    assert_eq!(f.len(), 60);
    let n = parse_lldp(&f).unwrap();
    assert_eq!(n.port_id, "eth1");
    assert_eq!((n.port_desc, n.system_name, n.ttl), (None, None, 0));
}

#[test]
fn lldp_long_strings_cut_to_255() {
    let long = "é".repeat(200); // 400 bytes
    let f = lldp_frame(VM_MAC, VM_MAC, &long, &long, "x", 30);
    let n = parse_lldp(&f).unwrap();
    assert_eq!(n.port_id.len(), 254);
    assert_eq!(n.port_desc.unwrap().len(), 254);
    assert_eq!(n.system_name.as_deref(), Some("x"));
}

fn lldp_raw(tlvs: &[(u8, &[u8])]) -> Vec<u8> {
    let mut f = Vec::new();
    eth_header(&mut f, LLDP_MULTICAST_MAC, SPINE_MAC, None, ethertype::LLDP);
    for (t, v) in tlvs {
        push_tlv(&mut f, *t, &[v]);
    }
    pad(f)
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
    let n = parse_lldp(&f).unwrap();
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
    let n = parse_lldp(&f).unwrap();
    assert_eq!(n.chassis_id, "10.0.0.1");
    assert_eq!(n.port_id, "00:50:56:b9:0b:b3");
}

#[test]
fn lldp_rejects_bad_and_truncated() {
    let f = lldp_frame(
        SPINE_MAC, SPINE_MAC, "et-2/0/0", "TO-CORE1", "EX9200-1", 120,
    );
    assert_prefixes_rejected(&f, 38, parse_lldp);
    // Cut inside an optional TLV: that TLV overruns.
    assert!(parse_lldp(&f[..44]).is_none());
    // Mandatory TLVs out of order or missing.
    assert!(parse_lldp(&lldp_raw(&[
        (2, b"\x05et-2/0/0"),
        (1, &[4, 1, 2, 3, 4, 5, 6]),
        (3, &[0, 1])
    ]))
    .is_none());
    assert!(parse_lldp(&lldp_raw(&[(1, &[4, 1, 2, 3, 4, 5, 6]), (3, &[0, 1])])).is_none());
    // Empty ids, short TTL.
    assert!(parse_lldp(&lldp_raw(&[(1, &[4]), (2, b"\x05x"), (3, &[0, 1])])).is_none());
    assert!(parse_lldp(&lldp_raw(&[
        (1, &[4, 1, 2, 3, 4, 5, 6]),
        (2, b"\x05x"),
        (3, &[1])
    ]))
    .is_none());
    // Not LLDP.
    assert!(parse_lldp(&arp_request(SPINE_MAC, SPINE_IP, VM_IP, None)).is_none());
}

// ---------------------------------------------------------------- tshark

fn write_pcap(path: &std::path::Path, frames: &[Vec<u8>]) {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    out.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    out.extend_from_slice(&65535u32.to_le_bytes()); // snaplen
    out.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
    for (i, f) in frames.iter().enumerate() {
        out.extend_from_slice(&(1_700_000_000u32 + i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    std::fs::write(path, out).unwrap();
}

/// Splits `tshark -V` output into one text per frame.
fn split_frames(text: &str) -> Vec<String> {
    let mut frames: Vec<String> = Vec::new();
    for line in text.lines() {
        let is_start = line
            .strip_prefix("Frame ")
            .and_then(|r| r.split_once(':'))
            .is_some_and(|(n, _)| n.parse::<u32>().is_ok());
        if is_start {
            frames.push(String::new());
        }
        if let Some(cur) = frames.last_mut() {
            cur.push_str(line);
            cur.push('\n');
        }
    }
    frames
}

#[test]
fn tshark_decodes_every_frame() {
    let tshark_ok = std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !tshark_ok {
        if std::env::var_os("VTEP_REQUIRE_TOOLS").is_some() {
            panic!("tshark not found and VTEP_REQUIRE_TOOLS is set");
        }
        eprintln!("skipping tshark_decodes_every_frame: tshark not found");
        return;
    }

    let jumbo_req = echo_request(Some(10), &[], &pattern(8972));
    let small_req = echo_request(None, &[7, 7, 4, 0, 0, 0, 0, 0], b"vtep ping");
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "arp request",
            arp_request(SPINE_MAC, SPINE_IP, VM_IP, Some(100)),
            vec![
                "Address Resolution Protocol (request)",
                "Opcode: request (1)",
                "ID: 100",
                "Sender IP address: 100.1.1.1",
                "Target IP address: 100.1.1.30",
                "Target MAC address: 00:00:00_00:00:00 (00:00:00:00:00:00)",
            ],
        ),
        (
            "arp reply",
            arp_reply(SPINE_MAC, SPINE_IP, VM_MAC, VM_IP, None),
            vec![
                "Address Resolution Protocol (reply)",
                "Opcode: reply (2)",
                "Sender MAC address: JuniperN_6b:bb:c0 (4c:96:14:6b:bb:c0)",
                "Sender IP address: 100.1.1.1",
                "Target MAC address: VMware_b9:55:58 (00:50:56:b9:55:58)",
                "Target IP address: 100.1.1.30",
            ],
        ),
        (
            "gratuitous arp",
            gratuitous_arp(NETAPP_MAC, Ipv4Addr::new(100, 10, 1, 254), Some(10)),
            vec![
                "Opcode: request (1)",
                "[Is gratuitous: True]",
                "[Is announcement: True]",
                "ID: 10",
                "Sender IP address: 100.10.1.254",
                "Target IP address: 100.10.1.254",
            ],
        ),
        (
            "rarp",
            rarp_announce(VM_MAC),
            vec![
                "Frame Length: 60 bytes",
                "Destination: Broadcast (ff:ff:ff:ff:ff:ff)",
                "Type: RARP (0x8035)",
                "Opcode: reverse request (3)",
                "Sender MAC address: VMware_b9:55:58 (00:50:56:b9:55:58)",
                "Sender IP address: 0.0.0.0",
                "Target MAC address: VMware_b9:55:58 (00:50:56:b9:55:58)",
                "Target IP address: 0.0.0.0",
            ],
        ),
        (
            "echo request (options)",
            small_req.clone(),
            vec!["Type: 8 (Echo (ping) request)"],
        ),
        (
            "echo reply (options)",
            icmp_echo_reply(&small_req, SPINE_MAC).unwrap(),
            vec![
                "Type: 0 (Echo (ping) reply)",
                "Identifier (BE): 48879 (0xbeef)",
                "Sequence Number (BE): 7 (0x0007)",
                "Time to Live: 64",
                "Source Address: 100.1.1.1",
                "Destination Address: 100.1.1.30",
                "[Request frame: 5]",
            ],
        ),
        (
            "echo request (jumbo)",
            jumbo_req.clone(),
            vec!["Data (8972 bytes)"],
        ),
        (
            "echo reply (jumbo)",
            icmp_echo_reply(&jumbo_req, SPINE_MAC).unwrap(),
            vec![
                "Frame Length: 9018 bytes",
                "ID: 10",
                "Total Length: 9000",
                "Type: 0 (Echo (ping) reply)",
                "Data (8972 bytes)",
                "[Request frame: 7]",
            ],
        ),
        (
            "igmpv3 join",
            igmpv3_report(
                SPINE_MAC,
                VTEP_IP,
                &[(RecordType::ChangeToExclude, GROUP_V10)],
            ),
            vec![
                "Destination: IPv4mcast_16 (01:00:5e:00:00:16)",
                "Source Address: 192.168.24.4",
                "Header Length: 24 bytes (6)",
                "Time to Live: 1",
                "Router Alert",
                "Destination Address: 224.0.0.22",
                "[IGMP Version: 3]",
                "Type: Membership Report (0x22)",
                "Num Group Records: 1",
                "Record Type: Change To Exclude Mode (4)",
                "Multicast Address: 239.1.1.10",
            ],
        ),
        (
            "igmpv3 leave",
            igmpv3_report(VM_MAC, VM_IP, &[(RecordType::ChangeToInclude, GROUP_V100)]),
            vec![
                "Type: Membership Report (0x22)",
                "Record Type: Change To Include Mode (3)",
                "Multicast Address: 239.1.1.100",
            ],
        ),
        (
            "igmpv3 is-exclude",
            igmpv3_report(
                VM_MAC,
                VM_IP,
                &[
                    (RecordType::ModeIsExclude, GROUP_V10),
                    (RecordType::ModeIsExclude, GROUP_V100),
                ],
            ),
            vec![
                "Num Group Records: 2",
                "Record Type: Mode Is Exclude (2)",
                "Multicast Address: 239.1.1.10",
                "Multicast Address: 239.1.1.100",
            ],
        ),
        (
            "igmpv2 report",
            igmpv2_report(VM_MAC, VM_IP, GROUP_V10),
            vec![
                "Destination: IPv4mcast_01:01:0a (01:00:5e:01:01:0a)",
                "Destination Address: 239.1.1.10",
                "Time to Live: 1",
                "Router Alert",
                "[IGMP Version: 2]",
                "Type: Membership Report (0x16)",
                "Multicast Address: 239.1.1.10",
            ],
        ),
        (
            "igmpv2 leave",
            igmpv2_leave(VM_MAC, VM_IP, GROUP_V10),
            vec![
                "Destination: IPv4mcast_02 (01:00:5e:00:00:02)",
                "Destination Address: 224.0.0.2",
                "Time to Live: 1",
                "Router Alert",
                "[IGMP Version: 2]",
                "Type: Leave Group (0x17)",
                "Multicast Address: 239.1.1.10",
            ],
        ),
        (
            "lldp",
            lldp_frame(
                SPINE_MAC, SPINE_MAC, "et-2/0/0", "TO-CORE1", "EX9200-1", 120,
            ),
            vec![
                "Destination: LLDP_Multicast (01:80:c2:00:00:0e)",
                "Chassis Subtype = MAC address, Id: 4c:96:14:6b:bb:c0",
                "Chassis Id Subtype: MAC address (4)",
                "Chassis Id: JuniperN_6b:bb:c0 (4c:96:14:6b:bb:c0)",
                "Port Subtype = Interface name, Id: et-2/0/0",
                "Port Id Subtype: Interface name (5)",
                "Port Id: et-2/0/0",
                "Seconds: 120",
                "Time To Live = 120 sec",
                "Port Description = TO-CORE1",
                "System Name = EX9200-1",
                "End of LLDPDU",
            ],
        ),
    ];

    let dir = std::env::temp_dir().join(format!(
        "vtep-proto-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let pcap = dir.join("proto.pcap");
    let frames: Vec<Vec<u8>> = cases.iter().map(|c| c.1.clone()).collect();
    write_pcap(&pcap, &frames);
    let out = std::process::Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-V", "-o", "ip.check_checksum:TRUE"])
        .output()
        .expect("run tshark");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if std::env::var_os("VTEP_KEEP_PCAP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("pcap kept at {}", pcap.display());
    }
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded = split_frames(&text);
    assert_eq!(decoded.len(), cases.len(), "{text}");

    for ((name, frame, expect), dec) in cases.iter().zip(&decoded) {
        let ctx = || format!("frame {name}:\n{dec}");
        let len_line = format!("Frame Length: {} bytes", frame.len());
        assert!(dec.contains(&len_line), "{}", ctx());
        for e in expect {
            assert!(dec.contains(e), "missing {e:?} in {}", ctx());
        }
        // (Wireshark 4.0's LLDP dissector reports 3 bytes too few as
        // consumed, so LLDP frames get an "undecoded trailer" Note; that
        // is a Note, not a Warning, and the TLVs themselves decode fully.)
        for bad in [
            "Malformed",
            "Bad",
            "[Expert Info (Warning",
            "[Expert Info (Error",
        ] {
            assert!(
                !dec.lines().any(|l| l.contains(bad)),
                "{bad:?} in {}",
                ctx()
            );
        }
        let (eth, _) = EthernetRepr::parse(frame).unwrap();
        if eth.ethertype == ethertype::IPV4 {
            // IPv4 header checksum, then the ICMP or IGMP checksum.
            for good in ["[Header checksum status: Good]", "[Checksum Status: Good]"] {
                assert_eq!(dec.matches(good).count(), 1, "{good:?} in {}", ctx());
            }
        }
    }
}

#[test]
fn vxlan_encap_round_trip() {
    let inner = echo_request(Some(100), &[], &pattern(100));
    let outer = VxlanOuter {
        src_mac: SPINE_MAC,
        dst_mac: NETAPP_MAC,
        src_ip: VTEP_IP,
        dst_ip: Ipv4Addr::new(192, 168, 24, 5),
        ttl: 64,
        src_port: vxlan_source_port(&inner),
        dst_port: 4789,
        vni: 0x0012_3456,
    };
    let f = vxlan_encap(&outer, &inner);
    assert_eq!(f.len(), VXLAN_OUTER_LEN + inner.len());
    assert_eq!(VXLAN_OUTER_LEN, 50);
    assert_eq!(&f[12..14], &[0x08, 0x00]);
    assert_eq!(f[14], 0x45);
    assert_eq!(&f[18..22], &[0, 0, 0x40, 0]); // ID 0, DF
    assert!(checksum_ok(&f[14..34]));
    assert_eq!(f[23], 17);
    assert_eq!(&f[40..42], &[0, 0]); // UDP checksum
    assert_eq!(&f[42..50], &[0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
    assert!((49152..=65535).contains(&outer.src_port));
    assert_eq!(parse_vxlan(&f), Some((outer, &inner[..])));
    assert_prefixes_rejected(&f, 50, |b| parse_vxlan(b).map(|(o, i)| (o, i.len())));
    // Same MACs, same port; the VNI is cut to 24 bits.
    assert_eq!(vxlan_source_port(&inner), vxlan_source_port(&inner[..12]));
    let wide = vxlan_encap(
        &VxlanOuter {
            vni: 0xff00_0001,
            ..outer
        },
        &inner,
    );
    assert_eq!(parse_vxlan(&wide).unwrap().0.vni, 1);
}
