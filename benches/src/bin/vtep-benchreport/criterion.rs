//! Criterion's figures from its own files: every
//! `<dir>/<group>/<bench>[/<input>]/new/{benchmark,estimates}.json`, in the
//! order they were measured. Per bench: the typical time per iteration
//! (criterion's slope estimate, else its mean) and that time per element of
//! the bench's throughput (a packet, a table operation).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

fn news(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if !p.is_dir() {
            continue;
        }
        if p.file_name().is_some_and(|n| n == "new") && p.join("estimates.json").is_file() {
            out.push(p);
        } else {
            news(&p, out);
        }
    }
}

fn read(p: &Path) -> Result<Value, String> {
    let t = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_json::from_str(&t).map_err(|e| format!("{}: {e}", p.display()))
}

/// The JSON array bench.json keeps under "criterion".
pub fn collect(dir: &Path, since: Option<u64>) -> Result<String, String> {
    let mut dirs = Vec::new();
    news(dir, &mut dirs);
    let mut rows = Vec::new();
    for d in dirs {
        let est = d.join("estimates.json");
        let mtime = std::fs::metadata(&est)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |t| t.as_secs());
        if since.is_some_and(|s| mtime < s) {
            continue; // left over from an earlier run
        }
        let (e, b) = (read(&est)?, read(&d.join("benchmark.json"))?);
        let typical = e["slope"]["point_estimate"]
            .as_f64()
            .or_else(|| e["mean"]["point_estimate"].as_f64())
            .ok_or_else(|| format!("{}: no slope or mean", est.display()))?;
        let per = b["throughput"]["Elements"]
            .as_f64()
            .filter(|&n| n > 0.0)
            .unwrap_or(1.0);
        let name = b["full_id"].as_str().unwrap_or("?").to_string();
        rows.push((mtime, name, typical, typical / per));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let items: Vec<String> = rows
        .iter()
        .map(|(_, n, t, op)| {
            format!(
                "{{\"bench\": {}, \"ns_per_iter\": {t:.2}, \"ns_per_op\": {op:.2}}}",
                Value::from(n.as_str())
            )
        })
        .collect();
    Ok(format!("[{}]", items.join(", ")))
}
