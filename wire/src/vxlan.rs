//! VXLAN (RFC 7348): the 8-byte header, the outer headers as one unit,
//! and the UDP source port that spreads flows over the underlay.

use crate::ethernet::{self, ethertype};
use crate::ipv4::{self, protocol};
use crate::{udp, Error, Mac, Result};
use std::net::Ipv4Addr;

/// Byte offsets of the VXLAN header (RFC 7348 section 5).
pub mod field {
    use crate::{Field, Rest};
    pub const FLAGS: usize = 0;
    pub const RESERVED0: Field = 1..4;
    pub const VNI: Field = 4..7;
    pub const RESERVED1: usize = 7;
    pub const PAYLOAD: Rest = 8..;
}

/// Offsets of each header within the outer headers of an untagged
/// underlay frame.
pub mod outer_field {
    use crate::{ethernet, ipv4, udp};
    pub const IP: usize = ethernet::HEADER_LEN;
    pub const UDP: usize = IP + ipv4::MIN_HEADER_LEN;
    pub const VXLAN: usize = UDP + udp::HEADER_LEN;
    /// Where the inner frame starts.
    pub const INNER: usize = VXLAN + super::HEADER_LEN;
}

pub const HEADER_LEN: usize = field::PAYLOAD.start;
/// Outer Ethernet + IPv4 (no options) + UDP + VXLAN: RFC 7348's overhead on
/// an untagged underlay.
pub const OVERHEAD: usize = outer_field::INNER;
/// What the outer IPv4 packet adds to the inner frame (IPv4 + UDP + VXLAN).
pub const IP_OVERHEAD: usize = OVERHEAD - ethernet::HEADER_LEN;
/// IANA VXLAN port.
pub const PORT: u16 = 4789;
/// The I flag: the VNI is valid. Sent as the only flag.
pub const FLAG_I: u8 = 0x08;
/// VNIs are 24 bits.
pub const VNI_MAX: u32 = 0x00ff_ffff;
/// VXLAN's RFC 7348 UDP source port range 49152–65535.
pub const SPORT_BASE: u16 = 0xc000;
pub const SPORT_MASK: u16 = 0x3fff;

/// The 8-byte VXLAN header (RFC 7348 section 5).
#[derive(Debug, Clone)]
pub struct Header<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Header<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Header { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let h = Self::new_unchecked(buffer);
        h.check_len()?;
        Ok(h)
    }
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
    #[inline(always)]
    pub fn flags(&self) -> u8 {
        self.buffer.as_ref()[field::FLAGS]
    }
    /// The I bit: the VNI is valid.
    #[inline(always)]
    pub fn i_flag(&self) -> bool {
        self.flags() & FLAG_I != 0
    }
    #[inline(always)]
    pub fn vni(&self) -> u32 {
        let b = &self.buffer.as_ref()[field::VNI];
        u32::from_be_bytes([0, b[0], b[1], b[2]])
    }
    /// The 24 reserved bits after the flags.
    pub fn reserved0(&self) -> u32 {
        let b = &self.buffer.as_ref()[field::RESERVED0];
        u32::from_be_bytes([0, b[0], b[1], b[2]])
    }
    /// The last, reserved byte.
    pub fn reserved1(&self) -> u8 {
        self.buffer.as_ref()[field::RESERVED1]
    }
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Header<T> {
    pub fn set_flags(&mut self, v: u8) {
        self.buffer.as_mut()[field::FLAGS] = v
    }
    /// Low 24 bits of `vni`.
    pub fn set_vni(&mut self, vni: u32) {
        let b = vni.to_be_bytes();
        self.buffer.as_mut()[field::VNI].copy_from_slice(&b[1..]);
    }
    pub fn clear_reserved(&mut self) {
        let b = self.buffer.as_mut();
        b[field::RESERVED0].fill(0);
        b[field::RESERVED1] = 0;
    }
    /// Flags exactly 0x08, reserved zero, the VNI.
    pub fn emit(&mut self, vni: u32) {
        self.set_flags(FLAG_I);
        self.clear_reserved();
        self.set_vni(vni);
    }
}

/// The outer headers of a VXLAN packet on an untagged underlay: what
/// [`Outer::emit`] writes and [`Outer::parse`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outer {
    pub src_mac: Mac,
    pub dst_mac: Mac,
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub ttl: u8,
    pub src_port: u16,
    pub dst_port: u16,
    /// 24 bits; higher bits are dropped.
    pub vni: u32,
}

impl Outer {
    /// Writes the [`OVERHEAD`] bytes of outer header for an inner frame of
    /// `inner_len` bytes into `h`, RFC 7348 style: outer Ethernet
    /// (untagged), IPv4 with DF set, identification 0 (RFC 6864), TOS 0,
    /// checksum filled in, UDP with checksum 0, VXLAN flags 0x08 and every
    /// reserved bit zero.
    pub fn emit(&self, h: &mut [u8], inner_len: usize) {
        use outer_field as o;
        let h = &mut h[..OVERHEAD];
        let mut eth = ethernet::Frame::new_unchecked(&mut h[..o::IP]);
        eth.set_dst_addr(self.dst_mac);
        eth.set_src_addr(self.src_mac);
        eth.set_ethertype(ethertype::IPV4);
        let ip_len = u16::try_from(inner_len + IP_OVERHEAD).unwrap_or(u16::MAX);
        let mut ip = ipv4::Packet::new_unchecked(&mut h[o::IP..o::UDP]);
        ip.set_version_and_header_len(4, ipv4::MIN_HEADER_LEN);
        ip.set_dscp_ecn(0);
        ip.set_total_len(ip_len);
        ip.set_ident(0);
        ip.set_flags_and_frag_offset(true, false, 0);
        ip.set_ttl(self.ttl);
        ip.set_protocol(protocol::UDP);
        ip.set_src_addr(self.src_ip);
        ip.set_dst_addr(self.dst_ip);
        ip.fill_checksum();
        // No UDP checksum over IPv4.
        udp::Repr {
            src_port: self.src_port,
            dst_port: self.dst_port,
            payload_len: HEADER_LEN + inner_len,
        }
        .emit(&mut udp::Packet::new_unchecked(&mut h[o::UDP..o::VXLAN]));
        Header::new_unchecked(&mut h[o::VXLAN..]).emit(self.vni);
    }

