#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "fdb/mcast_fdb.h"
#include "tests/unit/fdb/eal_env.h"
#include "tests/unit/frames.h"

namespace l2snoop::test {
namespace {

const IpAddr kAnySource = ip4("192.0.2.99");

class McastFdbTest : public ::testing::Test {
protected:
    explicit McastFdbTest(std::uint32_t groups = 64, std::uint32_t sources = 64) : qsbr_(4) {
        static int n = 0;
        cfg_.max_groups = groups;
        cfg_.max_sources = sources;
        cfg_.name = "mfdb_t" + std::to_string(n++);
        fdb_ = std::make_unique<MulticastFdb>(qsbr_.get(), cfg_);
        std::string err;
        if (!fdb_->init(err)) throw std::runtime_error(err);
    }
    std::optional<PortSet> get(VlanId vid, const char* g, IpAddr src = kAnySource) {
        return fdb_->lookup(vid, *IpAddr::parse(g), src);
    }
    FdbStatus set(VlanId vid, const char* g, PortSet p) { return fdb_->set_group(vid, *IpAddr::parse(g), p); }

    Qsbr qsbr_;
    McastFdbConfig cfg_;
    std::unique_ptr<MulticastFdb> fdb_;
};

TEST_F(McastFdbTest, registered_group_forwards_to_its_ports) {
    ASSERT_EQ(set(10, "239.1.1.1", PortSet::of({1, 2})), FdbStatus::ok);
    EXPECT_EQ(get(10, "239.1.1.1"), PortSet::of({1, 2}));
    EXPECT_EQ(get(10, "239.1.1.2"), std::nullopt);
    EXPECT_EQ(get(20, "239.1.1.1"), std::nullopt) << "VLANs are separate";
}

TEST_F(McastFdbTest, port_set_update_is_seen_without_a_new_entry) {
    set(10, "239.1.1.1", PortSet::of({1}));
    set(10, "239.1.1.1", PortSet::of({1, 4}));
    EXPECT_EQ(get(10, "239.1.1.1"), PortSet::of({1, 4}));
    EXPECT_EQ(fdb_->pending_reclaim(), 0u) << "an update is an atomic store, nothing to retire";
}

TEST_F(McastFdbTest, unregistered_group_sharing_a_registered_mac_is_a_miss) {
    set(10, "224.1.1.1", PortSet::of({1}));
    EXPECT_EQ(get(10, "225.1.1.1"), std::nullopt);
    EXPECT_EQ(get(10, "239.129.1.1"), std::nullopt);
}

TEST_F(McastFdbTest, aliased_groups_are_resolved_exactly) {
    set(10, "224.1.1.1", PortSet::of({1}));
    set(10, "225.1.1.1", PortSet::of({2}));
    EXPECT_EQ(fdb_->mac_count(), 1u);
    EXPECT_EQ(get(10, "224.1.1.1"), PortSet::of({1}));
    EXPECT_EQ(get(10, "225.1.1.1"), PortSet::of({2}));
    EXPECT_EQ(get(10, "239.129.1.1"), std::nullopt);
}

TEST_F(McastFdbTest, removing_an_alias_restores_the_single_group_fast_path) {
    set(10, "224.1.1.1", PortSet::of({1}));
    set(10, "225.1.1.1", PortSet::of({2}));
    ASSERT_EQ(fdb_->remove_group(10, *IpAddr::parse("224.1.1.1")), FdbStatus::ok);
    EXPECT_EQ(get(10, "224.1.1.1"), std::nullopt);
    EXPECT_EQ(get(10, "225.1.1.1"), PortSet::of({2}));
    int aliased = 0;
    fdb_->for_each_group([&](const MulticastFdb::GroupView& v) { aliased += v.aliased; });
    EXPECT_EQ(aliased, 0);
    EXPECT_EQ(fdb_->remove_group(10, *IpAddr::parse("225.1.1.1")), FdbStatus::ok);
    EXPECT_EQ(fdb_->mac_count(), 0u);
    EXPECT_EQ(fdb_->remove_group(10, *IpAddr::parse("225.1.1.1")), FdbStatus::not_found);
}

TEST_F(McastFdbTest, ipv6_groups_alias_on_their_low_32_bits) {
    set(1, "ff0e::1:3", PortSet::of({3}));
    set(1, "ff05::1:3", PortSet::of({4}));
    EXPECT_EQ(fdb_->mac_count(), 1u);
    EXPECT_EQ(get(1, "ff0e::1:3", ip6("2001:db8::1")), PortSet::of({3}));
    EXPECT_EQ(get(1, "ff05::1:3", ip6("2001:db8::1")), PortSet::of({4}));
    EXPECT_EQ(get(1, "ff08::1:3", ip6("2001:db8::1")), std::nullopt);
}

TEST_F(McastFdbTest, source_entry_decides_for_its_source_only) {
    // IGMPv3: ports 1,2 want every source but .66 (EXCLUDE); port 3 only .7 (INCLUDE).
    const IpAddr g = ip4("232.1.1.1");
    fdb_->set_group(10, g, PortSet::of({1, 2}));
    ASSERT_EQ(fdb_->set_source(10, g, ip4("192.0.2.7"), PortSet::of({1, 2, 3})), FdbStatus::ok);
    ASSERT_EQ(fdb_->set_source(10, g, ip4("192.0.2.66"), PortSet{}), FdbStatus::ok);
    EXPECT_EQ(fdb_->lookup(10, g, ip4("192.0.2.7")), PortSet::of({1, 2, 3}));
    EXPECT_EQ(fdb_->lookup(10, g, ip4("192.0.2.66")), PortSet{});
    EXPECT_EQ(fdb_->lookup(10, g, ip4("192.0.2.8")), PortSet::of({1, 2}));
    EXPECT_EQ(fdb_->source_count(), 2u);
}

TEST_F(McastFdbTest, source_state_behind_an_aliased_mac_is_still_exact) {
    const IpAddr g = ip4("232.1.1.1");
    fdb_->set_group(10, g, PortSet::of({1}));
    fdb_->set_group(10, ip4("233.1.1.1"), PortSet::of({5}));
    fdb_->set_source(10, g, ip4("192.0.2.7"), PortSet::of({2}));
    EXPECT_EQ(fdb_->lookup(10, g, ip4("192.0.2.7")), PortSet::of({2}));
    EXPECT_EQ(fdb_->lookup(10, g, ip4("192.0.2.8")), PortSet::of({1}));
    EXPECT_EQ(fdb_->lookup(10, ip4("233.1.1.1"), ip4("192.0.2.7")), PortSet::of({5}));
}

TEST_F(McastFdbTest, removing_the_last_source_returns_to_the_group_set) {
    const IpAddr g = ip4("232.1.1.1");
    fdb_->set_group(10, g, PortSet::of({1}));
    fdb_->set_source(10, g, ip4("192.0.2.7"), PortSet::of({2}));
    ASSERT_EQ(fdb_->remove_source(10, g, ip4("192.0.2.7")), FdbStatus::ok);
    EXPECT_EQ(fdb_->lookup(10, g, ip4("192.0.2.7")), PortSet::of({1}));
    EXPECT_EQ(fdb_->remove_source(10, g, ip4("192.0.2.7")), FdbStatus::not_found);
}

TEST_F(McastFdbTest, removing_a_group_removes_its_sources) {
    const IpAddr g = ip4("232.1.1.1");
    fdb_->set_group(10, g, PortSet::of({1}));
    fdb_->set_source(10, g, ip4("192.0.2.7"), PortSet::of({2}));
    fdb_->remove_group(10, g);
    EXPECT_EQ(fdb_->source_count(), 0u);
    EXPECT_EQ(fdb_->lookup(10, g, ip4("192.0.2.7")), std::nullopt);
}

TEST_F(McastFdbTest, invalid_requests_are_refused) {
    EXPECT_EQ(set(4095, "239.1.1.1", PortSet::of({1})), FdbStatus::invalid);
    EXPECT_EQ(set(10, "10.1.1.1", PortSet::of({1})), FdbStatus::invalid);
    EXPECT_EQ(fdb_->set_source(10, ip4("239.1.1.1"), ip4("192.0.2.1"), {}), FdbStatus::not_found);
    set(10, "239.1.1.1", PortSet::of({1}));
    EXPECT_EQ(fdb_->set_source(10, ip4("239.1.1.1"), ip6("2001:db8::1"), {}), FdbStatus::invalid);
    EXPECT_EQ(fdb_->set_source(10, ip4("239.1.1.1"), ip4("239.9.9.9"), {}), FdbStatus::invalid);
    EXPECT_EQ(fdb_->group_count(), 1u);
}

TEST_F(McastFdbTest, flush_vlan_removes_only_that_vlan) {
    set(10, "239.1.1.1", PortSet::of({1}));
    set(10, "239.1.1.2", PortSet::of({1}));
    set(20, "239.1.1.1", PortSet::of({2}));
    fdb_->flush_vlan(10);
    EXPECT_EQ(fdb_->group_count(), 1u);
    EXPECT_EQ(get(20, "239.1.1.1"), PortSet::of({2}));
    EXPECT_EQ(get(10, "239.1.1.1"), std::nullopt);
}

TEST_F(McastFdbTest, bulk_lookup_agrees_with_single_lookups) {
    std::mt19937 rng(7);
    for (int i = 0; i < 40; ++i)
        fdb_->set_group(static_cast<VlanId>(1 + i % 3), Ipv4Addr::from_host(0xe0010100u + static_cast<std::uint32_t>(i % 20) + (i % 2 ? 0x01000000u : 0)),
                        PortSet::from_bits(rng()));
    VlanId vids[64];
    IpAddr groups[64], srcs[64];
    const IpAddr* gp[64];
    const IpAddr* sp[64];
    for (int i = 0; i < 64; ++i) {
        vids[i] = static_cast<VlanId>(1 + rng() % 3);
        groups[i] = Ipv4Addr::from_host(0xe0010100u + rng() % 24 + (rng() % 2 ? 0x01000000u : 0));
        srcs[i] = kAnySource;
        gp[i] = &groups[i];
        sp[i] = &srcs[i];
    }
    PortSet out[64];
    const std::uint64_t hits = fdb_->lookup_bulk(64, vids, gp, sp, out);
    int n = 0;
    for (int i = 0; i < 64; ++i) {
        const auto one = fdb_->lookup(vids[i], groups[i], srcs[i]);
        ASSERT_EQ(((hits >> i) & 1) != 0, one.has_value()) << i;
        if (one) {
            EXPECT_EQ(out[i], *one);
        }
        n += one.has_value();
    }
    EXPECT_GT(n, 5);
    EXPECT_LT(n, 64);
}

TEST_F(McastFdbTest, for_each_group_reports_ports_sources_and_aliasing) {
    set(10, "224.1.1.1", PortSet::of({1}));
    set(10, "225.1.1.1", PortSet::of({2}));
    fdb_->set_source(10, ip4("225.1.1.1"), ip4("192.0.2.7"), PortSet::of({3}));
    std::vector<MulticastFdb::GroupView> all;
    fdb_->for_each_group([&](const MulticastFdb::GroupView& v) { all.push_back(v); });
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].group.to_string(), "224.1.1.1");
    EXPECT_TRUE(all[0].aliased);
    ASSERT_EQ(all[1].sources.size(), 1u);
    EXPECT_EQ(all[1].sources[0].second, PortSet::of({3}));
}

