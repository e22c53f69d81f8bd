#!/bin/sh
# Runs one libFuzzer target for a fixed number of executions over the committed
# seed corpus (a count, not a time: a loaded machine takes longer, it does not
# test less). New inputs go to a scratch directory in the build tree, never the
# source; a crashing input is kept as BUILD_ROOT/fuzz-crash-NAME-*. Prints
# `fuzz-runs: NAME executed N (asked M)`; fails if fewer ran.
# Usage: run_fuzz.sh FUZZER SEED_DIR RUNS
set -eu
fuzzer=$(realpath "$1") seeds=$(realpath "$2") runs=$3
name=$(basename "$fuzzer")
work=$(mktemp -d "${MESON_BUILD_ROOT:-/tmp}/fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cd "$work"
start=$(date +%s)
rc=0
"$fuzzer" -runs="$runs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="${MESON_BUILD_ROOT:-/tmp}/fuzz-crash-$name-" "$work/corpus" "$seeds" \
    2>"$work/log" || rc=$?
cat "$work/log" >&2
executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
echo "fuzz-runs: $name executed ${executed:-0} (asked $runs) in $(($(date +%s) - start)) s"
[ "$rc" -eq 0 ] || exit "$rc"
[ "${executed:-0}" -ge "$runs" ] || { echo "$name: fewer executions than asked" >&2; exit 1; }
