//! `burst`: arbitrary frames on every port kind (access, trunk, underlay,
//! an unknown port) through the bridge's burst loop, as a worker runs it.
//!
//! Three bridges share one view and take the same bursts:
//! * A: `process_burst`, the fast paths included;
//! * B: the same stages with every fast path left out; A and B must send
//!   the same frames the same way and end with the same counters and MAC
//!   table;
//! * C: `process_burst` on a 4-entry MAC table, with copies that fail
//!   (`clone_with_header` returning `None`) where the input says.
//!
//! On each, every run checks the Sink contract: every frame and every copy
//! reaches the sink exactly once (a packet dropped on the floor is a
//! leak), drops are counted before `Sink::drop`, a frame that entered no
//! bridge domain made no copy and died for a reason that comes before
//! one, what goes out is well formed for its port (tags, MTU, outer
//! headers), the counters add up to the frames and copies the sink saw,
//! and the MAC table keeps its invariants and holds only what learning
//! may put there.
//!
//! Input layout ([`crate::Input`]): `[knobs][places u16][copy-fail
//! mask u32]`, then bursts `[port][count]` of frames
//! `[kind][wrap?][opts?][len u16][bytes]`; see [`Frame::read`]. A frame of
//! kind 0 is its bytes as they are: a real frame makes a seed.

use crate::Input;
use dataplane::bridge::fuzzing::process_burst_full;
use dataplane::bridge::{
    process_burst, BridgeConfig, Counters, DropReason, Egress, Fdb, Flood, PortConf, PortMode,
    Sink, Underlay, View, VlanConf,
};
use dataplane::mactable::{Dest, Mac48, MacTable, Memo};
use dataplane::{Packet, VecPacket};
use std::cell::RefCell;
use std::net::Ipv4Addr;
use std::rc::Rc;
use wire::ethernet::{self, ethertype};
use wire::{Mac, VxlanOuter};

pub const UL: u16 = 9;
/// A port id no configuration has.
pub const UNKNOWN_PORT: u16 = 6;
pub const ROUTER: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]);
pub const UL_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);
pub const GW_MAC: Mac = Mac([0x00, 0x00, 0x5e, 0x00, 0x01, 0x01]);
pub const PEER_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0xf2, 0xb6, 0xe0]);
pub const OUR_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
pub const GW_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 1);
pub const PEER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 5);
pub const FAR_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 9);
pub const UNRES_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 77);
pub const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);
pub const UDP_PORT: u16 = 4789;

const fn host(b: u8) -> Mac {
    Mac([0x00, 0x50, 0x56, 0, 0, b])
}
pub const H1: Mac = host(1);
pub const H3: Mac = host(3);
pub const H4: Mac = host(4);
pub const H5: Mac = host(5);
pub const H8: Mac = host(8);
/// Behind the trunks.
pub const HT: Mac = host(0x22);
/// Behind the peer VTEP.
pub const H2: Mac = host(0x99);
pub const FAR_HOST: Mac = host(0x77);
pub const UNRES_HOST: Mac = host(0x78);
pub const FRESH: Mac = host(0xf0);
pub const GROUP_MAC: Mac = Mac([0x01, 0x00, 0x5e, 0x01, 0x01, 0x64]);

/// The ports a burst's `[port]` byte picks from (low 4 bits).
pub const PORTS: [u16; 16] = [
    1,
    2,
    3,
    4,
    5,
    7,
    8,
    UL,
    UL,
    UL,
    UNKNOWN_PORT,
    2,
    1,
    UL,
    7,
    4,
];

/// Destination MACs a frame's kind may write (index 1..=15; 0 keeps).
const DSTS: [Mac; 16] = [
    Mac::ZERO,
    Mac::BROADCAST,
    H1,
    H4,
    HT,
    H2,
    FAR_HOST,
    UNRES_HOST,
    H3,
    ROUTER,
    GROUP_MAC,
    Mac::LLDP_NEAREST_BRIDGE,
    Mac([0x01, 0x80, 0xc2, 0, 0, 0x02]),
    UL_MAC,
    Mac([0x02, 0, 0, 0, 0, 1]),
    FRESH,
];

