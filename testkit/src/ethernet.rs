//! Ethernet II with any number of 802.1Q (or other TPID) tags.

use std::net::Ipv4Addr;

/// A MAC address as its six bytes.
pub type Mac = [u8; 6];

/// ff:ff:ff:ff:ff:ff.
pub const BROADCAST: Mac = [0xff; 6];
/// 01:80:c2:00:00:0e, the nearest-bridge address LLDP goes to.
pub const LLDP_MULTICAST: Mac = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e];
/// The shortest Ethernet frame without FCS; shorter ones are padded.
pub const MIN_FRAME_LEN: usize = 60;

/// EtherTypes (and TPIDs) the tests use.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const VLAN: u16 = 0x8100;
    pub const RARP: u16 = 0x8035;
    pub const IPV6: u16 = 0x86dd;
    pub const QINQ: u16 = 0x88a8;
    pub const LLDP: u16 = 0x88cc;
}

/// The IPv4 multicast MAC of `group` (RFC 1112 §6.4): 01:00:5e and the
/// group's low 23 bits.
pub fn ipv4_multicast_mac(group: Ipv4Addr) -> Mac {
    let o = group.octets();
    [0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]]
}

/// `n` bytes counting up from `seed` (wrapping): a payload that makes a
/// byte moved or lost visible.
pub fn pattern(seed: u8, n: usize) -> Vec<u8> {
    (0..n).map(|i| seed.wrapping_add(i as u8)).collect()
}

/// One VLAN tag: TPID, then PCP (3 bits), DEI (1 bit), VID (12 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    pub tpid: u16,
    pub pcp: u8,
    pub dei: bool,
    pub vid: u16,
}

impl Tag {
    /// The tag's four bytes.
    pub fn to_bytes(self) -> [u8; 4] {
        assert!(self.pcp <= 7, "PCP {} is 3 bits", self.pcp);
        assert!(self.vid <= 0x0fff, "VID {} is 12 bits", self.vid);
        let tci = (u16::from(self.pcp) << 13) | (u16::from(self.dei) << 12) | self.vid;
        let [t0, t1] = self.tpid.to_be_bytes();
        let [c0, c1] = tci.to_be_bytes();
        [t0, t1, c0, c1]
    }
}

/// `frame` with `tag`'s bytes put in front of its first EtherType (the
/// new outermost tag).
fn insert_tag(frame: &[u8], tag: Tag) -> Vec<u8> {
    assert!(frame.len() >= 14, "not an Ethernet frame");
    let mut f = frame[..12].to_vec();
    f.extend_from_slice(&tag.to_bytes());
    f.extend_from_slice(&frame[12..]);
    f
}

/// `frame` with an 802.1Q tag (PCP `pcp`, DEI `dei`, VID `vid`) inserted
/// after the MACs, as a switch tags a frame for a trunk.
pub fn push_tag(frame: &[u8], pcp: u8, dei: bool, vid: u16) -> Vec<u8> {
    let tag = Tag {
        tpid: ethertype::VLAN,
        pcp,
        dei,
        vid,
    };
    insert_tag(frame, tag)
}

/// `frame` with an 802.1Q tag for `vid`, priority 0.
pub fn tagged(frame: &[u8], vid: u16) -> Vec<u8> {
    push_tag(frame, 0, false, vid)
}

/// `frame` without its outermost tag (which must be there).
pub fn untagged(frame: &[u8]) -> Vec<u8> {
    assert!(frame.len() >= 18, "too short for a tag");
    let tpid = u16::from_be_bytes([frame[12], frame[13]]);
    assert!(
        tpid == ethertype::VLAN || tpid == ethertype::QINQ,
        "no tag: EtherType {tpid:#06x}"
    );
    let mut f = frame[..12].to_vec();
    f.extend_from_slice(&frame[16..]);
    f
}

/// An Ethernet header being built: MACs, then tags outermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eth {
    dst: Mac,
    src: Mac,
    tags: Vec<Tag>,
    pad: bool,
}

impl Eth {
    pub fn new(dst: Mac, src: Mac) -> Eth {
        Eth {
            dst,
            src,
            tags: Vec::new(),
            pad: true,
        }
    }

    /// An 802.1Q tag for `vid`, priority 0, after the tags so far.
    pub fn vlan(self, vid: u16) -> Eth {
        self.tag(0, false, vid)
    }

    /// An 802.1Q tag with priority `pcp` and drop-eligible bit `dei`.
    pub fn tag(self, pcp: u8, dei: bool, vid: u16) -> Eth {
        self.tag_tpid(ethertype::VLAN, pcp, dei, vid)
    }

    /// A tag with any TPID (0x88a8 for an 802.1ad service tag).
    pub fn tag_tpid(mut self, tpid: u16, pcp: u8, dei: bool, vid: u16) -> Eth {
        self.tags.push(Tag {
            tpid,
            pcp,
            dei,
            vid,
        });
        self
    }

    /// Frames shorter than 60 bytes stay short (runts).
    pub fn unpadded(mut self) -> Eth {
        self.pad = false;
        self
    }

    /// The whole frame: this header, `ethertype`, `payload`, padding.
    pub fn payload(&self, ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = Vec::with_capacity(18 + 4 * self.tags.len() + payload.len());
        f.extend_from_slice(&self.dst);
        f.extend_from_slice(&self.src);
        for t in &self.tags {
            f.extend_from_slice(&t.to_bytes());
        }
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(payload);
        if self.pad && f.len() < MIN_FRAME_LEN {
            f.resize(MIN_FRAME_LEN, 0);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Mac = [0x02, 0, 0, 0, 0, 0x0a];
    const B: Mac = [0x02, 0, 0, 0, 0, 0x0b];

    #[test]
    fn header_tags_and_padding() {
        let f = Eth::new(A, B).payload(0x1234, &[0xee]);
        assert_eq!(f.len(), 60);
        assert_eq!(
            &f[..15],
            &[2, 0, 0, 0, 0, 10, 2, 0, 0, 0, 0, 11, 0x12, 0x34, 0xee]
        );
        assert!(f[15..].iter().all(|&b| b == 0));
        let f = Eth::new(A, B)
            .tag_tpid(ethertype::QINQ, 0, false, 7)
            .tag(5, true, 4094)
            .unpadded()
            .payload(0x0800, &[]);
        assert_eq!(
            f[12..],
            [0x88, 0xa8, 0x00, 0x07, 0x81, 0x00, 0xbf, 0xfe, 0x08, 0x00]
        );
        assert_eq!(f.len(), 22);
    }

    #[test]
    fn tag_helpers() {
        let f = Eth::new(A, B).payload(0x0800, &[1, 2, 3]);
        let t = tagged(&f, 100);
        assert_eq!(t.len(), 64);
        assert_eq!(&t[12..16], &[0x81, 0x00, 0x00, 100]);
        assert_eq!(&t[16..], &f[12..]);
        assert_eq!(untagged(&t), f);
        assert_eq!(
            &push_tag(&f, 3, false, 10)[12..16],
            &[0x81, 0x00, 0x60, 0x0a]
        );
        // Built tagged, the padding makes 60 bytes, not 64.
        assert_eq!(
            Eth::new(A, B).vlan(100).payload(0x0800, &[1, 2, 3]),
            t[..60]
        );
    }

    #[test]
    fn multicast_mac_and_pattern() {
        assert_eq!(
            ipv4_multicast_mac(Ipv4Addr::new(239, 129, 1, 100)),
            [0x01, 0x00, 0x5e, 0x01, 0x01, 0x64]
        );
        assert_eq!(pattern(254, 4), vec![254, 255, 0, 1]);
    }
}
