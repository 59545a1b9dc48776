//! The internet checksum (RFC 1071, RFC 1624).

/// The 32-bit one's complement accumulation of `data` as big-endian
/// 16-bit words (an odd last byte is padded with zero). Fold with
/// [`fold`].
#[inline]
pub fn sum(data: &[u8]) -> u32 {
    // 32-bit words: since 2^16 = 1 (mod 0xffff), a word a:b adds the
    // same as a + b, at half the additions (an IPv4 header is 5).
    let mut acc: u64 = 0;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        acc += u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
    }
    let rest = chunks.remainder();
    if rest.len() >= 2 {
        acc += u64::from(u16::from_be_bytes([rest[0], rest[1]]));
    }
    if rest.len() % 2 == 1 {
        acc += u64::from(rest[rest.len() - 1]) << 8;
    }
    // Fold 64 → 32 bits keeping the end-around carry.
    while acc >> 32 != 0 {
        acc = (acc & 0xffff_ffff) + (acc >> 32);
    }
    acc as u32
}

/// Whether an option-less IPv4 header's checksum is right: its folded
/// sum is 0xffff. Folding keeps the value mod 0xffff (2^16 = 1), and
/// only all-zero data folds to 0, so that is the sum being a nonzero
/// multiple of 0xffff: one multiply instead of the folds. Byte order
/// does not matter (a swapped 16-bit word is 256 times it, mod
/// 0xffff), so the five 32-bit words are loaded native-endian.
#[inline(always)]
pub fn verify20(h: &[u8; 20]) -> bool {
    let w = |i: usize| u64::from(u32::from_ne_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]));
    let acc = w(0) + w(4) + w(8) + w(12) + w(16);
    acc.is_multiple_of(0xffff) && acc != 0
}

/// Folds a 32-bit accumulation to 16 bits with end-around carry.
#[inline(always)]
pub fn fold(mut s: u32) -> u16 {
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    s as u16
}

/// The checksum field value for data whose accumulation is `s`.
#[inline(always)]
pub fn finish(s: u32) -> u16 {
    !fold(s)
}

/// RFC 1071 checksum of `data` (the value to put in the field when the
/// field itself is zero in `data`).
pub fn checksum(data: &[u8]) -> u16 {
    finish(sum(data))
}

/// True when `data`, checksum field included, sums to 0xffff.
#[inline]
pub fn verify(data: &[u8]) -> bool {
    fold(sum(data)) == 0xffff
}

/// RFC 1624 eqn. 3: the new checksum after one 16-bit word of the
/// covered data changed from `old` to `new`.
#[inline(always)]
pub fn update(checksum: u16, old: u16, new: u16) -> u16 {
    let s = u32::from(!checksum) + u32::from(!old) + u32::from(new);
    !fold(s)
}

#[cfg(test)]
mod tests;
