//! IGMP v1/v2/v3 (RFC 2236, RFC 3376): the messages the control thread
//! sends and parses.

use crate::ethernet::{self, ethertype, pad, MIN_FRAME_LEN};
use crate::ipv4::{self, protocol};
use crate::{be16, byte, checksum, ipv4_at, Mac};
use std::net::Ipv4Addr;
use std::time::Duration;

/// Byte offsets of IGMP messages.
pub mod field {
    pub const TYPE: usize = 0;
    pub const MAX_RESP_CODE: usize = 1;
    pub const CHECKSUM: usize = 2;
    pub const GROUP: usize = 4;
    /// v1/v2 messages and the short query forms.
    pub const V2_LEN: usize = 8;
    /// v3 query: S flag and QRV, QQIC, number of sources, sources.
    pub const V3Q_S_QRV: usize = 8;
    pub const V3Q_QQIC: usize = 9;
    pub const V3Q_NUM_SOURCES: usize = 10;
    pub const V3Q_SOURCES: usize = 12;
    pub const V3Q_MIN_LEN: usize = 12;
    /// v3 report: reserved, number of group records, records.
    pub const V3R_NUM_RECORDS: usize = 6;
    pub const V3R_RECORDS: usize = 8;
    /// Within a group record.
    pub const REC_TYPE: usize = 0;
    pub const REC_AUX_LEN: usize = 1;
    pub const REC_NUM_SOURCES: usize = 2;
    pub const REC_GROUP: usize = 4;
    pub const REC_SOURCES: usize = 8;
}

/// IGMP message types.
pub mod kind {
    pub const QUERY: u8 = 0x11;
    pub const V1_REPORT: u8 = 0x12;
    pub const V2_REPORT: u8 = 0x16;
    pub const V2_LEAVE: u8 = 0x17;
    pub const V3_REPORT: u8 = 0x22;
}

/// 224.0.0.1, where general queries go.
pub const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);
/// 224.0.0.2, where v2 leaves go.
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// 224.0.0.22, where v3 reports go.
pub const IGMPV3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);
/// IP Router Alert option (RFC 2113), carried by every IGMP packet.
pub const ROUTER_ALERT: [u8; 4] = [0x94, 0x04, 0x00, 0x00];
/// Group records per v3 report that fit a 1500-byte IP MTU:
/// (1500 - 24 IP - 8 IGMP) / 8.
pub const IGMPV3_MAX_RECORDS: usize = 183;

/// IGMPv3 group record types (RFC 3376 §4.2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RecordType {
    ModeIsInclude = 1,
    /// Answer to a query for a joined group (with no sources).
    ModeIsExclude = 2,
    /// Leave (with no sources).
    ChangeToInclude = 3,
    /// Join (with no sources).
    ChangeToExclude = 4,
    AllowNewSources = 5,
    BlockOldSources = 6,
}

impl RecordType {
    pub fn from_u8(v: u8) -> Option<RecordType> {
        Some(match v {
            1 => RecordType::ModeIsInclude,
            2 => RecordType::ModeIsExclude,
            3 => RecordType::ChangeToInclude,
            4 => RecordType::ChangeToExclude,
            5 => RecordType::AllowNewSources,
            6 => RecordType::BlockOldSources,
            _ => return None,
        })
    }
}

/// One group record of a report. v1/v2 reports are given as one
/// `ModeIsExclude` record with no sources (RFC 3376 §7.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub record_type: RecordType,
    pub group: Ipv4Addr,
    pub sources: Vec<Ipv4Addr>,
}

/// The meaning of an IGMP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IgmpMsg {
    Query {
        /// `None` for a general query.
        group: Option<Ipv4Addr>,
        max_resp: Duration,
        /// 1, 2 or 3, told apart by length and max response code as RFC
        /// 3376 §7.1 says.
        version: u8,
    },
    Report {
        version: u8,
        records: Vec<GroupRecord>,
    },
    /// v2 leave (a v3 host leaves with a `ChangeToInclude` record).
    Leave { group: Ipv4Addr },
}

/// The v3-only fields of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3QueryDetail {
    /// S flag: suppress router-side processing.
    pub suppress: bool,
    /// Querier's robustness variable.
    pub qrv: u8,
    /// Querier's query interval.
    pub qqi: Duration,
    /// Sources of a group-and-source-specific query.
    pub sources: Vec<Ipv4Addr>,
}

/// An IGMP message with the headers it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgmpPacket {
    pub eth_src: Mac,
    pub eth_dst: Mac,
    pub vlan: Option<u16>,
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub ttl: u8,
    pub router_alert: bool,
    pub msg: IgmpMsg,
    pub v3_query: Option<V3QueryDetail>,
}

