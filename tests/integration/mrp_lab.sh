#!/usr/bin/env bash
# TAP, end to end: GMRP and MMRP between end stations in network namespaces
# (tests/integration/mrp_station.py, frames built byte by byte) and two
# l2snoop switches joined by a trunk. Unregistered multicast is dropped
# (--unregistered drop), so an IP group's frames get anywhere only by a
# registration: st1's registration on A must reach B across the trunk (A
# declares it there, B registers it on its trunk port) for src's frames
# behind B to reach st1 at all.
#
#   switch A                                  switch B
#   port 0  st1  VLAN 10 (registers)           port 0  trunk (VLAN 10 tagged) <-+
#   port 1  st2  VLAN 10 (registers nothing)   port 1  src  VLAN 10 (sends)
#   port 2  trunk (VLAN 10 tagged) --------------------------------------------+
#
# Usage: mrp_lab.sh L2SNOOP_BINARY. Needs root; cleans up what it creates.
set -euo pipefail
BIN=$1
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lab.sh
. "$here/tests/integration/lab.sh"

TAG=l2m$$
WORK=$(mktemp -d)
declare -A PID=()
HOSTS=(st1 st2 src)
STATION="$here/tests/integration/mrp_station.py"
IPMAC=01:00:5e:01:02:03  # 239.1.2.3's MAC
AVB=91:e0:f0:00:00:01    # a non-IP group MAC (an AVTP stream's)
SILENT=91:e0:f0:00:00:02

cleanup() {
  set +e
  for s in "${!PID[@]}"; do kill "${PID[$s]}" 2>/dev/null && wait "${PID[$s]}" 2>/dev/null; done
  lab_remove_hosts
  ip link del "$TAG-ta" 2>/dev/null
  rm -rf "$WORK" "/var/run/dpdk/${TAG}A" "/var/run/dpdk/${TAG}B"
}
trap cleanup EXIT

lab_hosts
ip link add "$TAG-ta" type veth peer name "$TAG-tb"
for end in ta tb; do
  sysctl -qw "net.ipv6.conf.$TAG-$end.disable_ipv6=1"
  ip link set "$TAG-$end" up
done

OPTS=(--gmrp on --mmrp on --unregistered drop --mrp-leaveall-time 3s)
SWITCH_ARGS=(--port 0:access:10 --port 1:access:10 --port 2:trunk:10 "${OPTS[@]}")
lab_switch A 0 "$TAG-st1" "$TAG-st2" "$TAG-ta"
SWITCH_ARGS=(--port 0:trunk:10 --port 1:access:10 "${OPTS[@]}")
lab_switch B 1 "$TAG-tb" "$TAG-src"
lab_ready A B

ctl() { /usr/bin/python3 "$here/scripts/l2snoopctl" --prefix "$TAG$1" "${@:2}"; }
station() { in_ns "$1" /usr/bin/python3 "$STATION" eth0 "${@:2}"; }
# bg NAME HOST ARGS...: a station in the background, PID[NAME] its own pid (stopped by it).
bg() {
  local name=$1 host=$2
  shift 2
  ( exec ip netns exec "$TAG-$host" /usr/bin/python3 "$STATION" eth0 "$@" ) >"$WORK/$name.out" 2>&1 &
  PID[$name]=$!
}
# stream ROUND WHAT: 100 frames from src, captured at st1 and st2 into
# $WORK/ROUND.HOST: `ip` UDP to 239.1.2.3, `raw` EtherType 0x88b5 to $AVB.
# The captures are listening before the first frame goes and stop a second
# after the last: how long any step takes does not decide what is captured.
stream() {
  local round=$1 what=$2 pids=() h filter
  filter=$([ "$what" = ip ] && echo "dst 239.1.2.3 and udp" || echo "ether dst $AVB and ether proto 0x88b5")
  for h in st1 st2; do
    ( exec ip netns exec "$TAG-$h" timeout 60 tcpdump -l -n -e -i eth0 "$filter" ) \
      >"$WORK/$round.$h" 2>"$WORK/$round.$h.err" &
    pids+=($!)
  done
  for _ in $(seq 1 200); do  # at most 20 s
    [ "$(cat "$WORK/$round.st1.err" "$WORK/$round.st2.err" | grep -c 'listening on')" -ge 2 ] && break
    sleep 0.1
  done
  in_ns src /usr/bin/python3 - "$what" "$AVB" <<'PY'
import socket, sys, time
if sys.argv[1] == "ip":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 4)
    send = lambda i: s.sendto(b"registered %d" % i, ("239.1.2.3", 6000))
else:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("eth0", 0))
    dst = bytes(int(x, 16) for x in sys.argv[2].split(":"))
    hdr = dst + s.getsockname()[4][:6] + b"\x88\xb5"
    send = lambda i: s.send(hdr + (b"avtp %d" % i).ljust(46, b"."))
for i in range(100):
    send(i)
    time.sleep(0.005)
PY
  sleep 1
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null || true
}
frames() { grep -c ', ethertype ' "$WORK/$1.$2" || true; }  # one header line per frame (-e)
echo "1..12"

stream 0 ip
check "before any registration 239.1.2.3 reaches nobody (--unregistered drop)" "$(frames 0 st1)/$(frames 0 st2)" 0/0

# st1 registers 239.1.2.3's MAC by MMRP and $AVB by GMRP, and stays, answering
# LeaveAlls; st2 registers $SILENT once and then falls silent.
bg st2 st2 mmrp join "$SILENT" --serve 3  # listening before st1 registers: it hears A's declarations
sleep 0.5
bg st1 st1 mmrp join "$IPMAC" --serve 60
bg st1g st1 gmrp join "$AVB" --serve 60
wait "${PID[st2]}" || true
unset 'PID[st2]'
stream 1 ip
check "st1's MMRP registration on A reaches B across the trunk: st1 gets src's frames" "$(frames 1 st1)" 100
check "st2, which did not register that MAC, gets none" "$(frames 1 st2)" 0
check "A lists port 0's registration" "$(ctl A mrp show | grep -cE "^mmrp vlan 10 +$IPMAC +port 0 +registered$")" 1
check "B registered it on its trunk port, from A's declaration" \
  "$(ctl B mrp show | grep -cE "^mmrp vlan 10 +$IPMAC +port 0 +registered$")" 1
check "st2 heard A declare the MAC st1 registered (the MAP, to every other port)" \
  "$([ "$(grep -c "^heard mmrp $IPMAC Join" "$WORK/st2.out" || true)" -ge 1 ] && echo yes)" yes

# GMRP beside it: a non-IP group MAC.
stream 2 raw
check "a GMRP-registered non-IP group MAC reaches st1 from behind B" "$(frames 2 st1)" 100
check "and not st2" "$(frames 2 st2)" 0

# LeaveAll every 3 to 4.5 s: st1 answers and stays, st2's silent registration goes.
sleep 6
check "st1 answered the switch's LeaveAlls" "$([ "$(grep -c '^answered LeaveAll' "$WORK/st1.out" || true)" -ge 1 ] && echo yes)" yes
check "st2's registration timed out after a LeaveAll it did not answer" \
  "$(ctl A mrp show | grep -cE "^mmrp vlan 10 +$SILENT +port 1 +registered" || true)" 0
stream 3 ip
check "st1 still registered: it still gets the frames" "$(frames 3 st1)" 100

# st1 withdraws: A deregisters after the leave time and withdraws its declaration from B.
for s in st1 st1g; do
  kill "${PID[$s]}" 2>/dev/null && wait "${PID[$s]}" 2>/dev/null || true
  unset "PID[$s]"
done
station st1 mmrp leave "$IPMAC"
sleep 2
stream 4 ip
check "after st1's Leave (and the leave time on both switches) nobody gets 239.1.2.3" "$(frames 4 st1)/$(frames 4 st2)" 0/0
if [ "$failed" -ne 0 ]; then  # what the switches saw, for whoever reads the failure
  for s in A B; do
    echo "---- switch $s" >&2
    ctl "$s" stats >&2 || true
    ctl "$s" mrp show >&2 || true
    cat "$WORK/$s.log" >&2
  done
  for f in "$WORK"/*.st1 "$WORK"/*.out; do echo "---- $f: $(wc -l <"$f") lines" >&2; head -5 "$f" >&2; done
fi
exit $failed
