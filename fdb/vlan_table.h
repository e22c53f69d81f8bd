// Per-VLAN port sets the workers read on every flooded or multicast frame.
// Written by: control thread. Read by: workers, lock-free (relaxed atomics:
// each field is one word and no reader needs two fields to be consistent
// with each other beyond what a frame in flight may see anyway).
#pragma once

#include <array>
#include <atomic>
#include <memory>

#include "fdb/addr.h"
#include "fdb/names.h"
#include "fdb/port_set.h"

namespace l2snoop {

inline constexpr std::size_t kVlanCount = 4096;

// Where IP multicast to an unregistered group goes (dataplane/forward.h
// applies it). The flood ports get it under every policy.
enum class UnregisteredPolicy : std::uint8_t {
    flood,   // every port of the VLAN (RFC 4541 §2.1.2(3) allows it; the default)
    router,  // the family's router ports (RFC 4541 §2.1.2(1)) and the flood ports
    drop,    // the flood ports only, not even router ports (departs from RFC 4541 §2.1.2(1))
};
// ADL finds a list of names for an enum (fdb/names.h).
constexpr auto names_of(UnregisteredPolicy) {
    using U = UnregisteredPolicy;
    return names<U>({{U::flood, "flood"}, {U::router, "router"}, {U::drop, "drop"}});
}

class VlanTable {
public:
    VlanTable() : vlans_(std::make_unique<std::array<Vlan, kVlanCount>>()) {}

    // Readers (workers). Out-of-range VIDs read as an empty, snooping-off VLAN.
    PortSet members(VlanId vid) const { return load(vid, &Vlan::members); }
    PortSet untagged(VlanId vid) const { return load(vid, &Vlan::untagged); }
    // Multicast router ports, per family: IGMP queriers/PIM routers attract IPv4
    // multicast, MLD ones IPv6 (RFC 4541 §1: MLD never affects IPv4 forwarding).
    PortSet router_ports(VlanId vid, IpFamily f) const {
        return load(vid, f == IpFamily::v4 ? &Vlan::router_ports4 : &Vlan::router_ports6);
    }
    // The VLAN's policy for unregistered IP multicast, and the ports that get
    // it whatever the policy (--flood-ports).
    UnregisteredPolicy unregistered(VlanId vid) const {
        return vid < kVlanCount ? (*vlans_)[vid].unregistered.load(std::memory_order_relaxed) : UnregisteredPolicy::flood;
    }
    PortSet flood_ports(VlanId vid) const { return load(vid, &Vlan::flood_ports); }
    bool snooping(VlanId vid) const {
        return vid < kVlanCount && (*vlans_)[vid].snooping.load(std::memory_order_relaxed);
    }
    // No-querier policy `flood` in effect for this family: flood all its IP multicast.
    bool flood_all(VlanId vid, IpFamily f) const {
        return vid < kVlanCount && (*vlans_)[vid].flood_all[f == IpFamily::v6].load(std::memory_order_relaxed);
    }
    // ff02::/16 groups are flooded, not snooped, in this VLAN.
    bool flood_link_scope6(VlanId vid) const {
        return vid < kVlanCount && (*vlans_)[vid].flood_link_scope6.load(std::memory_order_relaxed);
    }
    // Solicited-node groups (ff02::1:ff00:0/104, neighbour discovery) are
    // flooded, not snooped, in this VLAN; other link-scope groups stay snooped.
    bool flood_solicited_node6(VlanId vid) const {
        return vid < kVlanCount && (*vlans_)[vid].flood_solicited_node6.load(std::memory_order_relaxed);
    }
    // GMRP/MMRP (mrp/): the ports that registered Forward All Groups get every
    // group-addressed frame of the VLAN; those that registered Forward All
    // Unregistered Groups get what no registration covers (dataplane/forward.h).
    PortSet forward_all(VlanId vid) const { return load(vid, &Vlan::forward_all); }
    PortSet forward_unregistered(VlanId vid) const { return load(vid, &Vlan::forward_unregistered); }
    // Which of GMRP (bit 0) and MMRP (bit 1) run in the VLAN: their frames
    // are punted, and other group MACs are looked up for registrations.
    std::uint8_t mrp(VlanId vid) const {
        return vid < kVlanCount ? (*vlans_)[vid].mrp.load(std::memory_order_relaxed) : 0;
    }
    // Counts writes (release, after each): a reader that loads it (acquire)
    // and later sees it unchanged knows that no field it read since has changed.
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

