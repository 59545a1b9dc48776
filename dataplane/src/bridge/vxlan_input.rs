//! A burst from the underlay: the outer headers' checks (a fast one for
//! the common frame, then every check in order), punts of what is for the
//! control thread, decap and the decap fast path. Per packet.

use super::fdb::Fdb;
use super::forward::forward;
use super::view::{Egress, UnderlayView, View};
use super::{drop_pkt, retag, Counters, DropReason, Ingress, Sink, Source};
use crate::mactable::{Dest, Mac48};
use crate::Packet;
use std::net::Ipv4Addr;
use wire::ethernet::{self, ethertype, vlan_field, VlanTag, VLAN_TAG_LEN};
use wire::ipv4::{self, protocol as ip_proto};
use wire::vxlan::{self, outer_field as outer};
use wire::{checksum, udp, EthernetFrame, Ipv4Packet, UdpPacket};

#[inline(never)]
pub(super) fn underlay_burst<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    pkts: impl Iterator<Item = P>,
    sink: &mut S,
    ctr: &Counters,
) {
    pkts.for_each(|p| underlay_input(view, fdb, p, sink, ctr))
}

/// The outer headers of a VXLAN frame that passed every underlay check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Outer {
    /// Where the inner Ethernet header starts.
    inner_at: usize,
    /// The remote VTEP.
    src_ip: u32,
    vni: u32,
}

/// What the underlay checks make of a frame that is not VXLAN to decap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NotVxlan {
    Drop(DropReason),
    Punt,
}

/// The common VXLAN frame in four masked 64-bit compares and the header
/// checksum: untagged IPv4 without options, not a fragment, UDP to our
/// address and port, IP and UDP lengths that match the frame, the I flag
/// set, and the outer headers and inner Ethernet header in the first
/// segment. It passes only frames that [`underlay_checks`] passes with the
/// same result, so anything else (`None`) goes there to be sorted and
/// named.
#[inline(always)]
fn vxlan_fast(d: &[u8], pkt_len: usize, u: &UnderlayView) -> Option<Outer> {
    let h: &[u8; outer::INNER + ethernet::HEADER_LEN] = d
        .get(..outer::INNER + ethernet::HEADER_LEN)?
        .try_into()
        .ok()?;
    let tl = u16::try_from(pkt_len - outer::IP).ok()?;
    let w = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().unwrap());
    // Little-endian words: byte k of a word is bits 8k..8k+8.
    // 12..20: EtherType, version/IHL, (TOS), total length, (id).
    let e12 = 0x45_00_08 | u64::from(tl.to_be()) << 32;
    // 20..28: MF and fragment offset, (TTL), protocol, (checksum, source).
    let e20 = u64::from(ip_proto::UDP) << 24;
    // 28..36: (source), destination, (source port); 36..44: destination
    // port, UDP length, (checksum), VXLAN flags (the I bit).
    let e36 = u.fast_e36 | u64::from((tl - ipv4::MIN_HEADER_LEN as u16).to_be()) << 16;
    let bad = (w(12) ^ e12) & 0x0000_ffff_00ff_ffff
        | (w(20) ^ e20) & 0x0000_0000_ff00_ff3f
        | (w(28) ^ u.fast_e28) & 0x0000_ffff_ffff_0000
        | (w(36) ^ e36) & 0x0008_0000_ffff_ffff;
    let ip: &[u8; ipv4::MIN_HEADER_LEN] = h[outer::IP..outer::UDP].try_into().unwrap();
    if bad != 0 || !checksum::verify20(ip) {
        return None;
    }
    let be4 = |i: usize| u32::from_be_bytes(h[i..i + 4].try_into().unwrap());
    Some(Outer {
        inner_at: outer::INNER,
        src_ip: be4(outer::IP + ipv4::field::SRC_ADDR.start),
        vni: be4(outer::VXLAN + vxlan::field::VNI.start) >> 8,
    })
}

