//! Single-writer counters readable from other threads.

use std::sync::atomic::{AtomicU64, Ordering};

/// A counter written by exactly one thread (its worker) and read by any.
///
/// A relaxed load + store instead of `fetch_add` keeps the per-packet cost
/// a plain add: no locked read-modify-write on the fast path.
#[derive(Default, Debug)]
#[repr(transparent)]
pub struct Counter(AtomicU64);

impl Counter {
    #[inline(always)]
    pub fn add(&self, n: u64) {
        let v = self.0.load(Ordering::Relaxed);
        self.0.store(v.wrapping_add(n), Ordering::Relaxed);
    }
    #[inline(always)]
    pub fn inc(&self) {
        self.add(1)
    }
    #[inline]
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
    /// Only the owner may reset, or a reader that tolerates a lost update.
    pub fn set(&self, v: u64) {
        self.0.store(v, Ordering::Relaxed)
    }
}
