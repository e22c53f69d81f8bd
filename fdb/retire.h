// Deferred frees for the lock-free tables (docs/fdb.md, rte_hash.h's "readers
// might still be using the old value"): what a writer unlinks is retired here
// and released only once every reader has passed a quiescent state since.
// The one mechanism for every table (multicast FDB, unicast FDB, MacIndex).
//
// Items retired between two reclaim() calls form one batch behind one
// grace-period token (rte_rcu_qsbr_start once per batch, not per item);
// reclaim() never waits (rte_rcu_qsbr_check without blocking).
// Written by: the control thread only.
#pragma once

#include <rte_rcu_qsbr.h>

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace l2snoop {

class RetireList {
public:
    // `qsbr` null: no readers to wait for (single-threaded tests), items are
    // released at the next reclaim().
    explicit RetireList(rte_rcu_qsbr* qsbr) : qsbr_(qsbr) {}

    enum class Kind : std::uint8_t {
        hash_position,  // an rte_hash position (value) of the index `owner`
        entry_slot,     // an entry slot (value) of the pool `owner`
        memory,         // DPDK memory at `owner`, to rte_free
    };
    struct Item {
        Kind kind;
        std::int32_t value;
        void* owner;
    };

    void retire(Item item) {
        open_.push_back(item);
        ++pending_;
    }
    // Releases every item whose grace period has ended, never waiting, after
    // starting the grace period of the items retired since the last call.
    // `release` is called for each; returns how many were released.
    template <class F>
    std::size_t reclaim(F&& release) {
        if (!open_.empty()) {
            batches_.push_back({qsbr_ ? rte_rcu_qsbr_start(qsbr_) : 0, std::move(open_)});
            open_.clear();
        }
        std::size_t n = 0;
        while (!batches_.empty() && (qsbr_ == nullptr || rte_rcu_qsbr_check(qsbr_, batches_.front().token, false) == 1)) {
            for (const Item& it : batches_.front().items) release(it);
            n += batches_.front().items.size();
            batches_.pop_front();
        }
        pending_ -= n;
        return n;
    }
    // Every item, now: only when no reader is left (the table is going away).
    template <class F>
    void release_all(F&& release) {
        for (const Batch& b : batches_)
            for (const Item& it : b.items) release(it);
        for (const Item& it : open_) release(it);
        batches_.clear();
        open_.clear();
        pending_ = 0;
    }
    std::size_t pending() const { return pending_; }

private:
    struct Batch {
        std::uint64_t token;
        std::vector<Item> items;
    };
    rte_rcu_qsbr* qsbr_;
    std::vector<Item> open_;      // retired since the last reclaim(): no token yet
    std::deque<Batch> batches_;   // oldest token first
    std::size_t pending_ = 0;
};

}  // namespace l2snoop
