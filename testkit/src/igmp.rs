//! IGMP messages (RFC 2236 v2, RFC 3376 v3) with their checksum; put them
//! in a packet with [`crate::Ipv4::igmp`].

use crate::checksum::internet_checksum;
use std::net::Ipv4Addr;

pub const QUERY: u8 = 0x11;
pub const V1_REPORT: u8 = 0x12;
pub const V2_REPORT: u8 = 0x16;
pub const V2_LEAVE: u8 = 0x17;
pub const V3_REPORT: u8 = 0x22;

/// v3 group record types (RFC 3376 §4.2.12).
pub mod record {
    pub const MODE_IS_INCLUDE: u8 = 1;
    pub const MODE_IS_EXCLUDE: u8 = 2;
    pub const CHANGE_TO_INCLUDE: u8 = 3;
    pub const CHANGE_TO_EXCLUDE: u8 = 4;
    pub const ALLOW_NEW_SOURCES: u8 = 5;
    pub const BLOCK_OLD_SOURCES: u8 = 6;
}

/// 224.0.0.1.
pub const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);
/// 224.0.0.2, where v2 leaves go.
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// 224.0.0.22, where v3 reports go.
pub const V3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

/// `bytes` with the checksum over them in bytes 2-3 (whatever was there
/// before is replaced): for messages of any shape or length.
pub fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    assert!(bytes.len() >= 4, "no room for the checksum");
    bytes[2..4].copy_from_slice(&[0, 0]);
    let c = internet_checksum(&bytes);
    bytes[2..4].copy_from_slice(&c.to_be_bytes());
    bytes
}

fn eight(kind: u8, code: u8, group: Ipv4Addr) -> Vec<u8> {
    let mut m = vec![kind, code, 0, 0];
    m.extend_from_slice(&group.octets());
    with_checksum(m)
}

/// A v1/v2 query of 8 bytes: max response `code` in tenths (0 makes it
/// v1), general when `group` is 0.0.0.0.
pub fn query(code: u8, group: Ipv4Addr) -> Vec<u8> {
    eight(QUERY, code, group)
}

pub fn v1_report(group: Ipv4Addr) -> Vec<u8> {
    eight(V1_REPORT, 0, group)
}

pub fn v2_report(group: Ipv4Addr) -> Vec<u8> {
    eight(V2_REPORT, 0, group)
}

pub fn v2_leave(group: Ipv4Addr) -> Vec<u8> {
    eight(V2_LEAVE, 0, group)
}

/// A v3 query (RFC 3376 §4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Query {
    /// Max resp code (exponential form from 128 up).
    pub code: u8,
    pub group: Ipv4Addr,
    /// S, suppress router-side processing.
    pub suppress: bool,
    /// QRV, 3 bits.
    pub qrv: u8,
    /// QQIC.
    pub qqic: u8,
    pub sources: Vec<Ipv4Addr>,
}

impl V3Query {
    /// A general query as routers send it: S clear, QRV 2, QQIC 125.
    pub fn general(code: u8) -> V3Query {
        V3Query {
            code,
            group: Ipv4Addr::UNSPECIFIED,
            suppress: false,
            qrv: 2,
            qqic: 125,
            sources: Vec::new(),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        assert!(self.qrv <= 7, "QRV is 3 bits");
        let mut m = vec![QUERY, self.code, 0, 0];
        m.extend_from_slice(&self.group.octets());
        m.push((u8::from(self.suppress) << 3) | self.qrv);
        m.push(self.qqic);
        m.extend_from_slice(&(self.sources.len() as u16).to_be_bytes());
        for s in &self.sources {
            m.extend_from_slice(&s.octets());
        }
        with_checksum(m)
    }
}

/// One group record of a v3 report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub record_type: u8,
    pub group: Ipv4Addr,
    pub sources: Vec<Ipv4Addr>,
    /// Auxiliary data, a multiple of 4 bytes.
    pub aux: Vec<u8>,
}

impl GroupRecord {
    /// A record with no sources and no auxiliary data.
    pub fn new(record_type: u8, group: Ipv4Addr) -> GroupRecord {
        GroupRecord {
            record_type,
            group,
            sources: Vec::new(),
            aux: Vec::new(),
        }
    }
}

