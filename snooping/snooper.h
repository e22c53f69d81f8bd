// The snooping engine: IGMPv1/v2/v3 and MLDv1/v2 router-side membership per
// (VLAN, group, port), router ports, querier and its election. No DPDK types
// and no I/O: every input (a decoded message on a port of a VLAN, a PIM hello,
// a port going up or down, the passing of time) returns effects in `Actions`,
// which the control thread applies to the FDB and the ports. Time is injected.
//
// Forwarding it computes (RFC 4541 §2.1.2, RFC 3376 §6.3): for each group, the
// (*,G) set is every port with an EXCLUDE-mode membership; for each source any
// port names, the (S,G) set is the ports in INCLUDE with S running plus the
// ports in EXCLUDE that do not block S. Router ports are added by the data
// plane per family, so a router change never rewrites every group.
#pragma once

#include <array>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "fdb/addr.h"
#include "fdb/names.h"
#include "fdb/port_set.h"
#include "snooping/codec.h"
#include "snooping/config.h"

namespace l2snoop {

// ---- effects ----------------------------------------------------------------

struct FdbAction {
    enum class Kind : std::uint8_t { set_group, remove_group, set_source, remove_source } kind;
    VlanId vid;
    IpAddr group;
    IpAddr source;  // set_source / remove_source
    PortSet ports;  // set_*
    friend bool operator==(const FdbAction&, const FdbAction&) = default;
};

struct RouterPortsAction {
    VlanId vid;
    IpFamily family;
    PortSet ports;
};

// No-querier policy `flood`: flood IP multicast of `family` in the VLAN (or stop).
struct FloodAction {
    VlanId vid;
    IpFamily family;
    bool flood;
};

// A VLAN's querier for `family` appeared (present) or went silent: the
// control thread logs it at warning level (streams die after GMI without one).
struct QuerierChange {
    VlanId vid;
    IpFamily family;
    bool present;
};

// A message the engine sends: the control thread encodes it (codec
// build_frame) and transmits it, tagged as each port of `vid` requires.
struct SendAction {
    VlanId vid;
    PortSet ports;
    Message msg;
    IpAddr src;
    IpAddr dst;
};

struct Actions {
    std::vector<FdbAction> fdb;
    std::vector<RouterPortsAction> routers;
    std::vector<FloodAction> flood;
    std::vector<SendAction> send;
    std::vector<QuerierChange> querier;
    void clear() {
        fdb.clear();
        routers.clear();
        flood.clear();
        send.clear();
        querier.clear();
    }
};

// What to do with a received control frame itself.
struct Disposition {
    Disposition() = default;
    Disposition(PortSet f) : forward(f) {}  // NOLINT: `return {ports};`
    PortSet forward;  // ports to forward the frame to, unchanged (never the ingress port)
    // Set when a filtering profile removed some records of an IGMPv3/MLDv2
    // report: `forward` gets this report (the permitted records, same source)
    // instead of the frame as received, so the upstream router does not join
    // the filtered groups either.
    std::optional<Message> rewritten;
};

// ---- counters -----------------------------------------------------------------

// The switch-wide counters; what each counts is said once, in kSnoopCounters.
struct SnoopCounters {
    std::uint64_t queries = 0, reports = 0, leaves = 0, v3_reports = 0, mrd = 0, pim_hellos = 0;
    std::uint64_t queries_sent = 0, ignored_link_local = 0, ignored_filtered = 0, reports_withheld = 0;
    std::uint64_t reports_rewritten = 0, hosts_untracked = 0, denied_limit = 0, replaced_limit = 0;
    std::uint64_t truncated_records = 0, ignored_snooping_off = 0, queries_from_zero = 0;
    std::uint64_t ignored_guarded_queries = 0, elections_won = 0, elections_lost = 0;
    std::uint64_t querier_found = 0, querier_lost = 0;
};

inline constexpr CounterRow<SnoopCounters> kSnoopCounters[] = {
    {"queries", &SnoopCounters::queries, "IGMP/MLD queries received"},
    {"reports", &SnoopCounters::reports, "IGMP/MLD reports received, every version"},
    {"leaves", &SnoopCounters::leaves, "IGMPv2 leaves and MLDv1 dones received"},
    {"v3_reports", &SnoopCounters::v3_reports, "IGMPv3/MLDv2 reports received"},
    {"mrd", &SnoopCounters::mrd, "multicast router discovery (RFC 4286) messages received"},
    {"pim_hellos", &SnoopCounters::pim_hellos, "PIM hellos received (their ports become router ports)"},
    {"queries_sent", &SnoopCounters::queries_sent, "queries the switch sent as querier"},
    {"ignored_link_local", &SnoopCounters::ignored_link_local,
     "reports for 224.0.0.0/24 or ff02::1, never snooped (RFC 4541 2.1.2)"},
    {"ignored_filtered", &SnoopCounters::ignored_filtered, "records for groups the port's filtering profile denies"},
    {"reports_withheld", &SnoopCounters::reports_withheld, "reports and leaves not forwarded: every record was filtered"},
    {"reports_rewritten", &SnoopCounters::reports_rewritten, "v3 reports forwarded without their filtered records"},
    {"hosts_untracked", &SnoopCounters::hosts_untracked, "hosts not tracked: their port had --max-hosts-per-port"},
    {"denied_limit", &SnoopCounters::denied_limit, "new memberships a group limit refused"},
    {"replaced_limit", &SnoopCounters::replaced_limit, "old memberships a group limit evicted"},
    {"truncated_records", &SnoopCounters::truncated_records, "records or sources beyond the caps, ignored"},
    {"ignored_snooping_off", &SnoopCounters::ignored_snooping_off, "messages in a VLAN without snooping"},
    {"queries_from_zero", &SnoopCounters::queries_from_zero, "proxy queries sent from 0.0.0.0 / :: (never elected)"},
    {"ignored_guarded_queries", &SnoopCounters::ignored_guarded_queries,
     "queries on --no-router-learning ports: no election, not forwarded"},
    {"elections_won", &SnoopCounters::elections_won, "querier elections the switch won"},
    {"elections_lost", &SnoopCounters::elections_lost, "querier elections the switch lost"},
    {"querier_found", &SnoopCounters::querier_found, "a VLAN's querier appeared (per family)"},
    {"querier_lost", &SnoopCounters::querier_lost, "a VLAN's querier went silent (per family)"},
};
static_assert(sizeof(SnoopCounters) == std::size(kSnoopCounters) * sizeof(std::uint64_t),
              "every SnoopCounters field has its row in kSnoopCounters");

// Per port and per VLAN (`l2snoopctl stats port P`, `stats vlan VID`).
// Protocol versions index the arrays: IGMP 1-3, MLD 1-2 ([0] unused).
struct ProtoCounters {
    std::array<std::uint64_t, 4> igmp_queries{}, igmp_reports{}, mld_queries{}, mld_reports{};
    std::uint64_t igmp_leaves = 0, mld_dones = 0;                 // IGMPv2 leaves, MLDv1 dones
    std::array<std::uint64_t, 4> igmp_queries_sent{}, mld_queries_sent{};
    std::uint64_t filtered = 0;                                   // records a filtering profile denied
    std::uint64_t limit_denied = 0, limit_replaced = 0;           // group limits hit
    std::uint64_t hosts_untracked = 0;                            // --max-hosts-per-port hit
    std::uint64_t elections_won = 0, elections_lost = 0;          // per VLAN only
};

// ---- state views for telemetry -------------------------------------------------

struct MembershipView {
    VlanId vid;
    IpAddr group;
    PortId port;
    bool exclude;
    Duration group_timer_left;  // EXCLUDE mode
    unsigned compat_version;    // IGMP 1/2/3, MLD 1/2
    std::vector<std::pair<IpAddr, Duration>> sources;  // timer left; 0 = blocked (EXCLUDE Y set)
    std::vector<IpAddr> hosts;  // v3 hosts seen reporting
};

struct QuerierView {
    VlanId vid;
    IpFamily family;
    bool we_are_querier;
    IpAddr querier;  // the elected querier's address (ours when we are it), unspecified if none
    bool querier_present;
    Duration other_querier_left;
    PortSet router_ports;
    PortSet proxy_querier_ports;  // get reports and leaves (a neighbour snooping switch)
};

class Snooper {
public:
    explicit Snooper(SnoopConfig cfg);

