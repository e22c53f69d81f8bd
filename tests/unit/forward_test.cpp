// The forwarding decision as a table (RFC 4541 §2.1.2 and the switch's
// policies): frame class × registered or not × the unregistered policy ×
// router ports × flood ports × link-local groups × snooping off × the
// no-querier flood × IPv6 link scope × a port that is down. EAL-free.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "dataplane/forward.h"
#include "dataplane/parse.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

constexpr VlanId kVid = 10;
// VLAN 10: ports 0-5; IGMP router port 3, MLD router port 4, flood port 5
// (and 7, which is not in the VLAN). The group's FDB entry, when registered: port 1.
const PortSet kMembers = PortSet::of({0, 1, 2, 3, 4, 5});
const PortSet kGroupPorts = PortSet::of({1});

struct Row {
    std::string name;
    std::vector<std::uint8_t> frame;
    bool registered;
    std::function<void(VlanTable&)> setup;  // on top of the base VLAN
    PortSet expected;
    PortId in = 0;
};

void base_vlan(VlanTable& t) {
    t.set_members(kVid, kMembers);
    t.set_untagged(kVid, kMembers);
    t.set_snooping(kVid, true);
    t.set_router_ports(kVid, IpFamily::v4, PortSet::of({3}));
    t.set_router_ports(kVid, IpFamily::v6, PortSet::of({4}));
    t.set_flood_ports(kVid, PortSet::of({5, 7}));
}

auto policy(UnregisteredPolicy u) {
    return [u](VlanTable& t) { t.set_unregistered(kVid, u); };
}
void nothing(VlanTable&) {}
// GMRP/MMRP service requirements: Forward All Groups and Forward All
// Unregistered Groups ports, under `u`.
auto services(PortSet all, PortSet unregistered, UnregisteredPolicy u = UnregisteredPolicy::flood) {
    return [=](VlanTable& t) {
        t.set_unregistered(kVid, u);
        t.set_forward_all(kVid, all);
        t.set_forward_unregistered(kVid, unregistered);
    };
}

const auto v4data = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
const auto v6data = udp6_frame(ip6("ff0e::1:3"), ip6("2001:db8::1"));
const auto v6link = udp6_frame(ip6("ff02::fb"), ip6("fe80::1"));
const auto v4link = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
const auto v6nd = udp6_frame(ip6("ff02::1:ff00:2"), ip6("fe80::1"));  // solicited-node

// Non-IP multicast (a local experimental EtherType to a group MAC outside 01:00:5e / 33:33).
std::vector<std::uint8_t> non_ip_multicast() {
    auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    const std::uint8_t dst[6] = {0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcd};
    std::copy(dst, dst + 6, f.begin());
    f[12] = 0x88;
    f[13] = 0xb5;
    return f;
}

std::vector<std::uint8_t> broadcast() {
    auto f = udp4_frame(ip4("192.0.2.255"), ip4("192.0.2.1"));
    std::fill(f.begin(), f.begin() + 6, 0xff);
    return f;
}
std::vector<std::uint8_t> unicast() {
    auto f = udp4_frame(ip4("192.0.2.9"), ip4("192.0.2.1"));
    const MacAddr d = unicast_mac(9);
    std::copy(d.b.begin(), d.b.end(), f.begin());
    return f;
}

const PortSet kAllButIn = kMembers - PortSet::of({0});

