#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "fdb/ucast_fdb.h"
#include "tests/unit/fdb/eal_env.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

constexpr Duration kSecond = 1s;

MacAddr mac(std::uint32_t n) { return unicast_mac(n); }

class UcastFdbTest : public ::testing::Test {
protected:
    explicit UcastFdbTest(std::uint32_t capacity = 64, std::uint32_t per_port = 16) : qsbr_(2) {
        static int n = 0;
        cfg_.capacity = capacity;
        cfg_.max_per_port = per_port;
        cfg_.max_age = 300 * kSecond;
        cfg_.name = "ufdb_t" + std::to_string(n++);
        fdb_ = std::make_unique<UnicastFdb>(qsbr_.get(), cfg_);
        std::string err;
        if (!fdb_->init(err)) throw std::runtime_error(err);
    }
    Qsbr qsbr_;
    UcastFdbConfig cfg_;
    std::unique_ptr<UnicastFdb> fdb_;
};

TEST_F(UcastFdbTest, learns_a_source_and_forwards_to_it) {
    EXPECT_EQ(fdb_->learn(10, mac(1), 3, Time{0}), LearnResult::learned);
    EXPECT_EQ(fdb_->lookup(10, mac(1)), PortId{3});
    EXPECT_EQ(fdb_->lookup(20, mac(1)), std::nullopt) << "per-VLAN tables";
    EXPECT_EQ(fdb_->learn(10, mac(1), 3, Time{5}), LearnResult::refreshed);
}

TEST_F(UcastFdbTest, a_station_moving_ports_is_followed) {
    fdb_->learn(10, mac(1), 3, Time{0});
    EXPECT_EQ(fdb_->learn(10, mac(1), 4, Time{1}), LearnResult::moved);
    EXPECT_EQ(fdb_->lookup(10, mac(1)), PortId{4});
    EXPECT_EQ(fdb_->dynamic_on_port(3), 0u);
    EXPECT_EQ(fdb_->dynamic_on_port(4), 1u);
}

TEST_F(UcastFdbTest, multicast_sources_are_never_learned) {
    EXPECT_EQ(fdb_->learn(10, *MacAddr::parse("01:00:5e:01:02:03"), 1, Time{0}), LearnResult::invalid);
    EXPECT_EQ(fdb_->learn(4095, mac(1), 1, Time{0}), LearnResult::invalid);
    EXPECT_EQ(fdb_->learn(10, mac(1), 64, Time{0}), LearnResult::invalid);
    EXPECT_EQ(fdb_->size(), 0u);
}

TEST_F(UcastFdbTest, static_entries_neither_move_nor_age) {
    ASSERT_EQ(fdb_->add_static(10, mac(9), 1), FdbStatus::ok);
    EXPECT_EQ(fdb_->learn(10, mac(9), 2, Time{0}), LearnResult::refused_static);
    EXPECT_EQ(fdb_->lookup(10, mac(9)), PortId{1});
    EXPECT_EQ(fdb_->age(1000 * kSecond), 0u);
    EXPECT_EQ(fdb_->lookup(10, mac(9)), PortId{1});
    EXPECT_EQ(fdb_->flush_port(1), 0u) << "a port flush keeps static entries by default";
    EXPECT_EQ(fdb_->flush_port(1, true), 1u);
}

TEST_F(UcastFdbTest, a_dynamic_entry_can_be_made_static) {
    fdb_->learn(10, mac(1), 3, Time{0});
    ASSERT_EQ(fdb_->add_static(10, mac(1), 5), FdbStatus::ok);
    EXPECT_EQ(fdb_->lookup(10, mac(1)), PortId{5});
    EXPECT_EQ(fdb_->dynamic_on_port(3), 0u);
    EXPECT_EQ(fdb_->age(1000 * kSecond), 0u);
}

TEST_F(UcastFdbTest, a_mac_flood_on_one_port_does_not_starve_the_others) {
    std::uint32_t refused = 0;
    for (std::uint32_t i = 0; i < 40; ++i) refused += fdb_->learn(10, mac(100 + i), 1, Time{0}) == LearnResult::refused_port_limit;
    EXPECT_EQ(refused, 40u - 16u);
    EXPECT_EQ(fdb_->dynamic_on_port(1), 16u);
    EXPECT_EQ(fdb_->learn(10, mac(7), 2, Time{0}), LearnResult::learned);
    EXPECT_EQ(fdb_->stats().refused_port_limit, refused);
}

class TinyUcastFdb : public UcastFdbTest {
protected:
    TinyUcastFdb() : UcastFdbTest(8, 8) {}
};

TEST_F(TinyUcastFdb, a_full_table_refuses_without_evicting_static_entries) {
    ASSERT_EQ(fdb_->add_static(1, mac(1000), 0), FdbStatus::ok);
    for (std::uint32_t i = 0; i < 7; ++i) ASSERT_EQ(fdb_->learn(1, mac(i), static_cast<PortId>(i % 3), Time{0}), LearnResult::learned);
    EXPECT_EQ(fdb_->learn(1, mac(50), 4, Time{0}), LearnResult::refused_table_full);
    EXPECT_EQ(fdb_->lookup(1, mac(1000)), PortId{0});
    EXPECT_EQ(fdb_->add_static(1, mac(51), 0), FdbStatus::table_full);
    EXPECT_EQ(fdb_->stats().refused_table_full, 1u);
}

