//! The MAC table: (VLAN, MAC) → [`Dest`], shared by every worker and the
//! control thread through an `Arc`.
//!
//! # Design
//!
//! Open addressing with linear probing over 64-byte buckets (one cache line
//! each) of three slots. A slot is three words: `key` (`1<<63 | vlan<<48 |
//! mac`, 0 = free), `val` (live, static, kind, 32-bit port/IPv4 and a 29-bit
//! *version*) and `seen` (last-seen seconds). The fourth word of the line,
//! `meta`, counts the live keys that were displaced *past* this bucket
//! (lookups stop at the first bucket where that count is 0, so a miss
//! usually touches one line) and holds, in bit 31, the insert lock for keys
//! whose home is this bucket. The hash is a folded 64×64→128 multiply of
//! the key xor a random per-table seed (no SipHash). Memory is allocated and
//! touched once in [`MacTable::new`]; nothing allocates afterwards.
//!
//! * **Lookup** takes no lock and does no read-modify-write: it loads `key`,
//!   then `val` (must be live), `key` again, `seen`, and `val` again. Every
//!   change of a slot's owner goes through "dead with version + 1" (a
//!   delete CASes the live value to a dead one with a bumped version, and
//!   only then frees the key; an insert claims a free key by CAS, then
//!   publishes a live value with that version). So if both `val` loads show
//!   a live value of the same version, the slot had one owner between them,
//!   the `key` read in between is that owner, and the destination belongs
//!   to the key looked up: never to a previous or next owner of the slot,
//!   even across delete/reuse (an ABA needs 2^29 reuses of one slot during
//!   one lookup). A value that changed owner reads as a miss.
//! * **Learn** of a known key writes nothing when nothing changed, stores
//!   `seen` only when `now` differs from it (once a second at most), and
//!   CASes `val` for a move; the CAS fails if the slot was deleted or moved
//!   meanwhile, and the learn starts over. A new key takes its home bucket's
//!   insert lock (so two threads cannot insert the same key twice; other
//!   keys are not blocked), checks again that the key is absent, claims a
//!   free slot by CAS, bumps the displacement counts of the buckets it
//!   passed and publishes the value. Lookups never wait for that lock.
//! * **Delete** (`remove`, `clear`, `age`) CASes the value from the exact
//!   live word it validated to dead, so it never removes an entry that was
//!   moved or replaced meanwhile; then it lowers the counts and frees the
//!   key. Readers ignore dead values. A refresh racing with aging may let
//!   an entry age out just as it was seen again; the next frame relearns it.
//! * A table never holds more than [`MacTable::capacity`] entries (plus at
//!   most one per concurrently inserting thread); it has 1.5× as many slots,
//!   so the load stays ≤ 2/3. A full table answers [`Learn::Full`] and never
//!   evicts. Static entries never move or age and are not replaced by
//!   learning.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering::*};

use crossbeam::utils::CachePadded;

use wire::ethernet::field;
use wire::ethernet::vlan_field::VID_MASK;
use wire::mac::{self, Mac};

/// The table's key form of a [`Mac`]: the address in the low 48 bits of a
/// `u64`, first byte highest. Not another address type: it exists because
/// the per-packet path reads addresses this way: one load from the frame
/// and register compares, instead of 6-byte arrays that round-trip through
/// the stack (a failed store-to-load forward costs more than the rest of
/// the address handling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac48(pub u64);

impl Mac48 {
    const MASK: u64 = (1 << 48) - 1;
    #[inline(always)]
    pub fn from_bytes(m: &Mac) -> Mac48 {
        let m = &m.0;
        Mac48(u64::from_be_bytes([
            0, 0, m[0], m[1], m[2], m[3], m[4], m[5],
        ]))
    }
    #[inline(always)]
    pub fn to_bytes(self) -> Mac {
        let b = self.0.to_be_bytes();
        Mac([b[2], b[3], b[4], b[5], b[6], b[7]])
    }
    /// The destination address of the Ethernet frame `d` starts (≥ 8 bytes).
    #[inline(always)]
    pub fn dst_of(d: &[u8]) -> Mac48 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[field::DESTINATION.start..field::DESTINATION.start + 8]);
        Mac48(u64::from_be_bytes(w) >> 16)
    }
    /// The source address of the Ethernet frame `d` starts (≥ 12 bytes).
    #[inline(always)]
    pub fn src_of(d: &[u8]) -> Mac48 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[field::SOURCE.end - 8..field::SOURCE.end]);
        Mac48(u64::from_be_bytes(w) & Self::MASK)
    }
    #[inline(always)]
    pub fn is_multicast(self) -> bool {
        self.0 & (u64::from(mac::GROUP_BIT) << 40) != 0
    }
    #[inline(always)]
    pub fn is_valid_source(self) -> bool {
        !self.is_multicast() && self.0 != 0
    }
    /// IEEE 802.1D reserved 01:80:c2:00:00:0X.
    #[inline(always)]
    pub fn is_link_local(self) -> bool {
        self.0 & !0xf == 0x0180_c200_0000
    }
}

impl From<Mac> for Mac48 {
    #[inline(always)]
    fn from(m: Mac) -> Mac48 {
        Mac48::from_bytes(&m)
    }
}

impl From<Mac48> for Mac {
    #[inline(always)]
    fn from(m: Mac48) -> Mac {
        m.to_bytes()
    }
}

/// Where frames for a MAC go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dest {
    /// A local DPDK port id.
    Port(u16),
    /// A remote VTEP's IPv4 address, host byte order.
    Vtep(u32),
}

/// A table entry as read by [`MacTable::lookup`] and [`MacTable::for_each`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub dest: Dest,
    pub is_static: bool,
    /// Seconds on the caller's monotonic clock when last learned; 0 for
    /// static entries.
    pub last_seen: u32,
}

/// What [`MacTable::learn`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Learn {
    /// Known with the same destination, already seen this second: no write.
    Unchanged,
    /// Known with the same destination; last-seen updated.
    Refreshed,
    /// Added.
    New,
    /// Known with another destination; now points at the new one.
    Moved { from: Dest },
    /// Unknown and no room: not learned (count it, flood the frame).
    Full,
    /// A static entry holds this MAC; left as is.
    Static,
}

/// The table has no room for another entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MAC table full")
    }
}

impl std::error::Error for Full {}

const SLOTS: usize = 3;

#[repr(C, align(64))]
#[derive(Default)]
struct Bucket {
    keys: [AtomicU64; SLOTS],
    vals: [AtomicU64; SLOTS],
    seen: [AtomicU32; SLOTS],
    /// Bits 0..31: live keys displaced past this bucket. Bit 31: insert
    /// lock for keys whose home bucket this is.
    meta: AtomicU32,
}

const _: () = assert!(std::mem::size_of::<Bucket>() == 64);

const LOCK: u32 = 1 << 31;
const DISPLACED: u32 = !LOCK;

