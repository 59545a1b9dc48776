//! IPv4 headers (RFC 791).

use crate::{get_u16, get_u32, set_u16, set_u32, Error, Result};
use std::net::Ipv4Addr;

/// Byte offsets of the IPv4 header.
pub mod field {
    use crate::Field;
    pub const VER_IHL: usize = 0;
    pub const DSCP_ECN: usize = 1;
    pub const LENGTH: Field = 2..4;
    pub const IDENT: Field = 4..6;
    pub const FLG_OFF: Field = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Field = 10..12;
    pub const SRC_ADDR: Field = 12..16;
    pub const DST_ADDR: Field = 16..20;
    pub const OPTIONS: usize = 20;
    pub const VERSION_SHIFT: u32 = 4;
    pub const IHL_MASK: u8 = 0x0f;
    /// IHL counts 32-bit words.
    pub const IHL_UNIT: usize = 4;
    pub const FLAG_DF: u16 = 0x4000;
    pub const FLAG_MF: u16 = 0x2000;
    pub const FRAG_OFFSET_MASK: u16 = 0x1fff;
    /// The fragment offset counts 8-byte units.
    pub const FRAG_OFFSET_UNIT: usize = 8;
}

pub const MIN_HEADER_LEN: usize = field::DST_ADDR.end;
pub const MAX_HEADER_LEN: usize = 15 * field::IHL_UNIT;
/// The TTL of packets vtep originates unless configured otherwise.
pub const DEFAULT_TTL: u8 = 64;

/// IPv4 protocol numbers vtep looks at.
pub mod protocol {
    pub const ICMP: u8 = 1;
    pub const IGMP: u8 = 2;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
}

/// An IPv4 packet; `new_checked` validates version, IHL and total length.
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
    /// Buffer holds the minimal header; version is 4; IHL ≥ 5 and the
    /// header fits; total length ≥ header length and fits the buffer
    /// (trailing bytes, e.g. Ethernet padding, are allowed).
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < MIN_HEADER_LEN {
            return Err(Error::Truncated);
        }
        if self.version() != 4 {
            return Err(Error::Malformed);
        }
        let hl = self.header_len();
        if hl < MIN_HEADER_LEN {
            return Err(Error::Malformed);
        }
        if hl > len {
            return Err(Error::Truncated);
        }
        let tl = usize::from(self.total_len());
        if tl < hl {
            return Err(Error::Malformed);
        }
        if tl > len {
            return Err(Error::Truncated);
        }
        Ok(())
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    #[inline(always)]
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[field::VER_IHL] >> field::VERSION_SHIFT
    }
    /// Header length in bytes (IHL × 4).
    #[inline(always)]
    pub fn header_len(&self) -> usize {
        usize::from(self.buffer.as_ref()[field::VER_IHL] & field::IHL_MASK) * field::IHL_UNIT
    }
    /// Bytes of options (header length − 20).
    #[inline(always)]
    pub fn options_len(&self) -> usize {
        self.header_len() - MIN_HEADER_LEN
    }
    pub fn options(&self) -> &[u8] {
        &self.buffer.as_ref()[MIN_HEADER_LEN..self.header_len()]
    }
    #[inline(always)]
    pub fn dscp_ecn(&self) -> u8 {
        self.buffer.as_ref()[field::DSCP_ECN]
    }
    #[inline(always)]
    pub fn total_len(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::LENGTH)
    }
    #[inline(always)]
    pub fn ident(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::IDENT)
    }
    #[inline(always)]
    pub fn dont_frag(&self) -> bool {
        get_u16(self.buffer.as_ref(), field::FLG_OFF) & field::FLAG_DF != 0
    }
    #[inline(always)]
    pub fn more_frags(&self) -> bool {
        get_u16(self.buffer.as_ref(), field::FLG_OFF) & field::FLAG_MF != 0
    }
    /// Fragment offset in bytes.
    #[inline(always)]
    pub fn frag_offset(&self) -> usize {
        usize::from(get_u16(self.buffer.as_ref(), field::FLG_OFF) & field::FRAG_OFFSET_MASK)
            * field::FRAG_OFFSET_UNIT
    }
    /// MF set or a non-zero offset.
    #[inline(always)]
    pub fn is_fragment(&self) -> bool {
        let f = get_u16(self.buffer.as_ref(), field::FLG_OFF);
        f & (field::FLAG_MF | field::FRAG_OFFSET_MASK) != 0
    }
    #[inline(always)]
    pub fn ttl(&self) -> u8 {
        self.buffer.as_ref()[field::TTL]
    }
    #[inline(always)]
    pub fn protocol(&self) -> u8 {
        self.buffer.as_ref()[field::PROTOCOL]
    }
    #[inline(always)]
    pub fn checksum(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::CHECKSUM)
    }
    /// Source address, host byte order.
    #[inline(always)]
    pub fn src_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::SRC_ADDR)
    }
    /// Destination address, host byte order.
    #[inline(always)]
    pub fn dst_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::DST_ADDR)
    }
    pub fn src_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.src_u32())
    }
    pub fn dst_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.dst_u32())
    }
    /// The header checksum is correct.
    #[inline(always)]
    pub fn verify_checksum(&self) -> bool {
        let b = self.buffer.as_ref();
        let hl = self.header_len();
        match <&[u8; MIN_HEADER_LEN]>::try_from(&b[..hl]) {
            Ok(h) => crate::checksum::verify20(h),
            Err(_) => crate::checksum::verify(&b[..hl]),
        }
    }
    /// Bytes from the end of the header to the total length.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[self.header_len()..usize::from(self.total_len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Version and IHL from a header length in bytes (multiple of 4).
    pub fn set_version_and_header_len(&mut self, version: u8, header_len: usize) {
        let ihl = (header_len / field::IHL_UNIT) as u8 & field::IHL_MASK;
        self.buffer.as_mut()[field::VER_IHL] = (version << field::VERSION_SHIFT) | ihl;
    }
    pub fn set_dscp_ecn(&mut self, v: u8) {
        self.buffer.as_mut()[field::DSCP_ECN] = v
    }
    #[inline(always)]
    pub fn set_total_len(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::LENGTH, v)
    }
    pub fn set_ident(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::IDENT, v)
    }
    /// Flags and fragment offset (in bytes, a multiple of 8).
    pub fn set_flags_and_frag_offset(&mut self, df: bool, mf: bool, offset: usize) {
        use field::*;
        let mut v = (offset / FRAG_OFFSET_UNIT) as u16 & FRAG_OFFSET_MASK;
        if df {
            v |= FLAG_DF;
        }
        if mf {
            v |= FLAG_MF;
        }
        set_u16(self.buffer.as_mut(), FLG_OFF, v)
    }
    pub fn set_ttl(&mut self, v: u8) {
        self.buffer.as_mut()[field::TTL] = v
    }
    pub fn set_protocol(&mut self, v: u8) {
        self.buffer.as_mut()[field::PROTOCOL] = v
    }
    #[inline(always)]
    pub fn set_checksum(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::CHECKSUM, v)
    }
    pub fn set_src_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::SRC_ADDR, a.into())
    }
    pub fn set_dst_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::DST_ADDR, a.into())
    }
    /// Computes and writes the header checksum.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = crate::checksum::checksum(&self.buffer.as_ref()[..self.header_len()]);
        self.set_checksum(c);
    }
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let (h, t) = (self.header_len(), usize::from(self.total_len()));
        &mut self.buffer.as_mut()[h..t]
    }
}

