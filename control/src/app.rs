//! Process bring-up and the control thread: EAL, mempool, ports, worker
//! launch, the control loop on the main lcore, and an orderly shutdown
//! that proves every mbuf came back.

use crate::cli::{self, ForwardMode, Opts};
use crate::config::Config;
use crate::ctl::{self, Command, Reply};
use crate::ports::{CtlTx, PortInfo};
use crate::protocols::{Emit, Plane, PlaneConfig};
use crate::show;
use crate::stats::{self, PortView, Snapshot};
use crate::switch::{self, Switch};
use dataplane::bridge::{self, Counters, Fdb, Sink};
use dataplane::dpdk::{self, Eal, Mbuf, Mempool, Port, PortSetup, HEADROOM};
use dataplane::worker::{
    self, Control, InjectRing, Latency, Mode, PortStats, Stream, TxOnly, VxlanCtx, Worker,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wire::Mac;

/// Set by SIGINT/SIGTERM; the control loop then shuts down in order.
static SIGNALLED: std::sync::LazyLock<Arc<AtomicBool>> =
    std::sync::LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// Everything the control thread owns.
pub struct App {
    pub opts: Opts,
    pub eal_args: Vec<String>,
    pub ports: Vec<PortInfo>,
    pub pool: Arc<Mempool>,
    pub stats: Arc<Vec<PortStats>>,
    pub ctl: Arc<Control>,
    pub workers: Vec<(u32, Vec<Stream>)>,
    /// rxonly's one-way latency from txonly probes, per worker.
    pub latency: Vec<Arc<Latency>>,
    pub socket: PathBuf,
    pub quit: bool,
    /// Baseline for `show port stats` rates.
    pub show_snap: Snapshot,
    /// vxlan mode's state.
    pub switch: Option<Switch>,
    /// vxlan mode's protocols (IGMP, ARP, ICMP, LLDP).
    pub plane: Option<Plane>,
    /// Frames the control plane wants sent.
    out: Vec<Emit>,
    remote_vteps: Vec<std::net::Ipv4Addr>,
    last_vtep_scan: Option<Instant>,
}

/// Entry point for `vtep [EAL] -- [opts]`. Returns the exit code.
pub fn main(argv: Vec<String>) -> i32 {
    let (eal_args, own) = cli::split_args(&argv);
    if eal_args.iter().skip(1).any(|a| a == "-h" || a == "--help") {
        use clap::CommandFactory;
        let _ = Opts::command().print_long_help();
        return 0;
    }
    let opts = match <Opts as clap::Parser>::try_parse_from(&own) {
        Ok(o) => o,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return 0;
            }
            let msg = e.to_string();
            eprintln!(
                "vtep: {}",
                msg.lines()
                    .next()
                    .unwrap_or("bad arguments")
                    .trim_start_matches("error: ")
            );
            return 2;
        }
    };
    match run(opts, eal_args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vtep: {e}");
            1
        }
    }
}

fn run(opts: Opts, eal_args: Vec<String>) -> Result<i32, String> {
    opts.check()?;
    let data_room = opts.data_room(HEADROOM)?;
    let config = match &opts.config {
        Some(path) => {
            let c = Config::from_file(path).map_err(|e| e.to_string())?;
            for w in c.warnings() {
                eprintln!("vtep: warning: {w}");
            }
            Some(c)
        }
        None => None,
    };
    let socket = opts
        .ctl_socket
        .clone()
        .unwrap_or_else(|| cli::default_socket(&eal_args));
    let listener = ctl::Server::bind(&socket)?;

    let eal = Eal::init(&eal_args)?;
    let result = bring_up_and_serve(&eal, opts, config, eal_args, data_room, listener);
    drop(eal);
    result
}

fn bring_up_and_serve(
    eal: &Eal,
    opts: Opts,
    config: Option<Config>,
    eal_args: Vec<String>,
    data_room: u16,
    listener: ctl::Server,
) -> Result<i32, String> {
    let ports = Port::all();
    let names: Vec<String> = ports.iter().map(|p| p.name()).collect();
    for v in cli::vdev_names(&eal_args) {
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
            return Err(e);
        }
        workers_launched.push((lcore, streams));
    }

    let mut app = App {
        show_snap: Snapshot::take(&infos_out, &stats),
        opts,
        eal_args,
        ports: infos_out,
        pool,
        stats,
        ctl,
        workers: workers_launched,
        latency,
        socket: listener.path().to_path_buf(),
        quit: false,
        plane: switch
            .as_ref()
            .map(|sw| Plane::new(PlaneConfig::new(&sw.config, &sw.bridge), Instant::now())),
        switch,
        out: Vec::new(),
        remote_vteps: Vec::new(),
        last_vtep_scan: None,
    };
    println!("vtep: forwarding; control socket {}", app.socket.display());
    let prompt = app.opts.interactive.then(ctl::spawn_prompt);
    let code = app.control_loop(&listener, prompt.as_ref());
    let code2 = app.shutdown(eal);
    drop(listener);
    Ok(code.max(code2))
}

