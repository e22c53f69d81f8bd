#!/usr/bin/python3
"""TAP: what `meson install` ships agrees with the program.

  dist_check.py L2SNOOP L2SNOOPCTL L2SNOOP.8 L2SNOOPCTL.8 EXAMPLE.INI UNIT

Both man pages render without a warning; every option of `l2snoop --help` is
in l2snoop(8) and in the example configuration; every command of
`l2snoopctl --help` is in l2snoopctl(8); the unit is Type=notify, reloads
with SIGHUP, starts after dpdk.service and reads the EAL options from its
environment file.
"""
import os
import re
import shutil
import subprocess
import sys

l2snoop, ctl, man8, ctlman8, ini, unit = sys.argv[1:7]
checks = []


def check(what, ok, detail=""):
    checks.append((what, ok, detail))


def render(page):
    r = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True,
                       env=dict(os.environ, MANWIDTH="200", MAN_KEEP_FORMATTING="0"))
    return r.returncode, re.sub(r".\x08", "", r.stdout), r.stderr.strip()


prefix = "dist%d" % os.getpid()
help_text = subprocess.run([l2snoop, "--no-huge", "-m", "64", "--no-pci", "--file-prefix", prefix,
                            "--log-level=*:error", "--", "--help"], capture_output=True, text=True).stdout
shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)  # the EAL's runtime directory
options = sorted(set(re.findall(r"^  (?:-h \[ )?--([a-z0-9-]+)", help_text, re.M)) - {"help"})
check("l2snoop --help lists its options", len(options) > 50, "%d" % len(options))

rc, page, warn = render(man8)
check("l2snoop(8) renders without warnings", rc == 0 and not warn, warn)
missing = [o for o in options if "--" + o not in page]
check("l2snoop(8) has every option of --help", not missing, " ".join(missing))

text = open(ini).read()
missing = [o for o in options if not re.search(r"^#? ?%s =" % re.escape(o), text, re.M)]
check("the example configuration has every option of --help", not missing, " ".join(missing))

ctl_help = subprocess.run(["/usr/bin/python3", ctl, "--help"], capture_output=True, text=True).stdout
commands = sorted({" ".join(m) for m in re.findall(r"\b(mdb|router|port|vlan|fdb|config|mrp) (show|add|del|flush|set|save)\b",
                                                    ctl_help)} | {"querier", "stats"})
rc, page, warn = render(ctlman8)
check("l2snoopctl(8) renders without warnings", rc == 0 and not warn, warn)
missing = [c for c in commands if c not in page]
check("l2snoopctl(8) has every command of l2snoopctl --help", len(commands) >= 19 and not missing,
      "%d commands; missing %s" % (len(commands), " ".join(missing)))

u = open(unit).read()
for line in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "After=dpdk.service"):
    check("the unit says " + line, line in u)
check("the unit reads the EAL options from an environment file",
      re.search(r"^EnvironmentFile=-/.*/default/l2snoop$", u, re.M) is not None and "$L2SNOOP_EAL --" in u)

print("1..%d" % len(checks))
for i, (what, ok, detail) in enumerate(checks, 1):
    print("%s %d - %s%s" % ("ok" if ok else "not ok", i, what, "" if ok or not detail else ": " + detail))
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
