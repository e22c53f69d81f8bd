#!/usr/bin/env bash
# The flake check: runs meson tests again and again and says which ever fail.
#
#   scripts/flake.sh [-n N] [--load] [-C BUILDDIR] [TEST...]
#
# Runs each named test (meson test names; default: every test of the e2e and
# integration suites) N times (default 10), one run at a time, and prints one
# row per test: runs, passed, failed, timed out, slowest run. With --load a
# busy loop keeps the machine's last core busy the whole time, as a shared CI
# machine would (it stops at a deadline on its own and is killed by PID at the
# end). Logs of the runs that did not pass stay in BUILDDIR/meson-logs/flake/.
# Exit 0 when every run passed, 1 otherwise, 2 on bad usage.
set -uo pipefail
cd "$(dirname "$0")/.."

runs=10 load=0 build=build tests=()
usage() { sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case $1 in
    -n) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage; runs=$2; shift 2 ;;
    --load) load=1; shift ;;
    -C) [ -n "${2:-}" ] || usage; build=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "flake.sh: unknown option $1" >&2; usage ;;
    *) tests+=("$1"); shift ;;
  esac
done
[ -f "$build/build.ninja" ] || { echo "flake.sh: $build is not a configured build (run scripts/setup.sh)" >&2; exit 2; }
ninja -C "$build" >/dev/null || { echo "flake.sh: $build does not build" >&2; exit 1; }

# `meson test --list` prints "project:suite+suite / name".
list() { meson test -C "$build" --no-rebuild --list "$@" 2>/dev/null | sed -n 's|^.* / ||p'; }
if ((${#tests[@]} == 0)); then
  mapfile -t tests < <(list --suite e2e --suite integration)
fi
mapfile -t known < <(list)
for t in "${tests[@]}"; do
  printf '%s\n' "${known[@]}" | grep -qxF -- "$t" || { echo "flake.sh: no test named $t in $build" >&2; exit 2; }
done

logs=$build/meson-logs/flake
rm -rf "$logs"
mkdir -p "$logs"
loader=""
stop_load() { [ -n "$loader" ] && kill "$loader" 2>/dev/null && wait "$loader" 2>/dev/null; loader=""; }
trap stop_load EXIT
trap 'exit 130' INT TERM
if ((load)); then
  core=$(($(nproc) - 1))
  limit=$((runs * ${#tests[@]} * 300))  # no run takes 300 s: the loop ends by itself if this script dies
  taskset -c "$core" bash -c "end=\$((SECONDS + $limit)); while ((SECONDS < end)); do :; done" &
  loader=$!
  echo "flake.sh: busy loop on core $core (pid $loader)"
fi

printf '%-36s %5s %7s %7s %9s %9s\n' test runs passed failed timed-out slowest
status=0
for t in "${tests[@]}"; do
  pass=0 fail=0 tout=0 durations=()
  for i in $(seq 1 "$runs"); do
    base=$t.$i
    meson test -C "$build" --no-rebuild --logbase "flake/$base" "$t" >/dev/null 2>&1
    # One JSON object per test in the run's log: its result and duration.
    read -r result secs < <(/usr/bin/python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
print(r[0]["result"], "%.1f" % r[0]["duration"]) if len(r) == 1 else print("ERROR 0")
' "$logs/$base.json" 2>/dev/null || echo "ERROR 0")
    case $result in
      OK|EXPECTEDFAIL) pass=$((pass + 1)); rm -f "$logs/$base".* ;;
      TIMEOUT) tout=$((tout + 1)) ;;
      *) fail=$((fail + 1)) ;;
    esac
    durations+=("$secs")
  done
  slowest=$(printf '%s\n' "${durations[@]}" | sort -g | tail -1)
  ((pass == runs)) || status=1
  printf '%-36s %5d %7d %7d %9d %8.1fs\n' "$t" "$runs" "$pass" "$fail" "$tout" "$slowest"
done
stop_load
((status == 0)) || echo "flake.sh: logs of the runs that did not pass: $logs/"
exit $status
