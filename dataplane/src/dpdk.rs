//! The DPDK adapter: EAL, lcores, mempools, ports, queues and mbufs behind
//! safe types. This is the only module of the dataplane with `unsafe`;
//! per-packet pointer arithmetic (`rte_pktmbuf_mtod`, prepend, adj) is done
//! here in Rust so it inlines into the worker loop.

use crate::Packet;
use dpdk_sys as sys;
use std::ffi::{c_void, CStr, CString};
use std::fmt;
use std::ptr::NonNull;
use wire::Mac;

/// Largest RX/TX burst a worker handles (testpmd's MAX_PKT_BURST).
pub const MAX_BURST: usize = 512;
/// Frames whose shared part is at most this long are copied by
/// `clone_with_header` instead of chained (as NIC drivers' rx copybreak).
pub const COPY_BREAK: usize = 256;
/// Headroom DPDK reserves at the front of every mbuf.
pub const HEADROOM: u16 = sys::RTE_PKTMBUF_HEADROOM as u16;

// Bit-valued macros that bindgen cannot evaluate (RTE_BIT64), from
// rte_ethdev.h of DPDK 22.11.
const RSS_IP: u64 = (1 << 2) | (1 << 3) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 13) | (1 << 15);
const RSS_UDP: u64 = (1 << 5) | (1 << 11) | (1 << 17);
const RX_OFFLOAD_SCATTER: u64 = 1 << 13;
const TX_OFFLOAD_MULTI_SEGS: u64 = 1 << 15;

/// The last DPDK error as text.
pub fn strerror(errnum: i32) -> String {
    // SAFETY: rte_strerror returns a pointer to a static or thread-local
    // NUL-terminated string.
    unsafe { CStr::from_ptr(sys::rte_strerror(errnum.abs())) }
        .to_string_lossy()
        .into_owned()
}

fn rte_errno() -> i32 {
    // SAFETY: reads the per-lcore errno variable.
    unsafe { sys::vtep_errno() }
}

/// The initialised Environment Abstraction Layer. One per process.
pub struct Eal {
    _priv: (),
}

impl Eal {
    /// Runs `rte_eal_init` over `args` (`argv[0]` first, EAL options only).
    pub fn init(args: &[String]) -> Result<Eal, String> {
        let cargs: Vec<CString> = args
            .iter()
            .map(|a| {
                CString::new(a.as_str()).map_err(|_| format!("EAL argument {a:?} holds a NUL byte"))
            })
            .collect::<Result<_, _>>()?;
        // EAL may permute argv, so it gets pointers it owns for the call.
        let mut argv: Vec<*mut std::os::raw::c_char> =
            cargs.iter().map(|c| c.as_ptr() as *mut _).collect();
        argv.push(std::ptr::null_mut());
        // SAFETY: argv is a NULL-terminated array of valid C strings that
        // outlive the call; rte_eal_init is called once per process.
        let rc = unsafe { sys::rte_eal_init(cargs.len() as i32, argv.as_mut_ptr()) };
        if rc < 0 {
            return Err(format!(
                "EAL initialisation failed: {}",
                strerror(rte_errno())
            ));
        }
        // The strings must live as long as the EAL may look at them.
        std::mem::forget(cargs);
        Ok(Eal { _priv: () })
    }

    /// DPDK's version string.
    pub fn version() -> String {
        // SAFETY: returns a static string.
        unsafe { CStr::from_ptr(sys::rte_version()) }
            .to_string_lossy()
            .into_owned()
    }

    /// The lcore ids of worker lcores (every EAL lcore but the main one).
    pub fn worker_lcores(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut i: u32 = u32::MAX; // -1: start before the first lcore
        loop {
            // SAFETY: pure query over the EAL's lcore table.
            i = unsafe { sys::rte_get_next_lcore(i, 1, 0) };
            if i >= sys::RTE_MAX_LCORE {
                break;
            }
            out.push(i);
        }
        out
    }

    pub fn main_lcore(&self) -> u32 {
        // SAFETY: pure query.
        unsafe { sys::rte_get_main_lcore() }
    }

