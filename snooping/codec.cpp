#include "snooping/codec.h"

#include <algorithm>
#include <cstring>

#include "fdb/bytes.h"
#include "fdb/checksum.h"

namespace l2snoop {

namespace {

// IGMP types (RFC 3376 §4, RFC 2236 §2.1, RFC 4286 §4).
constexpr std::uint8_t kIgmpQuery = 0x11;
constexpr std::uint8_t kIgmpV1Report = 0x12;
constexpr std::uint8_t kIgmpV2Report = 0x16;
constexpr std::uint8_t kIgmpV2Leave = 0x17;
constexpr std::uint8_t kIgmpV3Report = 0x22;
constexpr std::uint8_t kIgmpMrdAdvertisement = 0x30;
constexpr std::uint8_t kIgmpMrdSolicitation = 0x31;
constexpr std::uint8_t kIgmpMrdTermination = 0x32;
// ICMPv6 types (RFC 2710 §3, RFC 3810 §5, RFC 4286 §4).
constexpr std::uint8_t kMldQuery = 130;
constexpr std::uint8_t kMldV1Report = 131;
constexpr std::uint8_t kMldV1Done = 132;
constexpr std::uint8_t kMldV2Report = 143;
constexpr std::uint8_t kMrd6Advertisement = 151;
constexpr std::uint8_t kMrd6Solicitation = 152;
constexpr std::uint8_t kMrd6Termination = 153;

// IGMPv1 queries carry Max Resp 0, meaning 10 s (RFC 2236 §4, RFC 3376 §7.1).
constexpr std::chrono::milliseconds kIgmpV1MaxResponse{10000};

constexpr std::size_t kIgmpV3QueryMin = 12;
constexpr std::size_t kMldV1Len = 24;
constexpr std::size_t kMldV2QueryMin = 28;

constexpr Ipv4Addr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Ipv4Addr{{a, b, c, d}};
}
constexpr Ipv6Addr ff02(std::uint8_t last) {
    return Ipv6Addr{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}};
}
constexpr Ipv4Addr kAllSystems = v4(224, 0, 0, 1);
constexpr Ipv4Addr kAllRouters4 = v4(224, 0, 0, 2);
constexpr Ipv4Addr kIgmpV3Routers = v4(224, 0, 0, 22);
constexpr Ipv4Addr kAllSnoopers4 = v4(224, 0, 0, 106);
constexpr Ipv6Addr kAllNodes = ff02(0x01);
constexpr Ipv6Addr kAllRouters6 = ff02(0x02);
constexpr Ipv6Addr kMldV2Routers = ff02(0x16);
constexpr Ipv6Addr kAllSnoopers6 = ff02(0x6a);

IpAddr read_addr(IpFamily fam, const std::uint8_t* p) {
    if (fam == IpFamily::v4) {
        Ipv4Addr a;
        std::memcpy(a.b.data(), p, 4);
        return a;
    }
    Ipv6Addr a;
    std::memcpy(a.b.data(), p, 16);
    return a;
}

std::size_t addr_len(IpFamily fam) { return fam == IpFamily::v4 ? 4 : 16; }

// Reads `n` source addresses at `p`, which the caller has bounds-checked.
std::vector<IpAddr> read_sources(IpFamily fam, const std::uint8_t* p, std::size_t n) {
    std::vector<IpAddr> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(read_addr(fam, p + i * addr_len(fam)));
    return out;
}

// Query fields after type/code/checksum are laid out alike in IGMPv3 and MLDv2
// once the group address is read; `p` points at the Resv/S/QRV byte.
DecodeError decode_v3_query_tail(IpFamily fam, std::span<const std::uint8_t> msg, std::size_t at, Message& out) {
    const std::uint8_t* p = msg.data() + at;
    out.suppress_router_processing = (p[0] & 0x08) != 0;
    out.qrv = p[0] & 0x07;
    out.qqi = std::chrono::seconds(decode_code8(p[1]));
    const std::size_t nsrc = load_be16(p + 2);
    const std::size_t need = at + 4 + nsrc * addr_len(fam);
    if (msg.size() < need) return DecodeError::truncated;
    out.sources = read_sources(fam, p + 4, nsrc);
    return DecodeError::none;
}

