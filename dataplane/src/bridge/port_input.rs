//! A burst from a local port: the port's input checks, learning, and the
//! encap fast path (the common frame to a known remote VTEP in one
//! straight line). Per packet.

use super::fdb::Fdb;
use super::forward::forward;
use super::view::{PortView, View, VlanView};
use super::vxlan_output::{encap_room, flow_sport, inner_len, Template};
use super::{drop_pkt, Counters, DropReason, Ingress, Sink, Source};
use crate::mactable::{Dest, Mac48, MacTable};
use crate::Packet;
use wire::ethernet::{self, ethertype, vlan_field, VlanTag, VLAN_TAG_LEN};
use wire::vxlan;
use wire::EthernetFrame;

/// Starts fetching the MAC-table lines a frame from a local port will
/// touch (its source and destination), so that a worker can issue these
/// for a whole burst before processing it and the table's cache misses
/// overlap. Reads only the first 16 bytes; does nothing for the underlay
/// or anything it cannot parse.
#[inline(always)]
pub fn prefetch(view: &View, macs: &MacTable, rx_port: u16, d: &[u8]) {
    let Some(p) = view.port(rx_port) else { return };
    if p.underlay || d.len() < vlan_field::INNER_ETHERTYPE.end {
        return;
    }
    let vlan = if ethernet::ethertype_of(d) == ethertype::VLAN {
        ethernet::tci_vid(ethernet::tci_of(d))
    } else {
        p.pvid
    };
    macs.prefetch48(vlan, Mac48::src_of(d));
    macs.prefetch48(vlan, Mac48::dst_of(d));
}

#[inline(never)]
pub(super) fn port_burst<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    port: &PortView,
    pkts: impl Iterator<Item = P>,
    sink: &mut S,
    ctr: &Counters,
) {
    let untagged = untagged_vlan(view, port);
    match FastEncap::new(view, untagged) {
        Some(f) => pkts.for_each(|p| {
            if let Some(p) = encap_fast(view, fdb, port, f, p, sink, ctr) {
                port_slow(view, fdb, port, untagged, p, sink, ctr)
            }
        }),
        None => pkts.for_each(|p| port_input(view, fdb, port, untagged, p, sink, ctr)),
    }
}

/// The bridge domain of untagged frames from `port` (once a burst).
#[inline(always)]
fn untagged_vlan<'a>(view: &'a View, port: &PortView) -> Result<&'a VlanView, DropReason> {
    match port.pvid {
        0 => Err(DropReason::NoVlan),
        pvid => view.vlan(pvid).ok_or(DropReason::VlanNotMember),
    }
}

/// What the encap fast path needs of a port burst, resolved once: the
/// underlay, and the untagged frames' bridge domain and tunnel header.
#[derive(Clone, Copy)]
struct FastEncap<'a> {
    /// `None` when untagged frames cannot be encapsulated as they are (no
    /// bridge domain, no VNI, or an inner tag to insert).
    untagged: Option<(&'a VlanView, &'a Template)>,
    port: u16,
    mtu: usize,
}

impl<'a> FastEncap<'a> {
    /// `None` without an underlay.
    #[inline(always)]
    fn new(view: &'a View, untagged: Result<&'a VlanView, DropReason>) -> Option<Self> {
        let u = view.underlay.as_ref()?;
        let untagged = untagged
            .ok()
            .filter(|v| !v.encap_inner_vlan)
            .and_then(|v| Some((v, v.tmpl.as_ref()?)));
        Some(FastEncap {
            untagged,
            port: u.port_id,
            mtu: usize::from(u.mtu),
        })
    }
}

/// The common frame from a local port, in one straight line: untagged on
/// an access port or tagged with a member VLAN, not for the control
/// thread, known unicast to a remote VTEP with a resolved next hop, from a
/// source the memo has at this port already, fitting the underlay. It
/// sends only frames [`port_input`] would send the same way and counts
/// what that would count; anything else comes back untouched (`Some`) for
/// `port_input`, which sorts and names it.
#[inline(always)]
fn encap_fast<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    port: &PortView,
    f: FastEncap<'a>,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) -> Option<P> {
    let d = pkt.data();
    let Some(h) = d.first_chunk::<{ ethernet::HEADER_LEN }>() else {
        return Some(pkt);
    };
    let (dst, src) = (Mac48::dst_of(h), Mac48::src_of(h));
    let et = ethernet::ethertype_of(h);
    // A multicast destination covers the link-local ones.
    if et == ethertype::LLDP || dst.is_multicast() || view.is_local_mac(dst) {
        return Some(pkt);
    }
    if et != ethertype::VLAN {
        let Some((v, t)) = f.untagged else {
            return Some(pkt);
        };
        return encap_fast_tail::<_, _, false>(
            view, fdb, port, f, v, t, 0, et, src, dst, pkt, sink, ctr,
        );
    }
    let Some(&[t0, t1, e0, e1]) =
        d.get(vlan_field::TCI_IN_FRAME.start..vlan_field::INNER_ETHERTYPE.end)
    else {
        return Some(pkt);
    };
    let tci = u16::from_be_bytes([t0, t1]);
    // VID 0 (a priority tag) is no port's member: port_input takes it.
    let Some(v) = fdb.vlan_for_tag(view, port, ethernet::tci_vid(tci)) else {
        return Some(pkt);
    };
    let Some(t) = v.tmpl.as_ref() else {
        return Some(pkt);
    };
    let (pcp, et) = (ethernet::tci_pcp(tci), u16::from_be_bytes([e0, e1]));
    encap_fast_tail::<_, _, true>(view, fdb, port, f, v, t, pcp, et, src, dst, pkt, sink, ctr)
}

