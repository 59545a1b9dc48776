//! The bridge decision for a frame in a bridge domain, wherever it came
//! from: punts to the control thread, then known unicast to a local port,
//! into the tunnel, or flood. Per packet.

use super::fdb::Fdb;
use super::flood::flood;
use super::view::{Egress, PortView, View, VlanView};
use super::vxlan_output::encap_unicast;
use super::{drop_pkt, retag, write_l2, Counters, DropReason, Ingress, Sink, Source};
use crate::mactable::{Dest, Mac48};
use crate::Packet;
use wire::ethernet::{self, ethertype, VLAN_TAG_LEN};
use wire::ArpPacket;

/// Bridging proper: punts, then unicast / encap / flood.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) fn forward<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    v: &VlanView,
    ing: Ingress,
    dst: Mac48,
    mut pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    if !dst.is_multicast() && view.is_local_mac(dst) {
        if !retag(&mut pkt, ing.tag_len, true, ing.pcp, ing.vlan) {
            return drop_pkt(sink, ctr, pkt, DropReason::NoHeadroom);
        }
        ctr.punts.inc();
        return sink.punt(pkt);
    }
    // The control thread's own ARP is never punted back to it.
    if let (Some(irb), false) = (v.irb_ip, ing.from == Source::Control) {
        let d = pkt.data();
        let l3 = ethernet::HEADER_LEN + ing.tag_len;
        if ethernet::ethertype_after_tag(d, ing.tag_len) == ethertype::ARP {
            if let Ok(arp) = ArpPacket::new_checked(&d[l3..]) {
                if arp.target_proto_u32() == irb {
                    punt_copy(&pkt, &ing, sink, ctr);
                }
            }
        }
    }
    if dst.is_multicast() {
        return flood(v, ing, pkt, sink, ctr);
    }
    match fdb.lookup(ing.vlan, dst) {
        Some(Dest::Port(p)) => {
            if ing.from == Source::Port(p) {
                return drop_pkt(sink, ctr, pkt, DropReason::SamePort);
            }
            match view.port(p) {
                Some(out) if out.egress(ing.vlan) != Egress::NotMember => {
                    to_port(out, ing, pkt, sink, ctr)
                }
                // Stale entry from an older view: treat as unknown.
                _ => flood(v, ing, pkt, sink, ctr),
            }
        }
        Some(Dest::Vtep(ip)) => match (ing.from, v.tmpl.as_ref()) {
            (Source::Tunnel, _) => drop_pkt(sink, ctr, pkt, DropReason::SplitHorizon),
            (_, Some(t)) => match fdb.tunnel(view, v, t, ip) {
                Some(t) => encap_unicast(t, v.encap_inner_vlan, ing, pkt, sink, ctr),
                None => drop_pkt(sink, ctr, pkt, DropReason::UnresolvedVtep),
            },
            (_, None) => flood(v, ing, pkt, sink, ctr),
        },
        None => flood(v, ing, pkt, sink, ctr),
    }
}

/// Punts a copy carrying the bridge-domain tag (see module docs).
fn punt_copy<P: Packet, S: Sink<P>>(pkt: &P, ing: &Ingress, sink: &mut S, ctr: &Counters) {
    let off = ethernet::field::ETHERTYPE.start + ing.tag_len;
    let Some(mut c) = pkt.clone_with_header(off, off - ing.tag_len + VLAN_TAG_LEN) else {
        return ctr.drop(DropReason::NoMbuf);
    };
    write_l2(c.data_mut(), pkt.data(), true, ing.pcp, ing.vlan);
    ctr.punts.inc();
    sink.punt(c);
}

/// Known unicast to a local port.
#[inline(always)]
fn to_port<P: Packet, S: Sink<P>>(
    out: &PortView,
    ing: Ingress,
    mut pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let tagged = out.egress(ing.vlan) == Egress::Tagged;
    // The tag, if any, adds as much to the frame as to its limit.
    if pkt.pkt_len() - ing.tag_len > out.max_frame(false) {
        let len = pkt.pkt_len() - ing.tag_len + if tagged { VLAN_TAG_LEN } else { 0 };
        ctr.too_big(ing.vlan, len, false);
        return drop_pkt(sink, ctr, pkt, DropReason::TooBig);
    }
    if !retag(&mut pkt, ing.tag_len, tagged, ing.pcp, ing.vlan) {
        return drop_pkt(sink, ctr, pkt, DropReason::NoHeadroom);
    }
    ctr.vlan(ing.vlan).tx.inc();
    sink.tx(out.port_id, pkt);
}

#[cfg(test)]
mod tests;
