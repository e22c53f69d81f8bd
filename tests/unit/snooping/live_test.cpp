// Live changes to the engine (the control channel's verbs, SIGHUP): they
// take effect at once and keep every other piece of state.
#include "tests/unit/snooping/harness.h"

namespace l2snoop::test {
namespace {

using namespace std::chrono_literals;

const IpAddr G = A("239.1.1.1"), G2 = A("239.1.1.2");
const PortId R = 0, H1 = 1, H2 = 2, H3 = 3;

TEST(Live, a_router_port_added_to_one_vlan_gets_its_reports_at_once) {
    Harness h;
    EXPECT_TRUE(h.rx(H1, v2_report(G)).forward.empty()) << "no router yet";
    SnoopConfig c = h.s.config();
    c.vlan_router_ports[kVlan] = PortSet::of({R});
    h.reconfigure(c);
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({R}));
    EXPECT_EQ(h.routers[IpFamily::v6], PortSet::of({R}));
    EXPECT_EQ(h.rx(H1, v2_report(G)).forward, PortSet::of({R}));
    EXPECT_EQ(h.fwd(G), PortSet::of({H1})) << "the membership is kept";
    c.vlan_router_ports[kVlan] = {};
    h.reconfigure(c);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Live, a_router_port_of_another_vlan_is_not_one_here) {
    Harness h;
    SnoopConfig c = h.s.config();
    c.vlan_router_ports[kVlan + 1] = PortSet::of({R});
    h.reconfigure(c);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Live, fast_leave_turned_on_prunes_the_next_leave_at_once) {
    Harness h;
    h.rx(H1, v2_report(G));
    SnoopConfig c = h.s.config();
    c.fast_leave = PortSet::of({H1});
    h.reconfigure(c);
    h.rx(H1, leave(G));
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST(Live, router_learning_turned_off_drops_the_learned_router) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));
    EXPECT_EQ(h.routers[IpFamily::v4], PortSet::of({R}));
    SnoopConfig c = h.s.config();
    c.no_router_learning = PortSet::of({R});
    h.reconfigure(c);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
}

TEST(Live, flushing_a_port_forgets_its_memberships_only) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H2, v2_report(G));
    h.rx(H1, v3(IS_EX, G2));
    EXPECT_EQ(h.flush(kVlan, H1), 2u);
    EXPECT_EQ(h.fwd(G), PortSet::of({H2}));
    EXPECT_EQ(h.fwd(G2), std::nullopt) << "its last member gone, the group is unregistered";
    EXPECT_EQ(h.s.tracked_hosts(H1), 0u);
}

TEST(Live, flushing_one_group_leaves_the_others) {
    Harness h;
    h.rx(H1, v2_report(G));
    h.rx(H1, v2_report(G2));
    EXPECT_EQ(h.flush(kVlan, std::nullopt, G), 1u);
    EXPECT_EQ(h.fwd(G), std::nullopt);
    EXPECT_EQ(h.fwd(G2), PortSet::of({H1}));
}

TEST(Live, flushing_a_vlan_keeps_its_static_memberships) {
    Harness h;
    h.set_static(G, PortSet::of({H3}));
    h.rx(H1, v2_report(G));
    h.flush(kVlan, std::nullopt);
    EXPECT_EQ(h.fwd(G), PortSet::of({H3}));
}

TEST(Live, snooping_off_forgets_the_vlans_memberships_and_on_asks_again) {
    SnoopConfig c;
    c.querier = true;
    Harness h(c);
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));
    h.rx(H1, v2_report(G));
    h.take_sent();
    ASSERT_TRUE(h.snooping(false));
    EXPECT_EQ(h.fwd(G), std::nullopt);
    EXPECT_TRUE(h.routers[IpFamily::v4].empty());
    EXPECT_TRUE(h.rx(H1, v2_report(G)).forward.size() == 3u) << "snooping off: reports are flooded like any frame";
    EXPECT_EQ(h.fwd(G), std::nullopt) << "and not learned";
    ASSERT_TRUE(h.snooping(true));
    h.run_timers();  // the control thread runs them right after a change
    bool queried = false;
    for (const auto& s : h.take_sent()) queried |= s.msg.type == MessageType::query;
    EXPECT_TRUE(queried) << "start-up queries rebuild the memberships";
    h.rx(H1, v2_report(G));
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
}

TEST(Live, snooping_of_an_unknown_vlan_is_refused) {
    Harness h;
    EXPECT_FALSE(h.s.set_vlan_snooping(kVlan + 1, false, h.now, h.out));
}

}  // namespace
}  // namespace l2snoop::test

namespace l2snoop::test {
namespace {

// ---- counters per port and per VLAN ----

TEST(PortCounters, messages_are_counted_on_their_port_and_vlan_by_version) {
    SnoopConfig c;
    c.port_filters[H2] = {"none", {{false, {A("239.0.0.0"), 8}}}};
    Harness h(c);
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));
    h.rx(H1, v2_report(G));
    h.rx(H1, v1_report(G2));
    h.rx(H1, leave(G));
    h.rx(H1, v3(IS_EX, A("ff0e::1")));
    h.rx(H2, v2_report(G));  // filtered
    const ProtoCounters& p1 = h.s.port_counters().at(H1);
    EXPECT_EQ(p1.igmp_reports[2], 1u);
    EXPECT_EQ(p1.igmp_reports[1], 1u);
    EXPECT_EQ(p1.igmp_leaves, 1u);
    EXPECT_EQ(p1.mld_reports[2], 1u);
    EXPECT_EQ(p1.filtered, 0u);
    EXPECT_EQ(h.s.port_counters().at(R).igmp_queries[3], 1u);
    EXPECT_EQ(h.s.port_counters().at(H2).filtered, 1u);
    const ProtoCounters& v = h.s.vlan_counters().at(kVlan);
    EXPECT_EQ(v.igmp_reports[2], 2u) << "both ports' v2 reports";
    EXPECT_EQ(v.filtered, 1u);
}

