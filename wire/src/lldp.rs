//! LLDP (IEEE 802.1AB): the LLDPDU vtep sends, and what it reads of its
//! neighbors'.

use crate::ethernet::{self, ethertype, pad};
use crate::{get_u16, set_u16, Error, Mac, Result};
use std::net::{Ipv4Addr, Ipv6Addr};

/// LLDPDU TLV layout and codes.
pub mod field {
    use crate::{Field, Rest};
    /// TLV header: 7-bit type, 9-bit length.
    pub const TLV_HEADER: Field = 0..2;
    pub const TLV_VALUE: Rest = 2..;
    pub const TLV_HEADER_LEN: usize = TLV_HEADER.end;
    pub const TYPE_SHIFT: u16 = 9;
    pub const LEN_MASK: u16 = 0x01ff;
    pub const TLV_END: u8 = 0;
    pub const TLV_CHASSIS_ID: u8 = 1;
    pub const TLV_PORT_ID: u8 = 2;
    pub const TLV_TTL: u8 = 3;
    pub const TLV_PORT_DESC: u8 = 4;
    pub const TLV_SYSTEM_NAME: u8 = 5;
    /// Within a chassis or port id TLV: the subtype, then the id.
    pub const ID_SUBTYPE: usize = 0;
    pub const ID: Rest = 1..;
    /// Within a TTL TLV.
    pub const TTL: Field = 0..2;
    pub const CHASSIS_SUBTYPE_MAC: u8 = 4;
    pub const CHASSIS_SUBTYPE_NETWORK_ADDRESS: u8 = 5;
    pub const PORT_SUBTYPE_MAC: u8 = 3;
    pub const PORT_SUBTYPE_NETWORK_ADDRESS: u8 = 4;
    pub const PORT_SUBTYPE_INTERFACE_NAME: u8 = 5;
    /// Longest id string (the TLV holds 1..=255 bytes after the subtype)
    /// and longest description or name.
    pub const MAX_STRING: usize = 255;
    /// IANA address family numbers in network address subtypes.
    pub const AF_IPV4: u8 = 1;
    pub const AF_IPV6: u8 = 2;
}

/// One TLV; `new_checked` validates that its value fits.
#[derive(Debug, Clone)]
pub struct Tlv<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Tlv<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Tlv { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let t = Self::new_unchecked(buffer);
        t.check_len()?;
        Ok(t)
    }
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < field::TLV_HEADER_LEN || self.buffer_len() > len {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    pub fn tlv_type(&self) -> u8 {
        (get_u16(self.buffer.as_ref(), field::TLV_HEADER) >> field::TYPE_SHIFT) as u8
    }
    /// The value's length.
    pub fn len(&self) -> usize {
        usize::from(get_u16(self.buffer.as_ref(), field::TLV_HEADER) & field::LEN_MASK)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Header and value.
    pub fn buffer_len(&self) -> usize {
        field::TLV_HEADER_LEN + self.len()
    }
    pub fn value(&self) -> &[u8] {
        &self.buffer.as_ref()[field::TLV_HEADER_LEN..self.buffer_len()]
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Tlv<&'a T> {
    /// [`Tlv::value`], borrowed for as long as the buffer.
    pub fn value_slice(&self) -> &'a [u8] {
        &self.buffer.as_ref()[field::TLV_HEADER_LEN..self.buffer_len()]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Tlv<T> {
    /// Type (7 bits) and value length (9 bits).
    pub fn set_header(&mut self, kind: u8, len: usize) {
        let h = (u16::from(kind) << field::TYPE_SHIFT) | (len as u16 & field::LEN_MASK);
        set_u16(self.buffer.as_mut(), field::TLV_HEADER, h)
    }
    pub fn value_mut(&mut self) -> &mut [u8] {
        let end = self.buffer_len();
        &mut self.buffer.as_mut()[field::TLV_HEADER_LEN..end]
    }
}

/// An LLDPDU (the Ethernet payload); `new_checked` validates that every
/// TLV up to the End TLV, or up to where fewer than a TLV header's bytes
/// are left, fits.
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
        let mut at = 0;
        while b.len() - at >= field::TLV_HEADER_LEN {
            let t = Tlv::new_checked(&b[at..])?;
            if t.tlv_type() == field::TLV_END {
                break;
            }
            at += t.buffer_len();
        }
        Ok(())
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    /// The TLVs in order, the End TLV last if there is one.
    pub fn tlvs(&self) -> Tlvs<'_> {
        Tlvs {
            rest: self.buffer.as_ref(),
        }
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// The bytes from `at` on, where the TLV at `at` goes.
    pub fn tlv_mut(&mut self, at: usize) -> Tlv<&mut [u8]> {
        Tlv::new_unchecked(&mut self.buffer.as_mut()[at..])
    }
}

/// The TLVs of a checked LLDPDU.
#[derive(Debug, Clone)]
pub struct Tlvs<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Tlv<&'a [u8]>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.len() < field::TLV_HEADER_LEN {
            return None;
        }
        let t = Tlv::new_unchecked(self.rest);
        let (this, rest) = self.rest.split_at(t.buffer_len());
        // Nothing after the End TLV is read (it may be padding).
        self.rest = if t.tlv_type() == field::TLV_END {
            &[]
        } else {
            rest
        };
        Some(Tlv::new_unchecked(this))
    }
}

