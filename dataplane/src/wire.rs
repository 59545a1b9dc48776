//! Header views in smoltcp's style.
//!
//! Each header is a view over a buffer (`T: AsRef<[u8]>`): `new_checked`
//! validates the length (and the length fields) once, after which every
//! accessor reads a fixed offset named in [`field`]; with `T: AsMut<[u8]>`
//! the same type gives the setters. The fast path works on these views
//! directly; [`ArpRepr`] is the one parsed, owned form the control plane
//! needs (ARP is punted to it).
//!
//! Byte order: every multi-byte field is network order on the wire; the
//! accessors return host values (`u16`, `u32`, [`Ipv4Addr`]).

use core::fmt;
use std::net::Ipv4Addr;

/// Why a view could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The buffer is shorter than the header (or than a length field says).
    Truncated,
    /// A field has a value the header cannot have (version, IHL, lengths).
    Malformed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated"),
            Error::Malformed => f.write_str("malformed"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = core::result::Result<T, Error>;

/// Byte offsets of every header field, per header.
pub mod field {
    /// A fixed range of bytes.
    pub type Field = core::ops::Range<usize>;
    /// From an offset to the end.
    pub type Rest = core::ops::RangeFrom<usize>;

    pub mod ethernet {
        use super::{Field, Rest};
        pub const DESTINATION: Field = 0..6;
        pub const SOURCE: Field = 6..12;
        pub const ETHERTYPE: Field = 12..14;
        pub const PAYLOAD: Rest = 14..;
        /// Both addresses: what a tag insertion/removal moves.
        pub const ADDRESSES: Field = 0..12;
    }

    /// An 802.1Q tag as inserted after the source address: TPID + TCI.
    /// The encapsulated EtherType follows it.
    pub mod vlan {
        use super::Field;
        pub const TPID: Field = 0..2;
        pub const TCI: Field = 2..4;
        /// Offset of the tag within an Ethernet frame.
        pub const IN_FRAME: usize = 12;
        /// Offset of the EtherType that follows the tag, within the frame.
        pub const INNER_ETHERTYPE: Field = 16..18;
        pub const PCP_SHIFT: u32 = 13;
        pub const PCP_MASK: u16 = 0x7;
        pub const DEI_BIT: u16 = 0x1000;
        pub const VID_MASK: u16 = 0x0fff;
    }

    pub mod ipv4 {
        use super::Field;
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

    pub mod udp {
        use super::{Field, Rest};
        pub const SRC_PORT: Field = 0..2;
        pub const DST_PORT: Field = 2..4;
        pub const LENGTH: Field = 4..6;
        pub const CHECKSUM: Field = 6..8;
        pub const PAYLOAD: Rest = 8..;
    }

    /// RFC 7348 section 5.
    pub mod vxlan {
        use super::{Field, Rest};
        pub const FLAGS: usize = 0;
        pub const RESERVED0: Field = 1..4;
        pub const VNI: Field = 4..7;
        pub const RESERVED1: usize = 7;
        pub const PAYLOAD: Rest = 8..;
    }

    /// ARP for Ethernet / IPv4 (RFC 826), the only kind vtep handles.
    pub mod arp {
        use super::Field;
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
}

/// Header lengths.
pub const ETHERNET_HEADER_LEN: usize = field::ethernet::PAYLOAD.start;
pub const VLAN_TAG_LEN: usize = field::vlan::TCI.end;
pub const IPV4_MIN_HEADER_LEN: usize = field::ipv4::DST_ADDR.end;
pub const IPV4_MAX_HEADER_LEN: usize = 15 * field::ipv4::IHL_UNIT;
pub const UDP_HEADER_LEN: usize = field::udp::PAYLOAD.start;
pub const VXLAN_HEADER_LEN: usize = field::vxlan::PAYLOAD.start;
pub const ARP_ETH_IPV4_LEN: usize = field::arp::TPA.end;
/// Outer Ethernet + IPv4 (no options) + UDP + VXLAN: RFC 7348's overhead on
/// an untagged underlay.
pub const VXLAN_OVERHEAD: usize =
    ETHERNET_HEADER_LEN + IPV4_MIN_HEADER_LEN + UDP_HEADER_LEN + VXLAN_HEADER_LEN;
/// What the outer IPv4 packet adds to the inner frame (IPv4 + UDP + VXLAN).
pub const VXLAN_IP_OVERHEAD: usize = VXLAN_OVERHEAD - ETHERNET_HEADER_LEN;
/// The smallest Ethernet frame without FCS.
pub const ETHERNET_MIN_FRAME: usize = 60;
/// IANA VXLAN port.
pub const VXLAN_PORT: u16 = 4789;
/// The I flag: the VNI is valid. Sent as the only flag.
pub const VXLAN_FLAG_I: u8 = 0x08;
/// The largest VLAN id usable on the wire (4095 is reserved).
pub const VLAN_ID_MAX: u16 = 4094;
/// VLAN ids are 12 bits: tables indexed by them have this many entries.
pub const VLAN_ID_COUNT: usize = 4096;
/// VNIs are 24 bits.
pub const VNI_MAX: u32 = 0x00ff_ffff;

/// EtherTypes vtep looks at.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const RARP: u16 = 0x8035;
    pub const VLAN: u16 = 0x8100;
    pub const IPV6: u16 = 0x86dd;
    pub const QINQ: u16 = 0x88a8;
    pub const LLDP: u16 = 0x88cc;
}

/// IPv4 protocol numbers vtep looks at.
pub mod ip_proto {
    pub const ICMP: u8 = 1;
    pub const IGMP: u8 = 2;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
}

#[inline(always)]
fn get_u16(b: &[u8], f: field::Field) -> u16 {
    u16::from_be_bytes([b[f.start], b[f.start + 1]])
}
#[inline(always)]
fn set_u16(b: &mut [u8], f: field::Field, v: u16) {
    b[f].copy_from_slice(&v.to_be_bytes());
}
#[inline(always)]
fn get_u32(b: &[u8], f: field::Field) -> u32 {
    u32::from_be_bytes([b[f.start], b[f.start + 1], b[f.start + 2], b[f.start + 3]])
}
#[inline(always)]
fn set_u32(b: &mut [u8], f: field::Field, v: u32) {
    b[f].copy_from_slice(&v.to_be_bytes());
}
#[inline(always)]
fn get_mac(b: &[u8], f: field::Field) -> MacAddr {
    let mut m = [0u8; 6];
    m.copy_from_slice(&b[f]);
    m
}

// ---------------------------------------------------------------------------
// MAC addresses

/// An Ethernet address, as the MAC table keys it.
pub type MacAddr = [u8; 6];

pub const BROADCAST_MAC: MacAddr = [0xff; 6];
/// LLDP's nearest-bridge address.
pub const LLDP_MAC: MacAddr = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e];
/// 01:80:c2:00:00:00 – 0f: IEEE link-local, never forwarded by a bridge.
const LINK_LOCAL_PREFIX: [u8; 5] = [0x01, 0x80, 0xc2, 0x00, 0x00];
const LINK_LOCAL_LAST_MASK: u8 = 0xf0;
/// The group bit (I/G) of the first octet.
const MAC_GROUP_BIT: u8 = 0x01;
/// The IPv4 multicast MAC prefix (RFC 1112 section 6.4).
const IPV4_MCAST_MAC_PREFIX: [u8; 3] = [0x01, 0x00, 0x5e];
const IPV4_MCAST_MAC_LOW_MASK: u32 = 0x007f_ffff;

/// Predicates on an Ethernet address.
pub trait MacExt {
    /// Group bit set: multicast or broadcast.
    fn is_multicast(&self) -> bool;
    fn is_broadcast(&self) -> bool;
    fn is_zero(&self) -> bool;
    /// Usable as a source: not multicast/broadcast, not all zeroes.
    fn is_valid_source(&self) -> bool;
    /// IEEE 802.1D reserved 01:80:c2:00:00:0X (STP, LACP, LLDP, ...).
    fn is_link_local(&self) -> bool;
}

impl MacExt for MacAddr {
    #[inline(always)]
    fn is_multicast(&self) -> bool {
        self[0] & MAC_GROUP_BIT != 0
    }
    #[inline(always)]
    fn is_broadcast(&self) -> bool {
        *self == BROADCAST_MAC
    }
    #[inline(always)]
    fn is_zero(&self) -> bool {
        *self == [0; 6]
    }
    #[inline(always)]
    fn is_valid_source(&self) -> bool {
        !self.is_multicast() && !self.is_zero()
    }
    #[inline(always)]
    fn is_link_local(&self) -> bool {
        self[..5] == LINK_LOCAL_PREFIX && self[5] & LINK_LOCAL_LAST_MASK == 0
    }
}

/// An Ethernet address in the low 48 bits of a `u64`, first byte highest.
/// The per-packet path reads addresses this way: one load from the frame
/// and register compares, instead of 6-byte arrays that round-trip through
/// the stack (a failed store-to-load forward costs more than the rest of
/// the address handling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac48(pub u64);

impl Mac48 {
    const MASK: u64 = (1 << 48) - 1;
    #[inline(always)]
    pub fn from_bytes(m: &MacAddr) -> Mac48 {
        Mac48(u64::from_be_bytes([
            0, 0, m[0], m[1], m[2], m[3], m[4], m[5],
        ]))
    }
    #[inline(always)]
    pub fn to_bytes(self) -> MacAddr {
        let b = self.0.to_be_bytes();
        [b[2], b[3], b[4], b[5], b[6], b[7]]
    }
    /// The destination address of the Ethernet frame `d` starts (≥ 8 bytes).
    #[inline(always)]
    pub fn dst_of(d: &[u8]) -> Mac48 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[..8]);
        Mac48(u64::from_be_bytes(w) >> 16)
    }
    /// The source address of the Ethernet frame `d` starts (≥ 12 bytes).
    #[inline(always)]
    pub fn src_of(d: &[u8]) -> Mac48 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[4..12]);
        Mac48(u64::from_be_bytes(w) & Self::MASK)
    }
    #[inline(always)]
    pub fn is_multicast(self) -> bool {
        self.0 & (u64::from(MAC_GROUP_BIT) << 40) != 0
    }
    #[inline(always)]
    pub fn is_valid_source(self) -> bool {
        !self.is_multicast() && self.0 != 0
    }
    /// IEEE 802.1D reserved 01:80:c2:00:00:0X.
    #[inline(always)]
    pub fn is_link_local(self) -> bool {
        self.0 & !0xf == 0x0180_c200_0000
    }
}

