// The one time type of the code: nanoseconds on the switch's clock
// (dataplane/clock.h: TSC-based; a virtual clock in tests), as std::chrono
// values, so a time and a duration cannot be mixed up with a plain count.
#pragma once

#include <chrono>

namespace l2snoop {

using namespace std::chrono_literals;

using Time = std::chrono::nanoseconds;      // a point on the switch's clock
using Duration = std::chrono::nanoseconds;  // the distance between two

}  // namespace l2snoop
