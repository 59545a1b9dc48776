//! One owned mbuf chain, and the [`Packet`] the bridge reads and edits
//! in place, zero copy.

use super::{sys, COPY_BREAK};
use crate::Packet;
use std::ptr::NonNull;

/// An owned mbuf chain. Dropping it frees it back to its pool.
#[repr(transparent)]
pub struct Mbuf(pub(super) NonNull<sys::rte_mbuf>);

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
