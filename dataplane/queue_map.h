// Who polls which rx queue and who sends on which tx queue of every port
// (docs/architecture.md, Queue ownership). Pure code: no EAL, so every layout is unit-tested.
//
// Senders are the workers and the control thread. The control thread never
// owns a tx queue: it hands each frame it sends to one worker per port (its
// delegate) through that worker's hand-off ring, and the worker sends it with
// its own frames. So a port needs one tx queue per worker for lock-free
// sending, and works with one:
//   - tx queues >= workers: worker w owns queue w, alone: no lock;
//   - fewer: worker w sends on queue w mod T; a queue more than one worker
//     sends on is *shared*, and its senders take that queue's spinlock around
//     each tx burst (only then: an owned queue is never locked). Open vSwitch
//     does the same with XPS.
// Rx queues are polled by exactly one worker each (round-robin, or as
// --queue-map says).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fdb/port_set.h"

namespace l2snoop {

inline constexpr unsigned kMaxWorkers = 32;

// What a port will be configured with.
struct PortQueues {
    PortId port = 0;
    std::uint16_t rx = 1;      // rx queues to poll
    std::uint16_t max_tx = 1;  // tx queues the device offers
};

// One (port, queue, lcore) triple of --queue-map (Config::QueueMap).
struct RxAssignment {
    PortId port;
    std::uint16_t queue;
    unsigned lcore;
    friend bool operator==(const RxAssignment&, const RxAssignment&) = default;
};

struct QueueMap {
    struct Tx {
        std::uint16_t queue = 0;
        bool shared = false;  // another worker sends on the same queue: lock it
    };
    unsigned workers = 1;
    std::vector<std::vector<std::pair<PortId, std::uint16_t>>> rx;  // per worker: (port, rx queue) it polls
    std::array<std::array<Tx, kMaxPorts>, kMaxWorkers> tx{};         // [worker][port]
    std::array<std::uint16_t, kMaxPorts> tx_queues{};                 // per port: tx queues to configure
    std::array<std::uint16_t, kMaxPorts> delegate{};                  // per port: the worker sending the control thread's frames

    // One line per port for the start-up log: how its rx and tx queues are owned.
    std::string describe(PortId p) const;
};

// Builds the map for `workers` workers over `ports`. `lcores`: the EAL's
// lcore ids in worker order (worker i runs on lcores[i]); `explicit_rx`:
// --queue-map, empty for round-robin. False with `error` naming the problem
// (a queue polled by no lcore, an lcore that is not a worker, ...).
bool build_queue_map(const std::vector<PortQueues>& ports, unsigned workers, const std::vector<unsigned>& lcores,
                     const std::vector<RxAssignment>& explicit_rx, QueueMap& out, std::string& error);

}  // namespace l2snoop
