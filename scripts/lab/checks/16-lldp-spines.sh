#!/usr/bin/env bash
# Control plane: LLDP between the spines, spine1 hears EX9200-2 on its underlay et-2/0/0
. "$(dirname "$0")/lib.sh"
if ! is_vtep 1 || ! is_vtep 2; then
  skip "LLDP between the spines: vtep-only (spine$(is_vtep 1 && echo 2 || echo 1) is the kernel)"; exit
fi
if vtep_ctl 1 show lldp neighbors --json 2>/dev/null | jq -e '
     any(.["lldp-neighbors"][]; .["local-interface"] == "et-2/0/0" and ((.["system-name"] // "") | contains("EX9200-2")))' >/dev/null 2>&1; then
  pass "spine1 vtep: LLDP hears EX9200-2 on et-2/0/0"
else fail "spine1 vtep: show lldp neighbors lacks EX9200-2 on et-2/0/0"; fi
vtep_ctl 1 show lldp neighbors 2>&1 | ev
