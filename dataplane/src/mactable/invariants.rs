//! The table's structural invariants, checked by its tests and by the
//! fuzz targets after each run (so not test-only code).

use super::*;
use std::collections::HashSet;

impl MacTable {
    /// With no thread inside the table: every key has a live value and
    /// vice versa, no key twice, displacement counts exact, no lock
    /// held, `len` right, and every entry found by `lookup`. Panics on
    /// the first one broken. Walks the whole table: not for a worker.
    #[doc(hidden)]
    pub fn check_invariants(&self) {
        let n = self.buckets.len();
        let mut displaced = vec![0u32; n];
        let mut keys = HashSet::new();
        for (b, bk) in self.buckets.iter().enumerate() {
            for s in 0..SLOTS {
                let k = bk.keys[s].load(Relaxed);
                let v = bk.vals[s].load(Relaxed);
                assert_eq!(k != 0, v & LIVE != 0, "bucket {b} slot {s}: {k:#x} {v:#x}");
                if k == 0 {
                    assert_eq!(v & !VER_MASK, 0, "dead value with bits");
                    continue;
                }
                assert!(keys.insert(k), "key {k:#x} twice");
                let mut c = self.home(k);
                while c != b {
                    displaced[c] += 1;
                    c = self.next(c);
                }
                let e = self.lookup(key_vlan(k), &key_mac(k)).expect("lookup");
                assert_eq!(e.dest, val_dest(v));
            }
        }
        for (b, bk) in self.buckets.iter().enumerate() {
            let m = bk.meta.load(Relaxed);
            assert_eq!(m & LOCK, 0, "bucket {b} locked");
            assert_eq!(m & DISPLACED, displaced[b], "bucket {b} count");
        }
        assert_eq!(self.len(), keys.len());
    }
}