/// The rest of [`encap_fast`] once the bridge domain is known, one copy
/// for untagged frames and one for tagged ones (`TAGGED`), so that the
/// untagged copy carries no tag handling at all. `et`: the EtherType
/// after the tag.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn encap_fast_tail<'a, P: Packet, S: Sink<P>, const TAGGED: bool>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    port: &PortView,
    f: FastEncap<'a>,
    v: &'a VlanView,
    t: &'a Template,
    pcp: u8,
    et: u16,
    src: Mac48,
    dst: Mac48,
    mut pkt: P,
    sink: &mut S,
    ctr: &Counters,
) -> Option<P> {
    // A source the memo learned is a valid one.
    if (et == ethertype::ARP && v.irb_ip.is_some())
        || !fdb.memo.learned(v.vlan_id, src, Dest::Port(port.port_id))
    {
        return Some(pkt);
    }
    let Some(Dest::Vtep(ip)) = fdb.lookup(v.vlan_id, dst) else {
        return Some(pkt);
    };
    let Some(t) = fdb.tunnel(view, v, t, ip) else {
        return Some(pkt);
    };
    let ing = Ingress {
        from: Source::Port(port.port_id),
        vlan: v.vlan_id,
        tag_len: if TAGGED { VLAN_TAG_LEN } else { 0 },
        pcp,
    };
    if inner_len(&pkt, v.encap_inner_vlan, &ing) + vxlan::IP_OVERHEAD > f.mtu {
        return Some(pkt);
    }
    // From here on it is encap_unicast's work, a drop included.
    let sport = flow_sport(&pkt, ing.tag_len);
    let c = ctr.vlan(v.vlan_id);
    c.rx.inc();
    // An untagged frame here gets no tag (FastEncap::new): saying so
    // leaves its retag nothing to do.
    let tagged = TAGGED && v.encap_inner_vlan;
    let Some((h, inner)) = encap_room(&mut pkt, tagged, &ing) else {
        drop_pkt(sink, ctr, pkt, DropReason::NoHeadroom);
        return None;
    };
    t.write(h, None, inner, sport);
    c.encap.inc();
    sink.tx(f.port, pkt);
    None
}

/// [`port_input`] out of line: the fast path's loop keeps its registers.
#[inline(never)]
fn port_slow<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    port: &PortView,
    untagged: Result<&'a VlanView, DropReason>,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    port_input(view, fdb, port, untagged, pkt, sink, ctr)
}

#[inline(always)]
fn port_input<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    port: &PortView,
    untagged: Result<&'a VlanView, DropReason>,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let d = pkt.data();
    let Ok(eth) = EthernetFrame::new_checked(d) else {
        return drop_pkt(sink, ctr, pkt, DropReason::Runt);
    };
    let (dst, src, et) = (Mac48::dst_of(d), Mac48::src_of(d), eth.ethertype());
    if et == ethertype::LLDP {
        ctr.punts.inc();
        return sink.punt(pkt);
    }
    if dst.is_link_local() {
        return drop_pkt(sink, ctr, pkt, DropReason::LinkLocal);
    }
    let (tag_len, vid, pcp) = if et == ethertype::VLAN {
        let Ok(tag) = VlanTag::new_checked(&d[vlan_field::IN_FRAME..]) else {
            return drop_pkt(sink, ctr, pkt, DropReason::Runt);
        };
        if d.len() < vlan_field::INNER_ETHERTYPE.end {
            return drop_pkt(sink, ctr, pkt, DropReason::Runt);
        }
        (VLAN_TAG_LEN, tag.vid(), tag.pcp())
    } else {
        (0, 0, 0)
    };
    let v = if vid != 0 {
        fdb.vlan_for_tag(view, port, vid)
            .ok_or(DropReason::VlanNotMember)
    } else {
        untagged
    };
    let v = match v {
        Ok(v) => v,
        Err(why) => return drop_pkt(sink, ctr, pkt, why),
    };
    let vlan = v.vlan_id;
    ctr.vlan(vlan).rx.inc();
    if !src.is_valid_source() {
        return drop_pkt(sink, ctr, pkt, DropReason::SrcMacInvalid);
    }
    fdb.learn(ctr, vlan, src, Dest::Port(port.port_id));
    let ing = Ingress {
        from: Source::Port(port.port_id),
        vlan,
        tag_len,
        pcp,
    };
    forward(view, fdb, v, ing, dst, pkt, sink, ctr);
}

/// [`port_burst`] with no fast path: every frame through [`port_input`],
/// for the fuzz target that holds the fast paths to the full ones.
pub(super) fn port_burst_full<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    port: &PortView,
    pkts: impl Iterator<Item = P>,
    sink: &mut S,
    ctr: &Counters,
) {
    let untagged = untagged_vlan(view, port);
    pkts.for_each(|p| port_input(view, fdb, port, untagged, p, sink, ctr))
}

#[cfg(test)]
mod tests;
