#!/usr/bin/python3
"""The standard benchmark topology's traffic (docs/benchmarks.md), built
deterministically from a seed.

Four ports. Port 0 is the generator: `data.pcap`, replayed forever. Ports 1-3
are the receivers: `setupP.pcap`, delivered once at start, holds a gratuitous
ARP per unicast host behind the port, then the port's joins. Every port is a
trunk for VLANs 10, 20, 30 with VLAN 1 native (untagged); group g and unicast
host h live in VLAN [1, 10, 20, 30][g % 4] (resp. [h // 3 % 4]).

Group g (239.1.x.y, or ff0e::1:g for IPv6) is joined by ports 1 + ((g + j) % 3)
for j < 2 (fan-out 2): IGMPv2 (MLDv1) reports for even groups, IGMPv3 (MLDv2)
CHANGE_TO_EXCLUDE {} for odd ones. Data frames come from 64 hosts behind port 0.

Workloads:
  mc      IPv4 multicast only, GROUPS groups, at least 1,024 distinct frames, shuffled
  mc6     the same with IPv6 groups and MLD joins
  mix     49.5 % multicast, 49.5 % unicast from the 64 port-0 hosts to 1,024 hosts
          learned behind ports 1-3, 1 % IGMPv2 reports from port-0 hosts (groups 239.2.x.y)
  access  trunk -> access: port 0 a trunk sending VLAN 10 tagged, ports 1-3 access ports
          of VLAN 10 receiving untagged

Writes into OUTDIR: data.pcap, setup1..3.pcap, l2snoop.ini, expect.json (the
memberships to learn and the expected out/in ratio).
Usage: gen_std_pcap.py OUTDIR WORKLOAD GROUPS [--seed N]"""
import json
import os
import random
import struct
import sys

VLANS = [1, 10, 20, 30]
NATIVE = 1
SRC_HOSTS = 64
UNICAST_HOSTS = 1024


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(*tail):
    return bytes([0x02, 0x00] + list(tail))


def eth(dst, src, vid, ethertype, payload, native=NATIVE):
    tag = b"" if vid == native else struct.pack("!HH", 0x8100, vid)
    f = dst + src + tag + struct.pack("!H", ethertype) + payload
    return f + b"\0" * max(0, (60 + len(tag)) - len(f))


def ip4(src, dst, proto, payload, ttl=64, ra=False):
    opts = b"\x94\x04\x00\x00" if ra else b""
    ihl = 5 + len(opts) // 4
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(payload), 0, 0, ttl, proto, 0,
                              bytes(src), bytes(dst)) + opts)
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + payload


def ip6(src, dst, nh, payload, hlim=64, ra=False):
    if ra:  # hop-by-hop header: router alert (MLD), PadN
        payload = bytes([nh, 0, 5, 2, 0, 0, 1, 0]) + payload
        nh = 0
    h = struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, hlim, src, dst)
    return h + payload


def icmp6(src, dst, body):
    pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
    return body[:2] + struct.pack("!H", csum(pseudo + body)) + body[4:]


def group4(g, base=1):
    return [239, base, (g >> 8) & 0xFF, g & 0xFF]


def group6(g):
    return bytes([0xFF, 0x0E] + [0] * 10 + [0, 1, (g >> 8) & 0xFF, g & 0xFF])


def mcast_mac4(g):
    return bytes([0x01, 0x00, 0x5E, g[1] & 0x7F, g[2], g[3]])


def mcast_mac6(g):
    return bytes([0x33, 0x33]) + g[12:]


def src_host(s):  # behind port 0
    return mac(0, 0, 0, s + 1), [10, 0, 0, s + 1]


def dst_host(h):  # behind port 1 + h % 3
    return mac(0, 1, h >> 8, h & 0xFF), [10, 1, h >> 8, h & 0xFF]


def link_local(m):
    return bytes([0xFE, 0x80] + [0] * 6) + bytes([m[0] ^ 2, m[1], m[2], 0xFF, 0xFE, m[3], m[4], m[5]])


def udp4(s, g, vid, sport):
    src_mac, src_ip = src_host(s)
    udp = struct.pack("!HHHH", sport, 5000, 26, 0) + b"x" * 18
    return eth(mcast_mac4(g), src_mac, vid, 0x0800, ip4(src_ip, g, 17, udp))


def udp6(s, g, vid, sport):
    src_mac, _ = src_host(s)
    src = bytes([0x20, 0x01, 0x0D, 0xB8] + [0] * 10 + [0, s + 1])
    body = struct.pack("!HHHH", sport, 5000, 8, 0)
    c = csum(src + g + struct.pack("!I3xB", len(body), 17) + body) or 0xFFFF
    body = body[:6] + struct.pack("!H", c)
    return eth(mcast_mac6(g), src_mac, vid, 0x86DD, ip6(src, g, 17, body))


def unicast4(s, h, vid, sport):
    src_mac, src_ip = src_host(s)
    dst_mac, dst_ip = dst_host(h)
    udp = struct.pack("!HHHH", sport, 5000, 26, 0) + b"x" * 18
    return eth(dst_mac, src_mac, vid, 0x0800, ip4(src_ip, dst_ip, 17, udp))


