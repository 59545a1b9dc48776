//! Operator commands: one parser for the `vtep>` prompt and the control
//! socket, the socket server (unix, mode 0600, non-blocking, polled by
//! the control thread) and the `vtep ctl` client.

use crossbeam::channel::{self, Receiver, Sender};
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wire::Mac;

pub const HELP: &str = "\
commands (add --json to any show command):
  start                      start forwarding
  stop                       stop forwarding (ports stay up)
  show port stats all        per-port counters and rates since the last show
  clear port stats all       zero the port counters
  show config                effective options, ports and workers
  show ethernet-switching table [vlan-id N] [start N] [count N]
                             the MAC table (vxlan mode), 1000 rows a page
  show ethernet-switching vxlan-tunnel-end-point remote
                             remote VTEPs, their MACs and next hops
  show vlans                 VLAN/VNI mapping and per-VLAN counters
  show interfaces [NAME]     ports, roles, drop counters by reason
  show igmp membership       groups joined on the underlay
  show arp                   next hops and IRB neighbours
  show lldp neighbors        what LLDP heard on each port
  clear ethernet-switching table [vlan-id N]
                             forget learned MACs (all or one VLAN)
live changes (workers keep forwarding; IGMP follows):
  set vlans NAME vlan-id N [vxlan vni M (multicast-group G | static-remote-vteps IP[,IP…])
                           [encapsulate-inner-vlan] [decapsulate-accept-inner-vlan]]
  delete vlans NAME
  set ethernet-switching static-mac vlan NAME mac MAC (interface IF | remote-vtep IP)
  delete ethernet-switching static-mac vlan NAME mac MAC
  set ethernet-switching mac-table-aging-time SECONDS
  set interfaces NAME mtu N  (IP MTU; the underlay's decides what is too big)
  help                       this list
  quit                       stop workers, print final stats, exit";

/// The commands of io, mac, rxonly and txonly mode, for an unknown
/// command's error.
const EXPECTED: &str =
    "start, stop, show port stats all, clear port stats all, show config, help, quit";
/// The commands of vxlan mode, for an unknown command's error.
const EXPECTED_VXLAN: &str = "start, stop, show port stats all, clear port stats all, show config, show ethernet-switching table, show ethernet-switching vxlan-tunnel-end-point remote, show vlans, show interfaces, show igmp membership, show arp, show lldp neighbors, clear ethernet-switching table, set vlans, delete vlans, set ethernet-switching static-mac, delete ethernet-switching static-mac, set ethernet-switching mac-table-aging-time, set interfaces, help, quit";

/// A parsed operator command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Empty,
    Help,
    Start,
    Stop,
    Quit,
    ShowPortStats {
        json: bool,
    },
    ClearPortStats,
    ShowConfig {
        json: bool,
    },
    ShowIgmp {
        json: bool,
    },
    ShowArp {
        json: bool,
    },
    ShowLldp {
        json: bool,
    },
    ShowMacTable {
        vlan: Option<u16>,
        json: bool,
        page: Page,
    },
    ShowVteps {
        json: bool,
    },
    ShowVlans {
        json: bool,
    },
    ShowInterfaces {
        name: Option<String>,
        json: bool,
    },
    ClearMacTable {
        vlan: Option<u16>,
    },
    SetVlan(SetVlan),
    DeleteVlan {
        name: String,
    },
    SetStaticMac {
        vlan: String,
        mac: Mac,
        target: MacTarget,
    },
    DeleteStaticMac {
        vlan: String,
        mac: Mac,
    },
    SetAgingTime {
        seconds: u32,
    },
    SetInterfaceMtu {
        name: String,
        mtu: u16,
    },
}

/// Which rows of a long table a show returns: `start N` skips the first
/// N, `count N` returns at most N (default [`Page::DEFAULT_COUNT`]), so a
/// show of a million MACs stays a bounded answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub start: usize,
    pub count: usize,
}

impl Page {
    pub const DEFAULT_COUNT: usize = 1000;
    /// The most one show returns, `count` or not.
    pub const MAX_COUNT: usize = 100_000;
}

