use super::*;
use vtep_testkit as tk;

/// 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF, TTL 64
/// (checksum 0xb861), as the oracle builds it.
fn ip_hdr() -> [u8; 20] {
    let f = tk::Eth::new([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([192, 168, 0, 1], [192, 168, 0, 199])
        .df()
        .protocol(17)
        .payload(&[0; 95]);
    f[14..34].try_into().unwrap()
}

#[test]
fn checksum_of_32_bit_words_equals_rfc1071_16_bit_words() {
    // RFC 1071's definition, one 16-bit word at a time.
    let reference = tk::internet_checksum;
    let mut x: u32 = 0x1234_5678;
    for len in 0..80 {
        for _ in 0..8 {
            let mut d: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            assert_eq!(checksum(&d), reference(&d), "{d:02x?}");
            if let Ok(h) = <&mut [u8; 20]>::try_from(&mut d[..]) {
                assert_eq!(verify20(h), reference(h) == 0, "{h:02x?}");
                // With its checksum filled in; then any one bit off.
                h[10..12].fill(0);
                let c = reference(h);
                h[10..12].copy_from_slice(&c.to_be_bytes());
                assert!(verify20(h), "{h:02x?}");
                let bit = x as usize % 160;
                h[bit / 8] ^= 1 << (bit % 8);
                assert!(!verify20(h), "{h:02x?} bit {bit}");
            }
        }
    }
    assert_eq!(checksum(&[0xff; 20]), reference(&[0xff; 20]));
    // All ones sums to 0xffff: right; all zeros to 0: wrong.
    assert!(verify20(&[0xff; 20]));
    assert!(!verify20(&[0; 20]));
}

#[test]
fn checksum_rfc1071() {
    assert_eq!(checksum(&[]), 0xffff);
    let mut h = ip_hdr();
    assert!(verify(&h));
    h[10] = 0;
    h[11] = 0;
    assert_eq!(checksum(&h), 0xb861);
    // Odd length pads with zero.
    assert_eq!(sum(&[0x01, 0x02, 0x03]), 0x0102 + 0x0300);
    assert_eq!(fold(0x0001_ffff), 0x0001);
    assert_eq!(fold(0xffff_ffff), 0xffff);
}

#[test]
fn checksum_rfc1071_example() {
    // RFC 1071 §3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2.
    let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
    assert_eq!(fold(sum(&data)), 0xddf2);
    assert_eq!(checksum(&data), !0xddf2);
}

#[test]
fn checksum_odd_length_and_verify() {
    assert_eq!(fold(sum(&[0xab])), 0xab00);
    // Odd length, checksum field first.
    let mut data = vec![0, 0, 0x45, 0x00, 0x00, 0x1c, 0xff, 0xff, 0x00, 0x00, 0x01];
    let c = checksum(&data);
    data[..2].copy_from_slice(&c.to_be_bytes());
    assert!(verify(&data));
    data[0] ^= 1;
    assert!(!verify(&data));
}

#[test]
fn checksum_large_buffer_carries() {
    let data = vec![0xff; 65536];
    assert_eq!(fold(sum(&data)), 0xffff);
}
