//! Ethernet II frames and the 802.1Q tag.

use crate::{get_mac, get_u16, set_u16, Error, Mac, Result};

/// Byte offsets of the Ethernet header.
pub mod field {
    use crate::{Field, Rest};
    pub const DESTINATION: Field = 0..6;
    pub const SOURCE: Field = 6..12;
    pub const ETHERTYPE: Field = 12..14;
    pub const PAYLOAD: Rest = 14..;
    /// Both addresses: what a tag insertion/removal moves.
    pub const ADDRESSES: Field = 0..12;
}

/// An 802.1Q tag as inserted after the source address: TPID + TCI. The
/// encapsulated EtherType follows it.
pub mod vlan_field {
    use crate::Field;
    pub const TPID: Field = 0..2;
    pub const TCI: Field = 2..4;
    /// Offset of the tag within an Ethernet frame.
    pub const IN_FRAME: usize = 12;
    /// Offset of the TCI within a tagged Ethernet frame.
    pub const TCI_IN_FRAME: Field = 14..16;
    /// Offset of the EtherType that follows the tag, within the frame.
    pub const INNER_ETHERTYPE: Field = 16..18;
    pub const PCP_SHIFT: u32 = 13;
    pub const PCP_MASK: u16 = 0x7;
    pub const DEI_BIT: u16 = 0x1000;
    pub const VID_MASK: u16 = 0x0fff;
}

pub const HEADER_LEN: usize = field::PAYLOAD.start;
pub const VLAN_TAG_LEN: usize = vlan_field::TCI.end;
/// A header with one tag.
pub const TAGGED_HEADER_LEN: usize = vlan_field::INNER_ETHERTYPE.end;
/// The smallest Ethernet frame without FCS; shorter frames are padded.
pub const MIN_FRAME_LEN: usize = 60;
/// The largest VLAN id usable on the wire (4095 is reserved).
pub const VLAN_ID_MAX: u16 = 4094;
/// VLAN ids are 12 bits: tables indexed by them have this many entries.
pub const VLAN_ID_COUNT: usize = 4096;

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

// Raw-slice accessors for the per-packet path, which works on `&[u8]`
// it has already checked the length of.

/// The EtherType (or TPID) of the frame `d` starts.
#[inline(always)]
pub fn ethertype_of(d: &[u8]) -> u16 {
    let at = field::ETHERTYPE.start;
    u16::from_be_bytes([d[at], d[at + 1]])
}

/// The EtherType after `tag_len` bytes of tag (0 or [`VLAN_TAG_LEN`]).
#[inline(always)]
pub fn ethertype_after_tag(d: &[u8], tag_len: usize) -> u16 {
    let at = field::ETHERTYPE.start + tag_len;
    u16::from_be_bytes([d[at], d[at + 1]])
}

/// The TCI of the tag of the tagged frame `d` starts.
#[inline(always)]
pub fn tci_of(d: &[u8]) -> u16 {
    let at = vlan_field::TCI_IN_FRAME.start;
    u16::from_be_bytes([d[at], d[at + 1]])
}

/// A TCI's VLAN id.
#[inline(always)]
pub fn tci_vid(tci: u16) -> u16 {
    tci & vlan_field::VID_MASK
}

/// A TCI's priority (PCP).
#[inline(always)]
pub fn tci_pcp(tci: u16) -> u8 {
    (tci >> vlan_field::PCP_SHIFT) as u8
}

/// Packs a TCI.
#[inline(always)]
pub fn vlan_tci(pcp: u8, dei: bool, vid: u16) -> u16 {
    use vlan_field::*;
    ((u16::from(pcp) & PCP_MASK) << PCP_SHIFT) | if dei { DEI_BIT } else { 0 } | (vid & VID_MASK)
}

/// An Ethernet II frame (no FCS).
#[derive(Debug, Clone)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Frame { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let f = Self::new_unchecked(buffer);
        f.check_len()?;
        Ok(f)
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
    pub const fn header_len() -> usize {
        HEADER_LEN
    }
    #[inline(always)]
    pub fn dst_addr(&self) -> Mac {
        get_mac(self.buffer.as_ref(), field::DESTINATION)
    }
    #[inline(always)]
    pub fn src_addr(&self) -> Mac {
        get_mac(self.buffer.as_ref(), field::SOURCE)
    }
    #[inline(always)]
    pub fn ethertype(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::ETHERTYPE)
    }
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    #[inline(always)]
    pub fn set_dst_addr(&mut self, a: Mac) {
        self.buffer.as_mut()[field::DESTINATION].copy_from_slice(&a.0)
    }
    #[inline(always)]
    pub fn set_src_addr(&mut self, a: Mac) {
        self.buffer.as_mut()[field::SOURCE].copy_from_slice(&a.0)
    }
    #[inline(always)]
    pub fn set_ethertype(&mut self, t: u16) {
        set_u16(self.buffer.as_mut(), field::ETHERTYPE, t)
    }
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD]
    }
}