/// MAC table entries a run may start with (bit i of `[places]`); bit 15
/// makes them static.
const PLACES: [(u16, Mac, Dest); 15] = [
    (100, H1, Dest::Port(1)),
    (100, H4, Dest::Port(4)),
    (100, HT, Dest::Port(2)),
    (10, HT, Dest::Port(2)),
    (100, H2, Dest::Vtep(u32::from_be_bytes(PEER_IP.octets()))),
    (10, H2, Dest::Vtep(u32::from_be_bytes(PEER_IP.octets()))),
    (
        100,
        FAR_HOST,
        Dest::Vtep(u32::from_be_bytes(FAR_IP.octets())),
    ),
    (
        10,
        FAR_HOST,
        Dest::Vtep(u32::from_be_bytes(FAR_IP.octets())),
    ),
    (
        100,
        UNRES_HOST,
        Dest::Vtep(u32::from_be_bytes(UNRES_IP.octets())),
    ),
    (10, H3, Dest::Port(3)),
    (300, H5, Dest::Port(5)),
    // A stale entry: port 5 is not in VLAN 100 (flooded instead).
    (100, FRESH, Dest::Port(5)),
    // Our own MAC claimed by a host: still punted.
    (100, ROUTER, Dest::Port(1)),
    // A group MAC, should one get in: still flooded.
    (100, GROUP_MAC, Dest::Port(4)),
    (400, H8, Dest::Port(8)),
];

fn port(id: u16, mode: PortMode, mtu: u16) -> PortConf {
    PortConf {
        port_id: id,
        name: format!("p{id}"),
        mode,
        mac: Mac([0x02, 0, 0, 0, 0, id as u8]),
        mtu,
    }
}

fn vlan(id: u16, vni: Option<u32>, flood: Flood, inner: bool) -> VlanConf {
    VlanConf {
        vlan_id: id,
        name: format!("v{id}"),
        vni,
        flood,
        encap_inner_vlan: inner,
        decap_accept_inner_vlan: inner,
        irb: None,
    }
}

/// The bridge of the unit tests (ports 1, 4 access 100; 2 trunk 10, 100,
/// 300; 3 access 10; 5 access 300; 7 trunk 100; 8 access 400, a
/// local-only VLAN; 9 the underlay), varied by the bits of `k`: inner tags
/// on VLAN 100 / off on VLAN 10, static flooding on VLAN 100, no gateway,
/// the peer unresolved, a 1500-byte underlay, an IRB on VLAN 10, and no
/// underlay at all.
pub fn bridge_config(k: u8) -> BridgeConfig {
    let bit = |i: u8| k >> i & 1 == 1;
    let mut ports = vec![
        port(1, PortMode::Access(100), 9000),
        port(2, PortMode::Trunk(vec![10, 100, 300]), 9000),
        port(3, PortMode::Access(10), 1500),
        port(4, PortMode::Access(100), 9000),
        port(5, PortMode::Access(300), 1500),
        port(7, PortMode::Trunk(vec![100]), 9000),
        port(8, PortMode::Access(400), 1500),
    ];
    let ul_mtu = if bit(5) { 1500 } else { 9050 };
    let underlay = (!bit(7)).then(|| Underlay {
        port_id: UL,
        ip: OUR_IP,
        prefix: 24,
        mac: UL_MAC,
        mtu: ul_mtu,
        gateway: (!bit(3)).then_some(GW_IP),
        udp_port: UDP_PORT,
        ttl: 64,
    });
    if underlay.is_some() {
        ports.push(PortConf {
            mac: UL_MAC,
            ..port(UL, PortMode::Underlay, ul_mtu)
        });
    }
    let flood100 = if bit(2) {
        Flood::Static(vec![PEER_IP, FAR_IP, UNRES_IP])
    } else {
        Flood::Group(GROUP)
    };
    let mut v100 = vlan(100, Some(100), flood100, bit(0));
    v100.irb = Some((Ipv4Addr::new(100, 1, 1, 1), 24));
    let mut v10 = vlan(10, Some(10), Flood::Static(vec![PEER_IP, FAR_IP]), !bit(1));
    if bit(6) {
        v10.irb = Some((Ipv4Addr::new(100, 10, 1, 1), 24));
    }
    let mut neighbors = vec![(GW_IP, GW_MAC)];
    if !bit(4) {
        neighbors.push((PEER_IP, PEER_MAC));
    }
    BridgeConfig {
        ports,
        vlans: vec![v100, v10, vlan(300, None, Flood::Static(vec![]), false)],
        underlay,
        router_mac: ROUTER,
        neighbors,
    }
}

