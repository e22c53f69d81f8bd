#!/usr/bin/python3
"""TAP: l2snoop speaks systemd's notify protocol (Type=notify) as systemd
would see it: READY=1 with a STATUS line once its ports forward, STOPPING=1
on SIGTERM. A datagram socket stands in for systemd's (NOTIFY_SOCKET).

  notify_check.py L2SNOOP
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

l2snoop = sys.argv[1]
d = tempfile.mkdtemp()
path = os.path.join(d, "notify")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(1)
prefix = "notify%d" % os.getpid()
p = subprocess.Popen([l2snoop, "-l", "0", "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
                      "--vdev=net_null0", "--vdev=net_null1", "--log-level=*:error", "--"],
                     env=dict(os.environ, NOTIFY_SOCKET=path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
got = []


def until(pred, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if any(pred(m) for m in got):
            return True
        try:
            got.append(s.recv(4096).decode())
        except socket.timeout:
            pass
    return any(pred(m) for m in got)


ready = until(lambda m: "READY=1" in m.split("\n"), 20)
status = [m for m in got if "READY=1" in m.split("\n")]
status_line = next((l for m in status for l in m.split("\n") if l.startswith("STATUS=")), "")
p.send_signal(signal.SIGTERM)
stopping = until(lambda m: "STOPPING=1" in m.split("\n"), 10)
rc = p.wait(timeout=20)
s.close()
os.unlink(path)
os.rmdir(d)
shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)  # the EAL's runtime directory
checks = [
    ("READY=1 once the ports forward", ready),
    ("with a one-line STATUS summary (%s)" % status_line, status_line.startswith("STATUS=forwarding: 2/2 ports up")),
    ("STOPPING=1 on SIGTERM", stopping),
    ("and a clean exit", rc == 0),
]
print("1..%d" % len(checks))
for i, (what, ok) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
sys.exit(0 if all(ok for _, ok in checks) else 1)
