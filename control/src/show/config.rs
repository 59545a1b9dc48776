//! `show config`: the effective options, the ports and the workers, and
//! the configuration file as validated. The text is the JSON as indented
//! `key: value` lines, as for `show interfaces`.

use crate::ports::{CtlTx, PortInfo};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// One worker's lcore and streams.
#[derive(Serialize)]
pub struct WorkerView {
    pub worker: usize,
    pub lcore: u32,
    pub streams: Vec<StreamView>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct StreamView {
    pub rx_port: u16,
    pub rx_queue: u16,
    pub tx_port: u16,
    pub tx_queue: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ShowConfig {
    pub eal: Vec<String>,
    pub forward_mode: String,
    pub forwarding: bool,
    pub nb_cores: usize,
    pub rxq: u16,
    pub txq: u16,
    pub rxd: u16,
    pub txd: u16,
    pub burst: u16,
    pub max_pkt_len: u32,
    pub mbuf_size: u16,
    pub total_num_mbufs: u32,
    pub enable_scatter: bool,
    pub txpkts: u16,
    pub idle_sleep: u32,
    pub ctl_socket: String,
    pub config: Option<String>,
    pub vtep_config: Option<Value>,
    pub ports: Vec<PortView>,
    pub workers: Vec<WorkerView>,
}

impl ShowConfig {
    pub fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    pub fn text(&self) -> String {
        config_text(&self.json())
    }
}

/// A port as `show config` shows it.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PortView {
    pub port: u16,
    pub name: String,
    pub driver: String,
    pub mac: String,
    pub mtu: u32,
    pub rxq: u16,
    pub txq: u16,
    pub rxd: u16,
    pub txd: u16,
    pub rss: bool,
    pub multi_segs: bool,
    pub control_tx: String,
}

impl From<&PortInfo> for PortView {
    fn from(p: &PortInfo) -> Self {
        PortView {
            port: p.port.0,
            name: p.name.clone(),
            driver: p.driver.clone(),
            mac: p.mac.to_string(),
            mtu: p.state.mtu,
            rxq: p.rxq,
            txq: p.txq,
            rxd: p.state.rxd,
            txd: p.state.txd,
            rss: p.state.rss,
            multi_segs: p.state.multi_segs,
            control_tx: match p.ctl_tx {
                CtlTx::Queue(q) => format!("txq {q}"),
                CtlTx::Ring(_) => "worker ring".into(),
            },
        }
    }
}

/// `show config` as indented `key: value` lines.
pub fn config_text(v: &Value) -> String {
    fn walk(out: &mut String, v: &Value, indent: usize) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match x {
                        Value::Object(_) | Value::Array(_) => {
                            let _ = writeln!(out, "{:indent$}{k}:", "");
                            walk(out, x, indent + 2);
                        }
                        _ => {
                            let _ = writeln!(out, "{:indent$}{k}: {}", "", scalar(x));
                        }
                    }
                }
            }
            Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
                let _ = writeln!(
                    out,
                    "{:indent$}{}",
                    "",
                    a.iter().map(scalar).collect::<Vec<_>>().join(" ")
                );
            }
            Value::Array(a) => {
                for x in a {
                    let _ = writeln!(out, "{:indent$}-", "");
                    walk(out, x, indent + 2);
                }
            }
            _ => {
                let _ = writeln!(out, "{:indent$}{}", "", scalar(v));
            }
        }
    }
    fn scalar(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => "-".into(),
            x => x.to_string(),
        }
    }
    let mut out = String::new();
    walk(&mut out, v, 0);
    out
}