/// A chassis or port id: its subtype and the id's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id<'a> {
    pub subtype: u8,
    pub id: &'a [u8],
}

impl Id<'_> {
    fn value_len(&self) -> usize {
        1 + self.id.len()
    }

    /// `aa:bb:cc:dd:ee:ff` for the MAC subtype (`mac_subtype` of this
    /// TLV), an address for the network address subtype, else the id as
    /// text.
    fn to_text(self, mac_subtype: u8, net_subtype: u8) -> String {
        if self.subtype == mac_subtype {
            if let Ok(m) = <[u8; 6]>::try_from(self.id) {
                return Mac(m).to_string();
            }
        }
        if self.subtype == net_subtype {
            match self.id.split_first() {
                Some((&field::AF_IPV4, a)) => {
                    if let Ok(a) = <[u8; 4]>::try_from(a) {
                        return Ipv4Addr::from(a).to_string();
                    }
                }
                Some((&field::AF_IPV6, a)) => {
                    if let Ok(a) = <[u8; 16]>::try_from(a) {
                        return Ipv6Addr::from(a).to_string();
                    }
                }
                _ => {}
            }
        }
        lldp_text(self.id)
    }
}

/// An LLDPDU's mandatory TLVs and the two optional ones vtep reads and
/// sends, borrowing from the frame. Other TLVs are skipped when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    pub chassis_id: Id<'a>,
    pub port_id: Id<'a>,
    /// Seconds; 0 means the sender is shutting LLDP down.
    pub ttl: u16,
    /// The first port description TLV, if any.
    pub port_description: Option<&'a [u8]>,
    /// The first system name TLV, if any.
    pub system_name: Option<&'a [u8]>,
}

impl<'a> Repr<'a> {
    /// Reads a checked LLDPDU. The chassis id, port id and TTL TLVs must
    /// come first, in that order (else `Malformed`, or `Truncated` when
    /// the LLDPDU ends before them); ids hold a subtype and at least one
    /// byte and the TTL two bytes (else `Malformed`).
    pub fn parse<T: AsRef<[u8]> + ?Sized>(p: &Packet<&'a T>) -> Result<Repr<'a>> {
        let mut tlvs = Tlvs {
            rest: p.buffer.as_ref(),
        };
        let mut mandatory = |kind: u8| -> Result<&'a [u8]> {
            let t = tlvs.next().ok_or(Error::Truncated)?;
            if t.tlv_type() != kind {
                return Err(Error::Malformed);
            }
            Ok(t.value_slice())
        };
        let id = |v: &'a [u8]| -> Result<Id<'a>> {
            match v {
                [subtype, id @ ..] if !id.is_empty() => Ok(Id {
                    subtype: *subtype,
                    id,
                }),
                _ => Err(Error::Malformed),
            }
        };
        let chassis_id = id(mandatory(field::TLV_CHASSIS_ID)?)?;
        let port_id = id(mandatory(field::TLV_PORT_ID)?)?;
        let ttl = mandatory(field::TLV_TTL)?;
        if ttl.len() < field::TTL.end {
            return Err(Error::Malformed);
        }
        let mut repr = Repr {
            chassis_id,
            port_id,
            ttl: get_u16(ttl, field::TTL),
            port_description: None,
            system_name: None,
        };
        for t in tlvs {
            match t.tlv_type() {
                field::TLV_END => break,
                field::TLV_PORT_DESC if repr.port_description.is_none() => {
                    repr.port_description = Some(t.value_slice())
                }
                field::TLV_SYSTEM_NAME if repr.system_name.is_none() => {
                    repr.system_name = Some(t.value_slice())
                }
                _ => {}
            }
        }
        Ok(repr)
    }

    /// Every TLV and the End TLV.
    pub fn buffer_len(&self) -> usize {
        let h = field::TLV_HEADER_LEN;
        let optional: usize = [self.port_description, self.system_name]
            .iter()
            .flatten()
            .map(|v| h + v.len())
            .sum();
        h + self.chassis_id.value_len()
            + h
            + self.port_id.value_len()
            + h
            + field::TTL.end
            + optional
            + h
    }

