use crate::config::testutil::*;

#[test]
fn bad_vtep_give_one_line_errors_naming_key_and_reason() {
    check_errors(&[
        ("[vtep]\nudp-port = 0", "vtep.udp-port: 0 is outside 1-65535"),
        ("[vtep]\nudp-port = 65536", "vtep.udp-port: 65536 is outside 1-65535"),
        ("[vtep]\nttl = 0", "vtep.ttl: 0 is outside 1-255"),
        ("[vtep]\nttl = 256", "vtep.ttl: 256 is outside 1-255"),
        ("[vtep]\nigmp-version = 1", "vtep.igmp-version: 1 is not 2 or 3"),
        ("[vtep]\nrouter-mac = \"01:00:5e:00:00:01\"", "vtep.router-mac: 01:00:5e:00:00:01 is not a unicast MAC address"),
        ("[vtep]\nsource-interface = \"et-9/9/9\"", "vtep.source-interface: unknown interface \"et-9/9/9\""),
        (concat!("[vtep]\nsource-interface = \"p\"\n", p10!()), "vtep.source-interface: \"p\" is not an L3 interface (one with a device and an address, no interface-mode)"),
        ("[vtep]\ngateway = \"10.0.0.254\"", "vtep.gateway: needs vtep.source-interface"),
        (concat!(u!(), "[vtep]\n"), "<config>:6:1: invalid table header duplicate key `vtep` in document root"),
        ("[vtep]\nsource-interface = \"u\"\ngateway = \"10.9.9.1\"\n[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.1/24\"", "vtep.gateway: 10.9.9.1 is not in 10.0.0.0/24 (the underlay's subnet)"),
        ("[vtep]\nsource-interface = \"u\"\ngateway = \"10.0.0.1\"\n[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.1/24\"", "vtep.gateway: 10.0.0.1 is this VTEP's own address"),
    ]);
}
