use super::testutil::*;
use super::*;
use std::net::Ipv4Addr;
use wire::Mac;

fn config_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../config")
}

fn spine1_text() -> String {
    std::fs::read_to_string(config_dir().join("spine1.toml")).unwrap()
}

#[test]
fn bad_files_give_one_line_errors_naming_file_line_and_column() {
    // TOML syntax, types and unknown keys: file:line:column: toml's message
    check_errors(&[
        ("[vtep\nttl = 1", "<config>:1:6: invalid table header expected `.`, `]`"),
        ("[vtep]\ncolour = \"red\"", "<config>:2:1: unknown field `colour`, expected one of `source-interface`, `udp-port`, `ttl`, `gateway`, `igmp-version`, `system-name`, `router-mac`"),
        ("[vlans.v10]\nvlan-id = \"10\"", "<config>:2:11: invalid type: string \"10\", expected i64"),
        ("[bridge]\n", "<config>:1:2: unknown field `bridge`, expected one of `vtep`, `interfaces`, `vlans`, `ethernet-switching`"),
    ]);
}

#[test]
fn empty_file_gives_the_defaults() {
    let c = Config::parse("").unwrap();
    assert_eq!(c.vtep.source_interface, None);
    assert_eq!(c.vtep.udp_port, 4789);
    assert_eq!(c.vtep.ttl, 64);
    assert_eq!(c.vtep.gateway, None);
    assert_eq!(c.vtep.igmp_version, IgmpVersion::V3);
    assert_eq!(c.ethernet_switching.mac_table_aging_time, 300);
    assert_eq!(c.ethernet_switching.mac_table_size, 65536);
    assert!(c.interfaces.is_empty() && c.vlans.is_empty());
    assert!(c.warnings().is_empty());
}

#[test]
fn defaults_are_filled_in_interfaces_and_vxlan() {
    let c = Config::parse(concat!(
        u!(),
        p10!(),
        "[vlans.v10.vxlan]\nvni = 10\nmulticast-group = \"239.1.1.10\"\n"
    ))
    .unwrap();
    assert_eq!(c.interface("u").unwrap().mtu, 1500);
    assert_eq!(c.interface("p").unwrap().mtu, 1500);
    assert_eq!(
        c.interface("p").unwrap().kind,
        InterfaceKind::Access {
            device: "d1".into(),
            vlan: 10
        }
    );
    let x = c.vlans[0].vxlan.as_ref().unwrap();
    assert_eq!(
        x,
        &Vxlan {
            vni: 10,
            flood: Flood::Group(Ipv4Addr::new(239, 1, 1, 10)),
            encapsulate_inner_vlan: false,
            decapsulate_accept_inner_vlan: false,
        }
    );
    assert_eq!(
        c.source_address(),
        Some(Ipv4Net {
            addr: Ipv4Addr::new(10, 0, 0, 1),
            prefix_len: 24
        })
    );
}

#[test]
fn spine1_resolves_to_typed_values_in_file_order() {
    let c = Config::parse(&spine1_text()).unwrap();
    let names: Vec<&str> = c.interfaces.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["et-2/0/0", "et-2/2/1", "ge-7/0/0", "irb.0", "irb.10"]
    );
    let vlans: Vec<(&str, u16)> = c
        .vlans
        .iter()
        .map(|v| (v.name.as_str(), v.vlan_id))
        .collect();
    assert_eq!(vlans, [("v10", 10), ("v100", 100)]);
    assert_eq!(
        c.interface("et-2/2/1").unwrap().kind,
        InterfaceKind::Trunk {
            device: "net_af_packet1".into(),
            vlans: vec![10, 100],
            all: false
        }
    );
    assert_eq!(
        c.interface("irb.0").unwrap().kind,
        InterfaceKind::Irb {
            address: Ipv4Net {
                addr: Ipv4Addr::new(100, 1, 1, 1),
                prefix_len: 24
            },
            vlan: Some(100)
        }
    );
    assert_eq!(c.underlay().unwrap().name, "et-2/0/0");
    assert_eq!(c.vtep.system_name.as_deref(), Some("EX9200-1"));
    let v10 = c.vlan_by_name("v10").unwrap().vxlan.as_ref().unwrap();
    assert!(v10.encapsulate_inner_vlan && v10.decapsulate_accept_inner_vlan);
    assert_eq!(v10.flood, Flood::Group(Ipv4Addr::new(239, 1, 1, 10)));
    assert_eq!(c.vlan_by_id(100).unwrap().vxlan.as_ref().unwrap().vni, 100);
}

