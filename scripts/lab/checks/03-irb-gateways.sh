#!/usr/bin/env bash
# IRB gateways: both hosts reach irb.10, the VM reaches irb.0
. "$(dirname "$0")/lib.sh"
ping_check "host1 -> IRB $IRB10 (irb.10)" "$NS_H1" -c 3 "$IRB10"
ping_check "host2 -> IRB $IRB10 (irb.10)" "$NS_H2" -c 3 "$IRB10"
ping_check "vm (on $(cat "$STATE/vm_at")) -> IRB $IRB100 (irb.0)" "$NS_VM" -c 3 "$IRB100"
