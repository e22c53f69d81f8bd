#!/usr/bin/python3
"""TAP: the committed vectors file equals a fresh run of the generator."""
import subprocess
import sys
import tempfile

gen, committed = sys.argv[1], sys.argv[2]
print("1..1")
with tempfile.NamedTemporaryFile(suffix=".tsv") as fresh:
    subprocess.run(["/usr/bin/python3", gen, fresh.name], check=True)
    same = open(committed, "rb").read() == open(fresh.name, "rb").read()
print("%s 1 - committed vectors equal a fresh scapy run%s" % ("ok" if same else "not ok",
      "" if same else " (run scripts/gen_vectors.py tests/unit/vectors/frames.tsv tests/fuzz/corpus)"))
sys.exit(0 if same else 1)
