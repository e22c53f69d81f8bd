// Deficit round robin over punt queues (dataplane/drr.h), with deques as the queues.
#include "dataplane/drr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <vector>

namespace l2snoop {
namespace {

struct Frame {
    int cost;
};

// Queues of frames and the order served.
struct Queues {
    explicit Queues(std::size_t n) : q(n) {}
    std::vector<std::deque<Frame>> q;
    std::vector<std::size_t> served;
    std::map<std::size_t, long> cost_served;
    unsigned round(DeficitRoundRobin& drr) {
        return drr.round<Frame, 32>(
            [&](std::size_t f, Frame* out, unsigned max) {
                unsigned n = 0;
                while (n < max && !q[f].empty()) {
                    out[n++] = q[f].front();
                    q[f].pop_front();
                }
                return n;
            },
            [](const Frame& f) { return f.cost; },
            [&](std::size_t f, const Frame& fr) {
                served.push_back(f);
                cost_served[f] += fr.cost;
            });
    }
};

TEST(Drr, a_port_alone_is_served_a_quantum_per_round) {
    DeficitRoundRobin drr(3, 640, 64);
    Queues qs(3);
    qs.q[1].assign(100, Frame{64});
    EXPECT_EQ(qs.round(drr), 10u);
    EXPECT_EQ(qs.round(drr), 10u);
    EXPECT_EQ(qs.q[1].size(), 80u);
}

TEST(Drr, a_flooding_port_gets_its_share_and_another_ports_frame_waits_one_round_at_most) {
    DeficitRoundRobin drr(3, 640, 64);
    Queues qs(3);
    qs.q[0].assign(10000, Frame{64});
    qs.round(drr);
    qs.q[2].push_back(Frame{72});  // a join arrives during the flood
    qs.served.clear();
    qs.round(drr);
    EXPECT_EQ(std::count(qs.served.begin(), qs.served.end(), 2u), 1) << "served in the next round";
    EXPECT_EQ(std::count(qs.served.begin(), qs.served.end(), 0u), 10) << "the flood still gets its quantum";
}

TEST(Drr, shares_are_by_cost_not_by_frame_count) {
    DeficitRoundRobin drr(2, 2048, 64);
    Queues qs(2);
    qs.q[0].assign(100000, Frame{64});    // small reports
    qs.q[1].assign(100000, Frame{1464});  // large MLDv2 reports
    for (int r = 0; r < 2000; ++r) qs.round(drr);  // a batch of large frames overdraws, paid back over rounds
    const double ratio = static_cast<double>(qs.cost_served[0]) / static_cast<double>(qs.cost_served[1]);
    EXPECT_NEAR(ratio, 1.0, 0.02) << qs.cost_served[0] << " vs " << qs.cost_served[1];
}

TEST(Drr, what_a_batch_overdraws_is_owed_to_the_next_round) {
    DeficitRoundRobin drr(1, 100, 64);
    Queues qs(1);
    qs.q[0].assign(10, Frame{1000});
    EXPECT_EQ(qs.round(drr), 1u);  // 100 credit buys one frame of 1000: owes 900
    EXPECT_EQ(drr.deficit(0), -900);
    for (int r = 0; r < 9; ++r) EXPECT_EQ(qs.round(drr), 0u) << r;  // paying back
    EXPECT_EQ(qs.round(drr), 1u);
}

TEST(Drr, an_emptied_queue_forfeits_its_credit_but_owes_its_debt) {
    DeficitRoundRobin drr(1, 1000, 64);
    Queues qs(1);
    qs.q[0].push_back(Frame{64});
    EXPECT_EQ(qs.round(drr), 1u);
    EXPECT_EQ(drr.deficit(0), 0) << "the unused 936 are forfeited";
    qs.q[0].push_back(Frame{3000});
    EXPECT_EQ(qs.round(drr), 1u);
    EXPECT_EQ(drr.deficit(0), -2000);
    qs.q[0].push_back(Frame{64});
    EXPECT_EQ(qs.round(drr), 0u) << "still owing 1000";
    EXPECT_EQ(qs.round(drr), 0u) << "paid off, no credit yet";
    EXPECT_EQ(qs.round(drr), 1u);
}

TEST(Drr, a_batch_takes_no_more_frames_than_the_deficit_pays_for_at_the_cheapest) {
    DeficitRoundRobin drr(1, 128, 64);
    Queues qs(1);
    qs.q[0].assign(10, Frame{64});
    EXPECT_EQ(qs.round(drr), 2u);
}

}  // namespace
}  // namespace l2snoop
