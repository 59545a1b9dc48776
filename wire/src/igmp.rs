//! IGMP v1/v2/v3 (RFC 2236, RFC 3376): the messages the control thread
//! sends and parses.

use crate::ethernet::{self, ethertype, pad, MIN_FRAME_LEN};
use crate::ipv4::{self, protocol};
use crate::{checksum, get_u16, get_u32, set_u16, set_u32, Error, Mac, Result};
use std::net::Ipv4Addr;
use std::time::Duration;

/// Byte offsets of IGMP messages.
pub mod field {
    use crate::Field;
    pub const TYPE: usize = 0;
    pub const MAX_RESP_CODE: usize = 1;
    pub const CHECKSUM: Field = 2..4;
    pub const GROUP: Field = 4..8;
    /// v1/v2 messages and the short query forms.
    pub const V2_LEN: usize = 8;
    /// v3 query: S flag and QRV, QQIC, number of sources, sources.
    pub const V3Q_S_QRV: usize = 8;
    pub const V3Q_QQIC: usize = 9;
    pub const V3Q_NUM_SOURCES: Field = 10..12;
    pub const V3Q_SOURCES: usize = 12;
    pub const V3Q_MIN_LEN: usize = 12;
    pub const V3Q_S_FLAG: u8 = 0x08;
    pub const V3Q_QRV_MASK: u8 = 0x07;
    /// v3 report: reserved, number of group records, records.
    pub const V3R_RESERVED: Field = 4..6;
    pub const V3R_NUM_RECORDS: Field = 6..8;
    pub const V3R_RECORDS: usize = 8;
    /// Within a group record.
    pub const REC_TYPE: usize = 0;
    pub const REC_AUX_LEN: usize = 1;
    pub const REC_NUM_SOURCES: Field = 2..4;
    pub const REC_GROUP: Field = 4..8;
    pub const REC_SOURCES: usize = 8;
    /// Sources and auxiliary data come in 4-byte words.
    pub const WORD: usize = 4;
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

/// An IGMP message; `new_checked` validates that the header fits and,
/// for a v3 query or report, that every source and record it counts does.
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
    /// The 8-byte header fits; a query of 12 bytes or more holds its
    /// sources; a v3 report holds its records, each with its sources and
    /// auxiliary data.
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        if b.len() < field::V2_LEN {
            return Err(Error::Truncated);
        }
        match self.msg_type() {
            kind::QUERY if b.len() >= field::V3Q_MIN_LEN => {
                let n = usize::from(get_u16(b, field::V3Q_NUM_SOURCES));
                if field::V3Q_SOURCES + field::WORD * n > b.len() {
                    return Err(Error::Truncated);
                }
            }
            kind::V3_REPORT => {
                let mut at = field::V3R_RECORDS;
                for _ in 0..self.num_group_records() {
                    let r = GroupRecordView::new_checked(&b[at..])?;
                    at += r.buffer_len();
                }
            }
            _ => {}
        }
        Ok(())
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    pub fn msg_type(&self) -> u8 {
        self.buffer.as_ref()[field::TYPE]
    }
    /// Max response code (tenths of a second; v3 encodes it, see
    /// [`v3_decode_code`]).
    pub fn max_resp_code(&self) -> u8 {
        self.buffer.as_ref()[field::MAX_RESP_CODE]
    }
    pub fn checksum(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::CHECKSUM)
    }
    /// The group of a query, v1/v2 report or leave (0.0.0.0: general).
    pub fn group_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(get_u32(self.buffer.as_ref(), field::GROUP))
    }
    /// The checksum over the whole message is right.
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(self.buffer.as_ref())
    }
    /// v3 query: the S flag.
    pub fn s_flag(&self) -> bool {
        self.buffer.as_ref()[field::V3Q_S_QRV] & field::V3Q_S_FLAG != 0
    }
    /// v3 query: the querier's robustness variable.
    pub fn qrv(&self) -> u8 {
        self.buffer.as_ref()[field::V3Q_S_QRV] & field::V3Q_QRV_MASK
    }
    /// v3 query: the querier's query interval code.
    pub fn qqic(&self) -> u8 {
        self.buffer.as_ref()[field::V3Q_QQIC]
    }
    /// v3 query: the number of sources.
    pub fn num_sources(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::V3Q_NUM_SOURCES)
    }
    /// v3 query: source `i`.
    pub fn source(&self, i: usize) -> Ipv4Addr {
        let at = field::V3Q_SOURCES + field::WORD * i;
        Ipv4Addr::from(get_u32(self.buffer.as_ref(), at..at + field::WORD))
    }
    /// v3 report: the number of group records.
    pub fn num_group_records(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::V3R_NUM_RECORDS)
    }
    /// v3 report: the group records, in order.
    pub fn group_records(&self) -> GroupRecords<'_> {
        GroupRecords {
            rest: &self.buffer.as_ref()[field::V3R_RECORDS..],
            left: self.num_group_records(),
        }
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_msg_type(&mut self, v: u8) {
        self.buffer.as_mut()[field::TYPE] = v
    }
    pub fn set_max_resp_code(&mut self, v: u8) {
        self.buffer.as_mut()[field::MAX_RESP_CODE] = v
    }
    pub fn set_checksum(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::CHECKSUM, v)
    }
    pub fn set_group_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::GROUP, a.into())
    }
    /// v3 query: S flag and QRV (3 bits).
    pub fn set_s_flag_and_qrv(&mut self, s: bool, qrv: u8) {
        let f = if s { field::V3Q_S_FLAG } else { 0 };
        self.buffer.as_mut()[field::V3Q_S_QRV] = f | (qrv & field::V3Q_QRV_MASK)
    }
    pub fn set_qqic(&mut self, v: u8) {
        self.buffer.as_mut()[field::V3Q_QQIC] = v
    }
    pub fn set_num_sources(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::V3Q_NUM_SOURCES, v)
    }
    pub fn set_source(&mut self, i: usize, a: Ipv4Addr) {
        let at = field::V3Q_SOURCES + field::WORD * i;
        set_u32(self.buffer.as_mut(), at..at + field::WORD, a.into())
    }
    /// v3 report: the reserved field, zeroed.
    pub fn clear_reserved(&mut self) {
        set_u16(self.buffer.as_mut(), field::V3R_RESERVED, 0)
    }
    pub fn set_num_group_records(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::V3R_NUM_RECORDS, v)
    }
    /// v3 report: the bytes from the first group record on.
    pub fn records_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::V3R_RECORDS..]
    }
    /// Computes and writes the checksum over the whole buffer.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(self.buffer.as_ref());
        self.set_checksum(c);
    }
}

