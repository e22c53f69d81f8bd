#!/usr/bin/python3
"""Builds the parser/codec test vectors with scapy, a peer we did not write.

Each vector is one Ethernet frame and the facts scapy's view of it implies,
written as `name<TAB>hex<TAB>key=value;key=value`. tests/unit/vectors_test.cpp
parses every frame with our parser and codec and compares each named fact.
The frames also seed the fuzzers' corpus.

Usage: scripts/gen_vectors.py OUT.tsv [CORPUS_DIR]
Output is deterministic; the committed copy is checked against a fresh run by
the test suite (tests/unit/meson.build).
"""
import logging
import os
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (ARP, IP, UDP, Dot1AD, Dot1Q, Ether, ICMPv6MLDMultAddrRec,  # noqa: E402
                       ICMPv6MLDone, ICMPv6MLQuery, ICMPv6MLQuery2, ICMPv6MLReport,
                       ICMPv6MLReport2, ICMPv6MRD_Advertisement, ICMPv6MRD_Solicitation,
                       ICMPv6MRD_Termination, ICMPv6ND_NS, IPOption_Router_Alert, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, Raw, RouterAlert, checksum, raw)
from scapy.contrib.igmp import IGMP  # noqa: E402
from scapy.contrib.igmpv3 import IGMPv3, IGMPv3gr, IGMPv3mq, IGMPv3mr  # noqa: E402
from scapy.contrib.pim import PIMv2Hdr, PIMv2Hello  # noqa: E402

SRC_MAC = "02:00:00:00:00:01"
LL = "fe80::1"
VECTORS = []


def add(name, frame, **facts):
    data = raw(frame) if not isinstance(frame, bytes) else frame
    VECTORS.append((name, data, facts))


def mac4(group):
    a = [int(x) for x in group.split(".")]
    return "01:00:5e:%02x:%02x:%02x" % (a[1] & 0x7F, a[2], a[3])


def mac6(group):
    import ipaddress
    b = ipaddress.IPv6Address(group).packed
    return "33:33:%02x:%02x:%02x:%02x" % tuple(b[12:16])


def code8(c):
    """RFC 3376 §4.1.1 / §4.1.7."""
    return c if c < 128 else ((c & 0x0F) | 0x10) << (((c >> 4) & 7) + 3)


def code16(c):
    """RFC 3810 §5.1.3."""
    return c if c < 32768 else ((c & 0x0FFF) | 0x1000) << (((c >> 12) & 7) + 3)


def v4(group, src="10.0.0.1", ttl=1, ra=True, proto=2, **kw):
    opts = [IPOption_Router_Alert()] if ra else []
    return Ether(src=SRC_MAC, dst=mac4(group)) / IP(src=src, dst=group, ttl=ttl, options=opts, proto=proto, **kw)


def v6(group, src=LL, hlim=1, ra=True):
    e = Ether(src=SRC_MAC, dst=mac6(group)) / IPv6(src=src, dst=group, hlim=hlim)
    return e / IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)]) if ra else e


def igmp_raw(body):
    """An IGMP message built from bytes with its checksum filled in."""
    b = bytearray(body)
    b[2:4] = b"\0\0"
    c = checksum(bytes(b))
    b[2:4] = bytes([c >> 8, c & 0xFF])
    return Raw(bytes(b))


def recs(records):
    out = {"nrec": str(len(records))}
    for i, (t, g, s) in enumerate(records):
        out["rec%d" % i] = "%s/%s/%s" % (t, g, ",".join(s) or "-")
    return out


RTYPES = {1: "is_in", 2: "is_ex", 3: "to_in", 4: "to_ex", 5: "allow", 6: "block"}


def ok(**facts):
    facts.setdefault("class", "control")
    facts.setdefault("reason", "none")
    facts.setdefault("dec", "none")
    return facts


