//! RFC 1071, the textbook way: 16-bit big-endian words added one by one,
//! carries folded back at the end, then complemented.

/// The one's-complement sum of `data` as 16-bit big-endian words (an odd
/// last byte is the high half of a word), carries folded in.
pub fn ones_complement_sum(data: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    let mut i = 0;
    while i + 1 < data.len() {
        sum += (u64::from(data[i]) << 8) | u64::from(data[i + 1]);
        i += 2;
    }
    if i < data.len() {
        sum += u64::from(data[i]) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// The RFC 1071 checksum of `data`: the value for the checksum field when
/// the field is zero in `data`, and 0 over data whose checksum is right.
pub fn internet_checksum(data: &[u8]) -> u16 {
    !ones_complement_sum(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_section_3_example() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(ones_complement_sum(&data), 0xddf2);
        assert_eq!(internet_checksum(&data), 0x220d);
    }

    #[test]
    fn odd_length_empty_and_carries() {
        assert_eq!(ones_complement_sum(&[0xab]), 0xab00);
        assert_eq!(ones_complement_sum(&[0x01, 0x02, 0x03]), 0x0402);
        assert_eq!(internet_checksum(&[]), 0xffff);
        assert_eq!(ones_complement_sum(&[0xff; 65536]), 0xffff);
        assert_eq!(ones_complement_sum(&[0x80, 0x00, 0x80, 0x00]), 0x0001);
    }

    #[test]
    fn classic_ipv4_header() {
        // 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF, TTL 64.
        let mut h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(internet_checksum(&h), 0xb861);
        h[10] = 0xb8;
        h[11] = 0x61;
        assert_eq!(internet_checksum(&h), 0);
    }
}
