//! The seed lab end to end: `scripts/lab.sh up`, `test`, `down`, with the
//! spines chosen by `VTEP_LAB_SPINES` (`vtep`, the default, or `kernel`).
//! Needs root and working network namespaces; otherwise it says why and
//! skips. `down` always runs (a guard's Drop), also when `up` or `test` fail.
//!
//! Runs twice in a row: both spines vtep, then spine2 replaced by the
//! Linux kernel's VXLAN (interop). `scripts/test.sh` builds the release
//! binary the lab runs; by hand:
//!   cargo build --release --bin vtep && sudo -E cargo test -p vtep --test lab_e2e -- --nocapture

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn lab(args: &[&str]) -> std::process::ExitStatus {
    eprintln!("lab_e2e: scripts/lab.sh {}", args.join(" "));
    Command::new("bash")
        .arg(repo().join("scripts/lab.sh"))
        .args(args)
        .current_dir(repo())
        .status()
        .expect("cannot run bash scripts/lab.sh")
}

/// Why the lab cannot run here, if it cannot.
fn cannot_run() -> Option<String> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if uid.as_deref().unwrap_or("") != "0" {
        return Some("not root: network namespaces need root (run with sudo -E)".into());
    }
    let name = format!("vtep-e2e-probe-{}", std::process::id());
    let ok = Command::new("ip")
        .args(["netns", "add", &name])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        return Some("no network namespaces here (`ip netns add` failed or ip is missing)".into());
    }
    let _ = Command::new("ip").args(["netns", "del", &name]).status();
    None
}

struct Down;
impl Drop for Down {
    fn drop(&mut self) {
        let _ = lab(&["down"]);
    }
}

fn run_lab(up: &[&str]) {
    // A lab left over from an earlier run would make `up` refuse.
    let _ = lab(&["down"]);
    let _guard = Down;
    assert!(lab(up).success(), "lab.sh {} failed", up.join(" "));
    assert!(
        lab(&["test"]).success(),
        "lab.sh test failed ({}): see the FAIL lines above",
        up.join(" ")
    );
}

#[test]
fn seed_lab_up_test_down() {
    if let Some(why) = cannot_run() {
        eprintln!("lab_e2e: SKIPPED: {why}");
        return;
    }
    if !repo().join("target/release/vtep").exists() {
        eprintln!("lab_e2e: building target/release/vtep first");
        let ok = Command::new("cargo")
            .args(["build", "--release", "--bin", "vtep"])
            .current_dir(repo())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "cargo build --release --bin vtep failed");
    }
    match std::env::var("VTEP_LAB_SPINES").as_deref() {
        Ok("kernel") => run_lab(&["up", "--spines", "kernel"]),
        // Both spines vtep, then the kernel's VXLAN as spine2 (interop).
        _ => {
            run_lab(&["up", "--spines", "vtep"]);
            run_lab(&["up", "--spine1", "vtep", "--spine2", "kernel"]);
        }
    }
}
