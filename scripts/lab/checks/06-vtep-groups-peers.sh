#!/usr/bin/env bash
# Each vtep spine joined both groups and knows the other spine as a remote VTEP
. "$(dirname "$0")/lib.sh"
for n in 1 2; do
  if ! is_vtep $n; then
    skip "spine$n vtep: show igmp membership / vxlan-tunnel-end-point remote (spine$n is the kernel)"
    continue
  fi
  groups=$(vtep_ctl "$n" show igmp membership --json 2>/dev/null | jq -r '.["igmp-membership"][].group' 2>/dev/null)
  if echo "$groups" | grep -qx 239.1.1.10 && echo "$groups" | grep -qx 239.1.1.100; then
    pass "spine$n vtep: show igmp membership lists 239.1.1.10 and 239.1.1.100"
  else fail "spine$n vtep: show igmp membership lacks a group"; fi
  vtep_ctl "$n" show igmp membership 2>&1 | ev
  other=$(other_ip "$n")
  if vtep_ctl "$n" show ethernet-switching vxlan-tunnel-end-point remote --json 2>/dev/null |
     jq -e --arg ip "$other" 'any(.remotes[]; .["remote-vtep"] == $ip)' >/dev/null 2>&1; then
    pass "spine$n vtep: remote VTEP $other is known"
  else fail "spine$n vtep: remote VTEP $other not in show ethernet-switching vxlan-tunnel-end-point remote"; fi
  vtep_ctl "$n" show ethernet-switching vxlan-tunnel-end-point remote 2>&1 | ev
done
