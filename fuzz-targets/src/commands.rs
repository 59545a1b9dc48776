//! `commands`: operator command lines into the command parser (both
//! modes' errors one line) and, for the live configuration changes, into
//! the switch's `set`/`delete` validation and apply, on a switch built as
//! vxlan mode builds it (no EAL needed). Every answer is a command or a
//! one-line error; after each change that was taken, the configuration
//! still round-trips through its own TOML, its static MACs are in the MAC
//! table as static entries, the table keeps its invariants, and the shows
//! that read the switch render.
//!
//! Input layout: `[mode]`, then with mode bit 0 clear the lines as text;
//! with bit 0 set, one token per byte from [`WORDS`] (the last index reads
//! a raw string `[len][bytes]`, 0xff ends a line), so that most inputs
//! are commands the parser knows.

use crate::control_protocols::{port_mac, CONFIG};
use crate::Input;
use dataplane::dpdk::{Port, PortState};
use std::sync::OnceLock;
use vtep::config::Config;
use vtep::ctl::{self, Command};
use vtep::ports::{CtlTx, PortInfo};
use vtep::switch::Switch;

/// The words the token mode builds lines from.
pub const WORDS: &[&str] = &[
    "set",
    "delete",
    "show",
    "clear",
    "vlans",
    "vlan-id",
    "vxlan",
    "vni",
    "multicast-group",
    "static-remote-vteps",
    "encapsulate-inner-vlan",
    "decapsulate-accept-inner-vlan",
    "ethernet-switching",
    "static-mac",
    "vlan",
    "mac",
    "interface",
    "remote-vtep",
    "mac-table-aging-time",
    "interfaces",
    "mtu",
    "table",
    "vxlan-tunnel-end-point",
    "remote",
    "igmp",
    "membership",
    "arp",
    "lldp",
    "neighbors",
    "port",
    "stats",
    "all",
    "config",
    "--json",
    "help",
    "v10",
    "v100",
    "v200",
    "v300",
    "0",
    "1",
    "10",
    "100",
    "200",
    "300",
    "4094",
    "4095",
    "9000",
    "9216",
    "65535",
    "16777215",
    "16777216",
    "192.168.24.7",
    "192.168.24.4",
    "10.9.9.9",
    "239.1.1.10",
    "239.1.1.99",
    "0.0.0.0",
    "192.168.24.7,10.9.9.9",
    "00:50:56:00:00:01",
    "01:00:5e:01:01:01",
    "00:00:00:00:00:00",
    "et-2/0/0",
    "et-2/2/1",
    "ge-7/0/0",
    "irb.0",
];

fn base() -> &'static Config {
    static C: OnceLock<Config> = OnceLock::new();
    C.get_or_init(|| Config::parse(CONFIG).expect("the target's configuration"))
}

/// The switch vxlan mode builds, on ports d0-d2 as numbered by
/// `control_protocols`.
fn switch() -> Switch {
    let ports: Vec<PortInfo> = (0..3u16)
        .map(|id| PortInfo {
            port: Port(id),
            name: format!("d{id}"),
            driver: "net_null".into(),
            mac: port_mac(id),
            state: PortState::default(),
            rxq: 1,
            txq: 1,
            ctl_tx: CtlTx::Queue(0),
        })
        .collect();
    Switch::new(base().clone(), &ports, 1).expect("the switch")
}

fn lines(mode: u8, rest: &[u8]) -> Vec<String> {
    if mode & 1 == 0 {
        return String::from_utf8_lossy(rest)
            .lines()
            .map(str::to_string)
            .collect();
    }
    let mut inp = Input::new(rest);
    let mut out = vec![String::new()];
    while !inp.is_empty() {
        let b = inp.u8();
        let cur = out.last_mut().expect("a line");
        if b == 0xff {
            out.push(String::new());
            continue;
        }
        let i = usize::from(b) % (WORDS.len() + 1);
        let w = match WORDS.get(i) {
            Some(w) => w.to_string(),
            None => {
                let n = usize::from(inp.u8());
                String::from_utf8_lossy(inp.bytes(n)).into_owned()
            }
        };
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&w);
    }
    out
}

