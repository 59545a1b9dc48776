#!/usr/bin/env bash
# scripts/lab.sh: the seed lab ("Vmotion over a VXLAN overlay": two EX9200
# spines stretching VLAN 10 (NFS to a NetApp) and VLAN 100 (VM data) over
# VXLAN) on one machine, in network namespaces joined by veth pairs.
#
#   scripts/lab.sh up      [--spines vtep|kernel] [--spine1 vtep|kernel] [--spine2 vtep|kernel]
#   scripts/lab.sh test    (uses the spines that `up` built)
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
# Environment: LAB_PREFIX (default "lab-", at most 4 characters) prefixes
# every namespace and veth; VTEP (default target/release/vtep);
# VTEP_START_TIMEOUT (seconds, default 60); LAB_STATE (default /tmp/vtep-lab).
set -uo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)

P=${LAB_PREFIX:-lab-}
if [ ${#P} -gt 4 ]; then
  echo "lab: LAB_PREFIX '$P' is longer than 4 characters: interface names would pass 15" >&2
  exit 2
fi
STATE=${LAB_STATE:-/tmp/vtep-lab}
PY=/usr/bin/python3
VTEP=${VTEP:-target/release/vtep}
VTEP_START_TIMEOUT=${VTEP_START_TIMEOUT:-60}
RUNDIR=/run/vtep

NS_CORE=${P}core
NS_S1=${P}spine1
NS_S2=${P}spine2
NS_L1=${P}leaf1
NS_L2=${P}leaf2
NS_H1=${P}host1
NS_H2=${P}host2
NS_NA=${P}netapp
NS_VM=${P}vm
NS_CL=${P}client
ALL_NS=("$NS_CORE" "$NS_S1" "$NS_S2" "$NS_L1" "$NS_L2" "$NS_H1" "$NS_H2" "$NS_NA" "$NS_VM" "$NS_CL")

# Interface names (Junos names with '/' dropped where they stand for a port).
C_S1=${P}core-s1     # core's port to spine1
C_S2=${P}core-s2     # core's port to spine2
S1_UL=${P}s1-et200   # spine1 et-2/0/0  -> net_af_packet0
S1_TR=${P}s1-et221   # spine1 et-2/2/1  -> net_af_packet1 (trunk to leaf1)
S1_NA=${P}s1-ge700   # spine1 ge-7/0/0  -> net_af_packet2 (trunk to the NetApp)
S2_UL=${P}s2-et200   # spine2 et-2/0/0  -> net_af_packet0
S2_TR=${P}s2-et221   # spine2 et-2/2/1  -> net_af_packet1 (trunk to leaf2)
L1_UP=${P}l1-et50    # leaf1 et-0/0/50 to spine1 (trunk v10, v100)
L1_XE=${P}l1-xe2     # leaf1 xe-0/0/2 to host1 vmnic9 (trunk v100)
L1_GE=${P}l1-ge47    # leaf1 ge-0/0/47 to host1 vmnic3 (trunk v10)
L1_CL=${P}l1-xe10    # leaf1 access port v100 to the client
L2_UP=${P}l2-et50
L2_XE=${P}l2-xe2
L2_GE=${P}l2-ge47
H1_D=${P}h1-vmnic9   # host1 data uplink (vSwitch)
H1_N=${P}h1-vmnic3   # host1 NFS uplink
H2_D=${P}h2-vmnic9
H2_N=${P}h2-vmnic3
H1_VM=${P}h1-vm      # host1 vSwitch port for the VM
H2_VM=${P}h2-vm
VM_IF=${P}vm-eth0
NA_IF=${P}na-e0a
CL_IF=${P}cl-eth0

S1_IP=192.168.24.4
S2_IP=192.168.24.5
CORE_IP=192.168.24.1
NETAPP_MAC=02:a0:98:2c:06:cc
NETAPP_IP=100.10.1.254
VM_MAC=00:50:56:b9:55:58
VM_IP=100.1.1.30
CLIENT_IP=100.1.1.40
H1_NFS=100.10.1.4
H2_NFS=100.10.1.5
H1_DATA=100.1.1.4
H2_DATA=100.1.1.5
IRB10=100.10.1.200
IRB100=100.1.1.1

# Ring frames of 12 KB hold a 9216-byte underlay frame; vtep mbufs must
# hold a whole ring frame (12256 bytes of data), hence --mbuf-size 12416.
AFP_OPTS="framesz=12288,blocksz=12288,framecnt=512,qpairs=1"

log() { echo "lab: $*"; }
die() { echo "lab: error: $*" >&2; exit 1; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

usage() {
  sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------- options --
MODE1=""; MODE2=""; VM_TO=""; GARP=0
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
load_modes() {
  [ -f "$STATE/modes" ] || die "no lab is up (no $STATE/modes): run '$0 up' first"
  local m1 m2
  read -r m1 m2 < "$STATE/modes"
  if { [ -n "$MODE1" ] && [ "$MODE1" != "$m1" ]; } || { [ -n "$MODE2" ] && [ "$MODE2" != "$m2" ]; }; then
    die "the lab is up with spine1=$m1 spine2=$m2 but this run asks for spine1=${MODE1:-$m1} spine2=${MODE2:-$m2}: run down/up again"
  fi
  MODE1=$m1; MODE2=$m2
}

spine_ns()   { [ "$1" = 1 ] && echo "$NS_S1" || echo "$NS_S2"; }
spine_mode() { [ "$1" = 1 ] && echo "$MODE1" || echo "$MODE2"; }
spine_sock() { echo "$RUNDIR/${P}spine$1.sock"; }
vtep_ctl()   { local n=$1; shift; "$VTEP" ctl --socket "$(spine_sock "$n")" "$@"; }

# ------------------------------------------------------------------- down --
cmd_down() {
  local n pid ns
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
    rm -f "$STATE/spine$n.pid" "$(spine_sock $n)"
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
}

# --------------------------------------------------------------------- up --
need_tools() {
  local missing=() t
  for t in ip bridge tc clang ethtool ping tcpdump tshark iperf3; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  "$PY" -c 'import socket' 2>/dev/null || missing+=("python3")
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -q >/dev/null
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q ethtool iproute2 clang iputils-ping tcpdump tshark iperf3 python3 >/dev/null
  fi
}

mkns() {
  ip netns add "$1"
  nsx "$1" ip link set lo up
  # No IPv6 in the lab: no MLD/RS/ND chatter to count or decode.
  nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# veth NS_A IF_A NS_B IF_B MTU: a veth pair born in its namespaces (never in
# the root one), offloads off, both ends up.
veth() {
  local nsa=$1 a=$2 nsb=$3 b=$4 mtu=$5
  ip link add "$a" netns "$nsa" mtu "$mtu" type veth peer name "$b" netns "$nsb" mtu "$mtu"
  nsx "$nsa" ethtool -K "$a" tx off tso off gso off gro off rx off >/dev/null 2>&1 || true
  nsx "$nsb" ethtool -K "$b" tx off tso off gso off gro off rx off >/dev/null 2>&1 || true
  nsx "$nsa" ip link set "$a" up
  nsx "$nsb" ip link set "$b" up
}

# VLANs. This VM's kernel has neither CONFIG_VLAN_8021Q (no VLAN
# sub-interfaces) nor CONFIG_BRIDGE_VLAN_FILTERING (no vlan-aware bridges),
# so 802.1Q is done by two tc BPF programs (scripts/lab/vlan.bpf.c, built
# per VID with clang): bridges are plain 802.1D bridges that carry tagged
# frames through untouched, trunks carry 802.1Q tags as on the seed's links,
# and the tag is pushed/popped (and foreign VLANs dropped) where a port or
# interface belongs to one VLAN:
#   vlan_port NS IF VID access  a bridge port facing an untagged device
#                               (in: untagged -> VID; out: only VID, untagged)
#   vlan_port NS IF VID tagged  an end station's interface in VLAN VID
#                               (out: tag VID; in: only VID, untagged), i.e.
#                               what "ip link add link IF type vlan id VID" does.
build_vlan_progs() {
  local vid
  for vid in 10 100; do
    clang -O2 -g -target bpf -I/usr/include/"$(uname -m)"-linux-gnu -DVID=$vid \
      -c "$REPO/scripts/lab/vlan.bpf.c" -o "$STATE/vlan$vid.o"
  done
}
vlan_port() {
  local ns=$1 ifc=$2 vid=$3 kind=$4 in out
  [ "$kind" = access ] && { in=vlan_in; out=vlan_out; } || { in=vlan_out; out=vlan_in; }
  nsx "$ns" tc qdisc add dev "$ifc" clsact
  nsx "$ns" tc filter add dev "$ifc" ingress bpf da obj "$STATE/vlan$vid.o" sec "classifier/$in"
  nsx "$ns" tc filter add dev "$ifc" egress bpf da obj "$STATE/vlan$vid.o" sec "classifier/$out"
}

# A bridge (802.1D: tagged frames pass as they are; see above).
mkbridge() {
  local ns=$1 br=$2 mtu=$3
  nsx "$ns" ip link add "$br" type bridge mcast_snooping 0 stp_state 0
  nsx "$ns" ip link set "$br" mtu "$mtu" up
}
port() {   # port NS BR IF [VID: an access port in VLAN VID]
  local ns=$1 br=$2 ifc=$3 vid=${4:-}
  nsx "$ns" ip link set "$ifc" master "$br"
  if [ -n "$vid" ]; then vlan_port "$ns" "$ifc" "$vid" access; fi
}
# An IRB-like interface: a veth IF (addresses go here) whose peer PEER is
# an access port of BR in VLAN VID.
l3_port() {   # l3_port NS BR IF PEER VID MTU
  local ns=$1 br=$2 ifc=$3 peer=$4 vid=$5 mtu=$6
  veth "$ns" "$ifc" "$ns" "$peer" "$mtu"
  port "$ns" "$br" "$peer" "$vid"
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
  setsid nohup ip netns exec "$ns" "${argv[@]}" > "$logf" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$STATE/spine$n.pid"
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

# vm_attach HOST(1|2): a fresh veth from the VM to that host's vSwitch, with
# the VM's MAC, IP and default route.
vm_attach() {
  local h=$1 hns hif
  [ "$h" = 1 ] && { hns=$NS_H1; hif=$H1_VM; } || { hns=$NS_H2; hif=$H2_VM; }
  ip link add "$VM_IF" netns "$NS_VM" mtu 9000 address "$VM_MAC" type veth peer name "$hif" netns "$hns" mtu 9000
  nsx "$NS_VM" ethtool -K "$VM_IF" tx off tso off gso off gro off rx off >/dev/null 2>&1 || true
  nsx "$hns" ethtool -K "$hif" tx off tso off gso off gro off rx off >/dev/null 2>&1 || true
  port "$hns" vswitch "$hif" 100
  nsx "$hns" ip link set "$hif" up
  nsx "$NS_VM" ip link set "$VM_IF" up
  nsx "$NS_VM" ip addr add "$VM_IP/24" dev "$VM_IF"
  nsx "$NS_VM" ip route add default via "$IRB100"
  echo "host$h" > "$STATE/vm_at"
}

vm_detach() {
  nsx "$NS_VM" ip link del "$VM_IF" 2>/dev/null || true
}

# The announcement from the VM: ESXi's "Notify Switches" RARP (EtherType
# 0x8035, opcode 3, sender = target = VM MAC, IPs 0.0.0.0, 60 bytes) or a
# gratuitous ARP. A raw AF_PACKET socket: no scapy import delay in the
# middle of the move. Prints the time of the first copy.
announce() {   # announce rarp|garp COUNT
  nsx "$NS_VM" "$PY" - "$VM_IF" "$VM_MAC" "$VM_IP" "$1" "${2:-3}" <<'EOF'
import socket, sys, time
ifc, mac, ip, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
m = bytes.fromhex(mac.replace(":", ""))
bc = b"\xff" * 6
if kind == "rarp":
    eth = bc + m + b"\x80\x35"
    body = b"\x00\x01\x08\x00\x06\x04\x00\x03" + m + b"\x00" * 4 + m + b"\x00" * 4
else:  # gratuitous ARP request: sender IP = target IP = the VM's
    a = socket.inet_aton(ip)
    eth = bc + m + b"\x08\x06"
    body = b"\x00\x01\x08\x00\x06\x04\x00\x01" + m + a + b"\x00" * 6 + a
frame = (eth + body).ljust(60, b"\x00")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifc, 0))
t0 = time.time()
for i in range(count):
    s.send(frame)
    if i + 1 < count:
        time.sleep(0.1)
print("%.6f" % t0)
EOF
}

# vm_move TO(1|2) rarp|garp: prints "T_DETACH T_ANNOUNCE".
vm_move() {
  local to=$1 kind=$2 td ta
  td=$(date +%s.%N)
  vm_detach
  vm_attach "$to"
  ta=$(announce "$kind" 3)
  echo "$td $ta"
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
      log "$VTEP missing: cargo build --release"
      cargo build --release || die "cargo build --release failed"
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
NPASS=0; NFAIL=0; NSKIP=0
pass() { NPASS=$((NPASS + 1)); echo "PASS $*"; }
fail() { NFAIL=$((NFAIL + 1)); echo "FAIL $*"; }
skip() { NSKIP=$((NSKIP + 1)); echo "SKIP $*"; }
ev()   { sed 's/^/      | /'; }
section() { echo; echo "== $*"; }

# ping_check LABEL NS ARGS...: passes when every echo is answered.
ping_check() {
  local label=$1 ns=$2; shift 2
  local out
  out=$(nsx "$ns" ping -W 2 "$@" 2>&1)
  if echo "$out" | grep -q " 0% packet loss"; then pass "$label"
  else fail "$label"; fi
  echo "$out" | grep -E "packet loss|rtt|Frag|too long|Unreachable" | head -4 | ev
}

# Junos name of a kernel spine's bridge port.
junos_name() {
  case "$1" in
    *-et221) echo "et-2/2/1" ;; *-ge700) echo "ge-7/0/0" ;; *-et200) echo "et-2/0/0" ;; *) echo "$1" ;;
  esac
}

# mac_table N VLAN: the spine's table for that VLAN as evidence lines.
mac_table() {
  local n=$1 vlan=$2 ns
  ns=$(spine_ns "$n")
  if [ "$(spine_mode "$n")" = vtep ]; then
    vtep_ctl "$n" show ethernet-switching table vlan-id "$vlan" 2>&1
  else
    # (one 802.1D table for both VLANs: see vlan_port)
    nsx "$ns" bridge fdb show br br0 2>&1 | grep " dev " | grep -v " permanent" | grep -vi "^33:33\|^01:00:5e\|^00:00:00:00:00:00"
  fi
}

# mac_where N MAC VLAN: one word: the local port (Junos name), "vtep:IP" for
# a remote VTEP (kernel: the vxlan fdb dst; vtep: the vtep.N interface), or "none".
mac_where() {
  local n=$1 mac=$2 vlan=$3 ns line dev dst
  ns=$(spine_ns "$n")
  if [ "$(spine_mode "$n")" = vtep ]; then
    line=$(vtep_ctl "$n" show ethernet-switching table vlan-id "$vlan" 2>/dev/null | grep -i "$mac" | head -1)
    [ -n "$line" ] || { echo none; return; }
    if echo "$line" | grep -q "vtep\.[0-9]"; then echo "vtep:$(echo "$line" | grep -o 'vtep\.[0-9]*' | head -1)"
    else echo "$line" | grep -oE '(et|ge|xe)-[0-9]+/[0-9]+/[0-9]+' | head -1; fi
    return
  fi
  line=$(nsx "$ns" bridge fdb show br br0 2>/dev/null | grep -i "^$mac " | grep -v permanent | head -1)
  [ -n "$line" ] || { echo none; return; }
  dev=$(echo "$line" | awk '{for (i=1;i<NF;i++) if ($i=="dev") print $(i+1)}')
  if [ "$dev" = "vxlan$vlan" ]; then
    dst=$(nsx "$ns" bridge fdb show dev "vxlan$vlan" 2>/dev/null | grep -i "^$mac " | awk '{for (i=1;i<NF;i++) if ($i=="dst") print $(i+1)}' | head -1)
    echo "vtep:${dst:-?}"
  else
    junos_name "$dev"
  fi
}

# expect_mac LABEL N MAC VLAN WANT: WANT is a Junos port name or "remote".
# With a vtep spine "remote" means a vtep.N interface; with a kernel spine it
# means the vxlan port with the other spine's address as dst.
expect_mac() {
  local label=$1 n=$2 mac=$3 vlan=$4 want=$5 got ok=0 other
  got=$(mac_where "$n" "$mac" "$vlan")
  [ "$n" = 1 ] && other=$S2_IP || other=$S1_IP
  if [ "$want" = remote ]; then
    case "$got" in "vtep:$other"|vtep:vtep.*) ok=1 ;; esac
  else
    [ "$got" = "$want" ] && ok=1
  fi
  local where
  [ "$want" = remote ] && where="remote (behind $other)" || where="local on $want"
  if [ $ok = 1 ]; then pass "$label: $mac in v$vlan on spine$n is $where: $got"
  else fail "$label: $mac in v$vlan on spine$n should be $where, is: $got"; fi
}

