use crate::config::testutil::*;

#[test]
fn bad_interfaces_give_one_line_errors_naming_key_and_reason() {
    check_errors(&[
        (concat!(p10!(), "[interfaces.\"ge-7/0/0\"]\ndevice = \"d2\"\ninterface-mode = \"access\"\nvlan-members = [\"v99\"]"), "interfaces.ge-7/0/0.vlan-members: unknown VLAN \"v99\""),
        (concat!(p10!(), "[vlans.v100]\nvlan-id = 100\n[interfaces.\"ge-7/0/0\"]\ndevice = \"d2\"\ninterface-mode = \"access\"\nvlan-members = [\"v10\", \"v100\"]"), "interfaces.ge-7/0/0.vlan-members: an access port takes exactly one VLAN, got 2"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"access\""), "interfaces.q.vlan-members: an access port takes exactly one VLAN, got 0"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"access\"\nvlan-members = [\"all\"]"), "interfaces.q.vlan-members: an access port takes exactly one VLAN, not \"all\""),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"trunk\"\nvlan-members = [\"all\", \"v10\"]"), "interfaces.q.vlan-members: \"all\" cannot be combined with other VLANs"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"trunk\"\nvlan-members = [\"v10\", \"v10\"]"), "interfaces.q.vlan-members: \"v10\" is listed twice"),
        ("[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"trunk\"\nvlan-members = []", "interfaces.q.vlan-members: a trunk needs at least one VLAN"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"hybrid\"\nvlan-members = [\"v10\"]"), "interfaces.q.interface-mode: \"hybrid\" is not \"trunk\" or \"access\""),
        (concat!(p10!(), "[interfaces.q]\ninterface-mode = \"access\"\nvlan-members = [\"v10\"]"), "interfaces.q.device: missing; an interface with interface-mode needs a device"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d1\"\ninterface-mode = \"access\"\nvlan-members = [\"v10\"]"), "interfaces.q.device: \"d1\" is already used by interfaces.p"),
        ("[interfaces.p]\ndevice = \"3b:00.0\"\naddress = \"10.0.0.1/24\"\n[interfaces.q]\ndevice = \"0000:3B:00.0\"\naddress = \"10.0.1.1/24\"", "interfaces.q.device: \"0000:3b:00.0\" is already used by interfaces.p"),
        ("[interfaces.u]\ndevice = \"net_af_packet0,iface=veth0\"\naddress = \"10.0.0.1/24\"", "interfaces.u.device: \"net_af_packet0,iface=veth0\" has device arguments; give only the name (net_af_packet0) and pass the arguments to the EAL (--vdev net_af_packet0,iface=veth0)"),
        ("[interfaces.u]\ndevice = \"\"\naddress = \"10.0.0.1/24\"", "interfaces.u.device: \"\" is not a device name"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"access\"\nvlan-members = [\"v10\"]\nmtu = 9217"), "interfaces.q.mtu: 9217 is outside 68-9216"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"trunk\"\nvlan-members = [\"v10\"]\nmtu = 67"), "interfaces.q.mtu: 67 is outside 68-9216"),
        ("[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.1/24\"\nmtu = 9300", "interfaces.u.mtu: 9300 is outside 68-9216"),
        ("[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.1\"", "interfaces.u.address: \"10.0.0.1\" needs a prefix length (a.b.c.d/len)"),
        ("[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.1/33\"", "interfaces.u.address: prefix length \"33\" is outside 0-32"),
        ("[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.256/24\"", "interfaces.u.address: \"10.0.0.256\" is not an IPv4 address"),
        ("[interfaces.u]\ndevice = \"d0\"\naddress = \"224.0.0.1/24\"", "interfaces.u.address: 224.0.0.1 is not a unicast address"),
        ("[interfaces.u]\ndevice = \"d0\"", "interfaces.u: needs address (an L3 interface) or interface-mode (a switch port)"),
        ("[interfaces.u]\naddress = \"10.0.0.1/24\"", "interfaces.u.device: missing; only an irb (irb.N) has no device"),
        ("[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.1/24\"\nvlan-members = [\"v10\"]", "interfaces.u.vlan-members: needs interface-mode (\"trunk\" or \"access\")"),
        (concat!(p10!(), "[interfaces.q]\ndevice = \"d2\"\ninterface-mode = \"access\"\nvlan-members = [\"v10\"]\naddress = \"10.0.0.1/24\""), "interfaces.q.address: a switch port (interface-mode) takes no address; use an irb"),
        ("[interfaces.\"irb.10\"]\ndevice = \"d3\"\naddress = \"10.1.1.1/24\"", "interfaces.irb.10.device: an irb has no device"),
        ("[interfaces.\"irb.10\"]\ndescription = \"no address\"", "interfaces.irb.10.address: missing; an irb needs an address"),
        ("[interfaces.\"irb.0\"]\naddress = \"100.1.1.1/24\"\n[interfaces.\"irb.10\"]\naddress = \"100.1.1.1/16\"", "interfaces.irb.10.address: 100.1.1.1 is already used by interfaces.irb.0"),
        (concat!(u!(), "static-arp = [{ address = \"10.9.0.5\", mac = \"4c:96:14:6b:bb:f0\" }]"), "interfaces.u.static-arp[0].address: 10.9.0.5 is not in 10.0.0.0/24"),
        (concat!(u!(), "static-arp = [{ address = \"10.0.0.5\", mac = \"4c:96:14:6b:bb\" }]"), "interfaces.u.static-arp[0].mac: \"4c:96:14:6b:bb\" is not a MAC address (aa:bb:cc:dd:ee:ff)"),
    ]);
}
