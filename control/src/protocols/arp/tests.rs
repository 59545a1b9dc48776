use super::*;
use crate::protocols::testrig::*;

#[test]
fn arp_request_for_the_vtep_address_is_answered_on_the_underlay() {
    let mut r = Rig::new();
    let req = arp_request(CORE_MAC, GATEWAY, VTEP_IP, None);
    let out = r.handle(UNDERLAY, &req, 1.0);
    let a = arp_of(&out);
    assert_eq!(a.len(), 1);
    let (port, src, dst, vlan, arp) = a[0];
    assert_eq!(
        (port, src, dst, vlan),
        (UNDERLAY, port_mac(UNDERLAY), CORE_MAC, None)
    );
    assert_eq!(arp.op, ArpOp::Reply);
    assert_eq!(
        (arp.sender_mac, arp.sender_ip),
        (port_mac(UNDERLAY), VTEP_IP)
    );
    assert_eq!((arp.target_mac, arp.target_ip), (CORE_MAC, GATEWAY));
    // The asker was learned.
    assert!(r.p.neighbors().contains(&(GATEWAY, CORE_MAC)));
    assert!(r.p.take_neighbors_changed());
    // Someone else's address: nothing.
    let req = arp_request(CORE_MAC, GATEWAY, Ipv4Addr::new(192, 168, 24, 77), None);
    assert!(r.handle(UNDERLAY, &req, 1.0).is_empty());
    assert_eq!(r.counter("arp-requests-answered"), 1);
}

#[test]
fn arp_for_an_irb_is_answered_into_its_vlan_only() {
    let mut r = Rig::new();
    // From the access port (untagged there), punted with the VLAN tag.
    r.learn(10, HOST_MAC, Dest::Port(ACCESS));
    let req = arp_request(HOST_MAC, HOST_IP, IRB10, Some(10));
    let a = arp_of(&r.handle(ACCESS, &req, 1.0));
    assert_eq!(
        r.vlans_sent_into(),
        vec![10],
        "into its VLAN, bridged there"
    );
    assert_eq!(a.len(), 1);
    let (port, src, dst, vlan, arp) = a[0];
    assert_eq!((port, src, dst, vlan), (ACCESS, ROUTER_MAC, HOST_MAC, None));
    assert_eq!(
        (arp.op, arp.sender_mac, arp.sender_ip),
        (ArpOp::Reply, ROUTER_MAC, IRB10)
    );
    assert_eq!(arp.target_ip, HOST_IP);
    // From the trunk: tagged back.
    r.learn(100, VM_MAC, Dest::Port(TRUNK));
    let req = arp_request(VM_MAC, VM_IP, IRB0, Some(100));
    let a = arp_of(&r.handle(TRUNK, &req, 1.0));
    assert_eq!(r.vlans_sent_into(), vec![100]);
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].0, a[0].3), (TRUNK, Some(100)));
    assert_eq!(a[0].4.sender_ip, IRB0);
    // The IRB of VLAN 100 does not answer on VLAN 10.
    let req = arp_request(HOST_MAC, HOST_IP, IRB0, Some(10));
    assert!(r.handle(ACCESS, &req, 1.0).is_empty());
    assert_eq!(r.ignored("arp-not-for-us"), 1);
    // `show arp` lists the IRB neighbors.
    let s = show_arp(&r.p, r.at(2.0), false);
    assert!(s.contains("irb.10") && s.contains("100.10.1.4"), "{s}");
    assert!(
        s.contains("irb.0") && s.contains("00:50:56:b9:55:58"),
        "{s}"
    );
}

#[test]
fn arp_reply_to_an_unknown_host_floods_the_vlan() {
    let mut r = Rig::new();
    let req = arp_request(HOST_MAC, HOST_IP, IRB10, Some(10));
    let out = r.handle(ACCESS, &req, 1.0);
    assert_eq!(r.vlans_sent_into(), vec![10]);
    // Access (untagged), trunk (tagged) and one copy to the group.
    let ports: Vec<u16> = out.iter().map(|(p, _)| *p).collect();
    assert_eq!(ports, vec![TRUNK, ACCESS, UNDERLAY]);
    assert_eq!(arp_of(&out[..1].to_vec())[0].3, Some(10));
    assert_eq!(arp_of(&out[1..2].to_vec())[0].3, None);
    let (outer, inner) = vxlan::Outer::parse(&out[2].1).unwrap();
    assert_eq!(
        (outer.dst_ip, outer.dst_mac, outer.vni),
        (G10, Mac::ipv4_multicast(G10), 10)
    );
    let (_, _, vlan, arp) = arp::parse_frame(inner).unwrap();
    assert_eq!(vlan, Some(10), "v10 has encapsulate-inner-vlan");
    assert_eq!(arp.sender_ip, IRB10);
}

#[test]
fn resolution_of_an_on_link_vtep_retries_then_backs_off() {
    let mut r = Rig::new();
    let requests = |out: &Out| {
        arp_of(out)
            .into_iter()
            .filter(|a| a.4.op == ArpOp::Request && a.4.target_ip == PEER_VTEP)
            .map(|a| {
                assert_eq!(
                    (a.0, a.1, a.2, a.3),
                    (UNDERLAY, port_mac(UNDERLAY), Mac::BROADCAST, None)
                );
                assert_eq!(a.4.sender_ip, VTEP_IP);
            })
            .count()
    };
    let mut sent = Vec::new();
    let mut t = 0.0;
    while t < 30.0 {
        if requests(&r.tick(t, &[PEER_VTEP])) > 0 {
            sent.push(t);
        }
        t += 0.25;
    }
    assert_eq!(
        sent,
        vec![0.0, 1.0, 2.0, 3.0, 13.0, 23.0],
        "first + 3 retries, then every 10 s"
    );
    assert!(!r.p.neighbors().iter().any(|(ip, _)| *ip == PEER_VTEP));
    assert!(!r.p.take_neighbors_changed());
    let s = show_arp(&r.p, r.at(30.0), false);
    assert!(
        s.contains("192.168.24.5") && s.contains("incomplete"),
        "{s}"
    );
    // The reply resolves it.
    let reply = arp_reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP);
    assert!(r.handle(UNDERLAY, &reply, 30.0).is_empty());
    assert!(r.p.neighbors().contains(&(PEER_VTEP, PEER_MAC)));
    assert!(r.p.take_neighbors_changed());
    assert!(!r.p.take_neighbors_changed(), "true once");
    assert_eq!(requests(&r.tick(40.0, &[PEER_VTEP])), 0);
    assert_eq!(r.counter("arp-replies-seen"), 1);
}

