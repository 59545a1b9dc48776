#!/usr/bin/env bash
# vMotion host1 -> host2 announced by a gratuitous ARP, under a 50 ms ping
. "$(dirname "$0")/lib.sh"
if [ "$(cat "$STATE/vm_at")" != host1 ]; then
  echo "   (the VM is on $(cat "$STATE/vm_at"): moving it to host1 first)"
  vm_move 1 rarp >/dev/null; sleep 1
fi
vmotion_run 2 garp "vMotion host1->host2 (gratuitous ARP)"
