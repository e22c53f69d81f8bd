#include <gtest/gtest.h>

#include <vector>

#include "fdb/port_set.h"
#include "fdb/vlan_table.h"

namespace l2snoop::test {
namespace {

TEST(PortSet, set_algebra_is_bitwise) {
    const PortSet a = PortSet::of({0, 3, 5});
    const PortSet b = PortSet::of({3, 63});
    EXPECT_EQ((a | b), PortSet::of({0, 3, 5, 63}));
    EXPECT_EQ((a & b), PortSet::of({3}));
    EXPECT_EQ((a - b), PortSet::of({0, 5}));
    EXPECT_EQ(a.size(), 3u);
    EXPECT_TRUE(PortSet{}.empty());
    EXPECT_EQ(PortSet::first(4), PortSet::of({0, 1, 2, 3}));
    EXPECT_EQ(PortSet::first(64).size(), 64u);
}

TEST(PortSet, iterates_members_in_order) {
    std::vector<PortId> seen;
    for (PortId p : PortSet::of({63, 1, 17, 0})) seen.push_back(p);
    EXPECT_EQ(seen, (std::vector<PortId>{0, 1, 17, 63}));
}

TEST(PortSet, out_of_range_ports_are_never_members) {
    PortSet s;
    s.add(64);
    s.add(1000);
    EXPECT_TRUE(s.empty());
    EXPECT_FALSE(PortSet::first(64).contains(64));
}

TEST(PortSet, formats_for_telemetry) {
    EXPECT_EQ(PortSet::of({0, 2, 10}).to_string(), "0,2,10");
    EXPECT_EQ(PortSet{}.to_string(), "-");
}

TEST(VlanTable, each_vlan_has_its_own_sets) {
    VlanTable t;
    EXPECT_TRUE(t.set_members(10, PortSet::of({0, 1, 2})));
    EXPECT_TRUE(t.set_router_ports(10, IpFamily::v4, PortSet::of({2})));
    EXPECT_TRUE(t.set_router_ports(10, IpFamily::v6, PortSet::of({3})));
    EXPECT_TRUE(t.set_untagged(10, PortSet::of({0})));
    EXPECT_TRUE(t.set_flood_ports(10, PortSet::of({2})));
    EXPECT_TRUE(t.set_unregistered(10, UnregisteredPolicy::drop));
    EXPECT_TRUE(t.set_snooping(10, true));
    EXPECT_EQ(t.members(10), PortSet::of({0, 1, 2}));
    EXPECT_EQ(t.router_ports(10, IpFamily::v4), PortSet::of({2}));
    EXPECT_EQ(t.router_ports(10, IpFamily::v6), PortSet::of({3})) << "MLD routers never attract IPv4";
    EXPECT_EQ(t.untagged(10), PortSet::of({0}));
    EXPECT_EQ(t.flood_ports(10), PortSet::of({2}));
    EXPECT_EQ(t.unregistered(10), UnregisteredPolicy::drop);
    EXPECT_EQ(t.unregistered(20), UnregisteredPolicy::flood) << "the default";
    EXPECT_TRUE(t.snooping(10));
    EXPECT_TRUE(t.members(20).empty());
    EXPECT_FALSE(t.snooping(20));
}

TEST(VlanTable, out_of_range_vids_are_refused_and_read_empty) {
    VlanTable t;
    EXPECT_FALSE(t.set_members(4096, PortSet::of({1})));
    EXPECT_TRUE(t.members(4096).empty());
    EXPECT_FALSE(t.snooping(60000));
}

}  // namespace
}  // namespace l2snoop::test
