// Snooping behaviours beyond the v3 state table: v1/v2 hosts and leaves,
// compatibility modes, fast leave and host tracking, report forwarding,
// link-local groups, limits and filters, port up/down.
#include "tests/unit/snooping/harness.h"

namespace l2snoop::test {
namespace {

const IpAddr G = A("239.1.1.1");
const PortId R = 0, H1 = 1, H2 = 2, H3 = 3;

SnoopConfig with(void (*f)(SnoopConfig&)) {
    SnoopConfig c;
    f(c);
    return c;
}

TEST(Reports, v2_report_registers_the_group_on_its_port) {
    Harness h;
    h.rx(H1, v2_report(G));
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(Reports, v1_report_registers_the_group_on_its_port) {
    Harness h;
    h.rx(H2, v1_report(G));
    EXPECT_EQ(h.fwd(G), PortSet::of({H2}));
}

TEST(Reports, report_from_zero_source_is_accepted_rfc4541_2_1_1_2) {
    Harness h;
    h.rx(H1, v2_report(G), A("0.0.0.0"));
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(Reports, mld_report_from_unspecified_is_accepted) {
    Harness h;
    h.rx(H1, v2_report(A("ff0e::5")), A("::"));
    EXPECT_EQ(h.fwd(A("ff0e::5")), PortSet::of({H1}));
}

TEST(Reports, several_ports_join_the_same_group) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H3, v3(IS_EX, G));
    EXPECT_EQ(h.fwd(G), PortSet::of({H1, H3}));
}

TEST(Reports, vlans_keep_separate_memberships) {
    Harness h;
    Actions out;
    h.s.add_vlan(20, PortSet::of({H1, H2}), true, h.now, out);
    h.s.on_message(H2, 20, v2_report(G), A("10.0.0.5"), h.now, out);
    h.rx(H1, v2_report(G));
    bool in20 = false;
    for (const auto& a : out.fdb) in20 |= a.vid == 20 && a.ports == PortSet::of({H2});
    EXPECT_TRUE(in20);
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(Reports, membership_times_out_without_refresh_rfc4541_2_1_1_6) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.advance(259s);
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
    h.advance(2s);  // GMI = 2 x 125 + 10 = 260 s
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(Reports, a_refresh_restarts_the_membership_timer) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.advance(200s);
    h.rx(H1, v2_report(G));
    h.advance(200s);
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(Reports, membership_interval_is_configurable) {
    Harness h(with([](SnoopConfig& c) { c.timers.membership_interval = 3s; }));
    h.rx(H1, v2_report(G));
    h.advance(4s);
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(Reports, reports_go_to_router_ports_only_rfc4541_2_1_1_1) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 2), A("10.0.0.1"));  // a router on port 0
    const Disposition d = h.rx(H1, v2_report(G));
    EXPECT_EQ(d.forward, PortSet::of({R})) << "never to the other hosts";
    EXPECT_EQ(h.rx(H1, leave(G)).forward, PortSet::of({R}));
    EXPECT_EQ(h.rx(H1, v3(IS_EX, G)).forward, PortSet::of({R}));
}

TEST(Reports, the_administrator_may_flood_reports_to_more_ports_rfc4541_2_1_1_1) {
    Harness h(with([](SnoopConfig& c) { c.report_flood_ports = PortSet::of({H2, H1}); }));
    h.rx(R, query(IpFamily::v4, 2), A("10.0.0.1"));
    EXPECT_EQ(h.rx(H1, v2_report(G)).forward, PortSet::of({R, H2})) << "never back to the sender";
    EXPECT_EQ(h.rx(H1, leave(G)).forward, PortSet::of({R, H2}));
    EXPECT_EQ(h.rx(H1, v3(IS_EX, G)).forward, PortSet::of({R, H2}));
    EXPECT_EQ(h.rx(H2, v2_report(G)).forward, PortSet::of({R, H1}));
}

TEST(Reports, reports_are_not_forwarded_when_there_is_no_router) {
    Harness h;
    EXPECT_TRUE(h.rx(H1, v2_report(G)).forward.empty());
}

TEST(Reports, report_from_a_router_port_is_not_sent_back_to_it) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 2), A("10.0.0.1"));
    EXPECT_TRUE(h.rx(R, v2_report(G)).forward.empty());
}

