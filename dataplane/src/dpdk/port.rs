//! Ethdev ports: queries, set-up (queues, MTU, RSS, offloads) and
//! statistics.

use super::{sys, Error, Mempool};
use std::ffi::CStr;
use std::fmt;
use wire::Mac;

// Bit-valued macros that bindgen cannot evaluate (RTE_BIT64), from
// rte_ethdev.h of DPDK 22.11.
const RSS_IP: u64 = (1 << 2) | (1 << 3) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 13) | (1 << 15);
const RSS_UDP: u64 = (1 << 5) | (1 << 11) | (1 << 17);
const RX_OFFLOAD_SCATTER: u64 = 1 << 13;
const TX_OFFLOAD_MULTI_SEGS: u64 = 1 << 15;

/// What a device says it can do.
#[derive(Clone, Debug)]
pub struct DevInfo {
    pub driver: String,
    pub max_rx_queues: u16,
    pub max_tx_queues: u16,
    pub min_mtu: u16,
    pub max_mtu: u16,
    pub max_rx_pktlen: u32,
    pub rss_offloads: u64,
    pub rx_offload_capa: u64,
    pub tx_offload_capa: u64,
}

impl DevInfo {
    /// L2 bytes the device counts beyond the MTU (max_rx_pktlen − max_mtu,
    /// 18 when the device reports no MTU limit).
    pub fn overhead(&self) -> u32 {
        if self.max_mtu != u16::MAX && self.max_rx_pktlen > self.max_mtu as u32 {
            self.max_rx_pktlen - self.max_mtu as u32
        } else {
            18
        }
    }
}

/// How to set a port up.
#[derive(Clone, Debug)]
pub struct PortSetup {
    pub rxq: u16,
    pub txq: u16,
    pub rxd: u16,
    pub txd: u16,
    pub max_pkt_len: u32,
    pub scatter: bool,
}

/// What port bring-up actually configured.
#[derive(Clone, Debug, Default)]
pub struct PortState {
    pub mtu: u32,
    /// The device's ethdev MTU limit is below --max-pkt-len but it passes
    /// bigger frames anyway (af_packet).
    pub mtu_clamped: bool,
    pub rss: bool,
    pub multi_segs: bool,
    pub rxd: u16,
    pub txd: u16,
}

/// Port-level counters from the PMD.
#[derive(Clone, Copy, Debug, Default)]
pub struct EthStats {
    pub ipackets: u64,
    pub opackets: u64,
    pub ibytes: u64,
    pub obytes: u64,
    pub imissed: u64,
    pub ierrors: u64,
    pub oerrors: u64,
    pub rx_nombuf: u64,
}

/// A DPDK ethdev port id plus the queries and set-up calls vtep uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port(pub u16);

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "port {} ({})", self.0, self.name())
    }
}

impl Port {
    /// Every port the EAL probed, in id order.
    pub fn all() -> Vec<Port> {
        let mut out = Vec::new();
        // SAFETY: pure queries over the ethdev table.
        let mut p = unsafe { sys::rte_eth_find_next_owned_by(0, sys::RTE_ETH_DEV_NO_OWNER as u64) };
        while p < sys::RTE_MAX_ETHPORTS as u64 {
            out.push(Port(p as u16));
            // SAFETY: as above.
            p = unsafe {
                sys::rte_eth_find_next_owned_by(p as u16 + 1, sys::RTE_ETH_DEV_NO_OWNER as u64)
            };
        }
        out
    }

    pub fn name(&self) -> String {
        let mut buf = [0 as std::os::raw::c_char; 64];
        // SAFETY: buf holds RTE_ETH_NAME_MAX_LEN (64) bytes.
        if unsafe { sys::rte_eth_dev_get_name_by_port(self.0, buf.as_mut_ptr()) } != 0 {
            return format!("port{}", self.0);
        }
        // SAFETY: DPDK wrote a NUL-terminated name.
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    }

