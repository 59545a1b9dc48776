//! Tests of `port_input`.

use super::*;
use crate::bridge::testutil::*;

#[test]
fn ingress_drops() {
    let e = Env::std();
    e.expect_drop(1, &[0u8; 13], DropReason::Runt);
    e.expect_drop(
        2,
        &frame(H2, H1, Some((0, 100)), 64)[..16],
        DropReason::Runt,
    );
    e.expect_drop(2, &frame(H2, H1, None, 64), DropReason::NoVlan);
    e.expect_drop(2, &frame(H2, H1, Some((0, 0)), 64), DropReason::NoVlan); // priority tag
    e.expect_drop(
        2,
        &frame(H2, H1, Some((0, 200)), 64),
        DropReason::VlanNotMember,
    );
    e.expect_drop(
        1,
        &frame(H2, H1, Some((0, 10)), 64),
        DropReason::VlanNotMember,
    );
    e.expect_drop(6, &frame(H2, H1, None, 64), DropReason::UnknownPort);
    e.expect_drop(
        1,
        &frame(Mac([0x01, 0x80, 0xc2, 0, 0, 0]), H1, None, 64),
        DropReason::LinkLocal,
    );
    // Sources that must never be learned.
    for src in [Mac::BROADCAST, GROUP_MAC, Mac([0u8; 6])] {
        e.expect_drop(1, &frame(H2, src, None, 64), DropReason::SrcMacInvalid);
    }
    assert_eq!(e.macs.len(), 0);
    // Alone in its VLAN, no VNI: nowhere to flood.
    e.expect_drop(
        8,
        &frame(Mac::BROADCAST, H1, None, 64),
        DropReason::NoFloodTarget,
    );
    // Same port.
    e.macs.learn(100, &H2, Dest::Port(1), 1);
    e.expect_drop(1, &frame(H2, H1, None, 64), DropReason::SamePort);
}

#[test]
fn prefetch_reads_only_what_is_there() {
    let e = Env::std();
    let f = frame(H2, H1, Some((0, 100)), 64);
    for len in 0..=f.len() {
        for port in [0u16, 1, 2, 3, 99] {
            prefetch(&e.view, &e.macs, port, &f[..len]);
        }
    }
    // A hint only: nothing learned, nothing counted.
    assert!(e.macs.lookup(100, &H1).is_none());
    assert_eq!(e.ctr.vlan(100).rx.get(), 0);
}

#[test]
fn learn_full_counts() {
    let mut e = Env::std();
    e.macs = MacTable::new(4);
    // Fill all but one place, then two new sources: one learns, one fails.
    for i in 0..e.macs.capacity() - 1 {
        assert_eq!(
            e.macs
                .learn(200, &Mac([2, 0, 0, 0, 9, i as u8]), Dest::Port(1), 1),
            Learn::New
        );
    }
    e.run(1, &frame(Mac::BROADCAST, H1, None, 64));
    e.run(1, &frame(Mac::BROADCAST, H2, None, 64));
    assert_eq!(e.ctr.vlan(100).learn_failed.get(), 1);
    assert_eq!(e.ctr.vlan(100).learned.get(), 1);
}

