//! The VXLAN gateway through the real binary on net_pcap ports: access →
//! VXLAN (unicast and group), VXLAN → access, inner-VLAN options, flooding,
//! MAC moves, jumbo frames and the underlay-MTU caveat.

mod common;
use common::*;
use std::net::Ipv4Addr;
use std::path::PathBuf;

const H1: [u8; 6] = [0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31];
const VM: [u8; 6] = [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58];
const REMOTE_STATIC: [u8; 6] = [0x00, 0x50, 0x56, 0xaa, 0x00, 0x01];
const REMOTE_MAC: [u8; 6] = [0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0];
const BCAST: [u8; 6] = [0xff; 6];
const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);

/// Ports in --vdev order: 0 underlay "ul", 1 access "acc" (v100),
/// 2 trunk "trk" (v100, v10).
struct Lab {
    dir: TempDir,
    eal: Vec<String>,
    cfg: PathBuf,
}

impl Lab {
    fn new(tag: &str, ul_mtu: u16, inner_vlan: bool, rx: [&[Vec<u8>]; 3]) -> Lab {
        let queues: [&[&[Vec<u8>]]; 3] = [&[rx[0]], &[rx[1]], &[rx[2]]];
        Self::with_queues(tag, ul_mtu, inner_vlan, queues, eal_base())
    }

    /// Ports with several RX/TX queues: `rx[port][queue]` are the frames
    /// queue `queue` of `port` receives; its TX queue q writes `tx{port}.{q}.pcap`
    /// (queue 0: `tx{port}.pcap`).
    fn with_queues(
        tag: &str,
        ul_mtu: u16,
        inner_vlan: bool,
        rx: [&[&[Vec<u8>]]; 3],
        mut eal: Vec<String>,
    ) -> Lab {
        let dir = TempDir::new(tag);
        let cfg = dir.path("vtep.toml");
        std::fs::write(
            &cfg,
            format!(
                r#"
[vtep]
source-interface = "ul"
[interfaces.ul]
device = "net_pcap0"
address = "192.168.24.4/24"
mtu = {ul_mtu}
static-arp = [{{ address = "192.168.24.5", mac = "4c:96:14:6b:bb:f0" }}]
[interfaces.acc]
device = "net_pcap1"
interface-mode = "access"
vlan-members = ["v100"]
mtu = 9000
[interfaces.trk]
device = "net_pcap2"
interface-mode = "trunk"
vlan-members = ["v100", "v10"]
mtu = 9000
[vlans.v100]
vlan-id = 100
[vlans.v100.vxlan]
vni = 100
multicast-group = "239.1.1.100"
encapsulate-inner-vlan = {inner_vlan}
decapsulate-accept-inner-vlan = {inner_vlan}
[vlans.v10]
vlan-id = 10
[vlans.v10.vxlan]
vni = 10
static-remote-vteps = ["192.168.24.5"]
[ethernet-switching]
static-mac = [{{ vlan = "v100", mac = "00:50:56:aa:00:01", remote-vtep = "192.168.24.5" }}]
"#
            ),
        )
        .unwrap();
        for (i, queues) in rx.iter().enumerate() {
            let mut dev = format!("net_pcap{i}");
            for (q, frames) in queues.iter().enumerate() {
                let sfx = if q == 0 {
                    String::new()
                } else {
                    format!(".{q}")
                };
                let r = dir.path(&format!("rx{i}{sfx}.pcap"));
                pcap::write(&r, frames);
                let t = dir.path(&format!("tx{i}{sfx}.pcap"));
                dev += &format!(",rx_pcap={},tx_pcap={}", r.display(), t.display());
            }
            eal.push("--vdev".into());
            eal.push(dev);
        }
        Lab { dir, eal, cfg }
    }

    fn start(&self) -> Vtep {
        let cfg = self.cfg.display().to_string();
        Vtep::start(
            &self.eal,
            &["--config", &cfg, "--max-pkt-len", "9216"],
            &self.dir.path("s"),
        )
    }

    /// Data frames vtep sent on a port: its own LLDP, IGMP and ARP left out.
    fn tx(&self, port: usize) -> Vec<Vec<u8>> {
        pcap::read(&self.dir.path(&format!("tx{port}.pcap")), 10_000)
            .into_iter()
            .filter(|f| !is_control_frame(f))
            .collect()
    }

