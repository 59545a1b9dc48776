//! ARP and RARP for Ethernet / IPv4 (RFC 826, RFC 903), the only kind
//! vtep handles.

use crate::ethernet::{self, ethertype, pad, MIN_FRAME_LEN};
use crate::{get_mac, get_u16, get_u32, set_u16, set_u32, Error, Mac, Result};
use std::net::Ipv4Addr;

/// Byte offsets of an Ethernet/IPv4 ARP packet.
pub mod field {
    use crate::Field;
    pub const HTYPE: Field = 0..2;
    pub const PTYPE: Field = 2..4;
    pub const HLEN: usize = 4;
    pub const PLEN: usize = 5;
    pub const OPER: Field = 6..8;
    pub const SHA: Field = 8..14;
    pub const SPA: Field = 14..18;
    pub const THA: Field = 18..24;
    pub const TPA: Field = 24..28;
}

/// The length of an Ethernet/IPv4 ARP packet.
pub const LEN: usize = field::TPA.end;

/// ARP operation codes (RFC 826, RFC 903 for RARP).
pub mod op {
    pub const REQUEST: u16 = 1;
    pub const REPLY: u16 = 2;
    pub const RARP_REQUEST: u16 = 3;
    pub const RARP_REPLY: u16 = 4;
}
const ARP_HTYPE_ETHERNET: u16 = 1;
const ARP_HLEN_ETHERNET: u8 = 6;
const ARP_PLEN_IPV4: u8 = 4;

/// An Ethernet/IPv4 ARP (or RARP) packet; `new_checked` rejects other
/// hardware/protocol address lengths.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Self::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        if b.len() <= field::PLEN {
            return Err(Error::Truncated);
        }
        if b[field::HLEN] != ARP_HLEN_ETHERNET || b[field::PLEN] != ARP_PLEN_IPV4 {
            return Err(Error::Malformed);
        }
        if b.len() < LEN {
            return Err(Error::Truncated);
        }
        Ok(())
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    pub fn hardware_type(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::HTYPE)
    }
    pub fn protocol_type(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::PTYPE)
    }
    pub fn hardware_len(&self) -> u8 {
        self.buffer.as_ref()[field::HLEN]
    }
    pub fn protocol_len(&self) -> u8 {
        self.buffer.as_ref()[field::PLEN]
    }
    #[inline(always)]
    pub fn operation(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::OPER)
    }
    pub fn sender_hw_addr(&self) -> Mac {
        get_mac(self.buffer.as_ref(), field::SHA)
    }
    pub fn sender_proto_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::SPA)
    }
    pub fn sender_proto_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.sender_proto_u32())
    }
    pub fn target_hw_addr(&self) -> Mac {
        get_mac(self.buffer.as_ref(), field::THA)
    }
    /// Target protocol address, host byte order.
    #[inline(always)]
    pub fn target_proto_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::TPA)
    }
    pub fn target_proto_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.target_proto_u32())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_hardware_type(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::HTYPE, v)
    }
    pub fn set_protocol_type(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::PTYPE, v)
    }
    pub fn set_hardware_len(&mut self, v: u8) {
        self.buffer.as_mut()[field::HLEN] = v
    }
    pub fn set_protocol_len(&mut self, v: u8) {
        self.buffer.as_mut()[field::PLEN] = v
    }
    pub fn set_operation(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::OPER, v)
    }
    pub fn set_sender_hw_addr(&mut self, a: Mac) {
        self.buffer.as_mut()[field::SHA].copy_from_slice(&a.0)
    }
    pub fn set_sender_proto_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::SPA, a.into())
    }
    pub fn set_target_hw_addr(&mut self, a: Mac) {
        self.buffer.as_mut()[field::THA].copy_from_slice(&a.0)
    }
    pub fn set_target_proto_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::TPA, a.into())
    }
}

/// ARP operation (ARP proper; RARP's are in [`op`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Request,
    Reply,
}

impl Operation {
    pub fn code(self) -> u16 {
        match self {
            Operation::Request => op::REQUEST,
            Operation::Reply => op::REPLY,
        }
    }
    pub fn from_code(code: u16) -> Option<Operation> {
        match code {
            op::REQUEST => Some(Operation::Request),
            op::REPLY => Some(Operation::Reply),
            _ => None,
        }
    }
}

/// A parsed Ethernet/IPv4 ARP request or reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub op: Operation,
    pub sender_mac: Mac,
    pub sender_ip: Ipv4Addr,
    pub target_mac: Mac,
    pub target_ip: Ipv4Addr,
}

impl Repr {
    /// Length of the ARP body.
    pub const LEN: usize = LEN;

