//! The DPDK adapter: EAL, lcores, mempools, ports, queues and mbufs behind
//! safe types. The only part of the dataplane with `unsafe` (the MAC
//! table's hints aside); per-packet pointer arithmetic
//! (`rte_pktmbuf_mtod`, prepend, adj) is done here in Rust so it inlines
//! into the worker loop.
//!
//! * `eal`: the EAL, lcores and the TSC;
//! * `mempool`: mbuf pools;
//! * `mbuf`: one owned mbuf chain, the [`Packet`](crate::Packet) the
//!   bridge edits;
//! * `burst`: the arrays of mbufs RX and TX bursts move;
//! * `port`: ethdev ports, their set-up and statistics;
//! * `error`: DPDK's failures, with `rte_errno`.

mod burst;
mod eal;
mod error;
mod mbuf;
mod mempool;
mod port;

pub use burst::{tx_one, Burst, Drain};
pub use eal::{tsc, tsc_hz, Eal};
pub use error::{strerror, Error};
pub use mbuf::Mbuf;
pub use mempool::Mempool;
pub use port::{DevInfo, EthStats, Port, PortSetup, PortState};

use dpdk_sys as sys;

/// Largest RX/TX burst a worker handles (testpmd's MAX_PKT_BURST).
pub const MAX_BURST: usize = 512;
/// Frames whose shared part is at most this long are copied by
/// `clone_with_header` instead of chained (as NIC drivers' rx copybreak).
pub const COPY_BREAK: usize = 256;
/// Headroom DPDK reserves at the front of every mbuf.
pub const HEADROOM: u16 = sys::RTE_PKTMBUF_HEADROOM as u16;