/// A v3 membership report with `records`.
pub fn v3_report(records: &[GroupRecord]) -> Vec<u8> {
    let mut m = vec![V3_REPORT, 0, 0, 0, 0, 0];
    m.extend_from_slice(&(records.len() as u16).to_be_bytes());
    for r in records {
        assert!(r.aux.len() % 4 == 0, "aux data is counted in words");
        m.push(r.record_type);
        m.push((r.aux.len() / 4) as u8);
        m.extend_from_slice(&(r.sources.len() as u16).to_be_bytes());
        m.extend_from_slice(&r.group.octets());
        for s in &r.sources {
            m.extend_from_slice(&s.octets());
        }
        m.extend_from_slice(&r.aux);
    }
    with_checksum(m)
}

/// The records of a v3 report (`m` starts at the type byte), the
/// checksum asserted right.
pub fn parse_v3_report(m: &[u8]) -> Vec<GroupRecord> {
    assert!(m.len() >= 8, "short IGMPv3 report");
    assert_eq!(m[0], V3_REPORT, "not a v3 report");
    assert_eq!(internet_checksum(m), 0, "IGMP checksum");
    let n = usize::from(u16::from_be_bytes([m[6], m[7]]));
    let ip = |at: usize| Ipv4Addr::new(m[at], m[at + 1], m[at + 2], m[at + 3]);
    let mut at = 8;
    let mut records = Vec::with_capacity(n);
    for _ in 0..n {
        assert!(at + 8 <= m.len(), "record overruns the report");
        let aux_len = usize::from(m[at + 1]) * 4;
        let nsrc = usize::from(u16::from_be_bytes([m[at + 2], m[at + 3]]));
        let end = at + 8 + 4 * nsrc + aux_len;
        assert!(end <= m.len(), "record overruns the report");
        records.push(GroupRecord {
            record_type: m[at],
            group: ip(at + 4),
            sources: (0..nsrc).map(|i| ip(at + 8 + 4 * i)).collect(),
            aux: m[end - aux_len..end].to_vec(),
        });
        at = end;
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 10);

    #[test]
    fn v2_messages_by_hand() {
        // 16 00 cksum ef01010a: the sum 0x1600 + 0xef01 + 0x010a.
        let sum: u32 = 0x1600 + 0xef01 + 0x010a;
        let sum = (sum & 0xffff) + (sum >> 16);
        let c = (!sum as u16).to_be_bytes();
        assert_eq!(v2_report(G), [0x16, 0, c[0], c[1], 239, 1, 1, 10]);
        assert_eq!(internet_checksum(&v2_leave(G)), 0);
        assert_eq!(query(100, Ipv4Addr::UNSPECIFIED)[..2], [0x11, 100]);
    }

    #[test]
    fn v3_query_and_report_layout() {
        let q = V3Query {
            suppress: true,
            sources: vec![Ipv4Addr::new(10, 0, 0, 1)],
            ..V3Query::general(0x8f)
        };
        let b = q.to_bytes();
        assert_eq!(b.len(), 16);
        assert_eq!(&b[8..16], &[0x0a, 125, 0, 1, 10, 0, 0, 1]);
        assert_eq!(internet_checksum(&b), 0);
        let r = v3_report(&[
            GroupRecord::new(record::CHANGE_TO_EXCLUDE, G),
            GroupRecord {
                sources: vec![Ipv4Addr::new(10, 0, 0, 2)],
                aux: vec![0xaa, 0xbb, 0xcc, 0xdd],
                ..GroupRecord::new(9, Ipv4Addr::new(239, 1, 1, 100))
            },
        ]);
        assert_eq!(&r[..2], &[0x22, 0]);
        assert_eq!(&r[4..8], &[0, 0, 0, 2]);
        assert_eq!(&r[8..16], &[4, 0, 0, 0, 239, 1, 1, 10]);
        assert_eq!(&r[16..24], &[9, 1, 0, 1, 239, 1, 1, 100]);
        assert_eq!(&r[24..32], &[10, 0, 0, 2, 0xaa, 0xbb, 0xcc, 0xdd]);
        assert_eq!(internet_checksum(&r), 0);
        let back = parse_v3_report(&r);
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].aux, [0xaa, 0xbb, 0xcc, 0xdd]);
        assert_eq!(back[1].sources, [Ipv4Addr::new(10, 0, 0, 2)]);
        assert_eq!(
            internet_checksum(&with_checksum(vec![0x11, 100, 9, 9, 0, 0, 0])),
            0
        );
    }
}
