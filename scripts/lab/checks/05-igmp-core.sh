#!/usr/bin/env bash
# IGMP: the core's snooping bridge has both spines in both VNIs' groups
. "$(dirname "$0")/lib.sh"
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
