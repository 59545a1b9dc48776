//! The ports as brought up, and how the control thread sends on them: a
//! leaf module that bring-up, the switch and the shows all read.

use dataplane::dpdk::{Port, PortState};
use dataplane::worker::InjectRing;
use dataplane::Counter;
use std::sync::Arc;
use wire::Mac;

/// How the control thread sends on a port without touching a worker's TX
/// queue: a queue of its own, or the owning worker's inject ring.
pub enum CtlTx {
    Queue(u16),
    Ring(Arc<InjectRing>),
}

/// One port as brought up.
pub struct PortInfo {
    pub port: Port,
    pub name: String,
    pub driver: String,
    pub mac: Mac,
    pub state: PortState,
    pub rxq: u16,
    pub txq: u16,
    pub ctl_tx: CtlTx,
}

/// A port the EAL brought up: DPDK name, id, MAC.
#[derive(Clone, Debug)]
pub struct PortRef {
    pub name: String,
    pub id: u16,
    pub mac: Mac,
}

impl From<&PortInfo> for PortRef {
    fn from(p: &PortInfo) -> Self {
        PortRef {
            name: p.name.clone(),
            id: p.port.0,
            mac: p.mac,
        }
    }
}

/// Why a frame of the control thread was not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendFail {
    /// The pool had no mbuf for it.
    NoMbuf,
    /// Longer than an mbuf's data room.
    TooBig,
    /// The owning worker's inject ring was full.
    InjectRingFull,
    /// The port's control TX queue took nothing.
    TxQueueFull,
    /// No port with that id.
    NoPort,
}

/// The control thread's failed sends, counted by reason (its thread only
/// writes them; the shows read them).
#[derive(Default)]
pub struct SendFailures {
    counts: [Counter; 5],
}

impl SendFailures {
    const NAMES: [&'static str; 5] = [
        "no-mbuf",
        "frame-too-big",
        "inject-ring-full",
        "tx-queue-full",
        "no-such-port",
    ];

    pub fn count(&self, why: SendFail) {
        self.counts[why as usize].inc();
    }

    pub fn get(&self, why: SendFail) -> u64 {
        self.counts[why as usize].get()
    }

    /// Every reason with its count, in a fixed order.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        Self::NAMES
            .iter()
            .zip(&self.counts)
            .map(|(n, c)| (*n, c.get()))
    }
}
