// MacIndex: the multicast FDB's open-addressing (VLAN, MAC) index, checked
// against a std::map model through churn, with grace periods as the FDB
// applies them (a removed key's cell is released only later).
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>

#include "fdb/mac_index.h"
#include "fdb/mcast_fdb.h"
#include "tests/unit/fdb/eal_env.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

std::uint64_t key_of(VlanId vid, std::uint32_t n) {
    return MulticastFdb::mac_word(vid, MacAddr{{0x01, 0x00, 0x5e, static_cast<std::uint8_t>((n >> 16) & 0x7f),
                                                static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}});
}

TEST(MacIndex, keys_are_found_replaced_and_removed) {
    MacIndex ix;
    std::string err;
    ASSERT_TRUE(ix.create("mix_basic", 64, 8, -1, err)) << err;
    const std::uint64_t a = key_of(10, 1), b = key_of(10, 2), c = key_of(20, 1);
    EXPECT_EQ(ix.lookup(&a), -1);
    ASSERT_TRUE(ix.put(&a, 7));
    ASSERT_TRUE(ix.put(&c, 9));
    EXPECT_EQ(ix.lookup(&a), 7);
    EXPECT_EQ(ix.lookup(&b), -1);
    EXPECT_EQ(ix.lookup(&c), 9) << "same MAC, other VLAN: another key";
    ASSERT_TRUE(ix.put(&a, 8));
    EXPECT_EQ(ix.lookup(&a), 8) << "put on a present key replaces its slot";
    EXPECT_EQ(ix.live(), 2u);
    const std::int32_t pos = ix.remove(&a);
    ASSERT_GE(pos, 0);
    EXPECT_EQ(ix.lookup(&a), -1);
    EXPECT_EQ(ix.remove(&a), -1);
    ix.release_position(pos);
    EXPECT_EQ(ix.lookup(&c), 9);
}

TEST(MacIndex, markers_and_bad_key_sizes_are_refused) {
    MacIndex ix;
    std::string err;
    EXPECT_FALSE(ix.create("mix_bad", 64, 20, -1, err));
    EXPECT_NE(err.find("8 bytes"), std::string::npos);
    ASSERT_TRUE(ix.create("mix_markers", 64, 8, -1, err)) << err;
    for (std::uint64_t m : {MacIndex::kEmpty, MacIndex::kDead, MacIndex::kReusable}) EXPECT_FALSE(ix.put(&m, 1));
}

TEST(MacIndex, holds_its_rated_entries_and_refuses_beyond_half_the_cells) {
    for (std::uint32_t entries : {1u, 100u, 4096u}) {
        MacIndex ix;
        std::string err;
        ASSERT_TRUE(ix.create("mix_cap" + std::to_string(entries), entries, 8, -1, err)) << err;
        std::uint32_t n = 0;
        while (n < ix.cells()) {
            const std::uint64_t k = key_of(1, n);
            if (!ix.put(&k, static_cast<std::int32_t>(n))) break;
            ++n;
        }
        EXPECT_GE(n, entries);
        EXPECT_EQ(n, ix.cells() / 2);
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint64_t k = key_of(1, i);
            ASSERT_EQ(ix.lookup(&k), static_cast<std::int32_t>(i));
        }
    }
}

TEST(MacIndex, churn_with_grace_periods_agrees_with_a_model_and_never_refuses_below_the_limit) {
    // A small table (128 cells) and a key space four times the live limit:
    // every cell sees many keys come and go, tombstones pile up and are
    // swept by rebuilds; removals still in their grace period span rebuilds.
    MacIndex ix;
    std::string err;
    ASSERT_TRUE(ix.create("mix_churn", 64, 8, -1, err)) << err;
    std::map<std::uint64_t, std::int32_t> model;
    std::deque<std::int32_t> grace;  // removed cells, released three operations later
    std::mt19937 rng(4541);
    for (int op = 0; op < 200000; ++op) {
        const std::uint64_t k = key_of(static_cast<VlanId>(1 + rng() % 2), rng() % 128);
        if (rng() % 2) {
            const auto slot = static_cast<std::int32_t>(rng() % 1000);
            const bool ok = ix.put(&k, slot);
            if (model.count(k)) {
                ASSERT_TRUE(ok) << "replacing never needs a cell";
            }
            if (ok) {
                model[k] = slot;
            } else {
                ASSERT_EQ(model.size(), ix.cells() / 2) << "refused below the live limit, op " << op;
            }
        } else {
            const std::int32_t pos = ix.remove(&k);
            ASSERT_EQ(pos >= 0, model.erase(k) == 1);
            if (pos >= 0) grace.push_back(pos);
        }
        while (grace.size() > 3) {
            ix.release_position(grace.front());
            grace.pop_front();
        }
        ASSERT_LE(ix.used(), ix.cells() / 4 * 3);
        if (op % 1000 == 0) {
            for (std::uint32_t n = 0; n < 128; ++n)
                for (VlanId v : {VlanId{1}, VlanId{2}}) {
                    const std::uint64_t q = key_of(v, n);
                    const auto it = model.find(q);
                    ASSERT_EQ(ix.lookup(&q), it == model.end() ? -1 : it->second) << "op " << op;
                }
        }
    }
    for (const auto& [k, slot] : model) {
        const std::int32_t pos = ix.remove(&k);
        ASSERT_GE(pos, 0);
        grace.push_back(pos);
    }
    for (std::int32_t pos : grace) ix.release_position(pos);
    EXPECT_EQ(ix.live(), 0u);
    EXPECT_EQ(ix.used(), 0u) << "every cell empty again once all removals are released";
    EXPECT_GT(ix.rebuilds(), 0u) << "the churn was meant to need tombstone sweeps";
}

