//! DPDK's failures as values: what failed and DPDK's errno, shown with
//! `rte_strerror`.

use super::sys;
use std::ffi::CStr;
use std::fmt;

/// A failed DPDK call, or a request the device cannot meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What failed, naming the object (`port 0 (net_null0): start failed`).
    pub context: String,
    /// DPDK's errno (`rte_errno`, or a call's negative return), positive;
    /// 0 when the request was refused before DPDK was asked.
    pub errno: i32,
    /// What to change, shown after DPDK's reason.
    pub hint: Option<&'static str>,
}

impl Error {
    /// A request refused before any DPDK call.
    pub(super) fn new(context: String) -> Error {
        Error {
            context,
            errno: 0,
            hint: None,
        }
    }
    /// A DPDK call that failed with `errno` (either sign).
    pub(super) fn dpdk(context: String, errno: i32) -> Error {
        Error {
            context,
            errno: errno.abs(),
            hint: None,
        }
    }
    /// A DPDK call that failed and set `rte_errno`.
    pub(super) fn last(context: String) -> Error {
        Error::dpdk(context, rte_errno())
    }
    pub(super) fn hint(self, hint: &'static str) -> Error {
        Error {
            hint: Some(hint),
            ..self
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.context)?;
        if self.errno != 0 {
            write!(f, ": {}", strerror(self.errno))?;
        }
        if let Some(h) = self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// For callers whose errors are one-line messages.
impl From<Error> for String {
    fn from(e: Error) -> String {
        e.to_string()
    }
}

/// DPDK's text for an errno (either sign).
pub fn strerror(errnum: i32) -> String {
    // SAFETY: rte_strerror returns a pointer to a static or thread-local
    // NUL-terminated string.
    unsafe { CStr::from_ptr(sys::rte_strerror(errnum.abs())) }
        .to_string_lossy()
        .into_owned()
}

/// The calling thread's `rte_errno`.
fn rte_errno() -> i32 {
    // SAFETY: reads the per-lcore errno variable.
    unsafe { sys::vtep_errno() }
}

#[cfg(test)]
mod tests;
