//! The VXLAN L2 gateway as the control thread sees it: the configuration
//! compiled into a forwarding view and published to the workers, the MAC
//! table (static entries, aging, clearing), punted frames, the too-big
//! warning of the seed's MTU caveat, and live changes. The switching
//! shows read it (`show::{mac_table, vteps, vlans, interfaces}`).

use crate::config::{self, Config, InterfaceKind, StaticMacTarget};
use crate::ctl::{Command, MacTarget};
use crate::ports::{PortInfo, PortRef, SendFailures};
use crossbeam::queue::ArrayQueue;
use dataplane::bridge::{self, BridgeConfig, Counters, PortConf, PortMode, View, VlanConf};
use dataplane::dpdk::{self, Mbuf};
use dataplane::mactable::{Dest, MacTable, Memo};
use dataplane::worker::ViewMailbox;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wire::Mac;

/// Depth of each worker's punt ring to the control thread.
pub const PUNT_RING: usize = 1024;
/// Junos numbers remote VTEP logical interfaces from here.
const FIRST_VTEP_IFL: u32 = 32769;
/// The too-big warning repeats at most this often per VLAN.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Seconds on the workers' clock (TSC based), for learning and aging.
pub fn now_secs() -> u32 {
    (dpdk::tsc() / dpdk::tsc_hz().max(1)) as u32
}

/// Compiles the configuration for the ports the EAL brought up.
pub fn bridge_config(cfg: &Config, ports: &[PortRef]) -> Result<BridgeConfig, String> {
    let port_of = |ifname: &str, dev: &str| -> Result<&PortRef, String> {
        ports
            .iter()
            .find(|p| p.name == dev || canonical(&p.name) == canonical(dev))
            .ok_or_else(|| {
                format!("interfaces.{ifname}.device: \"{dev}\" is not a port the EAL brought up")
            })
    };
    let mut b = BridgeConfig::default();
    for i in &cfg.interfaces {
        let (dev, mode) = match &i.kind {
            InterfaceKind::Access { device, vlan } => (device, PortMode::Access(*vlan)),
            InterfaceKind::Trunk { device, vlans, .. } => (device, PortMode::Trunk(vlans.clone())),
            InterfaceKind::Underlay {
                device,
                address,
                static_arp,
            } => {
                let p = port_of(&i.name, device)?;
                if cfg.vtep.source_interface.as_deref() == Some(i.name.as_str()) {
                    b.underlay = Some(bridge::Underlay {
                        port_id: p.id,
                        ip: address.addr,
                        prefix: address.prefix_len,
                        mac: p.mac,
                        mtu: i.mtu,
                        gateway: cfg.vtep.gateway,
                        udp_port: cfg.vtep.udp_port,
                        ttl: cfg.vtep.ttl,
                    });
                    b.neighbors
                        .extend(static_arp.iter().map(|a| (a.address, a.mac)));
                }
                (device, PortMode::Underlay)
            }
            InterfaceKind::Irb { .. } => continue,
        };
        let p = port_of(&i.name, dev)?;
        b.ports.push(PortConf {
            port_id: p.id,
            name: i.name.clone(),
            mode,
            mac: p.mac,
            mtu: i.mtu,
        });
    }
    for v in &cfg.vlans {
        let irb = v
            .l3_interface
            .as_deref()
            .and_then(|n| cfg.interface(n))
            .and_then(|i| i.address())
            .map(|a| (a.addr, a.prefix_len));
        let (vni, flood, enc, dec) = match &v.vxlan {
            Some(x) => (
                Some(x.vni),
                x.flood.clone(),
                x.encapsulate_inner_vlan,
                x.decapsulate_accept_inner_vlan,
            ),
            None => (None, bridge::Flood::Static(Vec::new()), false, false),
        };
        b.vlans.push(VlanConf {
            vlan_id: v.vlan_id,
            name: v.name.clone(),
            vni,
            flood,
            encap_inner_vlan: enc,
            decap_accept_inner_vlan: dec,
            irb,
        });
    }
    b.router_mac = cfg
        .vtep
        .router_mac
        .or_else(|| b.underlay.as_ref().map(|u| u.mac))
        .or_else(|| b.ports.first().map(|p| p.mac))
        .unwrap_or(Mac([0x02, 0, 0, 0, 0, 1]));
    Ok(b)
}

fn static_dest(bridge: &BridgeConfig, t: &StaticMacTarget) -> Result<Dest, String> {
    match t {
        StaticMacTarget::Interface(n) => bridge
            .ports
            .iter()
            .find(|p| &p.name == n)
            .map(|p| Dest::Port(p.port_id))
            .ok_or_else(|| format!("ethernet-switching.static-mac: interface \"{n}\" has no port")),
        StaticMacTarget::RemoteVtep(ip) => Ok(Dest::Vtep(u32::from(*ip))),
    }
}