    // The switch's own MAC, before add_vlan: the MLD querier's source where no
    // --querier-address names one is its modified EUI-64 link-local (hosts
    // ignore MLD queries from anything but a link-local, RFC 3810 §5.1.14;
    // RFC 4291 App. A). Without it: ::. The switch and the tests both call it.
    void set_switch_mac(const MacAddr& mac) { default_querier6_ = eui64_link_local(mac); }
    static Ipv6Addr eui64_link_local(const MacAddr& m) {
        return Ipv6Addr{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(m.b[0] ^ 0x02), m.b[1], m.b[2], 0xff,
                         0xfe, m.b[3], m.b[4], m.b[5]}};
    }

    // VLAN set-up (control plane configuration, not protocol input).
    void add_vlan(VlanId vid, PortSet members, bool snooping, Time now, Actions& out);
    void set_port_up(PortId port, bool up, Time now, Actions& out);
    // Static membership (like `bridge mdb add ... permanent`): `ports` of
    // `vid` receive `group` from every source whatever snooping learns, and
    // the group's (*,G) and (S,G) entries always include them. Empty `ports`
    // removes it. False (nothing changed) for a VLAN not added or a group that
    // is not multicast. Limits do not apply: the administrator asked for it.
    bool set_static(VlanId vid, const IpAddr& group, PortSet ports, Time now, Actions& out);
    // Static (S,G) membership: `ports` receive `group` from `source` only (an
    // INCLUDE {source} that never times out). Empty `ports` removes it. False
    // as set_static, or when `source` is not a unicast address of the group's family.
    bool set_static_source(VlanId vid, const IpAddr& group, const IpAddr& source, PortSet ports, Time now,
                           Actions& out);

