// The switch: the rooms of the data plane put together (docs/architecture.md).
//
//   Ports         ports.h      bring-up, queues, link watching
//   QueueMap      queue_map.h  who polls which rx queue, who sends on which tx queue
//   Worker        worker.h     the per-lcore loop: parse, admit, learn, punt, look up, forward
//   forwarding    forward.h    the pure decision: frame + tables -> ports and tag forms
//   Egress        egress.h     replication and tag rewrites; TxBuffers / Handoff (tx.h) carry the copies
//   ControlPlane  control.h    punt intake, snooping, table writes, timers, links, snapshots
//
// Workers run worker_loop() on their lcores; the control thread runs
// control_iteration() on an rte_ctrl_thread. Tests call both by hand for
// deterministic, in-process scenarios on net_ring ports.
#pragma once

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/admission.h"
#include "dataplane/clock.h"
#include "dataplane/control.h"
#include "dataplane/counters.h"
#include "dataplane/options.h"
#include "dataplane/ports.h"
#include "dataplane/queue_map.h"
#include "dataplane/tx.h"
#include "dataplane/worker.h"
#include "fdb/mcast_fdb.h"
#include "fdb/ucast_fdb.h"
#include "fdb/vlan_table.h"

namespace l2snoop {

class Switch {
public:
    // `ports`: the DPDK port ids to switch between; `lcores`: the lcores the
    // workers run on, in worker order (tests: any ids, one per worker).
    Switch(Config cfg, std::vector<PortId> ports, std::vector<unsigned> lcores);
    Switch(Config cfg, std::vector<PortId> ports, unsigned workers);
    ~Switch();
    Switch(const Switch&) = delete;
    Switch& operator=(const Switch&) = delete;

    // Pools, tables, workers, ports, the control plane. False with `error` on failure.
    bool init(std::string& error);
    // One iteration of worker `w` (tests; returns frames received).
    unsigned worker_iteration(unsigned w) { return workers_[w]->iteration(); }
    // One iteration of the control plane (tests; returns ring work done).
    unsigned control_iteration() { return control_->iteration(); }
    // The worker loop for rte_eal_remote_launch / the main lcore.
    int worker_loop(unsigned w) {
        workers_[w]->run(*stop_);
        return 0;
    }
    // The control thread (rte_ctrl_thread_create); sleeps when idle.
    bool start_control_thread(std::string& error);
    // Stops on `flag` too (main's signal flag: a signal handler may set it at
    // any moment, so it outlives the switch). Before the threads start.
    void stop_on(std::atomic<bool>& flag) { stop_ = &flag; }
    // Workers and the control thread stop, the control thread is joined (main thread).
    void stop();
    bool stopping() const { return stop_->load(std::memory_order_relaxed); }
    void stop_ports() { ports_.stop(); }

    Time now() const { return clock_.now(); }

    // Sums over workers and the control thread (atomics only: any thread).
    PortStats port_stats(PortId p) const;
    struct StreamStats {
        std::uint64_t hits = 0, misses = 0, entries = 0;
    };
    StreamStats stream_stats() const;
    // Tx bursts workers sent on shared queues, under their lock.
    std::uint64_t locked_tx_bursts() const;
    // Mbufs of the switch's pool not in the pool (rx rings, tx queues, frames in flight).
    unsigned mbufs_in_use() const { return pool_ ? rte_mempool_in_use_count(pool_) : 0; }
    const std::vector<PortId>& ports() const { return ports_.ids(); }
    bool port_up(PortId p) const { return ports_.up().contains(p); }
    const QueueMap& queue_map() const { return map_; }
    unsigned workers() const { return static_cast<unsigned>(workers_.size()); }
    const WorkerCounters& worker_counters(unsigned w) const { return workers_[w]->counters(); }

    using Snapshot = ControlSnapshot;
    std::shared_ptr<const Snapshot> snapshot() const { return control_->snapshot(); }
    const Config& config() const { return cfg_; }
    const Snooper& snooper() const { return control_->snooper(); }
    const MulticastFdb& mfdb() const { return *mfdb_; }
    const ControlCounters& control_counters() const { return control_->counters(); }
    ControlPlane& control() { return *control_; }
    std::uint64_t link_events() const { return ports_.link_events(); }
    bool link_interrupts(PortId p) const { return ports_.link_interrupts(p); }

private:
    Config cfg_;
    std::vector<unsigned> lcores_;
    // Written by: main (stop()) or, through stop_on(), a signal handler. Read
    // by: workers and the control thread once per iteration, relaxed: they
    // stop within one.
    std::atomic<bool> own_stop_{false};
    std::atomic<bool>* stop_ = &own_stop_;
    Clock clock_;
    Ports ports_;
    QueueMap map_;
    Admission admission_;
    rte_mempool* pool_ = nullptr;
    rte_rcu_qsbr* qsbr_ = nullptr;
    VlanTable vlans_;
    std::unique_ptr<MulticastFdb> mfdb_;
    std::unique_ptr<UnicastFdb> ufdb_;
    std::unique_ptr<TxLocks> locks_;
    // In DPDK memory on the port's socket (hugepages when the EAL has them):
    // a worker's hot state and tx buffers must not compete for TLB entries
    // with its stream cache (perf, 64K streams: 4 KiB pages cost ~15 %).
    struct WorkerDelete {
        void operator()(Worker* w) const;
    };
    std::vector<std::unique_ptr<Worker, WorkerDelete>> workers_;
    std::unique_ptr<ControlPlane> control_;
    pthread_t control_thread_{};
    bool control_started_ = false;
};

}  // namespace l2snoop
