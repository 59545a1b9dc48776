//! Tests of `vxlan_output`.

use super::*;
use crate::bridge::testutil::*;

#[test]
fn encap_unicast_every_byte() {
    let e = Env::std();
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    e.macs.learn(100, &NETAPP, Dest::Vtep(u32::from(FAR_IP)), 1);
    let f = frame(H2, H1, None, 64);
    let out = e.run(1, &f);
    assert_eq!(txs(&out), vec![UL]);
    let o = tx_to(&out, UL)[0];
    assert_eq!(o.len(), 114);
    check_outer(o, PEER_MAC, PEER_IP, 100);
    assert_eq!(o[50..], f[..]);
    // Deterministic per flow.
    assert_eq!(tx_to(&e.run(1, &f), UL)[0][34..36], o[34..36]);
    // Off-link VTEP via the gateway's MAC.
    let f = frame(NETAPP, H1, None, 64);
    check_outer(tx_to(&e.run(1, &f), UL)[0], GW_MAC, FAR_IP, 100);
    // Trunk ingress, VLAN without encapsulate-inner-vlan: tag removed.
    let f = frame(H2, NETAPP, Some((0, 100)), 64);
    let o = e.run(2, &f);
    let o = tx_to(&o, UL)[0];
    check_outer(o, PEER_MAC, PEER_IP, 100);
    assert_eq!(o[50..], untag(&f)[..]);
}

#[test]
fn encap_inner_vlan_options() {
    let e = Env::std();
    e.macs.learn(10, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    // Access ingress on VLAN 10 (encapsulate-inner-vlan): tag inserted.
    let f = frame(H2, H1, None, 64);
    let out = e.run(3, &f);
    let o = tx_to(&out, UL)[0];
    check_outer(o, PEER_MAC, PEER_IP, 10);
    assert_eq!(o[50..], tag(&f, 0, 10)[..]);
    // Trunk ingress: kept.
    let f = frame(H2, NETAPP, Some((4, 10)), 64);
    let out = e.run(2, &f);
    let o = tx_to(&out, UL)[0];
    check_outer(o, PEER_MAC, PEER_IP, 10);
    assert_eq!(o[50..], f[..]);
}

#[test]
fn sport_from_rss_and_flows() {
    struct Rss(VecPacket, u32);
    impl Packet for Rss {
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
        fn clone_with_header(&self, o: usize, h: usize) -> Option<Self> {
            Some(Rss(self.0.clone_with_header(o, h)?, self.1))
        }
        fn rss_hash(&self) -> Option<u32> {
            Some(self.1)
        }
    }
    let f = frame(H2, H1, None, 64);
    let a = flow_sport(&Rss(VecPacket::new(&f), 0), 0);
    let b = flow_sport(&Rss(VecPacket::new(&f), 0x1234_5678), 0);
    assert_eq!(a, 0xc000);
    assert_ne!(a, b);
    let mut seen = std::collections::HashSet::new();
    for i in 0..64u8 {
        let mut g = f.clone();
        g[14 + 20] = i; // UDP source port high byte
        let p = flow_sport(&VecPacket::new(&g), 0);
        assert!(p >= 49152);
        seen.insert(p);
    }
    assert!(seen.len() > 48, "ports spread: {}", seen.len());
    // The tag does not change the flow.
    assert_eq!(
        inner_flow_hash(&frame(H2, H1, Some((0, 10)), 64), 4),
        inner_flow_hash(&frame(H2, H1, None, 64), 0)
    );
}

#[test]
fn jumbo_9014_becomes_9064() {
    let e = Env::std();
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = frame(H2, H1, None, 9014);
    let out = e.run(1, &f);
    let o = tx_to(&out, UL)[0];
    assert_eq!(o.len(), 9064);
    assert_eq!(u16::from_be_bytes([o[16], o[17]]), 9050);
    assert_eq!(u16::from_be_bytes([o[38], o[39]]), 9030);
    check_outer(o, PEER_MAC, PEER_IP, 100);
    // And back: decapsulated to the access port unchanged.
    e.macs.learn(100, &H1, Dest::Port(1), 1);
    let back = vxlan(PEER_IP, OUR_IP, 100, &frame(H1, H2, None, 9014));
    assert_eq!(back.len(), 9064);
    assert_eq!(e.run(UL, &back), vec![Out::Tx(1, back[50..].to_vec())]);
    // 9014 + inner tag on VLAN 10 needs 9054: too big for 9050.
    e.macs.learn(10, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    e.expect_drop(2, &frame(H2, H1, Some((0, 10)), 9014), DropReason::TooBig);
    assert_eq!(e.ctr.too_big[10].encap.get(), 9018);
    assert_eq!(needed_underlay_mtu(9018), 9054);
}

#[test]
fn too_big_with_1500_underlay() {
    let mut c = cfg();
    c.underlay.as_mut().unwrap().mtu = 1500;
    let e = Env::new(&c);
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    e.expect_drop(1, &frame(H2, H1, None, 9014), DropReason::TooBig);
    assert_eq!(e.ctr.too_big[100].encap.get(), 9014);
    assert_eq!(needed_underlay_mtu(9014), 9050);
    // 1464 + 36 = 1500 fits, 1465 does not.
    assert_eq!(txs(&e.run(1, &frame(H2, H1, None, 1464))), vec![UL]);
    e.expect_drop(1, &frame(H2, H1, None, 1465), DropReason::TooBig);
    // Flooded: the local copies still go, the tunnel copy is counted.
    let out = e.run(1, &frame(Mac::BROADCAST, H1, None, 9014));
    assert_eq!(txs(&out), vec![2, 4, 7]);
    assert_eq!(e.drops(DropReason::TooBig), 3);
}

/// Every tunnel frame leaves by the underlay port its VLAN's template was
/// compiled with, and without an underlay there is no template, so no
/// frame can be encapsulated to a made-up port.
#[test]
fn tunnel_frames_leave_by_the_templates_underlay_port() {
    let mut c = cfg();
    c.ports.retain(|p| p.port_id != UL);
    c.underlay.as_mut().unwrap().port_id = 12;
    let e = Env::new(&c);
    let t = e.view.vlan(100).unwrap().tmpl.unwrap();
    assert_eq!(t.port, 12);
    // Known unicast, tagged (full path) and untagged.
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    assert_eq!(
        txs(&e.run(2, &frame(H2, NETAPP, Some((0, 100)), 64))),
        vec![12]
    );
    assert_eq!(txs(&e.run(1, &frame(H2, H1, None, 64))), vec![12]);
    // Flood to two VTEPs: a copy, then the original.
    let out = e.run(3, &frame(Mac::BROADCAST, H1, None, 64));
    assert_eq!(txs(&out), vec![2, 12, 12]);
    // No underlay: a host known behind a VTEP (from an older view) is
    // flooded to the local ports, and port 0 gets only its flood copy.
    c.underlay = None;
    c.ports.push(port(0, PortMode::Access(100), 1500));
    let e = Env::new(&c);
    assert!(e.view.vlans().iter().all(|v| v.outer_template().is_none()));
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = frame(H2, H1, None, 64);
    let out = e.run(1, &f);
    assert_eq!(txs(&out), vec![2, 4, 7, 0]);
    assert_eq!(tx_to(&out, 0), vec![&f]);
    assert_eq!(e.ctr.vlan(100).encap.get(), 0);
}
