#!/usr/bin/env bash
# Runs the fuzz targets under libFuzzer (cargo fuzz, nightly), one after
# another, each on top of its seed and regression corpora, and prints one
# line of figures per target: executions per second, total executions,
# coverage (libFuzzer's cov: and ft:). A crash fails the script and names
# the input cargo fuzz saved: add it to fuzz/regressions/<target>/ with
# the fix, so that cargo test replays it for good.
#
#   scripts/fuzz.sh [--ci] [--time SECONDS] [TARGET...]
#
# Default: every target for 600 s. --ci: 30 s each, installs cargo-fuzz
# when missing. Without a nightly toolchain it says so and exits 0 (the
# corpus replay in cargo test needs only stable).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=600
ci=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) ci=1; secs=30 ;;
    --time) secs="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
all=(burst underlay_checks control_protocols config commands)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly)"
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  if [ "$ci" = 1 ]; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
  else
    echo "fuzz: cargo-fuzz not found: cargo install cargo-fuzz" >&2
    exit 1
  fi
fi

cd fuzz
# Debug assertions on: overflow checks and debug_assert! catch more.
cargo +nightly fuzz build -a
logs=$(mktemp -d)
summary=()
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  dirs=("corpus/$t" "seeds/$t")
  [ -d "regressions/$t" ] && dirs+=("regressions/$t")
  echo "fuzz: $t for ${secs} s"
  if ! cargo +nightly fuzz run -a "$t" "${dirs[@]}" -- \
      -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
      >"$logs/$t.log" 2>&1; then
    tail -n 60 "$logs/$t.log"
    echo "fuzz: $t FAILED; the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  last=$(grep -E '^#[0-9]+' "$logs/$t.log" | tail -n 1)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$logs/$t.log" | tail -n 1)
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$logs/$t.log" | tail -n 1)
  summary+=("$(printf '%-18s %6s s  %8s exec/s  %11s execs  cov %6s  ft %7s' \
    "$t" "$secs" "${rate:-?}" "${execs:-?}" "${cov:-?}" "${ft:-?}")")
done
echo "fuzz: every target ran without a crash"
printf '%s\n' "${summary[@]}"
