//! Punts a protocol did not take, counted by reason.

use std::collections::BTreeMap;

/// Why a punt was ignored; the names are the counters' keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Ignore {
    Malformed,
    UnknownPort,
    UnknownVlan,
    UntaggedFromBridgePort,
    NoUnderlay,
    UnsupportedEthertype,
    UnsupportedProtocol,
    ArpNotForUs,
    ArpTableFull,
    EchoNotForUs,
    IgmpNotQuery,
    IgmpUnjoinedGroup,
    IgmpPendingFull,
    LldpOwn,
    LldpTableFull,
}

impl Ignore {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Ignore::Malformed => "malformed",
            Ignore::UnknownPort => "unknown-port",
            Ignore::UnknownVlan => "unknown-vlan",
            Ignore::UntaggedFromBridgePort => "untagged-from-bridge-port",
            Ignore::NoUnderlay => "no-underlay",
            Ignore::UnsupportedEthertype => "unsupported-ethertype",
            Ignore::UnsupportedProtocol => "unsupported-protocol",
            Ignore::ArpNotForUs => "arp-not-for-us",
            Ignore::ArpTableFull => "arp-table-full",
            Ignore::EchoNotForUs => "echo-not-for-us",
            Ignore::IgmpNotQuery => "igmp-not-query",
            Ignore::IgmpUnjoinedGroup => "igmp-unjoined-group",
            Ignore::IgmpPendingFull => "igmp-pending-full",
            Ignore::LldpOwn => "lldp-own",
            Ignore::LldpTableFull => "lldp-table-full",
        }
    }
}

/// One protocol's (or the dispatcher's) ignored frames by reason.
#[derive(Default, Debug)]
pub(crate) struct Ignored(pub(crate) BTreeMap<Ignore, u64>);

impl Ignored {
    pub(crate) fn count(&mut self, why: Ignore) {
        *self.0.entry(why).or_default() += 1;
    }
}
