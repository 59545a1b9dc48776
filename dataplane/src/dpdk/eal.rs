//! The Environment Abstraction Layer, its lcores and the TSC.

use super::{sys, Error};
use std::ffi::{c_void, CStr, CString};

/// The initialised Environment Abstraction Layer. One per process.
pub struct Eal {
    _priv: (),
}

impl Eal {
    /// Runs `rte_eal_init` over `args` (`argv[0]` first, EAL options only).
    pub fn init(args: &[String]) -> Result<Eal, Error> {
        let cargs: Vec<CString> = args
            .iter()
            .map(|a| {
                CString::new(a.as_str())
                    .map_err(|_| Error::new(format!("EAL argument {a:?} holds a NUL byte")))
            })
            .collect::<Result<_, _>>()?;
        // EAL may permute argv, so it gets pointers it owns for the call.
        let mut argv: Vec<*mut std::os::raw::c_char> =
            cargs.iter().map(|c| c.as_ptr() as *mut _).collect();
        argv.push(std::ptr::null_mut());
        // SAFETY: argv is a NULL-terminated array of valid C strings that
        // outlive the call; rte_eal_init is called once per process.
        let rc = unsafe { sys::rte_eal_init(cargs.len() as i32, argv.as_mut_ptr()) };
        if rc < 0 {
            return Err(Error::last("EAL initialisation failed".into()));
        }
        // The strings must live as long as the EAL may look at them.
        std::mem::forget(cargs);
        Ok(Eal { _priv: () })
    }

    /// DPDK's version string.
    pub fn version() -> String {
        // SAFETY: returns a static string.
        unsafe { CStr::from_ptr(sys::rte_version()) }
            .to_string_lossy()
            .into_owned()
    }

    /// The lcore ids of worker lcores (every EAL lcore but the main one).
    pub fn worker_lcores(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut i: u32 = u32::MAX; // -1: start before the first lcore
        loop {
            // SAFETY: pure query over the EAL's lcore table.
            i = unsafe { sys::rte_get_next_lcore(i, 1, 0) };
            if i >= sys::RTE_MAX_LCORE {
                break;
            }
            out.push(i);
        }
        out
    }

    pub fn main_lcore(&self) -> u32 {
        // SAFETY: pure query.
        unsafe { sys::rte_get_main_lcore() }
    }

    /// Runs `f` on worker lcore `lcore`. The closure's result is returned
    /// by [`Eal::wait_lcore`].
    pub fn launch<F: FnOnce() -> i32 + Send + 'static>(
        &self,
        lcore: u32,
        f: F,
    ) -> Result<(), Error> {
        unsafe extern "C" fn tramp<F: FnOnce() -> i32>(arg: *mut c_void) -> i32 {
            // SAFETY: arg is the Box<F> leaked by `launch` below, consumed once.
            let f = unsafe { Box::from_raw(arg as *mut F) };
            f()
        }
        let arg = Box::into_raw(Box::new(f)) as *mut c_void;
        // SAFETY: tramp::<F> matches lcore_function_t and takes ownership of arg.
        let rc = unsafe { sys::rte_eal_remote_launch(Some(tramp::<F>), arg, lcore) };
        if rc != 0 {
            // SAFETY: the launch failed, so the box was not consumed.
            drop(unsafe { Box::from_raw(arg as *mut F) });
            return Err(Error::dpdk(format!("cannot launch on lcore {lcore}"), rc));
        }
        Ok(())
    }

    /// Waits for the function running on `lcore` and returns its result.
    pub fn wait_lcore(&self, lcore: u32) -> i32 {
        // SAFETY: blocks until the lcore is idle.
        unsafe { sys::rte_eal_wait_lcore(lcore) }
    }

    /// The current thread's lcore id (LCORE_ID_ANY for non-EAL threads).
    pub fn lcore_id() -> u32 {
        // SAFETY: reads a thread-local.
        unsafe { sys::vtep_lcore_id() }
    }
}

impl Drop for Eal {
    fn drop(&mut self) {
        // SAFETY: all ports and pools are released before the Eal is dropped
        // (the process owns the Eal last).
        unsafe { sys::rte_eal_cleanup() };
    }
}

/// Time-stamp counter helpers (cheap per-burst clock for workers).
pub fn tsc() -> u64 {
    // SAFETY: reads the TSC.
    unsafe { sys::vtep_rdtsc() }
}
pub fn tsc_hz() -> u64 {
    // SAFETY: pure query after EAL init.
    unsafe { sys::vtep_tsc_hz() }
}
