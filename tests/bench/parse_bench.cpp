// Micro-benchmarks of the per-frame work a worker does before any lookup:
// parse + classify, and the control thread's decode of a large v3 report.
// Catch2 reports the mean and its spread; run with
//   build/tests/bench/parse_bench --benchmark-samples 200
#include "tests/bench/catch.h"

#include "dataplane/parse.h"
#include "snooping/codec.h"
#include "tests/unit/frames.h"

using namespace l2snoop;
using namespace l2snoop::test;

namespace {

constexpr int kFramesPerRun = 1024;  // per-frame cost = reported time / kFramesPerRun

// Parses the same frame kFramesPerRun times; returns something that depends on
// every parse so the compiler cannot drop the work.
std::uint32_t parse_many(const std::vector<std::uint8_t>& f) {
    std::uint32_t acc = 0;
    for (int i = 0; i < kFramesPerRun; ++i) {
        const ParsedFrame p = parse_frame(f.data(), f.size());
        acc += static_cast<std::uint32_t>(p.cls) + p.wire_vid() + p.l4_length;
    }
    return acc;
}

Message report_with_16_records() {
    Message m;
    m.type = MessageType::v3_report;
    m.version = 3;
    for (std::uint32_t g = 0; g < 16; ++g) {
        GroupRecord r{RecordType::mode_is_include, Ipv4Addr::from_host(0xe8010100u + g), {}, 0};
        for (std::uint32_t s = 0; s < 4; ++s) r.sources.push_back(Ipv4Addr::from_host(0xc6336400u + s));
        m.records.push_back(r);
    }
    return m;
}

}  // namespace

TEST_CASE("parse and classify, per 1024 frames") {
    const auto untagged = udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1"), 18);  // 60-byte frame
    const auto tagged = with_tag(untagged, 10);
    const auto v6 = udp6_frame(ip6("ff0e::1:3"), ip6("2001:db8::1"), 8);
    REQUIRE(untagged.size() == 60);
    REQUIRE(parse_frame(tagged.data(), tagged.size()).cls == FrameClass::mcast_data);

    BENCHMARK("untagged IPv4 multicast UDP") { return parse_many(untagged); };
    BENCHMARK("802.1Q-tagged IPv4 multicast UDP") { return parse_many(tagged); };
    BENCHMARK("untagged IPv6 multicast UDP") { return parse_many(v6); };
}

TEST_CASE("IGMPv3 report with 16 records: parse + decode") {
    const auto frame = build_frame(report_with_16_records(), kHostMac, ip4("10.0.0.2"));
    const ParsedFrame p0 = parse_frame(frame.data(), frame.size());
    REQUIRE(p0.cls == FrameClass::control);

    BENCHMARK("parse + decode") {
        const ParsedFrame p = parse_frame(frame.data(), frame.size());
        Message m;
        const IpContext ip{p.src, p.group, p.ttl, p.router_alert};
        decode(IpFamily::v4, std::span<const std::uint8_t>(frame).subspan(p.l4_offset, p.l4_length), ip, m);
        return m.records.size();
    };
}
