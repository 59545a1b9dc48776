//! ICMP echo (RFC 792): the request the control thread answers, and its
//! reply.

use crate::ethernet::{self, ethertype, pad};
use crate::ipv4::{self, protocol};
use crate::{checksum, get_u16, set_u16, Error, Mac, Result};
use std::net::Ipv4Addr;

/// Byte offsets of an ICMP echo message.
pub mod field {
    use crate::{Field, Rest};
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: Field = 2..4;
    pub const IDENT: Field = 4..6;
    pub const SEQ: Field = 6..8;
    pub const PAYLOAD: Rest = 8..;
    pub const TYPE_ECHO_REPLY: u8 = 0;
    pub const TYPE_ECHO_REQUEST: u8 = 8;
}

/// Type, code, checksum and the four bytes every message has after them.
pub const HEADER_LEN: usize = field::PAYLOAD.start;

/// An ICMP message; `new_checked` validates that the header fits.
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
    /// The 8-byte header fits.
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.as_ref().len() < HEADER_LEN {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    pub fn msg_type(&self) -> u8 {
        self.buffer.as_ref()[field::TYPE]
    }
    pub fn msg_code(&self) -> u8 {
        self.buffer.as_ref()[field::CODE]
    }
    pub fn checksum(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::CHECKSUM)
    }
    /// The echo identifier.
    pub fn echo_ident(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::IDENT)
    }
    /// The echo sequence number.
    pub fn echo_seq_no(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::SEQ)
    }
    /// Everything after the header (an IP packet's payload ends where
    /// the buffer does).
    pub fn data(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD]
    }
    /// The checksum over the whole message is right.
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(self.buffer.as_ref())
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// [`Packet::data`], borrowed for as long as the buffer.
    pub fn data_slice(&self) -> &'a [u8] {
        &self.buffer.as_ref()[field::PAYLOAD]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_msg_type(&mut self, v: u8) {
        self.buffer.as_mut()[field::TYPE] = v
    }
    pub fn set_msg_code(&mut self, v: u8) {
        self.buffer.as_mut()[field::CODE] = v
    }
    pub fn set_checksum(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::CHECKSUM, v)
    }
    pub fn set_echo_ident(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::IDENT, v)
    }
    pub fn set_echo_seq_no(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::SEQ, v)
    }
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD]
    }
    /// Computes and writes the checksum over the whole buffer.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(self.buffer.as_ref());
        self.set_checksum(c);
    }
}

/// An ICMP echo message, borrowing its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr<'a> {
    EchoRequest {
        ident: u16,
        seq_no: u16,
        data: &'a [u8],
    },
    EchoReply {
        ident: u16,
        seq_no: u16,
        data: &'a [u8],
    },
}

impl<'a> Repr<'a> {
    /// Reads a checked message: checksum right (else `Checksum`), an echo
    /// request or reply with code 0 (else `Unrecognized`).
    pub fn parse<T: AsRef<[u8]> + ?Sized>(p: &Packet<&'a T>) -> Result<Repr<'a>> {
        if !p.verify_checksum() {
            return Err(Error::Checksum);
        }
        let (ident, seq_no, data) = (p.echo_ident(), p.echo_seq_no(), p.data_slice());
        match (p.msg_type(), p.msg_code()) {
            (field::TYPE_ECHO_REQUEST, 0) => Ok(Repr::EchoRequest {
                ident,
                seq_no,
                data,
            }),
            (field::TYPE_ECHO_REPLY, 0) => Ok(Repr::EchoReply {
                ident,
                seq_no,
                data,
            }),
            _ => Err(Error::Unrecognized),
        }
    }

    /// Header and data.
    pub fn buffer_len(&self) -> usize {
        match self {
            Repr::EchoRequest { data, .. } | Repr::EchoReply { data, .. } => {
                HEADER_LEN + data.len()
            }
        }
    }

    /// Writes the message into the first [`Repr::buffer_len`] bytes of
    /// `p`'s buffer (which must be exactly that long, as the checksum
    /// covers all of it), checksum filled in.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(&self, p: &mut Packet<&mut T>) {
        let (kind, ident, seq_no, data) = match *self {
            Repr::EchoRequest {
                ident,
                seq_no,
                data,
            } => (field::TYPE_ECHO_REQUEST, ident, seq_no, data),
            Repr::EchoReply {
                ident,
                seq_no,
                data,
            } => (field::TYPE_ECHO_REPLY, ident, seq_no, data),
        };
        p.set_msg_type(kind);
        p.set_msg_code(0);
        p.set_echo_ident(ident);
        p.set_echo_seq_no(seq_no);
        p.data_mut()[..data.len()].copy_from_slice(data);
        p.fill_checksum();
    }
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
pub fn try_parse_echo_request(frame: &[u8]) -> Result<EchoRequest<'_>> {
    let (eth, packet) = ethernet::Repr::try_parse(frame)?;
    if eth.ethertype != ethertype::IPV4 {
        return Err(Error::Unrecognized);
    }
    let (ip, _options, icmp) = ipv4::Repr::try_parse(packet)?;
    if ip.protocol != protocol::ICMP {
        return Err(Error::Unrecognized);
    }
    let Repr::EchoRequest {
        ident,
        seq_no,
        data,
    } = Repr::parse(&Packet::new_checked(icmp)?)?
    else {
        return Err(Error::Unrecognized);
    };
    Ok(EchoRequest {
        eth_src: eth.src,
        eth_dst: eth.dst,
        vlan: eth.vlan,
        src_ip: ip.src,
        dst_ip: ip.dst,
        tos: ip.tos,
        ident,
        seq: seq_no,
        payload: data,
    })
}

/// [`try_parse_echo_request`], for callers that need no reason.
pub fn parse_echo_request(frame: &[u8]) -> Option<EchoRequest<'_>> {
    try_parse_echo_request(frame).ok()
}

impl EchoRequest<'_> {
    /// The echo reply: MACs and IPs swapped (source MAC `our_mac`), same
    /// VLAN, TOS, identifier, sequence and payload; a 20-byte IPv4 header
    /// with identification `ip_ident`, TTL 64; both checksums computed.
    pub fn reply(&self, our_mac: Mac, ip_ident: u16) -> Vec<u8> {
        let icmp = Repr::EchoReply {
            ident: self.ident,
            seq_no: self.seq,
            data: self.payload,
        };
        let icmp_len = icmp.buffer_len();
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
        f.resize(start + icmp_len, 0);
        icmp.emit(&mut Packet::new_unchecked(&mut f[start..]));
        pad(f)
    }
}

#[cfg(test)]
mod tests;
