#!/usr/bin/env bash
# NFS across the tunnel: host2 reaches the NetApp behind spine1 (v10)
. "$(dirname "$0")/lib.sh"
ping_check "host2 -> NetApp $NETAPP_IP across the tunnel (v10)" "$NS_H2" -c 3 "$NETAPP_IP"
