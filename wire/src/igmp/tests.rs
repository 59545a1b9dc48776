use super::*;
use crate::testutil::*;
use crate::*;
use vtep_testkit as tk;

#[test]
fn group_mac_maps_low_23_bits() {
    assert_eq!(
        Mac::ipv4_multicast(GROUP_V10),
        Mac([0x01, 0x00, 0x5e, 0x01, 0x01, 0x0a])
    );
    assert_eq!(
        Mac::ipv4_multicast(IGMPV3_ROUTERS),
        Mac([0x01, 0x00, 0x5e, 0x00, 0x00, 0x16])
    );
    assert_eq!(
        Mac::ipv4_multicast(Ipv4Addr::new(239, 129, 1, 100)),
        Mac([0x01, 0x00, 0x5e, 0x01, 0x01, 0x64])
    );
    assert_eq!(
        Mac::ipv4_multicast(Ipv4Addr::new(224, 255, 255, 255)),
        Mac([0x01, 0x00, 0x5e, 0x7f, 0xff, 0xff])
    );
}

/// Checks the IPv4 part every IGMP frame shares and returns the IGMP bytes.
fn check_igmp_ip(f: &[u8], dst: Ipv4Addr) -> &[u8] {
    assert_eq!(&f[..6], &Mac::ipv4_multicast(dst));
    assert_eq!(&f[6..12], &VM_MAC);
    assert_eq!(&f[12..14], &[0x08, 0x00]);
    let ip = &f[14..38];
    assert_eq!(ip[0], 0x46, "IHL 6");
    assert_eq!(ip[8], 1, "TTL 1");
    assert_eq!(ip[9], 2, "protocol IGMP");
    assert_eq!(&ip[12..16], &VM_IP.octets());
    assert_eq!(&ip[16..20], &dst.octets());
    assert_eq!(&ip[20..24], &[0x94, 0x04, 0x00, 0x00], "router alert");
    assert_eq!(tk::internet_checksum(ip), 0);
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    let igmp = &f[38..14 + total];
    assert_eq!(tk::internet_checksum(igmp), 0);
    igmp
}

