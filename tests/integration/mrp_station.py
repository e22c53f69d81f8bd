#!/usr/bin/python3
"""An end station that speaks GMRP or MMRP on one interface, for the lab.

  mrp_station.py IFACE gmrp|mmrp join|leave MAC[,MAC...] [--serve SECONDS] [--silent]

Sends one PDU declaring (join) or withdrawing (leave) the group MACs, built
here byte by byte from the standards' layouts (802.1D 12.11 GARP PDUs,
802.1Q 10.8 MRPDUs), independent of l2snoop's codec. Prints `listening`
once its socket hears the interface (before it sends), then `sent`. With
--serve it listens for SECONDS: a LeaveAll from the switch is answered by
declaring again (as a station's Applicant does) unless --silent (a station
that went away without a Leave), and every attribute the switch declares to
it is printed as `heard PROTO MAC EVENT`. Exit 0; 2 on bad usage.
"""
import argparse
import socket
import struct
import sys
import time

GROUP = bytes.fromhex("0180c2000020")
MMRP_TYPE = 0x88F6
MRP_EVENTS = ["New", "JoinIn", "In", "JoinMt", "Mt", "Lv"]
GARP_EVENTS = ["LeaveAll", "JoinEmpty", "JoinIn", "LeaveEmpty", "LeaveIn", "Empty"]


def mac_bytes(text):
    b = bytes(int(x, 16) for x in text.split(":"))
    if len(b) != 6:
        raise ValueError(text)
    return b


def mmrp_pdu(macs, event):
    """ProtocolVersion 0; one MAC message (type 2, length 6): a vector attribute
    per MAC (NumberOfValues 1, the event as the first of three packed), end marks."""
    body = bytes([0, 2, 6])
    for m in macs:
        body += struct.pack("!H", 1) + m + bytes([MRP_EVENTS.index(event) * 36])
    return body + b"\0\0" + b"\0\0"


def gmrp_pdu(macs, event):
    """Protocol ID 1; one Group message (type 1): attributes of (length 8, event,
    MAC), end mark; the PDU's end mark."""
    body = struct.pack("!H", 1) + bytes([1])
    for m in macs:
        body += bytes([8, GARP_EVENTS.index(event)]) + m
    return body + b"\0" + b"\0"


def frame(src, proto, macs, join):
    if proto == "mmrp":
        pdu = mmrp_pdu(macs, "JoinIn" if join else "Lv")
        f = GROUP + src + struct.pack("!H", MMRP_TYPE) + pdu
    else:
        pdu = gmrp_pdu(macs, "JoinIn" if join else "LeaveEmpty")
        f = GROUP + src + struct.pack("!H", 3 + len(pdu)) + bytes([0x42, 0x42, 0x03]) + pdu
    return f + bytes(max(0, 60 - len(f)))


def heard(proto, f):
    """(LeaveAll seen, [(MAC, event)]) of a PDU from the switch; () if not ours to read."""
    off = 14
    if f[12:14] == b"\x81\x00":
        off = 18
    kind = struct.unpack("!H", f[off - 2:off])[0]
    out, leave_all = [], False
    try:
        if proto == "mmrp" and kind == MMRP_TYPE:
            i = off + 1
            while f[i:i + 2] != b"\0\0":
                atype, alen = f[i], f[i + 1]
                i += 2
                while f[i:i + 2] != b"\0\0":
                    hdr = struct.unpack("!H", f[i:i + 2])[0]
                    n, leave_all = hdr & 0x1FFF, leave_all or bool(hdr >> 13)
                    first = f[i + 2:i + 2 + alen]
                    i += 2 + alen
                    for k in range(n):
                        packed = f[i + k // 3]
                        ev = (packed // (36, 6, 1)[k % 3]) % 6
                        if atype == 2:
                            v = (int.from_bytes(first, "big") + k).to_bytes(6, "big")
                            out.append((v, MRP_EVENTS[ev]))
                    i += (n + 2) // 3
                i += 2
        elif proto == "gmrp" and kind <= 1500 and f[off:off + 3] == b"\x42\x42\x03":
            i = off + 5
            while f[i] != 0:
                atype = f[i]
                i += 1
                while f[i] != 0:
                    alen, ev = f[i], f[i + 1]
                    if ev == 0:
                        leave_all = True
                    elif atype == 1:
                        out.append((f[i + 2:i + 8], GARP_EVENTS[ev]))
                    i += alen
                i += 1
        else:
            return None
    except IndexError:
        return None
    return leave_all, out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("iface")
    ap.add_argument("proto", choices=["gmrp", "mmrp"])
    ap.add_argument("action", choices=["join", "leave"])
    ap.add_argument("macs", type=lambda t: [mac_bytes(m) for m in t.split(",")])
    ap.add_argument("--serve", type=float, default=0.0, metavar="SECONDS")
    ap.add_argument("--silent", action="store_true")
    a = ap.parse_args(argv)  # exits 2 on bad usage
    proto, macs, join = a.proto, a.macs, a.action == "join"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((a.iface, 0))
    print("listening", flush=True)
    src = s.getsockname()[4][:6]
    s.send(frame(src, proto, macs, join))
    print("sent %s %s" % (proto, a.action), flush=True)
    end = time.monotonic() + a.serve
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            f = s.recv(2048)
        except (socket.timeout, OSError):  # the time is up, or the lab took the interface away
            break
        if f[:6] != GROUP or f[6:12] == src:
            continue
        h = heard(proto, f)
        if h is None:
            continue
        leave_all, attrs = h
        for m, ev in attrs:
            print("heard %s %s %s" % (proto, ":".join("%02x" % b for b in m), ev), flush=True)
        if leave_all and join and not a.silent:
            s.send(frame(src, proto, macs, True))
            print("answered LeaveAll", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
