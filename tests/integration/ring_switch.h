// The in-process switch fixture: the real switch on rte_eth_from_rings()
// ports. Frames are enqueued on a port's rx ring, the worker and control
// iterations are run by hand, and what each port transmitted is read from its
// tx rings.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <rte_eth_ring.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <map>
#include <thread>

#include "dataplane/switch.h"
#include "tests/integration/ring_ports.h"
#include "tests/unit/fdb/eal_env.h"
#include "tests/unit/frames.h"
#include "tests/unit/snooping/messages.h"

namespace l2snoop::test {

constexpr unsigned kPorts = RingPorts::kPorts;

inline rte_mempool* test_pool() {
    static rte_mempool* pool = rte_pktmbuf_pool_create("test_pool", 16383, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
    return pool;
}

// Frame `n` of the stream of untagged frame `f`: another identification and TTL.
inline std::vector<std::uint8_t> next_of(std::vector<std::uint8_t> f, std::uint8_t n) {
    f[18] = n;       // identification
    f[22] = 64 - n;  // TTL
    refresh_ipv4_checksum(f);
    return f;
}

class RingSwitch : public ::testing::Test {
protected:
    using Adjust = std::function<void(Config&, const std::vector<PortId>&)>;
    // `adjust` may complete the configuration once the ring ports' ids are
    // known; `workers` workers, `txq` tx queues per port.
    void start(Config cfg, const Adjust& adjust = {}, unsigned workers = 1, unsigned txq = RingPorts::kMaxTxq) {
        ports_ = std::make_unique<RingPorts>(1024, 4096, txq);
        if (adjust) adjust(cfg, ports_->ids);
        sw_ = std::make_unique<Switch>(std::move(cfg), ports_->ids, workers);
        std::string err;
        ASSERT_TRUE(sw_->init(err)) << err;
        sw_->control_iteration();
        work();      // sends what the control thread handed the workers
        drain_all();  // startup queries, MRD solicitations
    }
    // One iteration of every worker.
    void work() {
        for (unsigned w = 0; w < sw_->workers(); ++w) sw_->worker_iteration(w);
    }
    void TearDown() override {
        if (sw_) {
            drain_all();
            sw_->stop_ports();
        }
        sw_.reset();
        ports_.reset();
    }
    // Injects a frame on port index `p`.
    void inject(unsigned p, const std::vector<std::uint8_t>& frame) {
        rte_mbuf* m = rte_pktmbuf_alloc(test_pool());
        ASSERT_NE(m, nullptr);
        std::memcpy(rte_pktmbuf_append(m, static_cast<std::uint16_t>(frame.size())), frame.data(), frame.size());
        ASSERT_EQ(rte_ring_enqueue(ports_->rx[p], m), 0);
    }
    void run() {
        work();
        sw_->control_iteration();
        work();
    }
    struct Out {
        std::vector<std::uint8_t> bytes;
        rte_mbuf* m;
    };
    // What port `p` transmitted (both queues), linearised; mbufs freed.
    std::vector<std::vector<std::uint8_t>> take(unsigned p, std::vector<rte_mbuf*>* keep = nullptr) {
        std::vector<std::vector<std::uint8_t>> out;
        for (auto* r : ports_->tx[p]) {
            if (r == nullptr) continue;  // a single-queue port
            void* obj;
            while (rte_ring_dequeue(r, &obj) == 0) {
                auto* m = static_cast<rte_mbuf*>(obj);
                std::vector<std::uint8_t> b(m->pkt_len);
                // Returns a pointer into the mbuf when contiguous, else copies into b.
                const auto* d = static_cast<const std::uint8_t*>(rte_pktmbuf_read(m, 0, m->pkt_len, b.data()));
                if (d != b.data()) std::memcpy(b.data(), d, m->pkt_len);
                out.push_back(std::move(b));
                if (keep)
                    keep->push_back(m);
                else
                    rte_pktmbuf_free(m);
            }
        }
        return out;
    }
    void drain_all() {
        for (unsigned p = 0; p < kPorts; ++p) take(p);
    }
    // Port indices that transmitted a frame equal to `sent` past the MACs and
    // any VLAN tag (one entry per copy); everything transmitted is consumed.
    std::vector<unsigned> receivers(const std::vector<std::uint8_t>& sent) {
        std::vector<unsigned> who;
        const std::size_t off = sent[12] == 0x81 ? 16 : 12;
        for (unsigned p = 0; p < kPorts; ++p)
            for (const auto& f : take(p)) {
                const std::size_t o = f[12] == 0x81 ? 16 : 12;
                if (f.size() - o == sent.size() - off && std::equal(f.begin() + static_cast<long>(o), f.end(), sent.begin() + static_cast<long>(off)))
                    who.push_back(p);
            }
        return who;
    }
    PortStats stats(unsigned p) { return sw_->port_stats(ports_->ids[p]); }
    // Sends frame `n` of stream `f` on port 0 in a burst of its own; who got it.
    std::vector<unsigned> stream_frame(const std::vector<std::uint8_t>& f, std::uint8_t n) {
        const auto g = next_of(f, n);
        inject(0, g);
        sw_->worker_iteration(0);
        return receivers(g);
    }
    // IGMP frames from the host 02:00:00:00:00:21 / 10.0.0.21, or from the
    // router 02:00:00:00:00:01 at `src`.
    static std::vector<std::uint8_t> frame(const Message& m, const char* src = "10.0.0.21", std::uint8_t mac = 0x21) {
        return build_frame(m, MacAddr{{0x02, 0, 0, 0, 0, mac}}, *IpAddr::parse(src));
    }
    std::vector<std::uint8_t> report(const char* group) { return frame(v2_report(*IpAddr::parse(group))); }
    std::vector<std::uint8_t> leave(const char* group) { return frame(test::leave(*IpAddr::parse(group))); }
    std::vector<std::uint8_t> general_query(const char* src) { return frame(query(IpFamily::v4, 2), src, 0x01); }

    std::unique_ptr<RingPorts> ports_;
    std::unique_ptr<Switch> sw_;
};

inline Config access_all(VlanId v = 1) {
    Config c;
    for (PortId p = 0; p < kPorts; ++p) c.ports[p] = PortConfig{PortConfig::Mode::access, v, {}, {}};
    return c;
}

inline const std::vector<unsigned> kAllBut0 = {1, 2, 3};

}  // namespace l2snoop::test