// Layer-2 registrations (GMRP/MMRP, set_mac): every frame to the MAC, IP or not.
const MacAddr kAvbMac{{0x91, 0xe0, 0xf0, 0x00, 0x12, 0x34}};

TEST_F(McastFdbTest, a_registered_mac_answers_for_itself) {
    EXPECT_EQ(fdb_->lookup_mac(10, kAvbMac), std::nullopt);
    ASSERT_EQ(fdb_->set_mac(10, kAvbMac, PortSet::of({2, 3})), FdbStatus::ok);
    EXPECT_EQ(fdb_->lookup_mac(10, kAvbMac), PortSet::of({2, 3}));
    EXPECT_EQ(fdb_->lookup_mac(20, kAvbMac), std::nullopt) << "VLANs are separate";
    ASSERT_EQ(fdb_->set_mac(10, kAvbMac, PortSet::of({3})), FdbStatus::ok);
    EXPECT_EQ(fdb_->lookup_mac(10, kAvbMac), PortSet::of({3}));
    ASSERT_EQ(fdb_->set_mac(10, kAvbMac, {}), FdbStatus::ok);
    EXPECT_EQ(fdb_->lookup_mac(10, kAvbMac), std::nullopt);
    EXPECT_EQ(fdb_->mac_count(), 0u);
    EXPECT_EQ(fdb_->set_mac(10, kAvbMac, {}), FdbStatus::not_found);
    EXPECT_EQ(fdb_->set_mac(10, unicast_mac(1), PortSet::of({1})), FdbStatus::invalid) << "only group MACs";
}

