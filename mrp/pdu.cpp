#include "mrp/pdu.h"

#include <algorithm>
#include <cstring>

namespace l2snoop::mrp {

namespace {
constexpr std::uint8_t kGarpMac = 1, kGarpService = 2;  // GMRP attribute types
constexpr std::uint8_t kMrpService = 1, kMrpMac = 2;    // MMRP attribute types

std::uint8_t type_code(Protocol p, AttrType t) {
    if (p == Protocol::gmrp) return t == AttrType::group_mac ? kGarpMac : kGarpService;
    return t == AttrType::group_mac ? kMrpMac : kMrpService;
}
std::optional<AttrType> attr_type(Protocol p, std::uint8_t code) {
    if (code == type_code(p, AttrType::group_mac)) return AttrType::group_mac;
    if (code == type_code(p, AttrType::service)) return AttrType::service;
    return std::nullopt;
}
std::size_t value_length(AttrType t) { return t == AttrType::group_mac ? 6 : 1; }

std::uint64_t mac_number(const MacAddr& m) {
    std::uint64_t n = 0;
    for (std::uint8_t b : m.b) n = n << 8 | b;
    return n;
}
MacAddr mac_of(std::uint64_t n) {
    MacAddr m;
    for (int i = 5; i >= 0; --i, n >>= 8) m.b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n);
    return m;
}

// Reads an attribute value of type `t` at `p`; false if it is not one a registrar accepts.
bool read_value(AttrType t, const std::uint8_t* p, Attr& a) {
    a.type = t;
    if (t == AttrType::group_mac) {
        std::memcpy(a.mac.b.data(), p, 6);
        return (a.mac.b[0] & 1) != 0;  // a group address
    }
    if (p[0] > 1) return false;
    a.service = static_cast<Service>(p[0]);
    return true;
}
void write_value(const Attr& a, std::uint8_t* p) {
    if (a.type == AttrType::group_mac)
        std::memcpy(p, a.mac.b.data(), 6);
    else
        p[0] = static_cast<std::uint8_t>(a.service);
}

PduError decode_garp(std::span<const std::uint8_t> d, Pdu& out) {
    if (d.size() < 2) return PduError::truncated;
    if (d[0] != 0 || d[1] != 1) return PduError::bad_protocol_id;
    std::size_t i = 2;
    while (i < d.size() && d[i] != 0) {  // messages until the PDU's end mark (or the data's end)
        const auto t = attr_type(Protocol::gmrp, d[i]);
        if (!t) return PduError::bad_attribute_type;
        ++i;
        for (;;) {  // attributes until the message's end mark
            if (i >= d.size()) return PduError::truncated;
            const std::size_t len = d[i];
            if (len == 0) {
                ++i;
                break;
            }
            if (len < 2) return PduError::bad_attribute_length;
            if (i + len > d.size()) return PduError::truncated;
            const std::uint8_t ev = d[i + 1];
            if (ev >= static_cast<std::uint8_t>(GarpEvent::kCount)) return PduError::bad_event;
            if (ev == static_cast<std::uint8_t>(GarpEvent::leave_all)) {
                if (len != 2) return PduError::bad_attribute_length;
                out.leave_all[static_cast<int>(*t)] = true;
            } else {
                if (len != 2 + value_length(*t)) return PduError::bad_attribute_length;
                Attr a;
                a.event = ev;
                if (!read_value(*t, &d[i + 2], a)) return PduError::bad_value;
                out.attrs.push_back(a);
            }
            i += len;
        }
    }
    return PduError::none;
}

PduError decode_mrp(std::span<const std::uint8_t> d, Pdu& out) {
    if (d.empty()) return PduError::truncated;
    out.version = d[0];
    std::size_t i = 1;
    // Messages until an end mark (0x0000) or the data's end.
    while (i + 1 < d.size() && !(d[i] == 0 && d[i + 1] == 0)) {
        const auto t = attr_type(Protocol::mmrp, d[i]);
        if (!t) return PduError::bad_attribute_type;
        const std::size_t vlen = d[i + 1];
        if (vlen != value_length(*t)) return PduError::bad_attribute_length;
        i += 2;
        for (;;) {  // vector attributes until an end mark
            if (i + 2 > d.size()) {
                if (i == d.size()) break;  // the data ends the message
                return PduError::truncated;
            }
            const unsigned hdr = static_cast<unsigned>(d[i] << 8 | d[i + 1]);
            if (hdr == 0) {
                i += 2;
                break;
            }
            const unsigned leave_all = hdr >> 13, n = hdr & 0x1fff;
            if (leave_all > 1) return PduError::bad_event;
            i += 2;
            const std::size_t packed = (n + 2) / 3;
            if (i + vlen + packed > d.size()) return PduError::truncated;
            Attr first;
            if (!read_value(*t, &d[i], first) && n > 0) return PduError::bad_value;
            if (leave_all) out.leave_all[static_cast<int>(*t)] = true;
            const std::uint8_t* ev = &d[i + vlen];
            const std::uint64_t base = *t == AttrType::group_mac ? mac_number(first.mac) : d[i];
            const std::uint64_t last = *t == AttrType::group_mac ? 0xffffffffffffull : 1;
            if (n > 0 && base + (n - 1) > last) return PduError::bad_value;
            for (unsigned k = 0; k < n; ++k) {
                const std::uint8_t b = ev[k / 3];
                if (b >= 216) return PduError::bad_event;
                const unsigned digit = k % 3 == 0 ? b / 36 : k % 3 == 1 ? b / 6 % 6 : b % 6;
                Attr a;
                a.type = *t;
                a.event = static_cast<std::uint8_t>(digit);
                if (*t == AttrType::group_mac) {
                    a.mac = mac_of(base + k);
                    if ((a.mac.b[0] & 1) == 0) return PduError::bad_value;
                } else {
                    a.service = static_cast<Service>(base + k);
                }
                out.attrs.push_back(a);
            }
            i += vlen + packed;
        }
    }
    return PduError::none;
}

// MRP: runs of attributes of type `t` with consecutive values, in order.
std::size_t encode_mrp_message(const Pdu& pdu, AttrType t, std::vector<std::uint8_t>& b) {
    std::vector<const Attr*> v;
    for (const Attr& a : pdu.attrs)
        if (a.type == t) v.push_back(&a);
    const bool la = pdu.leave_all[static_cast<int>(t)];
    if (v.empty() && !la) return 0;
    b.push_back(type_code(Protocol::mmrp, t));
    b.push_back(static_cast<std::uint8_t>(value_length(t)));
    const auto number = [t](const Attr& a) { return t == AttrType::group_mac ? mac_number(a.mac) : static_cast<std::uint64_t>(a.service); };
    std::size_t k = 0;
    bool first_vector = true;
    do {
        std::size_t n = 1;
        if (v.empty()) n = 0;
        while (k + n < v.size() && n < 0x1fff && number(*v[k + n]) == number(*v[k]) + n) ++n;
        const unsigned hdr = (first_vector && la ? 1u << 13 : 0u) | static_cast<unsigned>(n);
        b.push_back(static_cast<std::uint8_t>(hdr >> 8));
        b.push_back(static_cast<std::uint8_t>(hdr));
        std::uint8_t val[6] = {};
        if (n > 0) write_value(*v[k], val);
        b.insert(b.end(), val, val + value_length(t));
        for (std::size_t j = 0; j < n; j += 3) {
            const auto e = [&](std::size_t q) { return q < n ? v[k + q]->event % 6u : 0u; };
            b.push_back(static_cast<std::uint8_t>((e(j) * 6 + e(j + 1)) * 6 + e(j + 2)));
        }
        k += n;
        first_vector = false;
    } while (k < v.size());
    b.push_back(0);
    b.push_back(0);
    return b.size();
}

}  // namespace

