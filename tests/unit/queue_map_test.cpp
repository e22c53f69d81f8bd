// The queue-ownership map: any port, any number of workers (docs/architecture.md, Queue ownership). EAL-free.
#include <gtest/gtest.h>

#include "dataplane/queue_map.h"

namespace l2snoop::test {
namespace {

QueueMap build(const std::vector<PortQueues>& ports, unsigned workers, const std::vector<RxAssignment>& rx = {}) {
    std::vector<unsigned> lcores;
    for (unsigned i = 0; i < workers; ++i) lcores.push_back(10 + i);
    QueueMap m;
    std::string err;
    EXPECT_TRUE(build_queue_map(ports, workers, lcores, rx, m, err)) << err;
    return m;
}

TEST(QueueMap, enough_tx_queues_give_every_worker_its_own_unlocked) {
    const QueueMap m = build({{0, 1, 4}, {1, 1, 8}}, 4);
    for (unsigned w = 0; w < 4; ++w)
        for (PortId p : {0, 1}) {
            EXPECT_EQ(m.tx[w][p].queue, w);
            EXPECT_FALSE(m.tx[w][p].shared);
        }
    EXPECT_EQ(m.tx_queues[0], 4);
    EXPECT_EQ(m.tx_queues[1], 4) << "no more queues than senders";
}

TEST(QueueMap, a_single_queue_port_is_shared_by_two_workers_under_a_lock) {
    const QueueMap m = build({{0, 1, 1}}, 2);
    EXPECT_EQ(m.tx_queues[0], 1);
    EXPECT_EQ(m.tx[0][0].queue, 0);
    EXPECT_EQ(m.tx[1][0].queue, 0);
    EXPECT_TRUE(m.tx[0][0].shared);
    EXPECT_TRUE(m.tx[1][0].shared);
}

TEST(QueueMap, a_single_queue_port_with_one_worker_needs_no_lock) {
    const QueueMap m = build({{0, 1, 1}}, 1);
    EXPECT_FALSE(m.tx[0][0].shared);
    EXPECT_EQ(m.delegate[0], 0) << "the control thread's frames go through the one worker";
}

TEST(QueueMap, three_workers_on_two_queues_share_only_the_queue_that_has_two_senders) {
    const QueueMap m = build({{0, 1, 2}}, 3);
    EXPECT_EQ(m.tx[0][0].queue, 0);
    EXPECT_EQ(m.tx[1][0].queue, 1);
    EXPECT_EQ(m.tx[2][0].queue, 0);
    EXPECT_TRUE(m.tx[0][0].shared);
    EXPECT_FALSE(m.tx[1][0].shared) << "queue 1 is worker 1's alone";
    EXPECT_TRUE(m.tx[2][0].shared);
}

TEST(QueueMap, control_frames_of_each_port_have_one_delegate_worker) {
    const QueueMap m = build({{0, 1, 4}, {1, 1, 4}, {2, 1, 4}}, 2);
    EXPECT_EQ(m.delegate[0], 0);
    EXPECT_EQ(m.delegate[1], 1);
    EXPECT_EQ(m.delegate[2], 0);
}

TEST(QueueMap, rx_queues_are_dealt_round_robin) {
    const QueueMap m = build({{0, 2, 2}, {1, 1, 2}}, 2);
    using Q = std::vector<std::pair<PortId, std::uint16_t>>;
    EXPECT_EQ(m.rx[0], (Q{{0, 0}, {1, 0}}));
    EXPECT_EQ(m.rx[1], (Q{{0, 1}}));
}

TEST(QueueMap, an_explicit_map_puts_each_queue_on_its_lcore) {
    const QueueMap m = build({{0, 2, 2}}, 2, {{0, 0, 11}, {0, 1, 10}});
    using Q = std::vector<std::pair<PortId, std::uint16_t>>;
    EXPECT_EQ(m.rx[0], (Q{{0, 1}}));
    EXPECT_EQ(m.rx[1], (Q{{0, 0}}));
}

std::string error_of(const std::vector<PortQueues>& ports, unsigned workers, const std::vector<RxAssignment>& rx) {
    QueueMap m;
    std::string err;
    EXPECT_FALSE(build_queue_map(ports, workers, {10, 11}, rx, m, err));
    return err;
}

TEST(QueueMap, bad_maps_are_refused_naming_the_problem) {
    EXPECT_EQ(error_of({{0, 2, 2}}, 2, {{0, 0, 10}}),
              "--queue-map: port 0 rx queue 1 is polled by no lcore (its frames would be lost)");
    EXPECT_EQ(error_of({{0, 1, 2}}, 2, {{0, 3, 10}}), "--queue-map (0,3,10): no such port or rx queue");
    EXPECT_EQ(error_of({{0, 1, 2}}, 2, {{0, 0, 12}}), "--queue-map (0,0,12): lcore 12 is not one of the EAL's -l lcores");
    EXPECT_EQ(error_of({{0, 1, 2}}, 2, {{0, 0, 10}, {0, 0, 11}}),
              "--queue-map (0,0,11): rx queue 0 of port 0 is already polled (one lcore per queue)");
    EXPECT_EQ(error_of({{0, 1, 0}}, 2, {}), "port 0: the device has no tx queue");
}

TEST(QueueMap, the_start_up_line_says_who_owns_what) {
    EXPECT_EQ(build({{0, 1, 1}}, 2).describe(0),
              "rx q0:worker 0; tx q0:workers 0+1 (shared, locked); control thread's frames via worker 0");
    EXPECT_EQ(build({{1, 2, 4}}, 2).describe(1),
              "rx q0:worker 0, q1:worker 1; tx q0:worker 0, q1:worker 1; control thread's frames via worker 1");
}

}  // namespace
}  // namespace l2snoop::test
