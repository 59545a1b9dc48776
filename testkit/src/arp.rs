//! ARP and RARP bodies (RFC 826, RFC 903), every field settable.

use crate::ethernet::{ethertype, Eth, Mac};

impl Eth {
    /// An ARP packet (EtherType 0x0806) in this frame.
    pub fn arp(self, arp: &Arp) -> Vec<u8> {
        self.payload(ethertype::ARP, &arp.to_bytes())
    }

    /// An ARP-format packet with the RARP EtherType (0x8035).
    pub fn rarp(self, arp: &Arp) -> Vec<u8> {
        self.payload(ethertype::RARP, &arp.to_bytes())
    }
}
use std::net::Ipv4Addr;

/// An ARP packet's 28 bytes for Ethernet and IPv4; the public fields let
/// a test make any of them wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arp {
    pub htype: u16,
    pub ptype: u16,
    pub hlen: u8,
    pub plen: u8,
    pub op: u16,
    pub sha: Mac,
    pub spa: Ipv4Addr,
    pub tha: Mac,
    pub tpa: Ipv4Addr,
}

impl Arp {
    pub const REQUEST: u16 = 1;
    pub const REPLY: u16 = 2;
    pub const REVERSE_REQUEST: u16 = 3;
    pub const REVERSE_REPLY: u16 = 4;
    /// Bytes of an Ethernet/IPv4 ARP packet.
    pub const LEN: usize = 28;

    /// Any operation, Ethernet/IPv4.
    pub fn new(op: u16, sha: Mac, spa: Ipv4Addr, tha: Mac, tpa: Ipv4Addr) -> Arp {
        Arp {
            htype: 1,
            ptype: ethertype::IPV4,
            hlen: 6,
            plen: 4,
            op,
            sha,
            spa,
            tha,
            tpa,
        }
    }

    /// "Who has `tpa`? Tell `spa` (at `sha`)"; target MAC zero.
    pub fn request(sha: Mac, spa: Ipv4Addr, tpa: Ipv4Addr) -> Arp {
        Arp::new(Arp::REQUEST, sha, spa, [0; 6], tpa)
    }

    /// "`spa` is at `sha`", to `tha`/`tpa`.
    pub fn reply(sha: Mac, spa: Ipv4Addr, tha: Mac, tpa: Ipv4Addr) -> Arp {
        Arp::new(Arp::REPLY, sha, spa, tha, tpa)
    }

    /// A gratuitous ARP in the request form (RFC 5227 announcement):
    /// sender and target IP both `ip`, target MAC zero.
    pub fn gratuitous(sha: Mac, ip: Ipv4Addr) -> Arp {
        Arp::new(Arp::REQUEST, sha, ip, [0; 6], ip)
    }

    /// A RARP reverse request as ESXi sends after a vMotion: sender and
    /// target hardware address `mac`, both IPs 0.0.0.0.
    pub fn rarp_request(mac: Mac) -> Arp {
        let any = Ipv4Addr::UNSPECIFIED;
        Arp::new(Arp::REVERSE_REQUEST, mac, any, mac, any)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(Arp::LEN);
        b.extend_from_slice(&self.htype.to_be_bytes());
        b.extend_from_slice(&self.ptype.to_be_bytes());
        b.push(self.hlen);
        b.push(self.plen);
        b.extend_from_slice(&self.op.to_be_bytes());
        b.extend_from_slice(&self.sha);
        b.extend_from_slice(&self.spa.octets());
        b.extend_from_slice(&self.tha);
        b.extend_from_slice(&self.tpa.octets());
        b
    }

    /// Reads the 28 bytes back (any values; at least 28 bytes).
    pub fn from_bytes(b: &[u8]) -> Arp {
        assert!(b.len() >= Arp::LEN, "ARP body of {} bytes", b.len());
        let be16 = |at: usize| u16::from_be_bytes([b[at], b[at + 1]]);
        let ip = |at: usize| Ipv4Addr::new(b[at], b[at + 1], b[at + 2], b[at + 3]);
        let mac = |at: usize| -> Mac { b[at..at + 6].try_into().unwrap() };
        Arp {
            htype: be16(0),
            ptype: be16(2),
            hlen: b[4],
            plen: b[5],
            op: be16(6),
            sha: mac(8),
            spa: ip(14),
            tha: mac(18),
            tpa: ip(24),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Eth, BROADCAST};

    const VM: Mac = [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58];

    #[test]
    fn request_by_hand() {
        let spa = Ipv4Addr::new(100, 1, 1, 30);
        let tpa = Ipv4Addr::new(100, 1, 1, 1);
        let f = Eth::new(BROADCAST, VM).arp(&Arp::request(VM, spa, tpa));
        #[rustfmt::skip]
        let want = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // dst
            0x00, 0x50, 0x56, 0xb9, 0x55, 0x58, // src
            0x08, 0x06,                         // ARP
            0x00, 0x01, 0x08, 0x00, 6, 4,       // Ethernet, IPv4, 6, 4
            0x00, 0x01,                         // request
            0x00, 0x50, 0x56, 0xb9, 0x55, 0x58, 100, 1, 1, 30, // sender
            0, 0, 0, 0, 0, 0, 100, 1, 1, 1,     // target
        ];
        assert_eq!(&f[..42], &want);
        assert_eq!(f.len(), 60);
        assert!(f[42..].iter().all(|&b| b == 0));
        assert_eq!(Arp::from_bytes(&f[14..]), Arp::request(VM, spa, tpa));
    }

    #[test]
    fn rarp_announcement_by_hand() {
        let f = Eth::new(BROADCAST, VM).rarp(&Arp::rarp_request(VM));
        let mut want = vec![0xff; 6];
        want.extend_from_slice(&VM);
        want.extend_from_slice(&[0x80, 0x35, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x03]);
        want.extend_from_slice(&VM);
        want.extend_from_slice(&[0, 0, 0, 0]);
        want.extend_from_slice(&VM);
        want.extend_from_slice(&[0, 0, 0, 0]);
        want.resize(60, 0);
        assert_eq!(f, want);
    }

    #[test]
    fn reply_and_gratuitous() {
        let ip = Ipv4Addr::new(192, 168, 24, 4);
        let r = Arp::reply(VM, ip, BROADCAST, ip).to_bytes();
        assert_eq!(&r[6..8], &[0, 2]);
        assert_eq!(&r[18..24], &BROADCAST);
        let g = Arp::gratuitous(VM, ip);
        assert_eq!((g.op, g.spa, g.tpa, g.tha), (1, ip, ip, [0; 6]));
    }
}
