#include "dataplane/punt_queues.h"

#include <rte_errno.h>

#include <algorithm>

namespace l2snoop {

bool PuntQueues::init(unsigned worker, const std::vector<PortId>& ports, unsigned shared, unsigned reserve,
                      std::string& error) {
    shared_ = shared;
    reserve_ = reserve;
    for (PortId p : ports) {
        if (rings_[p] != nullptr) continue;  // two rx queues of one port share its ring
        // A port holds at most max(shared, reserve) frames (offer() never lets it past).
        const std::string name = "l2s_punt" + std::to_string(worker) + "_" + std::to_string(p);
        rings_[p] = rte_ring_create_elem(name.c_str(), sizeof(PuntedFrame), std::max(shared, reserve),
                                         static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
        if (rings_[p] == nullptr) {
            error = "punt queue of port " + std::to_string(p) + " (--punt-queue " + std::to_string(shared) +
                    "): " + rte_strerror(rte_errno) + " (lower it or give the EAL more memory)";
            return false;
        }
        ports_.push_back(p);
    }
    return true;
}

PuntQueues::~PuntQueues() {
    // Frames still queued go back to the pool.
    for (PortId p : ports_) {
        PuntedFrame f;
        while (rte_ring_sc_dequeue_elem(rings_[p], &f, sizeof f) == 0) rte_pktmbuf_free(f.m);
        rte_ring_free(rings_[p]);
    }
}

}  // namespace l2snoop
