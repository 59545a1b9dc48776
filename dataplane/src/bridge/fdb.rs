//! The MAC table as one burst sees it: lookups and learning through the
//! worker's memo, and what the burst resolved from the view. Per packet.

use super::view::{Egress, PortView, View, VlanView};
use super::vxlan_output::Template;
use super::Counters;
use crate::mactable::{Dest, Learn, Mac48, MacTable, Memo};

/// The MAC table as one burst sees it: the shared table, the time, the
/// worker's [`Memo`] of its recent lookups and learns, and what the burst
/// resolved from the view (tunnel header, VNI).
pub struct Fdb<'a> {
    table: &'a MacTable,
    now: u32,
    pub(super) memo: &'a mut Memo,
    /// The outer header of the last (VLAN, remote VTEP) this burst
    /// encapsulated to, destination filled in (the view does not change
    /// within a burst); `None`: next hop unresolved. Key `1 << 63 | vlan <<
    /// 32 | ip`, 0 for none.
    tun_key: u64,
    tun: Option<Template>,
    /// The bridge domain of the last VNI (key `1 << 32 | vni`) or 802.1Q
    /// tag (`2 << 32 | vid`) this burst received, `None` when there is
    /// none (or the RX port is not a member); 0 for none yet.
    vlan_key: u64,
    vlan: Option<&'a VlanView>,
}

impl<'a> Fdb<'a> {
    /// For one burst received at `now` (seconds), with the worker's memo
    /// (forgotten here if the table or the second moved on).
    #[inline(always)]
    pub fn new(table: &'a MacTable, memo: &'a mut Memo, now: u32) -> Self {
        memo.next_burst(table.generation(), now);
        Fdb {
            table,
            now,
            memo,
            tun_key: 0,
            tun: None,
            vlan_key: 0,
            vlan: None,
        }
    }
    #[inline(always)]
    pub(super) fn vlan_for_vni(&mut self, view: &'a View, vni: u32) -> Option<&'a VlanView> {
        let key = 1 << 32 | u64::from(vni);
        if key != self.vlan_key {
            self.vlan = view.vlan_for_vni(vni).and_then(|vl| view.vlan(vl));
            self.vlan_key = key;
        }
        self.vlan
    }
    /// The bridge domain of a tagged frame from `port`, the burst's RX
    /// port; `None` when `port` is not a member.
    #[inline(always)]
    pub(super) fn vlan_for_tag(
        &mut self,
        view: &'a View,
        port: &PortView,
        vid: u16,
    ) -> Option<&'a VlanView> {
        let key = 2 << 32 | u64::from(vid);
        if key != self.vlan_key {
            self.vlan = (port.egress(vid) != Egress::NotMember)
                .then(|| view.vlan(vid))
                .flatten();
            self.vlan_key = key;
        }
        self.vlan
    }
    #[inline(always)]
    pub(super) fn tunnel(
        &mut self,
        view: &View,
        v: &VlanView,
        t: &Template,
        vtep: u32,
    ) -> Option<&Template> {
        let key = 1 << 63 | u64::from(v.vlan_id) << 32 | u64::from(vtep);
        if key != self.tun_key {
            self.tun = view.next_hop_mac(vtep).map(|mac| t.for_dest(&mac, vtep));
            self.tun_key = key;
        }
        self.tun.as_ref()
    }
    #[inline(always)]
    pub(super) fn lookup(&mut self, vlan: u16, mac: Mac48) -> Option<Dest> {
        self.memo.lookup(self.table, vlan, mac)
    }
    #[inline(always)]
    pub(super) fn learn(&mut self, ctr: &Counters, vlan: u16, mac: Mac48, dest: Dest) {
        match self.memo.learn(self.table, vlan, mac, dest, self.now) {
            Learn::New => ctr.vlan(vlan).learned.inc(),
            Learn::Moved { .. } => ctr.vlan(vlan).moved.inc(),
            Learn::Full => ctr.vlan(vlan).learn_failed.inc(),
            Learn::Unchanged | Learn::Refreshed | Learn::Static => {}
        }
    }
}

#[cfg(test)]
mod tests;