/// The 4 bytes of an 802.1Q tag (TPID, TCI), e.g. `&frame[12..16]`.
#[derive(Debug, Clone)]
pub struct VlanTag<T: AsRef<[u8]>> {
    buffer: T,
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
        get_u16(self.buffer.as_ref(), vlan_field::TPID)
    }
    #[inline(always)]
    pub fn tci(&self) -> u16 {
        get_u16(self.buffer.as_ref(), vlan_field::TCI)
    }
    #[inline(always)]
    pub fn pcp(&self) -> u8 {
        ((self.tci() >> vlan_field::PCP_SHIFT) & vlan_field::PCP_MASK) as u8
    }
    #[inline(always)]
    pub fn dei(&self) -> bool {
        self.tci() & vlan_field::DEI_BIT != 0
    }
    #[inline(always)]
    pub fn vid(&self) -> u16 {
        self.tci() & vlan_field::VID_MASK
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> VlanTag<T> {
    #[inline(always)]
    pub fn set_tpid(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), vlan_field::TPID, v)
    }
    #[inline(always)]
    pub fn set_tci(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), vlan_field::TCI, v)
    }
    pub fn set_pcp(&mut self, pcp: u8) {
        let t = self.tci();
        self.set_tci(vlan_tci(pcp, t & vlan_field::DEI_BIT != 0, t))
    }
    pub fn set_dei(&mut self, dei: bool) {
        let t = self.tci();
        self.set_tci(vlan_tci((t >> vlan_field::PCP_SHIFT) as u8, dei, t))
    }
    pub fn set_vid(&mut self, vid: u16) {
        let t = self.tci();
        self.set_tci((t & !vlan_field::VID_MASK) | (vid & vlan_field::VID_MASK))
    }
    /// Writes a whole tag: TPID 0x8100 and the TCI.
    pub fn emit(&mut self, pcp: u8, dei: bool, vid: u16) {
        self.set_tpid(ethertype::VLAN);
        self.set_tci(vlan_tci(pcp, dei, vid));
    }
}

/// An Ethernet header with at most one 802.1Q tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub dst: Mac,
    pub src: Mac,
    /// VLAN ID of the 802.1Q tag, if any (PCP and DEI are dropped).
    pub vlan: Option<u16>,
    /// The EtherType after the tag.
    pub ethertype: u16,
}

impl Repr {
    /// Parses the header; returns it and the payload after it.
    /// `Truncated` when the frame is shorter than its header.
    pub fn try_parse(frame: &[u8]) -> Result<(Repr, &[u8])> {
        let f = Frame::new_checked(frame)?;
        let (vlan, ethertype, hl) = if f.ethertype() == ethertype::VLAN {
            if frame.len() < TAGGED_HEADER_LEN {
                return Err(Error::Truncated);
            }
            let tag = VlanTag::new_unchecked(&frame[vlan_field::IN_FRAME..]);
            let inner = get_u16(frame, vlan_field::INNER_ETHERTYPE);
            (Some(tag.vid()), inner, TAGGED_HEADER_LEN)
        } else {
            (None, f.ethertype(), HEADER_LEN)
        };
        let repr = Repr {
            dst: f.dst_addr(),
            src: f.src_addr(),
            vlan,
            ethertype,
        };
        Ok((repr, &frame[hl..]))
    }

    /// [`Repr::try_parse`], for callers that need no reason.
    pub fn parse(frame: &[u8]) -> Option<(Repr, &[u8])> {
        Repr::try_parse(frame).ok()
    }

    /// Header length: 14, or 18 with a tag.
    pub fn header_len(&self) -> usize {
        if self.vlan.is_some() {
            TAGGED_HEADER_LEN
        } else {
            HEADER_LEN
        }
    }

    /// Appends the header to `buf`. The tag carries PCP 0, DEI 0.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.dst.0);
        buf.extend_from_slice(&self.src.0);
        if let Some(vid) = self.vlan {
            buf.extend_from_slice(&ethertype::VLAN.to_be_bytes());
            buf.extend_from_slice(&tci_vid(vid).to_be_bytes());
        }
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

/// Pads `frame` with zeros to [`MIN_FRAME_LEN`].
pub fn pad(mut frame: Vec<u8>) -> Vec<u8> {
    if frame.len() < MIN_FRAME_LEN {
        frame.resize(MIN_FRAME_LEN, 0);
    }
    frame
}

/// Returns `frame` with an 802.1Q tag for `vid` inserted after the source
/// MAC (for builders that take no VLAN, e.g. IGMP on a tagged underlay).
/// A frame shorter than an Ethernet header is returned unchanged.
pub fn with_vlan(frame: &[u8], vid: u16) -> Vec<u8> {
    if frame.len() < HEADER_LEN {
        return frame.to_vec();
    }
    let at = field::ETHERTYPE.start;
    let mut out = Vec::with_capacity(frame.len() + VLAN_TAG_LEN);
    out.extend_from_slice(&frame[..at]);
    out.extend_from_slice(&ethertype::VLAN.to_be_bytes());
    out.extend_from_slice(&tci_vid(vid).to_be_bytes());
    out.extend_from_slice(&frame[at..]);
    pad(out)
}

#[cfg(test)]
mod tests;
