//! Tests of `counters`.

use super::*;

#[test]
fn drop_names_unique_and_kebab() {
    let mut names: Vec<_> = DropReason::ALL.iter().map(|d| d.name()).collect();
    assert_eq!(names.len(), DropReason::COUNT);
    assert!(names.iter().all(|n| n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())));
    names.sort();
    names.dedup();
    assert_eq!(names.len(), DropReason::COUNT);
    for (i, d) in DropReason::ALL.iter().enumerate() {
        assert_eq!(*d as usize, i);
    }
    let c = Counters::new();
    c.drop(DropReason::PuntQueueFull);
    c.drop(DropReason::TxQueueFull);
    assert_eq!(
        (
            c.drop_count(DropReason::PuntQueueFull),
            c.drop_count(DropReason::TxQueueFull)
        ),
        (1, 1)
    );
}