/// The Ethernet address of an IPv4 multicast group: 01:00:5e followed by
/// the group's low 23 bits.
pub fn ipv4_multicast_mac(group: Ipv4Addr) -> MacAddr {
    let low = u32::from(group) & IPV4_MCAST_MAC_LOW_MASK;
    let b = low.to_be_bytes();
    let p = IPV4_MCAST_MAC_PREFIX;
    [p[0], p[1], p[2], b[1], b[2], b[3]]
}

/// `aa:bb:cc:dd:ee:ff` display of a MAC.
pub struct MacDisplay<'a>(pub &'a MacAddr);

impl fmt::Display for MacDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

/// Parses `aa:bb:cc:dd:ee:ff` (or with `-`).
pub fn parse_mac(s: &str) -> Option<MacAddr> {
    let mut m = [0u8; 6];
    let mut it = s.split([':', '-']);
    for b in m.iter_mut() {
        let p = it.next()?;
        if p.len() != 2 {
            return None;
        }
        *b = u8::from_str_radix(p, 16).ok()?;
    }
    it.next().is_none().then_some(m)
}

// ---------------------------------------------------------------------------
// Internet checksum (RFC 1071, RFC 1624)

pub mod checksum {
    /// The 32-bit one's complement accumulation of `data` as big-endian
    /// 16-bit words (an odd last byte is padded with zero). Fold with
    /// [`fold`].
    #[inline]
    pub fn sum(data: &[u8]) -> u32 {
        // 32-bit words: since 2^16 = 1 (mod 0xffff), a word a:b adds the
        // same as a + b, at half the additions (an IPv4 header is 5).
        let mut acc: u64 = 0;
        let mut chunks = data.chunks_exact(4);
        for c in &mut chunks {
            acc += u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
        }
        let rest = chunks.remainder();
        if rest.len() >= 2 {
            acc += u64::from(u16::from_be_bytes([rest[0], rest[1]]));
        }
        if rest.len() % 2 == 1 {
            acc += u64::from(rest[rest.len() - 1]) << 8;
        }
        // Fold 64 → 32 bits keeping the end-around carry.
        while acc >> 32 != 0 {
            acc = (acc & 0xffff_ffff) + (acc >> 32);
        }
        acc as u32
    }