# ---------------------------------------------------------------- L2 classes
def l2_vectors():
    udp = UDP(sport=2048, dport=4096) / Raw(b"x" * 18)
    add("unicast_frame_is_unicast", Ether(src=SRC_MAC, dst="02:00:00:00:00:02") / IP(src="192.0.2.1", dst="10.0.0.2") / udp,
        **{"class": "unicast", "dst": "unicast", "ipv": "0"})
    add("broadcast_arp_is_broadcast", Ether(src=SRC_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(hwsrc=SRC_MAC, psrc="10.0.0.1", pdst="10.0.0.2"),
        **{"class": "broadcast", "dst": "broadcast", "ethertype": "0x0806"})
    add("stp_bpdu_is_reserved", Ether(src=SRC_MAC, dst="01:80:c2:00:00:00", type=0x0026) / Raw(b"\x42\x42\x03" + b"\0" * 40),
        **{"class": "reserved", "dst": "ieee_reserved"})
    add("lldp_is_reserved", Ether(src=SRC_MAC, dst="01:80:c2:00:00:0e", type=0x88CC) / Raw(b"\0" * 46),
        **{"class": "reserved", "dst": "ieee_reserved"})
    add("cdp_like_group_is_other_multicast", Ether(src=SRC_MAC, dst="01:00:0c:cc:cc:cc", type=0x2000) / Raw(b"\0" * 46),
        **{"class": "other_multicast", "dst": "other_multicast"})
    add("mac_above_25th_bit_is_not_ipv4_multicast",
        Ether(src=SRC_MAC, dst="01:00:5e:80:00:01") / IP(src="10.0.0.1", dst="224.0.0.1") / udp,
        **{"class": "other_multicast", "dst": "other_multicast"})
    add("arp_to_ipv4_group_mac_is_bridged_as_non_ip",
        Ether(src=SRC_MAC, dst="01:00:5e:01:02:03") / ARP(hwsrc=SRC_MAC, psrc="10.0.0.1", pdst="10.0.0.2"),
        **{"class": "other_multicast", "dst": "ipv4_multicast", "ipv": "0"})
    add("ipv4_in_ipv6_group_mac_is_other_multicast",
        Ether(src=SRC_MAC, dst="33:33:00:00:00:01") / IP(src="10.0.0.1", dst="224.0.0.1") / udp,
        **{"class": "other_multicast", "dst": "ipv6_multicast", "ipv": "0"})
    add("runt_frame_is_truncated_l2", b"\x01\x00\x5e\x00\x00\x01\x02\x00\x00\x00", **{"class": "malformed", "reason": "truncated_l2"})
    add("cut_vlan_tag_is_truncated_l2", b"\x01\x00\x5e\x00\x00\x01\x02\x00\x00\x00\x00\x01\x81\x00\x00",
        **{"class": "malformed", "reason": "truncated_l2"})


# ---------------------------------------------------------------- IPv4 data
def ipv4_data_vectors():
    udp = UDP(sport=2048, dport=4096) / Raw(b"x" * 18)
    base = {"class": "mcast_data", "reason": "none", "dst": "ipv4_multicast", "ipv": "4", "proto": "17"}
    add("ipv4_udp_untagged_is_mcast_data", Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", ttl=16) / udp,
        **base, tags="0", vid="0", group="239.1.2.3", src="192.0.2.1", ttl="16", ra="0", frag="0", l4="1", l4_len="26")
    add("ipv4_udp_dot1q_reports_vid_and_pcp",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / Dot1Q(vlan=10, prio=5) / IP(src="192.0.2.1", dst="239.1.2.3") / udp,
        **base, tags="1", vid="10", pcp="5", outer_tpid="0x8100", group="239.1.2.3")
    add("ipv4_udp_qinq_reports_both_vids",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / Dot1AD(vlan=100) / Dot1Q(vlan=10) / IP(src="192.0.2.1", dst="239.1.2.3") / udp,
        **base, tags="2", vid="100", inner_vid="10", outer_tpid="0x88a8", group="239.1.2.3")
    add("ipv4_priority_tagged_has_vid_zero",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / Dot1Q(vlan=0, prio=3) / IP(src="192.0.2.1", dst="239.1.2.3") / udp,
        **base, tags="1", vid="0", pcp="3")
    for g in ["225.1.2.3", "239.129.2.3"]:
        add("ipv4_aliasing_group_%s_maps_to_same_mac" % g.replace(".", "_"),
            Ether(src=SRC_MAC, dst="01:00:5e:01:02:03") / IP(src="192.0.2.1", dst=g) / udp, **base, group=g)
    add("ipv4_link_local_group_is_flooded", Ether(src=SRC_MAC, dst=mac4("224.0.0.251")) / IP(src="192.0.2.1", dst="224.0.0.251") / udp,
        **{"class": "link_local_mcast", "group": "224.0.0.251"})
    add("ipv4_group_not_matching_mac_is_malformed",
        Ether(src=SRC_MAC, dst="01:00:5e:01:02:03") / IP(src="192.0.2.1", dst="239.1.2.4") / udp,
        **{"class": "malformed", "reason": "group_mac_mismatch"})
    add("ipv4_unicast_destination_in_group_mac_is_malformed",
        Ether(src=SRC_MAC, dst="01:00:5e:00:00:02") / IP(src="192.0.2.1", dst="10.0.0.2") / udp,
        **{"class": "malformed", "reason": "group_mac_mismatch"})
    f = bytearray(raw(Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3") / udp))
    f[24] ^= 0xFF  # IPv4 header checksum
    add("ipv4_bad_header_checksum_is_malformed", bytes(f), **{"class": "malformed", "reason": "bad_ipv4_checksum"})
    add("ipv4_header_cut_short_is_truncated",
        raw(Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3") / udp)[:30],
        **{"class": "malformed", "reason": "truncated_ip"})
    add("ipv4_total_length_beyond_frame_is_bad_length",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", len=200) / udp,
        **{"class": "malformed", "reason": "bad_ip_length"})
    add("ipv4_total_length_below_header_is_bad_length",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", len=12) / udp,
        **{"class": "malformed", "reason": "bad_ip_length"})
    add("ipv4_ihl_below_five_is_malformed",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", ihl=4) / udp,
        **{"class": "malformed", "reason": "bad_ipv4_ihl"})
    add("ipv4_ethertype_with_version_6_is_malformed",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", version=6) / udp,
        **{"class": "malformed", "reason": "bad_ip_version"})
    add("ipv4_router_alert_option_is_seen", v4("239.1.2.3", proto=17) / udp, **base, ra="1")
    add("ipv4_option_overrunning_header_is_malformed",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", options=[Raw(b"\x07\x09\x04\x00")]) / udp,
        **{"class": "malformed", "reason": "bad_ipv4_options"})
    add("ipv4_first_fragment_carries_l4",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", flags="MF", proto=17) / udp,
        **base, frag="1", l4="1")
    add("ipv4_later_fragment_is_data_without_l4",
        Ether(src=SRC_MAC, dst=mac4("239.1.2.3")) / IP(src="192.0.2.1", dst="239.1.2.3", frag=100, proto=17) / Raw(b"y" * 26),
        **base, frag="1", l4="0")
    add("ipv4_fragmented_igmp_is_malformed",
        v4("224.0.0.22", flags="MF") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=2, maddr="239.1.1.1")]),
        **{"class": "malformed", "reason": "fragmented_control"})
    pim_hello = PIMv2Hdr(type=0) / PIMv2Hello()
    add("ipv4_pim_hello_is_control", Ether(src=SRC_MAC, dst=mac4("224.0.0.13")) / IP(src="10.0.0.9", dst="224.0.0.13", ttl=1, proto=103) / pim_hello,
        **{"class": "control", "control": "pim_hello", "proto": "103"})
    add("ipv4_pim_join_prune_is_flooded_link_local",
        Ether(src=SRC_MAC, dst=mac4("224.0.0.13")) / IP(src="10.0.0.9", dst="224.0.0.13", ttl=1, proto=103) / PIMv2Hdr(type=3) / Raw(b"\0" * 16),
        **{"class": "link_local_mcast", "control": "none"})
    # Ethernet padding after a 28-byte datagram: the IP length rules.
    add("ipv4_padded_igmp_frame_parses",
        raw(Ether(src=SRC_MAC, dst=mac4("239.1.1.1")) / IP(src="10.0.0.2", dst="239.1.1.1", ttl=1) / IGMP(type=0x16, mrcode=0, gaddr="239.1.1.1")) + b"\0" * 18,
        **ok(control="igmp", l4_len="8", type="report", version="2", mgroup="239.1.1.1"))


# ---------------------------------------------------------------- IPv6 data
def ipv6_data_vectors():
    udp = UDP(sport=2048, dport=4096) / Raw(b"x" * 18)
    base = {"class": "mcast_data", "reason": "none", "dst": "ipv6_multicast", "ipv": "6", "proto": "17"}
    add("ipv6_udp_global_group_is_mcast_data",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3", hlim=9) / udp,
        **base, group="ff0e::1:3", src="2001:db8::1", ttl="9", link_scope="0", l4_len="26")
    add("ipv6_solicited_node_is_link_scope_data",
        Ether(src=SRC_MAC, dst=mac6("ff02::1:ff00:2")) / IPv6(src="fe80::1", dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt="fe80::2"),
        **{"class": "mcast_data", "proto": "58", "link_scope": "1", "control": "none"})
    add("ipv6_all_nodes_is_flooded", Ether(src=SRC_MAC, dst=mac6("ff02::1")) / IPv6(src="fe80::1", dst="ff02::1") / udp,
        **{"class": "link_local_mcast"})
    add("ipv6_interface_local_scope_is_flooded", Ether(src=SRC_MAC, dst=mac6("ff01::5")) / IPv6(src="fe80::1", dst="ff01::5") / udp,
        **{"class": "link_local_mcast"})
    add("ipv6_group_not_matching_mac_is_malformed",
        Ether(src=SRC_MAC, dst="33:33:00:00:00:02") / IPv6(src="2001:db8::1", dst="ff0e::1:3") / udp,
        **{"class": "malformed", "reason": "group_mac_mismatch"})
    add("ipv6_extension_chain_reaches_udp",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3") / IPv6ExtHdrHopByHop()
        / IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt() / udp,
        **base, frag="0", l4="1", l4_len="26")
    add("ipv6_first_fragment_carries_l4",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3") / IPv6ExtHdrFragment(offset=0, m=1) / udp,
        **base, frag="1", l4="1")
    add("ipv6_later_fragment_is_data_without_l4",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3") / IPv6ExtHdrFragment(offset=100, m=0, nh=17) / Raw(b"y" * 24),
        **{"class": "mcast_data", "frag": "1", "l4": "0", "proto": "17"})
    add("ipv6_hop_by_hop_after_another_header_is_malformed",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3") / IPv6ExtHdrDestOpt() / IPv6ExtHdrHopByHop() / udp,
        **{"class": "malformed", "reason": "bad_ipv6_ext_header"})
    chain = IPv6ExtHdrDestOpt()
    for _ in range(8):
        chain = chain / IPv6ExtHdrDestOpt()
    add("ipv6_extension_chain_too_long_is_malformed",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3") / chain / udp,
        **{"class": "malformed", "reason": "bad_ipv6_ext_header"})
    add("ipv6_extension_header_past_payload_is_malformed",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3", nh=60, plen=8) / Raw(b"\x11\x05" + b"\0" * 46),
        **{"class": "malformed", "reason": "bad_ipv6_ext_header"})
    add("ipv6_payload_length_beyond_frame_is_bad_length",
        Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3", plen=500) / udp,
        **{"class": "malformed", "reason": "bad_ip_length"})
    add("ipv6_header_cut_short_is_truncated",
        raw(Ether(src=SRC_MAC, dst=mac6("ff0e::1:3")) / IPv6(src="2001:db8::1", dst="ff0e::1:3") / udp)[:40],
        **{"class": "malformed", "reason": "truncated_ip"})
    add("ipv6_pim_hello_is_control",
        Ether(src=SRC_MAC, dst=mac6("ff02::d")) / IPv6(src="fe80::9", dst="ff02::d", hlim=1, nh=103) / PIMv2Hdr(type=0) / PIMv2Hello(),
        **{"class": "control", "control": "pim_hello"})


# ---------------------------------------------------------------- IGMP
def igmp_vectors():
    add("igmpv1_general_query_means_10s", v4("224.0.0.1", src="10.0.0.9", ra=False) / IGMP(type=0x11, mrcode=0, gaddr="0.0.0.0"),
        **ok(control="igmp", type="query", version="1", mgroup="0.0.0.0", maxresp_ms="10000"))
    add("igmpv2_general_query", v4("224.0.0.1", src="10.0.0.9") / IGMP(type=0x11, mrcode=100, gaddr="0.0.0.0"),
        **ok(control="igmp", ra="1", type="query", version="2", mgroup="0.0.0.0", maxresp_ms="10000"))
    add("igmpv2_group_specific_query", v4("239.10.10.10", src="10.0.0.9") / IGMP(type=0x11, mrcode=10, gaddr="239.10.10.10"),
        **ok(control="igmp", type="query", version="2", mgroup="239.10.10.10", maxresp_ms="1000"))
    add("igmpv1_report", v4("239.1.1.1", src="10.0.0.2", ra=False) / IGMP(type=0x12, mrcode=0, gaddr="239.1.1.1"),
        **ok(control="igmp", type="report", version="1", mgroup="239.1.1.1"))
    add("igmpv2_report", v4("239.1.1.1", src="10.0.0.2") / IGMP(type=0x16, mrcode=0, gaddr="239.1.1.1"),
        **ok(control="igmp", type="report", version="2", mgroup="239.1.1.1"))
    add("igmpv2_report_from_zero_source_is_accepted", v4("239.1.1.1", src="0.0.0.0") / IGMP(type=0x16, mrcode=0, gaddr="239.1.1.1"),
        **ok(control="igmp", type="report", src="0.0.0.0"))
    add("igmpv2_leave", v4("224.0.0.2", src="10.0.0.2") / IGMP(type=0x17, mrcode=0, gaddr="239.1.1.1"),
        **ok(control="igmp", type="leave", version="2", mgroup="239.1.1.1"))
    add("igmpv3_general_query_with_s_qrv_qqic",
        v4("224.0.0.1", src="10.0.0.9") / IGMPv3(type=0x11, mrcode=100) / IGMPv3mq(gaddr="0.0.0.0", s=1, qrv=2, qqic=125),
        **ok(control="igmp", type="query", version="3", mgroup="0.0.0.0", maxresp_ms="10000", s="1", qrv="2", qqi="125", sources="-"))
    add("igmpv3_group_and_source_query_exponential_codes",
        v4("239.1.1.1", src="10.0.0.9") / IGMPv3(type=0x11, mrcode=0x8C) / IGMPv3mq(gaddr="239.1.1.1", qrv=7, qqic=0xA3, srcaddrs=["192.0.2.1", "192.0.2.2"]),
        **ok(control="igmp", type="query", version="3", mgroup="239.1.1.1", maxresp_ms=str(code8(0x8C) * 100), s="0", qrv="7",
             qqi=str(code8(0xA3)), sources="192.0.2.1,192.0.2.2"))
    add("igmpv3_query_max_codes", v4("224.0.0.1", src="10.0.0.9") / IGMPv3(type=0x11, mrcode=0xFF) / IGMPv3mq(qqic=0xFF),
        **ok(control="igmp", version="3", maxresp_ms=str(code8(0xFF) * 100), qqi=str(code8(0xFF))))
    records = [(t, "239.1.1.%d" % t, ["192.0.2.%d" % (t * 10 + k) for k in range(t - 1)]) for t in range(1, 7)]
    add("igmpv3_report_every_record_type",
        v4("224.0.0.22", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=t, maddr=g, srcaddrs=s) for t, g, s in records]),
        **ok(control="igmp", type="v3_report", version="3", ignored="0", **recs([(RTYPES[t], g, s) for t, g, s in records])))
    add("igmpv3_report_to_all_systems_is_accepted",
        v4("224.0.0.1", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=1, maddr="239.10.10.10", srcaddrs=["192.0.2.1"])]),
        **ok(control="igmp", type="v3_report", **recs([("is_in", "239.10.10.10", ["192.0.2.1"])])))
    aux = IGMPv3gr(rtype=2, auxdlen=2, maddr="239.2.2.2") / Raw(b"\xaa" * 8)
    add("igmpv3_record_aux_data_is_skipped",
        v4("224.0.0.22", src="10.0.0.2") / igmp_raw(b"\x22\0\0\0\0\0\0\x02" + raw(aux) + raw(IGMPv3gr(rtype=5, maddr="239.3.3.3", srcaddrs=["192.0.2.9"]))),
        **ok(control="igmp", type="v3_report", **recs([("is_ex", "239.2.2.2", []), ("allow", "239.3.3.3", ["192.0.2.9"])])))
    add("igmpv3_unknown_record_type_is_ignored",
        v4("224.0.0.22", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=7, maddr="239.1.1.7"), IGMPv3gr(rtype=4, maddr="239.1.1.4")]),
        **ok(control="igmp", type="v3_report", ignored="1", **recs([("to_ex", "239.1.1.4", [])])))
    add("igmpv3_report_empty_is_valid", v4("224.0.0.22", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(records=[]),
        **ok(control="igmp", type="v3_report", nrec="0"))
    mrd = b"\x30\x14\0\0\x00\x7d\x00\x02"
    add("igmp_mrd_advertisement", v4("224.0.0.106", src="10.0.0.9") / igmp_raw(mrd),
        **ok(control="igmp", type="mrd_advertisement", mrd_adv="20", mrd_qi="125", mrd_rv="2"))
    add("igmp_mrd_solicitation", v4("224.0.0.2", src="10.0.0.2") / igmp_raw(b"\x31\0\0\0"),
        **ok(control="igmp", type="mrd_solicitation"))
    add("igmp_mrd_termination", v4("224.0.0.106", src="10.0.0.9") / igmp_raw(b"\x32\0\0\0"),
        **ok(control="igmp", type="mrd_termination"))

    # Rejections, each with its reason.
    bad = v4("239.1.1.1", src="10.0.0.2") / IGMP(type=0x16, mrcode=0, gaddr="239.1.1.1", chksum=0x1234)
    add("igmp_bad_checksum_is_rejected", bad, **ok(control="igmp", dec="bad_checksum"))
    add("igmp_shorter_than_header_is_truncated", v4("239.1.1.1", src="10.0.0.2") / igmp_raw(b"\x16\0\0\0\xef\x01"),
        **ok(control="igmp", dec="truncated"))
    add("igmp_query_of_10_bytes_is_ignored", v4("224.0.0.1", src="10.0.0.9") / igmp_raw(b"\x11\x64\0\0\0\0\0\0\0\0"),
        **ok(control="igmp", dec="bad_query_length"))
    add("igmp_report_for_unicast_group_is_rejected", v4("239.1.1.1", src="10.0.0.2") / IGMP(type=0x16, mrcode=0, gaddr="10.1.1.1"),
        **ok(control="igmp", dec="group_not_multicast"))
    add("igmp_general_query_not_to_all_systems_is_rejected", v4("224.0.0.2", src="10.0.0.9") / IGMP(type=0x11, mrcode=100, gaddr="0.0.0.0"),
        **ok(control="igmp", dec="bad_destination"))
    add("igmpv3_general_query_with_sources_is_rejected",
        v4("224.0.0.1", src="10.0.0.9") / IGMPv3(type=0x11, mrcode=100) / IGMPv3mq(gaddr="0.0.0.0", srcaddrs=["192.0.2.1"]),
        **ok(control="igmp", dec="general_query_with_sources"))
    add("igmpv3_query_source_count_past_end_is_truncated",
        v4("224.0.0.1", src="10.0.0.9") / IGMPv3(type=0x11, mrcode=100) / IGMPv3mq(gaddr="239.1.1.1", numsrc=3, srcaddrs=["192.0.2.1"]),
        **ok(control="igmp", dec="truncated"))
    add("igmpv3_record_source_count_past_end_is_rejected",
        v4("224.0.0.22", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=1, numsrc=9, maddr="239.1.1.1", srcaddrs=["192.0.2.1"])]),
        **ok(control="igmp", dec="record_truncated"))
    add("igmpv3_record_count_past_end_is_rejected",
        v4("224.0.0.22", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(numgrp=2, records=[IGMPv3gr(rtype=1, maddr="239.1.1.1")]),
        **ok(control="igmp", dec="record_truncated"))
    add("igmpv3_record_for_unicast_group_is_rejected",
        v4("224.0.0.22", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=1, maddr="10.1.1.1")]),
        **ok(control="igmp", dec="group_not_multicast"))
    add("igmpv3_report_to_routable_group_is_rejected",
        v4("239.1.1.1", src="10.0.0.2") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=2, maddr="239.1.1.1")]),
        **ok(control="igmp", dec="bad_destination"))
    add("igmp_dvmrp_is_unknown_type", v4("224.0.0.4", src="10.0.0.9") / igmp_raw(b"\x13\0\0\0\0\0\0\0"),
        **ok(control="igmp", dec="unknown_type"))


