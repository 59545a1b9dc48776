//! Replays every input kept for the fuzz targets through their bodies, on
//! stable: the seed corpus (`fuzz/seeds/<target>/`, real frames and
//! configurations) and the regression corpus (`fuzz/regressions/<target>/`,
//! every input a fuzzer found a bug with, kept after the fix).

use fuzz_targets::TARGETS;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted; none when it is absent.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(root().join(kind).join(target)) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = dir
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Runs every seed and regression input of `target`; fails naming each
/// input that panics.
fn replay(target: &str) {
    let (_, run) = TARGETS
        .iter()
        .find(|(n, _)| *n == target)
        .expect("a target");
    let seeds = inputs("seeds", target);
    assert!(!seeds.is_empty(), "no seed corpus for {target}");
    let mut failed = Vec::new();
    for p in seeds.iter().chain(&inputs("regressions", target)) {
        let data = std::fs::read(p).expect("a corpus file");
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
            failed.push(p.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: these inputs fail: {failed:#?}"
    );
}

#[test]
fn burst_corpus() {
    replay("burst");
}

#[test]
fn underlay_checks_corpus() {
    replay("underlay_checks");
}

#[test]
fn control_protocols_corpus() {
    replay("control_protocols");
}

#[test]
fn config_corpus() {
    replay("config");
}

#[test]
fn commands_corpus() {
    replay("commands");
}

/// A directory for a target that does not exist would never be replayed.
#[test]
fn every_corpus_directory_is_a_target() {
    for kind in ["seeds", "regressions"] {
        let Ok(dir) = std::fs::read_dir(root().join(kind)) else {
            continue;
        };
        for e in dir {
            let e = e.expect("a corpus directory");
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                TARGETS.iter().any(|(n, _)| *n == name),
                "fuzz/{kind}/{name} is no target's"
            );
        }
    }
}

/// Fixed-seed random inputs of every size through every target: a quick
/// check that the bodies take any bytes, without libFuzzer.
#[test]
fn random_inputs() {
    let mut x: u32 = 0x9e37_79b9;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for (name, run) in TARGETS {
        for i in 0..300 {
            let len = (next() % 600) as usize;
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
                panic!("{name}: random input {i} fails: {data:02x?}");
            }
        }
    }
}
