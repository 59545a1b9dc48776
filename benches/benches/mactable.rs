//! MAC table at 1,000,000 entries: lookup hit, learn of new entries,
//! refresh (hit, unchanged) and move. Throughput is per table operation.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dataplane::mactable::{Dest, Learn, MacTable};
use wire::Mac;

const ENTRIES: usize = 1_000_000;
/// Capacity 2^20 entries (1.5 × 2^20 slots, 32 MiB).
const CAPACITY: usize = 1 << 20;
/// Operations per timed iteration for the hit benchmarks.
const CHUNK: usize = 4096;

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `ENTRIES` distinct random (VLAN 1..=4094, MAC) keys in random order.
fn keys() -> Vec<(u16, Mac)> {
    let mut s = 0x5eed;
    let mut seen = HashSet::with_capacity(ENTRIES);
    let mut v = Vec::with_capacity(ENTRIES);
    while v.len() < ENTRIES {
        let r = splitmix(&mut s);
        let vlan = 1 + (r >> 48) as u16 % 4094;
        let b = r.to_be_bytes();
        let mac = Mac([b[2] & 0xfe, b[3], b[4], b[5], b[6], b[7]]);
        if seen.insert((vlan, mac)) {
            v.push((vlan, mac));
        }
    }
    v
}

fn populated(keys: &[(u16, Mac)]) -> MacTable {
    let t = MacTable::new(CAPACITY);
    for (i, (vlan, mac)) in keys.iter().enumerate() {
        assert_eq!(t.learn(*vlan, mac, Dest::Vtep(i as u32), 1), Learn::New);
    }
    t
}

/// Walk `keys` in chunks of `CHUNK`, a different chunk each iteration.
struct Chunks {
    next: usize,
}

impl Chunks {
    fn take<'a, T>(&mut self, keys: &'a [T]) -> (usize, &'a [T]) {
        let c = self.next;
        self.next = (c + 1) % (keys.len() / CHUNK);
        (c, &keys[c * CHUNK..(c + 1) * CHUNK])
    }
}

fn bench(c: &mut Criterion) {
    let keys = keys();
    let t = populated(&keys);
    // A second order, so the lookups do not follow insertion order; with
    // each key's destination.
    let mut lookup_keys: Vec<(u16, Mac, Dest)> = keys
        .iter()
        .enumerate()
        .map(|(i, &(vlan, mac))| (vlan, mac, Dest::Vtep(i as u32)))
        .collect();
    let mut s = 77;
    for i in (1..lookup_keys.len()).rev() {
        let j = (splitmix(&mut s) % (i as u64 + 1)) as usize;
        lookup_keys.swap(i, j);
    }

    let mut g = c.benchmark_group("mactable_1M");
    g.throughput(Throughput::Elements(CHUNK as u64));

    let mut ch = Chunks { next: 0 };
    g.bench_function("lookup_hit", |b| {
        b.iter(|| {
            let (_, ks) = ch.take(&lookup_keys);
            let mut hits = 0u32;
            for (vlan, mac, _) in ks {
                hits += t.lookup(*vlan, mac).is_some() as u32;
            }
            assert_eq!(hits as usize, CHUNK);
            hits
        })
    });

    let mut ch = Chunks { next: 0 };
    g.bench_function("lookup_hit_prefetch16", |b| {
        b.iter(|| {
            let (_, ks) = ch.take(&lookup_keys);
            let mut hits = 0u32;
            for burst in ks.chunks(16) {
                for (vlan, mac, _) in burst {
                    t.prefetch(*vlan, mac);
                }
                for (vlan, mac, _) in burst {
                    hits += t.lookup(*vlan, mac).is_some() as u32;
                }
            }
            assert_eq!(hits as usize, CHUNK);
            hits
        })
    });

    let mut ch = Chunks { next: 0 };
    let mut s = 1234;
    g.bench_function("lookup_miss", |b| {
        b.iter(|| {
            let (c, ks) = ch.take(&lookup_keys);
            let mut hits = 0u32;
            for (i, (vlan, _, _)) in ks.iter().enumerate() {
                let r = splitmix(&mut s).to_be_bytes();
                // Locally administered bit set: never in `keys`.
                let mac = [0x02 | r[0], r[1], r[2], r[3], r[4], (c ^ i) as u8];
                hits += t.lookup(*vlan, &Mac(mac)).is_some() as u32;
            }
            hits
        })
    });

    let mut ch = Chunks { next: 0 };
    g.bench_function("learn_refresh_unchanged", |b| {
        b.iter(|| {
            let (_, ks) = ch.take(&lookup_keys);
            let mut n = 0u32;
            for (vlan, mac, dest) in ks {
                n += (t.learn(*vlan, mac, *dest, 1) == Learn::Unchanged) as u32;
            }
            assert_eq!(n as usize, CHUNK);
            n
        })
    });

    // Every chunk flips between two ports on each visit: all moves.
    let mut ch = Chunks { next: 0 };
    let mut visits = vec![0u32; ENTRIES / CHUNK];
    g.bench_function("learn_move", |b| {
        b.iter(|| {
            let (c, ks) = ch.take(&keys);
            let d = Dest::Port(1 + (visits[c] & 1) as u16);
            visits[c] += 1;
            let mut n = 0u32;
            for (vlan, mac) in ks {
                n += matches!(t.learn(*vlan, mac, d, 1), Learn::Moved { .. }) as u32;
            }
            assert_eq!(n as usize, CHUNK);
            n
        })
    });
    drop(t);

    // New entries into an empty table until it holds ENTRIES, then a fresh
    // table (built outside the timed part).
    g.throughput(Throughput::Elements(1));
    g.bench_function("learn_new", |b| {
        b.iter_custom(|iters| {
            let mut left = iters as usize;
            let mut total = Duration::ZERO;
            while left > 0 {
                let t = MacTable::new(CAPACITY);
                let n = left.min(ENTRIES);
                let start = Instant::now();
                for (i, (vlan, mac)) in keys[..n].iter().enumerate() {
                    black_box(t.learn(*vlan, mac, Dest::Vtep(i as u32), 1));
                }
                total += start.elapsed();
                assert_eq!(t.len(), n);
                left -= n;
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
