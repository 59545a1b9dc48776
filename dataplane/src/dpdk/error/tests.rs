//! Tests of `error`.

use super::*;

#[test]
fn shows_what_failed_dpdks_reason_and_the_hint() {
    let e = Error::dpdk("port 0: start failed".into(), -libc::EINVAL);
    assert_eq!(e.errno, libc::EINVAL);
    assert_eq!(
        e.to_string(),
        format!("port 0: start failed: {}", strerror(libc::EINVAL))
    );
    let e = Error::dpdk("cannot create mbuf pool p".into(), libc::ENOMEM).hint("give it more");
    assert_eq!(
        String::from(e),
        format!(
            "cannot create mbuf pool p: {} (give it more)",
            strerror(libc::ENOMEM)
        )
    );
    // Refused before DPDK was asked: the message alone.
    let e = Error::new("port 0: 9 RX queues asked".into());
    assert_eq!(
        (e.errno, e.to_string().as_str()),
        (0, "port 0: 9 RX queues asked")
    );
    assert!(!strerror(libc::ENOMEM).is_empty());
}