    /// vtep's own control-plane frames on a port.
    fn control_frames(&self, port: usize) -> Vec<Vec<u8>> {
        pcap::read(&self.dir.path(&format!("tx{port}.pcap")), 10_000)
            .into_iter()
            .filter(|f| is_control_frame(f))
            .collect()
    }
}

fn is_control_frame(f: &[u8]) -> bool {
    let et = u16::from_be_bytes([f[12], f[13]]);
    et == 0x88cc || et == 0x0806 || (et == 0x0800 && f[23] == 2)
}

fn rx_packets(v: &Vtep) -> u64 {
    let s = v.json("show port stats all");
    (0..3)
        .map(|p| s["ports"][p]["sw"]["rx-packets"].as_u64().unwrap())
        .sum()
}

fn wait_rx(v: &Vtep, n: u64) {
    let t = std::time::Instant::now();
    while rx_packets(v) < n {
        assert!(
            t.elapsed().as_secs() < 30,
            "only {} of {n} frames received",
            rx_packets(v)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
}

fn vlan<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["vlans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap()
}

#[test]
fn access_to_vxlan_unicast_and_group_with_inner_vlan_kept() {
    let to_remote = udp_frame(200, H1, REMOTE_STATIC, 1);
    // Flood copies of small frames are copied, of bigger ones chained to
    // the shared payload (dpdk::COPY_BREAK): both must come out whole.
    let bcast = udp_frame(100, H1, BCAST, 2);
    let bcast_big = udp_frame(1000, H1, BCAST, 3);
    let lab = Lab::new(
        "encap",
        9216,
        true,
        [
            &[],
            &[to_remote.clone(), bcast.clone(), bcast_big.clone()],
            &[],
        ],
    );
    let v = lab.start();
    wait_rx(&v, 3);
    let vl = v.json("show vlans");
    assert_eq!(vlan(&vl, "v100")["encap"], 3, "{vl:#}");
    assert_eq!(vlan(&vl, "v100")["flood"], 2);
    assert_clean_exit(&v.stop());

    let ul = lab.tx(0);
    assert_eq!(ul.len(), 3, "underlay frames");
    // Unicast to the static remote MAC: to the VTEP, its ARP'd MAC.
    let u = parse_vxlan(&ul[0]);
    assert_eq!(
        (u.dst_mac, u.dst_ip, u.src_ip, u.vni, u.ttl),
        (REMOTE_MAC, PEER_IP, OUR_IP, 100, 64)
    );
    assert_eq!(
        u.inner,
        tagged(&to_remote, 100),
        "inner frame keeps (gets) the VLAN 100 tag"
    );
    // Broadcast: one copy to the group's multicast MAC.
    let g = parse_vxlan(&ul[1]);
    assert_eq!(
        (g.dst_mac, g.dst_ip, g.vni),
        ([0x01, 0x00, 0x5e, 0x01, 0x01, 0x64], GROUP, 100)
    );
    assert_eq!(g.inner, tagged(&bcast, 100));
    let g = parse_vxlan(&ul[2]);
    assert_eq!((g.dst_ip, g.vni), (GROUP, 100));
    assert_eq!(g.inner, tagged(&bcast_big, 100));
    // And flooded to the trunk, tagged; never back to the access port.
    assert_eq!(
        lab.tx(2),
        vec![tagged(&bcast, 100), tagged(&bcast_big, 100)]
    );
    assert!(lab.tx(1).is_empty(), "flooded back to its ingress port");
    // The control thread joined the group (IGMPv3, twice) and left it on
    // shutdown, on the underlay only; LLDP went out on every port.
    let igmp: Vec<Vec<u8>> = lab
        .control_frames(0)
        .into_iter()
        .filter(|f| f[12..14] == [8, 0])
        .collect();
    assert!(igmp.len() >= 2, "a join and a leave: {}", igmp.len());
    assert!(
        igmp.iter()
            .all(|f| f[30..34] == [224, 0, 0, 22] && f[22] == 1),
        "IGMPv3 to 224.0.0.22, TTL 1"
    );
    // Record type (after the 24-byte IP header with Router Alert): 4 =
    // CHANGE_TO_EXCLUDE (join) first, 3 = CHANGE_TO_INCLUDE (leave) last.
    assert_eq!(igmp[0][46], 4, "join");
    assert_eq!(igmp[igmp.len() - 1][46], 3, "leave");
    for p in 0..3 {
        assert!(
            lab.control_frames(p)
                .iter()
                .any(|f| f[12..14] == [0x88, 0xcc]),
            "LLDP on port {p}"
        );
    }
    assert!(
        !lab.control_frames(1).iter().any(|f| f[12..14] == [8, 0]),
        "IGMP only on the underlay"
    );
}

#[test]
fn encap_strips_the_tag_without_encapsulate_inner_vlan() {
    let from_trunk = tagged(&udp_frame(300, H1, REMOTE_STATIC, 3), 100);
    let lab = Lab::new(
        "encap-noinner",
        9216,
        false,
        [&[], &[], std::slice::from_ref(&from_trunk)],
    );
    let v = lab.start();
    wait_rx(&v, 1);
    assert_clean_exit(&v.stop());
    let ul = lab.tx(0);
    assert_eq!(ul.len(), 1);
    assert_eq!(
        parse_vxlan(&ul[0]).inner,
        udp_frame(300, H1, REMOTE_STATIC, 3),
        "inner tag removed"
    );
}

#[test]
fn vxlan_to_access_learns_the_remote_vtep() {
    let inner_bcast = udp_frame(120, VM, BCAST, 4);
    let inner_uc = udp_frame(140, VM, H1, 5);
    let h1_hello = udp_frame(100, H1, REMOTE_STATIC, 6);
    // ul is polled first: the remote frames arrive before H1 is known.
    let rx_ul = vec![
        vxlan_frame(
            PEER_IP,
            OUR_IP,
            [2, 0, 0, 0, 0, 0],
            100,
            &tagged(&inner_bcast, 100),
        ),
        vxlan_frame(
            PEER_IP,
            GROUP,
            [0x01, 0x00, 0x5e, 0x01, 0x01, 0x64],
            100,
            &tagged(&inner_uc, 100),
        ),
    ];
    let lab = Lab::new("decap", 9216, true, [&rx_ul, &[h1_hello], &[]]);
    let v = lab.start();
    wait_rx(&v, 3);
    let t = v.json("show ethernet-switching table");
    let vm = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["mac"] == "00:50:56:b9:55:58")
        .expect("VM learned");
    assert_eq!(vm["interface"], "vtep.32769");
    assert_eq!(vm["remote-vtep"], "192.168.24.5");
    assert_eq!(vm["flags"], "D");
    let h1 = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["mac"] == "00:50:56:6f:2c:31")
        .expect("H1 learned");
    assert_eq!(h1["interface"], "acc.0");
    let (_, text, _) = v.ctl("show ethernet-switching table vlan-id 100");
    assert!(
        text.contains("vtep.32769") && text.contains("00:50:56:b9:55:58"),
        "{text}"
    );
    let (_, rem, _) = v.ctl("show ethernet-switching vxlan-tunnel-end-point remote");
    assert!(
        rem.contains("192.168.24.5") && rem.contains("vtep.32769"),
        "{rem}"
    );
    assert_clean_exit(&v.stop());
    // Both decapsulated frames flood locally (H1 unknown then), untagged
    // on the access port, tagged on the trunk; nothing back to the tunnel
    // except H1's own frame to the static remote.
    assert_eq!(lab.tx(1), vec![inner_bcast.clone(), inner_uc.clone()]);
    assert_eq!(
        lab.tx(2),
        vec![tagged(&inner_bcast, 100), tagged(&inner_uc, 100)]
    );
    let ul = lab.tx(0);
    assert_eq!(
        ul.len(),
        1,
        "split horizon: decapsulated frames never go back"
    );
    assert_eq!(parse_vxlan(&ul[0]).dst_ip, PEER_IP);
}

