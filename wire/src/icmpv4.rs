//! ICMP echo (RFC 792): the request the control thread answers, and its
//! reply.

use crate::ethernet::{self, ethertype, pad};
use crate::ipv4::{self, protocol};
use crate::{be16, byte, checksum, Mac};
use std::net::Ipv4Addr;

/// Byte offsets of an ICMP echo message.
pub mod field {
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: usize = 2;
    pub const IDENT: usize = 4;
    pub const SEQ: usize = 6;
    pub const PAYLOAD: usize = 8;
    pub const TYPE_ECHO_REPLY: u8 = 0;
    pub const TYPE_ECHO_REQUEST: u8 = 8;
}

/// A parsed ICMP echo request, borrowing its payload from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoRequest<'a> {
    pub eth_src: Mac,
    pub eth_dst: Mac,
    pub vlan: Option<u16>,
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub tos: u8,
    pub ident: u16,
    pub seq: u16,
    pub payload: &'a [u8],
}

/// Parses an IPv4 ICMP echo request: optional 802.1Q tag, IPv4 options
/// allowed, IPv4 header checksum and ICMP checksum verified, fragments
/// rejected. Whether `dst_ip` is ours is the caller's decision.
pub fn parse_echo_request(frame: &[u8]) -> Option<EchoRequest<'_>> {
    let (eth, packet) = ethernet::Repr::parse(frame)?;
    if eth.ethertype != ethertype::IPV4 {
        return None;
    }
    let (ip, _options, icmp) = ipv4::Repr::parse(packet)?;
    if ip.protocol != protocol::ICMP
        || icmp.len() < field::PAYLOAD
        || byte(icmp, field::TYPE)? != field::TYPE_ECHO_REQUEST
        || byte(icmp, field::CODE)? != 0
        || !checksum::verify(icmp)
    {
        return None;
    }
    Some(EchoRequest {
        eth_src: eth.src,
        eth_dst: eth.dst,
        vlan: eth.vlan,
        src_ip: ip.src,
        dst_ip: ip.dst,
        tos: ip.tos,
        ident: be16(icmp, field::IDENT)?,
        seq: be16(icmp, field::SEQ)?,
        payload: icmp.get(field::PAYLOAD..)?,
    })
}

impl EchoRequest<'_> {
    /// The echo reply: MACs and IPs swapped (source MAC `our_mac`), same
    /// VLAN, TOS, identifier, sequence and payload; a 20-byte IPv4 header
    /// with identification `ip_ident`, TTL 64; both checksums computed.
    pub fn reply(&self, our_mac: Mac, ip_ident: u16) -> Vec<u8> {
        let icmp_len = field::PAYLOAD + self.payload.len();
        let mut f =
            Vec::with_capacity(ethernet::TAGGED_HEADER_LEN + ipv4::MIN_HEADER_LEN + icmp_len);
        ethernet::Repr {
            dst: self.eth_src,
            src: our_mac,
            vlan: self.vlan,
            ethertype: ethertype::IPV4,
        }
        .emit(&mut f);
        let ip = ipv4::Repr {
            src: self.dst_ip,
            dst: self.src_ip,
            protocol: protocol::ICMP,
            ttl: ipv4::DEFAULT_TTL,
            tos: self.tos,
            ident: ip_ident,
        };
        ip.emit(&mut f, false, &[], icmp_len);
        let start = f.len();
        f.push(field::TYPE_ECHO_REPLY);
        f.push(0);
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(&self.ident.to_be_bytes());
        f.extend_from_slice(&self.seq.to_be_bytes());
        f.extend_from_slice(self.payload);
        let sum = checksum::checksum(&f[start..]);
        let at = start + field::CHECKSUM;
        f[at..at + 2].copy_from_slice(&sum.to_be_bytes());
        pad(f)
    }
}

#[cfg(test)]
mod tests;