TEST_F(McastFdbTest, every_ip_group_aliasing_a_registered_mac_follows_it) {
    const IpAddr g = ip4("239.1.1.1");
    fdb_->set_mac(10, group_mac(g), PortSet::of({4}));
    EXPECT_EQ(get(10, "239.1.1.1"), PortSet::of({4})) << "no IP registration: the MAC's ports alone";
    EXPECT_EQ(get(10, "224.1.1.1"), PortSet::of({4})) << "another group on the same MAC";
    EXPECT_EQ(get(10, "239.1.1.2"), std::nullopt);
    set(10, "239.1.1.1", PortSet::of({1}));
    EXPECT_EQ(get(10, "239.1.1.1"), PortSet::of({1, 4})) << "united with what snooping decided";
    EXPECT_EQ(get(10, "225.1.1.1"), PortSet::of({4}));
    set(10, "225.1.1.1", PortSet::of({2}));  // aliased now
    EXPECT_EQ(get(10, "239.1.1.1"), PortSet::of({1, 4}));
    EXPECT_EQ(get(10, "225.1.1.1"), PortSet::of({2, 4}));
    EXPECT_EQ(get(10, "238.1.1.1"), PortSet::of({4}));
    fdb_->remove_group(10, ip4("225.1.1.1"));
    fdb_->remove_group(10, g);
    EXPECT_EQ(get(10, "239.1.1.1"), PortSet::of({4})) << "the registration outlives the groups";
    fdb_->set_mac(10, group_mac(g), {});
    EXPECT_EQ(get(10, "239.1.1.1"), std::nullopt);
    EXPECT_EQ(fdb_->mac_count(), 0u);
}

