// Multicast FDB: where IP multicast data goes, keyed as the design card says
// by (VLAN, group MAC), with exact answers where the MAC is not enough.
//
//  - (VLAN, MAC) entries carry the port set and the one registered group they
//    stand for. A frame whose group is that group is answered by one lookup.
//  - When two or more registered groups of a VLAN share the MAC (224.1.1.1,
//    225.1.1.1, 239.129.1.1 ...), the MAC entry is marked `aliased` and the
//    worker asks the exact table (VLAN, group). A frame for an unregistered
//    group that merely shares a registered group's MAC is a miss, never a hit.
//  - A group with source-specific state (IGMPv3/MLDv2) is marked
//    `source_specific`; an (S,G) entry, when present, is authoritative for
//    traffic from S, otherwise the group's own set applies.
//  - A MAC registered at layer 2 (GMRP/MMRP, set_mac) carries its own port
//    set, marked `mac_ports`: every frame to that MAC in the VLAN is a hit for
//    those ports, united with the IP group's ports when the group is
//    registered too — so every IP group aliasing the MAC follows it.
//
// Written by: control thread (set_*/remove_*/reclaim). Read by: workers via
// lookup*(), lock-free, between two QSBR quiescent reports. The control-side
// model (std::map) is never read by workers; telemetry dumps come from it.
#pragma once

#include <atomic>
#include <bit>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "fdb/addr.h"
#include "fdb/lf_index.h"
#include "fdb/mac_index.h"
#include "fdb/port_set.h"

namespace l2snoop {

struct McastFdbConfig {
    std::uint32_t max_groups = 4096;   // (VLAN, group) entries; MAC entries never exceed it
    std::uint32_t max_sources = 4096;  // (VLAN, group, source) entries
    int socket = -1;                   // SOCKET_ID_ANY
    std::string name = "mfdb";         // prefix of the rte_hash names (unique per process)
};

class MulticastFdb {
public:
    enum Flags : std::uint8_t { kAliased = 1, kSourceSpecific = 2, kMacPorts = 4 };

    // Writer-visible counters (control thread).
    struct Stats {
        std::uint64_t full_groups = 0;   // set_group refused: max_groups reached
        std::uint64_t full_sources = 0;  // set_source refused: max_sources reached
        std::uint64_t full_macs = 0;     // set_mac refused: every MAC entry (max_groups) in use
    };

    // Allocates the entry slots in DPDK memory (throws std::bad_alloc if the
    // EAL has too little); init() then creates the hash tables.
    MulticastFdb(rte_rcu_qsbr* qsbr, McastFdbConfig cfg);
    // Creates the hash tables; false with `error` on failure (no memory, name clash).
    bool init(std::string& error);

    // ---- readers (workers) -------------------------------------------------
    // Ports for traffic from `source` to `group` in `vid`, nullopt on a miss
    // (unregistered group): the caller applies the VLAN's unregistered policy.
    std::optional<PortSet> lookup(VlanId vid, const IpAddr& group, const IpAddr& source) const;

    // Up to MacIndex::kBulkMax frames at once: one bulk probe for all MAC
    // keys, exact probes only for aliased or source-specific entries. Returns a
    // bit mask of hits; ports[i] is valid where bit i is set.
    std::uint64_t lookup_bulk(unsigned n, const VlanId* vids, const IpAddr* const* groups,
                              const IpAddr* const* sources, PortSet* ports) const;

    // The layer-2 registration (GMRP/MMRP) of `mac` in `vid`: its ports, or
    // nullopt when the MAC is not registered (frames that are not IP multicast).
    std::optional<PortSet> lookup_mac(VlanId vid, const MacAddr& mac) const;

    // Counts the writes below (release, after each): a reader that loads it
    // (acquire) and later sees it unchanged knows no answer it had since has changed.
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

    // ---- writer (control thread) -------------------------------------------
    // Creates or updates the (VLAN, group) entry; an update of an existing
    // group's ports is a single atomic store.
    FdbStatus set_group(VlanId vid, const IpAddr& group, PortSet ports);
    // Removes the group and all its (S,G) entries.
    FdbStatus remove_group(VlanId vid, const IpAddr& group);
    // Creates or updates an (S,G) entry; the group must exist.
    FdbStatus set_source(VlanId vid, const IpAddr& group, const IpAddr& source, PortSet ports);
    FdbStatus remove_source(VlanId vid, const IpAddr& group, const IpAddr& source);
    // Removes every group of a VLAN (VLAN deleted, snooping turned off).
    void flush_vlan(VlanId vid);
    // Registers `mac` in `vid` at layer 2 on `ports` (GMRP/MMRP): every frame
    // to it goes there too, IP or not; an empty set deregisters it. A MAC
    // entry holds groups and a registration alike: at most max_groups MACs.
    FdbStatus set_mac(VlanId vid, const MacAddr& mac, PortSet ports);
    // Frees what readers can no longer see. Cheap; call once per control loop.
    std::size_t reclaim();

