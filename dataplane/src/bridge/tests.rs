//! Decisions, drops and every byte of the outer header, on `VecPacket`.

use super::*;
use crate::mactable::Entry;
use crate::VecPacket;
use wire::{ArpOp, ArpRepr, VxlanHeader};

const ROUTER: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]);
const UL_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);
const P1_MAC: Mac = Mac([0x02, 0, 0, 0, 0, 1]);
const GW_MAC: Mac = Mac([0x00, 0x00, 0x5e, 0x00, 0x01, 0x01]);
const PEER_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0xf2, 0xb6, 0xe0]);
const H1: Mac = Mac([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31]);
const H2: Mac = Mac([0x00, 0x50, 0x56, 0x69, 0x37, 0xdb]);
const NETAPP: Mac = Mac([0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc]);
const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
const GW_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 1);
const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);
const FAR_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 9);
const UNRES_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 77);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);
const GROUP_MAC: Mac = Mac([0x01, 0x00, 0x5e, 0x01, 0x01, 0x64]);
const UL: u16 = 9;

fn port(id: u16, mode: PortMode, mtu: u16) -> PortConf {
    PortConf {
        port_id: id,
        name: format!("p{id}"),
        mode,
        mac: Mac([0x02, 0, 0, 0, 0, id as u8]),
        mtu,
    }
}

fn vlan(
    id: u16,
    vni: Option<u32>,
    flood: Flood,
    inner: bool,
    irb: Option<(Ipv4Addr, u8)>,
) -> VlanConf {
    VlanConf {
        vlan_id: id,
        name: format!("v{id}"),
        vni,
        flood,
        encap_inner_vlan: inner,
        decap_accept_inner_vlan: inner,
        irb,
    }
}

/// Ports 1, 4 access 100; 2 trunk 10/100/300; 7 trunk 100; 3 access 10
/// (MTU 1500); 5 access 300; 8 access 400 (alone); 9 underlay.
/// VLAN 100: VNI 100, group, no inner tags. VLAN 10: VNI 10, static
/// PEER (on-link) + FAR (via gateway), inner tags on both ways.
fn cfg() -> BridgeConfig {
    BridgeConfig {
        ports: vec![
            port(1, PortMode::Access(100), 9000),
            port(2, PortMode::Trunk(vec![10, 100, 300]), 9000),
            port(3, PortMode::Access(10), 1500),
            port(4, PortMode::Access(100), 9000),
            port(5, PortMode::Access(300), 1500),
            port(7, PortMode::Trunk(vec![100]), 9000),
            port(8, PortMode::Access(400), 1500),
            PortConf {
                mode: PortMode::Underlay,
                mac: UL_MAC,
                ..port(UL, PortMode::Underlay, 9050)
            },
        ],
        vlans: vec![
            vlan(
                100,
                Some(100),
                Flood::Group(GROUP),
                false,
                Some((Ipv4Addr::new(100, 1, 1, 1), 24)),
            ),
            vlan(
                10,
                Some(10),
                Flood::Static(vec![PEER_IP, FAR_IP]),
                true,
                None,
            ),
            vlan(300, None, Flood::Static(vec![]), false, None),
        ],
        underlay: Some(Underlay {
            port_id: UL,
            ip: OUR_IP,
            prefix: 24,
            mac: UL_MAC,
            mtu: 9050,
            gateway: Some(GW_IP),
            udp_port: 4789,
            ttl: 64,
        }),
        router_mac: ROUTER,
        neighbors: vec![(GW_IP, GW_MAC), (PEER_IP, PEER_MAC)],
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Out {
    Tx(u16, Vec<u8>),
    Punt(Vec<u8>),
    Drop(Drop),
}

#[derive(Default)]
struct TestSink(Vec<Out>);

impl<P: Packet> Sink<P> for TestSink {
    fn tx(&mut self, port: u16, pkt: P) {
        self.0.push(Out::Tx(port, pkt.data().to_vec()))
    }
    fn punt(&mut self, pkt: P) {
        self.0.push(Out::Punt(pkt.data().to_vec()))
    }
    fn drop(&mut self, _pkt: P, why: Drop) {
        self.0.push(Out::Drop(why))
    }
}

struct Env {
    view: View,
    macs: MacTable,
    ctr: Counters,
}

impl Env {
    fn new(c: &BridgeConfig) -> Env {
        Env {
            view: View::new(c),
            macs: MacTable::new(1024),
            ctr: Counters::new(),
        }
    }
    fn std() -> Env {
        Env::new(&cfg())
    }
    fn run_pkt<P: Packet>(&self, port: u16, pkt: P) -> Vec<Out> {
        let mut s = TestSink::default();
        process(&self.view, &self.macs, 1, port, pkt, &mut s, &self.ctr);
        s.0
    }
    fn run(&self, port: u16, f: &[u8]) -> Vec<Out> {
        self.run_pkt(port, VecPacket::new(f))
    }
    /// Frames received in one burst on `port`: one `Fdb` and memo for all.
    fn run_burst(&self, port: u16, frames: &[Vec<u8>]) -> Vec<Out> {
        let mut s = TestSink::default();
        let mut memo = Memo::default();
        let mut fdb = Fdb::new(&self.macs, &mut memo, 1);
        let input = self.view.input(port);
        let pkts = frames.iter().map(|f| VecPacket::new(f));
        process_burst(&self.view, &mut fdb, input, pkts, &mut s, &self.ctr);
        s.0
    }
    fn drops(&self, d: Drop) -> u64 {
        self.ctr.drop_count(d)
    }
    /// Runs and expects one drop for `why`.
    fn expect_drop(&self, port: u16, f: &[u8], why: Drop) {
        let before = self.drops(why);
        assert_eq!(self.run(port, f), vec![Out::Drop(why)], "{}", why.name());
        assert_eq!(self.drops(why), before + 1);
    }
    fn dest(&self, vlan: u16, mac: &Mac) -> Option<Dest> {
        self.macs.lookup(vlan, mac).map(|e: Entry| e.dest)
    }
}

/// Two bridges fed the same frames agree: the entries of `macs` in VLANs
/// 100 and 10, and every counter of those VLANs, punt and drop.
fn assert_same_state(a: &Env, b: &Env, macs: &[Mac], what: &str) {
    for vl in [100, 10] {
        for m in macs {
            assert_eq!(a.dest(vl, m), b.dest(vl, m), "{what}: VLAN {vl} {m:02x?}");
        }
        let row = |e: &Env| {
            let c = e.ctr.vlan(vl);
            let t = &e.ctr.too_big[usize::from(vl)];
            [
                &c.rx,
                &c.tx,
                &c.encap,
                &c.decap,
                &c.flood,
                &c.learned,
                &c.moved,
                &c.learn_failed,
                &t.encap,
                &t.local,
            ]
            .map(|x| x.get())
        };
        assert_eq!(row(a), row(b), "{what}: VLAN {vl} counters");
    }
    assert_eq!(a.ctr.punts.get(), b.ctr.punts.get(), "{what}: punts");
    for d in Drop::ALL {
        assert_eq!(a.drops(*d), b.drops(*d), "{what}: {}", d.name());
    }
}

/// A xorshift32 sequence from `seed`: each call, a number below `n`.
fn xorshift(mut x: u32) -> impl FnMut(usize) -> usize {
    move |n| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as usize % n
    }
}

/// An Ethernet frame of `len` bytes (untagged length; +4 when tagged) with
/// an IPv4/UDP payload so the flow hash has something to chew on.
fn frame(dst: Mac, src: Mac, tag: Option<(u8, u16)>, len: usize) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst.0);
    f.extend_from_slice(&src.0);
    if let Some((pcp, vid)) = tag {
        f.extend_from_slice(&0x8100u16.to_be_bytes());
        f.extend_from_slice(&vlan_tci(pcp, false, vid).to_be_bytes());
    }
    f.extend_from_slice(&ethertype::IPV4.to_be_bytes());
    let l3 = f.len();
    let body = len - 14;
    f.resize(l3 + body, 0);
    for (i, b) in f[l3 + 28..].iter_mut().enumerate() {
        *b = i as u8;
    }
    let mut ip = Ipv4Packet::new_unchecked(&mut f[l3..]);
    ip.set_version_and_header_len(4, 20);
    ip.set_total_len(body as u16);
    ip.set_ttl(64);
    ip.set_protocol(ip_proto::UDP);
    ip.set_src_addr(Ipv4Addr::new(100, 1, 1, 30));
    ip.set_dst_addr(Ipv4Addr::new(100, 1, 1, 40));
    ip.fill_checksum();
    let mut u = UdpPacket::new_unchecked(&mut f[l3 + 20..]);
    u.set_src_port(5001);
    u.set_dst_port(5201);
    u.set_len((body - 20) as u16);
    f
}

