//! IPv4 (RFC 791): every header field settable, the checksum right unless
//! a test asks for it wrong.

use crate::checksum::internet_checksum;
use crate::ethernet::{ethertype, Eth};
use std::net::Ipv4Addr;

// The builder chain is defined where each step's type lives, so the
// modules depend one way: ethernet <- ipv4 <- udp.
impl Eth {
    /// An IPv4 packet from `src` to `dst` in this frame.
    pub fn ipv4(self, src: impl Into<Ipv4Addr>, dst: impl Into<Ipv4Addr>) -> Ipv4 {
        Ipv4::new(self, src.into(), dst.into())
    }
}

/// IP protocol numbers the tests use.
pub mod ip_proto {
    pub const ICMP: u8 = 1;
    pub const IGMP: u8 = 2;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
}

/// The Router Alert option (RFC 2113) IGMP carries.
pub const ROUTER_ALERT: [u8; 4] = [0x94, 0x04, 0x00, 0x00];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checksum {
    Right,
    /// The right value with its lowest bit flipped: wrong however the
    /// receiver sums (0x0000 and 0xffff never swap this way).
    Wrong,
    Value(u16),
}

/// An IPv4 header being built. Defaults: no options, TOS 0, ident 0, no
/// flags, offset 0, TTL 64, the protocol of the layer that follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4 {
    eth: Eth,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    version_ihl: Option<u8>,
    tos: u8,
    total_len: Option<u16>,
    ident: u16,
    df: bool,
    mf: bool,
    reserved_flag: bool,
    frag_offset: u16,
    ttl: u8,
    protocol: Option<u8>,
    checksum: Checksum,
    options: Vec<u8>,
}

impl Ipv4 {
    pub(crate) fn new(eth: Eth, src: Ipv4Addr, dst: Ipv4Addr) -> Ipv4 {
        Ipv4 {
            eth,
            src,
            dst,
            version_ihl: None,
            tos: 0,
            total_len: None,
            ident: 0,
            df: false,
            mf: false,
            reserved_flag: false,
            frag_offset: 0,
            ttl: 64,
            protocol: None,
            checksum: Checksum::Right,
            options: Vec::new(),
        }
    }

    /// The first byte as given, instead of version 4 and the real IHL.
    pub fn version_ihl(mut self, b: u8) -> Ipv4 {
        self.version_ihl = Some(b);
        self
    }
    /// DSCP and ECN.
    pub fn tos(mut self, tos: u8) -> Ipv4 {
        self.tos = tos;
        self
    }
    /// The total length as given, instead of the real one.
    pub fn total_len(mut self, len: u16) -> Ipv4 {
        self.total_len = Some(len);
        self
    }
    pub fn ident(mut self, ident: u16) -> Ipv4 {
        self.ident = ident;
        self
    }
    /// Don't fragment.
    pub fn df(mut self) -> Ipv4 {
        self.df = true;
        self
    }
    /// More fragments.
    pub fn mf(mut self) -> Ipv4 {
        self.mf = true;
        self
    }
    /// The reserved ("evil") flag bit.
    pub fn reserved_flag(mut self) -> Ipv4 {
        self.reserved_flag = true;
        self
    }
    /// Fragment offset in 8-byte units (13 bits).
    pub fn frag_offset(mut self, units: u16) -> Ipv4 {
        assert!(units <= 0x1fff, "fragment offset {units} is 13 bits");
        self.frag_offset = units;
        self
    }
    pub fn ttl(mut self, ttl: u8) -> Ipv4 {
        self.ttl = ttl;
        self
    }
    /// The protocol as given, also under a UDP, ICMP or IGMP payload.
    pub fn protocol(mut self, p: u8) -> Ipv4 {
        self.protocol = Some(p);
        self
    }
    /// Options after the 20 bytes (a multiple of 4 unless the test wants
    /// a header that lies).
    pub fn options(mut self, options: &[u8]) -> Ipv4 {
        self.options = options.to_vec();
        self
    }
    /// The Router Alert option, as IGMP sends it.
    pub fn router_alert(self) -> Ipv4 {
        self.options(&ROUTER_ALERT)
    }
    /// A header checksum that does not verify.
    pub fn wrong_checksum(mut self) -> Ipv4 {
        self.checksum = Checksum::Wrong;
        self
    }
    /// This checksum value, right or not.
    pub fn checksum(mut self, value: u16) -> Ipv4 {
        self.checksum = Checksum::Value(value);
        self
    }

    /// The protocol set, else `p`.
    pub(crate) fn protocol_or(mut self, p: u8) -> Ipv4 {
        self.protocol = Some(self.protocol.unwrap_or(p));
        self
    }

    /// Source and destination, for pseudo-headers.
    pub(crate) fn addrs(&self) -> (Ipv4Addr, Ipv4Addr) {
        (self.src, self.dst)
    }