TEST_F(McastFdbTest, a_registration_keeps_source_specific_answers_and_adds_its_ports) {
    set(10, "232.1.1.1", PortSet::of({1}));
    fdb_->set_source(10, ip4("232.1.1.1"), ip4("192.0.2.1"), PortSet::of({2}));
    fdb_->set_mac(10, group_mac(ip4("232.1.1.1")), PortSet::of({5}));
    EXPECT_EQ(fdb_->lookup(10, ip4("232.1.1.1"), ip4("192.0.2.1")), PortSet::of({2, 5}));
    EXPECT_EQ(fdb_->lookup(10, ip4("232.1.1.1"), ip4("192.0.2.7")), PortSet::of({1, 5}));
    fdb_->set_mac(10, group_mac(ip4("232.1.1.1")), {});
    EXPECT_EQ(fdb_->lookup(10, ip4("232.1.1.1"), ip4("192.0.2.1")), PortSet::of({2}));
}

TEST_F(McastFdbTest, bulk_lookups_see_registrations) {
    fdb_->set_mac(10, group_mac(ip4("239.9.9.9")), PortSet::of({6}));
    set(10, "239.1.1.1", PortSet::of({1}));
    const IpAddr groups[] = {ip4("239.9.9.9"), ip4("239.1.1.1"), ip4("239.2.2.2")};
    const IpAddr* gp[] = {&groups[0], &groups[1], &groups[2]};
    const IpAddr* sp[] = {&kAnySource, &kAnySource, &kAnySource};
    const VlanId vids[] = {10, 10, 10};
    PortSet out[3];
    EXPECT_EQ(fdb_->lookup_bulk(3, vids, gp, sp, out), 0b011u);
    EXPECT_EQ(out[0], PortSet::of({6}));
    EXPECT_EQ(out[1], PortSet::of({1}));
}

