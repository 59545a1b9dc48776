//! `underlay_checks`: the underlay's fast outer-header check (four masked
//! compares and the header checksum) against the full checks, on
//! arbitrary outer headers: whenever the fast one passes a frame, the full
//! ones pass it with the same inner offset, remote VTEP and VNI.
//!
//! Input layout ([`crate::Input`]): `[knobs][mode]`, then
//! * mode bit 0 clear: the rest is the frame as it is;
//! * mode bit 0 set: a VXLAN frame built from `[src ip u32][dst][ttl]
//!   [dport][vni u32][inner chunk]`, then `[n]` patches `[at][value]` on
//!   its first 64 bytes, with the IPv4 checksum filled in again when mode
//!   bit 1 is set, and 4 bytes of IPv4 options when bit 2 is.
//!
//! Mode bits 4-5 make the first segment shorter than the packet (a
//! chain), or the packet longer, by the next byte (and 64 KiB for 3).
//! The knobs pick the VTEP's address and UDP port and whether it joined a
//! group.

use crate::burst::{GROUP, OUR_IP, PEER_IP, PEER_MAC, UL, UL_MAC};
use crate::Input;
use dataplane::bridge::fuzzing::underlay_checks_agree;
use dataplane::bridge::{BridgeConfig, Flood, PortConf, PortMode, Underlay, View, VlanConf};
use std::net::Ipv4Addr;
use wire::{checksum, Mac, VxlanOuter};

const UDP_PORTS: [u16; 4] = [4789, 8472, 0, 0xffff];

fn view(knobs: u8) -> View {
    let ip = view_ip(knobs);
    let flood = if knobs & 8 != 0 {
        Flood::Static(vec![PEER_IP])
    } else {
        Flood::Group(GROUP)
    };
    View::new(&BridgeConfig {
        ports: vec![PortConf {
            port_id: UL,
            name: "ul".into(),
            mode: PortMode::Underlay,
            mac: UL_MAC,
            mtu: 9050,
        }],
        vlans: vec![VlanConf {
            vlan_id: 100,
            name: "v100".into(),
            vni: Some(100),
            flood,
            encap_inner_vlan: false,
            decap_accept_inner_vlan: false,
            irb: None,
        }],
        underlay: Some(Underlay {
            port_id: UL,
            ip,
            prefix: 24,
            mac: UL_MAC,
            mtu: 9050,
            gateway: None,
            udp_port: UDP_PORTS[usize::from(knobs & 3)],
            ttl: 64,
        }),
        router_mac: Mac([0x02, 0, 0, 0, 0, 1]),
        neighbors: vec![],
    })
}

/// The fuzz target.
pub fn run(data: &[u8]) {
    let mut inp = Input::new(data);
    let knobs = inp.u8();
    let mode = inp.u8();
    let v = view(knobs);
    let mut f = if mode & 1 == 0 {
        inp.rest().to_vec()
    } else {
        build(&mut inp, mode, knobs)
    };
    let (trim, extra) = match mode >> 4 & 3 {
        0 => (0, 0),
        1 => (usize::from(inp.u8()), 0),
        2 => (0, usize::from(inp.u8())),
        _ => (0, 0x10000 + usize::from(inp.u8())),
    };
    let pkt_len = f.len() + extra;
    f.truncate(f.len().saturating_sub(trim));
    underlay_checks_agree(&v, &f, pkt_len);
}

fn build(inp: &mut Input, mode: u8, knobs: u8) -> Vec<u8> {
    let src_ip = Ipv4Addr::from(inp.u32());
    let dst_ip = match inp.u8() & 3 {
        0 | 1 => view_ip(knobs),
        2 => GROUP,
        _ => Ipv4Addr::from(inp.u32()),
    };
    let ttl = inp.u8();
    let dst_port = match inp.u8() & 3 {
        0 | 1 => UDP_PORTS[usize::from(knobs & 3)],
        _ => inp.u16(),
    };
    let vni = inp.u32();
    let inner = inp.chunk();
    let mut f = VxlanOuter {
        src_mac: PEER_MAC,
        dst_mac: UL_MAC,
        src_ip,
        dst_ip,
        ttl,
        src_port: 50000,
        dst_port,
        vni,
    }
    .encap(inner);
    if mode & 4 != 0 {
        // NOP NOP NOP EOL, the lengths grown to match.
        f.splice(34..34, [1, 1, 1, 0]);
        f[14] = 0x46;
        let tl = u16::from_be_bytes([f[16], f[17]]).wrapping_add(4);
        f[16..18].copy_from_slice(&tl.to_be_bytes());
    }
    for _ in 0..inp.u8() & 7 {
        let at = usize::from(inp.u8()) % 64;
        let val = inp.u8();
        if let Some(b) = f.get_mut(at) {
            *b = val;
        }
    }
    if mode & 2 != 0 {
        fill_ip_checksum(&mut f);
    }
    f
}

fn view_ip(knobs: u8) -> Ipv4Addr {
    if knobs & 4 != 0 {
        Ipv4Addr::new(10, 255, 0, 1)
    } else {
        OUR_IP
    }
}

/// The outer IPv4 header's checksum, over the IHL it claims.
fn fill_ip_checksum(f: &mut [u8]) {
    let Some(&vihl) = f.get(14) else { return };
    let hl = usize::from(vihl & 0x0f) * 4;
    let Some(h) = f.get_mut(14..14 + hl.max(20)) else {
        return;
    };
    h[10..12].copy_from_slice(&[0, 0]);
    let c = checksum::checksum(h);
    h[10..12].copy_from_slice(&c.to_be_bytes());
}
