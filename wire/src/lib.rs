//! vtep's wire formats, one file per header, in smoltcp's style.
//!
//! * A view, `Packet<T: AsRef<[u8]>>` (an Ethernet `Frame`, a VLAN tag, a
//!   VXLAN `Header`), wraps a buffer: `new_checked` validates its length
//!   (and its length fields) once, after which every accessor reads a fixed
//!   offset named in that header's `field` module; with `T: AsMut<[u8]>`
//!   the same type gives the setters. The per-packet path works on views
//!   and on the raw-slice accessors next to them, all `#[inline(always)]`.
//! * A `Repr` is the parsed meaning of a header, with `parse` (from a
//!   checked view) and `emit` (into a view of `buffer_len()` bytes); the
//!   control thread works on those. Frame-level parsers take a whole
//!   Ethernet frame (an optional 802.1Q tag is accepted) and are built on
//!   the views and `Repr`s: the `try_` form says why a frame was refused
//!   ([`Error`]), the plain form returns `None`. Frame builders return a
//!   complete Ethernet frame without FCS, padded to
//!   [`ethernet::MIN_FRAME_LEN`].
//!
//! Byte order: every multi-byte field is network order on the wire; the
//! accessors return host values (`u16`, `u32`, [`Ipv4Addr`]).
//!
//! [`Ipv4Addr`]: std::net::Ipv4Addr

#![forbid(unsafe_code)]

use core::fmt;

pub mod arp;
pub mod checksum;
pub mod ethernet;
pub mod icmpv4;
pub mod igmp;
pub mod ipv4;
pub mod lldp;
pub mod mac;
pub mod udp;
pub mod vxlan;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;

pub use arp::{Operation as ArpOp, Packet as ArpPacket, Repr as ArpRepr};
pub use ethernet::{ethertype, Frame as EthernetFrame, Repr as EthernetRepr, VlanTag};
pub use ipv4::{protocol as ip_proto, Packet as Ipv4Packet, Repr as Ipv4Repr};
pub use mac::Mac;
pub use udp::{Packet as UdpPacket, Repr as UdpRepr};
pub use vxlan::{Header as VxlanHeader, Outer as VxlanOuter};

/// Why a view could not be made, or a header not parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The buffer is shorter than the header (or than a length field says).
    Truncated,
    /// A field has a value the header cannot have (version, IHL, lengths).
    Malformed,
    /// A checksum does not verify.
    Checksum,
    /// Another protocol or message than the one asked for (EtherType, IP
    /// protocol, message type).
    Unrecognized,
    /// An IPv4 fragment: the control plane does not reassemble.
    Fragmented,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated"),
            Error::Malformed => f.write_str("malformed"),
            Error::Checksum => f.write_str("bad checksum"),
            Error::Unrecognized => f.write_str("unrecognized"),
            Error::Fragmented => f.write_str("fragmented"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = core::result::Result<T, Error>;

/// A fixed range of bytes, as the `field` modules name them.
pub type Field = core::ops::Range<usize>;
/// From an offset to the end.
pub type Rest = core::ops::RangeFrom<usize>;

// Fixed-offset readers and writers for the views: the caller's view has
// checked the length, so these index directly.

#[inline(always)]
pub(crate) fn get_u16(b: &[u8], f: Field) -> u16 {
    u16::from_be_bytes([b[f.start], b[f.start + 1]])
}
#[inline(always)]
pub(crate) fn set_u16(b: &mut [u8], f: Field, v: u16) {
    b[f].copy_from_slice(&v.to_be_bytes());
}
#[inline(always)]
pub(crate) fn get_u32(b: &[u8], f: Field) -> u32 {
    u32::from_be_bytes([b[f.start], b[f.start + 1], b[f.start + 2], b[f.start + 3]])
}
#[inline(always)]
pub(crate) fn set_u32(b: &mut [u8], f: Field, v: u32) {
    b[f].copy_from_slice(&v.to_be_bytes());
}
#[inline(always)]
pub(crate) fn get_mac(b: &[u8], f: Field) -> Mac {
    let mut m = [0u8; 6];
    m.copy_from_slice(&b[f]);
    Mac(m)
}
