#!/usr/bin/env bash
# Instructions per frame of one vtep worker, counted by callgrind over the
# real binary: net_pcap (a generated pcap, replayed) -> net_null, one worker.
#
#   scripts/callgrind.sh [options] SCENARIO...
#     SCENARIO      io (vtep io on the encap pcap), encap, decap
#     --vtep BIN    the vtep binary (default: the release build)
#     --pcapgen BIN vtep-pcapgen (default: the release build)
#     --hosts N     hosts behind the local port (default 256): encap's
#                   sources, decap's destinations (known as static MACs)
#     --port KIND   access or trunk (default trunk: VLAN 100 tagged)
#     --size B      frame size with FCS (default 64; decap's inner frame)
#     --seconds S   time under valgrind (default 25)
#
# Prints one line per scenario: name, frames, worker instructions, and
# instructions per frame (the worker thread's total over the frames it
# received: its PMD, mempool and libc work included).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
[[ $TARGET = /* ]] || TARGET=$REPO/$TARGET
VTEP_BIN="" PCAPGEN="" HOSTS=256 PORT=trunk SIZE=64 SECS=25 SCENS=()
while (( $# )); do
  case $1 in
    --vtep) VTEP_BIN=$2; shift 2 ;;
    --pcapgen) PCAPGEN=$2; shift 2 ;;
    --hosts) HOSTS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    io|encap|decap) SCENS+=("$1"); shift ;;
    *) echo "callgrind: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
(( ${#SCENS[@]} )) || SCENS=(encap decap)
[[ $PORT == access || $PORT == trunk ]] || { echo "callgrind: --port is access or trunk" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "callgrind: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
if [[ -z $VTEP_BIN || -z $PCAPGEN ]]; then
  cargo build --release -q --bin vtep --bin vtep-pcapgen
  VTEP_BIN=${VTEP_BIN:-$TARGET/release/vtep} PCAPGEN=${PCAPGEN:-$TARGET/release/vtep-pcapgen}
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/callgrind.XXXXXX")
[[ -n ${CALLGRIND_KEEP:-} ]] || trap 'rm -rf "$TMP"' EXIT

stored=$(( SIZE - 4 ))
tag=() mode=access members='"v100"'
[[ $PORT == trunk ]] && { tag=(--vlan 100); mode=trunk; }

config() {  # config SCEN: the generated configuration on stdout
  local ul_dev=net_null0 port_dev=net_pcap0 smac="" i v
  [[ $1 == decap ]] && { ul_dev=net_pcap0 port_dev=net_null0; }
  if [[ $1 == decap ]]; then
    for (( i = 0; i < HOSTS; i++ )); do
      v=$(( 0x10000 + i ))  # vtep-pcapgen's host i: 02:00:00:01:00:00 + i
      smac+="${smac:+, }{ vlan = \"v100\", mac = \"$(printf '02:00:00:%02x:%02x:%02x' $(( v >> 16 & 255 )) $(( v >> 8 & 255 )) $(( v & 255 )))\", interface = \"p0\" }"
    done
  else
    smac='{ vlan = "v100", mac = "02:00:00:00:00:ff", remote-vtep = "192.168.0.2" }'
  fi
  cat <<EOF
[vtep]
source-interface = "ul"
[interfaces.ul]
device = "$ul_dev"
address = "192.168.0.1/24"
mtu = 1550
static-arp = [{ address = "192.168.0.2", mac = "02:00:00:00:01:02" }]
[interfaces.p0]
device = "$port_dev"
interface-mode = "$mode"
vlan-members = [$members]
mtu = 1500
[vlans.v100]
vlan-id = 100
[vlans.v100.vxlan]
vni = 100
multicast-group = "239.1.1.100"
[ethernet-switching]
static-mac = [$smac]
EOF
}

run() {  # run SCEN
  local scen=$1 pcap=$TMP/$1.pcap cfg=$TMP/$1.toml log=$TMP/$1.log fwd
  case $scen in
    io|encap) "$PCAPGEN" --kind udp --size "$stored" --count 1024 --flows 64 --macs "$HOSTS" "${tag[@]}" -o "$pcap" ;;
    decap) "$PCAPGEN" --kind vxlan --size $(( stored + 50 )) --count 1024 --flows 64 --macs "$HOSTS" --reverse --vni 100 -o "$pcap" ;;
  esac
  config "$scen" >"$cfg"
  fwd=(--forward-mode vxlan --config "$cfg")
  [[ $scen == io ]] && fwd=(--forward-mode io)
  rm -f "$TMP"/cg.*
  env --default-signal=INT valgrind --tool=callgrind --separate-threads=yes \
    --callgrind-out-file="$TMP/cg.%p" \
    "$VTEP_BIN" -l 0-1 --no-huge -m 512 --no-shconf --no-pci --log-level lib.eal:warning \
    --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev net_null0,no-rx=1 \
    -- "${fwd[@]}" --nb-cores 1 --stats-period 1 --total-num-mbufs 8192 </dev/null >"$log" 2>&1 &
  local pid=$!
  sleep "$SECS"
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || { echo "callgrind: vtep exited with $? under valgrind; last lines:" >&2; tail -n 20 "$log" >&2; return 1; }
  # The RX port is port 0 (net_pcap0 is probed first); its last block's total.
  local frames best=0 ir f
  frames=$(awk '/NIC statistics for port 0/ { p = 1 } /NIC statistics for port [1-9]/ { p = 0 }
                p && /RX-packets:/ { n = $2 } END { print n + 0 }' "$log")
  for f in "$TMP"/cg.*; do
    ir=$(awk '/^totals:/ { print $2; exit } /^summary:/ { s = $2 } END { if (s) print s }' "$f" | head -n 1)
    (( ${ir:-0} > best )) && best=$ir
  done
  (( frames > 0 )) || { echo "callgrind: $scen received no frames; last lines:" >&2; tail -n 20 "$log" >&2; return 1; }
  printf '%-6s hosts=%-5s port=%-6s size=%-5s frames=%-9s worker_ir=%-12s ir_per_frame=%s\n' \
    "$scen" "$HOSTS" "$PORT" "$SIZE" "$frames" "$best" "$(( best / frames ))"
}

for s in "${SCENS[@]}"; do run "$s"; done
