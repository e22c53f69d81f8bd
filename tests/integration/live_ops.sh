#!/usr/bin/env bash
# TAP, end to end: operating a running l2snoop through its control socket
# (scripts/l2snoopctl), with the kernel's IGMP hosts in network namespaces.
#
#   port 0 src  port 1 h1  port 2 h2  port 3 h3     all VLAN 10, no router;
#   the switch is the querier (10.10.0.254) and drops unregistered groups.
#
# Live verbs change forwarding at once; config save + restart restores it;
# SIGHUP applies an edited file without losing memberships while traffic
# flows; bad requests are refused and change nothing; a client that hangs
# does not block others; a non-root user cannot connect; 65,536 memberships
# are dumped completely. Usage: live_ops.sh L2SNOOP_BINARY. Needs root.
set -euo pipefail
BIN=$1
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lab.sh
. "$here/tests/integration/lab.sh"

TAG=l2o$$
WORK=$(mktemp -d)
HOSTS=(src h1 h2 h3)
SW=""
cleanup() {
  set +e
  [ -n "$SW" ] && kill -INT "$SW" 2>/dev/null && wait "$SW" 2>/dev/null
  lab_remove_hosts
  rm -rf "$WORK" "/var/run/dpdk/$TAG"
}
trap cleanup EXIT

lab_hosts
in_ns h1 sysctl -qw net.ipv4.conf.eth0.force_igmp_version=2

cat >"$WORK/base.ini" <<EOF
port = 0:access:10
port = 1:access:10
port = 2:access:10
port = 3:access:10
querier = on
querier-address = 10=10.10.0.254
# the lab's hosts share the cores: an idle worker sleeps (docs/deployment.md)
idle-sleep = $IDLE_SLEEP
query-interval = 8s
query-response-interval = 1s
last-member-query-interval = 10s
unregistered = drop
EOF

start() {  # start CONFIG: the switch on the four veths, its config from a file
  local vdevs=() i=0
  for h in "${HOSTS[@]}"; do vdevs+=("--vdev=net_af_packet$i,iface=$TAG-$h"); i=$((i + 1)); done
  "$BIN" -l 0 --no-huge -m 512 --no-pci --file-prefix "$TAG" "${vdevs[@]}" --log-level='*:warning' -- \
    --config "$1" >"$WORK/switch.log" 2>&1 &
  SW=$!
  for _ in $(seq 1 150); do
    grep -q '^l2snoop: ready' "$WORK/switch.log" && return 0
    kill -0 "$SW" 2>/dev/null || break
    sleep 0.2
  done
  echo "Bail out! the switch did not start"; cat "$WORK/switch.log" >&2; exit 1
}
stop() { kill -INT "$SW"; wait "$SW" || true; SW=""; }
ctl() { /usr/bin/python3 "$here/scripts/l2snoopctl" --prefix "$TAG" "$@"; }
jq_() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

lab_state() {  # what the switch saw, for whoever reads a failure
  local f
  ctl stats || true
  ctl mdb show || true
  cat "$WORK/switch.log"
  for f in "$WORK"/[0-9]*.h[123]; do echo "---- capture $f: $(wc -l <"$f") lines"; done
  return 0
}
member() { ctl mdb show | grep -qE "vlan 10 +grp $1 +port $2 "; }  # member GROUP PORT
# stream ROUND GROUP [PID]: 100 datagrams from src, then the sentinel; what each
# host got in $WORK/ROUND.HOST. With PID: 20 ms apart, and after the 50th a
# SIGHUP to PID (a reload while traffic flows).
stream() {
  local round=$1 group=$2 hup=${3:-0}
  capture_start "$round" "dst $group and udp or $SENTINEL_BPF" h1 h2 h3
  in_ns src /usr/bin/python3 - "$group" "$hup" <<'PY'
import os, signal, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 4)
hup = int(sys.argv[2])
for i in range(100):
    s.sendto(b"live %d" % i, (sys.argv[1], 7000))
    if hup and i == 49:
        os.kill(hup, signal.SIGHUP)
    time.sleep(0.02 if hup else 0.005)