fn install_static_macs(cfg: &Config, bridge: &BridgeConfig, macs: &MacTable) -> Result<(), String> {
    for s in &cfg.ethernet_switching.static_mac {
        macs.insert_static(s.vlan, &s.mac, static_dest(bridge, &s.target)?)
            .map_err(|_| "ethernet-switching.static-mac: the MAC table is full".to_string())?;
    }
    Ok(())
}

fn canonical(dev: &str) -> String {
    dev.to_ascii_lowercase()
}

/// Control-thread state of vxlan mode.
pub struct Switch {
    pub config: Config,
    pub ports: Vec<PortRef>,
    pub bridge: BridgeConfig,
    pub view: Arc<View>,
    pub macs: Arc<MacTable>,
    /// One per worker (single writer each); shows sum them.
    pub counters: Vec<Arc<Counters>>,
    /// The control thread's frames bridged by `bridge::control_input`:
    /// counted apart from the workers', summed with them in the shows.
    pub ctl_counters: Counters,
    /// The control thread's own memo of the MAC table.
    pub ctl_memo: Memo,
    pub mailboxes: Vec<Arc<ViewMailbox>>,
    pub punts: Vec<Arc<ArrayQueue<(u16, Mbuf)>>>,
    /// Remote VTEP → Junos-style logical interface number.
    vtep_ifl: BTreeMap<Ipv4Addr, u32>,
    aged: Box<[u64]>,
    punted: u64,
    last_age: u32,
    warned: BTreeMap<u16, (Instant, u64)>,
    pub warnings: Vec<String>,
    /// ARP-resolved next hops (the control plane's).
    resolved: Vec<(Ipv4Addr, Mac)>,
    /// The control thread's frames that could not be sent, by reason.
    pub send_failed: SendFailures,
}

impl Switch {
    pub fn new(config: Config, ports: &[PortInfo], nb_workers: usize) -> Result<Switch, String> {
        let ports: Vec<PortRef> = ports.iter().map(PortRef::from).collect();
        let bridge = bridge_config(&config, &ports)?;
        let view = Arc::new(View::new(&bridge));
        let macs = Arc::new(MacTable::new(
            config.ethernet_switching.mac_table_size as usize,
        ));
        install_static_macs(&config, &bridge, &macs)?;
        let mailboxes: Vec<Arc<ViewMailbox>> = (0..nb_workers)
            .map(|_| Arc::new(ViewMailbox::default()))
            .collect();
        for m in &mailboxes {
            m.publish(view.clone());
        }
        Ok(Switch {
            config,
            ports,
            bridge,
            view,
            macs,
            counters: (0..nb_workers).map(|_| Arc::new(Counters::new())).collect(),
            ctl_counters: Counters::new(),
            ctl_memo: Memo::default(),
            mailboxes,
            punts: (0..nb_workers)
                .map(|_| Arc::new(ArrayQueue::new(PUNT_RING)))
                .collect(),
            vtep_ifl: BTreeMap::new(),
            aged: vec![0u64; 4096].into_boxed_slice(),
            punted: 0,
            last_age: now_secs(),
            warned: BTreeMap::new(),
            warnings: Vec::new(),
            resolved: Vec::new(),
            send_failed: SendFailures::default(),
        })
    }

    /// Compiles `self.bridge` again and hands the new view to every worker.
    pub fn republish(&mut self) {
        self.view = Arc::new(View::new(&self.bridge));
        for m in &self.mailboxes {
            m.publish(self.view.clone());
        }
    }

    /// At shutdown, once the workers have stopped: frees every punted
    /// frame still queued and every view given back, however many there
    /// are (the control loop's bounded poll leaves a full ring behind
    /// under a storm). Returns how many frames it freed.
    pub fn drain(&mut self) -> usize {
        for m in &self.mailboxes {
            drop(m.reap());
        }
        let mut n = 0;
        for q in &self.punts {
            while let Some((_, m)) = q.pop() {
                drop::<Mbuf>(m);
                n += 1;
            }
        }
        n
    }

    /// Periodic work: reap old views, drain punts, age, warn. Bounded.
    pub fn poll(&mut self, mut on_punt: impl FnMut(u16, Mbuf)) {
        for m in &self.mailboxes {
            drop(m.reap());
        }
        for q in &self.punts {
            for _ in 0..256 {
                match q.pop() {
                    Some((port, m)) => {
                        self.punted += 1;
                        on_punt(port, m);
                    }
                    None => break,
                }
            }
        }
        let now = now_secs();
        if now != self.last_age {
            self.last_age = now;
            let max_age = self.config.ethernet_switching.mac_table_aging_time;
            let aged = &mut self.aged;
            self.macs
                .age(now, max_age, |vlan, _, _| aged[vlan as usize & 4095] += 1);
            self.warn_too_big();
        }
    }

