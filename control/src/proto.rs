//! Frame builders and parsers for the control thread: ARP and RARP, ICMP
//! echo, IGMP v2/v3 (RFC 2236, RFC 3376), LLDP (IEEE 802.1AB) and VXLAN
//! encapsulation (RFC 7348) of frames the control thread sends into a
//! bridge domain.
//!
//! Everything here works on plain byte buffers and owns its output; it runs
//! on the control thread, never per packet. Parsers take a whole Ethernet
//! frame (an optional 802.1Q tag is accepted), index only through `get`, and
//! return `None` for anything truncated, malformed or failing a checksum.
//! Builders return a complete Ethernet frame without FCS, padded with zeros
//! to [`MIN_FRAME_LEN`] bytes.
//!
//! In the manner of smoltcp's `wire` module, header offsets are named
//! constants in a `field` module per header and the parsed meaning of a
//! header is a `Repr` type.

use dataplane::wire::checksum;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

#[cfg(test)]
mod tests;

/// An Ethernet MAC address.
pub type MacAddr = [u8; 6];

/// ff:ff:ff:ff:ff:ff.
pub const BROADCAST_MAC: MacAddr = [0xff; 6];
/// 01:80:c2:00:00:0e, the nearest-bridge group address LLDP is sent to.
pub const LLDP_MULTICAST_MAC: MacAddr = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e];
/// Minimum Ethernet frame length without FCS; shorter frames are padded.
pub const MIN_FRAME_LEN: usize = 60;

/// EtherType values used here.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const RARP: u16 = 0x8035;
    pub const VLAN: u16 = 0x8100;
    pub const LLDP: u16 = 0x88cc;
}

/// IP protocol numbers used here.
pub mod ip_proto {
    pub const ICMP: u8 = 1;
    pub const IGMP: u8 = 2;
    pub const UDP: u8 = 17;
}

// ---------------------------------------------------------------------------
// Safe readers
// ---------------------------------------------------------------------------

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

fn byte(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

fn mac_at(b: &[u8], at: usize) -> Option<MacAddr> {
    b.get(at..at.checked_add(6)?)?.try_into().ok()
}

fn ipv4_at(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(Ipv4Addr::from(s))
}

fn pad(mut frame: Vec<u8>) -> Vec<u8> {
    if frame.len() < MIN_FRAME_LEN {
        frame.resize(MIN_FRAME_LEN, 0);
    }
    frame
}

/// Formats a MAC address as `aa:bb:cc:dd:ee:ff`.
pub fn mac_str(m: &MacAddr) -> String {
    crate::stats::mac_str(m)
}

// ---------------------------------------------------------------------------
// RFC 1071 internet checksum
// ---------------------------------------------------------------------------

/// One's-complement sum of `data` as big-endian 16-bit words (an odd last
/// byte is padded with zero), folded to 16 bits; not yet complemented.
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    checksum::fold(checksum::sum(data))
}

/// RFC 1071 checksum of `data` (the field value when the field is zero).
pub fn internet_checksum(data: &[u8]) -> u16 {
    checksum::checksum(data)
}

/// Whether `data`, checksum field included, carries a correct checksum.
pub fn checksum_ok(data: &[u8]) -> bool {
    checksum::verify(data)
}

// ---------------------------------------------------------------------------
// Ethernet and 802.1Q
// ---------------------------------------------------------------------------

mod eth_field {
    use std::ops::Range;
    pub const DST: Range<usize> = 0..6;
    pub const SRC: Range<usize> = 6..12;
    pub const ETHERTYPE: usize = 12;
    pub const HEADER_LEN: usize = 14;
    /// With an 802.1Q tag: TCI right after the TPID, then the inner type.
    pub const VLAN_TCI: usize = 14;
    pub const VLAN_ETHERTYPE: usize = 16;
    pub const VLAN_HEADER_LEN: usize = 18;
    pub const VID_MASK: u16 = 0x0fff;
}

/// An Ethernet header with at most one 802.1Q tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthernetRepr {
    pub dst: MacAddr,
    pub src: MacAddr,
    /// VLAN ID of the 802.1Q tag, if any (PCP and DEI are dropped).
    pub vlan: Option<u16>,
    /// The EtherType after the tag.
    pub ethertype: u16,
}

impl EthernetRepr {
    /// Parses the header; returns it and the payload after it.
    pub fn parse(frame: &[u8]) -> Option<(EthernetRepr, &[u8])> {
        let dst = mac_at(frame, eth_field::DST.start)?;
        let src = mac_at(frame, eth_field::SRC.start)?;
        let outer = be16(frame, eth_field::ETHERTYPE)?;
        let (vlan, ethertype, hl) = if outer == ethertype::VLAN {
            let tci = be16(frame, eth_field::VLAN_TCI)?;
            let inner = be16(frame, eth_field::VLAN_ETHERTYPE)?;
            (
                Some(tci & eth_field::VID_MASK),
                inner,
                eth_field::VLAN_HEADER_LEN,
            )
        } else {
            (None, outer, eth_field::HEADER_LEN)
        };
        let repr = EthernetRepr {
            dst,
            src,
            vlan,
            ethertype,
        };
        Some((repr, frame.get(hl..)?))
    }

