//! The soak's verdict: does vtep's resident memory grow under the learning
//! churn? Samples after the first 10 % (at least 5 s: the pool and MAC table
//! pages get touched then) are compared, first fifth against last fifth.

/// `rss` holds "SECOND KB" lines; `alive`: vtep still ran at the end.
pub fn verdict(rss: &str, seconds: u64, alive: bool) -> String {
    let v: Vec<f64> = rss
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
        .collect();
    let n = v.len();
    if n < 3 {
        return format!("{{\"seconds\": {seconds}, \"samples\": {n}, \"verdict\": \"no data\"}}");
    }
    let skip = (n / 10).max(5).min(n - 2);
    let q = ((n - skip) / 5).max(1);
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let a = mean(&v[skip..skip + q]);
    let b = mean(&v[n - q..]);
    let g = b - a;
    let mx = v.iter().copied().fold(0.0, f64::max);
    let verdict = if !alive {
        "vtep died"
    } else if g > 1024.0 && g > a * 0.01 {
        "growing"
    } else {
        "flat"
    };
    // Key order as the reports have always had it.
    format!(
        "{{\"seconds\": {seconds}, \"samples\": {n}, \"rss_first_kb\": {}, \"rss_after_warmup_kb\": {:.0}, \"rss_end_kb\": {:.0}, \"rss_max_kb\": {}, \"growth_kb\": {:.0}, \"verdict\": \"{verdict}\"}}",
        v[0], a, b, mx, g
    )
}

#[cfg(test)]
mod tests {
    use super::verdict;

    #[test]
    fn flat_growing_and_dead() {
        let flat: String = (1..=30).map(|s| format!("{s} 100000\n")).collect();
        assert!(verdict(&flat, 30, true).contains("\"verdict\": \"flat\""));
        let grow: String = (1..=30)
            .map(|s| format!("{s} {}\n", 100000 + s * 1000))
            .collect();
        assert!(verdict(&grow, 30, true).contains("\"growing\""));
        assert!(verdict(&flat, 30, false).contains("\"vtep died\""));
        assert!(verdict("1 5\n", 30, true).contains("no data"));
    }
}