    // Live changes (the control channel, SIGHUP). The new configuration's
    // port roles (fast leave, router learning, static router ports), filters,
    // limits and timers apply from now on; router ports are republished. The
    // querier settings (querier, addresses, versions) are not changed live:
    // `next` must keep them (the caller refuses otherwise).
    void reconfigure(SnoopConfig next, Time now, Actions& out);
    // Snooping on or off in a VLAN. Off: its dynamic memberships, learned
    // routers and querier state go (static memberships stay); on: as at
    // start-up (startup queries if we are a querier). False for an unknown VLAN.
    bool set_vlan_snooping(VlanId vid, bool on, Time now, Actions& out);
    // Forgets dynamic memberships: of `vid` (or every VLAN), of `port` (or
    // every port); `group` only when given. Returns how many went.
    std::size_t flush(std::optional<VlanId> vid, std::optional<PortId> port, std::optional<IpAddr> group, Time now,
                      Actions& out);
    bool vlan_snooping(VlanId vid) const {
        const auto it = vlans_.find(vid);
        return it != vlans_.end() && it->second.snooping;
    }

    // A decoded IGMP/MLD/MRD message that arrived on `port` in `vid` from
    // `src` (IP source). Returns where the frame itself goes.
    Disposition on_message(PortId port, VlanId vid, const Message& msg, const IpAddr& src, Time now,
                           Actions& out);
    // A PIM hello (a multicast router on this port), `family` of its IP header.
    Disposition on_pim_hello(PortId port, VlanId vid, IpFamily family, Duration holdtime, Time now,
                             Actions& out);
    // An IGMP message of a type we do not know: flooded unchanged (RFC 4541 §2.1.1-3).
    Disposition on_unknown(PortId port, VlanId vid) const;

    // Runs every timer due at `now`.
    void on_timer(Time now, Actions& out);
    // The earliest time on_timer has work to do.
    std::optional<Time> next_deadline() const;

