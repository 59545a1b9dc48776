//! Tests of the MAC table, its memo and their concurrency.

use super::*;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

fn mac(i: u32) -> Mac {
    let b = i.to_be_bytes();
    Mac([0x02, 0x00, b[0], b[1], b[2], b[3]])
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
