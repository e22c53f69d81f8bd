// IPv6 through the real switch on ring ports: MLDv1 and MLDv2 joins and
// leaves followed by IPv6 streams through the workers, (S,G) for IPv6, and
// IPv6 groups that alias on 33:33 + their low 32 bits.
#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

class Ipv6 : public RingSwitch {
protected:
    // MLD from the host fe80::21 (MAC 02:00:00:00:00:21).
    static std::vector<std::uint8_t> mld(const Message& m) {
        return build_frame(m, MacAddr{{0x02, 0, 0, 0, 0, 0x21}}, *IpAddr::parse("fe80::21"));
    }
    std::vector<unsigned> stream(const char* group, const char* source = "2001:db8::1") {
        const auto f = udp6_frame(ip6(group), ip6(source));
        inject(0, f);
        work();
        return receivers(f);
    }
    void start_dropping_unregistered() {
        Config c = access_all();
        c.unregistered = UnregisteredPolicy::drop;
        c.snoop.fast_leave = PortSet::of({1, 2});
        start(c);
    }
};

TEST_F(Ipv6, an_mldv1_report_then_done_opens_and_closes_the_stream) {
    start_dropping_unregistered();
    EXPECT_TRUE(stream("ff0e::1:3").empty()) << "unregistered";
    inject(2, mld(v2_report(*IpAddr::parse("ff0e::1:3"))));  // MLDv1 report
    run();
    drain_all();
    EXPECT_EQ(stream("ff0e::1:3"), std::vector<unsigned>{2});
    inject(2, mld(test::leave(*IpAddr::parse("ff0e::1:3"))));  // MLDv1 done, fast leave
    run();
    drain_all();
    EXPECT_TRUE(stream("ff0e::1:3").empty());
}

TEST_F(Ipv6, an_mldv2_include_report_forwards_only_its_source) {
    start_dropping_unregistered();
    inject(1, mld(v3(RecordType::mode_is_include, *IpAddr::parse("ff0e::1:4"), {*IpAddr::parse("2001:db8::1")})));
    run();
    drain_all();
    EXPECT_EQ(stream("ff0e::1:4", "2001:db8::1"), std::vector<unsigned>{1});
    EXPECT_TRUE(stream("ff0e::1:4", "2001:db8::99").empty()) << "(S,G): another source does not get through";
}

TEST_F(Ipv6, a_cached_ipv6_stream_follows_a_join_and_a_leave) {
    start_dropping_unregistered();
    inject(2, mld(v2_report(*IpAddr::parse("ff0e::1:3"))));
    run();
    drain_all();
    for (int n = 0; n < 3; ++n) EXPECT_EQ(stream("ff0e::1:3"), std::vector<unsigned>{2}) << n;
    EXPECT_EQ(sw_->stream_stats().hits, 2u) << "the first frame decided, the next two from the cache";
    inject(1, mld(v2_report(*IpAddr::parse("ff0e::1:3"))));
    run();
    drain_all();
    EXPECT_EQ(stream("ff0e::1:3"), (std::vector<unsigned>{1, 2}));
    inject(2, mld(test::leave(*IpAddr::parse("ff0e::1:3"))));
    run();
    drain_all();
    EXPECT_EQ(stream("ff0e::1:3"), std::vector<unsigned>{1});
}

TEST_F(Ipv6, a_cached_source_specific_stream_lets_no_other_source_through) {
    start_dropping_unregistered();
    inject(1, mld(v3(RecordType::mode_is_include, *IpAddr::parse("ff0e::1:4"), {*IpAddr::parse("2001:db8::1")})));
    run();
    drain_all();
    for (int n = 0; n < 3; ++n) {
        EXPECT_EQ(stream("ff0e::1:4", "2001:db8::1"), std::vector<unsigned>{1}) << n;
        EXPECT_TRUE(stream("ff0e::1:4", "2001:db8::99").empty()) << n;
    }
    EXPECT_EQ(sw_->stream_stats().hits, 4u);
}