    /// Header length: 14, or 18 with a tag.
    pub fn header_len(&self) -> usize {
        if self.vlan.is_some() {
            eth_field::VLAN_HEADER_LEN
        } else {
            eth_field::HEADER_LEN
        }
    }

    /// Appends the header to `buf`. The tag carries PCP 0, DEI 0.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.dst);
        buf.extend_from_slice(&self.src);
        if let Some(vid) = self.vlan {
            buf.extend_from_slice(&ethertype::VLAN.to_be_bytes());
            buf.extend_from_slice(&(vid & eth_field::VID_MASK).to_be_bytes());
        }
        buf.extend_from_slice(&self.ethertype.to_be_bytes());
    }
}

/// Returns `frame` with an 802.1Q tag for `vid` inserted after the source
/// MAC (for builders that take no VLAN, e.g. IGMP on a tagged underlay).
/// A frame shorter than an Ethernet header is returned unchanged.
pub fn with_vlan(frame: &[u8], vid: u16) -> Vec<u8> {
    if frame.len() < eth_field::HEADER_LEN {
        return frame.to_vec();
    }
    let mut out = Vec::with_capacity(frame.len() + 4);
    out.extend_from_slice(&frame[..eth_field::ETHERTYPE]);
    out.extend_from_slice(&ethertype::VLAN.to_be_bytes());
    out.extend_from_slice(&(vid & eth_field::VID_MASK).to_be_bytes());
    out.extend_from_slice(&frame[eth_field::ETHERTYPE..]);
    pad(out)
}

// ---------------------------------------------------------------------------
// IPv4
// ---------------------------------------------------------------------------

mod ipv4_field {
    pub const VER_IHL: usize = 0;
    pub const TOS: usize = 1;
    pub const TOTAL_LEN: usize = 2;
    pub const IDENT: usize = 4;
    pub const FLAGS_FRAG: usize = 6;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: usize = 10;
    pub const SRC: usize = 12;
    pub const DST: usize = 16;
    pub const OPTIONS: usize = 20;
    pub const MIN_HEADER_LEN: usize = 20;
    pub const FLAG_DF: u16 = 0x4000;
    pub const FLAG_MF: u16 = 0x2000;
    pub const FRAG_OFFSET_MASK: u16 = 0x1fff;
}

/// The parts of an IPv4 header the control plane needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Repr {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    pub ttl: u8,
    pub tos: u8,
    pub ident: u16,
}

/// Parses an unfragmented IPv4 packet with a correct header checksum.
/// Returns the header fields, the options, and the payload (trimmed to the
/// total length, so Ethernet padding is dropped).
fn parse_ipv4(packet: &[u8]) -> Option<(Ipv4Repr, &[u8], &[u8])> {
    let ver_ihl = byte(packet, ipv4_field::VER_IHL)?;
    if ver_ihl >> 4 != 4 {
        return None;
    }
    let hl = usize::from(ver_ihl & 0x0f) * 4;
    let total = usize::from(be16(packet, ipv4_field::TOTAL_LEN)?);
    if hl < ipv4_field::MIN_HEADER_LEN || total < hl || total > packet.len() {
        return None;
    }
    let header = packet.get(..hl)?;
    if !checksum_ok(header) {
        return None;
    }
    let frag = be16(packet, ipv4_field::FLAGS_FRAG)?;
    if frag & ipv4_field::FLAG_MF != 0 || frag & ipv4_field::FRAG_OFFSET_MASK != 0 {
        return None;
    }
    let repr = Ipv4Repr {
        src: ipv4_at(packet, ipv4_field::SRC)?,
        dst: ipv4_at(packet, ipv4_field::DST)?,
        protocol: byte(packet, ipv4_field::PROTOCOL)?,
        ttl: byte(packet, ipv4_field::TTL)?,
        tos: byte(packet, ipv4_field::TOS)?,
        ident: be16(packet, ipv4_field::IDENT)?,
    };
    let options = packet.get(ipv4_field::OPTIONS..hl)?;
    Some((repr, options, packet.get(hl..total)?))
}

