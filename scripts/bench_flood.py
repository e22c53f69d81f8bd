#!/usr/bin/python3
"""Resilience of the control path under a flood of IGMP reports (issue 14).

  port 0  net_pcap, data, replayed forever: multicast to 1,024 groups port 3
          joined, and 1 frame in 1,024 to the probe group 239.9.9.9 (joined
          by nobody until the probe)
  port 1  net_pcap, replayed forever: IGMPv2 reports for 4,096 groups from
          256 hosts (the flood); or, without the flood, one ARP once
  port 2  net_tap (a kernel interface): the probe host
  port 3  net_pcap, once: a burst of 10,000 IGMPv2 joins (the data's 1,024
          groups among them), all delivered at start: every one must be learned

For each case (one worker, -l 1; a worker per port, -l 0-1 with the data port
on lcore 1 and the others, with the control thread, on lcore 0), with and
without the flood: the data and flood rates over SECONDS, the drops by reason,
and the probe: a join sent into the tap, and the time until the first frame
of the probe group comes out of it. With one worker it also prints what a
flooding frame costs the worker against a forwarded one:
    (1 - data_with / data_without) / (flood_with / data_without).
Unregistered groups go to router ports only (there are none), so the probe
group reaches the tap only once the join took effect.

Usage: bench_flood.py BINARY [SECONDS] [ROUNDS]   (as root)"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_std_pcap as g  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TAP = "l2sflood%d" % (os.getpid() % 10000)
PROBE = [239, 9, 9, 9]
BURST = 10000


def write_pcaps(d):
    data = []
    for i in range(1024 * 16):
        if i % 1024 == 0:
            data.append(g.udp4(i % 64, PROBE, 1, 1024 + i))
        else:
            data.append(g.udp4(i % 64, g.group4(i % 1024), 1, 1024 + i // 1024))
    g.write_pcap(d + "/data.pcap", data)
    flood = [g.igmp_join(g.mac(0, 3, 0, h), [10, 3, 0, h], g.group4(i % 4096, base=3), 1, False)
             for i, h in ((i, i % 256) for i in range(4096))]
    g.write_pcap(d + "/flood.pcap", flood)
    g.write_pcap(d + "/quiet.pcap", [g.garp(g.mac(0, 3, 0, 1), [10, 3, 0, 1], 1)])
    g.write_pcap(d + "/joins.pcap", [g.igmp_join(g.mac(0, 4, 0, 1), [10, 4, 0, 1], g.group4(k), 1, False)
                                     for k in range(BURST)])


def ctl(prefix, *words):
    out = subprocess.run(["/usr/bin/python3", HERE + "/l2snoopctl", "--prefix", prefix, "--json", *words],
                         capture_output=True, text=True, timeout=10)
    return json.loads(out.stdout)


def probe_latency():
    """Sends the probe join into the tap; seconds until the probe group's first frame comes out (None: not in 3 s)."""
    from scapy.all import AsyncSniffer, Ether, IP, sendp  # noqa: F401

    sniffer = AsyncSniffer(iface=TAP, store=True, count=1,
                           lfilter=lambda p: IP in p and p[IP].dst == "239.9.9.9" and p[IP].proto == 17)
    sniffer.start()
    time.sleep(0.3)
    join = g.igmp_join(g.mac(0, 5, 0, 1), [10, 5, 0, 1], PROBE, 1, False)
    t0 = time.time()
    sendp(Ether(join), iface=TAP, verbose=False)
    sniffer.join(timeout=3)
    if sniffer.running:
        sniffer.stop()
    got = sniffer.results
    return float(got[0].time) - t0 if got else None