def garp(m, ip, vid):
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, m, bytes(ip), b"\0" * 6, bytes(ip))
    return eth(b"\xff" * 6, m, vid, 0x0806, arp)


def igmp_join(m, ip, g, vid, v3):
    if v3:
        msg = bytearray(struct.pack("!BBHHH", 0x22, 0, 0, 0, 1) + struct.pack("!BBH4s", 4, 0, 0, bytes(g)))
        dst = [224, 0, 0, 22]
    else:
        msg = bytearray(struct.pack("!BBH4s", 0x16, 0, 0, bytes(g)))
        dst = g
    msg[2:4] = struct.pack("!H", csum(bytes(msg)))
    dmac = mcast_mac4(dst)
    return eth(dmac, m, vid, 0x0800, ip4(ip, dst, 2, bytes(msg), ttl=1, ra=True))


def mld_join(m, g, vid, v2):
    src = link_local(m)
    if v2:
        dst = bytes([0xFF, 0x02] + [0] * 13 + [0x16])
        body = struct.pack("!BBHHH", 143, 0, 0, 0, 1) + struct.pack("!BBH", 4, 0, 0) + g
    else:
        dst = g
        body = struct.pack("!BBHHH", 131, 0, 0, 0, 0) + g
    return eth(mcast_mac6(dst), m, vid, 0x86DD, ip6(src, dst, 58, icmp6(src, dst, body), hlim=1, ra=True))


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for b in frames:
            f.write(struct.pack("<IIII", 0, 0, len(b), len(b)) + b)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--seed")]
    seed = 1
    for i, a in enumerate(sys.argv):
        if a == "--seed":
            seed = int(sys.argv[i + 1])
            args.remove(sys.argv[i + 1])
    if len(args) != 3 or args[1] not in ("mc", "mc6", "mix", "access"):
        sys.exit(__doc__)
    out, workload, groups = args[0], args[1], int(args[2])
    if not 1 <= groups <= 65536:
        sys.exit("gen_std_pcap.py: GROUPS must be 1..65536")
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    v6 = workload == "mc6"
    access = workload == "access"
    vlan_of = (lambda i: 10) if access else (lambda i: VLANS[i % 4])

    # Receivers: gratuitous ARPs for the unicast hosts behind each port, then the joins.
    arps = {1: [], 2: [], 3: []}
    joins = {1: [], 2: [], 3: []}
    rx_vid = (lambda v: NATIVE) if access else (lambda v: v)  # access ports: untagged
    for h in range(UNICAST_HOSTS if workload == "mix" else 0):
        m, ip = dst_host(h)
        arps[1 + h % 3].append(garp(m, ip, rx_vid(VLANS[h // 3 % 4])))
    memberships = 0
    for g in range(groups):
        vid = vlan_of(g)
        for j in range(2):
            p = 1 + (g + j) % 3
            hm = mac(0, 2, p, 1)  # one receiving host per port
            if v6:
                f = mld_join(hm, group6(g), rx_vid(vid), g % 2 == 1)
            else:
                f = igmp_join(hm, [10, 2, p, 1], group4(g), rx_vid(vid), g % 2 == 1)
            joins[p].append(f)
            memberships += 1

    # The generator's frames: at least 1,024, every group (and host) covered, shuffled.
    n = max(1024, groups)
    data = []
    if workload == "mix":
        n_mc = n_uc = n * 99 // 200
        n_rep = max(1, n - n_mc - n_uc)
        for i in range(n_mc):
            g = i % groups
            data.append(udp4(i % SRC_HOSTS, group4(g), vlan_of(g), 1024 + i // groups))
        for i in range(n_uc):
            h = i % UNICAST_HOSTS
            data.append(unicast4(i % SRC_HOSTS, h, VLANS[h // 3 % 4], 1024 + i // UNICAST_HOSTS))
        for i in range(n_rep):
            s = i % SRC_HOSTS
            m, ip = src_host(s)
            data.append(igmp_join(m, ip, group4(i % 256, base=2), VLANS[s % 4], False))
        expect = (2 * n_mc + n_uc) / len(data)
    else:
        for i in range(n):
            g = i % groups
            s = i % SRC_HOSTS
            mk = udp6 if v6 else udp4
            data.append(mk(s, group6(g) if v6 else group4(g), vlan_of(g), 1024 + i // groups))
        expect = 2.0
    rng.shuffle(data)
    write_pcap(os.path.join(out, "data.pcap"), data)
    for p in (1, 2, 3):  # ARPs first, then joins, each part shuffled
        rng.shuffle(arps[p])
        rng.shuffle(joins[p])
        write_pcap(os.path.join(out, "setup%d.pcap" % p), arps[p] + joins[p])

    with open(os.path.join(out, "l2snoop.ini"), "w") as f:
        f.write("mdb-size = %d\n" % max(1024, 2 * groups))
        if access:
            f.write("port = 0:trunk:10\n")
            for p in (1, 2, 3):
                f.write("port = %d:access:10\n" % p)
        else:
            for p in range(4):
                f.write("port = %d:trunk:10,20,30:native=1\n" % p)
    with open(os.path.join(out, "expect.json"), "w") as f:
        json.dump({"workload": workload, "groups": groups, "frames": len(data), "memberships": memberships,
                   "out_per_in": round(expect, 4), "seed": seed}, f)


if __name__ == "__main__":
    main()
