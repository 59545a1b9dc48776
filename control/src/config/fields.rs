//! Value parsers shared by the stanzas: ranges, addresses, MACs, devices;
//! each error names its key.

use super::error::{err, ConfigError};
use super::types::*;
use std::net::Ipv4Addr;
use wire::Mac;

pub(super) fn in_range(key: &str, v: i64, lo: i64, hi: i64) -> Result<i64, ConfigError> {
    if v < lo || v > hi {
        return err(key, format!("{v} is outside {lo}-{hi}"));
    }
    Ok(v)
}

pub(super) fn parse_ipv4(key: &str, s: &str) -> Result<Ipv4Addr, ConfigError> {
    s.parse()
        .or_else(|_| err(key, format!("{s:?} is not an IPv4 address")))
}

pub(super) fn check_unicast(key: &str, a: Ipv4Addr) -> Result<Ipv4Addr, ConfigError> {
    if a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_loopback()
        || a.octets()[0] >= 240
    {
        return err(key, format!("{a} is not a unicast address"));
    }
    Ok(a)
}

pub(super) fn parse_unicast(key: &str, s: &str) -> Result<Ipv4Addr, ConfigError> {
    check_unicast(key, parse_ipv4(key, s)?)
}

pub(super) fn parse_net(key: &str, s: &str) -> Result<Ipv4Net, ConfigError> {
    let Some((a, len)) = s.split_once('/') else {
        return err(key, format!("{s:?} needs a prefix length (a.b.c.d/len)"));
    };
    let addr = parse_ipv4(key, a)?;
    let prefix_len: u8 = match len.parse() {
        Ok(l) if l <= 32 => l,
        _ => return err(key, format!("prefix length {len:?} is outside 0-32")),
    };
    check_unicast(key, addr)?;
    Ok(Ipv4Net { addr, prefix_len })
}

pub(super) fn parse_unicast_mac(key: &str, s: &str) -> Result<Mac, ConfigError> {
    let Ok(m) = s.parse::<Mac>() else {
        return err(
            key,
            format!("{s:?} is not a MAC address (aa:bb:cc:dd:ee:ff)"),
        );
    };
    if !m.is_valid_source() {
        return err(key, format!("{s} is not a unicast MAC address"));
    }
    Ok(m)
}

/// `0000:3b:00.0` or `3b:00.0` → `0000:3b:00.0` (lower case); `None` when
/// `s` is not a PCI address.
pub(super) fn canonical_pci(s: &str) -> Option<String> {
    let hex = |p: &str, n: usize| {
        (p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(p, 16).ok())
            .flatten()
    };
    let (rest, func) = s.rsplit_once('.')?;
    let func = hex(func, 1).filter(|f| *f < 8)?;
    let parts: Vec<&str> = rest.split(':').collect();
    let (dom, bus, dev) = match parts[..] {
        [d, b, v] => (hex(d, 4)?, hex(b, 2)?, hex(v, 2)?),
        [b, v] => (0, hex(b, 2)?, hex(v, 2)?),
        _ => return None,
    };
    Some(format!("{dom:04x}:{bus:02x}:{dev:02x}.{func:x}"))
}

pub(super) fn parse_device(key: &str, s: &str) -> Result<String, ConfigError> {
    if let Some((name, _)) = s.split_once(',') {
        return err(
            key,
            format!(
                "{s:?} has device arguments; give only the name ({name}) and pass the arguments to the EAL (--vdev {s})"
            ),
        );
    }
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return err(key, format!("{s:?} is not a device name"));
    }
    Ok(canonical_pci(s).unwrap_or_else(|| s.to_string()))
}
