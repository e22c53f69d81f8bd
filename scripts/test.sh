#!/usr/bin/env bash
# The test command of the README, and what CI runs: set up, build, run every
# test, print one summary line counting test cases. Non-zero exit on failure.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || exit 1
ninja -C build || exit 1
ninja -C build-san || exit 1
ninja -C build-tsan tests/integration/ring_switch_tests || exit 1

status=0
# Every suite in the main tree (docs/testing.md); then the unit and
# integration suites again under ASan+UBSan, with the fuzzers (each for its
# time budget, side by side).
meson test -C build --print-errorlogs --no-rebuild --suite unit --suite integration --suite e2e || status=1
meson test -C build-san --print-errorlogs --no-rebuild --suite unit --suite integration --suite fuzz || status=1
# The ring switch tests (two workers on threads of their own among them) under ThreadSanitizer.
meson test -C build-tsan --print-errorlogs --no-rebuild --suite tsan || status=1

/usr/bin/python3 scripts/junit_summary.py build/meson-logs/testlog.junit.xml build-san/meson-logs/testlog.junit.xml \
  build-tsan/meson-logs/testlog.junit.xml || status=1
exit $status
