// Every protocol default in one place, with where it comes from.
#pragma once

#include <chrono>
#include <cstdint>

#include "fdb/times.h"

namespace l2snoop {

inline constexpr unsigned kDefaultRobustness = 2;                  // RFC 3376 §8.1, RFC 3810 §9.1
inline constexpr Duration kDefaultQueryInterval = 125s;            // RFC 3376 §8.2, RFC 3810 §9.2
inline constexpr Duration kDefaultQueryResponseInterval = 10s;     // RFC 3376 §8.3, RFC 3810 §9.3
inline constexpr Duration kDefaultLastMemberQueryInterval = 1s;    // RFC 3376 §8.8, RFC 3810 §9.8
inline constexpr Duration kDefaultRouterTimeout = 255s;            // = Other Querier Present (Linux bridge)
inline constexpr Duration kIgmpV1QueryResponse = 10s;              // RFC 2236 §4
// MRD (RFC 4286 §4.1): advertisement interval 20 s; we age a learned MRD router
// after 3 intervals, as RFC 4286 §5.1 Neighbor Dead Interval suggests.
inline constexpr Duration kMrdNeighborDeadInterval = 60s;
// PIM hello holdtime default (RFC 7761 §4.11: 3.5 × 30 s).
inline constexpr Duration kPimHelloHoldtime = 105s;

}  // namespace l2snoop