TEST_F(McastFdbTest, for_each_mac_lists_registrations_only) {
    fdb_->set_mac(10, kAvbMac, PortSet::of({2}));
    set(10, "239.1.1.1", PortSet::of({1}));
    std::vector<std::pair<VlanId, MacAddr>> seen;
    fdb_->for_each_mac([&](VlanId v, const MacAddr& m, PortSet p) {
        seen.emplace_back(v, m);
        EXPECT_EQ(p, PortSet::of({2}));
    });
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].second, kAvbMac);
}

class SmallMcastFdb : public McastFdbTest {
protected:
    SmallMcastFdb() : McastFdbTest(4, 2) {}
};

TEST_F(SmallMcastFdb, full_table_refuses_new_groups_and_keeps_existing_ones) {
    for (int i = 1; i <= 4; ++i)
        ASSERT_EQ(fdb_->set_group(10, Ipv4Addr::from_host(0xef000000u + static_cast<std::uint32_t>(i)), PortSet::of({1})), FdbStatus::ok);
    EXPECT_EQ(set(10, "239.0.0.99", PortSet::of({1})), FdbStatus::table_full);
    EXPECT_EQ(fdb_->stats().full_groups, 1u);
    for (int i = 1; i <= 4; ++i)
        EXPECT_EQ(fdb_->lookup(10, Ipv4Addr::from_host(0xef000000u + static_cast<std::uint32_t>(i)), kAnySource), PortSet::of({1}));
    EXPECT_EQ(set(10, "239.0.0.1", PortSet::of({2})), FdbStatus::ok) << "updates still work when full";
    fdb_->remove_group(10, ip4("239.0.0.4"));
    EXPECT_EQ(set(10, "239.0.0.99", PortSet::of({1})), FdbStatus::ok) << "room again after a removal";
}

TEST_F(SmallMcastFdb, registrations_share_the_mac_entries_with_groups) {
    for (int i = 1; i <= 3; ++i)
        ASSERT_EQ(fdb_->set_group(10, Ipv4Addr::from_host(0xef000000u + static_cast<std::uint32_t>(i)), PortSet::of({1})), FdbStatus::ok);
    ASSERT_EQ(fdb_->set_mac(10, kAvbMac, PortSet::of({2})), FdbStatus::ok);
    MacAddr other = kAvbMac;
    other.b[5] = 0x35;
    EXPECT_EQ(fdb_->set_mac(10, other, PortSet::of({2})), FdbStatus::table_full);
    EXPECT_EQ(fdb_->stats().full_macs, 1u);
    EXPECT_EQ(fdb_->set_mac(10, group_mac(ip4("239.0.0.1")), PortSet::of({3})), FdbStatus::ok)
        << "a MAC that has an entry already takes no more room";
    EXPECT_EQ(set(10, "239.0.0.99", PortSet::of({1})), FdbStatus::table_full);
    EXPECT_EQ(fdb_->lookup_mac(10, kAvbMac), PortSet::of({2}));
}

TEST_F(SmallMcastFdb, full_source_table_refuses_and_counts) {
    set(10, "232.0.0.1", PortSet::of({1}));
    EXPECT_EQ(fdb_->set_source(10, ip4("232.0.0.1"), ip4("192.0.2.1"), {}), FdbStatus::ok);
    EXPECT_EQ(fdb_->set_source(10, ip4("232.0.0.1"), ip4("192.0.2.2"), {}), FdbStatus::ok);
    EXPECT_EQ(fdb_->set_source(10, ip4("232.0.0.1"), ip4("192.0.2.3"), {}), FdbStatus::table_full);
    EXPECT_EQ(fdb_->stats().full_sources, 1u);
    EXPECT_EQ(fdb_->source_count(), 2u);
}

