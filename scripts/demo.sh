#!/usr/bin/env bash
# The README's run command: l2snoop on its embedded default lab, no NIC needed.
#
#   port 0  src  VLAN 10  sends UDP to 239.1.1.1 and ff0e::1:3
#   port 1  h1   VLAN 10  IGMPv2 host, member of 239.1.1.1
#   port 2  h2   VLAN 10  IGMPv3 + MLDv2 host, member of 239.1.1.1 and ff0e::1:3
#   port 3  h3   VLAN 10  no memberships
#   port 4  h4   VLAN 20  member of 239.1.1.1 (another VLAN: must get nothing from VLAN 10)
#   port 5  t1   trunk, VLANs 10 and 20 tagged: a host that speaks 802.1Q (scapy, as
#                this kernel has no VLAN devices), member of 239.1.1.1 in VLAN 10
#   port 6  r1   VLAN 10  the multicast router: the Linux kernel's IGMPv3/MLDv2 querier
#                (a bridge with mcast_querier on), elected over the switch's own
#
# Hosts are Linux network namespaces joined to the switch by veth pairs; the
# switch runs on net_af_packet ports bound to the switch-side veths and is the
# querier of VLAN 20 (and of VLAN 10 until r1 wins the election). The demo
# shows who receives the streams, the switch's group and router tables, a
# tagged stream entering on the trunk, then a leave and the prune. It cleans up
# after itself, also on Ctrl-C. `--tap` prints the checks as TAP (the
# end-to-end test uses it). L2SNOOP_LCORES=0-1 runs it with two workers
# (every port has one queue: the workers share it).
set -euo pipefail
cd "$(dirname "$0")/.."

TAP=0
[ "${1:-}" = "--tap" ] && TAP=1
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (it creates network namespaces)" >&2; exit 1; }

say() { [ $TAP -eq 1 ] && echo "# $*" || echo "$*"; }

if [ $TAP -eq 0 ]; then
  scripts/setup.sh
  ninja -C build dataplane/l2snoop >/dev/null
fi
BIN=${L2SNOOP_BIN:-build/dataplane/l2snoop}
[ -x "$BIN" ] || { echo "demo.sh: $BIN not built" >&2; exit 1; }

TAG=l2s$$                  # names unique to this run
PREFIX=$TAG                # EAL --file-prefix, telemetry socket directory
WORK=$(mktemp -d)
HOSTS=(src h1 h2 h3 h4 t1 r1)
VLANS=(10 10 10 10 20 trunk 10)
SW_PID=""

cleanup() {
  set +e
  [ -n "$SW_PID" ] && kill -INT "$SW_PID" 2>/dev/null && wait "$SW_PID" 2>/dev/null
  for key in "${!CAPTURE[@]}"; do kill "${CAPTURE[$key]}" 2>/dev/null; done
  for i in "${!HOSTS[@]}"; do
    ip link del "$TAG-p$i" 2>/dev/null
    ip netns del "$TAG-${HOSTS[$i]}" 2>/dev/null
  done
  rm -rf "$WORK" "/var/run/dpdk/$PREFIX"
}
# The labs' helpers: in_ns, wait_until, the captures and their sentinel.
# shellcheck source=tests/integration/lab.sh
. tests/integration/lab.sh
trap cleanup EXIT
trap 'exit 130' INT TERM
ctl() { /usr/bin/python3 scripts/l2snoopctl --prefix "$PREFIX" "$@"; }
lab_state() {  # what the switch saw, for whoever reads a failure
  local f
  ctl stats || true
  ctl mdb show || true
  ctl routers || true
  ctl querier || true
  cat "$WORK/switch.log"
  for f in "$WORK"/[0-9]*.*; do [[ $f == *.err ]] || echo "---- capture $f: $(wc -l <"$f") lines"; done
  return 0
}

