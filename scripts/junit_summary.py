#!/usr/bin/python3
"""Counts test cases (gtest cases, TAP subtests, plain tests) in meson's JUnit
logs and prints `tests: N passed, M failed`. Exits 1 if any failed or none ran."""
import sys
import xml.etree.ElementTree as ET

passed = failed = 0
for path in sys.argv[1:]:
    p = f = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            continue
        if case.find("failure") is not None or case.find("error") is not None:
            f += 1
        else:
            p += 1
    print("%s: %d passed, %d failed" % (path.split("/")[0], p, f))
    passed += p
    failed += f
print("tests: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed or not passed else 0)
