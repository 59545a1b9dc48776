//! The control socket: a path that is not a socket is refused and left
//! as it is, another vtep's live socket is refused, and clients that say
//! nothing, or send garbage, never hold up the control thread.

mod common;
use common::*;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

fn null_eal() -> Vec<String> {
    let mut eal = eal_base();
    eal.extend(["--vdev".to_string(), "net_null0,no-rx=1".to_string()]);
    eal
}

/// vtep refuses `--ctl-socket path`: exit 1, one line naming the option.
fn refused(path: &std::path::Path) -> String {
    let p = path.display().to_string();
    let (rc, err) = run_expect_fail(&null_eal(), &["--forward-mode", "io", "--ctl-socket", &p]);
    assert_eq!(rc, 1, "{err}");
    let line = err.trim();
    assert!(!line.contains('\n'), "one line: {err}");
    line.to_string()
}

#[test]
fn a_regular_file_at_the_socket_path_is_refused_and_kept() {
    let dir = TempDir::new("ctl-file");
    let f = dir.path("precious.txt");
    std::fs::write(&f, "keep me\n").unwrap();
    assert_eq!(
        refused(&f),
        format!(
            "vtep: --ctl-socket {} exists and is a file, not a socket: remove it or pick another path",
            f.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "keep me\n");
}

#[test]
fn a_directory_at_the_socket_path_is_refused_and_kept() {
    let dir = TempDir::new("ctl-dir");
    let d = dir.path("sub");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("x"), "x").unwrap();
    assert!(refused(&d).contains("exists and is a directory, not a socket"));
    assert!(d.join("x").exists());
}

#[test]
fn a_dangling_symlink_at_the_socket_path_is_refused_and_kept() {
    let dir = TempDir::new("ctl-link");
    let l = dir.path("link");
    std::os::unix::fs::symlink(dir.path("nowhere"), &l).unwrap();
    assert!(refused(&l).contains("exists and is a symbolic link, not a socket"));
    assert!(std::fs::symlink_metadata(&l)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        !dir.path("nowhere").exists(),
        "nothing made behind the link"
    );
}

#[test]
fn the_live_socket_of_another_vtep_is_refused() {
    let dir = TempDir::new("ctl-live");
    let s = dir.path("s");
    let first = Vtep::start(&null_eal(), &["--forward-mode", "io"], &s);
    assert_eq!(
        refused(&s),
        format!(
            "vtep: control socket {} is in use by another vtep: stop it or pick another --ctl-socket",
            s.display()
        )
    );
    assert_eq!(
        first.ctl("show config").0,
        0,
        "the first vtep still answers"
    );
    assert_clean_exit(&first.stop());
}

/// One command over a raw connection: the answer and how long it took.
fn ask(sock: &std::path::Path, line: &[u8]) -> (String, Duration) {
    let t = Instant::now();
    let mut s = UnixStream::connect(sock).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(line).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    (out, t.elapsed())
}

#[test]
fn silent_and_garbled_clients_do_not_delay_the_control_thread() {
    let dir = TempDir::new("ctl-silent");
    let s = dir.path("s");
    let v = Vtep::start(&null_eal(), &["--forward-mode", "io"], &s);
    let (_, idle) = ask(&s, b"show config\n");
    // Eight clients that connect and say nothing, and one that sends half
    // a line and stops.
    let silent: Vec<UnixStream> = (0..8).map(|_| UnixStream::connect(&s).unwrap()).collect();
    let mut half = UnixStream::connect(&s).unwrap();
    half.write_all(b"show por").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let mut worst = Duration::ZERO;
    for _ in 0..10 {
        let (out, took) = ask(&s, b"show port stats all\n");
        assert!(out.contains("NIC statistics for port 0"), "{out}");
        worst = worst.max(took);
    }
    println!(
        "control socket: show answered in {:.1} ms with no other client, at worst {:.1} ms with 9 silent clients",
        idle.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
    assert!(worst < Duration::from_millis(100), "took {worst:?}");
    // A line longer than the limit gets an error, and the connection closes.
    let (out, took) = ask(&s, &vec![b'x'; 5000]);
    assert_eq!(
        out.trim(),
        "error: command longer than 4096 bytes: connection closed"
    );
    assert!(took < Duration::from_millis(100), "took {took:?}");
    let (out, _) = ask(&s, b"\xff\xfe\n");
    assert_eq!(out.trim(), "error: the command is not UTF-8 text");
    // The half line, finished late, is answered.
    half.write_all(b"t stats all\n").unwrap();
    let mut out = String::new();
    half.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = half.read_to_string(&mut out);
    assert!(out.contains("NIC statistics for port 0"), "{out}");
    drop(silent);
    assert_clean_exit(&v.stop());
}

#[test]
fn a_show_of_a_big_mac_table_comes_a_page_at_a_time() {
    let dir = TempDir::new("ctl-page");
    let cfg = dir.path("vtep.toml");
    std::fs::write(
        &cfg,
        r#"
[vtep]
source-interface = "ul"
[interfaces.ul]
device = "net_null0"
address = "192.168.24.4/24"
[interfaces.trk]
device = "net_pcap0"
interface-mode = "trunk"
vlan-members = ["v100"]
[vlans.v100]
vlan-id = 100
"#,
    )
    .unwrap();
    let hosts = 1500;
    let frames: Vec<Vec<u8>> = (0..hosts)
        .map(|i: usize| {
            let src = [0x00, 0x50, 0x56, 0x20, (i >> 8) as u8, i as u8];
            tagged(&udp_frame(64, src, BROADCAST, 0), 100)
        })
        .collect();
    let rx = dir.path("rx.pcap");
    pcap::write(&rx, &frames);
    let mut eal = eal_base();
    eal.extend([
        "--vdev".to_string(),
        "net_null0,no-rx=1".to_string(),
        "--vdev".to_string(),
        format!("net_pcap0,rx_pcap={}", rx.display()),
    ]);
    let c = cfg.display().to_string();
    let v = Vtep::start(&eal, &["--config", &c], &dir.path("s"));
    let t = Instant::now();
    let first = loop {
        let j = v.json("show ethernet-switching table");
        if j["learned"] == hosts {
            break j;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "not learned: {}",
            j["learned"]
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let rows = |j: &serde_json::Value| j["entries"].as_array().unwrap().len();
    assert_eq!(rows(&first), 1000, "one page by default");
    assert_eq!(
        (first["total"].as_u64(), first["more"].as_u64()),
        (Some(1500), Some(500))
    );
    let j = v.json("show ethernet-switching table vlan-id 100 start 1400 count 60");
    assert_eq!(rows(&j), 60);
    assert_eq!(
        (j["start"].as_u64(), j["more"].as_u64()),
        (Some(1400), Some(40))
    );
    assert_eq!(j["entries"][0]["mac"], "00:50:56:20:05:78");
    let j = v.json("show ethernet-switching table start 1490 count 100");
    assert_eq!((rows(&j), j["more"].as_u64()), (10, Some(0)));
    let (rc, text, _) = v.ctl("show ethernet-switching table");
    assert_eq!(rc, 0);
    assert!(
        text.trim_end()
            .ends_with("... 500 more (add start 1000 to the command for the next page)"),
        "{text}"
    );
    assert_eq!(text.lines().filter(|l| l.contains("trk.0")).count(), 1000);
    assert_clean_exit(&v.stop());
}
