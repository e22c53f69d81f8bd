// The Internet checksum (RFC 1071), used by IPv4 headers, IGMP and ICMPv6/MLD.
#pragma once

#include <cstddef>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>

#include "fdb/addr.h"

namespace l2snoop {

// One's-complement sum of 16-bit big-endian words, not yet folded or inverted;
// an odd trailing byte is padded with zero. Sums can be chained with `seed`.
// The loop adds native 32-bit halves of 64-bit loads: a one's-complement sum
// is independent of byte order (RFC 1071 §2(B)), so one swap at the end gives
// the big-endian result. About 4x fewer instructions than a byte loop.
inline std::uint32_t csum_partial(std::span<const std::uint8_t> data, std::uint32_t seed = 0) {
    const std::uint8_t* p = data.data();
    const std::size_t n = data.size();
    std::uint64_t sum = 0;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        sum += (w & 0xffffffff) + (w >> 32);
    }
    for (; i + 2 <= n; i += 2) {
        std::uint16_t w;
        std::memcpy(&w, p + i, 2);
        sum += w;
    }
    if (i < n) {
        const std::uint8_t last[2] = {p[i], 0};
        std::uint16_t w;
        std::memcpy(&w, last, 2);
        sum += w;
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    std::uint32_t be = static_cast<std::uint32_t>(sum);
    if constexpr (std::endian::native == std::endian::little) be = ((be & 0xff) << 8) | (be >> 8);
    const std::uint64_t total = std::uint64_t{seed} + be;
    return static_cast<std::uint32_t>((total & 0xffffffff) + (total >> 32));
}

// Folds a partial sum and returns the checksum field value (host order).
constexpr std::uint16_t csum_fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

// Checksum of a block that contains its own checksum field: 0 means valid.
inline std::uint16_t inet_checksum(std::span<const std::uint8_t> data) {
    return csum_fold(csum_partial(data));
}

// True when the IPv4 header at `ip`, `ihl` bytes long, checksum field
// included, sums to 0xffff (its checksum is valid; RFC 1071). The usual
// 20-byte header is five native 32-bit words and three fixed folds: no loop,
// no byte swap (0xffff reads the same both ways). Workers run it per frame.
inline bool ipv4_header_checksum_ok(const std::uint8_t* ip, std::size_t ihl) {
    if (ihl != 20) return inet_checksum({ip, ihl}) == 0;
    const auto word = [ip](std::size_t i) {
        std::uint32_t w;
        std::memcpy(&w, ip + 4 * i, 4);
        return std::uint64_t{w};
    };
    std::uint64_t sum = word(0) + word(1) + word(2) + word(3) + word(4);  // < 2^35
    sum = (sum & 0xffff) + (sum >> 16);                                   // < 2^20
    sum = (sum & 0xffff) + (sum >> 16);                                   // <= 0xffff + 15
    sum = (sum & 0xffff) + (sum >> 16);                                   // <= 0xffff
    return sum == 0xffff;
}

// Partial sum of the IPv6 pseudo-header (RFC 8200 §8.1) for ICMPv6 and friends.
inline std::uint32_t ipv6_pseudo_header_sum(const Ipv6Addr& src, const Ipv6Addr& dst,
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
