// Streams (dataplane/stream.h): a frame the workers do not parse, because it
// continues a run or its stream is cached, must be one the parser would have
// parsed like the frame whose decision it takes; and the cache must never
// answer with a decision other than the last one made for that stream at the
// tables' current version.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <random>

#include "dataplane/parse.h"
#include "dataplane/stream.h"
#include "snooping/codec.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

using Frame = std::vector<std::uint8_t>;

ParsedFrame parse(const Frame& f) { return parse_frame(f.data(), f.size()); }

ParsedFrame without_ttl(ParsedFrame p) {
    p.ttl = 0;
    return p;
}

std::optional<StreamKey> key(const Frame& f, PortId in = 0) {
    StreamKey k;
    if (!make_stream_key(f.data(), static_cast<std::uint16_t>(f.size()), in, k)) return std::nullopt;
    return k;
}

// Whether `next` continues the stream `opener` opened (both arriving on port
// 0), as a worker decides it within a burst (bytes) and across bursts (keys):
// the two must agree.
bool continues(const Frame& opener, const Frame& next) {
    const auto a = key(opener), b = key(next);
    if (!a) return false;
    const bool bytes = same_stream_bytes(opener.data(), static_cast<std::uint16_t>(opener.size()), a->l3, next.data(),
                                         static_cast<std::uint16_t>(next.size()));
    EXPECT_EQ(bytes, b && same_stream(*a, *b)) << "bytes and keys disagree";
    return bytes && ipv4_header_checksum_ok(next.data() + a->l3, 20);
}

Frame stream_frame(const char* group = "239.1.2.3") { return udp4_frame(ip4(group), ip4("192.0.2.1")); }