PY
  sentinel src
  capture_stop "$round"
}
echo "1..20"

start "$WORK/base.ini"
in_ns h1 ip addr add 239.1.1.1/32 dev eth0 autojoin
wait_until "h1's report in the group table" 20 member 239.1.1.1 1 || true
stream 1 239.1.1.1
check "h1 (member) receives 239.1.1.1, h2 nothing" "$(got 1 h1 239.1.1.1)/$(got 1 h2 239.1.1.1)" 100/0

ctl mdb add 10 239.1.1.1 2 >/dev/null
stream 2 239.1.1.1
check "mdb add 10 239.1.1.1 2: h2 receives it" "$(got 2 h2 239.1.1.1)" 100
check "mdb show flags the entry static" "$(ctl --json mdb show group 239.1.1.1 port 2 | jq_ 'd["entries"][0]["static"]')" True
ctl mdb del 10 239.1.1.1 2 >/dev/null
stream 3 239.1.1.1
check "mdb del: h2 receives nothing, h1 still all" "$(got 3 h2 239.1.1.1)/$(got 3 h1 239.1.1.1)" 0/100

ctl vlan set 10 unregistered flood >/dev/null
stream 4 239.9.9.9
check "vlan set 10 unregistered flood: h3 gets a group nobody joined" "$(got 4 h3 239.9.9.9)" 100
ctl vlan set 10 unregistered drop >/dev/null
stream 5 239.9.9.9
check "vlan set 10 unregistered drop: h3 gets nothing" "$(got 5 h3 239.9.9.9)" 0

ctl router add 10 3 >/dev/null
stream 6 239.1.1.1
check "router add 10 3: the router port gets registered groups" "$(got 6 h3 239.1.1.1)" 100
check "router show names it static" "$(ctl router | grep -cE '^10/igmp +3 +\(static 3\)$')" 1

ctl port set 1 fast-leave on >/dev/null
in_ns h1 ip addr del 239.1.1.1/32 dev eth0
# Without fast leave the prune would wait the last-member query time (2 x 10 s).
wait_until "the prune of port 1" 5 eval "! member 239.1.1.1 1" || true
check "port set 1 fast-leave on: h1's leave prunes at once" \
  "$(ctl --json mdb show group 239.1.1.1 port 1 | jq_ 'd["total"]')" 0

# config save, then a restart from that file: the same static state.
ctl mdb add 10 239.5.5.5 2,3 >/dev/null
ctl mdb add 10 232.1.1.1 2 source 10.10.0.1 >/dev/null
ctl config save "$WORK/saved.ini" >/dev/null
before=$(ctl --json mdb show | jq_ '[e for e in d["entries"] if e["static"]]')
routers_before=$(ctl router)
stop
start "$WORK/saved.ini"
check "after config save and a restart the static entries are the same" \
  "$(ctl --json mdb show | jq_ '[e for e in d["entries"] if e["static"]]')" "$before"
check "... and so are the router ports" "$(ctl router)" "$routers_before"
stream 7 239.5.5.5
check "... and forwarding: h2 and h3 receive 239.5.5.5" "$(got 7 h2 239.5.5.5)/$(got 7 h3 239.5.5.5)" 100/100

# SIGHUP: an edited file applies without losing memberships, traffic flowing.
in_ns h2 ip addr add 239.3.3.3/32 dev eth0 autojoin
wait_until "h2's report in the group table" 20 member 239.3.3.3 2 || true
echo "static-group = 10:239.6.6.6:1" >>"$WORK/saved.ini"
stream 8 239.3.3.3 "$SW"
wait_until "the reload to add 239.6.6.6" 20 eval "ctl mdb show | grep -q 239.6.6.6" || true
check "SIGHUP: h2's learned membership keeps its traffic across the reload" "$(got 8 h2 239.3.3.3)" 100
check "SIGHUP: the edited file's new static group is in the table" \
  "$(ctl --json mdb show group 239.6.6.6 | jq_ 'd["total"]')" 1

