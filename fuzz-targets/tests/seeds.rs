//! Writes the seed corpus (`fuzz/seeds/<target>/`): frames built by the
//! test oracle (`vtep-testkit`) as the unit tests build them, the shipped
//! configurations, the operator commands of the help text. Run it after a
//! target's input layout changes:
//! `cargo test -p vtep-fuzz-targets --test seeds -- --ignored`.

use fuzz_targets::burst::{self, *};
use fuzz_targets::{commands, control_protocols as cp};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use vtep_testkit::{self as tk, Arp, Eth};

fn dir(target: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(target);
    std::fs::create_dir_all(&d).expect("the seed directory");
    d
}

fn put(target: &str, name: &str, data: &[u8]) {
    std::fs::write(dir(target).join(name), data).expect("a seed file");
}

const HOST_IP: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 30);
const IRB100: Ipv4Addr = Ipv4Addr::new(100, 1, 1, 1);

/// An IPv4/UDP frame of `len` bytes (+4 tagged), as the bridge tests use.
fn frame(dst: wire::Mac, src: wire::Mac, vid: Option<u16>, len: usize) -> Vec<u8> {
    let e = Eth::new(dst.0, src.0);
    let e = match vid {
        Some(v) => e.vlan(v),
        None => e,
    };
    e.ipv4(HOST_IP, [100, 1, 1, 40])
        .udp(5001, 5201)
        .payload(&tk::pattern(0, len - 42))
        .build()
}

fn arp(src: wire::Mac, vid: Option<u16>, tpa: Ipv4Addr) -> Vec<u8> {
    let e = Eth::new(tk::BROADCAST, src.0);
    let e = match vid {
        Some(v) => e.vlan(v),
        None => e,
    };
    e.arp(&Arp::request(src.0, HOST_IP, tpa))
}

fn vxlan(src: Ipv4Addr, dst: Ipv4Addr, vni: u32, inner: &[u8]) -> Vec<u8> {
    Eth::new(UL_MAC.0, PEER_MAC.0)
        .unpadded()
        .ipv4(src, dst)
        .df()
        .udp(50000, 4789)
        .vxlan(vni)
        .wrap(inner)
}

fn lldp(src: wire::Mac, port: &str) -> Vec<u8> {
    Eth::new(tk::LLDP_MULTICAST, src.0)
        .lldp()
        .chassis_mac(src.0)
        .port_name(port)
        .ttl(120)
        .port_description("uplink")
        .system_name("spine")
        .end()
        .build()
}

fn igmp_query(v3: bool) -> Vec<u8> {
    let group = Ipv4Addr::UNSPECIFIED;
    let msg = if v3 {
        tk::igmp::V3Query::general(100).to_bytes()
    } else {
        tk::igmp::query(100, group)
    };
    Eth::new(
        tk::ipv4_multicast_mac(Ipv4Addr::new(224, 0, 0, 1)),
        GW_MAC.0,
    )
    .ipv4(GW_IP, [224, 0, 0, 1])
    .ttl(1)
    .router_alert()
    .igmp(&msg)
}

fn echo(dst: wire::Mac, src: wire::Mac, vid: Option<u16>, from: Ipv4Addr, to: Ipv4Addr) -> Vec<u8> {
    let e = Eth::new(dst.0, src.0);
    let e = match vid {
        Some(v) => e.vlan(v),
        None => e,
    };
    e.ipv4(from, to)
        .df()
        .icmp(&tk::icmp::echo_request(0xbeef, 7, b"vtep ping"))
}

/// The port index byte of a burst for `port` (see `burst::PORTS`).
fn at(port: u16) -> u8 {
    PORTS.iter().position(|p| *p == port).expect("a port") as u8
}

