//! TEMPORARY stand-in for the MAC table (replaced at merge by the real
//! one, same API). A `RwLock<HashMap>`: correct, not fast.

use std::collections::HashMap;
use std::sync::RwLock;

pub type Mac = [u8; 6];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dest {
    Port(u16),
    /// Remote VTEP, IPv4 in host byte order.
    Vtep(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub dest: Dest,
    pub is_static: bool,
    pub last_seen: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Learn {
    Unchanged,
    Refreshed,
    New,
    Moved { from: Dest },
    Full,
    Static,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

pub struct MacTable {
    cap: usize,
    map: RwLock<HashMap<(u16, Mac), Entry>>,
}

impl MacTable {
    pub fn new(capacity: usize) -> Self {
        MacTable {
            cap: capacity,
            map: RwLock::new(HashMap::with_capacity(capacity)),
        }
    }

    pub fn lookup(&self, vlan: u16, mac: &Mac) -> Option<Entry> {
        self.map.read().unwrap().get(&(vlan, *mac)).copied()
    }

    pub fn learn(&self, vlan: u16, mac: &Mac, dest: Dest, now: u32) -> Learn {
        let mut m = self.map.write().unwrap();
        let len = m.len();
        match m.get_mut(&(vlan, *mac)) {
            Some(e) if e.is_static => Learn::Static,
            Some(e) if e.dest == dest => {
                if e.last_seen == now {
                    Learn::Unchanged
                } else {
                    e.last_seen = now;
                    Learn::Refreshed
                }
            }
            Some(e) => {
                let from = e.dest;
                e.dest = dest;
                e.last_seen = now;
                Learn::Moved { from }
            }
            None if len >= self.cap => Learn::Full,
            None => {
                m.insert(
                    (vlan, *mac),
                    Entry {
                        dest,
                        is_static: false,
                        last_seen: now,
                    },
                );
                Learn::New
            }
        }
    }

    pub fn insert_static(&self, vlan: u16, mac: &Mac, dest: Dest) -> Result<(), Full> {
        let mut m = self.map.write().unwrap();
        if m.len() >= self.cap && !m.contains_key(&(vlan, *mac)) {
            return Err(Full);
        }
        m.insert(
            (vlan, *mac),
            Entry {
                dest,
                is_static: true,
                last_seen: 0,
            },
        );
        Ok(())
    }

    pub fn remove(&self, vlan: u16, mac: &Mac) -> bool {
        self.map.write().unwrap().remove(&(vlan, *mac)).is_some()
    }

    pub fn clear(&self, vlan: Option<u16>) -> usize {
        let mut m = self.map.write().unwrap();
        let before = m.len();
        m.retain(|(v, _), e| e.is_static || vlan.is_some_and(|x| x != *v));
        before - m.len()
    }

    pub fn age(&self, now: u32, max_age: u32, mut on_aged: impl FnMut(u16, Mac, Dest)) -> usize {
        let mut m = self.map.write().unwrap();
        let before = m.len();
        m.retain(|(v, mac), e| {
            let keep = e.is_static || now.wrapping_sub(e.last_seen) < max_age;
            if !keep {
                on_aged(*v, *mac, e.dest);
            }
            keep
        });
        before - m.len()
    }

    pub fn for_each(&self, mut f: impl FnMut(u16, Mac, Entry)) {
        for ((v, mac), e) in self.map.read().unwrap().iter() {
            f(*v, *mac, *e);
        }
    }

    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.map.read().unwrap().len()
    }
}
