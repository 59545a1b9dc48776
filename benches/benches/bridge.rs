//! Per-packet cost of bridge::process on VecPacket: encap to a known VTEP,
//! decap to a local access port (64 and 9014-byte inner frames), and a
//! flood with 3 copies (2 local ports + the group). The `*_burst32` cases
//! run 32-frame bursts shaped like the line-rate pcaps (16 source MACs in
//! turn, one destination) through one `Fdb` each and one memo for all, as
//! the worker does, so the memo counts; the others pay a fresh memo per
//! frame.
//!
//! The packet buffer is recycled with `VecPacket::reset`; flood clones are
//! `VecPacket` copies (heap) where the mbuf adapter chains zero-copy.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dataplane::bridge::{
    process, process_burst, BridgeConfig, Counters, DropReason, Fdb, Flood, PortConf, PortMode,
    Sink, Underlay, View, VlanConf,
};
use dataplane::mactable::{Dest, MacTable, Memo};
use dataplane::{Packet, VecPacket};
use std::net::Ipv4Addr;
use wire::{Ipv4Packet, Mac, UdpPacket, VxlanHeader};

const UL_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);
const PEER_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0xf2, 0xb6, 0xe0]);
const H1: Mac = Mac([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31]);
const H2: Mac = Mac([0x00, 0x50, 0x56, 0x69, 0x37, 0xdb]);
const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);

fn cfg() -> BridgeConfig {
    let port = |id: u16, mode| PortConf {
        port_id: id,
        name: format!("p{id}"),
        mode,
        mac: Mac([0x02, 0, 0, 0, 0, id as u8]),
        mtu: 9000,
    };
    BridgeConfig {
        ports: vec![
            port(1, PortMode::Access(100)),
            port(2, PortMode::Trunk(vec![100])),
            port(4, PortMode::Access(100)),
            port(9, PortMode::Underlay),
        ],
        vlans: vec![VlanConf {
            vlan_id: 100,
            name: "v100".into(),
            vni: Some(100),
            flood: Flood::Group(Ipv4Addr::new(239, 1, 1, 100)),
            encap_inner_vlan: false,
            decap_accept_inner_vlan: false,
            irb: None,
        }],
        underlay: Some(Underlay {
            port_id: 9,
            ip: OUR_IP,
            prefix: 24,
            mac: UL_MAC,
            mtu: 9050,
            gateway: None,
            udp_port: 4789,
            ttl: 64,
        }),
        router_mac: Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]),
        neighbors: vec![(PEER_IP, PEER_MAC)],
    }
}

/// Keeps the last transmitted packet so the loop can reuse its buffer.
#[derive(Default)]
struct Recycle(Option<VecPacket>);

impl Sink<VecPacket> for Recycle {
    fn tx(&mut self, port: u16, pkt: VecPacket) {
        black_box(port);
        self.0 = Some(pkt);
    }
    fn punt(&mut self, pkt: VecPacket) {
        self.0 = Some(pkt);
    }
    fn drop(&mut self, pkt: VecPacket, why: DropReason) {
        panic!(
            "bench frame dropped: {} ({} bytes)",
            why.name(),
            pkt.pkt_len()
        );
    }
}

fn inner(dst: Mac, src: Mac, len: usize) -> Vec<u8> {
    let mut f = vec![0u8; len];
    f[..6].copy_from_slice(&dst.0);
    f[6..12].copy_from_slice(&src.0);
    f[12..14].copy_from_slice(&wire::ethertype::IPV4.to_be_bytes());
    let mut ip = Ipv4Packet::new_unchecked(&mut f[14..]);
    ip.set_version_and_header_len(4, 20);
    ip.set_total_len((len - 14) as u16);
    ip.set_ttl(64);
    ip.set_protocol(wire::ip_proto::UDP);
    ip.set_src_addr(Ipv4Addr::new(100, 1, 1, 30));
    ip.set_dst_addr(Ipv4Addr::new(100, 1, 1, 40));
    ip.fill_checksum();
    let mut u = UdpPacket::new_unchecked(&mut f[34..]);
    u.set_src_port(5001);
    u.set_dst_port(5201);
    u.set_len((len - 34) as u16);
    f
}

