// IGMP/MLD messages for tests: the family follows the group's.
#pragma once

#include <vector>

#include "snooping/codec.h"

namespace l2snoop::test {

inline Message v2_report(const IpAddr& g) {
    Message m;
    m.family = g.family();
    m.type = MessageType::report;
    m.version = g.is_v4() ? 2 : 1;
    m.group = g;
    return m;
}
inline Message v1_report(const IpAddr& g) {
    Message m = v2_report(g);
    m.version = 1;
    return m;
}
inline Message leave(const IpAddr& g) {
    Message m = v2_report(g);
    m.type = MessageType::leave;
    return m;
}
inline Message v3(RecordType t, const IpAddr& g, std::vector<IpAddr> src = {}) {
    Message m;
    m.family = g.family();
    m.type = MessageType::v3_report;
    m.version = g.is_v4() ? 3 : 2;
    m.records.push_back({t, g, std::move(src), 0});
    return m;
}
inline Message query(IpFamily f, int version, IpAddr group = {}, std::vector<IpAddr> src = {}) {
    Message m;
    m.family = f;
    m.type = MessageType::query;
    m.version = static_cast<std::uint8_t>(version);
    m.group = group.family() == f ? group : (f == IpFamily::v4 ? IpAddr(Ipv4Addr{}) : IpAddr(Ipv6Addr{}));
    m.max_response = std::chrono::seconds(10);
    m.sources = std::move(src);
    if ((f == IpFamily::v4 && version == 3) || (f == IpFamily::v6 && version == 2)) {
        m.qrv = 2;
        m.qqi = std::chrono::seconds(125);
    }
    return m;
}

constexpr RecordType IS_IN = RecordType::mode_is_include;
constexpr RecordType IS_EX = RecordType::mode_is_exclude;
constexpr RecordType TO_IN = RecordType::change_to_include;
constexpr RecordType TO_EX = RecordType::change_to_exclude;
constexpr RecordType ALLOW = RecordType::allow_new_sources;
constexpr RecordType BLOCK = RecordType::block_old_sources;

}  // namespace l2snoop::test
