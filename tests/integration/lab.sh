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
#   IDLE_SLEEP              the --idle-sleep every lab switch runs with (they share the cores)
#   wait_until WHAT SECS CMD...  runs CMD every 0.1 s until it succeeds; after SECS gives up,
#                           printing WHAT and the lab's state (the caller's lab_state), status 1
#   capture_start ROUND FILTER WHERE...  tcpdump -e of FILTER (which takes in $SENTINEL_BPF)
#                           at each WHERE: a host's eth0 into $WORK/ROUND.HOST, or root:IFACE
#                           into $WORK/ROUND.IFACE; returns once every capture listens
#   sentinel HOST [VID]     a broadcast frame (EtherType 0x88b5; tagged VID) from HOST: every
#                           switch floods it behind the frames HOST sent before it, on the
#                           same paths
#   capture_stop ROUND      waits until every capture of the round has the sentinel, then stops
#                           them: a capture holds everything sent before the sentinel, however
#                           long each step took

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
  local h key
  for key in "${!CAPTURE[@]}"; do kill "${CAPTURE[$key]}" 2>/dev/null; done
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

# Waits are bounded by the time they give a condition, never a fixed time for
# a frame: a loaded machine makes steps slower, not the lab wrong.
# A wait that took over 2 s says so (a TAP comment): where a lab's time goes.
wait_until() {
  local what=$1 secs=$2 start now ds
  shift 2
  start=$(date +%s%N)
  until "$@"; do
    now=$(date +%s%N)
    if [ $((now - start)) -ge $((secs * 1000000000)) ]; then
      echo "# gave up after $secs s waiting for: $what"
      if declare -F lab_state >/dev/null; then lab_state >&2; fi
      return 1
    fi
    sleep 0.1
  done
  now=$(date +%s%N)
  ds=$(((now - start) / 100000000))
  [ "$ds" -lt 20 ] || echo "# waited $((ds / 10)).$((ds % 10)) s for: $what"
}

SENTINEL_BPF="(ether broadcast and ether proto 0x88b5)"
declare -A CAPTURE=()  # "ROUND WHERE" -> tcpdump's pid
capture_start() {
  local round=$1 filter=$2 where out
  shift 2
  for where in "$@"; do
    where=${where#root:}
    out="$WORK/$round.$where"
    if [[ " ${HOSTS[*]} " == *" $where "* ]]; then
      (exec ip netns exec "$TAG-$where" timeout 120 tcpdump -l -n -e -i eth0 "$filter") >"$out" 2>"$out.err" &
    else
      (exec timeout 120 tcpdump -l -n -e -i "$where" "$filter") >"$out" 2>"$out.err" &
    fi
    CAPTURE["$round $where"]=$!
  done
  for where in "$@"; do
    where=${where#root:}
    wait_until "the capture $round.$where to listen" 20 grep -q 'listening on' "$WORK/$round.$where.err" || true
  done
}
sentinel() {  # sentinel HOST [VID]: tagged with VID if given (a trunk host's)
  in_ns "$1" /usr/bin/python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
tag = struct.pack("!HH", 0x8100, int(sys.argv[1])) if len(sys.argv) > 1 else b""
s.send(b"\xff" * 6 + s.getsockname()[4][:6] + tag + b"\x88\xb5" + b"sentinel".ljust(46, b"."))' "${@:2}"
}
has_sentinel() { grep -qE '> ff:ff:ff:ff:ff:ff, (.* vlan [0-9]+, p [0-9], )?ethertype Unknown \(0x88b5\)' "$1"; }
capture_stop() {
  local round=$1 key
  for key in "${!CAPTURE[@]}"; do
    [ "${key%% *}" = "$round" ] || continue
    wait_until "the sentinel in the capture $round.${key#* }" 20 has_sentinel "$WORK/$round.${key#* }" || true
  done
  for key in "${!CAPTURE[@]}"; do
    [ "${key%% *}" = "$round" ] || continue
    kill "${CAPTURE[$key]}" 2>/dev/null
    wait "${CAPTURE[$key]}" 2>/dev/null || true
    unset "CAPTURE[$key]"
  done
}

# net_af_packet (DPDK 22.11) joins each socket to PACKET_FANOUT group
# (pid ^ ifindex) & 0xffff, and the kernel refuses a group another process
# holds for another interface: a switch whose ids would collide with another's
# is not started (exit 75 before exec) and is tried again, under a new pid.
FANOUT_IDS=()
# The lab's switches share the machine's cores with its kernel hosts, their
# captures and the kernel's own work: a worker that polled without pause left
# the kernel's per-CPU workers unscheduled for 30-60 s on a 2-core machine
# ("workqueue lockup" in dmesg), and with them every RCU grace period a
# namespace, address or capture change waits for. Idle, the workers sleep.
IDLE_SLEEP=100us
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
        --log-level='*:warning' -- --idle-sleep "$IDLE_SLEEP" "${SWITCH_ARGS[@]}"
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
