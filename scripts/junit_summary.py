#!/usr/bin/python3
"""Counts test cases (gtest cases, TAP subtests, plain tests) in meson's JUnit
logs and prints `tests: N passed, M failed`. Exits 1 if any failed or none ran.

A program that did not pass but left no failing case in the JUnit log (meson
records a timed-out gtest binary as one case with no failure) counts as one
failed case: its result is read from the JSON log beside the JUnit one. A
missing log (a tree whose tests did not run) counts as one failed case. The
fuzzers' `fuzz-runs:` lines (executions per target) are printed from it too."""
import json
import os
import sys
import xml.etree.ElementTree as ET

PASSING = {"OK", "SKIP", "EXPECTEDFAIL"}


def failed_case(case):
    return case.find("failure") is not None or case.find("error") is not None


passed = failed = 0
for path in sys.argv[1:]:
    p = f = 0
    if not os.path.exists(path):
        print("%s: no test log (its tests did not run): counted as one failed" % path)
        failed += 1
        continue
    root = ET.parse(path).getroot()
    failing = set()  # names of the programs (meson test names) with a failing case
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            if case.find("skipped") is not None:
                continue
            if failed_case(case):
                f += 1
                failing.add(suite.get("name", ""))
                failing.add(case.get("name", ""))
            else:
                p += 1
    json_log = os.path.join(os.path.dirname(path), "testlog.json")
    if os.path.exists(json_log):
        for line in open(json_log):
            r = json.loads(line)
            for out in (r.get("stdout") or "").splitlines():
                if out.startswith("fuzz-runs: "):
                    print(out)
            if r["result"] in PASSING:
                continue
            name = r["name"]
            if not any(n == name or n.endswith("." + name) or (".%s." % name) in n for n in failing):
                f += 1
                print("%s: %s %s with no failing case: counted as one failed" % (path.split("/")[0], name, r["result"]))
    print("%s: %d passed, %d failed" % (path.split("/")[0], p, f))
    passed += p
    failed += f
print("tests: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed or not passed else 0)
