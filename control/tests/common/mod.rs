//! Test harness: runs the real `vtep` binary (one EAL per process, no
//! hugepages, `--no-shconf`) on DPDK virtual devices, talks to it through
//! `vtep ctl`; frames and pcap files come from the test oracle.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
pub use vtep_testkit::*;

pub const VTEP: &str = env!("CARGO_BIN_EXE_vtep");

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("vtep-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// EAL arguments every test uses: no hugepages, no shared config files, no PCI.
pub fn eal_base() -> Vec<String> {
    [
        "-l",
        "0-1",
        "--no-huge",
        "--no-shconf",
        "-m",
        "768",
        "--no-pci",
        "--log-level",
        "lib.eal:warning",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// An Ethernet/IPv4/UDP frame of exactly `len` bytes (no FCS) from
/// 10.0.0.1:1000+seed to 10.0.0.2:9, with a pattern payload that makes
/// byte-level mix-ups visible.
pub fn udp_frame(len: usize, src_mac: [u8; 6], dst_mac: [u8; 6], seed: u8) -> Vec<u8> {
    assert!(len >= MIN_FRAME_LEN, "{len} bytes is a runt");
    Eth::new(dst_mac, src_mac)
        .ipv4([10, 0, 0, 1], [10, 0, 0, 2])
        .udp(1000 + u16::from(seed), 9)
        .payload(&pattern(seed, len - 42))
        .build()
}

/// A running vtep process.
pub struct Vtep {
    pub child: Child,
    pub socket: PathBuf,
    pub out: Arc<Mutex<String>>,
    pub err: Arc<Mutex<String>>,
}

fn drain(r: impl Read + Send + 'static, buf: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut r = BufReader::new(r);
        let mut line = String::new();
        while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            buf.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
}

impl Vtep {
    /// Starts vtep and waits until it forwards (or fails).
    pub fn start(eal: &[String], opts: &[&str], socket: &Path) -> Vtep {
        let mut cmd = Command::new(VTEP);
        cmd.args(eal)
            .arg("--")
            .args(opts)
            .arg("--ctl-socket")
            .arg(socket);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn vtep");
        let out = Arc::new(Mutex::new(String::new()));
        let err = Arc::new(Mutex::new(String::new()));
        drain(child.stdout.take().unwrap(), out.clone());
        drain(child.stderr.take().unwrap(), err.clone());
        let v = Vtep {
            child,
            socket: socket.to_path_buf(),
            out,
            err,
        };
        let t = Instant::now();
        while !v.out.lock().unwrap().contains("vtep: forwarding") {
            if let Ok(Some(st)) = v.child_status() {
                panic!("vtep exited early ({st}):\n{}\n{}", v.stdout(), v.stderr());
            }
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "vtep did not start:\n{}\n{}",
                v.stdout(),
                v.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        v
    }

    fn child_status(&self) -> std::io::Result<Option<std::process::ExitStatus>> {
        // try_wait needs &mut; a status check through /proc keeps &self.
        let pid = self.child.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.is_empty() || stat.contains(") Z ") {
            return Ok(Some(std::os::unix::process::ExitStatusExt::from_raw(0)));
        }
        Ok(None)
    }

    pub fn stdout(&self) -> String {
        self.out.lock().unwrap().clone()
    }
    pub fn stderr(&self) -> String {
        self.err.lock().unwrap().clone()
    }

    /// `vtep ctl --socket S <cmd>`: (exit code, stdout, stderr).
    pub fn ctl(&self, cmd: &str) -> (i32, String, String) {
        let o = Command::new(VTEP)
            .arg("ctl")
            .arg("--socket")
            .arg(&self.socket)
            .args(cmd.split_whitespace())
            .output()
            .expect("vtep ctl");
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into(),
            String::from_utf8_lossy(&o.stderr).into(),
        )
    }

    pub fn json(&self, cmd: &str) -> serde_json::Value {
        let (rc, out, err) = self.ctl(&format!("{cmd} --json"));
        assert_eq!(rc, 0, "{cmd}: {err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{cmd}: bad JSON {e}: {out}"))
    }

    /// Polls `show port stats all` until `pred` holds (or panics after 30 s).
    pub fn wait_stats(
        &self,
        what: &str,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let t = Instant::now();
        loop {
            let v = self.json("show port stats all");
            if pred(&v) {
                return v;
            }
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}: {v:#}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, then the exit code and the full output.
    pub fn stop(mut self) -> (i32, String, String) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let t = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if t.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                panic!(
                    "vtep did not exit on SIGTERM:\n{}\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        std::thread::sleep(Duration::from_millis(100));
        (status.code().unwrap_or(-1), self.stdout(), self.stderr())
    }
}

/// Asserts a clean shutdown: exit 0 and every mbuf back in the pool.
pub fn assert_clean_exit((rc, out, err): &(i32, String, String)) {
    assert_eq!(
        *rc, 0,
        "vtep exit code {rc}\nstdout:\n{out}\nstderr:\n{err}"
    );
    assert!(
        out.contains("mbufs back in the pool"),
        "no pool check in output:\n{out}\n{err}"
    );
    assert!(!err.contains("mbuf leak"), "{err}");
}

/// Runs vtep expecting a start-up failure: (exit code, stderr).
pub fn run_expect_fail(eal: &[String], opts: &[&str]) -> (i32, String) {
    let o = Command::new(VTEP)
        .args(eal)
        .arg("--")
        .args(opts)
        .stdin(Stdio::null())
        .output()
        .expect("spawn vtep");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

/// Wraps `inner` in Ethernet/IPv4/UDP/VXLAN as a remote VTEP would.
pub fn vxlan_frame(
    src_ip: impl Into<Ipv4Addr>,
    dst_ip: impl Into<Ipv4Addr>,
    dst_mac: [u8; 6],
    vni: u32,
    inner: &[u8],
) -> Vec<u8> {
    Eth::new(dst_mac, [0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0])
        .ipv4(src_ip, dst_ip)
        .df()
        .udp(50000, VXLAN_PORT)
        .vxlan(vni)
        .wrap(inner)
}
