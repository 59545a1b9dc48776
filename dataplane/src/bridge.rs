//! Bridging and VXLAN decisions, one frame at a time.
//!
//! Split by who runs the code: [`BridgeConfig`] is what the control process
//! fills from its configuration; [`View::new`] compiles it (once, on the
//! control thread) into the immutable forwarding [`View`] that workers hold
//! by `Arc`; [`process`] is the per-packet entry point, free of allocation
//! (except what `Packet::clone_with_header` does), locks (the MAC table
//! aside), syscalls and logging. Every way a frame can die has a name in
//! [`Drop`] and a counter in [`Counters`].
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
//! inlined into the burst loop: [`vxlan_fast`] for the outer headers,
//! `encap_fast` (a local port to a known remote VTEP) and `decap_fast` (a
//! known VTEP's host to a known local host). A fast path acts only when it
//! would do what the full path does, side effects and counters included;
//! it touches nothing before it knows, ends with the full path's own last
//! steps, and hands anything else back for the full path, which runs out
//! of line and names every drop. Keeping the
//! rare cases' code out of the loop is most of the gain: the register
//! allocator no longer spills the hot path for them. Tests hold each fast
//! path to the full one on random bursts.

use crate::mactable::{Dest, Learn, Mac48, MacTable, Memo};
use crate::{Counter, Packet};
use std::net::Ipv4Addr;
use wire::ethernet::{
    self, ethertype, vlan_field, vlan_tci, VlanTag, VLAN_ID_COUNT, VLAN_ID_MAX, VLAN_TAG_LEN,
};
use wire::ipv4::{self, protocol as ip_proto};
use wire::vxlan::{self, inner_flow_hash, outer_field as outer};
use wire::{checksum, udp, ArpPacket, EthernetFrame, Ipv4Packet, Mac, UdpPacket};

