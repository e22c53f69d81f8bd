#include <gtest/gtest.h>

#include "fdb/addr.h"
#include "fdb/checksum.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

TEST(GroupMac, ipv4_group_maps_to_01005e_and_low_23_bits) {
    EXPECT_EQ(group_mac(ip4("239.1.2.3")).to_string(), "01:00:5e:01:02:03");
    EXPECT_EQ(group_mac(ip4("239.255.255.250")).to_string(), "01:00:5e:7f:ff:fa");
}

TEST(GroupMac, thirty_two_ipv4_groups_alias_to_one_mac) {
    // RFC 1112 §6.4: the top 5 bits of the group's low 28 are lost.
    const MacAddr m = group_mac(ip4("224.1.1.1"));
    EXPECT_EQ(group_mac(ip4("225.1.1.1")), m);
    EXPECT_EQ(group_mac(ip4("239.129.1.1")), m);
    EXPECT_NE(group_mac(ip4("224.1.1.2")), m);
    int aliases = 0;
    for (std::uint32_t hi = 0; hi < 16; ++hi)
        for (std::uint32_t bit = 0; bit < 2; ++bit)
            if (group_mac(Ipv4Addr::from_host((0xe0u + hi) << 24 | bit << 23 | 0x010101)) == m) ++aliases;
    EXPECT_EQ(aliases, 32);
}

TEST(GroupMac, ipv6_group_maps_to_3333_and_low_32_bits) {
    EXPECT_EQ(group_mac(ip6("ff02::1:ff00:2")).to_string(), "33:33:ff:00:00:02");
    EXPECT_EQ(group_mac(ip6("ff0e::1:3")).to_string(), "33:33:00:01:00:03");
    EXPECT_EQ(group_mac(IpAddr(ip6("ff02::16"))), group_mac(ip6("ff05::16")));
}

TEST(MacAddr, classifies_group_addresses) {
    EXPECT_TRUE(MacAddr::parse("01:00:5e:7f:00:01")->is_ipv4_multicast());
    EXPECT_FALSE(MacAddr::parse("01:00:5e:80:00:01")->is_ipv4_multicast());
    EXPECT_TRUE(MacAddr::parse("33:33:00:00:00:01")->is_ipv6_multicast());
    EXPECT_TRUE(MacAddr::parse("01:80:c2:00:00:0f")->is_ieee_reserved());
    EXPECT_FALSE(MacAddr::parse("01:80:c2:00:00:10")->is_ieee_reserved());
    EXPECT_TRUE(MacAddr::parse("ff:ff:ff:ff:ff:ff")->is_broadcast());
    EXPECT_FALSE(MacAddr::parse("02:00:00:00:00:01")->is_multicast());
}

TEST(MacAddr, rejects_malformed_text) {
    EXPECT_FALSE(MacAddr::parse("01:00:5e:00:00"));
    EXPECT_FALSE(MacAddr::parse("01-00-5e-00-00-01"));
    EXPECT_FALSE(MacAddr::parse("01:00:5e:00:00:0g"));
    EXPECT_EQ(MacAddr::parse("0A:0b:0C:0d:0E:0f")->to_string(), "0a:0b:0c:0d:0e:0f");
}

TEST(IpAddr, parses_and_prints_both_families) {
    EXPECT_EQ(IpAddr::parse("239.1.1.1")->to_string(), "239.1.1.1");
    EXPECT_EQ(IpAddr::parse("ff02::16")->to_string(), "ff02::16");
    EXPECT_FALSE(IpAddr::parse("239.1.1"));
    EXPECT_FALSE(IpAddr::parse("ff02:::16"));
    EXPECT_FALSE(IpAddr::parse(std::string(100, '1')));
    EXPECT_NE(IpAddr(ip4("0.0.0.0")), IpAddr(ip6("::")));  // family is part of identity
}

TEST(IpAddr, knows_special_ranges) {
    EXPECT_TRUE(ip4("224.0.0.251").is_link_local_multicast());
    EXPECT_FALSE(ip4("224.0.1.1").is_link_local_multicast());
    EXPECT_TRUE(ip6("ff02::1").is_all_nodes());
    EXPECT_FALSE(ip6("ff05::1").is_all_nodes());
    EXPECT_EQ(ip6("ff05::1").multicast_scope(), 5);
    EXPECT_TRUE(ip6("fe80::1").is_link_local_unicast());
    EXPECT_FALSE(ip6("2001:db8::1").is_link_local_unicast());
}

TEST(Checksum, rfc1071_example_and_odd_length) {
    // RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
    const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(csum_fold(csum_partial(data)), static_cast<std::uint16_t>(~0xddf2));
    const std::uint8_t odd[] = {0x01};
    EXPECT_EQ(inet_checksum(odd), static_cast<std::uint16_t>(~0x0100));
}

}  // namespace
TEST(Ipv6Addr, solicited_node_groups_are_ff02_1_ff00_0_slash_104) {
    EXPECT_TRUE(Ipv6Addr::parse("ff02::1:ff00:2")->is_solicited_node());
    EXPECT_TRUE(Ipv6Addr::parse("ff02::1:ffab:cdef")->is_solicited_node());
    EXPECT_FALSE(Ipv6Addr::parse("ff02::1")->is_solicited_node());
    EXPECT_FALSE(Ipv6Addr::parse("ff02::fb")->is_solicited_node());
    EXPECT_FALSE(Ipv6Addr::parse("ff05::1:ff00:2")->is_solicited_node()) << "site scope";
    EXPECT_FALSE(Ipv6Addr::parse("ff02::2:ff00:2")->is_solicited_node());
}

}  // namespace l2snoop::test