TEST_F(Ipv6, a_cached_trunk_stream_is_untagged_for_its_access_members) {
    Config c = access_all(10);
    c.ports[0] = PortConfig{PortConfig::Mode::trunk, 1, {10}, {}};
    c.unregistered = UnregisteredPolicy::drop;
    start(c);
    inject(2, mld(v2_report(*IpAddr::parse("ff0e::1:5"))));
    inject(3, mld(v2_report(*IpAddr::parse("ff0e::1:5"))));
    run();
    drain_all();
    auto f = udp6_frame(ip6("ff0e::1:5"), ip6("2001:db8::1"));
    for (std::uint8_t n = 0; n < 4; ++n) {
        f[14 + 7] = static_cast<std::uint8_t>(64 - n);  // hop limit: the same stream
        inject(0, with_tag(f, 10, 0x8100, 4));
        sw_->worker_iteration(0);
        for (unsigned p : {2u, 3u}) EXPECT_EQ(take(p), std::vector<std::vector<std::uint8_t>>{f}) << "burst " << int{n};
        EXPECT_TRUE(take(1).empty());
    }
    EXPECT_EQ(sw_->stream_stats().hits, 3u);
}

TEST_F(Ipv6, three_hundred_ipv6_streams_are_all_forwarded_from_the_cache_the_second_time) {
    start_dropping_unregistered();
    char g[64], s[64];
    for (int i = 0; i < 300; ++i) {
        std::snprintf(g, sizeof g, "ff0e::1:%x", i);
        inject(2, mld(v2_report(*IpAddr::parse(g))));
        if (i % 30 == 29) {  // a burst each
            work();
            while (sw_->control_iteration() > 0) {
            }
        }
    }
    drain_all();
    ASSERT_EQ(sw_->snooper().group_count(), 300u);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 300; ++i) {
            std::snprintf(g, sizeof g, "ff0e::1:%x", i);
            std::snprintf(s, sizeof s, "2001:db8::%x", i % 64 + 1);
            inject(0, udp6_frame(ip6(g), ip6(s)));
            if (i % 30 == 29) {
                work();
                EXPECT_EQ(take(2).size(), 30u);
            }
        }
        EXPECT_EQ(sw_->stream_stats().hits, round == 0 ? 0u : 300u);
    }
    EXPECT_EQ(sw_->stream_stats().misses, 300u);
}

TEST_F(Ipv6, groups_sharing_a_33_33_mac_are_forwarded_by_their_own_members) {
    start_dropping_unregistered();
    // ff0e::1:5 and ff05::1:5 map to the same MAC 33:33:00:01:00:05.
    inject(1, mld(v2_report(*IpAddr::parse("ff0e::1:5"))));
    inject(2, mld(v2_report(*IpAddr::parse("ff05::1:5"))));
    run();
    drain_all();
    EXPECT_EQ(stream("ff0e::1:5"), std::vector<unsigned>{1});
    EXPECT_EQ(stream("ff05::1:5"), std::vector<unsigned>{2});
    EXPECT_TRUE(stream("ff08::1:5").empty()) << "a third group on the same MAC is unregistered";
}

TEST_F(Ipv6, mld_reports_reach_the_mld_router_port_only) {
    start_dropping_unregistered();
    const Message q = query(IpFamily::v6, 2);
    inject(3, build_frame(q, MacAddr{{0x02, 0, 0, 0, 0, 0x01}}, *IpAddr::parse("fe80::1")));
    run();
    drain_all();
    const auto r = mld(v2_report(*IpAddr::parse("ff0e::1:6")));
    inject(1, r);
    run();
    EXPECT_EQ(receivers(r), std::vector<unsigned>{3});
    EXPECT_EQ(stream("ff0e::1:6"), (std::vector<unsigned>{1, 3})) << "members and the MLD router";
    EXPECT_TRUE(stream("ff0e::9:9").empty()) << "drop: not even to the router port";
}

}  // namespace
}  // namespace l2snoop::test