# Bad requests, and clients that misbehave.
config_before=$(ctl config show)
bad=$(/usr/bin/python3 - "/var/run/dpdk/$TAG/l2snoop.ctl" <<'PY'
import json, socket, sys
def ask(payload):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(5); s.connect(sys.argv[1])
    s.sendall(payload)
    buf = b""
    while not buf.endswith(b"\n"):
        c = s.recv(65536)
        if not c: break
        buf += c
    s.close()
    return json.loads(buf) if buf else {}
reqs = [b"{oops\n", b'{"cmd":"mdb explode"}\n', b'{"cmd":"mdb add","vlan":10,"group":"239.1.1.1","ports":[9]}\n',
        b'{"cmd":"mdb add","vlan":99,"group":"239.1.1.1","ports":[1]}\n',
        b'{"cmd":"mdb add","vlan":10,"group":"10.1.1.1","ports":[1]}\n', b"x" * 70000]
print(sum(1 for r in reqs if ask(r).get("ok") is False and ask(r).get("error")))
PY
)
check "six kinds of bad request (malformed, unknown, no such port or VLAN, not multicast, oversize) refused" "$bad" 6
check "and nothing changed" "$(ctl config show)" "$config_before"
hung=$(/usr/bin/python3 - "/var/run/dpdk/$TAG/l2snoop.ctl" "$here/scripts/l2snoopctl" "$TAG" <<'PY'
import socket, subprocess, sys, time
h = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); h.connect(sys.argv[1]); h.sendall(b'{"cmd":')  # never finished
t0 = time.time()
ok = subprocess.run(["/usr/bin/python3", sys.argv[2], "--prefix", sys.argv[3], "stats"], capture_output=True).returncode == 0
fast = time.time() - t0 < 3
h.settimeout(15)
try:
    closed = h.recv(100) == b""
except OSError:
    closed = False
print("%s/%s" % ("served" if ok and fast else "blocked", "dropped" if closed else "kept"))
PY
)
check "a client that never finishes its request blocks nobody and is dropped" "$hung" served/dropped
halfclosed=$(/usr/bin/python3 - "/var/run/dpdk/$TAG/l2snoop.ctl" <<'PY'
import json, socket, sys
def ask(req):  # like `nc -N`: write the request, shut the write side, read the reply
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(5); s.connect(sys.argv[1])
    s.sendall((json.dumps(req) + "\n").encode()); s.shutdown(socket.SHUT_WR)
    buf = b""
    while True:
        c = s.recv(65536)
        if not c: break
        buf += c
    return json.loads(buf)
print("%s/%s" % (ask({"cmd": "vlan show"})["ok"], ask({"cmd": "vlan set", "vlan": 10, "option": "unregistered",
                                                      "policy": "drop"})["ok"]))
PY
)
check "a client that half-closes after its request still gets the reply (a read, a change)" "$halfclosed" True/True
denied=$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 "$here/scripts/l2snoopctl" --prefix "$TAG" stats 2>&1 || true)
check "a non-root user cannot connect" "$(printf '%s' "$denied" | grep -c 'Permission denied')" 1

# 65,536 memberships, dumped completely through the socket.
stop
cp "$WORK/base.ini" "$WORK/big.ini"
echo "mdb-size = 131072" >>"$WORK/big.ini"
/usr/bin/python3 -c "
for i in range(65536): print('static-group = 10:239.%d.%d.%d:%d' % (100 + (i >> 16), (i >> 8) & 255, i & 255, 1 + i % 3))" >>"$WORK/big.ini"
start "$WORK/big.ini"
check "65,536 static memberships: mdb show lists every one" \
  "$(ctl --json mdb show | jq_ '"%d/%d" % (d["total"], len(d["entries"]))')" 65536/65536
exit $failed