// ===========================================================================
// Configuration (filled by the control process)

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMode {
    /// Untagged member of one VLAN.
    Access(u16),
    /// Tagged member of these VLANs (no native VLAN).
    Trunk(Vec<u16>),
    /// The routed port VXLAN runs over.
    Underlay,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortConf {
    pub port_id: u16,
    pub name: String,
    pub mode: PortMode,
    pub mac: Mac,
    /// IP MTU: the largest frame is `mtu + 14` (+ 4 when tagged).
    pub mtu: u16,
}

/// Where a VLAN's BUM traffic goes in the tunnel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flood {
    /// One copy to the multicast group (joined by the control plane).
    Group(Ipv4Addr),
    /// One copy per remote VTEP (head-end replication).
    Static(Vec<Ipv4Addr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VlanConf {
    pub vlan_id: u16,
    pub name: String,
    pub vni: Option<u32>,
    pub flood: Flood,
    pub encap_inner_vlan: bool,
    pub decap_accept_inner_vlan: bool,
    /// IRB address and prefix length.
    pub irb: Option<(Ipv4Addr, u8)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Underlay {
    pub port_id: u16,
    /// Our VTEP address.
    pub ip: Ipv4Addr,
    pub prefix: u8,
    pub mac: Mac,
    /// IP MTU of the underlay: the largest outer IPv4 packet.
    pub mtu: u16,
    pub gateway: Option<Ipv4Addr>,
    pub udp_port: u16,
    pub ttl: u8,
}

impl Underlay {
    /// Whether `ip` is in the underlay's subnet.
    pub fn on_link(&self, ip: Ipv4Addr) -> bool {
        (u32::from(ip) ^ u32::from(self.ip)) & prefix_mask(self.prefix) == 0
    }
    /// The next hop towards `ip`: itself when on-link, else the gateway.
    pub fn next_hop(&self, ip: Ipv4Addr) -> Option<Ipv4Addr> {
        if self.on_link(ip) {
            Some(ip)
        } else {
            self.gateway
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BridgeConfig {
    pub ports: Vec<PortConf>,
    pub vlans: Vec<VlanConf>,
    pub underlay: Option<Underlay>,
    /// The IRB MAC.
    pub router_mac: Mac,
    /// Next-hop IP → MAC (static ARP now, learned ARP later).
    pub neighbors: Vec<(Ipv4Addr, Mac)>,
}

// ===========================================================================
// Drop reasons and counters

macro_rules! drop_reasons {
    ($($v:ident = $n:literal: $doc:literal,)*) => {
        /// Every named reason a frame (or one copy of it) is dropped.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Drop {
            $(#[doc = $doc] $v,)*
        }
        impl Drop {
            pub const ALL: &'static [Drop] = &[$(Drop::$v,)*];
            pub const COUNT: usize = Self::ALL.len();
            /// The name shown by the CLI.
            pub const fn name(self) -> &'static str {
                match self { $(Drop::$v => $n,)* }
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
}

/// A heap array with one element per VLAN id.
fn per_vlan<T>(f: impl FnMut() -> T) -> Box<[T; VLAN_ID_COUNT]> {
    let v: Box<[T]> = std::iter::repeat_with(f).take(VLAN_ID_COUNT).collect();
    v.try_into()
        .unwrap_or_else(|_| unreachable!("VLAN_ID_COUNT elements"))
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
    pub drops: [Counter; Drop::COUNT],
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
    pub fn drop(&self, why: Drop) {
        self.drops[why as usize].inc()
    }
    pub fn drop_count(&self, why: Drop) -> u64 {
        self.drops[why as usize].get()
    }
    #[inline]
    fn too_big(&self, vlan: u16, frame_len: usize, encap: bool) {
        let t = &self.too_big[usize::from(vlan) & (VLAN_ID_COUNT - 1)];
        let c = if encap { &t.encap } else { &t.local };
        if frame_len as u64 > c.get() {
            c.set(frame_len as u64);
        }
    }
}

// ===========================================================================
// The compiled view

/// How a port sends a VLAN's frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Egress {
    NotMember,
    Untagged,
    Tagged,
}

#[derive(Clone, Debug)]
pub struct PortView {
    pub port_id: u16,
    pub name: String,
    pub mac: Mac,
    pub mtu: u16,
    pub underlay: bool,
    /// VLAN of untagged frames (access ports), 0 for none.
    pub pvid: u16,
    member: Box<[Egress; VLAN_ID_COUNT]>,
}

impl PortView {
    #[inline(always)]
    pub fn egress(&self, vlan: u16) -> Egress {
        self.member[usize::from(vlan) & (VLAN_ID_COUNT - 1)]
    }
    /// Largest frame this port sends with or without a tag.
    #[inline(always)]
    fn max_frame(&self, tagged: bool) -> usize {
        usize::from(self.mtu) + ethernet::HEADER_LEN + if tagged { VLAN_TAG_LEN } else { 0 }
    }
}

/// The 50-byte outer header with what varies per packet (destination MAC
/// and IP, lengths, checksum, source port) zero, and the one's complement
/// accumulation of its IPv4 header in that state.
#[derive(Clone, Copy, Debug)]
struct Template {
    hdr: [u8; vxlan::OVERHEAD],
    /// Folded to 16 bits: with the IP length added, one fold finishes it.
    ip_sum: u32,
}

impl Template {
    fn new(u: &Underlay, vni: u32) -> Template {
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
        Template { hdr, ip_sum }
    }

    /// This template with the destination filled in, for
    /// [`Template::write`] with no destination of its own.
    fn for_dest(&self, dst_mac: &Mac, dst_ip: u32) -> Template {
        let mut t = *self;
        t.ip_sum = checksum::fold(t.ip_sum + set_dest(&mut t.hdr, dst_mac, dst_ip)).into();
        t
    }

    /// Writes the outer header for an inner frame of `inner_len` bytes;
    /// `dst` fills in the destination, `None` for a template that has it
    /// already ([`Template::for_dest`]).
    #[inline(always)]
    fn write(&self, h: &mut [u8], dst: Option<(&Mac, u32)>, inner_len: usize, sport: u16) {
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

/// A local flood destination of a VLAN.
#[derive(Clone, Copy, Debug)]
struct FloodPort {
    port: u16,
    tagged: bool,
    /// Largest frame the port sends in this VLAN (with its tag if tagged).
    max_frame: usize,
}

/// A tunnel flood destination: the group, or one static remote VTEP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FloodTarget {
    pub ip: Ipv4Addr,
    /// Outer destination MAC; `None`: next hop unresolved (copy dropped
    /// `unresolved-vtep`).
    pub mac: Option<Mac>,
}

#[derive(Clone, Debug)]
pub struct VlanView {
    pub vlan_id: u16,
    pub name: String,
    /// The VNI, when it has one and an underlay exists.
    pub vni: Option<u32>,
    pub encap_inner_vlan: bool,
    pub decap_accept_inner_vlan: bool,
    pub irb: Option<(Ipv4Addr, u8)>,
    /// Local member ports, in configuration order.
    pub ports: Vec<u16>,
    /// The same ports as flooding needs them: no port-table or membership
    /// lookup per copy.
    flood_ports: Vec<FloodPort>,
    /// Tunnel flood destinations (empty without a VNI).
    pub remotes: Vec<FloodTarget>,
    tmpl: Option<Template>,
    irb_ip: Option<u32>,
}

impl VlanView {
    fn new(vlan_id: u16, c: Option<&VlanConf>) -> VlanView {
        VlanView {
            vlan_id,
            name: c.map_or_else(|| format!("vlan{vlan_id}"), |c| c.name.clone()),
            vni: None,
            encap_inner_vlan: c.is_some_and(|c| c.encap_inner_vlan),
            decap_accept_inner_vlan: c.is_some_and(|c| c.decap_accept_inner_vlan),
            irb: c.and_then(|c| c.irb),
            ports: Vec::new(),
            flood_ports: Vec::new(),
            remotes: Vec::new(),
            tmpl: None,
            irb_ip: c.and_then(|c| c.irb).map(|(ip, _)| u32::from(ip)),
        }
    }
    /// The outer header template's 50 bytes (destination, lengths,
    /// checksum and source port zero), for inspection.
    pub fn outer_template(&self) -> Option<[u8; vxlan::OVERHEAD]> {
        self.tmpl.map(|t| t.hdr)
    }
}

#[derive(Clone, Debug)]
struct UnderlayView {
    port_id: u16,
    ip: u32,
    mask: u32,
    mtu: u16,
    udp_port: u16,
    gateway: Option<u32>,
    gateway_mac: Option<Mac>,
    /// [`vxlan_fast`]'s expected words at bytes 28 and 36 (destination
    /// address; UDP port and the I flag), less what depends on the frame.
    fast_e28: u64,
    fast_e36: u64,
}

const NO_VLAN: u16 = u16::MAX;

/// The immutable forwarding view compiled from a [`BridgeConfig`].
#[derive(Clone, Debug)]
pub struct View {
    ports: Vec<Option<PortView>>,
    /// VLAN id → index into `vlans`, `NO_VLAN` when not a bridge domain.
    vlan_index: Box<[u16; VLAN_ID_COUNT]>,
    vlans: Vec<VlanView>,
    vni_to_vlan: SortedMap<u32, u16>,
    underlay: Option<UnderlayView>,
    /// Unicast MACs that are ours (router MAC, port and underlay MACs).
    local_macs: Vec<Mac48>,
    /// One bit per [`local_bit`] of each local MAC: most frames leave
    /// `is_local_mac` after one bit test instead of comparing them all.
    local_filter: u64,
    neighbors: SortedMap<u32, Mac>,
    groups: Vec<Ipv4Addr>,
    groups_u32: Vec<u32>,
}

/// A small read-mostly map for the per-packet path: a sorted vector and a
/// binary search beat hashing for the few neighbors and VNIs a VTEP has.
#[derive(Clone, Debug, Default)]
struct SortedMap<K, V>(Vec<(K, V)>);

impl<K: Ord + Copy, V: Copy> SortedMap<K, V> {
    #[inline(always)]
    fn get(&self, k: &K) -> Option<&V> {
        self.0
            .binary_search_by(|(x, _)| x.cmp(k))
            .ok()
            .map(|i| &self.0[i].1)
    }
    fn contains_key(&self, k: &K) -> bool {
        self.get(k).is_some()
    }
    /// Keeps the first value for a key.
    fn insert(&mut self, k: K, v: V) {
        if let Err(i) = self.0.binary_search_by(|(x, _)| x.cmp(&k)) {
            self.0.insert(i, (k, v));
        }
    }
}

impl<K: Ord + Copy, V: Copy> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(it: I) -> Self {
        let mut m = SortedMap(Vec::new());
        for (k, v) in it {
            m.insert(k, v);
        }
        m
    }
}

/// A MAC's bit in [`View::local_filter`]: its low 6 bits, which vary
/// most among hosts (the NIC-specific part of the address).
#[inline(always)]
fn local_bit(m: Mac48) -> u32 {
    (m.0 & 63) as u32
}

fn prefix_mask(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        p if p >= 32 => u32::MAX,
        p => u32::MAX << (32 - p),
    }
}

fn valid_vlan(v: u16) -> bool {
    (1..=VLAN_ID_MAX).contains(&v)
}

impl View {
    /// Compiles a configuration. Never fails: invalid VLAN ids are ignored
    /// (the control process validates and reports), a VNI without an
    /// underlay is inert, a duplicate VNI maps to the first VLAN.
    pub fn new(cfg: &BridgeConfig) -> View {
        let neighbors: SortedMap<u32, Mac> = cfg
            .neighbors
            .iter()
            .map(|(ip, mac)| (u32::from(*ip), *mac))
            .collect();
        let underlay = cfg.underlay.as_ref().map(|u| {
            let gateway = u.gateway.map(u32::from);
            UnderlayView {
                port_id: u.port_id,
                ip: u32::from(u.ip),
                mask: prefix_mask(u.prefix),
                mtu: u.mtu,
                udp_port: u.udp_port,
                gateway,
                gateway_mac: gateway.and_then(|g| neighbors.get(&g).copied()),
                fast_e28: u64::from(u32::from(u.ip).to_be()) << 16,
                fast_e36: u64::from(u.udp_port.to_be()) | u64::from(vxlan::FLAG_I) << 48,
            }
        });
        let mut v = View {
            ports: Vec::new(),
            vlan_index: per_vlan(|| NO_VLAN),
            vlans: Vec::new(),
            vni_to_vlan: SortedMap::default(),
            underlay,
            local_macs: Vec::new(),
            local_filter: 0,
            neighbors,
            groups: Vec::new(),
            groups_u32: Vec::new(),
        };
        for c in cfg.vlans.iter().filter(|c| valid_vlan(c.vlan_id)) {
            if v.vlan_index[usize::from(c.vlan_id)] == NO_VLAN {
                v.vlan_index[usize::from(c.vlan_id)] = v.vlans.len() as u16;
                v.vlans.push(VlanView::new(c.vlan_id, Some(c)));
            }
        }
        for p in &cfg.ports {
            let mut pv = PortView {
                port_id: p.port_id,
                name: p.name.clone(),
                mac: p.mac,
                mtu: p.mtu,
                underlay: false,
                pvid: 0,
                member: per_vlan(|| Egress::NotMember),
            };
            let members: Vec<(u16, Egress)> = match &p.mode {
                PortMode::Access(vl) => {
                    pv.pvid = if valid_vlan(*vl) { *vl } else { 0 };
                    vec![(*vl, Egress::Untagged)]
                }
                PortMode::Trunk(vls) => vls.iter().map(|vl| (*vl, Egress::Tagged)).collect(),
                PortMode::Underlay => {
                    pv.underlay = true;
                    Vec::new()
                }
            };
            for (vl, e) in members.into_iter().filter(|(vl, _)| valid_vlan(*vl)) {
                if pv.member[usize::from(vl)] != Egress::NotMember {
                    continue;
                }
                pv.member[usize::from(vl)] = e;
                let idx = v.vlan_idx_or_insert(vl);
                v.vlans[idx].ports.push(p.port_id);
            }
            v.set_port(pv);
        }
        if let Some(u) = &cfg.underlay {
            let existing = v
                .ports
                .get_mut(usize::from(u.port_id))
                .and_then(|p| p.as_mut());
            match existing {
                Some(p) => {
                    p.underlay = true;
                    p.mac = u.mac;
                }
                None => v.set_port(PortView {
                    port_id: u.port_id,
                    name: format!("underlay{}", u.port_id),
                    mac: u.mac,
                    mtu: u.mtu,
                    underlay: true,
                    pvid: 0,
                    member: per_vlan(|| Egress::NotMember),
                }),
            }
            for c in cfg.vlans.iter().filter(|c| valid_vlan(c.vlan_id)) {
                let Some(vni) = c.vni.map(|n| n & vxlan::VNI_MAX) else {
                    continue;
                };
                let idx = usize::from(v.vlan_index[usize::from(c.vlan_id)]);
                if v.vlans[idx].tmpl.is_some() || v.vni_to_vlan.contains_key(&vni) {
                    continue;
                }
                v.vni_to_vlan.insert(vni, c.vlan_id);
                let targets: Vec<Ipv4Addr> = match &c.flood {
                    Flood::Group(g) => vec![*g],
                    Flood::Static(l) => l.clone(),
                };
                let remotes = targets
                    .into_iter()
                    .map(|ip| {
                        let mac = if ip.is_multicast() {
                            if !v.groups.contains(&ip) {
                                v.groups.push(ip);
                                v.groups_u32.push(u32::from(ip));
                            }
                            Some(Mac::ipv4_multicast(ip))
                        } else {
                            v.next_hop_mac(u32::from(ip))
                        };
                        FloodTarget { ip, mac }
                    })
                    .collect();
                let vv = &mut v.vlans[idx];
                vv.vni = Some(vni);
                vv.tmpl = Some(Template::new(u, vni));
                vv.remotes = remotes;
            }
        }
        for vv in &mut v.vlans {
            let vlan = vv.vlan_id;
            vv.flood_ports = vv
                .ports
                .iter()
                .filter_map(|&p| {
                    let out = v.ports.get(usize::from(p))?.as_ref()?;
                    let tagged = out.egress(vlan) == Egress::Tagged;
                    Some(FloodPort {
                        port: p,
                        tagged,
                        max_frame: out.max_frame(tagged),
                    })
                })
                .collect();
        }
        let mut macs = vec![cfg.router_mac];
        macs.extend(cfg.ports.iter().map(|p| p.mac));
        macs.extend(cfg.underlay.iter().map(|u| u.mac));
        for m in macs {
            let m = Mac48::from_bytes(&m);
            if m.is_valid_source() && !v.local_macs.contains(&m) {
                v.local_macs.push(m);
                v.local_filter |= 1 << local_bit(m);
            }
        }
        v
    }

    fn set_port(&mut self, p: PortView) {
        let i = usize::from(p.port_id);
        if self.ports.len() <= i {
            self.ports.resize(i + 1, None);
        }
        self.ports[i] = Some(p);
    }

    fn vlan_idx_or_insert(&mut self, vl: u16) -> usize {
        if self.vlan_index[usize::from(vl)] == NO_VLAN {
            self.vlan_index[usize::from(vl)] = self.vlans.len() as u16;
            self.vlans.push(VlanView::new(vl, None));
        }
        usize::from(self.vlan_index[usize::from(vl)])
    }

    #[inline(always)]
    pub fn port(&self, port_id: u16) -> Option<&PortView> {
        self.ports
            .get(usize::from(port_id))
            .and_then(|p| p.as_ref())
    }
    pub fn ports(&self) -> impl Iterator<Item = &PortView> {
        self.ports.iter().flatten()
    }
    #[inline(always)]
    pub fn vlan(&self, vlan_id: u16) -> Option<&VlanView> {
        let i = *self.vlan_index.get(usize::from(vlan_id))?;
        self.vlans.get(usize::from(i))
    }
    pub fn vlans(&self) -> &[VlanView] {
        &self.vlans
    }
    #[inline]
    pub fn vlan_for_vni(&self, vni: u32) -> Option<u16> {
        self.vni_to_vlan.get(&vni).copied()
    }
    /// The multicast groups the control plane must join on the underlay.
    pub fn groups(&self) -> &[Ipv4Addr] {
        &self.groups
    }
    pub fn neighbor(&self, ip: Ipv4Addr) -> Option<Mac> {
        self.neighbors.get(&u32::from(ip)).copied()
    }
    /// The IP whose MAC the outer frame to `vtep` goes to: the VTEP itself
    /// when on-link, else the gateway (`None` without one or no underlay).
    pub fn next_hop(&self, vtep: Ipv4Addr) -> Option<Ipv4Addr> {
        let u = self.underlay.as_ref()?;
        let ip = u32::from(vtep);
        if ip & u.mask == u.ip & u.mask {
            Some(vtep)
        } else {
            u.gateway.map(Ipv4Addr::from)
        }
    }
    /// The outer destination MAC for unicast to VTEP `ip` (host order).
    #[inline]
    pub fn next_hop_mac(&self, ip: u32) -> Option<Mac> {
        let u = self.underlay.as_ref()?;
        if ip == u.ip {
            None
        } else if ip & u.mask == u.ip & u.mask {
            self.neighbors.get(&ip).copied()
        } else {
            u.gateway_mac
        }
    }
    #[inline(always)]
    fn is_local_mac(&self, m: Mac48) -> bool {
        self.local_filter >> local_bit(m) & 1 != 0 && self.local_macs.contains(&m)
    }
}

// ===========================================================================
// Per packet

/// Where `process` sends frames. See the module docs for the contract.
pub trait Sink<P> {
    fn tx(&mut self, port: u16, pkt: P);
    fn punt(&mut self, pkt: P);
    /// Free a dropped frame; it is already counted.
    fn drop(&mut self, pkt: P, why: Drop);
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
fn drop_pkt<P, S: Sink<P>>(sink: &mut S, ctr: &Counters, pkt: P, why: Drop) {
    ctr.drop(why);
    sink.drop(pkt, why);
}

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

/// The MAC table as one burst sees it: the shared table, the time, the
/// worker's [`Memo`] of its recent lookups and learns, and what the burst
/// resolved from the view (tunnel header, VNI).
pub struct Fdb<'a> {
    table: &'a MacTable,
    now: u32,
    memo: &'a mut Memo,
    /// The outer header of the last (VLAN, remote VTEP) this burst
    /// encapsulated to, destination filled in (the view does not change
    /// within a burst); `None`: next hop unresolved. Key `1 << 63 | vlan <<
    /// 32 | ip`, 0 for none.
    tun_key: u64,
    tun: Option<Template>,
    /// The bridge domain of the last VNI (key `1 << 32 | vni`) or 802.1Q
    /// tag (`2 << 32 | vid`) this burst received, `None` when there is
    /// none (or the RX port is not a member); 0 for none yet.
    vlan_key: u64,
    vlan: Option<&'a VlanView>,
}

impl<'a> Fdb<'a> {
    /// For one burst received at `now` (seconds), with the worker's memo
    /// (forgotten here if the table or the second moved on).
    #[inline(always)]
    pub fn new(table: &'a MacTable, memo: &'a mut Memo, now: u32) -> Self {
        memo.next_burst(table.generation(), now);
        Fdb {
            table,
            now,
            memo,
            tun_key: 0,
            tun: None,
            vlan_key: 0,
            vlan: None,
        }
    }
    #[inline(always)]
    fn vlan_for_vni(&mut self, view: &'a View, vni: u32) -> Option<&'a VlanView> {
        let key = 1 << 32 | u64::from(vni);
        if key != self.vlan_key {
            self.vlan = view.vlan_for_vni(vni).and_then(|vl| view.vlan(vl));
            self.vlan_key = key;
        }
        self.vlan
    }
    /// The bridge domain of a tagged frame from `port`, the burst's RX
    /// port; `None` when `port` is not a member.
    #[inline(always)]
    fn vlan_for_tag(&mut self, view: &'a View, port: &PortView, vid: u16) -> Option<&'a VlanView> {
        let key = 2 << 32 | u64::from(vid);
        if key != self.vlan_key {
            self.vlan = (port.egress(vid) != Egress::NotMember)
                .then(|| view.vlan(vid))
                .flatten();
            self.vlan_key = key;
        }
        self.vlan
    }
    #[inline(always)]
    fn tunnel(&mut self, view: &View, v: &VlanView, t: &Template, vtep: u32) -> Option<&Template> {
        let key = 1 << 63 | u64::from(v.vlan_id) << 32 | u64::from(vtep);
        if key != self.tun_key {
            self.tun = view.next_hop_mac(vtep).map(|mac| t.for_dest(&mac, vtep));
            self.tun_key = key;
        }
        self.tun.as_ref()
    }
    #[inline(always)]
    fn lookup(&mut self, vlan: u16, mac: Mac48) -> Option<Dest> {
        self.memo.lookup(self.table, vlan, mac)
    }
    #[inline(always)]
    fn learn(&mut self, ctr: &Counters, vlan: u16, mac: Mac48, dest: Dest) {
        match self.memo.learn(self.table, vlan, mac, dest, self.now) {
            Learn::New => ctr.vlan(vlan).learned.inc(),
            Learn::Moved { .. } => ctr.vlan(vlan).moved.inc(),
            Learn::Full => ctr.vlan(vlan).learn_failed.inc(),
            Learn::Unchanged | Learn::Refreshed | Learn::Static => {}
        }
    }
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
        Input::Unknown => pkts.for_each(|p| drop_pkt(sink, ctr, p, Drop::UnknownPort)),
        Input::Underlay => underlay_burst(view, fdb, pkts, sink, ctr),
        Input::Port(port) => port_burst(view, fdb, port, pkts, sink, ctr),
    }
}

#[inline(never)]
fn underlay_burst<'a, P: Packet, S: Sink<P>>(
    view: &'a View,
    fdb: &mut Fdb<'a>,
    pkts: impl Iterator<Item = P>,
    sink: &mut S,
    ctr: &Counters,
) {
    pkts.for_each(|p| underlay_input(view, fdb, p, sink, ctr))
}

#[inline(never)]
fn port_burst<'a, P: Packet, S: Sink<P>>(
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
fn untagged_vlan<'a>(view: &'a View, port: &PortView) -> Result<&'a VlanView, Drop> {
    match port.pvid {
        0 => Err(Drop::NoVlan),
        pvid => view.vlan(pvid).ok_or(Drop::VlanNotMember),
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
    fn new(view: &'a View, untagged: Result<&'a VlanView, Drop>) -> Option<Self> {
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
    if inner_len(&pkt, v, &ing) + vxlan::IP_OVERHEAD > f.mtu {
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
        drop_pkt(sink, ctr, pkt, Drop::NoHeadroom);
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
    untagged: Result<&'a VlanView, Drop>,
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
    untagged: Result<&'a VlanView, Drop>,
    pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let d = pkt.data();
    let Ok(eth) = EthernetFrame::new_checked(d) else {
        return drop_pkt(sink, ctr, pkt, Drop::Runt);
    };
    let (dst, src, et) = (Mac48::dst_of(d), Mac48::src_of(d), eth.ethertype());
    if et == ethertype::LLDP {
        ctr.punts.inc();
        return sink.punt(pkt);
    }
    if dst.is_link_local() {
        return drop_pkt(sink, ctr, pkt, Drop::LinkLocal);
    }
    let (tag_len, vid, pcp) = if et == ethertype::VLAN {
        let Ok(tag) = VlanTag::new_checked(&d[vlan_field::IN_FRAME..]) else {
            return drop_pkt(sink, ctr, pkt, Drop::Runt);
        };
        if d.len() < vlan_field::INNER_ETHERTYPE.end {
            return drop_pkt(sink, ctr, pkt, Drop::Runt);
        }
        (VLAN_TAG_LEN, tag.vid(), tag.pcp())
    } else {
        (0, 0, 0)
    };
    let v = if vid != 0 {
        fdb.vlan_for_tag(view, port, vid).ok_or(Drop::VlanNotMember)
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
        return drop_pkt(sink, ctr, pkt, Drop::SrcMacInvalid);
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
        return drop_pkt(sink, ctr, pkt, Drop::Runt);
    }
    let Some(v) = view.vlan(vlan) else {
        return drop_pkt(sink, ctr, pkt, Drop::NoVlan);
    };
    let dst = Mac48::dst_of(d);
    if !dst.is_multicast() && view.is_local_mac(dst) {
        return drop_pkt(sink, ctr, pkt, Drop::ControlToSelf);
    }
    let ing = Ingress {
        from: Source::Control,
        vlan,
        tag_len: 0,
        pcp: 0,
    };
    forward(view, fdb, v, ing, dst, pkt, sink, ctr);
}

/// Bridging proper: punts, then unicast / encap / flood.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn forward<'a, P: Packet, S: Sink<P>>(
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
            return drop_pkt(sink, ctr, pkt, Drop::NoHeadroom);
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
        return flood(view, v, ing, pkt, sink, ctr);
    }
    match fdb.lookup(ing.vlan, dst) {
        Some(Dest::Port(p)) => {
            if ing.from == Source::Port(p) {
                return drop_pkt(sink, ctr, pkt, Drop::SamePort);
            }
            match view.port(p) {
                Some(out) if out.egress(ing.vlan) != Egress::NotMember => {
                    to_port(out, ing, pkt, sink, ctr)
                }
                // Stale entry from an older view: treat as unknown.
                _ => flood(view, v, ing, pkt, sink, ctr),
            }
        }
        Some(Dest::Vtep(ip)) => match (ing.from, v.tmpl.as_ref()) {
            (Source::Tunnel, _) => drop_pkt(sink, ctr, pkt, Drop::SplitHorizon),
            (_, Some(t)) => match fdb.tunnel(view, v, t, ip) {
                Some(t) => encap_unicast(view, v, t, ing, pkt, sink, ctr),
                None => drop_pkt(sink, ctr, pkt, Drop::UnresolvedVtep),
            },
            (_, None) => flood(view, v, ing, pkt, sink, ctr),
        },
        None => flood(view, v, ing, pkt, sink, ctr),
    }
}

/// Punts a copy carrying the bridge-domain tag (see module docs).
fn punt_copy<P: Packet, S: Sink<P>>(pkt: &P, ing: &Ingress, sink: &mut S, ctr: &Counters) {
    let off = ethernet::field::ETHERTYPE.start + ing.tag_len;
    let Some(mut c) = pkt.clone_with_header(off, off - ing.tag_len + VLAN_TAG_LEN) else {
        return ctr.drop(Drop::NoMbuf);
    };
    write_l2(c.data_mut(), pkt.data(), true, ing.pcp, ing.vlan);
    ctr.punts.inc();
    sink.punt(c);
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
        return drop_pkt(sink, ctr, pkt, Drop::TooBig);
    }
    if !retag(&mut pkt, ing.tag_len, tagged, ing.pcp, ing.vlan) {
        return drop_pkt(sink, ctr, pkt, Drop::NoHeadroom);
    }
    ctr.vlan(ing.vlan).tx.inc();
    sink.tx(out.port_id, pkt);
}

/// Inner frame length once the tunnel's tag policy is applied.
#[inline(always)]
fn inner_len<P: Packet>(pkt: &P, v: &VlanView, ing: &Ingress) -> usize {
    pkt.pkt_len() - ing.tag_len + if v.encap_inner_vlan { VLAN_TAG_LEN } else { 0 }
}

/// Checks the underlay MTU; records the size when too big.
#[inline(always)]
fn fits_underlay(view: &View, vlan: u16, inner: usize, ctr: &Counters) -> bool {
    let mtu = view.underlay.as_ref().map_or(0, |u| usize::from(u.mtu));
    if inner + vxlan::IP_OVERHEAD > mtu {
        ctr.too_big(vlan, inner, true);
        false
    } else {
        true
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn encap_unicast<P: Packet, S: Sink<P>>(
    view: &View,
    v: &VlanView,
    t: &Template,
    ing: Ingress,
    mut pkt: P,
    sink: &mut S,
    ctr: &Counters,
) {
    let inner = inner_len(&pkt, v, &ing);
    if !fits_underlay(view, ing.vlan, inner, ctr) {
        return drop_pkt(sink, ctr, pkt, Drop::TooBig);
    }
    let sport = flow_sport(&pkt, ing.tag_len);
    let Some((h, inner)) = encap_room(&mut pkt, v.encap_inner_vlan, &ing) else {
        return drop_pkt(sink, ctr, pkt, Drop::NoHeadroom);
    };
    t.write(h, None, inner, sport);
    ctr.vlan(ing.vlan).encap.inc();
    let port = view.underlay.as_ref().map_or(0, |u| u.port_id);
    sink.tx(port, pkt);
}

/// Applies the tunnel's tag policy (`tagged`: the VLAN's
/// `encap_inner_vlan`) and makes room for the outer header: the 50 bytes
/// to write and the inner frame's length; `None`: no headroom.
#[inline(always)]
fn encap_room<'p, P: Packet>(
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

/// One flood destination.
#[derive(Clone, Copy)]
enum Target {
    Local { port: u16, tagged: bool },
    Remote { mac: Mac, ip: u32 },
}

fn flood<P: Packet, S: Sink<P>>(
    view: &View,
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
            ctr.drop(Drop::TooBig);
            continue;
        }
        let next = Target::Local {
            port: fp.port,
            tagged,
        };
        if let Some(prev) = pending.replace(next) {
            flood_copy(view, v, &ing, &pkt, prev, &mut sport, sink, ctr);
        }
    }
    if ing.from != Source::Tunnel && v.tmpl.is_some() {
        let inner = inner_len(&pkt, v, &ing);
        let fits = v.remotes.is_empty() || fits_underlay(view, ing.vlan, inner, ctr);
        for r in &v.remotes {
            if !fits {
                ctr.drop(Drop::TooBig);
                continue;
            }
            let Some(mac) = r.mac else {
                ctr.drop(Drop::UnresolvedVtep);
                continue;
            };
            let next = Target::Remote {
                mac,
                ip: u32::from(r.ip),
            };
            if let Some(prev) = pending.replace(next) {
                flood_copy(view, v, &ing, &pkt, prev, &mut sport, sink, ctr);
            }
        }
    }
    match pending {
        None => drop_pkt(sink, ctr, pkt, Drop::NoFloodTarget),
        Some(last) => flood_last(view, v, ing, pkt, last, &mut sport, sink, ctr),
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
#[allow(clippy::too_many_arguments)]
fn flood_copy<P: Packet, S: Sink<P>>(
    view: &View,
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
                return ctr.drop(Drop::NoMbuf);
            };
            write_l2(c.data_mut(), pkt.data(), tagged, ing.pcp, ing.vlan);
            ctr.vlan(ing.vlan).tx.inc();
            sink.tx(port, c);
        }
        Target::Remote { mac, ip } => {
            let Some(t) = v.tmpl.as_ref() else { return };
            let s = sport_once(sport, pkt, ing.tag_len);
            let tagged = v.encap_inner_vlan;
            let hl = vxlan::OVERHEAD + l2 + if tagged { VLAN_TAG_LEN } else { 0 };
            let inner = inner_len(pkt, v, ing);
            let Some(mut c) = pkt.clone_with_header(off, hl) else {
                return ctr.drop(Drop::NoMbuf);
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
            let port = view.underlay.as_ref().map_or(0, |u| u.port_id);
            sink.tx(port, c);
        }
    }
}

/// The last flood target gets the original, edited in place.
#[allow(clippy::too_many_arguments)]
fn flood_last<P: Packet, S: Sink<P>>(
    view: &View,
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
                return drop_pkt(sink, ctr, pkt, Drop::NoHeadroom);
            }
            ctr.vlan(ing.vlan).tx.inc();
            sink.tx(port, pkt);
        }
        Target::Remote { mac, ip } => {
            let Some(t) = v.tmpl.as_ref() else {
                return drop_pkt(sink, ctr, pkt, Drop::NoFloodTarget);
            };
            let s = sport_once(sport, &pkt, ing.tag_len);
            let Some((h, inner)) = encap_room(&mut pkt, v.encap_inner_vlan, &ing) else {
                return drop_pkt(sink, ctr, pkt, Drop::NoHeadroom);
            };
            t.write(h, Some((&mac, ip)), inner, s);
            ctr.vlan(ing.vlan).encap.inc();
            let port = view.underlay.as_ref().map_or(0, |u| u.port_id);
            sink.tx(port, pkt);
        }
    }
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
    Drop(Drop),
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
        return drop(Drop::Runt);
    };
    match eth.ethertype() {
        ethertype::IPV4 => {}
        ethertype::ARP | ethertype::LLDP => return Err(Punt),
        _ => return drop(Drop::NotIpv4Underlay),
    }
    // The IPv4 header must be in the first segment; the rest of the packet
    // may not be, so lengths are checked against pkt_len.
    let l3 = &d[ethernet::HEADER_LEN..];
    if l3.len() < ipv4::MIN_HEADER_LEN {
        return drop(Drop::Runt);
    }
    let ip = Ipv4Packet::new_unchecked(l3);
    let hl = ip.header_len();
    let tl = usize::from(ip.total_len());
    if ip.version() != 4 || hl < ipv4::MIN_HEADER_LEN || hl > l3.len() || tl < hl {
        return drop(Drop::IpBadHeader);
    }
    if ethernet::HEADER_LEN + tl > pkt_len {
        return drop(Drop::IpBadHeader);
    }
    if !ip.verify_checksum() {
        return drop(Drop::IpBadChecksum);
    }
    let (proto, dst) = (ip.protocol(), ip.dst_u32());
    if proto == ip_proto::IGMP {
        return Err(Punt);
    }
    let to_us = dst == u.ip;
    if !to_us && !view.groups_u32.contains(&dst) {
        return drop(Drop::VxlanNotForUs);
    }
    let punt_or_drop = if to_us {
        Err(Punt)
    } else {
        drop(Drop::VxlanNotForUs)
    };
    if proto != ip_proto::UDP {
        return punt_or_drop;
    }
    if ip.is_fragment() {
        return drop(Drop::IpFragment);
    }
    let l4 = ethernet::HEADER_LEN + hl;
    if d.len() < l4 + udp::HEADER_LEN {
        return drop(Drop::UdpBadLen);
    }
    let udp = UdpPacket::new_unchecked(&d[l4..]);
    if udp.dst_port() != u.udp_port {
        return punt_or_drop;
    }
    let ulen = usize::from(udp.len());
    if ulen != tl - hl || ulen < udp::HEADER_LEN + vxlan::HEADER_LEN {
        return drop(Drop::UdpBadLen);
    }
    // VXLAN can never need Ethernet padding (≥ 78 bytes): trailing bytes
    // mean a lying IP length, and the Packet API cannot trim them.
    if ethernet::HEADER_LEN + tl != pkt_len {
        return drop(Drop::IpBadHeader);
    }
    let vx_at = l4 + udp::HEADER_LEN;
    let inner_at = vx_at + vxlan::HEADER_LEN;
    if d.len() < inner_at + ethernet::HEADER_LEN {
        return drop(Drop::Runt);
    }
    let vx = wire::VxlanHeader::new_unchecked(&d[vx_at..inner_at]);
    if !vx.i_flag() {
        return drop(Drop::VxlanNoIFlag);
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
        return drop_pkt(sink, ctr, pkt, Drop::VxlanNotForUs);
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
        drop_pkt(sink, ctr, pkt, Drop::NoHeadroom);
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
        return drop_pkt(sink, ctr, pkt, Drop::VxlanUnknownVni);
    };
    let vlan = v.vlan_id;
    let src_ip = o.src_ip;
    if src_ip == u.ip {
        return drop_pkt(sink, ctr, pkt, Drop::VxlanOwnSource);
    }
    if Ipv4Addr::from(src_ip).is_multicast() || src_ip == 0 || src_ip == u32::MAX {
        return drop_pkt(sink, ctr, pkt, Drop::IpBadHeader);
    }
    let inner_at = o.inner_at;
    // Both checks put the inner Ethernet header in the first segment.
    let Some(ih) = d[inner_at..].first_chunk::<{ ethernet::HEADER_LEN }>() else {
        return drop_pkt(sink, ctr, pkt, Drop::Runt);
    };
    let (idst, isrc) = (Mac48::dst_of(ih), Mac48::src_of(ih));
    let et = ethernet::ethertype_of(ih);
    let (tag_len, pcp) = if et == ethertype::VLAN {
        if !v.decap_accept_inner_vlan {
            return drop_pkt(sink, ctr, pkt, Drop::VxlanInnerVlan);
        }
        if d.len() < inner_at + vlan_field::INNER_ETHERTYPE.end {
            return drop_pkt(sink, ctr, pkt, Drop::Runt);
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
        return drop_pkt(sink, ctr, pkt, Drop::SrcMacInvalid);
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

#[cfg(test)]
mod tests;
