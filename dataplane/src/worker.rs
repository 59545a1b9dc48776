//! The poll-mode worker loop: one per worker lcore, in the shape of DPDK's
//! l2fwd: burst RX from each owned queue, handle every frame, burst TX,
//! free what the device refused. No lock, allocation, syscall or log line
//! inside the loop; counters are single-writer.

use crate::bridge::{self, Counters, DropReason, Sink, View};
use crate::dpdk::{self, Burst, Mbuf, Mempool, MAX_BURST};
use crate::mactable::{MacTable, Memo};
use crate::Counter;
use crossbeam::atomic::AtomicCell;
use crossbeam::queue::ArrayQueue;
use crossbeam::utils::CachePadded;
use std::net::Ipv4Addr;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wire::ethernet::{self, ethertype};
use wire::ipv4::{self, protocol as ip_proto};
use wire::{udp, EthernetFrame, Ipv4Packet, Mac, UdpPacket};

/// Forwarding modes, with testpmd's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Port pairs 0↔1, 2↔3, … untouched.
    Io,
    /// As io, with the source MAC set to the TX port's MAC.
    Mac,
    /// Receive and free.
    RxOnly,
    /// Generate IPv4/UDP frames.
    TxOnly,
    /// The VXLAN L2 gateway: bridging, learning, encap/decap.
    Vxlan,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Io => "io",
            Mode::Mac => "mac",
            Mode::RxOnly => "rxonly",
            Mode::TxOnly => "txonly",
            Mode::Vxlan => "vxlan",
        }
    }
}

/// One RX queue polled by a worker and where its frames go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stream {
    pub rx_port: u16,
    pub rx_queue: u16,
    pub tx_port: u16,
    pub tx_queue: u16,
}

/// Counters of one RX queue (written by its owning worker only).
#[derive(Default, Debug)]
pub struct RxqStats {
    pub packets: Counter,
    pub bytes: Counter,
    /// Frames longer than --max-pkt-len (or chained without --enable-scatter), dropped.
    pub oversize: Counter,
}

/// Counters of one TX queue (written by its owning worker only).
#[derive(Default, Debug)]
pub struct TxqStats {
    pub packets: Counter,
    pub bytes: Counter,
    /// Frames the device refused (ring full) and we freed.
    pub dropped: Counter,
}

/// Per-port software counters, one cache line per queue so workers never
/// share a line.
#[derive(Debug)]
pub struct PortStats {
    pub rxq: Vec<CachePadded<RxqStats>>,
    pub txq: Vec<CachePadded<TxqStats>>,
}

impl PortStats {
    pub fn new(rxq: u16, txq: u16) -> Self {
        PortStats {
            rxq: (0..rxq)
                .map(|_| CachePadded::new(RxqStats::default()))
                .collect(),
            txq: (0..txq)
                .map(|_| CachePadded::new(TxqStats::default()))
                .collect(),
        }
    }
}

/// Flags the control thread flips; workers read them once per loop.
#[derive(Debug)]
pub struct Control {
    /// False: leave the loop and drain.
    pub running: AtomicBool,
    /// False: poll nothing (testpmd's `stop`), still serve inject rings.
    pub forwarding: AtomicBool,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            running: AtomicBool::new(true),
            forwarding: AtomicBool::new(true),
        }
    }
}

/// Frames the control thread hands to the worker owning a port's TX queue
/// (devices with no spare TX queue for the control thread).
pub type InjectRing = ArrayQueue<Mbuf>;

/// The txonly generator's frame.
#[derive(Clone, Debug)]
pub struct TxOnly {
    /// Whole frame length (no FCS), like testpmd's --txpkts.
    pub len: u16,
    /// The frame's first bytes (Ethernet + IPv4 + UDP).
    pub header: Vec<u8>,
}

/// Hands a new forwarding [`View`] to one worker without locks (RCU
/// style): the control thread publishes, the worker picks it up between
/// bursts and returns the old one, which the control thread frees, so a
/// view is freed only once no worker can see it.
#[derive(Default)]
pub struct ViewMailbox {
    generation: AtomicU64,
    slot: AtomicCell<Option<Arc<View>>>,
    retired: AtomicCell<Option<Arc<View>>>,
}

