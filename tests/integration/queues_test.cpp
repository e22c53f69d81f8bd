// Ports with a single tx queue (a VM's virtio NIC, net_pcap, net_af_packet
// without qpairs), with one and with two workers running on their own
// threads while the control thread sends too: every frame from every sender
// arrives exactly once, the counters add up, and no mbuf is lost.
#include <atomic>
#include <chrono>
#include <set>

#include "tests/integration/ring_switch.h"

namespace l2snoop::test {
namespace {

constexpr unsigned kData = 800;    // data frames injected on each of ports 0 and 1
constexpr unsigned kReports = 40;  // reports on port 2, forwarded by the control thread to the router port 3

class SingleTxQueue : public RingSwitch, public ::testing::WithParamInterface<unsigned> {
protected:
    // Data frame `seq` from port index `from`: marked in its UDP payload.
    static std::vector<std::uint8_t> data(unsigned from, unsigned seq) {
        auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
        f[11] = static_cast<std::uint8_t>(0x10 + from);  // a source MAC per port
        f[42] = static_cast<std::uint8_t>(from);
        store_be16(&f[43], static_cast<std::uint16_t>(seq));
        return f;
    }
    static bool is_data(const std::vector<std::uint8_t>& f) { return f.size() == 60 && f[23] == 17; }
    static std::pair<unsigned, unsigned> mark(const std::vector<std::uint8_t>& f) { return {f[42], load_be16(&f[43])}; }
};

TEST_P(SingleTxQueue, every_frame_from_every_sender_arrives_exactly_once) {
    const unsigned workers = GetParam();
    Config c = access_all();
    start(
        c, [](Config& cfg, const std::vector<PortId>& ids) { cfg.snoop.static_router_ports = PortSet::of({ids[3]}); },
        workers, 1);
    for (unsigned p = 0; p < kPorts; ++p) ASSERT_EQ(sw_->queue_map().tx_queues[ports_->ids[p]], 1);
    const unsigned test_mbufs = rte_mempool_in_use_count(test_pool());
    std::uint64_t sent_before[kPorts];  // the start-up queries
    for (unsigned p = 0; p < kPorts; ++p) sent_before[p] = stats(p).sent();

    for (unsigned seq = 0; seq < kData; ++seq) {
        inject(0, data(0, seq));
        inject(1, data(1, seq));
    }
    for (unsigned g = 0; g < kReports; ++g) {
        const std::string group = "239.2.0." + std::to_string(g + 1);
        inject(2, report(group.c_str()));
    }
    inject(3, general_query("10.0.0.1"));

    // Workers on their own threads; this thread is the control thread and reads the ports.
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < workers; ++w)
        threads.emplace_back([&, w] {
            while (!stop.load(std::memory_order_relaxed)) sw_->worker_iteration(w);
        });
    const std::size_t want = 2 * kData + 2 * kData + 2 * kData + kReports + 3;  // data copies, reports, query copies
    std::map<unsigned, std::multiset<std::pair<unsigned, unsigned>>> got;      // port -> data marks
    std::map<unsigned, unsigned> control;                                      // port -> control frames
    std::size_t seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (seen < want && std::chrono::steady_clock::now() < deadline) {
        sw_->control_iteration();
        for (unsigned p = 0; p < kPorts; ++p)
            for (const auto& f : take(p)) {
                ++seen;
                if (is_data(f))
                    got[p].insert(mark(f));
                else
                    ++control[p];
            }
    }
    // A last look: nothing more may arrive.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
    for (auto& t : threads) t.join();
    sw_->control_iteration();
    work();
    for (unsigned p = 0; p < kPorts; ++p)
        for (const auto& f : take(p)) {
            ++seen;
            if (is_data(f)) got[p].insert(mark(f));
        }
    ASSERT_EQ(seen, want);

