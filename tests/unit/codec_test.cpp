// IGMP/MLD/MRD codec scenarios: encodings, round trips, RFC validation rules.
#include <gtest/gtest.h>

#include "dataplane/parse.h"
#include "fdb/bytes.h"
#include "snooping/codec.h"
#include "tests/unit/facts.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const IpAddr kQuerier4 = ip4("192.0.2.1");
const IpAddr kQuerier6 = ip6("fe80::1");

Message query4(int version, IpAddr group = Ipv4Addr{}) {
    Message m;
    m.type = MessageType::query;
    m.version = static_cast<std::uint8_t>(version);
    m.group = group;
    m.max_response = version == 1 ? milliseconds(10000) : milliseconds(10000);
    if (version == 3) {
        m.qrv = 2;
        m.qqi = seconds(125);
    }
    return m;
}

Message query6(int version, IpAddr group = Ipv6Addr{}) {
    Message m = query4(version == 1 ? 2 : 3, group);
    m.family = IpFamily::v6;
    m.version = static_cast<std::uint8_t>(version);
    return m;
}

Message v3_report(IpFamily fam) {
    Message m;
    m.family = fam;
    m.type = MessageType::v3_report;
    m.version = fam == IpFamily::v4 ? 3 : 2;
    if (fam == IpFamily::v6) m.group = Ipv6Addr{};
    for (int t = 1; t <= 6; ++t) {
        GroupRecord r;
        r.type = static_cast<RecordType>(t);
        if (fam == IpFamily::v4) {
            r.group = Ipv4Addr::from_host(0xef010100u + static_cast<std::uint32_t>(t));
            for (int s = 0; s < t; ++s) r.sources.push_back(Ipv4Addr::from_host(0xc0000200u + static_cast<std::uint32_t>(s)));
        } else {
            r.group = ip6("ff0e::1");
            for (int s = 0; s < t; ++s) r.sources.push_back(ip6("2001:db8::1"));
        }
        m.records.push_back(r);
    }
    return m;
}

Message simple(IpFamily fam, MessageType type, int version, IpAddr group) {
    Message m;
    m.family = fam;
    m.type = type;
    m.version = static_cast<std::uint8_t>(version);
    m.group = group;
    return m;
}

// Decodes `m` after a trip through our encoder and the parser, as a switch
// receiving our frame would.
DecodeError decode_frame(const std::vector<std::uint8_t>& frame, Message& out) {
    const ParsedFrame p = parse_frame(frame.data(), frame.size());
    if (p.cls != FrameClass::control) return DecodeError::truncated;
    const IpContext ip{p.src, p.group, p.ttl, p.router_alert};
    return decode(p.ip_version == 4 ? IpFamily::v4 : IpFamily::v6,
                  std::span<const std::uint8_t>(frame).subspan(p.l4_offset, p.l4_length), ip, out);
}

