// Filtering profiles (--filter-profile / --port-filter) and the per-port cap
// on tracked hosts (--max-hosts-per-port).
#include "tests/unit/snooping/harness.h"

namespace l2snoop::test {
namespace {

using namespace std::chrono_literals;

const PortId R = 0, H1 = 1, H2 = 2;
const IpAddr Permitted = A("239.1.0.1"), Denied = A("239.2.0.1");

// H1 is filtered: 239.1.0.0/16 permitted, 239.2.0.0/16 denied (and, the
// profile permitting an IPv4 range, every other IPv4 group too).
SnoopConfig filtered_h1() {
    SnoopConfig c;
    c.port_filters[H1] = {"iptv", {{true, {A("239.1.0.0"), 16}}, {false, {A("239.2.0.0"), 16}}}};
    return c;
}

class Filters : public ::testing::Test {
protected:
    Filters() : h(filtered_h1()) { h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1")); }  // R: the router's port
    Harness h;
};

TEST_F(Filters, a_filtered_report_is_neither_learned_nor_forwarded_to_router_ports) {
    const Disposition d = h.rx(H1, v2_report(Denied));
    EXPECT_TRUE(d.forward.empty()) << "the upstream router must not join it either";
    EXPECT_EQ(h.fwd(Denied), std::nullopt);
    EXPECT_EQ(h.s.counters().ignored_filtered, 1u);
    EXPECT_EQ(h.s.counters().reports_withheld, 1u);
}

TEST_F(Filters, a_permitted_report_is_learned_and_forwarded_to_router_ports) {
    const Disposition d = h.rx(H1, v2_report(Permitted));
    EXPECT_EQ(d.forward, PortSet::of({R}));
    EXPECT_FALSE(d.rewritten);
    EXPECT_EQ(h.fwd(Permitted), PortSet::of({H1}));
    EXPECT_EQ(h.s.counters().ignored_filtered, 0u);
}

TEST_F(Filters, a_filtered_leave_is_not_forwarded_either) {
    EXPECT_TRUE(h.rx(H1, leave(Denied)).forward.empty());
    EXPECT_EQ(h.s.counters().reports_withheld, 1u);
}

TEST_F(Filters, a_v3_report_goes_on_without_its_filtered_records) {
    Message m = v3(IS_EX, Permitted);
    m.records.push_back({TO_EX, Denied, {}, 0});
    m.records.push_back({IS_IN, A("239.1.0.2"), {S4(1)}, 0});
    const Disposition d = h.rx(H1, m);
    EXPECT_EQ(d.forward, PortSet::of({R}));
    ASSERT_TRUE(d.rewritten);
    ASSERT_EQ(d.rewritten->records.size(), 2u);
    EXPECT_EQ(d.rewritten->records[0].group, Permitted);
    EXPECT_EQ(d.rewritten->records[1].group, A("239.1.0.2"));
    EXPECT_EQ(d.rewritten->records[1].sources, std::vector<IpAddr>{S4(1)});
    EXPECT_EQ(h.fwd(Permitted), PortSet::of({H1}));
    EXPECT_EQ(h.fwd(Denied), std::nullopt);
    EXPECT_EQ(h.s.counters().reports_rewritten, 1u);
    EXPECT_EQ(h.s.counters().ignored_filtered, 1u);
}

TEST_F(Filters, a_v3_report_with_every_record_filtered_is_withheld) {
    Message m = v3(IS_EX, Denied);
    m.records.push_back({IS_EX, A("239.2.9.9"), {}, 0});
    const Disposition d = h.rx(H1, m);
    EXPECT_TRUE(d.forward.empty());
    EXPECT_FALSE(d.rewritten);
    EXPECT_EQ(h.s.counters().reports_withheld, 1u);
    EXPECT_EQ(h.s.counters().ignored_filtered, 2u);
}

TEST_F(Filters, groups_no_rule_holds_are_denied_by_a_profile_of_permits) {
    EXPECT_TRUE(h.rx(H1, v2_report(A("233.0.0.1"))).forward.empty());
    EXPECT_EQ(h.fwd(A("233.0.0.1")), std::nullopt);
}

TEST_F(Filters, link_local_groups_are_not_filtered) {
    // 224.0.0.0/24 is never snooped (RFC 4541 §2.1.2-2): its reports go to routers.
    EXPECT_EQ(h.rx(H1, v2_report(A("224.0.0.251"))).forward, PortSet::of({R}));
    EXPECT_EQ(h.s.counters().ignored_filtered, 0u);
}

TEST_F(Filters, ports_without_a_profile_join_any_group) {
    EXPECT_EQ(h.rx(H2, v2_report(Denied)).forward, PortSet::of({R}));
    EXPECT_EQ(h.fwd(Denied), PortSet::of({H2}));
}

TEST(FilterProfiles, a_deny_only_profile_blocks_its_ranges_and_nothing_else) {
    SnoopConfig c;
    c.port_filters[H1] = {"no-ssm", {{false, {A("232.0.0.0"), 8}}}};
    Harness h(c);
    h.rx(H1, v2_report(A("232.1.1.1")));
    h.rx(H1, v2_report(A("239.1.1.1")));
    h.rx(H1, v3(IS_EX, A("ff0e::1")));
    EXPECT_EQ(h.fwd(A("232.1.1.1")), std::nullopt);
    EXPECT_EQ(h.fwd(A("239.1.1.1")), PortSet::of({H1}));
    EXPECT_EQ(h.fwd(A("ff0e::1")), PortSet::of({H1}));
}

TEST(FilterProfiles, a_port_joins_only_what_its_profile_permits_others_join_anything) {
    Harness h(filtered_h1());
    h.rx(H1, v2_report(Permitted));
    h.rx(H1, v2_report(Denied));
    h.rx(H2, v2_report(Denied));
    EXPECT_EQ(h.fwd(Permitted), PortSet::of({H1}));
    EXPECT_EQ(h.fwd(Denied), PortSet::of({H2}));
    EXPECT_EQ(h.s.counters().ignored_filtered, 1u);
}

// ---- the cap on tracked hosts ----

SnoopConfig hosts_cap(std::uint32_t n, bool fast_leave = false) {
    SnoopConfig c;
    c.max_hosts_per_port = n;
    if (fast_leave) c.fast_leave = PortSet::of({H1});
    return c;
}

IpAddr host(int x) { return Ipv4Addr{{10, 0, 0, static_cast<std::uint8_t>(x)}}; }

TEST(HostLimit, hosts_past_the_cap_are_counted_and_not_tracked) {
    Harness h(hosts_cap(2));
    for (int i = 1; i <= 3; ++i) h.rx(H1, v3(IS_EX, Permitted), host(i));
    EXPECT_EQ(h.s.tracked_hosts(H1), 2u);
    EXPECT_EQ(h.s.counters().hosts_untracked, 1u);
    ASSERT_EQ(h.s.memberships(h.now).size(), 1u);
    EXPECT_EQ(h.s.memberships(h.now)[0].hosts.size(), 2u);
    EXPECT_EQ(h.fwd(Permitted), PortSet::of({H1})) << "the membership itself is unaffected";
}

TEST(HostLimit, the_cap_counts_a_ports_hosts_over_all_its_groups) {
    Harness h(hosts_cap(2));
    h.rx(H1, v3(IS_EX, A("239.1.0.1")), host(1));
    h.rx(H1, v3(IS_EX, A("239.1.0.2")), host(1));
    h.rx(H1, v3(IS_EX, A("239.1.0.3")), host(1));
    h.rx(H2, v3(IS_EX, A("239.1.0.3")), host(2));
    EXPECT_EQ(h.s.tracked_hosts(H1), 2u);
    EXPECT_EQ(h.s.tracked_hosts(H2), 1u) << "another port has its own cap";
    EXPECT_EQ(h.s.counters().hosts_untracked, 1u);
    h.rx(H1, v3(TO_IN, A("239.1.0.1")), host(1));  // a leave frees its entry
    EXPECT_EQ(h.s.tracked_hosts(H1), 1u);
    h.rx(H1, v3(IS_EX, A("239.1.0.4")), host(1));
    EXPECT_EQ(h.s.tracked_hosts(H1), 2u);
    EXPECT_EQ(h.s.counters().hosts_untracked, 1u);
}

TEST(HostLimit, fast_leave_queries_instead_of_pruning_when_a_host_went_untracked) {
    Harness h(hosts_cap(1, true));
    h.rx(H1, v3(IS_EX, Permitted), host(1));
    h.rx(H1, v3(IS_EX, Permitted), host(2));  // untracked
    h.rx(H1, v3(TO_IN, Permitted), host(1));
    EXPECT_EQ(h.fwd(Permitted), PortSet::of({H1})) << "host 2 may still listen: not pruned at once";
    h.advance(1s);
    h.rx(H1, v3(IS_EX, Permitted), host(2));  // host 2 answers the last-member query
    h.advance(5s);
    EXPECT_EQ(h.fwd(Permitted), PortSet::of({H1}));
}

TEST(HostLimit, without_an_answer_the_membership_ends_after_the_last_member_query_time) {
    Harness h(hosts_cap(1, true));
    h.rx(H1, v3(IS_EX, Permitted), host(1));
    h.rx(H1, v3(IS_EX, Permitted), host(2));
    h.rx(H1, v3(TO_IN, Permitted), host(1));
    h.advance(3s);  // LMQT: 2 x 1s by default
    EXPECT_EQ(h.fwd(Permitted), std::nullopt);
    EXPECT_EQ(h.s.tracked_hosts(H1), 0u);
}

TEST(HostLimit, hosts_are_forgotten_with_their_port_and_their_group_timer) {
    Harness h(hosts_cap(4));
    h.rx(H1, v3(IS_EX, Permitted), host(1));
    h.rx(H2, v3(IS_EX, Permitted), host(2));
    h.port(H1, false);
    EXPECT_EQ(h.s.tracked_hosts(H1), 0u);
    h.advance(300s);  // past the group membership interval (260 s)
    EXPECT_EQ(h.s.tracked_hosts(H2), 0u);
    EXPECT_EQ(h.fwd(Permitted), std::nullopt);
}

TEST(HostLimit, zero_means_no_cap) {
    Harness h(hosts_cap(0));
    for (int i = 1; i <= 20; ++i) h.rx(H1, v3(IS_EX, Permitted), host(i));
    EXPECT_EQ(h.s.tracked_hosts(H1), 20u);
    EXPECT_EQ(h.s.counters().hosts_untracked, 0u);
}

}  // namespace
}  // namespace l2snoop::test
