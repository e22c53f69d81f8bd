// Streams: IP multicast frames a worker forwards without parsing them.
//
// Frames of one IPv4 multicast stream differ, frame to frame, only in header
// fields no forwarding decision reads: TOS, identification, TTL and the header
// checksum. A frame with the same length and the same bytes everywhere else in
// its Ethernet header, tags and 20-byte IPv4 header as a frame the parser
// accepted as a stream opener (ParsedFrame::run_opener), and whose own header
// checksum is valid, parses exactly like that opener (TTL aside). Its stream
// key (those bytes, masked, plus length and ingress port) stands for the parse.
//
// IPv6 (no header checksum): a UDP or TCP datagram with no extension header
// to a group whose MAC (33:33 + the group's low 32 bits, checked when the key
// is made) carries it. Its key is the 802.1Q TCI, version, payload length,
// next header, source and group, plus length and port: traffic class, flow
// label and hop limit may change within a stream, and so may the source MAC,
// which no forwarding decision reads (the worker learns it from each frame).
//
// Workers use that twice: a frame of the same stream as the frame before it
// (a run; IPv4) takes that frame's decision, and a frame whose key is in the
// worker's StreamCache takes the cached decision, as long as nothing the
// decision was made from has changed since (the tables' version). Pure code:
// no EAL.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "dataplane/forward.h"
#include "fdb/addr.h"
#include "fdb/checksum.h"
#include "fdb/port_set.h"

namespace l2snoop {

struct StreamKey {
    // IPv4: the first L3 + 20 bytes as five words (0, 8, 16, 24, L3 + 12), varying bytes masked.
    // IPv6: the header's first word (version, payload length, next header; TCI and L3 where the
    // traffic class, flow label and hop limit were), then source and group.
    std::uint64_t w[5];
    std::uint32_t meta;  // frame length | ingress port << 16
    std::uint8_t l3;     // 14 (untagged) or 18 (one 802.1Q tag)
    bool v6;             // an IPv6 key: no run by bytes, no header checksum
    std::uint64_t hash;
};

namespace detail {
template <std::size_t L3>
struct StreamWords {
    static constexpr std::size_t offs[5] = {0, 8, 16, 24, L3 + 20 - 8};
    static constexpr bool ignored(std::size_t byte) {
        const std::size_t i = byte - L3;  // within the IPv4 header: TOS, identification, TTL, checksum
        return byte >= L3 && (i == 1 || i == 4 || i == 5 || i == 8 || i == 10 || i == 11);
    }
    static constexpr std::uint64_t mask(std::size_t off) {
        std::uint64_t m = 0;
        for (std::size_t k = 0; k < 8; ++k) {
            const unsigned shift = std::endian::native == std::endian::little ? 8 * k : 8 * (7 - k);
            if (!ignored(off + k)) m |= std::uint64_t{0xff} << shift;
        }
        return m;
    }
    static constexpr std::uint64_t masks[5] = {mask(offs[0]), mask(offs[1]), mask(offs[2]), mask(offs[3]),
                                               mask(offs[4])};
};

template <std::size_t L3>
inline void stream_words(const std::uint8_t* d, std::uint64_t* w) {
    using W = StreamWords<L3>;
#pragma GCC unroll 5
    for (std::size_t j = 0; j < 5; ++j) {
        std::uint64_t x;
        std::memcpy(&x, d + W::offs[j], 8);
        w[j] = x & W::masks[j];
    }
}

template <std::size_t L3>
inline bool same_words(const std::uint8_t* a, const std::uint8_t* b) {
    using W = StreamWords<L3>;
    const auto diff = [a, b](std::size_t j) {
        std::uint64_t x, y;
        std::memcpy(&x, a + W::offs[j], 8);
        std::memcpy(&y, b + W::offs[j], 8);
        return (x ^ y) & W::masks[j];
    };
    // The first word holds the destination MAC: other streams differ there.
    return diff(0) == 0 && (diff(1) | diff(2) | diff(3) | diff(4)) == 0;
}
}  // namespace detail

namespace detail {
inline std::uint64_t load64(const std::uint8_t* p) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    return x;
}
// The IPv6 header's first word, kept: the version nibble, payload length and
// next header; TCI and L3 go where the traffic class, flow label and hop limit were.
inline std::uint64_t ipv6_word(const std::uint8_t* ip, std::uint16_t tci, std::uint8_t l3) {
    std::uint8_t b[8];
    std::memcpy(b, ip, 8);
    b[0] &= 0xf0;
    b[1] = static_cast<std::uint8_t>(tci >> 8);
    b[2] = static_cast<std::uint8_t>(tci);
    b[3] = l3;
    b[7] = 0;
    return load64(b);
}
inline bool ipv6_stream_shape(const std::uint8_t* d, std::uint16_t len, std::size_t l3) {
    const std::uint8_t* ip = d + l3;
    // UDP or TCP right after the fixed header (no extension header: MLD's hop-by-hop among them),
    // IPv6, and the MAC carrying the group's low 32 bits (else the parser drops the frame).
    return len >= l3 + 40 && (ip[0] >> 4) == 6 && (ip[6] == 17 || ip[6] == 6) && std::memcmp(d + 2, ip + 36, 4) == 0;
}
// The IPv6 half of make_stream_key (out of the IPv4 path's way).
inline bool ipv6_stream_key(const std::uint8_t* d, std::uint16_t len, StreamKey& k) {
    std::uint16_t tci = 0;
    if (d[12] == 0x86 && d[13] == 0xdd) {
        k.l3 = 14;
    } else if (d[12] == 0x81 && d[13] == 0x00 && d[16] == 0x86 && d[17] == 0xdd) {
        k.l3 = 18;
        tci = static_cast<std::uint16_t>(d[14] << 8 | d[15]);
    } else {
        return false;
    }
    if (!ipv6_stream_shape(d, len, k.l3)) return false;
    const std::uint8_t* ip = d + k.l3;
    k.w[0] = ipv6_word(ip, tci, k.l3);
    for (std::size_t j = 1; j < 5; ++j) k.w[j] = load64(ip + 8 * j);
    k.v6 = true;
    return true;
}
}  // namespace detail

