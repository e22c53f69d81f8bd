#!/usr/bin/env bash
# The standard benchmark topology (docs/benchmarks.md): l2snoop, dpdk-testpmd io
# (the empty switch: the limit) and Open vSwitch 3.1 with DPDK (bridge with
# multicast snooping, the NORMAL action), interleaved on the same four net_pcap
# ports and one forwarding core, ROUNDS rounds, medians.
#
#   port 0     net_pcap rx_pcap=data.pcap,infinite_rx=1: the generator
#   port 1..3  net_pcap rx_pcap=setupP.pcap (ARPs, then joins, once), no tx
#              argument: what they are sent is counted and dropped
#
# Traffic from scripts/gen_std_pcap.py (seeded). Rates: frames received on port
# 0 ("in") and sent on ports 1-3 ("out") per second, sampled over SECONDS after
# 2 s of warm-up; out/in equals the fan-out when every group was learned.
#
# Usage: scripts/bench_std.sh [ROUNDS [SECONDS]]   (as root; defaults 3 and 3)
#   BENCH_CASES="mc:64 mc:4096 mc6:4096 mix:1024 access:1024" (WORKLOAD:GROUPS; the default)
#   BENCH_PEERS="testpmd l2snoop ovs" (the default)
#   BENCH_BASELINE=path/to/another/l2snoop adds that build as a peer (an A/B in the same run)
#   BENCH_ARGS="..." more l2snoop options; BENCH_OUT=FILE the raw results (default build/bench_std.tsv)
#   BENCH_LCORES=0-1 l2snoop's lcores (default 1: one worker); BENCH_GEN_QUEUES=2 gives the generator port
#   that many rx queues (net_pcap: one per rx_pcap argument), so that two workers share its traffic
#   (l2snoop and its baseline only: testpmd needs as many queues on every port)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-3}
CASES=${BENCH_CASES:-mc:64 mc:4096 mc6:4096 mix:1024 access:1024}
PEERS=${BENCH_PEERS:-testpmd l2snoop ovs}
[ -n "${BENCH_BASELINE:-}" ] && PEERS="$PEERS baseline"
OUT=${BENCH_OUT:-build/bench_std.tsv}
scripts/setup.sh >/dev/null
ninja -C build dataplane/l2snoop >/dev/null
OVS_VSWITCHD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk  # Debian's DPDK build (update-alternatives' choice)
if [[ " $PEERS " == *" ovs "* ]] && [ ! -x "$OVS_VSWITCHD" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openvswitch-switch-dpdk >/dev/null
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  # l2snoop's runtime directory (its control socket), testpmd's and OVS's
  rm -rf "$WORK" "/var/run/dpdk/bstd$$" "/var/run/dpdk/bstdtp$$" "/var/run/dpdk/bstdovs$$"
}
trap cleanup EXIT
trap 'exit 1' TERM INT

# Hugepages, as a deployment (and OVS-DPDK) would use them.
if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt 1024 ]; then echo 1024 > /proc/sys/vm/nr_hugepages; fi
mkdir -p /dev/hugepages
mountpoint -q /dev/hugepages || mount -t hugetlbfs none /dev/hugepages

vdevs() {  # vdevs DIR
  local gen="--vdev=net_pcap0"
  for _ in $(seq 1 "${BENCH_GEN_QUEUES:-1}"); do gen="$gen,rx_pcap=$1/data.pcap"; done
  echo "$gen,infinite_rx=1"
  for p in 1 2 3; do echo "--vdev=net_pcap$p,rx_pcap=$1/setup$p.pcap"; done
}

# Prints "IN OUT LEARNED" (Mpps, Mpps, memberships on ports 1-3 or -).
run_testpmd() {  # run_testpmd DIR
  local log=$WORK/testpmd.log
  # io forwarding pairs port 0 with port 1: out is port 1's tx.
  # shellcheck disable=SC2046
  (sleep $((SECS + 2)); echo) | timeout $((SECS + 20)) dpdk-testpmd -l 0,1 --in-memory --no-pci --file-prefix "bstdtp$$" $(vdevs "$1") \
      --log-level='*:error' -- --forward-mode=io --nb-cores=1 --stats-period 1 --total-num-mbufs=65536 >"$log" 2>&1 || true
  # A block per second: per port Rx-pps then Tx-pps; the blocks after 2 s of warm-up.
  awk '/Port statistics/ {n++; port = 0} /Rx-pps/ && port == 0 {rx[n] = $2} /Tx-pps/ {if (port == 1) tx[n] = $2; port++}
       END {for (i = 3; i <= n; i++) {ri += rx[i]; ro += tx[i]; k++}
            if (k) printf "%.2f %.2f -\n", ri / k / 1e6, ro / k / 1e6; else print "0 0 -"}' "$log"
}

