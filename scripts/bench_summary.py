#!/usr/bin/python3
"""Runs a Catch2 benchmark binary with the XML reporter and prints one line per
benchmark: its mean and the per-item cost. Usage:
  scripts/bench_summary.py BINARY [--per N] [catch2 args...]
--per N divides the mean by N (items per benchmark iteration, e.g. 32 keys)."""
import subprocess
import sys
import xml.etree.ElementTree as ET

args = sys.argv[1:]
per = 1
if "--per" in args:
    i = args.index("--per")
    per = int(args[i + 1])
    del args[i:i + 2]
out = subprocess.run([args[0], "-r", "xml"] + args[1:], capture_output=True, text=True).stdout
root = ET.fromstring(out[out.index("<?xml"):] if "<?xml" in out else out)
for b in root.iter("BenchmarkResults"):
    mean = float(b.find("mean").get("value"))
    lo = float(b.find("mean").get("lowerBound"))
    hi = float(b.find("mean").get("upperBound"))
    print("%-58s mean %10.1f ns  [%.1f, %.1f]   per item %8.2f ns" % (b.get("name"), mean, lo, hi, mean / per))
