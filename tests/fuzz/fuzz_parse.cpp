// libFuzzer: any byte string as an Ethernet frame. The parser must never read
// out of bounds (ASan), never hit undefined behaviour (UBSan), and its output
// must satisfy the invariants the worker relies on.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dataplane/parse.h"
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
    return 0;
}
