# scripts/lab/lib.sh: what the lab's topology (scripts/lab.sh) and its checks
# (scripts/lab/checks/) share: the names and addresses of the seed lab, the
# spines `up` built, the control sockets, and moving the VM. Sourced, not run.
#
# Environment: LAB_PREFIX (default "lab-", at most 4 characters) prefixes
# every namespace and veth; VTEP (default: the release vtep in cargo's target
# directory, CARGO_TARGET_DIR honoured); VTEP_START_TIMEOUT (seconds, default
# 60); LAB_STATE (default /tmp/vtep-lab).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/target-dir.sh
. "$REPO/scripts/lib/target-dir.sh"

P=${LAB_PREFIX:-lab-}
if [ ${#P} -gt 4 ]; then
  echo "lab: LAB_PREFIX '$P' is longer than 4 characters: interface names would pass 15" >&2
  exit 2
fi
STATE=${LAB_STATE:-/tmp/vtep-lab}
PY=/usr/bin/python3
VTEP=${VTEP:-$(vtep_target_dir)/release/vtep}
export VTEP  # the checks, run as their own processes, need not resolve it again
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

# The spines `up` built (MODE1/MODE2: vtep or kernel); options given to
# test/vmotion/check must agree with them.
MODE1=${MODE1:-}; MODE2=${MODE2:-}
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
# ------------------------------------------------------- building blocks --
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
