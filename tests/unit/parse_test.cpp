// Hand-written parser scenarios beyond the scapy vectors: bounds, padding,
// properties over every prefix and over random bytes.
#include <gtest/gtest.h>

#include <random>

#include "dataplane/parse.h"
#include "snooping/codec.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

ParsedFrame parse(const std::vector<std::uint8_t>& f) { return parse_frame(f.data(), f.size()); }

std::vector<std::uint8_t> igmp_query_frame() {
    Message q;
    q.type = MessageType::query;
    q.version = 3;
    q.max_response = std::chrono::seconds(10);
    q.qrv = 2;
    q.qqi = std::chrono::seconds(125);
    return build_frame(q, kHostMac, ip4("192.0.2.1"));
}

std::vector<std::uint8_t> mld_report_frame() {
    Message r;
    r.family = IpFamily::v6;
    r.type = MessageType::v3_report;
    r.version = 2;
    r.records.push_back({RecordType::change_to_exclude, ip6("ff0e::1:3"), {}, 0});
    return build_frame(r, kHostMac, ip6("fe80::1"));
}

TEST(Parser, null_or_empty_input_is_truncated_l2) {
    EXPECT_EQ(parse_frame(nullptr, 100).reason, Malformed::truncated_l2);
    EXPECT_EQ(parse_frame(nullptr, 0).reason, Malformed::truncated_l2);
}

TEST(Parser, ethernet_padding_after_the_datagram_is_ignored) {
    auto f = udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1"), 4);
    const auto plain = parse(f);
    f.resize(f.size() + 20, 0xee);
    const auto padded = parse(f);
    EXPECT_EQ(padded.cls, FrameClass::mcast_data);
    EXPECT_EQ(padded.l4_length, plain.l4_length);
}

TEST(Parser, unicast_frames_are_not_inspected_at_l3) {
    auto f = udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1"));
    f[0] = 0x02;  // unicast destination MAC
    f[24] ^= 0xff;  // corrupt the IPv4 checksum: a switch does not care
    const auto p = parse(f);
    EXPECT_EQ(p.cls, FrameClass::unicast);
    EXPECT_EQ(p.ip_version, 0);
}

