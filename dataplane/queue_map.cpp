#include "dataplane/queue_map.h"

#include <algorithm>

namespace l2snoop {

bool build_queue_map(const std::vector<PortQueues>& ports, unsigned workers, const std::vector<unsigned>& lcores,
                     const std::vector<RxAssignment>& explicit_rx, QueueMap& out, std::string& error) {
    if (workers == 0 || workers > kMaxWorkers) {
        error = "between 1 and " + std::to_string(kMaxWorkers) + " workers (lcores of -l) are supported, not " +
                std::to_string(workers);
        return false;
    }
    out = QueueMap{};
    out.workers = workers;
    out.rx.assign(workers, {});
    std::vector<std::pair<PortId, std::uint16_t>> rxq;
    for (const PortQueues& pq : ports) {
        if (pq.port >= kMaxPorts) {
            error = "port " + std::to_string(pq.port) + ": at most " + std::to_string(kMaxPorts) + " ports";
            return false;
        }
        if (pq.max_tx == 0) {
            error = "port " + std::to_string(pq.port) + ": the device has no tx queue";
            return false;
        }
        const std::uint16_t t = static_cast<std::uint16_t>(std::min<unsigned>(workers, pq.max_tx));
        out.tx_queues[pq.port] = t;
        // Queue q is worker q's, and worker q + t's, q + 2t's ... when there
        // are that many: shared iff q + t < workers.
        for (unsigned w = 0; w < workers; ++w)
            out.tx[w][pq.port] = {static_cast<std::uint16_t>(w % t), (w % t) + t < workers};
        out.delegate[pq.port] = static_cast<std::uint16_t>(pq.port % workers);
        for (std::uint16_t q = 0; q < pq.rx; ++q) rxq.emplace_back(pq.port, q);
    }
    if (explicit_rx.empty()) {
        for (std::size_t i = 0; i < rxq.size(); ++i) out.rx[i % workers].push_back(rxq[i]);
        return true;
    }
    // Every (port, queue) polled by exactly the lcore named for it.
    for (const RxAssignment& m : explicit_rx) {
        const std::string what = "--queue-map (" + std::to_string(m.port) + "," + std::to_string(m.queue) + "," +
                                 std::to_string(m.lcore) + "): ";
        if (std::find(rxq.begin(), rxq.end(), std::pair{m.port, m.queue}) == rxq.end()) {
            error = what + "no such port or rx queue";
            return false;
        }
        const auto it = std::find(lcores.begin(), lcores.end(), m.lcore);
        if (it == lcores.end() || static_cast<unsigned>(it - lcores.begin()) >= workers) {
            error = what + "lcore " + std::to_string(m.lcore) + " is not one of the EAL's -l lcores";
            return false;
        }
        auto& mine = out.rx[static_cast<unsigned>(it - lcores.begin())];
        for (const auto& polled : out.rx)
            if (std::find(polled.begin(), polled.end(), std::pair{m.port, m.queue}) != polled.end()) {
                error = what + "rx queue " + std::to_string(m.queue) + " of port " + std::to_string(m.port) +
                        " is already polled (one lcore per queue)";
                return false;
            }
        mine.emplace_back(m.port, m.queue);
    }
    for (const auto& pq : rxq)
        if (std::none_of(explicit_rx.begin(), explicit_rx.end(),
                         [&](const RxAssignment& m) { return m.port == pq.first && m.queue == pq.second; })) {
            error = "--queue-map: port " + std::to_string(pq.first) + " rx queue " + std::to_string(pq.second) +
                    " is polled by no lcore (its frames would be lost)";
            return false;
        }
    return true;
}

std::string QueueMap::describe(PortId p) const {
    std::string s = "rx";
    bool any = false;
    for (unsigned w = 0; w < workers; ++w)
        for (const auto& [port, q] : rx[w])
            if (port == p) {
                s += " q" + std::to_string(q) + ":worker " + std::to_string(w) + ",";
                any = true;
            }
    if (any)
        s.pop_back();
    else
        s += " (none)";
    s += "; tx";
    for (std::uint16_t q = 0; q < tx_queues[p]; ++q) {
        std::string who;
        unsigned n = 0;
        for (unsigned w = 0; w < workers; ++w)
            if (tx[w][p].queue == q) {
                who += (n++ ? "+" : "") + std::to_string(w);
            }
        s += " q" + std::to_string(q) + ":worker" + (n > 1 ? "s " : " ") + who + (n > 1 ? " (shared, locked)" : "") + ",";
    }
    s.pop_back();
    s += "; control thread's frames via worker " + std::to_string(delegate[p]);
    return s;
}

}  // namespace l2snoop