fn burst_seeds() {
    let all: u16 = 0x7fff;
    put(
        "burst",
        "access_learn_flood_unicast",
        &burst::write_run(
            0,
            0,
            0,
            &[
                (
                    at(1),
                    &[
                        frame(wire::Mac::BROADCAST, H1, None, 64),
                        frame(H4, H1, None, 64),
                    ],
                ),
                (
                    at(4),
                    &[frame(H1, H4, None, 64), frame(H1, H4, Some(100), 64)],
                ),
            ],
        ),
    );
    let to_h2: Vec<Vec<u8>> = (0..4).map(|_| frame(H2, H1, None, 128)).collect();
    put(
        "burst",
        "encap_known_vtep",
        &burst::write_run(
            0,
            all,
            0,
            &[
                (at(1), &to_h2),
                (
                    at(2),
                    &[
                        frame(H2, HT, Some(100), 100),
                        frame(FAR_HOST, HT, Some(10), 100),
                        frame(UNRES_HOST, HT, Some(100), 100),
                        frame(H2, HT, Some(100), 1514),
                    ],
                ),
            ],
        ),
    );
    put(
        "burst",
        "decap",
        &burst::write_run(
            1,
            all,
            0,
            &[(
                at(UL),
                &[
                    vxlan(PEER_IP, OUR_IP, 100, &frame(H1, H2, None, 64)),
                    vxlan(PEER_IP, OUR_IP, 100, &frame(H1, H2, None, 64)),
                    vxlan(
                        PEER_IP,
                        GROUP,
                        100,
                        &frame(wire::Mac::BROADCAST, H2, None, 64),
                    ),
                    vxlan(PEER_IP, OUR_IP, 10, &frame(H3, H2, Some(10), 64)),
                    vxlan(PEER_IP, OUR_IP, 100, &frame(FAR_HOST, H2, None, 64)),
                    vxlan(PEER_IP, OUR_IP, 999, &frame(H1, H2, None, 64)),
                    vxlan(OUR_IP, OUR_IP, 100, &frame(H1, H2, None, 64)),
                    vxlan(PEER_IP, OUR_IP, 100, &arp(H2, None, IRB100)),
                ],
            )],
        ),
    );
    put(
        "burst",
        "underlay_punts",
        &burst::write_run(
            0,
            0,
            0,
            &[(
                at(UL),
                &[
                    Eth::new(UL_MAC.0, GW_MAC.0).arp(&Arp::request(GW_MAC.0, GW_IP, OUR_IP)),
                    igmp_query(true),
                    echo(UL_MAC, GW_MAC, None, GW_IP, OUR_IP),
                    lldp(GW_MAC, "et-0/0/1"),
                    Eth::new(UL_MAC.0, GW_MAC.0).payload(0x86dd, &[0; 46]),
                    echo(UL_MAC, GW_MAC, None, GW_IP, Ipv4Addr::new(192, 168, 24, 99)),
                ],
            )],
        ),
    );
    put(
        "burst",
        "punts_and_copies",
        &burst::write_run(
            0x40,
            0x0001,
            0,
            &[
                (
                    at(1),
                    &[
                        arp(H1, None, IRB100),
                        frame(ROUTER, H1, None, 64),
                        lldp(H1, "eth0"),
                        frame(wire::Mac([0x01, 0x80, 0xc2, 0, 0, 2]), H1, None, 64),
                    ],
                ),
                (at(2), &[arp(HT, Some(10), Ipv4Addr::new(100, 10, 1, 1))]),
            ],
        ),
    );
    put(
        "burst",
        "drops",
        &burst::write_run(
            0x20,
            0x0201,
            0,
            &[
                (
                    at(2),
                    &[
                        frame(H1, HT, None, 64),
                        frame(H1, HT, Some(999), 64),
                        frame(H1, HT, Some(0), 64),
                        frame(H1, wire::Mac::BROADCAST, Some(100), 64),
                        vec![0; 13],
                        frame(H3, HT, Some(10), 1600),
                    ],
                ),
                (at(UNKNOWN_PORT), &[frame(H1, HT, None, 64)]),
                (at(1), &[frame(H1, H1, None, 64), frame(H2, H1, None, 9014)]),
            ],
        ),
    );
    put(
        "burst",
        "flood_copies_fail",
        &burst::write_run(
            0x04,
            0,
            0b1010_0110,
            &[
                (
                    at(1),
                    &[
                        frame(wire::Mac::BROADCAST, H1, None, 64),
                        arp(H1, None, IRB100),
                    ],
                ),
                (at(2), &[frame(GROUP_MAC, HT, Some(100), 64)]),
            ],
        ),
    );
}

fn underlay_seeds() {
    let inner = frame(H1, H2, None, 64);
    let good = vxlan(PEER_IP, OUR_IP, 100, &inner);
    let mut raw = vec![0, 0];
    raw.extend_from_slice(&good);
    put("underlay_checks", "good", &raw);
    let mut g = vec![0, 0];
    g.extend_from_slice(&vxlan(PEER_IP, GROUP, 100, &inner));
    put("underlay_checks", "to_group", &g);
    let opts = Eth::new(UL_MAC.0, PEER_MAC.0)
        .unpadded()
        .ipv4(PEER_IP, OUR_IP)
        .df()
        .options(&[1, 1, 1, 0])
        .udp(50000, 4789)
        .vxlan(100)
        .wrap(&inner);
    let mut o = vec![0, 0];
    o.extend_from_slice(&opts);
    put("underlay_checks", "options", &o);
    // Built: from the peer to us, VNI 100, two patches, the checksum
    // fixed, the chain 3 bytes longer than the first segment.
    let mut b = vec![0, 0x01 | 0x02 | 0x10];
    b.extend_from_slice(&u32::from(PEER_IP).to_be_bytes());
    b.extend_from_slice(&[0, 64, 0]);
    b.extend_from_slice(&100u32.to_be_bytes());
    fuzz_targets::chunk(&mut b, &inner);
    b.extend_from_slice(&[2, 15, 0xb8, 22, 32, 3]);
    put("underlay_checks", "built_patched", &b);
}

