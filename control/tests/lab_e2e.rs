//! The seed lab end to end: `scripts/lab.sh up`, then every check in
//! `scripts/lab/checks/` as its own named test, then `down` as the test
//! `99-down`, which fails when a spine did not exit 0 (3: an mbuf leak).
//! Needs root and working network namespaces; otherwise the tests are
//! reported ignored, with the reason. `down` always runs, also when `up` or
//! a check fails.
//!
//! Runs twice in a row: both spines vtep, then spine2 replaced by the Linux
//! kernel's VXLAN (interop); `VTEP_LAB_SPINES=kernel` runs both spines as the
//! kernel instead. Every test is named `seed_lab_up_test_down::SPINES::CHECK`,
//! so `--skip seed_lab_up_test_down` leaves the lab alone and
//! `seed_lab_up_test_down::vtep::07` runs one check. The lab runs the release
//! binary of the same target directory, built first when stale. As root:
//!   cargo test -p vtep --test lab_e2e -- --nocapture
//! (`sudo -E cargo test ...` from a user account).

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, MutexGuard};

/// A way to build the lab: a name for the tests and the `up` options.
struct Spines {
    name: &'static str,
    up: &'static [&'static str],
}

const BOTH_VTEP: Spines = Spines {
    name: "vtep",
    up: &["up", "--spines", "vtep"],
};
const SPINE2_KERNEL: Spines = Spines {
    name: "spine2_kernel",
    up: &["up", "--spine1", "vtep", "--spine2", "kernel"],
};
const BOTH_KERNEL: Spines = Spines {
    name: "kernel",
    up: &["up", "--spines", "kernel"],
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The target directory this test was built in (…/debug/deps/lab_e2e-…),
/// wherever CARGO_TARGET_DIR or --target-dir put it.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("no path to the test binary");
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo().join("target"))
}

fn lab(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo().join("scripts/lab.sh"))
        .args(args)
        .current_dir(repo())
        .env("VTEP", target_dir().join("release/vtep"))
        .output()
        .expect("cannot run bash scripts/lab.sh")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Why the lab cannot run here at all, if it cannot.
fn not_root() -> Option<String> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    (uid.as_deref().unwrap_or("") != "0").then(|| {
        "not root: network namespaces need root (as root: cargo test ...; else sudo -E cargo test ...)"
            .into()
    })
}

fn no_netns() -> Option<String> {
    let name = format!("vtep-e2e-probe-{}", std::process::id());
    let ok = Command::new("ip")
        .args(["netns", "add", &name])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Some("no network namespaces here (`ip netns add` failed or ip is missing)".into());
    }
    let _ = Command::new("ip").args(["netns", "del", &name]).status();
    None
}

/// The check names, in the order `lab.sh test` runs them.
fn checks() -> Vec<String> {
    let dir = repo().join("scripts/lab/checks");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".sh") && n.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .map(|n| n.trim_end_matches(".sh").to_string())
        .collect();
    v.sort();
    v
}

/// The lab as the tests left it: which spines are up, and the totals of
/// their checks so far.
#[derive(Default)]
struct Lab {
    up: Option<&'static str>,
    /// Why the lab could not come up (each of its checks fails with it).
    broken: Option<String>,
    /// The first check of broken spines shows the whole `up` output.
    shown: bool,
    skip: Option<String>,
    built: bool,
    tally: [u64; 3],
}

impl Lab {
    /// Brings up `spines` unless they are up already (the previous spines go down).
    fn ensure(&mut self, spines: &Spines) -> Result<(), String> {
        if self.up == Some(spines.name) {
            return match &self.broken {
                None => Ok(()),
                Some(_) if self.shown => {
                    Err(format!("lab.sh {} failed (see above)", spines.up.join(" ")))
                }
                Some(why) => {
                    self.shown = true;
                    Err(why.clone())
                }
            };
        }
        // The previous spines' shutdown is judged by their own `down` test.
        let _ = self.down();
        if let Some(why) = no_netns() {
            self.skip = Some(why);
        }
        if let Some(why) = &self.skip {
            return Err(why.clone());
        }
        if !self.built {
            eprintln!("lab_e2e: cargo build --release --bin vtep");
            let ok = Command::new("cargo")
                .args(["build", "--release", "--bin", "vtep", "--target-dir"])
                .arg(target_dir())
                .current_dir(repo())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "cargo build --release --bin vtep failed");
            self.built = true;
        }
        // A lab left over from an earlier run would make `up` refuse.
        let _ = lab(&["down"]);
        eprintln!("lab_e2e: scripts/lab.sh {}", spines.up.join(" "));
        let o = lab(spines.up);
        self.up = Some(spines.name);
        self.tally = [0; 3];
        self.shown = false;
        self.broken = (!o.status.success())
            .then(|| format!("lab.sh {} failed:\n{}", spines.up.join(" "), text(&o)));
        self.ensure(spines)
    }

    /// Takes the spines down; an error when `lab.sh down` failed (a spine
    /// did not exit 0: an mbuf leak exits 3).
    fn down(&mut self) -> Result<(), String> {
        let Some(name) = self.up.take() else {
            return Ok(());
        };
        let [p, f, s] = self.tally;
        eprintln!("lab_e2e: spines {name}: {p} passed, {f} failed, {s} skipped; lab.sh down");
        let o = lab(&["down"]);
        if o.status.success() {
            Ok(())
        } else {
            Err(format!("lab.sh down ({name}):\n{}", text(&o)))
        }
    }
}

