// The worker's source-learning cache (dataplane/learn_cache.h).
#include "dataplane/learn_cache.h"

#include <gtest/gtest.h>

#include "fdb/addr.h"

namespace l2snoop {
namespace {

const std::uint64_t kHost = vlan_mac_word(10, MacAddr{{0x02, 0, 0, 0, 0, 0x21}});

TEST(LearnCache, an_unknown_source_needs_a_lookup) {
    LearnCache c;
    EXPECT_FALSE(c.fresh(kHost, 1, 1000));
}

TEST(LearnCache, a_remembered_source_needs_nothing_until_its_hold_ends) {
    LearnCache c;
    c.remember(kHost, 1, 1000 + LearnCache::kConfirmedHold);
    EXPECT_TRUE(c.fresh(kHost, 1, 1000));
    EXPECT_TRUE(c.fresh(kHost, 1, 1000 + LearnCache::kConfirmedHold - 1));
    EXPECT_FALSE(c.fresh(kHost, 1, 1000 + LearnCache::kConfirmedHold)) << "refreshed at most once per hold";
}

TEST(LearnCache, a_source_seen_on_another_port_needs_a_lookup) {
    LearnCache c;
    c.remember(kHost, 1, 5000);
    EXPECT_FALSE(c.fresh(kHost, 2, 1000)) << "a move";
}

TEST(LearnCache, the_same_mac_in_another_vlan_is_another_source) {
    LearnCache c;
    c.remember(kHost, 1, 5000);
    EXPECT_FALSE(c.fresh(vlan_mac_word(20, MacAddr{{0x02, 0, 0, 0, 0, 0x21}}), 1, 1000));
}

TEST(LearnCache, holds_survive_the_clock_units_wrapping) {
    LearnCache c;
    const LearnCache::Units now = 0xffffff00u;
    c.remember(kHost, 1, now + LearnCache::kConfirmedHold);  // wraps past 0
    EXPECT_TRUE(c.fresh(kHost, 1, now));
    EXPECT_TRUE(c.fresh(kHost, 1, now + 500));
    EXPECT_FALSE(c.fresh(kHost, 1, now + LearnCache::kConfirmedHold));
}

TEST(LearnCache, units_are_about_a_millisecond) {
    EXPECT_EQ(LearnCache::units(std::chrono::seconds(1)), 953u);
    EXPECT_NEAR(LearnCache::kConfirmedHold * 1.048576, 1000, 1);
}

TEST(LearnCache, many_sources_are_held_at_once) {
    LearnCache c;
    int held = 0;
    for (unsigned h = 0; h < 256; ++h) {
        const auto w = vlan_mac_word(static_cast<VlanId>(1 + h % 4), MacAddr{{0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(h)}});
        c.remember(w, 0, 2000);
    }
    for (unsigned h = 0; h < 256; ++h) {
        const auto w = vlan_mac_word(static_cast<VlanId>(1 + h % 4), MacAddr{{0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(h)}});
        held += c.fresh(w, 0, 1000);
    }
    EXPECT_GE(held, 240) << "256 sources in 4,096 entries: few collisions";
}

}  // namespace
}  // namespace l2snoop
