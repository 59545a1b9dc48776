//! The bodies of vtep's fuzz targets, as ordinary library code: the
//! cargo-fuzz crate (`fuzz/`, nightly, libFuzzer) only wraps them, and
//! `cargo test` on stable replays the seed and regression corpora
//! (`fuzz/seeds/<target>/`, `fuzz/regressions/<target>/`) through the
//! same functions (`tests/replay.rs`).
//!
//! Each target takes any byte string and panics only on a bug:
//! * [`burst`]: frames on every port kind through the bridge's burst loop,
//!   the Sink contract and the counters checked, the fast paths held to
//!   the full ones, the MAC table's invariants;
//! * [`underlay_checks`]: the underlay's fast outer-header check against
//!   the full checks;
//! * [`control_protocols`]: every `wire` parser, and the control plane's
//!   handling of punted frames (what it emits must re-parse);
//! * [`config`]: TOML text and structured configurations through parse and
//!   validate, a valid one round-tripping through its own TOML;
//! * [`commands`]: command lines through the parser and the live
//!   `set`/`delete` validation.
//!
//! Most inputs are read with [`Input`], a plain cursor (missing bytes read
//! as zero), so that a seed is easy to write by hand from a real frame or
//! config: see each target's docs for its layout.

pub mod burst;
pub mod commands;
pub mod config;
pub mod control_protocols;
pub mod underlay_checks;

/// A target's body: any input, a panic only on a bug.
pub type Target = fn(&[u8]);

/// Every target by name, as `fuzz/fuzz_targets/<name>.rs` and the corpus
/// directories call it.
pub const TARGETS: &[(&str, Target)] = &[
    ("burst", burst::run),
    ("underlay_checks", underlay_checks::run),
    ("control_protocols", control_protocols::run),
    ("config", config::run),
    ("commands", commands::run),
];

/// A cursor over a fuzz input. Reads past the end give zeros (and empty
/// slices), so every input is a valid one.
pub struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input(data)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    /// Big-endian, as the seeds write it.
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    /// Up to `n` bytes (fewer at the end).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (b, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        b
    }
    /// A length-prefixed (u16) byte string.
    pub fn chunk(&mut self) -> &'a [u8] {
        let n = usize::from(self.u16());
        self.bytes(n)
    }
    pub fn rest(&mut self) -> &'a [u8] {
        self.bytes(self.0.len())
    }
    /// One of `items`, by the next byte.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::from(self.u8()) % items.len()]
    }
}

/// Writes what [`Input::chunk`] reads, for the seed writers.
pub fn chunk(out: &mut Vec<u8>, b: &[u8]) {
    let n = u16::try_from(b.len()).expect("a chunk fits in 64 KiB");
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(b);
}

/// A message from a fuzz target must be one line (the configuration and
/// command errors promise it).
pub(crate) fn assert_one_line(what: &str, msg: &str) {
    assert!(
        !msg.is_empty() && !msg.contains('\n') && !msg.contains('\r'),
        "{what}: not one line: {msg:?}"
    );
}