/// Decodes the RFC 3376 §4.1.1 / §4.1.7 code: below 128 the value itself,
/// else `(mant | 0x10) << (exp + 3)` with `exp` bits 4-6 and `mant` bits 0-3.
pub fn v3_decode_code(code: u8) -> u32 {
    if code < 128 {
        u32::from(code)
    } else {
        let exp = u32::from((code >> 4) & 0x07);
        let mant = u32::from(code & 0x0f);
        (mant | 0x10) << (exp + 3)
    }
}

fn tenths(t: u32) -> Duration {
    Duration::from_millis(u64::from(t) * 100)
}

/// Builds a frame carrying the IGMP message `igmp` (checksum still zero)
/// to `dst`, with TTL 1 and Router Alert, and fills in the IGMP checksum.
fn to_frame(src_mac: Mac, src_ip: Ipv4Addr, dst: Ipv4Addr, mut igmp: Vec<u8>) -> Vec<u8> {
    let sum = checksum::checksum(&igmp);
    igmp[field::CHECKSUM..field::CHECKSUM + 2].copy_from_slice(&sum.to_be_bytes());
    let mut f = Vec::with_capacity(
        MIN_FRAME_LEN
            .max(ethernet::HEADER_LEN + ipv4::MIN_HEADER_LEN + ROUTER_ALERT.len() + igmp.len()),
    );
    ethernet::Repr {
        dst: Mac::ipv4_multicast(dst),
        src: src_mac,
        vlan: None,
        ethertype: ethertype::IPV4,
    }
    .emit(&mut f);
    let ip = ipv4::Repr {
        src: src_ip,
        dst,
        protocol: protocol::IGMP,
        ttl: 1,
        // Internetwork control, as Linux sends IGMP.
        tos: 0xc0,
        // DF set and not fragmentable, so the identification is moot (RFC 6864).
        ident: 0,
    };
    ip.emit(&mut f, true, &ROUTER_ALERT, igmp.len());
    f.extend_from_slice(&igmp);
    pad(f)
}

/// An IGMPv3 membership report to 224.0.0.22 with one record per
/// `(record type, group)` and no sources. At most [`IGMPV3_MAX_RECORDS`]
/// records are included; use [`v3_reports`] for more.
pub fn v3_report(src_mac: Mac, src_ip: Ipv4Addr, records: &[(RecordType, Ipv4Addr)]) -> Vec<u8> {
    let records = &records[..records.len().min(IGMPV3_MAX_RECORDS)];
    let mut igmp = Vec::with_capacity(field::V3R_RECORDS + 8 * records.len());
    igmp.push(kind::V3_REPORT);
    igmp.push(0);
    igmp.extend_from_slice(&[0, 0]); // checksum
    igmp.extend_from_slice(&[0, 0]); // reserved
    igmp.extend_from_slice(&(records.len() as u16).to_be_bytes());
    for (rt, group) in records {
        igmp.push(*rt as u8);
        igmp.push(0); // aux data len
        igmp.extend_from_slice(&0u16.to_be_bytes()); // number of sources
        igmp.extend_from_slice(&group.octets());
    }
    to_frame(src_mac, src_ip, IGMPV3_ROUTERS, igmp)
}

/// IGMPv3 reports for any number of records, [`IGMPV3_MAX_RECORDS`] per
/// frame (none for no records).
pub fn v3_reports(
    src_mac: Mac,
    src_ip: Ipv4Addr,
    records: &[(RecordType, Ipv4Addr)],
) -> Vec<Vec<u8>> {
    records
        .chunks(IGMPV3_MAX_RECORDS)
        .map(|c| v3_report(src_mac, src_ip, c))
        .collect()
}

fn v2_message(kind: u8, group: Ipv4Addr) -> Vec<u8> {
    let mut igmp = Vec::with_capacity(field::V2_LEN);
    igmp.push(kind);
    igmp.push(0);
    igmp.extend_from_slice(&[0, 0]);
    igmp.extend_from_slice(&group.octets());
    igmp
}

/// An IGMPv2 membership report (type 0x16) for `group`, sent to the group.
pub fn v2_report(src_mac: Mac, src_ip: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    to_frame(src_mac, src_ip, group, v2_message(kind::V2_REPORT, group))
}

/// An IGMPv2 leave group (type 0x17) for `group`, sent to 224.0.0.2.
pub fn v2_leave(src_mac: Mac, src_ip: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    to_frame(
        src_mac,
        src_ip,
        ALL_ROUTERS,
        v2_message(kind::V2_LEAVE, group),
    )
}

