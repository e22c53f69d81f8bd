// Deferred frees (fdb/retire.h): released only after every reader has been
// quiescent since, one grace-period token per batch.
#include <gtest/gtest.h>

#include "fdb/retire.h"
#include "tests/unit/fdb/eal_env.h"

namespace l2snoop::test {
namespace {

RetireList::Item item(std::int32_t v) { return {RetireList::Kind::entry_slot, v, nullptr}; }

TEST(RetireList, nothing_is_released_while_a_reader_has_not_been_quiescent) {
    Qsbr q(2);
    RetireList r(q.get());
    q.online(0);
    r.retire(item(1));
    std::vector<std::int32_t> released;
    const auto rel = [&](const RetireList::Item& it) { released.push_back(it.value); };
    EXPECT_EQ(r.reclaim(rel), 0u);
    EXPECT_EQ(r.pending(), 1u);
    q.quiescent(0);
    EXPECT_EQ(r.reclaim(rel), 1u);
    EXPECT_EQ(released, std::vector<std::int32_t>{1});
    EXPECT_EQ(r.pending(), 0u);
    q.offline(0);
}

TEST(RetireList, items_retired_between_reclaims_share_one_grace_period_token) {
    Qsbr q(2);
    RetireList r(q.get());
    q.online(0);
    const std::uint64_t token = q.get()->token;
    for (int i = 0; i < 100; ++i) r.retire(item(i));
    std::size_t n = 0;
    const auto count = [&](const RetireList::Item&) { ++n; };
    r.reclaim(count);
    EXPECT_EQ(q.get()->token, token + 1) << "one rte_rcu_qsbr_start for the batch, not one per item";
    r.retire(item(100));  // a second batch, behind a newer token
    r.reclaim(count);
    EXPECT_EQ(n, 0u);
    q.quiescent(0);
    EXPECT_EQ(r.reclaim(count), 101u);
    q.offline(0);
}

TEST(RetireList, a_later_batch_waits_for_its_own_grace_period) {
    Qsbr q(2);
    RetireList r(q.get());
    q.online(0);
    r.retire(item(1));
    std::size_t n = 0;
    const auto count = [&](const RetireList::Item&) { ++n; };
    r.reclaim(count);  // batch 1's grace period starts
    q.quiescent(0);    // ... and ends
    r.retire(item(2));
    EXPECT_EQ(r.reclaim(count), 1u) << "batch 2 started after the reader's last quiescent state";
    EXPECT_EQ(r.pending(), 1u);
    q.quiescent(0);
    EXPECT_EQ(r.reclaim(count), 1u);
    q.offline(0);
}

TEST(RetireList, without_readers_items_go_at_the_next_reclaim) {
    RetireList r(nullptr);
    r.retire(item(1));
    std::size_t n = 0;
    EXPECT_EQ(r.reclaim([&](const RetireList::Item&) { ++n; }), 1u);
    EXPECT_EQ(n, 1u);
}

}  // namespace
}  // namespace l2snoop::test