impl Default for Page {
    fn default() -> Page {
        Page {
            start: 0,
            count: Page::DEFAULT_COUNT,
        }
    }
}

/// `show ethernet-switching table [vlan-id N] [start N] [count N]`.
fn parse_show_mac_table(w: &[&str], json: bool) -> Result<Command, String> {
    let mut vlan = None;
    let mut page = Page::default();
    let mut it = w[3..].iter();
    while let Some(k) = it.next() {
        let Some(v) = it.next() else {
            return Err(match *k {
                "vlan-id" => format!(
                    "incomplete command \"{}\": expected a VLAN id after vlan-id",
                    w.join(" ")
                ),
                "start" | "count" => format!(
                    "incomplete command \"{}\": expected a number after {k}",
                    w.join(" ")
                ),
                _ => unknown_show_switching(w),
            });
        };
        let number = |max: usize| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| format!("{k} \"{v}\" is not a number (0-{max})"))
        };
        match *k {
            "vlan-id" => vlan = Some(vlan_id(v)?),
            "start" => page.start = number(usize::MAX)?,
            "count" => page.count = number(Page::MAX_COUNT)?,
            _ => return Err(unknown_show_switching(w)),
        }
    }
    Ok(Command::ShowMacTable { vlan, json, page })
}

fn unknown_show_switching(w: &[&str]) -> String {
    format!(
        "unknown command \"{}\": expected \"show ethernet-switching table [vlan-id N] [start N] [count N]\" or \"show ethernet-switching vxlan-tunnel-end-point remote\"",
        w.join(" ")
    )
}

