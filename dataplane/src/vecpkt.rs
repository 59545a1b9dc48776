//! A heap-buffer [`Packet`] for tests and benches.

use crate::Packet;

/// Headroom like an mbuf's (RTE_PKTMBUF_HEADROOM = 128).
pub const HEADROOM: usize = 128;

/// A frame in a `Vec` with mbuf-like headroom. `clone_with_header` copies
/// (it stands in for the mbuf adapter's zero-copy chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecPacket {
    buf: Vec<u8>,
    start: usize,
}

impl VecPacket {
    pub fn new(frame: &[u8]) -> Self {
        Self::with_headroom(frame, HEADROOM)
    }
    pub fn with_headroom(frame: &[u8], headroom: usize) -> Self {
        let mut buf = vec![0u8; headroom + frame.len()];
        buf[headroom..].copy_from_slice(frame);
        VecPacket {
            buf,
            start: headroom,
        }
    }
    /// Reuse the buffer for another frame without reallocating (benches).
    pub fn reset(&mut self, frame: &[u8]) {
        self.start = HEADROOM;
        self.buf.truncate(HEADROOM);
        self.buf.resize(HEADROOM, 0);
        self.buf.extend_from_slice(frame);
    }
    pub fn headroom(&self) -> usize {
        self.start
    }
}

impl Packet for VecPacket {
    fn data(&self) -> &[u8] {
        &self.buf[self.start..]
    }
    fn data_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.start..]
    }
    fn pkt_len(&self) -> usize {
        self.buf.len() - self.start
    }
    fn prepend(&mut self, n: usize) -> Option<&mut [u8]> {
        if n > self.start {
            return None;
        }
        self.start -= n;
        Some(&mut self.buf[self.start..self.start + n])
    }
    fn adj(&mut self, n: usize) -> bool {
        if n > self.pkt_len() {
            return false;
        }
        self.start += n;
        true
    }
    fn clone_with_header(&self, offset: usize, hdr_len: usize) -> Option<Self> {
        let rest = self.data().get(offset..)?;
        let mut frame = vec![0xAAu8; hdr_len];
        frame.extend_from_slice(rest);
        Some(VecPacket::new(&frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepend_adj_and_clone() {
        let mut p = VecPacket::new(&[1, 2, 3, 4]);
        assert!(p.prepend(2).is_some());
        assert_eq!(p.pkt_len(), 6);
        assert!(p.adj(3));
        assert_eq!(p.data(), &[2, 3, 4]);
        assert!(!p.adj(4));
        assert!(p.prepend(HEADROOM + 10).is_none());
        let mut c = p.clone_with_header(1, 2).unwrap();
        c.data_mut()[..2].copy_from_slice(&[9, 9]);
        assert_eq!(c.data(), &[9, 9, 3, 4]);
        assert_eq!(p.data(), &[2, 3, 4]);
    }
}
