#!/usr/bin/python3
"""TAP: scripts/plot_bench.py draws a bench.sh table and refuses what is not one."""
import os
import subprocess
import sys
import tempfile

PLOT = sys.argv[1]
TABLE = """l2snoop benchmark: 64-byte frames, 1 forwarding core, memory: --in-memory
groups   fanout    testpmd Mpps   l2snoop Mpps    ratio   baseline Mpps    ratio
1        1                80.00          40.00     0.50           30.00     0.38
65536    4                50.00          10.00     0.20            8.00     0.16
"""
results = []
with tempfile.TemporaryDirectory() as d:
    table, out = os.path.join(d, "t.txt"), os.path.join(d, "b.svg")
    open(table, "w").write(TABLE)
    r = subprocess.run([PLOT, table, out], capture_output=True, text=True)
    svg = open(out).read() if r.returncode == 0 else ""
    results.append(("a table becomes an SVG", r.returncode == 0 and "<svg" in svg, r.stderr))
    results.append(("one bar per series and case", svg.count('<g id="bar-') == 6, svg.count('<g id="bar-')))
    results.append(("the ratio is printed per case", ">0.50<" in svg and ">0.20<" in svg, ""))
    results.append(("group counts are labelled", ">1 group<" in svg and ">64 K groups<" in svg, ""))
    r2 = subprocess.run([PLOT, table, out + "2"], capture_output=True, text=True)
    results.append(("the same table draws the same file", r2.returncode == 0 and open(out + "2").read() == svg, ""))
    open(table, "w").write("groups fanout\n1 x y z\n")
    r = subprocess.run([PLOT, table, out], capture_output=True, text=True)
    results.append(("a bad row is refused with a message", r.returncode != 0 and "plot_bench.py" in r.stderr, ""))
    open(table, "w").write("nothing here\n")
    r = subprocess.run([PLOT, table, out], capture_output=True, text=True)
    results.append(("no rows is refused", r.returncode != 0 and "no bench.sh table rows" in r.stderr, ""))
print("1..%d" % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, name, "" if ok else ": %s" % detail))