// Checks common to queries: group-specific queries name a multicast group,
// general queries go to all-systems / all-nodes and carry no sources.
DecodeError check_query(const Message& m, const IpContext& ip) {
    if (m.group.is_unspecified()) {
        const IpAddr all = m.family == IpFamily::v4 ? IpAddr(kAllSystems) : IpAddr(kAllNodes);
        if (ip.dst != all) return DecodeError::bad_destination;
        if (!m.sources.empty()) return DecodeError::general_query_with_sources;
        return DecodeError::none;
    }
    return m.group.is_multicast() ? DecodeError::none : DecodeError::group_not_multicast;
}

// v3 reports go to 224.0.0.22 / ff02::16 (RFC 3376 §4.2.14, RFC 3810 §5.2.14).
// All-systems / all-nodes is accepted too: some stacks and the Linux bridge
// selftests send there, and the message is still link-local. A routable
// destination is rejected.
bool v3_report_destination_ok(const IpAddr& dst) {
    if (dst.is_v4()) return dst.v4() == kIgmpV3Routers || dst.v4() == kAllSystems;
    return dst.v6() == kMldV2Routers || dst.v6() == kAllNodes;
}

DecodeError decode_v3_records(IpFamily fam, std::span<const std::uint8_t> msg, Message& out) {
    const std::size_t alen = addr_len(fam);
    const std::size_t nrec = load_be16(msg.data() + 6);
    std::size_t at = 8;
    out.records.reserve(std::min<std::size_t>(nrec, msg.size() / (4 + alen)));
    for (std::size_t i = 0; i < nrec; ++i) {
        if (msg.size() - at < 4 + alen) return DecodeError::record_truncated;
        const std::uint8_t* r = msg.data() + at;
        const std::uint8_t type = r[0];
        const std::uint8_t aux = r[1];
        const std::size_t nsrc = load_be16(r + 2);
        const std::size_t rlen = 4 + alen + nsrc * alen + std::size_t{aux} * 4;
        if (msg.size() - at < rlen) return DecodeError::record_truncated;
        at += rlen;
        if (type < 1 || type > 6) {
            ++out.ignored_records;
            continue;
        }
        GroupRecord rec;
        rec.type = static_cast<RecordType>(type);
        rec.group = read_addr(fam, r + 4);
        if (!rec.group.is_multicast()) return DecodeError::group_not_multicast;
        rec.sources = read_sources(fam, r + 4 + alen, nsrc);
        rec.aux_words = aux;
        out.records.push_back(std::move(rec));
    }
    return DecodeError::none;
}

DecodeError decode_igmp(std::span<const std::uint8_t> msg, const IpContext& ip, Message& out) {
    if (msg.size() < 4) return DecodeError::truncated;
    // The IGMP checksum covers the whole IP payload (RFC 3376 §4.1.2).
    if (inet_checksum(msg) != 0) return DecodeError::bad_checksum;
    const std::uint8_t type = msg[0];
    const std::size_t min = type == kIgmpMrdSolicitation || type == kIgmpMrdTermination ? 4 : 8;
    if (msg.size() < min) return DecodeError::truncated;
    out.family = IpFamily::v4;
    switch (type) {
        case kIgmpQuery: {
            // RFC 3376 §7.1: the version of a query is told by its length.
            out.type = MessageType::query;
            out.group = read_addr(IpFamily::v4, msg.data() + 4);
            const std::uint8_t code = msg[1];
            if (msg.size() == 8) {
                out.version = code == 0 ? 1 : 2;
                out.max_response = code == 0 ? kIgmpV1MaxResponse : std::chrono::milliseconds(code * 100);
            } else if (msg.size() >= kIgmpV3QueryMin) {
                out.version = 3;
                out.max_response = std::chrono::milliseconds(decode_code8(code) * 100);
                if (auto e = decode_v3_query_tail(IpFamily::v4, msg, 8, out); e != DecodeError::none) return e;
            } else {
                return DecodeError::bad_query_length;
            }
            return check_query(out, ip);
        }
        case kIgmpV1Report:
        case kIgmpV2Report:
        case kIgmpV2Leave:
            out.type = type == kIgmpV2Leave ? MessageType::leave : MessageType::report;
            out.version = type == kIgmpV1Report ? 1 : 2;
            out.group = read_addr(IpFamily::v4, msg.data() + 4);
            return out.group.is_multicast() ? DecodeError::none : DecodeError::group_not_multicast;
        case kIgmpV3Report:
            out.type = MessageType::v3_report;
            out.version = 3;
            if (!v3_report_destination_ok(ip.dst)) return DecodeError::bad_destination;
            return decode_v3_records(IpFamily::v4, msg, out);
        case kIgmpMrdAdvertisement:
            out.type = MessageType::mrd_advertisement;
            out.mrd_advertisement_interval = msg[1];
            out.mrd_query_interval = load_be16(msg.data() + 4);
            out.mrd_robustness = load_be16(msg.data() + 6);
            return DecodeError::none;
        case kIgmpMrdSolicitation: out.type = MessageType::mrd_solicitation; return DecodeError::none;
        case kIgmpMrdTermination: out.type = MessageType::mrd_termination; return DecodeError::none;
        default: return DecodeError::unknown_type;
    }
}

