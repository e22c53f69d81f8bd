#include "fdb/mcast_fdb.h"

#include <rte_prefetch.h>

#include <bit>
#include <cstddef>
#include <cstring>

namespace l2snoop {

namespace {

constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
constexpr std::memory_order kAcquire = std::memory_order_acquire;
constexpr std::memory_order kRelease = std::memory_order_release;

bool valid_vid(VlanId vid) { return vid <= kMaxVlanId; }

}  // namespace

MulticastFdb::GroupKey MulticastFdb::group_key(VlanId vid, const IpAddr& group) {
    GroupKey k{};
    k.vid = vid;
    k.family = static_cast<std::uint8_t>(group.family());
    std::memcpy(k.group, group.bytes().data(), group.size());
    return k;
}

MulticastFdb::SourceKey MulticastFdb::source_key(VlanId vid, const IpAddr& group, const IpAddr& source) {
    SourceKey k{};
    k.g = group_key(vid, group);
    std::memcpy(k.source, source.bytes().data(), source.size());
    return k;
}

MulticastFdb::MulticastFdb(rte_rcu_qsbr* qsbr, McastFdbConfig cfg)
    : cfg_(std::move(cfg)),
      retired_(qsbr),
      macs_t_(cfg_.max_groups, cfg_.socket),
      groups_t_(cfg_.max_groups, cfg_.socket),
      sources_t_(cfg_.max_sources, cfg_.socket) {
    macs_t_.index.set_qsbr(qsbr);
}

bool MulticastFdb::init(std::string& error) {
    static_assert(sizeof(GroupKey) == 20 && sizeof(SourceKey) == 36,
                  "keys must have no padding: every byte is hashed");
    return macs_t_.index.create(cfg_.name + "_mac", cfg_.max_groups, sizeof(std::uint64_t), cfg_.socket, error) &&
           groups_t_.index.create(cfg_.name + "_grp", cfg_.max_groups, sizeof(GroupKey), cfg_.socket, error) &&
           sources_t_.index.create(cfg_.name + "_src", cfg_.max_sources, sizeof(SourceKey), cfg_.socket, error);
}

// ---- readers ----------------------------------------------------------------

std::optional<PortSet> MulticastFdb::exact(VlanId vid, const IpAddr& group, const IpAddr& source) const {
    const GroupKey gk = group_key(vid, group);
    const std::int32_t g = groups_t_.index.lookup(&gk);
    if (g < 0) return std::nullopt;
    const Entry& ge = groups_t_.slots[g];
    if (ge.flags.load(kAcquire) & kSourceSpecific) {
        const SourceKey sk = source_key(vid, group, source);
        const std::int32_t s = sources_t_.index.lookup(&sk);
        if (s >= 0) return PortSet::from_bits(sources_t_.slots[s].ports.load(kRelaxed));
    }
    return PortSet::from_bits(ge.ports.load(kRelaxed));
}

bool MulticastFdb::resolve_flagged(const Entry& e, std::uint8_t flags, VlanId vid, const IpAddr& group,
                                   const IpAddr& source, PortSet& ports) const {
    bool hit = false;
    if ((flags & kAliased) || e.group == group) {
        if (flags & (kAliased | kSourceSpecific)) {
            const auto p = exact(vid, group, source);
            if (p) ports = *p;
            hit = p.has_value();
        } else {
            ports = PortSet::from_bits(e.ports.load(kRelaxed));
            hit = true;
        }
    }
    if (flags & kMacPorts) {  // registered at layer 2: a hit whatever the group
        const PortSet m = PortSet::from_bits(e.mac_ports.load(kRelaxed));
        ports = hit ? ports | m : m;
        hit = true;
    }
    return hit;
}

// Small enough to inline into the lookups: the common case is answered here,
// flagged entries (aliased, source-specific, registered at layer 2) out of line.
inline bool MulticastFdb::resolve(const Entry& e, VlanId vid, const IpAddr& group, const IpAddr& source,
                                  PortSet& ports) const {
    const std::uint8_t flags = e.flags.load(kAcquire);
    if (flags != 0) return resolve_flagged(e, flags, vid, group, source, ports);
    // One registered group owns this MAC; another group sharing it is a miss.
    if (e.group != group) return false;
    ports = PortSet::from_bits(e.ports.load(kRelaxed));
    return true;
}

std::optional<PortSet> MulticastFdb::lookup_mac(VlanId vid, const MacAddr& mac) const {
    const std::uint64_t mk = mac_word(vid, mac);
    const std::int32_t m = macs_t_.index.lookup(&mk);
    if (m < 0) return std::nullopt;
    const Entry& e = macs_t_.slots[m];
    if (!(e.flags.load(kAcquire) & kMacPorts)) return std::nullopt;
    return PortSet::from_bits(e.mac_ports.load(kRelaxed));
}

std::optional<PortSet> MulticastFdb::lookup(VlanId vid, const IpAddr& group, const IpAddr& source) const {
    const std::uint64_t mk = mac_word(vid, group_mac(group));
    const std::int32_t m = macs_t_.index.lookup(&mk);
    PortSet ports;
    if (m < 0 || !resolve(macs_t_.slots[m], vid, group, source, ports)) return std::nullopt;
    return ports;
}

std::uint64_t MulticastFdb::lookup_bulk(unsigned n, const VlanId* vids, const IpAddr* const* groups,
                                        const IpAddr* const* sources, PortSet* ports) const {
    n = std::min(n, MacIndex::kBulkMax);
    if (n == 0) return 0;
    std::uint64_t keys[MacIndex::kBulkMax];
    std::int32_t slots[MacIndex::kBulkMax];
    for (unsigned i = 0; i < n; ++i) keys[i] = mac_word(vids[i], group_mac(*groups[i]));
    macs_t_.index.lookup_bulk(keys, n, slots);
    // Every hit's entry is fetched before the first is read.
    for (unsigned i = 0; i < n; ++i)
        if (slots[i] >= 0) rte_prefetch0(&macs_t_.slots[slots[i]]);
    std::uint64_t hits = 0;
    for (unsigned i = 0; i < n; ++i) {
        if (slots[i] < 0) continue;
        if (resolve(macs_t_.slots[slots[i]], vids[i], *groups[i], *sources[i], ports[i]))
            hits |= std::uint64_t{1} << i;
    }
    return hits;
}

// ---- writer -----------------------------------------------------------------

void MulticastFdb::release(const RetireList::Item& item) {
    const auto give = [&item](auto& t) {
        if (item.kind == RetireList::Kind::hash_position)
            t.index.release_position(item.value);
        else
            t.pool.give_back(item.value);
    };
    if (item.owner == &macs_t_)
        give(macs_t_);
    else
        give(*static_cast<Table*>(item.owner));
}

std::size_t MulticastFdb::reclaim() {
    return retired_.reclaim([this](const RetireList::Item& it) { release(it); });
}

template <class T>
std::int32_t MulticastFdb::take_slot(T& t) {
    std::int32_t s = t.pool.take();
    if (s < 0 && reclaim() > 0) s = t.pool.take();
    return s;
}

template <class T>
FdbStatus MulticastFdb::publish(T& t, const void* key, std::int32_t& slot, PortSet ports, std::uint8_t flags,
                                const IpAddr& group, PortSet mac_ports) {
    const std::int32_t fresh = take_slot(t);
    if (fresh < 0) return FdbStatus::table_full;
    Entry& e = t.slots[fresh];
    e.ports.store(ports.bits(), kRelaxed);
    e.mac_ports.store(mac_ports.bits(), kRelaxed);
    e.flags.store(flags, kRelaxed);
    e.group = group;
    if (!t.index.put(key, fresh)) {  // both indexes publish with release semantics
        t.pool.give_back(fresh);
        return FdbStatus::table_full;
    }
    if (slot >= 0) retired_.retire({RetireList::Kind::entry_slot, slot, &t});
    slot = fresh;
    return FdbStatus::ok;
}

template <class T>
void MulticastFdb::unpublish(T& t, const void* key, std::int32_t& slot) {
    const std::int32_t pos = t.index.remove(key);
    if (pos >= 0) retired_.retire({RetireList::Kind::hash_position, pos, &t});
    if (slot >= 0) retired_.retire({RetireList::Kind::entry_slot, slot, &t});
    slot = -1;
}

FdbStatus MulticastFdb::refresh_mac(const MacId& mid) {
    MacState& ms = macs_[mid];
    const std::uint64_t mk = mac_word(mid.first, mid.second);
    if (ms.groups.empty() && ms.registered.empty()) {
        unpublish(macs_t_, &mk, ms.slot);
        macs_.erase(mid);
        return FdbStatus::ok;
    }
    // What the entry answers for: no group, the one group on it, or (two or
    // more: aliasing) whatever the exact table says — its group and ports are
    // then ignored.
    std::uint8_t flags = ms.registered.empty() ? 0 : kMacPorts;
    IpAddr g{};
    PortSet ports;
    if (ms.groups.size() >= 2) {
        flags |= kAliased;
    } else if (ms.groups.size() == 1) {
        g = *ms.groups.begin();
        const GroupState& gs = groups_.at({mid.first, g});
        ports = gs.ports;
        flags |= gs.flags();
    }
    if (ms.slot >= 0 && ((flags & kAliased) || macs_t_.slots[ms.slot].group == g)) {
        Entry& e = macs_t_.slots[ms.slot];
        // An entry turning aliased keeps its ports: a reader that loaded the
        // old flags still answers for its own group.
        // Likewise a registration that goes leaves its set: unflagged, it is ignored.
        if (!(flags & kAliased)) e.ports.store(ports.bits(), kRelaxed);
        if (flags & kMacPorts) e.mac_ports.store(ms.registered.bits(), kRelaxed);
        e.flags.store(flags, kRelease);
        return FdbStatus::ok;
    }
    // The MAC now answers for a different single group (or none): a fresh
    // slot. If none is free the old entry stays, which is exact while aliased,
    // only slower.
    return publish(macs_t_, &mk, ms.slot, ports, flags, g, ms.registered);
}

FdbStatus MulticastFdb::set_mac(VlanId vid, const MacAddr& mac, PortSet ports) {
    const Written written{version_};
    if (!valid_vid(vid) || !mac.is_multicast()) return FdbStatus::invalid;
    const MacId mid{vid, mac};
    const auto it = macs_.find(mid);
    if (it == macs_.end()) {
        if (ports.empty()) return FdbStatus::not_found;
        if (macs_.size() >= cfg_.max_groups) {
            ++stats_.full_macs;
            return FdbStatus::table_full;
        }
    }
    MacState& ms = macs_[mid];
    const PortSet before = ms.registered;
    ms.registered = ports;
    if (const FdbStatus s = refresh_mac(mid); s != FdbStatus::ok) {
        // No slot: the entry (if any) is as it was.
        ms.registered = before;
        if (ms.groups.empty() && ms.registered.empty() && ms.slot < 0) macs_.erase(mid);
        ++stats_.full_macs;
        return s;
    }
    return FdbStatus::ok;
}

FdbStatus MulticastFdb::set_group(VlanId vid, const IpAddr& group, PortSet ports) {
    const Written written{version_};
    if (!valid_vid(vid) || !group.is_multicast()) return FdbStatus::invalid;
    const GroupId gid{vid, group};
    const MacId mid{vid, group_mac(group)};
    if (auto it = groups_.find(gid); it != groups_.end()) {
        it->second.ports = ports;
        groups_t_.slots[it->second.slot].ports.store(ports.bits(), kRelaxed);
        const MacState& ms = macs_.at(mid);
        if (ms.groups.size() == 1) macs_t_.slots[ms.slot].ports.store(ports.bits(), kRelaxed);
        return FdbStatus::ok;
    }
    if (groups_.size() >= cfg_.max_groups) {
        ++stats_.full_groups;
        return FdbStatus::table_full;
    }
    // Exact entry first, so an aliased MAC entry never points workers at a
    // missing group.
    GroupState gs;
    gs.ports = ports;
    const GroupKey gk = group_key(vid, group);
    if (publish(groups_t_, &gk, gs.slot, ports, 0, group) != FdbStatus::ok) {
        ++stats_.full_groups;
        return FdbStatus::table_full;
    }
    groups_.emplace(gid, std::move(gs));
    macs_[mid].groups.insert(group);
    if (refresh_mac(mid) != FdbStatus::ok) {
        macs_[mid].groups.erase(group);
        if (macs_[mid].groups.empty() && macs_[mid].slot < 0) macs_.erase(mid);
        unpublish(groups_t_, &gk, groups_.at(gid).slot);
        groups_.erase(gid);
        ++stats_.full_groups;
        return FdbStatus::table_full;
    }
    return FdbStatus::ok;
}

FdbStatus MulticastFdb::remove_group(VlanId vid, const IpAddr& group) {
    const Written written{version_};
    const GroupId gid{vid, group};
    auto it = groups_.find(gid);
    if (it == groups_.end()) return FdbStatus::not_found;
    const MacId mid{vid, group_mac(group)};
    // Workers stop reaching the group through its MAC before it goes.
    macs_.at(mid).groups.erase(group);
    GroupState gs = std::move(it->second);
    groups_.erase(it);
    refresh_mac(mid);
    for (auto& [src, slot] : gs.sources) {
        const SourceKey sk = source_key(vid, group, src);
        unpublish(sources_t_, &sk, slot);
        --source_total_;
    }
    const GroupKey gk = group_key(vid, group);
    unpublish(groups_t_, &gk, gs.slot);
    return FdbStatus::ok;
}

FdbStatus MulticastFdb::set_source(VlanId vid, const IpAddr& group, const IpAddr& source, PortSet ports) {
    const Written written{version_};
    if (!valid_vid(vid) || !group.is_multicast() || source.family() != group.family() || source.is_multicast())
        return FdbStatus::invalid;
    auto it = groups_.find({vid, group});
    if (it == groups_.end()) return FdbStatus::not_found;
    GroupState& gs = it->second;
    if (auto s = gs.sources.find(source); s != gs.sources.end()) {
        sources_t_.slots[s->second].ports.store(ports.bits(), kRelaxed);
        return FdbStatus::ok;
    }
    if (source_total_ >= cfg_.max_sources) {
        ++stats_.full_sources;
        return FdbStatus::table_full;
    }
    std::int32_t slot = -1;
    const SourceKey sk = source_key(vid, group, source);
    if (publish(sources_t_, &sk, slot, ports, 0, source) != FdbStatus::ok) {
        ++stats_.full_sources;
        return FdbStatus::table_full;
    }
    const bool first = gs.sources.empty();
    gs.sources.emplace(source, slot);
    ++source_total_;
    if (first) {
        // The (S,G) entry exists before any worker is told to look for it.
        groups_t_.slots[gs.slot].flags.store(kSourceSpecific, kRelease);
        refresh_mac({vid, group_mac(group)});
    }
    return FdbStatus::ok;
}

FdbStatus MulticastFdb::remove_source(VlanId vid, const IpAddr& group, const IpAddr& source) {
    const Written written{version_};
    auto it = groups_.find({vid, group});
    if (it == groups_.end()) return FdbStatus::not_found;
    GroupState& gs = it->second;
    auto s = gs.sources.find(source);
    if (s == gs.sources.end()) return FdbStatus::not_found;
    std::int32_t slot = s->second;
    gs.sources.erase(s);
    --source_total_;
    if (gs.sources.empty()) {
        // Workers stop looking for (S,G) before the entry goes; one that still
        // looks and misses falls back to the group's set.
        groups_t_.slots[gs.slot].flags.store(0, kRelease);
        refresh_mac({vid, group_mac(group)});
    }
    const SourceKey sk = source_key(vid, group, source);
    unpublish(sources_t_, &sk, slot);
    return FdbStatus::ok;
}

void MulticastFdb::flush_vlan(VlanId vid) {
    std::vector<IpAddr> doomed;
    for (auto it = groups_.lower_bound({vid, IpAddr{}}); it != groups_.end() && it->first.first == vid; ++it)
        doomed.push_back(it->first.second);
    for (const auto& g : doomed) remove_group(vid, g);
}

void MulticastFdb::for_each_mac(const std::function<void(VlanId, const MacAddr&, PortSet)>& fn) const {
    for (const auto& [mid, ms] : macs_)
        if (!ms.registered.empty()) fn(mid.first, mid.second, ms.registered);
}

void MulticastFdb::for_each_group(const std::function<void(const GroupView&)>& fn) const {
    for (const auto& [gid, gs] : groups_) {
        GroupView v{gid.first, gid.second, gs.ports, macs_.at({gid.first, group_mac(gid.second)}).groups.size() > 1, {}};
        for (const auto& [src, slot] : gs.sources)
            v.sources.emplace_back(src, PortSet::from_bits(sources_t_.slots[slot].ports.load(kRelaxed)));
        fn(v);
    }
}

}  // namespace l2snoop
