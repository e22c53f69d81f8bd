// The two places a sender's copies go (egress.h's `Out`):
//   TxBuffers — a worker's per-port burst buffers onto the tx queue the queue
//               map gives it, flushed when full and at the end of every
//               iteration; a shared queue's lock is taken around the burst;
//   Handoff   — the control thread's: each copy onto the hand-off ring of the
//               worker that sends for that port (QueueMap::delegate).
// Frames a tx queue or a ring refuses are freed and counted, never retried.
#pragma once

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include <array>

#include "dataplane/counters.h"
#include "dataplane/queue_map.h"
#include "dataplane/rings.h"

namespace l2snoop {

inline constexpr unsigned kMaxBurst = 64;

// One spinlock per (port, tx queue), used only where the queue is shared.
struct alignas(64) TxLock {
    rte_spinlock_t lock = RTE_SPINLOCK_INITIALIZER;
};
using TxLocks = std::array<std::array<TxLock, kMaxWorkers>, kMaxPorts>;

class TxBuffers {
public:
    // Worker `w`'s buffers per the map; a flush when `flush_at` frames wait.
    void init(unsigned w, const QueueMap& map, TxLocks& locks, std::uint16_t flush_at, WorkerCounters& c) {
        c_ = &c;
        flush_at_ = flush_at;
        for (PortId p = 0; p < kMaxPorts; ++p) {
            buf_[p].queue = map.tx[w][p].queue;
            buf_[p].lock = map.tx[w][p].shared ? &locks[p][map.tx[w][p].queue].lock : nullptr;
        }
    }
    void put(PortId p, rte_mbuf* m) {
        Buf& b = buf_[p];
        b.pkts[b.n++] = m;
        pending_.add(p);
        if (b.n >= flush_at_) [[unlikely]]
            flush(p);
    }
    void no_mbuf(PortSet to) { bump(c_->drops[*to.begin()][static_cast<int>(Drop::no_mbuf)], to.size()); }
    void flush_all() {
        for (PortId p : pending_)
            if (buf_[p].n) flush(p);
        pending_ = {};
    }

private:
    void flush(PortId p) {
        Buf& b = buf_[p];
        bump(c_->tx[p], b.n);  // counted per burst, not per frame: fan-out puts many
        std::uint16_t sent;
        if (b.lock == nullptr) [[likely]] {
            sent = rte_eth_tx_burst(p, b.queue, b.pkts, b.n);
        } else {
            rte_spinlock_lock(b.lock);
            sent = rte_eth_tx_burst(p, b.queue, b.pkts, b.n);
            rte_spinlock_unlock(b.lock);
            bump(c_->tx_locked);
        }
        if (sent < b.n) {  // l3fwd send_burst: what the queue refused is freed and counted
            bump(c_->drops[p][static_cast<int>(Drop::tx_full)], b.n - sent);
            rte_pktmbuf_free_bulk(b.pkts + sent, b.n - sent);
        }
        b.n = 0;
    }

    struct Buf {
        std::uint16_t n = 0;
        std::uint16_t queue = 0;
        rte_spinlock_t* lock = nullptr;  // null: the queue is this worker's alone
        rte_mbuf* pkts[kMaxBurst];
    };
    std::array<Buf, kMaxPorts> buf_{};
    PortSet pending_;  // ports with buffered frames
    std::uint16_t flush_at_ = 32;
    WorkerCounters* c_ = nullptr;
};

// The control thread's copies, to the workers that send them.
// Written by: the control thread (single producer of every hand-off ring and
// single writer of the drop counters, relaxed). Read by: workers (the rings),
// telemetry (the counters).
class Handoff {
public:
    void init(const QueueMap& map, const std::array<rte_ring*, kMaxWorkers>& rings) {
        delegate_ = map.delegate;
        rings_ = rings;
    }
    void put(PortId p, rte_mbuf* m) {
        HandedFrame h{m, p, {}};
        if (rte_ring_sp_enqueue_elem(rings_[delegate_[p]], &h, sizeof h) == 0) return;
        bump(drops_[p][0]);
        rte_pktmbuf_free(m);
    }
    void no_mbuf(PortSet to) { bump(drops_[*to.begin()][1], to.size()); }
    // Drops per port: the worker's ring was full; no mbuf for a tag variant.
    std::uint64_t full_drops(PortId p) const { return drops_[p][0].load(std::memory_order_relaxed); }
    std::uint64_t no_mbuf_drops(PortId p) const { return drops_[p][1].load(std::memory_order_relaxed); }

private:
    std::array<std::uint16_t, kMaxPorts> delegate_{};
    std::array<rte_ring*, kMaxWorkers> rings_{};
    std::array<std::array<std::atomic<std::uint64_t>, 2>, kMaxPorts> drops_{};  // [port][handoff_full, no_mbuf]
};

}  // namespace l2snoop
