//! An IRB's replies through the real binary: the control thread hands
//! them to the bridge as control input, so they leave by the dataplane's
//! own way: tagged on the trunk a host sits behind, encapsulated to the
//! remote VTEP of a host behind the tunnel.

mod common;
use common::*;
use std::net::Ipv4Addr;

const ROUTER: [u8; 6] = [0x02, 0xaa, 0, 0, 0, 1];
const VM: [u8; 6] = [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58];
const VM_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);
const IRB100: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);
const FAR_HOST: [u8; 6] = [0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31];
const FAR_HOST_IP: Ipv4Addr = Ipv4Addr::new(100, 10, 1, 4);
const IRB10: Ipv4Addr = Ipv4Addr::new(100, 10, 1, 1);
const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);
const PEER_MAC: [u8; 6] = [0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0];

const CONFIG: &str = r#"
[vtep]
source-interface = "ul"
router-mac = "02:aa:00:00:00:01"
[interfaces.ul]
device = "net_pcap0"
address = "192.168.24.4/24"
mtu = 9216
static-arp = [{ address = "192.168.24.5", mac = "4c:96:14:6b:bb:f0" }]
[interfaces.trk]
device = "net_pcap1"
interface-mode = "trunk"
vlan-members = ["v100", "v10"]
mtu = 9000
[interfaces."irb.100"]
address = "100.1.1.1/24"
[interfaces."irb.10"]
address = "100.10.1.1/24"
[vlans.v100]
vlan-id = 100
l3-interface = "irb.100"
[vlans.v10]
vlan-id = 10
l3-interface = "irb.10"
[vlans.v10.vxlan]
vni = 10
static-remote-vteps = ["192.168.24.5"]
"#;

/// Frames vtep sent on a port other than its LLDP, IGMP and underlay ARP.
fn sent(dir: &TempDir, port: usize) -> Vec<Vec<u8>> {
    pcap::read(&dir.path(&format!("tx{port}.pcap")), 10_000)
        .into_iter()
        .filter(|f| {
            let e = parse_eth(f);
            e.ethertype != ethertype::LLDP && !(port == 0 && e.ethertype == ethertype::ARP)
        })
        .collect()
}

#[test]
fn irb_replies_leave_tagged_on_the_trunk_and_encapsulated_to_the_vtep() {
    let dir = TempDir::new("irb");
    let cfg = dir.path("vtep.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    // From the tunnel: a host behind the peer pings irb.10 (after its ARP
    // request taught the table where it is).
    let echo = Eth::new(ROUTER, FAR_HOST)
        .ipv4(FAR_HOST_IP, IRB10)
        .ident(0x1234)
        .df()
        .icmp(&icmp::echo_request(0xbeef, 7, &pattern(0, 56)));
    let ask = Eth::new(BROADCAST, FAR_HOST).arp(&Arp::request(FAR_HOST, FAR_HOST_IP, IRB10));
    let rx0 = vec![
        vxlan_frame(PEER_IP, OUR_IP, [0x02, 0, 0, 0, 0, 0], 10, &ask),
        vxlan_frame(PEER_IP, OUR_IP, [0x02, 0, 0, 0, 0, 0], 10, &echo),
    ];
    // From the trunk: a VM asks for irb.100.
    let rx1 = vec![Eth::new(BROADCAST, VM)
        .vlan(100)
        .arp(&Arp::request(VM, VM_IP, IRB100))];
    let mut eal = eal_base();
    for (i, rx) in [rx0, rx1].iter().enumerate() {
        let r = dir.path(&format!("rx{i}.pcap"));
        pcap::write(&r, rx);
        eal.push("--vdev".into());
        eal.push(format!(
            "net_pcap{i},rx_pcap={},tx_pcap={}",
            r.display(),
            dir.path(&format!("tx{i}.pcap")).display()
        ));
    }
    let c = cfg.display().to_string();
    let v = Vtep::start(&eal, &["--config", &c], &dir.path("s"));
    // Both ARP replies and the echo reply are counted once they are sent.
    let t = std::time::Instant::now();
    loop {
        let a = v.json("show arp");
        if a["total-entries"].as_u64().unwrap_or(0) >= 3 {
            break;
        }
        assert!(t.elapsed().as_secs() < 30, "no IRB neighbours: {a}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_clean_exit(&v.stop());

    // The trunk: the ARP request flooded on to nobody (the VM's own
    // port), and the reply tagged 100 back to the VM.
    let trk = sent(&dir, 1);
    let replies: Vec<&Vec<u8>> = trk
        .iter()
        .filter(|f| parse_eth(f).ethertype == ethertype::ARP)
        .filter(|f| parse_arp(f).1.op == Arp::REPLY)
        .collect();
    assert_eq!(replies.len(), 1, "{trk:?}");
    let (eth, a) = parse_arp(replies[0]);
    assert_eq!((eth.dst, eth.src), (VM, ROUTER));
    assert_eq!(
        eth.tags.iter().map(|t| t.vid).collect::<Vec<_>>(),
        vec![100]
    );
    assert_eq!((a.sha, a.spa, a.tha, a.tpa), (ROUTER, IRB100, VM, VM_IP));

    // The underlay: the ARP and echo replies encapsulated to the peer in
    // VNI 10, no inner tag.
    let ul = sent(&dir, 0);
    let outers: Vec<Outer> = ul.iter().map(|f| parse_vxlan(f)).collect();
    assert!(outers
        .iter()
        .all(|o| (o.src_ip, o.dst_ip, o.vni, o.dst_mac) == (OUR_IP, PEER_IP, 10, PEER_MAC)));
    let arp_reply = outers
        .iter()
        .find(|o| parse_eth(&o.inner).ethertype == ethertype::ARP)
        .expect("the ARP reply to the far host");
    let (eth, a) = parse_arp(&arp_reply.inner);
    assert!(eth.tags.is_empty());
    assert_eq!((a.op, a.spa, a.tpa), (Arp::REPLY, IRB10, FAR_HOST_IP));
    let echo_reply = outers
        .iter()
        .find(|o| parse_eth(&o.inner).ethertype == ethertype::IPV4)
        .expect("the echo reply to the far host");
    let eth = parse_eth(&echo_reply.inner);
    assert_eq!((eth.dst, eth.src), (FAR_HOST, ROUTER));
    let ip = parse_ipv4(eth.payload);
    assert!(ip.checksum_ok);
    assert_eq!(
        (ip.src, ip.dst, ip.protocol),
        (IRB10, FAR_HOST_IP, ip_proto::ICMP)
    );
    assert_eq!(ip.payload[0], 0, "echo reply");
    assert_eq!(internet_checksum(ip.payload), 0);
}
