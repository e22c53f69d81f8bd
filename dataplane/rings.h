// What crosses the seam between workers and the control thread (docs/architecture.md, The seam).
// Every ring has one producer and one consumer; the element types are here so
// both sides agree on them.
//
//   worker  --punt-->    control   a control frame (the mbuf) and what the worker parsed of it
//   worker  --learn-->   control   a source MAC seen where the unicast table does not have it
//   control --handoff--> worker    a frame the control thread sends, for one port
#pragma once

#include <rte_mbuf.h>

#include <cstdint>

#include "dataplane/forward.h"
#include "dataplane/parse.h"
#include "fdb/addr.h"

namespace l2snoop {

inline constexpr unsigned kRingSize = 1024;

// A punted control frame: the worker parsed and admitted it, so the control
// thread decodes the message at `l4_offset` without parsing the frame again.
struct PuntedFrame {
    rte_mbuf* m;
    PortId port;
    VlanId vid;
    ControlKind kind;
    Arrival arrival;
    std::uint8_t ttl;
    bool router_alert;
    std::uint16_t l4_offset;
    std::uint16_t l4_length;
    IpAddr src;
    IpAddr group;
};
static_assert(sizeof(PuntedFrame) % 4 == 0 && sizeof(PuntedFrame) <= 64);

struct LearnEvent {
    std::uint8_t mac[6];
    std::uint16_t vid;
    std::uint16_t port;
    std::uint16_t pad[3];
};
static_assert(sizeof(LearnEvent) == 16);

// One copy of a control-thread frame for one port: the worker that delegates
// for the port puts it in its tx buffer (the mbuf's reference is the copy's).
struct HandedFrame {
    rte_mbuf* m;
    PortId port;
    std::uint16_t pad[3];
};
static_assert(sizeof(HandedFrame) == 16);

}  // namespace l2snoop
