// Static memberships in the engine (`--static-group`, like `bridge mdb add
// ... permanent`): a static port gets every source of its group, and the
// engine keeps the group's (*,G) and (S,G) entries consistent with it.
#include "tests/unit/snooping/harness.h"

namespace l2snoop::test {
namespace {

const IpAddr G = A("239.10.10.10");
const PortId H1 = 1, H2 = 2, kStatic = 3;

class Static : public ::testing::Test {
protected:
    Harness h;
};

TEST_F(Static, a_static_group_forwards_with_no_report) {
    ASSERT_TRUE(h.set_static(G, PortSet::of({kStatic})));
    EXPECT_EQ(h.fwd(G), PortSet::of({kStatic}));
}

TEST_F(Static, a_static_port_gets_a_source_an_include_host_names) {
    h.set_static(G, PortSet::of({kStatic}));
    h.rx(H1, v3(IS_IN, G, {S4(1)}));
    EXPECT_EQ(h.fwd(G, S4(1)), PortSet::of({H1, kStatic})) << "the (S,G) entry carries the static port";
    EXPECT_EQ(h.fwd(G, S4(100)), PortSet::of({kStatic})) << "other sources: the static port only";
}

TEST_F(Static, a_static_port_gets_a_source_an_exclude_host_blocks) {
    h.set_static(G, PortSet::of({kStatic}));
    h.rx(H1, v3(IS_EX, G, {S4(20)}));
    h.advance(3s);  // past the last-member queries: .20 blocked on H1
    EXPECT_EQ(h.fwd(G, S4(20)), PortSet::of({kStatic}));
    EXPECT_EQ(h.fwd(G, S4(100)), PortSet::of({H1, kStatic}));
}

TEST_F(Static, when_the_last_dynamic_member_leaves_no_source_entry_stays) {
    h.set_static(G, PortSet::of({kStatic}));
    h.rx(H1, v3(IS_IN, G, {S4(1)}));
    h.rx(H2, v2_report(G));
    ASSERT_FALSE(h.sources.empty());
    h.advance(261s);  // both memberships time out
    EXPECT_EQ(h.fwd(G), PortSet::of({kStatic})) << "the static port stays";
    EXPECT_TRUE(h.sources.empty()) << "no (S,G) entry sends .1 to ports that left";
}

TEST_F(Static, a_leave_never_removes_the_static_port) {
    h.set_static(G, PortSet::of({kStatic}));
    h.rx(kStatic, v2_report(G));
    h.rx(kStatic, leave(G));
    h.advance(5s);
    EXPECT_EQ(h.fwd(G), PortSet::of({kStatic}));
}

TEST_F(Static, removing_it_leaves_what_snooping_learned) {
    h.set_static(G, PortSet::of({kStatic}));
    h.rx(H1, v2_report(G));
    h.set_static(G, {});
    EXPECT_EQ(h.fwd(G), PortSet::of({H1}));
    h.advance(261s);
    EXPECT_EQ(h.fwd(G), std::nullopt) << "and then the group goes like any other";
}

TEST_F(Static, removing_a_static_only_group_unregisters_it) {
    h.set_static(G, PortSet::of({kStatic}));
    h.set_static(G, {});
    EXPECT_EQ(h.fwd(G), std::nullopt);
}

TEST_F(Static, only_vlans_added_and_multicast_groups_are_accepted) {
    EXPECT_FALSE(h.set_static(G, PortSet::of({kStatic}), 99));
    EXPECT_FALSE(h.set_static(A("192.0.2.1"), PortSet::of({kStatic})));
    EXPECT_TRUE(h.fdb_log.empty());
}

TEST_F(Static, ports_outside_the_vlan_are_left_out) {
    h.set_static(G, PortSet::of({kStatic, 40}));
    EXPECT_EQ(h.fwd(G), PortSet::of({kStatic}));
}

// ---- static (S,G) ----

TEST_F(Static, a_static_source_forwards_that_source_only) {
    ASSERT_TRUE(h.set_static_source(G, S4(1), PortSet::of({kStatic})));
    EXPECT_EQ(h.fwd(G, S4(1)), PortSet::of({kStatic}));
    EXPECT_EQ(h.fwd(G, S4(100)), PortSet{}) << "registered: other sources go nowhere, not flooded";
}

TEST_F(Static, a_static_source_adds_to_what_hosts_ask_for) {
    h.set_static_source(G, S4(1), PortSet::of({kStatic}));
    h.rx(H1, v2_report(G));  // EXCLUDE {}: every source
    EXPECT_EQ(h.fwd(G, S4(1)), PortSet::of({H1, kStatic}));
    EXPECT_EQ(h.fwd(G, S4(100)), PortSet::of({H1}));
    h.advance(261s);
    EXPECT_EQ(h.fwd(G, S4(1)), PortSet::of({kStatic})) << "the host timed out, the static source stays";
}

TEST_F(Static, removing_the_last_static_source_unregisters_the_group) {
    h.set_static_source(G, S4(1), PortSet::of({kStatic}));
    h.set_static_source(G, S4(1), {});
    EXPECT_EQ(h.fwd(G), std::nullopt);
    EXPECT_TRUE(h.sources.empty());
}

TEST_F(Static, a_static_source_must_be_a_unicast_address_of_the_groups_family) {
    EXPECT_FALSE(h.set_static_source(G, A("239.1.1.1"), PortSet::of({kStatic})));
    EXPECT_FALSE(h.set_static_source(G, A("2001:db8::1"), PortSet::of({kStatic})));
    EXPECT_FALSE(h.set_static_source(G, A("0.0.0.0"), PortSet::of({kStatic})));
    EXPECT_TRUE(h.fdb_log.empty());
}

}  // namespace
}  // namespace l2snoop::test
