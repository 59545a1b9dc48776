//! Tests of `vxlan_input`.

use super::*;
use crate::bridge::testutil::*;
use vtep_testkit::{self as kit, Eth};

#[test]
fn decap_learn_forward_and_flood_local_only() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let out = e.run(UL, &vxlan(PEER_IP, OUR_IP, 100, &inner));
    assert_eq!(txs(&out), vec![1, 2, 4, 7], "never back to the underlay");
    assert_eq!(tx_to(&out, 1), vec![&inner]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&inner, 0, 100)]);
    assert_eq!(e.dest(100, &NETAPP), Some(Dest::Vtep(u32::from(PEER_IP))));
    // Known destination: that port only, exact inner frame.
    e.macs.learn(100, &H1, Dest::Port(1), 1);
    let inner = frame(H1, NETAPP, None, 64);
    assert_eq!(
        e.run(UL, &vxlan(PEER_IP, OUR_IP, 100, &inner)),
        vec![Out::Tx(1, inner.clone())]
    );
    // To the group: accepted too.
    assert_eq!(
        e.run(UL, &vxlan(PEER_IP, GROUP, 100, &inner)),
        vec![Out::Tx(1, inner.clone())]
    );
    // Non-zero outer UDP checksum and reserved bits: accepted.
    let f = underlay_ip(PEER_IP, OUR_IP)
        .df()
        .udp(50000, 4789)
        .checksum(0xabcd)
        .vxlan(100)
        .reserved0([0xff, 0, 0])
        .reserved1(0xff)
        .wrap(&inner);
    assert_eq!(e.run(UL, &f), vec![Out::Tx(1, inner.clone())]);
    let v = e.ctr.vlan(100);
    assert_eq!(
        (v.decap.get(), v.rx.get(), v.encap.get(), v.learned.get()),
        (4, 4, 0, 1)
    );
}

#[test]
fn decap_split_horizon() {
    let e = Env::std();
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(FAR_IP)), 1);
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 100, &frame(H2, NETAPP, None, 64)),
        DropReason::SplitHorizon,
    );
}

#[test]
fn decap_inner_vlan_options() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, Some((0, 100)), 64);
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 100, &inner),
        DropReason::VxlanInnerVlan,
    );
    // VLAN 10 accepts; any VID, the VNI decides; PCP kept on tagged egress.
    let inner = frame(Mac::BROADCAST, NETAPP, Some((5, 99)), 64);
    let out = e.run(UL, &vxlan(PEER_IP, OUR_IP, 10, &inner));
    assert_eq!(txs(&out), vec![2, 3]);
    assert_eq!(tx_to(&out, 3), vec![&untag(&inner)]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&untag(&inner), 5, 10)]);
    assert_eq!(e.dest(10, &NETAPP), Some(Dest::Vtep(u32::from(PEER_IP))));
    // Untagged on VLAN 10 is fine too.
    let inner = frame(Mac::BROADCAST, H2, None, 64);
    assert_eq!(
        txs(&e.run(UL, &vxlan(PEER_IP, OUR_IP, 10, &inner))),
        vec![2, 3]
    );
}