/// At most this many lines a run.
const MAX_LINES: usize = 32;

/// The fuzz target.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut sw = switch();
    for line in lines(mode, rest).iter().take(MAX_LINES) {
        if let Err(e) = ctl::parse_in(line, false) {
            crate::assert_one_line("command error", &e);
        }
        let cmd = match ctl::parse_in(line, true) {
            Ok(c) => c,
            Err(e) => {
                crate::assert_one_line("command error", &e);
                continue;
            }
        };
        match &cmd {
            Command::SetVlan(_)
            | Command::DeleteVlan { .. }
            | Command::SetStaticMac { .. }
            | Command::DeleteStaticMac { .. }
            | Command::SetAgingTime { .. }
            | Command::SetInterfaceMtu { .. } => match sw.apply(&cmd) {
                Ok(msg) => {
                    crate::assert_one_line("apply", &msg);
                    check_switch(&sw);
                }
                Err(e) => crate::assert_one_line("apply error", &e),
            },
            Command::ClearMacTable { vlan } => match sw.clear_table(*vlan) {
                Ok(msg) => crate::assert_one_line("clear", &msg),
                Err(e) => crate::assert_one_line("clear error", &e),
            },
            Command::ShowVlans { .. } => {
                let v = vtep::show::vlans::Vlans::of(&sw);
                let _ = (v.text(), vtep::show::compact(&v));
            }
            Command::ShowVteps { .. } => {
                let v = vtep::show::vteps::Vteps::of(&mut sw);
                let _ = (v.text(), vtep::show::compact(&v));
            }
            Command::ShowMacTable { vlan, page, .. } => {
                match vtep::show::mac_table::MacTable::of(&mut sw, *vlan, *page) {
                    Ok(t) => {
                        let _ = (t.text(), vtep::show::compact(&t));
                    }
                    Err(e) => crate::assert_one_line("show table error", &e),
                }
            }
            _ => {}
        }
    }
}

/// What a configuration change that was taken leaves behind.
fn check_switch(sw: &Switch) {
    let c = &sw.config;
    let own = c.to_toml();
    let back = Config::parse(&own).unwrap_or_else(|e| panic!("own TOML refused: {e}\n{own}"));
    assert_eq!(&back, c, "the configuration changed through its own TOML");
    for s in &c.ethernet_switching.static_mac {
        let e = sw
            .macs
            .lookup(s.vlan, &s.mac)
            .unwrap_or_else(|| panic!("static-mac {} in VLAN {} not in the table", s.mac, s.vlan));
        assert!(e.is_static, "static-mac {} learned, not static", s.mac);
    }
    sw.macs.check_invariants();
    let ids: Vec<u16> = c.vlans.iter().map(|v| v.vlan_id).collect();
    for v in sw.view.vlans() {
        assert!(
            ids.contains(&v.vlan_id) || c.interfaces.iter().any(|i| i.vlans().contains(&v.vlan_id)),
            "the view has VLAN {} the configuration does not",
            v.vlan_id
        );
    }
}

/// The token-mode input for `lines` (indices into [`WORDS`]), for the
/// seed corpus.
pub fn write_tokens(lines: &[&str]) -> Vec<u8> {
    let mut out = vec![1];
    for (n, l) in lines.iter().enumerate() {
        if n > 0 {
            out.push(0xff);
        }
        for w in l.split_whitespace() {
            match WORDS.iter().position(|x| x == &w) {
                Some(i) => out.push(i as u8),
                None => {
                    out.push(WORDS.len() as u8);
                    out.push(w.len() as u8);
                    out.extend_from_slice(w.as_bytes());
                }
            }
        }
    }
    out
}