    const SnoopCounters& counters() const { return counters_; }
    const std::map<PortId, ProtoCounters>& port_counters() const { return port_counters_; }
    const std::map<VlanId, ProtoCounters>& vlan_counters() const { return vlan_counters_; }
    const SnoopConfig& config() const { return cfg_; }
    std::vector<MembershipView> memberships(Time now) const;
    std::vector<QuerierView> queriers(Time now) const;
    std::size_t group_count() const { return groups_.size(); }
    // Hosts tracked on `port` over all its memberships (bounded by max_hosts_per_port).
    std::size_t tracked_hosts(PortId port) const {
        const auto it = port_hosts_.find(port);
        return it == port_hosts_.end() ? 0 : it->second;
    }

private:
    struct Host {
        bool exclude = false;
        std::set<IpAddr> sources;
    };
    struct Membership {
        bool exclude = false;
        Time group_timer{0};
        std::map<IpAddr, Time> sources;  // timer; 0 (or past) in EXCLUDE = blocked
        Time v1_host_until{0};           // IGMPv1 host present
        Time v2_host_until{0};           // IGMPv2 / MLDv1 host present
        Time last_refresh{0};
        std::map<IpAddr, Host> hosts;
        // A host reported here while its port was at max_hosts_per_port: the
        // hosts map is incomplete, so fast leave queries instead of pruning.
        bool untracked_hosts = false;
    };
    using GroupKey = std::pair<VlanId, IpAddr>;
    struct Group {
        std::map<PortId, Membership> ports;
        PortSet static_ports;  // set_static: in every entry of the group, never timed out
        std::map<IpAddr, PortSet> static_sources;  // set_static_source: (S,G) only
        // Last published forwarding, to emit only differences.
        bool published = false;
        PortSet pub_star;
        std::map<IpAddr, PortSet> pub_sources;
        // Last-member querying in progress (when we are the querier).
        unsigned lmq_left = 0;
        Time lmq_next{0};
        std::set<IpAddr> lmq_sources;  // sources to ask about (group-and-source-specific)
        bool lmq_group = false;        // ask about the group itself (group-specific)
        PortSet lmq_ports;             // ports whose hosts are asked
    };
    struct FamilyState {
        bool is_querier = false;
        IpAddr address;                 // ours
        IpAddr other_querier;           // elected other querier
        Time other_querier_until{0};    // 0: none heard
        Time next_query{0};             // our next general query
        unsigned startup_left = 0;
        unsigned adopted_qrv = 0;
        Duration adopted_qi{0};
        Time v3_querier_until{0};       // a v3/MLDv2 querier was heard
        Time older_querier_until{0};    // a v1/v2 (MLDv1) querier was heard
        Time proxy_query_until{0};      // queries from 0.0.0.0 / :: were heard
        // Ports where queries from 0.0.0.0 / :: are heard -> expiry: another
        // snooping switch's proxy querier, the way to the rest of the
        // snooping domain. Not router ports (RFC 4541 §2.1.1-4); reports and
        // leaves go there too, so that switch learns our members.
        std::map<PortId, Time> proxy_ports;
        std::map<PortId, Time> learned_routers;  // port -> expiry
        PortSet published_routers;
        bool routers_published = false;
        bool flooding = false;          // no-querier policy flood in effect
        bool querier_present = false;   // last published by update_flood (QuerierChange)
    };
    struct Vlan {
        PortSet members;
        bool snooping = true;
        FamilyState v4, v6;
        FamilyState& fam(IpFamily f) { return f == IpFamily::v4 ? v4 : v6; }
        const FamilyState& fam(IpFamily f) const { return f == IpFamily::v4 ? v4 : v6; }
    };
    enum class TimerKind : std::uint8_t { membership, vlan };
    struct TimerEntry {
        Time at;
        TimerKind kind;
        VlanId vid;
        IpAddr group;  // membership timers
        friend bool operator>(const TimerEntry& a, const TimerEntry& b) { return a.at > b.at; }
    };

