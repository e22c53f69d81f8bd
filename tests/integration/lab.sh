# Sourced by the end-to-end labs (two_switches.sh, live_ops.sh): kernel hosts
# in network namespaces, each joined to the switch by a veth pair, and TAP
# checks. The caller sets TAG (unique to the run), HOSTS and WORK.
#
#   lab_hosts               a namespace $TAG-HOST per host, eth0 10.10.0.N/24 (N: 1-based
#                           place in HOSTS) with a multicast route; the switch side is the
#                           veth $TAG-HOST (no IPv6 of its own)
#   lab_remove_hosts        their veths and namespaces
#   in_ns HOST CMD...       runs CMD in the host's namespace
#   check WHAT GOT WANT     one TAP line; a mismatch sets failed=1
#   got ROUND HOST GROUP    datagrams to GROUP in the capture $WORK/ROUND.HOST

in_ns() { local h=$1; shift; ip netns exec "$TAG-$h" "$@"; }

# A run stopped by a signal (meson's timeout sends SIGTERM) still runs the
# caller's EXIT trap, which removes what the lab created.
trap 'exit 143' TERM
trap 'exit 130' INT

lab_hosts() {
  local n=0 h
  for h in "${HOSTS[@]}"; do
    n=$((n + 1))
    ip netns add "$TAG-$h"
    ip link add "$TAG-$h" type veth peer name eth0 netns "$TAG-$h"
    sysctl -qw "net.ipv6.conf.$TAG-$h.disable_ipv6=1"
    ip link set "$TAG-$h" up
    in_ns "$h" ip link set lo up
    in_ns "$h" ip link set eth0 up
    in_ns "$h" ip addr add "10.10.0.$n/24" dev eth0
    in_ns "$h" ip route add 224.0.0.0/4 dev eth0
  done
}

lab_remove_hosts() {
  local h
  for h in "${HOSTS[@]}"; do
    ip link del "$TAG-$h" 2>/dev/null
    ip netns del "$TAG-$h" 2>/dev/null
  done
  return 0
}

t=0 failed=0
check() {
  t=$((t + 1))
  if [ "$2" = "$3" ]; then echo "ok $t - $1"; else echo "not ok $t - $1: got $2, want $3"; failed=1; fi
}
got() { grep -c "> $3" "$WORK/$1.$2" || true; }
