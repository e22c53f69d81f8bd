// L2/L3 vocabulary types shared by every layer: MAC, IPv4, IPv6 addresses and
// the IP-group -> MAC mapping. Addresses are stored in network byte order as
// byte arrays, so they are what the wire says, compare with defaulted
// operators and never need a byte swap to be hashed.
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace l2snoop {

struct MacAddr {
    std::array<std::uint8_t, 6> b{};

    constexpr bool is_multicast() const { return (b[0] & 0x01) != 0; }
    constexpr bool is_broadcast() const {
        return b[0] == 0xff && b[1] == 0xff && b[2] == 0xff && b[3] == 0xff && b[4] == 0xff &&
               b[5] == 0xff;
    }
    // IEEE 802.1D reserved group addresses 01:80:c2:00:00:00-0f: a bridge never
    // forwards them (STP, LACP, 802.1X, LLDP, ...).
    constexpr bool is_ieee_reserved() const {
        return b[0] == 0x01 && b[1] == 0x80 && b[2] == 0xc2 && b[3] == 0 && b[4] == 0 &&
               (b[5] & 0xf0) == 0;
    }
    // 01:00:5e:00:00:00-7f:ff:ff, the range IPv4 groups map into (RFC 1112 §6.4);
    // 01:00:5e:80:00:00 and above is not an IPv4 multicast MAC.
    constexpr bool is_ipv4_multicast() const {
        return b[0] == 0x01 && b[1] == 0x00 && b[2] == 0x5e && (b[3] & 0x80) == 0;
    }
    // 33:33:xx:xx:xx:xx, IPv6 multicast (RFC 2464 §7).
    constexpr bool is_ipv6_multicast() const { return b[0] == 0x33 && b[1] == 0x33; }

    std::string to_string() const;
    static std::optional<MacAddr> parse(std::string_view text);

    friend constexpr auto operator<=>(const MacAddr&, const MacAddr&) = default;
};

struct Ipv4Addr {
    std::array<std::uint8_t, 4> b{};

    static constexpr Ipv4Addr from_host(std::uint32_t v) {
        return Ipv4Addr{{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                         static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}};
    }
    constexpr std::uint32_t to_host() const {
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
               (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
    }
    constexpr bool is_unspecified() const { return to_host() == 0; }
    constexpr bool is_multicast() const { return (b[0] & 0xf0) == 0xe0; }
    // 224.0.0.0/24: never snooped, always flooded (RFC 4541 §2.1.2-2).
    constexpr bool is_link_local_multicast() const { return b[0] == 224 && b[1] == 0 && b[2] == 0; }

    std::string to_string() const;
    static std::optional<Ipv4Addr> parse(std::string_view text);

    friend constexpr auto operator<=>(const Ipv4Addr&, const Ipv4Addr&) = default;
};

struct Ipv6Addr {
    std::array<std::uint8_t, 16> b{};

    constexpr bool is_unspecified() const {
        for (auto x : b)
            if (x != 0) return false;
        return true;
    }
    constexpr bool is_multicast() const { return b[0] == 0xff; }
    // Multicast scope nibble (RFC 4291 §2.7): 1 interface, 2 link, 5 site, e global.
    constexpr std::uint8_t multicast_scope() const { return b[1] & 0x0f; }
    constexpr bool is_link_local_unicast() const { return b[0] == 0xfe && (b[1] & 0xc0) == 0x80; }
    // ff02::1, all nodes: the one IPv6 group that is always flooded (RFC 4541 §3).
    // Solicited-node multicast, ff02::1:ff00:0/104 (RFC 4291 §2.7.1): what
    // IPv6 neighbour discovery sends to.
    constexpr bool is_solicited_node() const {
        for (int k = 2; k < 11; ++k)
            if (b[k] != 0) return false;
        return b[0] == 0xff && b[1] == 0x02 && b[11] == 0x01 && b[12] == 0xff;
    }
    constexpr bool is_all_nodes() const {
        for (int i = 2; i < 15; ++i)
            if (b[i] != 0) return false;
        return b[0] == 0xff && b[1] == 0x02 && b[15] == 1;
    }

    std::string to_string() const;
    static std::optional<Ipv6Addr> parse(std::string_view text);

    friend constexpr auto operator<=>(const Ipv6Addr&, const Ipv6Addr&) = default;
};

enum class IpFamily : std::uint8_t { v4 = 0, v6 = 1 };  // v4 = 0: a zeroed IpAddr is 0.0.0.0

// An IPv4 or IPv6 address in one value type, so snooping state for IGMP and MLD
// is one code path. IPv4 sits in the first four bytes; the rest stay zero.
class IpAddr {
public:
    constexpr IpAddr() = default;
    constexpr IpAddr(Ipv4Addr a) : family_(IpFamily::v4) {
        for (int i = 0; i < 4; ++i) b_[i] = a.b[i];
    }
    constexpr IpAddr(Ipv6Addr a) : family_(IpFamily::v6), b_(a.b) {}
    // From wire bytes (4 or 16 of them).
    static IpAddr v4_from(const std::uint8_t* p) {
        IpAddr a;
        a.set_v4(p);
        return a;
    }
    static IpAddr v6_from(const std::uint8_t* p) {
        IpAddr a;
        a.set_v6(p);
        return a;
    }
    // In place, for the parser's hot path: stores only, no temporary copied in
    // (reading back a just-built temporary stalls on store forwarding).
    // Stored as two 8-byte words, the shape operator== reads them in: a load
    // that spans two smaller stores cannot be forwarded from them.
    void set_v4(const std::uint8_t* p) {
        family_ = IpFamily::v4;
        std::uint64_t lo = 0;
        const std::uint64_t hi = 0;
        std::memcpy(&lo, p, 4);
        std::memcpy(b_.data(), &lo, 8);
        std::memcpy(b_.data() + 8, &hi, 8);
    }
    void set_v6(const std::uint8_t* p) {
        family_ = IpFamily::v6;
        std::memcpy(b_.data(), p, 16);
    }

    constexpr IpFamily family() const { return family_; }
    constexpr bool is_v4() const { return family_ == IpFamily::v4; }
    constexpr bool is_v6() const { return family_ == IpFamily::v6; }
    constexpr Ipv4Addr v4() const { return Ipv4Addr{{b_[0], b_[1], b_[2], b_[3]}}; }
    constexpr Ipv6Addr v6() const { return Ipv6Addr{b_}; }
    // The address bytes in network order: 4 (IPv4) or 16 (IPv6) of them are used.
    constexpr const std::array<std::uint8_t, 16>& bytes() const { return b_; }
    constexpr std::size_t size() const { return is_v4() ? 4 : 16; }
    constexpr bool is_unspecified() const {
        return is_v4() ? v4().is_unspecified() : v6().is_unspecified();
    }
    constexpr bool is_multicast() const { return is_v4() ? v4().is_multicast() : v6().is_multicast(); }

    std::string to_string() const { return is_v4() ? v4().to_string() : v6().to_string(); }
    static std::optional<IpAddr> parse(std::string_view text);

    friend constexpr auto operator<=>(const IpAddr&, const IpAddr&) = default;
    // Two 8-byte compares instead of a memcmp call: the workers compare
    // addresses of consecutive frames to share lookups. Unused bytes are zero.
    friend constexpr bool operator==(const IpAddr& a, const IpAddr& b) {
        if (std::is_constant_evaluated()) return a.family_ == b.family_ && a.b_ == b.b_;
        std::uint64_t x[2], y[2];
        std::memcpy(x, a.b_.data(), 16);
        std::memcpy(y, b.b_.data(), 16);
        return a.family_ == b.family_ && ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
    }

private:
    IpFamily family_ = IpFamily::v4;
    std::array<std::uint8_t, 16> b_{};
};

// 802.1Q VLAN identifier, 0..4095 (0: priority-tagged/untagged, 4095 reserved).
using VlanId = std::uint16_t;
inline constexpr VlanId kMaxVlanId = 4094;

// A (VLAN, MAC) table key as one 8-byte word (MacIndex): the VID in its first
// two bytes and the MAC in the other six, built in a register (piecewise
// stores read back as a word would stall on store forwarding). Never 0 or ~0
// for a VID in 1..4094, the index's cell markers.
inline std::uint64_t vlan_mac_word(VlanId vid, const std::uint8_t* mac) {
    std::uint32_t lo;
    std::uint16_t hi;
    std::memcpy(&lo, mac, 4);
    std::memcpy(&hi, mac + 4, 2);
    const std::uint64_t m = lo | std::uint64_t{hi} << 32;
    if constexpr (std::endian::native == std::endian::little)
        return std::uint64_t{vid} | m << 16;
    else
        return std::uint64_t{vid} << 48 | m >> 16;
}
inline std::uint64_t vlan_mac_word(VlanId vid, const MacAddr& mac) { return vlan_mac_word(vid, mac.b.data()); }

// RFC 1112 §6.4: 01:00:5e followed by the low 23 bits of the group.
constexpr MacAddr group_mac(Ipv4Addr g) {
    return MacAddr{{0x01, 0x00, 0x5e, static_cast<std::uint8_t>(g.b[1] & 0x7f), g.b[2], g.b[3]}};
}

// RFC 2464 §7: 33:33 followed by the low 32 bits of the group.
constexpr MacAddr group_mac(Ipv6Addr g) {
    return MacAddr{{0x33, 0x33, g.b[12], g.b[13], g.b[14], g.b[15]}};
}

constexpr MacAddr group_mac(const IpAddr& g) { return g.is_v4() ? group_mac(g.v4()) : group_mac(g.v6()); }

}  // namespace l2snoop
