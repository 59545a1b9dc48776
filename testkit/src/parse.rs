//! Readers for asserting on frames the product sent. They panic with the
//! field's name on anything out of shape: a test failure, not a parse
//! result.

use crate::arp::Arp;
use crate::checksum::internet_checksum;
use crate::ethernet::{ethertype, Mac, Tag};
use crate::udp::VXLAN_PORT;
use std::net::Ipv4Addr;

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn ip_at(b: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(b[at], b[at + 1], b[at + 2], b[at + 3])
}

/// An Ethernet header, its tags and where the payload starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ethernet<'a> {
    pub dst: Mac,
    pub src: Mac,
    /// Outermost first (TPID 0x8100 or 0x88a8).
    pub tags: Vec<Tag>,
    pub ethertype: u16,
    /// Everything after the EtherType, padding included.
    pub payload: &'a [u8],
}

/// Reads the MACs, any 802.1Q/802.1ad tags and the EtherType.
pub fn parse_eth(f: &[u8]) -> Ethernet<'_> {
    assert!(f.len() >= 14, "short Ethernet frame ({} bytes)", f.len());
    let mut at = 12;
    let mut tags = Vec::new();
    while matches!(be16(f, at), ethertype::VLAN | ethertype::QINQ) {
        assert!(f.len() >= at + 6, "short tag at {at}");
        let tci = be16(f, at + 2);
        tags.push(Tag {
            tpid: be16(f, at),
            pcp: (tci >> 13) as u8,
            dei: tci & 0x1000 != 0,
            vid: tci & 0x0fff,
        });
        at += 4;
    }
    Ethernet {
        dst: f[0..6].try_into().unwrap(),
        src: f[6..12].try_into().unwrap(),
        tags,
        ethertype: be16(f, at),
        payload: &f[at + 2..],
    }
}

/// Recomputes the header checksum of the IPv4 packet in `f` (after any
/// tags), for a test that changed a header byte and wants only that
/// change to count.
pub fn fix_ipv4_checksum(f: &mut [u8]) {
    let at = f.len() - parse_eth(f).payload.len();
    let hl = (usize::from(f[at] & 0x0f) * 4).min(f.len() - at);
    f[at + 10] = 0;
    f[at + 11] = 0;
    let c = internet_checksum(&f[at..at + hl]);
    f[at + 10..at + 12].copy_from_slice(&c.to_be_bytes());
}

/// An IPv4 header as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Header<'a> {
    pub version: u8,
    /// Header length in bytes.
    pub header_len: usize,
    pub tos: u8,
    pub total_len: u16,
    pub ident: u16,
    pub df: bool,
    pub mf: bool,
    pub frag_offset: u16,
    pub ttl: u8,
    pub protocol: u8,
    pub checksum: u16,
    /// Whether the header checksum verifies.
    pub checksum_ok: bool,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub options: &'a [u8],
    /// The payload up to the total length (padding left out).
    pub payload: &'a [u8],
}

/// Reads an IPv4 packet (`p` starts at the version byte); lengths must
/// fit in `p`.
pub fn parse_ipv4(p: &[u8]) -> Ipv4Header<'_> {
    assert!(p.len() >= 20, "short IPv4 header ({} bytes)", p.len());
    let header_len = usize::from(p[0] & 0x0f) * 4;
    let total_len = be16(p, 2);
    assert!(header_len >= 20, "IHL {header_len} bytes");
    assert!(
        header_len <= usize::from(total_len) && usize::from(total_len) <= p.len(),
        "IPv4 total length {total_len}, header {header_len}, {} bytes there",
        p.len()
    );
    let flags = be16(p, 6);
    Ipv4Header {
        version: p[0] >> 4,
        header_len,
        tos: p[1],
        total_len,
        ident: be16(p, 4),
        df: flags & 0x4000 != 0,
        mf: flags & 0x2000 != 0,
        frag_offset: flags & 0x1fff,
        ttl: p[8],
        protocol: p[9],
        checksum: be16(p, 10),
        checksum_ok: internet_checksum(&p[..header_len]) == 0,
        src: ip_at(p, 12),
        dst: ip_at(p, 16),
        options: &p[20..header_len],
        payload: &p[header_len..usize::from(total_len)],
    }
}

/// A UDP header as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpHeader<'a> {
    pub sport: u16,
    pub dport: u16,
    pub len: u16,
    pub checksum: u16,
    /// The payload up to the length field.
    pub payload: &'a [u8],
}

/// Reads a UDP datagram (`d` starts at the source port).
pub fn parse_udp(d: &[u8]) -> UdpHeader<'_> {
    assert!(d.len() >= 8, "short UDP header");
    let len = be16(d, 4);
    assert!(
        (8..=d.len()).contains(&usize::from(len)),
        "UDP length {len}, {} bytes there",
        d.len()
    );
    UdpHeader {
        sport: be16(d, 0),
        dport: be16(d, 2),
        len,
        checksum: be16(d, 6),
        payload: &d[8..usize::from(len)],
    }
}

/// The Ethernet header and ARP body of an ARP or RARP frame.
pub fn parse_arp(f: &[u8]) -> (Ethernet<'_>, Arp) {
    let eth = parse_eth(f);
    assert!(
        matches!(eth.ethertype, ethertype::ARP | ethertype::RARP),
        "not ARP: EtherType {:#06x}",
        eth.ethertype
    );
    let arp = Arp::from_bytes(eth.payload);
    (eth, arp)
}

