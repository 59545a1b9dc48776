//! Ethernet (EUI-48) addresses.

use core::fmt;
use core::str::FromStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::net::Ipv4Addr;

/// An Ethernet address, first octet first (as on the wire). Shown and
/// parsed as `aa:bb:cc:dd:ee:ff`, and serialized as that string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Mac(pub [u8; 6]);

/// 01:80:c2:00:00:0X: the IEEE link-local block, never forwarded by a
/// bridge.
const LINK_LOCAL_PREFIX: [u8; 5] = [0x01, 0x80, 0xc2, 0x00, 0x00];
const LINK_LOCAL_LAST_MASK: u8 = 0xf0;
/// The group bit (I/G) of the first octet.
pub const GROUP_BIT: u8 = 0x01;
/// The IPv4 multicast MAC prefix (RFC 1112 section 6.4).
const IPV4_MCAST_PREFIX: [u8; 3] = [0x01, 0x00, 0x5e];
const IPV4_MCAST_LOW_MASK: u32 = 0x007f_ffff;

impl Mac {
    /// ff:ff:ff:ff:ff:ff.
    pub const BROADCAST: Mac = Mac([0xff; 6]);
    /// 00:00:00:00:00:00.
    pub const ZERO: Mac = Mac([0; 6]);
    /// 01:80:c2:00:00:0e, the nearest-bridge group address LLDP is sent to.
    pub const LLDP_NEAREST_BRIDGE: Mac = Mac([0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e]);

    #[inline(always)]
    pub const fn octets(&self) -> [u8; 6] {
        self.0
    }
    #[inline(always)]
    pub const fn as_bytes(&self) -> &[u8; 6] {
        &self.0
    }
    /// The address in the first 6 bytes of `b`; `None` when shorter.
    pub fn from_slice(b: &[u8]) -> Option<Mac> {
        Some(Mac(b.get(..6)?.try_into().ok()?))
    }
    /// Group bit set: multicast or broadcast.
    #[inline(always)]
    pub fn is_multicast(&self) -> bool {
        self.0[0] & GROUP_BIT != 0
    }
    #[inline(always)]
    pub fn is_broadcast(&self) -> bool {
        *self == Mac::BROADCAST
    }
    #[inline(always)]
    pub fn is_zero(&self) -> bool {
        *self == Mac::ZERO
    }
    /// Usable as a source: not multicast/broadcast, not all zeroes.
    #[inline(always)]
    pub fn is_valid_source(&self) -> bool {
        !self.is_multicast() && !self.is_zero()
    }
    /// IEEE 802.1D reserved 01:80:c2:00:00:0X (STP, LACP, LLDP, ...).
    #[inline(always)]
    pub fn is_link_local(&self) -> bool {
        self.0[..5] == LINK_LOCAL_PREFIX && self.0[5] & LINK_LOCAL_LAST_MASK == 0
    }
    /// The Ethernet address of an IPv4 multicast group: 01:00:5e followed
    /// by the group's low 23 bits.
    pub fn ipv4_multicast(group: Ipv4Addr) -> Mac {
        let low = u32::from(group) & IPV4_MCAST_LOW_MASK;
        let b = low.to_be_bytes();
        let p = IPV4_MCAST_PREFIX;
        Mac([p[0], p[1], p[2], b[1], b[2], b[3]])
    }
}

impl From<[u8; 6]> for Mac {
    fn from(b: [u8; 6]) -> Mac {
        Mac(b)
    }
}

impl From<Mac> for [u8; 6] {
    fn from(m: Mac) -> [u8; 6] {
        m.0
    }
}

impl AsRef<[u8]> for Mac {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// So that a frame's bytes compare with an address directly.
impl PartialEq<Mac> for [u8] {
    fn eq(&self, m: &Mac) -> bool {
        *self == m.0
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A string that is not `aa:bb:cc:dd:ee:ff` (or `aa-bb-cc-dd-ee-ff`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseMacError;

impl fmt::Display for ParseMacError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a MAC address (aa:bb:cc:dd:ee:ff)")
    }
}

impl std::error::Error for ParseMacError {}

impl FromStr for Mac {
    type Err = ParseMacError;
    /// Six pairs of hex digits (either case) separated by `:` or `-`.
    fn from_str(s: &str) -> Result<Mac, ParseMacError> {
        let mut m = [0u8; 6];
        let mut it = s.split([':', '-']);
        for b in m.iter_mut() {
            let p = it.next().ok_or(ParseMacError)?;
            if p.len() != 2 {
                return Err(ParseMacError);
            }
            *b = u8::from_str_radix(p, 16).map_err(|_| ParseMacError)?;
        }
        match it.next() {
            None => Ok(Mac(m)),
            Some(_) => Err(ParseMacError),
        }
    }
}

impl Serialize for Mac {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Mac {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Mac, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
