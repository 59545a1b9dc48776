//! Tests of `forward`.

use super::*;
use crate::bridge::testutil::*;
use vtep_testkit::{self as kit, Eth};

#[test]
fn access_to_access_and_trunk_tag_treatment() {
    let e = Env::std();
    // Learn H2 on 4 (flooded), then H1 on 1 → H2 goes to 4 only, as is.
    let f = frame(Mac::BROADCAST, H2, None, 64);
    assert_eq!(e.run(4, &f).len(), 4);
    assert_eq!(e.dest(100, &H2), Some(Dest::Port(4)));
    let f = frame(H2, H1, None, 64);
    assert_eq!(e.run(1, &f), vec![Out::Tx(4, f.clone())]);
    // Access → trunk inserts the tag.
    e.macs.learn(100, &NETAPP, Dest::Port(2), 1);
    let f = frame(NETAPP, H1, None, 64);
    assert_eq!(e.run(1, &f), vec![Out::Tx(2, tag(&f, 0, 100))]);
    // Trunk → access strips it.
    let f = frame(H1, NETAPP, Some((5, 100)), 64);
    assert_eq!(e.run(2, &f), vec![Out::Tx(1, untag(&f))]);
    // Trunk → trunk keeps it, PCP and all.
    e.macs.learn(100, &H2, Dest::Port(7), 1);
    let f = frame(H2, NETAPP, Some((5, 100)), 64);
    assert_eq!(e.run(2, &f), vec![Out::Tx(7, f.clone())]);
    // Access port accepts its own VLAN tagged.
    let f = frame(H2, H1, Some((0, 100)), 64);
    assert_eq!(e.run(1, &f), vec![Out::Tx(7, f.clone())]);
    let v = e.ctr.vlan(100);
    assert_eq!(
        (v.rx.get(), v.tx.get(), v.flood.get(), v.encap.get()),
        (6, 8, 1, 1)
    );
    assert_eq!(v.learned.get(), 2);
}

#[test]
fn punts() {
    let e = Env::std();
    // LLDP: punted as received, untagged, on any port (trunk included).
    let body = &frame(Mac::LLDP_NEAREST_BRIDGE, H1, None, 64)[14..];
    let lldp = Eth::new(Mac::LLDP_NEAREST_BRIDGE.0, H1.0).payload(kit::ethertype::LLDP, body);
    assert_eq!(e.run(2, &lldp), vec![Out::Punt(lldp.clone())]);
    // Router MAC and port MACs: punted with the bridge-domain tag.
    let f = frame(ROUTER, H1, None, 64);
    assert_eq!(e.run(1, &f), vec![Out::Punt(tag(&f, 0, 100))]);
    let f = frame(P1_MAC, H1, Some((3, 100)), 64);
    assert_eq!(e.run(2, &f), vec![Out::Punt(f.clone())]);
    // ARP for the IRB: punted (tagged) and still flooded.
    let a = arp(Mac::BROADCAST, H1, None, Ipv4Addr::new(100, 1, 1, 1));
    let out = e.run(1, &a);
    assert_eq!(out[0], Out::Punt(tag(&a, 0, 100)));
    assert_eq!(txs(&out), vec![2, 4, 7, UL]);
    // ARP for someone else: not punted.
    let a = arp(Mac::BROADCAST, H1, Some(100), Ipv4Addr::new(100, 1, 1, 2));
    assert!(!e.run(2, &a).iter().any(|o| matches!(o, Out::Punt(_))));
    assert_eq!(e.ctr.punts.get(), 4);
}

#[test]
fn local_egress_mtu() {
    let e = Env::std();
    e.macs.learn(10, &H1, Dest::Port(3), 1);
    // Port 3: MTU 1500, access → 1514 max.
    assert_eq!(txs(&e.run(2, &frame(H1, H2, Some((0, 10)), 1514))), vec![3]);
    e.expect_drop(2, &frame(H1, H2, Some((0, 10)), 1515), DropReason::TooBig);
    assert_eq!(e.ctr.too_big[10].local.get(), 1515);
    // Trunk 2 at MTU 9000 takes 9018 tagged; flood skips port 3.
    let out = e.run(
        UL,
        &vxlan(
            PEER_IP,
            OUR_IP,
            10,
            &frame(Mac::BROADCAST, NETAPP, None, 9014),
        ),
    );
    assert_eq!(txs(&out), vec![2]);
    assert_eq!(tx_to(&out, 2)[0].len(), 9018);
}

#[test]
fn no_headroom_and_no_mbuf() {
    let e = Env::std();
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = frame(H2, H1, None, 64);
    let mut s = TestSink::default();
    process(
        &e.view,
        &e.macs,
        1,
        1,
        VecPacket::with_headroom(&f, 10),
        &mut s,
        &e.ctr,
    );
    assert_eq!(s.0, vec![Out::Drop(DropReason::NoHeadroom)]);
    e.macs.learn(100, &NETAPP, Dest::Port(2), 1);
    let mut s = TestSink::default();
    process(
        &e.view,
        &e.macs,
        1,
        1,
        VecPacket::with_headroom(&frame(NETAPP, H1, None, 64), 0),
        &mut s,
        &e.ctr,
    );
    assert_eq!(s.0, vec![Out::Drop(DropReason::NoHeadroom)]);

    struct NoClone(VecPacket);
    impl Packet for NoClone {
        fn data(&self) -> &[u8] {
            self.0.data()
        }
        fn data_mut(&mut self) -> &mut [u8] {
            self.0.data_mut()
        }
        fn pkt_len(&self) -> usize {
            self.0.pkt_len()
        }
        fn prepend(&mut self, n: usize) -> Option<&mut [u8]> {
            self.0.prepend(n)
        }
        fn adj(&mut self, n: usize) -> bool {
            self.0.adj(n)
        }
        fn clone_with_header(&self, _: usize, _: usize) -> Option<Self> {
            None
        }
    }
    let out = e.run_pkt(
        1,
        NoClone(VecPacket::new(&frame(Mac::BROADCAST, H1, None, 64))),
    );
    assert_eq!(
        txs(&out),
        vec![UL],
        "the original still goes to the last target"
    );
    assert_eq!(e.drops(DropReason::NoMbuf), 3);
}
