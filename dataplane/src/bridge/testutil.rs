//! What the bridge's tests share: a reference configuration, a sink that
//! records, and frames built by the independent test oracle
//! (`vtep-testkit`), so that the bridge is checked against frames it did
//! not build.

pub(crate) use super::*;
pub(crate) use crate::mactable::{Dest, Entry, Learn, MacTable, Memo};
pub(crate) use crate::{Packet, VecPacket};
pub(crate) use std::net::Ipv4Addr;
pub(crate) use vtep_testkit::{fix_ipv4_checksum, pattern};
use vtep_testkit::{parse_vxlan, push_tag, untagged, Arp, Eth};
pub(crate) use wire::Mac;

pub(crate) const ROUTER: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]);
pub(crate) const UL_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);
pub(crate) const P1_MAC: Mac = Mac([0x02, 0, 0, 0, 0, 1]);
pub(crate) const GW_MAC: Mac = Mac([0x00, 0x00, 0x5e, 0x00, 0x01, 0x01]);
pub(crate) const PEER_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0xf2, 0xb6, 0xe0]);
pub(crate) const H1: Mac = Mac([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31]);
pub(crate) const H2: Mac = Mac([0x00, 0x50, 0x56, 0x69, 0x37, 0xdb]);
pub(crate) const NETAPP: Mac = Mac([0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc]);
pub(crate) const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
pub(crate) const GW_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 1);
pub(crate) const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);
pub(crate) const FAR_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 9);
pub(crate) const UNRES_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 77);
pub(crate) const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);
pub(crate) const GROUP_MAC: Mac = Mac([0x01, 0x00, 0x5e, 0x01, 0x01, 0x64]);
pub(crate) const UL: u16 = 9;
/// The IPv4 source of every test frame (and of its ARP requests).
const HOST_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);

pub(crate) fn port(id: u16, mode: PortMode, mtu: u16) -> PortConf {
    PortConf {
        port_id: id,
        name: format!("p{id}"),
        mode,
        mac: Mac([0x02, 0, 0, 0, 0, id as u8]),
        mtu,
    }
}