// The key of a frame that may belong to a stream: an IPv4 multicast MAC over
// IPv4, untagged or with one 802.1Q tag, long enough for a 20-byte header; or
// IPv6 as above. False otherwise (the frame is parsed). Whether it really is
// stream data is the parser's call (run_opener); the key only says which
// bytes to compare.
[[gnu::always_inline]] inline bool make_stream_key(const std::uint8_t* d, std::uint16_t len, PortId in, StreamKey& k) {
    if (len < 34) return false;
    if (d[0] == 0x01 && d[1] == 0x00 && d[2] == 0x5e) {
        // IPv4 without options (0x45): only such frames open streams, and IGMP (router alert) never
        // pays for a key and a cache probe.
        if (d[12] == 0x08 && d[13] == 0x00 && d[14] == 0x45) {
            k.l3 = 14;
            detail::stream_words<14>(d, k.w);
        } else if (d[12] == 0x81 && d[13] == 0x00 && d[16] == 0x08 && d[17] == 0x00 && d[18] == 0x45 && len >= 38) {
            k.l3 = 18;
            detail::stream_words<18>(d, k.w);
        } else {
            return false;
        }
        k.v6 = false;
    } else if (d[0] == 0x33 && d[1] == 0x33) {
        if (!detail::ipv6_stream_key(d, len, k)) return false;
    } else {
        return false;
    }
    k.meta = std::uint32_t{len} | std::uint32_t{in} << 16;
    // Three independent multiplies; the table index takes the top bits. A
    // product's bit depends only on its inputs' bits at or below it, so what
    // varies between streams must not sit only in a word's top bytes: IPv4's
    // group MAC does not, but IPv6 addresses vary in their last bytes, the
    // top of a little-endian word, and are fed byte-swapped.
    std::uint64_t a = k.w[2], b = k.w[4];
    if (k.v6) {
        a = __builtin_bswap64(a);
        b = __builtin_bswap64(b);
    }
    k.hash = (k.w[0] ^ k.w[3]) * 0x9e3779b97f4a7c15u ^ (k.w[1] ^ b ^ k.meta) * 0xc2b2ae3d27d4eb4fu ^
             a * 0x165667b19e3779f9u;
    return true;
}