impl ViewMailbox {
    /// Control thread: offer `v`; drops an offer the worker never took.
    pub fn publish(&self, v: Arc<View>) {
        drop(self.slot.swap(Some(v)));
        self.generation.fetch_add(1, Ordering::Release);
    }
    /// Control thread: the view the worker gave back, to be freed here.
    pub fn reap(&self) -> Option<Arc<View>> {
        self.retired.take()
    }
    /// Worker: the published generation (one relaxed load per loop).
    #[inline(always)]
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

/// What a worker in vxlan mode shares with the control thread.
pub struct VxlanCtx {
    pub mailbox: Arc<ViewMailbox>,
    pub macs: Arc<MacTable>,
    pub counters: Arc<Counters>,
    /// Frames for the control thread, tagged with their RX port.
    pub punt: Arc<ArrayQueue<(u16, Mbuf)>>,
    /// The TX queue this worker owns on every port.
    pub tx_queue: u16,
    pub nb_ports: u16,
}

/// Frames waiting for one port's TX queue (vxlan mode) and their bytes.
#[derive(Default)]
struct TxQ {
    pkts: Burst,
    bytes: u64,
}

/// The worker's [`Sink`]: buffers per port, punts to the control ring.
struct WorkerSink<'a> {
    bufs: &'a mut [TxQ],
    burst: usize,
    rx_port: u16,
    punt: &'a ArrayQueue<(u16, Mbuf)>,
    ctr: &'a Counters,
    worker: &'a Worker,
    tx_queue: u16,
}

impl Sink<Mbuf> for WorkerSink<'_> {
    #[inline(always)]
    fn tx(&mut self, port: u16, pkt: Mbuf) {
        let Some(b) = tx_buffer(self.bufs, port, self.ctr) else {
            return drop(pkt);
        };
        b.bytes += crate::Packet::pkt_len(&pkt) as u64;
        // Flushed at `burst`, so never full here; counted if it were.
        if let Err(m) = b.pkts.push(pkt) {
            self.ctr.drop(DropReason::TxQueueFull);
            drop(m);
        }
        if b.pkts.len() >= self.burst {
            self.worker.flush(port, self.tx_queue, b, self.ctr);
        }
    }
    #[inline(always)]
    fn punt(&mut self, pkt: Mbuf) {
        if let Err((_, m)) = self.punt.push((self.rx_port, pkt)) {
            self.ctr.drop(DropReason::PuntQueueFull);
            drop(m);
        }
    }
    #[inline(always)]
    fn drop(&mut self, pkt: Mbuf, _why: DropReason) {
        drop(pkt);
    }
}

/// The TX buffer of `port`; `None`, counted `tx-unknown-port`, for a port
/// this worker has none for (the caller frees the frame).
#[inline(always)]
fn tx_buffer<'b>(bufs: &'b mut [TxQ], port: u16, ctr: &Counters) -> Option<&'b mut TxQ> {
    let b = bufs.get_mut(usize::from(port));
    if b.is_none() {
        ctr.drop(DropReason::TxUnknownPort);
    }
    b
}

/// Where txonly puts its latency probe: right after Ethernet/IPv4/UDP.
pub const PROBE_OFFSET: usize = 42;
const PROBE_MAGIC: [u8; 4] = *b"vtep";
/// 1 µs buckets; the last one holds everything slower.
pub const LATENCY_BUCKETS: usize = 1000;

/// One-way latency seen by rxonly from txonly's timestamps (same host,
/// same TSC: two ports cabled back to back with vtep in the middle).
/// Single writer: the rxonly worker.
pub struct Latency {
    pub samples: Counter,
    pub sum_ns: Counter,
    pub min_ns: Counter,
    pub max_ns: Counter,
    pub hist: Box<[Counter]>,
}

impl Default for Latency {
    fn default() -> Self {
        let l = Latency {
            samples: Counter::default(),
            sum_ns: Counter::default(),
            min_ns: Counter::default(),
            max_ns: Counter::default(),
            hist: (0..LATENCY_BUCKETS).map(|_| Counter::default()).collect(),
        };
        l.min_ns.set(u64::MAX);
        l
    }
}