std::vector<Message> every_message_kind() {
    std::vector<Message> all = {
        query4(1), query4(2), query4(2, ip4("239.1.1.1")), query4(3), query4(3, ip4("239.1.1.1")),
        query6(1), query6(1, ip6("ff0e::1")), query6(2), query6(2, ip6("ff0e::1")),
        simple(IpFamily::v4, MessageType::report, 1, ip4("239.1.1.1")),
        simple(IpFamily::v4, MessageType::report, 2, ip4("239.1.1.1")),
        simple(IpFamily::v4, MessageType::leave, 2, ip4("239.1.1.1")),
        simple(IpFamily::v6, MessageType::report, 1, ip6("ff0e::1")),
        simple(IpFamily::v6, MessageType::leave, 1, ip6("ff0e::1")),
        v3_report(IpFamily::v4), v3_report(IpFamily::v6),
        simple(IpFamily::v4, MessageType::mrd_solicitation, 0, Ipv4Addr{}),
        simple(IpFamily::v4, MessageType::mrd_termination, 0, Ipv4Addr{}),
        simple(IpFamily::v6, MessageType::mrd_solicitation, 0, Ipv6Addr{}),
        simple(IpFamily::v6, MessageType::mrd_termination, 0, Ipv6Addr{}),
    };
    Message gsq = query4(3, ip4("239.1.1.1"));
    gsq.sources = {ip4("192.0.2.7"), ip4("192.0.2.8")};
    gsq.suppress_router_processing = true;
    all.push_back(gsq);
    Message gsq6 = query6(2, ip6("ff0e::1"));
    gsq6.sources = {ip6("2001:db8::7")};
    gsq6.max_response = milliseconds(decode_code16(0x9234));  // exponential form, exactly representable
    gsq6.qqi = seconds(decode_code8(0xa3));
    all.push_back(gsq6);
    for (auto fam : {IpFamily::v4, IpFamily::v6}) {
        Message adv = simple(fam, MessageType::mrd_advertisement, 0, fam == IpFamily::v4 ? IpAddr(Ipv4Addr{}) : IpAddr(Ipv6Addr{}));
        adv.mrd_advertisement_interval = 20;
        adv.mrd_query_interval = 125;
        adv.mrd_robustness = 2;
        all.push_back(adv);
    }
    return all;
}

TEST(ExponentialCodes, rfc3376_examples) {
    EXPECT_EQ(decode_code8(127), 127u);
    EXPECT_EQ(decode_code8(0x80), 128u);    // mant 0, exp 0: 16 << 3
    EXPECT_EQ(decode_code8(0xff), 31744u);  // largest: 31 << 10
    EXPECT_EQ(decode_code16(32767), 32767u);
    EXPECT_EQ(decode_code16(0x8000), 32768u);
    EXPECT_EQ(decode_code16(0xffff), 8387584u);
}

TEST(ExponentialCodes, every_8_bit_code_round_trips) {
    for (unsigned c = 0; c < 256; ++c) EXPECT_EQ(encode_code8(decode_code8(static_cast<std::uint8_t>(c))), c);
}

TEST(ExponentialCodes, every_16_bit_code_round_trips) {
    for (unsigned c = 0; c < 65536; ++c)
        ASSERT_EQ(encode_code16(decode_code16(static_cast<std::uint16_t>(c))), c);
}

TEST(ExponentialCodes, encoding_rounds_down_and_saturates) {
    EXPECT_EQ(decode_code8(encode_code8(129)), 128u);
    EXPECT_EQ(decode_code8(encode_code8(1000)), 992u);
    EXPECT_EQ(encode_code8(1000000), 0xff);
    EXPECT_EQ(encode_code16(100000000), 0xffff);
    for (std::uint32_t v = 0; v < 40000; v += 7) EXPECT_LE(decode_code8(encode_code8(v)), v);
}

TEST(Codec, every_message_kind_survives_encode_frame_parse_decode) {
    for (const Message& m : every_message_kind()) {
        const IpAddr src = m.family == IpFamily::v4 ? kQuerier4 : kQuerier6;
        const auto frame = build_frame(m, kHostMac, src);
        Message back;
        ASSERT_EQ(decode_frame(frame, back), DecodeError::none) << to_string(m.type) << " v" << int(m.version);
        EXPECT_EQ(back, m) << to_string(m.type) << " v" << int(m.version);
    }
}

TEST(Codec, a_frame_built_into_a_buffer_is_the_frame_and_never_overruns_it) {
    for (const Message& m : every_message_kind()) {
        const IpAddr src = m.family == IpFamily::v4 ? kQuerier4 : kQuerier6;
        const auto want = build_frame(m, kHostMac, src);
        std::vector<std::uint8_t> buf(want.size() + 8, 0xee);
        ASSERT_EQ(build_frame(m, kHostMac, src, default_destination(m), buf), want.size());
        EXPECT_TRUE(std::equal(want.begin(), want.end(), buf.begin())) << to_string(m.type);
        EXPECT_EQ(buf[want.size()], 0xee) << "nothing past the frame";
        std::vector<std::uint8_t> small(want.size() - 1, 0xee);
        EXPECT_EQ(build_frame(m, kHostMac, src, default_destination(m), small), want.size()) << "measured";
        EXPECT_TRUE(std::all_of(small.begin(), small.end(), [](std::uint8_t b) { return b == 0xee; }))
            << "a buffer too small is left as it was: " << to_string(m.type);
    }
}