TEST(Reports, link_local_groups_are_never_snooped_rfc4541_2_1_2_2) {
    Harness h;
    h.rx(H1, v2_report(A("224.0.0.251")));
    h.rx(H1, v3(IS_EX, A("ff02::1")));
    EXPECT_TRUE(h.groups.empty());
    EXPECT_EQ(h.s.counters().ignored_link_local, 2u);
}

TEST(Reports, ipv6_link_scope_groups_are_snooped_by_default_rfc4541_3) {
    Harness h;
    h.rx(H1, v3(IS_EX, A("ff02::1:ff00:2")));
    EXPECT_EQ(h.fwd(A("ff02::1:ff00:2")), PortSet::of({H1}));
}

TEST(Reports, ipv6_link_scope_groups_can_be_left_unsnooped_per_vlan) {
    Harness h(with([](SnoopConfig& c) { c.flood_link_scope6[kVlan] = true; }));
    h.rx(H1, v3(IS_EX, A("ff02::1:ff00:2")));
    h.rx(H1, v3(IS_EX, A("ff0e::2")));
    EXPECT_EQ(h.fwd(A("ff02::1:ff00:2")), std::nullopt) << "flooded by the data plane";
    EXPECT_EQ(h.fwd(A("ff0e::2")), PortSet::of({H1}));
}

TEST(Reports, solicited_node_groups_alone_can_be_left_unsnooped_per_vlan) {
    Harness h(with([](SnoopConfig& c) { c.flood_solicited_node6[kVlan] = true; }));
    h.rx(H1, v3(IS_EX, A("ff02::1:ff00:2")));
    h.rx(H1, v3(IS_EX, A("ff02::fb")));
    EXPECT_EQ(h.fwd(A("ff02::1:ff00:2")), std::nullopt) << "neighbour discovery: flooded by the data plane";
    EXPECT_EQ(h.fwd(A("ff02::fb")), PortSet::of({H1})) << "other link-scope groups stay snooped";
}

TEST(Reports, ports_outside_the_vlan_are_ignored) {
    Harness h(SnoopConfig{}, PortSet::of({0, 1}));
    h.rx(H3, v2_report(G));
    EXPECT_TRUE(h.groups.empty());
}

// ---- leaves ----

TEST(Leave, v2_leave_prunes_after_last_member_query_time) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H1, leave(G));
    EXPECT_EQ(h.fwd(G), PortSet::of({H1})) << "not before LMQT: another host may answer";
    h.advance(2100ms);  // LMQI 1 s x LMQC 2
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(Leave, a_report_during_last_member_query_keeps_the_group) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H1, leave(G));
    h.advance(1s);
    h.rx(H1, v2_report(G), A("10.0.0.101"));  // another host on H1 answers
    h.advance(5s);
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(Leave, leave_for_an_unknown_group_changes_nothing) {
    Harness h;
    h.rx(H1, leave(G));
    EXPECT_TRUE(h.fdb_log.empty());
}

TEST(Leave, leave_on_one_port_keeps_other_ports) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H2, v2_report(G));
    h.rx(H1, leave(G));
    h.advance(3s);
    EXPECT_EQ(h.fwd(G), PortSet::of({H2}));
}

