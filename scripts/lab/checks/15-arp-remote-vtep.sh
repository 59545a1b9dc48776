#!/usr/bin/env bash
# Control plane: spine1 resolved the remote VTEP's MAC by ARP (not a static entry)
. "$(dirname "$0")/lib.sh"
if ! is_vtep 1; then skip "ARP for the remote VTEP: vtep-only (spine1 is the kernel)"; exit; fi
if vtep_ctl 1 show arp --json 2>/dev/null | jq -e --arg ip "$S2_IP" '
     any(.["arp-table"][]; .["ip-address"] == $ip and .state != "static" and .["mac-address"] != null)' >/dev/null 2>&1; then
  pass "spine1 vtep: resolved remote VTEP $S2_IP by ARP"
else fail "spine1 vtep: $S2_IP not resolved in show arp"; fi
vtep_ctl 1 show arp 2>&1 | ev