    /// Runs `f` on worker lcore `lcore`. The closure's result is returned
    /// by [`Eal::wait_lcore`].
    pub fn launch<F: FnOnce() -> i32 + Send + 'static>(
        &self,
        lcore: u32,
        f: F,
    ) -> Result<(), String> {
        unsafe extern "C" fn tramp<F: FnOnce() -> i32>(arg: *mut c_void) -> i32 {
            // SAFETY: arg is the Box<F> leaked by `launch` below, consumed once.
            let f = unsafe { Box::from_raw(arg as *mut F) };
            f()
        }
        let arg = Box::into_raw(Box::new(f)) as *mut c_void;
        // SAFETY: tramp::<F> matches lcore_function_t and takes ownership of arg.
        let rc = unsafe { sys::rte_eal_remote_launch(Some(tramp::<F>), arg, lcore) };
        if rc != 0 {
            // SAFETY: the launch failed, so the box was not consumed.
            drop(unsafe { Box::from_raw(arg as *mut F) });
            return Err(format!("cannot launch on lcore {lcore}: {}", strerror(rc)));
        }
        Ok(())
    }

    /// Waits for the function running on `lcore` and returns its result.
    pub fn wait_lcore(&self, lcore: u32) -> i32 {
        // SAFETY: blocks until the lcore is idle.
        unsafe { sys::rte_eal_wait_lcore(lcore) }
    }

    /// The current thread's lcore id (LCORE_ID_ANY for non-EAL threads).
    pub fn lcore_id() -> u32 {
        // SAFETY: reads a thread-local.
        unsafe { sys::vtep_lcore_id() }
    }
}

impl Drop for Eal {
    fn drop(&mut self) {
        // SAFETY: all ports and pools are released before the Eal is dropped
        // (the process owns the Eal last).
        unsafe { sys::rte_eal_cleanup() };
    }
}

/// Time-stamp counter helpers (cheap per-burst clock for workers).
pub fn tsc() -> u64 {
    // SAFETY: reads the TSC.
    unsafe { sys::vtep_rdtsc() }
}
pub fn tsc_hz() -> u64 {
    // SAFETY: pure query after EAL init.
    unsafe { sys::vtep_tsc_hz() }
}

/// A packet mbuf pool.
pub struct Mempool {
    ptr: NonNull<sys::rte_mempool>,
    size: u32,
}

// SAFETY: rte_mempool is multi-producer/multi-consumer safe by design.
unsafe impl Send for Mempool {}
// SAFETY: as above; shared references only allocate, free and query.
unsafe impl Sync for Mempool {}

impl Mempool {
    /// `data_room` counts the headroom, like testpmd's --mbuf-size.
    pub fn new(
        name: &str,
        n: u32,
        cache: u32,
        data_room: u16,
        socket: i32,
    ) -> Result<Mempool, String> {
        let cname = CString::new(name).expect("pool name");
        // SAFETY: valid name; DPDK copies it.
        let p =
            unsafe { sys::rte_pktmbuf_pool_create(cname.as_ptr(), n, cache, 0, data_room, socket) };
        match NonNull::new(p) {
            Some(ptr) => Ok(Mempool { ptr, size: n }),
            None => Err(format!(
                "cannot create mbuf pool {name} ({n} mbufs of {data_room} bytes): {} (give the EAL more memory: -m MB, or hugepages)",
                strerror(rte_errno())
            )),
        }
    }
    pub fn as_ptr(&self) -> *mut sys::rte_mempool {
        self.ptr.as_ptr()
    }
    pub fn size(&self) -> u32 {
        self.size
    }
    pub fn in_use(&self) -> u32 {
        // SAFETY: pool is valid for self's lifetime.
        unsafe { sys::vtep_mempool_in_use_count(self.ptr.as_ptr()) }
    }
    pub fn alloc(&self) -> Option<Mbuf> {
        // SAFETY: pool is valid; NULL means empty.
        NonNull::new(unsafe { sys::vtep_pktmbuf_alloc(self.ptr.as_ptr()) }).map(Mbuf)
    }
    /// Fills `out` with fresh mbufs (all or none).
    fn alloc_bulk(&self, out: &mut [*mut sys::rte_mbuf]) -> bool {
        // SAFETY: out has room for out.len() pointers.
        unsafe {
            sys::vtep_pktmbuf_alloc_bulk(self.ptr.as_ptr(), out.as_mut_ptr(), out.len() as u32) == 0
        }
    }
}

impl Drop for Mempool {
    fn drop(&mut self) {
        // SAFETY: the pool is no longer referenced by any port (ports are
        // closed before pools are dropped).
        unsafe { sys::rte_mempool_free(self.ptr.as_ptr()) }
    }
}

/// An owned mbuf chain. Dropping it frees it back to its pool.
#[repr(transparent)]
pub struct Mbuf(NonNull<sys::rte_mbuf>);