/// `set vlans NAME vlan-id N [vxlan …]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetVlan {
    pub name: String,
    pub vlan_id: u16,
    pub vxlan: Option<SetVxlan>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetVxlan {
    pub vni: u32,
    pub group: Option<std::net::Ipv4Addr>,
    pub static_vteps: Vec<std::net::Ipv4Addr>,
    pub encapsulate_inner_vlan: bool,
    pub decapsulate_accept_inner_vlan: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MacTarget {
    Interface(String),
    RemoteVtep(std::net::Ipv4Addr),
}

fn ip(w: &str, what: &str) -> Result<std::net::Ipv4Addr, String> {
    w.parse()
        .map_err(|_| format!("{what} \"{w}\" is not an IPv4 address"))
}

fn mac(w: &str) -> Result<Mac, String> {
    w.parse::<Mac>()
        .map_err(|_| format!("mac \"{w}\" is not a MAC address (aa:bb:cc:dd:ee:ff)"))
}

const SET_VLAN: &str = "set vlans NAME vlan-id N [vxlan vni M (multicast-group G | static-remote-vteps IP[,IP…]) [encapsulate-inner-vlan] [decapsulate-accept-inner-vlan]]";
const SET_MAC: &str =
    "set ethernet-switching static-mac vlan NAME mac MAC (interface IF | remote-vtep IP)";

fn parse_set_vlan(w: &[&str]) -> Result<Command, String> {
    let bad = || format!("malformed \"{}\": expected \"{SET_VLAN}\"", w.join(" "));
    let [_, _, name, "vlan-id", id, rest @ ..] = w else {
        return Err(bad());
    };
    let vlan_id = vlan_id(id)?;
    let mut vxlan = None;
    match rest {
        [] => {}
        ["vxlan", "vni", vni, more @ ..] => {
            let vni: u32 = vni
                .parse()
                .ok()
                .filter(|v| *v <= 0xff_ffff)
                .ok_or_else(|| format!("vni \"{vni}\" is outside 0-16777215"))?;
            let mut x = SetVxlan {
                vni,
                group: None,
                static_vteps: Vec::new(),
                encapsulate_inner_vlan: false,
                decapsulate_accept_inner_vlan: false,
            };
            let mut it = more.iter();
            while let Some(k) = it.next() {
                match *k {
                    "multicast-group" => {
                        x.group = Some(ip(it.next().ok_or_else(bad)?, "multicast-group")?)
                    }
                    "static-remote-vteps" => {
                        for a in it.next().ok_or_else(bad)?.split(',') {
                            x.static_vteps.push(ip(a, "static-remote-vteps")?);
                        }
                    }
                    "encapsulate-inner-vlan" => x.encapsulate_inner_vlan = true,
                    "decapsulate-accept-inner-vlan" => x.decapsulate_accept_inner_vlan = true,
                    _ => return Err(bad()),
                }
            }
            if x.group.is_some() != x.static_vteps.is_empty() {
                return Err(format!(
                    "set vlans {name}: give exactly one of multicast-group and static-remote-vteps"
                ));
            }
            vxlan = Some(x);
        }
        _ => return Err(bad()),
    }
    Ok(Command::SetVlan(SetVlan {
        name: name.to_string(),
        vlan_id,
        vxlan,
    }))
}

fn vlan_id(w: &str) -> Result<u16, String> {
    match w.parse::<u16>() {
        Ok(v) if (1..=4094).contains(&v) => Ok(v),
        _ => Err(format!("vlan-id \"{w}\" is not a VLAN id (1-4094)")),
    }
}

/// Parses one command line as io mode knows it. Errors are one line: what
/// is wrong and what was expected.
pub fn parse(line: &str) -> Result<Command, String> {
    parse_in(line, false)
}

/// Parses one command line; an unknown command's error lists the commands
/// of the running mode (`vxlan` or not).
pub fn parse_in(line: &str, vxlan: bool) -> Result<Command, String> {
    let expected = if vxlan { EXPECTED_VXLAN } else { EXPECTED };
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let json = words.contains(&"--json");
    words.retain(|w| *w != "--json");
    let cmd =
        match words.as_slice() {
            [] => Command::Empty,
            ["help"] | ["?"] => Command::Help,
            ["start"] => Command::Start,
            ["stop"] => Command::Stop,
            ["quit"] | ["exit"] => Command::Quit,
            ["show", "port", "stats", "all"] => Command::ShowPortStats { json },
            ["clear", "port", "stats", "all"] => Command::ClearPortStats,
            ["show", "config"] => Command::ShowConfig { json },
        ["show", "ethernet-switching", "table", ..] => parse_show_mac_table(&words, json)?,
        ["show", "ethernet-switching", "vxlan-tunnel-end-point", "remote"] => Command::ShowVteps { json },
        ["show", "vlans"] => Command::ShowVlans { json },
        ["show", "igmp", "membership"] => Command::ShowIgmp { json },
        ["show", "arp"] => Command::ShowArp { json },
        ["show", "lldp", "neighbors"] => Command::ShowLldp { json },
        ["show", "interfaces"] => Command::ShowInterfaces { name: None, json },
        ["show", "interfaces", n] => Command::ShowInterfaces { name: Some(n.to_string()), json },
        ["clear", "ethernet-switching", "table"] => Command::ClearMacTable { vlan: None },
        ["clear", "ethernet-switching", "table", "vlan-id", v] => Command::ClearMacTable { vlan: Some(vlan_id(v)?) },
        ["clear", "ethernet-switching", "table", "vlan-id"] => {
            return Err(format!("incomplete command \"{}\": expected a VLAN id after vlan-id", words.join(" ")))
        }
        ["set", "vlans", ..] => parse_set_vlan(&words)?,
        ["delete", "vlans", name] => Command::DeleteVlan { name: name.to_string() },
        ["set", "ethernet-switching", "static-mac", "vlan", v, "mac", m, "interface", i] => {
            Command::SetStaticMac { vlan: v.to_string(), mac: mac(m)?, target: MacTarget::Interface(i.to_string()) }
        }
        ["set", "ethernet-switching", "static-mac", "vlan", v, "mac", m, "remote-vtep", a] => {
            Command::SetStaticMac { vlan: v.to_string(), mac: mac(m)?, target: MacTarget::RemoteVtep(ip(a, "remote-vtep")?) }
        }
        ["set", "ethernet-switching", "static-mac", ..] => {
            return Err(format!("malformed \"{}\": expected \"{SET_MAC}\"", words.join(" ")))
        }
        ["delete", "ethernet-switching", "static-mac", "vlan", v, "mac", m] => {
            Command::DeleteStaticMac { vlan: v.to_string(), mac: mac(m)? }
        }
        ["set", "interfaces", name, "mtu", m] => Command::SetInterfaceMtu {
            name: name.to_string(),
            mtu: m.parse().map_err(|_| format!("mtu \"{m}\" is not a number"))?,
        },
        ["set", "ethernet-switching", "mac-table-aging-time", s] => Command::SetAgingTime {
            seconds: s.parse().map_err(|_| format!("mac-table-aging-time \"{s}\" is not a number of seconds"))?,
        },
        ["set", ..] | ["delete", ..] => {
            return Err(format!(
                "unknown command \"{}\": expected \"{SET_VLAN}\", \"delete vlans NAME\", \"{SET_MAC}\", \"delete ethernet-switching static-mac vlan NAME mac MAC\" or \"set ethernet-switching mac-table-aging-time SECONDS\"",
                words.join(" ")
            ))
        }
        ["show", "ethernet-switching", ..] => return Err(unknown_show_switching(&words)),
            ["show", "port", "stats"] | ["show", "port"] => {
                return Err(format!(
                    "incomplete command \"{}\": expected \"show port stats all\"",
                    words.join(" ")
                ))
            }
            ["clear", "port", "stats"] | ["clear", "port"] | ["clear"] => {
                return Err(format!(
                    "incomplete command \"{}\": expected \"clear port stats all\"",
                    words.join(" ")
                ))
            }
            ["show"] => return Err(
                "incomplete command \"show\": expected \"show port stats all\" or \"show config\""
                    .into(),
            ),
            _ => {
                return Err(format!(
                    "unknown command \"{}\": expected one of: {expected}",
                    words.join(" ")
                ))
            }
        };
    if json
        && !matches!(
            cmd,
            Command::ShowPortStats { .. }
                | Command::ShowConfig { .. }
                | Command::ShowMacTable { .. }
                | Command::ShowVteps { .. }
                | Command::ShowVlans { .. }
                | Command::ShowInterfaces { .. }
                | Command::ShowIgmp { .. }
                | Command::ShowArp { .. }
                | Command::ShowLldp { .. }
        )
    {
        return Err(format!(
            "--json applies to show commands only, not \"{}\"",
            words.join(" ")
        ));
    }
    Ok(cmd)
}

/// A command's answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub text: String,
    pub error: bool,
}