    // Data: each frame once on each port but its own.
    for (unsigned p = 0; p < kPorts; ++p) {
        std::multiset<std::pair<unsigned, unsigned>> expected;
        for (unsigned from : {0u, 1u})
            if (from != p)
                for (unsigned seq = 0; seq < kData; ++seq) expected.insert({from, seq});
        EXPECT_EQ(got[p], expected) << "port " << p;
    }
    // Control: the query flooded to 0, 1, 2; every report to the router port.
    EXPECT_EQ(control[0], 1u);
    EXPECT_EQ(control[1], 1u);
    EXPECT_EQ(control[2], 1u);
    EXPECT_EQ(control[3], kReports);

    // Counters: what came in, what went out, and no drop.
    const unsigned rx[kPorts] = {kData, kData, kReports, 1};
    const unsigned tx[kPorts] = {kData + 1, kData + 1, 2 * kData + 1, 2 * kData + kReports};
    for (unsigned p = 0; p < kPorts; ++p) {
        const PortStats s = stats(p);
        EXPECT_EQ(s.rx, rx[p]) << "port " << p;
        EXPECT_EQ(s.sent() - sent_before[p], tx[p]) << "port " << p;
        for (int d = 0; d < kDrops; ++d) EXPECT_EQ(s.drops[d], 0u) << "port " << p << " " << to_string(static_cast<Drop>(d));
    }
    EXPECT_EQ(stats(2).punted, kReports);
    EXPECT_EQ(stats(3).punted, 1u);
    if (workers == 2)
        EXPECT_GT(sw_->locked_tx_bursts(), 0u) << "two workers sent on one queue";
    else
        EXPECT_EQ(sw_->locked_tx_bursts(), 0u) << "a queue of its own is never locked";

    // Nothing lost: every mbuf is back in its pool.
    EXPECT_EQ(rte_mempool_in_use_count(test_pool()), test_mbufs);
    EXPECT_EQ(sw_->mbufs_in_use(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Workers, SingleTxQueue, ::testing::Values(1u, 2u),
                         [](const ::testing::TestParamInfo<unsigned>& i) { return std::to_string(i.param) + "_workers"; });

TEST_F(RingSwitch, a_join_is_seen_by_both_workers) {
    Config c = access_all();
    c.unregistered = UnregisteredPolicy::drop;
    start(c, {}, 2);
    // Round-robin: worker 0 polls ports 0 and 2, worker 1 ports 1 and 3.
    ASSERT_EQ(sw_->queue_map().rx[1].front().first, ports_->ids[1]);
    inject(2, report("239.1.1.1"));
    run();
    drain_all();
    for (unsigned from : {0u, 1u}) {
        auto f = udp4_frame(ip4("239.1.1.1"), ip4("192.0.2.1"));
        f[11] = static_cast<std::uint8_t>(0x30 + from);
        inject(from, f);
        work();
        EXPECT_EQ(receivers(f), std::vector<unsigned>{2}) << "from port " << from;
    }
}

TEST_F(RingSwitch, a_source_learned_by_one_worker_is_known_to_the_other) {
    start(access_all(), {}, 2);
    const MacAddr a{{0x02, 0, 0, 0, 0, 0xaa}};
    auto from_a = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    std::copy(a.b.begin(), a.b.end(), from_a.begin() + 6);
    inject(0, from_a);  // worker 0 sees it, the control thread learns it
    run();
    drain_all();
    auto to_a = udp4_frame(ip4("224.0.0.251"), ip4("192.0.2.1"));
    std::copy(a.b.begin(), a.b.end(), to_a.begin());
    to_a[11] = 0xbb;
    inject(1, to_a);  // worker 1 forwards to it
    work();
    EXPECT_EQ(receivers(to_a), std::vector<unsigned>{0});
}

TEST_F(RingSwitch, the_control_threads_frames_go_out_through_the_ports_delegate_worker) {
    start(access_all(), {}, 2, 1);
    const auto q = general_query("10.0.0.1");
    inject(3, q);
    work();                    // punted by the worker polling port 3
    sw_->control_iteration();  // handed to the delegates of ports 0, 1, 2
    EXPECT_TRUE(receivers(q).empty()) << "nothing sent before a worker runs";
    work();
    EXPECT_EQ(receivers(q), (std::vector<unsigned>{0, 1, 2}));
}

}  // namespace
}  // namespace l2snoop::test