/// The fields of a VXLAN frame the product sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outer {
    pub dst_mac: Mac,
    pub src_mac: Mac,
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub tos: u8,
    pub ident: u16,
    /// The flags and fragment offset word (0x4000: DF alone).
    pub flags_frag: u16,
    pub ttl: u8,
    pub sport: u16,
    pub vni: u32,
    pub inner: Vec<u8>,
}

/// Reads an untagged VXLAN frame, asserting the RFC 7348 shape a VTEP
/// sends: IPv4 without options, lengths that match the frame, DF set, a
/// right header checksum, UDP to 4789 from the dynamic range with checksum
/// 0, the I flag alone and reserved bytes zero.
pub fn parse_vxlan(f: &[u8]) -> Outer {
    assert!(f.len() >= 50, "short VXLAN frame");
    assert_eq!(&f[12..14], &[0x08, 0x00], "outer EtherType");
    assert_eq!(f[14], 0x45, "outer IPv4 without options");
    assert_eq!(usize::from(be16(f, 16)), f.len() - 14, "outer IP length");
    assert_eq!(f[20] & 0x40, 0x40, "DF set");
    assert_eq!(f[23], 17, "UDP");
    assert_eq!(internet_checksum(&f[14..34]), 0, "outer IPv4 checksum");
    assert_eq!(be16(f, 36), VXLAN_PORT, "UDP destination port");
    assert_eq!(usize::from(be16(f, 38)), f.len() - 34, "UDP length");
    assert_eq!(&f[40..42], &[0, 0], "UDP checksum 0");
    let sport = be16(f, 34);
    assert!(sport >= 49152, "source port {sport} outside 49152-65535");
    assert_eq!(&f[42..46], &[0x08, 0, 0, 0], "VXLAN flags and reserved");
    assert_eq!(f[49], 0, "VXLAN reserved byte");
    Outer {
        dst_mac: f[0..6].try_into().unwrap(),
        src_mac: f[6..12].try_into().unwrap(),
        src_ip: ip_at(f, 26),
        dst_ip: ip_at(f, 30),
        tos: f[15],
        ident: be16(f, 18),
        flags_frag: be16(f, 20),
        ttl: f[22],
        sport,
        vni: u32::from_be_bytes([0, f[46], f[47], f[48]]),
        inner: f[50..].to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{icmp, Eth, BROADCAST};

    const A: Mac = [0x02, 0, 0, 0, 0, 0x0a];
    const B: Mac = [0x02, 0, 0, 0, 0, 0x0b];

    #[test]
    fn reads_back_what_the_builders_wrote() {
        let f = Eth::new(A, B)
            .tag_tpid(ethertype::QINQ, 1, false, 20)
            .tag(5, true, 100)
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2])
            .ident(7)
            .df()
            .ttl(9)
            .options(&[1, 1, 1, 0])
            .icmp(&icmp::echo_request(1, 2, &[3]));
        let e = parse_eth(&f);
        assert_eq!((e.dst, e.src, e.ethertype), (A, B, 0x0800));
        assert_eq!(e.tags.len(), 2);
        assert_eq!(
            (e.tags[1].pcp, e.tags[1].dei, e.tags[1].vid),
            (5, true, 100)
        );
        let ip = parse_ipv4(e.payload);
        assert_eq!(
            (ip.header_len, ip.ident, ip.df, ip.mf, ip.ttl),
            (24, 7, true, false, 9)
        );
        assert!(ip.checksum_ok);
        assert_eq!(ip.options, &[1, 1, 1, 0]);
        assert_eq!(ip.payload, &icmp::echo_request(1, 2, &[3])[..]);
        let mut g = f.clone();
        g[26] = 1; // TTL
        assert!(!parse_ipv4(parse_eth(&g).payload).checksum_ok);
        fix_ipv4_checksum(&mut g);
        assert!(parse_ipv4(parse_eth(&g).payload).checksum_ok);
        let ip = Ipv4Addr::new(1, 2, 3, 4);
        let g = Eth::new(BROADCAST, A).arp(&crate::Arp::gratuitous(A, ip));
        let (eth, arp) = parse_arp(&g);
        assert_eq!((eth.dst, arp.op, arp.tpa), (BROADCAST, 1, ip));
    }

    #[test]
    fn vxlan_round_trip_and_shape() {
        let inner = Eth::new(A, B).vlan(10).payload(0x0800, &[9; 50]);
        let f = Eth::new(B, A)
            .ipv4([192, 168, 24, 4], [239, 1, 1, 10])
            .df()
            .ttl(16)
            .udp(49999, 4789)
            .vxlan(10)
            .wrap(&inner);
        let o = parse_vxlan(&f);
        assert_eq!(
            (o.dst_mac, o.src_mac, o.vni, o.ttl, o.sport),
            (B, A, 10, 16, 49999)
        );
        assert_eq!(o.dst_ip, Ipv4Addr::new(239, 1, 1, 10));
        assert_eq!(o.inner, inner);
        assert_eq!((o.flags_frag, o.tos, o.ident), (0x4000, 0, 0));
        let u = parse_udp(parse_ipv4(parse_eth(&f).payload).payload);
        assert_eq!((u.dport, usize::from(u.len)), (4789, 16 + inner.len()));
    }

    #[test]
    #[should_panic(expected = "source port")]
    fn vxlan_shape_is_asserted() {
        let f = Eth::new(B, A)
            .ipv4([1, 1, 1, 1], [2, 2, 2, 2])
            .df()
            .udp(50, 4789)
            .vxlan(1)
            .wrap(&[0; 14]);
        parse_vxlan(&f);
    }
}
