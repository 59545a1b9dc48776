//! `vtep-pcapgen`: writes classic libpcap files (Ethernet link type) with
//! synthetic traffic for the vtep benches, to be replayed by DPDK's net_pcap
//! vdev (`--vdev net_pcap0,rx_pcap=FILE,infinite_rx=1`).
//!
//! Everything is deterministic: the same arguments always produce the same
//! file, byte for byte.

#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use wire::ethernet::{
    self, ethertype, HEADER_LEN as ETH_HDR, MIN_FRAME_LEN as MIN_SIZE, VLAN_TAG_LEN as VLAN_HDR,
};
use wire::ipv4::MIN_HEADER_LEN as IPV4_HDR;
use wire::udp::HEADER_LEN as UDP_HDR;
use wire::vxlan::{self, OVERHEAD as VXLAN_OVERHEAD};
use wire::{checksum, Mac};

const MAX_SIZE: usize = 65535;
const PCAP_SNAPLEN: u32 = 65535;
const LINKTYPE_ETHERNET: u32 = 1;
/// First source MAC is 02:00:00:01:00:00, so the default destination
/// 02:00:00:00:00:ff never collides with a generated source.
const SRC_MAC_BASE: u32 = 0x01_0000;
/// Base timestamp of the first record (fixed for reproducible files).
const TS_BASE_SEC: u32 = 1_700_000_000;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Kind {
    /// Ethernet[/802.1Q]/IPv4/UDP frames (the plain L2 forwarding path).
    Udp,
    /// Outer Ethernet/IPv4(DF)/UDP(4789)/VXLAN around a `udp` inner frame.
    Vxlan,
    /// Malformed / unknown frames, cycling through every drop reason
    /// (see the --help text for the list).
    MixedBad,
}

/// Drop-path variants produced by `--kind mixed-bad`, in cycling order.
const BAD_VARIANTS: &[&str] = &[
    "truncated-ip",      // Ethernet + 10 bytes of IPv4 header (runt)
    "truncated-vxlan",   // outer headers cut inside the VXLAN header
    "unknown-vni",       // valid VXLAN, VNI = --unknown-vni
    "bad-ihl",           // outer IPv4 IHL = 4
    "frag-first",        // outer IPv4 MF=1, offset 0
    "frag-later",        // outer IPv4 MF=0, offset 185 (1480 bytes)
    "bad-ip-csum",       // outer IPv4 header checksum off by one
    "unknown-ethertype", // ethertype 0x88b5 (IEEE local experimental)
    "vxlan-no-i-flag",   // VXLAN flags 0x00 (I bit clear)
    "ip-version-6",      // ethertype IPv4 but version nibble 6
];

#[derive(Parser, Debug, Clone)]
#[command(
    name = "vtep-pcapgen",
    version,
    about = "Write a classic libpcap file (Ethernet) of synthetic frames for the vtep benches",
    long_about = "Write a classic libpcap file (magic 0xa1b2c3d4, v2.4, link type 1 = Ethernet, \
snaplen 65535) with --count synthetic frames, meant to be replayed by DPDK's net_pcap vdev \
(rx_pcap=FILE,infinite_rx=1 cycles the file forever).\n\n\
SIZE CONVENTION: --size is the frame length as stored in the pcap, i.e. WITHOUT the 4-byte \
Ethernet FCS. A \"64-byte frame\" in testpmd/RFC 2544 terms is --size 60, 1518 is --size 1514, \
9018 (jumbo) is --size 9014. Minimum 60 (92 for vxlan), maximum 65535.\n\n\
KINDS:\n  \
udp        Ethernet[/802.1Q --vlan]/IPv4(DF,TTL 64)/UDP, dst MAC --dst-mac, src MAC cycling over \
--macs addresses 02:00:00:01:00:00.., UDP source port 1024+flow cycling over --flows (for RSS).\n  \
vxlan      outer Ethernet[/802.1Q --outer-vlan]/IPv4(DF,TTL 64,checksum)/UDP(dport 4789, sport \
49152+flow, csum 0)/VXLAN(flags 0x08, --vni) around a `udp` inner frame; total stored length --size.\n  \
mixed-bad  cycles through drop-path frames built on the vxlan frame: truncated-ip, \
truncated-vxlan, unknown-vni (--unknown-vni), bad-ihl (IHL 4), frag-first (MF), frag-later \
(offset 1480), bad-ip-csum, unknown-ethertype (0x88b5), vxlan-no-i-flag, ip-version-6.\n\n\
Output is deterministic. Files are written to FILE.tmp and renamed; -o - writes to stdout."
)]
struct Args {
    /// Traffic kind.
    #[arg(long, value_enum, default_value_t = Kind::Udp)]
    kind: Kind,

