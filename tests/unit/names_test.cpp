// Enum names come from one list per enum (fdb/names.h): parsing and printing
// agree, and every value has a name.
#include <gtest/gtest.h>

#include <set>

#include "dataplane/counters.h"
#include "dataplane/parse.h"
#include "fdb/vlan_table.h"
#include "snooping/codec.h"
#include "snooping/config.h"
#include "snooping/snooper.h"

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

// Counter tables (fdb/names.h CounterRow): with the static_asserts beside
// them (one row per field), every field is listed once, by its own name.
template <class S, std::size_t N>
void one_row_each(const CounterRow<S> (&rows)[N]) {
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < N; ++i) {
        EXPECT_TRUE(names.insert(rows[i].name).second) << rows[i].name << " twice";
        EXPECT_FALSE(rows[i].help.empty()) << rows[i].name << " has no help";
        for (std::size_t j = 0; j < i; ++j) EXPECT_NE(rows[i].field, rows[j].field) << rows[i].name << " counts what " << rows[j].name << " does";
    }
}

TEST(CounterTables, each_counter_has_one_row_with_a_name_and_help_of_its_own) {
    one_row_each(kSnoopCounters);
    one_row_each(kControlCounters);
}

}  // namespace
}  // namespace l2snoop::test