# ---------------------------------------------------------------- MLD
def mld_vectors():
    add("mldv1_general_query", v6("ff02::1") / ICMPv6MLQuery(mrd=10000, mladdr="::"),
        **ok(control="mld", ra="1", ttl="1", type="query", version="1", mgroup="::", maxresp_ms="10000"))
    add("mldv1_report", v6("ff0e::1:3") / ICMPv6MLReport(mladdr="ff0e::1:3"),
        **ok(control="mld", type="report", version="1", mgroup="ff0e::1:3"))
    add("mldv1_report_from_unspecified_is_accepted", v6("ff0e::1:3", src="::") / ICMPv6MLReport(mladdr="ff0e::1:3"),
        **ok(control="mld", type="report", src="::"))
    add("mldv1_done", v6("ff02::2") / ICMPv6MLDone(mladdr="ff0e::1:3"),
        **ok(control="mld", type="leave", version="1", mgroup="ff0e::1:3"))
    add("mldv2_general_query_with_s_qrv_qqic", v6("ff02::1") / ICMPv6MLQuery2(mrd=10000, mladdr="::", S=1, QRV=2, QQIC=125),
        **ok(control="mld", type="query", version="2", mgroup="::", maxresp_ms="10000", s="1", qrv="2", qqi="125", sources="-"))
    add("mldv2_group_and_source_query_exponential_code",
        v6("ff0e::1:3") / ICMPv6MLQuery2(mrd=0x9234, mladdr="ff0e::1:3", QRV=3, QQIC=0x90, sources=["2001:db8:1::1", "2001:db8:1::2"]),
        **ok(control="mld", type="query", version="2", mgroup="ff0e::1:3", maxresp_ms=str(code16(0x9234)), qrv="3", qqi=str(code8(0x90)),
             sources="2001:db8:1::1,2001:db8:1::2"))
    records = [(t, "ff0e::%d" % t, ["2001:db8:1::%d" % (t * 10 + k) for k in range(t - 1)]) for t in range(1, 7)]
    add("mldv2_report_every_record_type",
        v6("ff02::16") / ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(rtype=t, dst=g, sources=s) for t, g, s in records]),
        **ok(control="mld", type="v3_report", version="2", **recs([(RTYPES[t], g, s) for t, g, s in records])))
    add("mldv2_report_for_link_scope_group", v6("ff02::16") / ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(rtype=4, dst="ff02::cc")]),
        **ok(control="mld", type="v3_report", **recs([("to_ex", "ff02::cc", [])])))
    add("mrd6_advertisement", v6("ff02::6a", ra=False) / ICMPv6MRD_Advertisement(advinter=20, queryint=125, robustness=2),
        **ok(control="mrd6", type="mrd_advertisement", mrd_adv="20", mrd_qi="125", mrd_rv="2"))
    add("mrd6_solicitation", v6("ff02::2", ra=False) / ICMPv6MRD_Solicitation(), **ok(control="mrd6", type="mrd_solicitation"))
    add("mrd6_termination", v6("ff02::6a", ra=False) / ICMPv6MRD_Termination(), **ok(control="mrd6", type="mrd_termination"))

    add("mld_hop_limit_not_one_is_rejected", v6("ff0e::1:3", hlim=64) / ICMPv6MLReport(mladdr="ff0e::1:3"),
        **ok(control="mld", dec="bad_hop_limit"))
    add("mld_query_from_global_source_is_rejected", v6("ff02::1", src="2001:db8::9") / ICMPv6MLQuery(mladdr="::"),
        **ok(control="mld", dec="bad_source_address"))
    add("mld_query_from_unspecified_is_rejected", v6("ff02::1", src="::") / ICMPv6MLQuery(mladdr="::"),
        **ok(control="mld", dec="bad_source_address"))
    add("mld_without_router_alert_is_rejected", v6("ff0e::1:3", ra=False) / ICMPv6MLReport(mladdr="ff0e::1:3"),
        **ok(control="mld", dec="missing_router_alert", ra="0"))
    add("mld_bad_checksum_is_rejected", v6("ff0e::1:3") / ICMPv6MLReport(mladdr="ff0e::1:3", cksum=0x4321),
        **ok(control="mld", dec="bad_checksum"))
    # 24 bytes of MLDv1 query + 2: neither v1 (24) nor v2 (>= 28).
    add("mld_query_of_26_bytes_is_ignored", v6("ff02::1") / ICMPv6MLQuery(mladdr="::") / Raw(b"\0\0"),
        **ok(control="mld", dec="bad_query_length"))
    add("mldv2_report_to_routable_group_is_rejected", v6("ff0e::1:3") / ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(rtype=4, dst="ff0e::1:3")]),
        **ok(control="mld", dec="bad_destination"))
    add("mldv2_record_for_unicast_group_is_rejected", v6("ff02::16") / ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(rtype=4, dst="2001:db8::5")]),
        **ok(control="mld", dec="group_not_multicast"))
    add("mldv2_record_truncated_is_rejected",
        v6("ff02::16") / ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(rtype=1, dst="ff0e::1", sources_number=4, sources=["2001:db8::1"])]),
        **ok(control="mld", dec="record_truncated"))
    add("mldv1_report_for_unicast_group_is_rejected", v6("ff0e::1:3") / ICMPv6MLReport(mladdr="2001:db8::5"),
        **ok(control="mld", dec="group_not_multicast"))
    add("mldv2_general_query_not_to_all_nodes_is_rejected", v6("ff02::2") / ICMPv6MLQuery2(mladdr="::"),
        **ok(control="mld", dec="bad_destination"))


def main():
    out = sys.argv[1]
    corpus = sys.argv[2] if len(sys.argv) > 2 else None
    l2_vectors()
    ipv4_data_vectors()
    ipv6_data_vectors()
    igmp_vectors()
    mld_vectors()
    names = [v[0] for v in VECTORS]
    assert len(names) == len(set(names)), "duplicate vector names"
    with open(out, "w") as f:
        f.write("# generated by scripts/gen_vectors.py -- do not edit\n")
        for name, data, facts in VECTORS:
            f.write("%s\t%s\t%s\n" % (name, data.hex(), ";".join("%s=%s" % kv for kv in sorted(facts.items()))))
    if corpus:
        os.makedirs(corpus, exist_ok=True)
        for name, data, _ in VECTORS:
            with open(os.path.join(corpus, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
