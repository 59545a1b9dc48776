//! The command line: `vtep [EAL options] -- [vtep options]`, like testpmd.

use clap::{Parser, ValueEnum};
use std::path::PathBuf;

pub const EAL_HELP: &str = "\
EAL options (before `--`, passed to DPDK's rte_eal_init as-is), the usual ones:
  -l CORELIST            lcores to use: the first is the main lcore (control
                         thread), the rest run workers (e.g. -l 0-2)
  --vdev DEV[,ARGS]      add a virtual device: net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap
                         net_pcap0,rx_pcap=in.pcap,infinite_rx=1   net_null0,no-rx=1
                         net_ring0   net_tap0,iface=tap0   net_af_packet0,iface=veth0
  -a PCI / -b PCI        allow / block a PCI device (bound to vfio-pci)
  --no-pci               skip PCI probing (virtual devices only)
  --in-memory            no shared files in /run or hugetlbfs; one process only
  --no-huge -m MB        run without hugepages on MB of ordinary memory
  --file-prefix NAME     separate shared files when several EAL processes run
  --log-level LEVEL      EAL log verbosity (e.g. --log-level=lib.eal:debug)
Example:
  vtep -l 0-2 --in-memory --vdev net_pcap0,rx_pcap=in.pcap,infinite_rx=1 --vdev net_null0 \\
       -- --forward-mode io --nb-cores 2 --stats-period 1
Control a running vtep:
  vtep ctl [--socket PATH] show port stats all [--json]";

/// Forwarding modes (testpmd's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ForwardMode {
    /// The VXLAN L2 gateway of --config: bridging, learning, encap/decap.
    Vxlan,
    /// Forward port pairs 0<->1, 2<->3, … unchanged.
    Io,
    /// As io, with the source MAC rewritten to the TX port's MAC.
    Mac,
    /// Receive and free: counts what arrives.
    Rxonly,
    /// Generate --txpkts-byte IPv4/UDP frames on every port.
    Txonly,
}

/// vtep's own options (after `--`).
#[derive(Parser, Debug, Clone)]
#[command(
    name = "vtep",
    version,
    about = "vtep: a DPDK VXLAN tunnel endpoint and L2 forwarder",
    override_usage = "vtep [EAL options] -- [vtep options]\n       vtep ctl [--socket PATH] <command> [--json]",
    after_help = EAL_HELP
)]
pub struct Opts {
    /// Configuration file (TOML): interfaces, VLANs, VXLAN.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Forwarding mode (vxlan needs --config).
    #[arg(long, value_enum, default_value = "vxlan", value_name = "MODE")]
    pub forward_mode: ForwardMode,
    /// Number of worker cores (taken from the EAL core list after the main lcore).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub nb_cores: usize,
    /// RX queues per port (RSS over IP/UDP when more than one).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub rxq: u16,
    /// TX queues per port.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub txq: u16,
    /// RX descriptors per queue.
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub rxd: u16,
    /// TX descriptors per queue.
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub txd: u16,
    /// Packets per RX/TX burst (1-512).
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=512))]
    pub burst: u16,
    /// Largest frame in bytes, FCS included, as DPDK counts it (1518 = MTU 1500; 9216 for jumbo).
    #[arg(long, default_value_t = 1518, value_name = "N", value_parser = clap::value_parser!(u32).range(64..=16128))]
    pub max_pkt_len: u32,
    /// mbuf data room in bytes including the 128-byte headroom (default: one
    /// full frame, or more when an af_packet vdev's framesz needs it).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(256..))]
    pub mbuf_size: Option<u16>,
    /// mbufs in the pool (default: enough for every ring plus bursts).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1024..))]
    pub total_num_mbufs: Option<u32>,
    /// Receive frames larger than one mbuf as segment chains.
    #[arg(long)]
    pub enable_scatter: bool,
    /// Print port statistics every S seconds.
    #[arg(long, value_name = "S")]
    pub stats_period: Option<u64>,
    /// Interactive `vtep>` prompt.
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// txonly frame size in bytes (no FCS), 60 up to --max-pkt-len.
    #[arg(long, default_value_t = 64, value_name = "BYTES")]
    pub txpkts: u16,
    /// Workers sleep this many microseconds after an empty poll (0 = busy
    /// polling, for benchmarks; a lab sharing cores wants 20-100).
    #[arg(long, default_value_t = 0, value_name = "US")]
    pub idle_sleep: u32,
    /// Control socket path (unix socket, mode 0600).
    #[arg(long, value_name = "PATH")]
    pub ctl_socket: Option<PathBuf>,
}