    /// Whether an option-less IPv4 header's checksum is right: its folded
    /// sum is 0xffff. Folding keeps the value mod 0xffff (2^16 = 1), and
    /// only all-zero data folds to 0, so that is the sum being a nonzero
    /// multiple of 0xffff: one multiply instead of the folds. Byte order
    /// does not matter (a swapped 16-bit word is 256 times it, mod
    /// 0xffff), so the five 32-bit words are loaded native-endian.
    #[inline(always)]
    pub fn verify20(h: &[u8; 20]) -> bool {
        let w = |i: usize| u64::from(u32::from_ne_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]));
        let acc = w(0) + w(4) + w(8) + w(12) + w(16);
        acc.is_multiple_of(0xffff) && acc != 0
    }

    /// Folds a 32-bit accumulation to 16 bits with end-around carry.
    #[inline(always)]
    pub fn fold(mut s: u32) -> u16 {
        s = (s & 0xffff) + (s >> 16);
        s = (s & 0xffff) + (s >> 16);
        s as u16
    }

    /// The checksum field value for data whose accumulation is `s`.
    #[inline(always)]
    pub fn finish(s: u32) -> u16 {
        !fold(s)
    }

    /// RFC 1071 checksum of `data` (the value to put in the field when the
    /// field itself is zero in `data`).
    pub fn checksum(data: &[u8]) -> u16 {
        finish(sum(data))
    }

    /// True when `data`, checksum field included, sums to 0xffff.
    #[inline]
    pub fn verify(data: &[u8]) -> bool {
        fold(sum(data)) == 0xffff
    }

    /// RFC 1624 eqn. 3: the new checksum after one 16-bit word of the
    /// covered data changed from `old` to `new`.
    #[inline(always)]
    pub fn update(checksum: u16, old: u16, new: u16) -> u16 {
        let s = u32::from(!checksum) + u32::from(!old) + u32::from(new);
        !fold(s)
    }
}

// ---------------------------------------------------------------------------
// Ethernet

/// An Ethernet II frame (no FCS).
#[derive(Debug, Clone)]
pub struct EthernetFrame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> EthernetFrame<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        EthernetFrame { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let f = Self::new_unchecked(buffer);
        f.check_len()?;
        Ok(f)
    }
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.as_ref().len() < ETHERNET_HEADER_LEN {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    pub const fn header_len() -> usize {
        ETHERNET_HEADER_LEN
    }
    #[inline(always)]
    pub fn dst_addr(&self) -> MacAddr {
        get_mac(self.buffer.as_ref(), field::ethernet::DESTINATION)
    }
    #[inline(always)]
    pub fn src_addr(&self) -> MacAddr {
        get_mac(self.buffer.as_ref(), field::ethernet::SOURCE)
    }
    #[inline(always)]
    pub fn ethertype(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::ethernet::ETHERTYPE)
    }
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::ethernet::PAYLOAD]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> EthernetFrame<T> {
    #[inline(always)]
    pub fn set_dst_addr(&mut self, a: MacAddr) {
        self.buffer.as_mut()[field::ethernet::DESTINATION].copy_from_slice(&a)
    }
    #[inline(always)]
    pub fn set_src_addr(&mut self, a: MacAddr) {
        self.buffer.as_mut()[field::ethernet::SOURCE].copy_from_slice(&a)
    }
    #[inline(always)]
    pub fn set_ethertype(&mut self, t: u16) {
        set_u16(self.buffer.as_mut(), field::ethernet::ETHERTYPE, t)
    }
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::ethernet::PAYLOAD]
    }
}

// ---------------------------------------------------------------------------
// 802.1Q

/// The 4 bytes of an 802.1Q tag (TPID, TCI), e.g. `&frame[12..16]`.
#[derive(Debug, Clone)]
pub struct VlanTag<T: AsRef<[u8]>> {
    buffer: T,
}

/// Packs a TCI.
#[inline(always)]
pub fn vlan_tci(pcp: u8, dei: bool, vid: u16) -> u16 {
    use field::vlan::*;
    ((u16::from(pcp) & PCP_MASK) << PCP_SHIFT) | if dei { DEI_BIT } else { 0 } | (vid & VID_MASK)
}

impl<T: AsRef<[u8]>> VlanTag<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        VlanTag { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let t = Self::new_unchecked(buffer);
        t.check_len()?;
        Ok(t)
    }
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.as_ref().len() < VLAN_TAG_LEN {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    #[inline(always)]
    pub fn tpid(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::vlan::TPID)
    }
    #[inline(always)]
    pub fn tci(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::vlan::TCI)
    }
    #[inline(always)]
    pub fn pcp(&self) -> u8 {
        ((self.tci() >> field::vlan::PCP_SHIFT) & field::vlan::PCP_MASK) as u8
    }
    #[inline(always)]
    pub fn dei(&self) -> bool {
        self.tci() & field::vlan::DEI_BIT != 0
    }
    #[inline(always)]
    pub fn vid(&self) -> u16 {
        self.tci() & field::vlan::VID_MASK
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> VlanTag<T> {
    #[inline(always)]
    pub fn set_tpid(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::vlan::TPID, v)
    }
    #[inline(always)]
    pub fn set_tci(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::vlan::TCI, v)
    }
    pub fn set_pcp(&mut self, pcp: u8) {
        let t = self.tci();
        self.set_tci(vlan_tci(pcp, t & field::vlan::DEI_BIT != 0, t))
    }
    pub fn set_dei(&mut self, dei: bool) {
        let t = self.tci();
        self.set_tci(vlan_tci((t >> field::vlan::PCP_SHIFT) as u8, dei, t))
    }
    pub fn set_vid(&mut self, vid: u16) {
        let t = self.tci();
        self.set_tci((t & !field::vlan::VID_MASK) | (vid & field::vlan::VID_MASK))
    }
    /// Writes a whole tag: TPID 0x8100 and the TCI.
    pub fn emit(&mut self, pcp: u8, dei: bool, vid: u16) {
        self.set_tpid(ethertype::VLAN);
        self.set_tci(vlan_tci(pcp, dei, vid));
    }
}