DecodeError decode_icmpv6(std::span<const std::uint8_t> msg, const IpContext& ip, Message& out) {
    if (msg.size() < 4) return DecodeError::truncated;
    if (!ip.src.is_v6() || !ip.dst.is_v6()) return DecodeError::bad_source_address;
    const std::uint32_t pseudo =
        ipv6_pseudo_header_sum(ip.src.v6(), ip.dst.v6(), static_cast<std::uint32_t>(msg.size()), 58);
    if (csum_fold(csum_partial(msg, pseudo)) != 0) return DecodeError::bad_checksum;
    const std::uint8_t type = msg[0];
    out.family = IpFamily::v6;

    // Validity of every MLD message (RFC 3810 §5.1.14, §5.2.13; RFC 2710 §3):
    // hop limit 1, link-local source (reports may use ::), Router Alert.
    // MRD messages (RFC 4286 §5.2, §6.2) need hop limit 1 and link-local.
    const bool is_mld = type == kMldQuery || type == kMldV1Report || type == kMldV1Done || type == kMldV2Report;
    const bool is_mrd = type == kMrd6Advertisement || type == kMrd6Solicitation || type == kMrd6Termination;
    if (!is_mld && !is_mrd) return DecodeError::unknown_type;
    if (ip.ttl != 1) return DecodeError::bad_hop_limit;
    const Ipv6Addr src = ip.src.v6();
    const bool unspecified_ok = type == kMldV1Report || type == kMldV1Done || type == kMldV2Report;
    if (!src.is_link_local_unicast() && !(unspecified_ok && src.is_unspecified()))
        return DecodeError::bad_source_address;
    if (is_mld && !ip.router_alert) return DecodeError::missing_router_alert;

    switch (type) {
        case kMldQuery: {
            // RFC 3810 §8.1: 24 bytes is MLDv1, 28 or more MLDv2, else ignore.
            out.type = MessageType::query;
            if (msg.size() < kMldV1Len) return DecodeError::truncated;
            out.group = read_addr(IpFamily::v6, msg.data() + 8);
            const std::uint16_t code = load_be16(msg.data() + 4);
            if (msg.size() == kMldV1Len) {
                out.version = 1;
                out.max_response = std::chrono::milliseconds(code);
            } else if (msg.size() >= kMldV2QueryMin) {
                out.version = 2;
                out.max_response = std::chrono::milliseconds(decode_code16(code));
                if (auto e = decode_v3_query_tail(IpFamily::v6, msg, 24, out); e != DecodeError::none) return e;
            } else {
                return DecodeError::bad_query_length;
            }
            return check_query(out, ip);
        }
        case kMldV1Report:
        case kMldV1Done:
            if (msg.size() < kMldV1Len) return DecodeError::truncated;
            out.type = type == kMldV1Done ? MessageType::leave : MessageType::report;
            out.version = 1;
            out.group = read_addr(IpFamily::v6, msg.data() + 8);
            return out.group.is_multicast() ? DecodeError::none : DecodeError::group_not_multicast;
        case kMldV2Report:
            if (msg.size() < 8) return DecodeError::truncated;
            out.type = MessageType::v3_report;
            out.version = 2;
            if (!v3_report_destination_ok(ip.dst)) return DecodeError::bad_destination;
            return decode_v3_records(IpFamily::v6, msg, out);
        case kMrd6Advertisement:
            if (msg.size() < 8) return DecodeError::truncated;
            out.type = MessageType::mrd_advertisement;
            out.mrd_advertisement_interval = msg[1];
            out.mrd_query_interval = load_be16(msg.data() + 4);
            out.mrd_robustness = load_be16(msg.data() + 6);
            return DecodeError::none;
        case kMrd6Solicitation: out.type = MessageType::mrd_solicitation; return DecodeError::none;
        default: out.type = MessageType::mrd_termination; return DecodeError::none;
    }
}