TEST(Leave, with_another_querier_present_its_group_query_lowers_timers) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 2), A("10.0.0.1"));
    h.rx(H1, v2_report(G));
    h.rx(H1, leave(G));
    h.advance(5s);
    EXPECT_EQ(h.fwd(G), PortSet::of({H1})) << "we wait for the querier's group-specific query";
    h.rx(R, query(IpFamily::v4, 2, G), A("10.0.0.1"));
    h.advance(2100ms);
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(Leave, group_query_with_suppress_flag_does_not_lower_timers) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));
    h.rx(H1, v2_report(G));
    Message q = query(IpFamily::v4, 3, G);
    q.suppress_router_processing = true;
    h.rx(R, q, A("10.0.0.1"));
    h.advance(5s);
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(FastLeave, leave_on_a_fast_leave_port_prunes_at_once) {
    Harness h(with([](SnoopConfig& c) { c.fast_leave = PortSet::of({H1}); }));
    h.rx(H1, v2_report(G));
    h.rx(H1, leave(G));
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(FastLeave, v3_to_include_empty_prunes_at_once) {
    Harness h(with([](SnoopConfig& c) { c.fast_leave = PortSet::of({H1}); }));
    h.rx(H1, v3(IS_EX, G));
    h.rx(H1, v3(TO_IN, G));
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(FastLeave, prunes_only_when_the_last_tracked_host_leaves) {
    Harness h(with([](SnoopConfig& c) { c.fast_leave = PortSet::of({H1}); }));
    h.rx(H1, v3(IS_EX, G), A("10.0.0.101"));
    h.rx(H1, v3(IS_EX, G), A("10.0.0.102"));
    h.rx(H1, v3(TO_IN, G), A("10.0.0.101"));
    EXPECT_EQ(h.fwd(G), PortSet::of({H1})) << "10.0.0.102 still listens";
    h.rx(H1, v3(TO_IN, G), A("10.0.0.102"));
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(FastLeave, other_ports_are_not_fast_leave) {
    Harness h(with([](SnoopConfig& c) { c.fast_leave = PortSet::of({H1}); }));
    h.rx(H2, v2_report(G));
    h.rx(H2, leave(G));
    EXPECT_EQ(h.fwd(G), PortSet::of({H2}));
}

TEST(HostTracking, hosts_of_a_port_are_listed) {
    Harness h;
    h.rx(H1, v3(IS_EX, G), A("10.0.0.101"));
    h.rx(H1, v3(IS_IN, G, {S4(1)}), A("10.0.0.102"));
    const auto st = h.s.memberships(h.now);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st[0].hosts.size(), 2u);
}

// ---- compatibility modes (RFC 3376 §7.3.2) ----

TEST(Compat, v2_host_makes_the_port_group_v2_compatible) {
    Harness h;
    h.rx(H1, v2_report(G));
    EXPECT_EQ(h.s.memberships(h.now)[0].compat_version, 2u);
    h.rx(H1, v3(BLOCK, G, {S4(1)}));
    EXPECT_TRUE(h.forwarded(G, S4(1), H1)) << "BLOCK ignored in v2 mode";
}

TEST(Compat, to_exclude_source_list_is_ignored_in_v2_mode) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H1, v3(TO_EX, G, {S4(9)}));
    EXPECT_TRUE(h.forwarded(G, S4(9), H1)) << "TO_EX(x) treated as TO_EX({})";
}

TEST(Compat, v1_mode_ignores_leaves) {
    Harness h;
    h.rx(H1, v1_report(G));
    EXPECT_EQ(h.s.memberships(h.now)[0].compat_version, 1u);
    h.rx(H1, leave(G));
    h.advance(5s);
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(Compat, compat_mode_ends_after_older_host_present_interval) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.advance(200s);
    h.rx(H1, v3(IS_EX, G));
    h.advance(100s);  // v2 host last heard 300 s ago > 260 s
    h.rx(H1, v3(IS_EX, G));
    EXPECT_EQ(h.s.memberships(h.now)[0].compat_version, 3u);
    h.rx(H1, v3(BLOCK, G, {S4(1)}));
    h.advance(3s);
    EXPECT_FALSE(h.forwarded(G, S4(1), H1)) << "v3 again: BLOCK honoured";
}

TEST(Compat, mldv1_host_makes_the_group_mldv1_compatible) {
    Harness h;
    const IpAddr g6 = A("ff0e::7");
    h.rx(H1, v2_report(g6));
    EXPECT_EQ(h.s.memberships(h.now)[0].compat_version, 1u);
    h.rx(H1, v3(BLOCK, g6, {S6(1)}));
    EXPECT_TRUE(h.forwarded(g6, S6(1), H1));
}

// ---- limits and filters ----

