//! Tests of `flood`.

use super::*;
use crate::bridge::testutil::*;

#[test]
fn flood_to_ports_and_group() {
    let e = Env::std();
    let f = frame(H2, H1, None, 64); // unknown unicast
    let out = e.run(1, &f);
    assert_eq!(txs(&out), vec![2, 4, 7, UL]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&f, 0, 100)]);
    assert_eq!(tx_to(&out, 4), vec![&f]);
    assert_eq!(tx_to(&out, 7), vec![&tag(&f, 0, 100)]);
    let o = tx_to(&out, UL)[0];
    check_outer(o, GROUP_MAC, GROUP, 100);
    assert_eq!(o[50..], f[..], "no inner tag on VLAN 100");
    // From a trunk: the tag goes, the PCP stays on tagged copies.
    let f = frame(Mac::BROADCAST, H2, Some((6, 100)), 64);
    let out = e.run(2, &f);
    assert_eq!(txs(&out), vec![1, 4, 7, UL]);
    assert_eq!(tx_to(&out, 1), vec![&untag(&f)]);
    assert_eq!(tx_to(&out, 7), vec![&f]);
    assert_eq!(tx_to(&out, UL)[0][50..], untag(&f)[..]);
    assert_eq!(e.ctr.vlan(100).flood.get(), 2);
    assert_eq!(e.ctr.vlan(100).encap.get(), 2);
}

#[test]
fn flood_to_static_vteps_with_inner_vlan() {
    let e = Env::std();
    let f = frame(Mac::BROADCAST, H1, None, 100);
    let out = e.run(3, &f);
    assert_eq!(txs(&out), vec![2, UL, UL]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&f, 0, 10)]);
    let ul = tx_to(&out, UL);
    check_outer(ul[0], PEER_MAC, PEER_IP, 10);
    check_outer(ul[1], GW_MAC, FAR_IP, 10);
    for o in &ul {
        assert_eq!(
            o[50..],
            tag(&f, 0, 10)[..],
            "access frame gets the VLAN tag inside"
        );
    }
    assert_eq!(ul[0][34..36], ul[1][34..36], "same flow, same source port");
    // From the trunk: the tag is kept as is.
    let f = frame(Mac::BROADCAST, H2, Some((2, 10)), 100);
    let out = e.run(2, &f);
    assert_eq!(txs(&out), vec![3, UL, UL]);
    assert!(tx_to(&out, UL).iter().all(|o| o[50..] == f[..]));
}

#[test]
fn unresolved_vteps() {
    let mut c = cfg();
    c.vlans[1].flood = Flood::Static(vec![UNRES_IP, PEER_IP]);
    let e = Env::new(&c);
    let f = frame(Mac::BROADCAST, H1, None, 64);
    let out = e.run(3, &f);
    assert_eq!(txs(&out), vec![2, UL]);
    assert_eq!(e.drops(DropReason::UnresolvedVtep), 1);
    // Unicast to an unresolved VTEP: dropped, never flooded.
    e.macs.learn(10, &H2, Dest::Vtep(u32::from(UNRES_IP)), 1);
    e.expect_drop(3, &frame(H2, H1, None, 64), DropReason::UnresolvedVtep);
    // Without a gateway, off-link VTEPs are unresolved too.
    c.underlay.as_mut().unwrap().gateway = None;
    let e = Env::new(&c);
    e.macs.learn(10, &H2, Dest::Vtep(u32::from(FAR_IP)), 1);
    e.expect_drop(3, &frame(H2, H1, None, 64), DropReason::UnresolvedVtep);
}