TEST(PortCounters, queries_sent_are_counted_per_port_and_once_per_vlan) {
    SnoopConfig c;
    c.querier = true;
    c.querier_address4[kVlan] = Ipv4Addr{{10, 0, 0, 1}};
    Harness h(c);  // start-up general queries to the four ports
    EXPECT_EQ(h.s.vlan_counters().at(kVlan).igmp_queries_sent[3], 1u);
    for (PortId p : {R, H1, H2, H3}) EXPECT_EQ(h.s.port_counters().at(p).igmp_queries_sent[3], 1u) << p;
    EXPECT_EQ(h.s.vlan_counters().at(kVlan).mld_queries_sent[2], 1u);
}

TEST(PortCounters, elections_are_counted_per_vlan) {
    SnoopConfig c;
    c.querier = true;
    c.querier_address4[kVlan] = Ipv4Addr{{10, 0, 0, 5}};
    Harness h(c);
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));  // lower: it wins
    EXPECT_EQ(h.s.vlan_counters().at(kVlan).elections_lost, 1u);
    h.advance(256s);  // it went silent: we take over
    EXPECT_EQ(h.s.vlan_counters().at(kVlan).elections_won, 1u);
}

TEST(PortCounters, limit_hits_are_counted_on_their_port) {
    SnoopConfig c;
    c.max_groups_per_port = 1;
    Harness h(c);
    h.rx(H1, v2_report(G));
    h.rx(H1, v2_report(G2));
    EXPECT_EQ(h.s.port_counters().at(H1).limit_denied, 1u);
    EXPECT_EQ(h.s.vlan_counters().at(kVlan).limit_denied, 1u);
}

}  // namespace
}  // namespace l2snoop::test

namespace l2snoop::test {
namespace {

// ---- the querier, live ----

std::size_t general_queries_sent(Harness& h, IpFamily f) {
    std::size_t n = 0;
    for (const auto& s : h.take_sent())
        n += s.msg.type == MessageType::query && s.msg.family == f && s.msg.group.is_unspecified();
    return n;
}

// `vlan set 10 querier on address 10.0.0.9` on a switch started with --querier off.
void turn_querier_on(Harness& h) {
    h.take_sent();
    SnoopConfig c = h.s.config();
    c.vlan_querier[kVlan] = true;
    c.querier_address4[kVlan] = Ipv4Addr{{10, 0, 0, 9}};
    h.reconfigure(c);
    h.run_timers();
}

TEST(LiveQuerier, turned_on_in_a_vlan_it_queries_at_once) {
    Harness h;
    turn_querier_on(h);
    EXPECT_EQ(general_queries_sent(h, IpFamily::v4), 1u);
    EXPECT_TRUE(h.s.queriers(h.now)[0].we_are_querier);
    EXPECT_EQ(h.s.queriers(h.now)[0].querier, A("10.0.0.9"));
}

TEST(LiveQuerier, turned_on_while_another_querier_is_heard_it_waits_for_the_election) {
    Harness h;
    h.rx(R, query(IpFamily::v4, 3), A("10.0.0.1"));
    turn_querier_on(h);
    EXPECT_EQ(general_queries_sent(h, IpFamily::v4), 0u) << "10.0.0.1 is lower and present";
    h.advance(256s);  // it goes silent: we take over
    EXPECT_TRUE(h.s.queriers(h.now)[0].we_are_querier);
}

TEST(LiveQuerier, turned_off_it_stops_querying_and_the_vlan_is_said_to_have_none) {
    SnoopConfig c;
    c.querier = true;
    Harness h(c);
    h.take_sent();
    c.querier = false;
    h.reconfigure(c);
    h.advance(300s);
    EXPECT_EQ(general_queries_sent(h, IpFamily::v4), 0u);
    EXPECT_FALSE(h.s.queriers(h.now)[0].querier_present);
    ASSERT_FALSE(h.querier_log.empty());
    EXPECT_FALSE(h.querier_log.back().present) << "the querier-lost warning";
}

TEST(LiveQuerier, a_new_address_is_used_by_the_next_query) {
    SnoopConfig c;
    c.querier = true;
    c.querier_address4[kVlan] = Ipv4Addr{{10, 0, 0, 9}};
    Harness h(c);
    h.take_sent();
    c.querier_address4[kVlan] = Ipv4Addr{{10, 0, 0, 7}};
    h.reconfigure(c);
    h.advance(126s);
    bool seen = false;
    for (const auto& s : h.take_sent())
        if (s.msg.type == MessageType::query && s.msg.family == IpFamily::v4) seen = s.src == A("10.0.0.7");
    EXPECT_TRUE(seen);
}

TEST(LiveQuerier, no_querier_policy_snoop_ends_the_flood_flood_started) {
    SnoopConfig c;
    c.no_querier_policy = NoQuerierPolicy::flood;
    Harness h(c);
    EXPECT_TRUE(h.flooding[IpFamily::v4]) << "no querier: flooding";
    c.no_querier_policy = NoQuerierPolicy::snoop;
    h.reconfigure(c);
    EXPECT_FALSE(h.flooding[IpFamily::v4]);
}

}  // namespace
}  // namespace l2snoop::test
