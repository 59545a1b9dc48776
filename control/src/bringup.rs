//! Process bring-up: the EAL's ports checked against the options and the
//! configuration, the mempool, every port's queues (and the control
//! thread's TX path on it), vxlan mode's switch, and the workers launched
//! on their lcores.

use crate::cli::{self, ForwardMode, Opts};
use crate::config::Config;
use crate::ports::{CtlTx, PortInfo};
use crate::switch::Switch;
use dataplane::dpdk::{Eal, Mempool, Port, PortSetup};
use dataplane::worker::{
    self, Control, InjectRing, Latency, Mode, PortStats, Stream, TxOnly, VxlanCtx, Worker,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wire::Mac;

/// Set by SIGINT/SIGTERM; the control loop then shuts down in order.
pub static SIGNALLED: std::sync::LazyLock<Arc<AtomicBool>> =
    std::sync::LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// What bring-up hands the control thread.
pub struct BroughtUp {
    pub ports: Vec<PortInfo>,
    pub pool: Arc<Mempool>,
    pub stats: Arc<Vec<PortStats>>,
    pub ctl: Arc<Control>,
    /// Each worker's lcore and streams.
    pub workers: Vec<(u32, Vec<Stream>)>,
    /// rxonly's one-way latency from txonly probes, per worker.
    pub latency: Vec<Arc<Latency>>,
    /// vxlan mode's switch.
    pub switch: Option<Switch>,
}

/// Brings the ports up and launches the workers; forwarding starts.
pub fn bring_up(
    eal: &Eal,
    opts: &Opts,
    config: Option<Config>,
    eal_args: &[String],
    data_room: u16,
) -> Result<BroughtUp, String> {
    let ports = Port::all();
    let names: Vec<String> = ports.iter().map(|p| p.name()).collect();
    for v in cli::vdev_names(eal_args) {
        if v.starts_with("net_") && !names.contains(&v) {
            return Err(format!(
                "--vdev {v} did not come up as a port (the EAL's messages above say why)"
            ));
        }
    }
    if ports.is_empty() {
        return Err("no DPDK ports: add --vdev devices or bind a NIC to vfio-pci (-a PCI)".into());
    }
    if let Some(c) = &config {
        c.check_devices(&names).map_err(|e| e.to_string())?;
    }
    let lcores = eal.worker_lcores();
    if opts.nb_cores > lcores.len() {
        return Err(format!(
            "--nb-cores {} needs {} worker lcores but the EAL core list gives {} besides the main lcore: widen -l",
            opts.nb_cores,
            opts.nb_cores,
            lcores.len()
        ));
    }
    let nb_ports = ports.len() as u16;
    let mode = match opts.forward_mode {
        ForwardMode::Io => Mode::Io,
        ForwardMode::Mac => Mode::Mac,
        ForwardMode::Rxonly => Mode::RxOnly,
        ForwardMode::Txonly => Mode::TxOnly,
        ForwardMode::Vxlan => Mode::Vxlan,
    };

    // Streams, and how many TX queues the workers need on each port.
    let (streams, worker_txq): (Vec<Stream>, u16) = match mode {
        Mode::TxOnly => {
            let mut v = Vec::new();
            for p in 0..nb_ports {
                for q in 0..opts.txq {
                    v.push(Stream {
                        rx_port: p,
                        rx_queue: 0,
                        tx_port: p,
                        tx_queue: q,
                    });
                }
            }
            (v, opts.txq)
        }
        // Each worker sends on its own TX queue of every port.
        Mode::Vxlan => (
            worker::vxlan_streams(nb_ports, opts.rxq),
            opts.txq.max(opts.rxq),
        ),
        // Each RX queue's frames leave on the same queue index of the peer.
        _ => (
            worker::io_streams(nb_ports, opts.rxq),
            opts.txq.max(opts.rxq),
        ),
    };
    let nb_workers = opts.nb_cores.min(streams.len());
    let per_worker = worker::spread(&streams, nb_workers);

    let infos = ports
        .iter()
        .map(|p| p.info())
        .collect::<Result<Vec<_>, _>>()?;
    let rxq = if mode == Mode::TxOnly { 1 } else { opts.rxq };

    // Pool: every descriptor of every ring, plus bursts and caches in flight.
    const CACHE: u32 = 256;
    let per_port = rxq as u32 * opts.rxd as u32 + (worker_txq as u32 + 1) * opts.txd as u32;
    let auto = nb_ports as u32 * per_port
        + (nb_workers as u32 + 1) * (CACHE + 2 * opts.burst as u32)
        + 4096;
    let nb_mbufs = opts.total_num_mbufs.unwrap_or(auto);
    let socket_id = ports[0].socket();
    let pool = Arc::new(Mempool::new(
        "vtep_pool",
        nb_mbufs,
        CACHE,
        data_room,
        socket_id,
    )?);

    let mut infos_out = Vec::new();
    for (port, info) in ports.iter().zip(&infos) {
        // A spare TX queue for the control thread when the device has one.
        let own_q = info.max_tx_queues > worker_txq;
        let txq = worker_txq + own_q as u16;
        let setup = PortSetup {
            rxq,
            txq,
            rxd: opts.rxd,
            txd: opts.txd,
            max_pkt_len: opts.max_pkt_len,
            scatter: opts.enable_scatter,
        };
        let state = port.setup(info, &setup, &pool)?;
        if state.mtu_clamped {
            eprintln!(
                "vtep: note: {port}: the device reports MTU {} at most but passes frames up to its ring frame size (framesz): jumbo frames still flow",
                state.mtu
            );
        }
        if opts.rxq > 1 && !state.rss {
            eprintln!("vtep: warning: {port}: {} RX queues but the device offers no RSS over IP/UDP: queue 0 gets everything", opts.rxq);
        }
        let ctl_tx = if own_q {
            CtlTx::Queue(worker_txq)
        } else {
            CtlTx::Ring(Arc::new(InjectRing::new(256)))
        };
        infos_out.push(PortInfo {
            port: *port,
            name: port.name(),
            driver: info.driver.clone(),
            mac: port.mac(),
            state,
            rxq,
            txq,
            ctl_tx,
        });
    }

    let switch = match (mode, config) {
        (Mode::Vxlan, Some(c)) => Some(Switch::new(c, &infos_out, nb_workers)?),
        _ => None,
    };
    let stats = Arc::new(
        infos_out
            .iter()
            .map(|p| PortStats::new(p.rxq, p.txq))
            .collect::<Vec<_>>(),
    );
    let ctl = Arc::new(Control::default());
    let port_macs: Vec<Mac> = infos_out.iter().map(|p| p.mac).collect();
    let max_frame = opts.max_pkt_len - 4; // DPDK counts the FCS, frames in memory do not
    let txonly = (mode == Mode::TxOnly).then(|| {
        let hdr = worker::txonly_header(Mac([0x02, 0, 0, 0, 0, 0]), opts.txpkts);
        (
            TxOnly {
                len: opts.txpkts,
                header: hdr,
            },
            pool.clone(),
        )
    });

    // Who owns TX queue 0 of each port: that worker drains the port's
    // inject ring (devices without a spare queue for the control thread).
    // In vxlan mode worker k sends on queue k of every port: worker 0.
    let mut inject: Vec<Vec<(u16, u16, Arc<InjectRing>)>> = vec![Vec::new(); nb_workers];
    for (pid, p) in infos_out.iter().enumerate() {
        if let CtlTx::Ring(r) = &p.ctl_tx {
            let owner = if mode == Mode::Vxlan {
                0
            } else {
                per_worker
                    .iter()
                    .position(|ss| {
                        ss.iter()
                            .any(|s| s.tx_port as usize == pid && s.tx_queue == 0)
                    })
                    .unwrap_or(0)
            };
            inject[owner].push((pid as u16, 0, r.clone()));
        }
    }

    println!(
        "vtep {}: {} ({}), {} port(s), {} worker(s), {} forwarding, {} mbufs of {} bytes",
        env!("CARGO_PKG_VERSION"),
        Eal::version(),
        eal_args[1..].join(" "),
        nb_ports,
        nb_workers,
        mode.name(),
        nb_mbufs,
        data_room
    );
    for p in &infos_out {
        let (up, speed) = p.port.link();
        println!(
            "  port {} {} ({}) mac {} mtu {} rxq {} txq {}{}{} link {}{}",
            p.port.0,
            p.name,
            p.driver,
            p.mac,
            p.state.mtu,
            p.rxq,
            p.txq,
            if p.state.rss { " rss" } else { "" },
            match p.ctl_tx {
                CtlTx::Queue(q) => format!(" (control txq {q})"),
                CtlTx::Ring(_) => " (control via worker ring)".into(),
            },
            if up { "up" } else { "down" },
            if up && speed > 0 {
                format!(" {speed} Mb/s")
            } else {
                String::new()
            },
        );
    }

    let latency: Vec<Arc<Latency>> = (0..nb_workers)
        .map(|_| Arc::new(Latency::default()))
        .collect();
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, SIGNALLED.clone())
            .map_err(|e| format!("cannot handle signal {sig}: {e}"))?;
    }
    let mut workers_launched = Vec::new();
    for (w, streams) in per_worker.into_iter().enumerate() {
        let lcore = lcores[w];
        let desc: Vec<String> = streams
            .iter()
            .map(|s| format!("{}/{}->{}/{}", s.rx_port, s.rx_queue, s.tx_port, s.tx_queue))
            .collect();
        println!(
            "  worker {w} on lcore {lcore}: rx/queue->tx/queue {}",
            desc.join(" ")
        );
        let wk = Worker {
            id: w,
            mode,
            burst: opts.burst as usize,
            max_frame,
            scatter: opts.enable_scatter,
            streams: streams.clone(),
            port_macs: port_macs.clone(),
            stats: stats.clone(),
            ctl: ctl.clone(),
            inject: std::mem::take(&mut inject[w]),
            txonly: txonly.clone(),
            idle_sleep_us: opts.idle_sleep,
            latency: (mode == Mode::RxOnly).then(|| latency[w].clone()),
            vxlan: switch.as_ref().map(|sw| VxlanCtx {
                mailbox: sw.mailboxes[w].clone(),
                macs: sw.macs.clone(),
                counters: sw.counters[w].clone(),
                punt: sw.punts[w].clone(),
                tx_queue: w as u16,
                nb_ports,
            }),
        };
        if let Err(e) = eal.launch(lcore, move || wk.run()) {
            ctl.running.store(false, Ordering::Relaxed);
            for (l, _) in &workers_launched {
                eal.wait_lcore(*l);
            }
            return Err(e.into());
        }
        workers_launched.push((lcore, streams));
    }
    Ok(BroughtUp {
        ports: infos_out,
        pool,
        stats,
        ctl,
        workers: workers_launched,
        latency,
        switch,
    })
}
