# Sourced by the end-to-end labs (two_switches.sh, mrp_lab.sh, live_ops.sh): kernel hosts
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
#   lab_switch NAME LCORE IFACE...  starts $BIN as switch NAME (--file-prefix $TAG$NAME) on
#                           net_af_packet ports over IFACE... in that order, with the options in
#                           the array SWITCH_ARGS; PID[NAME] is its pid, $WORK/NAME.log its output
#   lab_ready NAME...       waits until each switch printed `l2snoop: ready` (Bail out! if not)

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

# net_af_packet (DPDK 22.11) joins each socket to PACKET_FANOUT group
# (pid ^ ifindex) & 0xffff, and the kernel refuses a group another process
# holds for another interface: a switch whose ids would collide with another's
# is not started (exit 75 before exec) and is tried again, under a new pid.
FANOUT_IDS=()
lab_switch() {
  local name=$1 lcore=$2 i=0 vdevs=() idx=() try
  shift 2
  for ifc in "$@"; do
    vdevs+=("--vdev=net_af_packet$i,iface=$ifc")
    idx+=("$(cat "/sys/class/net/$ifc/ifindex")")
    i=$((i + 1))
  done
  for try in 1 2 3 4 5 6 7 8; do
    (
      for x in "${idx[@]}"; do
        for used in "${FANOUT_IDS[@]}"; do [ $(( (BASHPID ^ x) & 0xffff )) -eq "$used" ] && exit 75; done
      done
      exec "$BIN" -l "$lcore" --no-huge -m 256 --no-pci --file-prefix "$TAG$name" "${vdevs[@]}" \
        --log-level='*:warning' -- "${SWITCH_ARGS[@]}"
    ) >"$WORK/$name.log" 2>&1 &
    PID[$name]=$!
    sleep 0.2
    if kill -0 "${PID[$name]}" 2>/dev/null; then
      for x in "${idx[@]}"; do FANOUT_IDS+=($(( (PID[$name] ^ x) & 0xffff ))); done
      return 0
    fi
    wait "${PID[$name]}" || [ $? -eq 75 ] || return 0  # another failure: lab_ready reports it with the log
  done
}

lab_ready() {
  local s
  for s in "$@"; do
    for _ in $(seq 1 100); do
      grep -q '^l2snoop: ready' "$WORK/$s.log" && break
      kill -0 "${PID[$s]}" 2>/dev/null || { echo "Bail out! switch $s died"; cat "$WORK/$s.log" >&2; exit 1; }
      sleep 0.2
    done
    grep -q '^l2snoop: ready' "$WORK/$s.log" || { echo "Bail out! switch $s not ready"; exit 1; }
  done
}
