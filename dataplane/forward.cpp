#include "dataplane/forward.h"

namespace l2snoop {

PortSet egress_ports(const ParsedFrame& f, PortId in, VlanId vid, const PortSet* fdb, const VlanTable& vlans) {
    const PortSet members = vlans.members(vid) - PortSet::of({in});
    // Group MACs registered at layer 2 (GMRP/MMRP) in a VLAN that does not
    // snoop the frame's family: the registering ports and Forward All Groups.
    if (f.cls == FrameClass::other_multicast || (f.cls == FrameClass::mcast_data && !vlans.snooping(vid)))
        return fdb != nullptr ? (*fdb | vlans.forward_all(vid)) & members : members;
    if (f.cls != FrameClass::mcast_data) return members;
    const IpFamily fam = f.group.family();
    if (vlans.flood_all(vid, fam) || (f.ipv6_link_scope && vlans.flood_link_scope6(vid)) ||
        (f.ipv6_solicited_node && vlans.flood_solicited_node6(vid)))
        return members;
    if (fdb != nullptr) return (*fdb | vlans.router_ports(vid, fam) | vlans.forward_all(vid)) & members;  // RFC 4541 §2.1.2(1)
    const PortSet fwd = vlans.forward_all(vid) | vlans.forward_unregistered(vid);
    switch (vlans.unregistered(vid)) {
        case UnregisteredPolicy::flood: return members;
        case UnregisteredPolicy::router: return (vlans.router_ports(vid, fam) | vlans.flood_ports(vid) | fwd) & members;
        case UnregisteredPolicy::drop: return (vlans.flood_ports(vid) | fwd) & members;
    }
    return members;
}

Plan plan(PortSet ports, VlanId vid, Arrival a, PortSet up, const VlanTable& vlans) {
    ports &= up;
    const PortSet untagged = vlans.untagged(vid) & ports;
    const PortSet tagged = ports - untagged;
    Plan p;
    switch (a) {
        case Arrival::untagged:
            p.as_is = untagged;
            p.tag = tagged;
            break;
        case Arrival::tagged_vid:
            p.as_is = tagged;
            p.untag = untagged;
            break;
        case Arrival::other:
            p.untag = untagged;
            p.tag = tagged;
            break;
    }
    if (p.untag.empty() && p.tag.empty() && p.as_is.size() == 1) p.single = static_cast<std::int16_t>(*p.as_is.begin());
    return p;
}

}  // namespace l2snoop