/// Appends an IPv4 header (with `options`, a multiple of 4 bytes) for a
/// payload of `payload_len` bytes, checksum filled in.
fn emit_ipv4(
    buf: &mut Vec<u8>,
    ip: &Ipv4Repr,
    dont_frag: bool,
    options: &[u8],
    payload_len: usize,
) {
    let start = buf.len();
    let hl = ipv4_field::MIN_HEADER_LEN + options.len();
    let total = u16::try_from(hl + payload_len).unwrap_or(u16::MAX);
    buf.push(0x40 | (hl / 4) as u8);
    buf.push(ip.tos);
    buf.extend_from_slice(&total.to_be_bytes());
    buf.extend_from_slice(&ip.ident.to_be_bytes());
    let flags = if dont_frag { ipv4_field::FLAG_DF } else { 0 };
    buf.extend_from_slice(&flags.to_be_bytes());
    buf.push(ip.ttl);
    buf.push(ip.protocol);
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(&ip.src.octets());
    buf.extend_from_slice(&ip.dst.octets());
    buf.extend_from_slice(options);
    let sum = internet_checksum(&buf[start..]);
    let at = start + ipv4_field::CHECKSUM;
    buf[at..at + 2].copy_from_slice(&sum.to_be_bytes());
}

static NEXT_IP_IDENT: AtomicU16 = AtomicU16::new(1);

/// A fresh IPv4 identification for packets this process originates.
pub fn next_ip_ident() -> u16 {
    NEXT_IP_IDENT.fetch_add(1, Ordering::Relaxed)
}

// ---------------------------------------------------------------------------
// ARP and RARP (RFC 826, RFC 903)
// ---------------------------------------------------------------------------

mod arp_field {
    pub const HTYPE: usize = 0;
    pub const PTYPE: usize = 2;
    pub const HLEN: usize = 4;
    pub const PLEN: usize = 5;
    pub const OPER: usize = 6;
    pub const SHA: usize = 8;
    pub const SPA: usize = 14;
    pub const THA: usize = 18;
    pub const TPA: usize = 24;
    pub const LEN: usize = 28;
    pub const HTYPE_ETHERNET: u16 = 1;
    pub const OP_REQUEST: u16 = 1;
    pub const OP_REPLY: u16 = 2;
    pub const OP_REVERSE_REQUEST: u16 = 3;
    pub const OP_REVERSE_REPLY: u16 = 4;
}

/// ARP operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArpOp {
    Request,
    Reply,
}

impl ArpOp {
    fn code(self) -> u16 {
        match self {
            ArpOp::Request => arp_field::OP_REQUEST,
            ArpOp::Reply => arp_field::OP_REPLY,
        }
    }
}

/// An Ethernet/IPv4 ARP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArpRepr {
    pub op: ArpOp,
    pub sender_mac: MacAddr,
    pub sender_ip: Ipv4Addr,
    pub target_mac: MacAddr,
    pub target_ip: Ipv4Addr,
}

/// Checks the fixed Ethernet/IPv4 part of an ARP or RARP body; returns the
/// opcode.
fn arp_opcode(body: &[u8]) -> Option<u16> {
    if body.len() < arp_field::LEN
        || be16(body, arp_field::HTYPE)? != arp_field::HTYPE_ETHERNET
        || be16(body, arp_field::PTYPE)? != ethertype::IPV4
        || byte(body, arp_field::HLEN)? != 6
        || byte(body, arp_field::PLEN)? != 4
    {
        return None;
    }
    be16(body, arp_field::OPER)
}

impl ArpRepr {
    /// Length of the ARP body.
    pub const LEN: usize = arp_field::LEN;

    /// Parses an ARP frame (EtherType 0x0806, optional 802.1Q tag, opcode
    /// request or reply). Returns (Ethernet source, Ethernet destination,
    /// VLAN, ARP).
    pub fn parse(frame: &[u8]) -> Option<(MacAddr, MacAddr, Option<u16>, ArpRepr)> {
        let (eth, body) = EthernetRepr::parse(frame)?;
        if eth.ethertype != ethertype::ARP {
            return None;
        }
        Some((eth.src, eth.dst, eth.vlan, ArpRepr::parse_body(body)?))
    }

    /// Parses the 28-byte ARP body that follows the Ethernet header.
    pub fn parse_body(body: &[u8]) -> Option<ArpRepr> {
        let op = match arp_opcode(body)? {
            arp_field::OP_REQUEST => ArpOp::Request,
            arp_field::OP_REPLY => ArpOp::Reply,
            _ => return None,
        };
        Some(ArpRepr {
            op,
            sender_mac: mac_at(body, arp_field::SHA)?,
            sender_ip: ipv4_at(body, arp_field::SPA)?,
            target_mac: mac_at(body, arp_field::THA)?,
            target_ip: ipv4_at(body, arp_field::TPA)?,
        })
    }