    /// The seed's caveat, said once a minute per VLAN: which frame size
    /// was dropped and the underlay MTU that would carry it.
    fn warn_too_big(&mut self) {
        let Some(u) = &self.bridge.underlay else {
            return;
        };
        for v in &self.bridge.vlans {
            let biggest = self
                .counters
                .iter()
                .map(|c| &**c)
                .chain(std::iter::once(&self.ctl_counters))
                .map(|c| c.too_big[v.vlan_id as usize].encap.get())
                .max()
                .unwrap_or(0);
            if biggest == 0 {
                continue;
            }
            let due = match self.warned.get(&v.vlan_id) {
                None => true,
                Some((t, size)) => t.elapsed() >= WARN_EVERY || biggest > *size,
            };
            if due {
                let need = bridge::needed_underlay_mtu(biggest);
                let ul = self
                    .config
                    .vtep
                    .source_interface
                    .clone()
                    .unwrap_or_default();
                let msg = format!(
                    "VLAN {} (vni {}): dropped {biggest}-byte frames as too big for the underlay {ul} (mtu {}): it needs mtu {need} or more",
                    v.name,
                    v.vni.unwrap_or(0),
                    u.mtu
                );
                eprintln!("vtep: warning: {msg}");
                self.warnings.push(msg);
                if self.warnings.len() > 32 {
                    self.warnings.remove(0);
                }
                self.warned.insert(v.vlan_id, (Instant::now(), biggest));
            }
        }
    }

