//! Bridging and VXLAN decisions, one frame at a time.
//!
//! Split by who runs the code. The control thread's part:
//! * `config`: [`BridgeConfig`], what the control process fills from its
//!   configuration;
//! * `view`: [`View::new`] compiles it (once, on the control thread) into
//!   the immutable forwarding [`View`] that workers hold by `Arc`;
//! * `counters`: [`Counters`], one worker's, and [`DropReason`], the name
//!   of every way a frame can die.
//!
//! The per-packet part, free of allocation (except what
//! `Packet::clone_with_header` does), locks (the MAC table aside),
//! syscalls and logging: [`process`] / [`process_burst`] here, then one
//! file per stage, in the order a frame meets them:
//! * `port_input`: a burst from a local port, the encap fast path;
//! * `vxlan_input`: a burst from the underlay, its checks, decap and the
//!   decap fast path;
//! * `control_input`: a frame the control thread sends into a VLAN;
//! * `forward`: the bridge decision (punts, known unicast, encap, flood);
//! * `flood`: one copy per member port and remote VTEP;
//! * `vxlan_output`: the outer-header template, encap, the source port;
//! * `fdb`: the MAC table as one burst sees it ([`Fdb`]).
//!
//! A stage may use what a stage after it offers, never one before it, and
//! what they all share (the [`Sink`], how a frame entered, the tag edits)
//! is here.
//!
//! # Contract with the worker
//! * `process` hands every frame to exactly one of `Sink::tx`,
//!   `Sink::punt`, `Sink::drop`, and may add copies (floods, punt copies)
//!   through `Sink::tx` / `Sink::punt`. Drops are already counted in
//!   [`Counters`] when `Sink::drop` is called: the sink only frees the
//!   packet. A copy that could not be made (`clone_with_header` returned
//!   `None`) counts `no-mbuf` and never reaches the sink. When its own TX
//!   or punt ring is full, the worker counts `tx-queue-full` /
//!   `punt-queue-full` itself with [`Counters::drop`].
//! * Punts are synchronous within `process(.., rx_port, ..)`, so the worker
//!   tags each punted frame with `rx_port`. What is punted:
//!   - from a bridge domain (a local port, or decapsulated): the frame as
//!     it entered the domain (inner frame for tunnel traffic) and always
//!     carrying an 802.1Q tag whose VID is the bridge-domain VLAN (inserted
//!     when it came untagged), so the control thread knows the VLAN even
//!     for tunnel frames. Frames to our router/port MACs are punted (not
//!     forwarded); ARP whose target is the VLAN's IRB address is punted as
//!     a copy AND still forwarded (a switch floods broadcasts).
//!   - LLDP (EtherType 0x88cc) on any port: as received, untagged.
//!   - on the underlay: ARP, LLDP, IGMP and any non-VXLAN IPv4 to our VTEP
//!     address (ICMP...): the whole frame as received.
//! * Flood copies: one `clone_with_header` per copy except the last target,
//!   which gets the original. A clone shares the original's bytes from the
//!   inner EtherType (`12 + tag`) on and gets a fresh header: the MACs and
//!   the egress tag for a local port, the 50-byte outer header + MACs (+
//!   tag) for a tunnel copy. The original is only edited before that
//!   offset (and in its headroom), after every clone was made, so shared
//!   payload bytes are never written.
//!
//! # Choices
//! * Trunk ports have no native VLAN: untagged (or priority-tagged, VID 0)
//!   frames on a trunk are dropped `no-vlan`. An access port accepts
//!   untagged frames and frames tagged with its own VLAN.
//! * A VLAN used by a port but not declared is a local-only bridge domain.
//! * `encap_inner_vlan`: the tunnel copy carries an 802.1Q tag with the
//!   VLAN id (inserted for frames from access ports, PCP 0, so the far side
//!   always sees a tagged frame); otherwise any tag is removed.
//! * `decap_accept_inner_vlan`: an inner tag is accepted whatever its VID
//!   and removed; the VNI alone picks the VLAN (VLAN ids are significant
//!   only per site — two VTEPs may map the same VNI to different VLANs).
//!   Its PCP is kept on tagged egress. Without the option, a tagged inner
//!   frame is dropped `vxlan-inner-vlan` (RFC 7348 section 6.1).
//! * A decapsulated frame whose destination we know behind a VTEP is
//!   dropped `split-horizon`; unknown/BUM floods to local ports only.
//! * Drop counters count copies: a flood copy that cannot go (too big,
//!   unresolved VTEP) counts its reason; a frame with no copy left to send
//!   also counts `no-flood-target`.
//! * Outer IP ID 0 with DF (RFC 6864), UDP checksum 0, VXLAN flags 0x08.
//!   Received non-zero outer UDP checksums are accepted unverified.
//!
//! # Fast paths
//! The commonest frames each have a straight-line copy of their path,
//! inlined into the burst loop: `vxlan_input::vxlan_fast` for the outer
//! headers, `port_input::encap_fast` (a local port to a known remote VTEP)
//! and `vxlan_input::decap_fast` (a known VTEP's host to a known local
//! host). A fast path acts only when it
//! would do what the full path does, side effects and counters included;
//! it touches nothing before it knows, ends with the full path's own last
//! steps, and hands anything else back for the full path, which runs out
//! of line and names every drop. Keeping the rare cases' code out of the
//! loop is most of the gain: the register allocator no longer spills the
//! hot path for them. Tests hold each fast path to the full one on random
//! bursts (`port_input/tests.rs`, `vxlan_input/tests.rs`).