TEST(Parser, third_vlan_tag_is_payload) {
    auto f = with_tag(with_tag(with_tag(udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1")), 7), 10), 100, 0x88a8);
    const auto p = parse(f);
    EXPECT_EQ(p.tag_count, 2);
    EXPECT_EQ(p.ethertype, 0x8100);
    EXPECT_EQ(p.cls, FrameClass::other_multicast);
}

TEST(Parser, stacked_dot1q_tags_report_outer_and_inner) {
    auto f = with_tag(with_tag(udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1")), 20, 0x8100, 1), 30, 0x8100, 6);
    const auto p = parse(f);
    EXPECT_EQ(p.tag_count, 2);
    EXPECT_EQ(p.outer.vid, 30);
    EXPECT_EQ(p.outer.pcp, 6);
    EXPECT_EQ(p.inner.vid, 20);
    EXPECT_EQ(p.wire_vid(), 30);
    EXPECT_EQ(p.cls, FrameClass::mcast_data);
}

TEST(Parser, dei_bit_is_reported) {
    auto f = with_tag(udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1")), 0x1000 | 5);
    const auto p = parse(f);
    EXPECT_TRUE(p.outer.dei);
    EXPECT_EQ(p.outer.vid, 5);
}

TEST(Parser, ipv6_jumbogram_payload_length_zero_is_bad_length) {
    auto f = udp6_frame(ip6("ff0e::1:3"), ip6("2001:db8::1"));
    store_be16(&f[18], 0);
    EXPECT_EQ(parse(f).reason, Malformed::bad_ip_length);
}

TEST(Parser, ipv6_authentication_header_length_is_in_4_byte_units) {
    auto f = udp6_frame(ip6("ff0e::1:3"), ip6("2001:db8::1"));
    // Insert a 12-byte AH (payload len field 1 => (1+2)*4) before UDP.
    std::vector<std::uint8_t> ah = {17, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1};
    f.insert(f.begin() + 54, ah.begin(), ah.end());
    f[20] = 51;
    store_be16(&f[18], static_cast<std::uint16_t>(load_be16(&f[18]) + ah.size()));
    const auto p = parse(f);
    EXPECT_EQ(p.cls, FrameClass::mcast_data);
    EXPECT_EQ(p.l4_proto, 17);
    EXPECT_EQ(p.l4_offset, 54 + 12);
}

TEST(Parser, our_own_query_frame_is_igmp_control_with_router_alert) {
    const auto p = parse(igmp_query_frame());
    EXPECT_EQ(p.cls, FrameClass::control);
    EXPECT_EQ(p.control, ControlKind::igmp);
    EXPECT_TRUE(p.router_alert);
    EXPECT_EQ(p.ttl, 1);
    EXPECT_EQ(p.group, IpAddr(ip4("224.0.0.1")));
}

TEST(Parser, our_own_mld_report_is_mld_control_behind_hop_by_hop) {
    const auto p = parse(mld_report_frame());
    EXPECT_EQ(p.cls, FrameClass::control);
    EXPECT_EQ(p.control, ControlKind::mld);
    EXPECT_TRUE(p.router_alert);
    EXPECT_EQ(p.icmp6_type, 143);
    EXPECT_EQ(p.l4_offset, 14 + 40 + 8);
}

TEST(Parser, hop_by_hop_option_overrunning_header_is_malformed) {
    auto f = mld_report_frame();
    f[14 + 40 + 3] = 9;  // Router Alert option claims 9 bytes of data
    EXPECT_EQ(parse(f).reason, Malformed::bad_ipv6_ext_header);
}

TEST(Parser, router_alert_with_nonzero_value_is_not_mld_alert) {
    auto f = mld_report_frame();
    f[14 + 40 + 5] = 1;  // RA value 1 (RSVP)
    EXPECT_FALSE(parse(f).router_alert);
}

// Cutting a valid frame anywhere must give a named malformation (or, for cuts
// that leave the headers it needs, a sane parse), never an out-of-bounds read:
// ASan/UBSan builds run this too.
TEST(Parser, every_prefix_of_a_valid_frame_is_handled) {
    std::vector<std::vector<std::uint8_t>> frames = {
        udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1")),
        with_tag(with_tag(udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1")), 10), 100, 0x88a8),
        udp6_frame(ip6("ff0e::1:3"), ip6("2001:db8::1")),
        igmp_query_frame(),
        mld_report_frame(),
    };
    for (const auto& full : frames) {
        const auto whole = parse(full);
        ASSERT_NE(whole.cls, FrameClass::malformed);
        for (std::size_t n = 0; n < full.size(); ++n) {
            std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
            const auto p = parse(cut);
            // The datagram ends where the frame does (no padding): any cut loses part of it.
            ASSERT_EQ(p.cls, FrameClass::malformed) << "cut at " << n;
            ASSERT_NE(p.reason, Malformed::none);
            if (n < 14) {
                ASSERT_EQ(p.reason, Malformed::truncated_l2);
            }
        }
    }
}

TEST(Parser, random_bytes_never_break_invariants) {
    std::mt19937 rng(12345);
    std::vector<std::uint8_t> buf;
    const std::uint8_t prefixes[][3] = {{0x01, 0x00, 0x5e}, {0x33, 0x33, 0x00}, {0x01, 0x80, 0xc2}, {0xff, 0xff, 0xff}};
    for (int i = 0; i < 200000; ++i) {
        buf.resize(rng() % 200);
        for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
        if (buf.size() > 14) {
            const auto& pre = prefixes[rng() % 4];
            std::copy(pre, pre + 3, buf.begin());
            buf[12] = (rng() & 1) ? 0x08 : 0x86;
            buf[13] = buf[12] == 0x08 ? 0x00 : 0xdd;
            if (buf.size() > 20) buf[14] = buf[12] == 0x08 ? 0x45 : 0x60;
        }
        const auto p = parse_frame(buf.data(), buf.size());
        ASSERT_EQ(p.cls == FrameClass::malformed, p.reason != Malformed::none);
        if (p.cls == FrameClass::control || p.cls == FrameClass::mcast_data) {
            ASSERT_LE(std::size_t{p.l4_offset} + p.l4_length, buf.size());
            ASSERT_TRUE(p.group.is_multicast());
            ASSERT_EQ(group_mac(p.group), p.dst_mac);
        }
    }
}

TEST(Parser, parsing_into_a_reused_frame_forgets_the_previous_frame) {
    // Workers parse each burst into the same scratch frames: nothing of an
    // earlier frame (tags, addresses, flags, reasons) may survive into a later one.
    std::vector<std::vector<std::uint8_t>> frames = {
        with_tag(with_tag(igmp_query_frame(), 10), 100, 0x88a8),
        mld_report_frame(),
        udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1")),
        udp6_frame(ip6("ff0e::1:3"), ip6("2001:db8::1")),
        std::vector<std::uint8_t>(20, 0xff),
        std::vector<std::uint8_t>(5, 0x01),
    };
    std::mt19937 rng(777);
    for (int i = 0; i < 2000; ++i) {
        auto f = udp4_frame(ip4("239.1.2.3"), ip4("192.0.2.1"));
        f[rng() % f.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
        frames.push_back(f);
    }
    ParsedFrame reused;
    for (std::size_t round = 0; round < 2; ++round)
        for (std::size_t i = 0; i < frames.size(); ++i) {
            const auto& f = frames[(i * 7 + round) % frames.size()];
            parse_frame(f.data(), f.size(), reused);
            ASSERT_EQ(reused, parse(f)) << "frame " << i;
        }
}

}  // namespace
}  // namespace l2snoop::test
