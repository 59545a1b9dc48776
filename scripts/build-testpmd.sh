#!/usr/bin/env bash
# Build DPDK's testpmd (same 22.11 release as the installed libdpdk-dev) from
# the Debian source package and cache the binary at
# ${VTEP_CACHE:-$REPO/.cache}/dpdk-testpmd.
# Re-running is free once the binary exists (delete it to rebuild).
#
# Default (shared): testpmd's sources compiled against the system's shared
# DPDK, the very libraries and PMDs vtep runs on: the like-for-like
# baseline (about 20 s). --static: a meson static build of DPDK with only
# the vdev drivers (about 2 min); its PMDs and mempool are compiled in, with
# initial-exec TLS, which makes it faster per packet than anything linked to
# the shared libraries.
#
# Usage: scripts/build-testpmd.sh [--force] [--static]
# Env:   VTEP_CACHE   cache dir (default: <repo>/.cache)
#        JOBS         ninja jobs (default 2, capped at 2)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VTEP_CACHE:-$REPO/.cache}
BIN=$CACHE/dpdk-testpmd
SRC_ROOT=$CACHE/dpdk-src
JOBS=${JOBS:-2}
(( JOBS > 2 )) && JOBS=2

step() { printf 'build-testpmd: %s\n' "$*"; }
die()  { printf 'build-testpmd: ERROR: %s\n' "$*" >&2; exit 1; }

FORCE=0 KIND=shared
for a in "$@"; do
  case $a in
    --force) FORCE=1 ;;
    --static) KIND=static ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$a' (use --force, --static or --help)" ;;
  esac
done

if [[ $FORCE == 0 && -x $BIN ]]; then
  step "cached: $BIN (delete it or pass --force to rebuild)"
  exit 0
fi

SUDO=()
if [[ $(id -u) != 0 ]]; then
  command -v sudo >/dev/null || die "need root (or sudo) for apt-get"
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

# Version of the installed DPDK, so testpmd matches the libdpdk vtep links to.
VER=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || true)
[[ -n $VER ]] || die "libdpdk-dev is not installed (apt-get install libdpdk-dev)"
step "target: dpdk $VER testpmd -> $BIN"