impl App {
    /// The main lcore's loop: commands, periodic stats, signals.
    fn control_loop(&mut self, listener: &ctl::Server, prompt: Option<&ctl::Prompt>) -> i32 {
        let period = self.opts.stats_period.map(Duration::from_secs);
        let mut next_stats = period.map(|p| Instant::now() + p);
        let mut period_snap = Snapshot::take(&self.ports, &self.stats);
        while !self.quit {
            if SIGNALLED.load(Ordering::Relaxed) {
                println!("\nvtep: signal received, stopping");
                break;
            }
            self.control_plane();
            listener.serve(|line| self.execute(line));
            if let Some(p) = prompt {
                p.serve(|line| self.execute(line));
            }
            if let (Some(p), Some(t)) = (period, next_stats) {
                if Instant::now() >= t {
                    let now = Snapshot::take(&self.ports, &self.stats);
                    print!("{}", stats::port_blocks(&self.ports, &period_snap, &now));
                    print!("{}", stats::latency_line(&self.latency));
                    period_snap = now;
                    next_stats = Some(t + p);
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        0
    }

    /// vxlan mode's control plane, one bounded round: punted frames in,
    /// timers, neighbor changes out to the workers, frames sent.
    fn control_plane(&mut self) {
        let (Some(sw), Some(plane)) = (self.switch.as_mut(), self.plane.as_mut()) else {
            return;
        };
        let now = Instant::now();
        let out = &mut self.out;
        sw.poll(|port, m| plane.handle(port, &m.to_vec(), now, out));
        if self
            .last_vtep_scan
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1))
        {
            self.remote_vteps = sw.remote_vteps();
            self.last_vtep_scan = Some(now);
        }
        plane.tick(now, &self.remote_vteps, out);
        if plane.take_neighbors_changed() {
            sw.set_neighbors(plane.neighbors());
        }
        self.flush_out();
    }

    fn flush_out(&mut self) {
        let frames = std::mem::take(&mut self.out);
        for e in &frames {
            match e {
                Emit::Port(port, f) => {
                    self.send(*port, f);
                }
                Emit::Vlan(vlan, f) => self.send_into_vlan(*vlan, f),
            }
        }
        self.out = frames;
        self.out.clear();
    }

    /// Sends one frame built by the control thread out of `port` as is.
    pub fn send(&mut self, port: u16, frame: &[u8]) -> bool {
        match self.mbuf_of(frame) {
            Some(m) => ctl_send(&self.ports, port, m),
            None => false,
        }
    }

    /// A frame in a fresh mbuf (with the pool's headroom for a tag or the
    /// outer header); `None` when the pool is empty or the frame too long.
    fn mbuf_of(&self, frame: &[u8]) -> Option<Mbuf> {
        let mut m = self.pool.alloc()?;
        let buf = m.buf_mut();
        if frame.len() > buf.len() {
            return None;
        }
        buf[..frame.len()].copy_from_slice(frame);
        m.set_len(frame.len() as u16);
        Some(m)
    }

    /// Hands an untagged frame to the bridge domain of `vlan` as control
    /// input: the dataplane's own forwarding (MAC table, flood, tunnel)
    /// decides where it goes, counted in the control thread's counters.
    fn send_into_vlan(&mut self, vlan: u16, frame: &[u8]) {
        let Some(m) = self.mbuf_of(frame) else {
            if let Some(sw) = &self.switch {
                sw.ctl_counters.drop(bridge::Drop::NoMbuf);
            }
            return;
        };
        let Some(sw) = self.switch.as_mut() else {
            return;
        };
        let view = sw.view.clone();
        let mut fdb = Fdb::new(&sw.macs, &mut sw.ctl_memo, switch::now_secs());
        let mut sink = CtlSink {
            ports: &self.ports,
            ctr: &sw.ctl_counters,
        };
        bridge::control_input(&view, &mut fdb, vlan, m, &mut sink, &sw.ctl_counters);
    }

    /// Runs one command line from the prompt or the socket.
    pub fn execute(&mut self, line: &str) -> Reply {
        let cmd = match ctl::parse(line) {
            Ok(c) => c,
            Err(e) => return Reply::error(e),
        };
        match cmd {
            Command::Empty => Reply::text(String::new()),
            Command::Help => Reply::text(ctl::HELP.to_string()),
            Command::Start => {
                self.ctl.forwarding.store(true, Ordering::Relaxed);
                Reply::text("forwarding started".into())
            }
            Command::Stop => {
                self.ctl.forwarding.store(false, Ordering::Relaxed);
                Reply::text("forwarding stopped".into())
            }
            Command::Quit => {
                self.quit = true;
                Reply::text("bye".into())
            }
            Command::ShowPortStats { json } => {
                let now = Snapshot::take(&self.ports, &self.stats);
                let r = if json {
                    Reply::json(stats::port_json(
                        &self.ports,
                        &self.show_snap,
                        &now,
                        &self.stats,
                    ))
                } else {
                    Reply::text(
                        stats::port_blocks(&self.ports, &self.show_snap, &now)
                            + &stats::latency_line(&self.latency),
                    )
                };
                self.show_snap = now;
                r
            }
            Command::ClearPortStats => {
                for p in &self.ports {
                    p.port.stats_reset();
                }
                for ps in self.stats.iter() {
                    for q in &ps.rxq {
                        q.packets.set(0);
                        q.bytes.set(0);
                        q.oversize.set(0);
                    }
                    for q in &ps.txq {
                        q.packets.set(0);
                        q.bytes.set(0);
                        q.dropped.set(0);
                    }
                }
                self.show_snap = Snapshot::take(&self.ports, &self.stats);
                Reply::text("port statistics cleared".into())
            }
            Command::ShowMacTable { .. }
            | Command::ShowVteps { .. }
            | Command::ShowVlans { .. }
            | Command::ShowInterfaces { .. }
            | Command::ClearMacTable { .. }
                if self.switch.is_none() =>
            {
                Reply::error("switching commands need --forward-mode vxlan".into())
            }
            Command::ShowMacTable { vlan, json } => {
                let sw = self.switch.as_mut().expect("vxlan mode");
                match sw.show_table(vlan, json) {
                    Ok(t) => Reply::text(t),
                    Err(e) => Reply::error(e),
                }
            }
            Command::ShowVteps { json } => {
                Reply::text(self.switch.as_mut().expect("vxlan mode").show_vteps(json))
            }
            Command::ShowVlans { json } => {
                Reply::text(self.switch.as_ref().expect("vxlan mode").show_vlans(json))
            }
            Command::ShowInterfaces { name, json } => {
                let sw = self.switch.as_ref().expect("vxlan mode");
                match sw.interfaces_json(name.as_deref()) {
                    Ok(v) if json => Reply::json(v),
                    Ok(v) => Reply::text(stats::config_text(&v)),
                    Err(e) => Reply::error(e),
                }
            }
            Command::ClearMacTable { vlan } => {
                match self.switch.as_mut().expect("vxlan mode").clear_table(vlan) {
                    Ok(t) => Reply::text(t),
                    Err(e) => Reply::error(e),
                }
            }
            Command::SetVlan(_)
            | Command::DeleteVlan { .. }
            | Command::SetStaticMac { .. }
            | Command::DeleteStaticMac { .. }
            | Command::SetAgingTime { .. }
            | Command::SetInterfaceMtu { .. } => match self.switch.as_mut() {
                None => Reply::error("configuration changes need --forward-mode vxlan".into()),
                Some(sw) => match sw.apply(&cmd) {
                    Ok(t) => {
                        if let Some(p) = self.plane.as_mut() {
                            p.reconfigure(
                                PlaneConfig::new(&sw.config, &sw.bridge),
                                Instant::now(),
                                &mut self.out,
                            );
                        }
                        self.flush_out();
                        Reply::text(t)
                    }
                    Err(e) => Reply::error(e),
                },
            },
            Command::ShowIgmp { json } | Command::ShowArp { json } | Command::ShowLldp { json } => {
                match self.plane.as_ref() {
                    None => Reply::error("protocol commands need --forward-mode vxlan".into()),
                    Some(p) => {
                        let now = Instant::now();
                        Reply::text(match cmd {
                            Command::ShowIgmp { .. } => {
                                let d = show::igmp::IgmpMembership::of(p, now);
                                if json {
                                    show::compact(&d)
                                } else {
                                    d.text()
                                }
                            }
                            Command::ShowArp { .. } => {
                                let d = show::arp::ArpTable::of(p, now);
                                if json {
                                    show::compact(&d)
                                } else {
                                    d.text()
                                }
                            }
                            _ => {
                                let d = show::lldp::LldpNeighbors::of(p, now);
                                if json {
                                    show::compact(&d)
                                } else {
                                    d.text()
                                }
                            }
                        })
                    }
                }
            }
            Command::ShowConfig { json } => {
                let v = self.config_json();
                if json {
                    Reply::json(v)
                } else {
                    Reply::text(stats::config_text(&v))
                }
            }
        }
    }

    fn config_json(&self) -> serde_json::Value {
        let o = &self.opts;
        serde_json::json!({
            "eal": self.eal_args[1..].to_vec(),
            "forward-mode": format!("{:?}", o.forward_mode).to_lowercase(),
            "forwarding": self.ctl.forwarding.load(Ordering::Relaxed),
            "nb-cores": self.workers.len(),
            "rxq": o.rxq, "txq": o.txq, "rxd": o.rxd, "txd": o.txd,
            "burst": o.burst,
            "max-pkt-len": o.max_pkt_len,
            "mbuf-size": o.data_room(HEADROOM).unwrap_or(0),
            "total-num-mbufs": self.pool.size(),
            "enable-scatter": o.enable_scatter,
            "txpkts": o.txpkts,
            "idle-sleep": o.idle_sleep,
            "ctl-socket": self.socket.display().to_string(),
            "config": o.config.as_ref().map(|p| p.display().to_string()),
            "vtep-config": self.switch.as_ref().map(|s| serde_json::to_value(&s.config).unwrap_or_default()),
            "ports": self.ports.iter().map(PortView::from).collect::<Vec<_>>(),
            "workers": self.workers.iter().enumerate().map(|(i, (lcore, ss))| serde_json::json!({
                "worker": i, "lcore": lcore,
                "streams": ss.iter().map(|s| serde_json::json!({"rx-port": s.rx_port, "rx-queue": s.rx_queue, "tx-port": s.tx_port, "tx-queue": s.tx_queue})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// Stops workers, prints final stats, closes ports, checks the pool.
    fn shutdown(&mut self, eal: &Eal) -> i32 {
        if let Some(p) = self.plane.as_mut() {
            p.shutdown(&mut self.out);
            let n = self.out.len();
            self.flush_out();
            println!("vtep: sent {n} IGMP leave(s)");
            // Let the workers drain their inject rings before they stop.
            std::thread::sleep(Duration::from_millis(50));
        }
        self.ctl.running.store(false, Ordering::Relaxed);
        for (lcore, _) in &self.workers {
            eal.wait_lcore(*lcore);
        }
        if let Some(sw) = &mut self.switch {
            sw.poll(|_, m| drop(m));
            for m in &sw.mailboxes {
                drop(m.reap());
            }
        }
        let zero = Snapshot::default();
        let now = Snapshot::take(&self.ports, &self.stats);
        println!("vtep: final statistics");
        print!("{}", stats::port_blocks(&self.ports, &zero, &now));
        print!("{}", stats::latency_line(&self.latency));
        for p in &self.ports {
            if let CtlTx::Ring(r) = &p.ctl_tx {
                while let Some(m) = r.pop() {
                    drop::<Mbuf>(m);
                }
            }
            p.port.stop();
        }
        for p in &self.ports {
            p.port.close();
        }
        let in_use = self.pool.in_use();
        if in_use != 0 {
            eprintln!(
                "vtep: error: mbuf leak: {in_use} of {} mbufs are still in use after shutdown",
                self.pool.size()
            );
            return 3;
        }
        println!("vtep: all {} mbufs back in the pool; bye", self.pool.size());
        0
    }
}

/// Sends a frame of the control thread out of `port`: on the port's spare
/// TX queue (only this thread uses it) or through the owning worker's
/// inject ring. Never touches a worker's TX queue.
fn ctl_send(ports: &[PortInfo], port: u16, m: Mbuf) -> bool {
    let Some(p) = ports.get(port as usize) else {
        return false;
    };
    match &p.ctl_tx {
        CtlTx::Queue(q) => dpdk::tx_one(port, *q, m),
        CtlTx::Ring(r) => r.push(m).is_ok(),
    }
}

/// Where the bridge puts the control thread's frames: each port's control
/// TX path.
struct CtlSink<'a> {
    ports: &'a [PortInfo],
    ctr: &'a Counters,
}

impl Sink<Mbuf> for CtlSink<'_> {
    fn tx(&mut self, port: u16, pkt: Mbuf) {
        if !ctl_send(self.ports, port, pkt) {
            self.ctr.drop(bridge::Drop::TxQueueFull);
        }
    }
    fn punt(&mut self, _pkt: Mbuf) {
        // control_input never punts (a frame to our own MAC is dropped
        // control-to-self before); should it, it is that drop.
        self.ctr.drop(bridge::Drop::ControlToSelf);
    }
    fn drop(&mut self, _pkt: Mbuf, _why: bridge::Drop) {}
}
