#include "fdb/lf_index.h"

#include <rte_errno.h>
#include <rte_hash_crc.h>

namespace l2snoop {

SlotPool::SlotPool(std::uint32_t capacity) : capacity_(capacity) {
    free_.reserve(capacity);
    // Hand out low slots first: a small table stays in few cache lines.
    for (std::uint32_t i = capacity; i > 0; --i) free_.push_back(static_cast<std::int32_t>(i - 1));
}

std::int32_t SlotPool::take() {
    if (free_.empty()) return -1;
    const std::int32_t s = free_.back();
    free_.pop_back();
    return s;
}

LfIndex::~LfIndex() {
    if (h_ != nullptr) rte_hash_free(h_);
}

bool LfIndex::create(const std::string& name, std::uint32_t entries, std::uint32_t key_len, int socket,
                     std::string& error) {
    rte_hash_parameters p{};
    p.name = name.c_str();
    // rte_hash needs at least 8 entries and keeps some per-lcore caches out of
    // reach in LF mode; ask for a little headroom so `entries` always fit.
    p.entries = std::max<std::uint32_t>(entries + entries / 8 + 8, 16);
    p.key_len = key_len;
    // CRC32-C (SSE4.2 on x86): a few instructions for our 8-36 byte keys.
    p.hash_func = rte_hash_crc;
    p.hash_func_init_val = 0;
    p.socket_id = socket;
    // Readers never lock; the single writer must not free a deleted key's
    // slot until readers are quiescent (we do it through RetireList).
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
    h_ = rte_hash_create(&p);
    if (h_ == nullptr) {
        error = "rte_hash_create(" + name + "): " + rte_strerror(rte_errno);
        return false;
    }
    return true;
}

void LfIndex::lookup_bulk(const void** keys, unsigned n, std::int32_t* slots) const {
    void* data[kBulkMax];
    std::uint64_t hits = 0;
    rte_hash_lookup_bulk_data(h_, keys, n, &hits, data);
    for (unsigned i = 0; i < n; ++i)
        slots[i] = (hits >> i) & 1 ? static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(data[i])) : -1;
}

bool LfIndex::put(const void* key, std::int32_t slot) {
    return rte_hash_add_key_data(h_, key, reinterpret_cast<void*>(static_cast<std::uintptr_t>(slot))) == 0;
}

std::int32_t LfIndex::remove(const void* key) { return rte_hash_del_key(h_, key); }

}  // namespace l2snoop
