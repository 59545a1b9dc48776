//! The MAC table's two hints to the machine, its only `unsafe`: neither
//! changes what the table reads or holds, only how fast.

/// Asks the CPU to start fetching the cache line holding `line`. Loads
/// nothing; a no-op where there is no prefetch instruction.
#[inline(always)]
pub(super) fn prefetch<T>(line: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults or reads into
    // the program, and `line` is a live reference anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((line as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = line;
}

/// Asks the kernel to back the `len` bytes at address `start` (page
/// aligned, inside an allocation of ours not touched yet) with transparent
/// huge pages.
#[cfg(target_os = "linux")]
pub(super) fn advise_huge_pages(start: usize, len: usize) {
    // SAFETY: madvise(MADV_HUGEPAGE) changes only how the pages of this
    // range (inside our own allocation) are backed, never their mapping or
    // contents; a failure leaves them as they were.
    unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE) };
}