impl Latency {
    #[inline]
    fn record(&self, ns: u64) {
        self.samples.inc();
        self.sum_ns.add(ns);
        if ns < self.min_ns.get() {
            self.min_ns.set(ns);
        }
        if ns > self.max_ns.get() {
            self.max_ns.set(ns);
        }
        self.hist[((ns / 1000) as usize).min(LATENCY_BUCKETS - 1)].inc();
    }

    /// (samples, min, avg, p99, max) in ns over several workers; p99 to
    /// the microsecond.
    pub fn summary(all: &[Arc<Latency>]) -> Option<(u64, u64, u64, u64, u64)> {
        let n: u64 = all.iter().map(|l| l.samples.get()).sum();
        if n == 0 {
            return None;
        }
        let sum: u64 = all.iter().map(|l| l.sum_ns.get()).sum();
        let min = all.iter().map(|l| l.min_ns.get()).min().unwrap_or(0);
        let max = all.iter().map(|l| l.max_ns.get()).max().unwrap_or(0);
        let want = n - n / 100;
        let mut acc = 0;
        let mut p99 = max;
        for b in 0..LATENCY_BUCKETS {
            acc += all.iter().map(|l| l.hist[b].get()).sum::<u64>();
            if acc >= want {
                p99 = ((b as u64 + 1) * 1000).min(max);
                break;
            }
        }
        Some((n, min, sum / n, p99, max))
    }
}

/// Everything one worker needs, moved into its lcore.
pub struct Worker {
    pub id: usize,
    pub mode: Mode,
    pub burst: usize,
    /// Longest frame accepted (no FCS); longer ones are dropped and counted.
    pub max_frame: u32,
    /// Multi-segment frames are expected (--enable-scatter).
    pub scatter: bool,
    pub streams: Vec<Stream>,
    /// MAC of every port, indexed by port id (mac mode).
    pub port_macs: Vec<Mac>,
    pub stats: Arc<Vec<PortStats>>,
    pub ctl: Arc<Control>,
    /// (port, TX queue this worker owns on it, ring) for control frames.
    pub inject: Vec<(u16, u16, Arc<InjectRing>)>,
    pub txonly: Option<(TxOnly, Arc<Mempool>)>,
    /// Microseconds to sleep after a loop that received nothing (0 = pure
    /// polling). Lets lab setups share cores; never sleeps under load.
    pub idle_sleep_us: u32,
    pub vxlan: Option<VxlanCtx>,
    /// rxonly: where txonly probes are measured.
    pub latency: Option<Arc<Latency>>,
}

/// MAC-table capacity (32 bytes an entry: 4 MiB) above which the vxlan
/// loop prefetches a burst's table lines before processing it.
const PREFETCH_MIN_ENTRIES: usize = 1 << 17;

/// Byte offsets the txonly generator varies per frame.
const TXONLY_SRC_MAC_LO: usize = 10;
const TXONLY_UDP_SPORT: usize = 14 + 20;

impl Worker {
    /// The loop. Returns 0 when told to stop.
    pub fn run(self) -> i32 {
        if self.mode == Mode::Vxlan {
            return self.run_vxlan();
        }
        let mut pkts = Burst::default();
        let burst = self.burst.clamp(1, MAX_BURST);
        let mut seq: u32 = (self.id as u32) << 24;
        while self.ctl.running.load(Ordering::Relaxed) {
            for (port, queue, ring) in &self.inject {
                if !ring.is_empty() {
                    self.drain_inject(*port, *queue, ring, &mut pkts);
                }
            }
            if !self.ctl.forwarding.load(Ordering::Relaxed) {
                std::hint::spin_loop();
                continue;
            }
            let mut got = 0;
            for s in &self.streams {
                got += match self.mode {
                    Mode::TxOnly => self.txonly_burst(s, &mut pkts, burst, &mut seq),
                    _ => self.forward_burst(s, &mut pkts, burst),
                };
            }
            if got == 0 && self.idle_sleep_us > 0 {
                std::thread::sleep(std::time::Duration::from_micros(self.idle_sleep_us as u64));
            }
        }
        // Drain: hand back whatever control frames are still queued.
        for (_, _, ring) in &self.inject {
            while ring.pop().is_some() {}
        }
        0
    }

