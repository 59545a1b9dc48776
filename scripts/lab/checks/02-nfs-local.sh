#!/usr/bin/env bash
# NFS switched locally: host1 reaches the NetApp through spine1 alone (v10)
. "$(dirname "$0")/lib.sh"
ping_check "host1 -> NetApp $NETAPP_IP (v10, switched on spine1)" "$NS_H1" -c 3 "$NETAPP_IP"