fn arp(dst: Mac, src: Mac, tag: Option<u16>, tpa: Ipv4Addr) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst.0);
    f.extend_from_slice(&src.0);
    if let Some(vid) = tag {
        f.extend_from_slice(&[0x81, 0x00]);
        f.extend_from_slice(&vid.to_be_bytes());
    }
    f.extend_from_slice(&ethertype::ARP.to_be_bytes());
    let at = f.len();
    f.resize(at + 28, 0);
    ArpRepr {
        op: ArpOp::Request,
        sender_mac: src,
        sender_ip: Ipv4Addr::new(100, 1, 1, 30),
        target_mac: Mac::ZERO,
        target_ip: tpa,
    }
    .emit(&mut ArpPacket::new_unchecked(&mut f[at..]));
    f.resize(f.len().max(60), 0);
    f
}

/// An underlay VXLAN frame built field by field.
fn vxlan(src: Ipv4Addr, dst: Ipv4Addr, vni: u32, inner: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8; 50 + inner.len()];
    f[..6].copy_from_slice(&UL_MAC.0);
    f[6..12].copy_from_slice(&PEER_MAC.0);
    f[12..14].copy_from_slice(&[0x08, 0x00]);
    let mut ip = Ipv4Packet::new_unchecked(&mut f[14..]);
    ip.set_version_and_header_len(4, 20);
    ip.set_total_len((36 + inner.len()) as u16);
    ip.set_flags_and_frag_offset(true, false, 0);
    ip.set_ttl(64);
    ip.set_protocol(ip_proto::UDP);
    ip.set_src_addr(src);
    ip.set_dst_addr(dst);
    ip.fill_checksum();
    let mut u = UdpPacket::new_unchecked(&mut f[34..]);
    u.set_src_port(50000);
    u.set_dst_port(4789);
    u.set_len((16 + inner.len()) as u16);
    VxlanHeader::new_unchecked(&mut f[42..]).emit(vni);
    f[50..].copy_from_slice(inner);
    f
}

fn refill_ip_checksum(f: &mut [u8]) {
    Ipv4Packet::new_unchecked(&mut f[14..]).fill_checksum();
}

