#!/usr/bin/env bash
# scripts/lab.sh: the seed lab ("Vmotion over a VXLAN overlay": two EX9200
# spines stretching VLAN 10 (NFS to a NetApp) and VLAN 100 (VM data) over
# VXLAN) on one machine, in network namespaces joined by veth pairs.
#
#   scripts/lab.sh up      [--spines vtep|kernel] [--spine1 vtep|kernel] [--spine2 vtep|kernel]
#   scripts/lab.sh test    (every check in scripts/lab/checks/, in order, on the spines `up` built)
#   scripts/lab.sh check NAME...  (those checks only: "07", "vmotion-rarp" or "07-vmotion-rarp")
#   scripts/lab.sh list    (the checks, one a line)
#   scripts/lab.sh vmotion [--to host1|host2] [--garp]
#   scripts/lab.sh status
#   scripts/lab.sh down    (idempotent; removes every namespace, veth and process the lab made)
#
# Each spine is either vtep (the DPDK binary on net_af_packet over the
# spine's veths, --forward-mode vxlan) or the Linux kernel (a VLAN-aware
# bridge with vxlan10/vxlan100 ports and IRB addresses). --spines sets both;
# --spine1/--spine2 override one (kernel as spine2 is the interop test).
#
#                      core (br0, IGMP snooping + querier, 192.168.24.0/24)
#                     /                                   \
#      spine1 192.168.24.4 (EX9200-1)          spine2 192.168.24.5 (EX9200-2)
#      et-2/2/1        ge-7/0/0                         et-2/2/1
#        |               |                                 |
#      leaf1           netapp 100.10.1.254 (v10)         leaf2
#      |    \                                              |
#    host1  client 100.1.1.40 (v100)                     host2 -- vm 100.1.1.30 (v100)
#    vmk1 100.10.1.4 (v10), vmk0 100.1.1.4 (v100)        vmk1 100.10.1.5, vmk0 100.1.1.5
#
# The topology is built here (names, addresses and building blocks in
# scripts/lab/lib.sh); the checks are scripts/lab/checks/NN-name.sh.
# Environment: LAB_PREFIX (default "lab-", at most 4 characters) prefixes
# every namespace and veth; VTEP (default: release/vtep in cargo's target
# directory, CARGO_TARGET_DIR honoured); VTEP_START_TIMEOUT (seconds,
# default 60); LAB_STATE (default /tmp/vtep-lab).
set -uo pipefail

# shellcheck source=lab/lib.sh
. "$(dirname "$0")/lab/lib.sh"
cd "$REPO"

usage() {
  sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------- options --
VM_TO=""; GARP=0
parse_opts() {
  local spines=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --spines) spines=${2:-}; shift 2 ;;
      --spines=*) spines=${1#*=}; shift ;;
      --spine1) MODE1=${2:-}; shift 2 ;;
      --spine1=*) MODE1=${1#*=}; shift ;;
      --spine2) MODE2=${2:-}; shift 2 ;;
      --spine2=*) MODE2=${1#*=}; shift ;;
      --to) VM_TO=${2:-}; shift 2 ;;
      --garp) GARP=1; shift ;;
      --rarp) GARP=0; shift ;;
      -h|--help) usage; exit 0 ;;
      *) die "unknown option '$1' (see: $0 --help)" ;;
    esac
  done
  if [ -n "$spines" ]; then
    [ -z "$MODE1" ] && MODE1=$spines
    [ -z "$MODE2" ] && MODE2=$spines
  fi
  for m in "$MODE1" "$MODE2"; do
    case "$m" in ""|vtep|kernel) ;; *) die "spine kind '$m': expected vtep or kernel" ;; esac
  done
}

# The spines `up` built; options given to test/vmotion must agree with them.