mod config;
mod control_input;
mod counters;
mod fdb;
mod flood;
mod forward;
#[doc(hidden)]
pub mod fuzzing;
mod port_input;
mod view;
mod vxlan_input;
mod vxlan_output;

pub use config::{BridgeConfig, Flood, PortConf, PortMode, Underlay, VlanConf};
pub use control_input::control_input;
pub use counters::{needed_underlay_mtu, Counters, DropReason, TooBigMax, VlanCounters};
pub use fdb::Fdb;
pub use port_input::prefetch;
pub use view::{Egress, FloodTarget, PortView, View, VlanView};
pub use vxlan_output::flow_sport;

use crate::mactable::{MacTable, Memo};
use crate::Packet;
use port_input::port_burst;
use vxlan_input::underlay_burst;
use wire::ethernet::{self, vlan_field, vlan_tci, VlanTag, VLAN_ID_COUNT, VLAN_TAG_LEN};

/// Where `process` sends frames. See the module docs for the contract.
pub trait Sink<P> {
    fn tx(&mut self, port: u16, pkt: P);
    fn punt(&mut self, pkt: P);
    /// Free a dropped frame; it is already counted.
    fn drop(&mut self, pkt: P, why: DropReason);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Source {
    Port(u16),
    Tunnel,
    /// The control thread (an IRB's replies): no port, nothing to learn.
    Control,
}

/// How the frame entered the bridge domain.
#[derive(Clone, Copy, Debug)]
struct Ingress {
    from: Source,
    vlan: u16,
    /// 4 when the frame (as now in the buffer) carries a tag at offset 12.
    tag_len: usize,
    pcp: u8,
}

#[inline(always)]
fn drop_pkt<P, S: Sink<P>>(sink: &mut S, ctr: &Counters, pkt: P, why: DropReason) {
    ctr.drop(why);
    sink.drop(pkt, why);
}

/// A heap array with one element per VLAN id.
fn per_vlan<T>(f: impl FnMut() -> T) -> Box<[T; VLAN_ID_COUNT]> {
    let v: Box<[T]> = std::iter::repeat_with(f).take(VLAN_ID_COUNT).collect();
    v.try_into()
        .unwrap_or_else(|_| unreachable!("VLAN_ID_COUNT elements"))
}

/// Handles one received frame. See the module docs.
pub fn process<P: Packet, S: Sink<P>>(
    view: &View,
    macs: &MacTable,
    now: u32,
    rx_port: u16,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let mut memo = Memo::default();
    let mut fdb = Fdb::new(macs, &mut memo, now);
    let input = view.input(rx_port);
    process_burst(view, &mut fdb, input, std::iter::once(pkt), sink, ctr)
}

/// What a burst's RX port is to the bridge: resolved once per burst by
/// [`View::input`].
#[derive(Clone, Copy, Debug)]
pub enum Input<'v> {
    Unknown,
    Underlay,
    Port(&'v PortView),
}

impl View {
    #[inline(always)]
    pub fn input(&self, rx_port: u16) -> Input<'_> {
        match self.port(rx_port) {
            None => Input::Unknown,
            Some(p) if p.underlay => Input::Underlay,
            Some(p) => Input::Port(p),
        }
    }
}

/// [`process`] over a whole burst from `input`, sharing `fdb` (and its
/// memo). Out of line, one copy per input kind: the per-frame loop of a
/// port burst never carries the underlay's code (and registers), nor the
/// other way round.
pub fn process_burst<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    input: Input<'_>,
    pkts: impl Iterator<Item = P>,
    sink: &mut S,
    ctr: &Counters,
) {
    match input {
        Input::Unknown => pkts.for_each(|p| drop_pkt(sink, ctr, p, DropReason::UnknownPort)),
        Input::Underlay => underlay_burst(view, fdb, pkts, sink, ctr),
        Input::Port(port) => port_burst(view, fdb, port, pkts, sink, ctr),
    }
}

/// Writes the MACs from `orig` and, when `tagged`, an 802.1Q tag into a
/// fresh clone header.
#[inline(always)]
fn write_l2(h: &mut [u8], orig: &[u8], tagged: bool, pcp: u8, vid: u16) {
    let a = ethernet::field::ADDRESSES;
    h[a.clone()].copy_from_slice(&orig[a]);
    if tagged {
        let t = vlan_field::IN_FRAME;
        VlanTag::new_unchecked(&mut h[t..t + VLAN_TAG_LEN]).emit(pcp, false, vid);
    }
}

/// Adds, rewrites or removes the tag in place. False: no headroom.
#[inline(always)]
fn retag<P: Packet>(pkt: &mut P, tag_len: usize, tagged: bool, pcp: u8, vid: u16) -> bool {
    let a = ethernet::field::ADDRESSES;
    let t = vlan_field::IN_FRAME;
    match (tag_len != 0, tagged) {
        (true, true) => {
            VlanTag::new_unchecked(&mut pkt.data_mut()[t..t + VLAN_TAG_LEN])
                .set_tci(vlan_tci(pcp, false, vid));
        }
        (true, false) => {
            pkt.data_mut().copy_within(a, VLAN_TAG_LEN);
            pkt.adj(VLAN_TAG_LEN);
        }
        (false, true) => {
            if pkt.prepend(VLAN_TAG_LEN).is_none() {
                return false;
            }
            let d = pkt.data_mut();
            d.copy_within(a.start + VLAN_TAG_LEN..a.end + VLAN_TAG_LEN, a.start);
            VlanTag::new_unchecked(&mut d[t..t + VLAN_TAG_LEN]).emit(pcp, false, vid);
        }
        (false, false) => {}
    }
    true
}

#[cfg(test)]
mod testutil;