    /// Appends the 28-byte ARP body to `buf`.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        emit_arp_body(
            buf,
            self.op.code(),
            &self.sender_mac,
            self.sender_ip,
            &self.target_mac,
            self.target_ip,
        );
    }

    /// A complete frame carrying this ARP packet.
    pub fn to_frame(&self, eth_dst: MacAddr, eth_src: MacAddr, vlan: Option<u16>) -> Vec<u8> {
        let mut f = Vec::with_capacity(MIN_FRAME_LEN);
        EthernetRepr {
            dst: eth_dst,
            src: eth_src,
            vlan,
            ethertype: ethertype::ARP,
        }
        .emit(&mut f);
        self.emit(&mut f);
        pad(f)
    }
}

fn emit_arp_body(
    buf: &mut Vec<u8>,
    op: u16,
    sha: &MacAddr,
    spa: Ipv4Addr,
    tha: &MacAddr,
    tpa: Ipv4Addr,
) {
    buf.extend_from_slice(&arp_field::HTYPE_ETHERNET.to_be_bytes());
    buf.extend_from_slice(&ethertype::IPV4.to_be_bytes());
    buf.push(6);
    buf.push(4);
    buf.extend_from_slice(&op.to_be_bytes());
    buf.extend_from_slice(sha);
    buf.extend_from_slice(&spa.octets());
    buf.extend_from_slice(tha);
    buf.extend_from_slice(&tpa.octets());
}

/// Broadcast "who has `target_ip`? tell `src_ip`".
pub fn arp_request(
    src_mac: MacAddr,
    src_ip: Ipv4Addr,
    target_ip: Ipv4Addr,
    vlan: Option<u16>,
) -> Vec<u8> {
    ArpRepr {
        op: ArpOp::Request,
        sender_mac: src_mac,
        sender_ip: src_ip,
        target_mac: [0; 6],
        target_ip,
    }
    .to_frame(BROADCAST_MAC, src_mac, vlan)
}

/// Unicast "`our_ip` is at `our_mac`" to the asker.
pub fn arp_reply(
    our_mac: MacAddr,
    our_ip: Ipv4Addr,
    to_mac: MacAddr,
    to_ip: Ipv4Addr,
    vlan: Option<u16>,
) -> Vec<u8> {
    ArpRepr {
        op: ArpOp::Reply,
        sender_mac: our_mac,
        sender_ip: our_ip,
        target_mac: to_mac,
        target_ip: to_ip,
    }
    .to_frame(to_mac, our_mac, vlan)
}

/// Gratuitous ARP in the request form (RFC 5227 announcement, as Linux
/// sends it): broadcast, sender and target IP both `ip`, target MAC zero.
pub fn gratuitous_arp(mac: MacAddr, ip: Ipv4Addr, vlan: Option<u16>) -> Vec<u8> {
    ArpRepr {
        op: ArpOp::Request,
        sender_mac: mac,
        sender_ip: ip,
        target_mac: [0; 6],
        target_ip: ip,
    }
    .to_frame(BROADCAST_MAC, mac, vlan)
}

/// Whether `frame` is an Ethernet/IPv4 RARP request or reply (EtherType
/// 0x8035, optional 802.1Q tag), such as ESXi's post-vMotion announcement.
pub fn is_rarp(frame: &[u8]) -> bool {
    let Some((eth, body)) = EthernetRepr::parse(frame) else {
        return false;
    };
    eth.ethertype == ethertype::RARP
        && matches!(
            arp_opcode(body),
            Some(arp_field::OP_REVERSE_REQUEST | arp_field::OP_REVERSE_REPLY)
        )
}

/// The RARP broadcast ESXi sends for a VM after a vMotion ("Notify
/// Switches"): dst broadcast, src `mac`, opcode 3 (reverse request), sender
/// and target hardware address `mac`, both IPs 0.0.0.0, padded to 60 bytes.
pub fn rarp_announce(mac: MacAddr) -> Vec<u8> {
    let mut f = Vec::with_capacity(MIN_FRAME_LEN);
    EthernetRepr {
        dst: BROADCAST_MAC,
        src: mac,
        vlan: None,
        ethertype: ethertype::RARP,
    }
    .emit(&mut f);
    emit_arp_body(
        &mut f,
        arp_field::OP_REVERSE_REQUEST,
        &mac,
        Ipv4Addr::UNSPECIFIED,
        &mac,
        Ipv4Addr::UNSPECIFIED,
    );
    pad(f)
}

// ---------------------------------------------------------------------------
// ICMP echo (RFC 792)
// ---------------------------------------------------------------------------

mod icmp_field {
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: usize = 2;
    pub const IDENT: usize = 4;
    pub const SEQ: usize = 6;
    pub const PAYLOAD: usize = 8;
    pub const TYPE_ECHO_REPLY: u8 = 0;
    pub const TYPE_ECHO_REQUEST: u8 = 8;
}

/// A parsed ICMP echo request, borrowing its payload from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpEchoRequest<'a> {
    pub eth_src: MacAddr,
    pub eth_dst: MacAddr,
    pub vlan: Option<u16>,
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub tos: u8,
    pub ident: u16,
    pub seq: u16,
    pub payload: &'a [u8],
}

