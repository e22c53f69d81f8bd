// A worker's memory of the sources it has lately seen, so that source
// learning costs one cache probe per frame instead of a table lookup.
//
// Direct-mapped on the (VLAN, MAC) word (fdb/addr.h's vlan_mac_word). An
// entry says: this source on this port needs nothing until `until` — either
// the unicast table confirmed it there (the worker refreshed its age, and
// will again at most once per hold: about a second, against 300 s aging), or
// the worker already asked the control thread to learn or move it (so a new
// or moved MAC costs one event, not one per frame). A colliding source simply
// takes the entry. Pure code; times in units of 2^20 ns (~1.05 ms) that wrap
// every ~52 days, compared by signed difference.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "fdb/port_set.h"

namespace l2snoop {

class LearnCache {
public:
    static constexpr unsigned kBits = 12;  // 4,096 entries, 64 KiB
    using Units = std::uint32_t;
    static Units units(std::chrono::nanoseconds t) { return static_cast<Units>(t.count() >> 20); }
    static constexpr Units kConfirmedHold = 954;  // ~1 s: age refreshes at most once a second per source
    static constexpr Units kAskedHold = 95;       // ~100 ms: a learn event again if the first was lost

    // True when (`word`, `port`) needs nothing at `now`.
    bool fresh(std::uint64_t word, PortId port, Units now) const {
        const Entry& e = entries_[index(word)];
        return e.word == word && e.port == port && static_cast<std::int32_t>(e.until - now) > 0;
    }
    void remember(std::uint64_t word, PortId port, Units until) { entries_[index(word)] = {word, until, port}; }

private:
    struct Entry {
        std::uint64_t word = 0;  // 0: empty (no VID is 0)
        Units until = 0;
        PortId port = 0;
    };
    static_assert(sizeof(Entry) == 16);
    static unsigned index(std::uint64_t w) { return static_cast<unsigned>((w * 0x9e3779b97f4a7c15ull) >> (64 - kBits)); }
    std::array<Entry, std::size_t{1} << kBits> entries_{};
};

}  // namespace l2snoop