// Key word: a tag bit so that no key is 0 (= free), 12-bit VLAN, 48-bit MAC.
const KEY_TAG: u64 = 1 << 63;

// Value word.
const LIVE: u64 = 1 << 63;
const STATIC: u64 = 1 << 62;
const VTEP: u64 = 1 << 61;
const VER_ONE: u64 = 1 << 32;
const VER_MASK: u64 = ((1 << 29) - 1) << 32;
const DEST_MASK: u64 = VTEP | 0xffff_ffff;
/// Bits that stay constant while one key owns a slot.
const EPOCH_MASK: u64 = LIVE | VER_MASK;

const HASH_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
fn make_key(vlan: u16, mac: &Mac) -> u64 {
    key48(vlan, Mac48::from_bytes(mac))
}

#[inline(always)]
fn key48(vlan: u16, mac: Mac48) -> u64 {
    debug_assert!(vlan < 4096, "VLAN id {vlan} has more than 12 bits");
    KEY_TAG | (u64::from(vlan) & u64::from(VID_MASK)) << 48 | (mac.0 & 0xffff_ffff_ffff)
}

fn key_vlan(key: u64) -> u16 {
    ((key >> 48) & u64::from(VID_MASK)) as u16
}

fn key_mac(key: u64) -> Mac {
    let b = key.to_be_bytes();
    Mac([b[2], b[3], b[4], b[5], b[6], b[7]])
}

#[inline(always)]
fn dest_bits(dest: Dest) -> u64 {
    match dest {
        Dest::Port(p) => u64::from(p),
        Dest::Vtep(ip) => VTEP | u64::from(ip),
    }
}

#[inline(always)]
fn val_dest(v: u64) -> Dest {
    if v & VTEP != 0 {
        Dest::Vtep(v as u32)
    } else {
        Dest::Port(v as u16)
    }
}

/// The dead word that ends the epoch of live value `v`.
#[inline(always)]
fn dead_of(v: u64) -> u64 {
    (v & VER_MASK).wrapping_add(VER_ONE) & VER_MASK
}

