#!/usr/bin/env bash
# Jumbo frames: a 5 s iperf3 TCP run host1 -> host2 at MTU 9000
. "$(dirname "$0")/lib.sh"
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
