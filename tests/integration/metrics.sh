#!/usr/bin/env bash
# TAP, end to end: a real Prometheus server (Debian's) scrapes
# l2snoop-exporter, which reads a running l2snoop with kernel hosts; what
# Prometheus stored agrees with `l2snoopctl --json`. Then headless Chromium
# loads the exporter's status page: its numbers agree too (a screenshot is
# left in $L2SNOOP_ARTIFACTS, default the work directory, removed).
#   port 0 src, port 1 h1 (member of 239.1.1.1), port 2 h2; VLAN 10; the switch is the querier.
# Usage: metrics.sh L2SNOOP_BINARY. Needs root.
set -euo pipefail
BIN=$1
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lab.sh
. "$here/tests/integration/lab.sh"

TAG=l2m$$
WORK=$(mktemp -d)
HOSTS=(src h1 h2)
PIDS=()
cleanup() {
  set +e
  # SIGTERM: a script's background jobs ignore SIGINT (the exporter would never see it)
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  lab_remove_hosts
  rm -rf "$WORK" "/var/run/dpdk/$TAG"
}
trap cleanup EXIT
lab_hosts

vdevs=() i=0
for h in "${HOSTS[@]}"; do vdevs+=("--vdev=net_af_packet$i,iface=$TAG-$h"); i=$((i + 1)); done
"$BIN" -l 0 --no-huge -m 512 --no-pci --file-prefix "$TAG" "${vdevs[@]}" --log-level='*:warning' -- \
  --port 0:access:10 --port 1:access:10 --port 2:access:10 --querier on --querier-address 10=10.10.0.254 \
  --idle-sleep "$IDLE_SLEEP" \
  >"$WORK/switch.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q '^l2snoop: ready' "$WORK/switch.log" && break; sleep 0.2; done
grep -q '^l2snoop: ready' "$WORK/switch.log" || { echo "Bail out! the switch did not start"; exit 1; }

ctl() { /usr/bin/python3 "$here/scripts/l2snoopctl" --prefix "$TAG" --json "$@"; }
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
lab_state() {  # what the switch and Prometheus saw, for whoever reads a failure
  ctl stats || true
  ctl mdb show || true
  cat "$WORK/switch.log" "$WORK/prometheus.log"
  return 0
}
in_ns h1 ip addr add 239.1.1.1/32 dev eth0 autojoin
wait_until "h1's report in the group table" 20 eval "[ \"\$(ctl mdb show | field 'd[\"total\"]')\" -ge 1 ]" || true
in_ns src /usr/bin/python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 4)
for i in range(100):
    s.sendto(b'm', ('239.1.1.1', 7000)); time.sleep(0.002)"
sent() { ctl stats port 1 | field 'd["ports"]["1"]["tx"]'; }  # frames sent on port 1
wait_until "the 100 datagrams sent on port 1" 20 eval '[ "$(sent)" -ge 100 ]' || true

# The exporter and Prometheus on ports of their own (unique to this run).
eport=$((20000 + $$ % 10000)) pport=$((30000 + $$ % 10000))
/usr/bin/python3 "$here/scripts/l2snoop-exporter" --prefix "$TAG" --listen "127.0.0.1:$eport" &
PIDS+=($!)
cat >"$WORK/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: l2snoop
    static_configs: [{targets: ['127.0.0.1:$eport']}]
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$pport" --log.level=error >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)

# prom QUERY: the value Prometheus has for an instant query ("" if none).
prom() {
  /usr/bin/python3 - "$pport" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:%s/api/v1/query?query=%s" % (sys.argv[1], urllib.parse.quote(sys.argv[2]))
try:
    r = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
except OSError:
    r = []
print(r[0]["value"][1] if r else "")
PY
}
wait_until "Prometheus to scrape the exporter" 30 eval '[ "$(prom l2snoop_up)" = 1 ]' || true

echo "1..11"
check "Prometheus scraped the exporter: l2snoop_up is 1" "$(prom l2snoop_up)" 1
before=$(sent)
t0=$(date +%s.%N)
# A sample's timestamp is its scrape's start: one after t0 was read after $before.
wait_until "a scrape that started after the first reading" 20 eval \
  "/usr/bin/python3 -c 'import sys; sys.exit(not float(sys.argv[1] or 0) > $t0)' \"\$(prom 'timestamp(l2snoop_port_sent_frames_total{port=\"1\"})')\"" || true
stored=$(prom 'l2snoop_port_sent_frames_total{port="1"}')
after=$(sent)
check "frames sent on port 1 as stored ($stored) lie between two readings of l2snoopctl ($before, $after)" \
  "$(/usr/bin/python3 -c "print($before <= float('${stored:-nan}') <= $after and $before >= 100)")" True
check "groups of VLAN 10 agree with l2snoopctl vlan show" "$(prom 'l2snoop_vlan_groups{vlan="10"}')" \
  "$(ctl vlan show 10 | field 'd["vlans"][0]["groups"]')"
check "the switch is VLAN 10's IGMP querier" "$(prom 'l2snoop_querier_self{vlan="10",family="igmp"}')" 1
reports=$(prom 'l2snoop_port_snooping_messages_total{port="1",kind="igmpv3_reports"}')
check "h1's IGMPv3 reports are counted on port 1 ($reports)" "$(/usr/bin/python3 -c "print(float('${reports:-0}') >= 1)")" True
check "the exporter serves OpenMetrics to a client that asks for it" \
  "$(/usr/bin/python3 -c "
import urllib.request
r = urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$eport/metrics',
    headers={'Accept': 'application/openmetrics-text; version=1.0.0'}), timeout=5)
body = r.read().decode()
print(r.headers['Content-Type'].startswith('application/openmetrics-text') and body.rstrip().endswith('# EOF'))")" True

# The status page, as a browser renders it after its scripts ran.
page() {
  chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$WORK/chromium" \
    --virtual-time-budget=6000 "$@" "http://127.0.0.1:$eport/" 2>/dev/null
}
# k KEY: the text of the page's element with data-k=KEY
k() { /usr/bin/python3 -c "
import re, sys
m = re.search(r'data-k=\"%s\"[^>]*>([^<]*)<' % re.escape(sys.argv[1]), open('$WORK/dom.html').read())
print(m.group(1) if m else '')" "$1"; }
rx_before=$(ctl stats port 1 | field 'd["ports"]["1"]["rx"]')
page --dump-dom >"$WORK/dom.html"
rx_after=$(ctl stats port 1 | field 'd["ports"]["1"]["rx"]')
check "the status page shows port 1's link as up" "$(k port.1.link)" up
check "its frames received on port 1 ($(k port.1.rx)) lie between two readings of l2snoopctl ($rx_before, $rx_after)" \
  "$(/usr/bin/python3 -c "print($rx_before <= int('$(k port.1.rx)' or -1) <= $rx_after)")" True
check "its groups of VLAN 10 agree with l2snoopctl" "$(k vlan.10.groups)" "$(ctl vlan show 10 | field 'd["vlans"][0]["groups"]')"
check "its membership count agrees with l2snoopctl mdb show" "$(k mdb.total)" "$(ctl mdb show | field 'd["total"]')"
shots=${L2SNOOP_ARTIFACTS:-$WORK}
page --screenshot="$shots/l2snoop-status.png" --window-size=1280,1100 >/dev/null
check "a screenshot of the page is a PNG ($shots/l2snoop-status.png)" \
  "$(head -c 8 "$shots/l2snoop-status.png" 2>/dev/null | od -An -c | tr -d ' \n')" '211PNG\r\n032\n'
exit $failed