#[test]
fn two_workers_poll_one_queue_each_of_the_underlay() {
    // As RSS would on a NIC: the underlay's queue 0 and 1 carry different
    // tunnel frames; worker k polls queue k of every port and sends on its
    // own TX queue k, so each decapsulated frame leaves on the access
    // port's queue of the worker that received it.
    let a = udp_frame(200, VM, H1, 7);
    let b = udp_frame(300, VM, H1, 8);
    let enc = |f: &[u8]| vxlan_frame(PEER_IP, OUR_IP, [2, 0, 0, 0, 0, 0], 100, &tagged(f, 100));
    let (q0, q1) = (vec![enc(&a)], vec![enc(&b)]);
    let none: &[Vec<u8>] = &[];
    let mut eal = eal_base();
    // Three lcores on however many CPUs there are: main, worker 0, worker 1.
    let l = eal.iter().position(|a| a == "-l").unwrap();
    eal[l] = "--lcores".into();
    eal[l + 1] = "0@0,1@0,2@0".into();
    let lab = Lab::with_queues(
        "rss",
        9216,
        true,
        [&[&q0, &q1], &[none, none], &[none, none]],
        eal,
    );
    let cfg = lab.cfg.display().to_string();
    let v = Vtep::start(
        &lab.eal,
        &[
            "--config",
            &cfg,
            "--max-pkt-len",
            "9216",
            "--nb-cores",
            "2",
            "--rxq",
            "2",
            "--txq",
            "2",
        ],
        &lab.dir.path("s"),
    );
    let out = v.stdout();
    assert!(
        out.contains("worker 0 on lcore 1: rx/queue->tx/queue 0/0->1/0 1/0->0/0 2/0->2/0"),
        "{out}"
    );
    assert!(
        out.contains("worker 1 on lcore 2: rx/queue->tx/queue 0/1->1/1 1/1->0/1 2/1->2/1"),
        "{out}"
    );
    wait_rx(&v, 2);
    let vl = v.json("show vlans");
    assert_eq!(vlan(&vl, "v100")["decap"], 2, "{vl:#}");
    assert_clean_exit(&v.stop());
    let data = |name: &str| -> Vec<Vec<u8>> {
        pcap::read(&lab.dir.path(name), 100)
            .into_iter()
            .filter(|f| !is_control_frame(f))
            .collect()
    };
    assert_eq!(data("tx1.pcap"), vec![a], "worker 0's access TX queue");
    assert_eq!(data("tx1.1.pcap"), vec![b], "worker 1's access TX queue");
}