    #[inline(always)]
    fn forward_burst(&self, s: &Stream, pkts: &mut Burst, burst: usize) -> usize {
        let got = pkts.rx(s.rx_port, s.rx_queue, burst);
        if got == 0 {
            return 0;
        }
        let rxs = &self.stats[s.rx_port as usize].rxq[s.rx_queue as usize];
        // One pass that only reads: bytes, and whether any frame is too
        // long (or chained without --enable-scatter). Rarely true, so the
        // compacting pass runs only then.
        let (mut rx_bytes, mut bad) = (0u64, false);
        for i in 0..got {
            let len = pkts.pkt_len(i);
            rx_bytes += len as u64;
            bad |= self.rejects(len, pkts.nb_segs(i));
        }
        let mut bytes = rx_bytes;
        if bad {
            let gone = pkts.retain(|len, segs| !self.rejects(len, segs));
            rxs.oversize.add(gone as u64);
            bytes = pkts.bytes();
        }
        rxs.packets.add(got as u64);
        rxs.bytes.add(rx_bytes);
        if pkts.is_empty() {
            return got;
        }
        match self.mode {
            Mode::RxOnly => {
                if let Some(lat) = &self.latency {
                    let now = dpdk::tsc();
                    let hz = dpdk::tsc_hz().max(1) as u128;
                    for i in 0..pkts.len() {
                        let d = pkts.data(i);
                        if d.len() >= PROBE_OFFSET + 12
                            && d[PROBE_OFFSET..PROBE_OFFSET + 4] == PROBE_MAGIC
                        {
                            let mut t = [0u8; 8];
                            t.copy_from_slice(&d[PROBE_OFFSET + 4..PROBE_OFFSET + 12]);
                            let sent = u64::from_le_bytes(t);
                            if now >= sent {
                                lat.record(((now - sent) as u128 * 1_000_000_000 / hz) as u64);
                            }
                        }
                    }
                }
                pkts.free_all();
                return got;
            }
            Mode::Mac => {
                let mac = self.port_macs[s.tx_port as usize];
                for i in 0..pkts.len() {
                    if let Some(src) = pkts.data_mut(i).get_mut(ethernet::field::SOURCE) {
                        src.copy_from_slice(&mac.0);
                    }
                }
            }
            _ => {}
        }
        self.send(s.tx_port, s.tx_queue, pkts, bytes);
        got
    }

    /// A received frame longer than --max-pkt-len, or chained without
    /// --enable-scatter: dropped and counted as oversize.
    #[inline(always)]
    fn rejects(&self, len: u32, segs: u16) -> bool {
        len > self.max_frame || (segs > 1 && !self.scatter)
    }

    /// TX burst of `bytes` bytes with accounting; frees and counts what the
    /// device refused.
    #[inline(always)]
    fn send(&self, port: u16, queue: u16, pkts: &mut Burst, bytes: u64) -> usize {
        let (sent, refused, refused_bytes) = pkts.tx(port, queue);
        let txs = &self.stats[port as usize].txq[queue as usize];
        txs.packets.add(sent as u64);
        txs.bytes.add(bytes - refused_bytes);
        if refused > 0 {
            txs.dropped.add(refused as u64);
        }
        refused
    }

    /// Sends a port's buffered frames on this worker's TX queue.
    #[inline(always)]
    fn flush(&self, port: u16, queue: u16, b: &mut TxQ, ctr: &Counters) {
        let refused = self.send(port, queue, &mut b.pkts, std::mem::take(&mut b.bytes));
        if refused > 0 {
            ctr.drops[DropReason::TxQueueFull as usize].add(refused as u64);
        }
    }

