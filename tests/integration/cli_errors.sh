#!/usr/bin/env bash
# TAP: invalid options make l2snoop exit 2 with one line naming the option.
set -u
bin=$1
eal=(-l 0 --no-huge -m 128 --no-pci --no-shconf --file-prefix "cli$$" --vdev=net_null0 --log-level='*:error')
cases=(
  "--querier maybe|--querier"
  "--port 0:access:5000|--port"
  "--port 5:access:10|--port 5"
  "--query-interval 10s --query-response-interval 20s|--query-response-interval"
  "--no-such-option|no-such-option"
  "--config /nonexistent.ini|--config"
)
trap 'rm -rf "/var/run/dpdk/cli$$"' EXIT
echo "1..${#cases[@]}"
i=0
for c in "${cases[@]}"; do
  i=$((i + 1))
  args=${c%%|*} want=${c#*|}
  # shellcheck disable=SC2086
  out=$(timeout 20 "$bin" "${eal[@]}" -- $args 2>&1 >/dev/null)
  rc=$?
  err=$(printf '%s\n' "$out" | grep '^l2snoop:')
  if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == *"$want"* ]]; then
    echo "ok $i - $args: exit 2, '$err'"
  else
    echo "not ok $i - $args: exit $rc, '$err'"
  fi
done
