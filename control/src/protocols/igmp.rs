//! IGMP host side on the underlay: joins the multicast groups of the VLANs
//! that flood to a group (unsolicited reports), answers queries after a
//! random delay within the querier's maximum response time, and leaves on
//! removal or shutdown. Version 2 or 3 as configured, in the querier's
//! version when it is older.

use super::config::PlaneConfig;
use super::emit::Emit;
use super::ignored::{Ignore, Ignored};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};
use wire::igmp::{self, IgmpMsg, RecordType};

/// IGMP robustness variable: unsolicited reports are sent this many times.
pub const IGMP_ROBUSTNESS: u8 = 2;
/// Interval between the unsolicited reports of one join.
pub const IGMP_UNSOLICITED_INTERVAL: Duration = Duration::from_secs(1);
/// Most query answers waiting for their random delay.
pub const MAX_PENDING_ANSWERS: usize = 64;

#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) since: Instant,
    pub(crate) reports_sent: u64,
    pub(crate) last_query: Option<Instant>,
    unsolicited_left: u8,
    pub(crate) next_unsolicited: Option<Instant>,
}

impl Group {
    fn joining(now: Instant) -> Group {
        Group {
            since: now,
            reports_sent: 0,
            last_query: None,
            unsolicited_left: IGMP_ROBUSTNESS,
            next_unsolicited: Some(now),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct PendingAnswer {
    due: Instant,
    /// `None`: a general query.
    pub(crate) group: Option<Ipv4Addr>,
    /// 2 or 3.
    version: u8,
}

/// Group membership state, timers and counters.
pub struct Igmp {
    rng: u64,
    pub(crate) groups: BTreeMap<Ipv4Addr, Group>,
    pub(crate) pending: Vec<PendingAnswer>,
    pub(crate) reports_sent: u64,
    pub(crate) leaves_sent: u64,
    pub(crate) queries_seen: u64,
    pub(crate) ignored: Ignored,
}

fn ms(d: Duration) -> u64 {
    d.as_millis().min(u128::from(u64::MAX)) as u64
}

impl Igmp {
    /// Joining every group of `cfg` at `now`.
    pub fn new(cfg: &PlaneConfig, now: Instant) -> Igmp {
        let seed = cfg
            .underlay
            .as_ref()
            .map_or(0x5eed, |u| u64::from(u32::from(u.ip)));
        Igmp {
            // splitmix64 of the seed; never zero for xorshift.
            rng: {
                let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                (z ^ (z >> 31)) | 1
            },
            groups: cfg
                .groups()
                .into_iter()
                .map(|g| (g, Group::joining(now)))
                .collect(),
            pending: Vec::new(),
            reports_sent: 0,
            leaves_sent: 0,
            queries_seen: 0,
            ignored: Ignored::default(),
        }
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A changed identity (port, MAC, address, version) leaves everything
    /// under the old one and joins again under the new; otherwise removed
    /// groups are left and new ones joined.
    pub(crate) fn reconfigure(
        &mut self,
        old: &PlaneConfig,
        cfg: &PlaneConfig,
        now: Instant,
        out: &mut Vec<Emit>,
    ) {
        let identity_changed = old.igmp_identity() != cfg.igmp_identity();
        let new_groups = cfg.groups();
        let gone: Vec<Ipv4Addr> = self
            .groups
            .keys()
            .filter(|g| identity_changed || !new_groups.contains(g))
            .copied()
            .collect();
        self.send_leaves(old, &gone, out);
        for g in &gone {
            self.groups.remove(g);
        }
        self.pending
            .retain(|p| p.group.is_none_or(|g| new_groups.contains(&g)));
        if identity_changed {
            self.pending.clear();
        }
        for g in new_groups {
            self.groups.entry(g).or_insert_with(|| Group::joining(now));
        }
    }

    /// A query from the underlay (anything else is ignored).
    pub(crate) fn input(&mut self, cfg: &PlaneConfig, frame: &[u8], now: Instant) {
        let Some(pkt) = igmp::parse_packet(frame) else {
            return self.ignored.count(Ignore::Malformed);
        };
        let IgmpMsg::Query {
            group,
            max_resp,
            version,
        } = pkt.msg
        else {
            return self.ignored.count(Ignore::IgmpNotQuery);
        };
        self.queries_seen += 1;
        match group {
            Some(g) => match self.groups.get_mut(&g) {
                Some(st) => st.last_query = Some(now),
                None => return self.ignored.count(Ignore::IgmpUnjoinedGroup),
            },
            None => {
                for st in self.groups.values_mut() {
                    st.last_query = Some(now);
                }
                if self.groups.is_empty() {
                    return;
                }
            }
        }
        // Host compatibility (RFC 3376 §7.2.1): answer an older querier in
        // its version (v1 queriers get v2 reports, which they ignore).
        let answer_version = if version < 3 { 2 } else { cfg.igmp_version };
        let span = ms(max_resp);
        let delay = if span == 0 {
            0
        } else {
            self.next_random() % span
        };
        let due = now + Duration::from_millis(delay);
        let general_due = self
            .pending
            .iter()
            .filter(|p| p.group.is_none())
            .map(|p| p.due)
            .min();
        if general_due.is_some_and(|d| d <= due) {
            return; // an earlier answer for everything already covers it
        }
        if group.is_none() {
            self.pending.retain(|p| p.group.is_some() && p.due < due);
        }
        if let Some(p) = self.pending.iter_mut().find(|p| p.group == group) {
            p.due = p.due.min(due);
            p.version = p.version.min(answer_version);
            return;
        }
        if self.pending.len() >= MAX_PENDING_ANSWERS {
            return self.ignored.count(Ignore::IgmpPendingFull);
        }
        self.pending.push(PendingAnswer {
            due,
            group,
            version: answer_version,
        });
    }

    fn send(
        cfg: &PlaneConfig,
        groups: &[Ipv4Addr],
        record: RecordType,
        version: u8,
        out: &mut Vec<Emit>,
    ) -> usize {
        let Some((port, mac, ip, _)) = cfg.igmp_identity() else {
            return 0;
        };
        let frames: Vec<Vec<u8>> = if version == 2 {
            groups
                .iter()
                .map(|g| match record {
                    RecordType::ChangeToInclude => igmp::v2_leave(mac, ip, *g),
                    _ => igmp::v2_report(mac, ip, *g),
                })
                .collect()
        } else {
            let recs: Vec<(RecordType, Ipv4Addr)> = groups.iter().map(|g| (record, *g)).collect();
            igmp::v3_reports(mac, ip, &recs)
        };
        let n = frames.len();
        out.extend(frames.into_iter().map(|f| Emit::Port(port, f)));
        n
    }

    fn send_leaves(&mut self, cfg: &PlaneConfig, groups: &[Ipv4Addr], out: &mut Vec<Emit>) {
        if groups.is_empty() {
            return;
        }
        let n = Self::send(
            cfg,
            groups,
            RecordType::ChangeToInclude,
            cfg.igmp_version,
            out,
        );
        self.leaves_sent += n as u64;
    }

    fn send_reports(
        &mut self,
        cfg: &PlaneConfig,
        groups: &[Ipv4Addr],
        record: RecordType,
        version: u8,
        out: &mut Vec<Emit>,
    ) {
        if groups.is_empty() {
            return;
        }
        let n = Self::send(cfg, groups, record, version, out);
        self.reports_sent += n as u64;
        for g in groups {
            if let Some(st) = self.groups.get_mut(g) {
                st.reports_sent += 1;
            }
        }
    }

    pub(crate) fn send_unsolicited(
        &mut self,
        cfg: &PlaneConfig,
        now: Instant,
        out: &mut Vec<Emit>,
    ) {
        let due: Vec<Ipv4Addr> = self
            .groups
            .iter()
            .filter(|(_, s)| s.next_unsolicited.is_some_and(|t| t <= now))
            .map(|(g, _)| *g)
            .collect();
        self.send_reports(
            cfg,
            &due,
            RecordType::ChangeToExclude,
            cfg.igmp_version,
            out,
        );
        for g in &due {
            if let Some(st) = self.groups.get_mut(g) {
                st.unsolicited_left = st.unsolicited_left.saturating_sub(1);
                st.next_unsolicited =
                    (st.unsolicited_left > 0).then(|| now + IGMP_UNSOLICITED_INTERVAL);
            }
        }
    }

    /// Unsolicited reports and the query answers now due.
    pub(crate) fn tick(&mut self, cfg: &PlaneConfig, now: Instant, out: &mut Vec<Emit>) {
        self.send_unsolicited(cfg, now, out);
        let (due, later): (Vec<PendingAnswer>, Vec<PendingAnswer>) =
            self.pending.iter().partition(|p| p.due <= now);
        self.pending = later;
        for p in due {
            let groups: Vec<Ipv4Addr> = match p.group {
                None => self.groups.keys().copied().collect(),
                Some(g) if self.groups.contains_key(&g) => vec![g],
                Some(_) => Vec::new(),
            };
            self.send_reports(cfg, &groups, RecordType::ModeIsExclude, p.version, out);
        }
    }

    /// Leaves every joined group.
    pub(crate) fn shutdown(&mut self, cfg: &PlaneConfig, out: &mut Vec<Emit>) {
        let groups: Vec<Ipv4Addr> = self.groups.keys().copied().collect();
        self.send_leaves(cfg, &groups, out);
        self.groups.clear();
        self.pending.clear();
    }
}

#[cfg(test)]
mod tests;
