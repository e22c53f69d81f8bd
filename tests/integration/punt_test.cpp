// Control frames on their way to the control thread: per-port punt queues
// (dataplane/punt_queues.h) served by deficit round robin (dataplane/drr.h),
// and the per-port policer (--punt-rate, --punt-burst).
#include <algorithm>
#include <string>

#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

std::string group_name(unsigned i) { return "239.1." + std::to_string(i >> 8) + "." + std::to_string(i & 255); }

class Punt : public RingSwitch {
protected:
    // The workers take everything injected, the control thread does nothing meanwhile (a burst at line rate).
    void work_until_idle() {
        for (int guard = 0; guard < 100000; ++guard) {
            unsigned n = 0;
            for (unsigned w = 0; w < sw_->workers(); ++w) n += sw_->worker_iteration(w);
            if (n == 0) return;
        }
        FAIL() << "workers never idle";
    }
    void control_until_idle() {
        for (int guard = 0; guard < 100000; ++guard)
            if (sw_->control_iteration() == 0) return;
        FAIL() << "control thread never idle";
    }
    // `n` reports for groups 0.. (modulo `distinct`) on port `p`, faster than
    // the control thread: the workers take each 500 before it runs.
    void flood_reports(unsigned p, unsigned n, unsigned distinct = ~0u) {
        for (unsigned i = 0; i < n; i += 500) {
            for (unsigned j = i; j < std::min(n, i + 500); ++j) inject(p, report(group_name(j % distinct).c_str()));
            work_until_idle();
        }
    }
    std::size_t groups_on(unsigned p) {
        std::size_t n = 0;
        for (const auto& m : sw_->snooper().memberships(sw_->now())) n += m.port == ports_->ids[p];
        return n;
    }
};

TEST_F(Punt, a_burst_of_ten_thousand_joins_on_one_port_is_learned_completely) {
    start(access_all());
    // Faster than the control thread: every report is queued before it runs once.
    constexpr unsigned kJoins = 10000;
    flood_reports(1, kJoins);
    EXPECT_EQ(stats(1).punted, kJoins);
    EXPECT_EQ(stats(1).drops[static_cast<int>(Drop::punt_ring_full)], 0u);
    control_until_idle();
    EXPECT_EQ(groups_on(1), kJoins);
    EXPECT_EQ(sw_->snooper().group_count(), kJoins);
}

TEST_F(Punt, a_port_flooding_reports_fills_the_shared_queue_but_not_another_ports_reserve) {
    Config c = access_all();
    c.punt_queue = 1024;
    c.punt_reserve = 16;
    start(c);
    flood_reports(1, 2000);
    EXPECT_EQ(stats(1).punted, 1024u) << "the shared part, all of it";
    EXPECT_EQ(stats(1).drops[static_cast<int>(Drop::punt_ring_full)], 2000u - 1024u);
    // A join on port 3 while port 1's frames fill the queue: port 3's reserve takes it,
    inject(3, report("239.9.9.9"));
    work_until_idle();
    EXPECT_EQ(stats(3).punted, 1u);
    EXPECT_EQ(stats(3).drops[static_cast<int>(Drop::punt_ring_full)], 0u);
    // and the control thread's next round serves it, with port 1's share.
    sw_->control_iteration();
    EXPECT_EQ(groups_on(3), 1u);
    EXPECT_GT(groups_on(1), 0u);
    EXPECT_LT(groups_on(1), 100u) << "one round: port 1 had its quantum, not its whole queue";
    control_until_idle();
    EXPECT_EQ(groups_on(1), 1024u);
}

TEST_F(Punt, two_flooding_ports_share_the_control_thread_evenly) {
    Config c = access_all();
    c.punt_queue = 4096;
    start(c);
    for (unsigned j = 0; j < 1000; ++j) {
        inject(1, report(group_name(j).c_str()));
        inject(2, report(group_name(j + 1000).c_str()));
    }
    work_until_idle();
    for (int i = 0; i < 10; ++i) sw_->control_iteration();
    const auto a = groups_on(1), b = groups_on(2);
    EXPECT_GT(a, 100u);
    EXPECT_EQ(a, b) << "the same frames cost the same: equal shares";
}

TEST_F(Punt, data_forwards_while_a_full_punt_queue_refuses_reports) {
    Config c = access_all();
    c.punt_queue = 64;
    c.punt_reserve = 1;
    start(c);
    for (unsigned j = 0; j < 300; ++j) inject(1, report(group_name(j).c_str()));
    work_until_idle();
    EXPECT_EQ(stats(1).drops[static_cast<int>(Drop::punt_ring_full)], 300u - 64u);
    const auto f = udp4_frame(ip4("239.9.9.9"), ip4("192.0.2.1"));
    inject(0, f);
    sw_->worker_iteration(0);
    EXPECT_EQ(receivers(f), kAllBut0) << "data goes on while the control queue is full";
}

// The default policer (20,000/s per port, 16,384 deep) passes the burst above
// whole; what it is for is the flood a worker would otherwise hand over frame by
// frame (docs/benchmarks.md: a punted frame costs the worker ~13 forwarded ones).
TEST_F(Punt, the_policer_can_be_turned_off) {
    Config c = access_all();
    c.punt_rate = 0;
    c.punt_burst = 1;
    start(c);
    flood_reports(1, 3000, 1000);
    EXPECT_EQ(stats(1).punted, 3000u);
    EXPECT_EQ(stats(1).drops[static_cast<int>(Drop::punt_rate)], 0u);
}

TEST_F(Punt, over_its_policer_a_port_drops_igmp_unparsed_and_counts_it_policed) {
    Config c = access_all();
    c.punt_rate = 1;
    c.punt_burst = 2;
    start(c);
    flood_reports(1, 5);  // 2 punted, 3 policed: the bucket is empty now
    ASSERT_EQ(stats(1).drops[static_cast<int>(Drop::punt_rate)], 3u);
    auto bad = report("239.1.1.1");
    bad[24] ^= 0xff;  // its IPv4 checksum: the policer drops it before a parse would
    inject(1, bad);
    work_until_idle();
    EXPECT_EQ(stats(1).drops[static_cast<int>(Drop::punt_rate)], 4u);
    EXPECT_EQ(stats(1).drops[static_cast<int>(malformed_drop(Malformed::bad_ipv4_checksum))], 0u);
    const auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
    inject(1, f);
    work_until_idle();
    EXPECT_EQ(receivers(f), (std::vector<unsigned>{0, 2, 3})) << "data from the same port goes on";
}

}  // namespace
}  // namespace l2snoop::test