/// One group record of a v3 report (RFC 3376 §4.2.4); `new_checked`
/// validates that its sources and auxiliary data fit.
#[derive(Debug, Clone)]
pub struct GroupRecordView<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> GroupRecordView<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        GroupRecordView { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let r = Self::new_unchecked(buffer);
        r.check_len()?;
        Ok(r)
    }
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < field::REC_SOURCES || self.buffer_len() > len {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }
    pub fn record_type(&self) -> u8 {
        self.buffer.as_ref()[field::REC_TYPE]
    }
    /// Auxiliary data length in 4-byte words.
    pub fn aux_data_len(&self) -> u8 {
        self.buffer.as_ref()[field::REC_AUX_LEN]
    }
    pub fn num_sources(&self) -> u16 {
        get_u16(self.buffer.as_ref(), field::REC_NUM_SOURCES)
    }
    pub fn group_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(get_u32(self.buffer.as_ref(), field::REC_GROUP))
    }
    pub fn source(&self, i: usize) -> Ipv4Addr {
        let at = field::REC_SOURCES + field::WORD * i;
        Ipv4Addr::from(get_u32(self.buffer.as_ref(), at..at + field::WORD))
    }
    /// The record's length: header, sources, auxiliary data.
    pub fn buffer_len(&self) -> usize {
        let words = usize::from(self.num_sources()) + usize::from(self.aux_data_len());
        field::REC_SOURCES + field::WORD * words
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> GroupRecordView<T> {
    pub fn set_record_type(&mut self, v: u8) {
        self.buffer.as_mut()[field::REC_TYPE] = v
    }
    pub fn set_aux_data_len(&mut self, v: u8) {
        self.buffer.as_mut()[field::REC_AUX_LEN] = v
    }
    pub fn set_num_sources(&mut self, v: u16) {
        set_u16(self.buffer.as_mut(), field::REC_NUM_SOURCES, v)
    }
    pub fn set_group_addr(&mut self, a: Ipv4Addr) {
        set_u32(self.buffer.as_mut(), field::REC_GROUP, a.into())
    }
    pub fn set_source(&mut self, i: usize, a: Ipv4Addr) {
        let at = field::REC_SOURCES + field::WORD * i;
        set_u32(self.buffer.as_mut(), at..at + field::WORD, a.into())
    }
}

/// The group records of a checked v3 report.
#[derive(Debug, Clone)]
pub struct GroupRecords<'a> {
    rest: &'a [u8],
    left: u16,
}

