#!/usr/bin/env bash
# MAC tables: the NetApp is local on spine1 (ge-7/0/0), remote on spine2
. "$(dirname "$0")/lib.sh"
show_tables 10 ""
expect_mac "NetApp MAC" 1 "$NETAPP_MAC" 10 ge-7/0/0
expect_mac "NetApp MAC" 2 "$NETAPP_MAC" 10 remote
