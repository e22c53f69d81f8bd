// Filtering profiles through the switch: what a filtered host's reports leave
// of themselves on the router port (a real frame in, the frame out).
#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

const IpAddr Permitted = *IpAddr::parse("239.1.0.1"), Denied = *IpAddr::parse("239.2.0.1");

class Filtered : public RingSwitch {
protected:
    // Port 3: a static IGMP router port; port 1: filtered (239.1.0.0/16 only).
    void SetUp() override {
        start(access_all(), [](Config& c, const std::vector<PortId>& ids) {
            c.snoop.static_router_ports = PortSet::of({ids[3]});
            c.snoop.port_filters[ids[1]] = {"iptv", {{true, {*IpAddr::parse("239.1.0.0"), 16}}}};
        });
    }
};

TEST_F(Filtered, a_filtered_report_never_reaches_the_router_port) {
    inject(1, frame(v2_report(Denied)));
    run();
    EXPECT_TRUE(take(3).empty()) << "the upstream router would join the group";
    EXPECT_EQ(sw_->snooper().counters().reports_withheld, 1u);
}

TEST_F(Filtered, a_permitted_report_reaches_the_router_port_unchanged) {
    const auto f = frame(v2_report(Permitted));
    inject(1, f);
    run();
    EXPECT_EQ(take(3), std::vector<std::vector<std::uint8_t>>{f});
}

TEST_F(Filtered, a_v3_report_reaches_the_router_port_without_its_filtered_records) {
    Message m = v3(RecordType::mode_is_exclude, Permitted);
    m.records.push_back({RecordType::mode_is_exclude, Denied, {}, 0});
    m.records.push_back({RecordType::mode_is_include, *IpAddr::parse("239.1.0.2"), {*IpAddr::parse("192.0.2.1")}, 0});
    inject(1, frame(m));
    run();
    Message kept = m;
    kept.records.erase(kept.records.begin() + 1);
    // From the same host (MAC 02:00:00:00:00:21, 10.0.0.21) to 224.0.0.22.
    EXPECT_EQ(take(3), std::vector<std::vector<std::uint8_t>>{frame(kept)});
    EXPECT_TRUE(take(2).empty()) << "reports go to router ports only";
    EXPECT_EQ(sw_->snooper().counters().reports_rewritten, 1u);
}

TEST_F(Filtered, the_filtered_port_does_not_receive_a_denied_groups_stream) {
    inject(1, frame(v2_report(Denied)));
    inject(2, frame(v2_report(Denied)));
    run();
    drain_all();
    const auto f = udp4_frame(ip4("239.2.0.1"), ip4("192.0.2.1"));
    inject(0, f);
    work();
    EXPECT_EQ(receivers(f), (std::vector<unsigned>{2, 3}));
}

}  // namespace
}  // namespace l2snoop::test