TEST(MacIndex, bulk_lookup_agrees_with_single_lookups) {
    MacIndex ix;
    std::string err;
    ASSERT_TRUE(ix.create("mix_bulk", 1024, 8, -1, err)) << err;
    std::uint64_t keys[MacIndex::kBulkMax];
    for (std::uint32_t i = 0; i < 512; ++i) {
        const std::uint64_t k = key_of(3, i * 7);
        ASSERT_TRUE(ix.put(&k, static_cast<std::int32_t>(i)));
    }
    std::mt19937 rng(7);
    for (int round = 0; round < 100; ++round) {
        const unsigned n = 1 + rng() % MacIndex::kBulkMax;
        for (unsigned i = 0; i < n; ++i) keys[i] = key_of(3, rng() % 4096);
        std::int32_t slots[MacIndex::kBulkMax];
        ix.lookup_bulk(keys, n, slots);
        for (unsigned i = 0; i < n; ++i) ASSERT_EQ(slots[i], ix.lookup(&keys[i]));
    }
}

// A reader thread probes while the writer churns keys, with real QSBR grace
// periods for removed cells and for the cells of rebuilt tables: every hit
// must carry a slot published for that very key, and stable keys never miss.
TEST(MacIndexConcurrency, reader_sees_only_published_slots_across_churn_and_rebuilds) {
    constexpr std::uint32_t kStable = 32, kChurn = 160;
    Qsbr qsbr(2);
    MacIndex ix;
    std::string err;
    // Rated for 64 keys (256 cells, at most 128 live) against 192 keys: the
    // table runs at its live limit, so tombstones force rebuilds whatever the
    // reader's pace (with more room, quick grace periods could avoid them all).
    ASSERT_TRUE(ix.create("mix_conc", 64, 8, -1, err)) << err;
    ix.set_qsbr(qsbr.get());
    // slot = key number * 1024 + version: a reader can tell whose slot it read.
    for (std::uint32_t n = 0; n < kStable; ++n) {
        const std::uint64_t k = key_of(5, n);
        ASSERT_TRUE(ix.put(&k, static_cast<std::int32_t>(n * 1024)));
    }
    std::mt19937 reader_rng(1);
    std::uint64_t bad = 0, stable_misses = 0;
    StressReader reader(qsbr, 1, [&] {
        const std::uint32_t i = reader_rng() % (kStable + kChurn);
        const std::uint64_t k = key_of(5, i);
        const std::int32_t s = ix.lookup(&k);
        if (s >= 0 && static_cast<std::uint32_t>(s) / 1024 != i) ++bad;
        if (s < 0 && i < kStable) ++stable_misses;
    });
    struct Pending {
        std::uint64_t token;
        std::int32_t pos;
    };
    std::deque<Pending> grace;
    std::mt19937 rng(2);
    for (int op = 0; op < 300000; ++op) {
        const std::uint32_t i = kStable + rng() % kChurn;
        const std::uint64_t k = key_of(5, i);
        if (rng() % 2) {
            ix.put(&k, static_cast<std::int32_t>(i * 1024 + op % 1024));  // may be refused when at the limit
        } else if (const std::int32_t pos = ix.remove(&k); pos >= 0) {
            grace.push_back({rte_rcu_qsbr_start(qsbr.get()), pos});
        }
        while (!grace.empty() && rte_rcu_qsbr_check(qsbr.get(), grace.front().token, false) == 1) {
            ix.release_position(grace.front().pos);
            grace.pop_front();
        }
    }
    const std::uint64_t lookups = reader.stop();
    EXPECT_EQ(bad, 0u) << "reader read a slot published for another key";
    EXPECT_EQ(stable_misses, 0u) << "a key never removed went missing";
    EXPECT_GT(lookups, 10000u);
    EXPECT_GT(ix.rebuilds(), 0u);
}

}  // namespace
}  // namespace l2snoop::test
