// The seam between the control thread and the workers for every FDB: a
// lock-free map from a fixed-size key to the index of an entry slot, plus the
// QSBR bookkeeping that makes deletes and entry swaps safe.
//
// rte_hash in RW_CONCURRENCY_LF mode: one writer (the control thread), any
// number of readers that never lock. A deleted key's slot and a replaced
// entry are not reused until every reader has reported quiescent since
// (rte_rcu_qsbr tokens, checked without blocking). We keep rte_hash's own RCU
// hook off so that both kinds of reclamation go through one queue.
#pragma once

#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <new>
#include <type_traits>
#include <string>
#include <vector>

#include "fdb/names.h"
#include "fdb/retire.h"

namespace l2snoop {

enum class FdbStatus : std::uint8_t {
    ok,
    table_full,  // capacity reached: nothing was changed
    not_found,
    invalid,     // bad VID, non-multicast group, port out of range ...
    refused,     // a policy said no (limits, static entry)
};

constexpr auto names_of(FdbStatus) {
    return names<FdbStatus>({{FdbStatus::ok, "ok"},
                             {FdbStatus::table_full, "table_full"},
                             {FdbStatus::not_found, "not_found"},
                             {FdbStatus::invalid, "invalid"},
                             {FdbStatus::refused, "refused"}});
}
inline std::string_view to_string(FdbStatus v) { return names_of(v).name(v); }

// Free list of entry slot indices. Written by: control thread only.
class SlotPool {
public:
    explicit SlotPool(std::uint32_t capacity);
    // -1 when exhausted.
    std::int32_t take();
    void give_back(std::int32_t slot) { free_.push_back(slot); }
    std::uint32_t capacity() const { return capacity_; }
    std::uint32_t in_use() const { return capacity_ - static_cast<std::uint32_t>(free_.size()); }

private:
    std::uint32_t capacity_;
    std::vector<std::int32_t> free_;
};

// A fixed array of entry slots in DPDK memory (hugepage-backed when the EAL
// has hugepages, so random probes cost fewer TLB misses), on `socket`.
template <class T>
class SlotArray {
public:
    static_assert(std::is_trivially_destructible_v<T>);
    SlotArray(std::uint32_t n, int socket)
        : p_(static_cast<T*>(rte_zmalloc_socket("l2snoop_slots", sizeof(T) * std::max<std::uint32_t>(n, 1),
                                                RTE_CACHE_LINE_SIZE, socket))) {
        if (p_ == nullptr) throw std::bad_alloc();
        for (std::uint32_t i = 0; i < n; ++i) new (&p_[i]) T();
    }
    ~SlotArray() { rte_free(p_); }
    SlotArray(const SlotArray&) = delete;
    SlotArray& operator=(const SlotArray&) = delete;
    T& operator[](std::int32_t i) const { return p_[i]; }

private:
    T* p_;
};

// Key -> slot index on rte_hash (LF). Keys are trivially copyable structs
// with no padding bytes left undefined (callers zero them).
class LfIndex {
public:
    static constexpr unsigned kBulkMax = RTE_HASH_LOOKUP_BULK_MAX;  // 64

    LfIndex() = default;
    LfIndex(const LfIndex&) = delete;
    LfIndex& operator=(const LfIndex&) = delete;
    ~LfIndex();

    // `entries` keys of `key_len` bytes. Returns false with `error` set.
    bool create(const std::string& name, std::uint32_t entries, std::uint32_t key_len, int socket,
                std::string& error);

    // Readers. -1 on a miss.
    std::int32_t lookup(const void* key) const {
        void* data;
        return rte_hash_lookup_data(h_, key, &data) >= 0 ? static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(data)) : -1;
    }
    // Up to kBulkMax keys; slots[i] = -1 on a miss.
    void lookup_bulk(const void** keys, unsigned n, std::int32_t* slots) const;

    // Writer. Adds or replaces the slot of `key`: readers see the old or the
    // new slot, never anything else. Returns false when the table is full.
    bool put(const void* key, std::int32_t slot);
    // Writer. Removes `key`; its hash position must be released later via
    // release_position() once readers are quiescent. -1 if absent.
    std::int32_t remove(const void* key);
    void release_position(std::int32_t pos) { rte_hash_free_key_with_position(h_, pos); }

private:
    rte_hash* h_ = nullptr;
};

}  // namespace l2snoop