show_tables() {   # show_tables VLAN TITLE
  local n
  for n in 1 2; do
    echo "   spine$n ($(spine_mode $n)) v$1 $2:"
    mac_table "$n" "$1" | ev
  done
}

# json_counters N: "key value" for every numeric leaf of show port stats all
# and show interfaces (--json), flattened with their paths.
json_counters() {
  local n=$1
  { vtep_ctl "$n" show port stats all --json 2>/dev/null; echo; vtep_ctl "$n" show interfaces --json 2>/dev/null; } |
    "$PY" -c '
import json, sys
def walk(p, v):
    if isinstance(v, dict):
        for k, x in v.items(): walk(p + "." + str(k), x)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(p + "[%d]" % i, x)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        print(p, v)
dec = json.JSONDecoder()
s = sys.stdin.read(); i = 0
while i < len(s):
    while i < len(s) and s[i].isspace(): i += 1
    if i >= len(s): break
    try: v, i = dec.raw_decode(s, i)
    except ValueError: break
    walk("", v)
'
}

# first_reply_after FILE T: seconds from T to the first reply stamped after T.
first_reply_after() {
  awk -v t="$2" '/bytes from/ { gsub(/[\[\]]/, "", $1); if ($1 + 0 > t + 0) { printf "%.3f", $1 - t; exit } }' "$1"
}
# max_gap FILE: the longest silence between two replies, in seconds.
max_gap() {
  awk '/bytes from/ { gsub(/[\[\]]/, "", $1); if (p) { g = $1 - p; if (g > m) m = g } p = $1 } END { printf "%.3f", m }' "$1"
}

