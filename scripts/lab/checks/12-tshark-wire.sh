#!/usr/bin/env bash
# The wire: tshark on the core's bridge decodes VXLAN and IGMP, nothing malformed
. "$(dirname "$0")/lib.sh"
cap=$STATE/core.pcapng dec=$STATE/core-decode.txt
rm -f "$cap"
ip netns exec "$NS_CORE" tshark -q -i br0 -c 2000 -a duration:12 -f "udp port 4789 or igmp" -w "$cap" > "$STATE/tshark-capture.txt" 2>&1 &
tpid=$!
sleep 2
nsx "$NS_H2" ping -q -c 5 -i 0.2 "$NETAPP_IP" >/dev/null 2>&1
nsx "$NS_H1" ping -q -c 5 -i 0.2 -s 8000 "$H2_DATA" >/dev/null 2>&1
wait "$tpid"
tshark -r "$cap" -V -d udp.port==4789,vxlan > "$dec" 2>&1
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