/// Parses an IPv4 ICMP echo request: optional 802.1Q tag, IPv4 options
/// allowed, IPv4 header checksum and ICMP checksum verified, fragments
/// rejected. Whether `dst_ip` is ours is the caller's decision.
pub fn parse_icmp_echo_request(frame: &[u8]) -> Option<IcmpEchoRequest<'_>> {
    let (eth, packet) = EthernetRepr::parse(frame)?;
    if eth.ethertype != ethertype::IPV4 {
        return None;
    }
    let (ip, _options, icmp) = parse_ipv4(packet)?;
    if ip.protocol != ip_proto::ICMP
        || icmp.len() < icmp_field::PAYLOAD
        || byte(icmp, icmp_field::TYPE)? != icmp_field::TYPE_ECHO_REQUEST
        || byte(icmp, icmp_field::CODE)? != 0
        || !checksum_ok(icmp)
    {
        return None;
    }
    Some(IcmpEchoRequest {
        eth_src: eth.src,
        eth_dst: eth.dst,
        vlan: eth.vlan,
        src_ip: ip.src,
        dst_ip: ip.dst,
        tos: ip.tos,
        ident: be16(icmp, icmp_field::IDENT)?,
        seq: be16(icmp, icmp_field::SEQ)?,
        payload: icmp.get(icmp_field::PAYLOAD..)?,
    })
}

impl IcmpEchoRequest<'_> {
    /// The echo reply: MACs and IPs swapped (source MAC `our_mac`), same
    /// VLAN, TOS, identifier, sequence and payload; a 20-byte IPv4 header
    /// with identification `ip_ident`, TTL 64; both checksums computed.
    pub fn reply(&self, our_mac: MacAddr, ip_ident: u16) -> Vec<u8> {
        let icmp_len = icmp_field::PAYLOAD + self.payload.len();
        let mut f =
            Vec::with_capacity(eth_field::VLAN_HEADER_LEN + ipv4_field::MIN_HEADER_LEN + icmp_len);
        EthernetRepr {
            dst: self.eth_src,
            src: our_mac,
            vlan: self.vlan,
            ethertype: ethertype::IPV4,
        }
        .emit(&mut f);
        let ip = Ipv4Repr {
            src: self.dst_ip,
            dst: self.src_ip,
            protocol: ip_proto::ICMP,
            ttl: 64,
            tos: self.tos,
            ident: ip_ident,
        };
        emit_ipv4(&mut f, &ip, false, &[], icmp_len);
        let start = f.len();
        f.push(icmp_field::TYPE_ECHO_REPLY);
        f.push(0);
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(&self.ident.to_be_bytes());
        f.extend_from_slice(&self.seq.to_be_bytes());
        f.extend_from_slice(self.payload);
        let sum = internet_checksum(&f[start..]);
        let at = start + icmp_field::CHECKSUM;
        f[at..at + 2].copy_from_slice(&sum.to_be_bytes());
        pad(f)
    }
}

/// Parses `request_frame` as an echo request (see
/// [`parse_icmp_echo_request`]) and builds its reply with a fresh IP
/// identification. The caller checks the request's `dst_ip` first.
pub fn icmp_echo_reply(request_frame: &[u8], our_mac: MacAddr) -> Option<Vec<u8>> {
    let req = parse_icmp_echo_request(request_frame)?;
    Some(req.reply(our_mac, next_ip_ident()))
}

// ---------------------------------------------------------------------------
// IGMP (RFC 2236 v2, RFC 3376 v3)
// ---------------------------------------------------------------------------

mod igmp_field {
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
pub mod igmp_type {
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
    pub eth_src: MacAddr,
    pub eth_dst: MacAddr,
    pub vlan: Option<u16>,
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub ttl: u8,
    pub router_alert: bool,
    pub msg: IgmpMsg,
    pub v3_query: Option<V3QueryDetail>,
}

/// The Ethernet address of an IPv4 multicast group: 01:00:5e and the low
/// 23 bits of the group.
pub fn group_mac(group: Ipv4Addr) -> MacAddr {
    let o = group.octets();
    [0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]]
}

