#!/usr/bin/env bash
# Bare-metal bring-up: reserve hugepages, bind the configured NICs to
# vfio-pci, pick worker cores, and start vtep with matching EAL arguments.
#
# Usage: scripts/bringup.sh CONFIG [--cores LIST] [--hugepages N] [--dry-run] [-- VTEP-OPTIONS]
#   CONFIG        vtep TOML config; every `device = "0000:3b:00.0"` is bound to vfio-pci.
#                 Virtual devices (net_*) need their --vdev arguments: give them in
#                 VTEP_VDEVS, e.g. VTEP_VDEVS="--vdev net_af_packet0,iface=eth1".
#   --cores LIST  lcores for vtep: the first runs the control thread, the rest workers
#                 (default: the isolated cores as workers, one housekeeping core first)
#   --hugepages N 2 MB hugepages to reserve (default 1024)
#   --dry-run     print what would be done and the vtep command, change nothing
# Env: VTEP (binary, default release/vtep in cargo's target directory,
#      CARGO_TARGET_DIR honoured), VTEP_VDEVS, VTEP_EAL_EXTRA.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
# shellcheck source=lib/target-dir.sh
. scripts/lib/target-dir.sh

say() { printf 'bringup: %s\n' "$*"; }
warn() { printf 'bringup: warning: %s\n' "$*" >&2; }
die() { printf 'bringup: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

CONFIG="" CORES="" HUGE=1024 DRY=0 EXTRA=()
while (($#)); do
  case $1 in
    --cores) CORES=${2:?--cores needs a list}; shift ;;
    --hugepages) HUGE=${2:?--hugepages needs a number}; shift ;;
    --dry-run) DRY=1 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$CONFIG" ] || die "one CONFIG only"; CONFIG=$1 ;;
  esac
  shift
done
[ -n "$CONFIG" ] || { usage; exit 2; }
[ -r "$CONFIG" ] || die "cannot read $CONFIG"
VTEP=${VTEP:-$(vtep_target_dir)/release/vtep}
run() { if ((DRY)); then echo "  would run: $*"; else "$@"; fi; }
((DRY)) || [ "$(id -u)" -eq 0 ] || die "needs root (hugepages, vfio-pci binding); try --dry-run"

# Devices named in the config.
mapfile -t DEVICES < <(sed -nE 's/^[[:space:]]*device[[:space:]]*=[[:space:]]*"([^"]+)".*/\1/p' "$CONFIG")
[ ${#DEVICES[@]} -gt 0 ] || die "$CONFIG names no device"
PCI=() VDEV=()
for d in "${DEVICES[@]}"; do
  if [[ $d =~ ^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]]; then PCI+=("$d"); else VDEV+=("$d"); fi
done
say "devices: PCI ${PCI[*]:-none}; virtual ${VDEV[*]:-none}"
for v in "${VDEV[@]}"; do
  grep -q -- "$v" <<<"${VTEP_VDEVS:-}" || warn "$v is a virtual device: pass '--vdev $v,...' in VTEP_VDEVS"
done

# 1. Hugepages.
HP=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
have=$(cat "$HP" 2>/dev/null || echo 0)
if [ "$have" -lt "$HUGE" ]; then
  say "hugepages: $have reserved, reserving $HUGE x 2 MB"
  if ((DRY)); then echo "  would run: echo $HUGE > $HP"; else echo "$HUGE" > "$HP"; fi
  ((DRY)) || [ "$(cat "$HP")" -ge "$HUGE" ] || warn "only $(cat "$HP") hugepages could be reserved (memory fragmented? reserve at boot: hugepages=$HUGE)"
else
  say "hugepages: $have x 2 MB reserved"
fi
grep -qs "hugetlbfs" /proc/mounts || run mkdir -p /dev/hugepages
grep -qs "hugetlbfs" /proc/mounts || run mount -t hugetlbfs nodev /dev/hugepages

# 2. IOMMU and vfio-pci.
if [ ${#PCI[@]} -gt 0 ]; then
  if [ -z "$(ls -A /sys/kernel/iommu_groups 2>/dev/null)" ]; then
    warn "no IOMMU groups: boot with intel_iommu=on (or amd_iommu=on) iommu=pt, or vfio-pci will refuse the NICs"
  fi
  command -v dpdk-devbind.py >/dev/null || die "dpdk-devbind.py not found: apt-get install dpdk"
  run modprobe vfio-pci
  for p in "${PCI[@]}"; do
    [[ $p =~ ^[0-9a-fA-F]{4}: ]] || p="0000:$p"
    drv=$(basename "$(readlink -f "/sys/bus/pci/devices/$p/driver" 2>/dev/null)" 2>/dev/null || true)
    if [ "$drv" = vfio-pci ]; then say "$p: already on vfio-pci"; continue; fi
    [ -e "/sys/bus/pci/devices/$p" ] || { ((DRY)) && { warn "$p: no such PCI device here"; continue; }; die "$p: no such PCI device"; }
    say "$p: $drv -> vfio-pci"
    run dpdk-devbind.py --bind=vfio-pci "$p"
  done
fi

# 3. Cores: workers on isolated cores when there are any.
isolated=$(cat /sys/devices/system/cpu/isolated 2>/dev/null || true)
if [ -z "$CORES" ]; then
  if [ -n "$isolated" ]; then
    first_free=$(awk -v iso="$isolated" 'BEGIN { n = split(iso, a, ","); for (i = 1; i <= n; i++) { if (split(a[i], r, "-") == 2) for (c = r[1]; c <= r[2]; c++) used[c] = 1; else used[a[i]] = 1 } for (c = 0; c < 1024; c++) if (!(c in used)) { print c; exit } }')
    CORES="$first_free,$isolated"
  else
    warn "no isolated cores (isolcpus=/nohz_full=): workers share their cores with the kernel and other tasks"
    CORES="0-$(($(nproc) - 1))"
  fi
fi
nworkers=$(awk -v l="$CORES" 'BEGIN { n = split(l, a, ","); c = 0; for (i = 1; i <= n; i++) { if (split(a[i], r, "-") == 2) c += r[2] - r[1] + 1; else c++ } print c - 1 }')
[ "$nworkers" -ge 1 ] || die "--cores $CORES leaves no worker core (the first one runs the control thread)"
say "lcores $CORES: control on the first, $nworkers worker(s)"

# 4. vtep.
EAL=(-l "$CORES" --file-prefix vtep)
for p in "${PCI[@]}"; do [[ $p =~ ^[0-9a-fA-F]{4}: ]] || p="0000:$p"; EAL+=(-a "$p"); done
[ ${#PCI[@]} -gt 0 ] || EAL+=(--no-pci)
# shellcheck disable=SC2206
EAL+=(${VTEP_VDEVS:-} ${VTEP_EAL_EXTRA:-})
CMD=("$VTEP" "${EAL[@]}" -- --config "$CONFIG" --nb-cores "$nworkers" --max-pkt-len 9216 "${EXTRA[@]}")
say "starting: ${CMD[*]}"
if ((DRY)); then exit 0; fi
[ -x "$VTEP" ] || die "$VTEP not found: cargo build --release"
exec "${CMD[@]}"