    /// Stored frame length in bytes, WITHOUT FCS (60 = "64-byte frame", 1514 = 1518, 9014 = 9018).
    #[arg(long, default_value_t = 60)]
    size: usize,

    /// Number of frames in the file (net_pcap's infinite_rx replays them in a loop).
    #[arg(long, default_value_t = 1024)]
    count: usize,

    /// Output file ("-" for stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,

    /// Add an 802.1Q tag with this VLAN ID to the (inner, for vxlan) L2 frame.
    #[arg(long, value_name = "VID", value_parser = clap::value_parser!(u16).range(0..4095))]
    vlan: Option<u16>,

    /// Number of distinct host MACs (02:00:00:01:00:00 + i), cycled per frame: the sources (the destinations with --reverse).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=0xfe_ffff))]
    macs: u32,

    /// Destination MAC of the (inner) frame.
    #[arg(long, default_value = "02:00:00:00:00:ff")]
    dst_mac: Mac,

    /// Swap the (inner) MACs: the frames come from --dst-mac and go to the
    /// --macs host addresses in turn (the return traffic of the same hosts).
    #[arg(long)]
    reverse: bool,

    /// Number of distinct flows (UDP source ports 1024 + i; outer sport 49152 + i), cycled per frame.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16384))]
    flows: u32,

    /// Inner (or plain udp) IPv4 source address.
    #[arg(long, default_value = "10.0.0.1")]
    src_ip: Ipv4Addr,

    /// Inner (or plain udp) IPv4 destination address.
    #[arg(long, default_value = "10.0.0.2")]
    dst_ip: Ipv4Addr,

    /// Inner (or plain udp) UDP destination port.
    #[arg(long, default_value_t = 5000)]
    dst_port: u16,

    /// VXLAN network identifier (24 bit) for --kind vxlan / mixed-bad.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=0xff_ffff))]
    vni: u32,

    /// VNI used by mixed-bad's unknown-vni frames.
    #[arg(long, default_value_t = 0xff_fffe, value_parser = clap::value_parser!(u32).range(0..=0xff_ffff))]
    unknown_vni: u32,

    /// Outer IPv4 source (remote VTEP) for vxlan / mixed-bad.
    #[arg(long, default_value = "192.168.0.2")]
    outer_src: Ipv4Addr,

    /// Outer IPv4 destination (this VTEP) for vxlan / mixed-bad.
    #[arg(long, default_value = "192.168.0.1")]
    outer_dst: Ipv4Addr,

    /// Outer source MAC (remote VTEP / next hop).
    #[arg(long, default_value = "02:00:00:00:01:02")]
    outer_src_mac: Mac,

    /// Outer destination MAC (this VTEP's underlay port).
    #[arg(long, default_value = "02:00:00:00:01:01")]
    outer_dst_mac: Mac,

    /// Add an 802.1Q tag with this VLAN ID to the outer frame (vxlan / mixed-bad).
    #[arg(long, value_name = "VID", value_parser = clap::value_parser!(u16).range(0..4095))]
    outer_vlan: Option<u16>,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Udp => "udp",
            Kind::Vxlan => "vxlan",
            Kind::MixedBad => "mixed-bad",
        }
    }
}

/// Internet checksum (RFC 1071) of `data`, with an initial partial sum.
fn csum_fold(sum: u32, data: &[u8]) -> u16 {
    checksum::finish(sum + u32::from(checksum::fold(checksum::sum(data))))
}

fn ipv4_checksum(hdr: &[u8]) -> u16 {
    checksum::checksum(hdr)
}

fn udp_checksum(src: Ipv4Addr, dst: Ipv4Addr, udp: &[u8]) -> u16 {
    let s = src.octets();
    let d = dst.octets();
    let mut sum = 0u32;
    for w in [[s[0], s[1]], [s[2], s[3]], [d[0], d[1]], [d[2], d[3]]] {
        sum += u32::from(u16::from_be_bytes(w));
    }
    sum += 17 + udp.len() as u32;
    match csum_fold(sum, udp) {
        0 => 0xffff, // 0 means "no checksum" in UDP/IPv4
        c => c,
    }
}

