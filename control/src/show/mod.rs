//! The show commands, one per file. Each builds one `Serialize` struct
//! and renders both its text and its `--json` from it.

pub mod arp;
pub mod clock;
pub mod config;
pub mod igmp;
pub mod interfaces;
pub mod lldp;
pub mod mac_table;
pub mod port_stats;
pub mod vlans;
pub mod vteps;

use serde::Serialize;

/// `--json` on one line. Through a `Value`, whose map sorts the keys, so
/// the output does not depend on the order of a struct's fields.
pub fn compact<T: Serialize>(data: &T) -> String {
    serde_json::to_value(data)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// `--json`, indented, keys sorted as in [`compact`].
pub fn pretty<T: Serialize>(data: &T) -> String {
    serde_json::to_value(data)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default()
}

/// `--json` as a `Value`, for replies that take one.
pub fn json<T: Serialize>(data: &T) -> serde_json::Value {
    serde_json::to_value(data).unwrap_or_default()
}
