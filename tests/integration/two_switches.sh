#!/usr/bin/env bash
# TAP, end to end: two l2snoop switches joined by a trunk, kernel hosts behind
# each, no multicast router, both switches queriers on their defaults
# (--querier on, address 0.0.0.0: proxy queriers). Each switch learns the
# other's members from the reports that cross the trunk (they go where the
# other's proxy queries are heard), so a source behind A reaches members
# behind B even where A has members of its own, and leaves prune across the
# trunk.
#
#   switch A                                  switch B
#   port 0  a-src  VLAN 10 (sends 239.2.2.2)   port 0  trunk (VLAN 10 tagged) <-+
#   port 1  a-h    VLAN 10 member 239.2.2.2,   port 1  b-h1  IGMPv2 member 239.2.2.2
#                  239.3.3.3                   port 2  b-h2  no membership; sends 239.3.3.3
#   port 2  trunk (VLAN 10 tagged) ----------> port 3  b-h3  IGMPv3 member 239.2.2.2, 239.3.3.3
#
# Usage: two_switches.sh L2SNOOP_BINARY. Needs root; cleans up what it creates.
set -euo pipefail
BIN=$1
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lab.sh
. "$here/tests/integration/lab.sh"

TAG=l2t$$
WORK=$(mktemp -d)
declare -A PID=()
HOSTS=(a-src a-h b-h1 b-h2 b-h3)

cleanup() {
  set +e
  for s in "${!PID[@]}"; do kill -INT "${PID[$s]}" 2>/dev/null && wait "${PID[$s]}" 2>/dev/null; done
  lab_remove_hosts
  ip link del "$TAG-ta" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$WORK" "/var/run/dpdk/${TAG}A" "/var/run/dpdk/${TAG}B"
}
trap cleanup EXIT

# ---- topology: a veth per host (switch side $TAG-HOST), a veth pair for the trunk ----
lab_hosts
in_ns b-h1 sysctl -qw net.ipv4.conf.eth0.force_igmp_version=2
ip link add "$TAG-ta" type veth peer name "$TAG-tb"
for end in ta tb; do
  sysctl -qw "net.ipv6.conf.$TAG-$end.disable_ipv6=1"
  ip link set "$TAG-$end" up
done

# ---- the switches: the defaults, plus timers short enough for a test ----
OPTS=(--querier on --query-interval 8s --query-response-interval 1s --last-member-query-interval 200ms)
SWITCH_ARGS=(--port 0:access:10 --port 1:access:10 --port 2:trunk:10 "${OPTS[@]}")
lab_switch A 0 "$TAG-a-src" "$TAG-a-h" "$TAG-ta"
SWITCH_ARGS=(--port 0:trunk:10 --port 1:access:10 --port 2:access:10 --port 3:access:10 "${OPTS[@]}")
lab_switch B 1 "$TAG-tb" "$TAG-b-h1" "$TAG-b-h2" "$TAG-b-h3"
lab_ready A B

ctl() { /usr/bin/python3 "$here/scripts/l2snoopctl" --prefix "$TAG$1" "${@:2}"; }
lab_state() {  # what the switches saw, for whoever reads a failure
  local s f
  for s in A B; do
    echo "---- switch $s"
    ctl "$s" stats || true
    ctl "$s" mdb show || true
    ctl "$s" querier || true
    cat "$WORK/$s.log"
  done
  for f in "$WORK"/[0-9]*.*; do [[ $f == *.err ]] || echo "---- capture $f: $(wc -l <"$f") frames"; done
  return 0
}
member() { ctl "$1" mdb show | grep -qE "vlan 10 +grp $2 +port $3 "; }  # member SWITCH GROUP PORT
hears_querier() { ctl "$1" querier | grep -qE "^10/igmp +self 0.0.0.0 proxy_queriers_on $2\$"; }
# Both switches' start-up queries have crossed the trunk: each knows the other's querier.
wait_until "each switch to hear the other's proxy querier on the trunk" 30 \
  eval "hears_querier A 2 && hears_querier B 0" || true

