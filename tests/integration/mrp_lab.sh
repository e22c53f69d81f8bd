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
lab_state() {  # what the switches and stations saw, for whoever reads a failure
  local s f
  for s in A B; do
    echo "---- switch $s"
    ctl "$s" stats || true
    ctl "$s" mrp show || true
    cat "$WORK/$s.log"
  done
  for f in "$WORK"/*.out; do [ -e "$f" ] && { echo "---- $f: $(wc -l <"$f") lines"; tail -5 "$f"; }; done
  for f in "$WORK"/[0-9]*.st[12]; do [ -e "$f" ] && echo "---- capture $f: $(wc -l <"$f") frames"; done
  return 0
}
# bg NAME HOST ARGS...: a station in the background, PID[NAME] its own pid (stopped by it);
# returns once it listens.
bg() {
  local name=$1 host=$2
  shift 2
  ( exec ip netns exec "$TAG-$host" /usr/bin/python3 "$STATION" eth0 "$@" ) >"$WORK/$name.out" 2>&1 &
  PID[$name]=$!
  wait_until "station $name to send" 20 grep -q '^sent' "$WORK/$name.out" || true
}
station() { in_ns "$1" /usr/bin/python3 "$STATION" eth0 "${@:2}"; }
stop() { { kill "${PID[$1]}" 2>/dev/null && wait "${PID[$1]}" 2>/dev/null; } || true; unset "PID[$1]"; }
# registered [gmrp] SWITCH MAC PORT: SWITCH's MMRP (GMRP) registrar holds MAC on PORT: IN, or LV
# (`leaving`: a LeaveAll asked every declarant to declare again within the
# leave time, and until then the registration stands: 802.1Q 10.7.8).
registered() {
  local proto=mmrp
  [ "$1" = gmrp ] && { proto=gmrp; shift; }
  ctl "$1" mrp show | grep -qE "^$proto vlan 10 +$2 +port $3 +(registered|leaving)"
}
unregistered() { ! registered "$@"; }
# stream ROUND WHAT: 100 frames from src, then the sentinel, captured at st1 and
# st2 into $WORK/ROUND.HOST: `ip` UDP to 239.1.2.3, `raw` EtherType 0x88b5 to $AVB.
stream() {
  local round=$1 what=$2 filter
  filter=$([ "$what" = ip ] && echo "dst 239.1.2.3 and udp" || echo "ether dst $AVB and ether proto 0x88b5")
  capture_start "$round" "($filter) or $SENTINEL_BPF" st1 st2
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
  sentinel src
  capture_stop "$round"
}
frames() {  # frames ROUND HOST: the round's stream frames in HOST's capture
  local dst=$([ "$1" = 2 ] && echo "$AVB" || echo "$IPMAC")
  grep -c "> $dst, ethertype " "$WORK/$1.$2" || true
}
echo "1..12"

stream 0 ip
check "before any registration 239.1.2.3 reaches nobody (--unregistered drop)" "$(frames 0 st1)/$(frames 0 st2)" 0/0

# st2 registers $SILENT and then falls silent (it never answers a LeaveAll),
# listening to what A declares to it; st1 registers 239.1.2.3's MAC by MMRP
# and $AVB by GMRP, and stays, answering LeaveAlls.
bg st2 st2 mmrp join "$SILENT" --serve 100 --silent
bg st1 st1 mmrp join "$IPMAC" --serve 100
bg st1g st1 gmrp join "$AVB" --serve 100
wait_until "A to register $IPMAC on port 0 and B on its trunk port" 20 \
  eval "registered A $IPMAC 0 && registered B $IPMAC 0" || true
stream 1 ip
check "st1's MMRP registration on A reaches B across the trunk: st1 gets src's frames" "$(frames 1 st1)" 100
check "st2, which did not register that MAC, gets none" "$(frames 1 st2)" 0
check "A lists port 0's registration" "$(registered A "$IPMAC" 0 && echo yes)" yes
check "B registered it on its trunk port, from A's declaration" "$(registered B "$IPMAC" 0 && echo yes)" yes
wait_until "st2 to hear A declare $IPMAC" 20 grep -q "^heard mmrp $IPMAC Join" "$WORK/st2.out" || true
check "st2 heard A declare the MAC st1 registered (the MAP, to every other port)" \
  "$(grep -q "^heard mmrp $IPMAC Join" "$WORK/st2.out" && echo yes)" yes

# GMRP beside it: a non-IP group MAC.
wait_until "A to register $AVB by GMRP" 20 registered gmrp A "$AVB" 0 || true
stream 2 raw
check "a GMRP-registered non-IP group MAC reaches st1 from behind B" "$(frames 2 st1)" 100
check "and not st2" "$(frames 2 st2)" 0

# LeaveAll every 3 to 4.5 s: st1 answers and stays, st2's silent registration goes.
wait_until "st1 to answer a LeaveAll" 30 grep -q '^answered LeaveAll' "$WORK/st1.out" || true
check "st1 answered the switch's LeaveAlls" "$(grep -q '^answered LeaveAll' "$WORK/st1.out" && echo yes)" yes
wait_until "A to drop st2's silent registration" 30 unregistered A "$SILENT" 1 || true
check "st2's registration timed out after a LeaveAll it did not answer" "$(unregistered A "$SILENT" 1 && echo yes)" yes
stream 3 ip
check "st1 still registered: it still gets the frames" "$(frames 3 st1)" 100

# st1 withdraws: A deregisters after the leave time and withdraws its declaration from B.
stop st1
stop st1g
station st1 mmrp leave "$IPMAC" >/dev/null
wait_until "A and B to deregister $IPMAC" 20 eval "unregistered A $IPMAC 0 && unregistered B $IPMAC 0" || true
stream 4 ip
check "after st1's Leave (and the leave time on both switches) nobody gets 239.1.2.3" "$(frames 4 st1)/$(frames 4 st2)" 0/0
[ "$failed" -eq 0 ] || lab_state >&2
exit $failed