    std::size_t group_count() const { return groups_.size(); }
    std::size_t source_count() const { return source_total_; }
    std::size_t mac_count() const { return macs_.size(); }
    std::size_t pending_reclaim() const { return retired_.pending(); }
    const Stats& stats() const { return stats_; }
    const McastFdbConfig& config() const { return cfg_; }

    // Control-side view for telemetry: groups in (VLAN, group) order.
    struct GroupView {
        VlanId vid;
        IpAddr group;
        PortSet ports;
        bool aliased;  // shares its MAC with another registered group of the VLAN
        std::vector<std::pair<IpAddr, PortSet>> sources;
    };
    void for_each_group(const std::function<void(const GroupView&)>& fn) const;
    // The layer-2 registrations, in (VLAN, MAC) order.
    void for_each_mac(const std::function<void(VlanId, const MacAddr&, PortSet)>& fn) const;

    // Key layouts (public for tests and benchmarks; all bytes defined).
    struct GroupKey {
        std::uint16_t vid;
        std::uint8_t family;
        std::uint8_t pad;
        std::uint8_t group[16];
    };
    struct SourceKey {
        GroupKey g;
        std::uint8_t source[16];
    };
    // The (VLAN, MAC) key: the 8-byte word MacIndex stores (addr.h).
    static std::uint64_t mac_word(VlanId vid, const MacAddr& mac) { return vlan_mac_word(vid, mac); }
    static GroupKey group_key(VlanId vid, const IpAddr& group);
    static SourceKey source_key(VlanId vid, const IpAddr& group, const IpAddr& source);

private:
    // An entry slot. `ports`, `mac_ports` and `flags` are atomics the writer
    // stores in place (ports first, flags with release); `group` is immutable
    // once published: a MAC entry that must answer for another group is
    // replaced by a fresh slot and the old one retired.
    struct alignas(32) Entry {
        std::atomic<PortSet::Bits> ports{0};
        std::atomic<std::uint8_t> flags{0};
        IpAddr group;                              // MAC entries: the group they answer for
        std::atomic<PortSet::Bits> mac_ports{0};   // MAC entries flagged kMacPorts: the layer-2 registration
    };
    // One table = index + its slots; slots are reused after QSBR. The MAC
    // table, probed for every frame, has its own 8-byte-key index; the exact
    // tables (aliased MACs, sources) stay on rte_hash.
    template <class Index>
    struct TableOf {
        Index index;
        SlotPool pool;
        SlotArray<Entry> slots;
        TableOf(std::uint32_t n, int socket) : pool(n), slots(n, socket) {}
    };
    using Table = TableOf<LfIndex>;
    using MacTable = TableOf<MacIndex>;

    struct GroupState {
        PortSet ports;
        std::int32_t slot = -1;
        std::map<IpAddr, std::int32_t> sources;  // source -> slot
        std::uint8_t flags() const { return sources.empty() ? 0 : kSourceSpecific; }
    };
    struct MacState {
        std::int32_t slot = -1;
        std::set<IpAddr> groups;
        PortSet registered;  // set_mac
    };
    using GroupId = std::pair<VlanId, IpAddr>;
    using MacId = std::pair<VlanId, MacAddr>;

    // What a MAC entry says for (group, source): true with `ports`, false on a miss.
    bool resolve(const Entry& mac_entry, VlanId vid, const IpAddr& group, const IpAddr& source,
                 PortSet& ports) const;
    bool resolve_flagged(const Entry& mac_entry, std::uint8_t flags, VlanId vid, const IpAddr& group,
                         const IpAddr& source, PortSet& ports) const;
    std::optional<PortSet> exact(VlanId vid, const IpAddr& group, const IpAddr& source) const;

    // Publishes a fresh slot for `key` in `t` (retiring `old_slot` if any).
    template <class T>
    FdbStatus publish(T& t, const void* key, std::int32_t& slot, PortSet ports, std::uint8_t flags,
                      const IpAddr& group, PortSet mac_ports = {});
    void release(const RetireList::Item& item);
    template <class T>
    void unpublish(T& t, const void* key, std::int32_t& slot);
    template <class T>
    std::int32_t take_slot(T& t);
    // Re-derives the MAC entry of `mid` from the groups registered on it and its registration.
    FdbStatus refresh_mac(const MacId& mid);

    McastFdbConfig cfg_;
    RetireList retired_;
    MacTable macs_t_;
    Table groups_t_, sources_t_;
    std::map<GroupId, GroupState> groups_;
    std::map<MacId, MacState> macs_;
    std::size_t source_total_ = 0;
    Stats stats_;
    std::atomic<std::uint64_t> version_{0};
    // Bumps version_ when a writer returns, whichever way it returns.
    struct Written {
        std::atomic<std::uint64_t>& v;
        ~Written() { v.fetch_add(1, std::memory_order_release); }
    };
};

}  // namespace l2snoop