#[test]
fn all_in_vlan_members_means_every_vlan_sorted() {
    let c = Config::parse(
        "[vlans.v300]\nvlan-id = 300\n[vlans.v10]\nvlan-id = 10\n[vlans.v20]\nvlan-id = 20\n\
         [interfaces.t]\ndevice = \"d1\"\ninterface-mode = \"trunk\"\nvlan-members = [\"all\"]\n",
    )
    .unwrap();
    assert_eq!(
        c.interface("t").unwrap().kind,
        InterfaceKind::Trunk {
            device: "d1".into(),
            vlans: vec![10, 20, 300],
            all: true
        }
    );
    assert!(c.to_toml().contains("vlan-members = [\"all\"]\n"));
    assert_eq!(Config::parse(&c.to_toml()).unwrap(), c);
}

#[test]
fn to_toml_round_trips_for_every_shipped_config() {
    for name in ["spine1.toml", "spine2.toml", "minimal.toml"] {
        let c = Config::from_file(config_dir().join(name)).unwrap();
        let text = c.to_toml();
        let back = Config::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert_eq!(back, c, "{name}:\n{text}");
        assert_eq!(back.to_toml(), text);
    }
}

#[test]
fn to_toml_round_trips_every_optional_key() {
    let text = r#"
[vtep]
source-interface = "et-2/0/0"
udp-port = 8472
ttl = 5
gateway = "192.168.24.1"
igmp-version = 2
system-name = "spine \"one\""
router-mac = "02:00:00:00:00:AA"

[interfaces."et-2/0/0"]
device = "3b:00.0"
description = "TO-CORE1"
address = "192.168.24.4/24"
mtu = 9216
static-arp = [{ address = "192.168.24.5", mac = "4c:96:14:6b:bb:f0" }]

[interfaces.access_1]
device = "net_af_packet1"
interface-mode = "access"
vlan-members = ["blue"]

[interfaces."irb.7"]
address = "100.7.1.1/24"
mtu = 9000

[vlans.blue]
vlan-id = 7
description = "blue VMs"
l3-interface = "irb.7"
[vlans.blue.vxlan]
vni = 16777215
static-remote-vteps = ["192.168.24.5", "10.1.1.1"]

[ethernet-switching]
mac-table-aging-time = 0
mac-table-size = 1024
static-mac = [{ vlan = "blue", mac = "00:50:56:aa:00:01", remote-vtep = "10.1.1.1" },
              { vlan = "blue", mac = "02:a0:98:2c:06:cc", interface = "access_1" }]
"#;
    let c = Config::parse(text).unwrap();
    assert_eq!(c.vtep.router_mac, Some(Mac([2, 0, 0, 0, 0, 0xaa])));
    assert_eq!(c.interfaces[0].device(), Some("0000:3b:00.0"));
    assert_eq!(
        c.ethernet_switching.static_mac[0].target,
        StaticMacTarget::RemoteVtep(Ipv4Addr::new(10, 1, 1, 1))
    );
    let out = c.to_toml();
    assert_eq!(Config::parse(&out).unwrap(), c, "{out}");
    assert!(out.contains("[interfaces.\"et-2/0/0\"]\n"), "{out}");
    assert!(out.contains("[interfaces.access_1]\n"), "{out}");
}

#[test]
fn undersized_underlay_mtu_is_accepted_with_a_warning_naming_the_mtu_needed() {
    let text = spine1_text().replacen("mtu = 9216", "mtu = 1500", 1);
    let c = Config::parse(&text).unwrap();
    assert_eq!(
        c.warnings(),
        ["interfaces.et-2/0/0.mtu: 1500 is too small to carry 9000-byte frames from et-2/2/1 over VXLAN; the underlay needs mtu 9054 or more (frames that do not fit are dropped and counted as too-big)"]
    );
    // Exactly enough.
    let c = Config::parse(&spine1_text().replacen("mtu = 9216", "mtu = 9054", 1)).unwrap();
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
    let c = Config::parse(&spine1_text().replacen("mtu = 9216", "mtu = 9053", 1)).unwrap();
    assert_eq!(c.warnings().len(), 1);
}