#[test]
fn the_encap_fast_path_agrees_with_port_input() {
    // Bursts of frames around the common one (a local port to a known
    // remote VTEP) on three identical bridges, each with a memo that lasts
    // across bursts: port_burst as the worker runs it; the fast path then
    // port_input, by hand, counting what the fast path took; and
    // port_input alone. Same frames out, same table, same counters. The
    // ports: access 1 and 4 (VLAN 100), trunks 2 (10, 100, 300) and 7
    // (100); VLAN 100 strips inner tags, VLAN 10 keeps them.
    let far = Mac([0x00, 0x50, 0x56, 0, 0, 0x78]);
    let unres = Mac([0x00, 0x50, 0x56, 0, 0, 0x77]);
    let fresh = Mac([0x00, 0x50, 0x56, 0, 0, 0x99]);
    // Each port's own host, the source of most of its frames.
    let home = |port: u16| Mac([0x00, 0x50, 0x56, 0, 0x10, port as u8]);
    let envs = [Env::std(), Env::std(), Env::std()];
    // Where the hosts are at the start, and again now and then (moves
    // between the bridges' own frames).
    let mut places = vec![];
    for vl in [100, 10] {
        places.extend([
            (vl, H2, Dest::Vtep(u32::from(PEER_IP))),
            (vl, far, Dest::Vtep(u32::from(FAR_IP))),
            (vl, unres, Dest::Vtep(u32::from(UNRES_IP))),
            // Our own MAC, claimed by a far host: still punted.
            (vl, ROUTER, Dest::Vtep(u32::from(PEER_IP))),
            // A group MAC, should one get into the table: still flooded.
            (vl, GROUP_MAC, Dest::Vtep(u32::from(PEER_IP))),
        ]);
    }
    for p in [1, 4, 7] {
        places.push((100, home(p), Dest::Port(p)));
    }
    places.push((100, home(2), Dest::Port(2)));
    places.push((10, home(2), Dest::Port(2)));
    let dsts = [
        H2,
        H2,
        H2,
        far,
        unres,
        home(1),
        home(2),
        home(4),
        NETAPP,
        Mac::BROADCAST,
        GROUP_MAC,
        Mac::LLDP_NEAREST_BRIDGE,
        ROUTER,
        P1_MAC,
        UL_MAC,
        Mac::ZERO,
    ];
    // Now and then a source that moves (another port's host, H2 from its
    // VTEP) or is new: each move makes every memo forget.
    let srcs = [home(4), home(2), H2, fresh, Mac::ZERO, Mac::BROADCAST];
    let all: Vec<Mac> = dsts
        .iter()
        .chain(&srcs)
        .chain(&[home(7)])
        .copied()
        .collect();
    let mut memos: [Memo; 3] = Default::default();
    let mut rnd = xorshift(0x1b87_3593);
    let (mut fast, mut total, mut now) = (0, 0, 1);
    for round in 0..4000 {
        now += u32::from(rnd(16) == 0);
        if round % 50 == 0 {
            for e in &envs {
                for (vl, m, d) in &places {
                    e.macs.learn(*vl, m, *d, now);
                }
            }
        }
        let port = [1, 1, 2, 2, 4, 7][rnd(6)];
        let trunk = port == 2 || port == 7;
        let frames: Vec<Vec<u8>> = (0..1 + rnd(8))
            .map(|_| {
                let dst = dsts[rnd(dsts.len())];
                let src = if rnd(40) == 0 {
                    srcs[rnd(srcs.len())]
                } else {
                    home(port)
                };
                let len = [60, 60, 60, 1514, 9014, 9015, 9018][rnd(7)];
                // Trunks: mostly their VLANs; also one they lack, the
                // priority tag, and none.
                let vid = match rnd(10) {
                    _ if !trunk => [100, 0][rnd(2)],
                    0 => 999,
                    1 => 0,
                    _ => [100, 10][rnd(2)],
                };
                let tagged = if trunk { rnd(12) != 0 } else { rnd(10) == 0 };
                let tag = tagged.then(|| (rnd(8) as u8, vid));
                let mut f = match rnd(10) {
                    1 => arp(dst, src, tag.map(|t| t.1), Ipv4Addr::new(100, 1, 1, 1)),
                    2 => arp(dst, src, tag.map(|t| t.1), Ipv4Addr::new(100, 1, 1, 9)),
                    _ => frame(dst, src, tag, len),
                };
                match rnd(12) {
                    0 => f.truncate(rnd(19)),
                    1 => f[12..14].copy_from_slice(&ethertype::LLDP.to_be_bytes()),
                    // The DEI bit, which the tunnel copy clears.
                    2 if tagged => f[14] |= 0x10,
                    _ => {}
                }
                f
            })
            .collect();
        total += frames.len();
        let p = envs[0].view.port(port).unwrap();
        let untagged = untagged_vlan(&envs[0].view, p);
        let mut outs: [TestSink; 3] = Default::default();
        for (k, ((e, memo), s)) in envs.iter().zip(&mut memos).zip(&mut outs).enumerate() {
            let mut fdb = Fdb::new(&e.macs, memo, now);
            let (view, ctr) = (&e.view, &e.ctr);
            let pkts = frames.iter().map(|f| VecPacket::new(f));
            match k {
                0 => process_burst(view, &mut fdb, view.input(port), pkts, s, ctr),
                1 => {
                    let f = FastEncap::new(view, untagged).expect("an underlay");
                    for pkt in pkts {
                        match encap_fast(view, &mut fdb, p, f, pkt, s, ctr) {
                            Some(pkt) => port_slow(view, &mut fdb, p, untagged, pkt, s, ctr),
                            None => fast += 1,
                        }
                    }
                }
                _ => pkts.for_each(|pkt| port_input(view, &mut fdb, p, untagged, pkt, s, ctr)),
            }
        }
        for (e, out) in envs[..2].iter().zip(&outs) {
            assert_eq!(out.0, outs[2].0, "round {round}");
            assert_same_state(e, &envs[2], &all, &format!("round {round}"));
        }
    }
    // The fast path carried a good share, and not everything.
    let enc = envs[2].ctr.vlan(100).encap.get() + envs[2].ctr.vlan(10).encap.get();
    assert!(
        fast > total / 20 && fast < total / 2,
        "{fast} of {total}, encap {enc}"
    );
}
