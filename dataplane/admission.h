// Ingress admission: the VLAN a frame arriving on a port belongs to, or none
// (the port does not carry it). Built once from the port configuration;
// read-only afterwards, so workers read it without synchronisation. Pure code.
#pragma once

#include <array>
#include <optional>

#include "dataplane/options.h"
#include "dataplane/parse.h"

namespace l2snoop {

class Admission {
public:
    void set_port(PortId p, const PortConfig& pc) {
        Port& g = ports_[p];
        g = {};
        g.untagged = pc.untagged_vid().value_or(0);
        for (VlanId v = 1; v <= kMaxVlanId; ++v)
            if (pc.carries(v)) g.tagged[v >> 6] |= std::uint64_t{1} << (v & 63);
    }
    std::optional<VlanId> vlan(const ParsedFrame& f, PortId in) const {
        const Port& g = ports_[in];
        const VlanId v = f.wire_vid();  // 0: untagged or priority-tagged
        if (v == 0) return g.untagged ? std::optional<VlanId>(g.untagged) : std::nullopt;
        if (g.tagged[v >> 6] >> (v & 63) & 1) return v;
        return std::nullopt;
    }

private:
    // The VLAN of untagged frames (0: none) and a bitmap of the VLANs accepted tagged.
    struct Port {
        VlanId untagged = 0;
        std::array<std::uint64_t, 64> tagged{};
    };
    std::array<Port, kMaxPorts> ports_{};
};

}  // namespace l2snoop