    /// The vxlan-mode loop: RX burst, `bridge::process` per frame, TX per
    /// port. The view is re-read only between bursts.
    fn run_vxlan(self) -> i32 {
        let Some(vx) = &self.vxlan else { return 1 };
        let burst = self.burst.clamp(1, MAX_BURST);
        let mut pkts = Burst::default();
        // One TX burst per port, flushed whenever `burst` frames wait.
        let mut bufs: Vec<TxQ> = (0..vx.nb_ports).map(|_| TxQ::default()).collect();
        let mut gen = vx.mailbox.generation();
        let Some(mut view) = vx.mailbox.slot.take() else {
            return 1;
        };
        let hz = dpdk::tsc_hz().max(1);
        // A table that outgrows the caches pays a DRAM miss per lookup:
        // prefetch a whole burst's lines first so those misses overlap
        // (learning churn over 1 M MACs: 5.3 -> 9.1 Mpps). A cache-sized
        // table gains nothing and pays the extra parse (encap -4 %).
        let prefetch = vx.macs.capacity() > PREFETCH_MIN_ENTRIES;
        let mut memo = Memo::default();
        while self.ctl.running.load(Ordering::Relaxed) {
            for (port, queue, ring) in &self.inject {
                if !ring.is_empty() {
                    self.drain_inject(*port, *queue, ring, &mut pkts);
                }
            }
            let g = vx.mailbox.generation();
            if g != gen {
                if let Some(v) = vx.mailbox.slot.take() {
                    let old = std::mem::replace(&mut view, v);
                    // The control thread frees it; if it has not reaped the
                    // previous one yet, that one goes (still off the
                    // per-packet path).
                    drop(vx.mailbox.retired.swap(Some(old)));
                }
                gen = g;
            }
            if !self.ctl.forwarding.load(Ordering::Relaxed) {
                std::hint::spin_loop();
                continue;
            }
            let now = (dpdk::tsc() / hz) as u32;
            let mut got_total = 0;
            for s in &self.streams {
                let got = pkts.rx(s.rx_port, s.rx_queue, burst);
                if got == 0 {
                    continue;
                }
                got_total += got;
                let rxs = &self.stats[s.rx_port as usize].rxq[s.rx_queue as usize];
                let mut sink = WorkerSink {
                    bufs: &mut bufs,
                    burst,
                    rx_port: s.rx_port,
                    punt: &vx.punt,
                    ctr: &vx.counters,
                    worker: &self,
                    tx_queue: vx.tx_queue,
                };
                if prefetch {
                    for i in 0..got {
                        bridge::prefetch(&view, &vx.macs, s.rx_port, pkts.data(i));
                    }
                }
                let mut rx_bytes = 0u64;
                let mut fdb = bridge::Fdb::new(&vx.macs, &mut memo, now);
                let input = view.input(s.rx_port);
                let ok = pkts.drain().filter(|m| {
                    let len = crate::Packet::pkt_len(m) as u32;
                    rx_bytes += len as u64;
                    if self.rejects(len, m.nb_segs()) {
                        rxs.oversize.inc();
                        return false; // freed by Drop
                    }
                    true
                });
                bridge::process_burst(&view, &mut fdb, input, ok, &mut sink, &vx.counters);
                rxs.packets.add(got as u64);
                rxs.bytes.add(rx_bytes);
            }
            for (port, b) in bufs.iter_mut().enumerate() {
                if !b.pkts.is_empty() {
                    self.flush(port as u16, vx.tx_queue, b, &vx.counters);
                }
            }
            if got_total == 0 && self.idle_sleep_us > 0 {
                std::thread::sleep(std::time::Duration::from_micros(self.idle_sleep_us as u64));
            }
        }
        for (port, b) in bufs.iter_mut().enumerate() {
            if !b.pkts.is_empty() {
                self.flush(port as u16, vx.tx_queue, b, &vx.counters);
            }
        }
        for (_, _, ring) in &self.inject {
            while ring.pop().is_some() {}
        }
        drop(vx.mailbox.retired.swap(Some(view)));
        0
    }

    fn drain_inject(&self, port: u16, queue: u16, ring: &InjectRing, pkts: &mut Burst) {
        pkts.free_all();
        let mut bytes = 0;
        while pkts.len() < 32 {
            match ring.pop() {
                Some(m) => {
                    bytes += crate::Packet::pkt_len(&m) as u64;
                    let _ = pkts.push(m);
                }
                None => break,
            }
        }
        self.send(port, queue, pkts, bytes);
    }

