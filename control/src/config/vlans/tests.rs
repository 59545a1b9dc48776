use crate::config::testutil::*;

#[test]
fn bad_vlans_give_one_line_errors_naming_key_and_reason() {
    check_errors(&[
        ("[vlans.v10]\nvlan-id = 5000", "vlans.v10.vlan-id: 5000 is outside 1-4094"),
        ("[vlans.v10]\nvlan-id = 0", "vlans.v10.vlan-id: 0 is outside 1-4094"),
        ("[vlans.v10]\ndescription = \"x\"", "vlans.v10.vlan-id: missing"),
        ("[vlans.v10]\nvlan-id = 10\n[vlans.v20]\nvlan-id = 10", "vlans.v20.vlan-id: 10 is already used by vlans.v10"),
        ("[vlans.all]\nvlan-id = 10", "vlans.all: \"all\" is reserved (vlan-members = [\"all\"] means every VLAN)"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 16777216, multicast-group = \"239.1.1.10\" }"), "vlans.v10.vxlan.vni: 16777216 is outside 0-16777215"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = -1, multicast-group = \"239.1.1.10\" }"), "vlans.v10.vxlan.vni: -1 is outside 0-16777215"),
        (concat!(u!(), "[vlans.v100]\nvlan-id = 100\nvxlan = { vni = 10, multicast-group = \"239.1.1.100\" }\n[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, multicast-group = \"239.1.1.10\" }"), "vlans.v10.vxlan.vni: 10 is already used by vlans.v100"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, multicast-group = \"192.168.1.1\" }"), "vlans.v10.vxlan.multicast-group: 192.168.1.1 is not an IPv4 multicast address (224.0.0.0/4)"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, multicast-group = \"239.1.1\" }"), "vlans.v10.vxlan.multicast-group: \"239.1.1\" is not an IPv4 address"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10 }"), "vlans.v10.vxlan: needs multicast-group or static-remote-vteps"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, multicast-group = \"239.1.1.10\", static-remote-vteps = [\"10.0.0.2\"] }"), "vlans.v10.vxlan: takes multicast-group or static-remote-vteps, not both"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, static-remote-vteps = [] }"), "vlans.v10.vxlan.static-remote-vteps: is empty; list at least one remote VTEP"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, static-remote-vteps = [\"10.0.0.2\", \"10.0.0.2\"] }"), "vlans.v10.vxlan.static-remote-vteps[1]: 10.0.0.2 is listed twice"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, static-remote-vteps = [\"239.0.0.2\"] }"), "vlans.v10.vxlan.static-remote-vteps[0]: 239.0.0.2 is not a unicast address"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, static-remote-vteps = [\"10.9.9.9\"] }"), "vlans.v10.vxlan.static-remote-vteps[0]: 10.9.9.9 is not in 10.0.0.0/24 and vtep.gateway is not set"),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, static-remote-vteps = [\"10.0.0.1\"] }"), "vlans.v10.vxlan.static-remote-vteps[0]: 10.0.0.1 is this VTEP's own address (vtep.source-interface)"),
        ("[vlans.v10]\nvlan-id = 10\nvxlan = { vni = 10, multicast-group = \"239.1.1.10\" }", "vlans.v10.vxlan: needs the underlay: vtep.source-interface is not set"),
        ("[vlans.v10]\nvlan-id = 10\nl3-interface = \"irb.11\"", "vlans.v10.l3-interface: unknown interface \"irb.11\""),
        (concat!(u!(), "[vlans.v10]\nvlan-id = 10\nl3-interface = \"u\""), "vlans.v10.l3-interface: \"u\" is not an irb (irb.N)"),
        ("[interfaces.\"irb.10\"]\naddress = \"10.1.1.1/24\"\n[vlans.v10]\nvlan-id = 10\nl3-interface = \"irb.10\"\n[vlans.v20]\nvlan-id = 20\nl3-interface = \"irb.10\"", "vlans.v20.l3-interface: irb.10 is already used by vlans.v10"),
    ]);
}