# ---- memberships, reported by the kernels' IGMP stacks ----
in_ns a-h ip addr add 239.2.2.2/32 dev eth0 autojoin
in_ns a-h ip addr add 239.3.3.3/32 dev eth0 autojoin
in_ns b-h1 ip addr add 239.2.2.2/32 dev eth0 autojoin
in_ns b-h3 ip addr add 239.2.2.2/32 dev eth0 autojoin
in_ns b-h3 ip addr add 239.3.3.3/32 dev eth0 autojoin
wait_until "every report to be snooped on both switches" 30 eval "member A 239.2.2.2 1 && member A 239.2.2.2 2 &&
  member A 239.3.3.3 1 && member A 239.3.3.3 2 && member B 239.2.2.2 1 && member B 239.2.2.2 3 &&
  member B 239.3.3.3 3 && member B 239.3.3.3 0" || true

# stream ROUND SENDER GROUP: 100 datagrams from SENDER, then the sentinel; every
# host's capture of GROUP goes to $WORK/ROUND.HOST; for a sender behind A, what
# B receives on the trunk to ROUND.$TAG-tb (a capture on a switch's side of a
# veth sees what it receives, not what the switch sends).
stream() {
  local round=$1 sender=$2 group=$3
  capture_start "$round" "dst $group and udp or $SENTINEL_BPF" "${HOSTS[@]}"
  [[ $sender != a-* ]] || capture_start "$round" "vlan 10 and (dst $group and udp or $SENTINEL_BPF)" "root:$TAG-tb"
  in_ns "$sender" /usr/bin/python3 - "$group" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 4)
for i in range(100):
    s.sendto(b"two switches %d" % i, (sys.argv[1], 6000))
    time.sleep(0.005)
PY
  sentinel "$sender"
  capture_stop "$round"
}
echo "1..12"

stream 1 a-src 239.2.2.2
check "a-h (member behind A) receives 239.2.2.2 from a-src" "$(got 1 a-h 239.2.2.2)" 100
check "b-h1 (IGMPv2 member behind B) receives it across the trunk" "$(got 1 b-h1 239.2.2.2)" 100
check "b-h3 (IGMPv3 member behind B) receives it across the trunk" "$(got 1 b-h3 239.2.2.2)" 100
check "b-h2 (no membership) receives nothing" "$(got 1 b-h2 239.2.2.2)" 0
check "A lists its trunk port 2 as a member of 239.2.2.2 (learned from B's hosts' reports)" \
  "$(member A 239.2.2.2 2 && echo yes)" yes
check "A's querier view names the trunk as where B's proxy querier speaks" "$(hears_querier A 2 && echo yes)" yes

stream 2 b-h2 239.3.3.3
check "a-h receives 239.3.3.3 from b-h2, a source behind B" "$(got 2 a-h 239.3.3.3)" 100
check "b-h3 receives it too" "$(got 2 b-h3 239.3.3.3)" 100

# Leaves: b-h1 leaves (IGMPv2 leave), b-h3 still listens; then b-h3 leaves too.
in_ns b-h1 ip addr del 239.2.2.2/32 dev eth0
wait_until "B to drop b-h1's membership (its last member query unanswered)" 30 eval "! member B 239.2.2.2 1" || true
stream 3 a-src 239.2.2.2
check "after b-h1's leave b-h1 receives nothing, b-h3 still all" \
  "$(got 3 b-h1 239.2.2.2)/$(got 3 b-h3 239.2.2.2)" 0/100
in_ns b-h3 ip addr del 239.2.2.2/32 dev eth0
wait_until "A to drop the trunk from 239.2.2.2 (B's leave crossed it)" 30 eval "! member A 239.2.2.2 2" || true
stream 4 a-src 239.2.2.2
check "after b-h3's leave A no longer sends 239.2.2.2 over the trunk (pruned across it)" \
  "$(got 4 "$TAG-tb" 239.2.2.2)" 0
check "a-h still receives it" "$(got 4 a-h 239.2.2.2)" 100
check "A's group table no longer lists the trunk for 239.2.2.2" "$(member A 239.2.2.2 2 || echo gone)" gone
[ "$failed" -eq 0 ] || lab_state >&2
exit $failed
