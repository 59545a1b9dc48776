//! Orderly shutdown under load: a storm of each kind of punted frame is
//! replayed without end into a trunk (net_pcap with infinite_rx), then
//! SIGTERM. The punt rings are full when the workers stop; every mbuf in
//! them must be back in the pool before the pool goes, and vtep exits 0.

mod common;
use common::*;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

const ROUTER: [u8; 6] = [0x02, 0xaa, 0, 0, 0, 1];
const IRB100: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);

const CONFIG: &str = r#"
[vtep]
source-interface = "ul"
router-mac = "02:aa:00:00:00:01"
[interfaces.ul]
device = "net_null0"
address = "192.168.24.4/24"
mtu = 9216
[interfaces.trk]
device = "net_pcap0"
interface-mode = "trunk"
vlan-members = ["v100"]
mtu = 9000
[interfaces."irb.100"]
address = "100.1.1.1/24"
[vlans.v100]
vlan-id = 100
l3-interface = "irb.100"
"#;

/// Host `i` of the storm: a MAC and an address in irb.100's subnet.
fn host(i: usize) -> ([u8; 6], Ipv4Addr) {
    (
        [0x00, 0x50, 0x56, 0x10, (i >> 8) as u8, i as u8],
        Ipv4Addr::new(100, 1, 1 + (i / 250) as u8, 2 + (i % 250) as u8),
    )
}

/// Replays `frames` forever into the trunk, lets the punt rings fill,
/// then stops vtep and checks that it exits clean. Prints the rates.
fn storm_then_sigterm(tag: &str, frames: Vec<Vec<u8>>) {
    let dir = TempDir::new(&format!("storm-{tag}"));
    let cfg = dir.path("vtep.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let rx = dir.path("rx.pcap");
    pcap::write(&rx, &frames);
    let mut eal = eal_base();
    eal.extend([
        "--vdev".to_string(),
        "net_null0,no-rx=1".to_string(),
        "--vdev".to_string(),
        format!("net_pcap0,rx_pcap={},infinite_rx=1", rx.display()),
    ]);
    let c = cfg.display().to_string();
    let v = Vtep::start(&eal, &["--config", &c], &dir.path("s"));
    let t = Instant::now();
    let (offered, handled) = loop {
        let i = v.json("show interfaces");
        let full = i["drops"]["punt-queue-full"].as_u64().unwrap_or(0);
        let handled = i["punted"].as_u64().unwrap_or(0);
        if full > 0 && t.elapsed() >= Duration::from_secs(1) {
            break (full + handled, handled);
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{tag}: the punt ring never filled: {i:#}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{tag} storm: {:.0} punts/s offered, {:.0} handled",
        offered as f64 / secs,
        handled as f64 / secs
    );
    let end = v.stop();
    assert_clean_exit(&end);
}

#[test]
fn arp_storm_at_an_irb_then_sigterm_exits_clean() {
    let frames = (0..1024)
        .map(|i| {
            let (mac, ip) = host(i);
            Eth::new(BROADCAST, mac)
                .vlan(100)
                .arp(&Arp::request(mac, ip, IRB100))
        })
        .collect();
    storm_then_sigterm("arp", frames);
}

#[test]
fn icmp_storm_at_own_addresses_then_sigterm_exits_clean() {
    let frames = (0..256)
        .map(|i| {
            let (mac, ip) = host(i);
            Eth::new(ROUTER, mac)
                .vlan(100)
                .ipv4(ip, IRB100)
                .icmp(&icmp::echo_request(0x4242, i as u16, &pattern(0, 56)))
        })
        .collect();
    storm_then_sigterm("icmp", frames);
}

#[test]
fn igmp_storm_from_hosts_then_sigterm_exits_clean() {
    let frames = (0..256)
        .map(|i| {
            let (mac, ip) = host(i);
            let group = Ipv4Addr::new(239, 9, 0, i as u8);
            Eth::new(ipv4_multicast_mac(group), mac)
                .vlan(100)
                .ipv4(ip, group)
                .ttl(1)
                .router_alert()
                .igmp(&igmp::v2_report(group))
        })
        .collect();
    // Reports to a group are flooded, not punted: only reports to our own
    // MAC reach the control thread.
    let mut frames: Vec<Vec<u8>> = frames;
    frames.extend((0..256).map(|i| {
        let (mac, ip) = host(i);
        Eth::new(ROUTER, mac)
            .vlan(100)
            .ipv4(ip, IRB100)
            .ttl(1)
            .router_alert()
            .igmp(&igmp::v2_report(Ipv4Addr::new(239, 9, 1, i as u8)))
    }));
    storm_then_sigterm("igmp", frames);
}

#[test]
fn lldp_storm_then_sigterm_exits_clean() {
    let frames = (0..256)
        .map(|i| {
            let (mac, _) = host(i);
            Eth::new(LLDP_MULTICAST, mac)
                .lldp()
                .chassis_mac(mac)
                .port_name("eth0")
                .ttl(120)
                .end()
                .build()
        })
        .collect();
    storm_then_sigterm("lldp", frames);
}

#[test]
fn storm_of_other_frames_to_our_mac_then_sigterm_exits_clean() {
    let frames = (0..256)
        .map(|i| tagged(&udp_frame(128, host(i).0, ROUTER, i as u8), 100))
        .collect();
    storm_then_sigterm("other", frames);
}
