// A worker's punted control frames, queued per ingress port for the control
// thread (which serves the ports by deficit round robin: drr.h).
//
// Buffer sharing, as a switch shares its packet buffer: each port may always
// hold `reserve` frames; beyond that a port takes from `shared`, the frames
// the worker's queues hold together. So a burst of joins on one port (every
// receiver behind a downstream switch answering at once) queues whole, and a
// port that floods fills the shared part but never another port's reserve.
// Frames refused are the caller's to drop and count (punt_ring_full).
//
// Each ring: one producer (the worker), one consumer (the control thread).
#pragma once

#include <rte_ring.h>

#include <array>
#include <string>
#include <vector>

#include "dataplane/rings.h"
#include "fdb/port_set.h"

namespace l2snoop {

class PuntQueues {
public:
    PuntQueues() = default;
    ~PuntQueues();
    PuntQueues(const PuntQueues&) = delete;
    PuntQueues& operator=(const PuntQueues&) = delete;

    // A ring for each of `ports` (the ports worker `worker` polls).
    bool init(unsigned worker, const std::vector<PortId>& ports, unsigned shared, unsigned reserve, std::string& error);

    // Worker: queues up to `n` frames that came in on `in`; returns how many
    // it took (the first ones).
    unsigned offer(PortId in, const PuntedFrame* f, unsigned n) {
        rte_ring* r = rings_[in];
        unsigned total = 0;
        for (PortId p : ports_) total += rte_ring_count(rings_[p]);
        const unsigned own = rte_ring_count(r);
        const unsigned room = std::max(reserve_ > own ? reserve_ - own : 0u, shared_ > total ? shared_ - total : 0u);
        if (room == 0) return 0;
        return rte_ring_sp_enqueue_burst_elem(r, f, sizeof(PuntedFrame), std::min(n, room), nullptr);
    }

    // Control thread: the ring of port `p`, or nullptr if this worker does not poll it.
    rte_ring* ring(PortId p) const { return rings_[p]; }
    const std::vector<PortId>& ports() const { return ports_; }

private:
    std::array<rte_ring*, kMaxPorts> rings_{};
    std::vector<PortId> ports_;
    unsigned shared_ = 0, reserve_ = 0;
};

}  // namespace l2snoop
