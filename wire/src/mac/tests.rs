use super::*;

#[test]
fn mac_predicates() {
    let uni = Mac([0x00, 0x50, 0x56, 0xb9, 0x55, 0x58]);
    assert!(!uni.is_multicast() && !uni.is_broadcast() && !uni.is_zero());
    assert!(uni.is_valid_source());
    assert!(Mac::BROADCAST.is_multicast() && Mac::BROADCAST.is_broadcast());
    assert!(!Mac::BROADCAST.is_valid_source());
    let mc = Mac([0x01, 0x00, 0x5e, 0x01, 0x01, 0x64]);
    assert!(mc.is_multicast() && !mc.is_broadcast() && !mc.is_valid_source());
    assert!(Mac([0u8; 6]).is_zero() && !Mac([0u8; 6]).is_valid_source());
    assert!(Mac::LLDP_NEAREST_BRIDGE.is_link_local());
    assert!(Mac([0x01, 0x80, 0xc2, 0, 0, 0]).is_link_local());
    assert!(!Mac([0x01, 0x80, 0xc2, 0, 0, 0x10]).is_link_local());
    assert!(!mc.is_link_local());
}

#[test]
fn mac_format_parse() {
    let m = Mac([0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc]);
    assert_eq!(m.to_string(), "02:a0:98:2c:06:cc");
    assert_eq!(format!("{m:?}"), "02:a0:98:2c:06:cc");
    assert_eq!("02:a0:98:2c:06:cc".parse(), Ok(m));
    assert_eq!("02-A0-98-2C-06-CC".parse(), Ok(m));
    assert_eq!("02:a0:98:2c:06".parse::<Mac>(), Err(ParseMacError));
    assert_eq!("02:a0:98:2c:06:cc:00".parse::<Mac>(), Err(ParseMacError));
    assert_eq!("02:a0:98:2c:06:c".parse::<Mac>(), Err(ParseMacError));
    assert_eq!("".parse::<Mac>(), Err(ParseMacError));
    assert_eq!(
        ParseMacError.to_string(),
        "not a MAC address (aa:bb:cc:dd:ee:ff)"
    );
}

#[test]
fn mac_serde_is_the_string() {
    let m = Mac([0x02, 0xa0, 0x98, 0x2c, 0x06, 0xcc]);
    assert_eq!(serde_json::to_string(&m).unwrap(), "\"02:a0:98:2c:06:cc\"");
    assert_eq!(
        serde_json::from_str::<Mac>("\"02-a0-98-2c-06-cc\"").unwrap(),
        m
    );
    assert!(serde_json::from_str::<Mac>("\"02:a0\"").is_err());
}

#[test]
fn multicast_mac_mapping() {
    assert_eq!(
        Mac::ipv4_multicast(Ipv4Addr::new(239, 1, 1, 100)),
        Mac([0x01, 0x00, 0x5e, 0x01, 0x01, 0x64])
    );
    // The 24th bit is dropped: 239.129.1.10 maps like 239.1.1.10.
    assert_eq!(
        Mac::ipv4_multicast(Ipv4Addr::new(239, 129, 1, 10)),
        Mac::ipv4_multicast(Ipv4Addr::new(239, 1, 1, 10))
    );
    assert_eq!(
        Mac::ipv4_multicast(Ipv4Addr::new(224, 0, 0, 22)),
        Mac([1, 0, 0x5e, 0, 0, 22])
    );
}
