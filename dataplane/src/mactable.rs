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
//!
//! # Who runs what
//! Lookups, learning and the [`Memo`] run per packet, on the workers.
//! Aging ([`MacTable::age`]), [`MacTable::clear`], [`MacTable::remove`],
//! static entries and [`MacTable::for_each`] are control-thread work:
//! aging and the walks visit the whole table, once a second at most, never
//! on the per-packet path.

mod arch;
mod invariants;

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
            arch::advise_huge_pages(start, end - start);
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
        arch::prefetch(&self.buckets[self.home(key48(vlan, mac))]);
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

    // The control thread's part: removal, aging and walks.

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
mod tests;
