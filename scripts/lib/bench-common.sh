# Shared bash for scripts/bench-io.sh and scripts/bench.sh (sourced, not run).
# Callers set BENCH_NAME (log prefix) and WARMUP/DURATION before measuring.
# Provides: say/die, stop_child/cleanup (trap set by bench_init), EAL memory
# mode (hugepages when >= 256 free 2 MiB pages, else --no-huge), per-second
# Rx-pps sampling of testpmd-shaped statistics, run_fwd, measure (bench-io.sh;
# bench.sh leaves its arithmetic to vtep-benchreport).

say() { printf '%s: %s\n' "${BENCH_NAME:-bench}" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "${BENCH_NAME:-bench}" "$*" >&2; exit 1; }
na() { [[ $1 == null ]] && echo n/a || echo "$1"; }

# ---- cleanup: always stop the forwarder we started and remove temp files ----
# CHILD_RC: the stopped forwarder's exit status (empty when none was running).
CHILD="" PREFIX="" TMP="" CHILD_RC=""
stop_child() {  # SIGINT (prints final stats), then SIGTERM, then SIGKILL
  CHILD_RC=""
  [[ -n $CHILD ]] || return 0
  local sig waits
  for sig in INT TERM KILL; do
    kill -0 "$CHILD" 2>/dev/null || break
    [[ $sig == INT ]] || say "pid $CHILD still running, sending SIG$sig"
    kill -"$sig" "$CHILD" 2>/dev/null || true
    [[ $sig == INT ]] && waits=50 || waits=15
    for _ in $(seq 1 "$waits"); do kill -0 "$CHILD" 2>/dev/null || break; sleep 0.2; done
  done
  wait "$CHILD" 2>/dev/null && CHILD_RC=0 || CHILD_RC=$?
  CHILD=""
  # EAL leaves its runtime dir (telemetry socket) behind: remove ours.
  [[ -n $PREFIX ]] && rm -rf "/var/run/dpdk/$PREFIX" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$PREFIX"
  return 0
}
# vtep_exit_ok NAME LOG: after stop_child, fails (says why, shows the log's
# last lines) unless vtep exited 0. Exit 3 is its mbuf leak check; a crash
# or a hang (SIGKILL) at shutdown fails the same way.
vtep_exit_ok() {
  [[ $CHILD_RC == 0 ]] && return 0
  if [[ $CHILD_RC == 3 ]]; then say "$1: mbuf leak at shutdown (exit 3); last lines of $2:"
  else say "$1: exit status ${CHILD_RC:-unknown} at shutdown; last lines of $2:"; fi
  tail -n 8 "$2" | sed 's/^/    /' >&2
  return 1
}
bench_cleanup() { stop_child; [[ -n $TMP ]] && rm -rf "$TMP"; return 0; }
bench_init() {  # create $TMP and install the traps
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/${BENCH_NAME:-bench}.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# ---- EAL memory: hugepages when >= 256 free 2 MiB pages, else --no-huge ----
# Sets HP_FREE and MEM_MODE (huge|nohuge). MEM_MODE=nohuge in the environment
# forces ordinary memory.
detect_mem_mode() {
  HP_FREE=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
  if [[ ${MEM_MODE:-} == nohuge ]]; then return 0; fi
  MEM_MODE=nohuge
  if (( HP_FREE >= 256 )); then
    if ! grep -qs ' hugetlbfs ' /proc/mounts; then
      say "mounting hugetlbfs at /dev/hugepages"
      mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null \
        || say "cannot mount hugetlbfs: falling back to --no-huge"
    fi
    grep -qs ' hugetlbfs ' /proc/mounts && MEM_MODE=huge
  fi
  return 0
}

# eal_mem_args NB_MBUFS MBUF_SIZE TAG [EXTRA_MB]: sets PREFIX and EAL=(memory
# options + --no-pci + --file-prefix). Callers append -l/--lcores and --vdev.
eal_mem_args() {
  local mem
  PREFIX=${BENCH_NAME:-bench}-$$-$3
  mem=$(( $1 * ($2 + 256) / 1048576 + 256 + ${4:-0} ))
  # A run whose pool does not fit the free hugepages (learning churn wants
  # about 1 GB) falls back to ordinary memory rather than failing.
  if [[ $MEM_MODE == huge ]] && (( mem <= HP_FREE * 2 )); then
    EAL=(--in-memory --no-pci --file-prefix "$PREFIX")
  else
    # --no-huge implies legacy memory, which EAL 22.11 refuses with --in-memory:
    # use --no-shconf and a private file prefix instead; -m sized for the pool.
    EAL=(--no-huge -m "$mem" --no-shconf --no-pci --file-prefix "$PREFIX")
  fi
}

# Per-second samples "pps bps" from a testpmd-shaped stats log, summed over
# the ports in $2 (comma list, default "0"). A sample is emitted when the
# block of the highest listed port is seen; samples before the first
# non-zero one are skipped.
samples() {
  [[ -f $1 ]] || return 0  # the forwarder has not written its log yet
  awk -v ports="${2:-0}" '
    BEGIN { n = split(ports, a, ","); for (i = 1; i <= n; i++) { want[a[i]] = 1; if (a[i] + 0 > last) last = a[i] + 0 } }
    /NIC statistics for port/ { if (match($0, /for port [0-9]+/)) p = substr($0, RSTART + 9, RLENGTH - 9) }
    /Rx-pps:/ && (p in want) { pps += $2; bps += $4
      # leading all-zero seconds (a big pcap still being loaded) do not count
      if (p + 0 == last) { if (pps > 0) started = 1; if (started) print pps, bps; pps = 0; bps = 0 } }' "$1"
}

# run_fwd NAME LOG PORTS CMD... : run until WARMUP+DURATION samples, call the
# optional hook function $BEFORE_STOP (e.g. to read counters over the control
# socket), SIGINT, wait. A vtep that does not exit 0 fails the run.
run_fwd() {
  local name=$1 log=$2 ports=$3; shift 3
  local need=$(( WARMUP + DURATION )) deadline=$(( SECONDS + WARMUP + DURATION + 90 )) n=0 rc
  # Background jobs of a non-interactive shell start with SIGINT ignored:
  # restore the default so the forwarder can see (and handle) SIGINT.
  env --default-signal=INT "$@" </dev/null >"$log" 2>&1 &
  CHILD=$!
  while :; do
    n=$(samples "$log" "$ports" | wc -l)
    (( n >= need )) && break
    if ! kill -0 "$CHILD" 2>/dev/null; then
      wait "$CHILD" && rc=0 || rc=$?
      CHILD=""
      stop_child
      say "$name exited early (rc $rc) after $n samples; last lines of $log:"
      tail -n 8 "$log" | sed 's/^/    /' >&2
      return 1
    fi
    if (( SECONDS > deadline )); then
      say "$name: no stats after $(( WARMUP + DURATION + 90 )) s; last lines of $log:"
      tail -n 8 "$log" | sed 's/^/    /' >&2
      stop_child
      return 1
    fi
    sleep 0.5
  done
  [[ -n ${BEFORE_STOP:-} ]] && "$BEFORE_STOP"
  stop_child
  if [[ $name == vtep ]]; then vtep_exit_ok "$name" "$log" || return 1; fi
}

# measure LOG [PORTS] -> "median_pps median_bps pps_csv" over samples
# WARMUP+1..WARMUP+DURATION
measure() {
  samples "$1" "${2:-0}" | sed -n "$(( WARMUP + 1 )),$(( WARMUP + DURATION ))p" | awk '
    { pps[NR] = $1; bps[NR] = $2; csv = csv (NR > 1 ? "," : "") $1 }
    function med(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { if (NR == 0) exit 1; printf "%.0f %.0f %s\n", med(pps, NR), med(bps, NR), csv }'
}

# machine description for reports
cpu_model() { awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown; }
dpdk_version() { dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || echo unknown; }
