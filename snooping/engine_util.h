// Small helpers the snooping engine's files share (snooper.cpp: VLANs, ports,
// messages, querier, timers; membership.cpp: the membership state machine).
#pragma once

#include <set>
#include <vector>

#include "fdb/addr.h"
#include "fdb/times.h"

namespace l2snoop::engine {

inline IpAddr unspecified(IpFamily f) { return f == IpFamily::v4 ? IpAddr(Ipv4Addr{}) : IpAddr(Ipv6Addr{}); }

// A timer set to `t` is running at `now`.
inline bool running(Time t, Time now) { return t > now; }

inline Duration left(Time t, Time now) { return t > now ? t - now : Duration{0}; }

inline std::set<IpAddr> to_set(const std::vector<IpAddr>& v) { return {v.begin(), v.end()}; }

}  // namespace l2snoop::engine