/// Every underlay check, in order, for any frame: the VXLAN to decap, or
/// what to do with the rest.
#[inline(never)]
fn underlay_checks(
    view: &View,
    u: &UnderlayView,
    d: &[u8],
    pkt_len: usize,
) -> Result<Outer, NotVxlan> {
    use NotVxlan::Punt;
    let drop = |why| Err(NotVxlan::Drop(why));
    let Ok(eth) = EthernetFrame::new_checked(d) else {
        return drop(DropReason::Runt);
    };
    match eth.ethertype() {
        ethertype::IPV4 => {}
        ethertype::ARP | ethertype::LLDP => return Err(Punt),
        _ => return drop(DropReason::NotIpv4Underlay),
    }
    // The IPv4 header must be in the first segment; the rest of the packet
    // may not be, so lengths are checked against pkt_len.
    let l3 = &d[ethernet::HEADER_LEN..];
    if l3.len() < ipv4::MIN_HEADER_LEN {
        return drop(DropReason::Runt);
    }
    let ip = Ipv4Packet::new_unchecked(l3);
    let hl = ip.header_len();
    let tl = usize::from(ip.total_len());
    if ip.version() != 4 || hl < ipv4::MIN_HEADER_LEN || hl > l3.len() || tl < hl {
        return drop(DropReason::IpBadHeader);
    }
    if ethernet::HEADER_LEN + tl > pkt_len {
        return drop(DropReason::IpBadHeader);
    }
    if !ip.verify_checksum() {
        return drop(DropReason::IpBadChecksum);
    }
    let (proto, dst) = (ip.protocol(), ip.dst_u32());
    if proto == ip_proto::IGMP {
        return Err(Punt);
    }
    let to_us = dst == u.ip;
    if !to_us && !view.groups_u32.contains(&dst) {
        return drop(DropReason::VxlanNotForUs);
    }
    let punt_or_drop = if to_us {
        Err(Punt)
    } else {
        drop(DropReason::VxlanNotForUs)
    };
    if proto != ip_proto::UDP {
        return punt_or_drop;
    }
    if ip.is_fragment() {
        return drop(DropReason::IpFragment);
    }
    let l4 = ethernet::HEADER_LEN + hl;
    if d.len() < l4 + udp::HEADER_LEN {
        return drop(DropReason::UdpBadLen);
    }
    let udp = UdpPacket::new_unchecked(&d[l4..]);
    if udp.dst_port() != u.udp_port {
        return punt_or_drop;
    }
    let ulen = usize::from(udp.len());
    if ulen != tl - hl || ulen < udp::HEADER_LEN + vxlan::HEADER_LEN {
        return drop(DropReason::UdpBadLen);
    }
    // VXLAN can never need Ethernet padding (≥ 78 bytes): trailing bytes
    // mean a lying IP length, and the Packet API cannot trim them.
    if ethernet::HEADER_LEN + tl != pkt_len {
        return drop(DropReason::IpBadHeader);
    }
    let vx_at = l4 + udp::HEADER_LEN;
    let inner_at = vx_at + vxlan::HEADER_LEN;
    if d.len() < inner_at + ethernet::HEADER_LEN {
        return drop(DropReason::Runt);
    }
    let vx = wire::VxlanHeader::new_unchecked(&d[vx_at..inner_at]);
    if !vx.i_flag() {
        return drop(DropReason::VxlanNoIFlag);
    }
    Ok(Outer {
        inner_at,
        src_ip: ip.src_u32(),
        vni: vx.vni(),
    })
}

fn underlay_input<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let Some(u) = view.underlay.as_ref() else {
        return drop_pkt(sink, ctr, pkt, DropReason::VxlanNotForUs);
    };
    // The common frame's decap is its own inlined copy, the outer header's
    // length a constant there.
    match vxlan_fast(pkt.data(), pkt.pkt_len(), u) {
        Some(o) => {
            if let Some(pkt) = decap_fast(view, fdb, o, pkt, sink, ctr) {
                decap_slow(view, fdb, u, o, pkt, sink, ctr)
            }
        }
        None => underlay_slow(view, fdb, u, pkt, sink, ctr),
    }
}

/// The common decapsulated frame, in one straight line: an untagged inner
/// frame from a remote VTEP the memo has its source at already, to a
/// known unicast host behind a local port (access, or trunk with the tag
/// added), not for the control thread, fitting the port. It sends only
/// frames [`decap`] would send the same way and counts what that would
/// count; anything else comes back untouched (`Some`) for `decap`.
#[inline(always)]
fn decap_fast<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    o: Outer,
    mut pkt: P,
    sink: &mut S,
    ctr: &Counters,
) -> Option<P> {
    let Some(v) = fdb.vlan_for_vni(view, o.vni) else {
        return Some(pkt);
    };
    let Some(ih) = pkt.data()[o.inner_at..].first_chunk::<{ ethernet::HEADER_LEN }>() else {
        return Some(pkt);
    };
    let (dst, src) = (Mac48::dst_of(ih), Mac48::src_of(ih));
    let et = ethernet::ethertype_of(ih);
    let vlan = v.vlan_id;
    // A source the memo learned at this VTEP is a valid MAC, and the VTEP
    // a valid remote address (not ours): `decap` checks both first.
    if et == ethertype::VLAN
        || dst.is_multicast()
        || (et == ethertype::ARP && v.irb_ip.is_some())
        || view.is_local_mac(dst)
        || !fdb.memo.learned(vlan, src, Dest::Vtep(o.src_ip))
    {
        return Some(pkt);
    }
    let Some(Dest::Port(p)) = fdb.lookup(vlan, dst) else {
        return Some(pkt);
    };
    let Some(out) = view.port(p) else {
        return Some(pkt);
    };
    let tagged = match out.egress(vlan) {
        Egress::NotMember => return Some(pkt),
        e => e == Egress::Tagged,
    };
    // The tag adds as much to the frame as to the port's limit.
    if pkt.pkt_len() - o.inner_at > out.max_frame(false) {
        return Some(pkt);
    }
    // From here on it is to_port's work, a drop included.
    pkt.adj(o.inner_at);
    let c = ctr.vlan(vlan);
    c.rx.inc();
    c.decap.inc();
    if !retag(&mut pkt, 0, tagged, 0, vlan) {
        drop_pkt(sink, ctr, pkt, DropReason::NoHeadroom);
        return None;
    }
    c.tx.inc();
    sink.tx(p, pkt);
    None
}

