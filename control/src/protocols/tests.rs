use crate::protocols::testrig::*;

#[test]
fn plane_config_from_the_configuration() {
    let c = plane_config(CONFIG);
    let u = c.underlay.as_ref().unwrap();
    assert_eq!(
        (u.name.as_str(), u.ip, u.prefix, u.gateway),
        ("et-2/0/0", VTEP_IP, 24, Some(GATEWAY))
    );
    assert_eq!(c.igmp_version, 3);
    assert_eq!(c.groups(), vec![G10, G100]);
    assert_eq!(
        c.static_vteps(),
        vec![Ipv4Addr::new(10, 9, 9, 9), Ipv4Addr::new(192, 168, 24, 7)]
    );
    assert_eq!(c.static_arp, vec![(STATIC_NH, STATIC_NH_MAC)]);
    assert_eq!(c.system_name, "EX9200-1");
    assert_eq!(c.ports.len(), 3);
    assert_eq!(c.ports[1].description, "TO-QFX5100-48S-5");
    assert_eq!(c.vlans[0].irb.as_ref().unwrap().name, "irb.10");
    assert_eq!(c.vlans[1].irb.as_ref().unwrap().name, "irb.0");
    assert_eq!(plane_config(&with_igmp_v2(CONFIG)).igmp_version, 2);
    // Without system-name, the host name (read once, never empty).
    let c = plane_config(&CONFIG.replace("system-name = \"EX9200-1\"\n", ""));
    assert!(!c.system_name.is_empty());
}

#[test]
fn show_outputs_have_the_expected_rows_and_json_parses() {
    let mut r = Rig::new();
    r.tick(0.0, &[PEER_VTEP]);
    r.handle(
        UNDERLAY,
        &query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 100, true),
        3.0,
    );
    let reply = arp_reply(PEER_MAC, PEER_VTEP, port_mac(UNDERLAY), VTEP_IP);
    r.handle(UNDERLAY, &reply, 4.0);
    let now = r.at(10.0);
    let s = show_igmp(&r.p, now, false);
    assert!(s.contains("Interface: et-2/0/0.0, Version: 3"), "{s}");
    assert!(
        s.contains("Group: 239.1.1.10") && s.contains("Group: 239.1.1.100"),
        "{s}"
    );
    assert!(
        s.contains("Reports sent: 1") && s.contains("Last query: 7s ago"),
        "{s}"
    );
    assert!(s.contains("Joined: 10s ago"), "{s}");
    let j: Value = serde_json::from_str(&show_igmp(&r.p, now, true)).unwrap();
    assert_eq!(j["igmp-membership"][0]["group"], "239.1.1.10");
    assert_eq!(j["igmp-membership"][0]["version"], 3);
    let s = show_arp(&r.p, now, false);
    assert!(
        s.starts_with("MAC Address       Address         Interface"),
        "{s}"
    );
    assert!(
        s.lines().any(
            |l| l.starts_with("4c:96:14:6b:bb:f0 192.168.24.5    et-2/0/0.0")
                && l.contains("reachable")
                && l.ends_with("294")
        ),
        "{s}"
    );
    assert!(s.contains("Total entries: 4"), "{s}");
    let j: Value = serde_json::from_str(&show_arp(&r.p, now, true)).unwrap();
    assert_eq!(j["total-entries"], 4);
    assert!(j["arp-table"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["state"] == "incomplete" && e["ip-address"] == "192.168.24.1"));
    let j: Value = serde_json::from_str(&show_lldp(&r.p, now, true)).unwrap();
    assert!(j["lldp-neighbors"].as_array().unwrap().is_empty());
    let c = r.p.counters();
    assert_eq!(c["igmp-queries-seen"], 1);
    assert!(c["arp-requests-sent"].as_u64().unwrap() >= 2);
}

#[test]
fn junk_of_every_length_never_panics() {
    let mut r = Rig::new();
    r.learn(10, HOST_MAC, Dest::Vtep(u32::from(PEER_VTEP)));
    let valid: Vec<Vec<u8>> = vec![
        arp_request(CORE_MAC, GATEWAY, VTEP_IP, None),
        arp_request(HOST_MAC, HOST_IP, IRB10, Some(10)),
        echo_request(port_mac(UNDERLAY), CORE_MAC, None, GATEWAY, VTEP_IP, 100),
        echo_request(ROUTER_MAC, HOST_MAC, Some(10), HOST_IP, IRB10, 100),
        query(igmp::ALL_SYSTEMS, Ipv4Addr::UNSPECIFIED, 100, true),
        query(G10, G10, 10, false),
        lldp_frame(PEER_MAC, PEER_MAC, "x", "y", "z", 120),
    ];
    let mut seed: u32 = 1;
    let mut noise = || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as u8
    };
    for (k, f) in valid.iter().enumerate() {
        for n in 0..=f.len().min(200) {
            for port in [UNDERLAY, TRUNK, ACCESS, 99] {
                r.handle(port, &f[..n], k as f64);
            }
        }
        // Corrupt each byte of the header area in turn.
        for i in 0..f.len().min(80) {
            let mut g = f.clone();
            g[i] ^= noise() | 1;
            r.handle(UNDERLAY, &g, k as f64);
            r.handle(TRUNK, &g, k as f64);
        }
    }
    for n in 0..300 {
        let g: Vec<u8> = (0..n).map(|_| noise()).collect();
        r.handle(UNDERLAY, &g, 9.0);
        r.handle(ACCESS, &g, 9.0);
        // Plausible headers with random rest.
        for et in [[0x08, 0x00], [0x08, 0x06], [0x88, 0xcc], [0x81, 0x00]] {
            let mut h = vec![0xff; 12];
            h.extend_from_slice(&et);
            h.extend_from_slice(&g);
            r.handle(UNDERLAY, &h, 9.0);
            r.handle(TRUNK, &h, 9.0);
        }
    }
    r.tick(10.0, &[PEER_VTEP, FAR_VTEP]);
    let _ = show_arp(&r.p, r.at(10.0), false);
    let _ = show_lldp(&r.p, r.at(10.0), false);
    let _ = show_igmp(&r.p, r.at(10.0), false);
}
