//! ICMP echo: the VTEP address answers on the underlay, each IRB in its
//! own VLAN (the reply enters the bridge domain like any other frame).

use super::config::PlaneConfig;
use super::emit::Emit;
use super::ignored::{Ignore, Ignored};
use std::sync::atomic::{AtomicU16, Ordering};
use wire::icmpv4;

static NEXT_IP_IDENT: AtomicU16 = AtomicU16::new(1);

/// A fresh IPv4 identification for packets this process originates.
pub fn next_ip_ident() -> u16 {
    NEXT_IP_IDENT.fetch_add(1, Ordering::Relaxed)
}

/// Echo counters.
#[derive(Default)]
pub struct Icmp {
    pub(crate) echo_replies_sent: u64,
    pub(crate) ignored: Ignored,
}

impl Icmp {
    /// An echo request on the underlay, answered when it is to the VTEP.
    pub(crate) fn underlay_input(&mut self, cfg: &PlaneConfig, frame: &[u8], out: &mut Vec<Emit>) {
        let Some(u) = cfg.underlay.as_ref() else {
            return self.ignored.count(Ignore::NoUnderlay);
        };
        let Some(req) = icmpv4::parse_echo_request(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        if req.dst_ip != u.ip {
            return self.ignored.count(Ignore::EchoNotForUs);
        }
        out.push(Emit::Port(u.port_id, req.reply(u.mac, next_ip_ident())));
        self.echo_replies_sent += 1;
    }

    /// An echo request punted from bridge domain `vlan`, answered into it
    /// when it is to that VLAN's IRB.
    pub(crate) fn irb_input(
        &mut self,
        cfg: &PlaneConfig,
        vlan: u16,
        frame: &[u8],
        out: &mut Vec<Emit>,
    ) {
        let irb = cfg.vlan(vlan).and_then(|v| v.irb.as_ref());
        let Some(mut req) = icmpv4::parse_echo_request(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        if irb.is_none_or(|i| i.ip != req.dst_ip) {
            return self.ignored.count(Ignore::EchoNotForUs);
        }
        req.vlan = None;
        let reply = req.reply(cfg.router_mac, next_ip_ident());
        self.echo_replies_sent += 1;
        out.push(Emit::Vlan(vlan, reply));
    }
}

#[cfg(test)]
mod tests;