impl<'a> Iterator for GroupRecords<'a> {
    type Item = GroupRecordView<&'a [u8]>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let r = GroupRecordView::new_unchecked(self.rest);
        let (this, rest) = self.rest.split_at(r.buffer_len());
        self.rest = rest;
        Some(GroupRecordView::new_unchecked(this))
    }
}

/// An IGMP message as on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repr {
    /// A v1 (max response code 0) or v2 query: 8 bytes.
    Query {
        max_resp_code: u8,
        group: Ipv4Addr,
    },
    /// A v3 query: 12 bytes and the sources.
    V3Query {
        max_resp_code: u8,
        group: Ipv4Addr,
        suppress: bool,
        /// 3 bits.
        qrv: u8,
        qqic: u8,
        sources: Vec<Ipv4Addr>,
    },
    V1Report {
        group: Ipv4Addr,
    },
    V2Report {
        group: Ipv4Addr,
    },
    V2Leave {
        group: Ipv4Addr,
    },
    /// A v3 report; records of unknown types are left out when parsed
    /// (RFC 3376 §4.2.12), and none carries auxiliary data when emitted.
    V3Report {
        records: Vec<GroupRecord>,
    },
}

impl Repr {
    /// Reads a checked message: checksum right (else `Checksum`), a
    /// query of 8 or at least 12 bytes (RFC 3376 §7.1; else `Malformed`),
    /// a report or a leave (else `Unrecognized`).
    pub fn parse<T: AsRef<[u8]> + ?Sized>(p: &Packet<&T>) -> Result<Repr> {
        if !p.verify_checksum() {
            return Err(Error::Checksum);
        }
        let group = p.group_addr();
        Ok(match p.msg_type() {
            kind::QUERY => match p.buffer.as_ref().len() {
                field::V2_LEN => Repr::Query {
                    max_resp_code: p.max_resp_code(),
                    group,
                },
                n if n >= field::V3Q_MIN_LEN => Repr::V3Query {
                    max_resp_code: p.max_resp_code(),
                    group,
                    suppress: p.s_flag(),
                    qrv: p.qrv(),
                    qqic: p.qqic(),
                    sources: (0..usize::from(p.num_sources()))
                        .map(|i| p.source(i))
                        .collect(),
                },
                _ => return Err(Error::Malformed),
            },
            kind::V1_REPORT => Repr::V1Report { group },
            kind::V2_REPORT => Repr::V2Report { group },
            kind::V2_LEAVE => Repr::V2Leave { group },
            kind::V3_REPORT => Repr::V3Report {
                records: p
                    .group_records()
                    .filter_map(|r| {
                        Some(GroupRecord {
                            record_type: RecordType::from_u8(r.record_type())?,
                            group: r.group_addr(),
                            sources: (0..usize::from(r.num_sources()))
                                .map(|i| r.source(i))
                                .collect(),
                        })
                    })
                    .collect(),
            },
            _ => return Err(Error::Unrecognized),
        })
    }

