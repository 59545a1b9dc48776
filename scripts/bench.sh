#!/usr/bin/env bash
# vtep line-rate benchmark suite: one vtep process on DPDK virtual devices
# (net_pcap replaying a pcap from memory, infinite_rx=1 -> vtep -> net_null,no-rx=1),
# i.e. vtep's own per-core cost, against the I/O ceiling of the same harness
# (vtep io mode and DPDK testpmd io mode).
#
# Usage: scripts/bench.sh [options]
#   --quick           ~1-2 min: sizes "64 1518 9018", 1 worker, 1 run of 1 s (+1 s
#                     warm-up), 30 s soak, no criterion. Not a speed gate: exits 0
#                     when everything ran.
#   --duration S      measured seconds per run after the warm-up (default 5)
#   --warmup S        warm-up seconds per run, not measured (default 2)
#   --runs N          runs per figure; the figure is their median (default 3)
#   --interleave      run round-robin: run 1 of every scenario and size, then
#                     run 2, ...; each figure also gets the median of its
#                     per-run ratios to testpmd io (runs minutes apart on a
#                     noisy host otherwise see different machines)
#   --sizes "A B"     frame sizes INCLUDING the 4-byte FCS
#                     (default "64 128 256 512 1024 1518 4096 9018")
#   --nb-cores LIST   worker counts, comma list (default "1,2")
#   --scenarios LIST  comma list of testpmd,io,encap,decapio,decap,bum,learn,
#                     learnio,drop (default all; decapio and learnio = testpmd io
#                     replaying decap's and the learning churn's own pcaps: the
#                     I/O ceiling of those frames)
#   --learn-macs N    distinct source MACs for the learning churn (default 1048576)
#   --learn-sizes "A" frame sizes for the learning churn (default "64")
#   --soak S          soak seconds (default 600; quick 30; 0 = no soak)
#   --no-criterion    skip the criterion mactable/bridge benches (on by default
#                     in full mode; never in --quick)
#   --no-plot         skip the SVG plots
#   --baseline        build testpmd (scripts/build-testpmd.sh) when not cached
#   --vtep PATH       vtep binary (default: cargo build --release)
#   --portable DIR    don't bench: write a self-contained copy of this suite to
#                     DIR (binaries, their shared libraries, the DPDK PMDs, a
#                     wrapper) to run as DIR/bench.sh on a machine without DPDK
#   -h, --help
# The script runs the forwarders and records what they did (bench-logs/:
# meta.json, samples.jsonl with every run's per-second samples, the logs);
# vtep-benchreport (benches/src/bin) computes the figures and ratios and
# writes the JSON, the Markdown table and the plots.
# Env: OUT (default <repo>/out): bench.json, bench.md, bench-*.svg, bench-logs/;
#      VTEP_CACHE as build-testpmd.sh; MEM_MODE=nohuge forces --no-huge.
set -euo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -f $SELF/PORTABLE ]]; then  # running from a --portable DIR
  PORTABLE_RUN=1 REPO=$SELF LIB=$SELF/lib/bench-common.sh
else
  PORTABLE_RUN=0 REPO=$(cd "$SELF/.." && pwd) LIB=$SELF/lib/bench-common.sh
fi
BENCH_NAME=bench
# shellcheck source=lib/bench-common.sh
. "$LIB"
# shellcheck source=lib/target-dir.sh
. "$SELF/lib/target-dir.sh"
CACHE=${VTEP_CACHE:-$REPO/.cache}
OUTDIR=${OUT:-$REPO/out}

DURATION=5 WARMUP=2 RUNS=3 SOAK=600 CRITERION=1 PLOT=1 BASELINE=0 QUICK=0
SIZES="64 128 256 512 1024 1518 4096 9018" NB_CORES="1,2"
SCENARIOS="testpmd,io,encap,decapio,decap,bum,learn,learnio,drop"
LEARN_MACS=1048576 LEARN_SIZES="64" VTEP_BIN=${VTEP_BIN:-} PORTABLE_DIR=""
INTERLEAVE=0
SET_DURATION="" SET_WARMUP="" SET_RUNS="" SET_SIZES="" SET_SOAK="" SET_CORES=""

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; }
while (( $# )); do
  case $1 in
    --quick) QUICK=1 ;;
    --duration) SET_DURATION=${2:?}; shift ;;
    --runs) SET_RUNS=${2:?}; shift ;;
    --interleave) INTERLEAVE=1 ;;
    --warmup) SET_WARMUP=${2:?}; shift ;;
    --sizes) SET_SIZES=${2:?}; shift ;;
    --nb-cores) SET_CORES=${2:?}; shift ;;
    --scenarios) SCENARIOS=${2:?}; shift ;;
    --learn-macs) LEARN_MACS=${2:?}; shift ;;
    --learn-sizes) LEARN_SIZES=${2:?}; shift ;;
    --soak) SET_SOAK=${2:?}; shift ;;
    --no-criterion) CRITERION=0 ;;
    --no-plot) PLOT=0 ;;
    --baseline) BASELINE=1 ;;
    --vtep) VTEP_BIN=${2:?}; shift ;;
    --portable) PORTABLE_DIR=${2:?}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