// SAFETY: an mbuf is owned by exactly one Mbuf at a time; moving it between
// threads is how DPDK hands packets around.
unsafe impl Send for Mbuf {}

impl Mbuf {
    /// Takes ownership of a raw mbuf from an RX burst or an allocation.
    ///
    /// # Safety
    /// `p` must be a valid mbuf that nothing else owns.
    #[inline(always)]
    pub unsafe fn from_raw(p: *mut sys::rte_mbuf) -> Mbuf {
        // SAFETY: caller guarantees p is a valid non-null mbuf.
        Mbuf(unsafe { NonNull::new_unchecked(p) })
    }
    /// Gives up ownership (to a TX burst or a ring).
    #[inline(always)]
    pub fn into_raw(self) -> *mut sys::rte_mbuf {
        let p = self.0.as_ptr();
        std::mem::forget(self);
        p
    }
    #[inline(always)]
    fn m(&self) -> &sys::rte_mbuf {
        // SAFETY: self owns a valid mbuf.
        unsafe { self.0.as_ref() }
    }
    #[inline(always)]
    fn m_mut(&mut self) -> &mut sys::rte_mbuf {
        // SAFETY: self owns a valid mbuf exclusively.
        unsafe { self.0.as_mut() }
    }
    /// The port the frame arrived on.
    #[inline(always)]
    pub fn port(&self) -> u16 {
        self.m().port
    }
    #[inline(always)]
    pub fn nb_segs(&self) -> u16 {
        self.m().nb_segs
    }
    /// Sets a single-segment frame's length (for freshly built frames).
    #[inline(always)]
    pub fn set_len(&mut self, len: u16) {
        let m = self.m_mut();
        m.data_len = len;
        m.pkt_len = len as u32;
    }
    /// Room for data in the first segment after data_off.
    #[inline(always)]
    pub fn tailroom_total(&self) -> usize {
        let m = self.m();
        m.buf_len as usize - m.data_off as usize
    }
    /// The whole writable area of a fresh single-segment mbuf.
    #[inline(always)]
    pub fn buf_mut(&mut self) -> &mut [u8] {
        let room = self.tailroom_total();
        let m = self.m_mut();
        // SAFETY: buf_addr + data_off .. buf_len lies inside the mbuf's
        // buffer, which this Mbuf owns exclusively.
        unsafe {
            std::slice::from_raw_parts_mut((m.buf_addr as *mut u8).add(m.data_off as usize), room)
        }
    }
    /// Bytes of every segment, concatenated (tests and the control plane).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.m().pkt_len as usize);
        let mut seg: *const sys::rte_mbuf = self.0.as_ptr();
        while !seg.is_null() {
            // SAFETY: walking a valid chain owned by self.
            let s = unsafe { &*seg };
            // SAFETY: each segment's data lies inside its buffer.
            let d = unsafe {
                std::slice::from_raw_parts(
                    (s.buf_addr as *const u8).add(s.data_off as usize),
                    s.data_len as usize,
                )
            };
            v.extend_from_slice(d);
            seg = s.next;
        }
        v
    }
}

impl Drop for Mbuf {
    fn drop(&mut self) {
        // SAFETY: self owns the chain; it is not used after this.
        unsafe { sys::vtep_pktmbuf_free(self.0.as_ptr()) }
    }
}

