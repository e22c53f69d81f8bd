// The forwarding decision (docs/architecture.md, RFC 4541 §2.1.2): a parsed frame, the
// port and VLAN it arrived in, the multicast FDB's answer and the VLAN table
// -> the ports that get a copy, and the tag form each copy leaves in.
//
// Pure code: no EAL, no mbufs. Workers call it per stream (or per frame for
// non-multicast traffic); the control thread calls plan() for the frames it
// sends. Everything a worker decides about *where* a frame goes is here, so
// tests/unit/forward_test.cpp can state it as a table.
#pragma once

#include <optional>

#include "dataplane/parse.h"
#include "fdb/port_set.h"
#include "fdb/vlan_table.h"

namespace l2snoop {

// What every egress port of a frame needs done to its outer tag.
enum class Rewrite : std::uint8_t {
    none,   // sent as received
    untag,  // the outer tag removed
    tag,    // tagged with the frame's VLAN: pushed, or the outer tag's TPID/VID replaced (PCP kept)
};

// The ports of `vid` a frame arriving on `in` goes to, before links and tag
// forms (the frame's class decides; control frames are the snooper's call).
// `fdb` is the multicast FDB's answer: an IP group's ports united with its
// MAC's layer-2 registration (GMRP/MMRP), or the registration alone.
// - IP multicast data, snooping on in the VLAN and no flood override:
//     registered (`fdb` non-null): those ports ∪ the family's router ports
//       ∪ the Forward All Groups ports;
//     unregistered: the VLAN's unregistered policy (VlanTable::unregistered):
//       flood  — every member;
//       router — the family's router ports ∪ the flood ports;
//       drop   — the flood ports only (not even router ports: an operator's
//                choice against RFC 4541 §2.1.2(1), which says routers get all);
//       the Forward All Groups and Forward All Unregistered Groups ports too.
// - Non-IP multicast, and IP multicast with snooping off: a MAC registered at
//   layer 2 goes to its ports ∪ the Forward All Groups ports, any other to
//   every member (802.1Q's Forward Unregistered Groups, RFC 4541 §2.1.2-4).
// - IP multicast with the no-querier flood in effect, an ff02::/16 group in a
//   VLAN that floods link scope, or a solicited-node group in a VLAN that
//   floods those: every member.
// - link-local IP multicast, broadcast, unknown unicast: every member.
// Never the ingress port; only members of the VLAN.
PortSet egress_ports(const ParsedFrame& f, PortId in, VlanId vid, const PortSet* fdb, const VlanTable& vlans);

// Known unicast to `dst`: that port when it is another member of the VLAN.
inline PortSet unicast_ports(PortId dst, PortId in, VlanId vid, const VlanTable& vlans) {
    return dst == in ? PortSet{} : PortSet::of({dst}) & vlans.members(vid);
}

// How a frame arrived, as far as its tag goes: what plan() needs of it.
enum class Arrival : std::uint8_t {
    untagged,    // no tag (or the control thread's own frames)
    tagged_vid,  // one outer 802.1Q tag carrying the VLAN it is switched in
    other,       // priority-tagged, another VID, 802.1ad outer tag
};
inline Arrival arrival(const ParsedFrame& f, VlanId vid) {
    if (f.tag_count == 0) return Arrival::untagged;
    return f.outer.vid == vid && f.outer.tpid == kEtherTypeVlan ? Arrival::tagged_vid : Arrival::other;
}

// Where a frame's copies go: as received, with its outer tag removed, with a
// tag of the VLAN pushed (or its outer tag rewritten to it).
struct Plan {
    PortSet as_is, untag, tag;
    std::int16_t single = -1;  // the one port when that is all (as is, no rewrite): the common case

    // The one form every port gets, when they all get the same (no ports: none); nullopt when mixed.
    std::optional<Rewrite> uniform() const {
        if (!as_is.empty() + !untag.empty() + !tag.empty() > 1) return std::nullopt;
        return !untag.empty() ? Rewrite::untag : !tag.empty() ? Rewrite::tag : Rewrite::none;
    }
    PortSet ports() const { return as_is | untag | tag; }
};

// Splits `ports` by the tag form each needs; ports not in `up` get nothing
// (never transmit to a down port). A port that sends `vid` untagged gets the
// frame untagged; any other member port gets it tagged with `vid`. The frame
// keeps its bytes for a port that wants it in the form it arrived in.
Plan plan(PortSet ports, VlanId vid, Arrival a, PortSet up, const VlanTable& vlans);

}  // namespace l2snoop