/// The default control socket: one per EAL file prefix.
pub fn default_socket(eal_args: &[String]) -> PathBuf {
    let mut prefix = "vtep".to_string();
    let mut it = eal_args.iter();
    while let Some(a) = it.next() {
        if a == "--file-prefix" {
            if let Some(p) = it.next() {
                prefix = p.clone();
            }
        } else if let Some(p) = a.strip_prefix("--file-prefix=") {
            prefix = p.to_string();
        }
    }
    PathBuf::from(format!("/run/vtep/{prefix}.sock"))
}

/// Device names given with --vdev (the part before the first comma).
pub fn vdev_names(eal_args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = eal_args.iter();
    while let Some(a) = it.next() {
        let spec = if a == "--vdev" {
            it.next().map(String::as_str)
        } else {
            a.strip_prefix("--vdev=")
        };
        if let Some(spec) = spec {
            out.push(spec.split(',').next().unwrap_or("").to_string());
        }
    }
    out
}

/// What af_packet keeps of its ring frame size (`framesz`) out of the
/// mbuf: the TPACKET v2 header, aligned, less the sockaddr_ll it counts.
pub const AF_PACKET_FRAME_OVERHEAD: u32 = 32;

/// The `framesz` of each af_packet vdev that sets one: (device, bytes).
pub fn af_packet_framesz(eal_args: &[String]) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut it = eal_args.iter();
    while let Some(a) = it.next() {
        let spec = if a == "--vdev" {
            it.next().map(String::as_str)
        } else {
            a.strip_prefix("--vdev=")
        };
        let Some(spec) = spec else { continue };
        let mut parts = spec.split(',');
        let dev = parts.next().unwrap_or("");
        if !dev.starts_with("net_af_packet") && !dev.starts_with("eth_af_packet") {
            continue;
        }
        for kv in parts {
            if let Some(n) = kv.strip_prefix("framesz=").and_then(|v| v.parse().ok()) {
                out.push((dev.to_string(), n));
            }
        }
    }
    out
}

/// Splits argv at the first `--` into (EAL args with argv[0], vtep args
/// with a program name for clap).
pub fn split_args(argv: &[String]) -> (Vec<String>, Vec<String>) {
    let prog = argv.first().cloned().unwrap_or_else(|| "vtep".into());
    match argv.iter().skip(1).position(|a| a == "--") {
        Some(i) => {
            let eal = argv[..i + 1].to_vec();
            let mut own = vec![prog];
            own.extend_from_slice(&argv[i + 2..]);
            (eal, own)
        }
        None => (argv.to_vec(), vec![prog]),
    }
}

impl Opts {
    /// Checks what clap's types cannot, before the EAL starts.
    pub fn check(&self) -> Result<(), String> {
        if self.nb_cores == 0 {
            return Err("--nb-cores must be at least 1".into());
        }
        if self.rxq == 0 || self.txq == 0 {
            return Err("--rxq and --txq must be at least 1".into());
        }
        if self.rxd == 0 || self.txd == 0 {
            return Err("--rxd and --txd must be at least 1".into());
        }
        if self.txpkts < 60 || self.txpkts as u32 > self.max_pkt_len {
            return Err(format!(
                "--txpkts {} must be between 60 and --max-pkt-len ({})",
                self.txpkts, self.max_pkt_len
            ));
        }
        if self.forward_mode == ForwardMode::Vxlan && self.config.is_none() {
            return Err("--forward-mode vxlan (the default) needs --config FILE; or pick --forward-mode io|mac|rxonly|txonly".into());
        }
        if self.stats_period == Some(0) {
            return Err("--stats-period must be at least 1 second".into());
        }
        Ok(())
    }

    /// The mbuf data room for these EAL arguments: [`Opts::data_room`],
    /// grown (when not explicit) to hold what an af_packet vdev's
    /// `framesz` puts into one mbuf; an explicit one too small is an
    /// error naming the option to raise, before the EAL says it its way.
    pub fn data_room_for(&self, headroom: u16, eal_args: &[String]) -> Result<u16, String> {
        let mut room = self.data_room(headroom)?;
        for (dev, framesz) in af_packet_framesz(eal_args) {
            let frame = framesz.saturating_sub(AF_PACKET_FRAME_OVERHEAD);
            let need = frame + u32::from(headroom);
            if need <= u32::from(room) {
                continue;
            }
            room = match self.mbuf_size {
                Some(sz) => {
                    return Err(format!(
                        "--vdev {dev} framesz={framesz} puts frames of up to {frame} bytes into one mbuf but --mbuf-size {sz} holds {}: raise --mbuf-size to {need} (or lower framesz)",
                        sz.saturating_sub(headroom)
                    ))
                }
                None => u16::try_from(need)
                    .map_err(|_| format!("--vdev {dev} framesz={framesz} is too large for one mbuf"))?,
            };
        }
        Ok(room)
    }