    /// Parses a checked packet: hardware Ethernet, protocol IPv4, a
    /// request or a reply.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        if p.hardware_type() != ARP_HTYPE_ETHERNET || p.protocol_type() != ethertype::IPV4 {
            return Err(Error::Malformed);
        }
        Ok(Repr {
            op: Operation::from_code(p.operation()).ok_or(Error::Malformed)?,
            sender_mac: p.sender_hw_addr(),
            sender_ip: p.sender_proto_addr(),
            target_mac: p.target_hw_addr(),
            target_ip: p.target_proto_addr(),
        })
    }

    /// Parses the 28-byte ARP body that follows the Ethernet header.
    pub fn parse_body(body: &[u8]) -> Option<Repr> {
        Repr::parse(&Packet::new_checked(body).ok()?).ok()
    }

    pub const fn buffer_len(&self) -> usize {
        LEN
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, p: &mut Packet<T>) {
        emit_fields(
            p,
            self.op.code(),
            self.sender_mac,
            self.sender_ip,
            self.target_mac,
            self.target_ip,
        );
    }

    /// A complete frame carrying this ARP packet.
    pub fn to_frame(&self, eth_dst: Mac, eth_src: Mac, vlan: Option<u16>) -> Vec<u8> {
        let mut f = Vec::with_capacity(MIN_FRAME_LEN);
        ethernet::Repr {
            dst: eth_dst,
            src: eth_src,
            vlan,
            ethertype: ethertype::ARP,
        }
        .emit(&mut f);
        let at = f.len();
        f.resize(at + LEN, 0);
        self.emit(&mut Packet::new_unchecked(&mut f[at..]));
        pad(f)
    }
}

fn emit_fields<T: AsRef<[u8]> + AsMut<[u8]>>(
    p: &mut Packet<T>,
    op: u16,
    sha: Mac,
    spa: Ipv4Addr,
    tha: Mac,
    tpa: Ipv4Addr,
) {
    p.set_hardware_type(ARP_HTYPE_ETHERNET);
    p.set_protocol_type(ethertype::IPV4);
    p.set_hardware_len(ARP_HLEN_ETHERNET);
    p.set_protocol_len(ARP_PLEN_IPV4);
    p.set_operation(op);
    p.set_sender_hw_addr(sha);
    p.set_sender_proto_addr(spa);
    p.set_target_hw_addr(tha);
    p.set_target_proto_addr(tpa);
}

/// Parses an ARP frame (EtherType 0x0806, optional 802.1Q tag, opcode
/// request or reply). Returns (Ethernet source, Ethernet destination,
/// VLAN, ARP).
pub fn parse_frame(frame: &[u8]) -> Option<(Mac, Mac, Option<u16>, Repr)> {
    let (eth, body) = ethernet::Repr::parse(frame)?;
    if eth.ethertype != ethertype::ARP {
        return None;
    }
    Some((eth.src, eth.dst, eth.vlan, Repr::parse_body(body)?))
}

/// Broadcast "who has `target_ip`? tell `src_ip`".
pub fn request(src_mac: Mac, src_ip: Ipv4Addr, target_ip: Ipv4Addr, vlan: Option<u16>) -> Vec<u8> {
    Repr {
        op: Operation::Request,
        sender_mac: src_mac,
        sender_ip: src_ip,
        target_mac: Mac::ZERO,
        target_ip,
    }
    .to_frame(Mac::BROADCAST, src_mac, vlan)
}

/// Unicast "`our_ip` is at `our_mac`" to the asker.
pub fn reply(
    our_mac: Mac,
    our_ip: Ipv4Addr,
    to_mac: Mac,
    to_ip: Ipv4Addr,
    vlan: Option<u16>,
) -> Vec<u8> {
    Repr {
        op: Operation::Reply,
        sender_mac: our_mac,
        sender_ip: our_ip,
        target_mac: to_mac,
        target_ip: to_ip,
    }
    .to_frame(to_mac, our_mac, vlan)
}

/// Gratuitous ARP in the request form (RFC 5227 announcement, as Linux
/// sends it): broadcast, sender and target IP both `ip`, target MAC zero.
pub fn gratuitous(mac: Mac, ip: Ipv4Addr, vlan: Option<u16>) -> Vec<u8> {
    Repr {
        op: Operation::Request,
        sender_mac: mac,
        sender_ip: ip,
        target_mac: Mac::ZERO,
        target_ip: ip,
    }
    .to_frame(Mac::BROADCAST, mac, vlan)
}

/// Whether `frame` is an Ethernet/IPv4 RARP request or reply (EtherType
/// 0x8035, optional 802.1Q tag), such as ESXi's post-vMotion announcement.
pub fn is_rarp(frame: &[u8]) -> bool {
    let Some((eth, body)) = ethernet::Repr::parse(frame) else {
        return false;
    };
    let Ok(p) = Packet::new_checked(body) else {
        return false;
    };
    eth.ethertype == ethertype::RARP
        && p.hardware_type() == ARP_HTYPE_ETHERNET
        && p.protocol_type() == ethertype::IPV4
        && matches!(p.operation(), op::RARP_REQUEST | op::RARP_REPLY)
}

/// The RARP broadcast ESXi sends for a VM after a vMotion ("Notify
/// Switches"): dst broadcast, src `mac`, opcode 3 (reverse request), sender
/// and target hardware address `mac`, both IPs 0.0.0.0, padded to 60 bytes.
pub fn rarp_announce(mac: Mac) -> Vec<u8> {
    let mut f = Vec::with_capacity(MIN_FRAME_LEN);
    ethernet::Repr {
        dst: Mac::BROADCAST,
        src: mac,
        vlan: None,
        ethertype: ethertype::RARP,
    }
    .emit(&mut f);
    let at = f.len();
    f.resize(at + LEN, 0);
    emit_fields(
        &mut Packet::new_unchecked(&mut f[at..]),
        op::RARP_REQUEST,
        mac,
        Ipv4Addr::UNSPECIFIED,
        mac,
        Ipv4Addr::UNSPECIFIED,
    );
    pad(f)
}

#[cfg(test)]
mod tests;