// ---- encoding --------------------------------------------------------------

std::uint8_t tenths_code8(std::chrono::milliseconds t) {
    const auto tenths = std::max<std::int64_t>(0, t.count() / 100);
    return static_cast<std::uint8_t>(std::min<std::int64_t>(tenths, 255));
}

std::uint32_t clamp_u32(std::int64_t v) {
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(v, 0, 0xffffffff));
}

// Writes into a caller's buffer; counts every byte, writes only those that
// fit, so one pass both measures and encodes.
struct Writer {
    std::uint8_t* p;
    std::size_t cap;
    std::size_t n = 0;
    void byte(std::uint8_t b) {
        if (n < cap) p[n] = b;
        ++n;
    }
    void bytes(const std::uint8_t* b, std::size_t k) {
        for (std::size_t i = 0; i < k; ++i) byte(b[i]);
    }
    void zeros(std::size_t k) {
        for (std::size_t i = 0; i < k; ++i) byte(0);
    }
    void u16(std::uint16_t v) {
        byte(static_cast<std::uint8_t>(v >> 8));
        byte(static_cast<std::uint8_t>(v));
    }
    void addr(const IpAddr& a) { bytes(a.bytes().data(), a.size()); }
    void sources(const std::vector<IpAddr>& s) {
        for (const auto& a : s) addr(a);
    }
    void head(std::uint8_t type, std::uint8_t code) {
        byte(type);
        byte(code);
        u16(0);  // checksum, filled in last
    }
    bool fits() const { return n <= cap; }
};

void put_records(Writer& w, const Message& m) {
    w.u16(0);  // reserved
    w.u16(static_cast<std::uint16_t>(std::min<std::size_t>(m.records.size(), 0xffff)));
    for (const auto& r : m.records) {
        w.byte(static_cast<std::uint8_t>(r.type));
        w.byte(r.aux_words);
        w.u16(static_cast<std::uint16_t>(r.sources.size()));
        w.addr(r.group);
        w.sources(r.sources);
        w.zeros(std::size_t{r.aux_words} * 4);
    }
}

void put_v3_query_tail(Writer& w, const Message& m) {
    w.byte(static_cast<std::uint8_t>((m.suppress_router_processing ? 0x08 : 0) | (m.qrv & 0x07)));
    w.byte(encode_code8(clamp_u32(m.qqi.count())));
    w.u16(static_cast<std::uint16_t>(m.sources.size()));
    w.sources(m.sources);
}