TEST(Limits, per_port_limit_denies_and_counts) {
    Harness h(with([](SnoopConfig& c) { c.max_groups_per_port = 2; }));
    h.rx(H1, v2_report(A("239.0.0.1")));
    h.rx(H1, v2_report(A("239.0.0.2")));
    h.rx(H1, v2_report(A("239.0.0.3")));
    EXPECT_EQ(h.fwd(A("239.0.0.3")), std::nullopt);
    EXPECT_EQ(h.s.counters().denied_limit, 1u);
    h.rx(H2, v2_report(A("239.0.0.3")));
    EXPECT_EQ(h.fwd(A("239.0.0.3")), PortSet::of({H2})) << "other ports are not starved";
    h.rx(H1, v2_report(A("239.0.0.1")));
    EXPECT_EQ(h.fwd(A("239.0.0.1")), PortSet::of({H1})) << "refreshing an existing membership is fine";
}

TEST(Limits, per_port_limit_replace_evicts_the_least_recently_refreshed) {
    Harness h(with([](SnoopConfig& c) {
        c.max_groups_per_port = 2;
        c.limit_action = LimitAction::replace;
    }));
    h.rx(H1, v2_report(A("239.0.0.1")));
    h.advance(1s);
    h.rx(H1, v2_report(A("239.0.0.2")));
    h.advance(1s);
    h.rx(H1, v2_report(A("239.0.0.1")));  // .1 refreshed: .2 is now the oldest
    h.rx(H1, v2_report(A("239.0.0.3")));
    EXPECT_EQ(h.fwd(A("239.0.0.2")), std::nullopt);
    EXPECT_EQ(h.fwd(A("239.0.0.1")), PortSet::of({H1}));
    EXPECT_EQ(h.fwd(A("239.0.0.3")), PortSet::of({H1}));
    EXPECT_EQ(h.s.counters().replaced_limit, 1u);
}

TEST(Limits, per_vlan_limit_denies_new_groups_not_new_ports) {
    Harness h(with([](SnoopConfig& c) { c.max_groups_per_vlan = 1; }));
    h.rx(H1, v2_report(A("239.0.0.1")));
    h.rx(H2, v2_report(A("239.0.0.2")));
    h.rx(H2, v2_report(A("239.0.0.1")));
    EXPECT_EQ(h.fwd(A("239.0.0.2")), std::nullopt);
    EXPECT_EQ(h.fwd(A("239.0.0.1")), PortSet::of({H1, H2}));
}

TEST(Limits, global_limit_keeps_snooping_on) {
    Harness h(with([](SnoopConfig& c) { c.max_groups = 2; }));
    for (int i = 1; i <= 5; ++i) h.rx(H1, v2_report(Ipv4Addr{{239, 0, 0, static_cast<std::uint8_t>(i)}}));
    EXPECT_EQ(h.groups.size(), 2u) << "snooping stays on; the rest are denied, unlike Linux";
    EXPECT_EQ(h.s.counters().denied_limit, 3u);
}

TEST(Limits, records_and_sources_per_report_are_capped) {
    Harness h(with([](SnoopConfig& c) {
        c.max_records_per_report = 2;
        c.max_sources_per_record = 1;
    }));
    Message m = v3(IS_IN, A("232.0.0.1"), {S4(1), S4(2)});
    m.records.push_back({IS_EX, A("232.0.0.2"), {}, 0});
    m.records.push_back({IS_EX, A("232.0.0.3"), {}, 0});
    h.rx(H1, m);
    EXPECT_TRUE(h.forwarded(A("232.0.0.1"), S4(1), H1));
    EXPECT_FALSE(h.forwarded(A("232.0.0.1"), S4(2), H1));
    EXPECT_EQ(h.fwd(A("232.0.0.3")), std::nullopt);
    EXPECT_EQ(h.s.counters().truncated_records, 2u);
}

// ---- ports ----

TEST(Ports, port_down_removes_its_memberships_at_once) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H2, v2_report(G));
    h.port(H1, false);
    EXPECT_EQ(h.fwd(G), PortSet::of({H2}));
    h.port(H2, false);
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(Ports, port_down_removes_its_router_status) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 2), A("10.0.0.1"));
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({R}));
    h.port(R, false);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Ports, reports_on_a_down_port_are_not_forwarded_to_it) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 2), A("10.0.0.1"));
    h.port(H2, false);
    EXPECT_FALSE(h.rx(H1, query(IpFamily::v4, 2), A("10.0.0.1")).forward.contains(H2));
}

}  // namespace
}  // namespace l2snoop::test