    /// The message's length.
    pub fn buffer_len(&self) -> usize {
        match self {
            Repr::V3Query { sources, .. } => field::V3Q_SOURCES + field::WORD * sources.len(),
            Repr::V3Report { records } => {
                let words: usize = records.iter().map(|r| r.sources.len()).sum();
                field::V3R_RECORDS + field::REC_SOURCES * records.len() + field::WORD * words
            }
            _ => field::V2_LEN,
        }
    }

    /// Writes the message into `p`, whose buffer must be exactly
    /// [`Repr::buffer_len`] bytes (the checksum covers all of it).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized>(&self, p: &mut Packet<&mut T>) {
        let (kind, code, group) = match self {
            Repr::Query {
                max_resp_code,
                group,
            } => (kind::QUERY, *max_resp_code, *group),
            Repr::V3Query {
                max_resp_code,
                group,
                ..
            } => (kind::QUERY, *max_resp_code, *group),
            Repr::V1Report { group } => (kind::V1_REPORT, 0, *group),
            Repr::V2Report { group } => (kind::V2_REPORT, 0, *group),
            Repr::V2Leave { group } => (kind::V2_LEAVE, 0, *group),
            Repr::V3Report { .. } => (kind::V3_REPORT, 0, Ipv4Addr::UNSPECIFIED),
        };
        p.set_msg_type(kind);
        p.set_max_resp_code(code);
        p.set_group_addr(group);
        match self {
            Repr::V3Query {
                suppress,
                qrv,
                qqic,
                sources,
                ..
            } => {
                p.set_s_flag_and_qrv(*suppress, *qrv);
                p.set_qqic(*qqic);
                p.set_num_sources(sources.len() as u16);
                for (i, s) in sources.iter().enumerate() {
                    p.set_source(i, *s);
                }
            }
            Repr::V3Report { records } => {
                p.clear_reserved();
                p.set_num_group_records(records.len() as u16);
                let mut rest = p.records_mut();
                for rec in records {
                    let mut r = GroupRecordView::new_unchecked(&mut *rest);
                    r.set_record_type(rec.record_type as u8);
                    r.set_aux_data_len(0);
                    r.set_num_sources(rec.sources.len() as u16);
                    r.set_group_addr(rec.group);
                    for (i, s) in rec.sources.iter().enumerate() {
                        r.set_source(i, *s);
                    }
                    let len = r.buffer_len();
                    rest = &mut rest[len..];
                }
            }
            _ => {}
        }
        p.fill_checksum();
    }

    /// The message's meaning, as the control thread acts on it. Queries
    /// are told apart as RFC 3376 §7.1 says: 8 bytes with code 0 is v1
    /// (max response 10 s), 8 bytes with a non-zero code v2, 12 bytes or
    /// more v3.
    pub fn msg(&self) -> IgmpMsg {
        let query = |group: Ipv4Addr, max_resp, version| IgmpMsg::Query {
            group: (!group.is_unspecified()).then_some(group),
            max_resp,
            version,
        };
        let report = |version, group| IgmpMsg::Report {
            version,
            records: vec![GroupRecord {
                record_type: RecordType::ModeIsExclude,
                group,
                sources: Vec::new(),
            }],
        };
        match self {
            Repr::Query {
                max_resp_code: 0,
                group,
            } => query(*group, tenths(100), 1),
            Repr::Query {
                max_resp_code,
                group,
            } => query(*group, tenths(u32::from(*max_resp_code)), 2),
            Repr::V3Query {
                max_resp_code,
                group,
                ..
            } => query(*group, tenths(v3_decode_code(*max_resp_code)), 3),
            Repr::V1Report { group } => report(1, *group),
            Repr::V2Report { group } => report(2, *group),
            Repr::V2Leave { group } => IgmpMsg::Leave { group: *group },
            Repr::V3Report { records } => IgmpMsg::Report {
                version: 3,
                records: records.clone(),
            },
        }
    }

    /// The v3-only fields of a v3 query.
    pub fn v3_query_detail(&self) -> Option<V3QueryDetail> {
        let Repr::V3Query {
            suppress,
            qrv,
            qqic,
            sources,
            ..
        } = self
        else {
            return None;
        };
        Some(V3QueryDetail {
            suppress: *suppress,
            qrv: *qrv,
            qqi: Duration::from_secs(u64::from(v3_decode_code(*qqic))),
            sources: sources.clone(),
        })
    }
}