# ---- topology ----
for i in "${!HOSTS[@]}"; do
  h=${HOSTS[$i]} v=${VLANS[$i]}
  ip netns add "$TAG-$h"
  ip link add "$TAG-p$i" type veth peer name eth0 netns "$TAG-$h"
  # The switch side carries no IP stack traffic of its own.
  sysctl -qw "net.ipv6.conf.$TAG-p$i.disable_ipv6=1"
  ip link set "$TAG-p$i" up
  in_ns "$h" ip link set lo up
  in_ns "$h" ip link set eth0 up
  case $h in
    t1) ;;  # speaks only through scapy, tagged
    r1)     # the router: a kernel bridge acting as IGMPv3 and MLDv2 querier from 10.10.0.250
      in_ns r1 ip link add br0 type bridge mcast_snooping 1 mcast_querier 1 mcast_query_use_ifaddr 1 \
        mcast_igmp_version 3 mcast_mld_version 2 mcast_query_interval 2000 mcast_query_response_interval 200 \
        mcast_last_member_interval 20 mcast_startup_query_interval 100
      in_ns r1 ip link set eth0 master br0
      in_ns r1 ip addr add 10.10.0.250/24 dev br0
      # A fixed link-local, usable at once (no DAD): the MLD queries' source from the first one.
      in_ns r1 ip link set br0 addrgenmode none
      in_ns r1 ip addr add fe80::250/64 dev br0 nodad
      in_ns r1 ip link set br0 up ;;
    *)
      in_ns "$h" ip addr add "10.$v.0.$((i + 1))/24" dev eth0
      in_ns "$h" ip route add 224.0.0.0/4 dev eth0 ;;
  esac
done
in_ns h1 sysctl -qw net.ipv4.conf.eth0.force_igmp_version=2

# ---- the switch ----
# Its workers share the cores with the lab's hosts: idle, they sleep
# (--idle-sleep $IDLE_SLEEP, lab.sh; a switch with cores of its own polls without pause).
vdevs=() ports=()
for i in "${!HOSTS[@]}"; do
  vdevs+=("--vdev=net_af_packet$i,iface=$TAG-p$i")
  if [ "${VLANS[$i]}" = trunk ]; then ports+=(--port "$i:trunk:10,20"); else ports+=(--port "$i:access:${VLANS[$i]}"); fi
done
"$BIN" -l "${L2SNOOP_LCORES:-0}" --no-huge -m 512 --no-pci --file-prefix "$PREFIX" "${vdevs[@]}" --log-level='*:warning' -- \
  "${ports[@]}" --querier on --querier-address 10=10.10.0.254 --querier-address 20=10.20.0.254 \
  --query-interval 20s --query-response-interval 2s --last-member-query-interval 200ms --idle-sleep "$IDLE_SLEEP" \
  >"$WORK/switch.log" 2>&1 &
SW_PID=$!
for _ in $(seq 1 100); do
  grep -q '^l2snoop: ready' "$WORK/switch.log" && break
  kill -0 "$SW_PID" 2>/dev/null || { cat "$WORK/switch.log" >&2; exit 1; }
  sleep 0.2
done
grep -q '^l2snoop: ready' "$WORK/switch.log" || { echo "demo.sh: the switch did not become ready" >&2; exit 1; }
say "$(grep '^l2snoop: ready' "$WORK/switch.log")"

# ---- memberships: the kernel's own IGMP/MLD stacks report them ----
in_ns h1 ip addr add 239.1.1.1/32 dev eth0 autojoin
in_ns h2 ip addr add 239.1.1.1/32 dev eth0 autojoin
in_ns h2 ip -6 addr add ff0e::1:3/128 dev eth0 autojoin
in_ns h4 ip addr add 239.1.1.1/32 dev eth0 autojoin
# t1 joins 239.1.1.1 in VLAN 10 with tagged IGMPv2 reports (two, as a host does).
in_ns t1 /usr/bin/python3 - <<'PY'
from scapy.all import Ether, Dot1Q, IP, sendp, conf
from scapy.layers.inet import IPOption_Router_Alert
from scapy.contrib.igmp import IGMP
conf.verb = 0
r = (Ether(src="02:00:00:00:00:05", dst="01:00:5e:01:01:01") / Dot1Q(vlan=10) /
     IP(src="10.10.0.6", dst="239.1.1.1", ttl=1, options=[IPOption_Router_Alert()]) / IGMP(type=0x16, gaddr="239.1.1.1"))
