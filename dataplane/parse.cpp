#include "dataplane/parse.h"

#include <cstring>

#include "fdb/bytes.h"
#include "fdb/checksum.h"

namespace l2snoop {

namespace {

constexpr std::uint8_t kIpv4OptEol = 0;
constexpr std::uint8_t kIpv4OptNop = 1;
constexpr std::uint8_t kIpv4OptRouterAlert = 0x94;  // RFC 2113
constexpr std::uint8_t kIpv6OptPad1 = 0;
constexpr std::uint8_t kIpv6OptRouterAlert = 5;  // RFC 2711; value 0 = MLD
constexpr std::uint8_t kIpv6HopByHop = 0;
constexpr std::uint8_t kIpv6Routing = 43;
constexpr std::uint8_t kIpv6Fragment = 44;
constexpr std::uint8_t kIpv6Auth = 51;
constexpr std::uint8_t kIpv6DestOpts = 60;
constexpr std::uint8_t kIpv6Mobility = 135;
constexpr std::uint8_t kIpv6Hip = 139;
constexpr std::uint8_t kIpv6Shim6 = 140;
constexpr std::uint8_t kPimTypeHello = 0;

// ICMPv6 types that go to the control thread (RFC 2710, 3810, 4286).
constexpr bool is_mld_type(std::uint8_t t) { return t == 130 || t == 131 || t == 132 || t == 143; }
constexpr bool is_mrd6_type(std::uint8_t t) { return t == 151 || t == 152 || t == 153; }

constexpr std::uint32_t kAllPimRouters4 = 0xe000000d;  // 224.0.0.13
constexpr Ipv6Addr kAllPimRouters6{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0d}};

DstClass classify_dst(const MacAddr& m) {
    if (!m.is_multicast()) return DstClass::unicast;
    if (m.is_broadcast()) return DstClass::broadcast;
    if (m.is_ipv4_multicast()) return DstClass::ipv4_multicast;
    if (m.is_ipv6_multicast()) return DstClass::ipv6_multicast;
    if (m.is_ieee_reserved()) return DstClass::ieee_reserved;
    return DstClass::other_multicast;
}

// The helpers below fill `f` in place and return nothing: a ParsedFrame is
// never copied on the way out (a copy of freshly written bytes stalls on
// store forwarding, which once cost a third of the parse).
void fail(ParsedFrame& f, Malformed why) {
    f.cls = FrameClass::malformed;
    f.reason = why;
}

// A PIMv2 Hello (RFC 7761 §4.9.2): version 2, type 0 in the first byte.
bool is_pim_hello(const std::uint8_t* l4, std::size_t l4_len) {
    return l4_len >= 4 && l4[0] == ((2 << 4) | kPimTypeHello);
}

void parse_ipv4(ParsedFrame& f, const std::uint8_t* data, std::size_t len) {
    const std::size_t off = f.l3_offset;
    if (len - off < 20) return fail(f, Malformed::truncated_ip);
    const std::uint8_t* ip = data + off;
    f.ip_version = ip[0] >> 4;
    if (f.ip_version != 4) return fail(f, Malformed::bad_ip_version);
    const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
    if (ihl < 20) return fail(f, Malformed::bad_ipv4_ihl);
    if (len - off < ihl) return fail(f, Malformed::truncated_ip);
    const std::size_t total = load_be16(ip + 2);
    // Shorter frames than `total` are cut; longer ones carry Ethernet padding.
    if (total < ihl || total > len - off) return fail(f, Malformed::bad_ip_length);
    if (!ipv4_header_checksum_ok(ip, ihl)) return fail(f, Malformed::bad_ipv4_checksum);

    for (std::size_t i = 20; i < ihl;) {
        const std::uint8_t type = ip[i];
        if (type == kIpv4OptEol) break;
        if (type == kIpv4OptNop) {
            ++i;
            continue;
        }
        if (i + 1 >= ihl) return fail(f, Malformed::bad_ipv4_options);
        const std::size_t olen = ip[i + 1];
        if (olen < 2 || i + olen > ihl) return fail(f, Malformed::bad_ipv4_options);
        if (type == kIpv4OptRouterAlert && olen == 4) f.router_alert = true;
        i += olen;
    }

    const std::uint16_t frag = load_be16(ip + 6);
    const bool more_fragments = (frag & 0x2000) != 0;
    const std::uint16_t frag_offset = frag & 0x1fff;
    f.fragment = more_fragments || frag_offset != 0;
    f.l4_present = frag_offset == 0;
    f.ttl = ip[8];
    f.l4_proto = ip[9];
    f.src.set_v4(ip + 12);
    f.group.set_v4(ip + 16);
    const std::uint32_t dst = load_be32(ip + 16);
    f.l4_offset = static_cast<std::uint16_t>(off + ihl);
    f.l4_length = static_cast<std::uint16_t>(total - ihl);

    // The MAC is already known to be 01:00:5e:0x:xx:xx; its low 23 bits must be the group's.
    if ((dst >> 28) != 0xe || (load_be32(data + 2) & 0x7fffff) != (dst & 0x7fffff))
        return fail(f, Malformed::group_mac_mismatch);

    if (f.l4_proto == kIpProtoIgmp) {
        if (f.fragment) return fail(f, Malformed::fragmented_control);
        f.cls = FrameClass::control;
        f.control = ControlKind::igmp;
        return;
    }
    if (f.l4_proto == kIpProtoPim && dst == kAllPimRouters4 && f.l4_present &&
        is_pim_hello(data + f.l4_offset, f.l4_length)) {
        if (f.fragment) return fail(f, Malformed::fragmented_control);
        f.cls = FrameClass::control;
        f.control = ControlKind::pim_hello;
        return;
    }
    if ((dst >> 8) == 0xe00000) {  // 224.0.0.0/24
        f.cls = FrameClass::link_local_mcast;
        return;
    }
    f.cls = FrameClass::mcast_data;
    f.run_opener = ihl == 20 && (f.tag_count == 0 || (f.tag_count == 1 && f.outer.tpid == kEtherTypeVlan));
}

// Hop-by-Hop options (RFC 8200 §4.2): TLVs; we only look for Router Alert.
bool scan_hbh_options(ParsedFrame& f, const std::uint8_t* opts, std::size_t n) {
    for (std::size_t i = 0; i < n;) {
        if (opts[i] == kIpv6OptPad1) {
            ++i;
            continue;
        }
        if (i + 2 > n) return false;
        const std::size_t olen = opts[i + 1];
        if (i + 2 + olen > n) return false;
        if (opts[i] == kIpv6OptRouterAlert && olen == 2 && load_be16(opts + i + 2) == 0)
            f.router_alert = true;
        i += 2 + olen;
    }
    return true;
}

void parse_ipv6(ParsedFrame& f, const std::uint8_t* data, std::size_t len) {
    const std::size_t off = f.l3_offset;
    if (len - off < 40) return fail(f, Malformed::truncated_ip);
    const std::uint8_t* ip = data + off;
    f.ip_version = ip[0] >> 4;
    if (f.ip_version != 6) return fail(f, Malformed::bad_ip_version);
    const std::size_t payload = load_be16(ip + 4);
    // Payload length 0 means a jumbogram (RFC 2675), which Ethernet cannot carry.
    if (payload == 0 || payload > len - off - 40) return fail(f, Malformed::bad_ip_length);
    f.ttl = ip[7];
    f.src.set_v6(ip + 8);
    f.group.set_v6(ip + 24);
    Ipv6Addr dst;
    std::memcpy(dst.b.data(), ip + 24, 16);
    // The MAC is 33:33:xx:xx:xx:xx; it must carry the group's low 32 bits.
    if (!dst.is_multicast() || std::memcmp(data + 2, ip + 36, 4) != 0)
        return fail(f, Malformed::group_mac_mismatch);

    // Walk the extension header chain (RFC 8200 §4) within the payload.
    const std::uint8_t* end = ip + 40 + payload;
    const std::uint8_t* p = ip + 40;
    std::uint8_t next = ip[6];
    f.l4_present = true;
    for (std::size_t n = 0;; ++n) {
        const bool ext = next == kIpv6HopByHop || next == kIpv6Routing || next == kIpv6Fragment ||
                         next == kIpv6Auth || next == kIpv6DestOpts || next == kIpv6Mobility ||
                         next == kIpv6Hip || next == kIpv6Shim6;
        if (!ext) break;
        if (n == kMaxIpv6ExtHeaders) return fail(f, Malformed::bad_ipv6_ext_header);
        // Hop-by-Hop may only follow the IPv6 header itself (RFC 8200 §4.3).
        if (next == kIpv6HopByHop && n != 0) return fail(f, Malformed::bad_ipv6_ext_header);
        if (end - p < 8) return fail(f, Malformed::bad_ipv6_ext_header);
        std::size_t hlen;
        if (next == kIpv6Fragment) {
            hlen = 8;
            const std::uint16_t fo = load_be16(p + 2);
            f.fragment = true;
            if ((fo & 0xfff8) != 0) f.l4_present = false;  // not the first fragment
        } else if (next == kIpv6Auth) {
            hlen = (std::size_t{p[1]} + 2) * 4;  // RFC 4302 §2.2: 32-bit words
        } else {
            hlen = (std::size_t{p[1]} + 1) * 8;
        }
        if (static_cast<std::size_t>(end - p) < hlen) return fail(f, Malformed::bad_ipv6_ext_header);
        if (next == kIpv6HopByHop && !scan_hbh_options(f, p + 2, hlen - 2))
            return fail(f, Malformed::bad_ipv6_ext_header);
        next = p[0];
        p += hlen;
        if (!f.l4_present) break;  // the rest of the chain is in another fragment
    }
    f.l4_proto = next;
    f.l4_offset = static_cast<std::uint16_t>(p - data);
    f.l4_length = static_cast<std::uint16_t>(end - p);

    if (f.l4_present && next == kIpProtoIcmpv6 && f.l4_length >= 1) {
        f.icmp6_type = p[0];
        if (is_mld_type(f.icmp6_type) || is_mrd6_type(f.icmp6_type)) {
            if (f.fragment) return fail(f, Malformed::fragmented_control);
            f.cls = FrameClass::control;
            f.control = is_mld_type(f.icmp6_type) ? ControlKind::mld : ControlKind::mrd6;
            return;
        }
    }
    if (f.l4_present && next == kIpProtoPim && dst == kAllPimRouters6 && is_pim_hello(p, f.l4_length)) {
        if (f.fragment) return fail(f, Malformed::fragmented_control);
        f.cls = FrameClass::control;
        f.control = ControlKind::pim_hello;
        return;
    }
    // ff02::1 is always flooded; ff00::/15 (reserved, interface-local) should
    // never be on a link (RFC 4541 §3) and is flooded rather than learned.
    if (dst.is_all_nodes() || dst.multicast_scope() <= 1) {
        f.cls = FrameClass::link_local_mcast;
        return;
    }
    f.ipv6_link_scope = dst.multicast_scope() == 2;
    f.ipv6_solicited_node = dst.is_solicited_node();
    f.cls = FrameClass::mcast_data;
    // A stream opener: UDP/TCP straight after the fixed header (what stream.h keys), beyond link scope.
    f.run_opener = (next == kIpProtoUdp || next == kIpProtoTcp) && p == ip + 40 && !f.ipv6_link_scope &&
                   (f.tag_count == 0 || (f.tag_count == 1 && f.outer.tpid == kEtherTypeVlan));
}

}  // namespace

