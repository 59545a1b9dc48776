#!/usr/bin/env bash
# Live change while NFS flows: a new VLAN/VNI joins its group, deleting it leaves; no reply lost
. "$(dirname "$0")/lib.sh"
if ! is_vtep 1; then skip "live VLAN changes: vtep-only (spine1 is the kernel)"; exit; fi
pf=$STATE/live-ping.txt
nsx "$NS_H2" ping -i 0.1 -c 60 "$NETAPP_IP" > "$pf" 2>&1 &
ppid=$!
sleep 1
# (set/delete answer with one line: --json is for shows only; the VLAN
# itself is checked in show vlans --json)
out=$(vtep_ctl 1 set vlans v200 vlan-id 200 vxlan vni 200 multicast-group 239.1.1.200 2>&1)
if [ "$out" = "vlan v200 set" ] && wait_mdb yes "$C_S1" 239.1.1.200 10 &&
   vtep_ctl 1 show vlans --json | jq -e 'any(.vlans[]; .name == "v200" and .vni == 200)' >/dev/null; then
  pass "spine1 vtep: set vlans v200 (vni 200) joined 239.1.1.200 (core bridge mdb)"
else fail "spine1 vtep: set vlans v200: '$out', 239.1.1.200 not in core mdb"; fi
vtep_ctl 1 show vlans | ev
out=$(vtep_ctl 1 delete vlans v200 2>&1)
if [ "$out" = "vlan v200 deleted" ] && wait_mdb no "$C_S1" 239.1.1.200 15 &&
   vtep_ctl 1 show vlans --json | jq -e 'all(.vlans[]; .name != "v200")' >/dev/null; then
  pass "spine1 vtep: delete vlans v200 left 239.1.1.200 (gone from core mdb)"
else fail "spine1 vtep: delete vlans v200: '$out', 239.1.1.200 still in core mdb"; fi
wait "$ppid" 2>/dev/null
got=$(grep -oE '[0-9]+ received' "$pf" | grep -oE '^[0-9]+')
if [ "${got:-0}" -eq 60 ]; then pass "NFS ping host2 -> NetApp during the changes: 60 of 60 replies"
else fail "NFS ping host2 -> NetApp during the changes: ${got:-0} of 60 replies"; fi
grep -E "packet loss" "$pf" | ev