/// A naive RFC 1071 sum, independent of `wire::checksum`.
fn naive_csum(h: &[u8]) -> u16 {
    let mut s: u32 = 0;
    for i in (0..h.len()).step_by(2) {
        s += (u32::from(h[i]) << 8) | u32::from(h[i + 1]);
    }
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

/// Checks each byte of the 50-byte outer header.
fn check_outer(o: &[u8], dst_mac: Mac, dst_ip: Ipv4Addr, vni: u32) {
    let inner_len = o.len() - 50;
    assert_eq!(o[0..6], dst_mac, "outer dst mac");
    assert_eq!(o[6..12], UL_MAC, "outer src mac");
    assert_eq!(o[12..14], [0x08, 0x00], "ethertype");
    assert_eq!(o[14], 0x45, "version/ihl");
    assert_eq!(o[15], 0, "dscp");
    assert_eq!(
        usize::from(u16::from_be_bytes([o[16], o[17]])),
        inner_len + 36,
        "ip len"
    );
    assert_eq!(o[18..20], [0, 0], "ip id");
    assert_eq!(o[20..22], [0x40, 0x00], "DF, offset 0");
    assert_eq!(o[22], 64, "ttl");
    assert_eq!(o[23], 17, "proto");
    let mut h = [0u8; 20];
    h.copy_from_slice(&o[14..34]);
    h[10] = 0;
    h[11] = 0;
    assert_eq!(o[24..26], naive_csum(&h).to_be_bytes(), "ip checksum");
    assert_eq!(o[26..30], OUR_IP.octets(), "src ip");
    assert_eq!(o[30..34], dst_ip.octets(), "dst ip");
    let sport = u16::from_be_bytes([o[34], o[35]]);
    assert!(sport >= 49152, "sport {sport}");
    assert_eq!(o[36..38], [0x12, 0xb5], "dport 4789");
    assert_eq!(
        usize::from(u16::from_be_bytes([o[38], o[39]])),
        inner_len + 16,
        "udp len"
    );
    assert_eq!(o[40..42], [0, 0], "udp checksum 0");
    assert_eq!(o[42], 0x08, "flags");
    assert_eq!(o[43..46], [0, 0, 0], "reserved");
    assert_eq!(o[46..49], vni.to_be_bytes()[1..], "vni");
    assert_eq!(o[49], 0, "reserved");
}

fn untag(f: &[u8]) -> Vec<u8> {
    let mut v = f[..12].to_vec();
    v.extend_from_slice(&f[16..]);
    v
}

fn tag(f: &[u8], pcp: u8, vid: u16) -> Vec<u8> {
    let mut v = f[..12].to_vec();
    v.extend_from_slice(&[0x81, 0x00]);
    v.extend_from_slice(&vlan_tci(pcp, false, vid).to_be_bytes());
    v.extend_from_slice(&f[12..]);
    v
}

fn txs(out: &[Out]) -> Vec<u16> {
    out.iter()
        .filter_map(|o| {
            if let Out::Tx(p, _) = o {
                Some(*p)
            } else {
                None
            }
        })
        .collect()
}

fn tx_to(out: &[Out], port: u16) -> Vec<&Vec<u8>> {
    out.iter()
        .filter_map(|o| match o {
            Out::Tx(p, f) if *p == port => Some(f),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------

#[test]
fn view_compiles_config() {
    let v = View::new(&cfg());
    let p1 = v.port(1).unwrap();
    assert_eq!(
        (p1.pvid, p1.egress(100), p1.egress(10)),
        (100, Egress::Untagged, Egress::NotMember)
    );
    let p2 = v.port(2).unwrap();
    assert_eq!(
        (p2.pvid, p2.egress(10), p2.egress(100), p2.egress(1)),
        (0, Egress::Tagged, Egress::Tagged, Egress::NotMember)
    );
    assert!(v.port(UL).unwrap().underlay);
    assert!(v.port(6).is_none() && v.port(1000).is_none());
    assert_eq!(v.vlan(100).unwrap().ports, vec![1, 2, 4, 7]);
    assert_eq!(v.vlan(400).unwrap().ports, vec![8]); // implicit, local only
    assert_eq!(v.vlan(400).unwrap().vni, None);
    assert!(v.vlan(5).is_none());
    assert_eq!(v.vlan_for_vni(100), Some(100));
    assert_eq!(v.vlan_for_vni(10), Some(10));
    assert_eq!(v.vlan_for_vni(300), None);
    assert_eq!(v.groups(), &[GROUP]);
    assert_eq!(
        v.vlan(100).unwrap().remotes,
        vec![FloodTarget {
            ip: GROUP,
            mac: Some(GROUP_MAC)
        }]
    );
    assert_eq!(
        v.vlan(10).unwrap().remotes,
        vec![
            FloodTarget {
                ip: PEER_IP,
                mac: Some(PEER_MAC)
            },
            FloodTarget {
                ip: FAR_IP,
                mac: Some(GW_MAC)
            }
        ]
    );
    assert_eq!(v.next_hop(PEER_IP), Some(PEER_IP));
    assert_eq!(v.next_hop(FAR_IP), Some(GW_IP));
    assert_eq!(v.next_hop_mac(u32::from(UNRES_IP)), None);
    assert_eq!(v.next_hop_mac(u32::from(OUR_IP)), None);
    assert_eq!(v.neighbor(GW_IP), Some(GW_MAC));
    let t = v.vlan(100).unwrap().outer_template().unwrap();
    assert_eq!(t[6..12], UL_MAC);
    assert_eq!(t[42..50], [8, 0, 0, 0, 0, 0, 100, 0]);
    assert!(View::new(&BridgeConfig::default()).vlans().is_empty());
    assert_eq!(std::mem::size_of::<VlanCounters>(), 64);
}

#[test]
fn drop_names_unique_and_kebab() {
    let mut names: Vec<_> = Drop::ALL.iter().map(|d| d.name()).collect();
    assert_eq!(names.len(), Drop::COUNT);
    assert!(names.iter().all(|n| n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())));
    names.sort();
    names.dedup();
    assert_eq!(names.len(), Drop::COUNT);
    for (i, d) in Drop::ALL.iter().enumerate() {
        assert_eq!(*d as usize, i);
    }
    let c = Counters::new();
    c.drop(Drop::PuntQueueFull);
    c.drop(Drop::TxQueueFull);
    assert_eq!(
        (
            c.drop_count(Drop::PuntQueueFull),
            c.drop_count(Drop::TxQueueFull)
        ),
        (1, 1)
    );
}

#[test]
fn access_to_access_and_trunk_tag_treatment() {
    let e = Env::std();
    // Learn H2 on 4 (flooded), then H1 on 1 → H2 goes to 4 only, as is.
    let f = frame(Mac::BROADCAST, H2, None, 64);
    assert_eq!(e.run(4, &f).len(), 4);
    assert_eq!(e.dest(100, &H2), Some(Dest::Port(4)));
    let f = frame(H2, H1, None, 64);
    assert_eq!(e.run(1, &f), vec![Out::Tx(4, f.clone())]);
    // Access → trunk inserts the tag.
    e.macs.learn(100, &NETAPP, Dest::Port(2), 1);
    let f = frame(NETAPP, H1, None, 64);
    assert_eq!(e.run(1, &f), vec![Out::Tx(2, tag(&f, 0, 100))]);
    // Trunk → access strips it.
    let f = frame(H1, NETAPP, Some((5, 100)), 64);
    assert_eq!(e.run(2, &f), vec![Out::Tx(1, untag(&f))]);
    // Trunk → trunk keeps it, PCP and all.
    e.macs.learn(100, &H2, Dest::Port(7), 1);
    let f = frame(H2, NETAPP, Some((5, 100)), 64);
    assert_eq!(e.run(2, &f), vec![Out::Tx(7, f.clone())]);
    // Access port accepts its own VLAN tagged.
    let f = frame(H2, H1, Some((0, 100)), 64);
    assert_eq!(e.run(1, &f), vec![Out::Tx(7, f.clone())]);
    let v = e.ctr.vlan(100);
    assert_eq!(
        (v.rx.get(), v.tx.get(), v.flood.get(), v.encap.get()),
        (6, 8, 1, 1)
    );
    assert_eq!(v.learned.get(), 2);
}

#[test]
fn ingress_drops() {
    let e = Env::std();
    e.expect_drop(1, &[0u8; 13], Drop::Runt);
    e.expect_drop(2, &frame(H2, H1, Some((0, 100)), 64)[..16], Drop::Runt);
    e.expect_drop(2, &frame(H2, H1, None, 64), Drop::NoVlan);
    e.expect_drop(2, &frame(H2, H1, Some((0, 0)), 64), Drop::NoVlan); // priority tag
    e.expect_drop(2, &frame(H2, H1, Some((0, 200)), 64), Drop::VlanNotMember);
    e.expect_drop(1, &frame(H2, H1, Some((0, 10)), 64), Drop::VlanNotMember);
    e.expect_drop(6, &frame(H2, H1, None, 64), Drop::UnknownPort);
    e.expect_drop(
        1,
        &frame(Mac([0x01, 0x80, 0xc2, 0, 0, 0]), H1, None, 64),
        Drop::LinkLocal,
    );
    // Sources that must never be learned.
    for src in [Mac::BROADCAST, GROUP_MAC, Mac([0u8; 6])] {
        e.expect_drop(1, &frame(H2, src, None, 64), Drop::SrcMacInvalid);
    }
    assert_eq!(e.macs.len(), 0);
    // Alone in its VLAN, no VNI: nowhere to flood.
    e.expect_drop(8, &frame(Mac::BROADCAST, H1, None, 64), Drop::NoFloodTarget);
    // Same port.
    e.macs.learn(100, &H2, Dest::Port(1), 1);
    e.expect_drop(1, &frame(H2, H1, None, 64), Drop::SamePort);
}

#[test]
fn punts() {
    let e = Env::std();
    // LLDP: punted as received, untagged, on any port (trunk included).
    let mut lldp = frame(Mac::LLDP_NEAREST_BRIDGE, H1, None, 64);
    lldp[12..14].copy_from_slice(&[0x88, 0xcc]);
    assert_eq!(e.run(2, &lldp), vec![Out::Punt(lldp.clone())]);
    // Router MAC and port MACs: punted with the bridge-domain tag.
    let f = frame(ROUTER, H1, None, 64);
    assert_eq!(e.run(1, &f), vec![Out::Punt(tag(&f, 0, 100))]);
    let f = frame(P1_MAC, H1, Some((3, 100)), 64);
    assert_eq!(e.run(2, &f), vec![Out::Punt(f.clone())]);
    // ARP for the IRB: punted (tagged) and still flooded.
    let a = arp(Mac::BROADCAST, H1, None, Ipv4Addr::new(100, 1, 1, 1));
    let out = e.run(1, &a);
    assert_eq!(out[0], Out::Punt(tag(&a, 0, 100)));
    assert_eq!(txs(&out), vec![2, 4, 7, UL]);
    // ARP for someone else: not punted.
    let a = arp(Mac::BROADCAST, H1, Some(100), Ipv4Addr::new(100, 1, 1, 2));
    assert!(!e.run(2, &a).iter().any(|o| matches!(o, Out::Punt(_))));
    assert_eq!(e.ctr.punts.get(), 4);
}

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

/// The control thread's frames into a VLAN: unicast, encap and flood as
/// from a port, but every member gets a copy and nothing is learned.
#[test]
fn control_input_bridges_without_a_port() {
    let e = Env::std();
    let run = |vlan: u16, f: &[u8]| {
        let mut memo = Memo::default();
        let mut fdb = Fdb::new(&e.macs, &mut memo, 1);
        let mut s = TestSink::default();
        control_input(&e.view, &mut fdb, vlan, VecPacket::new(f), &mut s, &e.ctr);
        s.0
    };
    // Broadcast: every member of VLAN 100 and the group, none left out.
    let f = frame(Mac::BROADCAST, ROUTER, None, 64);
    let out = run(100, &f);
    assert_eq!(txs(&out), vec![1, 2, 4, 7, UL]);
    assert_eq!(tx_to(&out, 1), vec![&f]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&f, 0, 100)]);
    check_outer(tx_to(&out, UL)[0], GROUP_MAC, GROUP, 100);
    assert!(
        e.macs.lookup(100, &ROUTER).is_none(),
        "the source is never learned"
    );
    // Known host behind a trunk: tagged on that port alone.
    e.macs.learn(100, &H2, Dest::Port(2), 1);
    let f = frame(H2, ROUTER, None, 64);
    assert_eq!(run(100, &f), vec![Out::Tx(2, tag(&f, 0, 100))]);
    // Known host behind a VTEP: encapsulated, the inner tag by VLAN 10's policy.
    e.macs.learn(10, &H1, Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = frame(H1, ROUTER, None, 64);
    let out = run(10, &f);
    assert_eq!(txs(&out), vec![UL]);
    let o = tx_to(&out, UL)[0];
    check_outer(o, PEER_MAC, PEER_IP, 10);
    assert_eq!(o[50..], tag(&f, 0, 10)[..]);
    // Nowhere to go, or nothing to go on.
    let before = e.drops(Drop::ControlToSelf);
    assert_eq!(
        run(100, &frame(ROUTER, ROUTER, None, 64)),
        vec![Out::Drop(Drop::ControlToSelf)]
    );
    assert_eq!(e.drops(Drop::ControlToSelf), before + 1);
    assert_eq!(run(999, &f), vec![Out::Drop(Drop::NoVlan)]);
    assert_eq!(run(100, &f[..10]), vec![Out::Drop(Drop::Runt)]);
    // An IRB's own ARP is not punted back to the control thread.
    let a = arp(Mac::BROADCAST, ROUTER, None, Ipv4Addr::new(100, 1, 1, 1));
    assert!(run(100, &a).iter().all(|o| matches!(o, Out::Tx(..))));
}

#[test]
fn unresolved_vteps() {
    let mut c = cfg();
    c.vlans[1].flood = Flood::Static(vec![UNRES_IP, PEER_IP]);
    let e = Env::new(&c);
    let f = frame(Mac::BROADCAST, H1, None, 64);
    let out = e.run(3, &f);
    assert_eq!(txs(&out), vec![2, UL]);
    assert_eq!(e.drops(Drop::UnresolvedVtep), 1);
    // Unicast to an unresolved VTEP: dropped, never flooded.
    e.macs.learn(10, &H2, Dest::Vtep(u32::from(UNRES_IP)), 1);
    e.expect_drop(3, &frame(H2, H1, None, 64), Drop::UnresolvedVtep);
    // Without a gateway, off-link VTEPs are unresolved too.
    c.underlay.as_mut().unwrap().gateway = None;
    let e = Env::new(&c);
    e.macs.learn(10, &H2, Dest::Vtep(u32::from(FAR_IP)), 1);
    e.expect_drop(3, &frame(H2, H1, None, 64), Drop::UnresolvedVtep);
}

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
fn decap_learn_forward_and_flood_local_only() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let out = e.run(UL, &vxlan(PEER_IP, OUR_IP, 100, &inner));
    assert_eq!(txs(&out), vec![1, 2, 4, 7], "never back to the underlay");
    assert_eq!(tx_to(&out, 1), vec![&inner]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&inner, 0, 100)]);
    assert_eq!(e.dest(100, &NETAPP), Some(Dest::Vtep(u32::from(PEER_IP))));
    // Known destination: that port only, exact inner frame.
    e.macs.learn(100, &H1, Dest::Port(1), 1);
    let inner = frame(H1, NETAPP, None, 64);
    assert_eq!(
        e.run(UL, &vxlan(PEER_IP, OUR_IP, 100, &inner)),
        vec![Out::Tx(1, inner.clone())]
    );
    // To the group: accepted too.
    assert_eq!(
        e.run(UL, &vxlan(PEER_IP, GROUP, 100, &inner)),
        vec![Out::Tx(1, inner.clone())]
    );
    // Non-zero outer UDP checksum and reserved bits: accepted.
    let mut f = vxlan(PEER_IP, OUR_IP, 100, &inner);
    f[40..42].copy_from_slice(&[0xab, 0xcd]);
    f[43] = 0xff;
    f[49] = 0xff;
    assert_eq!(e.run(UL, &f), vec![Out::Tx(1, inner.clone())]);
    let v = e.ctr.vlan(100);
    assert_eq!(
        (v.decap.get(), v.rx.get(), v.encap.get(), v.learned.get()),
        (4, 4, 0, 1)
    );
}