// ---------------------------------------------------------------------------
// IPv4

/// An IPv4 packet; `new_checked` validates version, IHL and total length.
#[derive(Debug, Clone)]
pub struct Ipv4Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Ipv4Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Ipv4Packet { buffer }
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
        if len < IPV4_MIN_HEADER_LEN {
            return Err(Error::Truncated);
        }
        if self.version() != 4 {
            return Err(Error::Malformed);
        }
        let hl = self.header_len();
        if hl < IPV4_MIN_HEADER_LEN {
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
        self.buffer.as_ref()[field::ipv4::VER_IHL] >> field::ipv4::VERSION_SHIFT
    }
    /// Header length in bytes (IHL × 4).
    #[inline(always)]
    pub fn header_len(&self) -> usize {
        usize::from(self.buffer.as_ref()[field::ipv4::VER_IHL] & field::ipv4::IHL_MASK)
            * field::ipv4::IHL_UNIT
    }
    /// Bytes of options (header length − 20).
    #[inline(always)]
    pub fn options_len(&self) -> usize {
        self.header_len() - IPV4_MIN_HEADER_LEN
    }
    pub fn options(&self) -> &[u8] {
        &self.buffer.as_ref()[IPV4_MIN_HEADER_LEN..self.header_len()]
    }
    #[inline(always)]
    pub fn dscp_ecn(&self) -> u8 {
        self.buffer.as_ref()[field::ipv4::DSCP_ECN]
    }
    #[inline(always)]
    pub fn total_len(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::ipv4::LENGTH)
    }
    #[inline(always)]
    pub fn ident(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::ipv4::IDENT)
    }
    #[inline(always)]
    pub fn dont_frag(&self) -> bool {
        get_u16(self.buffer.as_ref(), field::ipv4::FLG_OFF) & field::ipv4::FLAG_DF != 0
    }
    #[inline(always)]
    pub fn more_frags(&self) -> bool {
        get_u16(self.buffer.as_ref(), field::ipv4::FLG_OFF) & field::ipv4::FLAG_MF != 0
    }
    /// Fragment offset in bytes.
    #[inline(always)]
    pub fn frag_offset(&self) -> usize {
        usize::from(
            get_u16(self.buffer.as_ref(), field::ipv4::FLG_OFF) & field::ipv4::FRAG_OFFSET_MASK,
        ) * field::ipv4::FRAG_OFFSET_UNIT
    }
    /// MF set or a non-zero offset.
    #[inline(always)]
    pub fn is_fragment(&self) -> bool {
        let f = get_u16(self.buffer.as_ref(), field::ipv4::FLG_OFF);
        f & (field::ipv4::FLAG_MF | field::ipv4::FRAG_OFFSET_MASK) != 0
    }
    #[inline(always)]
    pub fn ttl(&self) -> u8 {
        self.buffer.as_ref()[field::ipv4::TTL]
    }
    #[inline(always)]
    pub fn protocol(&self) -> u8 {
        self.buffer.as_ref()[field::ipv4::PROTOCOL]
    }
    #[inline(always)]
    pub fn checksum(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::ipv4::CHECKSUM)
    }
    /// Source address, host byte order.
    #[inline(always)]
    pub fn src_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::ipv4::SRC_ADDR)
    }
    /// Destination address, host byte order.
    #[inline(always)]
    pub fn dst_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::ipv4::DST_ADDR)
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
        match <&[u8; IPV4_MIN_HEADER_LEN]>::try_from(&b[..hl]) {
            Ok(h) => checksum::verify20(h),
            Err(_) => checksum::verify(&b[..hl]),
        }
    }
    /// Bytes from the end of the header to the total length.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[self.header_len()..usize::from(self.total_len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Ipv4Packet<T> {
    /// Version and IHL from a header length in bytes (multiple of 4).
    pub fn set_version_and_header_len(&mut self, version: u8, header_len: usize) {
        let ihl = (header_len / field::ipv4::IHL_UNIT) as u8 & field::ipv4::IHL_MASK;
        self.buffer.as_mut()[field::ipv4::VER_IHL] = (version << field::ipv4::VERSION_SHIFT) | ihl;
    }
    pub fn set_dscp_ecn(&mut self, v: u8) {
        self.buffer.as_mut()[field::ipv4::DSCP_ECN] = v
    }
    #[inline(always)]
    pub fn set_total_len(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::ipv4::LENGTH, v)
    }
    pub fn set_ident(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::ipv4::IDENT, v)
    }
    /// Flags and fragment offset (in bytes, a multiple of 8).
    pub fn set_flags_and_frag_offset(&mut self, df: bool, mf: bool, offset: usize) {
        use field::ipv4::*;
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
        self.buffer.as_mut()[field::ipv4::TTL] = v
    }
    pub fn set_protocol(&mut self, v: u8) {
        self.buffer.as_mut()[field::ipv4::PROTOCOL] = v
    }
    #[inline(always)]
    pub fn set_checksum(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::ipv4::CHECKSUM, v)
    }
    pub fn set_src_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::ipv4::SRC_ADDR, a.into())
    }
    pub fn set_dst_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::ipv4::DST_ADDR, a.into())
    }
    /// Computes and writes the header checksum.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(&self.buffer.as_ref()[..self.header_len()]);
        self.set_checksum(c);
    }
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let (h, t) = (self.header_len(), usize::from(self.total_len()));
        &mut self.buffer.as_mut()[h..t]
    }
}

// ---------------------------------------------------------------------------
// UDP