#[test]
fn igmpv3_report_join_layout() {
    let f = igmp::v3_report(VM_MAC, VM_IP, &[(RecordType::ChangeToExclude, GROUP_V10)]);
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
        let f = igmp::v3_report(VM_MAC, VM_IP, &[(rt, GROUP_V100)]);
        let p = igmp::parse_packet(&f).unwrap();
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
    let f = igmp::v3_report(VM_MAC, VM_IP, &recs);
    let igmp = check_igmp_ip(&f, IGMPV3_ROUTERS);
    assert_eq!(igmp.len(), 8 + 16);
    assert_eq!(
        igmp::parse(&f),
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
    let frames = igmp::v3_reports(VM_MAC, VM_IP, &recs);
    assert_eq!(frames.len(), 3);
    // 14 + 24 + 8 + 183 * 8: within a 1500-byte IP MTU.
    assert_eq!(frames[0].len(), 1510);
    assert_eq!(frames[2].len(), 14 + 24 + 8 + 34 * 8);
    let mut seen = Vec::new();
    for f in &frames {
        let Some(IgmpMsg::Report { records, .. }) = igmp::parse(f) else {
            panic!()
        };
        seen.extend(records.into_iter().map(|r| r.group));
    }
    assert_eq!(seen, recs.iter().map(|r| r.1).collect::<Vec<_>>());
    assert!(igmp::v3_reports(VM_MAC, VM_IP, &[]).is_empty());
    assert_eq!(igmp::v3_report(VM_MAC, VM_IP, &recs).len(), 1510);
}

#[test]
fn igmpv2_report_and_leave() {
    let f = igmp::v2_report(VM_MAC, VM_IP, GROUP_V10);
    assert_eq!(f.len(), 60, "14 + 24 + 8 padded");
    assert_eq!(&f[..6], &[0x01, 0x00, 0x5e, 0x01, 0x01, 0x0a]);
    let igmp = check_igmp_ip(&f, GROUP_V10);
    assert_eq!(igmp.len(), 8);
    assert_eq!(igmp[0], 0x16);
    assert_eq!(&igmp[4..8], &GROUP_V10.octets());
    let p = igmp::parse_packet(&f).unwrap();
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

    let f = igmp::v2_leave(VM_MAC, VM_IP, GROUP_V100);
    assert_eq!(&f[..6], &[0x01, 0x00, 0x5e, 0x00, 0x00, 0x02]);
    let igmp = check_igmp_ip(&f, ALL_ROUTERS);
    assert_eq!(igmp[0], 0x17);
    assert_eq!(&igmp[4..8], &GROUP_V100.octets());
    assert_eq!(igmp::parse(&f), Some(IgmpMsg::Leave { group: GROUP_V100 }));
}

/// A frame from the querier carrying the IGMP message `igmp` (its
/// checksum filled in here, whatever its shape).
fn query_frame(dst: Ipv4Addr, igmp: Vec<u8>, vlan: Option<u16>) -> Vec<u8> {
    eth(Mac::ipv4_multicast(dst), SPINE_MAC, vlan)
        .ipv4(SPINE_IP, dst)
        .tos(0xc0)
        .ttl(1)
        .router_alert()
        .igmp(&tk::igmp::with_checksum(igmp))
}

/// A v3 query with S set, QRV 2, QQIC 125.
fn v3_query(code: u8, group: Ipv4Addr, sources: &[Ipv4Addr]) -> Vec<u8> {
    tk::igmp::V3Query {
        code,
        group,
        suppress: true,
        qrv: 2,
        qqic: 125,
        sources: sources.to_vec(),
    }
    .to_bytes()
}

#[test]
fn igmp_query_versions_by_length() {
    let g0 = Ipv4Addr::UNSPECIFIED;
    let short = tk::igmp::query;
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
            igmp::parse(&f),
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
    let p = igmp::parse_packet(&f).unwrap();
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
    assert!(igmp::parse(&query_frame(GROUP_V10, q, None)).is_none());
}

#[test]
fn igmp_query_of_odd_length_ignored() {
    // RFC 3376 §7.1: a 10-byte query matches no version.
    let mut q = tk::igmp::query(100, GROUP_V10);
    q.extend_from_slice(&[0, 0]);
    assert!(igmp::parse(&query_frame(GROUP_V10, q, None)).is_none());
    // And a 7-byte one.
    let mut q = tk::igmp::query(100, Ipv4Addr::UNSPECIFIED);
    q.truncate(7);
    assert!(igmp::parse(&query_frame(ALL_SYSTEMS, q, None)).is_none());
}

#[test]
fn igmp_rejects_bad_checksum_and_truncation() {
    let f = igmp::v3_report(VM_MAC, VM_IP, &[(RecordType::ChangeToExclude, GROUP_V10)]);
    let mut bad = f.clone();
    bad[14 + 24 + 2] ^= 0x01; // IGMP checksum
    assert!(igmp::parse(&bad).is_none());
    let mut bad = f.clone();
    bad[14 + 24 + 16 - 1] ^= 0x01; // group address
    assert!(igmp::parse(&bad).is_none());
    let mut bad = f.clone();
    bad[14 + 8] = 2; // TTL changed: IPv4 header checksum now wrong
    assert!(igmp::parse(&bad).is_none());
    assert_prefixes_rejected(&f, 14 + 24 + 16, igmp::parse);
    // A record count larger than the records present.
    let mut igmp = f[38..54].to_vec();
    igmp[7] = 2;
    let g = query_frame(IGMPV3_ROUTERS, igmp, None);
    assert!(igmp::parse(&g).is_none());
    // Unknown message type.
    let mut q = tk::igmp::v2_report(GROUP_V10);
    q[0] = 0x13;
    assert!(igmp::parse(&query_frame(GROUP_V10, q, None)).is_none());
    assert!(igmp::parse(&echo_request(None, &[], &[1])).is_none());
}

#[test]
fn igmpv3_unknown_record_type_skipped() {
    // Type 9 with one aux word and one source, then a join.
    let igmp = tk::igmp::v3_report(&[
        tk::igmp::GroupRecord {
            sources: vec![Ipv4Addr::new(10, 0, 0, 1)],
            aux: vec![0xaa, 0xbb, 0xcc, 0xdd],
            ..tk::igmp::GroupRecord::new(9, GROUP_V10)
        },
        tk::igmp::GroupRecord::new(tk::igmp::record::CHANGE_TO_EXCLUDE, GROUP_V100),
    ]);
    let f = query_frame(IGMPV3_ROUTERS, igmp, None);
    let Some(IgmpMsg::Report { records, .. }) = igmp::parse(&f) else {
        panic!()
    };
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].group, GROUP_V100);
}