#[test]
fn decap_split_horizon() {
    let e = Env::std();
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(FAR_IP)), 1);
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 100, &frame(H2, NETAPP, None, 64)),
        Drop::SplitHorizon,
    );
}

#[test]
fn decap_inner_vlan_options() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, Some((0, 100)), 64);
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 100, &inner),
        Drop::VxlanInnerVlan,
    );
    // VLAN 10 accepts; any VID, the VNI decides; PCP kept on tagged egress.
    let inner = frame(Mac::BROADCAST, NETAPP, Some((5, 99)), 64);
    let out = e.run(UL, &vxlan(PEER_IP, OUR_IP, 10, &inner));
    assert_eq!(txs(&out), vec![2, 3]);
    assert_eq!(tx_to(&out, 3), vec![&untag(&inner)]);
    assert_eq!(tx_to(&out, 2), vec![&tag(&untag(&inner), 5, 10)]);
    assert_eq!(e.dest(10, &NETAPP), Some(Dest::Vtep(u32::from(PEER_IP))));
    // Untagged on VLAN 10 is fine too.
    let inner = frame(Mac::BROADCAST, H2, None, 64);
    assert_eq!(
        txs(&e.run(UL, &vxlan(PEER_IP, OUR_IP, 10, &inner))),
        vec![2, 3]
    );
}

