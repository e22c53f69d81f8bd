// Four switch ports on rte_eth_from_rings(): per port one rx ring (a test
// enqueues frames there) and one tx ring per tx queue (two by default; one
// for the single-queue tests), read back to see what the port transmitted.
// Shared by the in-process switch tests and the join/leave latency benchmark.
#pragma once

#include <rte_eth_ring.h>
#include <rte_ring.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fdb/port_set.h"

namespace l2snoop::test {

struct RingPorts {
    static constexpr unsigned kPorts = 4;
    static constexpr unsigned kMaxTxq = 2;

    rte_ring* rx[kPorts] = {};
    rte_ring* tx[kPorts][kMaxTxq] = {};
    std::vector<PortId> ids;

    // Rings are single-producer: a tx queue two workers share must be locked.
    explicit RingPorts(unsigned rx_size = 1024, unsigned tx_size = 4096, unsigned txq = kMaxTxq) {
        if (txq == 0 || txq > kMaxTxq) throw std::invalid_argument("RingPorts: 1 or 2 tx queues");
        static int gen = 0;  // fresh ring and port names for every set
        ++gen;
        for (unsigned p = 0; p < kPorts; ++p) {
            const std::string base = "t" + std::to_string(gen) + "p" + std::to_string(p);
            rx[p] = rte_ring_create((base + "rx").c_str(), rx_size, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
            for (unsigned q = 0; q < txq; ++q)
                tx[p][q] = rte_ring_create((base + "tx" + std::to_string(q)).c_str(), tx_size, 0,
                                           RING_F_SP_ENQ | RING_F_SC_DEQ);
            const int id = rte_eth_from_rings(("net_ring_" + base).c_str(), &rx[p], 1, tx[p], txq, 0);
            if (id < 0) throw std::runtime_error("rte_eth_from_rings");
            ids.push_back(static_cast<PortId>(id));
        }
    }
    ~RingPorts() {
        for (unsigned p = 0; p < kPorts; ++p) {
            rte_ring_free(rx[p]);
            for (auto* r : tx[p]) rte_ring_free(r);  // null-safe
        }
    }
    RingPorts(const RingPorts&) = delete;
    RingPorts& operator=(const RingPorts&) = delete;
};

}  // namespace l2snoop::test
