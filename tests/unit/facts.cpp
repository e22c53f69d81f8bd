#include "tests/unit/facts.h"

#include <cstdio>
#include <stdexcept>

namespace l2snoop::test {

namespace {

std::string hex16(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04x", v);
    return buf;
}

std::string join(const std::vector<IpAddr>& addrs) {
    if (addrs.empty()) return "-";
    std::string s;
    for (const auto& a : addrs) s += (s.empty() ? "" : ",") + a.to_string();
    return s;
}

}  // namespace

void add_message_facts(const Message& m, Facts& f) {
    f["type"] = std::string(to_string(m.type));
    f["version"] = std::to_string(m.version);
    switch (m.type) {
        case MessageType::query:
            f["mgroup"] = m.group.to_string();
            f["maxresp_ms"] = std::to_string(m.max_response.count());
            if (m.version == 3 || (m.family == IpFamily::v6 && m.version == 2)) {
                f["s"] = m.suppress_router_processing ? "1" : "0";
                f["qrv"] = std::to_string(m.qrv);
                f["qqi"] = std::to_string(m.qqi.count());
                f["sources"] = join(m.sources);
            }
            break;
        case MessageType::report:
        case MessageType::leave: f["mgroup"] = m.group.to_string(); break;
        case MessageType::v3_report:
            f["nrec"] = std::to_string(m.records.size());
            f["ignored"] = std::to_string(m.ignored_records);
            for (std::size_t i = 0; i < m.records.size(); ++i) {
                const auto& r = m.records[i];
                f["rec" + std::to_string(i)] =
                    std::string(to_string(r.type)) + "/" + r.group.to_string() + "/" + join(r.sources);
            }
            break;
        case MessageType::mrd_advertisement:
            f["mrd_adv"] = std::to_string(m.mrd_advertisement_interval);
            f["mrd_qi"] = std::to_string(m.mrd_query_interval);
            f["mrd_rv"] = std::to_string(m.mrd_robustness);
            break;
        case MessageType::mrd_solicitation:
        case MessageType::mrd_termination: break;
    }
}

Facts frame_facts(std::span<const std::uint8_t> frame) {
    const ParsedFrame p = parse_frame(frame.data(), frame.size());
    Facts f;
    f["class"] = std::string(to_string(p.cls));
    f["reason"] = std::string(to_string(p.reason));
    f["dst"] = std::string(to_string(p.dst_class));
    f["control"] = std::string(to_string(p.control));
    f["tags"] = std::to_string(p.tag_count);
    f["vid"] = std::to_string(p.wire_vid());
    if (p.tag_count >= 1) {
        f["pcp"] = std::to_string(p.outer.pcp);
        f["outer_tpid"] = hex16(p.outer.tpid);
    }
    if (p.tag_count == 2) f["inner_vid"] = std::to_string(p.inner.vid);
    f["ethertype"] = hex16(p.ethertype);
    f["ipv"] = std::to_string(p.ip_version);
    if (p.ip_version != 0 && p.reason != Malformed::truncated_ip && p.reason != Malformed::bad_ip_version) {
        f["src"] = p.src.to_string();
        f["group"] = p.group.to_string();
        f["ttl"] = std::to_string(p.ttl);
        f["proto"] = std::to_string(p.l4_proto);
        f["ra"] = p.router_alert ? "1" : "0";
        f["frag"] = p.fragment ? "1" : "0";
        f["l4"] = p.l4_present ? "1" : "0";
        f["l4_len"] = std::to_string(p.l4_length);
        f["link_scope"] = p.ipv6_link_scope ? "1" : "0";
    }
    if (p.cls == FrameClass::control && p.control != ControlKind::pim_hello) {
        const IpContext ip{p.src, p.group, p.ttl, p.router_alert};
        Message m;
        const IpFamily fam = p.ip_version == 4 ? IpFamily::v4 : IpFamily::v6;
        const DecodeError e = decode(fam, frame.subspan(p.l4_offset, p.l4_length), ip, m);
        f["dec"] = std::string(to_string(e));
        if (e == DecodeError::none) add_message_facts(m, f);
    }
    return f;
}

Facts parse_facts(const std::string& text) {
    Facts f;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(';', pos);
        if (end == std::string::npos) end = text.size();
        const std::string kv = text.substr(pos, end - pos);
        const std::size_t eq = kv.find('=');
        if (eq == std::string::npos) throw std::runtime_error("bad fact: " + kv);
        f[kv.substr(0, eq)] = kv.substr(eq + 1);
        pos = end + 1;
    }
    return f;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        s.push_back(kDigits[b >> 4]);
        s.push_back(kDigits[b & 15]);
    }
    return s;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    if (hex.size() % 2) throw std::runtime_error("odd hex length");
    std::vector<std::uint8_t> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
    return out;
}

}  // namespace l2snoop::test

namespace l2snoop {
void PrintTo(const Message& m, std::ostream* os) {
    test::Facts f;
    test::add_message_facts(m, f);
    for (const auto& [k, v] : f) *os << k << "=" << v << " ";
}
}  // namespace l2snoop