#[test]
fn decap_drops() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let good = vxlan(PEER_IP, OUR_IP, 100, &inner);
    let d = Drop::IpBadHeader;
    let mut f = good.clone();
    f[8] = 0x08; // not IPv6: ethertype at 12
    f[12..14].copy_from_slice(&[0x86, 0xdd]);
    e.expect_drop(UL, &f, Drop::NotIpv4Underlay);
    let mut f = good.clone();
    f[12..14].copy_from_slice(&[0x81, 0x00]);
    e.expect_drop(UL, &f, Drop::NotIpv4Underlay);
    e.expect_drop(UL, &good[..30], Drop::Runt);
    e.expect_drop(UL, &good[..10], Drop::Runt);
    for (at, val) in [(14usize, 0x44u8), (14, 0x65), (17, 19)] {
        let mut f = good.clone();
        f[at] = val;
        refill_ip_checksum(&mut f);
        e.expect_drop(UL, &f, d);
    }
    let mut f = good.clone();
    f[16..18].copy_from_slice(&(good.len() as u16).to_be_bytes()); // longer than the frame
    refill_ip_checksum(&mut f);
    e.expect_drop(UL, &f, d);
    let mut f = good.clone();
    f.extend_from_slice(&[0; 4]); // trailing bytes
    e.expect_drop(UL, &f, d);
    let mut f = good.clone();
    f[24] ^= 1;
    e.expect_drop(UL, &f, Drop::IpBadChecksum);
    for flags in [[0x20u8, 0x00], [0x00, 0x01], [0x40, 0x10]] {
        let mut f = good.clone();
        f[20..22].copy_from_slice(&flags);
        refill_ip_checksum(&mut f);
        e.expect_drop(UL, &f, Drop::IpFragment);
    }
    for ulen in [good.len() as u16 - 34 + 1, good.len() as u16 - 34 - 1, 8] {
        let mut f = good.clone();
        f[38..40].copy_from_slice(&ulen.to_be_bytes());
        e.expect_drop(UL, &f, Drop::UdpBadLen);
    }
    let mut f = good.clone();
    f[42] = 0x00;
    e.expect_drop(UL, &f, Drop::VxlanNoIFlag);
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 4242, &inner),
        Drop::VxlanUnknownVni,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 300, &inner),
        Drop::VxlanUnknownVni,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, Ipv4Addr::new(192, 168, 24, 9), 100, &inner),
        Drop::VxlanNotForUs,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, Ipv4Addr::new(239, 1, 1, 10), 100, &inner),
        Drop::VxlanNotForUs,
    );
    e.expect_drop(UL, &vxlan(OUR_IP, GROUP, 100, &inner), Drop::VxlanOwnSource);
    e.expect_drop(
        UL,
        &vxlan(Ipv4Addr::new(224, 0, 0, 5), OUR_IP, 100, &inner),
        d,
    );
    e.expect_drop(
        UL,
        &vxlan(PEER_IP, OUR_IP, 100, &frame(H1, GROUP_MAC, None, 64)),
        Drop::SrcMacInvalid,
    );
    e.expect_drop(UL, &vxlan(PEER_IP, OUR_IP, 100, &inner[..13]), Drop::Runt);
    // Non-VXLAN UDP to a group: not ours.
    let mut f = vxlan(PEER_IP, GROUP, 100, &inner);
    f[36..38].copy_from_slice(&8472u16.to_be_bytes());
    e.expect_drop(UL, &f, Drop::VxlanNotForUs);
    assert_eq!(e.macs.len(), 0, "nothing learned from bad packets");
    // No underlay at all.
    let mut c = cfg();
    c.underlay = None;
    let e2 = Env::new(&c);
    e2.expect_drop(UL, &good, Drop::VxlanNotForUs);
}

#[test]
fn underlay_punts() {
    let e = Env::std();
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let a = arp(Mac::BROADCAST, PEER_MAC, None, OUR_IP);
    assert_eq!(e.run(UL, &a), vec![Out::Punt(a.clone())]);
    let mut igmp = vxlan(PEER_IP, Ipv4Addr::new(224, 0, 0, 1), 100, &inner);
    igmp[23] = ip_proto::IGMP;
    refill_ip_checksum(&mut igmp);
    assert_eq!(e.run(UL, &igmp), vec![Out::Punt(igmp.clone())]);
    let mut icmp = vxlan(PEER_IP, OUR_IP, 100, &inner);
    icmp[23] = ip_proto::ICMP;
    refill_ip_checksum(&mut icmp);
    assert_eq!(e.run(UL, &icmp), vec![Out::Punt(icmp.clone())]);
    let mut udp = vxlan(PEER_IP, OUR_IP, 100, &inner);
    udp[36..38].copy_from_slice(&53u16.to_be_bytes());
    assert_eq!(e.run(UL, &udp), vec![Out::Punt(udp.clone())]);
    // ARP for the IRB arriving through the tunnel: punted with VLAN tag.
    let a = arp(Mac::BROADCAST, NETAPP, None, Ipv4Addr::new(100, 1, 1, 1));
    let out = e.run(UL, &vxlan(PEER_IP, OUR_IP, 100, &a));
    assert_eq!(out[0], Out::Punt(tag(&a, 0, 100)));
    assert_eq!(txs(&out), vec![1, 2, 4, 7]);
}

#[test]
fn mac_move_port_to_vtep_and_back() {
    let e = Env::std();
    // vMotion: the VM is local on port 1...
    e.run(1, &frame(Mac::BROADCAST, H1, None, 64));
    assert_eq!(e.dest(100, &H1), Some(Dest::Port(1)));
    // ... moves behind PEER: its first RARP broadcast moves it.
    let mut rarp = arp(Mac::BROADCAST, H1, None, Ipv4Addr::UNSPECIFIED);
    rarp[12..14].copy_from_slice(&ethertype::RARP.to_be_bytes());
    e.run(UL, &vxlan(PEER_IP, GROUP, 100, &rarp));
    assert_eq!(e.dest(100, &H1), Some(Dest::Vtep(u32::from(PEER_IP))));
    // Traffic to it is now encapsulated to PEER.
    let out = e.run(4, &frame(H1, H2, None, 64));
    check_outer(tx_to(&out, UL)[0], PEER_MAC, PEER_IP, 100);
    // ... and back: first frame on port 1 moves it again.
    e.run(1, &frame(Mac::BROADCAST, H1, None, 64));
    assert_eq!(e.dest(100, &H1), Some(Dest::Port(1)));
    assert_eq!(e.ctr.vlan(100).moved.get(), 2);
}

#[test]
fn prefetch_reads_only_what_is_there() {
    let e = Env::std();
    let f = frame(H2, H1, Some((0, 100)), 64);
    for len in 0..=f.len() {
        for port in [0u16, 1, 2, 3, 99] {
            prefetch(&e.view, &e.macs, port, &f[..len]);
        }
    }
    // A hint only: nothing learned, nothing counted.
    assert!(e.macs.lookup(100, &H1).is_none());
    assert_eq!(e.ctr.vlan(100).rx.get(), 0);
}

#[test]
fn learn_full_counts() {
    let mut e = Env::std();
    e.macs = MacTable::new(4);
    // Fill all but one place, then two new sources: one learns, one fails.
    for i in 0..e.macs.capacity() - 1 {
        assert_eq!(
            e.macs
                .learn(200, &Mac([2, 0, 0, 0, 9, i as u8]), Dest::Port(1), 1),
            Learn::New
        );
    }
    e.run(1, &frame(Mac::BROADCAST, H1, None, 64));
    e.run(1, &frame(Mac::BROADCAST, H2, None, 64));
    assert_eq!(e.ctr.vlan(100).learn_failed.get(), 1);
    assert_eq!(e.ctr.vlan(100).learned.get(), 1);
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
    e.expect_drop(2, &frame(H2, H1, Some((0, 10)), 9014), Drop::TooBig);
    assert_eq!(e.ctr.too_big[10].encap.get(), 9018);
    assert_eq!(needed_underlay_mtu(9018), 9054);
}