    /// `inner` (a complete Ethernet frame without FCS) encapsulated: the
    /// outer headers of [`Outer::emit`], then `inner`. Never padded (VXLAN
    /// packets exceed 60 bytes).
    pub fn encap(&self, inner: &[u8]) -> Vec<u8> {
        let mut f = vec![0; OVERHEAD + inner.len()];
        self.emit(&mut f, inner.len());
        f[OVERHEAD..].copy_from_slice(inner);
        f
    }

    /// Parses a VXLAN packet (untagged or tagged outer Ethernet, IPv4
    /// header checksum verified, UDP, I flag set); returns the outer
    /// headers and the inner frame. Any UDP destination port is accepted:
    /// the caller compares `dst_port` with its configuration.
    pub fn try_parse(frame: &[u8]) -> Result<(Outer, &[u8])> {
        let (eth, packet) = ethernet::Repr::try_parse(frame)?;
        if eth.ethertype != ethertype::IPV4 {
            return Err(Error::Unrecognized);
        }
        let (ip, _options, datagram) = ipv4::Repr::try_parse(packet)?;
        if ip.protocol != protocol::UDP {
            return Err(Error::Unrecognized);
        }
        let u = udp::Packet::new_checked(datagram)?;
        // The datagram fills the IP payload, and holds a VXLAN header.
        if usize::from(u.len()) != datagram.len() {
            return Err(Error::Malformed);
        }
        let u_repr = udp::Repr::parse(&u)?;
        let vx = Header::new_checked(u.payload_slice())?;
        if !vx.i_flag() {
            return Err(Error::Malformed);
        }
        let outer = Outer {
            src_mac: eth.src,
            dst_mac: eth.dst,
            src_ip: ip.src,
            dst_ip: ip.dst,
            ttl: ip.ttl,
            src_port: u_repr.src_port,
            dst_port: u_repr.dst_port,
            vni: vx.vni(),
        };
        Ok((outer, &u.payload_slice()[HEADER_LEN..]))
    }

    /// [`Outer::try_parse`], for callers that need no reason.
    pub fn parse(frame: &[u8]) -> Option<(Outer, &[u8])> {
        Outer::try_parse(frame).ok()
    }
}

/// Flow hash of the inner frame: MACs and EtherType, and for IPv4 the
/// addresses and (TCP/UDP, 20-byte header, not a fragment) the ports. The
/// fields are folded into two words and mixed by one 64x64->128 multiply:
/// the UDP source port only needs spread for ECMP, and this runs once per
/// encapsulated frame. A header with options hashes without the ports:
/// still one value per flow. `tag_len`: the inner frame's 802.1Q tag
/// length (0 or 4), which the hash leaves out.
#[inline(always)]
pub fn inner_flow_hash(d: &[u8], tag_len: usize) -> u32 {
    let l3 = ethernet::HEADER_LEN + tag_len;
    if d.len() < l3 {
        return 0;
    }
    let le8 = |b: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[..8]);
        u64::from_le_bytes(w)
    };
    let le4 = |b: &[u8]| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&b[..4]);
        u64::from(u32::from_le_bytes(w))
    };
    let et = u16::from_be_bytes([d[l3 - 2], d[l3 - 1]]);
    // Destination MAC and the source MAC's first two bytes; the rest of
    // the source MAC and the EtherType.
    let mut x = le8(&d[0..]);
    let mut y = le4(&d[8..]) | u64::from(et) << 32;
    if et == ethertype::IPV4 && d.len() >= l3 + ipv4::MIN_HEADER_LEN {
        let ip = &d[l3..l3 + ipv4::MIN_HEADER_LEN];
        // Both addresses in one load.
        x ^= le8(&ip[ipv4::field::SRC_ADDR.start..]).rotate_left(23);
        // Version/IHL to fragment offset, little-endian: IHL is the low
        // nibble, MF and the offset the top 14 bits but one.
        const IHL_AND_FRAG: u64 = 0xff3f_0000_0000_000f;
        let proto = ip[ipv4::field::PROTOCOL];
        if le8(ip) & IHL_AND_FRAG == 5
            && (proto == protocol::TCP || proto == protocol::UDP)
            && d.len() >= l3 + ipv4::MIN_HEADER_LEN + 4
        {
            y ^= le4(&d[l3 + ipv4::MIN_HEADER_LEN..]) << 24 ^ u64::from(proto) << 56;
        }
    }
    let m = u128::from(x ^ 0x243f_6a88_85a3_08d3) * u128::from(y ^ 0x1319_8a2e_0370_7344);
    let h = (m as u64) ^ ((m >> 64) as u64);
    (h ^ (h >> 32)) as u32
}

/// The outer UDP source port, 49152–65535, from a flow hash (the NIC's
/// RSS hash, or [`inner_flow_hash`]).
#[inline(always)]
pub fn source_port(h: u32) -> u16 {
    let h = h ^ (h >> 14) ^ (h >> 28);
    SPORT_BASE | (h as u16 & SPORT_MASK)
}

#[cfg(test)]
mod tests;