std::string_view to_string(PduError e) {
    switch (e) {
        case PduError::none: return "none";
        case PduError::truncated: return "truncated";
        case PduError::bad_protocol_id: return "bad_protocol_id";
        case PduError::bad_attribute_type: return "bad_attribute_type";
        case PduError::bad_attribute_length: return "bad_attribute_length";
        case PduError::bad_event: return "bad_event";
        case PduError::bad_value: return "bad_value";
        case PduError::not_garp_frame: return "not_garp_frame";
        case PduError::kCount: break;
    }
    return "?";
}
std::string_view to_string(GarpEvent e) {
    constexpr std::string_view n[] = {"LeaveAll", "JoinEmpty", "JoinIn", "LeaveEmpty", "LeaveIn", "Empty"};
    return e < GarpEvent::kCount ? n[static_cast<int>(e)] : "?";
}
std::string_view to_string(MrpEvent e) {
    constexpr std::string_view n[] = {"New", "JoinIn", "In", "JoinMt", "Mt", "Lv"};
    return e < MrpEvent::kCount ? n[static_cast<int>(e)] : "?";
}

PduError decode(Protocol p, std::span<const std::uint8_t> pdu, Pdu& out) {
    out = Pdu{};
    out.protocol = p;
    const PduError e = p == Protocol::gmrp ? decode_garp(pdu, out) : decode_mrp(pdu, out);
    if (e != PduError::none) out.attrs.clear();
    return e;
}