#[test]
fn too_big_with_1500_underlay() {
    let mut c = cfg();
    c.underlay.as_mut().unwrap().mtu = 1500;
    let e = Env::new(&c);
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    e.expect_drop(1, &frame(H2, H1, None, 9014), Drop::TooBig);
    assert_eq!(e.ctr.too_big[100].encap.get(), 9014);
    assert_eq!(needed_underlay_mtu(9014), 9050);
    // 1464 + 36 = 1500 fits, 1465 does not.
    assert_eq!(txs(&e.run(1, &frame(H2, H1, None, 1464))), vec![UL]);
    e.expect_drop(1, &frame(H2, H1, None, 1465), Drop::TooBig);
    // Flooded: the local copies still go, the tunnel copy is counted.
    let out = e.run(1, &frame(Mac::BROADCAST, H1, None, 9014));
    assert_eq!(txs(&out), vec![2, 4, 7]);
    assert_eq!(e.drops(Drop::TooBig), 3);
}

#[test]
fn local_egress_mtu() {
    let e = Env::std();
    e.macs.learn(10, &H1, Dest::Port(3), 1);
    // Port 3: MTU 1500, access → 1514 max.
    assert_eq!(txs(&e.run(2, &frame(H1, H2, Some((0, 10)), 1514))), vec![3]);
    e.expect_drop(2, &frame(H1, H2, Some((0, 10)), 1515), Drop::TooBig);
    assert_eq!(e.ctr.too_big[10].local.get(), 1515);
    // Trunk 2 at MTU 9000 takes 9018 tagged; flood skips port 3.
    let out = e.run(
        UL,
        &vxlan(
            PEER_IP,
            OUR_IP,
            10,
            &frame(Mac::BROADCAST, NETAPP, None, 9014),
        ),
    );
    assert_eq!(txs(&out), vec![2]);
    assert_eq!(tx_to(&out, 2)[0].len(), 9018);
}

#[test]
fn no_headroom_and_no_mbuf() {
    let e = Env::std();
    e.macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    let f = frame(H2, H1, None, 64);
    let mut s = TestSink::default();
    process(
        &e.view,
        &e.macs,
        1,
        1,
        VecPacket::with_headroom(&f, 10),
        &mut s,
        &e.ctr,
    );
    assert_eq!(s.0, vec![Out::Drop(Drop::NoHeadroom)]);
    e.macs.learn(100, &NETAPP, Dest::Port(2), 1);
    let mut s = TestSink::default();
    process(
        &e.view,
        &e.macs,
        1,
        1,
        VecPacket::with_headroom(&frame(NETAPP, H1, None, 64), 0),
        &mut s,
        &e.ctr,
    );
    assert_eq!(s.0, vec![Out::Drop(Drop::NoHeadroom)]);

    struct NoClone(VecPacket);
    impl Packet for NoClone {
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
        fn clone_with_header(&self, _: usize, _: usize) -> Option<Self> {
            None
        }
    }
    let out = e.run_pkt(
        1,
        NoClone(VecPacket::new(&frame(Mac::BROADCAST, H1, None, 64))),
    );
    assert_eq!(
        txs(&out),
        vec![UL],
        "the original still goes to the last target"
    );
    assert_eq!(e.drops(Drop::NoMbuf), 3);
}

#[test]
fn a_burst_sees_its_own_learning_at_once() {
    // To H2 (unknown), from H2 (learned on port 1), to H2 again: the memo
    // must not answer the third frame with the first one's miss.
    let e = Env::std();
    let out = e.run_burst(
        1,
        &[
            frame(H2, H1, None, 64),
            frame(H1, H2, None, 64),
            frame(H2, H1, None, 64),
        ],
    );
    assert_eq!(out.last(), Some(&Out::Drop(Drop::SamePort)));
    assert_eq!(e.dest(100, &H2), Some(Dest::Port(1)));
    // A tunnel burst that moves NETAPP from one VTEP to another and back.
    let inner = frame(Mac::BROADCAST, NETAPP, None, 64);
    let far = Ipv4Addr::new(192, 168, 24, 6);
    e.run_burst(
        UL,
        &[
            vxlan(PEER_IP, OUR_IP, 100, &inner),
            vxlan(far, OUR_IP, 100, &inner),
            vxlan(PEER_IP, OUR_IP, 100, &inner),
        ],
    );
    assert_eq!(e.dest(100, &NETAPP), Some(Dest::Vtep(u32::from(PEER_IP))));
    assert_eq!(e.ctr.vlan(100).moved.get(), 2);
}

#[test]
fn a_burst_forwards_exactly_as_frame_by_frame() {
    // Pseudo-random sequences of frames among a few hosts, some known
    // elsewhere beforehand: one burst (memo shared) and the same frames one
    // by one (fresh memo each) give the same output, table and counters.
    let hosts = [
        H1,
        H2,
        NETAPP,
        Mac::BROADCAST,
        Mac([0x02, 0, 0, 0, 0x10, 0x01]),
    ];
    let mut rnd = xorshift(0x9e37_79b9);
    for round in 0..40 {
        let port = [1u16, 4, 2, UL][round % 4];
        let frames: Vec<Vec<u8>> = (0..32)
            .map(|_| {
                // Mostly hosts that are not destinations behind a VTEP, so
                // tunnels stay in use; now and then one of those moves here.
                let src = [H1, hosts[4], H1, hosts[4], hosts[4], H1, H2, NETAPP][rnd(8)];
                let dst = hosts[rnd(hosts.len())];
                // The trunk mixes VLAN 100 (group) and 10 (static VTEPs,
                // one via the gateway): several tunnels in one burst.
                let tag = (port == 2).then(|| (0, [100, 10][rnd(2)]));
                let f = frame(dst, src, tag, 64 + 4 * rnd(4));
                if port == UL {
                    let peer = [PEER_IP, Ipv4Addr::new(192, 168, 24, 6)][rnd(2)];
                    vxlan(peer, OUR_IP, 100, &f)
                } else {
                    f
                }
            })
            .collect();
        let (a, b) = (Env::std(), Env::std());
        for e in [&a, &b] {
            e.macs.learn(100, &H2, Dest::Port(4), 1);
            e.macs
                .learn(100, &NETAPP, Dest::Vtep(u32::from(PEER_IP)), 1);
            e.macs.learn(10, &H2, Dest::Vtep(u32::from(FAR_IP)), 1);
            e.macs.learn(10, &NETAPP, Dest::Vtep(u32::from(PEER_IP)), 1);
        }
        let burst = a.run_burst(port, &frames);
        let single: Vec<Out> = frames.iter().flat_map(|f| b.run(port, f)).collect();
        assert_eq!(burst, single, "round {round}, port {port}");
        assert_same_state(&a, &b, &hosts, &format!("round {round}"));
    }
}