pub(crate) fn vlan(
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
pub(crate) fn cfg() -> BridgeConfig {
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
pub(crate) enum Out {
    Tx(u16, Vec<u8>),
    Punt(Vec<u8>),
    Drop(DropReason),
}

#[derive(Default)]
pub(crate) struct TestSink(pub(crate) Vec<Out>);

impl<P: Packet> Sink<P> for TestSink {
    fn tx(&mut self, port: u16, pkt: P) {
        self.0.push(Out::Tx(port, pkt.data().to_vec()))
    }
    fn punt(&mut self, pkt: P) {
        self.0.push(Out::Punt(pkt.data().to_vec()))
    }
    fn drop(&mut self, _pkt: P, why: DropReason) {
        self.0.push(Out::Drop(why))
    }
}

pub(crate) struct Env {
    pub(crate) view: View,
    pub(crate) macs: MacTable,
    pub(crate) ctr: Counters,
}

impl Env {
    pub(crate) fn new(c: &BridgeConfig) -> Env {
        Env {
            view: View::new(c),
            macs: MacTable::new(1024),
            ctr: Counters::new(),
        }
    }
    pub(crate) fn std() -> Env {
        Env::new(&cfg())
    }
    pub(crate) fn run_pkt<P: Packet>(&self, port: u16, pkt: P) -> Vec<Out> {
        let mut s = TestSink::default();
        process(&self.view, &self.macs, 1, port, pkt, &mut s, &self.ctr);
        s.0
    }
    pub(crate) fn run(&self, port: u16, f: &[u8]) -> Vec<Out> {
        self.run_pkt(port, VecPacket::new(f))
    }
    /// Frames received in one burst on `port`: one `Fdb` and memo for all.
    pub(crate) fn run_burst(&self, port: u16, frames: &[Vec<u8>]) -> Vec<Out> {
        let mut s = TestSink::default();
        let mut memo = Memo::default();
        let mut fdb = Fdb::new(&self.macs, &mut memo, 1);
        let input = self.view.input(port);
        let pkts = frames.iter().map(|f| VecPacket::new(f));
        process_burst(&self.view, &mut fdb, input, pkts, &mut s, &self.ctr);
        s.0
    }
    pub(crate) fn drops(&self, d: DropReason) -> u64 {
        self.ctr.drop_count(d)
    }
    /// Runs and expects one drop for `why`.
    pub(crate) fn expect_drop(&self, port: u16, f: &[u8], why: DropReason) {
        let before = self.drops(why);
        assert_eq!(self.run(port, f), vec![Out::Drop(why)], "{}", why.name());
        assert_eq!(self.drops(why), before + 1);
    }
    pub(crate) fn dest(&self, vlan: u16, mac: &Mac) -> Option<Dest> {
        self.macs.lookup(vlan, mac).map(|e: Entry| e.dest)
    }
}

/// Two bridges fed the same frames agree: the entries of `macs` in VLANs
/// 100 and 10, and every counter of those VLANs, punt and drop.
pub(crate) fn assert_same_state(a: &Env, b: &Env, macs: &[Mac], what: &str) {
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
    for d in DropReason::ALL {
        assert_eq!(a.drops(*d), b.drops(*d), "{what}: {}", d.name());
    }
}

/// A xorshift32 sequence from `seed`: each call, a number below `n`.
pub(crate) fn xorshift(mut x: u32) -> impl FnMut(usize) -> usize {
    move |n| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as usize % n
    }
}

/// An Ethernet frame of `len` bytes (untagged length; +4 when tagged) with
/// an IPv4/UDP payload so the flow hash has something to chew on.
pub(crate) fn frame(dst: Mac, src: Mac, tag: Option<(u8, u16)>, len: usize) -> Vec<u8> {
    let e = Eth::new(dst.0, src.0);
    let e = match tag {
        Some((pcp, vid)) => e.tag(pcp, false, vid),
        None => e,
    };
    e.ipv4(HOST_IP, [100, 1, 1, 40])
        .udp(5001, 5201)
        .payload(&pattern(0, len - 42))
        .build()
}

/// An ARP request from `src` for `tpa`, tagged with `tag` if any.
pub(crate) fn arp(dst: Mac, src: Mac, tag: Option<u16>, tpa: Ipv4Addr) -> Vec<u8> {
    let e = Eth::new(dst.0, src.0);
    let e = match tag {
        Some(vid) => e.vlan(vid),
        None => e,
    };
    e.arp(&Arp::request(src.0, HOST_IP, tpa))
}

/// The RARP request a moved VM broadcasts.
pub(crate) fn rarp(src: Mac) -> Vec<u8> {
    Eth::new(Mac::BROADCAST.0, src.0).rarp(&Arp::request(src.0, HOST_IP, Ipv4Addr::UNSPECIFIED))
}

/// An underlay VXLAN frame from the peer's MAC to ours, `inner` as given
/// (truncated ones too).
pub(crate) fn vxlan(src: Ipv4Addr, dst: Ipv4Addr, vni: u32, inner: &[u8]) -> Vec<u8> {
    vxlan_to(src, dst, 4789, vni, inner)
}

/// [`vxlan`] to another UDP port.
pub(crate) fn vxlan_to(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    dport: u16,
    vni: u32,
    inner: &[u8],
) -> Vec<u8> {
    underlay_ip(src, dst)
        .df()
        .udp(50000, dport)
        .vxlan(vni)
        .wrap(inner)
}

/// The outer IPv4 header of a tunnel frame from the peer, to build on
/// (unpadded: a short tunnel frame stays as short as its inner frame).
pub(crate) fn underlay_ip(src: Ipv4Addr, dst: Ipv4Addr) -> vtep_testkit::Ipv4 {
    Eth::new(UL_MAC.0, PEER_MAC.0).unpadded().ipv4(src, dst)
}

/// Checks every byte of the 50-byte outer header the bridge wrote.
pub(crate) fn check_outer(o: &[u8], dst_mac: Mac, dst_ip: Ipv4Addr, vni: u32) {
    let p = parse_vxlan(o);
    assert_eq!(p.dst_mac, dst_mac.0, "outer dst mac");
    assert_eq!(p.src_mac, UL_MAC.0, "outer src mac");
    assert_eq!((p.tos, p.ident, p.flags_frag, p.ttl), (0, 0, 0x4000, 64));
    assert_eq!((p.src_ip, p.dst_ip), (OUR_IP, dst_ip), "outer addresses");
    assert_eq!(p.vni, vni, "vni");
}

pub(crate) fn untag(f: &[u8]) -> Vec<u8> {
    untagged(f)
}

pub(crate) fn tag(f: &[u8], pcp: u8, vid: u16) -> Vec<u8> {
    push_tag(f, pcp, false, vid)
}

pub(crate) fn txs(out: &[Out]) -> Vec<u16> {
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

pub(crate) fn tx_to(out: &[Out], port: u16) -> Vec<&Vec<u8>> {
    out.iter()
        .filter_map(|o| match o {
            Out::Tx(p, f) if *p == port => Some(f),
            _ => None,
        })
        .collect()
}
