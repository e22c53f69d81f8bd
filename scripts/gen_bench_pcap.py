#!/usr/bin/python3
"""Writes the benchmark's traffic: 60-byte (64 on the wire) IPv4 multicast UDP
frames, untagged, to `frames` groups spread evenly over `groups` registered
groups 225.0.0.0 + k, and an INI with a static membership per group.
Usage: gen_bench_pcap.py OUT.pcap OUT.ini GROUPS FANOUT [FRAMES]"""
import struct
import sys


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(g):
    dst = bytes([225, (g >> 16) & 0xFF, (g >> 8) & 0xFF, g & 0xFF])
    mac = bytes([0x01, 0x00, 0x5E, dst[1] & 0x7F, dst[2], dst[3]])
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 46, 0, 0, 8, 17, 0, bytes([10, 0, 0, 1]), dst))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    udp = struct.pack("!HHHH", 2048, 4096, 26, 0) + b"x" * 18
    return mac + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00" + bytes(ip) + udp


def main():
    pcap, ini, groups, fanout = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    frames = int(sys.argv[5]) if len(sys.argv) > 5 else min(groups, 16384)
    with open(pcap, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(frames):
            b = frame(i * groups // frames)
            f.write(struct.pack("<IIII", 0, 0, len(b), len(b)) + b)
    ports = ",".join(str(p) for p in range(1, fanout + 1))
    with open(ini, "w") as f:
        f.write("mdb-size = %d\n" % max(1024, 2 * groups))
        for g in range(groups):
            f.write("static-group = 1:225.%d.%d.%d:%s\n" % ((g >> 16) & 0xFF, (g >> 8) & 0xFF, g & 0xFF, ports))


if __name__ == "__main__":
    main()
