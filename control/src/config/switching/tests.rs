use crate::config::testutil::*;

#[test]
fn bad_switching_give_one_line_errors_naming_key_and_reason() {
    check_errors(&[
        ("[ethernet-switching]\nmac-table-aging-time = -1", "ethernet-switching.mac-table-aging-time: -1 is outside 0-1000000"),
        ("[ethernet-switching]\nmac-table-size = 0", "ethernet-switching.mac-table-size: 0 is outside 1-16777216"),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v10\", mac = \"02:00:00:00:00:01\", interface = \"p\" },\n  { vlan = \"v10\", mac = \"02:00:00:00:00:02\", interface = \"xe-0/0/0\" }]"), "ethernet-switching.static-mac[1].interface: unknown interface \"xe-0/0/0\""),
        (concat!(p10!(), "[vlans.v20]\nvlan-id = 20\n[ethernet-switching]\nstatic-mac = [{ vlan = \"v20\", mac = \"02:00:00:00:00:01\", interface = \"p\" }]"), "ethernet-switching.static-mac[0].interface: p is not a switch port in VLAN v20"),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v99\", mac = \"02:00:00:00:00:01\", interface = \"p\" }]"), "ethernet-switching.static-mac[0].vlan: unknown VLAN \"v99\""),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v10\", mac = \"02:00:00:00:00:01\", interface = \"p\", remote-vtep = \"10.0.0.2\" }]"), "ethernet-switching.static-mac[0]: needs exactly one of interface or remote-vtep"),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v10\", mac = \"02:00:00:00:00:01\" }]"), "ethernet-switching.static-mac[0]: needs exactly one of interface or remote-vtep"),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v10\", mac = \"02:00:00:00:00:01\", remote-vtep = \"10.0.0.2\" }]"), "ethernet-switching.static-mac[0].remote-vtep: VLAN v10 has no vxlan"),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v10\", mac = \"00:50:56:aa:00\", interface = \"p\" }]"), "ethernet-switching.static-mac[0].mac: \"00:50:56:aa:00\" is not a MAC address (aa:bb:cc:dd:ee:ff)"),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v10\", mac = \"ff:ff:ff:ff:ff:ff\", interface = \"p\" }]"), "ethernet-switching.static-mac[0].mac: ff:ff:ff:ff:ff:ff is not a unicast MAC address"),
        (concat!(p10!(), "[ethernet-switching]\nstatic-mac = [{ vlan = \"v10\", mac = \"02:00:00:00:00:01\", interface = \"p\" },\n  { vlan = \"v10\", mac = \"02:00:00:00:00:01\", interface = \"p\" }]"), "ethernet-switching.static-mac[1].mac: 02:00:00:00:00:01 in v10 is already in static-mac[0]"),
    ]);
}
