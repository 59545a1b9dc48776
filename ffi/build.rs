//! Finds DPDK with pkg-config, generates narrow bindings and compiles the
//! inline-function shim with exactly the cflags libdpdk asks for.
use std::{env, path::PathBuf, process::Command};

fn pkg_config(args: &[&str]) -> String {
    let out = Command::new("pkg-config")
        .args(args)
        .arg("libdpdk")
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => {
            eprintln!("error: DPDK not found by pkg-config (libdpdk): install the Debian package libdpdk-dev");
            std::process::exit(1);
        }
    }
}

/// pkg-config's cflags, keeping `-include X` pairs together.
fn split_flags(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = s.split_whitespace();
    while let Some(f) = it.next() {
        if f == "-include" {
            if let Some(h) = it.next() {
                out.push(format!("-include{h}"));
            }
        } else {
            out.push(f.to_string());
        }
    }
    out
}

fn main() {
    println!("cargo:rerun-if-changed=shim.c");
    println!("cargo:rerun-if-changed=shim.h");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let cflags = split_flags(&pkg_config(&["--cflags"]));
    let libs = pkg_config(&["--libs"]);

    let mut build = cc::Build::new();
    build.file("shim.c").opt_level(3).warnings(false);
    for f in &cflags {
        if let Some(h) = f.strip_prefix("-include") {
            build.flag("-include").flag(h);
        } else {
            build.flag(f);
        }
    }
    build.compile("vtepshim");

    // Dynamic linking: the EAL then dlopens Debian's PMDs from its pmds dir.
    for l in libs.split_whitespace() {
        if let Some(p) = l.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={p}");
        } else if let Some(n) = l.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={n}");
        }
    }
    // --as-needed would drop librte_net_* we never call directly; keep them.
    println!("cargo:rustc-link-arg=-Wl,--no-as-needed");

    let mut clang_args: Vec<String> = Vec::new();
    for f in &cflags {
        if let Some(h) = f.strip_prefix("-include") {
            clang_args.push("-include".into());
            clang_args.push(h.into());
        } else {
            clang_args.push(f.clone());
        }
    }
    let bindings = bindgen::Builder::default()
        .header("shim.h")
        .clang_args(&clang_args)
        .allowlist_function("vtep_.*")
        .allowlist_function("rte_eal_(init|cleanup|mp_wait|process_type)")
        .allowlist_function("rte_eal_(remote_launch|wait_lcore|mp_wait_lcore)")
        .allowlist_function("rte_lcore_(count|index|to_socket_id)")
        .allowlist_function("rte_get_(next_lcore|main_lcore)")
        .allowlist_function("rte_socket_id")
        .allowlist_function("rte_strerror")
        .allowlist_function("rte_version")
        .allowlist_function("rte_pktmbuf_pool_create")
        .allowlist_function("rte_mempool_(free|lookup)")
        .allowlist_function("rte_eth_(dev_count_avail|dev_info_get|dev_configure|dev_start|dev_stop|dev_close|rx_queue_setup|tx_queue_setup|macaddr_get|stats_get|stats_reset|dev_set_mtu|promiscuous_enable|promiscuous_disable|allmulticast_enable|dev_get_name_by_port|dev_get_port_by_name|find_next_owned_by|dev_socket_id|link_get_nowait|dev_adjust_nb_rx_tx_desc|dev_get_mtu|dev_is_valid_port)")
        .allowlist_function("rte_ring_(create|free)")
        .allowlist_type("rte_eth_conf|rte_eth_dev_info|rte_eth_stats|rte_eth_link|rte_ether_addr|rte_mbuf|rte_mempool|rte_eth_rxconf|rte_eth_txconf")
        .allowlist_var("RTE_ETH_.*|RTE_MBUF_.*|RTE_PKTMBUF_.*|RTE_MAX_ETHPORTS|RTE_MAX_LCORE|RTE_ETHER_.*|RTE_MEMPOOL_.*|RTE_PTYPE_.*")
        .allowlist_var("RTE_MBUF_F_.*|RTE_ETH_RX_OFFLOAD_.*|RTE_ETH_TX_OFFLOAD_.*|RTE_ETH_RSS_.*|RTE_VER_.*|SOCKET_ID_ANY|LCORE_ID_ANY")
        // Packed structs that hold aligned ones confuse bindgen's layout.
        .opaque_type("rte_l2tpv2_.*")
        .opaque_type("rte_gtp_.*")
        .opaque_type("rte_arp_.*")
        .derive_default(true)
        .layout_tests(false)
        .generate_comments(false)
        .generate_inline_functions(false)
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()))
        .generate()
        .unwrap_or_else(|e| {
            eprintln!("error: bindgen over the DPDK headers failed: {e}");
            std::process::exit(1);
        });
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings.rs");
    bindings.write_to_file(out).expect("write bindings");
}