/// Parses an IGMP frame and returns its message; see [`parse_packet`].
pub fn parse(frame: &[u8]) -> Option<IgmpMsg> {
    parse_packet(frame).map(|p| p.msg)
}

/// Parses an IGMP frame (optional 802.1Q tag, IPv4 header and IGMP
/// checksums verified, fragments rejected). Queries are told apart as RFC
/// 3376 §7.1 says: 8 bytes with code 0 is v1 (max response 10 s), 8 bytes
/// with a non-zero code v2, 12 bytes or more v3, anything else dropped.
/// Unknown v3 record types are skipped (RFC 3376 §4.2.12); unknown message
/// types give `None`.
pub fn parse_packet(frame: &[u8]) -> Option<IgmpPacket> {
    let (eth, packet) = ethernet::Repr::parse(frame)?;
    if eth.ethertype != ethertype::IPV4 {
        return None;
    }
    let (ip, options, igmp) = ipv4::Repr::parse(packet)?;
    if ip.protocol != protocol::IGMP || igmp.len() < field::V2_LEN || !checksum::verify(igmp) {
        return None;
    }
    let kind = byte(igmp, field::TYPE)?;
    let code = byte(igmp, field::MAX_RESP_CODE)?;
    let group = ipv4_at(igmp, field::GROUP)?;
    let mut v3_query = None;
    let msg = match kind {
        kind::QUERY => {
            let (version, max_resp) = match igmp.len() {
                field::V2_LEN if code == 0 => (1, tenths(100)),
                field::V2_LEN => (2, tenths(u32::from(code))),
                n if n >= field::V3Q_MIN_LEN => {
                    let s_qrv = byte(igmp, field::V3Q_S_QRV)?;
                    let qqic = byte(igmp, field::V3Q_QQIC)?;
                    let n = usize::from(be16(igmp, field::V3Q_NUM_SOURCES)?);
                    let sources = (0..n)
                        .map(|i| ipv4_at(igmp, field::V3Q_SOURCES + 4 * i))
                        .collect::<Option<Vec<_>>>()?;
                    v3_query = Some(V3QueryDetail {
                        suppress: s_qrv & 0x08 != 0,
                        qrv: s_qrv & 0x07,
                        qqi: Duration::from_secs(u64::from(v3_decode_code(qqic))),
                        sources,
                    });
                    (3, tenths(v3_decode_code(code)))
                }
                _ => return None,
            };
            IgmpMsg::Query {
                group: (!group.is_unspecified()).then_some(group),
                max_resp,
                version,
            }
        }
        kind::V1_REPORT | kind::V2_REPORT => IgmpMsg::Report {
            version: if kind == kind::V1_REPORT { 1 } else { 2 },
            records: vec![GroupRecord {
                record_type: RecordType::ModeIsExclude,
                group,
                sources: Vec::new(),
            }],
        },
        kind::V2_LEAVE => IgmpMsg::Leave { group },
        kind::V3_REPORT => IgmpMsg::Report {
            version: 3,
            records: parse_v3_records(igmp)?,
        },
        _ => return None,
    };
    Some(IgmpPacket {
        eth_src: eth.src,
        eth_dst: eth.dst,
        vlan: eth.vlan,
        src_ip: ip.src,
        dst_ip: ip.dst,
        ttl: ip.ttl,
        router_alert: options.chunks(4).any(|o| o == ROUTER_ALERT),
        msg,
        v3_query,
    })
}

fn parse_v3_records(igmp: &[u8]) -> Option<Vec<GroupRecord>> {
    let n = usize::from(be16(igmp, field::V3R_NUM_RECORDS)?);
    let mut at = field::V3R_RECORDS;
    let mut records = Vec::with_capacity(n.min(IGMPV3_MAX_RECORDS));
    for _ in 0..n {
        let rec = igmp.get(at..)?;
        let rt = byte(rec, field::REC_TYPE)?;
        let aux_words = usize::from(byte(rec, field::REC_AUX_LEN)?);
        let nsrc = usize::from(be16(rec, field::REC_NUM_SOURCES)?);
        let group = ipv4_at(rec, field::REC_GROUP)?;
        let sources = (0..nsrc)
            .map(|i| ipv4_at(rec, field::REC_SOURCES + 4 * i))
            .collect::<Option<Vec<_>>>()?;
        let len = field::REC_SOURCES + 4 * nsrc + 4 * aux_words;
        rec.get(..len)?;
        at += len;
        if let Some(record_type) = RecordType::from_u8(rt) {
            records.push(GroupRecord {
                record_type,
                group,
                sources,
            });
        }
    }
    Some(records)
}

#[cfg(test)]
mod tests;