#[test]
fn the_vxlan_fast_path_agrees_with_the_full_checks() {
    // Frames near a good one (bytes of the outer headers changed, with and
    // without a fixed-up checksum, lengths off): whenever the fast path
    // passes one, the full checks pass it too, with the same result.
    let e = Env::std();
    let u = e.view.underlay.as_ref().unwrap();
    let inner = frame(H2, H1, None, 64);
    let good = vxlan(PEER_IP, OUR_IP, 100, &inner);
    let want = Outer {
        inner_at: 50,
        src_ip: u32::from(PEER_IP),
        vni: 100,
    };
    assert_eq!(vxlan_fast(&good, good.len(), u), Some(want));
    assert_eq!(underlay_checks(&e.view, u, &good, good.len()), Ok(want));
    // A chain 64 KiB longer than the IP length says: not a 16-bit wrap.
    assert_eq!(vxlan_fast(&good, good.len() + 0x10000, u), None);
    let mut rnd = xorshift(0x2545_f491);
    let (mut fast, mut slow_only, mut rejected) = (0, 0, 0);
    for i in 0..20_000 {
        let mut f = good.clone();
        for _ in 0..1 + rnd(2) {
            let at = 12 + rnd(52);
            f[at] = match rnd(3) {
                0 => f[at] ^ 1 << rnd(8),
                1 => 0,
                _ => rnd(256) as u8,
            };
        }
        if i % 2 == 0 {
            refill_ip_checksum(&mut f);
        }
        let pkt_len = match rnd(8) {
            0 => f.len() - rnd(4),
            1 => f.len() + rnd(4),
            _ => f.len(),
        };
        let d = &f[..pkt_len.min(f.len())];
        let full = underlay_checks(&e.view, u, d, pkt_len);
        match vxlan_fast(d, pkt_len, u) {
            Some(o) => {
                assert_eq!(full, Ok(o), "{f:02x?} pkt_len {pkt_len}");
                fast += 1;
            }
            None if full.is_ok() => slow_only += 1,
            None => rejected += 1,
        }
    }
    // Both kinds happened: bytes the fast path ignores (TOS, id, TTL,
    // ports, VNI, DF, reserved flags), and frames both refuse.
    assert!(
        fast > 1000 && rejected > 1000,
        "{fast} {slow_only} {rejected}"
    );
    // What only the full checks take: the group, and a header with options.
    let to_group = vxlan(PEER_IP, GROUP, 100, &inner);
    assert_eq!(vxlan_fast(&to_group, to_group.len(), u), None);
    assert_eq!(
        underlay_checks(&e.view, u, &to_group, to_group.len()),
        Ok(want)
    );
    let mut opts = good[..34].to_vec();
    opts.extend_from_slice(&[1, 1, 1, 0]); // NOP NOP NOP EOL
    opts.extend_from_slice(&good[34..]);
    opts[14] = 0x46;
    let tl = u16::from_be_bytes([opts[16], opts[17]]) + 4;
    opts[16..18].copy_from_slice(&tl.to_be_bytes());
    refill_ip_checksum(&mut opts);
    assert_eq!(vxlan_fast(&opts, opts.len(), u), None);
    assert_eq!(
        underlay_checks(&e.view, u, &opts, opts.len()),
        Ok(Outer {
            inner_at: 54,
            ..want
        })
    );
}

#[test]
fn the_encap_fast_path_agrees_with_port_input() {
    // Bursts of frames around the common one (a local port to a known
    // remote VTEP) on three identical bridges, each with a memo that lasts
    // across bursts: port_burst as the worker runs it; the fast path then
    // port_input, by hand, counting what the fast path took; and
    // port_input alone. Same frames out, same table, same counters. The
    // ports: access 1 and 4 (VLAN 100), trunks 2 (10, 100, 300) and 7
    // (100); VLAN 100 strips inner tags, VLAN 10 keeps them.
    let far = Mac([0x00, 0x50, 0x56, 0, 0, 0x78]);
    let unres = Mac([0x00, 0x50, 0x56, 0, 0, 0x77]);
    let fresh = Mac([0x00, 0x50, 0x56, 0, 0, 0x99]);
    // Each port's own host, the source of most of its frames.
    let home = |port: u16| Mac([0x00, 0x50, 0x56, 0, 0x10, port as u8]);
    let envs = [Env::std(), Env::std(), Env::std()];
    // Where the hosts are at the start, and again now and then (moves
    // between the bridges' own frames).
    let mut places = vec![];
    for vl in [100, 10] {
        places.extend([
            (vl, H2, Dest::Vtep(u32::from(PEER_IP))),
            (vl, far, Dest::Vtep(u32::from(FAR_IP))),
            (vl, unres, Dest::Vtep(u32::from(UNRES_IP))),
            // Our own MAC, claimed by a far host: still punted.
            (vl, ROUTER, Dest::Vtep(u32::from(PEER_IP))),
            // A group MAC, should one get into the table: still flooded.
            (vl, GROUP_MAC, Dest::Vtep(u32::from(PEER_IP))),
        ]);
    }
    for p in [1, 4, 7] {
        places.push((100, home(p), Dest::Port(p)));
    }
    places.push((100, home(2), Dest::Port(2)));
    places.push((10, home(2), Dest::Port(2)));
    let dsts = [
        H2,
        H2,
        H2,
        far,
        unres,
        home(1),
        home(2),
        home(4),
        NETAPP,
        Mac::BROADCAST,
        GROUP_MAC,
        Mac::LLDP_NEAREST_BRIDGE,
        ROUTER,
        P1_MAC,
        UL_MAC,
        Mac::ZERO,
    ];
    // Now and then a source that moves (another port's host, H2 from its
    // VTEP) or is new: each move makes every memo forget.
    let srcs = [home(4), home(2), H2, fresh, Mac::ZERO, Mac::BROADCAST];
    let all: Vec<Mac> = dsts
        .iter()
        .chain(&srcs)
        .chain(&[home(7)])
        .copied()
        .collect();
    let mut memos: [Memo; 3] = Default::default();
    let mut rnd = xorshift(0x1b87_3593);
    let (mut fast, mut total, mut now) = (0, 0, 1);
    for round in 0..4000 {
        now += u32::from(rnd(16) == 0);
        if round % 50 == 0 {
            for e in &envs {
                for (vl, m, d) in &places {
                    e.macs.learn(*vl, m, *d, now);
                }
            }
        }
        let port = [1, 1, 2, 2, 4, 7][rnd(6)];
        let trunk = port == 2 || port == 7;
        let frames: Vec<Vec<u8>> = (0..1 + rnd(8))
            .map(|_| {
                let dst = dsts[rnd(dsts.len())];
                let src = if rnd(40) == 0 {
                    srcs[rnd(srcs.len())]
                } else {
                    home(port)
                };
                let len = [60, 60, 60, 1514, 9014, 9015, 9018][rnd(7)];
                // Trunks: mostly their VLANs; also one they lack, the
                // priority tag, and none.
                let vid = match rnd(10) {
                    _ if !trunk => [100, 0][rnd(2)],
                    0 => 999,
                    1 => 0,
                    _ => [100, 10][rnd(2)],
                };
                let tagged = if trunk { rnd(12) != 0 } else { rnd(10) == 0 };
                let tag = tagged.then(|| (rnd(8) as u8, vid));
                let mut f = match rnd(10) {
                    1 => arp(dst, src, tag.map(|t| t.1), Ipv4Addr::new(100, 1, 1, 1)),
                    2 => arp(dst, src, tag.map(|t| t.1), Ipv4Addr::new(100, 1, 1, 9)),
                    _ => frame(dst, src, tag, len),
                };
                match rnd(12) {
                    0 => f.truncate(rnd(19)),
                    1 => f[12..14].copy_from_slice(&ethertype::LLDP.to_be_bytes()),
                    // The DEI bit, which the tunnel copy clears.
                    2 if tagged => f[14] |= 0x10,
                    _ => {}
                }
                f
            })
            .collect();
        total += frames.len();
        let p = envs[0].view.port(port).unwrap();
        let untagged = untagged_vlan(&envs[0].view, p);
        let mut outs: [TestSink; 3] = Default::default();
        for (k, ((e, memo), s)) in envs.iter().zip(&mut memos).zip(&mut outs).enumerate() {
            let mut fdb = Fdb::new(&e.macs, memo, now);
            let (view, ctr) = (&e.view, &e.ctr);
            let pkts = frames.iter().map(|f| VecPacket::new(f));
            match k {
                0 => process_burst(view, &mut fdb, view.input(port), pkts, s, ctr),
                1 => {
                    let f = FastEncap::new(view, untagged).expect("an underlay");
                    for pkt in pkts {
                        match encap_fast(view, &mut fdb, p, f, pkt, s, ctr) {
                            Some(pkt) => port_slow(view, &mut fdb, p, untagged, pkt, s, ctr),
                            None => fast += 1,
                        }
                    }
                }
                _ => pkts.for_each(|pkt| port_input(view, &mut fdb, p, untagged, pkt, s, ctr)),
            }
        }
        for (e, out) in envs[..2].iter().zip(&outs) {
            assert_eq!(out.0, outs[2].0, "round {round}");
            assert_same_state(e, &envs[2], &all, &format!("round {round}"));
        }
    }
    // The fast path carried a good share, and not everything.
    let enc = envs[2].ctr.vlan(100).encap.get() + envs[2].ctr.vlan(10).encap.get();
    assert!(
        fast > total / 20 && fast < total / 2,
        "{fast} of {total}, encap {enc}"
    );
}

