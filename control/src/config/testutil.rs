//! Helpers of the configuration tests: the common snippets and the
//! error-table check.

/// An underlay `u` (10.0.0.1/24 on device d0) named by vtep.source-interface.
macro_rules! u {
    () => {
        "[vtep]\nsource-interface = \"u\"\n[interfaces.u]\ndevice = \"d0\"\naddress = \"10.0.0.1/24\"\n"
    };
}
pub(crate) use u;

/// An access port `p` (device d1) in VLAN v10, and VLAN v10.
macro_rules! p10 {
    () => {
        "[interfaces.p]\ndevice = \"d1\"\ninterface-mode = \"access\"\nvlan-members = [\"v10\"]\n[vlans.v10]\nvlan-id = 10\n"
    };
}
pub(crate) use p10;

use super::Config;

pub(crate) fn error_of(text: &str) -> String {
    match Config::parse(text) {
        Ok(c) => panic!("accepted:\n{text}\nas {c:#?}"),
        Err(e) => e.to_string(),
    }
}

/// Each config of `table` is refused with its one-line error.
pub(crate) fn check_errors(table: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (text, want) in table {
        let got = error_of(text);
        assert!(!got.contains('\n'), "not one line: {got:?}");
        if got != *want {
            failures.push(format!("config:\n{text}\n  want: {want}\n  got:  {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