#[test]
fn decap_drops() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let good = vxlan(PEER_IP, OUR_IP, 100, &inner);
    let d = DropReason::IpBadHeader;
    // The same bytes after another EtherType: IPv6, or a tag.
    for et in [kit::ethertype::IPV6, kit::ethertype::VLAN] {
        let f = Eth::new(UL_MAC.0, PEER_MAC.0)
            .unpadded()
            .payload(et, &good[14..]);
        e.expect_drop(UL, &f, DropReason::NotIpv4Underlay);
    }
    e.expect_drop(UL, &good[..30], DropReason::Runt);
    e.expect_drop(UL, &good[..10], DropReason::Runt);
    let outer = || underlay_ip(PEER_IP, OUR_IP).df();
    let wrap = |ip: kit::Ipv4| ip.udp(50000, 4789).vxlan(100).wrap(&inner);
    // Version 4 IHL 4, version 6, a total length shorter than the headers
    // and one longer than the frame.
    for ip in [
        outer().version_ihl(0x44),
        outer().version_ihl(0x65),
        outer().total_len(19),
        outer().total_len(good.len() as u16),
    ] {
        e.expect_drop(UL, &wrap(ip), d);
    }
    let mut f = good.clone();
    f.extend_from_slice(&[0; 4]); // trailing bytes
    e.expect_drop(UL, &f, d);
    let right = u16::from_be_bytes([good[24], good[25]]);
    let f = wrap(outer().checksum(right ^ 0x0100));
    e.expect_drop(UL, &f, DropReason::IpBadChecksum);
    let first = underlay_ip(PEER_IP, OUR_IP).mf();
    let later = underlay_ip(PEER_IP, OUR_IP).frag_offset(1);
    let df_later = outer().frag_offset(0x10);
    for ip in [first, later, df_later] {
        e.expect_drop(UL, &wrap(ip), DropReason::IpFragment);
    }
    for ulen in [good.len() as u16 - 34 + 1, good.len() as u16 - 34 - 1, 8] {
        let f = outer().udp(50000, 4789).len(ulen).vxlan(100).wrap(&inner);
        e.expect_drop(UL, &f, DropReason::UdpBadLen);
    }
    let f = outer().udp(50000, 4789).vxlan(100).flags(0).wrap(&inner);
    e.expect_drop(UL, &f, DropReason::VxlanNoIFlag);
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 4242, &inner),
        DropReason::VxlanUnknownVni,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 300, &inner),
        DropReason::VxlanUnknownVni,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, Ipv4Addr::new(192, 168, 24, 9), 100, &inner),
        DropReason::VxlanNotForUs,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, Ipv4Addr::new(239, 1, 1, 10), 100, &inner),
        DropReason::VxlanNotForUs,
    );
    e.expect_drop(
        UL,
        &vxlan(OUR_IP, GROUP, 100, &inner),
        DropReason::VxlanOwnSource,
    );
    e.expect_drop(
        UL,
        &vxlan(Ipv4Addr::new(224, 0, 0, 5), OUR_IP, 100, &inner),
        d,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 100, &frame(H1, GROUP_MAC, None, 64)),
        DropReason::SrcMacInvalid,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 100, &inner[..13]),
        DropReason::Runt,
    );
    // Non-VXLAN UDP to a group: not ours.
    let f = vxlan_to(PEER_IP, GROUP, 8472, 100, &inner);
    e.expect_drop(UL, &f, DropReason::VxlanNotForUs);
    assert_eq!(e.macs.len(), 0, "nothing learned from bad packets");
    // No underlay at all.
    let mut c = cfg();
    c.underlay = None;
    let e2 = Env::new(&c);
    e2.expect_drop(UL, &good, DropReason::VxlanNotForUs);
}

#[test]
fn underlay_punts() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let a = arp(Mac::BROADCAST, PEER_MAC, None, OUR_IP);
    assert_eq!(e.run(UL, &a), vec![Out::Punt(a.clone())]);
    // The tunnel's bytes under another protocol number.
    let other = |dst: Ipv4Addr, proto: u8| {
        underlay_ip(PEER_IP, dst)
            .df()
            .protocol(proto)
            .udp(50000, 4789)
            .vxlan(100)
            .wrap(&inner)
    };
    let igmp = other(Ipv4Addr::new(224, 0, 0, 1), kit::ip_proto::IGMP);
    assert_eq!(e.run(UL, &igmp), vec![Out::Punt(igmp.clone())]);
    let icmp = other(OUR_IP, kit::ip_proto::ICMP);
    assert_eq!(e.run(UL, &icmp), vec![Out::Punt(icmp.clone())]);
    let udp = vxlan_to(PEER_IP, OUR_IP, 53, 100, &inner);
    assert_eq!(e.run(UL, &udp), vec![Out::Punt(udp.clone())]);
    // ARP for the IRB arriving through the tunnel: punted with VLAN tag.
    let a = arp(Mac::BROADCAST, NETAPP, None, Ipv4Addr::new(100, 1, 1, 1));
    let out = e.run(UL, &vxlan(PEER_IP, OUR_IP, 100, &a));
    assert_eq!(out[0], Out::Punt(tag(&a, 0, 100)));
    assert_eq!(txs(&out), vec![1, 2, 4, 7]);
}