    // Writers (control thread only). Return false for an out-of-range VID.
    bool set_members(VlanId vid, PortSet p) { return store(vid, &Vlan::members, p); }
    bool set_untagged(VlanId vid, PortSet p) { return store(vid, &Vlan::untagged, p); }
    bool set_router_ports(VlanId vid, IpFamily f, PortSet p) {
        return store(vid, f == IpFamily::v4 ? &Vlan::router_ports4 : &Vlan::router_ports6, p);
    }
    bool set_flood_ports(VlanId vid, PortSet p) { return store(vid, &Vlan::flood_ports, p); }
    bool set_forward_all(VlanId vid, PortSet p) { return store(vid, &Vlan::forward_all, p); }
    bool set_forward_unregistered(VlanId vid, PortSet p) { return store(vid, &Vlan::forward_unregistered, p); }
    bool set_mrp(VlanId vid, std::uint8_t protocols) {
        if (vid >= kVlanCount) return false;
        (*vlans_)[vid].mrp.store(protocols, std::memory_order_relaxed);
        written();
        return true;
    }
    bool set_unregistered(VlanId vid, UnregisteredPolicy u) {
        if (vid >= kVlanCount) return false;
        (*vlans_)[vid].unregistered.store(u, std::memory_order_relaxed);
        written();
        return true;
    }
    bool set_snooping(VlanId vid, bool on) {
        if (vid >= kVlanCount) return false;
        (*vlans_)[vid].snooping.store(on, std::memory_order_relaxed);
        written();
        return true;
    }
    bool set_flood_all(VlanId vid, IpFamily f, bool on) {
        if (vid >= kVlanCount) return false;
        (*vlans_)[vid].flood_all[f == IpFamily::v6].store(on, std::memory_order_relaxed);
        written();
        return true;
    }
    bool set_flood_solicited_node6(VlanId vid, bool on) {
        if (vid >= kVlanCount) return false;
        (*vlans_)[vid].flood_solicited_node6.store(on, std::memory_order_relaxed);
        written();
        return true;
    }
    bool set_flood_link_scope6(VlanId vid, bool on) {
        if (vid >= kVlanCount) return false;
        (*vlans_)[vid].flood_link_scope6.store(on, std::memory_order_relaxed);
        written();
        return true;
    }

private:
    // One cache line per VLAN: a worker flooding in VLAN v touches one line.
    struct alignas(64) Vlan {
        std::atomic<PortSet::Bits> members{0};
        std::atomic<PortSet::Bits> untagged{0};
        std::atomic<PortSet::Bits> router_ports4{0};
        std::atomic<PortSet::Bits> router_ports6{0};
        std::atomic<PortSet::Bits> flood_ports{0};
        std::atomic<PortSet::Bits> forward_all{0};
        std::atomic<PortSet::Bits> forward_unregistered{0};
        std::atomic<UnregisteredPolicy> unregistered{UnregisteredPolicy::flood};
        std::atomic<bool> snooping{false};
        std::atomic<bool> flood_all[2] = {false, false};  // [0] IPv4, [1] IPv6
        std::atomic<bool> flood_link_scope6{false};
        std::atomic<bool> flood_solicited_node6{false};
        std::atomic<std::uint8_t> mrp{0};
    };
    static_assert(sizeof(Vlan) == 64, "one cache line per VLAN");
    using Field = std::atomic<PortSet::Bits> Vlan::*;

    PortSet load(VlanId vid, Field f) const {
        if (vid >= kVlanCount) return {};
        return PortSet::from_bits(((*vlans_)[vid].*f).load(std::memory_order_relaxed));
    }
    bool store(VlanId vid, Field f, PortSet p) {
        if (vid >= kVlanCount) return false;
        ((*vlans_)[vid].*f).store(p.bits(), std::memory_order_relaxed);
        written();
        return true;
    }
    void written() { version_.fetch_add(1, std::memory_order_release); }

    std::unique_ptr<std::array<Vlan, kVlanCount>> vlans_;
    std::atomic<std::uint64_t> version_{0};
};

}  // namespace l2snoop
