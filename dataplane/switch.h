// The switch: ports, workers, the control thread, and the tables between them
// (DESIGN §1-2). Workers run worker_iteration() in a loop on their lcores; the
// control thread runs control_iteration() on an rte_ctrl_thread. Tests call
// both by hand for deterministic, in-process scenarios on net_ring ports.
#pragma once

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dataplane/options.h"
#include "dataplane/parse.h"
#include "dataplane/stream.h"
#include "fdb/mcast_fdb.h"
#include "fdb/ucast_fdb.h"
#include "fdb/vlan_table.h"
#include "snooping/snooper.h"

namespace l2snoop {

inline constexpr unsigned kMaxBurst = 64;
inline constexpr unsigned kMaxWorkers = 32;

// Why a worker dropped a frame. The first entries mirror Malformed.
enum class Drop : std::uint8_t {
    malformed_first = 0,
    malformed_last = static_cast<std::uint8_t>(Malformed::kCount) - 1,
    reserved,             // IEEE 802.1D reserved group: never forwarded
    vlan_not_allowed,     // tagged with a VLAN the port does not carry
    untagged_not_allowed,  // untagged on a trunk without a native VLAN
    punt_rate,            // control frame over the port's punt rate
    punt_ring_full,       // control thread behind: frame dropped, forwarding goes on
    no_mbuf,              // no mbuf for a header/clone (tag rewrite)
    tx_full,              // the port's tx queue refused it
    kCount,
};
std::string_view to_string(Drop d);
inline Drop malformed_drop(Malformed m) { return static_cast<Drop>(static_cast<std::uint8_t>(m)); }

// Per-worker, single-writer counters (relaxed loads and stores, no locked
// instructions); readers sum over workers.
struct alignas(64) WorkerCounters {
    std::atomic<std::uint64_t> rx[kMaxPorts] = {};
    std::atomic<std::uint64_t> tx[kMaxPorts] = {};
    std::atomic<std::uint64_t> flooded[kMaxPorts] = {};
    std::atomic<std::uint64_t> punted[kMaxPorts] = {};
    std::atomic<std::uint64_t> drops[kMaxPorts][static_cast<int>(Drop::kCount)] = {};
    std::atomic<std::uint64_t> learn_events = 0;
    std::atomic<std::uint64_t> learn_ring_full = 0;
    std::atomic<std::uint64_t> stream_hits = 0;    // frames forwarded by a cached stream decision
    std::atomic<std::uint64_t> stream_misses = 0;  // stream-shaped frames the cache could not answer
    std::atomic<std::uint64_t> tx_unsent[kMaxPorts] = {};  // written by the tx-buffer callback
};

inline void bump(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// Control-side counters (one writer: the control thread).
struct ControlCounters {
    std::array<std::uint64_t, static_cast<int>(DecodeError::kCount)> decode_errors{};
    std::uint64_t control_frames = 0, sent = 0, forwarded = 0, fdb_errors = 0, learned = 0, link_changes = 0;
};

struct LearnEvent {
    std::uint8_t mac[6];
    std::uint16_t vid;
    std::uint16_t port;
    std::uint16_t pad[3];
};
static_assert(sizeof(LearnEvent) == 16);

class Switch {
public:
    // `ports`: the DPDK port ids to switch between; `workers`: number of
    // polling lcores (rx queues are spread over them; each has a tx queue per
    // port, the control thread one more).
    Switch(Config cfg, std::vector<PortId> ports, unsigned workers);
    ~Switch();
    Switch(const Switch&) = delete;
    Switch& operator=(const Switch&) = delete;

    // Pools, rings, tables, port bring-up. False with `error` on failure.
    bool init(std::string& error);
    // One poll of every rx queue the worker owns, then tx flush. Returns frames received.
    unsigned worker_iteration(unsigned worker);
    // Drains the rings, runs timers, watches links. Returns work done.
    unsigned control_iteration();
    // The worker loop for rte_eal_remote_launch / the main lcore.
    int worker_loop(unsigned worker);
    // The control thread (rte_ctrl_thread_create); sleeps when idle.
    bool start_control_thread(std::string& error);
    void stop();
    bool stopping() const { return stop_.load(std::memory_order_relaxed); }
    void stop_ports();

    // Time on the control thread's clock (TSC-based, ns).
    Time now() const;

    // Telemetry / summaries: sums over workers (reads only atomics).
    struct PortStats {
        std::uint64_t rx = 0, tx = 0, flooded = 0, punted = 0, tx_unsent = 0;
        std::array<std::uint64_t, static_cast<int>(Drop::kCount)> drops{};
    };
    PortStats port_stats(PortId p) const;
    // The workers' stream caches: frames answered, stream frames not answered, entries.
    struct StreamStats {
        std::uint64_t hits = 0, misses = 0, entries = 0;
    };
    StreamStats stream_stats() const;
    const std::vector<PortId>& ports() const { return ports_; }
    bool port_up(PortId p) const { return up_mask_.load(std::memory_order_relaxed) >> p & 1; }
    // A JSON-ish text snapshot for telemetry, refreshed by the control thread.
    struct Snapshot;
    std::shared_ptr<const Snapshot> snapshot() const;

    Config& config() { return cfg_; }
    const Snooper& snooper() const { return snooper_; }
    const MulticastFdb& mfdb() const { return *mfdb_; }
    const ControlCounters& control_counters() const { return ctl_; }
    std::uint64_t link_events() const { return link_events_.load(std::memory_order_relaxed); }
    bool link_interrupts(PortId p) const { return lsc_ports_.contains(p); }

private:
    struct Worker;
    struct Burst;

    // Worker side.
    void process_burst(Worker& w, PortId in, rte_mbuf** pkts, unsigned n);
    // Source learning for a frame from `src` (6 bytes) on `in` in `vid`.
    void learn(Worker& w, PortId in, VlanId vid, const std::uint8_t* src, Nanos now);
    void learn_lookup(Worker& w, PortId in, VlanId vid, const std::uint8_t* src, std::uint64_t key, Nanos now);
    // Changes whenever anything a multicast forwarding decision reads changes
    // (the FDB, the VLAN table, the links): the stream caches' clock.
    std::uint64_t forwarding_version() const {
        return mfdb_->version() + vlans_.version() + links_version_.load(std::memory_order_acquire);
    }
    // The VLAN a frame arriving on `in` belongs to; nullopt: the port does not carry it.
    std::optional<VlanId> ingress_vlan(const ParsedFrame& f, PortId in) const {
        const Ingress& g = ingress_[in];
        const VlanId v = f.wire_vid();  // 0: untagged or priority-tagged
        if (v == 0) return g.untagged ? std::optional<VlanId>(g.untagged) : std::nullopt;
        if (g.tagged[v >> 6] >> (v & 63) & 1) return v;
        return std::nullopt;
    }
    // `fdb_hit`: the multicast FDB's answer, null on a miss.
    PortSet egress(const ParsedFrame& f, PortId in, VlanId vid, const PortSet* fdb_hit) const;
    // Where a frame's copies go: as received, with its tag removed, with a tag
    // of `vid` pushed (or its outer tag rewritten to `vid`).
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
    // Splits `ports` (down ports removed) by the tagging each needs.
    Plan plan(const ParsedFrame& f, VlanId vid, PortSet ports) const;
    // Sends `pkt` per `plan`: the as-is ports share the one mbuf; each other
    // tagging gets one header+clone variant its ports share. Consumes `pkt`.
    // `w` null: the control thread's queues.
    void transmit(rte_mbuf* pkt, const ParsedFrame& f, VlanId vid, const Plan& plan, Worker* w);
    // `tagged`: the frame has an outer tag (802.1Q or 802.1ad) at byte 12.
    rte_mbuf* retag(rte_mbuf* pkt, bool tagged, std::optional<VlanId> tag);
    // Rewrites the frame's outer tag per `r` in its own mbuf; false (frame
    // untouched) when the mbuf is shared, indirect, chained or lacks headroom.
    static bool rewrite_in_place(rte_mbuf* m, bool tagged, Rewrite r, VlanId vid);
    // Sends `pkt` to `to`, every copy in form `r`: rewritten in place and
    // shared, or (when it cannot be) as one header+clone variant. Consumes `pkt`.
    void send_rewritten(Worker* w, rte_mbuf* pkt, bool tagged, Rewrite r, VlanId vid, PortSet to);
    // One header+clone variant of `pkt` (tag removed, or `tag` pushed/replaced)
    // shared by `to`; a failed allocation is counted as no_mbuf. `pkt` stays the caller's.
    void send_variant(Worker* w, rte_mbuf* pkt, bool tagged, std::optional<VlanId> tag, PortSet to);
    void send_one(Worker* w, PortId port, rte_mbuf* m);
    static void buffer_tx(Worker& w, PortId port, rte_mbuf* m);  // a worker's tx buffer (send_one's common case)
    // `m` to every port of `to` by reference count (freed when `to` is empty).
    void fan_out(Worker* w, rte_mbuf* m, PortSet to);

    // Control side.
    void handle_control_frame(rte_mbuf* pkt);
    void apply(Actions& a);
    void refresh_vlan_floods(VlanId vid);
    void check_links();
    // RTE_ETH_EVENT_INTR_LSC callback (EAL interrupt thread): flags a link check.
    static int on_link_event(std::uint16_t port, rte_eth_event_type type, void* self, void* unused);
    void unregister_link_events();
    void build_snapshot();

    Config cfg_;
    std::vector<PortId> ports_;
    unsigned nworkers_;
    std::atomic<bool> stop_{false};
    std::atomic<PortSet::Bits> up_mask_{0};
    std::atomic<std::uint64_t> links_version_{0};  // bumped after each up_mask_ change
    std::atomic<bool> link_event_{false};        // set by on_link_event, taken by the control thread
    std::atomic<std::uint64_t> link_events_{0};  // LSC interrupts received
    PortSet lsc_ports_;                          // ports whose PMD reports link changes by interrupt
    // Frames the control thread transmitted per port (queries, forwarded
    // control frames); its single writer is the control thread.
    std::array<std::atomic<std::uint64_t>, kMaxPorts> control_tx_{}, control_tx_unsent_{};

    rte_mempool* pool_ = nullptr;
    rte_rcu_qsbr* qsbr_ = nullptr;
    VlanTable vlans_;
    std::unique_ptr<MulticastFdb> mfdb_;
    std::unique_ptr<UnicastFdb> ufdb_;
    std::vector<std::unique_ptr<Worker>> workers_;
    // Per port, its PortConfig flattened for the workers: the VLAN of untagged
    // frames (0: none) and a bitmap of the VLANs it accepts tagged.
    struct Ingress {
        VlanId untagged = 0;
        std::array<std::uint64_t, 64> tagged{};
    };
    std::array<Ingress, kMaxPorts> ingress_{};
    std::array<std::uint32_t, kMaxPorts> if_index_{};  // kernel interface whose carrier we follow, 0: none
    std::vector<VlanId> vlan_ids_;
    std::uint64_t ns_per_tsc_ = 0;  // 32.32 fixed point

    // Control thread only.
    Snooper snooper_;
    Actions actions_;
    ControlCounters ctl_;
    MacAddr switch_mac_;
    std::uint64_t next_link_check_ = 0, next_snapshot_ = 0;
    pthread_t control_thread_{};
    bool control_started_ = false;

    mutable std::mutex snapshot_mu_;  // control thread <-> telemetry threads only
    std::shared_ptr<const Snapshot> snapshot_;
};

struct Switch::Snapshot {
    std::vector<MembershipView> memberships;
    std::vector<QuerierView> queriers;
    std::vector<MulticastFdb::GroupView> groups;
    std::vector<UnicastFdb::View> macs;
    SnoopCounters snoop;
    ControlCounters control;
};

}  // namespace l2snoop