sendp([r, r], iface="eth0", inter=0.5)
PY
member() { ctl mdb show | grep -qE "vlan $1 +grp $2 +port $3 "; }  # member VLAN GROUP PORT
wait_until "every membership in the group table and r1's port a router port" 30 eval "member 10 239.1.1.1 1 &&
  member 10 239.1.1.1 2 && member 10 239.1.1.1 5 && member 20 239.1.1.1 4 && member 10 ff0e::1:3 2 &&
  [ \"\$(ctl routers | grep -cE '^10/(igmp|mld) +6\$')\" = 2 ]" || true

# Sends 100 datagrams to each group from src, then the sentinels (one in each
# VLAN), and counts, per host, what arrived.
stream() {
  local round=$1
  capture_start "$round" "udp port 5000 or $SENTINEL_BPF" h1 h2 h3 h4 r1
  capture_start "$round" "vlan 10 and (udp port 5000 or $SENTINEL_BPF)" t1  # on the trunk what arrives in VLAN 10
  in_ns src /usr/bin/python3 - <<'PY'
import socket, struct, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 4)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 4)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex("eth0"))
for i in range(100):
    s4.sendto(b"l2snoop demo %d" % i, ("239.1.1.1", 5000))
    s6.sendto(b"l2snoop demo %d" % i, ("ff0e::1:3", 5000, 0, socket.if_nametoindex("eth0")))
    time.sleep(0.005)
PY
  sentinel src
  sentinel t1 20  # h4's, in VLAN 20: src's frames went into the switch before it
  capture_stop "$round"
}
count() { grep -c "$3" "$WORK/$1.$2" || true; }

n=0
check() {  # check DESCRIPTION GOT WANT
  n=$((n + 1))
  if [ "$2" = "$3" ]; then
    [ $TAP -eq 1 ] && echo "ok $n - $1" || printf '  %-62s %4s  ok\n' "$1" "$2"
  else
    failed=1
    [ $TAP -eq 1 ] && echo "not ok $n - $1: got $2, want $3" || printf '  %-62s %4s  WRONG (want %s)\n' "$1" "$2" "$3"
  fi
}
failed=0
[ $TAP -eq 1 ] && echo "1..18"

say ""
say "== 100 datagrams to 239.1.1.1 and 100 to ff0e::1:3 from src (VLAN 10)"
stream 1
check "h1 (IGMPv2 member, VLAN 10) receives 239.1.1.1" "$(count 1 h1 '> 239.1.1.1')" 100
check "h2 (IGMPv3 member, VLAN 10) receives 239.1.1.1" "$(count 1 h2 '> 239.1.1.1')" 100
check "h2 (MLDv2 member) receives ff0e::1:3" "$(count 1 h2 '> ff0e::1:3')" 100
check "h3 (no membership) receives nothing of 239.1.1.1" "$(count 1 h3 '> 239.1.1.1')" 0
check "h1 and h3 (no MLD membership) receive nothing of ff0e::1:3" "$(( $(count 1 h1 '> ff0e::1:3') + $(count 1 h3 '> ff0e::1:3') ))" 0
check "h4 (member, but in VLAN 20) receives nothing from VLAN 10" "$(count 1 h4 '> 239.1.1.1')" 0
check "t1 (trunk, tagged report) receives 239.1.1.1 tagged with VLAN 10" "$(count 1 t1 '> 239.1.1.1')" 100
check "t1 (no MLD membership) receives nothing of ff0e::1:3" "$(count 1 t1 '> ff0e::1:3')" 0
check "r1 (multicast router port) receives 239.1.1.1" "$(count 1 r1 '> 239.1.1.1')" 100
check "r1 (multicast router port) receives ff0e::1:3" "$(count 1 r1 '> ff0e::1:3')" 100

