#!/usr/bin/env bash
# The seed's caveat: a 1500 underlay stops the jumbo ping; vtep counts it too big and names the MTU needed
. "$(dirname "$0")/lib.sh"
echo "   underlay MTU 1500 (core ports, br0 and both spines' underlay ports)"
before=$STATE/counters-before; after=$STATE/counters-after
# host1's jumbo request enters the tunnel at spine1: that is where it is
# too big (spine2 never sees it).
if is_vtep 1; then json_counters 1 > "$before.1"; fi
set_underlay_mtu 1500
out=$(nsx "$NS_H1" ping -W 2 -M do -s 8972 -c 3 "$H2_DATA" 2>&1)
if echo "$out" | grep -q " 0 received"; then
  pass "with a 1500 underlay the same jumbo ping fails (VTEPs must not fragment)"
else fail "with a 1500 underlay the jumbo ping still got answers"; fi
echo "$out" | grep -E "packet loss|Frag|too long|mtu" | head -3 | ev
if is_vtep 1; then
  json_counters 1 > "$after.1"
  rose=$(awk 'NR==FNR { b[$1] = $2; next } ($1 ~ /too[-_ ]?big|mtu[-_]?exceeded|oversize/) && ($2 > b[$1] + 0) { print $1 ": " b[$1] + 0 " -> " $2 }' "$before.1" "$after.1")
  if [ -n "$rose" ]; then
    pass "spine1 vtep: its too-big counter rose"; echo "$rose" | ev
    # (a log line, not a show: no --json has it)
    warn=$(grep -m1 "as too big for the underlay" "$STATE/spine1.log" || true)
    if [ -n "$warn" ]; then pass "spine1 vtep: its warning names the MTU needed"; echo "$warn" | ev
    else fail "spine1 vtep: no too-big warning in $STATE/spine1.log"; fi
  else
    fail "spine1 vtep: no too-big counter rose in show port stats all / show interfaces"
    grep -iE "big|mtu|drop|err" "$after.1" | head -8 | ev
  fi
else
  skip "spine1 too-big counter: vtep-only (spine1 is the kernel; the kernel just drops)"
fi
set_underlay_mtu 9216
flush_pmtu
sleep 1
ping_check "underlay back to 9216: the jumbo ping works again" "$NS_H1" -M do -s 8972 -c 3 "$H2_DATA"