TEST_F(UcastFdbTest, idle_entries_age_out_after_max_age) {
    fdb_->learn(10, mac(1), 3, Time{0});
    fdb_->learn(10, mac(2), 3, 100 * kSecond);
    EXPECT_EQ(fdb_->next_deadline(), 300 * kSecond);
    EXPECT_EQ(fdb_->age(299 * kSecond), 0u);
    EXPECT_EQ(fdb_->age(300 * kSecond), 1u);
    EXPECT_EQ(fdb_->lookup(10, mac(1)), std::nullopt);
    EXPECT_EQ(fdb_->lookup(10, mac(2)), PortId{3});
    EXPECT_EQ(fdb_->age(400 * kSecond), 1u);
    EXPECT_EQ(fdb_->stats().aged, 2u);
    EXPECT_EQ(fdb_->next_deadline(), std::nullopt);
}

TEST_F(UcastFdbTest, traffic_seen_by_a_worker_keeps_an_entry_alive) {
    fdb_->learn(10, mac(1), 3, Time{0});
    UnicastFdb::Entry* e = fdb_->find(10, mac(1));
    ASSERT_NE(e, nullptr);
    UnicastFdb::touch(*e, 250 * kSecond);  // the worker's relaxed store
    EXPECT_EQ(fdb_->age(300 * kSecond), 0u);
    EXPECT_EQ(fdb_->next_deadline(), 550 * kSecond) << "re-queued at its new deadline";
    EXPECT_EQ(fdb_->age(550 * kSecond), 1u);
}

TEST_F(UcastFdbTest, flush_by_port_and_by_vlan) {
    fdb_->learn(10, mac(1), 1, Time{0});
    fdb_->learn(10, mac(2), 2, Time{0});
    fdb_->learn(20, mac(3), 1, Time{0});
    fdb_->learn(20, mac(4), 2, Time{0});
    EXPECT_EQ(fdb_->flush_port(1), 2u);
    EXPECT_EQ(fdb_->lookup(10, mac(2)), PortId{2});
    EXPECT_EQ(fdb_->flush_vlan(20), 1u);
    EXPECT_EQ(fdb_->size(), 1u);
    EXPECT_EQ(fdb_->remove(10, mac(2)), FdbStatus::ok);
    EXPECT_EQ(fdb_->remove(10, mac(2)), FdbStatus::not_found);
}

TEST_F(UcastFdbTest, bulk_lookup_agrees_with_single_lookups) {
    for (std::uint32_t i = 0; i < 10; ++i) fdb_->learn(1, mac(i), static_cast<PortId>(i), Time{0});
    VlanId vids[32];
    MacAddr macs[32];
    const MacAddr* mp[32];
    for (std::uint32_t i = 0; i < 32; ++i) {
        vids[i] = 1;
        macs[i] = mac(i);
        mp[i] = &macs[i];
    }
    PortId ports[32];
    const std::uint64_t hits = fdb_->lookup_bulk(32, vids, mp, ports);
    EXPECT_EQ(hits, 0x3ffu);
    for (std::uint32_t i = 0; i < 10; ++i) EXPECT_EQ(ports[i], i);
}

// Writer learning, moving and removing 1 M times while a reader looks up:
// each MAC lives on port k%32 or 32+k%32, so any other answer is a bug.
TEST(UcastFdbConcurrency, reader_only_ever_sees_a_published_port) {
    constexpr std::uint32_t kKeys = 1024;
    Qsbr qsbr(2);
    UcastFdbConfig cfg;
    cfg.capacity = kKeys;
    cfg.max_per_port = kKeys;
    cfg.name = "ufdb_stress";
    UnicastFdb fdb(qsbr.get(), cfg);
    std::string err;
    ASSERT_TRUE(fdb.init(err)) << err;
    std::mt19937 reader_rng(3);
    std::uint64_t bad = 0;
    StressReader reader(qsbr, 1, [&] {
        const std::uint32_t k = reader_rng() % kKeys;
        if (auto p = fdb.lookup(1, mac(k)); p && *p % 32 != k % 32) ++bad;
    });
    std::mt19937 rng(4);
    std::uint64_t refused = 0;
    for (int i = 0; i < 1'000'000; ++i) {
        const std::uint32_t k = rng() % kKeys;
        if (rng() % 4 == 0) {
            fdb.remove(1, mac(k));
        } else {
            const auto port = static_cast<PortId>(k % 32 + (rng() % 2) * 32);
            const bool ok = retry_while_reclaiming(fdb, [&] {
                return fdb.learn(1, mac(k), port, Time(i)) != LearnResult::refused_table_full;
            });
            refused += !ok;
        }
        if (i % 64 == 0) fdb.reclaim();
    }
    const std::uint64_t lookups = reader.stop();
    EXPECT_EQ(bad, 0u);
    EXPECT_GT(lookups, 100000u);
    EXPECT_EQ(refused, 0u);
}

}  // namespace
}  // namespace l2snoop::test
