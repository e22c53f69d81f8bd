// An 8-byte key -> slot index for the multicast FDB's per-frame probe
// (VLAN, group MAC): open addressing with linear probing over 16-byte cells,
// one control-thread writer, lock-free readers. Compared with rte_hash it
// costs one multiply to place a key and, for a hit, usually one cache line
// (four cells) — which a burst prefetches for all its keys before probing —
// instead of a bucket, a key-store entry and their signature compares.
//
// Concurrency (the same contract as LfIndex): a cell's slot is stored before
// its key (release); readers load the key (acquire) and then the slot. A key
// is removed by turning its cell into a tombstone; the cell is only reused
// after release_position(), which the owner calls once readers have been
// quiescent (RetireList), so no reader can match an old key and read a new
// key's slot. Tombstones keep probe chains intact; inserts reuse released
// ones, and when tombstones would fill a quarter of the table the writer
// rebuilds it into fresh cells (RCU: published by one pointer store, the old
// cells freed after a grace period), so churn never makes a put fail early.
#pragma once

#include <rte_rcu_qsbr.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fdb/retire.h"

namespace l2snoop {

class MacIndex {
public:
    static constexpr unsigned kBulkMax = 64;

    MacIndex() = default;
    MacIndex(const MacIndex&) = delete;
    MacIndex& operator=(const MacIndex&) = delete;
    ~MacIndex();

    // 4 x `entries` cells rounded up to a power of two: at the rated size a
    // quarter of them is live, leaving room for tombstones between rebuilds
    // and short probes (bulk hits cost the same at 1 and 64 K keys). At most
    // half the cells are ever live. `key_len` must be 8 (the signature
    // matches LfIndex so tables can hold either).
    bool create(const std::string& name, std::uint32_t entries, std::uint32_t key_len, int socket,
                std::string& error);
    // Readers report quiescence here; without it a rebuilt table's old cells
    // are freed at once (only right when no reader runs concurrently: tests).
    void set_qsbr(rte_rcu_qsbr* qsbr) {
        qsbr_ = qsbr;
        retired_ = RetireList(qsbr);  // before anything is retired
    }

    // Readers. -1 on a miss.
    std::int32_t lookup(const void* key) const { return probe(*layout(), word(key)); }
    // Up to kBulkMax keys: prefetches every key's first cell, then probes.
    // Keys are the 8-byte words themselves (MulticastFdb::mac_word).
    void lookup_bulk(const std::uint64_t* keys, unsigned n, std::int32_t* slots) const;

    // Writer. Adds or replaces the slot of `key`; false when the table holds
    // its maximum of live keys (half its cells).
    bool put(const void* key, std::int32_t slot);
    // Writer. Removes `key` and returns its cell for release_position() after
    // a grace period; -1 if absent.
    std::int32_t remove(const void* key);
    // Writer, after the grace period of a remove(): the cell becomes
    // reusable, and empty again where no probe chain runs through it.
    void release_position(std::int32_t pos);

    std::uint32_t cells() const { return layout()->mask + 1; }
    std::uint32_t live() const { return live_; }
    std::uint32_t used() const { return used_; }  // cells not empty: live keys and tombstones
    std::uint32_t rebuilds() const { return rebuilds_; }

    // Cell markers. No (VLAN, multicast MAC) key takes these values; put()
    // refuses them anyway.
    static constexpr std::uint64_t kEmpty = 0;                // never used: ends every probe chain
    static constexpr std::uint64_t kDead = ~std::uint64_t{0};  // removed, waiting for its grace period
    static constexpr std::uint64_t kReusable = ~std::uint64_t{0} - 1;  // removed and reusable

private:
    struct alignas(16) Cell {
        std::atomic<std::uint64_t> key{kEmpty};
        std::atomic<std::int32_t> slot{-1};
    };
    // One allocation: this header, then the cells. Readers load the layout
    // pointer once per lookup, so a rebuild swaps mask and cells together.
    struct alignas(64) Layout {
        std::uint32_t mask;
        unsigned shift;
        std::uint32_t gen;  // rebuild generation, carried in positions
        Cell* cells() const { return reinterpret_cast<Cell*>(const_cast<Layout*>(this) + 1); }
    };
    static constexpr unsigned kPosBits = 24;  // positions: generation << 24 | cell

    static std::uint64_t word(const void* key) {
        std::uint64_t w;
        std::memcpy(&w, key, 8);
        return w;
    }
    // Fibonacci hashing: the top bits of key * 2^64/phi.
    static std::uint32_t home(const Layout& l, std::uint64_t k) {
        return static_cast<std::uint32_t>((k * 0x9e3779b97f4a7c15ull) >> l.shift);
    }
    static std::int32_t probe(const Layout& l, std::uint64_t k) {
        const Cell* c = l.cells();
        std::uint32_t i = home(l, k);
        for (std::uint32_t n = 0; n <= l.mask; ++n, i = (i + 1) & l.mask) {
            const std::uint64_t v = c[i].key.load(std::memory_order_acquire);
            if (v == k) return c[i].slot.load(std::memory_order_relaxed);
            if (v == kEmpty) return -1;
        }
        return -1;
    }
    const Layout* layout() const { return layout_.load(std::memory_order_acquire); }
    Layout* allocate(std::uint32_t cells, std::uint32_t gen);
    // Copies the live keys into fresh cells (tombstones gone) and publishes
    // them; the old cells are freed once readers are quiescent.
    bool rebuild();
    void free_retired();

    std::string name_;
    int socket_ = -1;
    rte_rcu_qsbr* qsbr_ = nullptr;
    std::atomic<Layout*> layout_{nullptr};
    std::uint32_t live_ = 0;
    std::uint32_t used_ = 0;
    std::uint32_t rebuilds_ = 0;
    RetireList retired_{nullptr};  // old layouts (Kind::memory)
};

}  // namespace l2snoop
