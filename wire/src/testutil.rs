//! What the header tests share: the seed topology's addresses and
//! frames a host would send, built by the independent oracle
//! (`vtep-testkit`), not by the code under test.

use crate::{icmpv4, Mac};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU16, Ordering};
use vtep_testkit as tk;

// Addresses from the seed's topology.
pub const SPINE_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]);
pub const VM_MAC: Mac = Mac([0x00, 0x50, 0x56, 0xb9, 0x55, 0x58]);
pub const NETAPP_MAC: Mac = Mac([0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc]);
pub const SPINE_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);
pub const VM_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);
pub const VTEP_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
pub const GROUP_V10: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 10);
pub const GROUP_V100: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);

/// An Ethernet header from `src` to `dst`, tagged when `vlan` is given.
pub fn eth(dst: Mac, src: Mac, vlan: Option<u16>) -> tk::Eth {
    let e = tk::Eth::new(dst.0, src.0);
    match vlan {
        Some(v) => e.vlan(v),
        None => e,
    }
}

/// An echo request from the VM to the spine as a host would send it;
/// `options` must be a multiple of 4 bytes.
pub fn echo_request(vlan: Option<u16>, options: &[u8], payload: &[u8]) -> Vec<u8> {
    eth(SPINE_MAC, VM_MAC, vlan)
        .ipv4(VM_IP, SPINE_IP)
        .tos(0x10)
        .ident(0x1234)
        .df()
        .options(options)
        .icmp(&tk::icmp::echo_request(0xbeef, 7, payload))
}

/// `n` bytes of payload in which a byte moved or lost shows.
pub fn pattern(n: usize) -> Vec<u8> {
    tk::pattern(3, n)
}

/// Every proper prefix of `frame` must parse to nothing (and not panic).
pub fn assert_prefixes_rejected<T: std::fmt::Debug>(
    frame: &[u8],
    upto: usize,
    parse: impl Fn(&[u8]) -> Option<T>,
) {
    for n in 0..upto.min(frame.len()) {
        assert!(parse(&frame[..n]).is_none(), "prefix of {n} bytes parsed");
    }
}

/// [`icmpv4::EchoRequest::reply`] to `request_frame`, with a fresh IP
/// identification as the control plane gives it.
pub fn echo_reply(request_frame: &[u8], our_mac: Mac) -> Option<Vec<u8>> {
    static NEXT: AtomicU16 = AtomicU16::new(1);
    let req = icmpv4::parse_echo_request(request_frame)?;
    Some(req.reply(our_mac, NEXT.fetch_add(1, Ordering::Relaxed)))
}

/// How many pseudo-random field combinations each oracle test tries.
pub const CASES: usize = 300;

/// xorshift64 from a fixed seed: the same cases on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn u8(&mut self) -> u8 {
        self.next_u64() as u8
    }
    pub fn u16(&mut self) -> u16 {
        self.next_u64() as u16
    }
    pub fn u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    /// 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn bool(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.u8()).collect()
    }
    /// Fewer than `n` bytes.
    pub fn bytes_below(&mut self, n: usize) -> Vec<u8> {
        let len = self.below(n);
        self.bytes(len)
    }
    /// Fewer than `n` 4-byte words.
    pub fn words_below(&mut self, n: usize) -> Vec<u8> {
        let len = 4 * self.below(n);
        self.bytes(len)
    }
    pub fn mac(&mut self) -> Mac {
        let b = self.bytes(6);
        Mac(b.try_into().unwrap())
    }
    pub fn ip(&mut self) -> Ipv4Addr {
        Ipv4Addr::from(self.u32())
    }
    /// A VLAN id, or none half the time.
    pub fn vlan(&mut self) -> Option<u16> {
        self.bool().then(|| 1 + self.below(4094) as u16)
    }
    /// Printable text of up to `max` bytes, some of it two-byte UTF-8.
    pub fn text(&mut self, max: usize) -> String {
        let n = self.below(max + 1);
        let mut s = String::new();
        while s.len() < n {
            if self.below(8) == 0 {
                s.push('é');
            } else {
                s.push((b'a' + self.below(26) as u8) as char);
            }
        }
        s
    }
}