/// Builds a frame carrying `igmp` to `dst`, with TTL 1 and Router Alert.
fn to_frame(src_mac: Mac, src_ip: Ipv4Addr, dst: Ipv4Addr, igmp: &Repr) -> Vec<u8> {
    let igmp_len = igmp.buffer_len();
    let mut f = Vec::with_capacity(
        MIN_FRAME_LEN
            .max(ethernet::HEADER_LEN + ipv4::MIN_HEADER_LEN + ROUTER_ALERT.len() + igmp_len),
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
    ip.emit(&mut f, true, &ROUTER_ALERT, igmp_len);
    let at = f.len();
    f.resize(at + igmp_len, 0);
    igmp.emit(&mut Packet::new_unchecked(&mut f[at..]));
    pad(f)
}

/// An IGMPv3 membership report to 224.0.0.22 with one record per
/// `(record type, group)` and no sources. At most [`IGMPV3_MAX_RECORDS`]
/// records are included; use [`v3_reports`] for more.
pub fn v3_report(src_mac: Mac, src_ip: Ipv4Addr, records: &[(RecordType, Ipv4Addr)]) -> Vec<u8> {
    let records = &records[..records.len().min(IGMPV3_MAX_RECORDS)];
    let repr = Repr::V3Report {
        records: records
            .iter()
            .map(|&(record_type, group)| GroupRecord {
                record_type,
                group,
                sources: Vec::new(),
            })
            .collect(),
    };
    to_frame(src_mac, src_ip, IGMPV3_ROUTERS, &repr)
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

/// An IGMPv2 membership report (type 0x16) for `group`, sent to the group.
pub fn v2_report(src_mac: Mac, src_ip: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    to_frame(src_mac, src_ip, group, &Repr::V2Report { group })
}

/// An IGMPv2 leave group (type 0x17) for `group`, sent to 224.0.0.2.
pub fn v2_leave(src_mac: Mac, src_ip: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    to_frame(src_mac, src_ip, ALL_ROUTERS, &Repr::V2Leave { group })
}

/// Parses an IGMP frame and returns its message; see [`parse_packet`].
pub fn parse(frame: &[u8]) -> Option<IgmpMsg> {
    parse_packet(frame).map(|p| p.msg)
}

/// Parses an IGMP frame (optional 802.1Q tag, IPv4 header and IGMP
/// checksums verified, fragments rejected); the message as
/// [`Repr::parse`] and [`Repr::msg`] read it. Unknown v3 record types are
/// skipped (RFC 3376 §4.2.12); unknown message types are `Unrecognized`.
pub fn try_parse_packet(frame: &[u8]) -> Result<IgmpPacket> {
    let (eth, packet) = ethernet::Repr::try_parse(frame)?;
    if eth.ethertype != ethertype::IPV4 {
        return Err(Error::Unrecognized);
    }
    let (ip, options, igmp) = ipv4::Repr::try_parse(packet)?;
    if ip.protocol != protocol::IGMP {
        return Err(Error::Unrecognized);
    }
    let repr = Repr::parse(&Packet::new_checked(igmp)?)?;
    Ok(IgmpPacket {
        eth_src: eth.src,
        eth_dst: eth.dst,
        vlan: eth.vlan,
        src_ip: ip.src,
        dst_ip: ip.dst,
        ttl: ip.ttl,
        router_alert: options.chunks(4).any(|o| o == ROUTER_ALERT),
        msg: repr.msg(),
        v3_query: repr.v3_query_detail(),
    })
}

/// [`try_parse_packet`], for callers that need no reason.
pub fn parse_packet(frame: &[u8]) -> Option<IgmpPacket> {
    try_parse_packet(frame).ok()
}

#[cfg(test)]
mod tests;
