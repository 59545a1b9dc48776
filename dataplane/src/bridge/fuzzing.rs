//! Entry points for the fuzz targets (and their corpus replay in `cargo
//! test`) into stages the bridge keeps private. Not an API.

use super::fdb::Fdb;
use super::port_input::port_burst_full;
use super::vxlan_input::{fast_checks_agree, underlay_burst_full};
use super::{drop_pkt, Counters, DropReason, Input, Sink, View};
use crate::Packet;

/// [`process_burst`](super::process_burst) with every fast path left out:
/// what the fast paths must match, frame for frame and counter for
/// counter.
pub fn process_burst_full<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    input: Input<'_>,
    pkts: impl Iterator<Item = P>,
    sink: &mut S,
    ctr: &Counters,
) {
    match input {
        Input::Unknown => pkts.for_each(|p| drop_pkt(sink, ctr, p, DropReason::UnknownPort)),
        Input::Underlay => underlay_burst_full(view, fdb, pkts, sink, ctr),
        Input::Port(port) => port_burst_full(view, fdb, port, pkts, sink, ctr),
    }
}

/// The underlay's fast outer-header check against the full checks on one
/// frame (`d`: its first segment; `pkt_len >= d.len()`): panics when the
/// fast one passes what the full ones do not pass the same way. Whether
/// the fast one passed it.
pub fn underlay_checks_agree(view: &View, d: &[u8], pkt_len: usize) -> bool {
    fast_checks_agree(view, d, pkt_len)
}
