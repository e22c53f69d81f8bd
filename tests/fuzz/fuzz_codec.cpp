// libFuzzer: frames whose IGMP/MLD/MRD message is decoded twice, once as is
// and once with its checksum repaired (so mutations reach the structural
// checks), and every accepted message must survive encode -> decode unchanged.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "dataplane/parse.h"
#include "fdb/bytes.h"
#include "fdb/checksum.h"
#include "snooping/codec.h"

using namespace l2snoop;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ParsedFrame p = parse_frame(data, size);
    if (p.cls != FrameClass::control || p.control == ControlKind::pim_hello) return 0;
    const IpFamily fam = p.ip_version == 4 ? IpFamily::v4 : IpFamily::v6;
    const IpContext ip{p.src, p.group, p.ttl, p.router_alert};
    std::vector<std::uint8_t> l4(data + p.l4_offset, data + p.l4_offset + p.l4_length);

    Message m;
    (void)decode(fam, l4, ip, m);
    if (l4.size() < 4) return 0;

    store_be16(&l4[2], 0);
    const std::uint32_t seed = fam == IpFamily::v4 ? 0
        : ipv6_pseudo_header_sum(p.src.v6(), p.group.v6(), static_cast<std::uint32_t>(l4.size()), 58);
    store_be16(&l4[2], csum_fold(csum_partial(l4, seed)));
    if (decode(fam, l4, ip, m) != DecodeError::none) return 0;

    const std::vector<std::uint8_t> again = encode(m, p.src, p.group);
    Message back;
    if (decode(fam, again, ip, back) != DecodeError::none) std::abort();
    m.ignored_records = 0;  // unknown record types are not re-encoded
    if (!(back == m)) std::abort();
    return 0;
}
