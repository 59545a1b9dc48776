//! Drop reasons and counters: one [`Counters`] per worker, written by it
//! alone, summed by the control thread.

use super::per_vlan;
use crate::Counter;
use wire::ethernet::VLAN_ID_COUNT;
use wire::vxlan;

macro_rules! drop_reasons {
    ($($v:ident = $n:literal: $doc:literal,)*) => {
        /// Every named reason a frame (or one copy of it) is dropped.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum DropReason {
            $(#[doc = $doc] $v,)*
        }
        impl DropReason {
            pub const ALL: &'static [DropReason] = &[$(DropReason::$v,)*];
            pub const COUNT: usize = Self::ALL.len();
            /// The name shown by the CLI.
            pub const fn name(self) -> &'static str {
                match self { $(DropReason::$v => $n,)* }
            }
        }
    };
}

drop_reasons! {
    Runt = "runt": "Shorter than the headers it claims.",
    UnknownPort = "unknown-port": "Received on a port the view does not know.",
    NoVlan = "no-vlan": "Untagged on a trunk (no native VLAN).",
    VlanNotMember = "vlan-not-member": "Tagged with a VLAN the port is not a member of.",
    SamePort = "same-port": "Destination learned on the ingress port.",
    SrcMacInvalid = "src-mac-invalid": "Multicast, broadcast or all-zero source MAC.",
    LinkLocal = "link-local": "IEEE 01:80:c2:00:00:0X other than LLDP: never bridged.",
    NoFloodTarget = "no-flood-target": "Flooded frame had nowhere to go.",
    IpBadHeader = "ip-bad-header": "Underlay IPv4 version/IHL/length/address invalid.",
    IpBadChecksum = "ip-bad-checksum": "Underlay IPv4 header checksum wrong.",
    IpFragment = "ip-fragment": "Underlay UDP fragment (VXLAN is never fragmented).",
    UdpBadLen = "udp-bad-len": "UDP length disagrees with the IP length or is too short.",
    VxlanNoIFlag = "vxlan-no-i-flag": "VXLAN I flag clear.",
    VxlanUnknownVni = "vxlan-unknown-vni": "VNI not mapped to a VLAN.",
    VxlanInnerVlan = "vxlan-inner-vlan": "Inner 802.1Q tag without decapsulate-accept-inner-vlan.",
    VxlanNotForUs = "vxlan-not-for-us": "Underlay IPv4 not to our VTEP address nor a joined group.",
    VxlanOwnSource = "vxlan-own-source": "Tunnel packet from our own VTEP address (loop).",
    UnresolvedVtep = "unresolved-vtep": "No next-hop MAC for the remote VTEP.",
    TooBig = "too-big": "Larger than the egress (or underlay) MTU; never fragmented.",
    NoHeadroom = "no-headroom": "No headroom to add a tag or the outer header.",
    NoMbuf = "no-mbuf": "A copy could not be allocated.",
    SplitHorizon = "split-horizon": "Decapsulated frame for a remote VTEP.",
    PuntQueueFull = "punt-queue-full": "The control thread's queue was full (worker).",
    TxQueueFull = "tx-queue-full": "The TX queue was full (worker).",
    NotIpv4Underlay = "not-ipv4-underlay": "Non-IPv4, non-ARP frame on the underlay.",
    ControlToSelf = "control-to-self": "A control-thread frame addressed to one of our own MACs.",
    TxUnknownPort = "tx-unknown-port": "Sent to a port the worker has no TX queue for (worker).",
}

/// Per-VLAN counters: one cache line.
#[derive(Default, Debug)]
#[repr(C, align(64))]
pub struct VlanCounters {
    /// Frames entering the bridge domain (local ingress or decapsulated).
    pub rx: Counter,
    /// Copies sent to local ports.
    pub tx: Counter,
    /// Copies sent into the tunnel.
    pub encap: Counter,
    /// Frames decapsulated into this VLAN.
    pub decap: Counter,
    /// Frames flooded (once per frame, not per copy).
    pub flood: Counter,
    pub learned: Counter,
    pub moved: Counter,
    /// Learning refused: the table is full.
    pub learn_failed: Counter,
}

/// Largest frame (inner frame as sent, bytes) dropped `too-big`.
#[derive(Default, Debug)]
pub struct TooBigMax {
    /// For the tunnel: it needs an underlay MTU of
    /// [`needed_underlay_mtu`]`(encap)`.
    pub encap: Counter,
    /// For a local egress port.
    pub local: Counter,
}

/// The underlay IP MTU an inner frame of `frame_len` bytes needs.
pub const fn needed_underlay_mtu(frame_len: u64) -> u64 {
    frame_len + vxlan::IP_OVERHEAD as u64
}

/// One worker's counters (single writer); the control plane sums them.
#[derive(Debug)]
pub struct Counters {
    /// Indexed by VLAN id; fixed-size so the masked index needs no bounds check.
    pub vlan: Box<[VlanCounters; VLAN_ID_COUNT]>,
    pub too_big: Box<[TooBigMax; VLAN_ID_COUNT]>,
    pub drops: [Counter; DropReason::COUNT],
    /// Frames and copies handed to `Sink::punt`.
    pub punts: Counter,
}

impl Default for Counters {
    fn default() -> Self {
        Self::new()
    }
}

impl Counters {
    pub fn new() -> Self {
        Counters {
            vlan: per_vlan(VlanCounters::default),
            too_big: per_vlan(TooBigMax::default),
            drops: std::array::from_fn(|_| Counter::default()),
            punts: Counter::default(),
        }
    }
    #[inline(always)]
    pub fn vlan(&self, vlan: u16) -> &VlanCounters {
        &self.vlan[usize::from(vlan) & (VLAN_ID_COUNT - 1)]
    }
    /// Counts a drop (the worker uses it for its own queue-full drops).
    #[inline(always)]
    pub fn drop(&self, why: DropReason) {
        self.drops[why as usize].inc()
    }
    pub fn drop_count(&self, why: DropReason) -> u64 {
        self.drops[why as usize].get()
    }
    #[inline]
    pub(super) fn too_big(&self, vlan: u16, frame_len: usize, encap: bool) {
        let t = &self.too_big[usize::from(vlan) & (VLAN_ID_COUNT - 1)];
        let c = if encap { &t.encap } else { &t.local };
        if frame_len as u64 > c.get() {
            c.set(frame_len as u64);
        }
    }
}

#[cfg(test)]
mod tests;