ParsedFrame parse_frame(const std::uint8_t* data, std::size_t len) {
    ParsedFrame f;
    parse_frame(data, len, f);
    return f;
}

void parse_frame(const std::uint8_t* data, std::size_t len, ParsedFrame& f) {
    f = ParsedFrame{};
    if (data == nullptr || len < 14) return fail(f, Malformed::truncated_l2);
    std::memcpy(f.dst_mac.b.data(), data, 6);
    std::memcpy(f.src_mac.b.data(), data + 6, 6);
    f.dst_class = classify_dst(f.dst_mac);

    std::size_t off = 12;
    std::uint16_t type = load_be16(data + off);
    // Up to two tags: 802.1Q, or an 802.1ad (or stacked 802.1Q) outer tag with
    // an 802.1Q inner one. A third tag is payload to us.
    while ((type == kEtherTypeVlan || type == kEtherTypeQinQ) && f.tag_count < 2) {
        if (len < off + 6) return fail(f, Malformed::truncated_l2);
        const std::uint16_t tci = load_be16(data + off + 2);
        VlanTag& t = f.tag_count == 0 ? f.outer : f.inner;
        t.tpid = type;
        t.pcp = static_cast<std::uint8_t>(tci >> 13);
        t.dei = (tci & 0x1000) != 0;
        t.vid = tci & 0x0fff;
        ++f.tag_count;
        off += 4;
        type = load_be16(data + off);
    }
    f.ethertype = type;
    f.l3_offset = static_cast<std::uint16_t>(off + 2);

    switch (f.dst_class) {
        case DstClass::unicast: f.cls = FrameClass::unicast; return;
        case DstClass::broadcast: f.cls = FrameClass::broadcast; return;
        case DstClass::ieee_reserved: f.cls = FrameClass::reserved; return;
        case DstClass::other_multicast: f.cls = FrameClass::other_multicast; return;
        case DstClass::ipv4_multicast:
            if (type == kEtherTypeIpv4) return parse_ipv4(f, data, len);
            break;
        case DstClass::ipv6_multicast:
            if (type == kEtherTypeIpv6) return parse_ipv6(f, data, len);
            break;
    }
    // A group MAC in the IP ranges carrying something else is bridged as
    // ordinary multicast: IGMP/MLD state never restricts non-IP (RFC 4541 §2.1.2-4).
    f.cls = FrameClass::other_multicast;
}

}  // namespace l2snoop