impl Packet for Mbuf {
    #[inline(always)]
    fn data(&self) -> &[u8] {
        let m = self.m();
        // SAFETY: [data_off, data_off + data_len) is the first segment's data.
        unsafe {
            std::slice::from_raw_parts(
                (m.buf_addr as *const u8).add(m.data_off as usize),
                m.data_len as usize,
            )
        }
    }
    #[inline(always)]
    fn data_mut(&mut self) -> &mut [u8] {
        let m = self.m_mut();
        // SAFETY: as in data(); exclusive through &mut self. Indirect
        // (cloned) mbufs are only edited in bytes no other clone reads: see
        // `clone_with_header`.
        unsafe {
            std::slice::from_raw_parts_mut(
                (m.buf_addr as *mut u8).add(m.data_off as usize),
                m.data_len as usize,
            )
        }
    }
    #[inline(always)]
    fn pkt_len(&self) -> usize {
        self.m().pkt_len as usize
    }
    #[inline(always)]
    fn prepend(&mut self, n: usize) -> Option<&mut [u8]> {
        let m = self.m_mut();
        if n > m.data_off as usize {
            return None;
        }
        m.data_off -= n as u16;
        m.data_len += n as u16;
        m.pkt_len += n as u32;
        // SAFETY: the n bytes at the new data_off are inside the headroom.
        Some(unsafe {
            std::slice::from_raw_parts_mut((m.buf_addr as *mut u8).add(m.data_off as usize), n)
        })
    }
    #[inline(always)]
    fn adj(&mut self, n: usize) -> bool {
        let m = self.m_mut();
        if n > m.data_len as usize {
            return false;
        }
        m.data_off += n as u16;
        m.data_len -= n as u16;
        m.pkt_len -= n as u32;
        true
    }
    fn clone_with_header(&self, offset: usize, hdr_len: usize) -> Option<Self> {
        let m = self.m();
        if offset > m.data_len as usize {
            return None;
        }
        let pool = m.pool;
        let rest = m.pkt_len as usize - offset;
        if rest <= COPY_BREAK && m.nb_segs == 1 {
            // Small frame: one fresh mbuf with the bytes copied is cheaper
            // than a chain (one allocation instead of two, no shared
            // reference count to update on send and free, a single-segment
            // TX descriptor). Above COPY_BREAK the payload is shared.
            // SAFETY: same pool; NULL means exhausted.
            let mut h = NonNull::new(unsafe { sys::vtep_pktmbuf_alloc(pool) }).map(Mbuf)?;
            if hdr_len + rest > h.tailroom_total() {
                return None;
            }
            h.set_len((hdr_len + rest) as u16);
            h.buf_mut()[hdr_len..hdr_len + rest].copy_from_slice(&self.data()[offset..]);
            return Some(h);
        }
        // SAFETY: self is a valid mbuf; the clone is an indirect mbuf
        // sharing the data buffer (refcount raised), from the same pool.
        let c =
            NonNull::new(unsafe { sys::vtep_pktmbuf_clone(self.0.as_ptr(), pool) }).map(Mbuf)?;
        let mut c = c;
        c.adj(offset);
        // SAFETY: same pool; NULL means exhausted.
        let mut h = NonNull::new(unsafe { sys::vtep_pktmbuf_alloc(pool) }).map(Mbuf)?;
        if hdr_len > h.tailroom_total() {
            return None;
        }
        h.set_len(hdr_len as u16);
        // SAFETY: both are valid, owned chains; chain takes c over on success.
        let rc = unsafe { sys::vtep_pktmbuf_chain(h.0.as_ptr(), c.0.as_ptr()) };
        if rc != 0 {
            return None; // c and h are freed by Drop
        }
        std::mem::forget(c);
        Some(h)
    }
    #[inline(always)]
    fn rss_hash(&self) -> Option<u32> {
        let m = self.m();
        if m.ol_flags & sys::RTE_MBUF_F_RX_RSS_HASH as u64 != 0 {
            // SAFETY: the RSS flag says the hash union holds the RSS hash.
            Some(unsafe { m.__bindgen_anon_2.hash.rss })
        } else {
            None
        }
    }
}

/// A burst of owned mbufs: what an RX burst returned, or frames waiting
/// for a TX burst. The safe face of DPDK's `struct rte_mbuf *pkts[]`
/// arrays: every pointer in `pkts[..n]` is a valid mbuf this burst owns,
/// so indexing, reading lengths and editing bytes need no `unsafe` outside
/// this module. Dropping a burst frees what it still holds.
pub struct Burst {
    pkts: [*mut sys::rte_mbuf; MAX_BURST],
    n: usize,
}

// SAFETY: the burst owns its mbufs exclusively (see `Mbuf`'s Send).
unsafe impl Send for Burst {}

impl Default for Burst {
    fn default() -> Self {
        Burst {
            pkts: [std::ptr::null_mut(); MAX_BURST],
            n: 0,
        }
    }
}

