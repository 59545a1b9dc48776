# scripts/lab/checks/lib.sh: what every lab check sources. A check is one
# scenario against a lab that `scripts/lab.sh up` built; it prints PASS,
# FAIL and SKIP lines with evidence ("      | ...") under them, and exits 1
# when anything failed. `scripts/lab.sh test` runs them all in order,
# `scripts/lab.sh check NAME` one. Decisions about vtep read its `--json`
# shows (jq); the human shows are only printed as evidence.
set -uo pipefail
# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

NPASS=0; NFAIL=0; NSKIP=0
pass() { NPASS=$((NPASS + 1)); echo "PASS $*"; }
fail() { NFAIL=$((NFAIL + 1)); echo "FAIL $*"; }
skip() { NSKIP=$((NSKIP + 1)); echo "SKIP $*"; }
ev()   { sed 's/^/      | /'; }
die()  { fail "$(basename "$0" .sh): $*"; exit 1; }
# The tally goes to the runner (LAB_TALLY). The verdict: nothing failed, and
# something passed or was skipped (a check that stopped early has neither).
lab_check_end() {
  [ $((NPASS + NFAIL + NSKIP)) -gt 0 ] || fail "$(basename "$0" .sh): stopped before any verdict"
  [ -n "${LAB_TALLY:-}" ] && echo "$NPASS $NFAIL $NSKIP" > "$LAB_TALLY"
  [ $NFAIL -eq 0 ] && exit 0
  exit 1
}
trap lab_check_end EXIT

load_modes
command -v jq >/dev/null || die "jq is missing (scripts/setup.sh installs it)"

is_vtep() { [ "$(spine_mode "$1")" = vtep ]; }
other_ip() { [ "$1" = 1 ] && echo "$S2_IP" || echo "$S1_IP"; }

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

# mac_table N VLAN: the spine's table for that VLAN, to show as evidence.
mac_table() {
  local n=$1 vlan=$2
  if is_vtep "$n"; then
    vtep_ctl "$n" show ethernet-switching table vlan-id "$vlan" 2>&1
  else
    # (one 802.1D table for both VLANs: see vlan_port)
    nsx "$(spine_ns "$n")" bridge fdb show br br0 2>&1 | grep " dev " | grep -v " permanent" | grep -vi "^33:33\|^01:00:5e\|^00:00:00:00:00:00"
  fi
}

# mac_where N MAC VLAN: one word: the local port (Junos name), "vtep:IP" for
# a remote VTEP (kernel: the vxlan fdb dst; vtep: the vtep.N interface), or "none".
mac_where() {
  local n=$1 mac=$2 vlan=$3 ns line dev dst
  ns=$(spine_ns "$n")
  if is_vtep "$n"; then
    vtep_ctl "$n" show ethernet-switching table vlan-id "$vlan" --json 2>/dev/null | jq -r --arg m "$mac" '
      [.entries[] | select((.mac | ascii_downcase) == ($m | ascii_downcase))][0]
      | if . == null then "none"
        elif .["remote-vtep"] != null then "vtep:" + .interface
        else .interface | sub("\\.0$"; "") end' 2>/dev/null || echo none
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
  local label=$1 n=$2 mac=$3 vlan=$4 want=$5 got ok=0 other where
  got=$(mac_where "$n" "$mac" "$vlan")
  other=$(other_ip "$n")
  if [ "$want" = remote ]; then
    case "$got" in "vtep:$other"|vtep:vtep.*) ok=1 ;; esac
    where="remote (behind $other)"
  else
    [ "$got" = "$want" ] && ok=1
    where="local on $want"
  fi
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

# json_counters N: "path value" for every number in show port stats all and
# show interfaces (--json), e.g. ".interfaces[0].drops.too-big 3".
json_counters() {
  { vtep_ctl "$1" show port stats all --json 2>/dev/null; vtep_ctl "$1" show interfaces --json 2>/dev/null; } |
    jq -r 'paths(type == "number") as $p
           | "\($p | map(if type == "number" then "[\(.)]" else ".\(.)" end) | join("")) \(getpath($p))"' 2>/dev/null
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
  local to=$1 kind=$2 label=$3 from pf pid tt td ta tx rx lost first gap mv src_n dst_n
  from=$(cat "$STATE/vm_at")
  pf=$STATE/vmotion-$kind.ping
  echo "   $label: VM $from -> host$to, announced by $kind; ping -D -i 0.05 from the client ($CLIENT_IP)"
  ip netns exec "$NS_CL" ping -D -i 0.05 -W 1 "$VM_IP" > "$pf" 2>&1 &
  pid=$!
  sleep 2
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

# set_underlay_mtu M: the core's ports, its bridge and both spines' underlay.
set_underlay_mtu() {
  local m=$1 n
  nsx "$NS_CORE" ip link set "$C_S1" mtu "$m"
  nsx "$NS_CORE" ip link set "$C_S2" mtu "$m"
  nsx "$NS_CORE" ip link set br0 mtu "$m"
  nsx "$NS_S1" ip link set "$S1_UL" mtu "$m"
  nsx "$NS_S2" ip link set "$S2_UL" mtu "$m"
  # A vtep spine's underlay MTU is its own configuration (et-2/0/0).
  for n in 1 2; do
    if is_vtep $n; then vtep_ctl "$n" set interfaces et-2/0/0 mtu "$m" >/dev/null; fi
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
