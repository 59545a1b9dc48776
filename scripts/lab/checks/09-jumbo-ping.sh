#!/usr/bin/env bash
# Jumbo frames: 9000-byte IP packets host1 -> host2 over the 9216 underlay, DF set
. "$(dirname "$0")/lib.sh"
ping_check "host1 -> host2 ping -M do -s 8972 over v100 (9000-byte IP packets)" "$NS_H1" -M do -s 8972 -c 3 "$H2_DATA"