#[test]
fn tagged_inner_frames_are_dropped_without_decapsulate_accept_inner_vlan() {
    let inner = udp_frame(120, VM, BCAST, 7);
    let rx_ul = vec![
        vxlan_frame(
            PEER_IP,
            OUR_IP,
            [2, 0, 0, 0, 0, 0],
            100,
            &tagged(&inner, 100),
        ),
        vxlan_frame(PEER_IP, OUR_IP, [2, 0, 0, 0, 0, 0], 100, &inner),
        vxlan_frame(PEER_IP, OUR_IP, [2, 0, 0, 0, 0, 0], 4242, &inner),
    ];
    let lab = Lab::new("decap-noinner", 9216, false, [&rx_ul, &[], &[]]);
    let v = lab.start();
    wait_rx(&v, 3);
    let i = v.json("show interfaces");
    assert_eq!(i["drops"]["vxlan-inner-vlan"], 1, "{i:#}");
    assert_eq!(i["drops"]["vxlan-unknown-vni"], 1);
    assert_clean_exit(&v.stop());
    assert_eq!(
        lab.tx(1),
        vec![inner.clone()],
        "only the untagged inner frame passes"
    );
}

#[test]
fn vmotion_rarp_moves_the_mac_on_the_first_frame() {
    // The VM first sits behind the remote VTEP, then announces itself on
    // the access port with ESXi's RARP.
    let rarp = Eth::new(BCAST, VM).rarp(&Arp::rarp_request(VM));
    let rx_ul = vec![vxlan_frame(
        PEER_IP,
        OUR_IP,
        [2, 0, 0, 0, 0, 0],
        100,
        &tagged(&udp_frame(100, VM, H1, 8), 100),
    )];
    let lab = Lab::new(
        "move",
        9216,
        true,
        [&rx_ul, std::slice::from_ref(&rarp), &[]],
    );
    let v = lab.start();
    wait_rx(&v, 2);
    let t = v.json("show ethernet-switching table vlan-id 100");
    let vm = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["mac"] == "00:50:56:b9:55:58")
        .expect("VM");
    assert_eq!(vm["interface"], "acc.0", "moved to the access port");
    let vl = v.json("show vlans");
    assert_eq!(vlan(&vl, "v100")["moved"], 1);
    assert_eq!(vlan(&vl, "v100")["learned"], 1);
    assert_clean_exit(&v.stop());
    // The RARP crossed the tunnel to the group: the far side relearns too.
    let ul = lab.tx(0);
    assert_eq!(ul.len(), 1);
    let g = parse_vxlan(&ul[0]);
    assert_eq!(g.dst_ip, GROUP);
    assert_eq!(g.inner, tagged(&rarp, 100));
}