std::size_t encode(const Pdu& pdu, std::span<std::uint8_t> out) {
    std::vector<std::uint8_t> b;
    if (pdu.protocol == Protocol::gmrp) {
        b = {0x00, 0x01};
        for (AttrType t : {AttrType::group_mac, AttrType::service}) {
            const bool la = pdu.leave_all[static_cast<int>(t)];
            const bool any = std::any_of(pdu.attrs.begin(), pdu.attrs.end(), [t](const Attr& a) { return a.type == t; });
            if (!la && !any) continue;
            b.push_back(type_code(Protocol::gmrp, t));
            if (la) b.insert(b.end(), {2, static_cast<std::uint8_t>(GarpEvent::leave_all)});
            for (const Attr& a : pdu.attrs) {
                if (a.type != t) continue;
                b.push_back(static_cast<std::uint8_t>(2 + value_length(t)));
                b.push_back(a.event);
                std::uint8_t val[6] = {};
                write_value(a, val);
                b.insert(b.end(), val, val + value_length(t));
            }
            b.push_back(0);
        }
        b.push_back(0);
    } else {
        b.push_back(pdu.version);
        for (AttrType t : {AttrType::group_mac, AttrType::service}) encode_mrp_message(pdu, t, b);
        b.push_back(0);
        b.push_back(0);
    }
    if (b.size() <= out.size()) std::copy(b.begin(), b.end(), out.begin());
    return b.size();
}

PduError decode_frame(std::span<const std::uint8_t> f, Pdu& out, std::optional<VlanId>* vid) {
    out = Pdu{};
    if (f.size() < 14) return PduError::truncated;
    if (!std::equal(kGmrpMmrpAddress.b.begin(), kGmrpMmrpAddress.b.end(), f.begin())) return PduError::not_garp_frame;
    std::size_t off = 12;
    std::optional<VlanId> tag;
    if (f[12] == 0x81 && f[13] == 0x00) {
        if (f.size() < 18) return PduError::truncated;
        tag = static_cast<VlanId>((f[14] << 8 | f[15]) & 0x0fff);
        off = 16;
    }
    if (vid) *vid = tag;
    const unsigned type = static_cast<unsigned>(f[off] << 8 | f[off + 1]);
    if (type == kMrpEtherType) return decode(Protocol::mmrp, f.subspan(off + 2), out);
    if (type <= 1500) {  // 802.3 length: LLC 42 42 03 (GARP's SAP, UI)
        if (f.size() < off + 5) return PduError::truncated;
        if (f[off + 2] != 0x42 || f[off + 3] != 0x42 || f[off + 4] != 0x03) return PduError::not_garp_frame;
        const std::size_t end = std::min(f.size(), off + 2 + type);  // the length bounds the PDU (padding excluded)
        if (end < off + 5) return PduError::truncated;
        return decode(Protocol::gmrp, f.subspan(off + 5, end - (off + 5)), out);
    }
    return PduError::not_garp_frame;
}

std::vector<std::uint8_t> build_frame(const Pdu& pdu, const MacAddr& src, std::optional<VlanId> vid) {
    std::vector<std::uint8_t> f(kGmrpMmrpAddress.b.begin(), kGmrpMmrpAddress.b.end());
    f.insert(f.end(), src.b.begin(), src.b.end());
    if (vid) f.insert(f.end(), {0x81, 0x00, static_cast<std::uint8_t>(*vid >> 8), static_cast<std::uint8_t>(*vid)});
    std::vector<std::uint8_t> body(encode(pdu, {}));
    encode(pdu, body);
    if (pdu.protocol == Protocol::mmrp) {
        f.insert(f.end(), {0x88, 0xf6});
    } else {
        const std::size_t len = 3 + body.size();
        f.insert(f.end(), {static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0x42, 0x42, 0x03});
    }
    f.insert(f.end(), body.begin(), body.end());
    if (f.size() < 60) f.resize(60, 0);  // Ethernet padding
    return f;
}

}  // namespace l2snoop::mrp