    /// Writes chassis id, port id, TTL, port description and system name
    /// (when present), End, from the start of `p`'s buffer. Values are at
    /// most 511 bytes (the 9-bit length).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(&self, p: &mut Packet<&mut T>) {
        let mut at = 0;
        let mut put = |kind: u8, parts: &[&[u8]]| {
            let len = parts.iter().map(|v| v.len()).sum();
            let mut t = p.tlv_mut(at);
            t.set_header(kind, len);
            let mut v = t.value_mut();
            for part in parts {
                let (this, rest) = v.split_at_mut(part.len());
                this.copy_from_slice(part);
                v = rest;
            }
            at += field::TLV_HEADER_LEN + len;
        };
        let (c, pid) = (self.chassis_id, self.port_id);
        put(field::TLV_CHASSIS_ID, &[&[c.subtype], c.id]);
        put(field::TLV_PORT_ID, &[&[pid.subtype], pid.id]);
        put(field::TLV_TTL, &[&self.ttl.to_be_bytes()]);
        if let Some(d) = self.port_description {
            put(field::TLV_PORT_DESC, &[d]);
        }
        if let Some(n) = self.system_name {
            put(field::TLV_SYSTEM_NAME, &[n]);
        }
        put(field::TLV_END, &[]);
    }
}

/// What an LLDPDU says about the neighbor that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbor {
    /// `aa:bb:cc:dd:ee:ff` for the MAC subtype, an address for the network
    /// address subtype, else the id as text.
    pub chassis_id: String,
    /// Formatted like `chassis_id`.
    pub port_id: String,
    pub port_desc: Option<String>,
    pub system_name: Option<String>,
    /// Seconds; 0 means the neighbor is shutting LLDP down.
    pub ttl: u16,
}

/// Cuts `s` to at most `max` bytes on a character boundary.
fn truncate_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// An LLDPDU to 01:80:c2:00:00:0e: chassis id (MAC subtype), port id
/// (interface-name subtype; must not be empty), TTL, port description and
/// system name (each left out when empty), end. Strings longer than 255
/// bytes are cut.
pub fn frame(
    src_mac: Mac,
    chassis_mac: Mac,
    port_id: &str,
    port_desc: &str,
    system_name: &str,
    ttl_secs: u16,
) -> Vec<u8> {
    use field::*;
    fn text(s: &str) -> Option<&[u8]> {
        (!s.is_empty()).then(|| truncate_str(s, MAX_STRING).as_bytes())
    }
    let repr = Repr {
        chassis_id: Id {
            subtype: CHASSIS_SUBTYPE_MAC,
            id: chassis_mac.as_bytes(),
        },
        port_id: Id {
            subtype: PORT_SUBTYPE_INTERFACE_NAME,
            id: truncate_str(port_id, MAX_STRING).as_bytes(),
        },
        ttl: ttl_secs,
        port_description: text(port_desc),
        system_name: text(system_name),
    };
    let mut f = Vec::with_capacity(128);
    ethernet::Repr {
        dst: Mac::LLDP_NEAREST_BRIDGE,
        src: src_mac,
        vlan: None,
        ethertype: ethertype::LLDP,
    }
    .emit(&mut f);
    let at = f.len();
    f.resize(at + repr.buffer_len(), 0);
    repr.emit(&mut Packet::new_unchecked(&mut f[at..]));
    pad(f)
}

fn lldp_text(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .trim_end_matches('\0')
        .to_string()
}

impl From<Repr<'_>> for Neighbor {
    fn from(r: Repr<'_>) -> Neighbor {
        use field::*;
        Neighbor {
            chassis_id: r
                .chassis_id
                .to_text(CHASSIS_SUBTYPE_MAC, CHASSIS_SUBTYPE_NETWORK_ADDRESS),
            port_id: r
                .port_id
                .to_text(PORT_SUBTYPE_MAC, PORT_SUBTYPE_NETWORK_ADDRESS),
            port_desc: r.port_description.map(lldp_text),
            system_name: r.system_name.map(lldp_text),
            ttl: r.ttl,
        }
    }
}

/// Parses an LLDPDU (EtherType 0x88cc, any destination, optional tag).
/// The chassis id, port id and TTL TLVs must come first, in that order; the
/// rest is read up to the end TLV (or the end of the frame) and a TLV
/// running past the frame makes the whole LLDPDU invalid.
pub fn try_parse(frame: &[u8]) -> Result<Neighbor> {
    let (eth, lldpdu) = ethernet::Repr::try_parse(frame)?;
    if eth.ethertype != ethertype::LLDP {
        return Err(Error::Unrecognized);
    }
    Ok(Repr::parse(&Packet::new_checked(lldpdu)?)?.into())
}

/// [`try_parse`], for callers that need no reason.
pub fn parse(frame: &[u8]) -> Option<Neighbor> {
    try_parse(frame).ok()
}

#[cfg(test)]
mod tests;
