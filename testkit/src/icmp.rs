//! ICMP messages (RFC 792) with their checksum; put them in a packet with
//! [`crate::Ipv4::icmp`].

use crate::checksum::internet_checksum;

pub const ECHO_REPLY: u8 = 0;
pub const ECHO_REQUEST: u8 = 8;

/// Any message: type, code, checksum, the four bytes after it, then `data`.
pub fn message(kind: u8, code: u8, rest: [u8; 4], data: &[u8]) -> Vec<u8> {
    let mut m = vec![kind, code, 0, 0];
    m.extend_from_slice(&rest);
    m.extend_from_slice(data);
    let c = internet_checksum(&m);
    m[2..4].copy_from_slice(&c.to_be_bytes());
    m
}

fn echo(kind: u8, ident: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let [i0, i1] = ident.to_be_bytes();
    let [s0, s1] = seq.to_be_bytes();
    message(kind, 0, [i0, i1, s0, s1], data)
}

/// An echo request ("ping").
pub fn echo_request(ident: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    echo(ECHO_REQUEST, ident, seq, data)
}

/// An echo reply.
pub fn echo_reply(ident: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    echo(ECHO_REPLY, ident, seq, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_by_hand() {
        // 08 00 cksum 0001 0001 "abcd": the sum of 0800 0001 0001 6162
        // 6364 is 0x0c6b + 0x6162 + 0x6364, checksum its complement.
        let m = echo_request(1, 1, b"abcd");
        let sum: u32 = 0x0800 + 0x0001 + 0x0001 + 0x6162 + 0x6364;
        assert_eq!(
            m,
            [
                8,
                0,
                (!sum as u16 >> 8) as u8,
                !sum as u8,
                0,
                1,
                0,
                1,
                97,
                98,
                99,
                100
            ]
        );
        assert_eq!(internet_checksum(&m), 0);
        assert_eq!(echo_reply(0xbeef, 7, &[])[..2], [0, 0]);
        assert_eq!(&echo_reply(0xbeef, 7, &[])[4..], &[0xbe, 0xef, 0, 7]);
    }
}