fn protocol_seeds() {
    let host = wire::Mac([0x00, 0x50, 0x56, 0x6f, 0x2c, 0x31]);
    let core = wire::Mac([0x00, 0x05, 0x86, 0x71, 0xff, 0xc0]);
    let vtep = Ipv4Addr::new(192, 168, 24, 4);
    let gw = Ipv4Addr::new(192, 168, 24, 1);
    let irb10 = Ipv4Addr::new(100, 10, 1, 200);
    type Punts = Vec<(u8, u8, Vec<u8>)>;
    let seeds: Vec<(&str, u8, Punts)> = vec![
        (
            "arp",
            0,
            vec![
                (1, 0, arp(host, Some(100), IRB100)),
                (2, 1, arp(host, Some(10), irb10)),
                (
                    0,
                    4,
                    Eth::new(tk::BROADCAST, core.0).arp(&Arp::request(core.0, gw, vtep)),
                ),
                (
                    0,
                    5,
                    Eth::new(cp::port_mac(0).0, core.0).arp(&Arp::reply(
                        core.0,
                        gw,
                        cp::port_mac(0).0,
                        vtep,
                    )),
                ),
                (
                    0,
                    255,
                    Eth::new(tk::BROADCAST, core.0).arp(&Arp::gratuitous(core.0, gw)),
                ),
            ],
        ),
        (
            "igmp_v3",
            0,
            vec![(0, 3, igmp_query(true)), (0, 41, igmp_query(false))],
        ),
        (
            "igmp_v2",
            1,
            vec![(0, 3, igmp_query(false)), (0, 201, vec![])],
        ),
        (
            "icmp",
            0,
            vec![
                (0, 0, echo(cp::port_mac(0), core, None, gw, vtep)),
                (1, 1, echo(cp::ROUTER_MAC, host, Some(100), HOST_IP, IRB100)),
                (
                    2,
                    2,
                    echo(
                        cp::ROUTER_MAC,
                        host,
                        Some(10),
                        Ipv4Addr::new(100, 10, 1, 4),
                        irb10,
                    ),
                ),
            ],
        ),
        (
            "lldp",
            0,
            vec![
                (0, 1, lldp(core, "et-0/0/1")),
                (1, 121, lldp(host, "xe-0/0/47")),
                (2, 255, lldp(host, "eth1")),
            ],
        ),
    ];
    for (name, knobs, punts) in seeds {
        put("control_protocols", name, &cp::write(knobs, &punts));
    }
}

fn config_seeds() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&shipped)
        .expect("config/")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for p in files {
        let mut data = vec![0];
        data.extend(std::fs::read(&p).expect("a shipped configuration"));
        let name = p
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        put("config", &name, &data);
    }
    let mut data = vec![0];
    data.extend_from_slice(cp::CONFIG.as_bytes());
    put("config", "protocols", &data);
    // Structured: whatever arbitrary makes of a few bytes.
    put(
        "config",
        "structured",
        &[1, 3, 1, 0, 7, 1, 2, 1, 9, 0, 4, 1, 1, 1, 5],
    );
}

fn command_seeds() {
    let lines = [
        "show port stats all",
        "show config --json",
        "show ethernet-switching table vlan-id 100",
        "show vlans",
        "show ethernet-switching vxlan-tunnel-end-point remote",
        "set vlans v300 vlan-id 300 vxlan vni 300 multicast-group 239.1.1.99",
        "set vlans v300 vlan-id 300 vxlan vni 300 static-remote-vteps 192.168.24.7,10.9.9.9 encapsulate-inner-vlan decapsulate-accept-inner-vlan",
        "set ethernet-switching static-mac vlan v100 mac 00:50:56:00:00:01 interface et-2/2/1",
        "set ethernet-switching static-mac vlan v200 mac 00:50:56:00:00:01 remote-vtep 192.168.24.7",
        "delete ethernet-switching static-mac vlan v100 mac 00:50:56:00:00:01",
        "set ethernet-switching mac-table-aging-time 60",
        "set interfaces et-2/0/0 mtu 9000",
        "delete vlans v200",
        "delete vlans v10",
        "clear ethernet-switching table vlan-id 100",
        "show ethernet-switching table",
    ];
    let mut text = vec![0];
    text.extend_from_slice(lines.join("\n").as_bytes());
    put("commands", "help_examples", &text);
    put("commands", "tokens", &commands::write_tokens(&lines));
}

#[test]
#[ignore = "writes fuzz/seeds; run by hand after an input layout changes"]
fn write_seeds() {
    burst_seeds();
    underlay_seeds();
    protocol_seeds();
    config_seeds();
    command_seeds();
}
