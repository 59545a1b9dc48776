#!/usr/bin/env bash
# Prepares a Debian 12 machine for vtep: DPDK 22.11 and the tools the tests
# use, plus 2 MB hugepages when the kernel lets us reserve them.
# Idempotent; needs root (or sudo) for apt and hugepages.
set -euo pipefail

PKGS=(libdpdk-dev dpdk pkg-config libclang-dev clang libpcap-dev
      iproute2 iputils-ping ethtool iperf3 tshark tcpdump python3-scapy
      bridge-utils procps jq)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  # tshark asks whether non-root users may capture: take the default.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >/dev/null
else
  echo "setup: packages present"
fi
pkg-config --exists libdpdk || { echo "setup: libdpdk-dev is installed but pkg-config cannot find libdpdk" >&2; exit 1; }
echo "setup: DPDK $(pkg-config --modversion libdpdk)"

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found: install Rust (https://rustup.rs) and re-run" >&2
  exit 1
fi

# Hugepages are optional: everything also runs with --no-huge.
HP=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
want=${VTEP_HUGEPAGES:-512}
if [ -w "$HP" ] && [ "$(cat "$HP")" -lt "$want" ]; then
  echo "$want" | $SUDO tee "$HP" >/dev/null 2>&1 || true
fi
if [ -r "$HP" ] && [ "$(cat "$HP")" -gt 0 ]; then
  if ! grep -qs "hugetlbfs /dev/hugepages" /proc/mounts; then
    $SUDO mkdir -p /dev/hugepages && $SUDO mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
  fi
  echo "setup: hugepages: $(cat "$HP") x 2 MB"
else
  echo "setup: no hugepages here: vtep runs with --no-huge"
fi