    /// The header for `payload_len` bytes of payload of `default_proto`.
    fn header(&self, payload_len: usize, default_proto: u8) -> Vec<u8> {
        let hl = 20 + self.options.len();
        let mut h = Vec::with_capacity(hl);
        h.push(self.version_ihl.unwrap_or(0x40 | (hl / 4) as u8));
        h.push(self.tos);
        let total = self.total_len.unwrap_or((hl + payload_len) as u16);
        h.extend_from_slice(&total.to_be_bytes());
        h.extend_from_slice(&self.ident.to_be_bytes());
        let flags = (u16::from(self.reserved_flag) << 15)
            | (u16::from(self.df) << 14)
            | (u16::from(self.mf) << 13)
            | self.frag_offset;
        h.extend_from_slice(&flags.to_be_bytes());
        h.push(self.ttl);
        h.push(self.protocol.unwrap_or(default_proto));
        h.extend_from_slice(&[0, 0]);
        h.extend_from_slice(&self.src.octets());
        h.extend_from_slice(&self.dst.octets());
        h.extend_from_slice(&self.options);
        // Over the header the IHL claims, which a test may have made a lie.
        let covered = (usize::from(h[0] & 0x0f) * 4).min(h.len());
        let right = internet_checksum(&h[..covered]);
        let c = match self.checksum {
            Checksum::Right => right,
            Checksum::Wrong => right ^ 0x0001,
            Checksum::Value(v) => v,
        };
        h[10..12].copy_from_slice(&c.to_be_bytes());
        h
    }

    fn carry(self, default_proto: u8, payload: &[u8]) -> Vec<u8> {
        let mut p = self.header(payload.len(), default_proto);
        p.extend_from_slice(payload);
        self.eth.payload(ethertype::IPV4, &p)
    }

    /// The frame with `payload` after this header, protocol 0 unless set
    /// with [`Ipv4::protocol`].
    pub fn payload(self, payload: &[u8]) -> Vec<u8> {
        self.carry(0, payload)
    }

    /// An ICMP message (as [`crate::icmp`] builds it) in this packet.
    pub fn icmp(self, message: &[u8]) -> Vec<u8> {
        self.carry(ip_proto::ICMP, message)
    }

    /// An IGMP message (as [`crate::igmp`] builds it) in this packet; the
    /// TTL 1 and Router Alert of real IGMP are the caller's to set.
    pub fn igmp(self, message: &[u8]) -> Vec<u8> {
        self.carry(ip_proto::IGMP, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Mac;

    const A: Mac = [0x02, 0, 0, 0, 0, 0x0a];
    const B: Mac = [0x02, 0, 0, 0, 0, 0x0b];

    #[test]
    fn classic_header_with_its_known_checksum() {
        let f = Eth::new(A, B)
            .ipv4([192, 168, 0, 1], [192, 168, 0, 199])
            .df()
            .protocol(ip_proto::UDP)
            .payload(&[0; 0x73 - 20]);
        assert_eq!(
            f[14..34],
            [
                0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7
            ]
        );
        assert_eq!(&f[12..14], &[0x08, 0x00]);
    }

    #[test]
    fn every_field_and_a_wrong_checksum() {
        let ip = Eth::new(A, B)
            .ipv4([10, 0, 0, 1], [224, 0, 0, 22])
            .tos(0xb8)
            .ident(0x1234)
            .mf()
            .frag_offset(185)
            .ttl(1)
            .router_alert();
        let f = ip.clone().igmp(&[0x11, 0, 0xee, 0xff, 0, 0, 0, 0]);
        assert_eq!(
            f[14..26],
            [0x46, 0xb8, 0, 32, 0x12, 0x34, 0x20, 185, 1, 2, f[24], f[25]]
        );
        assert_eq!(&f[34..38], &ROUTER_ALERT);
        assert_eq!(internet_checksum(&f[14..38]), 0);
        let bad = ip.clone().wrong_checksum().igmp(&[0; 8]);
        assert_ne!(internet_checksum(&bad[14..38]), 0);
        assert_eq!(
            bad[24..26],
            (u16::from_be_bytes([f[24], f[25]]) ^ 1).to_be_bytes()
        );
        let set = ip
            .checksum(0xabcd)
            .total_len(9)
            .version_ihl(0x65)
            .igmp(&[0; 8]);
        assert_eq!((set[14], set[17], set[24], set[25]), (0x65, 9, 0xab, 0xcd));
        // A lying IHL of 16 bytes: the checksum covers those 16.
        let short = Eth::new(A, B)
            .ipv4([1, 1, 1, 1], [2, 2, 2, 2])
            .version_ihl(0x44);
        let short = short.payload(&[]);
        assert_eq!(internet_checksum(&short[14..30]), 0);
        let flags = Eth::new(A, B).ipv4([1, 1, 1, 1], [2, 2, 2, 2]);
        let flags = flags.df().reserved_flag().payload(&[]);
        assert_eq!((flags[20], flags[21], flags[23]), (0xc0, 0, 0));
    }
}