/// Ethernet header (+ optional 802.1Q tag) with the given ethertype.
fn push_eth(buf: &mut Vec<u8>, dst: Mac, src: Mac, vlan: Option<u16>, ethertype: u16) {
    buf.extend_from_slice(&dst.0);
    buf.extend_from_slice(&src.0);
    if let Some(vid) = vlan {
        buf.extend_from_slice(&ethertype::VLAN.to_be_bytes());
        buf.extend_from_slice(&ethernet::tci_vid(vid).to_be_bytes());
    }
    buf.extend_from_slice(&ethertype.to_be_bytes());
}

/// 20-byte IPv4 header (DF, TTL 64, UDP) with a correct checksum.
fn push_ipv4(buf: &mut Vec<u8>, src: Ipv4Addr, dst: Ipv4Addr, total_len: usize, id: u16) {
    let start = buf.len();
    buf.push(0x45);
    buf.push(0);
    buf.extend_from_slice(&(total_len as u16).to_be_bytes());
    buf.extend_from_slice(&id.to_be_bytes());
    buf.extend_from_slice(&0x4000u16.to_be_bytes()); // DF
    buf.push(64);
    buf.push(17);
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(&src.octets());
    buf.extend_from_slice(&dst.octets());
    let c = ipv4_checksum(&buf[start..start + IPV4_HDR]);
    buf[start + 10..start + 12].copy_from_slice(&c.to_be_bytes());
}

fn src_mac(i: usize, macs: u32) -> Mac {
    let v = SRC_MAC_BASE + (i as u32 % macs);
    Mac([0x02, 0, 0, (v >> 16) as u8, (v >> 8) as u8, v as u8])
}

