// Unicast MAC table: (VLAN, MAC) -> port, learned from source addresses.
//
// Workers look up destinations (bulk) and, for a source MAC already known on
// the ingress port, refresh its age with one relaxed store. Anything else (a
// new MAC, a move) is an event the worker queues for the control thread,
// which is the only writer (learn/add_static/remove/flush/age).
//
// Limits protect the table from MAC floods: a per-port cap on dynamic
// entries and a global cap. When either is reached new MACs are refused and
// counted; nothing is evicted, static entries are never touched, and other
// ports keep learning.
//
// Aging is deadline-ordered: a sweep pops only candidates whose deadline has
// passed, re-checks the worker-refreshed timestamp, and re-queues live ones,
// so it costs O(expired + refreshed), never a scan of the table.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "fdb/addr.h"
#include "fdb/lf_index.h"  // FdbStatus, SlotPool, SlotArray
#include "fdb/mac_index.h"
#include "fdb/port_set.h"
#include "fdb/times.h"

namespace l2snoop {

struct UcastFdbConfig {
    std::uint32_t capacity = 65536;          // all entries, static included
    std::uint32_t max_per_port = 8192;       // dynamic entries per port
    Duration max_age = 300s;                 // IEEE 802.1D default
    int socket = -1;
    std::string name = "ufdb";
};

enum class LearnResult : std::uint8_t {
    learned,           // new entry
    refreshed,         // known on this port
    moved,             // known on another port: now on this one
    refused_static,    // a static entry holds the MAC on another port
    refused_port_limit,
    refused_table_full,
    invalid,
};

std::string_view to_string(LearnResult r);

class UnicastFdb {
public:
    struct Stats {
        std::uint64_t learned = 0, moved = 0, aged = 0, refused_static = 0, refused_port_limit = 0,
                      refused_table_full = 0;
    };
    // What a worker reads. Written by: control (port), workers (last_seen, relaxed).
    struct alignas(16) Entry {
        std::atomic<PortId> port{0};
        std::atomic<Time> last_seen{Time{0}};
    };

    UnicastFdb(rte_rcu_qsbr* qsbr, UcastFdbConfig cfg);
    bool init(std::string& error);

    // ---- readers (workers) -------------------------------------------------
    std::optional<PortId> lookup(VlanId vid, const MacAddr& mac) const;
    // Up to MacIndex::kBulkMax keys; returns the hit mask, ports[i] where hit.
    std::uint64_t lookup_bulk(unsigned n, const VlanId* vids, const MacAddr* const* macs, PortId* ports) const;
    // The entry itself, so a worker can compare its port and refresh its age.
    Entry* find(VlanId vid, const MacAddr& mac) const { return find(vlan_mac_word(vid, mac)); }
    Entry* find(std::uint64_t vlan_mac) const {
        const std::int32_t s = index_.lookup(&vlan_mac);
        return s < 0 ? nullptr : &slots_[s];
    }
    static void touch(Entry& e, Time now) { e.last_seen.store(now, std::memory_order_relaxed); }

    // ---- writer (control thread) -------------------------------------------
    LearnResult learn(VlanId vid, const MacAddr& mac, PortId port, Time now);
    FdbStatus add_static(VlanId vid, const MacAddr& mac, PortId port);
    FdbStatus remove(VlanId vid, const MacAddr& mac);
    std::size_t flush_port(PortId port, bool include_static = false);
    std::size_t flush_vlan(VlanId vid, bool include_static = false);
    // Removes dynamic entries not seen for max_age; returns how many.
    std::size_t age(Time now);
    // When the next entry could expire (for the control thread's sleep).
    std::optional<Time> next_deadline() const;
    std::size_t reclaim();

    std::size_t size() const { return model_.size(); }
    std::size_t dynamic_on_port(PortId p) const { return p < kMaxPorts ? per_port_[p] : 0; }
    const Stats& stats() const { return stats_; }

    struct View {
        VlanId vid;
        MacAddr mac;
        PortId port;
        bool is_static;
        Time last_seen;
    };
    void for_each(const std::function<void(const View&)>& fn) const;

private:
    struct State {
        std::int32_t slot;
        PortId port;
        bool is_static;
    };
    using Id = std::pair<VlanId, MacAddr>;
    struct Deadline {
        Time at;
        Id id;
        friend bool operator>(const Deadline& a, const Deadline& b) { return a.at > b.at; }
    };

    FdbStatus insert(const Id& id, PortId port, bool is_static, Time now);
    void erase(std::map<Id, State>::iterator it);
    void release(const RetireList::Item& item);

    UcastFdbConfig cfg_;
    RetireList retired_;
    MacIndex index_;  // (VLAN, MAC) words, as the multicast FDB's MAC table
    SlotPool pool_;
    SlotArray<Entry> slots_;
    std::map<Id, State> model_;
    std::uint32_t per_port_[kMaxPorts] = {};
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
    Stats stats_;
};

}  // namespace l2snoop
