//! Tests of `view`.

use super::*;
use crate::bridge::testutil::*;

#[test]
fn view_compiles_config() {
    let v = View::new(&cfg());
    let p1 = v.port(1).unwrap();
    assert_eq!(
        (p1.pvid, p1.egress(100), p1.egress(10)),
        (100, Egress::Untagged, Egress::NotMember)
    );
    let p2 = v.port(2).unwrap();
    assert_eq!(
        (p2.pvid, p2.egress(10), p2.egress(100), p2.egress(1)),
        (0, Egress::Tagged, Egress::Tagged, Egress::NotMember)
    );
    assert!(v.port(UL).unwrap().underlay);
    assert!(v.port(6).is_none() && v.port(1000).is_none());
    assert_eq!(v.vlan(100).unwrap().ports, vec![1, 2, 4, 7]);
    assert_eq!(v.vlan(400).unwrap().ports, vec![8]); // implicit, local only
    assert_eq!(v.vlan(400).unwrap().vni, None);
    assert!(v.vlan(5).is_none());
    assert_eq!(v.vlan_for_vni(100), Some(100));
    assert_eq!(v.vlan_for_vni(10), Some(10));
    assert_eq!(v.vlan_for_vni(300), None);
    assert_eq!(v.groups(), &[GROUP]);
    assert_eq!(
        v.vlan(100).unwrap().remotes,
        vec![FloodTarget {
            ip: GROUP,
            mac: Some(GROUP_MAC)
        }]
    );
    assert_eq!(
        v.vlan(10).unwrap().remotes,
        vec![
            FloodTarget {
                ip: PEER_IP,
                mac: Some(PEER_MAC)
            },
            FloodTarget {
                ip: FAR_IP,
                mac: Some(GW_MAC)
            }
        ]
    );
    assert_eq!(v.next_hop(PEER_IP), Some(PEER_IP));
    assert_eq!(v.next_hop(FAR_IP), Some(GW_IP));
    assert_eq!(v.next_hop_mac(u32::from(UNRES_IP)), None);
    assert_eq!(v.next_hop_mac(u32::from(OUR_IP)), None);
    assert_eq!(v.neighbor(GW_IP), Some(GW_MAC));
    let t = v.vlan(100).unwrap().outer_template().unwrap();
    assert_eq!(t[6..12], UL_MAC);
    assert_eq!(t[42..50], [8, 0, 0, 0, 0, 0, 100, 0]);
    assert!(View::new(&BridgeConfig::default()).vlans().is_empty());
    assert_eq!(std::mem::size_of::<VlanCounters>(), 64);
}
