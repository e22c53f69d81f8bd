// The Internet checksum (RFC 1071), used by IPv4 headers, IGMP and ICMPv6/MLD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "fdb/addr.h"

namespace l2snoop {

// One's-complement sum of 16-bit big-endian words, not yet folded or inverted;
// an odd trailing byte is padded with zero. Sums can be chained with `seed`.
constexpr std::uint32_t csum_partial(std::span<const std::uint8_t> data, std::uint32_t seed = 0) {
    std::uint64_t sum = seed;
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) sum += (std::uint32_t{data[i]} << 8) | data[i + 1];
    if (i < data.size()) sum += std::uint32_t{data[i]} << 8;
    while (sum >> 32) sum = (sum & 0xffffffff) + (sum >> 32);
    return static_cast<std::uint32_t>(sum);
}

// Folds a partial sum and returns the checksum field value (host order).
constexpr std::uint16_t csum_fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

// Checksum of a block that contains its own checksum field: 0 means valid.
constexpr std::uint16_t inet_checksum(std::span<const std::uint8_t> data) {
    return csum_fold(csum_partial(data));
}

// Partial sum of the IPv6 pseudo-header (RFC 8200 §8.1) for ICMPv6 and friends.
constexpr std::uint32_t ipv6_pseudo_header_sum(const Ipv6Addr& src, const Ipv6Addr& dst,
                                               std::uint32_t upper_length, std::uint8_t next_header) {
    std::uint32_t sum = csum_partial(src.b);
    sum = csum_partial(dst.b, sum);
    std::uint64_t s = sum;
    s += upper_length >> 16;
    s += upper_length & 0xffff;
    s += next_header;
    while (s >> 32) s = (s & 0xffffffff) + (s >> 32);
    return static_cast<std::uint32_t>(s);
}

}  // namespace l2snoop