#[test]
fn without_inner_tags_the_underlay_needs_only_50_more() {
    let text = std::fs::read_to_string(config_dir().join("minimal.toml")).unwrap();
    let c = Config::parse(&text.replacen("mtu = 1550", "mtu = 1549", 1)).unwrap();
    assert_eq!(
        c.warnings(),
        ["interfaces.eth-underlay.mtu: 1549 is too small to carry 1500-byte frames from eth-host over VXLAN; the underlay needs mtu 1550 or more (frames that do not fit are dropped and counted as too-big)"]
    );
}

#[test]
fn an_access_mtu_that_no_underlay_can_carry_says_what_to_lower() {
    let text = spine1_text().replacen("mtu = 9000", "mtu = 9216", 1);
    let c = Config::parse(&text).unwrap();
    assert_eq!(
        c.warnings(),
        ["interfaces.et-2/0/0.mtu: 9216 is too small to carry 9216-byte frames from et-2/2/1 over VXLAN; the underlay needs mtu 9270, above the 9216 maximum: lower the mtu of et-2/2/1 to 9162 or less (frames that do not fit are dropped and counted as too-big)"]
    );
}

#[test]
fn ports_in_no_vxlan_vlan_do_not_need_a_bigger_underlay() {
    let c = Config::parse(concat!(u!(), p10!(), "[interfaces.p2]\ndevice = \"d2\"\ninterface-mode = \"access\"\nvlan-members = [\"v10\"]\nmtu = 9000\n")).unwrap();
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
}

#[test]
fn other_suspicious_settings_warn() {
    let c = Config::parse(concat!(
        u!(),
        "[interfaces.u2]\ndevice = \"d9\"\naddress = \"10.0.0.9/16\"\n",
        "[interfaces.\"irb.5\"]\naddress = \"10.5.0.1/24\"\n",
        "[vlans.v10]\nvlan-id = 10\n",
        "[vlans.v20]\nvlan-id = 20\nvxlan = { vni = 20, multicast-group = \"224.0.0.9\", encapsulate-inner-vlan = true }\n",
    ))
    .unwrap();
    assert_eq!(
        c.warnings(),
        [
            "interfaces.u2: an L3 interface that is not vtep.source-interface carries no traffic",
            "interfaces.irb.5: no VLAN names it as l3-interface, so it is unreachable",
            "interfaces.u2.address: 10.0.0.9/16 overlaps 10.0.0.1/24 of u",
            "vlans.v10: on no interface, no vxlan and no l3-interface",
            "vlans.v20.vxlan.multicast-group: 224.0.0.9 is in 224.0.0.0/24, which is link-local and reserved for control protocols; use a group in 239.0.0.0/8",
            "vlans.v20.vxlan: encapsulate-inner-vlan without decapsulate-accept-inner-vlan; a peer configured the same way drops these tagged frames",
        ]
    );
}

#[test]
fn every_file_in_config_dir_parses_without_warnings() {
    let mut n = 0;
    for e in std::fs::read_dir(config_dir()).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("toml") {
            continue;
        }
        let c = Config::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            c.warnings().is_empty(),
            "{}: {:?}",
            path.display(),
            c.warnings()
        );
        n += 1;
    }
    assert!(n >= 3, "only {n} configs found");
}

#[test]
fn devices_lists_interfaces_with_a_device_in_file_order() {
    let c = Config::parse(&spine1_text()).unwrap();
    assert_eq!(
        c.devices(),
        [
            ("et-2/0/0", "net_af_packet0"),
            ("et-2/2/1", "net_af_packet1"),
            ("ge-7/0/0", "net_af_packet2")
        ]
    );
}

