//! What the header tests share: the seed topology's addresses and
//! frames a host would send, built without the code under test.

use crate::ethernet::{ethertype, pad};
use crate::{checksum, icmpv4, EthernetRepr, Mac};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU16, Ordering};

// Addresses from the seed's topology.
pub const SPINE_MAC: Mac = Mac([0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xc0]);
pub const VM_MAC: Mac = Mac([0x00, 0x50, 0x56, 0xb9, 0x55, 0x58]);
pub const NETAPP_MAC: Mac = Mac([0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc]);
pub const SPINE_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);
pub const VM_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);
pub const VTEP_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 24, 4);
pub const GROUP_V10: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 10);
pub const GROUP_V100: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 100);

pub fn eth_header(f: &mut Vec<u8>, dst: Mac, src: Mac, vlan: Option<u16>, et: u16) {
    EthernetRepr {
        dst,
        src,
        vlan,
        ethertype: et,
    }
    .emit(f);
}

/// An echo request as a host would send it, built independently of the
/// reply code; `options` must be a multiple of 4 bytes.
pub fn echo_request(vlan: Option<u16>, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    eth_header(&mut f, SPINE_MAC, VM_MAC, vlan, ethertype::IPV4);
    let ip_start = f.len();
    let hl = 20 + options.len();
    let total = (hl + 8 + payload.len()) as u16;
    f.extend_from_slice(&[0x40 | (hl / 4) as u8, 0x10]);
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&[0x12, 0x34, 0x40, 0x00, 64, 1, 0, 0]);
    f.extend_from_slice(&VM_IP.octets());
    f.extend_from_slice(&SPINE_IP.octets());
    f.extend_from_slice(options);
    let c = checksum::checksum(&f[ip_start..]);
    f[ip_start + 10..ip_start + 12].copy_from_slice(&c.to_be_bytes());
    let icmp_start = f.len();
    f.extend_from_slice(&[8, 0, 0, 0, 0xbe, 0xef, 0x00, 0x07]);
    f.extend_from_slice(payload);
    let c = checksum::checksum(&f[icmp_start..]);
    f[icmp_start + 2..icmp_start + 4].copy_from_slice(&c.to_be_bytes());
    pad(f)
}

pub fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + 3) as u8).collect()
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
