// libFuzzer: the forwarding decision (dataplane/forward.h) over any frame and
// any VLAN table: a frame never goes back out of its ingress port, only to
// members of its VLAN and never to a down port, each port gets one form, and
// a plan's `single` and `uniform()` agree with its sets; Forward All Groups
// ports get every group-addressed frame.
#include <cstdint>
#include <cstdlib>

#include "dataplane/forward.h"
#include "dataplane/parse.h"

using namespace l2snoop;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 12) return 0;
    // The whole input is the frame (so the seed frames parse as they are);
    // its last twelve bytes, payload or padding for the parser, also set the table.
    const std::uint8_t* cfg = data + size - 12;
    const auto word = [&](std::size_t i) { return PortSet::from_bits(cfg[i] & 0x3f); };
    static VlanTable t;  // 256 KiB: allocated once; every field of `vid` is set below
    const VlanId vid = static_cast<VlanId>(1 + (cfg[0] & 0x0f));
    t.set_members(vid, word(1));
    t.set_untagged(vid, word(2));
    t.set_router_ports(vid, IpFamily::v4, word(3));
    t.set_router_ports(vid, IpFamily::v6, word(4));
    t.set_flood_ports(vid, word(5));
    t.set_snooping(vid, cfg[6] & 1);
    t.set_flood_all(vid, IpFamily::v4, cfg[6] & 2);
    t.set_flood_all(vid, IpFamily::v6, cfg[6] & 4);
    t.set_flood_link_scope6(vid, cfg[6] & 8);
    t.set_flood_solicited_node6(vid, cfg[6] & 16);
    t.set_unregistered(vid, static_cast<UnregisteredPolicy>(cfg[7] % 3));
    t.set_forward_all(vid, PortSet::from_bits(cfg[10] >> 6));  // GMRP/MMRP service requirements: ports 0-3
    t.set_forward_unregistered(vid, PortSet::from_bits(cfg[9] >> 6));
    const PortId in = cfg[8] & 0x3f;
    const PortSet up = word(9);
    const PortSet hit = word(10);
    const bool registered = cfg[11] & 1;

    const ParsedFrame f = parse_frame(data, size);
    const PortSet to = egress_ports(f, in, vid, registered ? &hit : nullptr, t);
    if (to.contains(in)) std::abort();
    if ((to - t.members(vid)).bits() != 0) std::abort();
    // Forward All Groups ports get every group-addressed frame of the VLAN.
    const bool group_addressed = f.cls == FrameClass::mcast_data || f.cls == FrameClass::other_multicast;
    if (group_addressed && ((t.forward_all(vid) & t.members(vid)) - PortSet::of({in}) - to).bits() != 0) std::abort();
    const PortSet uni = unicast_ports(cfg[11] >> 2 & 0x3f, in, vid, t);
    if (uni.contains(in) || (uni - t.members(vid)).bits() != 0 || uni.size() > 1) std::abort();

    const Plan p = plan(to, vid, arrival(f, vid), up, t);
    if ((p.ports() - up).bits() != 0 || (p.ports() - to).bits() != 0) std::abort();
    if (!(p.as_is & p.untag).empty() || !(p.as_is & p.tag).empty() || !(p.untag & p.tag).empty()) std::abort();
    if (p.ports() != (to & up)) std::abort();  // every port that may get it gets it, once
    if (p.single >= 0 && (p.ports() != PortSet::of({static_cast<PortId>(p.single)}) || !p.untag.empty() || !p.tag.empty()))
        std::abort();
    if (const auto u = p.uniform()) {
        const PortSet all = p.ports();
        if ((*u == Rewrite::none && all != p.as_is) || (*u == Rewrite::untag && all != p.untag) ||
            (*u == Rewrite::tag && all != p.tag))
            std::abort();
    }
    return 0;
}