    pub fn info(&self) -> Result<DevInfo, Error> {
        let mut di = sys::rte_eth_dev_info::default();
        // SAFETY: di is a valid out-parameter.
        let rc = unsafe { sys::rte_eth_dev_info_get(self.0, &mut di) };
        if rc != 0 {
            return Err(Error::dpdk(format!("{self}: cannot read device info"), rc));
        }
        let driver = if di.driver_name.is_null() {
            String::new()
        } else {
            // SAFETY: the driver name is a static C string.
            unsafe { CStr::from_ptr(di.driver_name) }
                .to_string_lossy()
                .into_owned()
        };
        Ok(DevInfo {
            driver,
            max_rx_queues: di.max_rx_queues,
            max_tx_queues: di.max_tx_queues,
            min_mtu: di.min_mtu,
            max_mtu: di.max_mtu,
            max_rx_pktlen: di.max_rx_pktlen,
            rss_offloads: di.flow_type_rss_offloads,
            rx_offload_capa: di.rx_offload_capa,
            tx_offload_capa: di.tx_offload_capa,
        })
    }

    pub fn socket(&self) -> i32 {
        // SAFETY: pure query.
        unsafe { sys::rte_eth_dev_socket_id(self.0) }
    }

    pub fn mac(&self) -> Mac {
        let mut a = sys::rte_ether_addr::default();
        // SAFETY: a is a valid out-parameter.
        unsafe { sys::rte_eth_macaddr_get(self.0, &mut a) };
        Mac(a.addr_bytes)
    }