/// The bridge domains of [`bridge_config`], declared or local-only.
const DOMAINS: [u16; 4] = [10, 100, 300, 400];

/// One frame of a burst, as the bridge gets it.
#[derive(Clone, Debug)]
pub struct Frame {
    pub data: Vec<u8>,
    pub headroom: usize,
}

/// Pad sizes a frame's opts may ask for (0: none).
const PADS: [usize; 8] = [0, 60, 1514, 1518, 1550, 9014, 9018, 9064];

impl Frame {
    /// `[kind][wrap if kind & 0x40][opts if kind & 0x80][len u16][bytes]`.
    /// kind: bits 0-3 a destination MAC from [`DSTS`] (0 keeps), bits 4-5
    /// a source (0 keeps; 1 the RX port's own host, 2 the peer's host, 3 a
    /// new one); 0x40: wrap in VXLAN (wrap: bits 0-2 the outer source
    /// address, bit 3 to the group, bits 4-6 the VNI, bit 7 another UDP
    /// port); 0x80: opts (bits 0-2 pad to a size, bit 7 a headroom of
    /// `(opts >> 3 & 15) * 8` bytes instead of 128).
    fn read(inp: &mut Input, rx_port: u16) -> Frame {
        let kind = inp.u8();
        let wrap = if kind & 0x40 != 0 {
            Some(inp.u8())
        } else {
            None
        };
        let opts = if kind & 0x80 != 0 { inp.u8() } else { 0 };
        let mut data = inp.chunk().to_vec();
        if data.len() >= 12 {
            let d = usize::from(kind & 0x0f);
            if d != 0 {
                data[..6].copy_from_slice(&DSTS[d].0);
            }
            let src = match kind >> 4 & 3 {
                0 => None,
                1 => Some(home(rx_port)),
                2 => Some(H2),
                _ => Some(FRESH),
            };
            if let Some(s) = src {
                data[6..12].copy_from_slice(&s.0);
            }
        }
        let pad = PADS[usize::from(opts & 7)];
        if data.len() < pad {
            data.resize(pad, 0);
        }
        if let Some(w) = wrap {
            let src_ip = [
                PEER_IP,
                FAR_IP,
                Ipv4Addr::new(192, 168, 24, 6),
                OUR_IP,
                Ipv4Addr::new(224, 0, 0, 5),
                Ipv4Addr::UNSPECIFIED,
                Ipv4Addr::BROADCAST,
                PEER_IP,
            ][usize::from(w & 7)];
            let outer = VxlanOuter {
                src_mac: PEER_MAC,
                dst_mac: UL_MAC,
                src_ip,
                dst_ip: if w & 8 != 0 { GROUP } else { OUR_IP },
                ttl: 64,
                src_port: 50000,
                dst_port: if w & 0x80 != 0 { 4790 } else { UDP_PORT },
                vni: [100, 100, 10, 10, 300, 999, 0, 100][usize::from(w >> 4 & 7)],
            };
            data = outer.encap(&data);
        }
        let headroom = if opts & 0x80 != 0 {
            usize::from(opts >> 3 & 15) * 8
        } else {
            dataplane::vecpkt::HEADROOM
        };
        Frame { data, headroom }
    }
}