# ------------------------------------------------------------------- down --
cmd_down() {
  local n pid ns rc failed=0
  for n in 1 2; do
    pid=$(cat "$STATE/spine$n.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa vtep "/proc/$pid/cmdline" 2>/dev/null; then
      log "stopping vtep spine$n (pid $pid)"
      [ -x "$VTEP" ] && timeout 5 "$VTEP" ctl --socket "$(spine_sock $n)" quit >/dev/null 2>&1 || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    # The spine's exit status, kept by the shell that waited for it: any
    # but 0 fails `down` (3 is vtep's mbuf leak check), after the teardown.
    if [ -n "$pid" ]; then
      for _ in $(seq 20); do [ -s "$STATE/spine$n.rc" ] && break; sleep 0.1; done
      rc=$(cat "$STATE/spine$n.rc" 2>/dev/null || true)
      case "$rc" in
        0) ;;
        3) echo "lab: error: vtep spine$n leaked mbufs at shutdown (exit 3); last lines of $STATE/spine$n.log:" >&2
           tail -n 5 "$STATE/spine$n.log" 2>/dev/null | sed 's/^/    /' >&2; failed=1 ;;
        '') echo "lab: error: vtep spine$n (pid $pid) left no exit status" >&2; failed=1 ;;
        *) echo "lab: error: vtep spine$n exited $rc at shutdown; last lines of $STATE/spine$n.log:" >&2
           tail -n 5 "$STATE/spine$n.log" 2>/dev/null | sed 's/^/    /' >&2; failed=1 ;;
      esac
    fi
    rm -f "$STATE/spine$n.pid" "$STATE/spine$n.rc" "$(spine_sock $n)"
    rm -rf "/var/run/dpdk/${P}spine$n"
  done
  # Every process still inside a lab namespace was started by this script
  # (ping, iperf3, tcpdump, tshark, vtep): end them by id.
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${P}" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  done
  sleep 0.2
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${P}" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null && log "deleted namespace $ns"
  done
  # Stray ends in the root namespace (a half-built veth).
  for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^${P}" || true); do
    ip link del "$l" 2>/dev/null && log "deleted stray link $l"
  done
  rm -f "$STATE/modes" "$STATE/vm_at"
  local left
  left=$(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${P}" || true)
  [ -z "$left" ] || { echo "lab: error: namespaces left: $left" >&2; return 1; }
  log "down: nothing of the lab is left"
  return "$failed"
}

# --------------------------------------------------------------------- up --
need_tools() {
  local missing=() t
  for t in ip bridge tc clang ethtool ping tcpdump tshark iperf3 jq; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  "$PY" -c 'import socket' 2>/dev/null || missing+=("python3")
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -q >/dev/null
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q ethtool iproute2 clang iputils-ping tcpdump tshark iperf3 python3 jq >/dev/null
  fi
}


build_core() {
  # The querier: IGMPv3 like vtep's config, a 10 s query interval and quick
  # startup queries so joins show in `bridge mdb show` within seconds.
  nsx "$NS_CORE" ip link add br0 type bridge stp_state 0 mcast_snooping 1 mcast_querier 1 \
    mcast_igmp_version 3 mcast_query_use_ifaddr 1 mcast_query_interval 1000 \
    mcast_query_response_interval 500 mcast_startup_query_count 3 mcast_startup_query_interval 200
  # Pass LLDP (01:80:c2:00:00:0e) between the spines, as the seed's core
  # links let each switch see its neighbour.
  nsx "$NS_CORE" ip link set br0 type bridge group_fwd_mask 0x4000
  nsx "$NS_CORE" ip link set br0 mtu 9216 up
  nsx "$NS_CORE" ip addr add "$CORE_IP/24" dev br0
}

build_spine_kernel() {   # build_spine_kernel N UNDERLAY TRUNK [NETAPP]
  local n=$1 ul=$2 tr=$3 na=${4:-} ns ip
  ns=$(spine_ns "$n"); [ "$n" = 1 ] && ip=$S1_IP || ip=$S2_IP
  nsx "$ns" ip addr add "$ip/24" dev "$ul"
  # The trunk (v10+v100) and ge-7/0/0 (v10) carry tags; each vxlanN is an
  # access port of VLAN N (VNI N carries the frame untagged).
  mkbridge "$ns" br0 9000
  port "$ns" br0 "$tr"
  if [ -n "$na" ]; then port "$ns" br0 "$na"; fi
  local vni
  for vni in 10 100; do
    nsx "$ns" ip link add "vxlan$vni" type vxlan id "$vni" group "239.1.1.$vni" dev "$ul" \
      dstport 4789 local "$ip" ttl 64 learning
    nsx "$ns" ip link set "vxlan$vni" mtu 9000
    port "$ns" br0 "vxlan$vni" "$vni"
    nsx "$ns" ip link set "vxlan$vni" up
  done
  # IRBs: irb.10 (NFS) and irb.0 (VM data, VLAN 100), as in the seed.
  l3_port "$ns" br0 irb.10 "${P}s$n-irb10" 10 9000
  l3_port "$ns" br0 irb.0 "${P}s$n-irb0" 100 9000
  nsx "$ns" ip addr add "$IRB10/24" dev irb.10
  nsx "$ns" ip addr add "$IRB100/24" dev irb.0
}