run_l2snoop() {  # run_l2snoop BINARY DIR [options]: one retry if it does not start
  local r
  r=$(l2snoop_try "$@")
  if [ "${r%% *}" = 0 ]; then echo "bench_std.sh: retrying once" >&2; r=$(l2snoop_try "$@"); fi
  echo "$r"
}

l2snoop_try() {
  local bin=$1 dir=$2 prefix="bstd$$" log=$WORK/l2snoop.log
  shift 2
  # shellcheck disable=SC2046
  "$bin" -l "${BENCH_LCORES:-1}" --in-memory --no-pci --file-prefix "$prefix" $(vdevs "$dir") --log-level='*:error' -- \
      --config "$dir/l2snoop.ini" "$@" >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 100); do
    grep -qs '^l2snoop: ready' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if ! grep -qs '^l2snoop: ready' "$log"; then
    # Seen on this VM now and then right after another DPDK process exits (bench.sh says more): the
    # EAL's start stalls in the kernel for a minute; a second start works.
    echo "bench_std.sh: l2snoop did not start within 20 s: $(tr '\n' ' ' <"$log")" >&2
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "0 0 -"
    return
  fi
  sleep 2
  local ctl=(/usr/bin/python3 scripts/l2snoopctl --prefix "$prefix" --json)
  "${ctl[@]}" stats >"$WORK/a.json"
  local t0 t1
  t0=$(date +%s.%N)
  sleep "$SECS"
  "${ctl[@]}" stats >"$WORK/b.json"
  t1=$(date +%s.%N)
  "${ctl[@]}" mdb show >"$WORK/mdb.json"
  kill -INT "$pid"
  wait "$pid" 2>/dev/null || true
  /usr/bin/python3 - "$WORK" "$t0" "$t1" <<'PY'
import json, sys
w, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
a, b = json.load(open(w + "/a.json")), json.load(open(w + "/b.json"))
port = lambda s, p, k: s["ports"][str(p)][k]
dt = t1 - t0
rx = (port(b, 0, "rx") - port(a, 0, "rx")) / dt / 1e6
tx = sum(port(b, p, "tx") - port(a, p, "tx") for p in (1, 2, 3)) / dt / 1e6
learned = sum(1 for e in json.load(open(w + "/mdb.json"))["entries"] if e["port"] != 0)
print("%.2f %.2f %d" % (rx, tx, learned))
PY
}