/// The parts of an IPv4 header the control plane needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    pub ttl: u8,
    pub tos: u8,
    pub ident: u16,
}

impl Repr {
    /// Parses an unfragmented IPv4 packet with a correct header checksum.
    /// Returns the header fields, the options, and the payload (trimmed to
    /// the total length, so Ethernet padding is dropped).
    pub fn try_parse(packet: &[u8]) -> Result<(Repr, &[u8], &[u8])> {
        let p = Packet::new_checked(packet)?;
        if !p.verify_checksum() {
            return Err(Error::Checksum);
        }
        if p.is_fragment() {
            return Err(Error::Fragmented);
        }
        let repr = Repr {
            src: p.src_addr(),
            dst: p.dst_addr(),
            protocol: p.protocol(),
            ttl: p.ttl(),
            tos: p.dscp_ecn(),
            ident: p.ident(),
        };
        let (hl, total) = (p.header_len(), usize::from(p.total_len()));
        Ok((repr, &packet[field::OPTIONS..hl], &packet[hl..total]))
    }

    /// [`Repr::try_parse`], for callers that need no reason.
    pub fn parse(packet: &[u8]) -> Option<(Repr, &[u8], &[u8])> {
        Repr::try_parse(packet).ok()
    }

    /// Appends the header (with `options`, a multiple of 4 bytes) for a
    /// payload of `payload_len` bytes, checksum filled in.
    pub fn emit(&self, buf: &mut Vec<u8>, dont_frag: bool, options: &[u8], payload_len: usize) {
        let start = buf.len();
        let hl = MIN_HEADER_LEN + options.len();
        let total = u16::try_from(hl + payload_len).unwrap_or(u16::MAX);
        buf.resize(start + MIN_HEADER_LEN, 0);
        let mut p = Packet::new_unchecked(&mut buf[start..]);
        p.set_version_and_header_len(4, hl);
        p.set_dscp_ecn(self.tos);
        p.set_total_len(total);
        p.set_ident(self.ident);
        p.set_flags_and_frag_offset(dont_frag, false, 0);
        p.set_ttl(self.ttl);
        p.set_protocol(self.protocol);
        p.set_src_addr(self.src);
        p.set_dst_addr(self.dst);
        buf.extend_from_slice(options);
        let sum = crate::checksum::checksum(&buf[start..]);
        set_u16(&mut buf[start..], field::CHECKSUM, sum);
    }
}

#[cfg(test)]
mod tests;