#[test]
fn check_devices_reports_a_device_the_eal_does_not_have() {
    let c = Config::parse(
        "[interfaces.w]\ndevice = \"net_af_packet0\"\naddress = \"10.0.0.1/24\"\n\
         [interfaces.x]\ndevice = \"net_foo0\"\naddress = \"10.0.1.1/24\"\n",
    )
    .unwrap();
    let have = vec!["net_af_packet0".to_string(), "net_af_packet1".to_string()];
    assert_eq!(
        c.check_devices(&have).unwrap_err().to_string(),
        "interfaces.x.device: \"net_foo0\" is not a device the EAL has (it has: net_af_packet0, net_af_packet1)"
    );
    assert_eq!(
        c.check_devices(&[]).unwrap_err().to_string(),
        "interfaces.w.device: \"net_af_packet0\" is not a device the EAL has (it has: none)"
    );
    let spine = Config::parse(&spine1_text()).unwrap();
    let lab: Vec<String> = (0..3).map(|i| format!("net_af_packet{i}")).collect();
    assert_eq!(spine.check_devices(&lab), Ok(()));
    assert!(spine.check_devices(&lab[..2]).is_err());
}

#[test]
fn check_devices_compares_pci_addresses_canonically() {
    let c =
        Config::parse("[interfaces.x]\ndevice = \"3B:00.1\"\naddress = \"10.0.0.1/24\"\n").unwrap();
    assert_eq!(c.devices(), [("x", "0000:3b:00.1")]);
    assert_eq!(c.check_devices(&["0000:3b:00.1".to_string()]), Ok(()));
    assert!(c.check_devices(&["0000:3b:00.0".to_string()]).is_err());
}

#[test]
fn from_file_names_the_file_in_syntax_and_io_errors() {
    let dir = std::env::temp_dir().join(format!("vtep-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, "[vtep]\nttl = 64\nfoo = 1\n").unwrap();
    let e = Config::from_file(&path).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("{}:3:1: unknown field `foo`", path.display())),
        "{e}"
    );
    assert!(!e.contains('\n'));
    let missing = dir.join("missing.toml");
    let e = Config::from_file(&missing).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("{}: ", missing.display())) && !e.contains('\n'),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_output_uses_readable_addresses_and_macs() {
    let c = Config::parse(concat!(
        u!(),
        "static-arp = [{ address = \"10.0.0.5\", mac = \"4C:96:14:6B:BB:F0\" }]\n",
        p10!()
    ))
    .unwrap();
    let j = serde_json::to_value(&c).unwrap();
    assert_eq!(j["interfaces"][0]["kind"], "underlay");
    assert_eq!(j["interfaces"][0]["address"], "10.0.0.1/24");
    assert_eq!(
        j["interfaces"][0]["static-arp"][0]["mac"],
        "4c:96:14:6b:bb:f0"
    );
    assert_eq!(j["interfaces"][1]["kind"], "access");
    assert_eq!(j["interfaces"][1]["vlan"], 10);
    assert_eq!(j["vtep"]["igmp-version"], 3);
    assert_eq!(j["vlans"][0]["vlan-id"], 10);
}

#[test]
fn show_config_output_of_spine1() {
    let c = Config::parse(&spine1_text()).unwrap();
    let out = c.to_toml();
    assert!(
        out.starts_with("[vtep]\nsource-interface = \"et-2/0/0\"\nudp-port = 4789\nttl = 64\nigmp-version = 3\nsystem-name = \"EX9200-1\"\n\n[interfaces.\"et-2/0/0\"]\ndevice = \"net_af_packet0\"\ndescription = \"TO-CORE1\"\naddress = \"192.168.24.4/24\"\nmtu = 9216\n\n[interfaces.\"et-2/2/1\"]\ndevice = \"net_af_packet1\"\ndescription = \"TO-QFX5100-48S-5\"\ninterface-mode = \"trunk\"\nvlan-members = [\"v10\", \"v100\"]\nmtu = 9000\n"),
        "{out}"
    );
    assert!(out.contains("\n[vlans.v10]\nvlan-id = 10\nl3-interface = \"irb.10\"\n[vlans.v10.vxlan]\nvni = 10\nmulticast-group = \"239.1.1.10\"\nencapsulate-inner-vlan = true\ndecapsulate-accept-inner-vlan = true\n"), "{out}");
    assert!(
        out.ends_with(
            "\n[ethernet-switching]\nmac-table-aging-time = 300\nmac-table-size = 65536\n"
        ),
        "{out}"
    );
}
