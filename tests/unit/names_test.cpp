// Enum names come from one list per enum (fdb/names.h): parsing and printing
// agree, and every value has a name.
#include <gtest/gtest.h>

#include "dataplane/parse.h"
#include "fdb/vlan_table.h"
#include "snooping/codec.h"
#include "snooping/config.h"

namespace l2snoop::test {
namespace {

template <class E>
void round_trips(E last) {
    for (int i = 0; i <= static_cast<int>(last); ++i) {
        const auto e = static_cast<E>(i);
        const auto n = names_of(e).name(e);
        EXPECT_NE(n, "?") << "value " << i << " has no name";
        EXPECT_EQ(names_of(e).parse(n), e) << n;
    }
}

TEST(EnumNames, every_value_has_a_name_that_parses_back_to_it) {
    round_trips(FrameClass::unicast);
    round_trips(static_cast<Malformed>(static_cast<int>(Malformed::kCount) - 1));
    round_trips(ControlKind::pim_hello);
    round_trips(DstClass::other_multicast);
    round_trips(static_cast<DecodeError>(static_cast<int>(DecodeError::kCount) - 1));
    round_trips(MessageType::mrd_termination);
    round_trips(UnregisteredPolicy::drop);
    round_trips(NoQuerierPolicy::flood);
    round_trips(LimitAction::replace);
}

TEST(EnumNames, the_alternatives_read_as_a_sentence) {
    EXPECT_EQ(names_of(UnregisteredPolicy{}).alternatives(), "flood, router or drop");
    EXPECT_EQ(names_of(LimitAction{}).alternatives(), "deny or replace");
    EXPECT_EQ(names_of(UnregisteredPolicy{}).parse("all"), std::nullopt);
}

TEST(EnumNames, record_types_keep_their_short_names) {
    EXPECT_EQ(to_string(RecordType::mode_is_include), "is_in");
    EXPECT_EQ(to_string(RecordType::block_old_sources), "block");
}

}  // namespace
}  // namespace l2snoop::test
