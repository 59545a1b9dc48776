//! `show igmp membership`: the groups joined on the underlay.

use super::clock::secs_ago;
use crate::protocols::Plane;
use serde::Serialize;
use std::fmt::Write;
use std::time::Instant;

/// One joined group.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct GroupRow {
    pub group: String,
    pub interface: String,
    pub version: u8,
    pub state: &'static str,
    pub joined_seconds_ago: u64,
    pub reports_sent: u64,
    pub last_query_seconds_ago: Option<u64>,
}

#[derive(Serialize)]
pub struct IgmpMembership {
    /// The underlay's logical interface, for the text's heading.
    #[serde(skip)]
    pub interface: String,
    #[serde(skip)]
    pub version: u8,
    #[serde(rename = "igmp-membership")]
    pub groups: Vec<GroupRow>,
}

impl IgmpMembership {
    pub fn of(plane: &Plane, now: Instant) -> IgmpMembership {
        let cfg = plane.config();
        let igmp = &plane.igmp;
        let interface = cfg.underlay_ifl();
        let version = cfg.igmp_version;
        let groups = igmp
            .groups
            .iter()
            .map(|(g, s)| {
                let delaying = s.next_unsolicited.is_some()
                    || igmp
                        .pending
                        .iter()
                        .any(|p| p.group.is_none() || p.group == Some(*g));
                GroupRow {
                    group: g.to_string(),
                    interface: interface.clone(),
                    version,
                    state: if delaying {
                        "Delaying member"
                    } else {
                        "Idle member"
                    },
                    joined_seconds_ago: secs_ago(now, s.since),
                    reports_sent: s.reports_sent,
                    last_query_seconds_ago: s.last_query.map(|t| secs_ago(now, t)),
                }
            })
            .collect();
        IgmpMembership {
            interface,
            version,
            groups,
        }
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Interface: {}, Version: {}",
            self.interface, self.version
        );
        if self.groups.is_empty() {
            let _ = writeln!(s, "    No groups joined");
        }
        for g in &self.groups {
            let last = g
                .last_query_seconds_ago
                .map_or_else(|| "never".to_string(), |t| format!("{t}s ago"));
            let _ = writeln!(s, "    Group: {}", g.group);
            let _ = writeln!(
                s,
                "        State: {}, Joined: {}s ago, Reports sent: {}, Last query: {last}",
                g.state, g.joined_seconds_ago, g.reports_sent
            );
        }
        s
    }
}
