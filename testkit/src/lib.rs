//! The test oracle: frames built and read the plain way, byte by byte,
//! sharing no code with the product's wire layer, so that tests check the
//! product against code it did not write.
//!
//! Builders chain from the outside in and end in a `Vec<u8>`:
//!
//! ```
//! use vtep_testkit::*;
//! let inner = Eth::new(BROADCAST, [2, 0, 0, 0, 0, 1])
//!     .vlan(100)
//!     .ipv4([10, 0, 0, 1], [10, 0, 0, 2])
//!     .udp(1000, 9)
//!     .payload_len(18)
//!     .build();
//! let outer = Eth::new([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 3])
//!     .ipv4([192, 168, 24, 5], [192, 168, 24, 4])
//!     .df()
//!     .udp(50000, 4789)
//!     .vxlan(100)
//!     .wrap(&inner);
//! assert_eq!(parse_vxlan(&outer).inner, inner);
//! ```
//!
//! Frames are padded with zeros to 60 bytes (no FCS), as a NIC pads them,
//! unless [`Eth::unpadded`] says otherwise. Every field a test may want
//! wrong can be set wrong.
#![forbid(unsafe_code)]

mod arp;
mod checksum;
mod ethernet;
pub mod icmp;
pub mod igmp;
mod ipv4;
pub mod lldp;
mod parse;
pub mod pcap;
mod udp;

pub use arp::Arp;
pub use checksum::{internet_checksum, ones_complement_sum};
pub use ethernet::{ethertype, ipv4_multicast_mac, pattern, push_tag, tagged, untagged, Eth, Tag};
pub use ethernet::{Mac, BROADCAST, LLDP_MULTICAST, MIN_FRAME_LEN};
pub use ipv4::{ip_proto, Ipv4, ROUTER_ALERT};
pub use parse::{fix_ipv4_checksum, parse_arp, parse_eth, parse_ipv4, parse_udp, parse_vxlan};
pub use parse::{Ethernet, Ipv4Header, Outer, UdpHeader};
pub use udp::{Udp, Vxlan, VXLAN_PORT};