fn vxlan(inner: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8; 50 + inner.len()];
    f[..6].copy_from_slice(&UL_MAC.0);
    f[6..12].copy_from_slice(&PEER_MAC.0);
    f[12..14].copy_from_slice(&wire::ethertype::IPV4.to_be_bytes());
    let mut ip = Ipv4Packet::new_unchecked(&mut f[14..]);
    ip.set_version_and_header_len(4, 20);
    ip.set_total_len((36 + inner.len()) as u16);
    ip.set_flags_and_frag_offset(true, false, 0);
    ip.set_ttl(64);
    ip.set_protocol(wire::ip_proto::UDP);
    ip.set_src_addr(PEER_IP);
    ip.set_dst_addr(OUR_IP);
    ip.fill_checksum();
    let mut u = UdpPacket::new_unchecked(&mut f[34..]);
    u.set_src_port(50000);
    u.set_dst_port(4789);
    u.set_len((16 + inner.len()) as u16);
    VxlanHeader::new_unchecked(&mut f[42..]).emit(100);
    f[50..].copy_from_slice(inner);
    f
}

fn bench(c: &mut Criterion) {
    let view = View::new(&cfg());
    let macs = MacTable::new(1024);
    let ctr = Counters::new();
    macs.learn(100, &H2, Dest::Vtep(u32::from(PEER_IP)), 1);
    macs.learn(100, &H1, Dest::Port(1), 1);
    let mut g = c.benchmark_group("bridge");
    g.throughput(Throughput::Elements(1));
    let cases: Vec<(&str, u16, Vec<u8>)> = vec![
        ("encap_64", 1, inner(H2, H1, 64)),
        ("encap_9014", 1, inner(H2, H1, 9014)),
        ("decap_64", 9, vxlan(&inner(H1, H2, 64))),
        ("decap_9014", 9, vxlan(&inner(H1, H2, 9014))),
        ("flood_3_copies_64", 1, inner(Mac::BROADCAST, H1, 64)),
    ];
    for (name, port, frame) in cases {
        let mut sink = Recycle(Some(VecPacket::new(&frame)));
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut p = sink.0.take().expect("recycled packet");
                p.reset(&frame);
                process(&view, &macs, 1, port, p, &mut sink, &ctr);
            })
        });
    }
    // Bursts: 16 source MACs in turn (02:00:00:01:00:0X), one destination.
    let src = |i: usize| [0x02, 0, 0, 0x01, 0, (i % 16) as u8];
    let bursts: Vec<(&str, u16, Vec<Vec<u8>>)> = vec![
        (
            "encap_64_burst32",
            1,
            (0..32).map(|i| inner(H2, Mac(src(i)), 64)).collect(),
        ),
        (
            "decap_64_burst32",
            9,
            (0..32)
                .map(|i| vxlan(&inner(H1, Mac(src(i)), 64)))
                .collect(),
        ),
    ];
    g.throughput(Throughput::Elements(32));
    let mut memo = Memo::default();
    for (name, port, frames) in bursts {
        let mut sink = Many(frames.iter().map(|f| VecPacket::new(f)).collect());
        // Last iteration's packets move here, so neither vector reallocates.
        let mut spare: Vec<VecPacket> = Vec::with_capacity(frames.len());
        let input = view.input(port);
        g.bench_function(name, |b| {
            b.iter(|| {
                std::mem::swap(&mut sink.0, &mut spare);
                let mut fdb = Fdb::new(&macs, &mut memo, 1);
                let pkts = spare.drain(..).zip(&frames).map(|(mut p, f)| {
                    p.reset(f);
                    p
                });
                process_burst(&view, &mut fdb, input, pkts, &mut sink, &ctr);
            })
        });
    }
    g.finish();
}

/// Keeps a burst's transmitted packets for the next iteration.
struct Many(Vec<VecPacket>);

impl Sink<VecPacket> for Many {
    fn tx(&mut self, port: u16, pkt: VecPacket) {
        black_box(port);
        self.0.push(pkt);
    }
    fn punt(&mut self, pkt: VecPacket) {
        self.0.push(pkt);
    }
    fn drop(&mut self, _pkt: VecPacket, why: DropReason) {
        panic!("bench frame dropped: {}", why.name());
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
