//! The forwarder skeleton through the real binary on DPDK virtual devices:
//! io/mac/txonly modes, jumbo frames, clean shutdown, one-line errors.

mod common;
use common::*;

const SRC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const DST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

fn pcap_pair(dir: &TempDir, frames: &[Vec<u8>]) -> (Vec<String>, std::path::PathBuf) {
    let inp = dir.path("in.pcap");
    let out = dir.path("out.pcap");
    pcap::write(&inp, frames);
    let mut eal = eal_base();
    eal.push("--vdev".into());
    eal.push(format!("net_pcap0,rx_pcap={}", inp.display()));
    eal.push("--vdev".into());
    eal.push(format!("net_pcap1,tx_pcap={}", out.display()));
    (eal, out)
}

fn tx_packets(v: &serde_json::Value, port: usize) -> u64 {
    v["ports"][port]["tx-packets"].as_u64().unwrap()
}

#[test]
fn io_mode_forwards_pcap_to_pcap_byte_for_byte() {
    let dir = TempDir::new("io");
    let frames: Vec<Vec<u8>> = (0..200)
        .map(|i| udp_frame(60 + (i * 37) % 1455, SRC, DST, i as u8))
        .collect();
    let (eal, out) = pcap_pair(&dir, &frames);
    let v = Vtep::start(&eal, &["--forward-mode", "io"], &dir.path("s"));
    v.wait_stats("200 frames out of port 1", |s| tx_packets(s, 1) == 200);
    let res = v.stop();
    assert_clean_exit(&res);
    let got = pcap::read(&out, 1000);
    assert_eq!(got.len(), frames.len());
    assert!(got == frames, "frames changed on the way through io mode");
}

#[test]
fn mac_mode_rewrites_the_source_mac_only() {
    let dir = TempDir::new("mac");
    let frames: Vec<Vec<u8>> = (0..50)
        .map(|i| udp_frame(60 + i * 20, SRC, DST, i as u8))
        .collect();
    let (eal, out) = pcap_pair(&dir, &frames);
    let v = Vtep::start(&eal, &["--forward-mode", "mac"], &dir.path("s"));
    let cfg = v.json("show config");
    let mac1 = cfg["ports"][1]["mac"].as_str().unwrap().to_string();
    v.wait_stats("50 frames out", |s| tx_packets(s, 1) == 50);
    assert_clean_exit(&v.stop());
    let got = pcap::read(&out, 1000);
    assert_eq!(got.len(), 50);
    let want_mac: Vec<u8> = mac1
        .split(':')
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    assert_ne!(want_mac, SRC.to_vec());
    for (g, f) in got.iter().zip(&frames) {
        assert_eq!(&g[6..12], &want_mac[..], "source MAC is not port 1's");
        assert_eq!(&g[..6], &f[..6]);
        assert_eq!(&g[12..], &f[12..]);
    }
}

#[test]
fn jumbo_frames_pass_at_9216_and_are_counted_as_oversize_at_1518() {
    let mut frames = Vec::new();
    for i in 0..20u8 {
        frames.push(udp_frame(9018, SRC, DST, i));
        frames.push(udp_frame(1514, SRC, DST, i));
    }
    // Jumbo allowed: everything passes intact.
    let dir = TempDir::new("jumbo");
    let (eal, out) = pcap_pair(&dir, &frames);
    let v = Vtep::start(
        &eal,
        &["--forward-mode", "io", "--max-pkt-len", "9216"],
        &dir.path("s"),
    );
    v.wait_stats("40 frames out", |s| tx_packets(s, 1) == 40);
    assert_clean_exit(&v.stop());
    assert!(pcap::read(&out, 1000) == frames, "jumbo frames changed");

    // Default 1518: the 9018-byte frames are dropped and counted.
    let dir = TempDir::new("nojumbo");
    let (eal, out) = pcap_pair(&dir, &frames);
    let v = Vtep::start(&eal, &["--forward-mode", "io"], &dir.path("s"));
    let s = v.wait_stats("20 oversize", |s| {
        s["ports"][0]["sw"]["rx-oversize"].as_u64() == Some(20)
    });
    assert_eq!(tx_packets(&s, 1), 20);
    assert_clean_exit(&v.stop());
    let got = pcap::read(&out, 1000);
    assert_eq!(got.len(), 20);
    assert!(got.iter().all(|f| f.len() == 1514));
}

