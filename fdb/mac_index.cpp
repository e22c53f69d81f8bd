#include "fdb/mac_index.h"

#include <rte_malloc.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <bit>
#include <new>

namespace l2snoop {

MacIndex::~MacIndex() {
    retired_.release_all([](const RetireList::Item& it) { rte_free(it.owner); });
    if (Layout* l = layout_.load(std::memory_order_relaxed)) rte_free(l);
}

MacIndex::Layout* MacIndex::allocate(std::uint32_t cells, std::uint32_t gen) {
    void* p = rte_zmalloc_socket(name_.c_str(), sizeof(Layout) + sizeof(Cell) * std::size_t{cells}, 64, socket_);
    if (p == nullptr) return nullptr;
    auto* l = new (p) Layout{cells - 1, 64 - static_cast<unsigned>(std::countr_zero(cells)), gen};
    Cell* c = l->cells();
    for (std::uint32_t i = 0; i < cells; ++i) new (&c[i]) Cell();
    return l;
}

bool MacIndex::create(const std::string& name, std::uint32_t entries, std::uint32_t key_len, int socket,
                      std::string& error) {
    if (key_len != 8) {
        error = name + ": MacIndex keys are 8 bytes";
        return false;
    }
    const std::uint64_t n = std::bit_ceil(std::max<std::uint64_t>(16, std::uint64_t{entries} * 4));
    if (n > (std::uint64_t{1} << kPosBits)) {
        error = name + ": too many entries (at most " + std::to_string(1u << (kPosBits - 2)) + ")";
        return false;
    }
    name_ = name;
    socket_ = socket;
    Layout* l = allocate(static_cast<std::uint32_t>(n), 0);
    if (l == nullptr) {
        error = name + ": out of memory for " + std::to_string(n) + " index cells (" +
                std::to_string((sizeof(Cell) * n) >> 20) + " MiB)";
        return false;
    }
    layout_.store(l, std::memory_order_release);
    return true;
}

void MacIndex::lookup_bulk(const std::uint64_t* k, unsigned n, std::int32_t* slots) const {
    const Layout& l = *layout();
    const Cell* c = l.cells();
    std::uint32_t h[kBulkMax];
    n = std::min(n, kBulkMax);
    for (unsigned i = 0; i < n; ++i) {
        h[i] = home(l, k[i]);
        rte_prefetch0(&c[h[i]]);
    }
    for (unsigned i = 0; i < n; ++i) {
        // The first cell is the usual answer (a hit or an empty cell).
        const std::uint64_t v = c[h[i]].key.load(std::memory_order_acquire);
        if (v == k[i])
            slots[i] = c[h[i]].slot.load(std::memory_order_relaxed);
        else
            slots[i] = v == kEmpty ? -1 : probe(l, k[i]);
    }
}

void MacIndex::free_retired() {
    retired_.reclaim([](const RetireList::Item& it) { rte_free(it.owner); });
}

bool MacIndex::rebuild() {
    Layout* old = layout_.load(std::memory_order_relaxed);
    Layout* fresh = allocate(old->mask + 1, (old->gen + 1) & ((1u << (31 - kPosBits)) - 1));
    if (fresh == nullptr) return false;
    const Cell* from = old->cells();
    Cell* to = fresh->cells();
    std::uint32_t n = 0;
    for (std::uint32_t i = 0; i <= old->mask; ++i) {
        const std::uint64_t k = from[i].key.load(std::memory_order_relaxed);
        if (k == kEmpty || k == kDead || k == kReusable) continue;
        std::uint32_t j = home(*fresh, k);
        while (to[j].key.load(std::memory_order_relaxed) != kEmpty) j = (j + 1) & fresh->mask;
        to[j].slot.store(from[i].slot.load(std::memory_order_relaxed), std::memory_order_relaxed);
        to[j].key.store(k, std::memory_order_relaxed);
        ++n;
    }
    layout_.store(fresh, std::memory_order_release);  // publishes every cell above
    // Positions of the old cells still waiting for release carry the old
    // generation: release_position() ignores them.
    retired_.retire({RetireList::Kind::memory, 0, old});
    used_ = live_ = n;
    ++rebuilds_;
    free_retired();
    return true;
}

bool MacIndex::put(const void* key, std::int32_t slot) {
    const std::uint64_t k = word(key);
    Layout* l = layout_.load(std::memory_order_relaxed);
    if (k == kEmpty || k == kDead || k == kReusable || l == nullptr) return false;
    if (retired_.pending() != 0) free_retired();
    for (int attempt = 0; attempt < 2; ++attempt) {
        Cell* c = l->cells();
        std::uint32_t i = home(*l, k);
        std::int64_t reuse = -1;
        for (std::uint32_t n = 0; n <= l->mask; ++n, i = (i + 1) & l->mask) {
            const std::uint64_t v = c[i].key.load(std::memory_order_relaxed);
            if (v == k) {
                c[i].slot.store(slot, std::memory_order_release);
                return true;
            }
            if (v == kReusable && reuse < 0) reuse = i;
            if (v == kEmpty) {
                if (reuse < 0) reuse = i;
                break;
            }
        }
        // At most half the cells live: probe chains stay short.
        if (std::uint64_t{live_} + 1 > (std::uint64_t{l->mask} + 1) / 2) return false;
        const bool takes_empty = reuse < 0 || c[reuse].key.load(std::memory_order_relaxed) == kEmpty;
        // At least a quarter empty, so every chain ends; tombstones beyond
        // that are swept by a rebuild, then the insert is retried.
        if (takes_empty && std::uint64_t{used_} + 1 > (std::uint64_t{l->mask} + 1) / 4 * 3) {
            if (attempt > 0 || !rebuild()) return false;
            l = layout_.load(std::memory_order_relaxed);
            continue;
        }
        Cell& cell = c[reuse];
        cell.slot.store(slot, std::memory_order_relaxed);
        cell.key.store(k, std::memory_order_release);
        if (takes_empty) ++used_;
        ++live_;
        return true;
    }
    return false;
}

std::int32_t MacIndex::remove(const void* key) {
    const std::uint64_t k = word(key);
    Layout* l = layout_.load(std::memory_order_relaxed);
    if (l == nullptr) return -1;
    Cell* c = l->cells();
    std::uint32_t i = home(*l, k);
    for (std::uint32_t n = 0; n <= l->mask; ++n, i = (i + 1) & l->mask) {
        const std::uint64_t v = c[i].key.load(std::memory_order_relaxed);
        if (v == k) {
            c[i].key.store(kDead, std::memory_order_release);
            --live_;
            return static_cast<std::int32_t>(l->gen << kPosBits | i);
        }
        if (v == kEmpty) return -1;
    }
    return -1;
}

void MacIndex::release_position(std::int32_t pos) {
    Layout* l = layout_.load(std::memory_order_relaxed);
    if (l == nullptr || static_cast<std::uint32_t>(pos) >> kPosBits != l->gen) return;  // cells since rebuilt
    Cell* c = l->cells();
    std::uint32_t i = static_cast<std::uint32_t>(pos) & ((1u << kPosBits) - 1);
    c[i].key.store(kReusable, std::memory_order_relaxed);
    // A reusable cell followed by an empty one ends no chain that needs it:
    // every key placed past it would have had to cross that empty cell. Such
    // cells become empty, backwards, so churn does not fill the table with
    // tombstones. Readers stopping there early miss nothing for the same
    // reason, and the grace period is over: none can still match the old key.
    if (c[(i + 1) & l->mask].key.load(std::memory_order_relaxed) != kEmpty) return;
    while (c[i].key.load(std::memory_order_relaxed) == kReusable && used_ > 0) {
        c[i].key.store(kEmpty, std::memory_order_release);
        --used_;
        i = (i - 1) & l->mask;
    }
}

}  // namespace l2snoop