    fn txonly_burst(&self, s: &Stream, pkts: &mut Burst, burst: usize, seq: &mut u32) -> usize {
        let Some((tx, pool)) = &self.txonly else {
            return 0;
        };
        if !pkts.alloc(pool, burst) {
            return 0;
        }
        let hl = tx.header.len();
        let probe = tx.len as usize >= PROBE_OFFSET + 12;
        let stamp = dpdk::tsc().to_le_bytes();
        for i in 0..pkts.len() {
            let buf = pkts.frame_mut(i, tx.len);
            buf[..hl].copy_from_slice(&tx.header);
            let v = *seq;
            *seq = seq.wrapping_add(1);
            // Vary the source MAC and UDP source port so learning and RSS
            // see many flows; neither is covered by the IPv4 checksum.
            buf[TXONLY_SRC_MAC_LO..TXONLY_SRC_MAC_LO + 2]
                .copy_from_slice(&(v as u16).to_be_bytes());
            buf[TXONLY_UDP_SPORT..TXONLY_UDP_SPORT + 2]
                .copy_from_slice(&(1024 + (v % 60000) as u16).to_be_bytes());
            if probe {
                buf[PROBE_OFFSET..PROBE_OFFSET + 4].copy_from_slice(&PROBE_MAGIC);
                buf[PROBE_OFFSET + 4..PROBE_OFFSET + 12].copy_from_slice(&stamp);
            }
        }
        let n = pkts.len();
        self.send(s.tx_port, s.tx_queue, pkts, n as u64 * u64::from(tx.len));
        n
    }
}

/// Builds the txonly frame header: Ethernet, IPv4 (checksummed), UDP, for
/// a frame of `len` bytes sent from `src_mac`.
pub fn txonly_header(src_mac: Mac, len: u16) -> Vec<u8> {
    const IP: usize = ethernet::HEADER_LEN;
    const UDP: usize = IP + ipv4::MIN_HEADER_LEN;
    let mut h = vec![0u8; UDP + udp::HEADER_LEN];
    let mut eth = EthernetFrame::new_unchecked(&mut h[..IP]);
    eth.set_dst_addr(Mac([0x02, 0, 0, 0, 0, 0xff]));
    eth.set_src_addr(src_mac);
    eth.set_ethertype(ethertype::IPV4);
    let ip_len = len - IP as u16;
    let mut ip = Ipv4Packet::new_unchecked(&mut h[IP..UDP]);
    ip.set_version_and_header_len(4, ipv4::MIN_HEADER_LEN);
    ip.set_total_len(ip_len);
    ip.set_flags_and_frag_offset(true, false, 0);
    ip.set_ttl(ipv4::DEFAULT_TTL);
    ip.set_protocol(ip_proto::UDP);
    ip.set_src_addr(Ipv4Addr::new(198, 18, 0, 1));
    ip.set_dst_addr(Ipv4Addr::new(198, 18, 0, 2));
    ip.fill_checksum();
    let mut u = UdpPacket::new_unchecked(&mut h[UDP..]);
    u.set_src_port(1024);
    u.set_dst_port(9);
    u.set_len(ip_len - ipv4::MIN_HEADER_LEN as u16);
    h
}

/// testpmd's stream layout: every (port, rx queue) is a stream; io/mac
/// send to the paired port (0↔1, 2↔3; an odd last port to itself) on the
/// same queue index, so each TX queue has exactly one writer.
pub fn io_streams(nb_ports: u16, rxq: u16) -> Vec<Stream> {
    let mut v = Vec::new();
    for p in 0..nb_ports {
        let peer = if p % 2 == 0 {
            if p + 1 < nb_ports {
                p + 1
            } else {
                p
            }
        } else {
            p - 1
        };
        for q in 0..rxq {
            v.push(Stream {
                rx_port: p,
                rx_queue: q,
                tx_port: peer,
                tx_queue: q,
            });
        }
    }
    v
}

/// vxlan mode's streams: io's, queue-major (every port's queue 0, then
/// every port's queue 1, ...), so that [`spread`] gives worker k queue k of
/// every port when there are as many RX queues as workers: RSS then spreads
/// each port's traffic, the underlay's tunnel traffic above all, over every
/// worker. With one queue a port the order, and so whole ports per worker,
/// is io's.
pub fn vxlan_streams(nb_ports: u16, rxq: u16) -> Vec<Stream> {
    let mut v = io_streams(nb_ports, rxq);
    v.sort_by_key(|s| s.rx_queue);
    v
}