#[test]
fn the_vxlan_fast_path_agrees_with_the_full_checks() {
    // Frames near a good one (bytes of the outer headers changed, with and
    // without a fixed-up checksum, lengths off): whenever the fast path
    // passes one, the full checks pass it too, with the same result.
    let e = Env::std();
    let u = e.view.underlay.as_ref().unwrap();
    let inner = frame(H2, H1, None, 64);
    let good = vxlan(PEER_IP, OUR_IP, 100, &inner);
    let want = Outer {
        inner_at: 50,
        src_ip: u32::from(PEER_IP),
        vni: 100,
    };
    assert_eq!(vxlan_fast(&good, good.len(), u), Some(want));
    assert_eq!(underlay_checks(&e.view, u, &good, good.len()), Ok(want));
    // A chain 64 KiB longer than the IP length says: not a 16-bit wrap.
    assert_eq!(vxlan_fast(&good, good.len() + 0x10000, u), None);
    let mut rnd = xorshift(0x2545_f491);
    let (mut fast, mut slow_only, mut rejected) = (0, 0, 0);
    for i in 0..20_000 {
        let mut f = good.clone();
        for _ in 0..1 + rnd(2) {
            let at = 12 + rnd(52);
            f[at] = match rnd(3) {
                0 => f[at] ^ 1 << rnd(8),
                1 => 0,
                _ => rnd(256) as u8,
            };
        }
        if i % 2 == 0 {
            fix_ipv4_checksum(&mut f);
        }
        let pkt_len = match rnd(8) {
            0 => f.len() - rnd(4),
            1 => f.len() + rnd(4),
            _ => f.len(),
        };
        let d = &f[..pkt_len.min(f.len())];
        let full = underlay_checks(&e.view, u, d, pkt_len);
        match vxlan_fast(d, pkt_len, u) {
            Some(o) => {
                assert_eq!(full, Ok(o), "{f:02x?} pkt_len {pkt_len}");
                fast += 1;
            }
            None if full.is_ok() => slow_only += 1,
            None => rejected += 1,
        }
    }
    // Both kinds happened: bytes the fast path ignores (TOS, id, TTL,
    // ports, VNI, DF, reserved flags), and frames both refuse.
    assert!(
        fast > 1000 && rejected > 1000,
        "{fast} {slow_only} {rejected}"
    );
    // What only the full checks take: the group, and a header with options.
    let to_group = vxlan(PEER_IP, GROUP, 100, &inner);
    assert_eq!(vxlan_fast(&to_group, to_group.len(), u), None);
    assert_eq!(
        underlay_checks(&e.view, u, &to_group, to_group.len()),
        Ok(want)
    );
    let opts = underlay_ip(PEER_IP, OUR_IP)
        .df()
        .options(&[1, 1, 1, 0]) // NOP NOP NOP EOL
        .udp(50000, 4789)
        .vxlan(100)
        .wrap(&inner);
    assert_eq!(vxlan_fast(&opts, opts.len(), u), None);
    assert_eq!(
        underlay_checks(&e.view, u, &opts, opts.len()),
        Ok(Outer {
            inner_at: 54,
            ..want
        })
    );
}

