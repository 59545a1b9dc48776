//! LLDP (IEEE 802.1AB): the LLDPDU vtep sends, and what it reads of its
//! neighbors'.

use crate::ethernet::{self, ethertype, pad};
use crate::{be16, ipv4_at, Mac};

/// LLDPDU TLV layout and codes.
pub mod field {
    /// TLV header: 7-bit type, 9-bit length.
    pub const TLV_HEADER_LEN: usize = 2;
    pub const TYPE_SHIFT: u16 = 9;
    pub const LEN_MASK: u16 = 0x01ff;
    pub const TLV_END: u8 = 0;
    pub const TLV_CHASSIS_ID: u8 = 1;
    pub const TLV_PORT_ID: u8 = 2;
    pub const TLV_TTL: u8 = 3;
    pub const TLV_PORT_DESC: u8 = 4;
    pub const TLV_SYSTEM_NAME: u8 = 5;
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

fn push_tlv(buf: &mut Vec<u8>, kind: u8, value: &[&[u8]]) {
    let len: usize = value.iter().map(|v| v.len()).sum();
    let header = (u16::from(kind) << field::TYPE_SHIFT) | (len as u16 & field::LEN_MASK);
    buf.extend_from_slice(&header.to_be_bytes());
    for v in value {
        buf.extend_from_slice(v);
    }
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
    let mut f = Vec::with_capacity(128);
    ethernet::Repr {
        dst: Mac::LLDP_NEAREST_BRIDGE,
        src: src_mac,
        vlan: None,
        ethertype: ethertype::LLDP,
    }
    .emit(&mut f);
    push_tlv(
        &mut f,
        TLV_CHASSIS_ID,
        &[&[CHASSIS_SUBTYPE_MAC], &chassis_mac.0],
    );
    let port_id = truncate_str(port_id, MAX_STRING);
    push_tlv(
        &mut f,
        TLV_PORT_ID,
        &[&[PORT_SUBTYPE_INTERFACE_NAME], port_id.as_bytes()],
    );
    push_tlv(&mut f, TLV_TTL, &[&ttl_secs.to_be_bytes()]);
    for (kind, text) in [(TLV_PORT_DESC, port_desc), (TLV_SYSTEM_NAME, system_name)] {
        if !text.is_empty() {
            push_tlv(&mut f, kind, &[truncate_str(text, MAX_STRING).as_bytes()]);
        }
    }
    push_tlv(&mut f, TLV_END, &[]);
    pad(f)
}

fn lldp_text(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .trim_end_matches('\0')
        .to_string()
}

/// Formats a chassis or port id given its subtype, the subtype numbers
/// that mean "MAC address" and "network address" for that TLV.
fn lldp_id(value: &[u8], mac_subtype: u8, net_subtype: u8) -> Option<String> {
    let (&subtype, id) = value.split_first()?;
    if id.is_empty() {
        return None;
    }
    if subtype == mac_subtype {
        if let Ok(m) = <[u8; 6]>::try_from(id) {
            return Some(Mac(m).to_string());
        }
    }
    if subtype == net_subtype {
        match id.split_first() {
            Some((&field::AF_IPV4, a)) if a.len() == 4 => {
                return ipv4_at(a, 0).map(|a| a.to_string());
            }
            Some((&field::AF_IPV6, a)) if a.len() == 16 => {
                let a: [u8; 16] = a.try_into().ok()?;
                return Some(std::net::Ipv6Addr::from(a).to_string());
            }
            _ => {}
        }
    }
    Some(lldp_text(id))
}

/// Parses an LLDPDU (EtherType 0x88cc, any destination, optional tag).
/// The chassis id, port id and TTL TLVs must come first, in that order; the
/// rest is read up to the end TLV (or the end of the frame) and a TLV
/// running past the frame makes the whole LLDPDU invalid.
pub fn parse(frame: &[u8]) -> Option<Neighbor> {
    use field::*;
    let (eth, mut rest) = ethernet::Repr::parse(frame)?;
    if eth.ethertype != ethertype::LLDP {
        return None;
    }
    let mut next_tlv = || -> Option<Option<(u8, &[u8])>> {
        if rest.len() < TLV_HEADER_LEN {
            return Some(None);
        }
        let h = be16(rest, 0)?;
        let len = usize::from(h & LEN_MASK);
        let value = rest.get(TLV_HEADER_LEN..TLV_HEADER_LEN + len)?;
        rest = rest.get(TLV_HEADER_LEN + len..)?;
        Some(Some(((h >> TYPE_SHIFT) as u8, value)))
    };
    let (TLV_CHASSIS_ID, chassis) = next_tlv()?? else {
        return None;
    };
    let (TLV_PORT_ID, port) = next_tlv()?? else {
        return None;
    };
    let (TLV_TTL, ttl) = next_tlv()?? else {
        return None;
    };
    let mut n = Neighbor {
        chassis_id: lldp_id(
            chassis,
            CHASSIS_SUBTYPE_MAC,
            CHASSIS_SUBTYPE_NETWORK_ADDRESS,
        )?,
        port_id: lldp_id(port, PORT_SUBTYPE_MAC, PORT_SUBTYPE_NETWORK_ADDRESS)?,
        port_desc: None,
        system_name: None,
        ttl: be16(ttl, 0)?,
    };
    while let Some((kind, value)) = next_tlv()? {
        match kind {
            TLV_END => break,
            TLV_PORT_DESC if n.port_desc.is_none() => n.port_desc = Some(lldp_text(value)),
            TLV_SYSTEM_NAME if n.system_name.is_none() => n.system_name = Some(lldp_text(value)),
            _ => {}
        }
    }
    Some(n)
}

#[cfg(test)]
mod tests;
