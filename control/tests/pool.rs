//! Mempool exhaustion: a pool barely larger than the rings, a flood and a
//! punt storm replayed without end. Frames keep flowing, what found no
//! mbuf is counted, nothing crashes, and every mbuf is back at the end.
//! And the control thread's sends that fail are counted, by reason.

mod common;
use common::*;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

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
[vlans.v100.vxlan]
vni = 100
multicast-group = "239.1.1.100"
"#;

fn start(tag: &str, frames: &[Vec<u8>], extra_eal: &str, opts: &[&str]) -> (TempDir, Vtep) {
    let dir = TempDir::new(tag);
    let cfg = dir.path("vtep.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let rx = dir.path("rx.pcap");
    pcap::write(&rx, frames);
    let mut eal = eal_base();
    eal.extend([
        "--vdev".to_string(),
        "net_null0,no-rx=1".to_string(),
        "--vdev".to_string(),
        format!("net_pcap0,rx_pcap={}{extra_eal}", rx.display()),
    ]);
    let c = cfg.display().to_string();
    let mut o = vec!["--config", c.as_str()];
    o.extend_from_slice(opts);
    let v = Vtep::start(&eal, &o, &dir.path("s"));
    (dir, v)
}

/// Frames the underlay port sent (the flood, encapsulated).
fn underlay_tx(v: &Vtep) -> u64 {
    v.json("show port stats all")["ports"][0]["sw"]["tx-packets"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_pool_barely_larger_than_the_rings_keeps_forwarding_and_counts_no_mbuf() {
    // Broadcasts flooded into the tunnel (a copy each) and ARP requests
    // for the IRB (punted, a copy each: the punt ring alone can hold as
    // many mbufs as the pool has).
    let mut frames = Vec::new();
    for i in 0..256usize {
        let mac = [0x00, 0x50, 0x56, 0x30, (i >> 8) as u8, i as u8];
        let ip = Ipv4Addr::new(100, 1, 1, 2 + (i % 250) as u8);
        frames.push(tagged(&udp_frame(128, mac, BROADCAST, i as u8), 100));
        frames.push(Eth::new(BROADCAST, mac).vlan(100).arp(&Arp::request(
            mac,
            ip,
            Ipv4Addr::new(100, 1, 1, 1),
        )));
    }
    let (_dir, v) = start(
        "small-pool",
        &frames,
        ",infinite_rx=1",
        &["--total-num-mbufs", "1024", "--rxd", "256", "--txd", "256"],
    );
    let t = Instant::now();
    let no_mbuf = |v: &Vtep| {
        let i = v.json("show interfaces");
        let hw = v.json("show port stats all")["ports"][1]["hw"]["rx-nombuf"]
            .as_u64()
            .unwrap_or(0);
        i["drops"]["no-mbuf"].as_u64().unwrap_or(0) + hw
    };
    while no_mbuf(&v) == 0 {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the pool never ran dry: {:#}",
            v.json("show interfaces")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let a = underlay_tx(&v);
    std::thread::sleep(Duration::from_millis(500));
    let b = underlay_tx(&v);
    println!(
        "small pool: {:.0} frames/s into the tunnel, {} found no mbuf",
        (b - a) as f64 * 2.0,
        no_mbuf(&v)
    );
    assert!(b > a, "forwarding stopped with the pool dry ({a} -> {b})");
    assert_eq!(v.ctl("show ethernet-switching table").0, 0, "still answers");
    assert_clean_exit(&v.stop());
}

#[test]
fn a_reply_too_big_for_an_mbuf_is_counted_as_a_failed_send() {
    // A 4000-byte ping of irb.100 arrives as a chain of 2 KiB mbufs; its
    // reply does not fit the one mbuf the control thread sends from.
    let host = [0x00, 0x50, 0x56, 0x31, 0, 1];
    let ping = Eth::new([0x02, 0xaa, 0, 0, 0, 1], host)
        .vlan(100)
        .ipv4(Ipv4Addr::new(100, 1, 1, 9), Ipv4Addr::new(100, 1, 1, 1))
        .icmp(&icmp::echo_request(7, 1, &pattern(1, 4000)));
    let (_dir, v) = start(
        "too-big-reply",
        &[ping],
        "",
        &[
            "--mbuf-size",
            "2176",
            "--enable-scatter",
            "--max-pkt-len",
            "9000",
        ],
    );
    let t = Instant::now();
    loop {
        let i = v.json("show interfaces");
        if i["control-send-failed"]["frame-too-big"] == 1 {
            assert_eq!(i["control-send-failed"]["no-mbuf"], 0, "{i:#}");
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "not counted: {i:#}");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_clean_exit(&v.stop());
}
