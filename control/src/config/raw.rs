//! The file as serde reads it: every value optional, so that a missing or
//! out-of-range one gets our own message; tables kept in file order.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// A TOML table kept in the order of the file.
#[derive(Debug)]
pub(super) struct Ordered<V>(pub(super) Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Visit<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry::<String, V>()? {
                    v.push(entry);
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(Visit(PhantomData))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) vtep: RawVtep,
    #[serde(default)]
    pub(super) interfaces: Ordered<RawInterface>,
    #[serde(default)]
    pub(super) vlans: Ordered<RawVlan>,
    #[serde(default)]
    pub(super) ethernet_switching: RawSwitching,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawVtep {
    pub(super) source_interface: Option<String>,
    pub(super) udp_port: Option<i64>,
    pub(super) ttl: Option<i64>,
    pub(super) gateway: Option<String>,
    pub(super) igmp_version: Option<i64>,
    pub(super) system_name: Option<String>,
    pub(super) router_mac: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawInterface {
    pub(super) device: Option<String>,
    pub(super) description: Option<String>,
    pub(super) address: Option<String>,
    pub(super) mtu: Option<i64>,
    pub(super) static_arp: Option<Vec<RawArp>>,
    pub(super) interface_mode: Option<String>,
    pub(super) vlan_members: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawArp {
    pub(super) address: Option<String>,
    pub(super) mac: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawVlan {
    pub(super) vlan_id: Option<i64>,
    pub(super) description: Option<String>,
    pub(super) l3_interface: Option<String>,
    pub(super) vxlan: Option<RawVxlan>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawVxlan {
    pub(super) vni: Option<i64>,
    pub(super) multicast_group: Option<String>,
    pub(super) static_remote_vteps: Option<Vec<String>>,
    pub(super) encapsulate_inner_vlan: Option<bool>,
    pub(super) decapsulate_accept_inner_vlan: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawSwitching {
    pub(super) mac_table_aging_time: Option<i64>,
    pub(super) mac_table_size: Option<i64>,
    pub(super) static_mac: Option<Vec<RawStaticMac>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawStaticMac {
    pub(super) vlan: Option<String>,
    pub(super) mac: Option<String>,
    pub(super) interface: Option<String>,
    pub(super) remote_vtep: Option<String>,
}
