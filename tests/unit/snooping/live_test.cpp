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