/// A UDP datagram; `new_checked` validates the length field.
#[derive(Debug, Clone)]
pub struct UdpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> UdpPacket<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        UdpPacket { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Self::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }
    /// Header fits; 8 ≤ length ≤ buffer.
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < UDP_HEADER_LEN {
            return Err(Error::Truncated);
        }
        let l = usize::from(self.len());
        if l < UDP_HEADER_LEN {
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
        get_u16(self.buffer.as_ref(), field::udp::SRC_PORT)
    }
    #[inline(always)]
    pub fn dst_port(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::udp::DST_PORT)
    }
    #[inline(always)]
    pub fn len(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::udp::LENGTH)
    }
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        usize::from(self.len()) <= UDP_HEADER_LEN
    }
    #[inline(always)]
    pub fn checksum(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::udp::CHECKSUM)
    }
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[UDP_HEADER_LEN..usize::from(self.len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> UdpPacket<T> {
    #[inline(always)]
    pub fn set_src_port(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::udp::SRC_PORT, v)
    }
    #[inline(always)]
    pub fn set_dst_port(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::udp::DST_PORT, v)
    }
    #[inline(always)]
    pub fn set_len(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::udp::LENGTH, v)
    }
    #[inline(always)]
    pub fn set_checksum(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::udp::CHECKSUM, v)
    }
}

// ---------------------------------------------------------------------------
// VXLAN

/// The 8-byte VXLAN header (RFC 7348 section 5).
#[derive(Debug, Clone)]
pub struct VxlanHeader<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> VxlanHeader<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        VxlanHeader { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let h = Self::new_unchecked(buffer);
        h.check_len()?;
        Ok(h)
    }
    pub fn check_len(&self) -> Result<()> {
        if self.buffer.as_ref().len() < VXLAN_HEADER_LEN {
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
        self.buffer.as_ref()[field::vxlan::FLAGS]
    }
    /// The I bit: the VNI is valid.
    #[inline(always)]
    pub fn i_flag(&self) -> bool {
        self.flags() & VXLAN_FLAG_I != 0
    }
    #[inline(always)]
    pub fn vni(&self) -> u32 {
        let b = &self.buffer.as_ref()[field::vxlan::VNI];
        u32::from_be_bytes([0, b[0], b[1], b[2]])
    }
    /// The 24 reserved bits after the flags.
    pub fn reserved0(&self) -> u32 {
        let b = &self.buffer.as_ref()[field::vxlan::RESERVED0];
        u32::from_be_bytes([0, b[0], b[1], b[2]])
    }
    /// The last, reserved byte.
    pub fn reserved1(&self) -> u8 {
        self.buffer.as_ref()[field::vxlan::RESERVED1]
    }
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::vxlan::PAYLOAD]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> VxlanHeader<T> {
    pub fn set_flags(&mut self, v: u8) {
        self.buffer.as_mut()[field::vxlan::FLAGS] = v
    }
    /// Low 24 bits of `vni`.
    pub fn set_vni(&mut self, vni: u32) {
        let b = vni.to_be_bytes();
        self.buffer.as_mut()[field::vxlan::VNI].copy_from_slice(&b[1..]);
    }
    pub fn clear_reserved(&mut self) {
        let b = self.buffer.as_mut();
        b[field::vxlan::RESERVED0].fill(0);
        b[field::vxlan::RESERVED1] = 0;
    }
    /// Flags exactly 0x08, reserved zero, the VNI.
    pub fn emit(&mut self, vni: u32) {
        self.set_flags(VXLAN_FLAG_I);
        self.clear_reserved();
        self.set_vni(vni);
    }
}

// ---------------------------------------------------------------------------
// ARP

/// ARP operation codes (RFC 826, RFC 903 for RARP).
pub mod arp_op {
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
pub struct ArpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> ArpPacket<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        ArpPacket { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Self::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        if b.len() <= field::arp::PLEN {
            return Err(Error::Truncated);
        }
        if b[field::arp::HLEN] != ARP_HLEN_ETHERNET || b[field::arp::PLEN] != ARP_PLEN_IPV4 {
            return Err(Error::Malformed);
        }
        if b.len() < ARP_ETH_IPV4_LEN {
            return Err(Error::Truncated);
        }
        Ok(())
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    pub fn hardware_type(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::arp::HTYPE)
    }
    pub fn protocol_type(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::arp::PTYPE)
    }
    pub fn hardware_len(&self) -> u8 {
        self.buffer.as_ref()[field::arp::HLEN]
    }
    pub fn protocol_len(&self) -> u8 {
        self.buffer.as_ref()[field::arp::PLEN]
    }
    #[inline(always)]
    pub fn operation(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::arp::OPER)
    }
    pub fn sender_hw_addr(&self) -> MacAddr {
        get_mac(self.buffer.as_ref(), field::arp::SHA)
    }
    pub fn sender_proto_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::arp::SPA)
    }
    pub fn sender_proto_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.sender_proto_u32())
    }
    pub fn target_hw_addr(&self) -> MacAddr {
        get_mac(self.buffer.as_ref(), field::arp::THA)
    }
    /// Target protocol address, host byte order.
    #[inline(always)]
    pub fn target_proto_u32(&self) -> u32 {
        get_u32(self.buffer.as_ref(), field::arp::TPA)
    }
    pub fn target_proto_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.target_proto_u32())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> ArpPacket<T> {
    pub fn set_hardware_type(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::arp::HTYPE, v)
    }
    pub fn set_protocol_type(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::arp::PTYPE, v)
    }
    pub fn set_hardware_len(&mut self, v: u8) {
        self.buffer.as_mut()[field::arp::HLEN] = v
    }
    pub fn set_protocol_len(&mut self, v: u8) {
        self.buffer.as_mut()[field::arp::PLEN] = v
    }
    pub fn set_operation(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::arp::OPER, v)
    }
    pub fn set_sender_hw_addr(&mut self, a: MacAddr) {
        self.buffer.as_mut()[field::arp::SHA].copy_from_slice(&a)
    }
    pub fn set_sender_proto_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::arp::SPA, a.into())
    }
    pub fn set_target_hw_addr(&mut self, a: MacAddr) {
        self.buffer.as_mut()[field::arp::THA].copy_from_slice(&a)
    }
    pub fn set_target_proto_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::arp::TPA, a.into())
    }
}

