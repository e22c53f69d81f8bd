#include "fdb/ucast_fdb.h"

#include <rte_prefetch.h>

#include <cstring>

namespace l2snoop {

std::string_view to_string(LearnResult r) {
    switch (r) {
        case LearnResult::learned: return "learned";
        case LearnResult::refreshed: return "refreshed";
        case LearnResult::moved: return "moved";
        case LearnResult::refused_static: return "refused_static";
        case LearnResult::refused_port_limit: return "refused_port_limit";
        case LearnResult::refused_table_full: return "refused_table_full";
        case LearnResult::invalid: return "invalid";
    }
    return "?";
}

UnicastFdb::UnicastFdb(rte_rcu_qsbr* qsbr, UcastFdbConfig cfg)
    : cfg_(std::move(cfg)), retired_(qsbr), pool_(cfg_.capacity), slots_(cfg_.capacity, cfg_.socket) {
    index_.set_qsbr(qsbr);
}

bool UnicastFdb::init(std::string& error) {
    return index_.create(cfg_.name, cfg_.capacity, 8, cfg_.socket, error);
}

std::optional<PortId> UnicastFdb::lookup(VlanId vid, const MacAddr& mac) const {
    const Entry* e = find(vid, mac);
    if (e == nullptr) return std::nullopt;
    return e->port.load(std::memory_order_relaxed);
}

std::uint64_t UnicastFdb::lookup_bulk(unsigned n, const VlanId* vids, const MacAddr* const* macs,
                                      PortId* ports) const {
    n = std::min(n, MacIndex::kBulkMax);
    if (n == 0) return 0;
    std::uint64_t keys[MacIndex::kBulkMax];
    std::int32_t slots[MacIndex::kBulkMax];
    for (unsigned i = 0; i < n; ++i) keys[i] = vlan_mac_word(vids[i], *macs[i]);
    index_.lookup_bulk(keys, n, slots);
    // Every hit's entry is fetched before the first is read.
    for (unsigned i = 0; i < n; ++i)
        if (slots[i] >= 0) rte_prefetch0(&slots_[slots[i]]);
    std::uint64_t hits = 0;
    for (unsigned i = 0; i < n; ++i) {
        if (slots[i] < 0) continue;
        ports[i] = slots_[slots[i]].port.load(std::memory_order_relaxed);
        hits |= std::uint64_t{1} << i;
    }
    return hits;
}

void UnicastFdb::release(const RetireList::Item& item) {
    if (item.kind == RetireList::Kind::hash_position)
        index_.release_position(item.value);
    else
        pool_.give_back(item.value);
}

std::size_t UnicastFdb::reclaim() {
    return retired_.reclaim([this](const RetireList::Item& it) { release(it); });
}

FdbStatus UnicastFdb::insert(const Id& id, PortId port, bool is_static, Time now) {
    std::int32_t slot = pool_.take();
    if (slot < 0 && reclaim() > 0) slot = pool_.take();
    if (slot < 0) return FdbStatus::table_full;
    Entry& e = slots_[slot];
    e.port.store(port, std::memory_order_relaxed);
    e.last_seen.store(now, std::memory_order_relaxed);
    const std::uint64_t k = vlan_mac_word(id.first, id.second);
    if (!index_.put(&k, slot)) {
        pool_.give_back(slot);
        return FdbStatus::table_full;
    }
    model_.emplace(id, State{slot, port, is_static});
    if (!is_static) {
        ++per_port_[port];
        deadlines_.push({now + cfg_.max_age, id});
    }
    return FdbStatus::ok;
}

void UnicastFdb::erase(std::map<Id, State>::iterator it) {
    const std::uint64_t k = vlan_mac_word(it->first.first, it->first.second);
    const std::int32_t pos = index_.remove(&k);
    if (pos >= 0) retired_.retire({RetireList::Kind::hash_position, pos, this});
    retired_.retire({RetireList::Kind::entry_slot, it->second.slot, this});
    if (!it->second.is_static) --per_port_[it->second.port];
    model_.erase(it);
}

LearnResult UnicastFdb::learn(VlanId vid, const MacAddr& mac, PortId port, Time now) {
    // Multicast sources are invalid (IEEE 802.1Q §8.8.3: never learned).
    if (vid > kMaxVlanId || port >= kMaxPorts || mac.is_multicast()) return LearnResult::invalid;
    const Id id{vid, mac};
    if (auto it = model_.find(id); it != model_.end()) {
        State& st = it->second;
        Entry& e = slots_[st.slot];
        if (st.port == port) {
            touch(e, now);
            return LearnResult::refreshed;
        }
        if (st.is_static) {
            ++stats_.refused_static;
            return LearnResult::refused_static;
        }
        if (per_port_[port] >= cfg_.max_per_port) {
            ++stats_.refused_port_limit;
            return LearnResult::refused_port_limit;
        }
        --per_port_[st.port];
        ++per_port_[port];
        st.port = port;
        e.port.store(port, std::memory_order_relaxed);
        touch(e, now);
        ++stats_.moved;
        return LearnResult::moved;
    }
    if (per_port_[port] >= cfg_.max_per_port) {
        ++stats_.refused_port_limit;
        return LearnResult::refused_port_limit;
    }
    if (model_.size() >= cfg_.capacity || insert(id, port, false, now) != FdbStatus::ok) {
        ++stats_.refused_table_full;
        return LearnResult::refused_table_full;
    }
    ++stats_.learned;
    return LearnResult::learned;
}

FdbStatus UnicastFdb::add_static(VlanId vid, const MacAddr& mac, PortId port) {
    if (vid > kMaxVlanId || port >= kMaxPorts || mac.is_multicast()) return FdbStatus::invalid;
    const Id id{vid, mac};
    if (auto it = model_.find(id); it != model_.end()) {
        State& st = it->second;
        if (!st.is_static) --per_port_[st.port];  // a dynamic entry becomes static
        st.is_static = true;
        st.port = port;
        slots_[st.slot].port.store(port, std::memory_order_relaxed);
        return FdbStatus::ok;
    }
    if (model_.size() >= cfg_.capacity) return FdbStatus::table_full;
    return insert(id, port, true, Time{0});
}

FdbStatus UnicastFdb::remove(VlanId vid, const MacAddr& mac) {
    auto it = model_.find({vid, mac});
    if (it == model_.end()) return FdbStatus::not_found;
    erase(it);
    return FdbStatus::ok;
}

std::size_t UnicastFdb::flush_port(PortId port, bool include_static) {
    std::size_t n = 0;
    for (auto it = model_.begin(); it != model_.end();) {
        auto cur = it++;
        if (cur->second.port == port && (include_static || !cur->second.is_static)) {
            erase(cur);
            ++n;
        }
    }
    return n;
}

std::size_t UnicastFdb::flush_vlan(VlanId vid, bool include_static) {
    std::size_t n = 0;
    auto it = model_.lower_bound({vid, MacAddr{}});
    while (it != model_.end() && it->first.first == vid) {
        auto cur = it++;
        if (include_static || !cur->second.is_static) {
            erase(cur);
            ++n;
        }
    }
    return n;
}

std::size_t UnicastFdb::age(Time now) {
    std::size_t n = 0;
    while (!deadlines_.empty() && deadlines_.top().at <= now) {
        const Deadline d = deadlines_.top();
        deadlines_.pop();
        auto it = model_.find(d.id);
        if (it == model_.end() || it->second.is_static) continue;  // gone or made static meanwhile
        const Time seen = slots_[it->second.slot].last_seen.load(std::memory_order_relaxed);
        if (seen + cfg_.max_age > now) {
            deadlines_.push({seen + cfg_.max_age, d.id});  // refreshed by a worker
            continue;
        }
        erase(it);
        ++stats_.aged;
        ++n;
    }
    return n;
}

std::optional<Time> UnicastFdb::next_deadline() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.top().at;
}

void UnicastFdb::for_each(const std::function<void(const View&)>& fn) const {
    for (const auto& [id, st] : model_)
        fn({id.first, id.second, st.port, st.is_static, slots_[st.slot].last_seen.load(std::memory_order_relaxed)});
}

}  // namespace l2snoop