/// The host that lives behind a port (the source of its own frames).
fn home(port: u16) -> Mac {
    match port {
        1 => H1,
        2 | 7 => HT,
        3 => H3,
        4 => H4,
        5 => H5,
        8 => H8,
        _ => H2,
    }
}

/// A run: the knobs, the starting table, which copies fail, the bursts.
#[derive(Clone, Debug)]
pub struct Run {
    pub knobs: u8,
    pub places: u16,
    pub fail: u32,
    /// (RX port, clock step before it, frames).
    pub bursts: Vec<(u16, u32, Vec<Frame>)>,
}

/// At most this many bursts a run, and 8 frames a burst.
const MAX_BURSTS: usize = 16;

impl Run {
    pub fn read(data: &[u8]) -> Run {
        let mut inp = Input::new(data);
        let knobs = inp.u8();
        let places = inp.u16();
        let fail = inp.u32();
        let mut bursts = Vec::new();
        while !inp.is_empty() && bursts.len() < MAX_BURSTS {
            let b = inp.u8();
            let n = usize::from(inp.u8() & 7) + 1;
            let rx = PORTS[usize::from(b & 15)];
            let frames = (0..n).map(|_| Frame::read(&mut inp, rx)).collect();
            bursts.push((rx, u32::from(b >> 4 & 1), frames));
        }
        Run {
            knobs,
            places,
            fail,
            bursts,
        }
    }
}

/// The fuzz target.
pub fn run(data: &[u8]) {
    check(&Run::read(data));
}

/// What happened to one packet (a received frame or a copy).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fate {
    Tx(u16),
    Punt,
    Drop(DropReason),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Event {
    /// The burst's frame it came from.
    frame: usize,
    copy: bool,
    fate: Fate,
    data: Vec<u8>,
}

/// Every packet of a burst: which frame it belongs to, which were
/// dropped on the floor, and the copies that could not be made.
#[derive(Default)]
struct Ledger {
    /// Per packet id: (frame, is a copy).
    made: Vec<(usize, bool)>,
    current: usize,
    leaked: Vec<usize>,
    /// Bit i: the i-th copy of the run fails.
    fail: u32,
    clone_calls: u32,
    failed: u64,
}

type Shared = Rc<RefCell<Ledger>>;

/// A [`VecPacket`] that knows its id and tells the ledger when it is
/// dropped without reaching the sink.
struct Tracked {
    p: VecPacket,
    id: usize,
    led: Shared,
    done: bool,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if !self.done {
            self.led.borrow_mut().leaked.push(self.id);
        }
    }
}

impl Packet for Tracked {
    fn data(&self) -> &[u8] {
        self.p.data()
    }
    fn data_mut(&mut self) -> &mut [u8] {
        self.p.data_mut()
    }
    fn pkt_len(&self) -> usize {
        self.p.pkt_len()
    }
    fn prepend(&mut self, n: usize) -> Option<&mut [u8]> {
        self.p.prepend(n)
    }
    fn adj(&mut self, n: usize) -> bool {
        self.p.adj(n)
    }
    fn clone_with_header(&self, offset: usize, hdr_len: usize) -> Option<Self> {
        let mut l = self.led.borrow_mut();
        let call = l.clone_calls;
        l.clone_calls += 1;
        let inject = call < 32 && l.fail >> call & 1 == 1;
        let c = if inject {
            None
        } else {
            self.p.clone_with_header(offset, hdr_len)
        };
        let Some(p) = c else {
            l.failed += 1;
            return None;
        };
        let id = l.made.len();
        let frame = l.current;
        l.made.push((frame, true));
        Some(Tracked {
            p,
            id,
            led: self.led.clone(),
            done: false,
        })
    }
}

struct TrackSink<'c> {
    led: Shared,
    ctr: &'c Counters,
    events: Vec<Event>,
    drops: [u64; DropReason::COUNT],
}