impl Burst {
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.n
    }
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
    #[inline(always)]
    fn m(&self, i: usize) -> &sys::rte_mbuf {
        assert!(i < self.n, "burst index out of range");
        // SAFETY: pkts[..n] are valid mbufs owned by this burst.
        unsafe { &*self.pkts[i] }
    }
    #[inline(always)]
    fn m_mut(&mut self, i: usize) -> &mut sys::rte_mbuf {
        assert!(i < self.n, "burst index out of range");
        // SAFETY: as in `m`, and &mut self makes the access exclusive.
        unsafe { &mut *self.pkts[i] }
    }

    /// Receives up to `max` frames (at most the free room) from a queue
    /// that only this thread polls, appended to the burst.
    #[inline(always)]
    pub fn rx(&mut self, port: u16, queue: u16, max: usize) -> usize {
        let room = (MAX_BURST - self.n).min(max);
        // SAFETY: the array has `room` free slots after n; (port, queue) is
        // set up and polled by the calling thread only (its owner).
        let got = unsafe {
            sys::vtep_rx_burst(port, queue, self.pkts.as_mut_ptr().add(self.n), room as u16)
                as usize
        };
        self.n += got;
        got
    }

    /// Sends the whole burst on a TX queue that only this thread uses and
    /// frees what the device refused. Returns (sent, refused, bytes of the
    /// refused frames); the caller knows the burst's bytes already.
    #[inline(always)]
    pub fn tx(&mut self, port: u16, queue: u16) -> (usize, usize, u64) {
        if self.n == 0 {
            return (0, 0, 0);
        }
        // SAFETY: pkts[..n] are owned mbufs; the device takes the first
        // `sent` of them.
        let sent = unsafe {
            sys::vtep_tx_burst(port, queue, self.pkts.as_mut_ptr(), self.n as u16) as usize
        };
        let refused = self.n - sent;
        let mut refused_bytes = 0;
        if refused > 0 {
            for i in sent..self.n {
                refused_bytes += u64::from(self.m(i).pkt_len);
            }
            // SAFETY: the refused mbufs are still ours and not used again.
            unsafe {
                sys::vtep_pktmbuf_free_bulk(self.pkts.as_mut_ptr().add(sent), refused as u32)
            };
        }
        self.n = 0;
        (sent, refused, refused_bytes)
    }

    /// Frees every frame.
    #[inline(always)]
    pub fn free_all(&mut self) {
        if self.n > 0 {
            // SAFETY: pkts[..n] are owned and not used again.
            unsafe { sys::vtep_pktmbuf_free_bulk(self.pkts.as_mut_ptr(), self.n as u32) };
            self.n = 0;
        }
    }

    /// Fills the burst with `n` fresh mbufs from `pool` (all or none).
    pub fn alloc(&mut self, pool: &Mempool, n: usize) -> bool {
        self.free_all();
        let n = n.min(MAX_BURST);
        if !pool.alloc_bulk(&mut self.pkts[..n]) {
            return false;
        }
        self.n = n;
        true
    }

    /// Length of frame `i`, all segments.
    #[inline(always)]
    pub fn pkt_len(&self, i: usize) -> u32 {
        self.m(i).pkt_len
    }
    #[inline(always)]
    pub fn nb_segs(&self, i: usize) -> u16 {
        self.m(i).nb_segs
    }
    /// Total bytes of the burst.
    #[inline(always)]
    pub fn bytes(&self) -> u64 {
        (0..self.n).map(|i| u64::from(self.m(i).pkt_len)).sum()
    }
    /// First-segment bytes of frame `i`.
    #[inline(always)]
    pub fn data(&self, i: usize) -> &[u8] {
        let m = self.m(i);
        // SAFETY: [data_off, data_off + data_len) is the first segment's data.
        unsafe {
            std::slice::from_raw_parts(
                (m.buf_addr as *const u8).add(m.data_off as usize),
                m.data_len as usize,
            )
        }
    }
    /// Mutable first-segment bytes of frame `i`.
    #[inline(always)]
    pub fn data_mut(&mut self, i: usize) -> &mut [u8] {
        let m = self.m_mut(i);
        // SAFETY: as in `data`; exclusive through &mut self.
        unsafe {
            std::slice::from_raw_parts_mut(
                (m.buf_addr as *mut u8).add(m.data_off as usize),
                m.data_len as usize,
            )
        }
    }
    /// Makes fresh frame `i` a single segment of `len` bytes and returns
    /// them (txonly builds its frames in place).
    #[inline(always)]
    pub fn frame_mut(&mut self, i: usize, len: u16) -> &mut [u8] {
        let m = self.m_mut(i);
        let room = (m.buf_len - m.data_off).min(len);
        m.data_len = room;
        m.pkt_len = room as u32;
        self.data_mut(i)
    }
    /// Keeps the frames `keep(len, nb_segs)` accepts, in order; frees the
    /// others and returns how many went.
    pub fn retain(&mut self, mut keep: impl FnMut(u32, u16) -> bool) -> usize {
        let mut w = 0;
        for i in 0..self.n {
            let p = self.pkts[i];
            // SAFETY: p is one of pkts[..n], an owned mbuf.
            let (len, segs) = unsafe { ((*p).pkt_len, (*p).nb_segs) };
            if keep(len, segs) {
                self.pkts[w] = p;
                w += 1;
            } else {
                // SAFETY: owned, not kept, not used again.
                unsafe { sys::vtep_pktmbuf_free(p) };
            }
        }
        let gone = self.n - w;
        self.n = w;
        gone
    }
    /// Appends an owned frame; gives it back when the burst is full.
    #[inline(always)]
    pub fn push(&mut self, m: Mbuf) -> Result<(), Mbuf> {
        if self.n == MAX_BURST {
            return Err(m);
        }
        self.pkts[self.n] = m.into_raw();
        self.n += 1;
        Ok(())
    }
    /// Hands every frame over as an owned [`Mbuf`], in order; frames not
    /// taken when the iterator is dropped are freed.
    #[inline(always)]
    pub fn drain(&mut self) -> Drain<'_> {
        let n = std::mem::take(&mut self.n);
        Drain {
            pkts: &self.pkts[..n],
            next: 0,
        }
    }
}