#[test]
fn resolution_of_an_off_link_vtep_asks_for_the_gateway() {
    let mut r = Rig::new();
    let out = r.tick(0.0, &[FAR_VTEP]);
    let targets: Vec<Ipv4Addr> = arp_of(&out).iter().map(|a| a.4.target_ip).collect();
    // The gateway (once, for both reasons) and the on-link static remote
    // VTEP of v200; the off-link one goes through the gateway too.
    assert_eq!(targets, vec![GATEWAY, Ipv4Addr::new(192, 168, 24, 7)]);
    assert!(!targets.contains(&FAR_VTEP));
}

#[test]
fn resolved_entries_refresh_at_240_s_and_expire_at_300_s() {
    let mut r = Rig::new();
    r.tick(0.0, &[PEER_VTEP]);
    let reply = arp_reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP);
    r.handle(UNDERLAY, &reply, 0.5);
    assert!(r.p.take_neighbors_changed());
    let asks = |out: &Out| {
        arp_of(out)
            .iter()
            .filter(|a| a.4.target_ip == PEER_VTEP)
            .count()
    };
    let mut t = 1.0;
    let mut refresh = Vec::new();
    while t < 300.0 {
        if asks(&r.tick(t, &[PEER_VTEP])) > 0 {
            refresh.push(t);
        }
        t += 1.0;
    }
    // From 240.5 s: 241, 242, 243, 244 (fast), then 254, 264, ...
    assert_eq!(&refresh[..5], &[241.0, 242.0, 243.0, 244.0, 254.0]);
    let s = show_arp(&r.p, r.at(250.0), false);
    assert!(s.contains("stale"), "{s}");
    // Old MAC still used until expiry.
    assert!(r.p.neighbors().contains(&(PEER_VTEP, PEER_MAC)));
    assert!(!r.p.take_neighbors_changed());
    r.tick(300.5, &[PEER_VTEP]);
    assert!(!r.p.neighbors().iter().any(|(ip, _)| *ip == PEER_VTEP));
    assert!(r.p.take_neighbors_changed());
    // A reply during refresh keeps it: resolve again and confirm at 250.
    r.handle(UNDERLAY, &reply, 301.0);
    r.tick(541.5, &[PEER_VTEP]);
    r.handle(UNDERLAY, &reply, 542.0);
    r.tick(700.0, &[PEER_VTEP]);
    assert!(r.p.neighbors().contains(&(PEER_VTEP, PEER_MAC)));
    // A learned but unneeded entry expires quietly, without requests.
    let mut r = Rig::new();
    r.handle(
        UNDERLAY,
        &arp_request(CORE_MAC, Ipv4Addr::new(192, 168, 24, 50), VTEP_IP, None),
        0.0,
    );
    assert_eq!(asks(&r.tick(250.0, &[])), 0);
    r.tick(301.0, &[]);
    assert!(!r.p.neighbors().iter().any(|(ip, _)| ip.octets()[3] == 50));
}

#[test]
fn static_arp_entries_are_neighbors_and_never_expire() {
    let mut r = Rig::new();
    assert!(r.p.neighbors().contains(&(STATIC_NH, STATIC_NH_MAC)));
    // Never asked for even when needed, never overwritten.
    let out = r.tick(0.0, &[STATIC_NH]);
    assert!(arp_of(&out).iter().all(|a| a.4.target_ip != STATIC_NH));
    let lie = arp_reply(PEER_MAC, STATIC_NH, port_mac(UNDERLAY), VTEP_IP);
    r.handle(UNDERLAY, &lie, 1.0);
    r.tick(100_000.0, &[STATIC_NH]);
    assert!(r.p.neighbors().contains(&(STATIC_NH, STATIC_NH_MAC)));
    let s = show_arp(&r.p, r.at(1.0), false);
    assert!(s.contains("static") && s.contains("et-2/0/0.0"), "{s}");
}

#[test]
fn arp_table_is_bounded() {
    let mut r = Rig::with(
        &CONFIG
            .replace("192.168.24.4/24", "192.168.24.4/8")
            .replace("192.168.24.9", "192.0.0.9"),
    );
    for i in 0..(ARP_TABLE_MAX as u32 + 100) {
        let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(192, 1, 0, 0)) + i);
        let req = arp_request(
            Mac([0, 1, 2, 3, 4, 5]),
            ip,
            Ipv4Addr::new(192, 168, 24, 4),
            None,
        );
        r.handle(UNDERLAY, &req, 0.0);
    }
    assert_eq!(r.p.arp.table.len(), ARP_TABLE_MAX);
    assert_eq!(r.ignored("arp-table-full"), 100);
    // A needed next hop still gets a slot once old entries are unwanted.
    r.tick(100.0, &[PEER_VTEP]);
    assert!(r.p.arp.table.contains_key(&PEER_VTEP));
}
