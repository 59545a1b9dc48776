//! Times as the shows print them.

use std::time::Instant;

/// Whole seconds from `t` to `now` (0 when `t` is later).
pub fn secs_ago(now: Instant, t: Instant) -> u64 {
    now.saturating_duration_since(t).as_secs()
}
