#!/usr/bin/env bash
# TAP: SIGTERM stops l2snoop cleanly at any moment while telemetry is being
# queried in a loop: exit 0, the summary printed, the telemetry client never
# sees the process crash. Five rounds, the signal sent at a different moment
# each time (during start-up, and 0 to 1.5 s after ready).
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
rounds=5
echo "1..$rounds"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work" /var/run/dpdk/shut$$_*
}
trap cleanup EXIT

hammer() {  # hammer PREFIX SECONDS: query telemetry until the socket goes away; prints the count
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, os, socket, sys, time
path = os.path.join("/var/run/dpdk", sys.argv[1], "dpdk_telemetry.v2")
deadline = time.time() + float(sys.argv[2])
n = 0
while time.time() < deadline and not os.path.exists(path):
    time.sleep(0.01)
cmds = ["/l2snoop/stats", "/l2snoop/mdb", "/l2snoop/ports", "/l2snoop/querier", "/l2snoop/fdb", "/l2snoop/routers"]
while time.time() < deadline:
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(2)
        s.connect(path)
        s.recv(1024)
        for c in cmds:
            s.send(c.encode())
            json.loads(s.recv(65536).decode())
            n += 1
        s.close()
    except (OSError, ValueError):
        break  # the switch has gone: that is the point
print(n)
PY
}

for i in $(seq 1 $rounds); do
  prefix="shut$$_$i"
  log=$work/l2snoop.$i.log
  "$bin" -l 0 --no-huge -m 256 --no-pci --file-prefix "$prefix" --vdev=net_null0 --vdev=net_null1 \
      --log-level='*:error' -- --querier on >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  hammer "$prefix" 15 >"$work/hammer.$i" &
  hpid=$!
  if [ "$i" -eq 1 ]; then
    sleep 0.05  # during start-up
  else
    for _ in $(seq 1 100); do grep -qs '^l2snoop: ready' "$log" && break; sleep 0.05; done
    sleep "$(awk -v i="$i" 'BEGIN {print (i - 2) * 0.5}')"
  fi
  kill -TERM "$pid" 2>/dev/null
  rc=0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"; rc=timeout
  else
    wait "$pid"; rc=$?
  fi
  wait "$hpid"
  n=$(cat "$work/hammer.$i")
  if [ "$rc" = 0 ] && { [ "$i" -eq 1 ] || grep -q '^l2snoop: stopped' "$log"; }; then
    echo "ok $i - SIGTERM $( [ "$i" -eq 1 ] && echo 'during start-up' || echo "$(( (i - 2) * 500 )) ms after ready"): exit 0, $n telemetry replies while it ran"
  else
    echo "not ok $i - exit $rc after SIGTERM; log: $(tr '\n' ' ' < "$log" | cut -c1-300)"
  fi
  rm -rf "/var/run/dpdk/$prefix"
done