    EffectiveTimers timers(const FamilyState& fs) const;
    EffectiveTimers timers(VlanId vid, IpFamily f) const;
    bool is_link_local_group(VlanId vid, const IpAddr& g) const;
    bool allowed(PortId port, const IpAddr& g) const;
    // Counts it when not: a record for `g` on `port` the engine must ignore and not forward.
    bool filtered(VlanId vid, PortId port, const IpAddr& g);
    Disposition report_disposition(VlanId vid, const Vlan& v, PortId port, IpFamily f, Time now) const;
    void track_host(VlanId vid, PortId port, Membership& m, const IpAddr& host, RecordType type,
                    const std::set<IpAddr>& B);
    void forget_hosts(PortId port, Membership& m);
    PortSet up_members(const Vlan& v) const { return v.members & up_; }
    PortSet routers(VlanId vid, const Vlan& v, IpFamily f, Time now) const;
    PortSet proxy_ports(const Vlan& v, IpFamily f, Time now) const;

    // Membership state machine (RFC 3376 §6.4, RFC 3810 §7.4).
    void apply_record(VlanId vid, PortId port, const IpAddr& host, RecordType type, const IpAddr& group,
                      const std::vector<IpAddr>& sources, unsigned version, Time now, Actions& out);
    void on_query(PortId port, VlanId vid, const Message& m, const IpAddr& src, Time now, Actions& out);
    Membership* admit(VlanId vid, const IpAddr& group, PortId port, Time now, Actions& out);
    void send_last_member_query(VlanId vid, const IpAddr& group, Group& g, Time now, Actions& out);
    void expire_membership(VlanId vid, const IpAddr& group, Time now, Actions& out);
    void publish(VlanId vid, const IpAddr& group, Time now, Actions& out);
    // The group a static membership of `ports` goes on: created when new and
    // `ports` is not empty; null when there is nothing to do.
    Group* static_target(VlanId vid, const IpAddr& group, PortSet ports);
    void publish_routers(VlanId vid, IpFamily f, Time now, Actions& out);
    // Our querier address in `vid` as configured (0.0.0.0; for MLD our EUI-64 link-local).
    IpAddr querier_address(VlanId vid, IpFamily f) const;
    // Our querier role in `vid`/`f` as configured now (reconfigure, add_vlan).
    void set_querier(VlanId vid, Vlan& v, IpFamily f, bool on, Time now, Actions& out);
    void update_flood(VlanId vid, IpFamily f, Time now, Actions& out);
    void run_vlan_timers(VlanId vid, Time now, Actions& out);
    void send_general_query(VlanId vid, IpFamily f, PortSet ports, Time now, Actions& out);
    void send_mrd_solicitation(VlanId vid, IpFamily f, PortSet ports, Actions& out);
    Message make_query(const FamilyState& fs, IpFamily f, const IpAddr& group, Duration max_response, Time now) const;
    void schedule(Time at, TimerKind kind, VlanId vid, const IpAddr& group = {});
    Time membership_deadline(const Membership& m, Time now) const;
    unsigned compat_version(const Membership& m, IpFamily f, Time now) const;
    void erase_port_memberships(PortId port, Time now, Actions& out);

    SnoopConfig cfg_;
    Ipv6Addr default_querier6_{};
    PortSet up_;
    std::map<VlanId, Vlan> vlans_;
    std::map<GroupKey, Group> groups_;
    std::map<PortId, std::size_t> port_groups_;  // memberships per port (limits)
    std::map<VlanId, std::size_t> vlan_groups_;  // groups per VLAN (limits)
    std::map<PortId, std::size_t> port_hosts_;   // tracked hosts per port over its memberships
    std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers_;
    SnoopCounters counters_;
    std::map<PortId, ProtoCounters> port_counters_;
    std::map<VlanId, ProtoCounters> vlan_counters_;
    // Adds one to `field` of the port's and the VLAN's counters.
    void bump(PortId port, VlanId vid, std::uint64_t ProtoCounters::*field) {
        ++(port_counters_[port].*field);
        ++(vlan_counters_[vid].*field);
    }
    void count_received(PortId port, VlanId vid, const Message& m);
    void count_sent(VlanId vid, PortSet ports, const Message& q);
};

}  // namespace l2snoop
