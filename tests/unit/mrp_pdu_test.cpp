// GARP/GMRP and MRP/MMRP PDUs (mrp/pdu.h): what the standards' encodings
// say, round trips, and every kind of bad input refused with its reason.
#include "mrp/pdu.h"
#include "tests/unit/mrp_attrs.h"

#include <gtest/gtest.h>

namespace l2snoop::mrp {
namespace {

const MacAddr kSrc{{0x02, 0, 0, 0, 0, 0x21}};
MacAddr group(std::uint8_t last) { return MacAddr{{0x01, 0x00, 0x5e, 0x01, 0x02, last}}; }

Attr mac(std::uint8_t last, std::uint8_t event) { return mac_attr(group(last), event); }
Attr service(Service s, std::uint8_t event) { return service_attr(s, event); }
constexpr auto kJoinIn = static_cast<std::uint8_t>(GarpEvent::join_in);
constexpr auto kJoinEmpty = static_cast<std::uint8_t>(GarpEvent::join_empty);
constexpr auto kNew = static_cast<std::uint8_t>(MrpEvent::new_);
constexpr auto kIn = static_cast<std::uint8_t>(MrpEvent::in);
constexpr auto kLv = static_cast<std::uint8_t>(MrpEvent::lv);
constexpr auto kJoinMt = static_cast<std::uint8_t>(MrpEvent::join_mt);

std::vector<std::uint8_t> encoded(const Pdu& p) {
    std::vector<std::uint8_t> b(encode(p, {}));
    encode(p, b);
    return b;
}

TEST(GmrpPdu, a_join_for_a_group_is_a_length_event_value_attribute_in_a_group_membership_message) {
    Pdu p;
    p.protocol = Protocol::gmrp;
    p.attrs = {mac(7, kJoinIn)};
    EXPECT_EQ(encoded(p), (std::vector<std::uint8_t>{0x00, 0x01, 1, 8, 2, 0x01, 0x00, 0x5e, 0x01, 0x02, 7, 0, 0}));
}

TEST(GmrpPdu, leave_all_and_service_requirements_round_trip_through_a_frame) {
    Pdu p;
    p.protocol = Protocol::gmrp;
    p.leave_all[static_cast<int>(AttrType::group_mac)] = true;
    p.attrs = {mac(1, kJoinIn), mac(9, kJoinEmpty), service(Service::all_unregistered, kJoinIn)};
    const auto f = build_frame(p, kSrc, 10);
    EXPECT_GE(f.size(), 60u);
    EXPECT_EQ(f[18], 0x42);
    EXPECT_EQ(f[19], 0x42);
    EXPECT_EQ(f[20], 0x03);
    Pdu q;
    std::optional<VlanId> vid;
    ASSERT_EQ(decode_frame(f, q, &vid), PduError::none);
    EXPECT_EQ(vid, std::optional<VlanId>(10));
    EXPECT_EQ(q, p);
}

TEST(MmrpPdu, consecutive_macs_share_one_vector_with_events_packed_three_to_a_byte) {
    Pdu p;
    p.protocol = Protocol::mmrp;
    p.attrs = {mac(1, kNew), mac(2, kIn), mac(3, kLv), mac(4, kJoinMt)};
    const auto b = encoded(p);
    // version, type 2 (MAC), length 6, header: 4 values, first value, ((0*6)+2)*6+5 = 17, 3*36 = 108, end marks.
    EXPECT_EQ(b, (std::vector<std::uint8_t>{0, 2, 6, 0x00, 0x04, 0x01, 0x00, 0x5e, 0x01, 0x02, 1, 17, 108, 0, 0, 0, 0}));
    Pdu q;
    ASSERT_EQ(decode(Protocol::mmrp, b, q), PduError::none);
    EXPECT_EQ(q, p);
}

TEST(MmrpPdu, leave_all_travels_in_the_vector_header_even_with_no_values) {
    Pdu p;
    p.protocol = Protocol::mmrp;
    p.leave_all[static_cast<int>(AttrType::service)] = true;
    p.leave_all[static_cast<int>(AttrType::group_mac)] = true;
    p.attrs = {mac(5, kIn), mac(9, kIn), service(Service::all_groups, kNew), service(Service::all_unregistered, kIn)};
    const auto f = build_frame(p, kSrc);
    Pdu q;
    ASSERT_EQ(decode_frame(f, q), PduError::none);
    EXPECT_EQ(q.leave_all[0], true);
    EXPECT_EQ(q.leave_all[1], true);
    // Order: the MAC message first (each run a vector), then the services.
    EXPECT_EQ(q.attrs.size(), 4u);
    Pdu only_leave_all;
    only_leave_all.protocol = Protocol::mmrp;
    only_leave_all.leave_all[static_cast<int>(AttrType::group_mac)] = true;
    ASSERT_EQ(decode_frame(build_frame(only_leave_all, kSrc), q), PduError::none);
    EXPECT_EQ(q, only_leave_all);
}

TEST(MrpPdus, every_prefix_of_a_pdu_decodes_or_is_refused_and_never_runs_past_its_end) {
    for (Protocol proto : {Protocol::gmrp, Protocol::mmrp}) {
        Pdu p;
        p.protocol = proto;
        p.leave_all[1] = true;
        p.attrs = {mac(1, 1), mac(2, 1), mac(3, 2), service(Service::all_groups, 1)};
        const auto b = encoded(p);
        for (std::size_t n = 0; n < b.size(); ++n) {
            Pdu q;
            const std::vector<std::uint8_t> cut(b.begin(), b.begin() + static_cast<long>(n));
            const PduError e = decode(proto, cut, q);
            if (e != PduError::none) {
                EXPECT_TRUE(q.attrs.empty()) << n;
            }
        }
    }
}

TEST(MrpPdus, bad_input_is_refused_with_its_reason) {
    Pdu q;
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 2, 0}, q), PduError::bad_protocol_id);
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 1, 3, 2, 2, 0, 0}, q), PduError::bad_attribute_type);
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 1, 1, 7, 2, 1, 0, 0x5e, 1, 2, 0, 0}, q),
              PduError::bad_attribute_length);
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 1, 1, 8, 6, 1, 0, 0x5e, 1, 2, 3, 0, 0}, q),
              PduError::bad_event);
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 1, 1, 8, 2, 2, 0, 0x5e, 1, 2, 3, 0, 0}, q),
              PduError::bad_value) << "an individual MAC is no group";
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 1, 2, 3, 2, 2, 0, 0}, q), PduError::bad_value)
        << "service requirement 2";
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 1, 1, 3, 0, 1, 0, 0}, q), PduError::bad_attribute_length)
        << "LeaveAll with a value";
    EXPECT_EQ(decode(Protocol::gmrp, std::vector<std::uint8_t>{0, 1, 1, 8, 2, 1, 0}, q), PduError::truncated);
    EXPECT_EQ(decode(Protocol::mmrp, std::vector<std::uint8_t>{0, 3, 6, 0, 1}, q), PduError::bad_attribute_type);
    EXPECT_EQ(decode(Protocol::mmrp, std::vector<std::uint8_t>{0, 2, 5, 0, 1}, q), PduError::bad_attribute_length);
    EXPECT_EQ(decode(Protocol::mmrp, std::vector<std::uint8_t>{0, 2, 6, 0, 1, 1, 0, 0x5e, 1, 2, 3, 216, 0, 0}, q),
              PduError::bad_event);
    EXPECT_EQ(decode(Protocol::mmrp, std::vector<std::uint8_t>{0, 2, 6, 0x40, 1, 1, 0, 0x5e, 1, 2, 3, 0, 0, 0}, q),
              PduError::bad_event) << "LeaveAllEvent 2";
    EXPECT_EQ(decode(Protocol::mmrp, std::vector<std::uint8_t>{0, 1, 1, 0, 3, 0, 0, 0, 0}, q), PduError::bad_value)
        << "three service requirements from 0: there are two";
    EXPECT_EQ(decode(Protocol::mmrp, std::vector<std::uint8_t>{0, 2, 6, 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}, q),
              PduError::bad_value) << "values past the last MAC";
    EXPECT_EQ(decode(Protocol::mmrp, std::vector<std::uint8_t>{0, 2, 6, 0, 9, 1, 0, 0x5e, 1, 2, 3, 0}, q),
              PduError::truncated) << "nine values, one byte of events";
    const std::vector<std::uint8_t> not_ours(60, 0);
    EXPECT_EQ(decode_frame(not_ours, q), PduError::not_garp_frame);
    for (PduError e = PduError::none; e < PduError::kCount; e = static_cast<PduError>(static_cast<int>(e) + 1))
        EXPECT_NE(to_string(e), "?");
}

}  // namespace
}  // namespace l2snoop::mrp
