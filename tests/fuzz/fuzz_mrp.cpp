// libFuzzer: frames decoded as GMRP/MMRP (and the bytes after the header as
// either PDU); an accepted PDU must survive encode -> decode with the same
// attributes, in the encoder's order (each type's attributes together).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mrp/pdu.h"

using namespace l2snoop;
using namespace l2snoop::mrp;

namespace {
void round_trip(const Pdu& p) {
    std::vector<std::uint8_t> b(encode(p, {}));
    if (encode(p, b) != b.size()) std::abort();
    Pdu q;
    if (decode(p.protocol, b, q) != PduError::none) std::abort();
    Pdu want = p;
    std::stable_partition(want.attrs.begin(), want.attrs.end(),
                          [](const Attr& a) { return a.type == AttrType::group_mac; });
    if (!(q == want)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    Pdu p;
    std::optional<VlanId> vid;
    if (decode_frame(in, p, &vid) == PduError::none) round_trip(p);
    for (Protocol proto : {Protocol::gmrp, Protocol::mmrp})
        if (decode(proto, in, p) == PduError::none) round_trip(p);
    return 0;
}