def run(binary, d, workers, flood, secs):
    prefix = "bflood%d" % os.getpid()
    lcores = "0-1" if workers == 2 else "1"
    args = [binary, "-l", lcores, "--in-memory", "--no-pci", "--file-prefix", prefix,
            "--vdev=net_pcap0,rx_pcap=%s/data.pcap,infinite_rx=1" % d,
            "--vdev=net_pcap1,rx_pcap=%s/flood.pcap,infinite_rx=1" % d if flood else
            "--vdev=net_pcap1,rx_pcap=%s/quiet.pcap" % d,
            "--vdev=net_tap0,iface=%s" % TAP,
            "--vdev=net_pcap3,rx_pcap=%s/joins.pcap" % d,
            "--log-level=*:error", "--", "--unregistered", "router", "--querier", "off"]
    if workers == 2:  # the data port alone on lcore 1; the rest (and the control thread) on lcore 0
        args += ["--queue-map", "(0,0,1),(1,0,0),(2,0,0),(2,1,0),(3,0,0)"]  # net_tap: a queue per worker
    log = open(d + "/l2snoop.log", "w")
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if "l2snoop: ready" in open(d + "/l2snoop.log").read() or p.poll() is not None:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("l2snoop did not start")
        if p.poll() is not None:
            raise RuntimeError("l2snoop exited: " + open(d + "/l2snoop.log").read())
        subprocess.run(["sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % TAP], check=False)
        subprocess.run(["ip", "link", "set", TAP, "up"], check=True)
        time.sleep(2)
        a, t0 = ctl(prefix, "stats"), time.time()
        time.sleep(secs)
        b, t1 = ctl(prefix, "stats"), time.time()
        burst = sum(1 for e in ctl(prefix, "mdb", "show")["entries"] if e["port"] == 3)
        rate = lambda port, k: (b["ports"][str(port)][k] - a["ports"][str(port)][k]) / (t1 - t0) / 1e6
        drops = {k: v for k, v in b["ports"]["1"]["drops"].items() if v}
        latency = probe_latency()
        return {"burst": burst, "data": rate(0, "rx"), "flood": rate(1, "rx"), "punted": rate(1, "punted"), "drops": drops,
                "latency": latency}
    finally:
        p.send_signal(2)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
        shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)  # its runtime directory (control socket)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 3
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    d = tempfile.mkdtemp(prefix="l2s-flood")
    try:
        write_pcaps(d)
        results = {}
        for r in range(rounds):
            for workers in (1, 2):
                for flood in (False, True):
                    res = run(binary, d, workers, flood, secs)
                    results.setdefault((workers, flood), []).append(res)
                    print("round %d, %d worker(s), flood %s: %d of %d joins of the start-up burst learned; data %.2f Mpps, "
                          "flood %.2f Mpps (punted %.3f M/s), probe join took effect in %s, port 1 drops %s" %
                          (r + 1, workers, "on" if flood else "off", res["burst"], BURST, res["data"], res["flood"],
                           res["punted"],
                           "%.0f ms" % (res["latency"] * 1e3) if res["latency"] is not None else "NOT within 3 s",
                           res["drops"]), flush=True)
        med = lambda k, f: statistics.median(x[f] for x in results[k])
        print("\n| workers | flood | burst learned (worst) | data Mpps | flood Mpps | punted M/s | probe join (worst) | data kept |")
        print("|---|---|---|---|---|---|---|---|")
        for workers in (1, 2):
            base = med((workers, False), "data")
            for flood in (False, True):
                k = (workers, flood)
                lat = [x["latency"] for x in results[k]]
                worst = "not within 3 s" if None in lat else "%.0f ms" % (max(lat) * 1e3)
                print("| %d | %s | %d/%d | %.2f | %.2f | %.3f | %s | %.2f |" % (
                    workers, "on" if flood else "off", min(x["burst"] for x in results[k]), BURST, med(k, "data"), med(k, "flood"), med(k, "punted"), worst,
                    med(k, "data") / base))
        base, with_, fl = med((1, False), "data"), med((1, True), "data"), med((1, True), "flood")
        if fl > 0:
            print("\none worker: a flooding frame costs %.2f x a forwarded frame" % ((1 - with_ / base) / (fl / base)))
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