std::vector<Row> rows() {
    using U = UnregisteredPolicy;
    return {
        {"registered_v4_goes_to_its_ports_and_igmp_routers", v4data, true, nothing, PortSet::of({1, 3})},
        {"registered_v6_goes_to_its_ports_and_mld_routers", v6data, true, nothing, PortSet::of({1, 4})},
        {"registered_v4_under_drop_still_reaches_routers", v4data, true, policy(U::drop), PortSet::of({1, 3})},
        {"unregistered_flood_reaches_every_member", v4data, false, policy(U::flood), kAllButIn},
        {"unregistered_router_reaches_routers_and_flood_ports", v4data, false, policy(U::router), PortSet::of({3, 5})},
        {"unregistered_router_v6_reaches_mld_routers", v6data, false, policy(U::router), PortSet::of({4, 5})},
        {"unregistered_drop_reaches_flood_ports_only", v4data, false, policy(U::drop), PortSet::of({5})},
        {"unregistered_drop_v6_reaches_flood_ports_only", v6data, false, policy(U::drop), PortSet::of({5})},
        {"unregistered_drop_without_flood_ports_goes_nowhere", v4data, false,
         [](VlanTable& t) {
             t.set_unregistered(kVid, UnregisteredPolicy::drop);
             t.set_flood_ports(kVid, {});
         },
         {}},
        {"snooping_off_floods_ip_multicast", v4data, false, [](VlanTable& t) { t.set_snooping(kVid, false); },
         kAllButIn},
        // With snooping off the snooper publishes no group: a hit is a MAC registered at layer 2.
        {"snooping_off_a_layer2_registered_mac_goes_to_its_ports", v4data, true,
         [](VlanTable& t) { t.set_snooping(kVid, false); }, PortSet::of({1})},
        {"layer2_registered_non_ip_goes_to_its_ports_only", non_ip_multicast(), true, nothing, PortSet::of({1})},
        {"layer2_registered_non_ip_reaches_forward_all_groups_too", non_ip_multicast(), true,
         services(PortSet::of({2}), PortSet::of({4})), PortSet::of({1, 2})},
        {"unregistered_non_ip_floods_whatever_the_service_requirements", non_ip_multicast(), false,
         services({}, PortSet::of({4}), U::drop), kAllButIn},
        {"registered_v4_reaches_forward_all_groups_not_forward_unregistered", v4data, true,
         services(PortSet::of({2}), PortSet::of({4})), PortSet::of({1, 2, 3})},
        {"unregistered_drop_reaches_both_service_requirements", v4data, false,
         services(PortSet::of({2}), PortSet::of({4}), U::drop), PortSet::of({2, 4, 5})},
        {"service_requirements_only_within_the_vlan", v4data, false, services(PortSet::of({9}), {}, U::drop),
         PortSet::of({5})},
        {"no_querier_flood_v4_floods_ipv4", v4data, true, [](VlanTable& t) { t.set_flood_all(kVid, IpFamily::v4, true); },
         kAllButIn},
        {"no_querier_flood_v4_leaves_ipv6_snooped", v6data, true,
         [](VlanTable& t) { t.set_flood_all(kVid, IpFamily::v4, true); }, PortSet::of({1, 4})},
        {"link_local_ipv4_floods_under_drop", v4link, false, policy(U::drop), kAllButIn},
        {"non_ip_multicast_floods_under_drop", non_ip_multicast(), false, policy(U::drop), kAllButIn},
        {"ipv6_link_scope_is_snooped_by_default", v6link, false, policy(U::drop), PortSet::of({5})},
        {"ipv6_link_scope_floods_when_configured", v6link, false,
         [](VlanTable& t) {
             t.set_unregistered(kVid, UnregisteredPolicy::drop);
             t.set_flood_link_scope6(kVid, true);
         },
         kAllButIn},
        {"solicited_node_is_snooped_by_default", v6nd, false, policy(U::drop), PortSet::of({5})},
        {"solicited_node_floods_when_configured", v6nd, false,
         [](VlanTable& t) {
             t.set_unregistered(kVid, UnregisteredPolicy::drop);
             t.set_flood_solicited_node6(kVid, true);
         },
         kAllButIn},
        {"other_link_scope_stays_snooped_when_only_solicited_node_floods", v6link, false,
         [](VlanTable& t) {
             t.set_unregistered(kVid, UnregisteredPolicy::drop);
             t.set_flood_solicited_node6(kVid, true);
         },
         PortSet::of({5})},
        {"never_back_to_the_ingress_router_port", v4data, true, nothing, PortSet::of({1}), 3},
        {"broadcast_floods", broadcast(), false, policy(U::drop), kAllButIn},
        {"unknown_unicast_floods", unicast(), false, policy(U::drop), kAllButIn},
        {"a_vlan_without_members_goes_nowhere", v4data, false, [](VlanTable& t) { t.set_members(kVid, {}); }, {}},
    };
}

class ForwardingTable : public ::testing::TestWithParam<Row> {};