#[test]
fn igmpv3_decode_code_table() {
    assert_eq!(igmp::v3_decode_code(0), 0);
    assert_eq!(igmp::v3_decode_code(127), 127);
    assert_eq!(igmp::v3_decode_code(128), 128);
    assert_eq!(igmp::v3_decode_code(0xff), 31744);
}

/// The envelope every IGMP frame vtep sends has, as the oracle builds it.
fn oracle_envelope(mac: Mac, src: Ipv4Addr, dst: Ipv4Addr, igmp: &[u8]) -> Vec<u8> {
    eth(Mac::ipv4_multicast(dst), mac, None)
        .ipv4(src, dst)
        .tos(0xc0)
        .df()
        .ttl(1)
        .router_alert()
        .igmp(igmp)
}

#[test]
fn oracle_emitted_frames() {
    let mut r = Rng::new(0x1962);
    let types = [
        RecordType::ModeIsInclude,
        RecordType::ModeIsExclude,
        RecordType::ChangeToInclude,
        RecordType::ChangeToExclude,
        RecordType::AllowNewSources,
        RecordType::BlockOldSources,
    ];
    for _ in 0..CASES {
        let (mac, ip, g) = (r.mac(), r.ip(), r.ip());
        assert_eq!(
            igmp::v2_report(mac, ip, g),
            oracle_envelope(mac, ip, g, &tk::igmp::v2_report(g))
        );
        assert_eq!(
            igmp::v2_leave(mac, ip, g),
            oracle_envelope(mac, ip, ALL_ROUTERS, &tk::igmp::v2_leave(g))
        );
        let n = if r.below(20) == 0 {
            r.below(400)
        } else {
            r.below(6)
        };
        let recs: Vec<_> = (0..n).map(|_| (types[r.below(6)], r.ip())).collect();
        let frames = igmp::v3_reports(mac, ip, &recs);
        assert_eq!(frames.len(), n.div_ceil(IGMPV3_MAX_RECORDS));
        for (f, chunk) in frames.iter().zip(recs.chunks(IGMPV3_MAX_RECORDS)) {
            let tk_recs: Vec<_> = chunk
                .iter()
                .map(|&(t, g)| tk::igmp::GroupRecord::new(t as u8, g))
                .collect();
            let want = oracle_envelope(mac, ip, IGMPV3_ROUTERS, &tk::igmp::v3_report(&tk_recs));
            assert_eq!(f, &want);
        }
    }
}

#[test]
fn oracle_messages_parse_and_emit() {
    let mut r = Rng::new(0x3376);
    for _ in 0..CASES {
        let group = if r.bool() {
            Ipv4Addr::UNSPECIFIED
        } else {
            r.ip()
        };
        let (code, kind) = (r.u8(), r.below(6));
        let (bytes, want) = match kind {
            0 => (
                tk::igmp::query(code, group),
                Repr::Query {
                    max_resp_code: code,
                    group,
                },
            ),
            1 => {
                let q = tk::igmp::V3Query {
                    code,
                    group,
                    suppress: r.bool(),
                    qrv: r.below(8) as u8,
                    qqic: r.u8(),
                    sources: (0..r.below(5)).map(|_| r.ip()).collect(),
                };
                let repr = Repr::V3Query {
                    max_resp_code: q.code,
                    group,
                    suppress: q.suppress,
                    qrv: q.qrv,
                    qqic: q.qqic,
                    sources: q.sources.clone(),
                };
                (q.to_bytes(), repr)
            }
            2 => (tk::igmp::v1_report(group), Repr::V1Report { group }),
            3 => (tk::igmp::v2_report(group), Repr::V2Report { group }),
            4 => (tk::igmp::v2_leave(group), Repr::V2Leave { group }),
            _ => {
                let recs: Vec<_> = (0..r.below(5))
                    .map(|_| tk::igmp::GroupRecord {
                        sources: (0..r.below(4)).map(|_| r.ip()).collect(),
                        ..tk::igmp::GroupRecord::new(1 + r.below(6) as u8, r.ip())
                    })
                    .collect();
                let records = recs
                    .iter()
                    .map(|t| GroupRecord {
                        record_type: RecordType::from_u8(t.record_type).unwrap(),
                        group: t.group,
                        sources: t.sources.clone(),
                    })
                    .collect();
                (tk::igmp::v3_report(&recs), Repr::V3Report { records })
            }
        };
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(Repr::parse(&p), Ok(want.clone()));
        assert_eq!(want.buffer_len(), bytes.len());
        let mut b = vec![0; want.buffer_len()];
        want.emit(&mut Packet::new_unchecked(&mut b[..]));
        assert_eq!(b, bytes);
        // In a frame, with the envelope's fields.
        let (mac, src, vlan) = (r.mac(), r.ip(), r.vlan());
        let dst = r.ip();
        let f = eth(Mac::ipv4_multicast(dst), mac, vlan)
            .ipv4(src, dst)
            .ttl(r.u8())
            .router_alert()
            .igmp(&bytes);
        let pkt = try_parse_packet(&f).unwrap();
        assert_eq!(
            (pkt.eth_src, pkt.vlan, pkt.src_ip, pkt.dst_ip),
            (mac, vlan, src, dst)
        );
        assert!(pkt.router_alert);
        assert_eq!(pkt.msg, want.msg());
        assert_eq!(pkt.v3_query, want.v3_query_detail());
        for n in 0..bytes.len().min(field::V2_LEN) {
            assert_eq!(
                Packet::new_checked(&bytes[..n]).unwrap_err(),
                Error::Truncated
            );
        }
    }
}