#[test]
fn txonly_builds_frames_of_the_asked_size() {
    let dir = TempDir::new("txonly");
    let out = dir.path("tx.pcap");
    let mut eal = eal_base();
    eal.extend([
        "--vdev".to_string(),
        format!("net_pcap0,tx_pcap={}", out.display()),
    ]);
    let v = Vtep::start(
        &eal,
        &[
            "--forward-mode",
            "txonly",
            "--txpkts",
            "1000",
            "--burst",
            "4",
        ],
        &dir.path("s"),
    );
    v.wait_stats("frames sent", |s| tx_packets(s, 0) >= 64);
    assert_clean_exit(&v.stop());
    let got = pcap::read(&out, 64);
    assert_eq!(got.len(), 64);
    let mut srcs = std::collections::HashSet::new();
    for f in &got {
        assert_eq!(f.len(), 1000);
        assert_eq!(&f[12..14], &[0x08, 0x00]);
        assert_eq!(u16::from_be_bytes([f[16], f[17]]), 986, "IPv4 total length");
        assert_eq!(internet_checksum(&f[14..34]), 0, "IPv4 header checksum");
        assert_eq!(u16::from_be_bytes([f[38], f[39]]), 966, "UDP length");
        srcs.insert(f[6..12].to_vec());
    }
    assert!(srcs.len() > 1, "txonly should vary source MACs");
}

#[test]
fn control_socket_answers_commands_and_errors() {
    let dir = TempDir::new("ctl");
    let mut eal = eal_base();
    eal.extend(["--vdev".to_string(), "net_null0,no-rx=1".to_string()]);
    let sock = dir.path("s");
    let v = Vtep::start(&eal, &["--forward-mode", "rxonly"], &sock);
    let mode = std::fs::metadata(&sock)
        .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()))
        .unwrap();
    assert_eq!(mode & 0o777, 0o600, "socket mode");
    let (rc, out, _) = v.ctl("show port stats all");
    assert_eq!(rc, 0);
    assert!(
        out.contains("Rx-pps:")
            && out.contains("Tx-bps:")
            && out.contains("NIC statistics for port 0"),
        "{out}"
    );
    let (rc, out, _) = v.ctl("stop");
    assert_eq!((rc, out.trim()), (0, "forwarding stopped"));
    assert_eq!(v.json("show config")["forwarding"], false);
    assert_eq!(v.ctl("start").0, 0);
    assert_eq!(v.ctl("clear port stats all").0, 0);
    let (rc, _, err) = v.ctl("show port stats");
    assert_eq!(rc, 1);
    assert_eq!(
        err.trim(),
        "error: incomplete command \"show port stats\": expected \"show port stats all\""
    );
    let (rc, _, err) = v.ctl("frobnicate");
    assert_eq!(rc, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    let (rc, out, _) = v.ctl("help");
    assert_eq!(rc, 0);
    assert!(out.contains("show port stats all"));
    assert_clean_exit(&v.stop());
    assert!(!sock.exists(), "socket left behind");
}

#[test]
fn quit_over_the_socket_shuts_down_cleanly() {
    let dir = TempDir::new("quit");
    let frames: Vec<Vec<u8>> = (0..10).map(|i| udp_frame(100, SRC, DST, i)).collect();
    let (eal, _) = pcap_pair(&dir, &frames);
    let mut v = Vtep::start(&eal, &["--forward-mode", "io"], &dir.path("s"));
    let (rc, out, _) = v.ctl("quit");
    assert_eq!((rc, out.trim()), (0, "bye"));
    let st = v.child.wait().unwrap();
    assert_eq!(st.code(), Some(0));
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        v.stdout().contains("mbufs back in the pool"),
        "{}",
        v.stdout()
    );
}