/// Spreads streams over `nb_workers` like testpmd: contiguous blocks.
pub fn spread(streams: &[Stream], nb_workers: usize) -> Vec<Vec<Stream>> {
    let mut out = vec![Vec::new(); nb_workers];
    let n = streams.len();
    for (i, s) in streams.iter().enumerate() {
        out[i * nb_workers / n.max(1)].push(*s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_to_a_port_without_a_tx_buffer_is_counted() {
        let ctr = Counters::new();
        let mut bufs: Vec<TxQ> = (0..2).map(|_| TxQ::default()).collect();
        assert!(tx_buffer(&mut bufs, 1, &ctr).is_some());
        assert_eq!(ctr.drop_count(DropReason::TxUnknownPort), 0);
        assert!(tx_buffer(&mut bufs, 2, &ctr).is_none());
        assert!(tx_buffer(&mut bufs, u16::MAX, &ctr).is_none());
        assert_eq!(ctr.drop_count(DropReason::TxUnknownPort), 2);
    }

    #[test]
    fn io_streams_pair_ports() {
        let s = io_streams(3, 2);
        assert_eq!(s.len(), 6);
        assert_eq!((s[0].rx_port, s[0].tx_port), (0, 1));
        assert_eq!((s[2].rx_port, s[2].tx_port, s[3].tx_queue), (1, 0, 1));
        assert_eq!((s[4].rx_port, s[4].tx_port), (2, 2));
    }

    #[test]
    fn vxlan_streams_give_each_worker_one_queue_of_every_port() {
        let w = spread(&vxlan_streams(3, 2), 2);
        for (k, ss) in w.iter().enumerate() {
            let mut ports: Vec<u16> = ss.iter().map(|s| s.rx_port).collect();
            ports.sort();
            assert_eq!(ports, vec![0, 1, 2], "worker {k}: {ss:?}");
            assert!(
                ss.iter().all(|s| s.rx_queue == k as u16),
                "worker {k}: {ss:?}"
            );
        }
        // One queue a port: whole ports per worker, as in io mode.
        assert_eq!(
            spread(&vxlan_streams(4, 1), 2),
            spread(&io_streams(4, 1), 2)
        );
    }

    #[test]
    fn spread_is_even_and_complete() {
        let s = io_streams(2, 2);
        let w = spread(&s, 2);
        assert_eq!(w[0].len(), 2);
        assert_eq!(w[1].len(), 2);
        let w = spread(&s, 3);
        assert_eq!(w.iter().map(|v| v.len()).sum::<usize>(), 4);
        assert!(w.iter().all(|v| !v.is_empty()));
    }

    #[test]
    fn latency_summary_gives_p99_to_the_microsecond() {
        let l = Arc::new(Latency::default());
        for i in 0..1000u64 {
            l.record(1_500 + i * 10); // 1.5 µs .. 11.49 µs
        }
        let (n, min, avg, p99, max) = Latency::summary(std::slice::from_ref(&l)).unwrap();
        assert_eq!((n, min, max), (1000, 1_500, 11_490));
        assert_eq!(avg, 1_500 + 4_995);
        // The 990th sample (11.39 µs) is in the 11-12 µs bucket: p99 is
        // that bucket's upper bound, capped at the maximum.
        assert_eq!(p99, 11_490);
        assert!(Latency::summary(&[Arc::new(Latency::default())]).is_none());
    }

    #[test]
    fn txonly_header_checksum_verifies() {
        let h = txonly_header(Mac([2, 0, 0, 0, 0, 1]), 9018);
        assert!(wire::checksum::verify(&h[14..34]));
        assert_eq!(u16::from_be_bytes([h[16], h[17]]), 9004);
        assert_eq!(u16::from_be_bytes([h[38], h[39]]), 8984);
        // Every byte, for a 60-byte frame.
        assert_eq!(
            txonly_header(Mac([2, 0, 0, 0, 0, 1]), 60),
            [
                0x02, 0x00, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
                0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xae, 0x97, 0xc6, 0x12,
                0x00, 0x01, 0xc6, 0x12, 0x00, 0x02, 0x04, 0x00, 0x00, 0x09, 0x00, 0x1a, 0x00, 0x00
            ]
        );
    }
}