#[test]
fn oracle_edge_cases_give_their_error() {
    let parse = |b: &[u8]| Packet::new_checked(b).and_then(|p| Repr::parse(&p));
    // Unknown record types and auxiliary data are skipped over.
    let g = GROUP_V10;
    let report = tk::igmp::v3_report(&[
        tk::igmp::GroupRecord {
            aux: vec![1; 8],
            sources: vec![VM_IP],
            ..tk::igmp::GroupRecord::new(9, g)
        },
        tk::igmp::GroupRecord {
            aux: vec![2; 4],
            ..tk::igmp::GroupRecord::new(tk::igmp::record::ALLOW_NEW_SOURCES, g)
        },
    ]);
    let p = Packet::new_checked(&report[..]).unwrap();
    let views: Vec<_> = p
        .group_records()
        .map(|v| (v.record_type(), v.aux_data_len(), v.num_sources()))
        .collect();
    assert_eq!(views, [(9, 2, 1), (5, 1, 0)]);
    assert_eq!(
        parse(&report),
        Ok(Repr::V3Report {
            records: vec![GroupRecord {
                record_type: RecordType::AllowNewSources,
                group: g,
                sources: vec![],
            }]
        })
    );
    // Each record cut short, and the report cut inside a record.
    for n in 8..report.len() {
        assert_eq!(parse(&report[..n]), Err(Error::Truncated), "{n}");
    }
    // A query's sources cut short.
    let q = tk::igmp::V3Query {
        sources: vec![VM_IP, SPINE_IP],
        ..tk::igmp::V3Query::general(100)
    }
    .to_bytes();
    assert_eq!(parse(&q[..19]), Err(Error::Truncated));
    // 9 to 11 bytes: no query version.
    let mut odd = tk::igmp::query(100, g);
    odd.push(0);
    assert_eq!(parse(&tk::igmp::with_checksum(odd)), Err(Error::Malformed));
    // Bad checksum, unknown type.
    let mut bad = tk::igmp::v2_report(g);
    bad[7] ^= 1;
    assert_eq!(parse(&bad), Err(Error::Checksum));
    let mut unknown = tk::igmp::v2_report(g);
    unknown[0] = 0x13;
    assert_eq!(
        parse(&tk::igmp::with_checksum(unknown)),
        Err(Error::Unrecognized)
    );
    // In a frame: not IGMP, and an IP fragment.
    let ip = || eth(VM_MAC, SPINE_MAC, None).ipv4(SPINE_IP, g);
    let v2 = tk::igmp::v2_report(g);
    assert!(try_parse_packet(&ip().igmp(&v2)).is_ok());
    assert_eq!(
        try_parse_packet(&ip().protocol(1).igmp(&v2)).unwrap_err(),
        Error::Unrecognized
    );
    assert_eq!(
        try_parse_packet(&ip().mf().igmp(&v2)).unwrap_err(),
        Error::Fragmented
    );
    assert_eq!(
        try_parse_packet(&ip().wrong_checksum().igmp(&v2)).unwrap_err(),
        Error::Checksum
    );
    assert_eq!(
        try_parse_packet(&ip().igmp(&v2[..7])).unwrap_err(),
        Error::Truncated
    );
}
