// Small frame builders for hand-written tests (the bulk of the vectors come
// from scapy). Checksums are computed, so frames are valid unless edited.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "fdb/addr.h"
#include "fdb/bytes.h"
#include "fdb/checksum.h"

namespace l2snoop::test {

inline const MacAddr kHostMac{{0x02, 0, 0, 0, 0, 0x01}};

// Inserts an 802.1Q (or 802.1ad) tag after the MAC addresses.
inline std::vector<std::uint8_t> with_tag(std::vector<std::uint8_t> f, VlanId vid, std::uint16_t tpid = 0x8100,
                                          std::uint8_t pcp = 0) {
    std::uint8_t tag[4];
    store_be16(tag, tpid);
    store_be16(tag + 2, static_cast<std::uint16_t>((pcp << 13) | vid));
    f.insert(f.begin() + 12, tag, tag + 4);
    return f;
}

// Recomputes the IPv4 header checksum of a 20-byte header at `l3`.
inline void refresh_ipv4_checksum(std::vector<std::uint8_t>& f, std::size_t l3 = 14) {
    f[l3 + 10] = f[l3 + 11] = 0;
    store_be16(f.data() + l3 + 10, inet_checksum({f.data() + l3, 20}));
}

// Ethernet/IPv4/UDP to `group` with `payload` bytes of UDP data.
inline std::vector<std::uint8_t> udp4_frame(Ipv4Addr group, Ipv4Addr src, std::size_t payload = 18) {
    std::vector<std::uint8_t> f(14 + 20 + 8 + payload, 0);
    const MacAddr d = group_mac(group);
    std::copy(d.b.begin(), d.b.end(), f.begin());
    std::copy(kHostMac.b.begin(), kHostMac.b.end(), f.begin() + 6);
    store_be16(&f[12], 0x0800);
    std::uint8_t* ip = &f[14];
    ip[0] = 0x45;
    store_be16(ip + 2, static_cast<std::uint16_t>(28 + payload));
    ip[8] = 16;
    ip[9] = 17;
    std::copy(src.b.begin(), src.b.end(), ip + 12);
    std::copy(group.b.begin(), group.b.end(), ip + 16);
    store_be16(ip + 10, inet_checksum({ip, 20}));
    store_be16(ip + 20, 2048);
    store_be16(ip + 22, 4096);
    store_be16(ip + 24, static_cast<std::uint16_t>(8 + payload));
    return f;
}

// Ethernet/IPv6/UDP to `group`.
inline std::vector<std::uint8_t> udp6_frame(Ipv6Addr group, Ipv6Addr src, std::size_t payload = 18) {
    std::vector<std::uint8_t> f(14 + 40 + 8 + payload, 0);
    const MacAddr d = group_mac(group);
    std::copy(d.b.begin(), d.b.end(), f.begin());
    std::copy(kHostMac.b.begin(), kHostMac.b.end(), f.begin() + 6);
    store_be16(&f[12], 0x86dd);
    std::uint8_t* ip = &f[14];
    ip[0] = 0x60;
    store_be16(ip + 4, static_cast<std::uint16_t>(8 + payload));
    ip[6] = 17;
    ip[7] = 16;
    std::copy(src.b.begin(), src.b.end(), ip + 8);
    std::copy(group.b.begin(), group.b.end(), ip + 24);
    store_be16(ip + 40, 2048);
    store_be16(ip + 42, 4096);
    store_be16(ip + 44, static_cast<std::uint16_t>(8 + payload));
    return f;
}

// The n-th locally administered unicast MAC, 02:00:nn:nn:nn:nn.
inline MacAddr unicast_mac(std::uint32_t n) {
    return MacAddr{{0x02, 0, static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                    static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}};
}

inline Ipv4Addr ip4(const char* s) { return *Ipv4Addr::parse(s); }
inline Ipv6Addr ip6(const char* s) { return *Ipv6Addr::parse(s); }

}  // namespace l2snoop::test