/// See [`Burst::drain`].
pub struct Drain<'a> {
    pkts: &'a [*mut sys::rte_mbuf],
    next: usize,
}

impl Iterator for Drain<'_> {
    type Item = Mbuf;
    #[inline(always)]
    fn next(&mut self) -> Option<Mbuf> {
        let p = *self.pkts.get(self.next)?;
        self.next += 1;
        // SAFETY: the burst gave up pkts[..n] (its n is 0 now); each
        // pointer is handed out once.
        Some(unsafe { Mbuf::from_raw(p) })
    }
}

impl Drop for Drain<'_> {
    fn drop(&mut self) {
        for &p in &self.pkts[self.next..] {
            // SAFETY: not handed out, still owned, freed once.
            unsafe { sys::vtep_pktmbuf_free(p) };
        }
    }
}

impl Drop for Burst {
    fn drop(&mut self) {
        self.free_all();
    }
}

/// Sends one frame on a TX queue only the calling thread uses (the
/// control thread's own queue); false when the device refused it.
pub fn tx_one(port: u16, queue: u16, m: Mbuf) -> bool {
    let mut b = Burst::default();
    let _ = b.push(m);
    b.tx(port, queue).0 == 1
}

/// What a device says it can do.
#[derive(Clone, Debug)]
pub struct DevInfo {
    pub driver: String,
    pub max_rx_queues: u16,
    pub max_tx_queues: u16,
    pub min_mtu: u16,
    pub max_mtu: u16,
    pub max_rx_pktlen: u32,
    pub rss_offloads: u64,
    pub rx_offload_capa: u64,
    pub tx_offload_capa: u64,
}

impl DevInfo {
    /// L2 bytes the device counts beyond the MTU (max_rx_pktlen − max_mtu,
    /// 18 when the device reports no MTU limit).
    pub fn overhead(&self) -> u32 {
        if self.max_mtu != u16::MAX && self.max_rx_pktlen > self.max_mtu as u32 {
            self.max_rx_pktlen - self.max_mtu as u32
        } else {
            18
        }
    }
}

/// How to set a port up.
#[derive(Clone, Debug)]
pub struct PortSetup {
    pub rxq: u16,
    pub txq: u16,
    pub rxd: u16,
    pub txd: u16,
    pub max_pkt_len: u32,
    pub scatter: bool,
}

/// What port bring-up actually configured.
#[derive(Clone, Debug, Default)]
pub struct PortState {
    pub mtu: u32,
    /// The device's ethdev MTU limit is below --max-pkt-len but it passes
    /// bigger frames anyway (af_packet).
    pub mtu_clamped: bool,
    pub rss: bool,
    pub multi_segs: bool,
    pub rxd: u16,
    pub txd: u16,
}

/// Port-level counters from the PMD.
#[derive(Clone, Copy, Debug, Default)]
pub struct EthStats {
    pub ipackets: u64,
    pub opackets: u64,
    pub ibytes: u64,
    pub obytes: u64,
    pub imissed: u64,
    pub ierrors: u64,
    pub oerrors: u64,
    pub rx_nombuf: u64,
}

/// A DPDK ethdev port id plus the queries and set-up calls vtep uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port(pub u16);

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "port {} ({})", self.0, self.name())
    }
}

