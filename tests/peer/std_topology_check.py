#!/usr/bin/python3
"""TAP: the standard benchmark's traffic (scripts/gen_std_pcap.py) judged by
tshark, and its results table (scripts/bench_std_table.py).
Usage: std_topology_check.py GEN_STD_PCAP BENCH_STD_TABLE"""
import collections
import json
import os
import subprocess
import sys
import tempfile

GEN, TABLE = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def tshark(pcap, *fields, extra=()):
    out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", *sum((["-e", f] for f in fields), []), *extra],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def bad(pcap):
    out = subprocess.run(["tshark", "-r", pcap, "-V", "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"],
                         capture_output=True, text=True, check=True).stdout
    return sum(out.count(w) for w in ("[Checksum Status: Bad]", "Malformed", "incorrect"))


with tempfile.TemporaryDirectory() as d:
    for w in ("mc", "mc6", "mix", "access"):
        out = os.path.join(d, w)
        subprocess.run([GEN, out, w, "64"], check=True)
        expect = json.load(open(os.path.join(out, "expect.json")))
        pcaps = [os.path.join(out, f) for f in ("data.pcap", "setup1.pcap", "setup2.pcap", "setup3.pcap")]
        check("%s: tshark finds no bad checksum or malformed frame" % w, sum(bad(p) for p in pcaps) == 0)
        data = tshark(pcaps[0], "frame.len", "vlan.id", "eth.dst")
        check("%s: at least 1,024 data frames" % w, len(data) >= 1024 and len(data) == expect["frames"], len(data))
        lens = collections.Counter(int(r[0]) for r in data)
        want_lens = {62, 66} if w == "mc6" else {60, 64}  # IPv6 + UDP: 62 bytes at least
        check("%s: minimum-size frames (%s)" % (w, sorted(want_lens)), set(lens) <= want_lens, dict(lens))
        vids = collections.Counter(r[1] or "native" for r in data)
        if w == "access":
            check("access: every data frame tagged VLAN 10", set(vids) == {"10"}, dict(vids))
        else:
            check("%s: data spread over the native VLAN and 10, 20, 30" % w,
                  set(vids) == {"native", "10", "20", "30"} and min(vids.values()) > len(data) // 8, dict(vids))
        # Joins: group g on ports 1 + ((g + j) mod 3), j < 2; v2/MLDv1 for even groups, v3/MLDv2 for odd.
        joined = collections.defaultdict(set)
        versions = collections.Counter()
        for p in (1, 2, 3):
            if w == "mc6":
                rows = tshark(pcaps[p], "icmpv6.type", "ipv6.dst", "icmpv6.mld.multicast_address",
                              "icmpv6.mldr.mar.multicast_address", extra=["-Y", "icmpv6"])
                for t, dst, g1, g2 in rows:
                    group = g1 or g2
                    versions[t] += 1
                    joined[group].add(p)
            else:
                rows = tshark(pcaps[p], "igmp.version", "igmp.maddr", "vlan.id", extra=["-Y", "igmp"])
                for v, group, vid in rows:
                    versions[v] += 1
                    joined[group].add(p)
                    if w == "access" and vid:
                        check("access: joins come untagged on access ports", False, vid)
        groups = sorted(joined)
        check("%s: 64 groups, each joined by two ports" % w,
              len(groups) == 64 and all(len(ps) == 2 for ps in joined.values()), len(groups))
        check("%s: memberships as expect.json says" % w, sum(len(ps) for ps in joined.values()) == expect["memberships"])
        half = {"mc6": {"131": 64, "143": 64}}.get(w, {"2": 64, "3": 64})
        check("%s: half the joins v2/MLDv1, half v3/MLDv2" % w, dict(versions) == half, dict(versions))
        if w == "mix":
            arps = sum(len(tshark(p, "arp.src.proto_ipv4", extra=["-Y", "arp"])) for p in pcaps[1:])
            check("mix: a gratuitous ARP per unicast host behind ports 1-3", arps == 1024, arps)
            kinds = collections.Counter("mc" if r[2].startswith("01:00:5e") else "uc" for r in data)
            igmp = len(tshark(pcaps[0], "igmp.type", extra=["-Y", "igmp"]))
            check("mix: 49.5 % multicast, 49.5 % unicast, 1 % reports",
                  igmp == len(data) - 2 * (len(data) * 99 // 200) and
                  kinds["uc"] == len(data) * 99 // 200, (dict(kinds), igmp))
        again = os.path.join(d, w + "-again")
        subprocess.run([GEN, again, w, "64"], check=True)
        check("%s: the same seed writes the same bytes" % w,
              all(open(os.path.join(out, f), "rb").read() == open(os.path.join(again, f), "rb").read()
                  for f in ("data.pcap", "setup1.pcap", "setup2.pcap", "setup3.pcap")))
    r = subprocess.run([GEN, os.path.join(d, "x"), "bogus", "64"], capture_output=True, text=True)
    check("an unknown workload is refused with the usage", r.returncode != 0 and "Usage" in r.stderr)

    # The table: medians over rounds, ratios in the same run, learned counts.
    tsv = os.path.join(d, "r.tsv")
    rows = []
    for rnd, (t, l, o) in enumerate([(60, 20, 4), (50, 30, 5), (70, 25, 6)], 1):
        rows += ["%d\tmc:64\ttestpmd\t%d\t%d\t-\t128" % (rnd, t, t), "%d\tmc:64\tl2snoop\t%d\t%d\t128\t128" % (rnd, l, 2 * l),
                 "%d\tmc:64\tovs\t%d\t%d\t%d\t128" % (rnd, o, 2 * o, 128 if rnd != 2 else 100)]
    rows.append("4\tmc:64\tl2snoop\t0\t0\t-\t128")  # a run that did not start: left out
    open(tsv, "w").write("\n".join(rows) + "\n")
    out = subprocess.run([TABLE, tsv], capture_output=True, text=True).stdout
    line = [x for x in out.splitlines() if x.startswith("| mc:64")]
    cells = [c.strip() for c in line[0].split("|")[1:-1]] if line else []
    check("the table has medians (runs that did not start left out), out/in and the worst learned count",
          cells[:8] == ["mc:64", "60.00", "25.00", "2.00", "128/128", "5.00", "2.00", "100/128"], cells)
    check("same-run ratios of the medians", cells[8:] == ["0.42", "5.00", "0.08"], cells)
    svg = os.path.join(d, "p.svg")
    r = subprocess.run([TABLE, tsv, "--plot", svg], capture_output=True, text=True)
    check("--plot draws an SVG", r.returncode == 0 and "<svg" in open(svg).read(), r.stderr)
    open(tsv, "w").write("nothing\n")
    r = subprocess.run([TABLE, tsv], capture_output=True, text=True)
    check("no results is refused", r.returncode != 0 and "no results" in r.stderr)

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name, "" if ok else ": %s" % (detail,)))
