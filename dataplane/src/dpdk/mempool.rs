//! Packet mbuf pools.

use super::{sys, Error, Mbuf};
use std::ffi::CString;
use std::ptr::NonNull;

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
    ) -> Result<Mempool, Error> {
        let cname = CString::new(name).expect("pool name");
        // SAFETY: valid name; DPDK copies it.
        let p =
            unsafe { sys::rte_pktmbuf_pool_create(cname.as_ptr(), n, cache, 0, data_room, socket) };
        match NonNull::new(p) {
            Some(ptr) => Ok(Mempool { ptr, size: n }),
            None => Err(Error::last(format!(
                "cannot create mbuf pool {name} ({n} mbufs of {data_room} bytes)"
            ))
            .hint("give the EAL more memory: -m MB, or hugepages")),
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
    pub(super) fn alloc_bulk(&self, out: &mut [*mut sys::rte_mbuf]) -> bool {
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
