//! UDP headers (RFC 768).

use crate::ipv4::protocol;
use crate::{checksum, get_u16, set_u16, Error, Result};
use std::net::Ipv4Addr;

/// Byte offsets of the UDP header.
pub mod field {
    use crate::{Field, Rest};
    pub const SRC_PORT: Field = 0..2;
    pub const DST_PORT: Field = 2..4;
    pub const LENGTH: Field = 4..6;
    pub const CHECKSUM: Field = 6..8;
    pub const PAYLOAD: Rest = 8..;
}

pub const HEADER_LEN: usize = field::PAYLOAD.start;

/// A UDP datagram; `new_checked` validates the length field.
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
    /// Header fits; 8 ≤ length ≤ buffer.
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let l = usize::from(self.len());
        if l < HEADER_LEN {
            return Err(Error::Malformed);
        }
        if l > len {
            return Err(Error::Truncated);
        }
        Ok(())
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    #[inline(always)]
    pub fn src_port(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::SRC_PORT)
    }
    #[inline(always)]
    pub fn dst_port(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::DST_PORT)
    }
    #[inline(always)]
    pub fn len(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::LENGTH)
    }
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        usize::from(self.len()) <= HEADER_LEN
    }
    #[inline(always)]
    pub fn checksum(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::CHECKSUM)
    }
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..usize::from(self.len())]
    }
    /// Whether the checksum is right over the IPv4 pseudo-header from
    /// `src` to `dst`; a zero checksum (none sent) is right.
    pub fn verify_checksum(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        self.checksum() == 0 || checksum::fold(self.pseudo_sum(src, dst)) == 0xffff
    }
    /// The accumulation of the pseudo-header and the datagram up to its
    /// length field.
    fn pseudo_sum(&self, src: Ipv4Addr, dst: Ipv4Addr) -> u32 {
        let d = &self.buffer.as_ref()[..usize::from(self.len())];
        let mut pseudo = [0u8; 12];
        pseudo[0..4].copy_from_slice(&src.octets());
        pseudo[4..8].copy_from_slice(&dst.octets());
        pseudo[9] = protocol::UDP;
        pseudo[10..12].copy_from_slice(&self.len().to_be_bytes());
        // Folded halves add without overflow; the pseudo-header is whole
        // words, so the datagram's odd last byte pads as it would joined.
        u32::from(checksum::fold(checksum::sum(&pseudo)))
            + u32::from(checksum::fold(checksum::sum(d)))
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The payload, borrowed for as long as the buffer.
    pub fn payload_slice(&self) -> &'a [u8] {
        &self.buffer.as_ref()[HEADER_LEN..usize::from(self.len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    #[inline(always)]
    pub fn set_src_port(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::SRC_PORT, v)
    }
    #[inline(always)]
    pub fn set_dst_port(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::DST_PORT, v)
    }
    #[inline(always)]
    pub fn set_len(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::LENGTH, v)
    }
    #[inline(always)]
    pub fn set_checksum(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::CHECKSUM, v)
    }
    /// Computes and writes the checksum over the IPv4 pseudo-header from
    /// `src` to `dst` (a computed 0 is sent as 0xffff, RFC 768).
    pub fn fill_checksum(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let c = match checksum::finish(self.pseudo_sum(src, dst)) {
            0 => 0xffff,
            c => c,
        };
        self.set_checksum(c);
    }
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let l = usize::from(self.len());
        &mut self.buffer.as_mut()[HEADER_LEN..l]
    }
}

/// A UDP header: the ports and how much payload follows. Emitted with
/// checksum 0 (none), as VXLAN over IPv4 sends it (RFC 7348).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
    /// Bytes after the header, up to the length field.
    pub payload_len: usize,
}

impl Repr {
    /// Reads a checked datagram. The checksum is not verified: over IPv4
    /// it needs the addresses ([`Packet::verify_checksum`]).
    pub fn parse<T: AsRef<[u8]> + ?Sized>(p: &Packet<&T>) -> Result<Repr> {
        Ok(Repr {
            src_port: p.src_port(),
            dst_port: p.dst_port(),
            payload_len: usize::from(p.len()) - HEADER_LEN,
        })
    }

    /// Header and payload.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload_len
    }

    /// Writes the header (the payload is the caller's); a length beyond
    /// 65535 is written as 65535.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(&self, p: &mut Packet<&mut T>) {
        p.set_src_port(self.src_port);
        p.set_dst_port(self.dst_port);
        p.set_len(u16::try_from(self.buffer_len()).unwrap_or(u16::MAX));
        p.set_checksum(0);
    }
}

#[cfg(test)]
mod tests;
