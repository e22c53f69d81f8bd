#!/bin/sh
# Runs one libFuzzer target for a bounded time over the committed seed corpus.
# New inputs go to a scratch directory in the build tree, never the source.
# Usage: run_fuzz.sh FUZZER SEED_DIR SECONDS
set -eu
fuzzer=$(realpath "$1") seeds=$(realpath "$2") seconds=$3
work=$(mktemp -d "${MESON_BUILD_ROOT:-/tmp}/fuzz-$(basename "$fuzzer").XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "$work" "$seeds"
