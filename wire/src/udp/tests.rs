use super::*;
use crate::*;

#[test]
fn udp_view() {
    let mut b = [0u8; 12];
    assert_eq!(Packet::new_checked(&b[..7]).unwrap_err(), Error::Truncated);
    assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed); // len 0
    let mut u = Packet::new_unchecked(&mut b[..]);
    u.set_src_port(49152);
    u.set_dst_port(vxlan::PORT);
    u.set_len(13);
    assert_eq!(u.check_len(), Err(Error::Truncated));
    u.set_len(12);
    u.set_checksum(0xbeef);
    assert_eq!(b[..8], [0xc0, 0x00, 0x12, 0xb5, 0, 12, 0xbe, 0xef]);
    let u = Packet::new_checked(&b[..]).unwrap();
    assert_eq!(
        (u.src_port(), u.dst_port(), u.len(), u.checksum()),
        (49152, 4789, 12, 0xbeef)
    );
    assert_eq!(u.payload().len(), 4);
    assert!(!u.is_empty());
}