run_ovs() {  # run_ovs DIR EXPECTED_MEMBERSHIPS
  local dir=$1 want=$2 run=$WORK/ovs
  rm -rf "$run"
  mkdir -p "$run"
  local db=unix:$run/db.sock
  local vsctl=(ovs-vsctl --db="$db" --timeout=20) appctl=(ovs-appctl -t "$run/vswitchd.ctl")
  ovsdb-tool create "$run/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  ovsdb-server "$run/conf.db" --remote="punix:$run/db.sock" --pidfile="$run/ovsdb.pid" --unixctl="$run/ovsdb.ctl" \
      --detach --log-file="$run/ovsdb.log" -vconsole:off
  PIDS+=("$(cat "$run/ovsdb.pid")")
  "${vsctl[@]}" --no-wait init
  # One PMD on CPU 1; the EAL's lcore and every other thread on CPU 0.
  "${vsctl[@]}" --no-wait set Open_vSwitch . other_config:dpdk-init=true other_config:dpdk-lcore-mask=0x1 \
      other_config:pmd-cpu-mask=0x2 "other_config:dpdk-extra=--in-memory --no-pci --log-level=*:error"
  OVS_RUNDIR=$run taskset -c 0 "$OVS_VSWITCHD" "$db" --pidfile="$run/vswitchd.pid" --unixctl="$run/vswitchd.ctl" \
      --detach --log-file="$run/vswitchd.log" -vconsole:off
  PIDS+=("$(cat "$run/vswitchd.pid")")
  "${vsctl[@]}" add-br br0 -- set bridge br0 datapath_type=netdev mcast_snooping_enable=true \
      other_config:mcast-snooping-table-size=65536
  # Receivers first: frames a PMD reads before the bridge knows the port are dropped, so their setup is
  # replayed (a new n_rxq_desc restarts the ethdev, which re-reads its pcap) until OVS holds every membership.
  # VLANs as l2snoop.ini has them: by default every OVS port is a trunk of every VLAN with untagged
  # frames in VLAN 0 (l2snoop: trunks of 10, 20, 30, native 1: the same forwarding); the access workload
  # needs port 0 a trunk of VLAN 10 and ports 1-3 its access ports.
  local rx_vlan=() gen_vlan=()
  if [[ $dir == */access-* ]]; then rx_vlan=(tag=10 vlan_mode=access); gen_vlan=(trunks=10 vlan_mode=trunk); fi
  for p in 1 2 3; do
    "${vsctl[@]}" add-port br0 "p$p" "${rx_vlan[@]}" -- set Interface "p$p" type=dpdk \
        "options:dpdk-devargs=net_pcap$p,rx_pcap=$dir/setup$p.pcap"
  done
  local have=0 desc=1024
  for _ in 1 2 3 4 5; do
    sleep 2
    have=$("${appctl[@]}" mdb/show br0 | awk 'NR > 1' | wc -l)
    [ "$have" -ge "$want" ] && break
    desc=$((desc == 1024 ? 2048 : 1024))
    for p in 1 2 3; do "${vsctl[@]}" set Interface "p$p" "options:n_rxq_desc=$desc"; done
  done
  "${vsctl[@]}" add-port br0 p0 "${gen_vlan[@]}" -- set Interface p0 type=dpdk \
      "options:dpdk-devargs=net_pcap0,rx_pcap=$dir/data.pcap,infinite_rx=1"
  sleep 2
  # Live counters from the datapath (OpenFlow port stats; the database's copy is refreshed only every 5 s).
  local ofports=()
  for p in 0 1 2 3; do ofports+=("$("${vsctl[@]}" get Interface "p$p" ofport)"); done
  stats() {
    for o in "${ofports[@]}"; do
      ovs-ofctl dump-ports "unix:$run/br0.mgmt" "$o" | tr ',' '\n' | awk -F= '/rx pkts/ {r = $2} /tx pkts/ {t = $2} END {print r + 0, t + 0}'
    done
    date +%s.%N
  }
  local a b
  a=$(stats | tr '\n' ' ')
  sleep "$SECS"
  b=$(stats | tr '\n' ' ')
  echo "ovs: $("${appctl[@]}" fdb/show br0 | awk 'NR > 1' | wc -l) MACs learned" >&2
  "${appctl[@]}" exit || true
  kill "$(cat "$run/ovsdb.pid")" 2>/dev/null || true
  for pf in vswitchd ovsdb; do  # at most 5 s each
    local pid
    pid=$(cat "$run/$pf.pid" 2>/dev/null || true)
    for _ in $(seq 1 50); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  echo "$a $b $have" | awk '{t = $18 - $9; printf "%.2f %.2f %d\n", ($10 - $1) / t / 1e6, (($13 + $15 + $17) - ($4 + $6 + $8)) / t / 1e6, $19}'
}

: >"$OUT"
echo "l2snoop standard benchmark: 4 net_pcap ports, 1 forwarding core, $ROUNDS rounds of $SECS s, hugepages"
for round in $(seq 1 "$ROUNDS"); do
  for c in $CASES; do
    w=${c%%:*}
    g=${c##*:}
    dir=$WORK/$w-$g
    [ -d "$dir" ] || /usr/bin/python3 scripts/gen_std_pcap.py "$dir" "$w" "$g"
    want=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["memberships"])' "$dir/expect.json")
    for peer in $PEERS; do
      case $peer in
        testpmd) r=$(run_testpmd "$dir") ;;
        l2snoop) r=$(run_l2snoop build/dataplane/l2snoop "$dir" ${BENCH_ARGS:-}) ;;
        baseline) r=$(run_l2snoop "$BENCH_BASELINE" "$dir") ;;
        ovs) r=$(run_ovs "$dir" "$want") ;;
      esac
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$w:$g" "$peer" $r "$want" >>"$OUT"
      echo "round $round $w:$g $peer: in/out Mpps, learned: $r (of $want)" >&2
    done
  done
done
/usr/bin/python3 scripts/bench_std_table.py "$OUT"