impl Reply {
    pub fn text(text: String) -> Reply {
        Reply { text, error: false }
    }
    pub fn json(v: Value) -> Reply {
        Reply {
            text: serde_json::to_string_pretty(&v).unwrap_or_default(),
            error: false,
        }
    }
    pub fn error(msg: String) -> Reply {
        Reply {
            text: format!("error: {msg}"),
            error: true,
        }
    }
}

/// The longest command line a client may send.
const MAX_LINE: usize = 4096;
/// Clients served at once; one more is told so and closed.
const MAX_CLIENTS: usize = 32;
/// A client that sends no full line, or does not take its answer, for
/// this long is dropped: it holds a slot, never the control thread.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);
/// Per `serve` call, so one loop of the control thread stays short:
/// connections accepted, commands run, bytes written to one client.
const ACCEPTS_PER_CALL: usize = 8;
const COMMANDS_PER_CALL: usize = 4;
const WRITE_PER_CALL: usize = 256 * 1024;

/// One connection: one command line in, its answer out, then closed.
struct Client {
    stream: UnixStream,
    line: Vec<u8>,
    /// The answer and how much of it has been written.
    answer: Option<(Vec<u8>, usize)>,
    /// The last time the client sent or took something.
    seen: Instant,
}

/// What became of a client after its turn.
enum Turn {
    Keep,
    Close,
}

