//! The ports as brought up, and how the control thread sends on them: a
//! leaf module that bring-up, the switch and the shows all read.

use dataplane::dpdk::{Port, PortState};
use dataplane::worker::InjectRing;
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
