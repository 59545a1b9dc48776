#!/usr/bin/env bash
# The main job on an embedded default, no NIC needed: vMotion-sized frames
# (9018 bytes on the wire) replayed by net_pcap into an access port, bridged
# into VLAN 100 and encapsulated in VXLAN towards a remote VTEP over a
# 9216-byte underlay (net_null). Prints testpmd-shaped statistics, then the
# VLAN counters and the MAC table.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
# shellcheck source=lib/target-dir.sh
. scripts/lib/target-dir.sh
SECS=${DEMO_SECONDS:-5}
say() { printf 'demo: %s\n' "$*"; }

say "building (release)"
cargo build -q --release --bin vtep -p vtep -p vtep-benches
TARGET=$(vtep_target_dir)/release
VTEP=$TARGET/vtep
TMP=$(mktemp -d /tmp/vtep-demo.XXXXXX)
SOCK=$TMP/ctl.sock
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

"$TARGET/vtep-pcapgen" --kind udp --size 9014 --count 512 --macs 64 --flows 64 \
    --dst-mac 02:00:00:00:00:ff -o "$TMP/vmotion.pcap" >/dev/null
say "512 frames of 9014 bytes (9018 with FCS) in $TMP/vmotion.pcap"

free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
if [ "$free" -ge 256 ]; then MEM=(--in-memory); else MEM=(--no-huge -m 1024 --no-shconf); fi
EAL=(-l 0,1 "${MEM[@]}" --no-pci --file-prefix "vtep-demo-$$"
     --vdev "net_pcap0,rx_pcap=$TMP/vmotion.pcap,infinite_rx=1" --vdev net_null0,no-rx=1)
say "vtep ${EAL[*]} -- --config config/demo.toml --max-pkt-len 9216 --stats-period 1"
"$VTEP" "${EAL[@]}" -- --config config/demo.toml --max-pkt-len 9216 \
    --total-num-mbufs 8192 --stats-period 1 --ctl-socket "$SOCK" &
PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
sleep "$SECS"
"$VTEP" ctl --socket "$SOCK" show vlans
"$VTEP" ctl --socket "$SOCK" show ethernet-switching table
kill -INT "$PID"; wait "$PID"; PID=
say "done"
