//! What a protocol sends.

/// A frame a protocol wants sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Emit {
    /// Out of this port as is (underlay ARP, IGMP and ICMP, LLDP).
    Port(u16, Vec<u8>),
    /// Into this VLAN's bridge domain, untagged, as built (an IRB's ARP or
    /// echo reply): the dataplane forwards it.
    Vlan(u16, Vec<u8>),
}