TEST(Stream, openers_are_plain_ip_multicast_data_untagged_or_one_dot1q_tag) {
    const auto plain = stream_frame();
    EXPECT_TRUE(opens_stream(parse(plain)));
    EXPECT_TRUE(opens_stream(parse(with_tag(plain, 10))));
    EXPECT_FALSE(opens_stream(parse(with_tag(with_tag(plain, 10), 100, 0x88a8))));
    EXPECT_FALSE(opens_stream(parse(with_tag(plain, 10, 0x88a8))));
    EXPECT_FALSE(opens_stream(parse(udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1")))));  // link-local: flooded
    Message q;
    q.type = MessageType::query;
    q.version = 3;
    EXPECT_FALSE(opens_stream(parse(build_frame(q, kHostMac, ip4("192.0.2.1")))));  // control, and IP options
}

TEST(Stream, every_opener_has_a_key_and_frames_of_other_shapes_have_none) {
    const auto plain = stream_frame();
    ASSERT_TRUE(key(plain));
    EXPECT_EQ(key(plain)->l3, 14);
    ASSERT_TRUE(key(with_tag(plain, 10)));
    EXPECT_EQ(key(with_tag(plain, 10))->l3, 18);
    EXPECT_FALSE(key(with_tag(plain, 10, 0x88a8)));
    EXPECT_FALSE(key(with_tag(with_tag(plain, 10), 100)));  // two 802.1Q tags
    EXPECT_FALSE(key(Frame(plain.begin(), plain.begin() + 33)));  // no room for the IPv4 header
    auto unicast = plain;
    unicast[0] = 0x02;
    EXPECT_FALSE(key(unicast));
    Message r;
    r.type = MessageType::report;
    r.version = 2;
    r.group = ip4("239.1.2.3");
    EXPECT_FALSE(key(build_frame(r, kHostMac, ip4("192.0.2.1")))) << "IP options (IGMP's router alert): no stream";
}

TEST(Stream, tos_identification_and_ttl_may_change_within_a_stream) {
    for (std::size_t tags = 0; tags < 2; ++tags) {
        auto opener = stream_frame();
        if (tags) opener = with_tag(opener, 10);
        const std::uint16_t l3 = parse(opener).l3_offset;
        auto next = opener;
        next[l3 + 1] = 0xb8;  // DSCP EF
        next[l3 + 4] = 0x12;  // identification
        next[l3 + 5] = 0x34;
        next[l3 + 8] = 3;  // TTL
        next[opener.size() - 1] ^= 0x5a;  // payload
        refresh_ipv4_checksum(next, l3);
        EXPECT_TRUE(continues(opener, next));
        EXPECT_EQ(without_ttl(parse(next)), without_ttl(parse(opener)));
        next[l3 + 10] ^= 1;  // the checksum is still verified frame by frame
        EXPECT_FALSE(continues(opener, next));
    }
}

TEST(Stream, a_frame_that_continues_a_stream_parses_like_its_opener) {
    // Every single-byte change of the headers, checksum refreshed or not: the
    // check may only say yes where the parser agrees with the opener.
    std::mt19937 rng(4541);
    for (std::size_t tags = 0; tags < 2; ++tags) {
        auto opener = stream_frame();
        if (tags) opener = with_tag(opener, 10);
        const ParsedFrame po = parse(opener);
        ASSERT_TRUE(opens_stream(po));
        std::size_t continued = 0, refused = 0;
        for (std::size_t pos = 0; pos < po.l3_offset + 20u; ++pos)
            for (int k = 0; k < 8; ++k)
                for (bool fix : {false, true}) {
                    auto next = opener;
                    next[pos] ^= static_cast<std::uint8_t>(1 + rng() % 255);
                    if (fix) refresh_ipv4_checksum(next, po.l3_offset);
                    if (continues(opener, next)) {
                        ASSERT_EQ(without_ttl(parse(next)), without_ttl(po)) << "byte " << pos;
                        ++continued;
                    } else {
                        ++refused;
                    }
                }
        // Only TOS, identification and TTL continue a stream, checksum refreshed
        // (and the checksum bytes themselves, which the refresh restores).
        EXPECT_EQ(continued, 6u * 8u);
        EXPECT_GT(refused, 0u);
    }
}

TEST(Stream, the_same_bytes_on_another_port_or_of_another_length_are_another_stream) {
    const auto f = stream_frame();
    EXPECT_FALSE(same_stream(*key(f, 0), *key(f, 1)));
    auto longer = f;
    longer.push_back(0);  // Ethernet padding: same IP header, another frame length
    EXPECT_FALSE(same_stream(*key(f), *key(longer)));
    EXPECT_TRUE(same_stream(*key(f, 3), *key(f, 3)));
}

// IPv6: UDP or TCP with no extension header, beyond link scope.
Frame stream6(const char* group = "ff0e::1:3") { return udp6_frame(ip6(group), ip6("2001:db8::1")); }

TEST(Stream6, openers_are_udp_or_tcp_with_no_extension_header_beyond_link_scope) {
    EXPECT_TRUE(opens_stream(parse(stream6())));
    EXPECT_TRUE(opens_stream(parse(with_tag(stream6(), 10))));
    EXPECT_FALSE(opens_stream(parse(with_tag(stream6(), 10, 0x88a8))));
    EXPECT_FALSE(opens_stream(parse(stream6("ff02::1:3")))) << "link scope: the VLAN's link-scope policy decides";
    EXPECT_FALSE(opens_stream(parse(stream6("ff02::1")))) << "all nodes: flooded";
    Message r;
    r.type = MessageType::report;
    r.version = 2;
    EXPECT_FALSE(opens_stream(parse(build_frame(r, kHostMac, ip6("fe80::1"))))) << "MLD: control";
}

TEST(Stream6, every_opener_has_a_key_and_other_shapes_have_none) {
    ASSERT_TRUE(key(stream6()));
    EXPECT_TRUE(key(stream6())->v6);
    EXPECT_EQ(key(stream6())->l3, 14);
    EXPECT_EQ(key(with_tag(stream6(), 10))->l3, 18);
    EXPECT_FALSE(key(with_tag(stream6(), 10, 0x88a8)));
    auto bad_mac = stream6();
    bad_mac[5] ^= 1;  // the MAC no longer carries the group: the parser drops it
    EXPECT_FALSE(key(bad_mac));
    EXPECT_EQ(parse(bad_mac).reason, Malformed::group_mac_mismatch);
    auto icmp = stream6();
    icmp[14 + 6] = 58;  // next header ICMPv6: may be MLD, parsed
    EXPECT_FALSE(key(icmp));
    auto hbh = stream6();
    hbh[14 + 6] = 0;
    EXPECT_FALSE(key(hbh));
    const auto s6 = stream6();
    EXPECT_FALSE(key(Frame(s6.begin(), s6.begin() + 53)));  // no room for the header
}

TEST(Stream6, an_ipv6_key_is_never_an_ipv4_key) {
    EXPECT_FALSE(same_stream(*key(stream6()), *key(stream_frame())));
    EXPECT_FALSE(same_stream(*key(stream6()), *key(with_tag(stream6(), 0))));
}

TEST(Stream6, a_frame_with_the_key_of_an_opener_parses_like_it) {
    // Every single-bit change of the headers: equal keys only where the
    // parser agrees (hop limit aside, and the source MAC, which no decision reads).
    for (std::size_t tags = 0; tags < 2; ++tags) {
        auto opener = stream6();
        if (tags) opener = with_tag(opener, 10);
        ParsedFrame po = parse(opener);
        ASSERT_TRUE(opens_stream(po));
        const auto ko = key(opener);
        ASSERT_TRUE(ko);
        std::size_t same = 0, other = 0;
        std::set<std::size_t> positions;
        for (std::size_t pos = 0; pos < po.l3_offset + 48u; ++pos)
            for (int bit = 0; bit < 8; ++bit) {
                auto next = opener;
                next[pos] ^= static_cast<std::uint8_t>(1u << bit);
                const auto kn = key(next);
                if (kn && same_stream(*ko, *kn)) {
                    ParsedFrame pn = parse(next);
                    pn.ttl = po.ttl;
                    pn.src_mac = po.src_mac;
                    ASSERT_EQ(pn, po) << "byte " << pos;
                    positions.insert(pos);
                    ++same;
                } else {
                    ++other;
                }
            }
        // The source MAC, traffic class and flow label, hop limit; and the UDP header and payload (not keyed).
        const std::size_t l3 = po.l3_offset;
        EXPECT_EQ(positions, (std::set<std::size_t>{6, 7, 8, 9, 10, 11, l3, l3 + 1, l3 + 2, l3 + 3, l3 + 7, l3 + 40,
                                                    l3 + 41, l3 + 42, l3 + 43, l3 + 44, l3 + 45, l3 + 46, l3 + 47}));
        EXPECT_GT(other, 0u);
    }
}

TEST(Stream6, the_same_stream_on_another_port_length_or_tag_priority_is_another_stream) {
    const auto f = stream6();
    EXPECT_FALSE(same_stream(*key(f, 0), *key(f, 1)));
    auto longer = f;
    longer.push_back(0);
    EXPECT_FALSE(same_stream(*key(f), *key(longer)));
    EXPECT_FALSE(same_stream(*key(with_tag(f, 10, 0x8100, 0)), *key(with_tag(f, 10, 0x8100, 5))));
}

StreamCache::Decision decision(PortSet::Bits ports, VlanId vid = 1) {
    return {ports, vid, static_cast<std::int8_t>(std::popcount(ports) == 1 ? std::countr_zero(ports) : -1), false};
}

TEST(Stream6, a_thousand_ipv6_streams_of_sixty_four_sources_all_find_their_place) {
    // IPv6 addresses vary in their last bytes: the key's hash must still
    // spread them (it once put 300 such streams in 81 buckets).
    StreamCache c(131072);
    std::vector<StreamKey> ks;
    char g[64], s[64];
    for (int i = 0; i < 1024; ++i) {
        std::snprintf(g, sizeof g, "ff0e::1:%x", i);
        std::snprintf(s, sizeof s, "2001:db8::%x", i % 64 + 1);
        ks.push_back(*key(udp6_frame(ip6(g), ip6(s))));
        c.insert(ks.back(), 7, decision(2));
    }
    int found = 0;
    for (const auto& k : ks) {
        StreamCache::Decision d;
        found += c.find(k, 7, d);
    }
    EXPECT_EQ(found, 1024);
}

TEST(StreamCache, a_decision_answers_only_at_the_version_it_was_made_at) {
    StreamCache c(64);
    const auto k = *key(stream_frame());
    StreamCache::Decision d;
    EXPECT_FALSE(c.find(k, 7, d)) << "empty";
    c.insert(k, 7, decision(0b110, 10));
    ASSERT_TRUE(c.find(k, 7, d));
    EXPECT_EQ(d.ports, 0b110u);
    EXPECT_EQ(d.vid, 10);
    EXPECT_EQ(d.single, -1);
    EXPECT_FALSE(c.find(k, 8, d)) << "a table changed since";
    EXPECT_FALSE(c.find(*key(stream_frame("239.1.2.4")), 7, d)) << "another stream";
    c.insert(k, 8, decision(0b1000));
    ASSERT_TRUE(c.find(k, 8, d));
    EXPECT_EQ(d.single, 3);
}

TEST(StreamCache, off_when_sized_zero_and_rounded_up_to_a_power_of_two) {
    EXPECT_EQ(StreamCache(0).size(), 0u);
    EXPECT_EQ(StreamCache(1000).size(), 1024u);
    EXPECT_EQ(StreamCache(1).size(), 4u);
}

TEST(StreamCache, two_streams_share_a_bucket_and_a_third_displaces_the_older) {
    // A 4-entry cache has two buckets: find three streams in one.
    StreamCache c(4);
    std::vector<StreamKey> same_bucket;
    const auto bucket = [](const StreamKey& k) { return k.hash >> 63; };
    for (int g = 1; same_bucket.size() < 3 && g < 250; ++g) {
        const std::string group = "239.1.1." + std::to_string(g);
        const auto k = *key(stream_frame(group.c_str()));
        if (bucket(k) == 0) same_bucket.push_back(k);
    }
    ASSERT_EQ(same_bucket.size(), 3u);
    StreamCache::Decision d;
    c.insert(same_bucket[0], 1, decision(1));
    c.insert(same_bucket[1], 1, decision(2));
    EXPECT_TRUE(c.find(same_bucket[0], 1, d));
    EXPECT_TRUE(c.find(same_bucket[1], 1, d));
    c.insert(same_bucket[2], 1, decision(4));
    EXPECT_FALSE(c.find(same_bucket[0], 1, d)) << "the older of the two went";
    ASSERT_TRUE(c.find(same_bucket[1], 1, d));
    EXPECT_EQ(d.ports, 2u);
    ASSERT_TRUE(c.find(same_bucket[2], 1, d));
    EXPECT_EQ(d.ports, 4u);
    // A stream's new decision replaces its stale entry, not its neighbour.
    c.insert(same_bucket[2], 2, decision(8));
    c.insert(same_bucket[1], 2, decision(16));
    ASSERT_TRUE(c.find(same_bucket[2], 2, d));
    EXPECT_EQ(d.ports, 8u);
    ASSERT_TRUE(c.find(same_bucket[1], 2, d));
    EXPECT_EQ(d.ports, 16u);
}

TEST(StreamCache, never_answers_other_than_the_last_decision_at_the_current_version) {
    // Random inserts and lookups over 300 streams on 3 ports in a 64-entry
    // cache, the version moving on now and then, against a model of the last
    // decision per (stream, version); also counts that it does answer.
    std::mt19937 rng(2026);
    std::vector<StreamKey> keys;
    for (int g = 0; g < 100; ++g)
        for (PortId p = 0; p < 3; ++p) {
            const std::string group = "239.2." + std::to_string(g / 250) + "." + std::to_string(g % 250 + 1);
            keys.push_back(*key(stream_frame(group.c_str()), p));
        }
    StreamCache c(64);
    std::map<std::pair<std::size_t, std::uint64_t>, PortSet::Bits> model;
    std::uint64_t version = 1;
    std::size_t answered = 0;
    for (int op = 0; op < 200000; ++op) {
        const std::size_t i = rng() % 40 < 39 ? rng() % 24 : rng() % keys.size();  // mostly a hot set
        if (rng() % 1000 == 0) ++version;
        StreamCache::Decision d;
        if (rng() % 4 == 0) {
            const PortSet::Bits ports = rng() & 0xffff;
            c.insert(keys[i], version, decision(ports));
            model[{i, version}] = ports;
        } else if (c.find(keys[i], version, d)) {
            ++answered;
            auto m = model.find({i, version});
            ASSERT_NE(m, model.end()) << "answered a stream never decided at this version";
            ASSERT_EQ(d.ports, m->second);
        }
    }
    EXPECT_GT(answered, 100000u);
}

}  // namespace
}  // namespace l2snoop::test