#[test]
fn jumbo_9014_byte_frames_become_9064_byte_vxlan_frames() {
    let jumbo = udp_frame(9014, H1, REMOTE_STATIC, 9);
    let lab = Lab::new(
        "jumbo",
        9216,
        false,
        [&[], &[jumbo.clone(), jumbo.clone()], &[]],
    );
    let v = lab.start();
    wait_rx(&v, 2);
    assert_clean_exit(&v.stop());
    let ul = lab.tx(0);
    assert_eq!(ul.len(), 2);
    for f in &ul {
        assert_eq!(f.len(), 9064);
        assert_eq!(u16::from_be_bytes([f[16], f[17]]), 9050, "outer IP length");
        assert_eq!(parse_vxlan(f).inner, jumbo);
    }
}

#[test]
fn too_big_for_a_1500_underlay_is_dropped_counted_and_reported() {
    let jumbo = udp_frame(9014, H1, REMOTE_STATIC, 10);
    let small = udp_frame(1000, H1, REMOTE_STATIC, 11);
    let lab = Lab::new(
        "toobig",
        1500,
        false,
        [&[], &[jumbo.clone(), small.clone(), jumbo], &[]],
    );
    let v = lab.start();
    wait_rx(&v, 3);
    let i = v.json("show interfaces");
    assert_eq!(i["drops"]["too-big"], 2, "{i:#}");
    // The warning comes from the control thread within a second or two.
    let t = std::time::Instant::now();
    while !v.stderr().contains("dropped 9014-byte frames") {
        assert!(
            t.elapsed().as_secs() < 10,
            "no too-big warning: {}",
            v.stderr()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let res = v.stop();
    assert_clean_exit(&res);
    // Said at start from the config, and again from the traffic.
    assert!(res.2.contains("interfaces.ul.mtu: 1500 is too small to carry 9000-byte frames from acc over VXLAN; the underlay needs mtu 9050 or more"), "{}", res.2);
    assert!(res.2.contains("dropped 9014-byte frames as too big for the underlay ul (mtu 1500): it needs mtu 9050 or more"), "{}", res.2);
    let ul = lab.tx(0);
    assert_eq!(ul.len(), 1, "the small frame still goes");
    assert_eq!(parse_vxlan(&ul[0]).inner, small);
}

/// Live changes while traffic flows: a VLAN appears and goes, unrelated
/// traffic keeps flowing, bad changes change nothing.
#[test]
fn live_set_and_delete_vlans_while_traffic_flows() {
    let dir = TempDir::new("live");
    let cfg = dir.path("vtep.toml");
    std::fs::write(
        &cfg,
        r#"
[vtep]
source-interface = "ul"
[interfaces.ul]
device = "net_null0"
address = "192.168.24.4/24"
mtu = 9216
[interfaces.trk]
device = "net_pcap0"
interface-mode = "trunk"
vlan-members = ["all"]
mtu = 9000
[vlans.v100]
vlan-id = 100
[vlans.v100.vxlan]
vni = 100
multicast-group = "239.1.1.100"
"#,
    )
    .unwrap();
    let rx = dir.path("rx.pcap");
    pcap::write(
        &rx,
        &[
            tagged(&udp_frame(100, H1, BCAST, 1), 100),
            tagged(&udp_frame(100, VM, BCAST, 2), 200),
        ],
    );
    let mut eal = eal_base();
    eal.extend([
        "--vdev".to_string(),
        "net_null0,no-rx=1".to_string(),
        "--vdev".to_string(),
        format!("net_pcap0,rx_pcap={},infinite_rx=1", rx.display()),
    ]);
    let c = cfg.display().to_string();
    let v = Vtep::start(&eal, &["--config", &c, "--burst", "8"], &dir.path("s"));
    let encap = |v: &Vtep, name: &str| -> Option<u64> {
        let j = v.json("show vlans");
        j["vlans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == name)
            .map(|x| x["encap"].as_u64().unwrap())
    };
    let not_member = |v: &Vtep| {
        v.json("show interfaces")["drops"]["vlan-not-member"]
            .as_u64()
            .unwrap()
    };
    let pause = || std::thread::sleep(std::time::Duration::from_millis(300));
    pause();
    let (a100, nm) = (encap(&v, "v100").unwrap(), not_member(&v));
    assert!(
        a100 > 0 && nm > 0,
        "v100 forwards, VLAN 200 is dropped before it exists"
    );
    assert_eq!(encap(&v, "v200"), None);

    let (rc, out, err) =
        v.ctl("set vlans v200 vlan-id 200 vxlan vni 200 multicast-group 239.1.1.200");
    assert_eq!(rc, 0, "{err}");
    assert_eq!(out.trim(), "vlan v200 set");
    pause();
    let b200 = encap(&v, "v200").expect("v200 exists");
    assert!(b200 > 0, "VLAN 200 forwards after set");
    let b100 = encap(&v, "v100").unwrap();
    assert!(b100 > a100, "v100 kept forwarding");
    let nm2 = not_member(&v);
    pause();
    assert!(
        not_member(&v) - nm2 < 64,
        "VLAN 200 frames still dropped after the change"
    );

    // A change that breaks validation: one line, nothing changes.
    let (rc, _, err) = v.ctl("set vlans v300 vlan-id 100 vxlan vni 300 multicast-group 239.1.1.3");
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        "error: vlans.v300.vlan-id: 100 is already used by vlans.v100"
    );
    assert!(encap(&v, "v300").is_none());
    let (rc, _, err) = v.ctl("set vlans v300 vlan-id 300 vxlan vni 300 multicast-group 10.0.0.1");
    assert_eq!(rc, 1, "{err}");
    assert!(err.contains("is not an IPv4 multicast address"), "{err}");

    let (rc, out, _) = v.ctl("delete vlans v200");
    assert_eq!((rc, out.trim()), (0, "vlan v200 deleted"));
    pause();
    assert!(encap(&v, "v200").is_none());
    let nm3 = not_member(&v);
    pause();
    assert!(not_member(&v) > nm3, "VLAN 200 dropped again after delete");
    let c100 = encap(&v, "v100").unwrap();
    pause();
    assert!(encap(&v, "v100").unwrap() > c100, "v100 still forwarding");

    // Static MACs and aging time.
    let (rc, _, err) = v.ctl("set ethernet-switching static-mac vlan v100 mac 00:50:56:aa:00:09 remote-vtep 192.168.24.9");
    assert_eq!(rc, 0, "{err}");
    let t = v.json("show ethernet-switching table vlan-id 100");
    assert!(
        t["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["mac"] == "00:50:56:aa:00:09" && e["flags"] == "S"),
        "{t:#}"
    );
    assert_eq!(
        v.ctl("delete ethernet-switching static-mac vlan v100 mac 00:50:56:aa:00:09")
            .0,
        0
    );
    let t = v.json("show ethernet-switching table vlan-id 100");
    assert!(!t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["mac"] == "00:50:56:aa:00:09"));
    assert_eq!(v.ctl("set ethernet-switching mac-table-aging-time 1").0, 0);
    let cfg = v.json("show config");
    assert_eq!(
        cfg["vtep-config"]["ethernet-switching"]["mac-table-aging-time"],
        1
    );
    // With traffic stopped, learned MACs age out within a couple of seconds.
    assert_eq!(v.ctl("stop").0, 0);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let t = v.json("show ethernet-switching table");
    assert_eq!(t["learned"], 0, "{t:#}");
    assert!(v.json("show vlans")["vlans"][0]["aged"].as_u64().unwrap() >= 1);
    assert_clean_exit(&v.stop());
}