if (( QUICK )); then
  DURATION=1 WARMUP=1 RUNS=1 SOAK=30 CRITERION=0 SIZES="64 1518 9018" NB_CORES=1
fi
DURATION=${SET_DURATION:-$DURATION} WARMUP=${SET_WARMUP:-$WARMUP} RUNS=${SET_RUNS:-$RUNS} SIZES=${SET_SIZES:-$SIZES}
SOAK=${SET_SOAK:-$SOAK} NB_CORES=${SET_CORES:-$NB_CORES}
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "--duration must be a positive integer"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
[[ $SOAK =~ ^[0-9]+$ ]] || die "--soak must be an integer"
[[ $LEARN_MACS =~ ^[1-9][0-9]*$ ]] || die "--learn-macs must be a positive integer"
for s in $SIZES $LEARN_SIZES; do
  [[ $s =~ ^[0-9]+$ ]] && (( s >= 64 && s <= 9018 )) || die "frame size '$s' not in 64..9018"
done
NB_LIST=${NB_CORES//,/ }
for n in $NB_LIST; do [[ $n =~ ^[1-9][0-9]*$ ]] && (( n <= 64 )) || die "bad --nb-cores entry '$n'"; done
has() { [[ ,$SCENARIOS, == *,$1,* ]]; }

bench_init

# ============================================================== portable mode
make_portable() {
  local d=$1 b f
  say "building release binaries"
  ( cd "$REPO" && cargo build -q --release --bin vtep -p control 2>/dev/null || cargo build -q --release --bin vtep ) \
    || die "cargo build of vtep failed"
  ( cd "$REPO" && cargo build -q --release -p vtep-benches --bins ) || die "cargo build of vtep-benches failed"
  local target
  target=$(vtep_target_dir)/release
  if [[ ! -x $CACHE/dpdk-testpmd ]]; then
    (( BASELINE )) && "$REPO/scripts/build-testpmd.sh"
    [[ -x $CACHE/dpdk-testpmd ]] || say "no testpmd ($CACHE/dpdk-testpmd): the portable dir will skip the baseline (use --baseline)"
  fi
  # EAL refuses a plugin dir (-d) below a world-writable directory (/tmp).
  local up=$d
  while [[ $up != / ]]; do
    [[ $(stat -c %A "$up") == ????????w? ]] && die "--portable $d: $up is world-writable, and EAL would refuse DIR/pmds there; pick a directory outside /tmp"
    up=$(dirname "$up")
  done
  rm -rf "$d/libexec" "$d/lib" "$d/pmds" "$d/bin"
  mkdir -p "$d/libexec" "$d/lib" "$d/pmds" "$d/bin"
  cp "$target/vtep" "$target/vtep-pcapgen" "$target/vtep-benchreport" "$d/libexec/"
  [[ -x $CACHE/dpdk-testpmd ]] && cp "$CACHE/dpdk-testpmd" "$d/libexec/"
  # PMDs the benches load (the Debian DPDK loads its pmds-XX.Y dir by default;
  # elsewhere the wrapper passes -d DIR/pmds).
  local pmddir
  pmddir=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* 2>/dev/null | head -n1)
  [[ -n $pmddir ]] || die "no /usr/lib/x86_64-linux-gnu/dpdk/pmds-* (is DPDK installed?)"
  for f in librte_net_pcap librte_net_null librte_mempool_ring; do
    # one file per driver: -d DIR loads every file in it, twice if a driver
    # came as both .so.23 and .so.23.0
    b=$(ls "$pmddir/$f.so."* 2>/dev/null | sort | head -n1)
    [[ -n $b ]] || die "PMD $f not found in $pmddir"
    cp -L "$b" "$d/pmds/$f.so"  # EAL -d DIR loads only *.so and *.so.<ABI>.0
  done
  # Every shared library any of them needs, the loader and libc included, so
  # nothing comes from the target's system paths.
  for f in "$d"/libexec/* "$d"/pmds/*; do
    ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }'
  done | sort -u | while read -r f; do cp -L "$f" "$d/lib/"; done
  [[ -e $d/lib/ld-linux-x86-64.so.2 ]] || die "loader not found by ldd"
  for b in vtep vtep-pcapgen vtep-benchreport dpdk-testpmd; do
    [[ -e $d/libexec/$b ]] || continue
    cat >"$d/bin/$b" <<WRAP
#!/bin/sh
# Runs $b with the libraries of this directory, through its own loader.
D=\$(cd "\$(dirname "\$0")/.." && pwd)
BIN=$b
WRAP
    cat >>"$d/bin/$b" <<'WRAP'
export LD_LIBRARY_PATH="$D/lib"
# vtep: add the PMD directory to the EAL options (not for `vtep ctl`).
if [ "$BIN" = vtep ] && [ "${1:-}" != ctl ]; then
  # The Debian EAL also loads its built-in PMD dir when it exists; a second
  # copy of the same drivers panics ("tailq is already registered"). Where
  # the machine has that dir, hide it behind ours in a private mount
  # namespace (root + unshare), else say so.
  SYS=@PMDDIR@
  if [ -d "$SYS" ]; then
    if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
      exec unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
        "$D/pmds" "$SYS" "$D/lib/ld-linux-x86-64.so.2" --library-path "$D/lib" "$D/libexec/$BIN" -d "$D/pmds" "$@"
    fi
    echo "vtep (portable): $SYS exists and cannot be hidden (need root + unshare): EAL may load its drivers twice" >&2
  fi
  exec "$D/lib/ld-linux-x86-64.so.2" --library-path "$D/lib" "$D/libexec/$BIN" -d "$D/pmds" "$@"
fi
exec "$D/lib/ld-linux-x86-64.so.2" --library-path "$D/lib" "$D/libexec/$BIN" "$@"
WRAP
    sed -i "s|@PMDDIR@|$pmddir|" "$d/bin/$b"
    chmod +x "$d/bin/$b"
  done
  mkdir -p "$d/lib"
  cp "$REPO/scripts/bench.sh" "$d/bench.sh"
  cp "$REPO/scripts/lib/bench-common.sh" "$REPO/scripts/lib/target-dir.sh" "$d/lib/"
  printf 'portable vtep bench suite, built %s from %s\n' "$(date -u +%FT%TZ)" \
    "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)" >"$d/PORTABLE"
  say "portable suite in $d ($(du -sh "$d" | cut -f1)): run $d/bench.sh [--quick] [--nb-cores 1,2,4,8]"
}
if [[ -n $PORTABLE_DIR ]]; then
  (( PORTABLE_RUN )) && die "--portable: already a portable copy"
  make_portable "$(mkdir -p "$PORTABLE_DIR" && cd "$PORTABLE_DIR" && pwd)"
  exit 0
fi

# ============================================================== binaries
cd "$REPO"
if (( PORTABLE_RUN )); then
  PCAPGEN=$REPO/bin/vtep-pcapgen
  VTEP_BIN=${VTEP_BIN:-$REPO/bin/vtep}
  TESTPMD=$REPO/bin/dpdk-testpmd
  REPORT=$REPO/bin/vtep-benchreport
  CRITERION=0
else
  TESTPMD=$CACHE/dpdk-testpmd
  TARGET=$(vtep_target_dir)
  say "building vtep-pcapgen and vtep-benchreport (cargo build --release -p vtep-benches)"
  cargo build -q --release -p vtep-benches --bins || die "cargo build of vtep-benches failed"
  PCAPGEN=$TARGET/release/vtep-pcapgen
  REPORT=$TARGET/release/vtep-benchreport
  if [[ -z $VTEP_BIN ]]; then
    say "building vtep (cargo build --release --bin vtep)"
    cargo build -q --release --bin vtep || die "cargo build of vtep failed"
    VTEP_BIN=$TARGET/release/vtep
  fi
  if { has testpmd || has decapio || has learnio; } && [[ ! -x $TESTPMD ]] && (( BASELINE )); then
    "$REPO/scripts/build-testpmd.sh" || die "build-testpmd.sh failed"
  fi
fi
[[ -x $VTEP_BIN ]] || die "vtep binary $VTEP_BIN is not executable"
[[ -x $REPORT ]] || die "vtep-benchreport ($REPORT) is not executable"
if { has testpmd || has decapio || has learnio; } && [[ ! -x $TESTPMD ]]; then
  say "testpmd not built ($TESTPMD): no baseline, no ratios (pass --baseline to build it, ~20 s)"
  SCENARIOS=${SCENARIOS//testpmd/} SCENARIOS=${SCENARIOS//decapio/} SCENARIOS=${SCENARIOS//learnio/}
fi

detect_mem_mode
NPROC=$(nproc)
mkdir -p "$OUTDIR"
LOGS=$OUTDIR/bench-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"

# lcores N -> LCORES (EAL args) and LCORE_DESC: main lcore 0 on CPU 0, worker
# i on CPU i; on a machine with fewer CPUs than lcores, lcore i runs on CPU
# i mod nproc (so workers share CPUs, the main lcore's one first).
lcores() {
  local n=$1 i m=()
  if (( n + 1 <= NPROC )); then
    LCORES=(-l "0-$n"); LCORE_DESC="main lcore 0 on CPU 0, workers on CPUs 1-$n"
  else
    for (( i = 0; i <= n; i++ )); do m+=("$i@$(( i % NPROC ))"); done
    LCORES=(--lcores "$(IFS=,; echo "${m[*]}")")
    LCORE_DESC="only $NPROC CPUs: lcores ${m[*]} (lcore@CPU; main is lcore 0, workers share CPUs)"
  fi
}

# ============================================================== scenarios
# Each worker k gets a group of G ports, contiguous in port order, so that
# vtep's (and testpmd's) contiguous spreading of streams over workers gives
# worker k exactly group k: one (learn: two) net_pcap RX port(s) and net_null
# sinks. VLAN 100+k / VNI 100+k belong to group k. Group 0's first sink is
# the underlay; in groups k>0 that slot is a pad (an access port in local-only
# VLAN 3000+k that never receives) so every worker polls the same ports.
#
# gen_scenario SCEN N SIZE TAG: sets VDEVS (array), RXPORTS (csv of the pcap
# port ids), CFG (config file or ""), PCAPS (files), NPCAP, STORED (bytes of
# the pcap records), INNER (customer frame bytes, no FCS), MPL, MBUF, EXTRA
# (vtep options), SKIP (reason, or "").
gen_scenario() {
  local scen=$1 n=$2 size=$3 tag=$4 k p=0 np=0 nn=0 vid acc_mtu ul_mtu pcap
  VDEVS=() RXPORTS="" CFG="" SKIP="" EXTRA=() NPCAP=0
  INNER=$(( size - 4 )) STORED=$(( size - 4 ))
  if (( size <= 1518 )); then MBUF=2176 MPL=1600 acc_mtu=1500 ul_mtu=1550
  else MBUF=10240 MPL=9216 acc_mtu=9000 ul_mtu=9100; fi
  case $scen in
    decap|decapio|drop) STORED=$(( INNER + 50 )) ;;
    learn|learnio) [[ " $LEARN_SIZES " == *" $size "* ]] || { SKIP="learning churn runs at --learn-sizes ($LEARN_SIZES) only"; return 0; }
           MBUF=$(( size <= 192 ? 320 : MBUF )) ;;
  esac
  pcap=$TMP/$scen-$size.pcap
  [[ $scen == learnio ]] && pcap=$TMP/learn-$size.pcap  # the same frames as learn
  [[ $scen == decapio ]] && pcap=$TMP/decap-$size.pcap  # the same frames as decap
  case $scen in
    testpmd|io) MPL=$(( size <= 1518 ? 1518 : 9216 ))
                gen "$pcap" --kind udp --size "$STORED" --count 1024 --flows 64 --macs 16 ;;
    encap) gen "$pcap" --kind udp --size "$STORED" --count 1024 --flows 64 --macs 16 ;;
    bum)   gen "$pcap" --kind udp --size "$STORED" --count 1024 --flows 64 --macs 16 --dst-mac ff:ff:ff:ff:ff:ff ;;
    learn|learnio) gen "$pcap" --kind udp --size "$STORED" --count "$LEARN_MACS" --macs "$LEARN_MACS" --flows 64 ;;
    decap|decapio) gen "$pcap" --kind vxlan --size "$STORED" --count 1024 --flows 64 --macs 16 --vni 100 ;;
    drop)  gen "$pcap" --kind mixed-bad --size "$STORED" --count 1000 --flows 64 --macs 16 --vni 100 ;;
  esac
  PCAPS=("$pcap")
  # net_pcap has as many TX queues as tx_pcap= arguments (1 without): in
  # vxlan mode each worker needs its own TX queue on every port, so N
  # workers get N tx_pcap=/dev/null (never written: nothing is sent back
  # to an ingress port in these scenarios).
  local txa="" i
  if [[ $scen != testpmd && $scen != io ]] && (( n > 1 )); then
    for (( i = 0; i < n; i++ )); do txa+=",tx_pcap=/dev/null"; done
  fi
  add_pcap() {  # [QUEUES]: one RX queue per rx_pcap= (each replays the pcap)
    local q rxa=""
    for (( q = 0; q < ${1:-1}; q++ )); do rxa+=",rx_pcap=$pcap"; done
    RXPORTS+="${RXPORTS:+,}$p"; VDEVS+=(--vdev "net_pcap$np${rxa},infinite_rx=1$txa"); DEV="net_pcap$np"
    np=$(( np + 1 )); p=$(( p + 1 )); NPCAP=$(( NPCAP + ${1:-1} ))
  }
  add_null() { VDEVS+=(--vdev "net_null$nn,no-rx=1"); DEV="net_null$nn"; nn=$(( nn + 1 )); p=$(( p + 1 )); }
  [[ $scen == testpmd || $scen == io || $scen == decapio ]] && { for (( k = 0; k < n; k++ )); do add_pcap; add_null; done; return 0; }
  # The learning churn's ceiling: its two 1 M-frame pcaps per worker, each
  # forwarded by testpmd io to a sink. Replaying 2 M distinct stored frames
  # misses the caches in net_pcap itself, which the small io pcap never does.
  if [[ $scen == learnio ]]; then
    for (( k = 0; k < n; k++ )); do add_pcap; add_null; add_pcap; add_null; done
    # net_pcap has no scatter: frames and --max-pkt-len fit one small mbuf.
    (( MBUF < 2048 )) && MPL=$(( MBUF - 128 ))
    return 0
  fi

  CFG=$TMP/$scen-$n-$size.toml
  local ifs="" vlans="" smac="" pads=""
  iface() {  # name device mode vlan-list
    ifs+=$'\n'"[interfaces.$1]"$'\n'"device = \"$2\""$'\n'"interface-mode = \"$3\""$'\n'"vlan-members = [$4]"$'\n'"mtu = $acc_mtu"$'\n'
  }
  ul_or_pad() {  # group k's underlay slot
    add_null
    if (( k == 0 )); then
      ifs+=$'\n'"[interfaces.ul]"$'\n'"device = \"$DEV\""$'\n'"address = \"192.168.0.1/24\""$'\n'"mtu = $ul_mtu"$'\n'
      ifs+='static-arp = [{ address = "192.168.0.2", mac = "02:00:00:00:01:02" }]'$'\n'
    else
      iface "pad$k" "$DEV" access "\"pad$k\""
      pads+=$'\n'"[vlans.pad$k]"$'\n'"vlan-id = $(( 3000 + k ))"$'\n'
    fi
  }
  if [[ $scen == decap || $scen == drop ]]; then  # ul = net_pcap0 (N RX queues), acc0 = net_null0
    # One underlay port, as in a real VTEP: N workers poll its N queues
    # (vxlan mode gives worker k queue k of every port, RSS's layout).
    k=0; add_pcap "$n"
    (( n > 1 )) && EXTRA=(--rxq "$n")
    ifs+=$'\n'"[interfaces.ul]"$'\n'"device = \"$DEV\""$'\n'"address = \"192.168.0.1/24\""$'\n'"mtu = $ul_mtu"$'\n'
    ifs+='static-arp = [{ address = "192.168.0.2", mac = "02:00:00:00:01:02" }]'$'\n'
    add_null; iface acc0 "$DEV" access '"v100"'
    smac='{ vlan = "v100", mac = "02:00:00:00:00:ff", interface = "acc0" }'
  fi
  for (( k = 0; k < n; k++ )); do
    vid=$(( 100 + k ))
    vlans+=$'\n'"[vlans.v$vid]"$'\n'"vlan-id = $vid"$'\n'"[vlans.v$vid.vxlan]"$'\n'"vni = $vid"$'\n'"multicast-group = \"239.1.1.$vid\""$'\n'
    case $scen in
      encap)
        add_pcap; iface "in$k" "$DEV" access "\"v$vid\""; ul_or_pad
        smac+="${smac:+, }{ vlan = \"v$vid\", mac = \"02:00:00:00:00:ff\", remote-vtep = \"192.168.0.2\" }" ;;
      bum)
        add_pcap; iface "in$k" "$DEV" access "\"v$vid\""; ul_or_pad
        add_null; iface "acc$k" "$DEV" access "\"v$vid\""
        add_null; iface "trk$k" "$DEV" trunk "\"v$vid\"" ;;
      learn)
        add_pcap; iface "a$k" "$DEV" access "\"v$vid\""
        add_pcap; iface "b$k" "$DEV" access "\"v$vid\""; ul_or_pad
        smac+="${smac:+, }{ vlan = \"v$vid\", mac = \"02:00:00:00:00:ff\", remote-vtep = \"192.168.0.2\" }" ;;
    esac
  done
  {
    printf '# generated by scripts/bench.sh: scenario %s, %s worker(s), %s-byte frames\n' "$scen" "$n" "$size"
    printf '[vtep]\nsource-interface = "ul"\n%s%s%s\n[ethernet-switching]\n' "$ifs" "$vlans" "$pads"
    if [[ $scen == learn ]]; then
      printf 'mac-table-size = %s\nmac-table-aging-time = 0\n' $(( 2 * n * LEARN_MACS > 65536 ? 2 * n * LEARN_MACS : 65536 ))
    fi
    [[ -n $smac ]] && printf 'static-mac = [%s]\n' "$smac"
  } >"$CFG"
  if [[ $scen == learn ]] && (( MBUF < 2048 )); then EXTRA=(--enable-scatter); fi
  return 0
}
gen() {  # gen FILE pcapgen-args... (cached per file)
  local f=$1; shift
  [[ -s $f ]] && return 0
  "$PCAPGEN" "$@" -o "$f" 2>/dev/null || die "vtep-pcapgen $* failed"
}

# ============================================================== one run
CTL_SOCK="" CTL_OUT=""
read_counters() {  # BEFORE_STOP hook: keep the vxlan counters of the run
  [[ -n $CTL_SOCK ]] || return 0
  { "$VTEP_BIN" ctl --socket "$CTL_SOCK" show vlans --json
    "$VTEP_BIN" ctl --socket "$CTL_SOCK" show interfaces --json; } >"$CTL_OUT" 2>&1 || true
}
BEFORE_STOP=read_counters

# run_one SCEN N SIZE RUN: one run, its stats in $LOGS/TAG.log (RUN_LOG), or fails
run_one() {
  local scen=$1 n=$2 size=$3 r=$4 tag=$1-$2w-$3-r$4 mbufs log
  gen_scenario "$scen" "$n" "$size" "$tag"
  lcores "$n"
  local count=1024
  [[ $scen == learn || $scen == learnio ]] && count=$LEARN_MACS
  mbufs=$(( NPCAP * count + ${#VDEVS[@]} / 2 * (n + 3) * 1024 + (n + 1) * 1024 + 8192 ))
  eal_mem_args "$mbufs" "$MBUF" "$tag"
  EAL=("${LCORES[@]}" "${EAL[@]}" "${VDEVS[@]}")
  log=$LOGS/$tag.log
  CTL_SOCK="" CTL_OUT=""
  if [[ $scen == testpmd || $scen == decapio || $scen == learnio ]]; then
    run_fwd testpmd "$log" "$RXPORTS" "$TESTPMD" "${EAL[@]}" -- --forward-mode=io --nb-cores="$n" \
      --rxq=1 --txq=1 --auto-start --stats-period=1 --mbuf-size="$MBUF" \
      --max-pkt-len="$MPL" --total-num-mbufs="$mbufs" || return 1
  else
    local mode=(--forward-mode io)
    if [[ -n $CFG ]]; then
      CTL_SOCK=$TMP/ctl.sock CTL_OUT=$LOGS/$tag.counters.json
      mode=(--forward-mode vxlan --config "$CFG" --ctl-socket "$CTL_SOCK" --txq "$n")
    fi
    run_fwd vtep "$log" "$RXPORTS" "$VTEP_BIN" "${EAL[@]}" -- "${mode[@]}" --nb-cores "$n" \
      --stats-period 1 --mbuf-size "$MBUF" --max-pkt-len "$MPL" --total-num-mbufs "$mbufs" \
      "${EXTRA[@]}" || return 1
  fi
  RUN_LOG=$log
}

# ============================================================== main loop
# What ran is recorded for vtep-benchreport, which does the arithmetic: a
# meta file, then one JSON line per cell (report order) and one per run
# (its per-second samples, warm-up included, and vtep's counters file).
say "EAL memory: $MEM_MODE (free 2M hugepages: $HP_FREE); $NPROC CPUs; $RUNS run(s) x ${DURATION}s after ${WARMUP}s warm-up"
say "scenarios: $SCENARIOS; sizes: $SIZES; workers: $NB_LIST"
FAILED=0
ORDER=(testpmd io encap decapio decap bum learnio learn drop)
META=$LOGS/meta.json SAMPLES=$LOGS/samples.jsonl
jbool() { (( $1 )) && echo true || echo false; }
jlist() { local IFS=,; echo "$*"; }
write_meta() {
  local n lc=() sc=() s
  for n in $NB_LIST; do lcores "$n"; lc+=("{\"workers\": $n, \"desc\": \"$LCORE_DESC\"}"); done
  for s in "${ORDER[@]}"; do has "$s" && sc+=("\"$s\""); done
  local cpu rev
  cpu=$(cpu_model)
  rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || cat "$REPO/PORTABLE" 2>/dev/null | awk '{print $NF}' || echo unknown)
  printf '{"bench": "vtep line-rate suite", "date": "%s", "git_rev": "%s", "cpu": "%s", "nproc": %s, "dpdk": "%s", "eal_memory": "%s", "quick": %s, "duration_s": %s, "warmup_s": %s, "runs": %s, "interleaved": %s, "learn_macs": %s, "lcores": [%s], "sizes": [%s], "scenarios": [%s]}\n' \
    "$(date -u +%FT%TZ)" "$rev" "${cpu//\"/}" "$NPROC" "$(dpdk_version)" "$MEM_MODE" "$(jbool "$QUICK")" \
    "$DURATION" "$WARMUP" "$RUNS" "$(jbool "$INTERLEAVE")" "$LEARN_MACS" "$(jlist "${lc[@]}")" "$(jlist $SIZES)" "$(jlist "${sc[@]}")" >"$META"
}
write_meta
: >"$SAMPLES"
declare -A SKIPPED
# run_cell SCEN N SIZE R: one run, recorded with its samples
run_cell() {
  local scen=$1 n=$2 size=$3 r=$4 f pps="" bps=""
  say "$scen, $n worker(s), ${size}B: run $r/$RUNS"
  RUN_LOG=""
  if run_one "$scen" "$n" "$size" "$r"; then
    local sm
    sm=$(samples "$RUN_LOG" "$RXPORTS")
    pps=$(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }' <<<"$sm")
    bps=$(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $2 }' <<<"$sm")
  else
    FAILED=1
  fi
  f=$LOGS/$scen-${n}w-$size-r$r.counters.json
  [[ -f $f ]] && f="\"$f\"" || f=null
  printf '{"kind": "run", "scenario": "%s", "workers": %s, "frame_size": %s, "round": %s, "rx_pps": [%s], "rx_bps": [%s], "counters": %s}\n' \
    "$scen" "$n" "$size" "$r" "$pps" "$bps" "$f" >>"$SAMPLES"
}
for n in $NB_LIST; do
  lcores "$n"
  CELLS=()  # "scen size", in report order; a skipped learn size once
  for scen in "${ORDER[@]}"; do
    has "$scen" || continue
    for size in $SIZES; do
      gen_scenario "$scen" "$n" "$size" probe
      if [[ -n $SKIP ]]; then
        [[ $scen == learn && $size != "${SIZES%% *}" ]] && continue  # say it once
        SKIPPED[$scen,$n,$size]=$SKIP
        printf '{"kind": "cell", "scenario": "%s", "workers": %s, "frame_size": %s, "skipped": "%s"}\n' "$scen" "$n" "$size" "$SKIP" >>"$SAMPLES"
      else
        printf '{"kind": "cell", "scenario": "%s", "workers": %s, "frame_size": %s, "stored_size": %s, "inner_size": %s, "pcap_ports": %s, "mbuf_size": %s, "max_pkt_len": %s}\n' \
          "$scen" "$n" "$size" "$STORED" "$INNER" "$NPCAP" "$MBUF" "$MPL" >>"$SAMPLES"
      fi
      CELLS+=("$scen $size")
    done
  done
  JOBS=()  # "scen size run": all runs of a figure in a row, or round-robin
  if (( INTERLEAVE )); then
    for (( r = 1; r <= RUNS; r++ )); do for c in "${CELLS[@]}"; do JOBS+=("$c $r"); done; done
  else
    for c in "${CELLS[@]}"; do for (( r = 1; r <= RUNS; r++ )); do JOBS+=("$c $r"); done; done
  fi
  for j in "${JOBS[@]}"; do
    read -r scen size r <<<"$j"
    [[ -n ${SKIPPED[$scen,$n,$size]:-} ]] || run_cell "$scen" "$n" "$size" "$r"
  done
  # The figures of this worker count; fails when a scenario's counters do
  # not show the path it is about.
  "$REPORT" figures --meta "$META" --samples "$SAMPLES" --workers "$n" || FAILED=1
done

# ============================================================== soak
SOAK_JSON=null  # the soak's verdict, for the log
if (( SOAK > 0 )); then
  say "soak: learning churn, 1 worker, $(echo "$LEARN_SIZES" | awk '{print $1}')B, ${SOAK}s, VmRSS every second"
  ssize=$(echo "$LEARN_SIZES" | awk '{print $1}')
  gen_scenario learn 1 "$ssize" soak
  lcores 1
  mbufs=$(( NPCAP * LEARN_MACS + ${#VDEVS[@]} / 2 * 4 * 1024 + 2048 + 8192 ))
  eal_mem_args "$mbufs" "$MBUF" soak
  EAL=("${LCORES[@]}" "${EAL[@]}" "${VDEVS[@]}")
  slog=$LOGS/soak.log rss=$LOGS/soak-rss.txt
  env --default-signal=INT "$VTEP_BIN" "${EAL[@]}" -- --forward-mode vxlan --config "$CFG" \
    --ctl-socket "$TMP/ctl.sock" --stats-period 10 --mbuf-size "$MBUF" --max-pkt-len "$MPL" \
    --total-num-mbufs "$mbufs" "${EXTRA[@]}" </dev/null >"$slog" 2>&1 &
  CHILD=$!
  : >"$rss"
  for (( s = 1; s <= SOAK; s++ )); do
    sleep 1
    kill -0 "$CHILD" 2>/dev/null || break
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$CHILD/status" 2>/dev/null || true)
    [[ -n $kb ]] && echo "$s $kb" >>"$rss"
  done
  alive=0; kill -0 "$CHILD" 2>/dev/null && alive=1
  CTL_SOCK=$TMP/ctl.sock CTL_OUT=$LOGS/soak.counters.json; read_counters
  stop_child
  if (( alive )); then vtep_exit_ok soak "$slog" || FAILED=1; fi
  "$REPORT" soak --rss "$rss" --seconds "$SOAK" $( (( alive )) || echo --died) >"$LOGS/soak.json" || FAILED=1
  SOAK_JSON=$(cat "$LOGS/soak.json")
  say "soak: $SOAK_JSON"
  [[ $SOAK_JSON == *'"vtep died"'* ]] && FAILED=1
fi

# ============================================================== criterion
if (( CRITERION )); then
  say "criterion: cargo bench -p vtep-benches --bench mactable --bench bridge (a few minutes)"
  since=$(date +%s)
  if cargo bench -q -p vtep-benches --bench mactable --bench bridge >"$LOGS/criterion.log" 2>&1 &&
     "$REPORT" criterion --dir "$TARGET/criterion" --since "$since" >"$LOGS/criterion.json"; then
    say "criterion: $(cat "$LOGS/criterion.json")"
  else
    say "criterion benches failed: see $LOGS/criterion.log"; FAILED=1; rm -f "$LOGS/criterion.json"
  fi
fi

# ============================================================== report
extra=()
[[ -s $LOGS/soak.json ]] && extra+=(--soak "$LOGS/soak.json")
[[ -s $LOGS/criterion.json ]] && extra+=(--criterion "$LOGS/criterion.json")
"$REPORT" report --meta "$META" --samples "$SAMPLES" "${extra[@]}" --out "$OUTDIR" || die "vtep-benchreport report failed"
echo; cat "$OUTDIR/bench.md"

if (( PLOT )); then
  "$REPORT" plot "$OUTDIR/bench.json" "$OUTDIR" >&2 || { say "plotting failed (vtep-benchreport plot)"; FAILED=1; }
fi
say "raw numbers: $OUTDIR/bench.json, table: $OUTDIR/bench.md, samples: $SAMPLES, logs: $LOGS"
exit "$FAILED"
