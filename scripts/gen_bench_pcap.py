#!/usr/bin/python3
"""Writes the benchmark's traffic: 60-byte (64 on the wire) IPv4 multicast UDP
frames, untagged, to `frames` groups spread evenly over `groups` registered
groups 225.0.0.0 + k, and an INI with a static membership per group.
--trunk: the frames carry an 802.1Q tag of VLAN 1 and port 0 is a trunk (the
receivers, access ports, get them untagged).
Usage: gen_bench_pcap.py OUT.pcap OUT.ini GROUPS FANOUT [FRAMES] [--trunk]"""
import struct
import sys


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(g, trunk):
    dst = bytes([225, (g >> 16) & 0xFF, (g >> 8) & 0xFF, g & 0xFF])
    mac = bytes([0x01, 0x00, 0x5E, dst[1] & 0x7F, dst[2], dst[3]])
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 46, 0, 0, 8, 17, 0, bytes([10, 0, 0, 1]), dst))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    udp = struct.pack("!HHHH", 2048, 4096, 26, 0) + b"x" * 18
    tag = b"\x81\x00\x00\x01" if trunk else b""
    return mac + bytes([2, 0, 0, 0, 0, 1]) + tag + b"\x08\x00" + bytes(ip) + udp


def main():
    trunk = "--trunk" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--trunk"]
    pcap, ini, groups, fanout = args[0], args[1], int(args[2]), int(args[3])
    frames = int(args[4]) if len(args) > 4 else min(groups, 16384)
    with open(pcap, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(frames):
            b = frame(i * groups // frames, trunk)
            f.write(struct.pack("<IIII", 0, 0, len(b), len(b)) + b)
    ports = ",".join(str(p) for p in range(1, fanout + 1))
    with open(ini, "w") as f:
        f.write("mdb-size = %d\n" % max(1024, 2 * groups))
        if trunk:
            f.write("port = 0:trunk:1\n")
        for g in range(groups):
            f.write("static-group = 1:225.%d.%d.%d:%s\n" % ((g >> 16) & 0xFF, (g >> 8) & 0xFF, g & 0xFF, ports))


if __name__ == "__main__":
    main()