UPSTREAM=${VER#*:}; UPSTREAM=${UPSTREAM%%-*}          # 22.11.11
SRC=$SRC_ROOT/dpdk-$UPSTREAM
[[ -d $SRC ]] || SRC=$SRC_ROOT/dpdk-stable-$UPSTREAM

# 0. deb-src entry (only needed while the source is not unpacked yet).
if [[ ! -f $SRC/meson.build ]]; then
  if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    f=/etc/apt/sources.list.d/vtep-deb-src.sources
    step "adding deb-src entries: $f"
    . /etc/os-release
    CODENAME=${VERSION_CODENAME:-bookworm}
    "${SUDO[@]}" tee "$f" >/dev/null <<SRCS || die "cannot write $f"
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $CODENAME $CODENAME-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $CODENAME-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRCS
  fi
fi

# 1. build dependencies (dpkg-dev provides dpkg-source for apt-get source).
DEPS=(dpkg-dev meson ninja-build python3-pyelftools libpcap-dev libnuma-dev pkg-config gcc)
MISSING=()
for p in "${DEPS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || MISSING+=("$p")
done
APT_UPDATED=0
apt_update() {
  (( APT_UPDATED )) && return 0
  step "apt-get update"
  "${SUDO[@]}" apt-get update -qq >/dev/null || die "apt-get update failed"
  APT_UPDATED=1
}
if (( ${#MISSING[@]} )); then
  apt_update
  step "installing build deps: ${MISSING[*]}"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null \
    || die "apt-get install ${MISSING[*]} failed"
else
  step "build deps present"
fi

# 2. source: apt-get source, unless already unpacked.
if [[ ! -f $SRC/meson.build ]]; then
  apt_update
  mkdir -p "$SRC_ROOT"
  step "apt-get source dpdk=$VER (in $SRC_ROOT)"
  ( cd "$SRC_ROOT" && apt-get source -qq "dpdk=$VER" >/dev/null 2>&1 ) \
    || ( cd "$SRC_ROOT" && apt-get source -qq dpdk >/dev/null 2>&1 ) \
    || die "apt-get source dpdk failed (is a deb-src entry reachable?)"
  SRC=$(find "$SRC_ROOT" -maxdepth 2 -name meson_options.txt -printf '%h\n' | sort | tail -n1)
  [[ -n $SRC && -f $SRC/meson.build ]] || die "unpacked source not found under $SRC_ROOT"
else
  step "source present: $SRC"
fi

# 3a. shared: compile testpmd against the installed shared DPDK. The
# driver-specific testpmd extensions (mlx5, bnxt, i40e, ixgbe, bonding,
# dpaa) live in driver sources not installed: leave them out.
if [[ $KIND == shared ]]; then
  TP=$SRC/app/test-pmd
  WRAP=$SRC_ROOT/testpmd-config.h
  printf '#include <rte_config.h>\n' > "$WRAP"
  for d in MLX5 BNXT BOND DPAA I40E IXGBE; do printf '#undef RTE_NET_%s\n' "$d" >> "$WRAP"; done
  mapfile -t SRCS < <(sed -n "s/^ *'\([a-z0-9_]*\.c\)',\{0,1\}$/\1/p" "$TP/meson.build")
  [[ -f $TP/bpf_cmd.c ]] && SRCS+=(bpf_cmd.c)
  CFLAGS=$(pkg-config --cflags libdpdk | sed "s|-include rte_config.h|-include $WRAP|")
  step "gcc: ${#SRCS[@]} testpmd sources against the shared libdpdk (log: $SRC_ROOT/gcc.log)"
  t0=$(date +%s)
  # shellcheck disable=SC2086
  ( cd "$TP" && gcc -O3 -w -DALLOW_EXPERIMENTAL_API -DALLOW_INTERNAL_API -I"$SRC/lib/eal/linux/include" \
      $CFLAGS "${SRCS[@]}" -o "$BIN.tmp" $(pkg-config --libs libdpdk) -l:libjansson.so.4 -lm ) \
    >"$SRC_ROOT/gcc.log" 2>&1 || die "gcc failed, see $SRC_ROOT/gcc.log"
  mv -f "$BIN.tmp" "$BIN"
  echo shared > "$BIN.kind"
  step "built in $(( $(date +%s) - t0 ))s: $BIN (shared DPDK)"
  exit 0
fi

# 3. configure: static, generic x86 (corei7), only vdev/pcap/null/ring/af_packet.
BUILD=$SRC/build-vtep
OPTS=(
  --buildtype=release
  -Ddefault_library=static
  -Dplatform=generic
  -Dcpu_instruction_set=corei7
  -Dtests=false
  -Dexamples=
  -Denable_docs=false
  -Denable_kmods=false
  -Denable_drivers=bus/vdev,bus/pci,mempool/ring,net/pcap,net/null,net/ring,net/af_packet
)
if grep -q "'enable_apps'" "$SRC/meson_options.txt"; then
  OPTS+=(-Denable_apps=test-pmd)
fi
if [[ ! -f $BUILD/build.ninja ]]; then
  step "meson setup $BUILD"
  rm -rf "$BUILD"
  meson setup "$BUILD" "$SRC" "${OPTS[@]}" >"$SRC_ROOT/meson-setup.log" 2>&1 \
    || die "meson setup failed, see $SRC_ROOT/meson-setup.log"
else
  step "meson already configured: $BUILD"
fi

# 4. build only the testpmd target.
step "ninja -j$JOBS app/dpdk-testpmd (log: $SRC_ROOT/ninja.log)"
t0=$(date +%s)
ninja -C "$BUILD" -j"$JOBS" app/dpdk-testpmd >"$SRC_ROOT/ninja.log" 2>&1 \
  || die "ninja failed, see $SRC_ROOT/ninja.log"
step "built in $(( $(date +%s) - t0 ))s"

install -m 0755 "$BUILD/app/dpdk-testpmd" "$BIN.tmp" && mv -f "$BIN.tmp" "$BIN"
echo static > "$BIN.kind"
step "done: $BIN (static DPDK)"