impl Port {
    /// Every port the EAL probed, in id order.
    pub fn all() -> Vec<Port> {
        let mut out = Vec::new();
        // SAFETY: pure queries over the ethdev table.
        let mut p = unsafe { sys::rte_eth_find_next_owned_by(0, sys::RTE_ETH_DEV_NO_OWNER as u64) };
        while p < sys::RTE_MAX_ETHPORTS as u64 {
            out.push(Port(p as u16));
            // SAFETY: as above.
            p = unsafe {
                sys::rte_eth_find_next_owned_by(p as u16 + 1, sys::RTE_ETH_DEV_NO_OWNER as u64)
            };
        }
        out
    }

    pub fn name(&self) -> String {
        let mut buf = [0 as std::os::raw::c_char; 64];
        // SAFETY: buf holds RTE_ETH_NAME_MAX_LEN (64) bytes.
        if unsafe { sys::rte_eth_dev_get_name_by_port(self.0, buf.as_mut_ptr()) } != 0 {
            return format!("port{}", self.0);
        }
        // SAFETY: DPDK wrote a NUL-terminated name.
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    }

    pub fn info(&self) -> Result<DevInfo, String> {
        let mut di = sys::rte_eth_dev_info::default();
        // SAFETY: di is a valid out-parameter.
        let rc = unsafe { sys::rte_eth_dev_info_get(self.0, &mut di) };
        if rc != 0 {
            return Err(format!("{self}: cannot read device info: {}", strerror(rc)));
        }
        let driver = if di.driver_name.is_null() {
            String::new()
        } else {
            // SAFETY: the driver name is a static C string.
            unsafe { CStr::from_ptr(di.driver_name) }
                .to_string_lossy()
                .into_owned()
        };
        Ok(DevInfo {
            driver,
            max_rx_queues: di.max_rx_queues,
            max_tx_queues: di.max_tx_queues,
            min_mtu: di.min_mtu,
            max_mtu: di.max_mtu,
            max_rx_pktlen: di.max_rx_pktlen,
            rss_offloads: di.flow_type_rss_offloads,
            rx_offload_capa: di.rx_offload_capa,
            tx_offload_capa: di.tx_offload_capa,
        })
    }

    pub fn socket(&self) -> i32 {
        // SAFETY: pure query.
        unsafe { sys::rte_eth_dev_socket_id(self.0) }
    }

    pub fn mac(&self) -> Mac {
        let mut a = sys::rte_ether_addr::default();
        // SAFETY: a is a valid out-parameter.
        unsafe { sys::rte_eth_macaddr_get(self.0, &mut a) };
        Mac(a.addr_bytes)
    }

