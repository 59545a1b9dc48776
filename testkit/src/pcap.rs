//! Classic pcap files (Ethernet link type), as net_pcap and tshark read
//! and write them.

use std::path::Path;

const MAGIC_US: u32 = 0xa1b2_c3d4;
const MAGIC_NS: u32 = 0xa1b2_3c4d;
const LINKTYPE_ETHERNET: u32 = 1;
const SNAPLEN: u32 = 65535;

/// A little-endian microsecond pcap file of `frames`, frame i stamped i
/// seconds.
pub fn to_bytes<F: AsRef<[u8]>>(frames: &[F]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&MAGIC_US.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    b.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    b.extend_from_slice(&SNAPLEN.to_le_bytes());
    b.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        let f = f.as_ref();
        b.extend_from_slice(&(i as u32).to_le_bytes()); // seconds
        b.extend_from_slice(&0u32.to_le_bytes()); // microseconds
        b.extend_from_slice(&(f.len() as u32).to_le_bytes()); // captured
        b.extend_from_slice(&(f.len() as u32).to_le_bytes()); // on the wire
        b.extend_from_slice(f);
    }
    b
}

/// Writes `frames` to `path` (see [`to_bytes`]).
pub fn write<F: AsRef<[u8]>>(path: &Path, frames: &[F]) {
    std::fs::write(path, to_bytes(frames))
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Up to `max` frames of a pcap file's bytes, either byte order,
/// microsecond or nanosecond magic. Fewer than 24 bytes (a file the
/// writer has not started) read as no frames; a cut last record is left
/// out.
pub fn from_bytes(b: &[u8], max: usize) -> Vec<Vec<u8>> {
    if b.len() < 24 {
        return Vec::new();
    }
    let magic = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let le = magic == MAGIC_US || magic == MAGIC_NS;
    let be = magic.swap_bytes() == MAGIC_US || magic.swap_bytes() == MAGIC_NS;
    assert!(le || be, "not a pcap file: magic {magic:#010x}");
    let u32_at = |at: usize| {
        let a = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let mut out = Vec::new();
    let mut at = 24;
    while out.len() < max && at + 16 <= b.len() {
        let caplen = u32_at(at + 8) as usize;
        let start = at + 16;
        if start + caplen > b.len() {
            break;
        }
        out.push(b[start..start + caplen].to_vec());
        at = start + caplen;
    }
    out
}

/// Up to `max` frames of the pcap file at `path` (see [`from_bytes`]).
pub fn read(path: &Path, max: usize) -> Vec<Vec<u8>> {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    from_bytes(&b, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_records_by_hand() {
        let b = to_bytes(&[vec![1, 2, 3], vec![]]);
        assert_eq!(
            &b[..24],
            &[
                0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0,
                0, 0
            ]
        );
        assert_eq!(
            &b[24..43],
            &[0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3]
        );
        assert_eq!(&b[43..47], &[1, 0, 0, 0]);
        assert_eq!(b.len(), 24 + 19 + 16);
        assert_eq!(from_bytes(&b, 10), vec![vec![1, 2, 3], vec![]]);
        assert_eq!(from_bytes(&b, 1), vec![vec![1, 2, 3]]);
        assert_eq!(from_bytes(&b[..50], 10), vec![vec![1, 2, 3]]);
        assert!(from_bytes(&b[..20], 10).is_empty());
    }

    #[test]
    fn big_endian_nanosecond_files_read() {
        let mut b = MAGIC_NS.to_be_bytes().to_vec();
        b.extend_from_slice(&[
            0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 1,
        ]);
        b.extend_from_slice(&[0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0, 0, 2, 0xab, 0xcd]);
        assert_eq!(from_bytes(&b, 10), vec![vec![0xab, 0xcd]]);
    }

    #[test]
    fn files_round_trip() {
        let p = std::env::temp_dir().join(format!("vtep-testkit-{}.pcap", std::process::id()));
        let frames = vec![vec![7u8; 60], vec![8u8; 9018]];
        write(&p, &frames);
        assert_eq!(read(&p, 100), frames);
        std::fs::remove_file(&p).unwrap();
    }
}