void encode_igmp(Writer& w, const Message& m) {
    switch (m.type) {
        case MessageType::query:
            if (m.version == 3) {
                w.head(kIgmpQuery, encode_code8(clamp_u32(m.max_response.count() / 100)));
                w.addr(m.group);
                put_v3_query_tail(w, m);
            } else {
                // A v1 query's Max Resp is 0 by definition (RFC 2236 §2.2).
                w.head(kIgmpQuery, m.version == 1 ? 0 : tenths_code8(m.max_response));
                w.addr(m.group);
            }
            break;
        case MessageType::report:
            w.head(m.version == 1 ? kIgmpV1Report : kIgmpV2Report, 0);
            w.addr(m.group);
            break;
        case MessageType::leave:
            w.head(kIgmpV2Leave, 0);
            w.addr(m.group);
            break;
        case MessageType::v3_report:
            w.head(kIgmpV3Report, 0);
            put_records(w, m);
            break;
        case MessageType::mrd_advertisement:
            w.head(kIgmpMrdAdvertisement, m.mrd_advertisement_interval);
            w.u16(m.mrd_query_interval);
            w.u16(m.mrd_robustness);
            break;
        case MessageType::mrd_solicitation: w.head(kIgmpMrdSolicitation, 0); break;
        case MessageType::mrd_termination: w.head(kIgmpMrdTermination, 0); break;
    }
    if (w.fits()) store_be16(w.p + 2, inet_checksum({w.p, w.n}));
}

void encode_icmpv6(Writer& w, const Message& m, const IpAddr& src, const IpAddr& dst) {
    switch (m.type) {
        case MessageType::query:
            w.head(kMldQuery, 0);
            if (m.version == 2) {
                w.u16(encode_code16(clamp_u32(m.max_response.count())));
            } else {
                w.u16(static_cast<std::uint16_t>(std::clamp<std::int64_t>(m.max_response.count(), 0, 0xffff)));
            }
            w.u16(0);
            w.addr(m.group);
            if (m.version == 2) put_v3_query_tail(w, m);
            break;
        case MessageType::report:
        case MessageType::leave:
            w.head(m.type == MessageType::leave ? kMldV1Done : kMldV1Report, 0);
            w.u16(0);
            w.u16(0);
            w.addr(m.group);
            break;
        case MessageType::v3_report:
            w.head(kMldV2Report, 0);
            put_records(w, m);
            break;
        case MessageType::mrd_advertisement:
            w.head(kMrd6Advertisement, m.mrd_advertisement_interval);
            w.u16(m.mrd_query_interval);
            w.u16(m.mrd_robustness);
            break;
        case MessageType::mrd_solicitation: w.head(kMrd6Solicitation, 0); break;
        case MessageType::mrd_termination: w.head(kMrd6Termination, 0); break;
    }
    if (!w.fits()) return;
    const Ipv6Addr s = src.is_v6() ? src.v6() : Ipv6Addr{};
    const Ipv6Addr d = dst.is_v6() ? dst.v6() : Ipv6Addr{};
    const std::uint32_t pseudo = ipv6_pseudo_header_sum(s, d, static_cast<std::uint32_t>(w.n), 58);
    store_be16(w.p + 2, csum_fold(csum_partial({w.p, w.n}, pseudo)));
}

// Measures, then writes only when the whole message fits.
std::size_t encode_into(const Message& m, const IpAddr& src, const IpAddr& dst, std::span<std::uint8_t> out) {
    const auto pass = [&](std::uint8_t* p, std::size_t cap) {
        Writer w{p, cap};
        if (m.family == IpFamily::v4)
            encode_igmp(w, m);
        else
            encode_icmpv6(w, m, src, dst);
        return w.n;
    };
    const std::size_t n = pass(nullptr, 0);
    return n <= out.size() ? pass(out.data(), out.size()) : n;
}

}  // namespace

DecodeError decode(IpFamily family, std::span<const std::uint8_t> l4, const IpContext& ip, Message& out) {
    out = Message{};
    out.family = family;
    if (family == IpFamily::v6) out.group = Ipv6Addr{};
    return family == IpFamily::v4 ? decode_igmp(l4, ip, out) : decode_icmpv6(l4, ip, out);
}

std::size_t encode(const Message& m, const IpAddr& src, const IpAddr& dst, std::span<std::uint8_t> out) {
    return encode_into(m, src, dst, out);
}

std::vector<std::uint8_t> encode(const Message& m, const IpAddr& src, const IpAddr& dst) {
    std::vector<std::uint8_t> out(encode_into(m, src, dst, {}));
    encode_into(m, src, dst, out);
    return out;
}