impl TrackSink<'_> {
    fn record(&mut self, mut pkt: Tracked, fate: Fate) {
        pkt.done = true;
        let (frame, copy) = self.led.borrow().made[pkt.id];
        self.events.push(Event {
            frame,
            copy,
            fate,
            data: pkt.data().to_vec(),
        });
    }
}

impl Sink<Tracked> for TrackSink<'_> {
    fn tx(&mut self, port: u16, pkt: Tracked) {
        self.record(pkt, Fate::Tx(port))
    }
    fn punt(&mut self, pkt: Tracked) {
        self.record(pkt, Fate::Punt)
    }
    fn drop(&mut self, pkt: Tracked, why: DropReason) {
        self.drops[why as usize] += 1;
        assert!(
            self.ctr.drop_count(why) >= self.drops[why as usize],
            "{} handed to the sink before it was counted",
            why.name()
        );
        self.record(pkt, Fate::Drop(why))
    }
}

/// Reasons a frame dies for before it enters a bridge domain (nothing
/// counted in a VLAN, no copy made).
fn before_domain(why: DropReason) -> bool {
    use DropReason::*;
    matches!(
        why,
        Runt | UnknownPort
            | NoVlan
            | VlanNotMember
            | LinkLocal
            | IpBadHeader
            | IpBadChecksum
            | IpFragment
            | UdpBadLen
            | VxlanNoIFlag
            | VxlanUnknownVni
            | VxlanInnerVlan
            | VxlanNotForUs
            | VxlanOwnSource
            | NotIpv4Underlay
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    Fast,
    Full,
}

/// One bridge of the run: its table, memo, counters and everything its
/// sink saw.
struct Bridge {
    macs: MacTable,
    memo: Memo,
    ctr: Counters,
    path: Path,
    fail: u32,
    /// Sink calls so far: tx, punt.
    sent: u64,
    punted: u64,
    sink_drops: [u64; DropReason::COUNT],
    failed_copies: u64,
    entered: u64,
}

impl Bridge {
    fn new(capacity: usize, path: Path, fail: u32) -> Bridge {
        Bridge {
            macs: MacTable::new(capacity),
            memo: Memo::default(),
            ctr: Counters::new(),
            path,
            fail,
            sent: 0,
            punted: 0,
            sink_drops: [0; DropReason::COUNT],
            failed_copies: 0,
            entered: 0,
        }
    }

    fn place(&self, places: u16, now: u32) {
        for (i, (vl, mac, dest)) in PLACES.iter().enumerate() {
            if places >> i & 1 == 0 {
                continue;
            }
            if places & 0x8000 != 0 {
                let _ = self.macs.insert_static(*vl, mac, *dest);
            } else {
                self.macs.learn(*vl, mac, *dest, now);
            }
        }
    }

    /// One burst, then the per-frame checks. Returns the burst's events.
    fn burst(
        &mut self,
        view: &View,
        ul: Option<&Underlay>,
        rx: u16,
        now: u32,
        frames: &[Frame],
    ) -> Vec<Event> {
        let led: Shared = Rc::new(RefCell::new(Ledger {
            fail: self.fail,
            ..Ledger::default()
        }));
        let ctr = &self.ctr;
        let mut sink = TrackSink {
            led: led.clone(),
            ctr,
            events: Vec::new(),
            drops: self.sink_drops,
        };
        let mut marks: Vec<u64> = Vec::with_capacity(frames.len() + 1);
        {
            let mut fdb = Fdb::new(&self.macs, &mut self.memo, now);
            let input = view.input(rx);
            let pkts = frames.iter().enumerate().map(|(i, f)| {
                marks.push(domain_rx(ctr));
                let mut l = led.borrow_mut();
                l.current = i;
                let id = l.made.len();
                l.made.push((i, false));
                Tracked {
                    p: VecPacket::with_headroom(&f.data, f.headroom),
                    id,
                    led: led.clone(),
                    done: false,
                }
            });
            match self.path {
                Path::Fast => process_burst(view, &mut fdb, input, pkts, &mut sink, ctr),
                Path::Full => process_burst_full(view, &mut fdb, input, pkts, &mut sink, ctr),
            }
        }
        marks.push(domain_rx(ctr));
        let l = led.borrow();
        assert!(
            l.leaked.is_empty(),
            "packets {:?} never reached the sink",
            l.leaked
        );
        assert_eq!(sink.events.len(), l.made.len(), "packets and sink calls");
        self.fail = if l.clone_calls >= 32 {
            0
        } else {
            self.fail >> l.clone_calls
        };
        self.failed_copies += l.failed;
        self.sink_drops = sink.drops;
        for (i, f) in frames.iter().enumerate() {
            let entered = marks[i + 1] - marks[i];
            assert!(entered <= 1, "frame {i} counted {entered} times in rx");
            self.entered += entered;
            let mine: Vec<&Event> = sink.events.iter().filter(|e| e.frame == i).collect();
            let orig: Vec<&&Event> = mine.iter().filter(|e| !e.copy).collect();
            assert_eq!(orig.len(), 1, "frame {i} left {} times", orig.len());
            let o = orig[0];
            if entered == 0 {
                assert_eq!(
                    mine.len(),
                    1,
                    "frame {i}: copies of a frame in no bridge domain"
                );
                match o.fate {
                    Fate::Punt => {
                        let lldp = ethernet_type(&f.data) == Some(ethertype::LLDP);
                        assert!(
                            o.data == f.data && (Some(rx) == ul.map(|u| u.port_id) || lldp),
                            "frame {i}: punted outside a bridge domain but not as received"
                        );
                    }
                    Fate::Drop(why) => assert!(
                        before_domain(why),
                        "frame {i}: {} before entering a bridge domain",
                        why.name()
                    ),
                    Fate::Tx(p) => panic!("frame {i}: sent to {p} without entering a VLAN"),
                }
            } else {
                match o.fate {
                    Fate::Drop(why) => assert!(
                        !before_domain(why),
                        "frame {i}: {} after entering a bridge domain",
                        why.name()
                    ),
                    Fate::Punt => assert_eq!(
                        ethernet_type(&o.data),
                        Some(ethertype::VLAN),
                        "frame {i}: punted from a bridge domain without its tag"
                    ),
                    Fate::Tx(_) => {}
                }
            }
            for e in mine {
                check_out(view, ul, rx, e);
            }
        }
        sink.events
    }

    /// The counters against what the sink saw, the table's invariants.
    fn check_totals(&self, view: &View, placed: &[(u16, Mac, Dest)]) {
        let c = &self.ctr;
        assert_eq!(c.punts.get(), self.punted, "punts counted / punted");
        // Only the bridge domains: a count anywhere else leaves these short.
        let (mut rx, mut out) = (0, 0);
        for vl in DOMAINS {
            let v = c.vlan(vl);
            rx += v.rx.get();
            out += v.tx.get() + v.encap.get();
        }
        assert_eq!(rx, self.entered, "rx counted / frames that entered a VLAN");
        assert_eq!(out, self.sent, "tx + encap counted / sent");
        for d in DropReason::ALL {
            let (n, seen) = (c.drop_count(*d), self.sink_drops[*d as usize]);
            match d {
                // Copies that were never made count only here.
                DropReason::TooBig | DropReason::UnresolvedVtep => {
                    assert!(n >= seen, "{}: {n} counted, {seen} dropped", d.name())
                }
                DropReason::NoMbuf => assert_eq!(
                    n,
                    seen + self.failed_copies,
                    "no-mbuf counted / failed copies"
                ),
                _ => assert_eq!(n, seen, "{}: counted / dropped", d.name()),
            }
        }
        self.macs.check_invariants();
        assert!(self.macs.len() <= self.macs.capacity());
        let our = u32::from(OUR_IP);
        self.macs.for_each(|vl, mac, e| {
            if placed.contains(&(vl, mac, e.dest)) {
                return;
            }
            assert!(!e.is_static, "a static entry no one made");
            assert!(
                DOMAINS.contains(&vl),
                "learned {mac:02x?} in VLAN {vl}, no bridge domain"
            );
            assert!(
                Mac48::from(mac).is_valid_source(),
                "learned {mac:02x?}, not a valid source"
            );
            match e.dest {
                Dest::Port(p) => {
                    let pv = view.port(p).expect("learned on a known port");
                    assert!(!pv.underlay, "learned behind the underlay port");
                    assert_ne!(
                        pv.egress(vl),
                        Egress::NotMember,
                        "port {p} not in VLAN {vl}"
                    );
                }
                Dest::Vtep(ip) => {
                    let a = Ipv4Addr::from(ip);
                    assert!(
                        ip != our && !a.is_multicast() && !a.is_unspecified() && !a.is_broadcast(),
                        "learned behind VTEP {a}"
                    );
                }
            }
        });
    }

    fn table(&self) -> Vec<(u16, Mac, Dest, bool, u32)> {
        let mut t = Vec::new();
        self.macs
            .for_each(|vl, m, e| t.push((vl, m, e.dest, e.is_static, e.last_seen)));
        t.sort_by_key(|(vl, m, ..)| (*vl, m.0));
        t
    }

    /// Every counter of the bridge domains, and the drops and punts.
    fn counters(&self) -> Vec<u64> {
        let c = &self.ctr;
        let mut out = vec![c.punts.get()];
        for vl in DOMAINS {
            let v = c.vlan(vl);
            let t = &c.too_big[usize::from(vl)];
            out.extend(
                [
                    &v.rx,
                    &v.tx,
                    &v.encap,
                    &v.decap,
                    &v.flood,
                    &v.learned,
                    &v.moved,
                    &v.learn_failed,
                    &t.encap,
                    &t.local,
                ]
                .map(|x| x.get()),
            );
        }
        out.extend(DropReason::ALL.iter().map(|d| c.drop_count(*d)));
        out
    }
}

/// Frames counted in the bridge domains' rx.
fn domain_rx(c: &Counters) -> u64 {
    DOMAINS.iter().map(|v| c.vlan(*v).rx.get()).sum()
}

fn ethernet_type(d: &[u8]) -> Option<u16> {
    (d.len() >= ethernet::HEADER_LEN).then(|| ethernet::ethertype_of(d))
}

/// What leaves is well formed for where it goes.
fn check_out(view: &View, ul: Option<&Underlay>, rx: u16, e: &Event) {
    let d = &e.data;
    match e.fate {
        Fate::Drop(_) => {}
        Fate::Punt => {
            if e.copy {
                assert_eq!(
                    ethernet_type(d),
                    Some(ethertype::VLAN),
                    "a punt copy untagged"
                );
            }
            if e.copy || ethernet_type(d) == Some(ethertype::VLAN) {
                let vid = ethernet::tci_vid(ethernet::tci_of(d));
                assert!(DOMAINS.contains(&vid), "punted with VID {vid}");
            }
        }
        Fate::Tx(p) => {
            assert_ne!(p, rx, "sent back out of its RX port");
            let pv = view.port(p).expect("sent to a known port");
            if pv.underlay {
                let u = ul.expect("the underlay port has an underlay");
                assert_ne!(Some(rx), Some(u.port_id), "from the tunnel back into it");
                let (o, inner) = VxlanOuter::parse(d).expect("a well-formed VXLAN packet");
                assert_eq!((o.src_mac, o.src_ip), (UL_MAC, OUR_IP), "outer source");
                assert_eq!((o.dst_port, o.ttl), (UDP_PORT, 64));
                assert!(
                    o.dst_mac == GW_MAC || o.dst_mac == PEER_MAC || o.dst_mac.is_multicast(),
                    "outer destination {:02x?}",
                    o.dst_mac
                );
                assert!(
                    d.len() - ethernet::HEADER_LEN <= usize::from(u.mtu),
                    "over the MTU"
                );
                assert!(inner.len() >= ethernet::HEADER_LEN, "inner runt");
                let vl = view.vlan_for_vni(o.vni).expect("a configured VNI");
                let v = view.vlan(vl).expect("its VLAN");
                if v.encap_inner_vlan {
                    assert_eq!(ethernet_type(inner), Some(ethertype::VLAN), "inner tag");
                    assert_eq!(ethernet::tci_vid(ethernet::tci_of(inner)), vl, "inner VID");
                }
            } else {
                assert!(d.len() >= ethernet::HEADER_LEN, "runt sent");
                let tagged = trunk_vlans(p).is_some();
                let max = usize::from(port_mtu(p)) + ethernet::HEADER_LEN + 4 * tagged as usize;
                assert!(d.len() <= max, "{} bytes to port {p}", d.len());
                if let Some(vlans) = trunk_vlans(p) {
                    assert_eq!(
                        ethernet_type(d),
                        Some(ethertype::VLAN),
                        "untagged on a trunk"
                    );
                    let vid = ethernet::tci_vid(ethernet::tci_of(d));
                    assert!(vlans.contains(&vid), "VID {vid} on trunk {p}");
                }
            }
        }
    }
}

fn trunk_vlans(p: u16) -> Option<&'static [u16]> {
    match p {
        2 => Some(&[10, 100, 300]),
        7 => Some(&[100]),
        _ => None,
    }
}