TEST_P(ForwardingTable, egress_ports) {
    const Row& r = GetParam();
    VlanTable t;
    base_vlan(t);
    r.setup(t);
    const ParsedFrame f = parse_frame(r.frame.data(), r.frame.size());
    ASSERT_NE(f.cls, FrameClass::malformed);
    const PortSet got = egress_ports(f, r.in, kVid, r.registered ? &kGroupPorts : nullptr, t);
    EXPECT_EQ(got, r.expected) << "got " << got.to_string() << ", want " << r.expected.to_string();
}

INSTANTIATE_TEST_SUITE_P(Rfc4541, ForwardingTable, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& i) { return i.param.name; });

TEST(ForwardingDecision, known_unicast_goes_to_its_port_in_the_vlan_only) {
    VlanTable t;
    base_vlan(t);
    EXPECT_EQ(unicast_ports(2, 0, kVid, t), PortSet::of({2}));
    EXPECT_EQ(unicast_ports(0, 0, kVid, t), PortSet{}) << "never back where it came from";
    EXPECT_EQ(unicast_ports(7, 0, kVid, t), PortSet{}) << "a port outside the VLAN";
}

TEST(ForwardingDecision, a_down_port_gets_nothing) {
    VlanTable t;
    base_vlan(t);
    const Plan p = plan(PortSet::of({1, 2, 3}), kVid, Arrival::untagged, PortSet::of({0, 1, 3}), t);
    EXPECT_EQ(p.ports(), PortSet::of({1, 3}));
}

TEST(ForwardingDecision, tag_forms_follow_each_egress_port) {
    VlanTable t;
    base_vlan(t);
    t.set_untagged(kVid, PortSet::of({1, 2}));  // access ports; 3, 4 are trunks carrying VLAN 10 tagged
    const PortSet all = PortSet::of({1, 2, 3, 4});
    const PortSet up = PortSet::first(8);

    const Plan from_access = plan(all, kVid, Arrival::untagged, up, t);
    EXPECT_EQ(from_access.as_is, PortSet::of({1, 2}));
    EXPECT_EQ(from_access.tag, PortSet::of({3, 4}));
    EXPECT_TRUE(from_access.untag.empty());
    EXPECT_FALSE(from_access.uniform()) << "mixed forms: header + clone";

    const Plan from_trunk = plan(all, kVid, Arrival::tagged_vid, up, t);
    EXPECT_EQ(from_trunk.as_is, PortSet::of({3, 4}));
    EXPECT_EQ(from_trunk.untag, PortSet::of({1, 2}));
    EXPECT_TRUE(from_trunk.tag.empty());

    const Plan qinq = plan(all, kVid, Arrival::other, up, t);
    EXPECT_TRUE(qinq.as_is.empty()) << "an 802.1ad or other-VID outer tag is never kept";
    EXPECT_EQ(qinq.untag, PortSet::of({1, 2}));
    EXPECT_EQ(qinq.tag, PortSet::of({3, 4}));

    const Plan to_trunks = plan(PortSet::of({3, 4}), kVid, Arrival::untagged, up, t);
    EXPECT_EQ(to_trunks.uniform(), Rewrite::tag) << "every port tagged: rewritten once, in place";
    const Plan one = plan(PortSet::of({2}), kVid, Arrival::untagged, up, t);
    EXPECT_EQ(one.single, 2) << "one port, as received: the common case";
}

TEST(ForwardingDecision, arrival_reads_the_outer_tag) {
    const auto plain = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    const auto q10 = with_tag(plain, kVid);
    const auto q20 = with_tag(plain, 20);
    const auto ad10 = with_tag(with_tag(plain, kVid), kVid, 0x88a8);
    const auto prio = with_tag(plain, 0, 0x8100, 5);
    const auto arr = [](const std::vector<std::uint8_t>& f) { return arrival(parse_frame(f.data(), f.size()), kVid); };
    EXPECT_EQ(arr(plain), Arrival::untagged);
    EXPECT_EQ(arr(q10), Arrival::tagged_vid);
    EXPECT_EQ(arr(q20), Arrival::other);
    EXPECT_EQ(arr(ad10), Arrival::other);
    EXPECT_EQ(arr(prio), Arrival::other);
}

}  // namespace
}  // namespace l2snoop::test
