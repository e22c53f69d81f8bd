// Counters of the data plane and the control thread (docs/operation.md, Counters: count every
// drop by reason). Per worker, single writer, relaxed atomics: no locked
// instruction on the hot path; readers (telemetry, the exit summary) sum.
#pragma once

#include <array>
#include <map>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "dataplane/parse.h"
#include "fdb/names.h"
#include "fdb/port_set.h"
#include "mrp/pdu.h"
#include "snooping/codec.h"

namespace l2snoop {

// Why a frame was dropped. The first entries mirror Malformed.
enum class Drop : std::uint8_t {
    malformed_first = 0,
    malformed_last = static_cast<std::uint8_t>(Malformed::kCount) - 1,
    reserved,              // IEEE 802.1D reserved group: never forwarded
    vlan_not_allowed,      // tagged with a VLAN the port does not carry
    untagged_not_allowed,  // untagged on a trunk without a native VLAN
    punt_rate,             // control frame over the port's punt rate
    punt_ring_full,        // control thread behind: frame dropped, forwarding goes on
    no_mbuf,               // no mbuf for a header/clone (tag rewrite)
    tx_full,               // the port's tx queue refused it
    handoff_full,          // the control thread's frame found its worker's hand-off ring full
    kCount,
};
// The names of the reasons after the malformed ones, in the enum's order.
inline constexpr std::string_view kDropNames[] = {"reserved",  "vlan_not_allowed", "untagged_not_allowed", "punt_rate",
                                                  "punt_ring_full", "no_mbuf", "tx_full", "handoff_full"};
static_assert(std::size(kDropNames) == static_cast<std::size_t>(Drop::kCount) - static_cast<std::size_t>(Malformed::kCount));
inline std::string_view to_string(Drop d) {
    const auto i = static_cast<std::size_t>(d);
    const auto m = static_cast<std::size_t>(Malformed::kCount);
    return i < m ? to_string(static_cast<Malformed>(i)) : i - m < std::size(kDropNames) ? kDropNames[i - m] : "?";
}
inline Drop malformed_drop(Malformed m) { return static_cast<Drop>(static_cast<std::uint8_t>(m)); }
inline constexpr int kDrops = static_cast<int>(Drop::kCount);

inline void bump(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// Written by: one worker. Read by: telemetry threads and main (relaxed loads).
struct alignas(64) WorkerCounters {
    std::atomic<std::uint64_t> rx[kMaxPorts] = {};
    std::atomic<std::uint64_t> tx[kMaxPorts] = {};  // frames handed to the port's tx queue (tx_full ones included)
    std::atomic<std::uint64_t> flooded[kMaxPorts] = {};
    std::atomic<std::uint64_t> punted[kMaxPorts] = {};
    std::atomic<std::uint64_t> drops[kMaxPorts][kDrops] = {};
    std::atomic<std::uint64_t> learn_events = 0;
    std::atomic<std::uint64_t> learn_ring_full = 0;
    std::atomic<std::uint64_t> stream_hits = 0;    // frames forwarded by a cached stream decision
    std::atomic<std::uint64_t> stream_misses = 0;  // stream-shaped frames the cache could not answer
    std::atomic<std::uint64_t> tx_locked = 0;          // tx bursts on a shared queue (under its lock)
};

// Written by: the control thread only (plain fields). Read by: the control
// thread's snapshot, which copies them.
// The control thread's own events; what each counts is said once, in kControlCounters.
struct ControlEvents {
    std::uint64_t control_frames = 0, sent = 0, forwarded = 0, fdb_errors = 0, learned = 0, link_changes = 0;
    std::uint64_t unsendable = 0;
};
inline constexpr CounterRow<ControlEvents> kControlCounters[] = {
    {"frames", &ControlEvents::control_frames, "control frames (IGMP, MLD, PIM, GMRP, MMRP) the workers punted"},
    {"sent", &ControlEvents::sent, "frames the control thread sent (queries, forwarded reports, declarations)"},
    {"forwarded", &ControlEvents::forwarded, "control frames forwarded on to other ports"},
    {"fdb_errors", &ControlEvents::fdb_errors, "forwarding table updates that did not fit (a table is full)"},
    {"learned", &ControlEvents::learned, "unicast MACs learned or moved"},
    {"link_changes", &ControlEvents::link_changes, "port link state changes acted on"},
    {"unsendable", &ControlEvents::unsendable, "frames an engine asked for that are larger than an mbuf"},
};
static_assert(sizeof(ControlEvents) == std::size(kControlCounters) * sizeof(std::uint64_t),
              "every ControlEvents field has its row in kControlCounters");

struct ControlCounters : ControlEvents {
    using Rejections = std::array<std::uint64_t, static_cast<int>(DecodeError::kCount)>;
    Rejections decode_errors{};
    std::map<PortId, Rejections> rejected_on_port;  // the same, by the port and VLAN they came in on
    std::map<VlanId, Rejections> rejected_in_vlan;
    // GMRP [0] and MMRP [1] frames that did not decode, by reason (mrp::PduError).
    std::array<std::array<std::uint64_t, static_cast<int>(mrp::PduError::kCount)>, 2> mrp_rejected{};
};

// Sums over workers, for telemetry and the summary.
struct PortStats {
    std::uint64_t rx = 0, tx = 0, flooded = 0, punted = 0;
    std::array<std::uint64_t, kDrops> drops{};
    std::uint64_t sent() const { return tx - drops[static_cast<int>(Drop::tx_full)]; }
};

}  // namespace l2snoop
