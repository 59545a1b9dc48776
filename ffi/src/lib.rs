//! Raw bindings to the system DPDK 22.11 plus `vtep_*` shims for the
//! static-inline fast path. Everything here is `unsafe`; the safe layer is
//! `dataplane::dpdk`.
#![allow(non_upper_case_globals, non_camel_case_types, non_snake_case)]
#![allow(clippy::all)]
#![allow(rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
