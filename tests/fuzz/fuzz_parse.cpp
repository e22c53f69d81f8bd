// libFuzzer: any byte string as an Ethernet frame. The parser must never read
// out of bounds (ASan), never hit undefined behaviour (UBSan), and its output
// must satisfy the invariants the worker relies on. The stream key builder
// must stay in bounds too, and when the input's two halves are two frames of
// which the second would be taken for the first's stream unparsed
// (stream.h), the parser must agree (TTL aside).
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <span>

#include "dataplane/parse.h"
#include "dataplane/stream.h"
#include "snooping/codec.h"

using namespace l2snoop;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ParsedFrame p = parse_frame(data, size);
    if ((p.cls == FrameClass::malformed) != (p.reason != Malformed::none)) std::abort();
    if (p.cls == FrameClass::control || p.cls == FrameClass::mcast_data) {
        if (std::size_t{p.l4_offset} + p.l4_length > size) std::abort();
        if (!p.group.is_multicast() || group_mac(p.group) != p.dst_mac) std::abort();
    }
    if (p.cls == FrameClass::control && p.control != ControlKind::pim_hello) {
        Message m;
        const IpContext ip{p.src, p.group, p.ttl, p.router_alert};
        (void)decode(p.ip_version == 4 ? IpFamily::v4 : IpFamily::v6,
                     std::span<const std::uint8_t>(data, size).subspan(p.l4_offset, p.l4_length), ip, m);
    }
    StreamKey k;
    if (make_stream_key(data, static_cast<std::uint16_t>(std::min<std::size_t>(size, 0xffff)), 0, k) &&
        (k.l3 != 14 && k.l3 != 18))
        std::abort();
    const std::size_t half = size / 2;
    if (half >= 34 && half <= 0xffff) {
        const std::uint8_t *a = data, *b = data + half;
        const auto len = static_cast<std::uint16_t>(half);
        ParsedFrame pa = parse_frame(a, half);
        StreamKey ka, kb;
        // IPv4: a run by bytes, checksum verified; IPv6: equal keys. Either way the second half parses
        // like the first (TTL aside, and for IPv6 the source MAC, which the key leaves out).
        const bool same = opens_stream(pa) && make_stream_key(a, len, 0, ka) &&
                          (ka.v6 ? make_stream_key(b, len, 0, kb) && same_stream(ka, kb)
                                 : same_stream_bytes(a, len, ka.l3, b, len) && ipv4_header_checksum_ok(b + ka.l3, 20));
        if (same) {
            ParsedFrame pb = parse_frame(b, half);
            pa.ttl = pb.ttl = 0;
            if (ka.v6) pa.src_mac = pb.src_mac;
            if (!(pa == pb)) std::abort();
        }
    }
    return 0;
}
