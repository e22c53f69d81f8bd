// PortSet: a fixed-width set of DPDK port ids. One 64-bit word, so set
// operations are single instructions and a table entry's set can be replaced
// with one atomic store while workers read it (docs/fdb.md).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

namespace l2snoop {

using PortId = std::uint16_t;

inline constexpr std::size_t kMaxPorts = 64;

class PortSet {
public:
    using Bits = std::uint64_t;
    static_assert(sizeof(Bits) * 8 == kMaxPorts, "PortSet is one word of kMaxPorts bits");

    constexpr PortSet() = default;
    static constexpr PortSet from_bits(Bits b) { return PortSet(b); }
    static constexpr PortSet of(std::initializer_list<PortId> ports) {
        PortSet s;
        for (PortId p : ports) s.add(p);
        return s;
    }
    // Ports 0 .. n-1.
    static constexpr PortSet first(std::size_t n) {
        return PortSet(n >= kMaxPorts ? ~Bits{0} : (Bits{1} << n) - 1);
    }

    constexpr Bits bits() const { return bits_; }
    // Out-of-range ids are ignored by add/remove and never contained.
    constexpr void add(PortId p) { bits_ |= bit(p); }
    constexpr void remove(PortId p) { bits_ &= ~bit(p); }
    constexpr bool contains(PortId p) const { return (bits_ & bit(p)) != 0; }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr std::size_t size() const { return static_cast<std::size_t>(std::popcount(bits_)); }

    constexpr PortSet operator|(PortSet o) const { return PortSet(bits_ | o.bits_); }
    constexpr PortSet operator&(PortSet o) const { return PortSet(bits_ & o.bits_); }
    constexpr PortSet operator-(PortSet o) const { return PortSet(bits_ & ~o.bits_); }
    constexpr PortSet& operator|=(PortSet o) { bits_ |= o.bits_; return *this; }
    constexpr PortSet& operator&=(PortSet o) { bits_ &= o.bits_; return *this; }
    constexpr PortSet& operator-=(PortSet o) { bits_ &= ~o.bits_; return *this; }
    friend constexpr bool operator==(PortSet, PortSet) = default;

    // Iterates set ports in increasing order.
    class iterator {
    public:
        constexpr explicit iterator(Bits b) : rest_(b) {}
        constexpr PortId operator*() const { return static_cast<PortId>(std::countr_zero(rest_)); }
        constexpr iterator& operator++() { rest_ &= rest_ - 1; return *this; }
        friend constexpr bool operator==(iterator, iterator) = default;
    private:
        Bits rest_;
    };
    constexpr iterator begin() const { return iterator(bits_); }
    constexpr iterator end() const { return iterator(0); }

    // "0,3,5", or "-" when empty (telemetry and logs).
    std::string to_string() const {
        if (empty()) return "-";
        std::string s;
        for (PortId p : *this) s += (s.empty() ? "" : ",") + std::to_string(p);
        return s;
    }

private:
    constexpr explicit PortSet(Bits b) : bits_(b) {}
    static constexpr Bits bit(PortId p) { return p < kMaxPorts ? Bits{1} << p : 0; }
    Bits bits_ = 0;
};

}  // namespace l2snoop