    pub(crate) fn vlan_name(&self, id: u16) -> String {
        self.bridge
            .vlans
            .iter()
            .find(|v| v.vlan_id == id)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| format!("vlan{id}"))
    }

    pub(crate) fn port_name(&self, port: u16) -> String {
        self.bridge
            .ports
            .iter()
            .find(|p| p.port_id == port)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("port{port}"))
    }

    /// The Junos-style logical interface number of a remote VTEP, given
    /// on first sight.
    pub(crate) fn ifl(&mut self, ip: Ipv4Addr) -> u32 {
        let next = FIRST_VTEP_IFL + self.vtep_ifl.len() as u32;
        *self.vtep_ifl.entry(ip).or_insert(next)
    }

    /// A counter summed over the workers and the control thread.
    pub(crate) fn sum(&self, f: impl Fn(&Counters) -> u64) -> u64 {
        self.counters.iter().map(|c| f(c)).sum::<u64>() + f(&self.ctl_counters)
    }

    /// Entries of `vlan` aged out so far.
    pub(crate) fn aged(&self, vlan: u16) -> u64 {
        self.aged[vlan as usize & 4095]
    }

    /// Frames the workers punted to the control thread so far.
    pub(crate) fn punted(&self) -> u64 {
        self.punted
    }

    /// Drop counters by name, summed over workers.
    pub fn drops(&self) -> Vec<(&'static str, u64)> {
        bridge::DropReason::ALL
            .iter()
            .map(|d| (d.name(), self.sum(|c| c.drop_count(*d))))
            .collect()
    }

    /// A live configuration change: validated like a file, compiled, and
    /// published to the workers between their bursts. The MAC table
    /// follows: entries of removed VLANs go, static entries are replaced.
    pub fn apply(&mut self, cmd: &Command) -> Result<String, String> {
        let mut c = self.config.clone();
        let msg = match cmd {
            Command::SetVlan(sv) => {
                let vx = sv.vxlan.as_ref().map(|x| config::Vxlan {
                    vni: x.vni,
                    flood: match x.group {
                        Some(g) => config::Flood::Group(g),
                        None => config::Flood::Static(x.static_vteps.clone()),
                    },
                    encapsulate_inner_vlan: x.encapsulate_inner_vlan,
                    decapsulate_accept_inner_vlan: x.decapsulate_accept_inner_vlan,
                });
                match c.vlans.iter_mut().find(|v| v.name == sv.name) {
                    Some(v) => {
                        v.vlan_id = sv.vlan_id;
                        v.vxlan = vx;
                    }
                    None => c.vlans.push(config::Vlan {
                        name: sv.name.clone(),
                        vlan_id: sv.vlan_id,
                        description: None,
                        l3_interface: None,
                        vxlan: vx,
                    }),
                }
                format!("vlan {} set", sv.name)
            }
            Command::DeleteVlan { name } => {
                let id = c
                    .vlan_by_name(name)
                    .map(|v| v.vlan_id)
                    .ok_or_else(|| format!("no VLAN named \"{name}\""))?;
                for i in &mut c.interfaces {
                    match &mut i.kind {
                        InterfaceKind::Access { vlan, .. } if *vlan == id => {
                            return Err(format!(
                                "vlan {name} is the access VLAN of {}: change that port first",
                                i.name
                            ));
                        }
                        InterfaceKind::Trunk { vlans, .. } => vlans.retain(|v| *v != id),
                        _ => {}
                    }
                }
                c.ethernet_switching.static_mac.retain(|m| m.vlan != id);
                c.vlans.retain(|v| v.name != *name);
                format!("vlan {name} deleted")
            }
            Command::SetStaticMac { vlan, mac, target } => {
                let id = c
                    .vlan_by_name(vlan)
                    .map(|v| v.vlan_id)
                    .ok_or_else(|| format!("no VLAN named \"{vlan}\""))?;
                c.ethernet_switching
                    .static_mac
                    .retain(|m| !(m.vlan == id && m.mac == *mac));
                c.ethernet_switching.static_mac.push(config::StaticMac {
                    vlan: id,
                    mac: *mac,
                    target: match target {
                        MacTarget::Interface(i) => StaticMacTarget::Interface(i.clone()),
                        MacTarget::RemoteVtep(ip) => StaticMacTarget::RemoteVtep(*ip),
                    },
                });
                format!("static-mac {mac} set in {vlan}")
            }
            Command::DeleteStaticMac { vlan, mac } => {
                let id = c
                    .vlan_by_name(vlan)
                    .map(|v| v.vlan_id)
                    .ok_or_else(|| format!("no VLAN named \"{vlan}\""))?;
                let before = c.ethernet_switching.static_mac.len();
                c.ethernet_switching
                    .static_mac
                    .retain(|m| !(m.vlan == id && m.mac == *mac));
                if before == c.ethernet_switching.static_mac.len() {
                    return Err(format!("no static-mac {mac} in vlan {vlan}"));
                }
                format!("static-mac {mac} deleted from {vlan}")
            }
            Command::SetInterfaceMtu { name, mtu } => {
                let i = c
                    .interfaces
                    .iter_mut()
                    .find(|i| i.name == *name)
                    .ok_or_else(|| format!("no interface named \"{name}\""))?;
                i.mtu = *mtu;
                format!("interfaces {name} mtu {mtu}")
            }
            Command::SetAgingTime { seconds } => {
                c.ethernet_switching.mac_table_aging_time = *seconds;
                format!("mac-table-aging-time {seconds}")
            }
            _ => return Err("not a configuration change".into()),
        };
        // The same validation as a file, one line on error.
        let c = Config::parse(&c.to_toml()).map_err(|e| e.to_string())?;
        let bridge = bridge_config(&c, &self.ports)?;
        let old_vlans: Vec<u16> = self.config.vlans.iter().map(|v| v.vlan_id).collect();
        // Statics first leave (they may move or vanish), then come back.
        for s in &self.config.ethernet_switching.static_mac {
            self.macs.remove(s.vlan, &s.mac);
        }
        for v in old_vlans {
            if c.vlan_by_id(v).is_none() {
                self.macs.clear(Some(v));
            }
        }
        install_static_macs(&c, &bridge, &self.macs)?;
        self.config = c;
        self.bridge = bridge;
        self.set_neighbors(self.resolved.clone());
        Ok(msg)
    }

    /// Next hops resolved by ARP: the view gets static-arp plus these.
    pub fn set_neighbors(&mut self, resolved: Vec<(Ipv4Addr, Mac)>) {
        let mut n: Vec<(Ipv4Addr, Mac)> = match self.config.underlay().map(|i| &i.kind) {
            Some(InterfaceKind::Underlay { static_arp, .. }) => {
                static_arp.iter().map(|a| (a.address, a.mac)).collect()
            }
            _ => Vec::new(),
        };
        for (ip, mac) in &resolved {
            if !n.iter().any(|(a, _)| a == ip) {
                n.push((*ip, *mac));
            }
        }
        self.resolved = resolved;
        self.bridge.neighbors = n;
        self.republish();
    }

    /// Remote VTEPs the gateway needs next hops for: configured ones and
    /// those the MAC table learned.
    pub fn remote_vteps(&self) -> Vec<Ipv4Addr> {
        let mut v: Vec<Ipv4Addr> = Vec::new();
        for vl in &self.bridge.vlans {
            if let bridge::Flood::Static(l) = &vl.flood {
                v.extend(l);
            }
        }
        self.macs.for_each(|_, _, e| {
            if let Dest::Vtep(ip) = e.dest {
                v.push(Ipv4Addr::from(ip));
            }
        });
        v.sort();
        v.dedup();
        v
    }

    pub fn clear_table(&mut self, vlan: Option<u16>) -> Result<String, String> {
        if let Some(v) = vlan {
            if !self.bridge.vlans.iter().any(|x| x.vlan_id == v) {
                return Err(format!("no VLAN with vlan-id {v}"));
            }
        }
        let n = self.macs.clear(vlan);
        Ok(format!("cleared {n} learned entries"))
    }
}
