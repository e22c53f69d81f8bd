// A worker: one polling lcore (docs/architecture.md). Per iteration it reports
// quiescent, polls its rx queues, decides each burst (parse, admit, learn,
// punt, look up, forward), sends the frames the control thread handed it, and
// flushes its tx buffers. It never allocates from the heap, throws, waits, or
// locks a tx queue it owns alone; its one system call is the --idle-sleep
// after a poll that found nothing (none while frames arrive).
#pragma once

#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <atomic>
#include <string>
#include <vector>

#include "dataplane/admission.h"
#include "dataplane/clock.h"
#include "dataplane/counters.h"
#include "dataplane/egress.h"
#include "dataplane/forward.h"
#include "dataplane/learn_cache.h"
#include "dataplane/policer.h"
#include "dataplane/worker_settings.h"
#include "dataplane/ports.h"
#include "dataplane/punt_queues.h"
#include "dataplane/stream.h"
#include "dataplane/tx.h"
#include "fdb/mcast_fdb.h"
#include "fdb/ucast_fdb.h"
#include "fdb/vlan_table.h"

namespace l2snoop {

// What every worker reads and the control thread writes, each published as
// its own header says (MulticastFdb, UnicastFdb: lock-free under QSBR;
// VlanTable, Ports::up(): relaxed words with a release-ordered version).
// Admission is read-only after start-up.
struct SharedTables {
    const VlanTable* vlans;
    const MulticastFdb* mfdb;
    UnicastFdb* ufdb;  // workers only look up and touch() (a relaxed store of the age)
    const Ports* ports;
    const Admission* admission;
    // Changes whenever anything a multicast forwarding decision reads changes:
    // the stream caches' clock.
    std::uint64_t version() const { return mfdb->version() + vlans->version() + ports->version(); }
};

class Worker {
public:
    Worker(unsigned id, const WorkerSettings& s, const SharedTables& t, const Clock& clock, rte_mempool* pool,
           rte_rcu_qsbr* qsbr);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Rings and the stream cache; `map` says what it polls and where it sends.
    bool init(const QueueMap& map, TxLocks& locks, std::string& error);
    // One poll of every rx queue it owns, the hand-off ring, then tx flush. Returns frames received.
    unsigned iteration();
    // Iterations until `stop` (rte_eal_remote_launch / the main lcore).
    void run(const std::atomic<bool>& stop);

    unsigned id() const { return id_; }
    // Single producer: this worker. Single consumer: the control thread.
    const PuntQueues& punt_queues() const { return punts_; }
    rte_ring* learn_ring() const { return learn_; }
    // Single producer: the control thread. Single consumer: this worker.
    rte_ring* handoff_ring() const { return handoff_; }
    const WorkerCounters& counters() const { return c_; }
    std::size_t cache_entries() const { return cache_.size(); }

private:
    void process_burst(PortId in, rte_mbuf** pkts, unsigned n);
    void punt(PortId in, unsigned n);
    void send_handed();
    // Source learning for a frame from `src` (6 bytes) on `in` in `vid`.
    void learn(PortId in, VlanId vid, const std::uint8_t* src, Time now);
    void learn_lookup(PortId in, VlanId vid, const std::uint8_t* src, std::uint64_t word, Time now);

    // ---- hot: read or written on every burst ----
    unsigned id_;
    WorkerSettings s_;
    SharedTables t_;
    const Clock& clock_;
    rte_rcu_qsbr* qsbr_;
    std::vector<std::pair<PortId, std::uint16_t>> rx_;  // (port, rx queue) pairs this worker polls
    TxBuffers tx_;
    Egress<TxBuffers> egress_;
    PuntQueues punts_;
    rte_ring* learn_ = nullptr;
    rte_ring* handoff_ = nullptr;
    PuntPolicer policer_;
    // Sources lately confirmed or reported: most frames skip the unicast table.
    LearnCache learned_;
    StreamCache cache_;

    // The burst being decided: per frame what stage 3 does with it, and the
    // scratch of the stages, here so that no burst pays for initialising it.
    struct Burst {
        struct Frame {
            std::uint8_t kind;  // Kind below
            std::uint8_t slot;  // its lookup (multicast, unicast) or, cached, itself
            std::uint8_t head;  // the first frame of its chain of same-stream bytes
            bool keyed;         // keys[i] holds its stream key
            VlanId vid;
        };
        Frame f[kMaxBurst];
        ParsedFrame parsed[kMaxBurst];
        StreamKey keys[kMaxBurst];
        StreamCache::Decision cached[kMaxBurst];
        // Multicast lookups: one per stream of the burst.
        VlanId mvids[kMaxBurst];
        const IpAddr* groups[kMaxBurst];
        const IpAddr* sources[kMaxBurst];
        std::uint8_t mfirst[kMaxBurst];  // lookup -> the first frame of its stream
        PortSet mports[kMaxBurst];       // the FDB's answer
        Plan mplans[kMaxBurst];          // where the stream's frames go, by tagging
        // Unicast lookups: one per frame.
        VlanId uvids[kMaxBurst];
        const MacAddr* umacs[kMaxBurst];
        PortId uports[kMaxBurst];
        // Control frames, queued for the control thread at the end of stage 1.
        PuntedFrame punts[kMaxBurst];
        rte_mbuf* dead[kMaxBurst];  // frames dropped in stage 1, freed together
    };
    Burst b_;

    // ---- cold ----
    WorkerCounters c_;
};

}  // namespace l2snoop