/// Decodes the RFC 3376 §4.1.1 / §4.1.7 code: below 128 the value itself,
/// else `(mant | 0x10) << (exp + 3)` with `exp` bits 4-6 and `mant` bits 0-3.
pub fn igmpv3_decode_code(code: u8) -> u32 {
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
fn igmp_frame(src_mac: MacAddr, src_ip: Ipv4Addr, dst: Ipv4Addr, mut igmp: Vec<u8>) -> Vec<u8> {
    let sum = internet_checksum(&igmp);
    igmp[igmp_field::CHECKSUM..igmp_field::CHECKSUM + 2].copy_from_slice(&sum.to_be_bytes());
    let mut f = Vec::with_capacity(MIN_FRAME_LEN.max(14 + 24 + igmp.len()));
    EthernetRepr {
        dst: group_mac(dst),
        src: src_mac,
        vlan: None,
        ethertype: ethertype::IPV4,
    }
    .emit(&mut f);
    let ip = Ipv4Repr {
        src: src_ip,
        dst,
        protocol: ip_proto::IGMP,
        ttl: 1,
        // Internetwork control, as Linux sends IGMP.
        tos: 0xc0,
        // DF set and not fragmentable, so the identification is moot (RFC 6864).
        ident: 0,
    };
    emit_ipv4(&mut f, &ip, true, &ROUTER_ALERT, igmp.len());
    f.extend_from_slice(&igmp);
    pad(f)
}

/// An IGMPv3 membership report to 224.0.0.22 with one record per
/// `(record type, group)` and no sources. At most [`IGMPV3_MAX_RECORDS`]
/// records are included; use [`igmpv3_reports`] for more.
pub fn igmpv3_report(
    src_mac: MacAddr,
    src_ip: Ipv4Addr,
    records: &[(RecordType, Ipv4Addr)],
) -> Vec<u8> {
    let records = &records[..records.len().min(IGMPV3_MAX_RECORDS)];
    let mut igmp = Vec::with_capacity(igmp_field::V3R_RECORDS + 8 * records.len());
    igmp.push(igmp_type::V3_REPORT);
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
    igmp_frame(src_mac, src_ip, IGMPV3_ROUTERS, igmp)
}

/// IGMPv3 reports for any number of records, [`IGMPV3_MAX_RECORDS`] per
/// frame (none for no records).
pub fn igmpv3_reports(
    src_mac: MacAddr,
    src_ip: Ipv4Addr,
    records: &[(RecordType, Ipv4Addr)],
) -> Vec<Vec<u8>> {
    records
        .chunks(IGMPV3_MAX_RECORDS)
        .map(|c| igmpv3_report(src_mac, src_ip, c))
        .collect()
}

fn igmpv2_message(kind: u8, group: Ipv4Addr) -> Vec<u8> {
    let mut igmp = Vec::with_capacity(igmp_field::V2_LEN);
    igmp.push(kind);
    igmp.push(0);
    igmp.extend_from_slice(&[0, 0]);
    igmp.extend_from_slice(&group.octets());
    igmp
}

/// An IGMPv2 membership report (type 0x16) for `group`, sent to the group.
pub fn igmpv2_report(src_mac: MacAddr, src_ip: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    igmp_frame(
        src_mac,
        src_ip,
        group,
        igmpv2_message(igmp_type::V2_REPORT, group),
    )
}

/// An IGMPv2 leave group (type 0x17) for `group`, sent to 224.0.0.2.
pub fn igmpv2_leave(src_mac: MacAddr, src_ip: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    igmp_frame(
        src_mac,
        src_ip,
        ALL_ROUTERS,
        igmpv2_message(igmp_type::V2_LEAVE, group),
    )
}

/// Parses an IGMP frame and returns its message; see [`parse_igmp_packet`].
pub fn parse_igmp(frame: &[u8]) -> Option<IgmpMsg> {
    parse_igmp_packet(frame).map(|p| p.msg)
}

/// Parses an IGMP frame (optional 802.1Q tag, IPv4 header and IGMP
/// checksums verified, fragments rejected). Queries are told apart as RFC
/// 3376 §7.1 says: 8 bytes with code 0 is v1 (max response 10 s), 8 bytes
/// with a non-zero code v2, 12 bytes or more v3, anything else dropped.
/// Unknown v3 record types are skipped (RFC 3376 §4.2.12); unknown message
/// types give `None`.
pub fn parse_igmp_packet(frame: &[u8]) -> Option<IgmpPacket> {
    let (eth, packet) = EthernetRepr::parse(frame)?;
    if eth.ethertype != ethertype::IPV4 {
        return None;
    }
    let (ip, options, igmp) = parse_ipv4(packet)?;
    if ip.protocol != ip_proto::IGMP || igmp.len() < igmp_field::V2_LEN || !checksum_ok(igmp) {
        return None;
    }
    let kind = byte(igmp, igmp_field::TYPE)?;
    let code = byte(igmp, igmp_field::MAX_RESP_CODE)?;
    let group = ipv4_at(igmp, igmp_field::GROUP)?;
    let mut v3_query = None;
    let msg = match kind {
        igmp_type::QUERY => {
            let (version, max_resp) = match igmp.len() {
                igmp_field::V2_LEN if code == 0 => (1, tenths(100)),
                igmp_field::V2_LEN => (2, tenths(u32::from(code))),
                n if n >= igmp_field::V3Q_MIN_LEN => {
                    let s_qrv = byte(igmp, igmp_field::V3Q_S_QRV)?;
                    let qqic = byte(igmp, igmp_field::V3Q_QQIC)?;
                    let n = usize::from(be16(igmp, igmp_field::V3Q_NUM_SOURCES)?);
                    let sources = (0..n)
                        .map(|i| ipv4_at(igmp, igmp_field::V3Q_SOURCES + 4 * i))
                        .collect::<Option<Vec<_>>>()?;
                    v3_query = Some(V3QueryDetail {
                        suppress: s_qrv & 0x08 != 0,
                        qrv: s_qrv & 0x07,
                        qqi: Duration::from_secs(u64::from(igmpv3_decode_code(qqic))),
                        sources,
                    });
                    (3, tenths(igmpv3_decode_code(code)))
                }
                _ => return None,
            };
            IgmpMsg::Query {
                group: (!group.is_unspecified()).then_some(group),
                max_resp,
                version,
            }
        }
        igmp_type::V1_REPORT | igmp_type::V2_REPORT => IgmpMsg::Report {
            version: if kind == igmp_type::V1_REPORT { 1 } else { 2 },
            records: vec![GroupRecord {
                record_type: RecordType::ModeIsExclude,
                group,
                sources: Vec::new(),
            }],
        },
        igmp_type::V2_LEAVE => IgmpMsg::Leave { group },
        igmp_type::V3_REPORT => IgmpMsg::Report {
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
    let n = usize::from(be16(igmp, igmp_field::V3R_NUM_RECORDS)?);
    let mut at = igmp_field::V3R_RECORDS;
    let mut records = Vec::with_capacity(n.min(IGMPV3_MAX_RECORDS));
    for _ in 0..n {
        let rec = igmp.get(at..)?;
        let rt = byte(rec, igmp_field::REC_TYPE)?;
        let aux_words = usize::from(byte(rec, igmp_field::REC_AUX_LEN)?);
        let nsrc = usize::from(be16(rec, igmp_field::REC_NUM_SOURCES)?);
        let group = ipv4_at(rec, igmp_field::REC_GROUP)?;
        let sources = (0..nsrc)
            .map(|i| ipv4_at(rec, igmp_field::REC_SOURCES + 4 * i))
            .collect::<Option<Vec<_>>>()?;
        let len = igmp_field::REC_SOURCES + 4 * nsrc + 4 * aux_words;
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

// ---------------------------------------------------------------------------
// LLDP (IEEE 802.1AB)
// ---------------------------------------------------------------------------

mod lldp_field {
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
pub struct LldpNeighbor {
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
    let header = (u16::from(kind) << lldp_field::TYPE_SHIFT) | (len as u16 & lldp_field::LEN_MASK);
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
pub fn lldp_frame(
    src_mac: MacAddr,
    chassis_mac: MacAddr,
    port_id: &str,
    port_desc: &str,
    system_name: &str,
    ttl_secs: u16,
) -> Vec<u8> {
    use lldp_field::*;
    let mut f = Vec::with_capacity(128);
    EthernetRepr {
        dst: LLDP_MULTICAST_MAC,
        src: src_mac,
        vlan: None,
        ethertype: ethertype::LLDP,
    }
    .emit(&mut f);
    push_tlv(
        &mut f,
        TLV_CHASSIS_ID,
        &[&[CHASSIS_SUBTYPE_MAC], &chassis_mac],
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
        if let Ok(m) = <MacAddr>::try_from(id) {
            return Some(mac_str(&m));
        }
    }
    if subtype == net_subtype {
        match id.split_first() {
            Some((&lldp_field::AF_IPV4, a)) if a.len() == 4 => {
                return ipv4_at(a, 0).map(|a| a.to_string());
            }
            Some((&lldp_field::AF_IPV6, a)) if a.len() == 16 => {
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
pub fn parse_lldp(frame: &[u8]) -> Option<LldpNeighbor> {
    use lldp_field::*;
    let (eth, mut rest) = EthernetRepr::parse(frame)?;
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
    let mut n = LldpNeighbor {
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

// ---------------------------------------------------------------------------
// VXLAN encapsulation (RFC 7348), for frames the control thread originates
// ---------------------------------------------------------------------------

mod udp_field {
    pub const SRC_PORT: usize = 0;
    pub const DST_PORT: usize = 2;
    pub const LEN: usize = 4;
    pub const HEADER_LEN: usize = 8;
}

mod vxlan_field {
    pub const FLAGS: usize = 0;
    pub const VNI: usize = 4;
    pub const HEADER_LEN: usize = 8;
    pub const FLAG_I: u8 = 0x08;
    pub const VNI_MAX: u32 = 0x00ff_ffff;
}

/// Outer Ethernet + IPv4 + UDP + VXLAN: 50 bytes on an untagged underlay.
pub const VXLAN_OUTER_LEN: usize = eth_field::HEADER_LEN
    + ipv4_field::MIN_HEADER_LEN
    + udp_field::HEADER_LEN
    + vxlan_field::HEADER_LEN;
/// What the outer IPv4 packet adds to the inner frame: 36 bytes.
pub const VXLAN_IP_OVERHEAD: usize = VXLAN_OUTER_LEN - eth_field::HEADER_LEN;
/// RFC 7348's recommended UDP source port range is 49152–65535.
pub const VXLAN_SPORT_BASE: u16 = 49152;
const VXLAN_SPORT_RANGE: u32 = 16384;

/// The outer headers of a VXLAN packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VxlanOuter {
    pub src_mac: MacAddr,
    pub dst_mac: MacAddr,
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub ttl: u8,
    pub src_port: u16,
    pub dst_port: u16,
    /// 24 bits; higher bits are dropped.
    pub vni: u32,
}

/// The outer UDP source port for an inner frame: 49152 + an FNV-1a hash
/// of the inner destination and source MACs mod 16384, so one MAC pair
/// keeps one underlay ECMP path.
pub fn vxlan_source_port(inner: &[u8]) -> u16 {
    let mut h: u32 = 0x811c_9dc5;
    for b in inner.iter().take(eth_field::SRC.end) {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    VXLAN_SPORT_BASE + (h % VXLAN_SPORT_RANGE) as u16
}

/// Encapsulates `inner` (a complete Ethernet frame without FCS) RFC 7348
/// style: outer Ethernet (untagged), IPv4 with DF set, identification 0
/// (RFC 6864), checksum filled in, UDP with checksum 0, VXLAN flags 0x08
/// and every reserved bit zero. Never padded (VXLAN packets exceed 60
/// bytes).
pub fn vxlan_encap(outer: &VxlanOuter, inner: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(VXLAN_OUTER_LEN + inner.len());
    EthernetRepr {
        dst: outer.dst_mac,
        src: outer.src_mac,
        vlan: None,
        ethertype: ethertype::IPV4,
    }
    .emit(&mut f);
    let udp_len = udp_field::HEADER_LEN + vxlan_field::HEADER_LEN + inner.len();
    let ip = Ipv4Repr {
        src: outer.src_ip,
        dst: outer.dst_ip,
        protocol: ip_proto::UDP,
        ttl: outer.ttl,
        tos: 0,
        ident: 0,
    };
    emit_ipv4(&mut f, &ip, true, &[], udp_len);
    f.extend_from_slice(&outer.src_port.to_be_bytes());
    f.extend_from_slice(&outer.dst_port.to_be_bytes());
    f.extend_from_slice(&u16::try_from(udp_len).unwrap_or(u16::MAX).to_be_bytes());
    f.extend_from_slice(&[0, 0]); // checksum: none over IPv4
    f.extend_from_slice(&[vxlan_field::FLAG_I, 0, 0, 0]);
    f.extend_from_slice(&((outer.vni & vxlan_field::VNI_MAX) << 8).to_be_bytes());
    f.extend_from_slice(inner);
    f
}

/// Parses a VXLAN packet (untagged or tagged outer Ethernet, IPv4 header
/// checksum verified, UDP, I flag set); returns the outer headers and the
/// inner frame. Any UDP destination port is accepted: the caller compares
/// `dst_port` with its configuration.
pub fn parse_vxlan(frame: &[u8]) -> Option<(VxlanOuter, &[u8])> {
    let (eth, packet) = EthernetRepr::parse(frame)?;
    if eth.ethertype != ethertype::IPV4 {
        return None;
    }
    let (ip, _options, udp) = parse_ipv4(packet)?;
    if ip.protocol != ip_proto::UDP {
        return None;
    }
    let udp_len = usize::from(be16(udp, udp_field::LEN)?);
    if udp_len != udp.len() || udp_len < udp_field::HEADER_LEN + vxlan_field::HEADER_LEN {
        return None;
    }
    let vx = udp.get(udp_field::HEADER_LEN..)?;
    if byte(vx, vxlan_field::FLAGS)? & vxlan_field::FLAG_I == 0 {
        return None;
    }
    let vni = u32::from_be_bytes(
        vx.get(vxlan_field::VNI..vxlan_field::VNI + 4)?
            .try_into()
            .ok()?,
    ) >> 8;
    let outer = VxlanOuter {
        src_mac: eth.src,
        dst_mac: eth.dst,
        src_ip: ip.src,
        dst_ip: ip.dst,
        ttl: ip.ttl,
        src_port: be16(udp, udp_field::SRC_PORT)?,
        dst_port: be16(udp, udp_field::DST_PORT)?,
        vni,
    };
    Some((outer, vx.get(vxlan_field::HEADER_LEN..)?))
}