# vmotion_run TO KIND LABEL: moves the VM under a 50 ms ping from the client.
vmotion_run() {
  local to=$1 kind=$2 label=$3 from pf pid tt td ta tx rx lost first gap
  from=$(cat "$STATE/vm_at")
  pf=$STATE/vmotion-$kind.ping
  echo "   $label: VM $from -> host$to, announced by $kind; ping -D -i 0.05 from the client ($CLIENT_IP)"
  ip netns exec "$NS_CL" ping -D -i 0.05 -W 1 "$VM_IP" > "$pf" 2>&1 &
  pid=$!
  sleep 2
  local src_n dst_n
  [ "$to" = 1 ] && { src_n=2; dst_n=1; } || { src_n=1; dst_n=2; }
  show_tables 100 "before"
  expect_mac "$label before" "$src_n" "$VM_MAC" 100 et-2/2/1
  expect_mac "$label before" "$dst_n" "$VM_MAC" 100 remote
  tt=$(vm_move "$to" "$kind")
  td=${tt% *}; ta=${tt#* }
  sleep 3
  kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  tx=$(grep -oE '[0-9]+ packets transmitted' "$pf" | awk '{print $1}')
  rx=$(grep -oE '[0-9]+ received' "$pf" | awk '{print $1}')
  lost=$(( ${tx:-0} - ${rx:-0} ))
  first=$(first_reply_after "$pf" "$ta")
  gap=$(max_gap "$pf")
  local mv
  mv=$(awk -v a="$td" -v b="$ta" 'BEGIN { printf "%.3f", b - a }')
  echo "   $label: moved in ${mv}s (veth deleted -> first $kind sent); ${tx:-0} echoes, ${rx:-0} replies, $lost lost;"
  echo "   $label: first reply ${first:-never}s after the $kind; longest silence ${gap}s"
  show_tables 100 "after"
  if [ -n "$first" ] && awk -v f="$first" 'BEGIN { exit !(f < 2.0) }'; then
    pass "$label: the VM answers again ${first}s after the $kind ($lost of ${tx:-0} replies lost)"
  else
    fail "$label: no reply within 2 s of the $kind (first: ${first:-never}; $lost of ${tx:-0} lost)"
    tail -5 "$pf" | ev
  fi
  expect_mac "$label after" "$dst_n" "$VM_MAC" 100 et-2/2/1
  expect_mac "$label after" "$src_n" "$VM_MAC" 100 remote
}

set_underlay_mtu() {
  local m=$1
  nsx "$NS_CORE" ip link set "$C_S1" mtu "$m"
  nsx "$NS_CORE" ip link set "$C_S2" mtu "$m"
  nsx "$NS_CORE" ip link set br0 mtu "$m"
  nsx "$NS_S1" ip link set "$S1_UL" mtu "$m"
  nsx "$NS_S2" ip link set "$S2_UL" mtu "$m"
  # A vtep spine's underlay MTU is its own configuration (et-2/0/0).
  local n
  for n in 1 2; do
    [ "$(spine_mode $n)" = vtep ] && vtep_ctl "$n" set interfaces et-2/0/0 mtu "$m" >/dev/null
  done
  return 0
}

# Forget learned path MTUs (an ICMP "fragmentation needed" from the
# tunnel would otherwise pin 100.1.1.x to a small MTU for 10 minutes).
flush_pmtu() {
  local ns
  for ns in "$NS_H1" "$NS_H2" "$NS_CL" "$NS_VM" "$NS_NA"; do
    nsx "$ns" ip route flush cache 2>/dev/null || true
  done
}

cmd_test() {
  parse_opts "$@"
  load_modes
  [ "$(id -u)" -eq 0 ] || die "needs root"
  local n
  for n in 1 2; do
    if [ "$(spine_mode $n)" = vtep ] && ! vtep_ctl "$n" show port stats all >/dev/null 2>&1; then
      echo "lab: warning: vtep spine$n does not answer on $(spine_sock $n)" >&2
    fi
  done
  echo "lab test: spine1=$MODE1 spine2=$MODE2 ($(date -u +%FT%TZ))"

  section "1. reachability (NFS across the tunnel, IRB gateways)"
  ping_check "host2 -> NetApp $NETAPP_IP across the tunnel (v10)" "$NS_H2" -c 3 "$NETAPP_IP"
  ping_check "host1 -> NetApp $NETAPP_IP (v10, switched on spine1)" "$NS_H1" -c 3 "$NETAPP_IP"
  ping_check "host1 -> IRB $IRB10 (irb.10)" "$NS_H1" -c 3 "$IRB10"
  ping_check "host2 -> IRB $IRB10 (irb.10)" "$NS_H2" -c 3 "$IRB10"
  ping_check "vm (on $(cat "$STATE/vm_at")) -> IRB $IRB100 (irb.0)" "$NS_VM" -c 3 "$IRB100"

  section "2. MAC tables and IGMP"
  show_tables 10 ""
  expect_mac "NetApp MAC" 1 "$NETAPP_MAC" 10 ge-7/0/0
  expect_mac "NetApp MAC" 2 "$NETAPP_MAC" 10 remote
  local mdb ok grp port missing="" deadline
  deadline=$((SECONDS + 20))
  while :; do
    mdb=$(bridge -n "$NS_CORE" mdb show 2>&1)
    missing=""
    for grp in 239.1.1.10 239.1.1.100; do
      for port in "$C_S1" "$C_S2"; do
        echo "$mdb" | grep -q "port $port grp $grp " || missing="$missing $port/$grp"
      done
    done
    [ -z "$missing" ] || [ $SECONDS -ge $deadline ] && break
    sleep 1
  done
  if [ -z "$missing" ]; then pass "IGMP: core br0 has both spines' ports in 239.1.1.10 and 239.1.1.100"
  else fail "IGMP: core br0 lacks$missing"; fi
  echo "$mdb" | ev
  for n in 1 2; do
    if [ "$(spine_mode $n)" = vtep ]; then
      local out
      out=$(vtep_ctl "$n" show igmp membership 2>&1)
      if echo "$out" | grep -q 239.1.1.10 && echo "$out" | grep -q 239.1.1.100; then
        pass "spine$n vtep: show igmp membership lists 239.1.1.10 and 239.1.1.100"
      else fail "spine$n vtep: show igmp membership lacks a group"; fi
      echo "$out" | ev
      local other; [ "$n" = 1 ] && other=$S2_IP || other=$S1_IP
      out=$(vtep_ctl "$n" show ethernet-switching vxlan-tunnel-end-point remote 2>&1)
      if echo "$out" | grep -q "$other"; then pass "spine$n vtep: remote VTEP $other is known"
      else fail "spine$n vtep: remote VTEP $other not in show ethernet-switching vxlan-tunnel-end-point remote"; fi
      echo "$out" | ev
    else
      skip "spine$n vtep: show igmp membership / vxlan-tunnel-end-point remote (spine$n is the kernel)"
    fi
  done

  section "3. vMotion (client $CLIENT_IP pings the VM $VM_IP every 50 ms)"
  if [ "$(cat "$STATE/vm_at")" != host2 ]; then
    echo "   (the VM is on $(cat "$STATE/vm_at"): moving it back to host2 first)"
    vm_move 2 rarp >/dev/null; sleep 1
  fi
  vmotion_run 1 rarp "vMotion host2->host1 (RARP)"
  vmotion_run 2 garp "vMotion host1->host2 (gratuitous ARP)"

  section "4. jumbo frames over the 9216 underlay"
  ping_check "host1 -> host2 ping -M do -s 8972 over v100 (9000-byte IP packets)" "$NS_H1" -M do -s 8972 -c 3 "$H2_DATA"
  local ipf spid rate
  ipf=$STATE/iperf3.txt
  ip netns exec "$NS_H2" iperf3 -s -1 -B "$H2_DATA" > "$STATE/iperf3-server.txt" 2>&1 &
  spid=$!
  sleep 1
  if nsx "$NS_H1" timeout 20 iperf3 -c "$H2_DATA" -t 5 -f m > "$ipf" 2>&1; then
    rate=$(grep -E "receiver$" "$ipf" | tail -1 | grep -oE '[0-9.]+ [MG]bits/sec')
    pass "iperf3 TCP host1 -> host2 over v100, 5 s: ${rate:-?} (receiver)"
  else
    fail "iperf3 TCP host1 -> host2 failed"
  fi
  grep -E "sender$|receiver$|error" "$ipf" | ev
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null

  echo "   the seed's caveat: underlay MTU 1500 (core ports, br0 and both spines' underlay ports)"
  local before after
  before=$STATE/counters-before; after=$STATE/counters-after
  for n in 1 2; do [ "$(spine_mode $n)" = vtep ] && json_counters $n > "$before.$n"; done
  set_underlay_mtu 1500
  local out
  out=$(nsx "$NS_H1" ping -W 2 -M do -s 8972 -c 3 "$H2_DATA" 2>&1)
  if echo "$out" | grep -q " 0 received"; then
    pass "with a 1500 underlay the same jumbo ping fails (VTEPs must not fragment)"
  else fail "with a 1500 underlay the jumbo ping still got answers"; fi
  echo "$out" | grep -E "packet loss|Frag|too long|mtu" | head -3 | ev
  # host1's jumbo request enters the tunnel at spine1: that is where it is
  # too big (spine2 never sees it).
  for n in 1; do
    if [ "$(spine_mode $n)" = vtep ]; then
      json_counters $n > "$after.$n"
      local rose
      rose=$(awk 'NR==FNR { b[$1] = $2; next } ($1 ~ /too[-_ ]?big|mtu[-_]?exceeded|oversize/) && ($2 > b[$1] + 0) { print $1 ": " b[$1] + 0 " -> " $2 }' "$before.$n" "$after.$n")
      if [ -n "$rose" ]; then pass "spine$n vtep: its too-big counter rose"; echo "$rose" | ev
        local warn
        warn=$(grep -m1 "as too big for the underlay" "$STATE/spine$n.log" || true)
        if [ -n "$warn" ]; then pass "spine$n vtep: its warning names the MTU needed"; echo "$warn" | ev
        else fail "spine$n vtep: no too-big warning in $STATE/spine$n.log"; fi
      else fail "spine$n vtep: no too-big counter rose in show port stats all / show interfaces"
        grep -iE "big|mtu|drop|err" "$after.$n" | head -8 | ev
      fi
    else
      skip "spine$n too-big counter: vtep-only (spine$n is the kernel; the kernel just drops)"
    fi
  done
  set_underlay_mtu 9216
  flush_pmtu
  sleep 1
  ping_check "underlay back to 9216: the jumbo ping works again" "$NS_H1" -M do -s 8972 -c 3 "$H2_DATA"

  section "5. the wire: tshark on core br0 decodes VXLAN and IGMP"
  local cap=$STATE/core.pcapng tpid dec
  rm -f "$cap"
  ip netns exec "$NS_CORE" tshark -q -i br0 -c 2000 -a duration:12 -f "udp port 4789 or igmp" -w "$cap" > "$STATE/tshark-capture.txt" 2>&1 &
  tpid=$!
  sleep 2
  nsx "$NS_H2" ping -q -c 5 -i 0.2 "$NETAPP_IP" >/dev/null 2>&1
  nsx "$NS_H1" ping -q -c 5 -i 0.2 -s 8000 "$H2_DATA" >/dev/null 2>&1
  wait "$tpid"
  dec=$STATE/core-decode.txt
  tshark -r "$cap" -V -d udp.port==4789,vxlan > "$dec" 2>&1
  local nvx nigmp nmal nfr
  nfr=$(tshark -r "$cap" 2>/dev/null | wc -l)
  nvx=$(grep -c "^Virtual eXtensible Local Area Network" "$dec")
  nigmp=$(grep -c "^Internet Group Management Protocol" "$dec")
  nmal=$(grep -ci "malformed" "$dec")
  if [ "$nvx" -gt 0 ] && [ "$nigmp" -gt 0 ] && [ "$nmal" -eq 0 ]; then
    pass "tshark: $nfr frames, $nvx VXLAN, $nigmp IGMP, no Malformed"
  else
    fail "tshark: $nfr frames, $nvx VXLAN, $nigmp IGMP, $nmal Malformed lines"
    grep -i -B3 malformed "$dec" | head -12 | ev
  fi
  tshark -r "$cap" -d udp.port==4789,vxlan 2>/dev/null | awk '!seen[$5" "$6" "$7]++' | head -8 | ev
  echo "      | (full decode: $dec)"

  section "6. BUM from host1: exactly once at spine2, never back at spine1"
  bum_test

  section "7. control plane: ping the VTEP, ARP, live VLAN changes, IGMP leave on shutdown"
  control_plane_test
  echo
  [ $NSKIP -gt 0 ] && echo "$NSKIP skipped (vtep-only checks with kernel spines)"
  echo "$NPASS passed, $NFAIL failed"
  [ $NFAIL -eq 0 ]
}

mdb_has() {   # port group -> true when core's bridge has that membership
  bridge -n "$NS_CORE" mdb show 2>/dev/null | grep -q "port $1 grp $2 "
}

wait_mdb() {  # want(yes|no) port group seconds
  local want=$1 port=$2 grp=$3 deadline=$((SECONDS + $4))
  while :; do
    if mdb_has "$port" "$grp"; then [ "$want" = yes ] && return 0
    else [ "$want" = no ] && return 0; fi
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.5
  done
}

control_plane_test() {
  if [ "$MODE1" != vtep ]; then
    skip "control-plane checks: vtep-only (spine1 is the kernel)"
    return
  fi
  ping_check "core -> spine1 VTEP address $S1_IP (ICMP answered by vtep)" "$NS_CORE" -c 3 "$S1_IP"
  local out
  out=$(vtep_ctl 1 show arp 2>&1)
  if echo "$out" | grep -E "$S2_IP " | grep -qv static; then pass "spine1 vtep: resolved remote VTEP $S2_IP by ARP"
  else fail "spine1 vtep: $S2_IP not resolved in show arp"; fi
  echo "$out" | ev
  out=$(vtep_ctl 1 show lldp neighbors 2>&1)
  if [ "$MODE2" = vtep ]; then
    if echo "$out" | grep "et-2/0/0" | grep -q "EX9200-2"; then pass "spine1 vtep: LLDP hears EX9200-2 on et-2/0/0"
    else fail "spine1 vtep: show lldp neighbors lacks EX9200-2 on et-2/0/0"; fi
  else skip "LLDP between the spines: vtep-only (spine2 is the kernel)"; fi
  echo "$out" | ev

  # Live change while NFS traffic flows: a new VLAN/VNI joins its group,
  # deleting it leaves; the running ping must not lose a reply.
  local pf=$STATE/live-ping.txt
  nsx "$NS_H2" ping -i 0.1 -c 60 "$NETAPP_IP" > "$pf" 2>&1 &
  local ppid=$!
  sleep 1
  out=$(vtep_ctl 1 set vlans v200 vlan-id 200 vxlan vni 200 multicast-group 239.1.1.200 2>&1)
  if [ "$out" = "vlan v200 set" ] && wait_mdb yes "$C_S1" 239.1.1.200 10; then
    pass "spine1 vtep: set vlans v200 (vni 200) joined 239.1.1.200 (core bridge mdb)"
  else fail "spine1 vtep: set vlans v200: '$out', 239.1.1.200 not in core mdb"; fi
  vtep_ctl 1 show vlans | ev
  out=$(vtep_ctl 1 delete vlans v200 2>&1)
  if [ "$out" = "vlan v200 deleted" ] && wait_mdb no "$C_S1" 239.1.1.200 15; then
    pass "spine1 vtep: delete vlans v200 left 239.1.1.200 (gone from core mdb)"
  else fail "spine1 vtep: delete vlans v200: '$out', 239.1.1.200 still in core mdb"; fi
  wait "$ppid" 2>/dev/null
  local lost
  lost=$(grep -oE '[0-9]+ received' "$pf" | grep -oE '^[0-9]+')
  if [ "${lost:-0}" -eq 60 ]; then pass "NFS ping host2 -> NetApp during the changes: 60 of 60 replies"
  else fail "NFS ping host2 -> NetApp during the changes: ${lost:-0} of 60 replies"; fi
  grep -E "packet loss" "$pf" | ev

  # Shutdown sends IGMP leaves: spine2's memberships vanish from the core.
  if [ "$MODE2" = vtep ]; then
    vtep_ctl 2 quit >/dev/null 2>&1 || true
    if wait_mdb no "$C_S2" 239.1.1.10 15 && wait_mdb no "$C_S2" 239.1.1.100 5; then
      pass "spine2 vtep: after quit its groups left the core bridge (IGMP leaves)"
    else fail "spine2 vtep: after quit the core bridge still lists its groups"; fi
    bridge -n "$NS_CORE" mdb show | ev
    grep -E "IGMP leave|mbufs back" "$STATE/spine2.log" | ev
  else
    skip "IGMP leave on shutdown: vtep-only (spine2 is the kernel)"
  fi
}

bum_test() {
  local tag="LABBUM$$x$RANDOM" d=$STATE/bum pids=() i
  rm -rf "$d"; mkdir -p "$d"
  # capture points: NS IF NAME
  local points=("$NS_L2 $L2_UP leaf2-uplink" "$NS_S2 $S2_UL spine2-underlay" "$NS_S1 $S1_UL spine1-underlay" "$NS_L1 $L1_UP leaf1-uplink")
  for i in "${points[@]}"; do
    set -- $i
    ip netns exec "$1" tcpdump -i "$2" -Q in -U -n -s 0 -w "$d/$3.pcap" > "$d/$3.log" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq 50); do
    [ "$(cat "$d"/*.log 2>/dev/null | grep -c 'listening on')" -ge ${#points[@]} ] && break
    sleep 0.1
  done
  # One broadcast and one unknown unicast in v100 from host1's vmk0.
  nsx "$NS_H1" "$PY" - vmk0 "$tag" <<'EOF'
import socket, sys
ifc, tag = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind((ifc, 0))
src = s.getsockname()[4]
for dst, kind in ((b"\xff" * 6, b"BCAST"), (bytes.fromhex("02dead00beef"), b"UUCST")):
    s.send((dst + src + b"\x88\xb5" + (tag.encode() + kind)).ljust(60, b"\x00"))
EOF
  sleep 1.5
  for i in "${pids[@]}"; do kill -INT "$i" 2>/dev/null; done
  for i in "${pids[@]}"; do wait "$i" 2>/dev/null; done
  local name b u
  for i in "${points[@]}"; do
    set -- $i; name=$3
    b=$(tshark -r "$d/$name.pcap" -Y "frame contains \"${tag}BCAST\"" 2>/dev/null | wc -l)
    u=$(tshark -r "$d/$name.pcap" -Y "frame contains \"${tag}UUCST\"" 2>/dev/null | wc -l)
    case "$name" in
      leaf2-uplink|spine2-underlay) want=1 ;;
      *) want=0 ;;
    esac
    if [ "$b" -eq "$want" ] && [ "$u" -eq "$want" ]; then
      pass "BUM at $name ($2, inbound): broadcast $b, unknown unicast $u (want $want each)"
    else
      fail "BUM at $name ($2, inbound): broadcast $b, unknown unicast $u (want $want each)"
    fi
  done
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
  status) parse_opts "$@"; cmd_status ;;
  vmotion) cmd_vmotion "$@" ;;
  cmdline) parse_opts "$@"; for n in 1 2; do echo "spine$n: ip netns exec $(spine_ns $n) $(vtep_cmdline $n | tr '\n' ' ')"; done ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
