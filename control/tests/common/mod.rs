//! Test harness: runs the real `vtep` binary (one EAL per process, no
//! hugepages, `--no-shconf`) on DPDK virtual devices, talks to it through
//! `vtep ctl`, and reads/writes classic pcap files.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// Writes frames to a classic pcap file (Ethernet link type).
pub fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let mut f = std::fs::File::create(path).unwrap();
    let mut hdr = Vec::new();
    hdr.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    hdr.extend_from_slice(&2u16.to_le_bytes());
    hdr.extend_from_slice(&4u16.to_le_bytes());
    hdr.extend_from_slice(&0i32.to_le_bytes());
    hdr.extend_from_slice(&0u32.to_le_bytes());
    hdr.extend_from_slice(&65535u32.to_le_bytes());
    hdr.extend_from_slice(&1u32.to_le_bytes());
    f.write_all(&hdr).unwrap();
    for (i, fr) in frames.iter().enumerate() {
        let mut r = Vec::new();
        r.extend_from_slice(&(i as u32).to_le_bytes());
        r.extend_from_slice(&0u32.to_le_bytes());
        r.extend_from_slice(&(fr.len() as u32).to_le_bytes());
        r.extend_from_slice(&(fr.len() as u32).to_le_bytes());
        f.write_all(&r).unwrap();
        f.write_all(fr).unwrap();
    }
}

