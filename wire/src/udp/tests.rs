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

#[test]
fn oracle_emit_and_parse() {
    use crate::testutil::*;
    use vtep_testkit as tk;
    let mut r = Rng::new(0x1717);
    for _ in 0..CASES {
        let (src, dst) = (r.ip(), r.ip());
        let payload = r.bytes_below(100);
        let repr = Repr {
            src_port: r.u16(),
            dst_port: r.u16(),
            payload_len: payload.len(),
        };
        let mut b = vec![0; repr.buffer_len()];
        let mut p = Packet::new_unchecked(&mut b[..]);
        repr.emit(&mut p);
        p.payload_mut().copy_from_slice(&payload);
        let udp = tk::Eth::new([0; 6], [0; 6])
            .unpadded()
            .ipv4(src, dst)
            .udp(repr.src_port, repr.dst_port)
            .payload(&payload);
        assert_eq!(&udp.clone().build()[34..], &b[..]);
        let p = Packet::new_checked(&b[..]).unwrap();
        assert_eq!(Repr::parse(&p), Ok(repr));
        assert_eq!(p.payload(), &payload[..]);
        // No checksum verifies; the oracle's right one does, and ours is it.
        assert!(p.verify_checksum(src, dst));
        let right = udp.clone().right_checksum().build();
        let p = Packet::new_checked(&right[34..]).unwrap();
        assert!(p.verify_checksum(src, dst));
        let mut p = Packet::new_unchecked(&mut b[..]);
        p.fill_checksum(src, dst);
        assert_eq!(&b[..], &right[34..]);
        let c = Packet::new_unchecked(&b[..]).checksum();
        let wrong = udp.checksum(c ^ 0x0100).build();
        assert!(!Packet::new_checked(&wrong[34..])
            .unwrap()
            .verify_checksum(src, dst));
        for n in 0..b.len() {
            assert_eq!(
                Packet::new_checked(&b[..n]).unwrap_err(),
                Error::Truncated,
                "{n}"
            );
        }
    }
    let f = |len| {
        tk::Eth::new([0; 6], [0; 6])
            .unpadded()
            .ipv4([1, 1, 1, 1], [2, 2, 2, 2])
            .udp(1, 2)
            .len(len)
            .payload(&[0; 4])
            .build()
    };
    assert_eq!(
        Packet::new_checked(&f(7)[34..]).unwrap_err(),
        Error::Malformed
    );
    assert_eq!(
        Packet::new_checked(&f(13)[34..]).unwrap_err(),
        Error::Truncated
    );
    assert_eq!(
        Repr::parse(&Packet::new_checked(&f(8)[34..]).unwrap())
            .unwrap()
            .payload_len,
        0
    );
}
