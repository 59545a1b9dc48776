//! The control thread: the `vtep` entry point, the control loop on the
//! main lcore (commands, periodic stats, signals, vxlan mode's rounds),
//! the commands, and an orderly shutdown that proves every mbuf came back.

use crate::bringup::{self, BroughtUp, SIGNALLED};
use crate::cli::{self, Opts};
use crate::config::Config;
use crate::ctl::{self, Command, Reply};
use crate::gateway::{CtlPorts, Gateway, Mode};
use crate::ports::{CtlTx, PortInfo};
use crate::show;
use crate::show::config::{PortView, ShowConfig, StreamView, WorkerView};
use crate::show::port_stats::{latency_line, PortStatsShow};
use crate::stats::Snapshot;
use dataplane::dpdk::{Eal, Mbuf, Mempool, HEADROOM};
use dataplane::worker::{Control, Latency, PortStats, Stream};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything the control thread owns.
pub struct App {
    pub opts: Opts,
    pub eal_args: Vec<String>,
    /// The mbufs' data room, headroom included.
    pub data_room: u16,
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
    /// The forwarding mode, with vxlan mode's state.
    pub mode: Mode,
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
    let data_room = opts.data_room_for(HEADROOM, &eal_args)?;
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
    mut listener: ctl::Server,
) -> Result<i32, String> {
    let up: BroughtUp = bringup::bring_up(eal, &opts, config, &eal_args, data_room)?;
    let mode = match up.switch {
        Some(sw) => Mode::Vxlan(Box::new(Gateway::new(sw, Instant::now()))),
        None => Mode::Plain,
    };
    let mut app = App {
        show_snap: Snapshot::take(&up.ports, &up.stats),
        opts,
        eal_args,
        data_room,
        ports: up.ports,
        pool: up.pool,
        stats: up.stats,
        ctl: up.ctl,
        workers: up.workers,
        latency: up.latency,
        socket: listener.path().to_path_buf(),
        quit: false,
        mode,
    };
    println!("vtep: forwarding; control socket {}", app.socket.display());
    let prompt = app.opts.interactive.then(ctl::spawn_prompt);
    let code = app.control_loop(&mut listener, prompt.as_ref());
    let code2 = app.shutdown(eal);
    drop(listener);
    Ok(code.max(code2))
}

