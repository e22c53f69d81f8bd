// The switch's one clock: TSC-based nanoseconds, as the code's one time type
// (fdb/times.h). Read by every thread; set once.
#pragma once

#include <rte_cycles.h>

#include <cstdint>

#include "fdb/times.h"

namespace l2snoop {

class Clock {
public:
    Clock() : ns_per_tsc_((std::uint64_t{1'000'000'000} << 32) / rte_get_tsc_hz()) {}

    // TSC cycles times ns per cycle in 32.32 fixed point: a multiply, not the
    // two 64-bit divisions a per-burst clock read cannot afford (perf: 2.4 %
    // of a worker's time); the 128-bit product cannot overflow.
    Time now() const {
        __extension__ using U128 = unsigned __int128;
        return Time(static_cast<std::int64_t>(U128{rte_get_tsc_cycles()} * ns_per_tsc_ >> 32));
    }

private:
    std::uint64_t ns_per_tsc_;  // 32.32 fixed point
};

}  // namespace l2snoop
