//! LLDPDUs (IEEE 802.1AB): TLVs in the order the test adds them, no End
//! TLV unless it asks for one.

use crate::ethernet::{ethertype, Eth, Mac};

impl Eth {
    /// An LLDPDU (EtherType 0x88cc) in this frame; add its TLVs.
    pub fn lldp(self) -> Lldp {
        Lldp::new(self)
    }
}

pub const TLV_END: u8 = 0;
pub const TLV_CHASSIS_ID: u8 = 1;
pub const TLV_PORT_ID: u8 = 2;
pub const TLV_TTL: u8 = 3;
pub const TLV_PORT_DESCRIPTION: u8 = 4;
pub const TLV_SYSTEM_NAME: u8 = 5;
pub const CHASSIS_SUBTYPE_MAC: u8 = 4;
pub const CHASSIS_SUBTYPE_NETWORK_ADDRESS: u8 = 5;
pub const CHASSIS_SUBTYPE_LOCAL: u8 = 7;
pub const PORT_SUBTYPE_MAC: u8 = 3;
pub const PORT_SUBTYPE_NETWORK_ADDRESS: u8 = 4;
pub const PORT_SUBTYPE_INTERFACE_NAME: u8 = 5;

/// One TLV: 7-bit type, 9-bit length, value.
pub fn tlv(kind: u8, value: &[u8]) -> Vec<u8> {
    assert!(kind < 128, "TLV type {kind} is 7 bits");
    assert!(value.len() < 512, "TLV length {} is 9 bits", value.len());
    let header = (u16::from(kind) << 9) | value.len() as u16;
    let mut t = header.to_be_bytes().to_vec();
    t.extend_from_slice(value);
    t
}

/// An LLDPDU being built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lldp {
    eth: Eth,
    tlvs: Vec<u8>,
}

impl Lldp {
    pub(crate) fn new(eth: Eth) -> Lldp {
        Lldp {
            eth,
            tlvs: Vec::new(),
        }
    }

    /// Any TLV.
    pub fn tlv(mut self, kind: u8, value: &[u8]) -> Lldp {
        self.tlvs.extend_from_slice(&tlv(kind, value));
        self
    }
    /// Chassis ID of any subtype.
    pub fn chassis_id(self, subtype: u8, id: &[u8]) -> Lldp {
        let mut v = vec![subtype];
        v.extend_from_slice(id);
        self.tlv(TLV_CHASSIS_ID, &v)
    }
    /// Chassis ID, MAC address subtype.
    pub fn chassis_mac(self, mac: Mac) -> Lldp {
        self.chassis_id(CHASSIS_SUBTYPE_MAC, &mac)
    }
    /// Port ID of any subtype.
    pub fn port_id(self, subtype: u8, id: &[u8]) -> Lldp {
        let mut v = vec![subtype];
        v.extend_from_slice(id);
        self.tlv(TLV_PORT_ID, &v)
    }
    /// Port ID, interface-name subtype.
    pub fn port_name(self, name: &str) -> Lldp {
        self.port_id(PORT_SUBTYPE_INTERFACE_NAME, name.as_bytes())
    }
    /// Time to live in seconds.
    pub fn ttl(self, secs: u16) -> Lldp {
        self.tlv(TLV_TTL, &secs.to_be_bytes())
    }
    pub fn port_description(self, text: &str) -> Lldp {
        self.tlv(TLV_PORT_DESCRIPTION, text.as_bytes())
    }
    pub fn system_name(self, text: &str) -> Lldp {
        self.tlv(TLV_SYSTEM_NAME, text.as_bytes())
    }
    /// The End of LLDPDU TLV.
    pub fn end(self) -> Lldp {
        self.tlv(TLV_END, &[])
    }

    pub fn build(self) -> Vec<u8> {
        self.eth.payload(ethertype::LLDP, &self.tlvs)
    }
}

/// The (type, value) TLVs of an LLDP frame, up to the End TLV or the end
/// of the frame (padding after End is not read).
pub fn parse(frame: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let eth = crate::parse_eth(frame);
    assert_eq!(eth.ethertype, ethertype::LLDP, "not LLDP");
    let b = eth.payload;
    let mut tlvs = Vec::new();
    let mut at = 0;
    while at + 2 <= b.len() {
        let header = u16::from_be_bytes([b[at], b[at + 1]]);
        let (kind, len) = ((header >> 9) as u8, usize::from(header & 0x01ff));
        assert!(
            at + 2 + len <= b.len(),
            "TLV type {kind} overruns the frame"
        );
        tlvs.push((kind, b[at + 2..at + 2 + len].to_vec()));
        at += 2 + len;
        if kind == TLV_END {
            break;
        }
    }
    tlvs
}

#[cfg(test)]
mod tests {
    use crate::{Eth, LLDP_MULTICAST};

    #[test]
    fn lldpdu_by_hand() {
        let src = [0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0];
        let f = Eth::new(LLDP_MULTICAST, src)
            .lldp()
            .chassis_mac(src)
            .port_name("et-2/0/0")
            .ttl(120)
            .port_description("TO-CORE1")
            .system_name("EX9200-1")
            .end()
            .build();
        let mut want = vec![0x01, 0x80, 0xc2, 0, 0, 0x0e];
        want.extend_from_slice(&src);
        want.extend_from_slice(&[0x88, 0xcc]);
        want.extend_from_slice(&[0x02, 0x07, 4]);
        want.extend_from_slice(&src);
        want.extend_from_slice(&[0x04, 0x09, 5]);
        want.extend_from_slice(b"et-2/0/0");
        want.extend_from_slice(&[0x06, 0x02, 0, 120]);
        want.extend_from_slice(&[0x08, 0x08]);
        want.extend_from_slice(b"TO-CORE1");
        want.extend_from_slice(&[0x0a, 0x08]);
        want.extend_from_slice(b"EX9200-1");
        want.extend_from_slice(&[0, 0]);
        assert_eq!(f, want);
        let tlvs = super::parse(&f);
        assert_eq!(tlvs.len(), 6);
        assert_eq!(tlvs[1], (2, b"\x05et-2/0/0".to_vec()));
        assert_eq!(tlvs[5], (0, vec![]));
        assert_eq!(super::tlv(127, &[0; 300])[..2], [0xff, 0x2c]);
    }
}
