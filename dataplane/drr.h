// Deficit round robin (Shreedhar and Varghese, 1995) over per-port queues of
// punted control frames: each round every port with frames waiting may take
// frames worth `quantum` cost units; what it overdraws it owes the next round,
// what it leaves unused it forfeits when its queue runs empty. A port that
// floods gets its share and no more; the others' frames wait at most a round.
// Pure code: the queues are behind the callbacks (tests use deques).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace l2snoop {

class DeficitRoundRobin {
public:
    // `flows` queues; every frame costs at least `min_cost`.
    DeficitRoundRobin(std::size_t flows, std::int64_t quantum, std::int64_t min_cost)
        : deficit_(flows, 0), quantum_(quantum), min_cost_(min_cost) {}

    // One round. take(flow, Frame* out, unsigned max) -> frames dequeued (at
    // most max, 0: empty); cost(const Frame&) -> cost units (>= min_cost);
    // serve(flow, Frame&). Returns the frames served.
    template <class Frame, unsigned kBatch, class Take, class Cost, class Serve>
    unsigned round(Take&& take, Cost&& cost, Serve&& serve) {
        unsigned served = 0;
        Frame batch[kBatch];
        for (std::size_t q = 0; q < deficit_.size(); ++q) {
            std::int64_t& d = deficit_[q];
            d += quantum_;
            while (d > 0) {
                // No more frames than the deficit pays for at the cheapest cost; what a batch overdraws is owed.
                const auto want = static_cast<unsigned>(std::clamp<std::int64_t>(d / min_cost_, 1, kBatch));
                const unsigned n = take(q, batch, want);
                for (unsigned i = 0; i < n; ++i) {
                    d -= cost(batch[i]);
                    serve(q, batch[i]);
                }
                served += n;
                if (n < want) {  // the queue ran empty: it forfeits its credit (a debt stays)
                    d = std::min<std::int64_t>(d, 0);
                    break;
                }
            }
        }
        return served;
    }

    std::int64_t deficit(std::size_t flow) const { return deficit_[flow]; }

private:
    std::vector<std::int64_t> deficit_;
    std::int64_t quantum_, min_cost_;
};

}  // namespace l2snoop