/// Every bad input: a non-zero exit and exactly one `vtep:` error line,
/// never a panic.
#[test]
fn bad_inputs_give_one_line_errors() {
    let dir = TempDir::new("bad");
    let pcap = dir.path("in.pcap");
    pcap::write(&pcap, &[udp_frame(60, SRC, DST, 0)]);
    let null = |n: usize| {
        let mut e = eal_base();
        for i in 0..n {
            e.extend(["--vdev".to_string(), format!("net_null{i},no-rx=1")]);
        }
        e
    };
    let pcapdev = {
        let mut e = eal_base();
        e.extend([
            "--vdev".to_string(),
            format!("net_pcap0,rx_pcap={}", pcap.display()),
        ]);
        e
    };
    let cfg = dir.path("bad.toml");
    std::fs::write(&cfg, "[vlans.v10]\nvlan-id = 5000\n").unwrap();
    let sock = dir.path("s").display().to_string();
    let cases: Vec<(Vec<String>, Vec<String>, &str)> = vec![
        (
            null(1),
            vec!["--forward-mode".into(), "foo".into()],
            "invalid value 'foo' for '--forward-mode <MODE>'",
        ),
        (
            null(1),
            vec!["--burst".into(), "600".into()],
            "600 is not in 1..=512",
        ),
        (
            null(1),
            vec!["--bogus".into()],
            "unexpected argument '--bogus'",
        ),
        (
            null(1),
            vec!["--txpkts".into(), "20".into()],
            "--txpkts 20 must be between 60 and --max-pkt-len (1518)",
        ),
        (
            null(1),
            vec![
                "--max-pkt-len".into(),
                "9216".into(),
                "--mbuf-size".into(),
                "2176".into(),
            ],
            "raise --mbuf-size to 9344 or add --enable-scatter",
        ),
        (
            null(1),
            vec!["--nb-cores".into(), "2".into()],
            "--nb-cores 2 needs 2 worker lcores but the EAL core list gives 1",
        ),
        (
            pcapdev.clone(),
            vec!["--rxq".into(), "2".into()],
            "port 0 (net_pcap0): 2 RX queues asked, the device offers at most 1",
        ),
        (eal_base(), vec![], "no DPDK ports"),
        (
            null(1),
            vec!["--config".into(), cfg.display().to_string()],
            "vlans.v10.vlan-id: 5000 is outside 1-4094",
        ),
        (
            null(1),
            vec!["--config".into(), "/nonexistent/vtep.toml".into()],
            "/nonexistent/vtep.toml",
        ),
        (
            {
                let mut e = eal_base();
                e.extend([
                    "--vdev".to_string(),
                    "net_pcap0,rx_pcap=/nonexistent.pcap".to_string(),
                ]);
                e
            },
            vec![],
            "--vdev net_pcap0 did not come up as a port",
        ),
        (
            null(1),
            vec!["--stats-period".into(), "0".into()],
            "--stats-period must be at least 1 second",
        ),
    ];
    for (eal, mut opts, want) in cases {
        if !opts.iter().any(|o| o == "--forward-mode") {
            opts.extend(["--forward-mode".to_string(), "io".to_string()]);
        }
        opts.extend(["--ctl-socket".to_string(), sock.clone()]);
        let o: Vec<&str> = opts.iter().map(String::as_str).collect();
        let (rc, err) = run_expect_fail(&eal, &o);
        assert_ne!(rc, 0, "{o:?} should fail");
        assert!(!err.contains("panicked"), "{o:?} panicked: {err}");
        let ours: Vec<&str> = err.lines().filter(|l| l.starts_with("vtep:")).collect();
        assert_eq!(ours.len(), 1, "{o:?}: want one vtep: line, got:\n{err}");
        assert!(
            ours[0].contains(want),
            "{o:?}: {:?} lacks {want:?}",
            ours[0]
        );
    }
}
