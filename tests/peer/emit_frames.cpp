// Prints frames built by our encoder, one per line, with the facts we meant
// them to carry: name<TAB>hex<TAB>facts. tests/peer/check_encoded.py has
// scapy and tshark decode them and compare.
#include <cstdio>
#include <string>

#include "snooping/codec.h"
#include "tests/unit/facts.h"

using namespace l2snoop;
using namespace std::chrono_literals;

namespace {

const MacAddr kMac{{0x02, 0, 0, 0, 0, 0x09}};

void emit(const char* name, const Message& m, const IpAddr& src) {
    const auto frame = build_frame(m, kMac, src);
    test::Facts f;
    test::add_message_facts(m, f);
    std::string facts;
    for (const auto& [k, v] : f) facts += (facts.empty() ? "" : ";") + k + "=" + v;
    std::printf("%s\t%s\t%s\n", name, test::to_hex(frame).c_str(), facts.c_str());
}

Message msg(IpFamily fam, MessageType type, int version, IpAddr group) {
    Message m;
    m.family = fam;
    m.type = type;
    m.version = static_cast<std::uint8_t>(version);
    m.group = group;
    return m;
}

IpAddr a(const char* s) { return *IpAddr::parse(s); }

}  // namespace

int main() {
    const IpAddr q4 = a("192.0.2.1"), q6 = a("fe80::1"), any4 = a("0.0.0.0"), any6 = a("::");

    Message m = msg(IpFamily::v4, MessageType::query, 1, any4);
    m.max_response = 10s;
    emit("igmpv1_general_query", m, q4);
    m.version = 2;
    m.max_response = 2500ms;
    emit("igmpv2_general_query", m, q4);
    m.group = a("239.1.1.1");
    m.max_response = 1s;
    emit("igmpv2_group_specific_query", m, q4);
    m = msg(IpFamily::v4, MessageType::query, 3, any4);
    m.max_response = 10s;
    m.qrv = 2;
    m.qqi = 125s;
    emit("igmpv3_general_query", m, q4);
    emit("igmpv3_proxy_general_query_from_zero", m, any4);
    m.group = a("239.1.1.1");
    m.max_response = 1600ms;  // 160 tenths: exponential form, (4 | 16) << 3
    m.qqi = 240s;  // exponential form: (14 | 16) << 3
    m.suppress_router_processing = true;
    m.sources = {a("192.0.2.10"), a("192.0.2.11")};
    emit("igmpv3_group_and_source_query", m, q4);
    emit("igmpv1_report", msg(IpFamily::v4, MessageType::report, 1, a("239.2.2.2")), a("10.0.0.2"));
    emit("igmpv2_report", msg(IpFamily::v4, MessageType::report, 2, a("239.2.2.2")), a("10.0.0.2"));
    emit("igmpv2_leave", msg(IpFamily::v4, MessageType::leave, 2, a("239.2.2.2")), a("10.0.0.2"));
    m = msg(IpFamily::v4, MessageType::v3_report, 3, any4);
    for (int t = 1; t <= 6; ++t) {
        GroupRecord r{static_cast<RecordType>(t), a(("232.1.1." + std::to_string(t)).c_str()), {}, 0};
        for (int s = 0; s < t - 1; ++s) r.sources.push_back(a(("198.51.100." + std::to_string(s + 1)).c_str()));
        m.records.push_back(r);
    }
    emit("igmpv3_report_all_record_types", m, a("10.0.0.2"));
    Message adv = msg(IpFamily::v4, MessageType::mrd_advertisement, 0, any4);
    adv.mrd_advertisement_interval = 20;
    adv.mrd_query_interval = 125;
    adv.mrd_robustness = 2;
    emit("igmp_mrd_advertisement", adv, q4);
    emit("igmp_mrd_solicitation", msg(IpFamily::v4, MessageType::mrd_solicitation, 0, any4), q4);

    m = msg(IpFamily::v6, MessageType::query, 1, any6);
    m.max_response = 10s;
    emit("mldv1_general_query", m, q6);
    m.group = a("ff0e::1:3");
    m.max_response = 1s;
    emit("mldv1_group_specific_query", m, q6);
    m = msg(IpFamily::v6, MessageType::query, 2, any6);
    m.max_response = 10s;
    m.qrv = 2;
    m.qqi = 125s;
    emit("mldv2_general_query", m, q6);
    m.group = a("ff0e::1:3");
    m.max_response = 40000ms;  // exponential form
    m.sources = {a("2001:db8:1::1")};
    emit("mldv2_group_and_source_query", m, q6);
    emit("mldv1_report", msg(IpFamily::v6, MessageType::report, 1, a("ff0e::1:3")), q6);
    emit("mldv1_done", msg(IpFamily::v6, MessageType::leave, 1, a("ff0e::1:3")), q6);
    m = msg(IpFamily::v6, MessageType::v3_report, 2, any6);
    for (int t = 1; t <= 6; ++t) {
        GroupRecord r{static_cast<RecordType>(t), a(("ff0e::" + std::to_string(t)).c_str()), {}, 0};
        for (int s = 0; s < t - 1; ++s) r.sources.push_back(a(("2001:db8:1::" + std::to_string(s + 1)).c_str()));
        m.records.push_back(r);
    }
    emit("mldv2_report_all_record_types", m, q6);
    adv.family = IpFamily::v6;
    adv.group = any6;
    emit("mrd6_advertisement", adv, q6);
    return 0;
}
