//! VXLAN output: the outer header from the VLAN's template, written into
//! the frame's headroom (or a clone's fresh header), and the outer UDP
//! source port. Per packet, except [`Template::new`], which the view's
//! compilation runs on the control thread.

use super::config::Underlay;
use super::{drop_pkt, retag, Counters, DropReason, Ingress, Sink};
use crate::Packet;
use std::net::Ipv4Addr;
use wire::ethernet::VLAN_TAG_LEN;
use wire::vxlan::{self, inner_flow_hash, outer_field as outer};
use wire::{checksum, udp, EthernetFrame, Ipv4Packet, Mac, UdpPacket};

/// The 50-byte outer header with what varies per packet (destination MAC
/// and IP, lengths, checksum, source port) zero, and the one's complement
/// accumulation of its IPv4 header in that state; and where the outer
/// frame goes, resolved from the same underlay: a template exists only
/// with an underlay, so no encapsulated frame can go without one.
#[derive(Clone, Copy, Debug)]
pub(super) struct Template {
    pub(super) hdr: [u8; vxlan::OVERHEAD],
    /// Folded to 16 bits: with the IP length added, one fold finishes it.
    ip_sum: u32,
    /// The underlay port every outer frame leaves by.
    pub(super) port: u16,
    /// The underlay's IP MTU: the largest outer IPv4 packet.
    mtu: u16,
}

impl Template {
    /// Compiled with the view, on the control thread.
    pub(super) fn new(u: &Underlay, vni: u32) -> Template {
        let mut hdr = [0u8; vxlan::OVERHEAD];
        vxlan::Outer {
            src_mac: u.mac,
            dst_mac: Mac::ZERO,
            src_ip: u.ip,
            dst_ip: Ipv4Addr::UNSPECIFIED,
            ttl: u.ttl,
            src_port: 0,
            dst_port: u.udp_port,
            vni,
        }
        .emit(&mut hdr, 0);
        // What `write` fills in per frame starts at zero, and the sum
        // leaves it out.
        let mut ip = Ipv4Packet::new_unchecked(&mut hdr[outer::IP..outer::UDP]);
        ip.set_total_len(0);
        ip.set_checksum(0);
        UdpPacket::new_unchecked(&mut hdr[outer::UDP..outer::VXLAN]).set_len(0);
        let ip_sum = checksum::fold(checksum::sum(&hdr[outer::IP..outer::UDP])).into();
        Template {
            hdr,
            ip_sum,
            port: u.port_id,
            mtu: u.mtu,
        }
    }

    /// This template with the destination filled in, for
    /// [`Template::write`] with no destination of its own.
    pub(super) fn for_dest(&self, dst_mac: &Mac, dst_ip: u32) -> Template {
        let mut t = *self;
        t.ip_sum = checksum::fold(t.ip_sum + set_dest(&mut t.hdr, dst_mac, dst_ip)).into();
        t
    }

    /// Writes the outer header for an inner frame of `inner_len` bytes;
    /// `dst` fills in the destination, `None` for a template that has it
    /// already ([`Template::for_dest`]).
    #[inline(always)]
    pub(super) fn write(
        &self,
        h: &mut [u8],
        dst: Option<(&Mac, u32)>,
        inner_len: usize,
        sport: u16,
    ) {
        let h = &mut h[..vxlan::OVERHEAD];
        h.copy_from_slice(&self.hdr);
        let dst_sum = dst.map_or(0, |(mac, ip)| set_dest(h, mac, ip));
        let ip_len = (inner_len + vxlan::IP_OVERHEAD) as u16;
        let mut ip = Ipv4Packet::new_unchecked(&mut h[outer::IP..outer::UDP]);
        ip.set_total_len(ip_len);
        let sum = self.ip_sum + dst_sum + u32::from(ip_len);
        let sum = if dst.is_some() {
            checksum::fold(sum)
        } else {
            // Two 16-bit values: one end-around carry at most.
            ((sum & 0xffff) + (sum >> 16)) as u16
        };
        ip.set_checksum(!sum);
        let mut udp = UdpPacket::new_unchecked(&mut h[outer::UDP..outer::VXLAN]);
        udp.set_src_port(sport);
        udp.set_len((inner_len + udp::HEADER_LEN + vxlan::HEADER_LEN) as u16);
    }
}

/// Puts the destination MAC and IP into the outer header `h`; returns their
/// part of the IPv4 header's checksum accumulation.
#[inline(always)]
fn set_dest(h: &mut [u8], dst_mac: &Mac, dst_ip: u32) -> u32 {
    EthernetFrame::new_unchecked(&mut h[..outer::IP]).set_dst_addr(*dst_mac);
    Ipv4Packet::new_unchecked(&mut h[outer::IP..outer::UDP]).set_dst_addr(Ipv4Addr::from(dst_ip));
    (dst_ip >> 16) + (dst_ip & 0xffff)
}

/// Inner frame length once the tunnel's tag policy (`tagged`: the VLAN's
/// `encap_inner_vlan`) is applied.
#[inline(always)]
pub(super) fn inner_len<P: Packet>(pkt: &P, tagged: bool, ing: &Ingress) -> usize {
    pkt.pkt_len() - ing.tag_len + if tagged { VLAN_TAG_LEN } else { 0 }
}

/// Checks the underlay MTU; records the size when too big.
#[inline(always)]
pub(super) fn fits_underlay(t: &Template, vlan: u16, inner: usize, ctr: &Counters) -> bool {
    if inner + vxlan::IP_OVERHEAD > usize::from(t.mtu) {
        ctr.too_big(vlan, inner, true);
        false
    } else {
        true
    }
}

/// Known unicast to a remote VTEP, `t` its resolved tunnel; `tagged`: the
/// VLAN's `encap_inner_vlan`.
#[inline(always)]
pub(super) fn encap_unicast<P: Packet, S: Sink<P>>(
    t: &Template,
    tagged: bool,
    ing: Ingress,
    mut pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let inner = inner_len(&pkt, tagged, &ing);
    if !fits_underlay(t, ing.vlan, inner, ctr) {
        return drop_pkt(sink, ctr, pkt, DropReason::TooBig);
    }
    let sport = flow_sport(&pkt, ing.tag_len);
    let Some((h, inner)) = encap_room(&mut pkt, tagged, &ing) else {
        return drop_pkt(sink, ctr, pkt, DropReason::NoHeadroom);
    };
    t.write(h, None, inner, sport);
    ctr.vlan(ing.vlan).encap.inc();
    sink.tx(t.port, pkt);
}

/// Applies the tunnel's tag policy (`tagged`: the VLAN's
/// `encap_inner_vlan`) and makes room for the outer header: the 50 bytes
/// to write and the inner frame's length; `None`: no headroom.
#[inline(always)]
pub(super) fn encap_room<'p, P: Packet>(
    pkt: &'p mut P,
    tagged: bool,
    ing: &Ingress,
) -> Option<(&'p mut [u8], usize)> {
    if !retag(pkt, ing.tag_len, tagged, ing.pcp, ing.vlan) {
        return None;
    }
    let inner = pkt.pkt_len();
    Some((pkt.prepend(vxlan::OVERHEAD)?, inner))
}

/// The outer UDP source port: 49152–65535 from the RSS hash or the inner
/// flow hash.
#[inline(always)]
pub fn flow_sport<P: Packet>(pkt: &P, tag_len: usize) -> u16 {
    let h = pkt
        .rss_hash()
        .unwrap_or_else(|| inner_flow_hash(pkt.data(), tag_len));
    vxlan::source_port(h)
}

#[cfg(test)]
mod tests;
