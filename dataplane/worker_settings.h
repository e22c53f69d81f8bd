// What a worker reads of the configuration, taken from Config in one place:
// the defaults are Config's (dataplane/options.h), never repeated here.
// Pure code.
#pragma once

#include <chrono>
#include <cstdint>

#include "dataplane/options.h"

namespace l2snoop {

// Read-only for the worker's life (a restart applies a change).
struct WorkerSettings {
    std::uint16_t burst;
    std::uint32_t punt_rate;     // control frames per second per port (0: no policer)
    std::uint32_t punt_burst;    // the policer's depth
    std::uint32_t punt_queue;    // punted frames the worker's queues hold together (PuntQueues)
    std::uint32_t punt_reserve;  // of which each port may always hold
    std::uint32_t stream_cache;  // entries; 0: off
    std::int64_t idle_sleep_ns;  // Worker::run(): sleep after a poll that found nothing; 0: never
};

inline WorkerSettings worker_settings(const Config& c) {
    return WorkerSettings{.burst = c.burst,
                          .punt_rate = c.punt_rate,
                          .punt_burst = c.punt_burst,
                          .punt_queue = c.punt_queue,
                          .punt_reserve = c.punt_reserve,
                          .stream_cache = c.stream_cache,
                          .idle_sleep_ns = std::chrono::nanoseconds(c.idle_sleep).count()};
}

}  // namespace l2snoop
