//! Flooding: broadcast, multicast and unknown unicast to every member
//! port of the bridge domain and, from a local port, to every remote VTEP
//! (or the group). Per packet.

use super::view::VlanView;
use super::vxlan_output::{encap_room, fits_underlay, flow_sport, inner_len, Template};
use super::{drop_pkt, retag, write_l2, Counters, DropReason, Ingress, Sink, Source};
use crate::Packet;
use wire::ethernet::{self, VLAN_TAG_LEN};
use wire::vxlan;
use wire::Mac;

/// One flood destination. A remote one carries its VLAN's template, so
/// that a copy into the tunnel cannot be made without one.
#[derive(Clone, Copy)]
enum Target<'v> {
    Local { port: u16, tagged: bool },
    Remote { t: &'v Template, mac: Mac, ip: u32 },
}

/// Floods a frame of bridge domain `v`: one copy per member port but the
/// ingress one and, unless it came from the tunnel, one per remote VTEP.
pub(super) fn flood<P: Packet, S: Sink<P>>(
    v: &VlanView,
    ing: Ingress,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let vc = ctr.vlan(ing.vlan);
    vc.flood.inc();
    let base_len = pkt.pkt_len() - ing.tag_len;
    let mut pending: Option<Target> = None;
    let mut sport: Option<u16> = None;
    for fp in &v.flood_ports {
        if ing.from == Source::Port(fp.port) {
            continue;
        }
        let tagged = fp.tagged;
        let len = base_len + if tagged { VLAN_TAG_LEN } else { 0 };
        if len > fp.max_frame {
            ctr.too_big(ing.vlan, len, false);
            ctr.drop(DropReason::TooBig);
            continue;
        }
        let next = Target::Local {
            port: fp.port,
            tagged,
        };
        if let Some(prev) = pending.replace(next) {
            flood_copy(v, &ing, &pkt, prev, &mut sport, sink, ctr);
        }
    }
    if let (true, Some(t)) = (ing.from != Source::Tunnel, v.tmpl.as_ref()) {
        let inner = inner_len(&pkt, v.encap_inner_vlan, &ing);
        let fits = v.remotes.is_empty() || fits_underlay(t, ing.vlan, inner, ctr);
        for r in &v.remotes {
            if !fits {
                ctr.drop(DropReason::TooBig);
                continue;
            }
            let Some(mac) = r.mac else {
                ctr.drop(DropReason::UnresolvedVtep);
                continue;
            };
            let next = Target::Remote {
                t,
                mac,
                ip: u32::from(r.ip),
            };
            if let Some(prev) = pending.replace(next) {
                flood_copy(v, &ing, &pkt, prev, &mut sport, sink, ctr);
            }
        }
    }
    match pending {
        None => drop_pkt(sink, ctr, pkt, DropReason::NoFloodTarget),
        Some(last) => flood_last(v, ing, pkt, last, &mut sport, sink, ctr),
    }
}

#[inline(always)]
fn sport_once<P: Packet>(sport: &mut Option<u16>, pkt: &P, tag_len: usize) -> u16 {
    // A match rather than get_or_insert_with, whose closure was not
    // inlined (the hash then cost twice as many instructions).
    match *sport {
        Some(s) => s,
        None => {
            let s = flow_sport(pkt, tag_len);
            *sport = Some(s);
            s
        }
    }
}

/// A zero-copy flood copy: fresh header + the original from its EtherType.
fn flood_copy<P: Packet, S: Sink<P>>(
    v: &VlanView,
    ing: &Ingress,
    pkt: &P,
    target: Target,
    sport: &mut Option<u16>,
    sink: &mut S,
    ctr: &Counters,
) {
    let off = ethernet::field::ETHERTYPE.start + ing.tag_len;
    let l2 = ethernet::field::ETHERTYPE.start;
    match target {
        Target::Local { port, tagged } => {
            let hl = l2 + if tagged { VLAN_TAG_LEN } else { 0 };
            let Some(mut c) = pkt.clone_with_header(off, hl) else {
                return ctr.drop(DropReason::NoMbuf);
            };
            write_l2(c.data_mut(), pkt.data(), tagged, ing.pcp, ing.vlan);
            ctr.vlan(ing.vlan).tx.inc();
            sink.tx(port, c);
        }
        Target::Remote { t, mac, ip } => {
            let s = sport_once(sport, pkt, ing.tag_len);
            let tagged = v.encap_inner_vlan;
            let hl = vxlan::OVERHEAD + l2 + if tagged { VLAN_TAG_LEN } else { 0 };
            let inner = inner_len(pkt, tagged, ing);
            let Some(mut c) = pkt.clone_with_header(off, hl) else {
                return ctr.drop(DropReason::NoMbuf);
            };
            let h = c.data_mut();
            t.write(h, Some((&mac, ip)), inner, s);
            write_l2(
                &mut h[vxlan::OVERHEAD..],
                pkt.data(),
                tagged,
                ing.pcp,
                ing.vlan,
            );
            ctr.vlan(ing.vlan).encap.inc();
            sink.tx(t.port, c);
        }
    }
}

/// The last flood target gets the original, edited in place.
fn flood_last<P: Packet, S: Sink<P>>(
    v: &VlanView,
    ing: Ingress,
    mut pkt: P,
    target: Target,
    sport: &mut Option<u16>,
    sink: &mut S,
    ctr: &Counters,
) {
    match target {
        Target::Local { port, tagged } => {
            if !retag(&mut pkt, ing.tag_len, tagged, ing.pcp, ing.vlan) {
                return drop_pkt(sink, ctr, pkt, DropReason::NoHeadroom);
            }
            ctr.vlan(ing.vlan).tx.inc();
            sink.tx(port, pkt);
        }
        Target::Remote { t, mac, ip } => {
            let s = sport_once(sport, &pkt, ing.tag_len);
            let Some((h, inner)) = encap_room(&mut pkt, v.encap_inner_vlan, &ing) else {
                return drop_pkt(sink, ctr, pkt, DropReason::NoHeadroom);
            };
            t.write(h, Some((&mac, ip)), inner, s);
            ctr.vlan(ing.vlan).encap.inc();
            sink.tx(t.port, pkt);
        }
    }
}

#[cfg(test)]
mod tests;
