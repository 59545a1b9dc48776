#!/usr/bin/env bash
# Shutdown sends IGMP leaves: after `quit` spine2's memberships vanish from the core (spine2 stays down)
. "$(dirname "$0")/lib.sh"
if ! is_vtep 2; then skip "IGMP leave on shutdown: vtep-only (spine2 is the kernel)"; exit; fi
vtep_ctl 2 quit >/dev/null 2>&1 || true
if wait_mdb no "$C_S2" 239.1.1.10 15 && wait_mdb no "$C_S2" 239.1.1.100 5; then
  pass "spine2 vtep: after quit its groups left the core bridge (IGMP leaves)"
else fail "spine2 vtep: after quit the core bridge still lists its groups"; fi
bridge -n "$NS_CORE" mdb show | ev
grep -E "IGMP leave|mbufs back" "$STATE/spine2.log" | ev