TEST(Codec, pim_hello_holdtime_is_option_1_or_the_rfc7761_default) {
    // PIM header (version 2, type 0 hello), then options: type, length, value.
    const std::vector<std::uint8_t> with_hold = {0x20, 0, 0, 0, 0, 19, 0, 4, 0, 0, 0, 1, 0, 1, 0, 2, 0, 42};
    EXPECT_EQ(pim_hello_holdtime(with_hold), seconds(42));
    const std::vector<std::uint8_t> without = {0x20, 0, 0, 0, 0, 19, 0, 4, 0, 0, 0, 1};
    EXPECT_EQ(pim_hello_holdtime(without), seconds(105));
    const std::vector<std::uint8_t> cut = {0x20, 0, 0, 0, 0, 1, 0, 2, 0};  // holdtime option cut short
    EXPECT_EQ(pim_hello_holdtime(cut), seconds(105));
    const std::vector<std::uint8_t> runaway = {0x20, 0, 0, 0, 0, 7, 0xff, 0xff, 0, 1, 0, 2, 0, 9};  // length past the end
    EXPECT_EQ(pim_hello_holdtime(runaway), seconds(105));
}

TEST(Codec, default_destinations_follow_the_rfcs) {
    EXPECT_EQ(default_destination(query4(3)).to_string(), "224.0.0.1");
    EXPECT_EQ(default_destination(query4(3, ip4("239.1.1.1"))).to_string(), "239.1.1.1");
    EXPECT_EQ(default_destination(simple(IpFamily::v4, MessageType::leave, 2, ip4("239.1.1.1"))).to_string(), "224.0.0.2");
    EXPECT_EQ(default_destination(v3_report(IpFamily::v4)).to_string(), "224.0.0.22");
    EXPECT_EQ(default_destination(v3_report(IpFamily::v6)).to_string(), "ff02::16");
    EXPECT_EQ(default_destination(query6(2)).to_string(), "ff02::1");
    EXPECT_EQ(default_destination(simple(IpFamily::v6, MessageType::leave, 1, ip6("ff0e::1"))).to_string(), "ff02::2");
}

TEST(Codec, generated_messages_zero_reserved_fields) {
    // RFC 4541 §2.1.1-3 / RFC 3376 §4.1.5, §4.2.
    const auto report = encode(v3_report(IpFamily::v4), kQuerier4, ip4("224.0.0.22"));
    EXPECT_EQ(report[1], 0);
    EXPECT_EQ(load_be16(&report[4]), 0);
    Message q = query4(3);
    q.qrv = 0xff;  // out of range: only 3 bits may reach the wire
    const auto query = encode(q, kQuerier4, ip4("224.0.0.1"));
    EXPECT_EQ(query[8] & 0xf0, 0);
    EXPECT_EQ(query[8] & 0x07, 7);
    const auto mld = encode(query6(2), kQuerier6, ip6("ff02::1"));
    EXPECT_EQ(load_be16(&mld[6]), 0);
}

