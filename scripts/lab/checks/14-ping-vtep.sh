#!/usr/bin/env bash
# Control plane: vtep answers ICMP echo on its VTEP address
. "$(dirname "$0")/lib.sh"
if ! is_vtep 1; then skip "ping the VTEP: vtep-only (spine1 is the kernel)"; exit; fi
ping_check "core -> spine1 VTEP address $S1_IP (ICMP answered by vtep)" "$NS_CORE" -c 3 "$S1_IP"