template <class A, class B>
inline bool same_stream(const A& a, const B& b) {
    return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3]) | (a.w[4] ^ b.w[4]) |
            (a.meta ^ b.meta)) == 0;
}

// Whether `next`, arriving on the same port as `prev`, a frame with a
// stream key whose l3 is `l3`, has the same key without building it: same
// length, same stream bytes. (Workers chain frames of a burst this way; a
// frame then continues its chain's stream if its own checksum is valid.)
inline bool same_stream_bytes(const std::uint8_t* prev, std::uint16_t prev_len, std::uint8_t l3,
                              const std::uint8_t* next, std::uint16_t next_len) {
    if (next_len != prev_len) return false;
    return l3 == 14 ? detail::same_words<14>(prev, next) : detail::same_words<18>(prev, next);
}

// Per worker: the forwarding decisions of recently seen streams whose frames
// leave all in one form (as received, or all rewritten the same way),
// 2-way set-associative, 64-byte entries.
// An entry answers only while `version` (the sum of the versions of every
// table the decision read) is the one it was made at.
class StreamCache {
public:
    struct Decision {
        PortSet::Bits ports = 0;  // egress ports, down ports already removed
        VlanId vid = 0;           // the frame's VLAN
        std::int8_t single = -1;  // the one port when that is all
        bool flooded = false;     // the group was unregistered: counted as flooded
        Rewrite rewrite = Rewrite::none;
    };

    // `entries`: rounded up to a power of two; 0 turns the cache off.
    explicit StreamCache(std::size_t entries = 0) {
        if (entries == 0) return;
        const std::size_t n = std::bit_ceil(std::max<std::size_t>(entries, 4)) / 2;
        buckets_ = std::make_unique<Bucket[]>(n);
        shift_ = 64 - std::countr_zero(n);
        size_ = 2 * n;
    }
    std::size_t size() const { return size_; }

    void prefetch(const StreamKey& k) const {
        __builtin_prefetch(&buckets_[index(k)]);  // the newer way; the older may miss
    }
    bool find(const StreamKey& k, std::uint64_t version, Decision& out) const {
        const Bucket& b = buckets_[index(k)];
        for (const Entry& e : b.e)
            if (e.version == version && same_stream(e, k)) {
                out = {e.ports, e.vid, e.single, (e.flags & kFlooded) != 0, static_cast<Rewrite>(e.flags >> 1)};
                return true;
            }
        return false;
    }
    // The newest entry goes first; the one it displaces, unless it is the same
    // stream's stale entry, moves to the second way.
    void insert(const StreamKey& k, std::uint64_t version, const Decision& d) {
        Bucket& b = buckets_[index(k)];
        if (!same_stream(b.e[0], k)) b.e[1] = b.e[0];
        Entry& e = b.e[0];
        std::memcpy(e.w, k.w, sizeof e.w);
        e.version = version;
        e.ports = d.ports;
        e.meta = k.meta;
        e.vid = d.vid;
        e.single = d.single;
        e.flags = static_cast<std::uint8_t>((d.flooded ? kFlooded : 0) | static_cast<unsigned>(d.rewrite) << 1);
    }

private:
    struct Entry {
        std::uint64_t w[5] = {};
        std::uint64_t version = ~std::uint64_t{0};  // never a real version: empty
        PortSet::Bits ports = 0;
        std::uint32_t meta = 0;
        VlanId vid = 0;
        std::int8_t single = -1;
        std::uint8_t flags = 0;  // kFlooded | Rewrite << 1
    };
    static_assert(sizeof(Entry) == 64);
    static constexpr std::uint8_t kFlooded = 1;
    struct alignas(128) Bucket {
        Entry e[2];
    };
    std::size_t index(const StreamKey& k) const { return static_cast<std::size_t>(k.hash >> shift_); }

    std::unique_ptr<Bucket[]> buckets_;
    int shift_ = 64;
    std::size_t size_ = 0;
};

}  // namespace l2snoop
