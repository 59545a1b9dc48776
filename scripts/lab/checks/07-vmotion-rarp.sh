#!/usr/bin/env bash
# vMotion host2 -> host1 announced by ESXi's RARP, under a 50 ms ping from the client
. "$(dirname "$0")/lib.sh"
if [ "$(cat "$STATE/vm_at")" != host2 ]; then
  echo "   (the VM is on $(cat "$STATE/vm_at"): moving it back to host2 first)"
  vm_move 2 rarp >/dev/null; sleep 1
fi
vmotion_run 1 rarp "vMotion host2->host1 (RARP)"