#[test]
fn the_decap_fast_path_agrees_with_decap() {
    // VXLAN frames around the common one (a known VTEP's host to a host
    // on a local access port) on three identical bridges, each with a
    // memo that lasts across bursts: underlay bursts as the worker runs
    // them; the fast path then `decap`, by hand, counting what the fast
    // path took; and `decap` alone. Same frames out, table and counters.
    let a1 = Mac([0x00, 0x50, 0x56, 0, 1, 0x01]);
    let a4 = Mac([0x00, 0x50, 0x56, 0, 1, 0x04]);
    let t2 = Mac([0x00, 0x50, 0x56, 0, 1, 0x02]);
    let p3 = Mac([0x00, 0x50, 0x56, 0, 1, 0x03]);
    let far = Mac([0x00, 0x50, 0x56, 0, 1, 0x77]);
    let places = [
        (100, a1, Dest::Port(1)),
        (100, a4, Dest::Port(4)),
        // Behind the trunk: sent tagged.
        (100, t2, Dest::Port(2)),
        (10, p3, Dest::Port(3)),
        (100, H2, Dest::Vtep(u32::from(PEER_IP))),
        (10, H2, Dest::Vtep(u32::from(PEER_IP))),
        (100, far, Dest::Vtep(u32::from(FAR_IP))),
        // Our own MAC, claimed by a local host: still punted.
        (100, ROUTER, Dest::Port(1)),
        // A group MAC, should one get into the table: still flooded.
        (100, GROUP_MAC, Dest::Port(4)),
    ];
    let envs = [Env::std(), Env::std(), Env::std()];
    let dsts = [
        a1,
        a1,
        a1,
        a4,
        t2,
        p3,
        far,
        NETAPP,
        Mac::BROADCAST,
        GROUP_MAC,
        ROUTER,
        UL_MAC,
    ];
    let srcs = [a1, far, NETAPP, Mac([0; 6]), Mac::BROADCAST];
    let other_peer = Ipv4Addr::new(192, 168, 24, 6);
    let peers = [
        other_peer,
        OUR_IP,
        Ipv4Addr::new(224, 0, 0, 5),
        Ipv4Addr::UNSPECIFIED,
    ];
    let all: Vec<Mac> = dsts.iter().chain(&srcs).chain(&[H2]).copied().collect();
    let mut memos: [Memo; 3] = Default::default();
    let mut rnd = xorshift(0x85eb_ca6b);
    let (mut fast, mut total, mut now) = (0, 0, 1);
    for round in 0..3000 {
        now += u32::from(rnd(16) == 0);
        if round % 50 == 0 {
            for e in &envs {
                for (vl, m, d) in &places {
                    e.macs.learn(*vl, m, *d, now);
                }
            }
        }
        let frames: Vec<Vec<u8>> = (0..1 + rnd(8))
            .map(|_| {
                let dst = dsts[rnd(dsts.len())];
                // Mostly H2 from its VTEP; now and then a move or a new host.
                let (src, peer) = match rnd(40) {
                    0 => (srcs[rnd(srcs.len())], PEER_IP),
                    1 => (H2, peers[rnd(peers.len())]),
                    _ => (H2, PEER_IP),
                };
                let len = [60, 60, 60, 1514, 1515, 9014, 9018][rnd(7)];
                let inner = match rnd(10) {
                    0 => frame(dst, src, Some((rnd(8) as u8, [100, 10][rnd(2)])), len),
                    1 => arp(dst, src, None, Ipv4Addr::new(100, 1, 1, 1)),
                    _ => frame(dst, src, None, len),
                };
                let vni = [100, 100, 100, 100, 10, 999][rnd(6)];
                let to = if rnd(10) == 0 { GROUP } else { OUR_IP };
                let mut f = vxlan(peer, to, vni, &inner);
                if rnd(20) == 0 {
                    f.truncate(50 + rnd(15));
                }
                f
            })
            .collect();
        total += frames.len();
        let mut outs: [TestSink; 3] = Default::default();
        for (k, ((e, memo), s)) in envs.iter().zip(&mut memos).zip(&mut outs).enumerate() {
            let mut fdb = Fdb::new(&e.macs, memo, now);
            let (view, ctr) = (&e.view, &e.ctr);
            let u = view.underlay.as_ref().unwrap();
            let pkts = frames.iter().map(|f| VecPacket::new(f));
            if k == 0 {
                process_burst(view, &mut fdb, view.input(UL), pkts, s, ctr);
                continue;
            }
            for pkt in pkts {
                match vxlan_fast(pkt.data(), pkt.pkt_len(), u) {
                    Some(o) if k == 1 => match decap_fast(view, &mut fdb, o, pkt, s, ctr) {
                        Some(pkt) => decap_slow(view, &mut fdb, u, o, pkt, s, ctr),
                        None => fast += 1,
                    },
                    Some(o) => decap(view, &mut fdb, u, o, pkt, s, ctr),
                    None => underlay_slow(view, &mut fdb, u, pkt, s, ctr),
                }
            }
        }
        for (e, out) in envs[..2].iter().zip(&outs) {
            assert_eq!(out.0, outs[2].0, "round {round}");
            assert_same_state(e, &envs[2], &all, &format!("round {round}"));
        }
    }
    let tx = envs[2].ctr.vlan(100).tx.get() + envs[2].ctr.vlan(10).tx.get();
    assert!(
        fast > total / 20 && fast < total / 2,
        "{fast} of {total}, tx {tx}"
    );
}
