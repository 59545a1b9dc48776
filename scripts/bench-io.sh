#!/usr/bin/env bash
# I/O ceiling of this harness: DPDK testpmd io mode vs vtep io mode, one
# forwarding core, net_pcap (infinite_rx replay) -> net_null.
#
# Usage: scripts/bench-io.sh [options]
#   --duration S     measured seconds per run, after 2 s warm-up (default 10)
#   --quick          same as --duration 3
#   --baseline       build testpmd first (scripts/build-testpmd.sh) if not cached;
#                    without it testpmd runs only if .cache/dpdk-testpmd exists
#   --sizes "A B"    frame sizes INCLUDING the 4-byte FCS (default "64 1518 9018");
#                    the pcap stores size-4 bytes (60, 1514, 9014)
#   --count N        frames per pcap (default 1024; net_pcap copies them all into mbufs)
#   --no-vtep        only run testpmd        --no-testpmd   only run vtep
#   --vtep PATH      vtep binary (default: cargo build --release, release/vtep in
#                    cargo's target directory, CARGO_TARGET_DIR honoured)
#   -h, --help
# Env: OUT (default <repo>/out) gets bench-io.json; VTEP_CACHE as build-testpmd.sh.
# Output: a Markdown table on stdout, raw numbers in $OUT/bench-io.json.
# The figure per run is the median of the per-second Rx-pps of port 0 (the pcap
# port) over the measured seconds. Gbps is the reported Rx-bps (frame bytes
# without FCS, x8), as testpmd counts it.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VTEP_CACHE:-$REPO/.cache}
TESTPMD=$CACHE/dpdk-testpmd
OUTDIR=${OUT:-$REPO/out}
WARMUP=2

DURATION=10 BASELINE=0 RUN_VTEP=1 RUN_TESTPMD=1 VTEP_BIN=${VTEP_BIN:-} COUNT=1024
SIZES="64 1518 9018"

BENCH_NAME=bench-io
# shellcheck source=lib/bench-common.sh
. "$REPO/scripts/lib/bench-common.sh"
# shellcheck source=lib/target-dir.sh
. "$REPO/scripts/lib/target-dir.sh"
usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