TEST_F(SmallMcastFdb, removed_entries_are_not_reused_while_a_reader_is_online) {
    qsbr_.online(0);  // a worker that has not passed a quiescent state
    for (int round = 0; round < 2; ++round) {
        set(10, "239.0.0.1", PortSet::of({1}));
        fdb_->remove_group(10, ip4("239.0.0.1"));
    }
    EXPECT_EQ(fdb_->reclaim(), 0u) << "the reader may still hold the old slots";
    EXPECT_GT(fdb_->pending_reclaim(), 0u);
    qsbr_.quiescent(0);
    EXPECT_GT(fdb_->reclaim(), 0u);
    EXPECT_EQ(fdb_->pending_reclaim(), 0u);
    qsbr_.offline(0);
}

// One writer doing 1 M random updates while a reader looks up without pause:
// every answer must be a port set that was published for that very key (the
// low bits of each set name its key), so a slot reused before its grace period
// or a torn entry is caught. Groups come in aliasing pairs so MAC entries are
// swapped between single-group and aliased forms all the time, and the pairs'
// MACs are registered and deregistered at layer 2 among them (a registration's
// set names its MAC in bits 10-19, so a union still names its keys).
TEST(McastFdbConcurrency, reader_only_ever_sees_published_sets) {
    constexpr std::uint32_t kKeys = 512;
    constexpr int kOps = 1'000'000;
    Qsbr qsbr(2);
    McastFdbConfig cfg;
    cfg.max_groups = kKeys;
    cfg.max_sources = kKeys;
    cfg.name = "mfdb_stress";
    MulticastFdb fdb(qsbr.get(), cfg);
    std::string err;
    ASSERT_TRUE(fdb.init(err)) << err;

    auto group_of = [](std::uint32_t k) {
        // k and k^1 share a MAC: 224.x.y.z and 225.x.y.z.
        return IpAddr(Ipv4Addr::from_host(0xe0000000u + ((k & 1) << 24) + 0x010000u + (k >> 1)));
    };
    const IpAddr src = ip4("192.0.2.1");
    std::mt19937 reader_rng(1);
    std::uint64_t hits = 0, bad = 0;
    StressReader reader(qsbr, 1, [&] {
        const std::uint32_t k = reader_rng() % kKeys;
        if (auto p = fdb.lookup(10, group_of(k), src)) {
            ++hits;
            const std::uint64_t g = p->bits() & 0x3ff, m = p->bits() >> 10 & 0x3ff;
            if ((g != k && g != 0) || (m != 0 && m != (0x100 | k >> 1)) || (g == 0 && m == 0 && k != 0)) ++bad;
        }
    });

    std::mt19937_64 rng(2);
    std::uint64_t failures = 0;
    for (int i = 0; i < kOps; ++i) {
        const std::uint32_t k = static_cast<std::uint32_t>(rng() % kKeys);
        const PortSet ports = PortSet::from_bits((rng() << 20) | k);
        const PortSet mac_ports = PortSet::from_bits((rng() << 20) | (0x100 | k >> 1) << 10);
        const unsigned op = static_cast<unsigned>(rng() % 8);
        failures += !retry_while_reclaiming(fdb, [&] {
            FdbStatus s;
            switch (op) {
                case 0: s = fdb.remove_group(10, group_of(k)); break;
                case 1: s = fdb.set_source(10, group_of(k), src, ports); break;
                case 2: s = fdb.remove_source(10, group_of(k), src); break;
                case 3: s = fdb.set_mac(10, group_mac(group_of(k)), mac_ports); break;
                case 4: s = fdb.set_mac(10, group_mac(group_of(k)), {}); break;
                default: s = fdb.set_group(10, group_of(k), ports); break;
            }
            return s != FdbStatus::table_full;
        });
        if (i % 64 == 0) fdb.reclaim();
    }
    const std::uint64_t lookups = reader.stop();
    EXPECT_EQ(bad, 0u) << "reader saw a set published for another key";
    EXPECT_GT(lookups, 100000u);
    EXPECT_GT(hits, 10000u);
    EXPECT_EQ(failures, 0u) << "reclaim must keep up with a single reader";
}

}  // namespace
}  // namespace l2snoop::test
