#!/usr/bin/env bash
# TAP: invalid options make l2snoop exit 2 with one line naming the option.
set -u
bin=$1
eal=(-l 0 --no-huge -m 128 --no-pci --no-shconf --file-prefix "cli$$" --vdev=net_null0 --log-level='*:error')
cases=(
  "--querier maybe|--querier"
  "--port 0:access:5000|--port"
  "--port 5:access:10|--port: port 5"
  "--fast-leave 3|--fast-leave: port 3"
  "--vlan-snooping 30=off|--vlan-snooping: VLAN 30 is on no port"
  "--query-interval 10s --query-response-interval 20s|--query-response-interval"
  "--no-such-option|no-such-option"
  "--config /nonexistent.ini|--config"
)
trap 'rm -rf "/var/run/dpdk/cli$$"' EXIT
echo "1..$((${#cases[@]} + 1))"
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
# A stream cache the process cannot allocate (256 MiB under a 400 MB address-space
# limit the EAL itself fits in) is refused the same way, not an uncaught bad_alloc.
i=$((i + 1))
if grep -q AddressSanitizer "$bin"; then
  echo "ok $i - --stream-cache beyond memory # SKIP AddressSanitizer reserves terabytes of address space"
  exit 0
fi
out=$( (ulimit -v 400000; timeout 20 "$bin" "${eal[@]}" -- --stream-cache 4194304 --punt-queue 1024) 2>&1 >/dev/null)
rc=$?
err=$(printf '%s\n' "$out" | grep '^l2snoop:')
if [ "$rc" = 2 ] && [[ $err == *"--stream-cache 4194304"*"out of memory"* ]]; then
  echo "ok $i - --stream-cache beyond memory: exit 2, '$err'"
else
  echo "not ok $i - --stream-cache beyond memory: exit $rc, '$out'"
fi
