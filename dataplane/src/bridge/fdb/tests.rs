//! Tests of `fdb`.

use super::*;
use crate::bridge::testutil::*;

#[test]
fn mac_move_port_to_vtep_and_back() {
    let e = Env::std();
    // vMotion: the VM is local on port 1...
    e.run(1, &frame(Mac::BROADCAST, H1, None, 64));
    assert_eq!(e.dest(100, &H1), Some(Dest::Port(1)));
    // ... moves behind PEER: its first RARP broadcast moves it.
    e.run(UL, &vxlan(PEER_IP, GROUP, 100, &rarp(H1)));
    assert_eq!(e.dest(100, &H1), Some(Dest::Vtep(u32::from(PEER_IP))));
    // Traffic to it is now encapsulated to PEER.
    let out = e.run(4, &frame(H1, H2, None, 64));
    check_outer(tx_to(&out, UL)[0], PEER_MAC, PEER_IP, 100);
    // ... and back: first frame on port 1 moves it again.
    e.run(1, &frame(Mac::BROADCAST, H1, None, 64));
    assert_eq!(e.dest(100, &H1), Some(Dest::Port(1)));
    assert_eq!(e.ctr.vlan(100).moved.get(), 2);
}

#[test]
fn a_burst_sees_its_own_learning_at_once() {
    // To H2 (unknown), from H2 (learned on port 1), to H2 again: the memo
    // must not answer the third frame with the first one's miss.
    let e = Env::std();
    let out = e.run_burst(
        1,
        &[
            frame(H2, H1, None, 64),
            frame(H1, H2, None, 64),
            frame(H2, H1, None, 64),
        ],
    );
    assert_eq!(out.last(), Some(&Out::Drop(DropReason::SamePort)));
    assert_eq!(e.dest(100, &H2), Some(Dest::Port(1)));
    // A tunnel burst that moves NETAPP from one VTEP to another and back.
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let far = Ipv4Addr::new(192, 168, 24, 6);
    e.run_burst(
        UL,
        &[
            vxlan(PEER_IP, OUR_IP, 100, &inner),
            vxlan(far, OUR_IP, 100, &inner),
            vxlan(PEER_IP, OUR_IP, 100, &inner),
        ],
    );
    assert_eq!(e.dest(100, &NETAPP), Some(Dest::Vtep(u32::from(PEER_IP))));
    assert_eq!(e.ctr.vlan(100).moved.get(), 2);
}

#[test]
fn a_burst_forwards_exactly_as_frame_by_frame() {
    // Pseudo-random sequences of frames among a few hosts, some known
    // elsewhere beforehand: one burst (memo shared) and the same frames one
    // by one (fresh memo each) give the same output, table and counters.
    let hosts = [
        H1,
        H2,
        NETAPP,
        Mac::BROADCAST,
        Mac([0x02, 0, 0, 0, 0x10, 0x01]),
    ];
    let mut rnd = xorshift(0x9e37_79b9);
    for round in 0..40 {
        let port = [1u16, 4, 2, UL][round % 4];
        let frames: Vec<Vec<u8>> = (0..32)
            .map(|_| {
                // Mostly hosts that are not destinations behind a VTEP, so
                // tunnels stay in use; now and then one of those moves here.
                let src = [H1, hosts[4], H1, hosts[4], hosts[4], H1, H2, NETAPP][rnd(8)];
                let dst = hosts[rnd(hosts.len())];
                // The trunk mixes VLAN 100 (group) and 10 (static VTEPs,
                // one via the gateway): several tunnels in one burst.
                let tag = (port == 2).then(|| (0, [100, 10][rnd(2)]));
                let f = frame(dst, src, tag, 64 + 4 * rnd(4));
                if port == UL {
                    let peer = [PEER_IP, Ipv4Addr::new(192, 168, 24, 6)][rnd(2)];
                    vxlan(peer, OUR_IP, 100, &f)
                } else {
                    f
                }
            })
            .collect();
        let (a, b) = (Env::std(), Env::std());
        for e in [&a, &b] {
            e.macs.learn(100, &H2, Dest::Port(4), 1);
            e.macs
                .learn(100, &NETAPP, Dest::Vtep(u32::from(PEER_IP)), 1);
            e.macs.learn(10, &H2, Dest::Vtep(u32::from(FAR_IP)), 1);
            e.macs.learn(10, &NETAPP, Dest::Vtep(u32::from(PEER_IP)), 1);
        }
        let burst = a.run_burst(port, &frames);
        let single: Vec<Out> = frames.iter().flat_map(|f| b.run(port, f)).collect();
        assert_eq!(burst, single, "round {round}, port {port}");
        assert_same_state(&a, &b, &hosts, &format!("round {round}"));
    }
}
