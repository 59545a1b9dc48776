//! vxlan mode on the control thread: the switch (view, MAC table, punts)
//! and the protocols, one bounded round at a time, and the way their
//! frames leave: out of a port as is, or into a VLAN through the
//! dataplane's bridge as control input.

use crate::ports::{CtlTx, PortInfo, SendFail, SendFailures};
use crate::protocols::{Emit, Plane, PlaneConfig};
use crate::switch::{self, Switch};
use dataplane::bridge::{self, Counters, Fdb, Sink};
use dataplane::dpdk::{self, Mbuf, Mempool};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

/// The running forwarding mode: vxlan's state exists only in vxlan mode,
/// so code that needs it cannot run without it.
pub enum Mode {
    /// The VXLAN gateway of `--config`.
    Vxlan(Box<Gateway>),
    /// io, mac, rxonly or txonly: the workers alone.
    Plain,
}

/// vxlan mode's control-thread state.
pub struct Gateway {
    pub switch: Switch,
    /// The protocols (IGMP, ARP, ICMP, LLDP).
    pub plane: Plane,
    /// Frames the protocols want sent.
    out: Vec<Emit>,
    remote_vteps: Vec<Ipv4Addr>,
    last_vtep_scan: Option<Instant>,
}

/// What the control thread sends with: the ports' control TX paths and
/// the pool.
#[derive(Clone, Copy)]
pub struct CtlPorts<'a> {
    pub ports: &'a [PortInfo],
    pub pool: &'a Mempool,
}

impl Gateway {
    pub fn new(switch: Switch, now: Instant) -> Gateway {
        Gateway {
            plane: Plane::new(PlaneConfig::new(&switch.config, &switch.bridge), now),
            switch,
            out: Vec::new(),
            remote_vteps: Vec::new(),
            last_vtep_scan: None,
        }
    }

    /// One bounded round: punted frames in, timers, neighbour changes out
    /// to the workers, frames sent.
    pub fn round(&mut self, tx: CtlPorts) {
        let now = Instant::now();
        let (sw, plane, out) = (&mut self.switch, &mut self.plane, &mut self.out);
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
        self.flush(tx);
    }

    /// After a live change of the switch's configuration: the protocols
    /// follow (IGMP joins and leaves, LLDP advertises).
    pub fn reconfigured(&mut self, tx: CtlPorts) {
        let cfg = PlaneConfig::new(&self.switch.config, &self.switch.bridge);
        self.plane.reconfigure(cfg, Instant::now(), &mut self.out);
        self.flush(tx);
    }

    /// IGMP leaves for every group; returns how many were sent.
    pub fn shutdown(&mut self, tx: CtlPorts) -> usize {
        self.plane.shutdown(&mut self.out);
        let n = self.out.len();
        self.flush(tx);
        n
    }

    fn flush(&mut self, tx: CtlPorts) {
        let frames = std::mem::take(&mut self.out);
        for e in &frames {
            match e {
                Emit::Port(port, f) => {
                    let sent = mbuf_of(tx.pool, f).and_then(|m| ctl_send(tx.ports, *port, m));
                    if let Err(why) = sent {
                        self.switch.send_failed.count(why);
                    }
                }
                Emit::Vlan(vlan, f) => self.send_into_vlan(tx, *vlan, f),
            }
        }
        self.out = frames;
        self.out.clear();
    }

    /// Hands an untagged frame to the bridge domain of `vlan` as control
    /// input: the dataplane's own forwarding (MAC table, flood, tunnel)
    /// decides where it goes, counted in the control thread's counters.
    fn send_into_vlan(&mut self, tx: CtlPorts, vlan: u16, frame: &[u8]) {
        let sw = &mut self.switch;
        let m = match mbuf_of(tx.pool, frame) {
            Ok(m) => m,
            Err(why) => {
                sw.send_failed.count(why);
                return sw.ctl_counters.drop(bridge::DropReason::NoMbuf);
            }
        };
        let view = sw.view.clone();
        let mut fdb = Fdb::new(&sw.macs, &mut sw.ctl_memo, switch::now_secs());
        let mut sink = CtlSink {
            ports: tx.ports,
            ctr: &sw.ctl_counters,
            failed: &sw.send_failed,
        };
        bridge::control_input(&view, &mut fdb, vlan, m, &mut sink, &sw.ctl_counters);
    }
}

/// A frame in a fresh mbuf (with the pool's headroom for a tag or the
/// outer header); fails when the pool is empty or the frame too long.
fn mbuf_of(pool: &Mempool, frame: &[u8]) -> Result<Mbuf, SendFail> {
    let mut m = pool.alloc().ok_or(SendFail::NoMbuf)?;
    let buf = m.buf_mut();
    if frame.len() > buf.len() {
        return Err(SendFail::TooBig);
    }
    buf[..frame.len()].copy_from_slice(frame);
    m.set_len(frame.len() as u16);
    Ok(m)
}

/// Sends a frame of the control thread out of `port`: on the port's spare
/// TX queue (only this thread uses it) or through the owning worker's
/// inject ring. Never touches a worker's TX queue.
fn ctl_send(ports: &[PortInfo], port: u16, m: Mbuf) -> Result<(), SendFail> {
    let Some(p) = ports.get(port as usize) else {
        return Err(SendFail::NoPort);
    };
    match &p.ctl_tx {
        CtlTx::Queue(q) => dpdk::tx_one(port, *q, m)
            .then_some(())
            .ok_or(SendFail::TxQueueFull),
        CtlTx::Ring(r) => r.push(m).map_err(|_| SendFail::InjectRingFull),
    }
}

/// Where the bridge puts the control thread's frames: each port's control
/// TX path.
struct CtlSink<'a> {
    ports: &'a [PortInfo],
    ctr: &'a Counters,
    failed: &'a SendFailures,
}

impl Sink<Mbuf> for CtlSink<'_> {
    fn tx(&mut self, port: u16, pkt: Mbuf) {
        if let Err(why) = ctl_send(self.ports, port, pkt) {
            self.failed.count(why);
            self.ctr.drop(bridge::DropReason::TxQueueFull);
        }
    }
    fn punt(&mut self, _pkt: Mbuf) {
        // control_input never punts (a frame to our own MAC is dropped
        // control-to-self before); should it, it is that drop.
        self.ctr.drop(bridge::DropReason::ControlToSelf);
    }
    fn drop(&mut self, _pkt: Mbuf, _why: bridge::DropReason) {}
}