# show TITLE COMMAND...: a heading, then l2snoopctl's answer, shown and kept in $out.
show() {
  say ""
  say "== $1 (scripts/l2snoopctl --prefix $PREFIX ${*:2})"
  out=$(ctl "${@:2}")
  [ $TAP -eq 1 ] && printf '%s\n' "$out" | sed 's/^/# /' || printf '%s\n' "$out"
}
show "the switch's group table" mdb show
check "mdb lists 239.1.1.1 on ports 1, 2 and 5 of VLAN 10 and port 4 of VLAN 20" \
  "$(printf '%s\n' "$out" | grep -cE 'vlan 10 +grp 239.1.1.1 +port (1|2|5) |vlan 20 +grp 239.1.1.1 +port 4 ')" 4
show "multicast router ports" routers
check "port 6 (r1's queries) is the IGMP and MLD router port of VLAN 10" \
  "$(printf '%s\n' "$out" | grep -cE '^10/(igmp|mld) +6$')" 2
show "queriers" querier
check "r1 queries VLAN 10; the switch VLAN 20 (MLD from a link-local)" \
  "$(printf '%s\n' "$out" | grep -cE '^10/igmp +10.10.0.250 |^10/mld +fe80::250 |^20/igmp +self 10.20.0.254$|^20/mld +self fe80::')" 4

say ""
say "== 50 datagrams to 239.1.1.1 entering tagged with VLAN 20 on the trunk (from t1)"
capture_start 3 "udp port 5001 or $SENTINEL_BPF" h1 h2 h4
in_ns t1 /usr/bin/python3 - <<'PY'
from scapy.all import Ether, Dot1Q, IP, UDP, Raw, sendp, conf
conf.verb = 0
d = (Ether(src="02:00:00:00:00:05", dst="01:00:5e:01:01:01") / Dot1Q(vlan=20) /
     IP(src="10.20.0.6", dst="239.1.1.1", ttl=4) / UDP(sport=5001, dport=5001) / Raw(b"tagged"))
sendp([d] * 50, iface="eth0", inter=0.005)
PY
sentinel t1 20
sentinel t1 10  # h1's and h2's
capture_stop 3
check "h4 (VLAN 20 member, access port) receives them untagged" "$(count 3 h4 '> 239.1.1.1')" 50
check "h1 and h2 (VLAN 10) receive none of them" "$(( $(count 3 h1 '> 239.1.1.1') + $(count 3 h2 '> 239.1.1.1') ))" 0

say ""
say "== h1 leaves 239.1.1.1 (IGMPv2 leave; the querier r1 asks, nobody on port 1 answers, the switch prunes)"
in_ns h1 ip addr del 239.1.1.1/32 dev eth0
wait_until "the switch to prune port 1 from 239.1.1.1" 30 eval "! member 10 239.1.1.1 1" || true
stream 2
check "after the leave h1 receives nothing" "$(count 2 h1 '> 239.1.1.1')" 0
check "h2 still receives 239.1.1.1" "$(count 2 h2 '> 239.1.1.1')" 100
stats=$(ctl stats)
check "the switch saw the leave (port 1, h1's)" "$(printf '%s\n' "$stats" | sed -n '/^port1:/,/^port2:/p' | grep -cE 'igmpv2_leaves=[1-9]')" 1

[ "$failed" -eq 0 ] || [ $TAP -eq 0 ] || lab_state >&2
kill -INT "$SW_PID"
wait "$SW_PID" || true
SW_PID=""
say ""
say "== switch summary"
while IFS= read -r line; do say "$line"; done < <(sed -n '/^l2snoop: stopped/,$p' "$WORK/switch.log")
exit $failed
