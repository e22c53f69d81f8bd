#!/usr/bin/env bash
# Installs every Debian 12 package l2snoop needs and configures the builds.
# Idempotent: apt is only touched when something is missing.
#   build/      g++, -Werror: the switch, unit and peer tests, benchmarks
#   build-san/  clang with ASan+UBSan and libFuzzer: unit and integration tests again, fuzzers
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential meson ninja-build pkg-config
  clang libclang-rt-14-dev                      # libFuzzer, sanitizers
  dpdk dpdk-dev libdpdk-dev                     # DPDK 22.11, testpmd, telemetry
  libboost-program-options-dev
  nlohmann-json3-dev                            # the control channel's JSON
  libsystemd-dev scdoc                          # sd_notify; man pages
  prometheus python3-prometheus-client          # the metrics exporter and its end-to-end test
  python3-matplotlib                            # benchmark plots
  chromium                                      # the status page's end-to-end test
  libgtest-dev libgmock-dev googletest catch2
  python3 python3-scapy tshark tcpdump iproute2 # peers and test hosts
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

configure() {  # configure DIR [meson options...]: setup once, then reconfigure
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

configure build -Dwerror=true -Dbuildtype=debugoptimized
# The sanitizer trees carry line tables only (-g1's equivalent): what a
# sanitizer report needs for file:line, at 20 % less compile time than -g.
san_debug="-Ddebug=false -Doptimization=2"
CXX=clang++ configure build-san -Dwerror=true $san_debug -Dfuzz=enabled \
  -Db_sanitize=address,undefined -Db_lundef=false "-Dcpp_args=['-fno-sanitize-recover=all','-gline-tables-only']"
# ThreadSanitizer, for the in-process switch tests with workers on their own
# threads. DPDK's x86 rings order with plain barriers TSan cannot see; the C11
# memory model variant of the same inline ring code uses atomics it can.
CXX=clang++ configure build-tsan -Dwerror=true $san_debug -Db_sanitize=thread -Db_lundef=false \
  "-Dcpp_args=['-DRTE_USE_C11_MEM_MODEL','-gline-tables-only']"
echo "setup: ok (build/, build-san/, build-tsan/)"
