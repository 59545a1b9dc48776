//! UDP (RFC 768) and VXLAN (RFC 7348) over it.

use crate::checksum::ones_complement_sum;
use crate::ipv4::{ip_proto, Ipv4};

impl Ipv4 {
    /// A UDP datagram in this packet.
    pub fn udp(self, sport: u16, dport: u16) -> Udp {
        Udp::new(self, sport, dport)
    }
}

/// The IANA VXLAN port.
pub const VXLAN_PORT: u16 = 4789;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checksum {
    /// 0: none, as VXLAN senders do.
    Zero,
    /// Over the pseudo-header, the UDP header and the payload.
    Right,
    Value(u16),
}

/// A UDP datagram being built: length right and checksum 0 unless set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Udp {
    ip: Ipv4,
    sport: u16,
    dport: u16,
    len: Option<u16>,
    checksum: Checksum,
    payload: Vec<u8>,
}

impl Udp {
    pub(crate) fn new(ip: Ipv4, sport: u16, dport: u16) -> Udp {
        Udp {
            ip,
            sport,
            dport,
            len: None,
            checksum: Checksum::Zero,
            payload: Vec::new(),
        }
    }

    pub fn payload(mut self, payload: &[u8]) -> Udp {
        self.payload = payload.to_vec();
        self
    }
    /// `n` zero bytes of payload.
    pub fn payload_len(self, n: usize) -> Udp {
        self.payload(&vec![0; n])
    }
    /// The length field as given, instead of the real one.
    pub fn len(mut self, len: u16) -> Udp {
        self.len = Some(len);
        self
    }
    /// The real checksum (with the IPv4 pseudo-header; 0 sent as 0xffff).
    pub fn right_checksum(mut self) -> Udp {
        self.checksum = Checksum::Right;
        self
    }
    /// This checksum value, right or not.
    pub fn checksum(mut self, value: u16) -> Udp {
        self.checksum = Checksum::Value(value);
        self
    }

    /// The frame.
    pub fn build(self) -> Vec<u8> {
        let len = self.len.unwrap_or((8 + self.payload.len()) as u16);
        let mut d = Vec::with_capacity(8 + self.payload.len());
        d.extend_from_slice(&self.sport.to_be_bytes());
        d.extend_from_slice(&self.dport.to_be_bytes());
        d.extend_from_slice(&len.to_be_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(&self.payload);
        let c = match self.checksum {
            Checksum::Zero => 0,
            Checksum::Value(v) => v,
            Checksum::Right => {
                let (src, dst) = self.ip.addrs();
                let mut pseudo = Vec::with_capacity(12 + d.len());
                pseudo.extend_from_slice(&src.octets());
                pseudo.extend_from_slice(&dst.octets());
                pseudo.extend_from_slice(&[0, ip_proto::UDP]);
                pseudo.extend_from_slice(&((8 + self.payload.len()) as u16).to_be_bytes());
                pseudo.extend_from_slice(&d);
                match !ones_complement_sum(&pseudo) {
                    0 => 0xffff,
                    c => c,
                }
            }
        };
        d[6..8].copy_from_slice(&c.to_be_bytes());
        self.ip.protocol_or(ip_proto::UDP).payload(&d)
    }

    /// A VXLAN header with VNI `vni` in this datagram; wrap a frame in it.
    pub fn vxlan(self, vni: u32) -> Vxlan {
        assert!(vni < 1 << 24, "VNI {vni:#x} is 24 bits");
        Vxlan {
            udp: self,
            flags: 0x08,
            reserved0: [0; 3],
            vni,
            reserved1: 0,
        }
    }
}

/// A VXLAN header being built: flags 0x08 (I), reserved bytes 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vxlan {
    udp: Udp,
    flags: u8,
    reserved0: [u8; 3],
    vni: u32,
    reserved1: u8,
}

impl Vxlan {
    pub fn flags(mut self, flags: u8) -> Vxlan {
        self.flags = flags;
        self
    }
    /// The three reserved bytes after the flags.
    pub fn reserved0(mut self, r: [u8; 3]) -> Vxlan {
        self.reserved0 = r;
        self
    }
    /// The reserved byte after the VNI.
    pub fn reserved1(mut self, r: u8) -> Vxlan {
        self.reserved1 = r;
        self
    }

    /// The outer frame carrying `inner` (an Ethernet frame, sent as is).
    pub fn wrap(self, inner: &[u8]) -> Vec<u8> {
        assert!(self.udp.payload.is_empty(), "VXLAN wraps the payload");
        let mut p = Vec::with_capacity(8 + inner.len());
        p.push(self.flags);
        p.extend_from_slice(&self.reserved0);
        p.extend_from_slice(&self.vni.to_be_bytes()[1..]);
        p.push(self.reserved1);
        p.extend_from_slice(inner);
        self.udp.payload(&p).build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{internet_checksum, Eth, Mac};

    const A: Mac = [0x02, 0, 0, 0, 0, 0x0a];
    const B: Mac = [0x02, 0, 0, 0, 0, 0x0b];

    #[test]
    fn udp_header_and_lengths() {
        let f = Eth::new(A, B)
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2])
            .udp(1000, 9)
            .payload(&[1, 2, 3, 4])
            .build();
        assert_eq!(f.len(), 60);
        assert_eq!(&f[16..18], &[0, 32], "IP length excludes the padding");
        assert_eq!(f[23], 17);
        assert_eq!(&f[34..46], &[0x03, 0xe8, 0, 9, 0, 12, 0, 0, 1, 2, 3, 4]);
        let f = Eth::new(A, B)
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2])
            .protocol(6)
            .udp(1, 2)
            .len(99)
            .checksum(0xbeef)
            .build();
        assert_eq!((f[23], f[39], f[40], f[41]), (6, 99, 0xbe, 0xef));
    }

    #[test]
    fn udp_checksum_verifies_over_the_pseudo_header() {
        let f = Eth::new(A, B)
            .ipv4([192, 0, 2, 1], [198, 51, 100, 7])
            .udp(53, 40000)
            .payload(b"odd")
            .right_checksum()
            .build();
        let mut pseudo = f[26..34].to_vec();
        pseudo.extend_from_slice(&[0, 17, 0, 11]);
        pseudo.extend_from_slice(&f[34..45]);
        assert_eq!(internet_checksum(&pseudo), 0);
        assert_ne!(&f[40..42], &[0, 0]);
    }

    #[test]
    fn vxlan_outer_by_hand() {
        let inner = Eth::new(A, B).payload(0x0800, &[]);
        let f = Eth::new(A, B)
            .ipv4([192, 168, 24, 5], [192, 168, 24, 4])
            .df()
            .udp(50000, VXLAN_PORT)
            .vxlan(0x12_3456)
            .wrap(&inner);
        assert_eq!(f.len(), 50 + 60);
        assert_eq!(&f[14..24], &[0x45, 0, 0, 96, 0, 0, 0x40, 0, 64, 17]);
        assert_eq!(internet_checksum(&f[14..34]), 0);
        assert_eq!(&f[34..42], &[0xc3, 0x50, 0x12, 0xb5, 0, 76, 0, 0]);
        assert_eq!(&f[42..50], &[0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
        assert_eq!(&f[50..], &inner[..]);
        let odd = Eth::new(A, B)
            .ipv4([1, 1, 1, 1], [2, 2, 2, 2])
            .udp(1, 2)
            .vxlan(1)
            .flags(0)
            .reserved0([1, 2, 3])
            .reserved1(0xff)
            .wrap(&[]);
        assert_eq!(&odd[42..50], &[0, 1, 2, 3, 0, 0, 1, 0xff]);
    }
}