fn locked(lab: &Mutex<Lab>) -> MutexGuard<'_, Lab> {
    lab.lock().unwrap_or_else(|e| e.into_inner())
}

/// One check on `spines`: passes when `lab.sh check` does; ignored when
/// all it did was skip (a vtep-only check with a kernel spine).
fn run_check(
    state: &Mutex<Lab>,
    spines: &Spines,
    check: &str,
    show: bool,
) -> Result<Completion, Failed> {
    let mut st = locked(state);
    if let Err(why) = st.ensure(spines) {
        return match &st.skip {
            Some(skip) => Ok(Completion::ignored_with(skip)),
            None => Err(why.into()),
        };
    }
    let o = lab(&["check", check]);
    let out = text(&o);
    if show {
        print!("{out}");
    }
    let count = |tag: &str| out.lines().filter(|l| l.starts_with(tag)).count() as u64;
    let (p, f, s) = (count("PASS "), count("FAIL "), count("SKIP "));
    st.tally[0] += p;
    st.tally[1] += f;
    st.tally[2] += s;
    if !o.status.success() {
        return Err(format!("lab.sh check {check} ({}):\n{out}", spines.name).into());
    }
    if p == 0 && s > 0 {
        let why = out.lines().find(|l| l.starts_with("SKIP ")).unwrap_or("");
        return Ok(Completion::ignored_with(why.trim_start_matches("SKIP ")));
    }
    Ok(Completion::Completed)
}

/// The last test of `spines`: takes them down, and fails when a spine did
/// not shut down cleanly (exit code other than 0, e.g. 3 for an mbuf leak).
fn run_down(state: &Mutex<Lab>, spines: &Spines) -> Result<Completion, Failed> {
    let mut st = locked(state);
    if let Some(skip) = &st.skip {
        return Ok(Completion::ignored_with(skip));
    }
    if st.up != Some(spines.name) {
        return Ok(Completion::ignored_with("the lab did not come up"));
    }
    st.down()
        .map(|()| Completion::Completed)
        .map_err(Failed::from)
}

/// Takes the lab down at the end, also when the harness unwinds.
struct Down(Arc<Mutex<Lab>>);
impl Drop for Down {
    fn drop(&mut self) {
        let _ = locked(&self.0).down();
    }
}

fn main() {
    let mut args = Arguments::from_args();
    // One lab at a time, and its checks in order: later ones build on the
    // state earlier ones left (the VM's host, spine2 quitting last).
    args.test_threads = Some(1);
    let show = args.nocapture;
    let variants: &[Spines] = match std::env::var("VTEP_LAB_SPINES").as_deref() {
        Ok("kernel") => &[BOTH_KERNEL],
        // Both spines vtep, then the kernel's VXLAN as spine2 (interop).
        _ => &[BOTH_VTEP, SPINE2_KERNEL],
    };
    let skip = not_root();
    if let Some(why) = &skip {
        eprintln!("lab_e2e: SKIPPED: {why}");
    }
    let state = Arc::new(Mutex::new(Lab {
        skip: skip.clone(),
        ..Lab::default()
    }));
    let mut trials = Vec::new();
    for spines in variants {
        for check in checks() {
            let st = Arc::clone(&state);
            let name = format!("seed_lab_up_test_down::{}::{check}", spines.name);
            trials.push(
                Trial::ignorable_test(name, move || run_check(&st, spines, &check, show))
                    .with_ignored_flag(skip.is_some()),
            );
        }
        let st = Arc::clone(&state);
        let name = format!("seed_lab_up_test_down::{}::99-down", spines.name);
        trials.push(
            Trial::ignorable_test(name, move || run_down(&st, spines))
                .with_ignored_flag(skip.is_some()),
        );
    }
    let down = Down(Arc::clone(&state));
    let conclusion = libtest_mimic::run(&args, trials);
    drop(down);
    conclusion.exit();
}
