#!/usr/bin/env bash
# The test command of the README, and what CI runs: set up, build, run every
# test, print the elapsed time of each phase and one summary line counting
# test cases. Non-zero exit on failure. The suites (docs/testing.md):
#   build/       unit, integration, e2e (the labs: namespaces, kernel hosts)
#   build-san/   unit and integration again under ASan+UBSan; fuzz
#   build-tsan/  tsan: the ring switch tests with workers on threads of their own
# The main tree's tests (mostly labs waiting on kernel hosts) run while the
# sanitizer trees compile: the labs wait for conditions, never for fixed
# times, and their switches sleep when idle (--idle-sleep), so they hold on a
# loaded machine and leave the compilers the cores.
set -uo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
# phase NAME CMD...: runs CMD, then prints how long it took and, if it
# failed, its exit status; returns that status.
phase() {
  local name=$1 s rc=0
  shift
  s=$(date +%s)
  "$@" || rc=$?
  echo "phase $name: $(($(date +%s) - s)) s$( ((rc == 0)) || echo " (failed, exit $rc)")"
  return $rc
}
# tagged TAG CMD...: CMD's output, each line prefixed with TAG (two phases run side by side).
tagged() {
  local tag=$1
  shift
  "$@" 2>&1 | sed -u "s|^|$tag |"
}

phase setup scripts/setup.sh || exit 1
phase build ninja -C build || exit 1

status=0
# No stale log may be counted: a tree whose tests did not run has none.
rm -f build*/meson-logs/testlog.junit.xml build*/meson-logs/testlog.json
main_tests() {
  phase "tests build/" meson test -C build --print-errorlogs --no-rebuild --suite unit --suite integration --suite e2e
}
san_build() {
  phase build-san ninja -C build-san && phase build-tsan ninja -C build-tsan tests/integration/ring_threads_tests
}
tagged "[build/]" main_tests &
main_pid=$!
tagged "[san]" san_build || status=1
san_built=$status
wait "$main_pid" || status=1

if ((san_built == 0)); then
  # Two at a time on the two cores: fuzzers run a fixed number of executions each.
  phase "tests build-san/" meson test -C build-san --print-errorlogs --no-rebuild --num-processes 2 \
    --suite unit --suite integration --suite fuzz || status=1
  phase "tests build-tsan/" meson test -C build-tsan --print-errorlogs --no-rebuild --suite tsan || status=1
else
  echo "test: the sanitizer trees did not build; their tests did not run"
fi

echo "phase total: $(($(date +%s) - start)) s"
/usr/bin/python3 scripts/junit_summary.py build/meson-logs/testlog.junit.xml build-san/meson-logs/testlog.junit.xml \
  build-tsan/meson-logs/testlog.junit.xml || status=1
exit $status
