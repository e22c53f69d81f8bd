// Snooping configuration: the RFC parameters and the switch's policies.
// Derived timers (GMI, OQPI, LMQT ...) are computed, never stored, so they
// cannot disagree with their inputs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fdb/addr.h"
#include "fdb/names.h"
#include "fdb/port_set.h"
#include "snooping/defaults.h"

namespace l2snoop {

enum class NoQuerierPolicy : std::uint8_t {
    snoop,  // keep forwarding by membership (warn: memberships will time out)
    flood,  // flood IP multicast in the VLAN until a querier is heard
};

enum class LimitAction : std::uint8_t {
    deny,     // excess joins are ignored and counted
    replace,  // the port's least recently refreshed membership gives way
};

// Their names (fdb/names.h), found by ADL.
constexpr auto names_of(NoQuerierPolicy) {
    return names<NoQuerierPolicy>({{NoQuerierPolicy::snoop, "snoop"}, {NoQuerierPolicy::flood, "flood"}});
}
constexpr auto names_of(LimitAction) {
    return names<LimitAction>({{LimitAction::deny, "deny"}, {LimitAction::replace, "replace"}});
}

struct GroupPrefix {
    IpAddr prefix;
    unsigned length = 0;  // bits
    bool contains(const IpAddr& a) const;
    std::string to_string() const;
    friend bool operator==(const GroupPrefix&, const GroupPrefix&) = default;
};

// A filtering profile (--filter-profile NAME:permit PREFIX,deny PREFIX...),
// shared by the ports that name it (--port-filter P:NAME). The first rule whose
// range holds the group decides. A group no rule holds is denied when the
// profile permits some range of the group's family (an allow-list), and
// permitted otherwise: an IPv4-only profile leaves MLD alone, a deny-only
// profile blocks its ranges and nothing else.
struct FilterRule {
    bool permit;
    GroupPrefix range;
    friend bool operator==(const FilterRule&, const FilterRule&) = default;
};
struct FilterProfile {
    std::string name;
    std::vector<FilterRule> rules;
    bool permits(const IpAddr& group) const;
    friend bool operator==(const FilterProfile&, const FilterProfile&) = default;
};

struct Timers {
    unsigned robustness = kDefaultRobustness;
    Duration query_interval = kDefaultQueryInterval;
    Duration query_response_interval = kDefaultQueryResponseInterval;
    Duration last_member_query_interval = kDefaultLastMemberQueryInterval;
    unsigned last_member_query_count = 0;  // 0: robustness (RFC 3376 §8.12)
    Duration startup_query_interval{0};    // 0: query_interval / 4 (§8.6)
    unsigned startup_query_count = 0;      // 0: robustness (§8.7)
    Duration membership_interval{0};       // 0: RV × QI + QRI (§8.4)
    Duration other_querier_interval{0};    // 0: RV × QI + QRI / 2 (§8.5)
    Duration router_timeout = kDefaultRouterTimeout;
    friend bool operator==(const Timers&, const Timers&) = default;
};

struct SnoopConfig {
    Timers timers;
    bool querier = false;
    std::map<VlanId, bool> vlan_querier;  // per VLAN, over `querier` (--vlan-querier, `vlan set VID querier`)
    // Per VLAN querier source addresses; a VLAN without one uses 0.0.0.0 / ::
    // (a proxy querier that never takes part in the election, RFC 4541 §2.1.1-4).
    std::map<VlanId, Ipv4Addr> querier_address4;
    std::map<VlanId, Ipv6Addr> querier_address6;
    unsigned igmp_version = 3;  // 2 or 3: the version of queries we send
    unsigned mld_version = 2;   // 1 or 2
    NoQuerierPolicy no_querier_policy = NoQuerierPolicy::snoop;
    // Per VLAN: do not snoop ff02::/16 groups (always flood them; see docs).
    std::map<VlanId, bool> flood_link_scope6;
    // Per VLAN: do not snoop solicited-node groups (ff02::1:ff00:0/104) only:
    // neighbour discovery keeps working when MLD reports are lost.
    std::map<VlanId, bool> flood_solicited_node6;

    PortSet fast_leave;          // ports with one host: prune on leave at once
    PortSet static_router_ports;                   // in every VLAN
    std::map<VlanId, PortSet> vlan_router_ports;  // in one VLAN (--vlan-router-ports, `router add`)
    PortSet no_router_learning;  // never learn a router on these ports
    // Ports that also get reports and leaves (RFC 4541 §2.1.1-1's administrative
    // override; by default they go to router ports only).
    PortSet report_flood_ports;
    std::map<PortId, FilterProfile> port_filters;  // absent port: every group

    std::uint32_t max_groups = 0;           // groups (VLAN, group) over all VLANs; 0: unlimited
    std::uint32_t max_groups_per_port = 0;  // 0: unlimited
    std::uint32_t max_groups_per_vlan = 0;  // 0: unlimited
    LimitAction limit_action = LimitAction::deny;
    // Hosts tracked per port over all its groups (explicit host tracking, for
    // fast leave with several IGMPv3/MLDv2 hosts; the Linux bridge's default
    // is 512 too). Past it a report still counts, its host is not tracked, and
    // a leave on that membership queries instead of pruning at once. 0: no cap.
    std::uint32_t max_hosts_per_port = 512;
    std::uint32_t max_records_per_report = 256;
    std::uint32_t max_sources_per_record = 512;
    friend bool operator==(const SnoopConfig&, const SnoopConfig&) = default;
    bool querier_in(VlanId v) const {
        const auto it = vlan_querier.find(v);
        return it == vlan_querier.end() ? querier : it->second;
    }
};

// A per-VLAN switch (--flood-link-scope6 VID, --flood-solicited-node6 VID): on for `vid`?
inline bool on_for(const std::map<VlanId, bool>& m, VlanId vid) {
    const auto it = m.find(vid);
    return it != m.end() && it->second;
}

// Effective timers given the configuration and what the elected querier
// advertised (QRV/QQIC adopted per RFC 3376 §4.1.6-7, RFC 3810 §5.1.8-9).
struct EffectiveTimers {
    unsigned robustness;
    Duration query_interval;
    Duration query_response_interval;
    Duration last_member_query_interval;
    unsigned last_member_query_count;
    Duration startup_query_interval;
    unsigned startup_query_count;
    Duration membership_interval;     // GMI / MALI
    Duration other_querier_interval;  // OQPI
    Duration older_host_present;      // RFC 3376 §8.13
    Duration router_timeout;

    Duration lmqt() const { return last_member_query_interval * last_member_query_count; }
    static EffectiveTimers from(const Timers& t, unsigned adopted_qrv = 0, Duration adopted_qi = Duration{0});
};

// Checks a configuration; returns one message per problem, naming the option.
std::vector<std::string> validate(const SnoopConfig& c);

}  // namespace l2snoop
