#!/usr/bin/env bash
# BUM from host1: a broadcast and an unknown unicast reach spine2 once and never come back to spine1
. "$(dirname "$0")/lib.sh"
tag="LABBUM$$x$RANDOM" d=$STATE/bum pids=()
rm -rf "$d"; mkdir -p "$d"
# capture points: NS IF NAME
points=("$NS_L2 $L2_UP leaf2-uplink" "$NS_S2 $S2_UL spine2-underlay" "$NS_S1 $S1_UL spine1-underlay" "$NS_L1 $L1_UP leaf1-uplink")
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
nsx "$NS_H1" "$PY" - vmk0 "$tag" <<'PY'
import socket, sys
ifc, tag = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind((ifc, 0))
src = s.getsockname()[4]
for dst, kind in ((b"\xff" * 6, b"BCAST"), (bytes.fromhex("02dead00beef"), b"UUCST")):
    s.send((dst + src + b"\x88\xb5" + (tag.encode() + kind)).ljust(60, b"\x00"))
PY
sleep 1.5
for i in "${pids[@]}"; do kill -INT "$i" 2>/dev/null; done
for i in "${pids[@]}"; do wait "$i" 2>/dev/null; done
for i in "${points[@]}"; do
  set -- $i
  b=$(tshark -r "$d/$3.pcap" -Y "frame contains \"${tag}BCAST\"" 2>/dev/null | wc -l)
  u=$(tshark -r "$d/$3.pcap" -Y "frame contains \"${tag}UUCST\"" 2>/dev/null | wc -l)
  case "$3" in leaf2-uplink|spine2-underlay) want=1 ;; *) want=0 ;; esac
  if [ "$b" -eq "$want" ] && [ "$u" -eq "$want" ]; then v=pass; else v=fail; fi
  $v "BUM at $3 ($2, inbound): broadcast $b, unknown unicast $u (want $want each)"
done