TEST(Codec, igmp_query_version_is_told_by_length) {
    // RFC 3376 §7.1.
    auto body = encode(query4(3), kQuerier4, ip4("224.0.0.1"));
    const IpContext ip{kQuerier4, ip4("224.0.0.1"), 1, true};
    auto with_len = [&](std::size_t n, std::uint8_t code) {
        std::vector<std::uint8_t> b(body.begin(), body.begin() + static_cast<long>(std::min(n, body.size())));
        b.resize(n, 0);
        b[1] = code;
        store_be16(&b[2], 0);
        store_be16(&b[2], inet_checksum(b));
        Message m;
        const auto e = decode(IpFamily::v4, b, ip, m);
        return e == DecodeError::none ? static_cast<int>(m.version) : -static_cast<int>(e);
    };
    EXPECT_EQ(with_len(8, 0), 1);
    EXPECT_EQ(with_len(8, 50), 2);
    for (std::size_t n : {9, 10, 11}) EXPECT_EQ(with_len(n, 50), -static_cast<int>(DecodeError::bad_query_length));
    EXPECT_EQ(with_len(12, 50), 3);
    EXPECT_EQ(with_len(13, 50), 3);  // trailing bytes beyond the sources are ignored
}

TEST(Codec, any_single_bit_flip_fails_the_checksum) {
    for (const Message& m : every_message_kind()) {
        const bool v4 = m.family == IpFamily::v4;
        const IpAddr src = v4 ? kQuerier4 : kQuerier6;
        const IpAddr dst = default_destination(m);
        const auto bytes = encode(m, src, dst);
        const IpContext ip{src, dst, 1, true};
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            auto b = bytes;
            b[i] ^= 0x01;
            Message out;
            ASSERT_EQ(decode(m.family, b, ip, out), DecodeError::bad_checksum) << "byte " << i;
        }
    }
}

TEST(Codec, mld_checksum_covers_the_pseudo_header) {
    const Message r = simple(IpFamily::v6, MessageType::report, 1, ip6("ff0e::1"));
    const auto bytes = encode(r, kQuerier6, ip6("ff0e::1"));
    Message out;
    EXPECT_EQ(decode(IpFamily::v6, bytes, {kQuerier6, ip6("ff0e::1"), 1, true}, out), DecodeError::none);
    EXPECT_EQ(decode(IpFamily::v6, bytes, {ip6("fe80::2"), ip6("ff0e::1"), 1, true}, out), DecodeError::bad_checksum);
    EXPECT_EQ(decode(IpFamily::v6, bytes, {kQuerier6, ip6("ff0e::2"), 1, true}, out), DecodeError::bad_checksum);
}

TEST(Codec, mld_validity_rules_rfc3810_section5) {
    const Message q = query6(2);
    const auto bytes = encode(q, kQuerier6, ip6("ff02::1"));
    Message out;
    EXPECT_EQ(decode(IpFamily::v6, bytes, {kQuerier6, ip6("ff02::1"), 2, true}, out), DecodeError::bad_hop_limit);
    EXPECT_EQ(decode(IpFamily::v6, bytes, {kQuerier6, ip6("ff02::1"), 1, false}, out), DecodeError::missing_router_alert);
    const auto from_global = encode(q, ip6("2001:db8::1"), ip6("ff02::1"));
    EXPECT_EQ(decode(IpFamily::v6, from_global, {ip6("2001:db8::1"), ip6("ff02::1"), 1, true}, out),
              DecodeError::bad_source_address);
    // Reports and dones may come from :: (RFC 3810 §5.2.13, RFC 4541 §3).
    const Message done = simple(IpFamily::v6, MessageType::leave, 1, ip6("ff0e::1"));
    const auto anon = encode(done, Ipv6Addr{}, ip6("ff02::2"));
    EXPECT_EQ(decode(IpFamily::v6, anon, {Ipv6Addr{}, ip6("ff02::2"), 1, true}, out), DecodeError::none);
    // MRD needs no Router Alert (RFC 4286).
    const Message sol = simple(IpFamily::v6, MessageType::mrd_solicitation, 0, Ipv6Addr{});
    const auto solb = encode(sol, kQuerier6, ip6("ff02::2"));
    EXPECT_EQ(decode(IpFamily::v6, solb, {kQuerier6, ip6("ff02::2"), 1, false}, out), DecodeError::none);
}

