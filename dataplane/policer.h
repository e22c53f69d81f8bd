// The punt policer (--punt-rate, --punt-burst): a token bucket per ingress
// port, one token per control frame, refilled once per burst from the burst's
// clock reading. Per port, so a busy port's bursts never eat another port's
// refill time. Pure code: unit-tested on a virtual clock (tests/unit/policer_test.cpp).
#pragma once

#include <cstdint>

#include "fdb/port_set.h"
#include "fdb/times.h"

namespace l2snoop {

class PuntPolicer {
public:
    // `rate` frames per second sustained (0: no policer), `depth` frames back
    // to back; every bucket starts full.
    PuntPolicer(std::uint32_t rate, std::uint32_t depth) : rate_(rate), cap_(std::uint64_t{depth} * kToken) {
        for (auto& t : tokens_) t = cap_;
    }

    bool on() const { return rate_ != 0; }
    // Adds what `now` earned since the port's last refill (nothing the first time).
    void refill(PortId in, Time now) {
        if (!rate_) return;
        const Time last = last_[in];
        last_[in] = now;
        if (last.count() == 0 || now <= last) return;
        const auto dt = static_cast<std::uint64_t>((now - last).count());
        const std::uint64_t room = cap_ - tokens_[in];
        // dt * rate_ may not fit in 64 bits after a long quiet spell: a full
        // bucket is all it can earn.
        tokens_[in] = dt > room / rate_ ? cap_ : tokens_[in] + dt * rate_;
    }
    // The port's bucket has no token left (never while the policer is off).
    bool empty(PortId in) const { return rate_ && tokens_[in] < kToken; }
    // Takes one token; false when there is none (the frame is over the rate).
    bool take(PortId in) {
        if (!rate_) return true;
        if (tokens_[in] < kToken) return false;
        tokens_[in] -= kToken;
        return true;
    }

private:
    static constexpr std::uint64_t kToken = 1'000'000'000;  // one frame, in ns x frames/s: integer math
    std::uint32_t rate_;
    std::uint64_t cap_;
    std::uint64_t tokens_[kMaxPorts];
    Time last_[kMaxPorts] = {};  // 0: never refilled
};

}  // namespace l2snoop