vtep_cmdline() {   # prints the vtep argv for spine N, one word a line
  local n=$1 lc
  [ "$n" = 1 ] && lc="0@0,1@1" || lc="0@1,1@0"
  printf '%s\n' "$VTEP" --lcores "$lc" --no-huge --no-shconf -m 1024 --no-pci --file-prefix "${P}spine$n"
  if [ "$n" = 1 ]; then
    printf '%s\n' --vdev "net_af_packet0,iface=$S1_UL,$AFP_OPTS" --vdev "net_af_packet1,iface=$S1_TR,$AFP_OPTS" \
      --vdev "net_af_packet2,iface=$S1_NA,$AFP_OPTS"
  else
    printf '%s\n' --vdev "net_af_packet0,iface=$S2_UL,$AFP_OPTS" --vdev "net_af_packet1,iface=$S2_TR,$AFP_OPTS"
  fi
  printf '%s\n' -- --config "config/spine$n.toml" --forward-mode vxlan --max-pkt-len 9216 \
    --mbuf-size 12416 --ctl-socket "$(spine_sock "$n")" --idle-sleep 50
}

start_vtep() {
  local n=$1 ns pid logf
  ns=$(spine_ns "$n"); logf=$STATE/spine$n.log
  mkdir -p "$RUNDIR"
  rm -f "$(spine_sock "$n")"
  local argv=()
  mapfile -t argv < <(vtep_cmdline "$n")
  echo "ip netns exec $ns ${argv[*]}" > "$STATE/spine$n.cmd"
  log "spine$n: ip netns exec $ns ${argv[*]}"
  rm -f "$STATE/spine$n.pid" "$STATE/spine$n.rc"
  # A small shell waits for vtep and keeps its exit status for `down`
  # (3: mbufs leaked at shutdown); the pid file names vtep itself.
  setsid nohup ip netns exec "$ns" bash -c \
    '"$@" & echo $! > "$0.pid"; wait $!; echo $? > "$0.rc"' "$STATE/spine$n" "${argv[@]}" \
    > "$logf" 2>&1 < /dev/null &
  for _ in $(seq 50); do [ -s "$STATE/spine$n.pid" ] && break; sleep 0.1; done
  [ -s "$STATE/spine$n.pid" ] || { echo "lab: error: vtep spine$n did not start; see $logf" >&2; return 1; }
}