/// Reads up to `max` frames of a classic pcap file (either byte order,
/// micro- or nanosecond magic).
pub fn read_pcap(path: &Path, max: usize) -> Vec<Vec<u8>> {
    let mut f = BufReader::new(std::fs::File::open(path).unwrap());
    let mut gh = [0u8; 24];
    if f.read_exact(&mut gh).is_err() {
        return Vec::new();
    }
    let magic = u32::from_le_bytes(gh[0..4].try_into().unwrap());
    let le = matches!(magic, 0xa1b2c3d4 | 0xa1b23c4d);
    assert!(
        le || matches!(magic.swap_bytes(), 0xa1b2c3d4 | 0xa1b23c4d),
        "not a pcap file: {}",
        path.display()
    );
    let u32_at = |b: &[u8]| {
        let a: [u8; 4] = b.try_into().unwrap();
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let mut out = Vec::new();
    let mut rh = [0u8; 16];
    while out.len() < max && f.read_exact(&mut rh).is_ok() {
        let caplen = u32_at(&rh[8..12]) as usize;
        let mut d = vec![0u8; caplen];
        if f.read_exact(&mut d).is_err() {
            break;
        }
        out.push(d);
    }
    out
}

/// An Ethernet/IPv4/UDP frame of exactly `len` bytes (no FCS), with a
/// pattern payload that makes byte-level mix-ups visible.
pub fn udp_frame(len: usize, src_mac: [u8; 6], dst_mac: [u8; 6], seed: u8) -> Vec<u8> {
    assert!(len >= 42);
    let mut f = vec![0u8; len];
    f[0..6].copy_from_slice(&dst_mac);
    f[6..12].copy_from_slice(&src_mac);
    f[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
    let ip_len = (len - 14) as u16;
    f[14] = 0x45;
    f[16..18].copy_from_slice(&ip_len.to_be_bytes());
    f[22] = 64;
    f[23] = 17;
    f[26..30].copy_from_slice(&[10, 0, 0, 1]);
    f[30..34].copy_from_slice(&[10, 0, 0, 2]);
    let c = ip_checksum(&f[14..34]);
    f[24..26].copy_from_slice(&c.to_be_bytes());
    f[34..36].copy_from_slice(&(1000 + seed as u16).to_be_bytes());
    f[36..38].copy_from_slice(&9u16.to_be_bytes());
    f[38..40].copy_from_slice(&(ip_len - 20).to_be_bytes());
    for (i, b) in f[42..].iter_mut().enumerate() {
        *b = seed.wrapping_add(i as u8);
    }
    f
}

pub fn ip_checksum(h: &[u8]) -> u16 {
    let mut s: u32 = 0;
    for c in h.chunks(2) {
        s += u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32;
    }
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
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

/// Prepends an 802.1Q tag after the MACs.
pub fn tagged(frame: &[u8], vid: u16) -> Vec<u8> {
    let mut f = frame[..12].to_vec();
    f.extend_from_slice(&0x8100u16.to_be_bytes());
    f.extend_from_slice(&vid.to_be_bytes());
    f.extend_from_slice(&frame[12..]);
    f
}

/// Wraps `inner` in Ethernet/IPv4/UDP/VXLAN as a remote VTEP would.
pub fn vxlan_frame(
    src_ip: [u8; 4],
    dst_ip: [u8; 4],
    dst_mac: [u8; 6],
    vni: u32,
    inner: &[u8],
) -> Vec<u8> {
    let mut f = Vec::with_capacity(50 + inner.len());
    f.extend_from_slice(&dst_mac);
    f.extend_from_slice(&[0x4c, 0x96, 0x14, 0x6b, 0xbb, 0xf0]);
    f.extend_from_slice(&0x0800u16.to_be_bytes());
    let ip_len = (20 + 8 + 8 + inner.len()) as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0];
    ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
    ip.extend_from_slice(&src_ip);
    ip.extend_from_slice(&dst_ip);
    let c = ip_checksum(&ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(&50000u16.to_be_bytes());
    f.extend_from_slice(&4789u16.to_be_bytes());
    f.extend_from_slice(&(ip_len - 20).to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(&[0x08, 0, 0, 0]);
    f.extend_from_slice(&(vni << 8).to_be_bytes());
    f.extend_from_slice(inner);
    f
}

/// The fields of a VXLAN frame vtep sent, checked for RFC 7348 shape.
#[derive(Debug)]
pub struct Outer {
    pub dst_mac: [u8; 6],
    pub src_ip: [u8; 4],
    pub dst_ip: [u8; 4],
    pub ttl: u8,
    pub sport: u16,
    pub vni: u32,
    pub inner: Vec<u8>,
}

pub fn parse_vxlan(f: &[u8]) -> Outer {
    assert!(f.len() >= 50, "short VXLAN frame");
    assert_eq!(&f[12..14], &[0x08, 0x00], "outer EtherType");
    assert_eq!(f[14], 0x45, "outer IPv4 without options");
    assert_eq!(
        u16::from_be_bytes([f[16], f[17]]) as usize,
        f.len() - 14,
        "outer IP length"
    );
    assert_eq!(f[20] & 0x40, 0x40, "DF set");
    assert_eq!(f[23], 17, "UDP");
    assert_eq!(ip_checksum(&f[14..34]), 0, "outer IPv4 checksum");
    assert_eq!(
        u16::from_be_bytes([f[36], f[37]]),
        4789,
        "UDP destination port"
    );
    assert_eq!(
        u16::from_be_bytes([f[38], f[39]]) as usize,
        f.len() - 34,
        "UDP length"
    );
    assert_eq!(&f[40..42], &[0, 0], "UDP checksum 0");
    let sport = u16::from_be_bytes([f[34], f[35]]);
    assert!(sport >= 49152, "source port {sport} outside 49152-65535");
    assert_eq!(&f[42..46], &[0x08, 0, 0, 0], "VXLAN flags and reserved");
    assert_eq!(f[49], 0, "VXLAN reserved byte");
    Outer {
        dst_mac: f[0..6].try_into().unwrap(),
        src_ip: f[26..30].try_into().unwrap(),
        dst_ip: f[30..34].try_into().unwrap(),
        ttl: f[22],
        sport,
        vni: u32::from_be_bytes([0, f[46], f[47], f[48]]),
        inner: f[50..].to_vec(),
    }
}
