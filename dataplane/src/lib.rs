//! vtep's packet path:
//! * `bridge`: bridging and VXLAN encap/decap, its per-packet stages one
//!   file each, apart from what the control thread compiles (config, the
//!   forwarding view, counters);
//! * `mactable`: the MAC table shared by workers and the control thread;
//! * `worker`: the poll-mode loop of one lcore;
//! * `dpdk`: the DPDK adapter, with all the `unsafe` of the crate but the
//!   MAC table's two hints (`mactable::arch`).
//!
//! Headers are read and written through the `wire` crate's views.
//! Everything except `dpdk` works on the [`Packet`] trait, so the logic is
//! unit-testable and benchable on plain byte buffers without an EAL.

pub mod bridge;
pub mod counters;
pub mod dpdk;
pub mod mactable;
pub mod vecpkt;
pub mod worker;

pub use counters::Counter;
pub use vecpkt::VecPacket;

/// A frame the dataplane can inspect and edit in place.
///
/// `data()` is the contiguous first segment (always holds every header we
/// parse); `pkt_len()` counts all segments. Implemented by the mbuf adapter
/// (zero copy) and by [`VecPacket`] for tests and benches.
pub trait Packet: Sized {
    /// Bytes of the first segment, from the current start of the frame.
    fn data(&self) -> &[u8];
    /// Mutable bytes of the first segment.
    fn data_mut(&mut self) -> &mut [u8];
    /// Length of the whole frame, all segments.
    fn pkt_len(&self) -> usize;
    /// Grow the frame at the front by `n` bytes of headroom and return them;
    /// `None` (frame unchanged) when the headroom is too small.
    fn prepend(&mut self, n: usize) -> Option<&mut [u8]>;
    /// Remove `n` bytes from the front; false (frame unchanged) if shorter.
    fn adj(&mut self, n: usize) -> bool;
    /// A new frame made of a fresh, writable `hdr_len`-byte header followed
    /// by this frame's bytes from `offset` on, sharing them (no payload
    /// copy for mbufs: a header mbuf chained to an indirect clone; frames
    /// of at most `dpdk::COPY_BREAK` bytes from `offset` are copied into one
    /// mbuf instead, which costs less than the chain). The header bytes are
    /// uninitialised garbage the caller must overwrite. `None` when out of
    /// buffers.
    fn clone_with_header(&self, offset: usize, hdr_len: usize) -> Option<Self>;
    /// The RX hash from the NIC when it gave one (RSS), else `None`.
    fn rss_hash(&self) -> Option<u32> {
        None
    }
}