TEST(Codec, mld_with_ipv4_addresses_in_context_is_rejected) {
    const auto bytes = encode(query6(1), kQuerier6, ip6("ff02::1"));
    Message out;
    EXPECT_EQ(decode(IpFamily::v6, bytes, {kQuerier4, ip4("224.0.0.1"), 1, true}, out),
              DecodeError::bad_source_address);
}

TEST(Codec, every_cut_of_a_v3_report_is_rejected_with_a_reason) {
    for (auto fam : {IpFamily::v4, IpFamily::v6}) {
        const Message m = v3_report(fam);
        const IpAddr src = fam == IpFamily::v4 ? kQuerier4 : kQuerier6;
        const IpAddr dst = default_destination(m);
        const auto full = encode(m, src, dst);
        for (std::size_t n = 0; n < full.size(); ++n) {
            // Re-encode the cut with a good checksum so the structure is what fails.
            Message cut = m;
            std::vector<std::uint8_t> b(full.begin(), full.begin() + static_cast<long>(n));
            if (b.size() >= 4) {
                store_be16(&b[2], 0);
                std::uint32_t sum = fam == IpFamily::v4 ? 0
                                    : ipv6_pseudo_header_sum(src.v6(), dst.v6(), static_cast<std::uint32_t>(n), 58);
                store_be16(&b[2], csum_fold(csum_partial(b, sum)));
            }
            Message out;
            const auto e = decode(fam, b, {src, dst, 1, true}, out);
            const auto want = n < 8 ? DecodeError::truncated : DecodeError::record_truncated;
            ASSERT_EQ(e, want) << "family " << int(fam) << " cut at " << n;
        }
    }
}

TEST(Codec, unknown_igmp_types_are_named_for_flooding) {
    // DVMRP, PIMv1, mtrace response/query: flooded unchanged (RFC 4541 §2.1.1-3).
    for (std::uint8_t type : {0x13, 0x14, 0x1e, 0x1f, 0x40}) {
        std::vector<std::uint8_t> b = {type, 0, 0, 0, 0, 0, 0, 0};
        store_be16(&b[2], inet_checksum(b));
        Message out;
        EXPECT_EQ(decode(IpFamily::v4, b, {kQuerier4, ip4("224.0.0.4"), 1, false}, out), DecodeError::unknown_type);
    }
}

TEST(Codec, group_specific_query_for_unicast_group_is_rejected) {
    const auto b = encode(query4(2, ip4("10.1.1.1")), kQuerier4, ip4("10.1.1.1"));
    Message out;
    EXPECT_EQ(decode(IpFamily::v4, b, {kQuerier4, ip4("10.1.1.1"), 1, true}, out), DecodeError::group_not_multicast);
}

TEST(Codec, igmp_query_from_zero_source_is_decoded_for_the_snooper_to_judge) {
    // A proxy querier's 0.0.0.0 query is valid IGMP; it just never wins the
    // election (RFC 4541 §2.1.1-4), which is the snooper's business.
    const auto b = encode(query4(2), Ipv4Addr{}, ip4("224.0.0.1"));
    Message out;
    EXPECT_EQ(decode(IpFamily::v4, b, {Ipv4Addr{}, ip4("224.0.0.1"), 1, true}, out), DecodeError::none);
}

TEST(Codec, a_report_carrying_many_sources_decodes_fully) {
    Message m = simple(IpFamily::v4, MessageType::v3_report, 3, Ipv4Addr{});
    GroupRecord r{RecordType::mode_is_include, ip4("232.1.1.1"), {}, 0};
    for (std::uint32_t i = 0; i < 360; ++i) r.sources.push_back(Ipv4Addr::from_host(0x0a000000u + i));
    m.records.push_back(r);
    const auto b = encode(m, kQuerier4, ip4("224.0.0.22"));
    Message out;
    ASSERT_EQ(decode(IpFamily::v4, b, {kQuerier4, ip4("224.0.0.22"), 1, true}, out), DecodeError::none);
    EXPECT_EQ(out.records.at(0).sources.size(), 360u);
}

}  // namespace
}  // namespace l2snoop::test