fn port_mtu(p: u16) -> u16 {
    match p {
        3 | 5 | 8 => 1500,
        _ => 9000,
    }
}

/// Runs `r` on the three bridges and checks everything above.
pub fn check(r: &Run) {
    let cfg = bridge_config(r.knobs);
    let view = View::new(&cfg);
    let placed: Vec<(u16, Mac, Dest)> = PLACES
        .iter()
        .enumerate()
        .filter(|(i, _)| r.places >> i & 1 == 1)
        .map(|(_, p)| *p)
        .collect();
    let mut bridges = [
        Bridge::new(1024, Path::Fast, 0),
        Bridge::new(1024, Path::Full, 0),
        Bridge::new(4, Path::Fast, r.fail),
    ];
    let mut now = 1;
    for b in &bridges {
        b.place(r.places, now);
    }
    for (round, (rx, step, frames)) in r.bursts.iter().enumerate() {
        now += step;
        let mut outs = Vec::new();
        for b in &mut bridges {
            let ev = b.burst(&view, cfg.underlay.as_ref(), *rx, now, frames);
            b.sent += ev.iter().filter(|e| matches!(e.fate, Fate::Tx(_))).count() as u64;
            b.punted += ev.iter().filter(|e| e.fate == Fate::Punt).count() as u64;
            outs.push(ev);
        }
        assert_eq!(
            outs[0], outs[1],
            "burst {round}: the fast paths sent otherwise"
        );
        assert_eq!(
            bridges[0].counters(),
            bridges[1].counters(),
            "burst {round}: the fast paths counted otherwise"
        );
        assert_eq!(
            bridges[0].table(),
            bridges[1].table(),
            "burst {round}: the fast paths learned otherwise"
        );
    }
    for b in &bridges {
        b.check_totals(&view, &placed);
    }
}

/// Writes a run in the layout [`Run::read`] reads, every frame of kind 0
/// (as it is): for the seed corpus.
pub fn write_run(knobs: u8, places: u16, fail: u32, bursts: &[(u8, &[Vec<u8>])]) -> Vec<u8> {
    let mut out = vec![knobs];
    out.extend_from_slice(&places.to_be_bytes());
    out.extend_from_slice(&fail.to_be_bytes());
    for (b, frames) in bursts {
        assert!(!frames.is_empty() && frames.len() <= 8);
        out.push(*b);
        out.push(frames.len() as u8 - 1);
        for f in frames.iter() {
            out.push(0);
            crate::chunk(&mut out, f);
        }
    }
    out
}