    /// Configures queues, MTU, RSS and offloads, sets up every queue on
    /// `pool` and starts the port. Errors name the port and the limit.
    pub fn setup(
        &self,
        info: &DevInfo,
        s: &PortSetup,
        pool: &Mempool,
    ) -> Result<PortState, String> {
        if s.rxq == 0 || s.rxq > info.max_rx_queues {
            return Err(format!(
                "{self}: {} RX queues asked, the device offers at most {}",
                s.rxq, info.max_rx_queues
            ));
        }
        if s.txq == 0 || s.txq > info.max_tx_queues {
            return Err(format!(
                "{self}: {} TX queues asked, the device offers at most {}",
                s.txq, info.max_tx_queues
            ));
        }
        let mut mtu = s.max_pkt_len.saturating_sub(info.overhead());
        let mut st = PortState {
            mtu,
            ..Default::default()
        };
        let limit = info
            .max_rx_pktlen
            .saturating_sub(info.overhead())
            .min(info.max_mtu as u32);
        if mtu > limit {
            if info.driver == "net_af_packet" {
                // af_packet reports 1518 but receives whatever its ring
                // frames hold (framesz): ethdev's MTU check would refuse
                // jumbo, the device does not need it. Keep the most ethdev
                // accepts; the kernel interface's MTU is what counts.
                mtu = limit;
                st.mtu_clamped = true;
            } else {
                return Err(format!(
                    "{self}: --max-pkt-len {} needs MTU {mtu}, the device allows at most {limit} (frames up to {})",
                    s.max_pkt_len,
                    limit + info.overhead()
                ));
            }
        }
        if mtu < info.min_mtu as u32 {
            return Err(format!(
                "{self}: --max-pkt-len {} gives MTU {mtu}, below the device's minimum {}",
                s.max_pkt_len, info.min_mtu
            ));
        }
        st.mtu = mtu;
        let mut conf = sys::rte_eth_conf::default();
        conf.rxmode.mtu = mtu;
        let rss_hf = info.rss_offloads & (RSS_IP | RSS_UDP);
        if s.rxq > 1 && rss_hf != 0 {
            conf.rxmode.mq_mode = sys::rte_eth_rx_mq_mode_RTE_ETH_MQ_RX_RSS;
            conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
            st.rss = true;
        }
        if s.scatter && info.rx_offload_capa & RX_OFFLOAD_SCATTER != 0 {
            conf.rxmode.offloads |= RX_OFFLOAD_SCATTER;
        }
        // Flood copies are a header mbuf chained to a shared payload.
        if info.tx_offload_capa & TX_OFFLOAD_MULTI_SEGS != 0 {
            conf.txmode.offloads |= TX_OFFLOAD_MULTI_SEGS;
            st.multi_segs = true;
        }
        // SAFETY: conf is a valid configuration; the port is stopped.
        let rc = unsafe { sys::rte_eth_dev_configure(self.0, s.rxq, s.txq, &conf) };
        if rc != 0 {
            return Err(format!(
                "{self}: configure ({} rxq, {} txq, MTU {mtu}) failed: {}",
                s.rxq,
                s.txq,
                strerror(rc)
            ));
        }
        let (mut rxd, mut txd) = (s.rxd, s.txd);
        // SAFETY: valid out-parameters.
        unsafe { sys::rte_eth_dev_adjust_nb_rx_tx_desc(self.0, &mut rxd, &mut txd) };
        st.rxd = rxd;
        st.txd = txd;
        let socket = self.socket().max(0) as u32;
        for q in 0..s.rxq {
            // SAFETY: default rxconf (NULL); pool outlives the port.
            let rc = unsafe {
                sys::rte_eth_rx_queue_setup(self.0, q, rxd, socket, std::ptr::null(), pool.as_ptr())
            };
            if rc != 0 {
                return Err(format!(
                    "{self}: RX queue {q} ({rxd} descriptors) setup failed: {}",
                    strerror(rc)
                ));
            }
        }
        for q in 0..s.txq {
            // SAFETY: default txconf (NULL).
            let rc =
                unsafe { sys::rte_eth_tx_queue_setup(self.0, q, txd, socket, std::ptr::null()) };
            if rc != 0 {
                return Err(format!(
                    "{self}: TX queue {q} ({txd} descriptors) setup failed: {}",
                    strerror(rc)
                ));
            }
        }
        // SAFETY: fully configured port.
        let rc = unsafe { sys::rte_eth_dev_start(self.0) };
        if rc != 0 {
            return Err(format!("{self}: start failed: {}", strerror(rc)));
        }
        // SAFETY: started port; failure is harmless (some vdevs lack it).
        unsafe { sys::rte_eth_promiscuous_enable(self.0) };
        // SAFETY: as above.
        unsafe { sys::rte_eth_allmulticast_enable(self.0) };
        Ok(st)
    }

    pub fn link(&self) -> (bool, u32) {
        let mut l = sys::rte_eth_link::default();
        // SAFETY: l is a valid out-parameter.
        unsafe { sys::rte_eth_link_get_nowait(self.0, &mut l) };
        (l.link_status() != 0, l.link_speed)
    }

    pub fn stats(&self) -> EthStats {
        let mut s = sys::rte_eth_stats::default();
        // SAFETY: s is a valid out-parameter.
        unsafe { sys::rte_eth_stats_get(self.0, &mut s) };
        EthStats {
            ipackets: s.ipackets,
            opackets: s.opackets,
            ibytes: s.ibytes,
            obytes: s.obytes,
            imissed: s.imissed,
            ierrors: s.ierrors,
            oerrors: s.oerrors,
            rx_nombuf: s.rx_nombuf,
        }
    }

    pub fn stats_reset(&self) {
        // SAFETY: valid port.
        unsafe { sys::rte_eth_stats_reset(self.0) };
    }

    /// Stops the port; the PMD stops polling its rings.
    pub fn stop(&self) {
        // SAFETY: valid port; no worker polls it any more.
        unsafe { sys::rte_eth_dev_stop(self.0) };
    }

    /// Releases the queues (and the mbufs still in their rings).
    pub fn close(&self) {
        // SAFETY: stopped port; no worker uses it any more.
        unsafe { sys::rte_eth_dev_close(self.0) };
    }
}
