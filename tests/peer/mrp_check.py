#!/usr/bin/python3
"""TAP: GMRP and MMRP frames from our encoder dissected by tshark (no malformed
field; the attributes tshark reads are the ones we meant), and frames built
here independently, byte by byte from the standards' layouts, decoded by ours.
(tshark 4.0 reads one message per MRPDU, so each MMRP sample holds one
attribute type; the MMRP frame built here has two messages.)
Usage: mrp_check.py MRP_PEER_BINARY"""
import os
import struct
import subprocess
import sys
import tempfile

PEER = sys.argv[1]
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def ours(line):
    f = line.split()
    return {"proto": f[1], "err": f[2], "la": f[3][3:], "attrs": f[4:]}


with tempfile.TemporaryDirectory() as d:
    pcap = os.path.join(d, "m.pcap")
    out = subprocess.run([PEER, "emit", pcap], capture_output=True, text=True, check=True).stdout.splitlines()
    meant = [ours(x) for x in out]
    verbose = subprocess.run(["tshark", "-r", pcap, "-V"], capture_output=True, text=True, check=True).stdout
    roots = [x for x in verbose.splitlines() if x in ("GARP Multicast Registration Protocol", "Multiple Mac Registration Protocol")]
    check("tshark dissects %d frames as GMRP or MMRP" % len(meant), len(roots) == len(meant), roots)
    check("no malformed field or error", "Malformed" not in verbose and "[Expert Info (Error" not in verbose)
    rows = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;",
                           "-e", "gmrp.attribute_event", "-e", "gmrp.attribute_value_group_membership",
                           "-e", "gmrp.attribute_value_service_requirement",
                           "-e", "mrp-mmrp.leave_all_event", "-e", "mrp-mmrp.number_of_values",
                           "-e", "mrp-mmrp.first_value"], capture_output=True, text=True, check=True).stdout.splitlines()
    for i, (row, m) in enumerate(zip(rows, meant)):
        ev, macs, svcs, la, nvals, firsts = (row.split("\t") + [""] * 6)[:6]
        lst = lambda s: [x for x in s.split(";") if x]
        want_macs = [a.split(":", 1)[1].rsplit(":", 1)[0] for a in m["attrs"] if a.startswith("mac:")]
        want_svcs = [a.split(":")[1] for a in m["attrs"] if a.startswith("svc:")]
        if m["proto"] == "gmrp":
            want_events = (["0"] if m["la"].split(",")[0] == "1" else []) + \
                [a.rsplit(":", 1)[1] for a in m["attrs"] if a.startswith("mac:")] + \
                (["0"] if m["la"].split(",")[1] == "1" else []) + [a.rsplit(":", 1)[1] for a in m["attrs"] if a.startswith("svc:")]
            check("frame %d (GMRP): tshark reads our groups, services and events" % i,
                  lst(macs) == want_macs and [str(int(s, 0)) for s in lst(svcs)] == want_svcs and
                  [str(int(e, 0)) for e in lst(ev)] == want_events, (row, m))
        else:
            total = sum(int(n, 0) for n in lst(nvals))
            las = [int(x, 0) for x in lst(la)]
            check("frame %d (MMRP): tshark counts our values and LeaveAll" % i,
                  total == len(m["attrs"]) and (1 in las) == ("1" in m["la"]), (row, m))

    # Frames built here from the layouts: GMRP (LLC, protocol 1, messages), MMRP (0x88f6, vectors).
    dst, src = bytes.fromhex("0180c2000020"), bytes.fromhex("020000000031")
    g1, g2 = bytes.fromhex("01005e0a0b0c"), bytes.fromhex("01005e0a0b0d")
    gpdu = b"\x00\x01" + b"\x01" + b"\x02\x00" + bytes([8, 2]) + g1 + bytes([8, 4]) + g2 + b"\x00" + \
        b"\x02" + bytes([3, 1, 1]) + b"\x00" + b"\x00"
    gframe = dst + src + struct.pack("!H", 3 + len(gpdu)) + b"\x42\x42\x03" + gpdu
    mpdu = b"\x00" + b"\x02\x06" + struct.pack("!H", (1 << 13) | 2) + g1 + bytes([(1 * 6 + 5) * 6]) + b"\x00\x00" + \
        b"\x01\x01" + struct.pack("!H", 1) + b"\x01" + bytes([2 * 36]) + b"\x00\x00" + b"\x00\x00"
    mframe = dst + src + b"\x81\x00\x00\x14" + b"\x88\xf6" + mpdu
    bad = dst + src + b"\x88\xf6" + b"\x00\x02\x06" + struct.pack("!H", 3) + g1 + bytes([250]) + b"\x00\x00"
    frames = [gframe.ljust(60, b"\0"), mframe.ljust(60, b"\0"), bad.ljust(60, b"\0")]
    dec = subprocess.run([PEER, "decode"], input="\n".join(f.hex() for f in frames) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    got = [ours(x) for x in dec]
    check("a GMRP frame built here: LeaveAll, two groups with their events, a service requirement",
          got[0]["err"] == "none" and got[0]["la"] == "1,0" and
          got[0]["attrs"] == ["mac:01:00:5e:0a:0b:0c:2", "mac:01:00:5e:0a:0b:0d:4", "svc:1:1"], got[0])
    check("an MMRP frame built here (tagged): LeaveAll, two consecutive groups, a service requirement",
          got[1]["err"] == "none" and got[1]["la"] == "1,0" and
          got[1]["attrs"] == ["mac:01:00:5e:0a:0b:0c:1", "mac:01:00:5e:0a:0b:0d:5", "svc:1:2"], got[1])
    check("a packed event byte of 250 is refused as bad_event", got[2]["err"] == "bad_event", got[2])

print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name, "" if ok else ": %s" % (detail,)))