impl App {
    /// The main lcore's loop: commands, periodic stats, signals.
    fn control_loop(&mut self, listener: &mut ctl::Server, prompt: Option<&ctl::Prompt>) -> i32 {
        let period = self.opts.stats_period.map(Duration::from_secs);
        let mut next_stats = period.map(|p| Instant::now() + p);
        let mut period_snap = Snapshot::take(&self.ports, &self.stats);
        while !self.quit {
            if SIGNALLED.load(Ordering::Relaxed) {
                println!("\nvtep: signal received, stopping");
                break;
            }
            if let Mode::Vxlan(gw) = &mut self.mode {
                gw.round(CtlPorts {
                    ports: &self.ports,
                    pool: &self.pool,
                });
            }
            listener.serve(|line| self.execute(line));
            if let Some(p) = prompt {
                p.serve(|line| self.execute(line));
            }
            if let (Some(p), Some(t)) = (period, next_stats) {
                if Instant::now() >= t {
                    let now = Snapshot::take(&self.ports, &self.stats);
                    let show = PortStatsShow::of(&self.ports, &period_snap, &now, &self.stats);
                    print!("{}", show.text());
                    print!("{}", latency_line(&self.latency));
                    period_snap = now;
                    next_stats = Some(t + p);
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        0
    }

    /// Runs one command line from the prompt or the socket.
    pub fn execute(&mut self, line: &str) -> Reply {
        let cmd = match ctl::parse_in(line, matches!(self.mode, Mode::Vxlan(_))) {
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
                let show = PortStatsShow::of(&self.ports, &self.show_snap, &now, &self.stats);
                let r = if json {
                    Reply::json(show::json(&show))
                } else {
                    Reply::text(show.text() + &latency_line(&self.latency))
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
            Command::ShowConfig { json } => {
                let c = self.show_config();
                if json {
                    Reply::json(c.json())
                } else {
                    Reply::text(c.text())
                }
            }
            cmd => match &mut self.mode {
                Mode::Vxlan(gw) => {
                    let tx = CtlPorts {
                        ports: &self.ports,
                        pool: &self.pool,
                    };
                    vxlan_command(gw, tx, cmd)
                }
                Mode::Plain => Reply::error(needs_vxlan(&cmd).into()),
            },
        }
    }

    fn show_config(&self) -> ShowConfig {
        let o = &self.opts;
        ShowConfig {
            eal: self.eal_args[1..].to_vec(),
            forward_mode: format!("{:?}", o.forward_mode).to_lowercase(),
            forwarding: self.ctl.forwarding.load(Ordering::Relaxed),
            nb_cores: self.workers.len(),
            rxq: o.rxq,
            txq: o.txq,
            rxd: o.rxd,
            txd: o.txd,
            burst: o.burst,
            max_pkt_len: o.max_pkt_len,
            mbuf_size: self.data_room,
            total_num_mbufs: self.pool.size(),
            enable_scatter: o.enable_scatter,
            txpkts: o.txpkts,
            idle_sleep: o.idle_sleep,
            ctl_socket: self.socket.display().to_string(),
            config: o.config.as_ref().map(|p| p.display().to_string()),
            vtep_config: match &self.mode {
                Mode::Vxlan(gw) => {
                    Some(serde_json::to_value(&gw.switch.config).unwrap_or_default())
                }
                Mode::Plain => None,
            },
            ports: self.ports.iter().map(PortView::from).collect(),
            workers: self
                .workers
                .iter()
                .enumerate()
                .map(|(i, (lcore, ss))| WorkerView {
                    worker: i,
                    lcore: *lcore,
                    streams: ss
                        .iter()
                        .map(|s| StreamView {
                            rx_port: s.rx_port,
                            rx_queue: s.rx_queue,
                            tx_port: s.tx_port,
                            tx_queue: s.tx_queue,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Stops workers, prints final stats, closes ports, checks the pool.
    fn shutdown(&mut self, eal: &Eal) -> i32 {
        if let Mode::Vxlan(gw) = &mut self.mode {
            let n = gw.shutdown(CtlPorts {
                ports: &self.ports,
                pool: &self.pool,
            });
            println!("vtep: sent {n} IGMP leave(s)");
            // Let the workers drain their inject rings before they stop.
            std::thread::sleep(Duration::from_millis(50));
        }
        self.ctl.running.store(false, Ordering::Relaxed);
        for (lcore, _) in &self.workers {
            eal.wait_lcore(*lcore);
        }
        if let Mode::Vxlan(gw) = &mut self.mode {
            gw.switch.drain();
        }
        let zero = Snapshot::default();
        let now = Snapshot::take(&self.ports, &self.stats);
        println!("vtep: final statistics");
        print!(
            "{}",
            PortStatsShow::of(&self.ports, &zero, &now, &self.stats).text()
        );
        print!("{}", latency_line(&self.latency));
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
        // Whatever could still hold an mbuf goes now, while the pool is
        // alive: never after it, as the fields' drop order would have it.
        self.mode = Mode::Plain;
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

/// Why a vxlan-mode command cannot run in another mode.
fn needs_vxlan(cmd: &Command) -> &'static str {
    match cmd {
        Command::SetVlan(_)
        | Command::DeleteVlan { .. }
        | Command::SetStaticMac { .. }
        | Command::DeleteStaticMac { .. }
        | Command::SetAgingTime { .. }
        | Command::SetInterfaceMtu { .. } => "configuration changes need --forward-mode vxlan",
        Command::ShowIgmp { .. } | Command::ShowArp { .. } | Command::ShowLldp { .. } => {
            "protocol commands need --forward-mode vxlan"
        }
        _ => "switching commands need --forward-mode vxlan",
    }
}

/// A command of vxlan mode: switching shows and changes, protocol shows.
fn vxlan_command(gw: &mut Gateway, tx: CtlPorts, cmd: Command) -> Reply {
    let sw = &mut gw.switch;
    let text = |r: Result<String, String>| match r {
        Ok(t) => Reply::text(t),
        Err(e) => Reply::error(e),
    };
    let now = Instant::now();
    match cmd {
        Command::ShowMacTable { vlan, json, page } => {
            match show::mac_table::MacTable::of(sw, vlan, page) {
                Ok(d) if json => Reply::text(show::pretty(&d)),
                Ok(d) => Reply::text(d.text()),
                Err(e) => Reply::error(e),
            }
        }
        Command::ShowVteps { json } => {
            let d = show::vteps::Vteps::of(sw);
            Reply::text(if json { show::pretty(&d) } else { d.text() })
        }
        Command::ShowVlans { json } => {
            let d = show::vlans::Vlans::of(sw);
            Reply::text(if json { show::pretty(&d) } else { d.text() })
        }
        Command::ShowInterfaces { name, json } => {
            match show::interfaces::Interfaces::of(sw, name.as_deref()) {
                Ok(d) if json => Reply::json(d.json()),
                Ok(d) => Reply::text(d.text()),
                Err(e) => Reply::error(e),
            }
        }
        Command::ClearMacTable { vlan } => text(sw.clear_table(vlan)),
        Command::SetVlan(_)
        | Command::DeleteVlan { .. }
        | Command::SetStaticMac { .. }
        | Command::DeleteStaticMac { .. }
        | Command::SetAgingTime { .. }
        | Command::SetInterfaceMtu { .. } => match sw.apply(&cmd) {
            Ok(t) => {
                gw.reconfigured(tx);
                Reply::text(t)
            }
            Err(e) => Reply::error(e),
        },
        Command::ShowIgmp { json } => {
            let d = show::igmp::IgmpMembership::of(&gw.plane, now);
            Reply::text(if json { show::compact(&d) } else { d.text() })
        }
        Command::ShowArp { json } => {
            let d = show::arp::ArpTable::of(&gw.plane, now);
            Reply::text(if json { show::compact(&d) } else { d.text() })
        }
        Command::ShowLldp { json } => {
            let d = show::lldp::LldpNeighbors::of(&gw.plane, now);
            Reply::text(if json { show::compact(&d) } else { d.text() })
        }
        _ => Reply::error("not a vxlan-mode command".into()),
    }
}