    /// Configures queues, MTU, RSS and offloads, sets up every queue on
    /// `pool` and starts the port. Errors name the port and the limit.
    pub fn setup(&self, info: &DevInfo, s: &PortSetup, pool: &Mempool) -> Result<PortState, Error> {
        if s.rxq == 0 || s.rxq > info.max_rx_queues {
            return Err(Error::new(format!(
                "{self}: {} RX queues asked, the device offers at most {}",
                s.rxq, info.max_rx_queues
            )));
        }
        if s.txq == 0 || s.txq > info.max_tx_queues {
            return Err(Error::new(format!(
                "{self}: {} TX queues asked, the device offers at most {}",
                s.txq, info.max_tx_queues
            )));
        }
        let mut mtu = s.max_pkt_len.saturating_sub(info.overhead());
        let mut st = PortState {
            mtu,
            ..Default::default()
        };
        let limit = info
            .max_rx_pktlen
            .saturating_sub(info.overhead())
            .min(info.max_mtu as u32);
        if mtu > limit {
            if info.driver == "net_af_packet" {
                // af_packet reports 1518 but receives whatever its ring
                // frames hold (framesz): ethdev's MTU check would refuse
                // jumbo, the device does not need it. Keep the most ethdev
                // accepts; the kernel interface's MTU is what counts.
                mtu = limit;
                st.mtu_clamped = true;
            } else {
                return Err(Error::new(format!(
                    "{self}: --max-pkt-len {} needs MTU {mtu}, the device allows at most {limit} (frames up to {})",
                    s.max_pkt_len,
                    limit + info.overhead()
                )));
            }
        }
        if mtu < info.min_mtu as u32 {
            return Err(Error::new(format!(
                "{self}: --max-pkt-len {} gives MTU {mtu}, below the device's minimum {}",
                s.max_pkt_len, info.min_mtu
            )));
        }
        st.mtu = mtu;
        let mut conf = sys::rte_eth_conf::default();
        conf.rxmode.mtu = mtu;
        let rss_hf = info.rss_offloads & (RSS_IP | RSS_UDP);
        if s.rxq > 1 && rss_hf != 0 {
            conf.rxmode.mq_mode = sys::rte_eth_rx_mq_mode_RTE_ETH_MQ_RX_RSS;
            conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
            st.rss = true;
        }
        if s.scatter && info.rx_offload_capa & RX_OFFLOAD_SCATTER != 0 {
            conf.rxmode.offloads |= RX_OFFLOAD_SCATTER;
        }
        // Flood copies are a header mbuf chained to a shared payload.
        if info.tx_offload_capa & TX_OFFLOAD_MULTI_SEGS != 0 {
            conf.txmode.offloads |= TX_OFFLOAD_MULTI_SEGS;
            st.multi_segs = true;
        }
        // SAFETY: conf is a valid configuration; the port is stopped.
        let rc = unsafe { sys::rte_eth_dev_configure(self.0, s.rxq, s.txq, &conf) };
        if rc != 0 {
            return Err(Error::dpdk(
                format!(
                    "{self}: configure ({} rxq, {} txq, MTU {mtu}) failed",
                    s.rxq, s.txq
                ),
                rc,
            ));
        }
        let (mut rxd, mut txd) = (s.rxd, s.txd);
        // SAFETY: valid out-parameters.
        unsafe { sys::rte_eth_dev_adjust_nb_rx_tx_desc(self.0, &mut rxd, &mut txd) };
        st.rxd = rxd;
        st.txd = txd;
        let socket = self.socket().max(0) as u32;
        for q in 0..s.rxq {
            // SAFETY: default rxconf (NULL); pool outlives the port.
            let rc = unsafe {
                sys::rte_eth_rx_queue_setup(self.0, q, rxd, socket, std::ptr::null(), pool.as_ptr())
            };
            if rc != 0 {
                return Err(Error::dpdk(
                    format!("{self}: RX queue {q} ({rxd} descriptors) setup failed"),
                    rc,
                ));
            }
        }
        for q in 0..s.txq {
            // SAFETY: default txconf (NULL).
            let rc =
                unsafe { sys::rte_eth_tx_queue_setup(self.0, q, txd, socket, std::ptr::null()) };
            if rc != 0 {
                return Err(Error::dpdk(
                    format!("{self}: TX queue {q} ({txd} descriptors) setup failed"),
                    rc,
                ));
            }
        }
        // SAFETY: fully configured port.
        let rc = unsafe { sys::rte_eth_dev_start(self.0) };
        if rc != 0 {
            return Err(Error::dpdk(format!("{self}: start failed"), rc));
        }
        // SAFETY: started port; failure is harmless (some vdevs lack it).
        unsafe { sys::rte_eth_promiscuous_enable(self.0) };
        // SAFETY: as above.
        unsafe { sys::rte_eth_allmulticast_enable(self.0) };
        Ok(st)
    }

    pub fn link(&self) -> (bool, u32) {
        let mut l = sys::rte_eth_link::default();
        // SAFETY: l is a valid out-parameter.
        unsafe { sys::rte_eth_link_get_nowait(self.0, &mut l) };
        (l.link_status() != 0, l.link_speed)
    }

    pub fn stats(&self) -> EthStats {
        let mut s = sys::rte_eth_stats::default();
        // SAFETY: s is a valid out-parameter.
        unsafe { sys::rte_eth_stats_get(self.0, &mut s) };
        EthStats {
            ipackets: s.ipackets,
            opackets: s.opackets,
            ibytes: s.ibytes,
            obytes: s.obytes,
            imissed: s.imissed,
            ierrors: s.ierrors,
            oerrors: s.oerrors,
            rx_nombuf: s.rx_nombuf,
        }
    }

    pub fn stats_reset(&self) {
        // SAFETY: valid port.
        unsafe { sys::rte_eth_stats_reset(self.0) };
    }

    /// Stops the port; the PMD stops polling its rings.
    pub fn stop(&self) {
        // SAFETY: valid port; no worker polls it any more.
        unsafe { sys::rte_eth_dev_stop(self.0) };
    }

    /// Releases the queues (and the mbufs still in their rings).
    pub fn close(&self) {
        // SAFETY: stopped port; no worker uses it any more.
        unsafe { sys::rte_eth_dev_close(self.0) };
    }
}