/// [`decap`] out of line: the fast path's loop keeps its registers.
#[inline(never)]
fn decap_slow<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    u: &UnderlayView,
    o: Outer,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    decap(view, fdb, u, o, pkt, sink, ctr)
}

#[inline(never)]
fn underlay_slow<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    u: &UnderlayView,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    match underlay_checks(view, u, pkt.data(), pkt.pkt_len()) {
        Ok(o) => decap(view, fdb, u, o, pkt, sink, ctr),
        Err(NotVxlan::Drop(why)) => drop_pkt(sink, ctr, pkt, why),
        Err(NotVxlan::Punt) => {
            ctr.punts.inc();
            sink.punt(pkt)
        }
    }
}

/// Decapsulates a frame whose outer headers passed, and bridges the
/// inner one.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn decap<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    u: &UnderlayView,
    o: Outer,
    mut pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let d = pkt.data();
    let Some(v) = fdb.vlan_for_vni(view, o.vni) else {
        return drop_pkt(sink, ctr, pkt, DropReason::VxlanUnknownVni);
    };
    let vlan = v.vlan_id;
    let src_ip = o.src_ip;
    if src_ip == u.ip {
        return drop_pkt(sink, ctr, pkt, DropReason::VxlanOwnSource);
    }
    if Ipv4Addr::from(src_ip).is_multicast() || src_ip == 0 || src_ip == u32::MAX {
        return drop_pkt(sink, ctr, pkt, DropReason::IpBadHeader);
    }
    let inner_at = o.inner_at;
    // Both checks put the inner Ethernet header in the first segment.
    let Some(ih) = d[inner_at..].first_chunk::<{ ethernet::HEADER_LEN }>() else {
        return drop_pkt(sink, ctr, pkt, DropReason::Runt);
    };
    let (idst, isrc) = (Mac48::dst_of(ih), Mac48::src_of(ih));
    let et = ethernet::ethertype_of(ih);
    let (tag_len, pcp) = if et == ethertype::VLAN {
        if !v.decap_accept_inner_vlan {
            return drop_pkt(sink, ctr, pkt, DropReason::VxlanInnerVlan);
        }
        if d.len() < inner_at + vlan_field::INNER_ETHERTYPE.end {
            return drop_pkt(sink, ctr, pkt, DropReason::Runt);
        }
        let t = vlan_field::IN_FRAME + inner_at;
        (
            VLAN_TAG_LEN,
            VlanTag::new_unchecked(&d[t..t + VLAN_TAG_LEN]).pcp(),
        )
    } else {
        (0, 0)
    };
    let vc = ctr.vlan(vlan);
    vc.rx.inc();
    if !isrc.is_valid_source() {
        return drop_pkt(sink, ctr, pkt, DropReason::SrcMacInvalid);
    }
    vc.decap.inc();
    fdb.learn(ctr, vlan, isrc, Dest::Vtep(src_ip));
    pkt.adj(inner_at);
    let ing = Ingress {
        from: Source::Tunnel,
        vlan,
        tag_len,
        pcp,
    };
    forward(view, fdb, v, ing, idst, pkt, sink, ctr);
}

/// [`underlay_burst`] with no fast path: every frame through
/// [`underlay_checks`] and [`decap`], for the fuzz target that holds the
/// fast paths to the full ones.
pub(super) fn underlay_burst_full<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    pkts: impl Iterator<Item = P>,
    sink: &mut S,
    ctr: &Counters,
) {
    pkts.for_each(|p| match view.underlay.as_ref() {
        Some(u) => underlay_slow(view, fdb, u, p, sink, ctr),
        None => drop_pkt(sink, ctr, p, DropReason::VxlanNotForUs),
    })
}

/// Both outer-header checks on one frame, for the fuzz target: panics
/// when the fast check passes a frame that the full checks do not pass
/// with the same result. Whether the fast check passed it.
pub(super) fn fast_checks_agree(view: &View, d: &[u8], pkt_len: usize) -> bool {
    let Some(u) = view.underlay.as_ref() else {
        return false;
    };
    let Some(fast) = vxlan_fast(d, pkt_len, u) else {
        return false;
    };
    let full = underlay_checks(view, u, d, pkt_len);
    assert_eq!(
        full,
        Ok(fast),
        "the fast check passed {d:02x?} (pkt_len {pkt_len})"
    );
    true
}

#[cfg(test)]
mod tests;