/// Asks the kernel to back `[p, p + len)`, memory we allocated and have not
/// touched yet, with transparent 2 MiB pages. A 1 M-entry table is 32 MiB:
/// on 4 KiB pages nearly every lookup also misses the TLB and pays a page
/// walk on top of its cache miss. Only advice: where THP is off the
/// table stays on small pages and works the same.
fn huge_pages(p: *const u8, len: usize) {
    const HUGE: usize = 2 << 20;
    if len < HUGE {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let page = 4096;
        let start = (p as usize).div_ceil(page) * page;
        let end = (p as usize + len) / page * page;
        if end > start {
            // SAFETY: madvise(MADV_HUGEPAGE) changes only how the pages of
            // this range (inside our own allocation) are backed, never their
            // mapping or contents; a failure leaves them as they were.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
}

/// The MAC table. See the module documentation for the concurrency design.
pub struct MacTable {
    buckets: Box<[Bucket]>,
    /// `64 - log2(buckets.len())`.
    shift: u32,
    seed: u64,
    capacity: usize,
    shared: CachePadded<Shared>,
}

/// The table's counters, on a line of their own.
#[derive(Default)]
struct Shared {
    len: AtomicUsize,
    /// Bumped after every change but a refresh: a [`Memo`] filled at one
    /// generation is still the table's answer while it stays.
    gen: AtomicU64,
}

impl fmt::Debug for MacTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MacTable")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

// Shared by workers and the control thread.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<MacTable>();
};

impl MacTable {
    /// A table for at least `capacity` entries: rounded up to a power of two
    /// (at least 4, at most 2^30), with 1.5 slots per entry. Allocates and
    /// touches all of its memory now.
    pub fn new(capacity: usize) -> Self {
        let seed = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Self::with_seed(capacity, seed)
    }

    fn with_seed(capacity: usize, seed: u64) -> Self {
        let capacity = capacity.clamp(4, 1 << 30).next_power_of_two();
        let nbuckets = capacity / 2;
        let mut v: Vec<Bucket> = Vec::with_capacity(nbuckets);
        huge_pages(v.as_ptr().cast(), nbuckets * std::mem::size_of::<Bucket>());
        v.extend((0..nbuckets).map(|_| Bucket::default()));
        let buckets = v.into_boxed_slice();
        // Fault every page in here rather than in a worker's first learns
        // (the zeroing above may have become a lazily mapped calloc).
        for b in buckets.iter() {
            b.meta.store(0, Relaxed);
        }
        MacTable {
            buckets,
            shift: 64 - nbuckets.trailing_zeros(),
            seed,
            capacity,
            shared: CachePadded::new(Shared::default()),
        }
    }

    /// Most entries the table holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Entries now in the table.
    pub fn len(&self) -> usize {
        self.shared.len.load(Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline(always)]
    fn home(&self, key: u64) -> usize {
        let p = u128::from(key ^ self.seed) * u128::from(HASH_MUL);
        let h = (p as u64) ^ ((p >> 64) as u64);
        (h >> self.shift) as usize
    }

    #[inline(always)]
    fn next(&self, b: usize) -> usize {
        (b + 1) & (self.buckets.len() - 1)
    }

    /// Hint the CPU to fetch the cache line where `(vlan, mac)` starts its
    /// probe; call it for a whole burst before the lookups. Loads nothing.
    #[inline]
    pub fn prefetch(&self, vlan: u16, mac: &Mac) {
        self.prefetch48(vlan, Mac48::from_bytes(mac))
    }

    /// [`MacTable::prefetch`] for an address read as [`Mac48`].
    #[inline(always)]
    pub fn prefetch48(&self, vlan: u16, mac: Mac48) {
        let b = &self.buckets[self.home(key48(vlan, mac))];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is only a hint; it never faults or reads into
        // the program, and `b` points into our allocation anyway.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>((b as *const Bucket).cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = b;
    }

    /// The slot holding `key` and the live value read there, validated by a
    /// `key` load after the value load (see the module docs); a CAS from
    /// that value succeeds only while `key` still owns the slot.
    #[inline(always)]
    fn find(&self, key: u64) -> Option<(&Bucket, usize, usize, u64)> {
        let mut b = self.home(key);
        for _ in 0..self.buckets.len() {
            let bk = &self.buckets[b];
            for s in 0..SLOTS {
                if bk.keys[s].load(Relaxed) == key {
                    let v = bk.vals[s].load(Acquire);
                    if v & LIVE != 0 && bk.keys[s].load(Acquire) == key {
                        return Some((bk, b, s, v));
                    }
                }
            }
            if bk.meta.load(Relaxed) & DISPLACED == 0 {
                return None;
            }
            b = self.next(b);
        }
        None
    }

    /// Reads `(last_seen, value)` for a slot found by `find` with value `v`;
    /// `None` if its owner changed since.
    #[inline(always)]
    fn confirm(bk: &Bucket, s: usize, v: u64) -> Option<(u32, u64)> {
        let seen = bk.seen[s].load(Relaxed);
        let v2 = bk.vals[s].load(Acquire);
        (v2 & EPOCH_MASK == v & EPOCH_MASK).then_some((seen, v2))
    }

    /// The entry for `(vlan, mac)`. Only loads: no lock, no atomic
    /// read-modify-write, no store.
    #[inline]
    pub fn lookup(&self, vlan: u16, mac: &Mac) -> Option<Entry> {
        self.lookup48(vlan, Mac48::from_bytes(mac))
    }

    /// [`MacTable::lookup`] for an address read as [`Mac48`].
    #[inline(always)]
    pub fn lookup48(&self, vlan: u16, mac: Mac48) -> Option<Entry> {
        let (bk, _, s, v) = self.find(key48(vlan, mac))?;
        let (last_seen, v) = Self::confirm(bk, s, v)?;
        Some(Entry {
            dest: val_dest(v),
            is_static: v & STATIC != 0,
            last_seen,
        })
    }

    /// Learn that `(vlan, mac)` was seen at `dest` at time `now` (seconds).
    /// Writes nothing when the entry is already up to date, the last-seen
    /// time only when `now` differs from it, the destination (at once) when
    /// the MAC moved.
    #[inline]
    pub fn learn(&self, vlan: u16, mac: &Mac, dest: Dest, now: u32) -> Learn {
        self.learn48(vlan, Mac48::from_bytes(mac), dest, now)
    }

    /// [`MacTable::learn`] for an address read as [`Mac48`].
    #[inline(always)]
    pub fn learn48(&self, vlan: u16, mac: Mac48, dest: Dest, now: u32) -> Learn {
        let key = key48(vlan, mac);
        let want = dest_bits(dest);
        loop {
            if let Some((bk, _, s, v)) = self.find(key) {
                if v & STATIC != 0 {
                    return Learn::Static;
                }
                if v & DEST_MASK == want {
                    if bk.seen[s].load(Relaxed) == now {
                        return Learn::Unchanged;
                    }
                    bk.seen[s].store(now, Relaxed);
                    return Learn::Refreshed;
                }
                let nv = (v & !DEST_MASK) | want;
                if bk.vals[s].compare_exchange(v, nv, AcqRel, Relaxed).is_ok() {
                    if bk.seen[s].load(Relaxed) != now {
                        bk.seen[s].store(now, Relaxed);
                    }
                    self.changed();
                    return Learn::Moved { from: val_dest(v) };
                }
                // Moved or deleted meanwhile: look again.
                continue;
            }
            if let Some(r) = self.insert_new(key, want, now) {
                return r;
            }
        }
    }

    /// Add or replace a static entry (from configuration): it never moves
    /// or ages and learning leaves it alone. Replaces a dynamic entry.
    pub fn insert_static(&self, vlan: u16, mac: &Mac, dest: Dest) -> Result<(), Full> {
        let key = make_key(vlan, mac);
        let want = STATIC | dest_bits(dest);
        loop {
            if let Some((bk, _, s, v)) = self.find(key) {
                let nv = (v & EPOCH_MASK) | want;
                if v == nv || bk.vals[s].compare_exchange(v, nv, AcqRel, Relaxed).is_ok() {
                    bk.seen[s].store(0, Relaxed);
                    self.changed();
                    return Ok(());
                }
                continue;
            }
            match self.insert_new(key, want, 0) {
                Some(Learn::New) => return Ok(()),
                Some(_) => return Err(Full),
                None => {}
            }
        }
    }

    /// See [`Shared::gen`]. Release: whoever reads the new generation
    /// (Acquire) sees the change.
    fn changed(&self) {
        self.shared.gen.fetch_add(1, Release);
    }

    /// The generation: it changes after every change to the table but a
    /// refresh of a last-seen time, so answers read after reading one
    /// generation hold while a later read gives the same.
    #[inline(always)]
    pub fn generation(&self) -> u64 {
        self.shared.gen.load(Acquire)
    }

    /// Insert `key` (absent when the caller looked) with value bits `bits`.
    /// `None` if another thread inserted it meanwhile.
    #[cold]
    fn insert_new(&self, key: u64, bits: u64, seen: u32) -> Option<Learn> {
        let home = self.home(key);
        let lock = &self.buckets[home].meta;
        while lock.fetch_or(LOCK, Acquire) & LOCK != 0 {
            while lock.load(Relaxed) & LOCK != 0 {
                std::hint::spin_loop();
            }
        }
        let r = self.insert_locked(key, home, bits, seen);
        lock.fetch_and(!LOCK, Release);
        r
    }

    fn insert_locked(&self, key: u64, home: usize, bits: u64, seen: u32) -> Option<Learn> {
        if self.find(key).is_some() {
            return None;
        }
        if self.shared.len.load(Relaxed) >= self.capacity {
            return Some(Learn::Full);
        }
        let mut b = home;
        for _ in 0..self.buckets.len() {
            let bk = &self.buckets[b];
            for s in 0..SLOTS {
                if bk.keys[s].load(Relaxed) == 0
                    && bk.keys[s]
                        .compare_exchange(0, key, Acquire, Relaxed)
                        .is_ok()
                {
                    let mut c = home;
                    while c != b {
                        self.buckets[c].meta.fetch_add(1, Relaxed);
                        c = self.next(c);
                    }
                    bk.seen[s].store(seen, Relaxed);
                    // The claim's Acquire saw the deleter's dead word.
                    let ver = bk.vals[s].load(Relaxed) & VER_MASK;
                    bk.vals[s].store(LIVE | ver | bits, Release);
                    self.shared.len.fetch_add(1, Relaxed);
                    self.changed();
                    return Some(Learn::New);
                }
            }
            b = self.next(b);
        }
        Some(Learn::Full)
    }

    /// Delete the entry of `key` in bucket `b`, slot `s`, if its value is
    /// still exactly `v` (live, read before `key` was).
    fn kill(&self, b: usize, s: usize, key: u64, v: u64) -> bool {
        let bk = &self.buckets[b];
        if bk.vals[s]
            .compare_exchange(v, dead_of(v), AcqRel, Relaxed)
            .is_err()
        {
            return false;
        }
        let mut c = self.home(key);
        while c != b {
            self.buckets[c].meta.fetch_sub(1, Relaxed);
            c = self.next(c);
        }
        bk.keys[s].store(0, Release);
        self.shared.len.fetch_sub(1, Relaxed);
        self.changed();
        true
    }

    /// Remove the entry for `(vlan, mac)`, static or dynamic. False if
    /// there was none.
    pub fn remove(&self, vlan: u16, mac: &Mac) -> bool {
        let key = make_key(vlan, mac);
        while let Some((_, b, s, v)) = self.find(key) {
            if self.kill(b, s, key, v) {
                return true;
            }
        }
        false
    }

    /// Visit every live slot as `(bucket, slot, key, value, last_seen)`,
    /// validated like a lookup.
    fn scan(&self, mut f: impl FnMut(usize, usize, u64, u64, u32)) {
        for (b, bk) in self.buckets.iter().enumerate() {
            for s in 0..SLOTS {
                let v = bk.vals[s].load(Acquire);
                if v & LIVE == 0 {
                    continue;
                }
                let key = bk.keys[s].load(Acquire);
                if let Some((seen, v)) = Self::confirm(bk, s, v) {
                    f(b, s, key, v, seen);
                }
            }
        }
    }

    /// Remove the dynamic entries of `vlan`, or of all VLANs; returns how
    /// many.
    pub fn clear(&self, vlan: Option<u16>) -> usize {
        let mut n = 0;
        self.scan(|b, s, key, v, _| {
            if v & STATIC == 0
                && vlan.is_none_or(|vl| vl == key_vlan(key))
                && self.kill(b, s, key, v)
            {
                n += 1;
            }
        });
        n
    }

    /// Remove dynamic entries not seen for `max_age` seconds or more at
    /// time `now` (0 = never age), calling `on_aged(vlan, mac, dest)` for
    /// each; returns how many. Run it from the control thread, e.g. once a
    /// second; it walks the whole table.
    pub fn age(&self, now: u32, max_age: u32, mut on_aged: impl FnMut(u16, Mac, Dest)) -> usize {
        if max_age == 0 {
            return 0;
        }
        let mut n = 0;
        self.scan(|b, s, key, v, seen| {
            let age = now.wrapping_sub(seen);
            // A negative age: learned by a worker whose clock read is newer.
            if v & STATIC == 0 && (age as i32) > 0 && age >= max_age && self.kill(b, s, key, v) {
                n += 1;
                on_aged(key_vlan(key), key_mac(key), val_dest(v));
            }
        });
        n
    }

    /// Call `f(vlan, mac, entry)` for every entry, for show commands. Each
    /// entry is read consistently; the table as a whole is not frozen.
    pub fn for_each(&self, mut f: impl FnMut(u16, Mac, Entry)) {
        self.scan(|_, _, key, v, last_seen| {
            f(
                key_vlan(key),
                key_mac(key),
                Entry {
                    dest: val_dest(v),
                    is_static: v & STATIC != 0,
                    last_seen,
                },
            )
        });
    }
}

/// Entries in each half of a [`Memo`].
pub const MEMO_WAYS: usize = 16;

/// A memo entry's destination bits for a lookup that found nothing.
const MEMO_MISS: u64 = u64::MAX;

/// One worker's memo of its recent destination lookups and source learns:
/// a direct-mapped array indexed by the MAC's low bits, so traffic among a
/// few hosts costs one compare per address instead of a table probe.
/// OVS-DPDK's per-thread exact-match cache and VPP's per-frame L2 key cache
/// do the same in front of their shared tables. It holds while the table's
/// [`MacTable::generation`] and the second stay as they were
/// ([`Memo::next_burst`], which `bridge::Fdb::new` calls for each burst).
/// Why it is exact:
/// * a learn through the memo that adds or moves an entry forgets every
///   memoised lookup, so a move still takes effect on the first frame from
///   the new place, also for the next frame of the same burst;
/// * a memoised learn is one that found the entry with the same
///   destination in this second, and nothing but refreshes happened to the
///   table since: it would have answered `Unchanged` and written nothing;
/// * a memoised lookup is the table's answer while nothing but refreshes
///   happened to it;
/// * what other threads change (a move seen by another worker, aging, a
///   static entry) changes the generation, and so is seen from this
///   worker's next burst, about a microsecond later: the same as if this
///   burst had arrived that much earlier, which the queues never promise
///   anyway.
#[derive(Clone, Debug, Default)]
pub struct Memo {
    /// Keys (0: empty, which no key is) and destination bits, way by way;
    /// the keys side by side so that forgetting them is a few stores.
    src_key: [u64; MEMO_WAYS],
    dst_key: [u64; MEMO_WAYS],
    src_bits: [u64; MEMO_WAYS],
    dst_bits: [u64; MEMO_WAYS],
    /// The table generation and the second it was filled in.
    gen: u64,
    now: u32,
}

#[inline(always)]
fn way(mac: Mac48) -> usize {
    mac.0 as usize & (MEMO_WAYS - 1)
}

impl Memo {
    /// Call before each burst, with the table's [`MacTable::generation`]
    /// and the time: forgets everything when either moved on.
    #[inline(always)]
    pub fn next_burst(&mut self, gen: u64, now: u32) {
        if gen != self.gen || now != self.now {
            self.src_key = [0; MEMO_WAYS];
            self.dst_key = [0; MEMO_WAYS];
            self.gen = gen;
            self.now = now;
        }
    }

    /// [`MacTable::lookup48`]'s destination, from the memo when the key
    /// was looked up since it last forgot.
    #[inline(always)]
    pub fn lookup(&mut self, t: &MacTable, vlan: u16, mac: Mac48) -> Option<Dest> {
        let (key, w) = (key48(vlan, mac), way(mac));
        if self.dst_key[w] != key {
            self.dst_key[w] = key;
            self.dst_bits[w] = t
                .lookup48(vlan, mac)
                .map_or(MEMO_MISS, |x| dest_bits(x.dest));
        }
        let bits = self.dst_bits[w];
        (bits != MEMO_MISS).then(|| val_dest(bits))
    }

    /// Whether the key was learned at `dest` since the memo last forgot:
    /// [`Memo::learn`] would return `Unchanged` and touch nothing.
    #[inline(always)]
    pub fn learned(&self, vlan: u16, mac: Mac48, dest: Dest) -> bool {
        let w = way(mac);
        self.src_key[w] == key48(vlan, mac) && self.src_bits[w] == dest_bits(dest)
    }

    /// [`MacTable::learn48`], skipped (`Unchanged`) when the same key was
    /// learned at the same destination since the memo last forgot.
    #[inline(always)]
    pub fn learn(&mut self, t: &MacTable, vlan: u16, mac: Mac48, dest: Dest, now: u32) -> Learn {
        if self.learned(vlan, mac, dest) {
            return Learn::Unchanged;
        }
        let (key, w) = (key48(vlan, mac), way(mac));
        let bits = dest_bits(dest);
        let r = t.learn48(vlan, mac, dest, now);
        match r {
            Learn::Unchanged | Learn::Refreshed => {}
            Learn::New | Learn::Moved { .. } => self.dst_key = [0; MEMO_WAYS],
            Learn::Full | Learn::Static => return r,
        }
        self.src_key[w] = key;
        self.src_bits[w] = bits;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    fn mac(i: u32) -> Mac {
        let b = i.to_be_bytes();
        Mac([0x02, 0x00, b[0], b[1], b[2], b[3]])
    }

    impl MacTable {
        /// With no thread inside the table: every key has a live value and
        /// vice versa, no key twice, displacement counts exact, no lock
        /// held, `len` right, and every entry found by `lookup`.
        fn check_invariants(&self) {
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

    #[test]
    fn mac48_reads_and_classifies_like_the_byte_view() {
        let f: Vec<u8> = (0u8..14).map(|b| b.wrapping_mul(37) ^ 0x5a).collect();
        let e = wire::EthernetFrame::new_unchecked(&f[..]);
        assert_eq!(Mac48::dst_of(&f).to_bytes(), e.dst_addr());
        assert_eq!(Mac48::src_of(&f).to_bytes(), e.src_addr());
        for m in [
            [0x01, 0x80, 0xc2, 0, 0, 0x00],
            [0x01, 0x80, 0xc2, 0, 0, 0x0e],
            [0x01, 0x80, 0xc2, 0, 0, 0x10],
            [0x01, 0x80, 0xc2, 0, 1, 0x00],
            Mac::BROADCAST.0,
            [0x01, 0x00, 0x5e, 1, 1, 100],
            [0; 6],
            [0x02, 0, 0, 0, 0, 1],
            [0x00, 0x50, 0x56, 0xb9, 0x55, 0x58],
        ] {
            let m = Mac(m);
            let w = Mac48::from_bytes(&m);
            assert_eq!(w.to_bytes(), m);
            assert_eq!(w.is_multicast(), m.is_multicast(), "{m:02x?}");
            assert_eq!(w.is_valid_source(), m.is_valid_source(), "{m:02x?}");
            assert_eq!(w.is_link_local(), m.is_link_local(), "{m:02x?}");
        }
    }

    #[test]
    fn key_roundtrip_and_capacity() {
        let k = make_key(4094, &Mac([1, 2, 3, 4, 5, 6]));
        assert_ne!(k, 0);
        assert_eq!(key_vlan(k), 4094);
        assert_eq!(key_mac(k), Mac([1, 2, 3, 4, 5, 6]));
        assert_ne!(make_key(0, &Mac::ZERO), 0);
        assert_eq!(MacTable::new(1).capacity(), 4);
        assert_eq!(MacTable::new(1000).capacity(), 1024);
        assert_eq!(MacTable::new(1 << 20).capacity(), 1 << 20);
        let t = MacTable::new(1000);
        assert!(t.buckets.len() * SLOTS >= t.capacity() * 3 / 2);
        for d in [
            Dest::Port(0),
            Dest::Port(65535),
            Dest::Vtep(0),
            Dest::Vtep(u32::MAX),
        ] {
            assert_eq!(val_dest(LIVE | VER_MASK | dest_bits(d)), d);
        }
    }

    #[test]
    fn insert_lookup() {
        let t = MacTable::new(64);
        assert!(t.is_empty());
        assert_eq!(t.lookup(10, &mac(1)), None);
        assert_eq!(t.learn(10, &mac(1), Dest::Port(3), 100), Learn::New);
        assert_eq!(
            t.learn(10, &mac(2), Dest::Vtep(0x0a00_0001), 100),
            Learn::New
        );
        assert_eq!(
            t.lookup(10, &mac(1)),
            Some(Entry {
                dest: Dest::Port(3),
                is_static: false,
                last_seen: 100
            })
        );
        assert_eq!(t.lookup(10, &mac(2)).unwrap().dest, Dest::Vtep(0x0a00_0001));
        // Same MAC in another VLAN is another entry.
        assert_eq!(t.lookup(11, &mac(1)), None);
        assert_eq!(t.learn(11, &mac(1), Dest::Port(4), 100), Learn::New);
        assert_eq!(t.lookup(11, &mac(1)).unwrap().dest, Dest::Port(4));
        assert_eq!(t.lookup(10, &mac(1)).unwrap().dest, Dest::Port(3));
        assert_eq!(t.len(), 3);
        t.check_invariants();
    }

    #[test]
    fn refresh_at_most_once_per_second() {
        let t = MacTable::new(64);
        assert_eq!(t.learn(1, &mac(1), Dest::Port(1), 10), Learn::New);
        assert_eq!(t.learn(1, &mac(1), Dest::Port(1), 10), Learn::Unchanged);
        assert_eq!(t.lookup(1, &mac(1)).unwrap().last_seen, 10);
        assert_eq!(t.learn(1, &mac(1), Dest::Port(1), 11), Learn::Refreshed);
        assert_eq!(t.lookup(1, &mac(1)).unwrap().last_seen, 11);
        for _ in 0..5 {
            assert_eq!(t.learn(1, &mac(1), Dest::Port(1), 11), Learn::Unchanged);
        }
        // Check the stored word itself, not only what lookup reports.
        let (bk, _, s, v) = t.find(make_key(1, &mac(1))).unwrap();
        assert_eq!(bk.seen[s].load(Relaxed), 11);
        assert_eq!(t.learn(1, &mac(1), Dest::Port(1), 12), Learn::Refreshed);
        assert_eq!(bk.seen[s].load(Relaxed), 12);
        // A refresh never touches the value word.
        assert_eq!(bk.vals[s].load(Relaxed), v);
    }

    #[test]
    fn the_generation_moves_on_every_change_but_a_refresh() {
        let t = MacTable::new(64);
        let g = |t: &MacTable| t.generation();
        let mut last = g(&t);
        let mut step = |t: &MacTable, changes: bool, what: &str| {
            let now = g(t);
            assert_eq!(now != last, changes, "{what}");
            last = now;
        };
        assert_eq!(t.learn(5, &mac(1), Dest::Port(1), 1), Learn::New);
        step(&t, true, "new");
        assert_eq!(t.learn(5, &mac(1), Dest::Port(1), 1), Learn::Unchanged);
        step(&t, false, "unchanged");
        assert_eq!(t.learn(5, &mac(1), Dest::Port(1), 2), Learn::Refreshed);
        step(&t, false, "refreshed");
        t.learn(5, &mac(1), Dest::Port(2), 2);
        step(&t, true, "moved");
        t.insert_static(5, &mac(2), Dest::Port(2)).unwrap();
        step(&t, true, "static added");
        t.insert_static(5, &mac(1), Dest::Port(3)).unwrap();
        step(&t, true, "dynamic made static");
        assert_eq!(t.learn(5, &mac(2), Dest::Port(1), 2), Learn::Static);
        step(&t, false, "static left alone");
        assert!(t.remove(5, &mac(2)));
        step(&t, true, "removed");
        t.learn(5, &mac(4), Dest::Port(1), 2);
        step(&t, true, "new");
        assert_eq!(t.age(400, 300, |_, _, _| {}), 1);
        step(&t, true, "aged");
        t.learn(5, &mac(4), Dest::Port(1), 2);
        step(&t, true, "new");
        assert_eq!(t.clear(None), 1);
        step(&t, true, "cleared");
        assert_eq!(t.clear(None), 0);
        step(&t, false, "nothing to clear");
    }

    #[test]
    fn memo_moves_take_effect_on_the_next_frame_of_the_burst() {
        let t = MacTable::new(64);
        let mut memo = Memo::default();
        memo.next_burst(t.generation(), 9);
        let (a, b) = (Mac48::from_bytes(&mac(1)), Mac48::from_bytes(&mac(2)));
        // A miss is memoised, and forgotten when the burst learns the MAC.
        assert_eq!(memo.lookup(&t, 5, a), None);
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 9), Learn::New);
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(1)));
        // A repeat learn: unchanged.
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 9), Learn::Unchanged);
        // A move seen by this worker: the very next lookup follows it.
        let far = Dest::Vtep(0xc0a8_0102);
        assert_eq!(
            memo.learn(&t, 5, a, far, 9),
            Learn::Moved {
                from: Dest::Port(1)
            }
        );
        assert_eq!(memo.lookup(&t, 5, a), Some(far));
        assert_eq!(t.lookup48(5, a).unwrap().dest, far);
        assert_eq!(
            memo.learn(&t, 5, a, Dest::Port(1), 9),
            Learn::Moved { from: far }
        );
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(1)));
        // Same MAC, other VLAN; and another MAC in the same way (low bits).
        let b_same_way = Mac48(b.0 + MEMO_WAYS as u64 - 1);
        assert_eq!(way(b_same_way), way(a));
        assert_eq!(memo.lookup(&t, 6, a), None);
        assert_eq!(memo.learn(&t, 5, b_same_way, Dest::Port(4), 9), Learn::New);
        assert_eq!(memo.lookup(&t, 5, b_same_way), Some(Dest::Port(4)));
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(1)));
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 9), Learn::Unchanged);
        // A static entry is never memoised as learned.
        t.insert_static(5, &mac(3), Dest::Port(2)).unwrap();
        let s = Mac48::from_bytes(&mac(3));
        assert_eq!(memo.learn(&t, 5, s, Dest::Port(1), 9), Learn::Static);
        assert_eq!(memo.learn(&t, 5, s, Dest::Port(1), 9), Learn::Static);
    }

    #[test]
    fn memo_sees_other_threads_changes_from_the_next_burst() {
        let t = MacTable::new(64);
        let mut memo = Memo::default();
        let a = Mac48::from_bytes(&mac(1));
        memo.next_burst(t.generation(), 9);
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 9), Learn::New);
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(1)));
        // Another worker moves it: this burst still answers from the memo
        // (the table itself would say Moved), the next one sees the move.
        t.learn48(5, a, Dest::Port(2), 9);
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(1)));
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 9), Learn::Unchanged);
        assert_eq!(t.lookup48(5, a).unwrap().dest, Dest::Port(2));
        memo.next_burst(t.generation(), 9);
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(2)));
        // Back from port 1: the table moves it again (not a memoised no-op).
        assert_eq!(
            memo.learn(&t, 5, a, Dest::Port(1), 9),
            Learn::Moved {
                from: Dest::Port(2)
            }
        );
        // Aged out elsewhere: the next burst misses and relearns.
        assert!(t.remove(5, &mac(1)));
        memo.next_burst(t.generation(), 10);
        assert_eq!(memo.lookup(&t, 5, a), None);
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 10), Learn::New);
        // Later bursts of the same second, the table unchanged: still
        // memoised (the table too would say Unchanged).
        memo.next_burst(t.generation(), 10);
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 10), Learn::Unchanged);
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(1)));
        // A new second refreshes through the table, though nothing changed.
        memo.next_burst(t.generation(), 11);
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 11), Learn::Refreshed);
        assert_eq!(t.lookup48(5, a).unwrap().last_seen, 11);
        // A static entry installed, then the dynamic ones cleared: each is
        // seen from the next burst, in the same second.
        t.insert_static(5, &mac(1), Dest::Port(3)).unwrap();
        memo.next_burst(t.generation(), 11);
        assert_eq!(memo.lookup(&t, 5, a), Some(Dest::Port(3)));
        assert_eq!(memo.learn(&t, 5, a, Dest::Port(1), 11), Learn::Static);
        let b = Mac48::from_bytes(&mac(2));
        assert_eq!(memo.learn(&t, 5, b, Dest::Port(1), 11), Learn::New);
        memo.next_burst(t.generation(), 11);
        assert_eq!(t.clear(Some(5)), 1);
        memo.next_burst(t.generation(), 11);
        assert_eq!(memo.lookup(&t, 5, b), None);
        assert_eq!(memo.learn(&t, 5, b, Dest::Port(1), 11), Learn::New);
    }

    #[test]
    fn moves_port_vtep_port() {
        let t = MacTable::new(64);
        let m = mac(7);
        assert_eq!(t.learn(5, &m, Dest::Port(1), 1), Learn::New);
        assert_eq!(
            t.learn(5, &m, Dest::Vtep(0xc0a8_0102), 2),
            Learn::Moved {
                from: Dest::Port(1)
            }
        );
        assert_eq!(
            t.lookup(5, &m),
            Some(Entry {
                dest: Dest::Vtep(0xc0a8_0102),
                is_static: false,
                last_seen: 2
            })
        );
        assert_eq!(t.learn(5, &m, Dest::Vtep(0xc0a8_0102), 2), Learn::Unchanged);
        // Takes effect on the first frame, even within the same second.
        assert_eq!(
            t.learn(5, &m, Dest::Port(2), 2),
            Learn::Moved {
                from: Dest::Vtep(0xc0a8_0102)
            }
        );
        assert_eq!(t.lookup(5, &m).unwrap().dest, Dest::Port(2));
        assert_eq!(
            t.learn(5, &m, Dest::Port(3), 3),
            Learn::Moved {
                from: Dest::Port(2)
            }
        );
        assert_eq!(
            t.lookup(5, &m).unwrap(),
            Entry {
                dest: Dest::Port(3),
                is_static: false,
                last_seen: 3
            }
        );
        // Port 0x0102 and VTEP 0.0.1.2 have the same low bits: still a move.
        assert_eq!(
            t.learn(5, &m, Dest::Port(0x0102), 3),
            Learn::Moved {
                from: Dest::Port(3)
            }
        );
        assert_eq!(
            t.learn(5, &m, Dest::Vtep(0x0102), 3),
            Learn::Moved {
                from: Dest::Port(0x0102)
            }
        );
        assert_eq!(t.len(), 1);
        t.check_invariants();
    }

    #[test]
    fn static_not_overwritten() {
        let t = MacTable::new(64);
        let m = mac(9);
        t.insert_static(3, &m, Dest::Port(4)).unwrap();
        let st = Entry {
            dest: Dest::Port(4),
            is_static: true,
            last_seen: 0,
        };
        assert_eq!(t.lookup(3, &m), Some(st));
        assert_eq!(t.learn(3, &m, Dest::Vtep(1), 50), Learn::Static);
        assert_eq!(t.learn(3, &m, Dest::Port(4), 50), Learn::Static);
        assert_eq!(t.lookup(3, &m), Some(st));
        // Neither aging nor clear removes it.
        assert_eq!(
            t.age(100_000, 300, |_, _, _| panic!("aged a static entry")),
            0
        );
        assert_eq!(t.clear(None), 0);
        assert_eq!(t.clear(Some(3)), 0);
        assert_eq!(t.lookup(3, &m), Some(st));
        // Config may replace it, and may turn a dynamic entry static.
        t.insert_static(3, &m, Dest::Vtep(7)).unwrap();
        assert_eq!(t.lookup(3, &m).unwrap().dest, Dest::Vtep(7));
        assert_eq!(t.learn(3, &mac(10), Dest::Port(1), 50), Learn::New);
        t.insert_static(3, &mac(10), Dest::Port(2)).unwrap();
        assert_eq!(
            t.lookup(3, &mac(10)),
            Some(Entry {
                dest: Dest::Port(2),
                is_static: true,
                last_seen: 0
            })
        );
        assert_eq!(t.len(), 2);
        assert!(t.remove(3, &m));
        assert_eq!(t.lookup(3, &m), None);
        t.check_invariants();
    }

    #[test]
    fn full_table_keeps_entries() {
        let t = MacTable::new(8);
        let cap = t.capacity();
        assert_eq!(cap, 8);
        for i in 0..cap as u32 {
            assert_eq!(t.learn(1, &mac(i), Dest::Port(i as u16), 1), Learn::New);
        }
        assert_eq!(t.learn(1, &mac(100), Dest::Port(100), 1), Learn::Full);
        assert_eq!(t.learn(2, &mac(0), Dest::Port(100), 1), Learn::Full);
        assert_eq!(t.insert_static(1, &mac(101), Dest::Port(1)), Err(Full));
        assert_eq!(t.len(), cap);
        for i in 0..cap as u32 {
            assert_eq!(t.lookup(1, &mac(i)).unwrap().dest, Dest::Port(i as u16));
        }
        assert_eq!(t.lookup(1, &mac(100)), None);
        // Known entries still refresh and move when full.
        assert_eq!(t.learn(1, &mac(0), Dest::Port(0), 2), Learn::Refreshed);
        assert_eq!(
            t.learn(1, &mac(1), Dest::Port(9), 2),
            Learn::Moved {
                from: Dest::Port(1)
            }
        );
        // Room again after a removal.
        assert!(t.remove(1, &mac(2)));
        assert_eq!(t.learn(1, &mac(100), Dest::Port(100), 3), Learn::New);
        assert_eq!(t.learn(1, &mac(101), Dest::Port(101), 3), Learn::Full);
        t.check_invariants();
    }

    #[test]
    fn aging_removes_only_old_dynamic() {
        let t = MacTable::new(64);
        t.learn(1, &mac(1), Dest::Port(1), 100); // age 300 at 400
        t.learn(1, &mac(2), Dest::Port(2), 101); // age 299
        t.learn(2, &mac(3), Dest::Vtep(3), 50); // age 350
        t.learn(2, &mac(4), Dest::Port(4), 410); // newer than `now`
        t.insert_static(1, &mac(5), Dest::Port(5)).unwrap();
        assert_eq!(t.age(400, 0, |_, _, _| panic!("max_age 0 ages")), 0);
        let mut aged = Vec::new();
        let n = t.age(400, 300, |v, m, d| aged.push((v, m, d)));
        assert_eq!(n, 2);
        aged.sort_by_key(|a| (a.0, a.1));
        assert_eq!(
            aged,
            vec![(1, mac(1), Dest::Port(1)), (2, mac(3), Dest::Vtep(3))]
        );
        assert_eq!(t.lookup(1, &mac(1)), None);
        assert_eq!(t.lookup(2, &mac(3)), None);
        assert!(t.lookup(1, &mac(2)).is_some());
        assert!(t.lookup(2, &mac(4)).is_some());
        assert!(t.lookup(1, &mac(5)).is_some());
        assert_eq!(t.len(), 3);
        // A refresh keeps an entry alive.
        assert_eq!(t.learn(1, &mac(2), Dest::Port(2), 400), Learn::Refreshed);
        assert_eq!(t.age(600, 300, |_, _, _| {}), 0);
        assert_eq!(t.age(709, 300, |_, _, _| {}), 1);
        assert_eq!(t.age(710, 300, |_, _, _| {}), 1);
        assert_eq!(t.len(), 1);
        t.check_invariants();
    }

    #[test]
    fn clear_per_vlan() {
        let t = MacTable::new(64);
        for i in 0..10 {
            t.learn(10, &mac(i), Dest::Port(1), 1);
            t.learn(20, &mac(i), Dest::Vtep(i), 1);
        }
        t.insert_static(10, &mac(100), Dest::Port(2)).unwrap();
        t.insert_static(20, &mac(100), Dest::Port(2)).unwrap();
        assert_eq!(t.clear(Some(30)), 0);
        assert_eq!(t.clear(Some(10)), 10);
        assert_eq!(t.len(), 12);
        for i in 0..10 {
            assert_eq!(t.lookup(10, &mac(i)), None);
            assert_eq!(t.lookup(20, &mac(i)).unwrap().dest, Dest::Vtep(i));
        }
        assert!(t.lookup(10, &mac(100)).is_some());
        assert_eq!(t.clear(None), 10);
        assert_eq!(t.len(), 2);
        let mut seen = Vec::new();
        t.for_each(|v, m, e| seen.push((v, m, e)));
        seen.sort_by_key(|x| x.0);
        let st = Entry {
            dest: Dest::Port(2),
            is_static: true,
            last_seen: 0,
        };
        assert_eq!(seen, vec![(10, mac(100), st), (20, mac(100), st)]);
        t.check_invariants();
    }

    #[test]
    fn remove_then_reinsert() {
        let t = MacTable::new(64);
        assert!(!t.remove(1, &mac(1)));
        assert_eq!(t.learn(1, &mac(1), Dest::Port(1), 1), Learn::New);
        let (_, b, s, v) = t.find(make_key(1, &mac(1))).unwrap();
        assert!(t.remove(1, &mac(1)));
        assert!(!t.remove(1, &mac(1)));
        assert_eq!(t.lookup(1, &mac(1)), None);
        assert_eq!(t.len(), 0);
        t.check_invariants();
        assert_eq!(t.learn(1, &mac(1), Dest::Vtep(2), 5), Learn::New);
        assert_eq!(
            t.lookup(1, &mac(1)),
            Some(Entry {
                dest: Dest::Vtep(2),
                is_static: false,
                last_seen: 5
            })
        );
        // Same slot again, next version: a reader holding the old value
        // word cannot mistake the new entry for the one it read.
        let (_, b2, s2, v2) = t.find(make_key(1, &mac(1))).unwrap();
        assert_eq!((b, s), (b2, s2));
        assert_ne!(v & EPOCH_MASK, v2 & EPOCH_MASK);
        assert!(MacTable::confirm(&t.buckets[b], s, v).is_none());
        assert_eq!(t.len(), 1);
        t.check_invariants();
    }

    #[test]
    fn many_colliding_keys() {
        let t = MacTable::with_seed(1024, 0x1234_5678);
        let nb = t.buckets.len();
        // Keys that all hash to the last bucket, so the run wraps around.
        let target = nb - 1;
        let keys: Vec<u32> = (0..1_000_000u32)
            .filter(|&i| t.home(make_key(7, &mac(i))) == target)
            .take(40)
            .collect();
        assert_eq!(keys.len(), 40);
        for (n, &i) in keys.iter().enumerate() {
            assert_eq!(t.learn(7, &mac(i), Dest::Vtep(i), 1), Learn::New);
            assert_eq!(t.len(), n + 1);
        }
        // 40 keys in 3-slot buckets from the last bucket: wrapped.
        assert!(t.buckets[0].keys.iter().any(|k| k.load(Relaxed) != 0));
        assert_eq!(t.buckets[nb - 1].meta.load(Relaxed), 37);
        t.check_invariants();
        // Unknown keys with that home bucket miss.
        let other = (1_000_000u32..)
            .find(|&i| t.home(make_key(7, &mac(i))) == target)
            .unwrap();
        assert_eq!(t.lookup(7, &mac(other)), None);
        // Punch holes in the middle of the run; the rest stays reachable.
        for &i in keys.iter().step_by(3) {
            assert!(t.remove(7, &mac(i)));
        }
        t.check_invariants();
        for (n, &i) in keys.iter().enumerate() {
            let e = t.lookup(7, &mac(i));
            if n % 3 == 0 {
                assert_eq!(e, None);
            } else {
                assert_eq!(e.unwrap().dest, Dest::Vtep(i));
            }
        }
        // Refill the holes.
        for &i in keys.iter().step_by(3) {
            assert_eq!(t.learn(7, &mac(i), Dest::Port(i as u16), 2), Learn::New);
        }
        assert_eq!(t.learn(7, &mac(other), Dest::Port(1), 2), Learn::New);
        t.check_invariants();
        assert_eq!(t.len(), 41);
        assert_eq!(t.clear(None), 41);
        t.check_invariants();
        assert!(t.buckets.iter().all(|b| b.meta.load(Relaxed) == 0));
    }

    #[test]
    fn concurrent_learn_move_age_remove_lookup() {
        // Small table, more keys than capacity: slots are reused all the
        // time and the table is often full. Every destination written for
        // key i encodes i, so a reader that returned a destination written
        // for another key would notice.
        const KEYS: u32 = 100;
        const ITERS: u32 = 200_000;
        let t = Arc::new(MacTable::with_seed(64, 42));
        let key = |i: u32| (1 + (i % 3) as u16, mac(i * 7919));
        let dest = |i: u32, j: u32| {
            if j.is_multiple_of(2) {
                Dest::Port((i * 64 + j % 64) as u16)
            } else {
                Dest::Vtep(i << 8 | (j & 0xff))
            }
        };
        let owner = |d: Dest| match d {
            Dest::Port(p) => u32::from(p) / 64,
            Dest::Vtep(ip) => ip >> 8,
        };
        let check = move |i: u32, e: Option<Entry>| {
            if let Some(e) = e {
                assert_eq!(owner(e.dest), i, "key {i} returned {e:?}");
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        let rng = |seed: u64| {
            let mut x = seed;
            move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            }
        };
        let mut handles = Vec::new();
        for w in 0..2u64 {
            let t = t.clone();
            handles.push(std::thread::spawn(move || {
                let mut r = rng(0x9e37 + w);
                let (mut moved, mut hits) = (0u32, 0u32);
                for n in 0..ITERS {
                    let i = (r() % u64::from(KEYS)) as u32;
                    let (vl, m) = key(i);
                    match t.learn(vl, &m, dest(i, (r() % 4) as u32), n / 1000) {
                        Learn::Moved { from } => {
                            assert_eq!(owner(from), i);
                            moved += 1;
                        }
                        Learn::Static => assert!(i.is_multiple_of(10), "key {i} static"),
                        _ => {}
                    }
                    let i = (r() % u64::from(KEYS)) as u32;
                    let (vl, m) = key(i);
                    let e = t.lookup(vl, &m);
                    hits += u32::from(e.is_some());
                    check(i, e);
                }
                (moved, hits)
            }));
        }
        let reader = {
            let (t, stop) = (t.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut r = rng(7);
                let mut hits = 0u64;
                while !stop.load(Relaxed) {
                    for _ in 0..1000 {
                        let i = (r() % u64::from(KEYS)) as u32;
                        let (vl, m) = key(i);
                        let e = t.lookup(vl, &m);
                        hits += u64::from(e.is_some());
                        check(i, e);
                    }
                }
                hits
            })
        };
        let control = {
            let (t, stop) = (t.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut r = rng(11);
                let mut removed = 0usize;
                let ids: std::collections::HashMap<(u16, Mac), u32> =
                    (0..KEYS).map(|i| (key(i), i)).collect();
                let mut n = 0u32;
                while !stop.load(Relaxed) {
                    n += 1;
                    let i = (r() % u64::from(KEYS)) as u32;
                    let (vl, m) = key(i);
                    match r() % 8 {
                        0 if i.is_multiple_of(10) => {
                            let _ = t.insert_static(vl, &m, dest(i, 1));
                        }
                        0..=3 => removed += usize::from(t.remove(vl, &m)),
                        4 => {
                            removed += t.age(n / 50, 2, |vl, m, d| {
                                assert_eq!(owner(d), ids[&(vl, m)]);
                            })
                        }
                        5 => removed += t.clear(Some(vl)),
                        _ => t.for_each(|vl, m, e| {
                            let i = ids[&(vl, m)];
                            check(i, Some(e));
                            assert!(!e.is_static || i.is_multiple_of(10));
                        }),
                    }
                }
                removed
            })
        };
        let mut moved = 0;
        for h in handles {
            let (m, hits) = h.join().unwrap();
            assert!(hits > 0);
            moved += m;
        }
        stop.store(true, Relaxed);
        let hits = reader.join().unwrap();
        let removed = control.join().unwrap();
        assert!(
            moved > 0 && hits > 0 && removed > 0,
            "{moved} {hits} {removed}"
        );
        t.check_invariants();
        assert!(t.len() <= t.capacity());
        for i in 0..KEYS {
            let (vl, m) = key(i);
            check(i, t.lookup(vl, &m));
        }
        // Only static entries survive a clear.
        t.clear(None);
        let mut statics = 0;
        t.for_each(|_, _, e| {
            assert!(e.is_static);
            statics += 1;
        });
        assert_eq!(t.len(), statics);
        t.check_invariants();
    }
}