/// Plain Ethernet[/VLAN]/IPv4/UDP frame of exactly `size` bytes (no FCS).
fn udp_frame(a: &Args, i: usize, size: usize) -> Vec<u8> {
    let flow = (i % a.flows as usize) as u16;
    let mut f = Vec::with_capacity(size);
    let (dst, src) = if a.reverse {
        (src_mac(i, a.macs), a.dst_mac)
    } else {
        (a.dst_mac, src_mac(i, a.macs))
    };
    push_eth(&mut f, dst, src, a.vlan, ethertype::IPV4);
    let ip_len = size - f.len();
    push_ipv4(&mut f, a.src_ip, a.dst_ip, ip_len, i as u16);
    let udp_start = f.len();
    let udp_len = ip_len - IPV4_HDR;
    f.extend_from_slice(&(1024 + flow).to_be_bytes());
    f.extend_from_slice(&a.dst_port.to_be_bytes());
    f.extend_from_slice(&(udp_len as u16).to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend((0..udp_len - UDP_HDR).map(|k| (k as u8) ^ (i as u8)));
    let c = udp_checksum(a.src_ip, a.dst_ip, &f[udp_start..]);
    f[udp_start + 6..udp_start + 8].copy_from_slice(&c.to_be_bytes());
    debug_assert_eq!(f.len(), size);
    f
}

fn outer_overhead(a: &Args) -> usize {
    VXLAN_OVERHEAD + if a.outer_vlan.is_some() { VLAN_HDR } else { 0 }
}

fn inner_min(a: &Args) -> usize {
    ETH_HDR + IPV4_HDR + UDP_HDR + if a.vlan.is_some() { VLAN_HDR } else { 0 }
}

/// VXLAN-encapsulated frame of exactly `size` bytes with the given VNI.
fn vxlan_frame(a: &Args, i: usize, size: usize, vni: u32) -> Vec<u8> {
    let flow = (i % a.flows as usize) as u16;
    let inner = udp_frame(a, i, size - outer_overhead(a));
    let mut f = Vec::with_capacity(size);
    push_eth(
        &mut f,
        a.outer_dst_mac,
        a.outer_src_mac,
        a.outer_vlan,
        ethertype::IPV4,
    );
    let ip_len = size - f.len();
    push_ipv4(&mut f, a.outer_src, a.outer_dst, ip_len, i as u16);
    f.extend_from_slice(&(49152 + flow).to_be_bytes());
    f.extend_from_slice(&vxlan::PORT.to_be_bytes());
    f.extend_from_slice(&((ip_len - IPV4_HDR) as u16).to_be_bytes());
    f.extend_from_slice(&[0, 0]); // outer UDP checksum 0 (RFC 7348)
    f.extend_from_slice(&[0x08, 0, 0, 0]);
    f.extend_from_slice(&(vni << 8).to_be_bytes());
    f.extend_from_slice(&inner);
    debug_assert_eq!(f.len(), size);
    f
}

/// Offset of the outer IPv4 header in a vxlan frame.
fn outer_ip_off(a: &Args) -> usize {
    ETH_HDR + if a.outer_vlan.is_some() { VLAN_HDR } else { 0 }
}

fn refresh_ip_csum(f: &mut [u8], off: usize) {
    f[off + 10] = 0;
    f[off + 11] = 0;
    let c = ipv4_checksum(&f[off..off + IPV4_HDR]);
    f[off + 10..off + 12].copy_from_slice(&c.to_be_bytes());
}

/// One malformed/unknown frame; `variant` indexes BAD_VARIANTS.
fn bad_frame(a: &Args, i: usize, variant: usize) -> Vec<u8> {
    let ip = outer_ip_off(a);
    let mut f = vxlan_frame(a, i, a.size, a.vni);
    match BAD_VARIANTS[variant] {
        "truncated-ip" => f.truncate(ip + 10),
        "truncated-vxlan" => f.truncate(ip + IPV4_HDR + UDP_HDR + 4),
        "unknown-vni" => f = vxlan_frame(a, i, a.size, a.unknown_vni),
        "bad-ihl" => {
            f[ip] = 0x44;
            refresh_ip_csum(&mut f, ip);
        }
        "frag-first" => {
            f[ip + 6..ip + 8].copy_from_slice(&0x2000u16.to_be_bytes()); // MF
            refresh_ip_csum(&mut f, ip);
        }
        "frag-later" => {
            f[ip + 6..ip + 8].copy_from_slice(&(1480u16 / 8).to_be_bytes());
            refresh_ip_csum(&mut f, ip);
        }
        "bad-ip-csum" => {
            let c = u16::from_be_bytes([f[ip + 10], f[ip + 11]]).wrapping_add(1);
            f[ip + 10..ip + 12].copy_from_slice(&c.to_be_bytes());
        }
        "unknown-ethertype" => f[ip - 2..ip].copy_from_slice(&0x88b5u16.to_be_bytes()),
        "vxlan-no-i-flag" => f[ip + IPV4_HDR + UDP_HDR] = 0,
        "ip-version-6" => {
            f[ip] = 0x65;
            refresh_ip_csum(&mut f, ip);
        }
        v => unreachable!("unknown variant {v}"),
    }
    f
}

fn frame(a: &Args, i: usize) -> Vec<u8> {
    match a.kind {
        Kind::Udp => udp_frame(a, i, a.size),
        Kind::Vxlan => vxlan_frame(a, i, a.size, a.vni),
        Kind::MixedBad => bad_frame(a, i, i % BAD_VARIANTS.len()),
    }
}

fn validate(a: &Args) -> Result<(), String> {
    let min = match a.kind {
        Kind::Udp => inner_min(a).max(MIN_SIZE),
        Kind::Vxlan | Kind::MixedBad => (outer_overhead(a) + inner_min(a)).max(MIN_SIZE),
    };
    if a.size < min || a.size > MAX_SIZE {
        return Err(format!(
            "--size {} out of range for --kind {}: must be {min}..={MAX_SIZE} (stored length, no FCS)",
            a.size,
            a.kind.name()
        ));
    }
    if a.count == 0 {
        return Err("--count must be at least 1".into());
    }
    Ok(())
}

/// Classic pcap global header: magic 0xa1b2c3d4 (µs), v2.4, snaplen 65535, Ethernet.
fn pcap_header() -> [u8; 24] {
    let mut h = [0u8; 24];
    h[0..4].copy_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    h[4..6].copy_from_slice(&2u16.to_le_bytes());
    h[6..8].copy_from_slice(&4u16.to_le_bytes());
    // thiszone (i32) and sigfigs (u32) stay 0
    h[16..20].copy_from_slice(&PCAP_SNAPLEN.to_le_bytes());
    h[20..24].copy_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
    h
}

fn write_record<W: Write>(w: &mut W, i: usize, data: &[u8]) -> io::Result<()> {
    let usec = i as u64; // one frame per microsecond, deterministic
    let mut r = [0u8; 16];
    r[0..4].copy_from_slice(&(TS_BASE_SEC + (usec / 1_000_000) as u32).to_le_bytes());
    r[4..8].copy_from_slice(&((usec % 1_000_000) as u32).to_le_bytes());
    r[8..12].copy_from_slice(&(data.len() as u32).to_le_bytes());
    r[12..16].copy_from_slice(&(data.len() as u32).to_le_bytes());
    w.write_all(&r)?;
    w.write_all(data)
}

fn write_pcap<W: Write>(w: &mut W, a: &Args) -> io::Result<u64> {
    w.write_all(&pcap_header())?;
    let mut bytes = 0u64;
    for i in 0..a.count {
        let f = frame(a, i);
        bytes += f.len() as u64;
        write_record(w, i, &f)?;
    }
    w.flush()?;
    Ok(bytes)
}

fn run(a: &Args) -> Result<(), String> {
    validate(a)?;
    if a.output.as_os_str() == "-" {
        let stdout = io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        write_pcap(&mut w, a).map_err(|e| format!("writing stdout: {e}"))?;
        return Ok(());
    }
    let mut tmp = a.output.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let res = (|| -> io::Result<u64> {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        let n = write_pcap(&mut w, a)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &a.output)?;
        Ok(n)
    })();
    match res {
        Ok(bytes) => {
            eprintln!(
                "vtep-pcapgen: wrote {} {} frames of {} bytes ({bytes} frame bytes) to {}",
                a.count,
                a.kind.name(),
                a.size,
                a.output.display()
            );
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(format!("writing {}: {e}", a.output.display()))
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vtep-pcapgen: error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> Args {
        let mut v = vec!["vtep-pcapgen", "-o", "-"];
        v.extend_from_slice(extra);
        Args::try_parse_from(v).unwrap()
    }

    /// True if the header's checksum verifies (one's complement sum == 0xffff).
    fn ip_ok(h: &[u8]) -> bool {
        csum_fold(0, &h[..IPV4_HDR]) == 0
    }

    #[test]
    fn ipv4_checksum_known_vector() {
        // RFC 1071-style example (Wikipedia "IPv4 header checksum").
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(ipv4_checksum(&h), 0xb861);
    }

    #[test]
    fn pcap_header_bytes() {
        let h = pcap_header();
        assert_eq!(&h[0..4], &[0xd4, 0xc3, 0xb2, 0xa1]); // 0xa1b2c3d4 little endian
        assert_eq!(u16::from_le_bytes([h[4], h[5]]), 2);
        assert_eq!(u16::from_le_bytes([h[6], h[7]]), 4);
        assert_eq!(&h[8..16], &[0; 8]);
        assert_eq!(u32::from_le_bytes(h[16..20].try_into().unwrap()), 65535);
        assert_eq!(u32::from_le_bytes(h[20..24].try_into().unwrap()), 1);
    }

    #[test]
    fn pcap_file_layout() {
        let a = args(&["--count", "3", "--size", "100"]);
        let mut out = Vec::new();
        write_pcap(&mut out, &a).unwrap();
        assert_eq!(out.len(), 24 + 3 * (16 + 100));
        let rec = &out[24..40];
        assert_eq!(u32::from_le_bytes(rec[8..12].try_into().unwrap()), 100);
        assert_eq!(u32::from_le_bytes(rec[12..16].try_into().unwrap()), 100);
    }

    #[test]
    fn udp_lengths_and_checksums() {
        for (size, vlan) in [
            (60, None),
            (1514, None),
            (9014, None),
            (60, Some("7")),
            (1514, Some("4094")),
        ] {
            let s = size.to_string();
            let mut ex = vec!["--size", s.as_str(), "--flows", "4", "--macs", "3"];
            if let Some(v) = vlan {
                ex.extend_from_slice(&["--vlan", v]);
            }
            let a = args(&ex);
            validate(&a).unwrap();
            for i in 0..8 {
                let f = frame(&a, i);
                assert_eq!(f.len(), size);
                let l3 = if vlan.is_some() { 18 } else { 14 };
                if vlan.is_some() {
                    assert_eq!(&f[12..14], &[0x81, 0x00]);
                }
                assert_eq!(&f[l3 - 2..l3], &[0x08, 0x00]);
                assert!(ip_ok(&f[l3..]));
                assert_eq!(
                    usize::from(u16::from_be_bytes([f[l3 + 2], f[l3 + 3]])),
                    size - l3
                );
                let udp = &f[l3 + 20..];
                assert_eq!(usize::from(u16::from_be_bytes([udp[4], udp[5]])), udp.len());
                assert_eq!(u16::from_be_bytes([udp[0], udp[1]]), 1024 + (i % 4) as u16);
                assert_eq!(f[11], (i % 3) as u8); // 02:00:00:01:00:0x
                assert_eq!(&f[6..10], &[2, 0, 0, 1]);
                // UDP checksum verifies over the pseudo header.
                let mut sum = 0u32;
                for w in [[10u8, 0], [0, 1], [10, 0], [0, 2]] {
                    sum += u32::from(u16::from_be_bytes(w));
                }
                sum += 17 + udp.len() as u32;
                assert_eq!(csum_fold(sum, udp), 0);
            }
        }
    }

    #[test]
    fn vxlan_layout() {
        let a = args(&["--kind", "vxlan", "--size", "1514", "--vni", "1193046"]); // 0x123456
        validate(&a).unwrap();
        let f = frame(&a, 5);
        assert_eq!(f.len(), 1514);
        assert!(ip_ok(&f[14..]));
        assert_eq!(f[14 + 6] & 0x40, 0x40); // DF
        assert_eq!(f[14 + 8], 64); // TTL
        assert_eq!(usize::from(u16::from_be_bytes([f[16], f[17]])), 1500);
        let udp = &f[34..];
        assert_eq!(u16::from_be_bytes([udp[0], udp[1]]), 49152);
        assert_eq!(u16::from_be_bytes([udp[2], udp[3]]), 4789);
        assert_eq!(usize::from(u16::from_be_bytes([udp[4], udp[5]])), 1480);
        assert_eq!(&udp[6..8], &[0, 0]);
        assert_eq!(&udp[8..16], &[0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
        let inner = &udp[16..];
        assert_eq!(inner.len(), 1514 - 50);
        assert_eq!(&inner[0..6], &[2, 0, 0, 0, 0, 0xff]);
        assert!(ip_ok(&inner[14..]));
        // minimum vxlan size is 92
        let small = Args {
            size: 91,
            ..a.clone()
        };
        assert!(validate(&small).is_err());
        assert!(validate(&Args { size: 92, ..a }).is_ok());
    }

    #[test]
    fn mixed_bad_cycles_all_variants() {
        let a = args(&["--kind", "mixed-bad", "--size", "200", "--count", "20"]);
        validate(&a).unwrap();
        let fr: Vec<Vec<u8>> = (0..BAD_VARIANTS.len()).map(|i| frame(&a, i)).collect();
        assert_eq!(fr[0].len(), 24); // truncated-ip
        assert_eq!(fr[1].len(), 14 + 20 + 8 + 4); // truncated-vxlan
        assert_eq!(&fr[2][46..49], &[0xff, 0xff, 0xfe]); // unknown-vni
        assert_eq!(fr[3][14], 0x44);
        assert!(ip_ok(&fr[3][14..]));
        assert_eq!(&fr[4][20..22], &[0x20, 0x00]);
        assert_eq!(u16::from_be_bytes([fr[5][20], fr[5][21]]) & 0x1fff, 185);
        assert!(!ip_ok(&fr[6][14..]));
        assert_eq!(&fr[7][12..14], &[0x88, 0xb5]);
        assert_eq!(fr[8][42], 0);
        assert_eq!(fr[9][14] >> 4, 6);
        for f in &fr[2..] {
            assert_eq!(f.len(), 200);
        }
    }

    #[test]
    fn rejects_bad_sizes() {
        assert!(validate(&args(&["--size", "59"])).is_err());
        assert!(validate(&args(&["--size", "65536"])).is_err());
        assert!(Args::try_parse_from(["x", "-o", "-", "--vlan", "4095"]).is_err());
        assert!("02:00:00:00:00".parse::<Mac>().is_err());
        assert_eq!(
            "02:00:00:00:00:ff".parse::<Mac>().unwrap().0,
            [2, 0, 0, 0, 0, 0xff]
        );
        assert!(Args::try_parse_from(["x", "-o", "-", "--dst-mac", "02:00:00:00:00"]).is_err());
    }
}