impl Client {
    /// Reads what has arrived (never waits); runs the command once its
    /// line is complete, or answers an error for a line too long or not
    /// UTF-8.
    fn read(&mut self, exec: &mut impl FnMut(&str) -> Reply, budget: &mut usize) -> Turn {
        if *budget == 0 {
            return Turn::Keep;
        }
        let mut buf = [0u8; 1024];
        let eof = loop {
            match (&self.stream).read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => {
                    self.seen = Instant::now();
                    self.line.extend_from_slice(&buf[..n]);
                    if self.line.contains(&b'\n') || self.line.len() > MAX_LINE {
                        break false;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if self.seen.elapsed() >= CLIENT_TIMEOUT {
                        return Turn::Close;
                    }
                    return Turn::Keep;
                }
                Err(_) => return Turn::Close,
            }
        };
        let end = self.line.iter().position(|&b| b == b'\n');
        let reply = match end {
            Some(n) if n <= MAX_LINE => Self::run(&self.line[..n], exec, budget),
            None if eof && !self.line.is_empty() && self.line.len() <= MAX_LINE => {
                Self::run(&self.line.clone(), exec, budget)
            }
            None if eof => return Turn::Close,
            _ => Reply::error(format!(
                "command longer than {MAX_LINE} bytes: connection closed"
            )),
        };
        let mut out = reply.text.into_bytes();
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        self.answer = Some((out, 0));
        self.seen = Instant::now();
        self.write()
    }

    fn run(line: &[u8], exec: &mut impl FnMut(&str) -> Reply, budget: &mut usize) -> Reply {
        *budget -= 1;
        match std::str::from_utf8(line) {
            Ok(l) => exec(l.trim()),
            Err(_) => Reply::error("the command is not UTF-8 text".into()),
        }
    }

    /// Writes what the socket takes now of the answer; closes once all of
    /// it is out.
    fn write(&mut self) -> Turn {
        let Some((out, done)) = &mut self.answer else {
            return Turn::Keep;
        };
        let stop = (*done + WRITE_PER_CALL).min(out.len());
        while *done < stop {
            match (&self.stream).write(&out[*done..stop]) {
                Ok(0) => return Turn::Close,
                Ok(n) => {
                    *done += n;
                    self.seen = Instant::now();
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if self.seen.elapsed() >= CLIENT_TIMEOUT {
                        return Turn::Close;
                    }
                    return Turn::Keep;
                }
                Err(_) => return Turn::Close,
            }
        }
        if *done == out.len() {
            Turn::Close
        } else {
            Turn::Keep
        }
    }
}

/// The control socket, served by the control thread between its other
/// duties without ever waiting on a client: every socket is non-blocking
/// and each call does a bounded amount of work.
pub struct Server {
    listener: UnixListener,
    path: PathBuf,
    clients: Vec<Client>,
}