while (( $# )); do
  case $1 in
    --duration) DURATION=${2:?--duration needs seconds}; shift ;;
    --duration=*) DURATION=${1#*=} ;;
    --quick) DURATION=3 ;;
    --baseline) BASELINE=1 ;;
    --sizes) SIZES=${2:?--sizes needs a list}; shift ;;
    --sizes=*) SIZES=${1#*=} ;;
    --count) COUNT=${2:?--count needs N}; shift ;;
    --count=*) COUNT=${1#*=} ;;
    --no-vtep) RUN_VTEP=0 ;;
    --no-testpmd) RUN_TESTPMD=0 ;;
    --vtep) VTEP_BIN=${2:?--vtep needs a path}; shift ;;
    --vtep=*) VTEP_BIN=${1#*=} ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "--duration must be a positive integer"
[[ $COUNT =~ ^[1-9][0-9]*$ ]] || die "--count must be a positive integer"
for s in $SIZES; do
  [[ $s =~ ^[0-9]+$ ]] && (( s >= 64 && s <= 9220 )) || die "frame size '$s' not in 64..9220"
done

bench_init

# ---- binaries ----
cd "$REPO"
say "building vtep-pcapgen (cargo build --release)"
cargo build -q --release -p vtep-benches --bin vtep-pcapgen || die "cargo build of vtep-pcapgen failed"
TARGET=$(vtep_target_dir)/release
PCAPGEN=$TARGET/vtep-pcapgen

if (( RUN_TESTPMD )); then
  if [[ ! -x $TESTPMD ]] && (( BASELINE )); then
    "$REPO/scripts/build-testpmd.sh" || die "build-testpmd.sh failed"
  fi
  if [[ ! -x $TESTPMD ]]; then
    say "testpmd not built ($TESTPMD): skipping the baseline (pass --baseline to build it, ~20 s)"
    RUN_TESTPMD=0
  fi
fi
if (( RUN_VTEP )); then
  if [[ -z $VTEP_BIN ]]; then
    say "building vtep (cargo build --release --bin vtep)"
    if cargo build -q --release --bin vtep 2>"$TMP/vtep-build.log"; then
      VTEP_BIN=$TARGET/vtep
    else
      say "vtep does not build here ($(grep -m1 -E '^error' "$TMP/vtep-build.log" || echo 'see cargo')): skipping vtep"
      RUN_VTEP=0
    fi
  elif [[ ! -x $VTEP_BIN ]]; then
    die "--vtep $VTEP_BIN is not an executable"
  fi
fi
(( RUN_TESTPMD || RUN_VTEP )) || die "nothing to run (no testpmd and no vtep)"

detect_mem_mode

TOTAL_MBUFS=$(( COUNT + 4096 ))
eal_args() {  # $1 = pcap file, $2 = mbuf size, $3 = run tag
  eal_mem_args "$TOTAL_MBUFS" "$2" "$3"
  EAL=(-l 0,1 "${EAL[@]}" --vdev "net_pcap0,rx_pcap=$1,infinite_rx=1" --vdev "net_null0,no-rx=1")
}

mkdir -p "$OUTDIR"
KEEP_LOGS=$OUTDIR/bench-io-logs
mkdir -p "$KEEP_LOGS"
say "EAL memory: $MEM_MODE (free 2M hugepages: $HP_FREE); $DURATION s per run after $WARMUP s warm-up; count $COUNT, mbufs $TOTAL_MBUFS"

ROWS=() JSON_RES=() FAILED=0
for size in $SIZES; do
  stored=$(( size - 4 ))
  if (( size <= 1518 )); then mbuf=2176 mpl=1518; else mbuf=10240 mpl=9216; fi
  pcap=$TMP/udp-$size.pcap
  "$PCAPGEN" --kind udp --size "$stored" --count "$COUNT" --flows 64 --macs 16 -o "$pcap" 2>/dev/null \
    || die "vtep-pcapgen failed for size $size"

  t_mpps=null t_bps=null t_samples="" v_mpps=null v_bps=null v_gbps=null v_samples="" ratio=null
  if (( RUN_TESTPMD )); then
    eal_args "$pcap" "$mbuf" "t$size"
    log=$KEEP_LOGS/testpmd-$size.log
    say "testpmd io, ${size}B frames (${stored}B stored): running $(( WARMUP + DURATION )) s"
    if run_fwd testpmd "$log" 0 "$TESTPMD" "${EAL[@]}" -- --forward-mode=io --nb-cores=1 \
         --rxq=1 --txq=1 --auto-start --stats-period=1 --mbuf-size="$mbuf" \
         --max-pkt-len="$mpl" --total-num-mbufs="$TOTAL_MBUFS" \
       && read -r pps bps t_samples < <(measure "$log"); then
      t_mpps=$(awk -v p="$pps" 'BEGIN { printf "%.3f", p / 1e6 }'); t_bps=$bps
      say "testpmd ${size}B: $t_mpps Mpps"
    else
      FAILED=1
    fi
  fi
  if (( RUN_VTEP )); then
    eal_args "$pcap" "$mbuf" "v$size"
    log=$KEEP_LOGS/vtep-$size.log
    say "vtep io, ${size}B frames (${stored}B stored): running $(( WARMUP + DURATION )) s"
    if run_fwd vtep "$log" 0 "$VTEP_BIN" "${EAL[@]}" -- --forward-mode io --nb-cores 1 \
         --rxq 1 --txq 1 --stats-period 1 --mbuf-size "$mbuf" \
         --max-pkt-len "$mpl" --total-num-mbufs "$TOTAL_MBUFS" \
       && read -r pps bps v_samples < <(measure "$log"); then
      v_mpps=$(awk -v p="$pps" 'BEGIN { printf "%.3f", p / 1e6 }'); v_bps=$bps
      v_gbps=$(awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e9 }')
      say "vtep ${size}B: $v_mpps Mpps, $v_gbps Gbps"
    else
      FAILED=1
    fi
  fi
  if [[ $t_mpps != null && $v_mpps != null ]]; then
    ratio=$(awk -v v="$v_mpps" -v t="$t_mpps" 'BEGIN { printf "%.3f", (t > 0) ? v / t : 0 }')
  fi
  ROWS+=("| $size | $(na "$t_mpps") | $(na "$v_mpps") | $(na "$v_gbps") | $(na "$ratio") |")
  JSON_RES+=("$(printf '    {"frame_size": %s, "stored_size": %s, "mbuf_size": %s, "max_pkt_len": %s,\n     "testpmd": {"mpps": %s, "rx_bps": %s, "rx_pps_samples": [%s]},\n     "vtep": {"mpps": %s, "gbps": %s, "rx_bps": %s, "rx_pps_samples": [%s]},\n     "ratio_vtep_testpmd": %s}' \
    "$size" "$stored" "$mbuf" "$mpl" "$t_mpps" "$t_bps" "$t_samples" "$v_mpps" "$v_gbps" "$v_bps" "$v_samples" "$ratio")")
done

# ---- report ----
CPU=$(cpu_model)
DPDK_VER=$(dpdk_version)
GIT_REV=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
  printf '{\n  "bench": "io",\n  "date": "%s",\n  "git_rev": "%s",\n  "cpu": "%s",\n  "nproc": %s,\n' \
    "$(date -u +%FT%TZ)" "$GIT_REV" "${CPU//\"/}" "$(nproc)"
  printf '  "dpdk": "%s",\n  "eal_memory": "%s",\n  "lcores": "0,1 (main 0, forwarding 1)",\n' "$DPDK_VER" "$MEM_MODE"
  printf '  "vdevs": "net_pcap0,rx_pcap=<udp pcap>,infinite_rx=1 -> net_null0,no-rx=1",\n'
  printf '  "duration_s": %s,\n  "warmup_s": %s,\n  "count": %s,\n  "total_num_mbufs": %s,\n' \
    "$DURATION" "$WARMUP" "$COUNT" "$TOTAL_MBUFS"
  printf '  "metric": "median of per-second Rx-pps / Rx-bps of port 0 after warm-up",\n'
  printf '  "results": [\n'
  for i in "${!JSON_RES[@]}"; do
    printf '%s%s\n' "${JSON_RES[$i]}" "$( (( i + 1 < ${#JSON_RES[@]} )) && echo , )"
  done
  printf '  ]\n}\n'
} >"$OUTDIR/bench-io.json"

echo
KIND=$(cat "$TESTPMD.kind" 2>/dev/null || echo static)
echo "I/O ceiling: net_pcap (infinite_rx) -> net_null, 1 forwarding core, ${DURATION}s median, EAL $MEM_MODE, testpmd linked to $KIND DPDK"
echo
echo "| frame size (B, incl. FCS) | testpmd io Mpps | vtep io Mpps | vtep Gbps | ratio vtep/testpmd |"
echo "|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo
say "raw numbers: $OUTDIR/bench-io.json; logs: $KEEP_LOGS"
exit "$FAILED"