wait_vtep() {
  local n=$1 pid logf deadline
  pid=$(cat "$STATE/spine$n.pid"); logf=$STATE/spine$n.log
  deadline=$((SECONDS + VTEP_START_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "lab: error: vtep spine$n (pid $pid) exited during start; last lines of $logf:" >&2
      tail -n 25 "$logf" | sed 's/^/    /' >&2
      return 1
    fi
    if vtep_ctl "$n" show port stats all >/dev/null 2>&1 || grep -q "vtep: forwarding" "$logf"; then
      log "spine$n: vtep is forwarding (pid $pid, log $logf)"
      return 0
    fi
    sleep 0.5
  done
  echo "lab: error: vtep spine$n did not answer on $(spine_sock "$n") within ${VTEP_START_TIMEOUT}s; last lines of $logf:" >&2
  tail -n 25 "$logf" | sed 's/^/    /' >&2
  return 1
}

build_leaf() {   # build_leaf NS UP XE GE [CLIENT_PORT]
  local ns=$1 up=$2 xe=$3 ge=$4 cl=${5:-}
  # et-0/0/50 (vlan members all), xe-0/0/2 (trunk v100), ge-0/0/47 (trunk
  # v10) carry tags; the hosts drop what is not theirs.
  mkbridge "$ns" br0 9000
  port "$ns" br0 "$up"
  port "$ns" br0 "$xe"
  port "$ns" br0 "$ge"
  if [ -n "$cl" ]; then port "$ns" br0 "$cl" 100; fi
}

build_host() {   # build_host NS DATA NFS NFS_IP DATA_IP
  local ns=$1 d=$2 nfs=$3 nfsip=$4 dataip=$5
  # The data dvSwitch: a vlan-aware bridge with vmnic9 as the uplink
  # (trunk v100); VMs hang off it untagged in v100; vmk0 (vMotion) is v100.
  mkbridge "$ns" vswitch 9000
  port "$ns" vswitch "$d"
  l3_port "$ns" vswitch vmk0 "${P}${ns#"$P"}-pg" 100 9000
  nsx "$ns" ip addr add "$dataip/24" dev vmk0
  # The NFS vmkernel port: tagged v10 on the 1G uplink vmnic3 (the address
  # sits on vmnic3, which tags/untags v10: see vlan_port).
  vlan_port "$ns" "$nfs" 10 tagged
  nsx "$ns" ip addr add "$nfsip/24" dev "$nfs"
}

cmd_up() {
  parse_opts "$@"
  MODE1=${MODE1:-vtep}; MODE2=${MODE2:-vtep}
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
  if ip netns list | awk '{print $1}' | grep -q "^${P}"; then
    die "a lab is already up (namespaces ${P}*): run '$0 down' first"
  fi
  need_tools
  if [ "$MODE1" = vtep ] || [ "$MODE2" = vtep ]; then
    if [ ! -x "$VTEP" ]; then
      log "$VTEP missing: cargo build --release --bin vtep"
      cargo build --release --bin vtep || die "cargo build --release --bin vtep failed"
      [ -x "$VTEP" ] || die "$VTEP still missing after the build (VTEP points elsewhere?)"
    fi
  fi
  mkdir -p "$STATE"
  echo "$MODE1 $MODE2" > "$STATE/modes"

  trap 'echo "lab: up failed (line $LINENO): tearing down" >&2; trap - ERR INT TERM; set +eE; cmd_down >&2; exit 1' ERR INT TERM
  set -eE

  log "building: spine1=$MODE1 spine2=$MODE2 (prefix '$P')"
  build_vlan_progs
  for ns in "${ALL_NS[@]}"; do mkns "$ns"; done
  build_core

  # Underlay: 9216 everywhere.
  veth "$NS_CORE" "$C_S1" "$NS_S1" "$S1_UL" 9216
  veth "$NS_CORE" "$C_S2" "$NS_S2" "$S2_UL" 9216
  nsx "$NS_CORE" ip link set "$C_S1" master br0
  nsx "$NS_CORE" ip link set "$C_S2" master br0
  # Access side: 9000.
  veth "$NS_S1" "$S1_TR" "$NS_L1" "$L1_UP" 9000
  veth "$NS_S2" "$S2_TR" "$NS_L2" "$L2_UP" 9000
  veth "$NS_S1" "$S1_NA" "$NS_NA" "$NA_IF" 9000
  veth "$NS_L1" "$L1_XE" "$NS_H1" "$H1_D" 9000
  veth "$NS_L1" "$L1_GE" "$NS_H1" "$H1_N" 9000
  veth "$NS_L2" "$L2_XE" "$NS_H2" "$H2_D" 9000
  veth "$NS_L2" "$L2_GE" "$NS_H2" "$H2_N" 9000
  veth "$NS_L1" "$L1_CL" "$NS_CL" "$CL_IF" 9000

  build_leaf "$NS_L1" "$L1_UP" "$L1_XE" "$L1_GE" "$L1_CL"
  build_leaf "$NS_L2" "$L2_UP" "$L2_XE" "$L2_GE"
  build_host "$NS_H1" "$H1_D" "$H1_N" "$H1_NFS" "$H1_DATA"
  build_host "$NS_H2" "$H2_D" "$H2_N" "$H2_NFS" "$H2_DATA"

  # The NetApp: e0a tagged v10 into spine1's ge-7/0/0.
  nsx "$NS_NA" ip link set "$NA_IF" address "$NETAPP_MAC"
  vlan_port "$NS_NA" "$NA_IF" 10 tagged
  nsx "$NS_NA" ip addr add "$NETAPP_IP/24" dev "$NA_IF"

  # A client of the VM on v100 behind leaf1.
  nsx "$NS_CL" ip addr add "$CLIENT_IP/24" dev "$CL_IF"
  nsx "$NS_CL" ip route add default via "$IRB100"

  # The VM starts on host2.
  vm_attach 2

  # The spines.
  # (if, not &&: errexit must reach inside these functions)
  if [ "$MODE1" = kernel ]; then build_spine_kernel 1 "$S1_UL" "$S1_TR" "$S1_NA"; fi
  if [ "$MODE2" = kernel ]; then build_spine_kernel 2 "$S2_UL" "$S2_TR"; fi
  if [ "$MODE1" = vtep ]; then start_vtep 1; fi
  if [ "$MODE2" = vtep ]; then start_vtep 2; fi
  if [ "$MODE1" = vtep ]; then wait_vtep 1; fi
  if [ "$MODE2" = vtep ]; then wait_vtep 2; fi

  set +eE
  trap - ERR INT TERM
  print_built
}

print_built() {
  local n ns
  echo
  echo "lab is up: spine1=$MODE1 spine2=$MODE2"
  echo "  underlay  ${NS_CORE}: br0 $CORE_IP/24 (IGMPv3 snooping + querier, MTU 9216), ports $C_S1 $C_S2"
  echo "  spine1    ${NS_S1}: et-2/0/0=$S1_UL ($S1_IP)  et-2/2/1=$S1_TR  ge-7/0/0=$S1_NA"
  echo "  spine2    ${NS_S2}: et-2/0/0=$S2_UL ($S2_IP)  et-2/2/1=$S2_TR"
  echo "  leaf1     ${NS_L1}: br0 trunk v10+v100 to spine1, host1 (xe2 v100, ge47 v10), client (v100)"
  echo "  leaf2     ${NS_L2}: br0 trunk v10+v100 to spine2, host2 (xe2 v100, ge47 v10)"
  echo "  host1     ${NS_H1}: $H1_N $H1_NFS (v10 tagged, NFS), vmk0 $H1_DATA (v100 on vSwitch 'vswitch')"
  echo "  host2     ${NS_H2}: $H2_N $H2_NFS (v10 tagged, NFS), vmk0 $H2_DATA (v100 on vSwitch 'vswitch')"
  echo "  netapp    ${NS_NA}: $NA_IF $NETAPP_IP (v10 tagged) MAC $NETAPP_MAC, behind spine1 ge-7/0/0"
  echo "  vm        ${NS_VM}: $VM_IF $VM_IP MAC $VM_MAC on $(cat "$STATE/vm_at")"
  echo "  client    ${NS_CL}: $CL_IF $CLIENT_IP (v100) behind leaf1"
  echo
  for n in 1 2; do
    ns=$(spine_ns $n)
    if [ "$(spine_mode $n)" = vtep ]; then
      echo "  spine$n prompt: $VTEP ctl --socket $(spine_sock $n) show ethernet-switching table"
      echo "                 (also: show igmp membership | show ethernet-switching vxlan-tunnel-end-point remote | show interfaces | show port stats all; log $STATE/spine$n.log)"
    else
      echo "  spine$n prompt: ip netns exec $ns bash   (bridge fdb show br br0; bridge fdb show dev vxlan100; tc filter show dev vxlan100 ingress)"
    fi
  done
  echo "  a host:        ip netns exec $NS_H2 ping $NETAPP_IP"
  echo "  next:          $0 test; $0 vmotion [--garp]; $0 down"
}

# ----------------------------------------------------------------- status --
cmd_status() {
  local ns n pid
  local list
  list=$(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${P}" || true)
  if [ -z "$list" ]; then
    echo "lab: nothing is up (no ${P}* namespaces)"
  else
    [ -f "$STATE/modes" ] && read -r MODE1 MODE2 < "$STATE/modes" && echo "spines: spine1=$MODE1 spine2=$MODE2; vm on $(cat "$STATE/vm_at" 2>/dev/null || echo '?')"
    for ns in $list; do
      echo "== $ns"
      nsx "$ns" ip -br -c=never addr show 2>/dev/null | grep -v '^lo ' | sed 's/^/   /'
    done
  fi
  for n in 1 2; do
    pid=$(cat "$STATE/spine$n.pid" 2>/dev/null || true)
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then echo "vtep spine$n: running, pid $pid, socket $(spine_sock $n)"
    else echo "vtep spine$n: NOT running (stale pid $pid); log $STATE/spine$n.log"; fi
  done
  local stray
  stray=$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^${P}" || true)
  [ -z "$stray" ] || echo "links with the lab prefix in the root namespace: $stray"
}

# ------------------------------------------------------------------- test --
# The checks live one per file in scripts/lab/checks/NN-name.sh, run in
# order; each prints its PASS/FAIL/SKIP lines and leaves its tally in
# LAB_TALLY.
CHECKS=$REPO/scripts/lab/checks
NPASS=0; NFAIL=0; NSKIP=0

check_title() { sed -n '2s/^# //p' "$1"; }
list_checks() { ls "$CHECKS"/[0-9][0-9]-*.sh; }
# find_check NAME: NAME is "07", "vmotion-rarp" or "07-vmotion-rarp[.sh]".
find_check() {
  local n=${1%.sh} f
  for f in $(list_checks); do
    case "$(basename "$f" .sh)" in "$n"|"$n"-*|[0-9][0-9]-"$n") echo "$f"; return 0 ;; esac
  done
  die "no check '$1' (see: $0 list)"
}

run_check() {
  local f=$1 name t p=0 x=1 s=0 rc
  name=$(basename "$f" .sh)
  t=$STATE/tally.$name
  rm -f "$t"
  echo; echo "== $name: $(check_title "$f")"
  LAB_TALLY=$t bash "$f"
  rc=$?
  if [ -s "$t" ]; then read -r p x s < "$t"
  else echo "FAIL $name: ended without a tally (rc $rc)"; fi
  NPASS=$((NPASS + p)); NFAIL=$((NFAIL + x)); NSKIP=$((NSKIP + s))
  return "$rc"
}

# cmd_test [CHECK...]: every check in order, or the named ones.
cmd_test() {
  local names=() a
  for a in "$@"; do case "$a" in -*) break ;; *) names+=("$a"); shift ;; esac; done
  parse_opts "$@"
  load_modes
  [ "$(id -u)" -eq 0 ] || die "needs root"
  local n f files=()
  for n in 1 2; do
    if [ "$(spine_mode $n)" = vtep ] && ! vtep_ctl "$n" show port stats all >/dev/null 2>&1; then
      echo "lab: warning: vtep spine$n does not answer on $(spine_sock $n)" >&2
    fi
  done
  if [ ${#names[@]} -gt 0 ]; then
    for a in "${names[@]}"; do f=$(find_check "$a") || exit 2; files+=("$f"); done
  else
    mapfile -t files < <(list_checks)
  fi
  echo "lab test: spine1=$MODE1 spine2=$MODE2 ($(date -u +%FT%TZ))"
  for f in "${files[@]}"; do run_check "$f"; done
  echo
  [ $NSKIP -gt 0 ] && echo "$NSKIP skipped (vtep-only checks with kernel spines)"
  echo "$NPASS passed, $NFAIL failed"
  [ $NFAIL -eq 0 ]
}

cmd_list() {
  local f
  for f in $(list_checks); do printf '%-24s %s\n' "$(basename "$f" .sh)" "$(check_title "$f")"; done
}

cmd_vmotion() {
  parse_opts "$@"
  load_modes
  local to kind tt
  if [ -n "$VM_TO" ]; then to=${VM_TO#host}
  elif [ "$(cat "$STATE/vm_at")" = host2 ]; then to=1; else to=2; fi
  case "$to" in 1|2) ;; *) die "--to: expected host1 or host2" ;; esac
  [ "$GARP" = 1 ] && kind=garp || kind=rarp
  tt=$(vm_move "$to" "$kind")
  log "VM $VM_MAC $VM_IP moved to host$to (detached at ${tt% *}, $kind sent at ${tt#* })"
}

# ------------------------------------------------------------------- main --
cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  up) cmd_up "$@" ;;
  down) parse_opts "$@"; cmd_down ;;
  test) cmd_test "$@" ;;
  check) [ $# -gt 0 ] || die "check: which one? (see: $0 list)"; cmd_test "$@" ;;
  list) cmd_list ;;
  status) parse_opts "$@"; cmd_status ;;
  vmotion) cmd_vmotion "$@" ;;
  cmdline) parse_opts "$@"; for n in 1 2; do echo "spine$n: ip netns exec $(spine_ns $n) $(vtep_cmdline $n | tr '\n' ' ')"; done ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
