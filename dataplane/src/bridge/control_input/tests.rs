//! Tests of `control_input`.

use super::*;
use crate::bridge::testutil::*;

/// The control thread's frames into a VLAN: unicast, encap and flood as
/// from a port, but every member gets a copy and nothing is learned.
#[test]
fn control_input_bridges_without_a_port() {
    let e = Env::std();
    let run = |vlan: u16, f: &[u8]| {
        let mut memo = Memo::default();
        let mut fdb = Fdb::new(&e.macs, &mut memo, 1);
        let mut s = TestSink::default();
        control_input(&e.view, &mut fdb, vlan, VecPacket::new(f), &mut s, &e.ctr);
        s.0
    };
    // Broadcast: every member of VLAN 100 and the group, none left out.
    let f = frame(Mac::BROADCAST, ROUTER, None, 64);
    let out = run(100, &f);
    assert_eq!(txs(&out), vec![1, 2, 4, 7, UL]);
    assert_eq!(tx_to(&out, 1), vec![&f]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&f, 0, 100)]);
    check_outer(tx_to(&out, UL)[0], GROUP_MAC, GROUP, 100);
    assert!(
        e.macs.lookup(100, &ROUTER).is_none(),
        "the source is never learned"
    );
    // Known host behind a trunk: tagged on that port alone.
    e.macs.learn(100, &H2, Dest::Port(2), 1);
    let f = frame(H2, ROUTER, None, 64);
    assert_eq!(run(100, &f), vec![Out::Tx(2, tag(&f, 0, 100))]);
    // Known host behind a VTEP: encapsulated, the inner tag by VLAN 10's policy.
    e.macs.learn(10, &H1, Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = frame(H1, ROUTER, None, 64);
    let out = run(10, &f);
    assert_eq!(txs(&out), vec![UL]);
    let o = tx_to(&out, UL)[0];
    check_outer(o, PEER_MAC, PEER_IP, 10);
    assert_eq!(o[50..], tag(&f, 0, 10)[..]);
    // Nowhere to go, or nothing to go on.
    let before = e.drops(DropReason::ControlToSelf);
    assert_eq!(
        run(100, &frame(ROUTER, ROUTER, None, 64)),
        vec![Out::Drop(DropReason::ControlToSelf)]
    );
    assert_eq!(e.drops(DropReason::ControlToSelf), before + 1);
    assert_eq!(run(999, &f), vec![Out::Drop(DropReason::NoVlan)]);
    assert_eq!(run(100, &f[..10]), vec![Out::Drop(DropReason::Runt)]);
    // An IRB's own ARP is not punted back to the control thread.
    let a = arp(Mac::BROADCAST, ROUTER, None, Ipv4Addr::new(100, 1, 1, 1));
    assert!(run(100, &a).iter().all(|o| matches!(o, Out::Tx(..))));
}