#[test]
fn the_decap_fast_path_agrees_with_decap() {
    // VXLAN frames around the common one (a known VTEP's host to a host
    // on a local access port) on three identical bridges, each with a
    // memo that lasts across bursts: underlay bursts as the worker runs
    // them; the fast path then `decap`, by hand, counting what the fast
    // path took; and `decap` alone. Same frames out, table and counters.
    let a1 = Mac([0x00, 0x50, 0x56, 0, 1, 0x01]);
    let a4 = Mac([0x00, 0x50, 0x56, 0, 1, 0x04]);
    let t2 = Mac([0x00, 0x50, 0x56, 0, 1, 0x02]);
    let p3 = Mac([0x00, 0x50, 0x56, 0, 1, 0x03]);
    let far = Mac([0x00, 0x50, 0x56, 0, 1, 0x77]);
    let places = [
        (100, a1, Dest::Port(1)),
        (100, a4, Dest::Port(4)),
        // Behind the trunk: sent tagged.
        (100, t2, Dest::Port(2)),
        (10, p3, Dest::Port(3)),
        (100, H2, Dest::Vtep(u32::from(PEER_IP))),
        (10, H2, Dest::Vtep(u32::from(PEER_IP))),
        (100, far, Dest::Vtep(u32::from(FAR_IP))),
        // Our own MAC, claimed by a local host: still punted.
        (100, ROUTER, Dest::Port(1)),
        // A group MAC, should one get into the table: still flooded.
        (100, GROUP_MAC, Dest::Port(4)),
    ];
    let envs = [Env::std(), Env::std(), Env::std()];
    let dsts = [
        a1,
        a1,
        a1,
        a4,
        t2,
        p3,
        far,
        NETAPP,
        Mac::BROADCAST,
        GROUP_MAC,
        ROUTER,
        UL_MAC,
    ];
    let srcs = [a1, far, NETAPP, Mac([0; 6]), Mac::BROADCAST];
    let other_peer = Ipv4Addr::new(192, 168, 24, 6);
    let peers = [
        other_peer,
        OUR_IP,
        Ipv4Addr::new(224, 0, 0, 5),
        Ipv4Addr::UNSPECIFIED,
    ];
    let all: Vec<Mac> = dsts.iter().chain(&srcs).chain(&[H2]).copied().collect();
    let mut memos: [Memo; 3] = Default::default();
    let mut rnd = xorshift(0x85eb_ca6b);
    let (mut fast, mut total, mut now) = (0, 0, 1);
    for round in 0..3000 {
        now += u32::from(rnd(16) == 0);
        if round % 50 == 0 {
            for e in &envs {
                for (vl, m, d) in &places {
                    e.macs.learn(*vl, m, *d, now);
                }
            }
        }
        let frames: Vec<Vec<u8>> = (0..1 + rnd(8))
            .map(|_| {
                let dst = dsts[rnd(dsts.len())];
                // Mostly H2 from its VTEP; now and then a move or a new host.
                let (src, peer) = match rnd(40) {
                    0 => (srcs[rnd(srcs.len())], PEER_IP),
                    1 => (H2, peers[rnd(peers.len())]),
                    _ => (H2, PEER_IP),
                };
                let len = [60, 60, 60, 1514, 1515, 9014, 9018][rnd(7)];
                let inner = match rnd(10) {
                    0 => frame(dst, src, Some((rnd(8) as u8, [100, 10][rnd(2)])), len),
                    1 => arp(dst, src, None, Ipv4Addr::new(100, 1, 1, 1)),
                    _ => frame(dst, src, None, len),
                };
                let vni = [100, 100, 100, 100, 10, 999][rnd(6)];
                let to = if rnd(10) == 0 { GROUP } else { OUR_IP };
                let mut f = vxlan(peer, to, vni, &inner);
                if rnd(20) == 0 {
                    f.truncate(50 + rnd(15));
                }
                f
            })
            .collect();
        total += frames.len();
        let mut outs: [TestSink; 3] = Default::default();
        for (k, ((e, memo), s)) in envs.iter().zip(&mut memos).zip(&mut outs).enumerate() {
            let mut fdb = Fdb::new(&e.macs, memo, now);
            let (view, ctr) = (&e.view, &e.ctr);
            let u = view.underlay.as_ref().unwrap();
            let pkts = frames.iter().map(|f| VecPacket::new(f));
            if k == 0 {
                process_burst(view, &mut fdb, view.input(UL), pkts, s, ctr);
                continue;
            }
            for pkt in pkts {
                match vxlan_fast(pkt.data(), pkt.pkt_len(), u) {
                    Some(o) if k == 1 => match decap_fast(view, &mut fdb, o, pkt, s, ctr) {
                        Some(pkt) => decap_slow(view, &mut fdb, u, o, pkt, s, ctr),
                        None => fast += 1,
                    },
                    Some(o) => decap(view, &mut fdb, u, o, pkt, s, ctr),
                    None => underlay_slow(view, &mut fdb, u, pkt, s, ctr),
                }
            }
        }
        for (e, out) in envs[..2].iter().zip(&outs) {
            assert_eq!(out.0, outs[2].0, "round {round}");
            assert_same_state(e, &envs[2], &all, &format!("round {round}"));
        }
    }
    let tx = envs[2].ctr.vlan(100).tx.get() + envs[2].ctr.vlan(10).tx.get();
    assert!(
        fast > total / 20 && fast < total / 2,
        "{fast} of {total}, tx {tx}"
    );
}