    /// mbuf data room: explicit, or one whole frame plus headroom.
    pub fn data_room(&self, headroom: u16) -> Result<u16, String> {
        let need = self.max_pkt_len + headroom as u32;
        match self.mbuf_size {
            Some(sz) if (sz as u32) < need && !self.enable_scatter => Err(format!(
                "--mbuf-size {sz} holds {}-byte frames but --max-pkt-len is {}: raise --mbuf-size to {need} or add --enable-scatter",
                sz.saturating_sub(headroom),
                self.max_pkt_len
            )),
            Some(sz) => Ok(sz),
            None if self.enable_scatter => Ok(2048 + headroom),
            // Never below DPDK's default 2048-byte room: some PMDs
            // (af_packet's 2 KB frames) want at least that.
            None => u16::try_from(need.max(2048 + headroom as u32)).map_err(|_| format!("--max-pkt-len {} is too large for one mbuf: add --enable-scatter", self.max_pkt_len)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn splits_at_double_dash() {
        let (e, o) = split_args(&v("vtep -l 0-1 --in-memory -- --nb-cores 1"));
        assert_eq!(e, v("vtep -l 0-1 --in-memory"));
        assert_eq!(o, v("vtep --nb-cores 1"));
        let (e, o) = split_args(&v("vtep -l 0"));
        assert_eq!(e, v("vtep -l 0"));
        assert_eq!(o, v("vtep"));
    }

    #[test]
    fn parses_testpmd_style() {
        let o = Opts::try_parse_from(v(
            "vtep --forward-mode=mac --nb-cores 2 --burst 64 --max-pkt-len 9216 -i",
        ))
        .unwrap();
        assert_eq!(o.forward_mode, ForwardMode::Mac);
        assert_eq!(o.nb_cores, 2);
        assert_eq!(o.burst, 64);
        assert!(o.interactive);
        assert_eq!(o.data_room(128).unwrap(), 9344);
        assert!(Opts::try_parse_from(v("vtep --burst 513")).is_err());
        assert!(Opts::try_parse_from(v("vtep --forward-mode foo")).is_err());
    }

    #[test]
    fn mbuf_size_must_hold_a_frame() {
        let o = Opts::try_parse_from(v("vtep --max-pkt-len 9216 --mbuf-size 2176")).unwrap();
        let e = o.data_room(128).unwrap_err();
        assert!(e.contains("raise --mbuf-size to 9344"), "{e}");
        let o = Opts::try_parse_from(v(
            "vtep --max-pkt-len 9216 --mbuf-size 2176 --enable-scatter",
        ))
        .unwrap();
        assert_eq!(o.data_room(128).unwrap(), 2176);
    }

    #[test]
    fn af_packet_framesz_sizes_the_mbufs_or_names_the_option() {
        let eal = v("vtep --vdev net_af_packet0,iface=veth0,framesz=10240 --vdev=net_af_packet1,iface=veth1 --vdev net_pcap0,framesz=99999");
        assert_eq!(
            af_packet_framesz(&eal),
            vec![("net_af_packet0".to_string(), 10240)]
        );
        let o = Opts::try_parse_from(v("vtep --max-pkt-len 9216")).unwrap();
        assert_eq!(o.data_room_for(128, &eal).unwrap(), 10240 - 32 + 128);
        assert_eq!(o.data_room_for(128, &v("vtep")).unwrap(), 9344);
        let o = Opts::try_parse_from(v("vtep --max-pkt-len 9216 --mbuf-size 9344")).unwrap();
        let e = o.data_room_for(128, &eal).unwrap_err();
        assert!(e.contains("--vdev net_af_packet0 framesz=10240"), "{e}");
        assert!(e.contains("raise --mbuf-size to 10336"), "{e}");
        let small = v("vtep --vdev net_af_packet0,iface=veth0,framesz=2048");
        assert_eq!(o.data_room_for(128, &small).unwrap(), 9344);
    }

    #[test]
    fn socket_follows_file_prefix() {
        assert_eq!(
            default_socket(&v("vtep --file-prefix s1")),
            PathBuf::from("/run/vtep/s1.sock")
        );
        assert_eq!(
            default_socket(&v("vtep --file-prefix=s2")),
            PathBuf::from("/run/vtep/s2.sock")
        );
        assert_eq!(
            default_socket(&v("vtep")),
            PathBuf::from("/run/vtep/vtep.sock")
        );
    }
}