/// A parsed Ethernet/IPv4 ARP packet, for the control plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpRepr {
    pub operation: u16,
    pub source_hardware_addr: MacAddr,
    pub source_protocol_addr: Ipv4Addr,
    pub target_hardware_addr: MacAddr,
    pub target_protocol_addr: Ipv4Addr,
}

impl ArpRepr {
    /// Parses a checked packet; only hardware Ethernet / protocol IPv4.
    pub fn parse<T: AsRef<[u8]>>(p: &ArpPacket<T>) -> Result<ArpRepr> {
        if p.hardware_type() != ARP_HTYPE_ETHERNET || p.protocol_type() != ethertype::IPV4 {
            return Err(Error::Malformed);
        }
        Ok(ArpRepr {
            operation: p.operation(),
            source_hardware_addr: p.sender_hw_addr(),
            source_protocol_addr: p.sender_proto_addr(),
            target_hardware_addr: p.target_hw_addr(),
            target_protocol_addr: p.target_proto_addr(),
        })
    }
    pub const fn buffer_len(&self) -> usize {
        ARP_ETH_IPV4_LEN
    }
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, p: &mut ArpPacket<T>) {
        p.set_hardware_type(ARP_HTYPE_ETHERNET);
        p.set_protocol_type(ethertype::IPV4);
        p.set_hardware_len(ARP_HLEN_ETHERNET);
        p.set_protocol_len(ARP_PLEN_IPV4);
        p.set_operation(self.operation);
        p.set_sender_hw_addr(self.source_hardware_addr);
        p.set_sender_proto_addr(self.source_protocol_addr);
        p.set_target_hw_addr(self.target_hardware_addr);
        p.set_target_proto_addr(self.target_protocol_addr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_of_32_bit_words_equals_rfc1071_16_bit_words() {
        // RFC 1071's definition, one 16-bit word at a time.
        fn reference(d: &[u8]) -> u16 {
            let mut s: u32 = 0;
            for c in d.chunks(2) {
                s += u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0));
                s = (s & 0xffff) + (s >> 16);
            }
            !(s as u16)
        }
        let mut x: u32 = 0x1234_5678;
        for len in 0..80 {
            for _ in 0..8 {
                let mut d: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        x as u8
                    })
                    .collect();
                assert_eq!(checksum::checksum(&d), reference(&d), "{d:02x?}");
                if let Ok(h) = <&mut [u8; 20]>::try_from(&mut d[..]) {
                    assert_eq!(checksum::verify20(h), reference(h) == 0, "{h:02x?}");
                    // With its checksum filled in; then any one bit off.
                    h[10..12].fill(0);
                    let c = reference(h);
                    h[10..12].copy_from_slice(&c.to_be_bytes());
                    assert!(checksum::verify20(h), "{h:02x?}");
                    let bit = x as usize % 160;
                    h[bit / 8] ^= 1 << (bit % 8);
                    assert!(!checksum::verify20(h), "{h:02x?} bit {bit}");
                }
            }
        }
        assert_eq!(checksum::checksum(&[0xff; 20]), reference(&[0xff; 20]));
        // All ones sums to 0xffff: right; all zeros to 0: wrong.
        assert!(checksum::verify20(&[0xff; 20]));
        assert!(!checksum::verify20(&[0; 20]));
    }

    #[test]
    fn mac48_reads_and_classifies_like_the_byte_view() {
        let f: Vec<u8> = (0u8..14).map(|b| b.wrapping_mul(37) ^ 0x5a).collect();
        let e = EthernetFrame::new_unchecked(&f[..]);
        assert_eq!(Mac48::dst_of(&f).to_bytes(), e.dst_addr());
        assert_eq!(Mac48::src_of(&f).to_bytes(), e.src_addr());
        for m in [
            [0x01, 0x80, 0xc2, 0, 0, 0x00],
            [0x01, 0x80, 0xc2, 0, 0, 0x0e],
            [0x01, 0x80, 0xc2, 0, 0, 0x10],
            [0x01, 0x80, 0xc2, 0, 1, 0x00],
            BROADCAST_MAC,
            [0x01, 0x00, 0x5e, 1, 1, 100],
            [0; 6],
            [0x02, 0, 0, 0, 0, 1],
            [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58],
        ] {
            let w = Mac48::from_bytes(&m);
            assert_eq!(w.to_bytes(), m);
            assert_eq!(w.is_multicast(), m.is_multicast(), "{m:02x?}");
            assert_eq!(w.is_valid_source(), m.is_valid_source(), "{m:02x?}");
            assert_eq!(w.is_link_local(), m.is_link_local(), "{m:02x?}");
        }
    }

    // 192.168.0.1 → 192.168.0.199, UDP, the classic example header.
    const IP_HDR: [u8; 20] = [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00,
        0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ];

    #[test]
    fn mac_predicates() {
        let uni = [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58];
        assert!(!uni.is_multicast() && !uni.is_broadcast() && !uni.is_zero());
        assert!(uni.is_valid_source());
        assert!(BROADCAST_MAC.is_multicast() && BROADCAST_MAC.is_broadcast());
        assert!(!BROADCAST_MAC.is_valid_source());
        let mc = [0x01, 0x00, 0x5e, 0x01, 0x01, 0x64];
        assert!(mc.is_multicast() && !mc.is_broadcast() && !mc.is_valid_source());
        assert!([0u8; 6].is_zero() && ![0u8; 6].is_valid_source());
        assert!(LLDP_MAC.is_link_local());
        assert!([0x01, 0x80, 0xc2, 0, 0, 0].is_link_local());
        assert!(![0x01, 0x80, 0xc2, 0, 0, 0x10].is_link_local());
        assert!(!mc.is_link_local());
    }

    #[test]
    fn mac_format_parse() {
        let m = [0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc];
        assert_eq!(MacDisplay(&m).to_string(), "02:a0:98:2c:06:cc");
        assert_eq!(parse_mac("02:a0:98:2c:06:cc"), Some(m));
        assert_eq!(parse_mac("02-A0-98-2C-06-CC"), Some(m));
        assert_eq!(parse_mac("02:a0:98:2c:06"), None);
        assert_eq!(parse_mac("02:a0:98:2c:06:cc:00"), None);
        assert_eq!(parse_mac("02:a0:98:2c:06:c"), None);
    }

    #[test]
    fn multicast_mac_mapping() {
        assert_eq!(
            ipv4_multicast_mac(Ipv4Addr::new(239, 1, 1, 100)),
            [0x01, 0x00, 0x5e, 0x01, 0x01, 0x64]
        );
        // The 24th bit is dropped: 239.129.1.10 maps like 239.1.1.10.
        assert_eq!(
            ipv4_multicast_mac(Ipv4Addr::new(239, 129, 1, 10)),
            ipv4_multicast_mac(Ipv4Addr::new(239, 1, 1, 10))
        );
        assert_eq!(
            ipv4_multicast_mac(Ipv4Addr::new(224, 0, 0, 22)),
            [1, 0, 0x5e, 0, 0, 22]
        );
    }

    #[test]
    fn checksum_rfc1071() {
        assert_eq!(checksum::checksum(&[]), 0xffff);
        let mut h = IP_HDR;
        h[10] = 0;
        h[11] = 0;
        assert_eq!(checksum::checksum(&h), 0xb861);
        assert!(checksum::verify(&IP_HDR));
        // Odd length pads with zero.
        assert_eq!(checksum::sum(&[0x01, 0x02, 0x03]), 0x0102 + 0x0300);
        assert_eq!(checksum::fold(0x0001_ffff), 0x0001);
        assert_eq!(checksum::fold(0xffff_ffff), 0xffff);
    }

    #[test]
    fn checksum_incremental_matches_full() {
        let mut p = Ipv4Packet::new_unchecked(IP_HDR);
        for (old, new) in [(0x0073u16, 0x2332u16), (0x2332, 0xffff), (0xffff, 0x0000)] {
            let c = checksum::update(p.checksum(), old, new);
            p.set_total_len(new);
            let mut q = p.clone();
            q.fill_checksum();
            assert_eq!(c, q.checksum(), "{old:#x}->{new:#x}");
            p.set_checksum(c);
            assert!(p.verify_checksum());
        }
    }

    #[test]
    fn ethernet_view() {
        let mut b = [0u8; 20];
        assert_eq!(
            EthernetFrame::new_checked(&b[..13]).unwrap_err(),
            Error::Truncated
        );
        let mut f = EthernetFrame::new_checked(&mut b[..]).unwrap();
        f.set_dst_addr([1, 2, 3, 4, 5, 6]);
        f.set_src_addr([7, 8, 9, 10, 11, 12]);
        f.set_ethertype(ethertype::ARP);
        f.payload_mut()[0] = 0xee;
        assert_eq!(f.dst_addr(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(f.src_addr(), [7, 8, 9, 10, 11, 12]);
        assert_eq!(f.ethertype(), 0x0806);
        assert_eq!(f.payload().len(), 6);
        assert_eq!(
            &b[..15],
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x06, 0xee]
        );
        assert_eq!(EthernetFrame::<&[u8]>::header_len(), 14);
    }

    #[test]
    fn vlan_view() {
        let mut b = [0x81, 0x00, 0xa0, 0x64];
        let t = VlanTag::new_checked(&b[..]).unwrap();
        assert_eq!(
            (t.tpid(), t.pcp(), t.dei(), t.vid()),
            (0x8100, 5, false, 100)
        );
        assert!(VlanTag::new_checked(&b[..3]).is_err());
        let mut t = VlanTag::new_unchecked(&mut b[..]);
        t.set_vid(4094);
        t.set_dei(true);
        t.set_pcp(3);
        assert_eq!((t.pcp(), t.dei(), t.vid()), (3, true, 4094));
        assert_eq!(b, [0x81, 0x00, 0x7f, 0xfe]);
        let mut t = VlanTag::new_unchecked(&mut b[..]);
        t.emit(0, false, 10);
        assert_eq!(b, [0x81, 0x00, 0x00, 0x0a]);
        assert_eq!(vlan_tci(7, true, 0xffff), 0xffff);
    }

    #[test]
    fn ipv4_view_read() {
        let p = Ipv4Packet::new_unchecked(&IP_HDR[..]);
        assert_eq!(p.version(), 4);
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.options_len(), 0);
        assert_eq!(p.dscp_ecn(), 0);
        assert_eq!(p.total_len(), 0x73);
        assert_eq!(p.ident(), 0);
        assert!(p.dont_frag() && !p.more_frags() && !p.is_fragment());
        assert_eq!(p.frag_offset(), 0);
        assert_eq!(p.ttl(), 64);
        assert_eq!(p.protocol(), ip_proto::UDP);
        assert_eq!(p.checksum(), 0xb861);
        assert_eq!(p.src_addr(), Ipv4Addr::new(192, 168, 0, 1));
        assert_eq!(p.dst_addr(), Ipv4Addr::new(192, 168, 0, 199));
        assert_eq!(p.src_u32(), 0xc0a8_0001);
        assert!(p.verify_checksum());
        // total length 0x73 > 20-byte buffer
        assert_eq!(
            Ipv4Packet::new_checked(&IP_HDR[..]).unwrap_err(),
            Error::Truncated
        );
    }

    #[test]
    fn ipv4_view_checks_and_write() {
        let mut b = [0u8; 28];
        assert_eq!(
            Ipv4Packet::new_checked(&b[..19]).unwrap_err(),
            Error::Truncated
        );
        assert_eq!(
            Ipv4Packet::new_checked(&b[..]).unwrap_err(),
            Error::Malformed
        ); // version 0
        let mut p = Ipv4Packet::new_unchecked(&mut b[..]);
        p.set_version_and_header_len(4, 16);
        assert_eq!(p.check_len(), Err(Error::Malformed)); // IHL 4
        p.set_version_and_header_len(4, 32);
        assert_eq!(p.check_len(), Err(Error::Truncated)); // header > buffer
        p.set_version_and_header_len(4, 24);
        p.set_total_len(20);
        assert_eq!(p.check_len(), Err(Error::Malformed)); // total < header
        p.set_total_len(29);
        assert_eq!(p.check_len(), Err(Error::Truncated));
        p.set_total_len(28);
        assert_eq!(p.check_len(), Ok(()));
        assert_eq!(p.options_len(), 4);
        p.set_dscp_ecn(0xb8);
        p.set_ident(0x1234);
        p.set_flags_and_frag_offset(false, true, 1480);
        p.set_ttl(1);
        p.set_protocol(ip_proto::IGMP);
        p.set_src_addr(Ipv4Addr::new(10, 0, 0, 1));
        p.set_dst_addr(Ipv4Addr::new(224, 0, 0, 22));
        p.fill_checksum();
        assert!(p.verify_checksum());
        assert!(p.more_frags() && !p.dont_frag() && p.is_fragment());
        assert_eq!(p.frag_offset(), 1480);
        assert_eq!(p.payload_mut().len(), 4);
        assert_eq!(
            &b[..20],
            &[
                0x46, 0xb8, 0, 28, 0x12, 0x34, 0x20, 185, 1, 2, b[10], b[11], 10, 0, 0, 1, 224, 0,
                0, 22
            ]
        );
        let p = Ipv4Packet::new_checked(&b[..]).unwrap();
        assert_eq!(p.payload().len(), 4);
        assert_eq!(p.options().len(), 4);
        let mut b2 = b;
        let mut p = Ipv4Packet::new_unchecked(&mut b2[..]);
        p.set_flags_and_frag_offset(false, false, 8);
        assert!(p.is_fragment() && !p.more_frags());
        p.set_flags_and_frag_offset(true, false, 0);
        assert!(!p.is_fragment());
    }

    #[test]
    fn udp_view() {
        let mut b = [0u8; 12];
        assert_eq!(
            UdpPacket::new_checked(&b[..7]).unwrap_err(),
            Error::Truncated
        );
        assert_eq!(
            UdpPacket::new_checked(&b[..]).unwrap_err(),
            Error::Malformed
        ); // len 0
        let mut u = UdpPacket::new_unchecked(&mut b[..]);
        u.set_src_port(49152);
        u.set_dst_port(VXLAN_PORT);
        u.set_len(13);
        assert_eq!(u.check_len(), Err(Error::Truncated));
        u.set_len(12);
        u.set_checksum(0xbeef);
        assert_eq!(b[..8], [0xc0, 0x00, 0x12, 0xb5, 0, 12, 0xbe, 0xef]);
        let u = UdpPacket::new_checked(&b[..]).unwrap();
        assert_eq!(
            (u.src_port(), u.dst_port(), u.len(), u.checksum()),
            (49152, 4789, 12, 0xbeef)
        );
        assert_eq!(u.payload().len(), 4);
        assert!(!u.is_empty());
    }

    #[test]
    fn vxlan_view() {
        let mut b = [0xffu8; 8];
        assert!(VxlanHeader::new_checked(&b[..7]).is_err());
        let mut h = VxlanHeader::new_checked(&mut b[..]).unwrap();
        assert_eq!(h.reserved0(), 0xff_ffff);
        assert_eq!(h.reserved1(), 0xff);
        h.emit(0x12_3456 | 0xff00_0000);
        assert_eq!(b, [0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
        let h = VxlanHeader::new_checked(&b[..]).unwrap();
        assert!(h.i_flag());
        assert_eq!(
            (h.flags(), h.vni(), h.reserved0(), h.reserved1()),
            (8, 0x12_3456, 0, 0)
        );
        let mut h = VxlanHeader::new_unchecked(&mut b[..]);
        h.set_flags(0);
        h.set_vni(100);
        assert!(!h.i_flag());
        assert_eq!(h.vni(), 100);
        assert!(h.payload().is_empty());
    }

    #[test]
    fn arp_view_and_repr() {
        let repr = ArpRepr {
            operation: arp_op::REQUEST,
            source_hardware_addr: [0, 0x50, 0x56, 0x6f, 0x2c, 0x31],
            source_protocol_addr: Ipv4Addr::new(100, 10, 1, 4),
            target_hardware_addr: [0; 6],
            target_protocol_addr: Ipv4Addr::new(100, 10, 1, 200),
        };
        let mut b = [0u8; ARP_ETH_IPV4_LEN];
        assert_eq!(repr.buffer_len(), 28);
        repr.emit(&mut ArpPacket::new_unchecked(&mut b[..]));
        assert_eq!(&b[..8], &[0, 1, 8, 0, 6, 4, 0, 1]);
        assert_eq!(&b[24..], &[100, 10, 1, 200]);
        let p = ArpPacket::new_checked(&b[..]).unwrap();
        assert_eq!(p.hardware_type(), 1);
        assert_eq!(p.protocol_type(), 0x0800);
        assert_eq!((p.hardware_len(), p.protocol_len()), (6, 4));
        assert_eq!(
            p.target_proto_u32(),
            u32::from(Ipv4Addr::new(100, 10, 1, 200))
        );
        assert_eq!(
            p.sender_proto_u32(),
            u32::from(Ipv4Addr::new(100, 10, 1, 4))
        );
        assert_eq!(ArpRepr::parse(&p), Ok(repr));
        assert_eq!(
            ArpPacket::new_checked(&b[..27]).unwrap_err(),
            Error::Truncated
        );
        assert_eq!(
            ArpPacket::new_checked(&b[..5]).unwrap_err(),
            Error::Truncated
        );
        b[4] = 8;
        assert_eq!(
            ArpPacket::new_checked(&b[..]).unwrap_err(),
            Error::Malformed
        );
        b[4] = 6;
        b[1] = 6; // not Ethernet
        assert_eq!(
            ArpRepr::parse(&ArpPacket::new_checked(&b[..]).unwrap()),
            Err(Error::Malformed)
        );
    }

    #[test]
    fn constants() {
        assert_eq!(VXLAN_OVERHEAD, 50);
        assert_eq!(VXLAN_IP_OVERHEAD, 36);
        assert_eq!(VLAN_TAG_LEN, 4);
        assert_eq!(IPV4_MAX_HEADER_LEN, 60);
        assert_eq!(
            field::vlan::INNER_ETHERTYPE.start,
            field::vlan::IN_FRAME + VLAN_TAG_LEN
        );
    }
}
