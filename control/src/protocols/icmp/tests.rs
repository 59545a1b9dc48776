use super::*;
use crate::protocols::testrig::*;

#[test]
fn echo_to_the_vtep_address_is_answered() {
    let mut r = Rig::new();
    for len in [56, 8972] {
        let req = echo_request(port_mac(UNDERLAY), CORE_MAC, None, GATEWAY, VTEP_IP, len);
        let out = r.handle(UNDERLAY, &req, 0.0);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, UNDERLAY);
        let (eth, src, dst, n) = parse_echo_reply(&out[0].1);
        assert_eq!(
            (eth.dst, eth.src, eth.vlan),
            (CORE_MAC, port_mac(UNDERLAY), None)
        );
        assert_eq!((src, dst, n), (VTEP_IP, GATEWAY, len));
    }
    let req = echo_request(port_mac(UNDERLAY), CORE_MAC, None, GATEWAY, IRB0, 56);
    assert!(r.handle(UNDERLAY, &req, 0.0).is_empty());
    assert_eq!(r.ignored("echo-not-for-us"), 1);
    assert_eq!(r.counter("icmp-echo-replies-sent"), 2);
}

#[test]
fn echo_to_an_irb_answers_only_its_own_vlan() {
    let mut r = Rig::new();
    r.learn(100, VM_MAC, Dest::Port(TRUNK));
    // Jumbo: ping -s 8972 to the IRB from a VM behind the trunk.
    let req = echo_request(ROUTER_MAC, VM_MAC, Some(100), VM_IP, IRB0, 8972);
    let out = r.handle(TRUNK, &req, 0.0);
    assert_eq!(r.vlans_sent_into(), vec![100]);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, TRUNK);
    let (eth, src, dst, n) = parse_echo_reply(&out[0].1);
    assert_eq!(
        (eth.dst, eth.src, eth.vlan),
        (VM_MAC, ROUTER_MAC, Some(100))
    );
    assert_eq!((src, dst, n), (IRB0, VM_IP, 8972));
    // The other VLAN's IRB address: ignored.
    let req = echo_request(ROUTER_MAC, VM_MAC, Some(100), VM_IP, IRB10, 56);
    assert!(r.handle(TRUNK, &req, 0.0).is_empty());
    assert_eq!(r.ignored("echo-not-for-us"), 1);
}

#[test]
fn echo_to_an_irb_from_a_remote_vtep_is_encapsulated() {
    let mut r = Rig::new();
    r.tick(0.0, &[PEER_VTEP]);
    // Unresolved next hop: the reply goes into VLAN 10 and the bridge
    // drops it, counted; the ARP timer is resolving the next hop already.
    r.learn(10, HOST_MAC, Dest::Vtep(u32::from(PEER_VTEP)));
    let req = echo_request(ROUTER_MAC, HOST_MAC, Some(10), HOST_IP, IRB10, 56);
    let out = r.handle(UNDERLAY, &req, 5.0);
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(r.vlans_sent_into(), vec![10]);
    assert_eq!(r.dropped(bridge::DropReason::UnresolvedVtep), 1);
    let s = show_arp(&r.p, r.at(5.0), false);
    assert!(
        s.contains("192.168.24.5") && s.contains("incomplete"),
        "{s}"
    );
    let reply = arp_reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP);
    r.handle(UNDERLAY, &reply, 5.1);
    // v10 keeps the inner tag; v100 does not. Jumbo fits the 9216 underlay.
    r.learn(100, VM_MAC, Dest::Vtep(u32::from(PEER_VTEP)));
    for (vlan, mac, ip, irb, len, tagged) in [
        (10, HOST_MAC, HOST_IP, IRB10, 56, true),
        (100, VM_MAC, VM_IP, IRB0, 8972, false),
    ] {
        let req = echo_request(ROUTER_MAC, mac, Some(vlan), ip, irb, len);
        let out = r.handle(UNDERLAY, &req, 6.0);
        assert_eq!(out.len(), 1);
        let (port, f) = &out[0];
        assert_eq!(*port, UNDERLAY);
        let (outer, inner) = vxlan::Outer::parse(f).unwrap();
        assert_eq!(outer.src_mac, port_mac(UNDERLAY));
        assert_eq!(outer.dst_mac, PEER_MAC);
        assert_eq!(
            (outer.src_ip, outer.dst_ip, outer.ttl),
            (VTEP_IP, PEER_VTEP, 64)
        );
        assert_eq!((outer.dst_port, outer.vni), (4789, u32::from(vlan)));
        assert!(outer.src_port >= 49152);
        let tag = EthernetRepr::parse(inner).unwrap().0.header_len() - ethernet::HEADER_LEN;
        assert_eq!(
            outer.src_port,
            vxlan::source_port(vxlan::inner_flow_hash(inner, tag))
        );
        // DF, IP ID 0, UDP checksum 0, VXLAN flags 0x08 and reserved zero.
        assert_eq!(&f[20..22], &[0x40, 0x00]);
        assert_eq!(&f[18..20], &[0, 0]);
        assert_eq!(&f[40..42], &[0, 0]);
        assert_eq!(&f[42..46], &[0x08, 0, 0, 0]);
        assert_eq!(f[49], 0);
        assert_eq!(
            usize::from(u16::from_be_bytes([f[16], f[17]])),
            f.len() - 14
        );
        let (eth, src, dst, n) = parse_echo_reply(inner);
        assert_eq!((eth.dst, eth.src), (mac, ROUTER_MAC));
        assert_eq!(eth.vlan, tagged.then_some(vlan));
        assert_eq!((src, dst, n), (irb, ip, len));
    }
}

#[test]
fn too_big_for_the_port_is_dropped_and_counted() {
    let mut r = Rig::new();
    r.learn(10, HOST_MAC, Dest::Port(ACCESS));
    // IP packet of 9001 bytes back out a port of MTU 9000.
    let req = echo_request(ROUTER_MAC, HOST_MAC, Some(10), HOST_IP, IRB10, 8973);
    assert!(r.handle(ACCESS, &req, 0.0).is_empty());
    assert_eq!(r.vlans_sent_into(), vec![10]);
    assert_eq!(r.dropped(bridge::DropReason::TooBig), 1);
}

#[test]
fn icmp_echo_reply_fresh_ident() {
    let req = echo_request(ROUTER_MAC, HOST_MAC, None, HOST_IP, VTEP_IP, 8);
    let p = icmpv4::parse_echo_request(&req).unwrap();
    let a = p.reply(ROUTER_MAC, next_ip_ident());
    let b = p.reply(ROUTER_MAC, next_ip_ident());
    assert_ne!(&a[18..20], &b[18..20]);
}
