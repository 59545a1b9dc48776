use super::*;
use crate::protocols::testrig::*;

#[test]
fn lldp_is_sent_on_every_port_at_start_then_every_30_s() {
    let mut r = Rig::new();
    let sent = lldp_of(&r.tick(0.0, &[]));
    assert_eq!(
        sent.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        vec![UNDERLAY, TRUNK, ACCESS]
    );
    let (_, n) = &sent[0];
    assert_eq!(n.chassis_id, "02:00:00:00:00:10");
    assert_eq!(n.port_id, "et-2/0/0");
    assert_eq!(n.port_desc.as_deref(), Some("TO-CORE1"));
    assert_eq!(n.system_name.as_deref(), Some("EX9200-1"));
    assert_eq!(n.ttl, 120);
    assert_eq!(
        sent[2].1.port_desc.as_deref(),
        Some("ge-7/0/0"),
        "no description: the name"
    );
    let frame = &r.tick(0.0, &[]);
    assert!(lldp_of(frame).is_empty());
    assert!(lldp_of(&r.tick(29.0, &[])).is_empty());
    assert_eq!(lldp_of(&r.tick(30.0, &[])).len(), 3);
    assert_eq!(lldp_of(&r.tick(60.0, &[])).len(), 3);
    assert_eq!(r.counter("lldp-sent"), 9);
}

#[test]
fn lldp_neighbors_are_recorded_shown_and_expire() {
    let mut r = Rig::new();
    let n1 = lldp_frame(
        PEER_MAC,
        Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]),
        "et-2/0/0",
        "TO-QFX5100-48S-5",
        "EX9200-2",
        120,
    );
    let n2 = lldp_frame(VM_MAC, VM_MAC, "eth1", "", "South-VM", 60);
    assert!(r.handle(TRUNK, &n1, 0.0).is_empty());
    r.handle(ACCESS, &n2, 0.0);
    // Our own LLDP looped back is not a neighbor.
    let own = lldp_frame(
        port_mac(TRUNK),
        port_mac(TRUNK),
        "et-2/2/1",
        "",
        "EX9200-1",
        120,
    );
    r.handle(ACCESS, &own, 0.0);
    assert_eq!(r.ignored("lldp-own"), 1);
    assert_eq!(r.counter("lldp-received"), 2);
    let s = show_lldp(&r.p, r.at(10.0), false);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines,
        vec![
            "Local Interface    Parent Interface    Chassis Id          Port info          System Name",
            "et-2/2/1           -                   4c:96:14:6b:bb:c0   TO-QFX5100-48S-5   EX9200-2",
            "ge-7/0/0           -                   00:50:56:b9:55:58   eth1               South-VM",
        ]
    );
    let j: Value = serde_json::from_str(&show_lldp(&r.p, r.at(10.0), true)).unwrap();
    assert_eq!(j["lldp-neighbors"][1]["system-name"], "South-VM");
    // After its TTL the second one is gone.
    r.tick(61.0, &[]);
    let s = show_lldp(&r.p, r.at(61.0), false);
    assert!(s.contains("EX9200-2") && !s.contains("South-VM"), "{s}");
    r.tick(121.0, &[]);
    assert_eq!(show_lldp(&r.p, r.at(121.0), false).lines().count(), 1);
    // A refresh extends it; TTL 0 removes it.
    r.handle(TRUNK, &n1, 200.0);
    assert_eq!(show_lldp(&r.p, r.at(300.0), false).lines().count(), 2);
    let bye = lldp_frame(
        PEER_MAC,
        Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]),
        "et-2/0/0",
        "",
        "",
        0,
    );
    r.handle(TRUNK, &bye, 301.0);
    assert_eq!(show_lldp(&r.p, r.at(301.0), false).lines().count(), 1);
}

#[test]
fn lldp_neighbors_are_bounded() {
    let mut r = Rig::new();
    for i in 0..100u8 {
        let f = lldp_frame(
            Mac([0, 0, 0, 0, 1, i]),
            Mac([0, 0, 0, 0, 1, i]),
            "p",
            "",
            "",
            120,
        );
        r.handle(TRUNK, &f, 0.0);
    }
    assert_eq!(r.p.lldp.neighbors.len(), LLDP_MAX_PER_PORT);
    assert_eq!(r.ignored("lldp-table-full"), 100 - LLDP_MAX_PER_PORT as u64);
}