impl Server {
    /// Binds the control socket at `path`. A path that exists and is not a
    /// socket (a file, a directory, a symlink) is refused and left as it
    /// is; a socket another vtep answers on is refused; a stale one is
    /// replaced. The socket is made in a private directory (0700), given
    /// mode 0600 there and only then moved to `path`, so no one else can
    /// ever connect to it.
    pub fn bind(path: &Path) -> Result<Server, String> {
        let err = |e: std::io::Error| format!("control socket {}: {e}", path.display());
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("control socket directory {}: {e}", dir.display()))?;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_socket() => {
                if UnixStream::connect(path).is_ok() {
                    return Err(format!(
                        "control socket {} is in use by another vtep: stop it or pick another --ctl-socket",
                        path.display()
                    ));
                }
                std::fs::remove_file(path).map_err(err)?;
            }
            Ok(m) => {
                let what = if m.file_type().is_symlink() {
                    "a symbolic link"
                } else if m.is_dir() {
                    "a directory"
                } else {
                    "a file"
                };
                return Err(format!(
                    "--ctl-socket {} exists and is {what}, not a socket: remove it or pick another path",
                    path.display()
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(err(e)),
        }
        let private = dir.join(format!(".vtep-ctl-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&private);
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&private)
            .map_err(|e| format!("control socket directory {}: {e}", private.display()))?;
        let made = (|| {
            let tmp = private.join("s");
            let listener = UnixListener::bind(&tmp)?;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
            listener.set_nonblocking(true)?;
            std::fs::rename(&tmp, path)?;
            Ok(listener)
        })();
        let _ = std::fs::remove_dir_all(&private);
        Ok(Server {
            listener: made.map_err(err)?,
            path: path.to_path_buf(),
            clients: Vec::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Clients connected now, answered or not.
    pub fn clients(&self) -> usize {
        self.clients.len()
    }

    /// Accepts the clients waiting now, reads what they sent, runs the
    /// complete command lines and writes the answers, a bounded amount of
    /// each; never waits. A client that says nothing costs a slot until
    /// it times out.
    pub fn serve(&mut self, mut exec: impl FnMut(&str) -> Reply) {
        for _ in 0..ACCEPTS_PER_CALL {
            let Ok((stream, _)) = self.listener.accept() else {
                break;
            };
            if stream.set_nonblocking(true).is_err() {
                continue;
            }
            if self.clients.len() >= MAX_CLIENTS {
                let _ = (&stream).write_all(
                    format!("error: {MAX_CLIENTS} control socket clients already connected: try again\n")
                        .as_bytes(),
                );
                continue;
            }
            self.clients.push(Client {
                stream,
                line: Vec::new(),
                answer: None,
                seen: Instant::now(),
            });
        }
        let mut budget = COMMANDS_PER_CALL;
        self.clients.retain_mut(|c| {
            let turn = if c.answer.is_some() {
                c.write()
            } else {
                c.read(&mut exec, &mut budget)
            };
            matches!(turn, Turn::Keep)
        });
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The interactive prompt: a line-editor thread that hands each line to
/// the control thread and prints the answer.
pub struct Prompt {
    rx: Receiver<(String, Sender<Reply>)>,
}

pub fn spawn_prompt() -> Prompt {
    let (tx, rx) = channel::bounded::<(String, Sender<Reply>)>(1);
    // The prompt shares the main lcore's core, away from the workers.
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    std::thread::spawn(move || {
        if let Some(c) = cores.first() {
            core_affinity::set_for_current(*c);
        }
        let mut ed = match rustyline::DefaultEditor::new() {
            Ok(e) => e,
            Err(e) => {
                eprintln!("vtep: no prompt: {e}");
                return;
            }
        };
        loop {
            let line = match ed.readline("vtep> ") {
                Ok(l) => l,
                Err(_) => "quit".to_string(), // EOF or ^C at the prompt
            };
            let _ = ed.add_history_entry(line.as_str());
            let (rtx, rrx) = channel::bounded(1);
            if tx.send((line.clone(), rtx)).is_err() {
                return;
            }
            match rrx.recv() {
                Ok(r) if !r.text.is_empty() => println!("{}", r.text.trim_end()),
                Ok(_) => {}
                Err(_) => return,
            }
            if matches!(parse(&line), Ok(Command::Quit)) {
                return;
            }
        }
    });
    Prompt { rx }
}

impl Prompt {
    pub fn serve(&self, mut exec: impl FnMut(&str) -> Reply) {
        while let Ok((line, reply)) = self.rx.try_recv() {
            let _ = reply.send(exec(&line));
        }
    }
}

/// `vtep ctl [--socket PATH] <command> [--json]`: exit code 0, or 1 when
/// the command failed or no vtep answered.
pub fn client(args: &[String]) -> i32 {
    let mut socket = PathBuf::from("/run/vtep/vtep.sock");
    let mut words = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--socket" {
            match it.next() {
                Some(p) => socket = PathBuf::from(p),
                None => {
                    eprintln!("vtep ctl: --socket needs a path");
                    return 2;
                }
            }
        } else if let Some(p) = a.strip_prefix("--socket=") {
            socket = PathBuf::from(p);
        } else if a == "-h" || a == "--help" {
            println!("usage: vtep ctl [--socket PATH] <command> [--json]\n{HELP}");
            return 0;
        } else {
            words.push(a.as_str());
        }
    }
    if words.is_empty() {
        eprintln!("vtep ctl: no command given: expected one of: {EXPECTED}");
        return 2;
    }
    let mut s = match UnixStream::connect(&socket) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("vtep ctl: cannot reach vtep at {}: {e}", socket.display());
            return 1;
        }
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    if let Err(e) = s.write_all(format!("{}\n", words.join(" ")).as_bytes()) {
        eprintln!("vtep ctl: {e}");
        return 1;
    }
    let mut out = String::new();
    if let Err(e) = s.read_to_string(&mut out) {
        eprintln!("vtep ctl: no answer from {}: {e}", socket.display());
        return 1;
    }
    if out.starts_with("error:") {
        eprint!("{out}");
        1
    } else {
        print!("{out}");
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(
            parse("show port stats all").unwrap(),
            Command::ShowPortStats { json: false }
        );
        assert_eq!(
            parse(" show  port stats all --json").unwrap(),
            Command::ShowPortStats { json: true }
        );
        assert_eq!(
            parse("show config --json").unwrap(),
            Command::ShowConfig { json: true }
        );
        assert_eq!(
            parse("clear port stats all").unwrap(),
            Command::ClearPortStats
        );
        assert_eq!(parse("").unwrap(), Command::Empty);
        assert_eq!(parse("quit").unwrap(), Command::Quit);
        assert_eq!(
            parse("show ethernet-switching table vlan-id 100 --json").unwrap(),
            Command::ShowMacTable {
                vlan: Some(100),
                json: true,
                page: Page::default()
            }
        );
        assert_eq!(
            parse("show ethernet-switching table start 2000 vlan-id 7 count 50").unwrap(),
            Command::ShowMacTable {
                vlan: Some(7),
                json: false,
                page: Page {
                    start: 2000,
                    count: 50
                }
            }
        );
        assert_eq!(
            parse("clear ethernet-switching table").unwrap(),
            Command::ClearMacTable { vlan: None }
        );
        assert_eq!(
            parse("show interfaces et-2/0/0").unwrap(),
            Command::ShowInterfaces {
                name: Some("et-2/0/0".into()),
                json: false
            }
        );
    }

    #[test]
    fn bad_commands_are_one_line() {
        for (line, want) in [
            ("show port stats", "incomplete command \"show port stats\": expected \"show port stats all\""),
            ("frobnicate", format!("unknown command \"frobnicate\": expected one of: {EXPECTED}").as_str()),
            ("show ethernet-switching table vlan-id 5000", "vlan-id \"5000\" is not a VLAN id (1-4094)"),
            ("show ethernet-switching table vlan-id", "incomplete command \"show ethernet-switching table vlan-id\": expected a VLAN id after vlan-id"),
            ("start --json", "--json applies to show commands only, not \"start\""),
            ("set vlans v2 vlan-id 2 vxlan vni 2", "set vlans v2: give exactly one of multicast-group and static-remote-vteps"),
            ("set vlans v2 vlan-id 2 vxlan vni 99999999 multicast-group 239.1.1.1", "vni \"99999999\" is outside 0-16777215"),
            ("set ethernet-switching static-mac vlan v10 mac zz interface x", "mac \"zz\" is not a MAC address (aa:bb:cc:dd:ee:ff)"),
            ("show ethernet-switching table count lots", "count \"lots\" is not a number (0-100000)"),
            ("show ethernet-switching table count 100001", "count \"100001\" is not a number (0-100000)"),
            ("show ethernet-switching table start", "incomplete command \"show ethernet-switching table start\": expected a number after start"),
            ("show ethernet-switching table sideways 3", "unknown command \"show ethernet-switching table sideways 3\": expected \"show ethernet-switching table [vlan-id N] [start N] [count N]\" or \"show ethernet-switching vxlan-tunnel-end-point remote\""),
        ] {
            let e = parse(line).unwrap_err();
            assert_eq!(e, want);
            assert!(!e.contains('\n'));
        }
    }

    #[test]
    fn unknown_command_lists_the_running_modes_commands() {
        let e = parse_in("frobnicate", true).unwrap_err();
        assert_eq!(
            e,
            format!("unknown command \"frobnicate\": expected one of: {EXPECTED_VXLAN}")
        );
        assert!(e.contains("show ethernet-switching table") && e.contains("show arp"));
        assert!(!parse_in("frobnicate", false)
            .unwrap_err()
            .contains("show vlans"));
        assert_eq!(parse_in("show vlans", true), parse("show vlans"));
    }
}