Duration pim_hello_holdtime(std::span<const std::uint8_t> pim) {
    Duration hold = kPimHelloHoldtime;
    std::size_t o = 4;  // past the PIM header
    while (pim.size() >= o + 4) {
        const std::uint16_t type = load_be16(pim.data() + o), len = load_be16(pim.data() + o + 2);
        if (type == 1 && len == 2 && pim.size() >= o + 6) hold = std::chrono::seconds(load_be16(pim.data() + o + 4));
        o += 4 + std::size_t{len};
    }
    return hold;
}

IpAddr default_destination(const Message& m) {
    const bool v4 = m.family == IpFamily::v4;
    switch (m.type) {
        case MessageType::query:
            if (!m.group.is_unspecified()) return m.group;
            return v4 ? IpAddr(kAllSystems) : IpAddr(kAllNodes);
        case MessageType::report: return m.group;
        case MessageType::leave: return v4 ? IpAddr(kAllRouters4) : IpAddr(kAllRouters6);
        case MessageType::v3_report: return v4 ? IpAddr(kIgmpV3Routers) : IpAddr(kMldV2Routers);
        case MessageType::mrd_solicitation: return v4 ? IpAddr(kAllRouters4) : IpAddr(kAllRouters6);
        case MessageType::mrd_advertisement:
        case MessageType::mrd_termination: return v4 ? IpAddr(kAllSnoopers4) : IpAddr(kAllSnoopers6);
    }
    return m.group;
}

std::size_t build_frame(const Message& m, const MacAddr& src_mac, const IpAddr& src, const IpAddr& dst,
                        std::span<std::uint8_t> out) {
    const bool v4 = m.family == IpFamily::v4;
    const std::size_t l3 = v4 ? 24 : 48;  // IPv4 + Router Alert; IPv6 + Hop-by-Hop Router Alert
    const std::size_t head = 14 + l3;
    const std::size_t l4 = encode_into(m, src, dst, out.size() > head ? out.subspan(head) : std::span<std::uint8_t>{});
    const std::size_t total = head + l4;
    if (total > out.size()) return total;  // measured only
    std::uint8_t* f = out.data();
    const MacAddr dmac = group_mac(dst);
    std::memcpy(f, dmac.b.data(), 6);
    std::memcpy(f + 6, src_mac.b.data(), 6);
    std::uint8_t* ip = f + 14;
    std::memset(ip, 0, l3);
    if (v4) {
        store_be16(f + 12, 0x0800);
        // IPv4 with the Router Alert option (RFC 2113): IHL 6, TOS 0xc0, TTL 1.
        ip[0] = 0x46;
        ip[1] = 0xc0;
        store_be16(ip + 2, static_cast<std::uint16_t>(24 + l4));
        ip[8] = 1;
        ip[9] = 2;
        // Fixed-width copies: a caller passing the wrong family gets a wrong
        // address, never an overrun.
        std::memcpy(ip + 12, src.v4().b.data(), 4);
        std::memcpy(ip + 16, dst.v4().b.data(), 4);
        ip[20] = 0x94;
        ip[21] = 4;
        store_be16(ip + 10, inet_checksum({ip, 24}));
    } else {
        store_be16(f + 12, 0x86dd);
        // IPv6 + Hop-by-Hop{Router Alert(MLD), PadN} (RFC 2711, RFC 3810 §5), hop limit 1.
        ip[0] = 0x60;
        store_be16(ip + 4, static_cast<std::uint16_t>(8 + l4));
        ip[6] = 0;  // next header: Hop-by-Hop
        ip[7] = 1;
        std::memcpy(ip + 8, src.v6().b.data(), 16);
        std::memcpy(ip + 24, dst.v6().b.data(), 16);
        const std::uint8_t hbh[8] = {58, 0, 5, 2, 0, 0, 1, 0};
        std::memcpy(ip + 40, hbh, 8);
    }
    return total;
}

std::vector<std::uint8_t> build_frame(const Message& m, const MacAddr& src_mac, const IpAddr& src, const IpAddr& dst) {
    std::vector<std::uint8_t> f(build_frame(m, src_mac, src, dst, std::span<std::uint8_t>{}));
    build_frame(m, src_mac, src, dst, f);
    return f;
}

}  // namespace l2snoop
