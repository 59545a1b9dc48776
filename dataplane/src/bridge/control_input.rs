//! The control thread's frames entering a bridge domain (grout's
//! control_input): an IRB's replies and requests take the bridge's own way
//! out, so there is one flood, one encap and one set of counters. Runs on
//! the control thread, through the same per-packet stages.

use super::fdb::Fdb;
use super::forward::forward;
use super::view::View;
use super::{drop_pkt, Counters, DropReason, Ingress, Sink, Source};
use crate::mactable::Mac48;
use crate::Packet;
use wire::EthernetFrame;

/// A frame the control thread sends into the bridge domain `vlan` (an
/// IRB's ARP or echo reply): untagged, as built. It takes the way a frame
/// from a local port takes (MAC table, tunnel, flood, counters), but comes
/// from no port: nothing is learned, every member gets a flood copy, and a
/// frame to one of our own MACs is dropped `control-to-self` rather than
/// punted back.
pub fn control_input<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    vlan: u16,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let d = pkt.data();
    if EthernetFrame::new_checked(d).is_err() {
        return drop_pkt(sink, ctr, pkt, DropReason::Runt);
    }
    let Some(v) = view.vlan(vlan) else {
        return drop_pkt(sink, ctr, pkt, DropReason::NoVlan);
    };
    let dst = Mac48::dst_of(d);
    if !dst.is_multicast() && view.is_local_mac(dst) {
        return drop_pkt(sink, ctr, pkt, DropReason::ControlToSelf);
    }
    let ing = Ingress {
        from: Source::Control,
        vlan,
        tag_len: 0,
        pcp: 0,
    };
    forward(view, fdb, v, ing, dst, pkt, sink, ctr);
}

#[cfg(test)]
mod tests;
