//! Arrays of owned mbufs: what an RX burst returned, or frames waiting for
//! a TX burst.

use super::{sys, Mbuf, Mempool, MAX_BURST};

/// A burst of owned mbufs: what an RX burst returned, or frames waiting
/// for a TX burst. The safe face of DPDK's `struct rte_mbuf *pkts[]`
/// arrays: every pointer in `pkts[..n]` is a valid mbuf this burst owns,
/// so indexing, reading lengths and editing bytes need no `unsafe` outside
/// the adapter. Dropping a burst frees what it still holds.
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
