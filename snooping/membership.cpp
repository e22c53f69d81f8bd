// The membership state machine of the snooping engine (RFC 3376 §6.4-6.5,
// RFC 3810 §7.4-7.5): admission under the limits, records applied per port,
// explicit host tracking, last-member queries, expiry, static memberships,
// and what the FDB is told (publish). The rest of Snooper is in snooper.cpp.
#include <algorithm>

#include "snooping/engine_util.h"
#include "snooping/snooper.h"

namespace l2snoop {

using engine::running;
using engine::to_set;
using engine::unspecified;

// ---- membership state machine ------------------------------------------------

Snooper::Membership* Snooper::admit(VlanId vid, const IpAddr& group, PortId port, Time now, Actions& out) {
    const GroupKey key{vid, group};
    auto g = groups_.find(key);
    if (g != groups_.end()) {
        auto m = g->second.ports.find(port);
        if (m != g->second.ports.end()) return &m->second;
    }
    const bool new_group = g == groups_.end();
    auto over = [&] {
        if (cfg_.max_groups_per_port && port_groups_[port] >= cfg_.max_groups_per_port) return true;
        if (new_group && cfg_.max_groups_per_vlan && vlan_groups_[vid] >= cfg_.max_groups_per_vlan) return true;
        if (new_group && cfg_.max_groups && groups_.size() >= cfg_.max_groups) return true;
        return false;
    };
    if (over()) {
        if (cfg_.limit_action == LimitAction::deny) {
            ++counters_.denied_limit;
            bump(port, vid, &ProtoCounters::limit_denied);
            return nullptr;
        }
        // Replace: this port's least recently refreshed membership gives way,
        // if removing it makes room; a limit never turns snooping off.
        const bool port_limit = cfg_.max_groups_per_port && port_groups_[port] >= cfg_.max_groups_per_port;
        std::optional<GroupKey> victim;
        Time oldest = Time::max();
        for (auto& [k, gr] : groups_) {
            auto m = gr.ports.find(port);
            if (m == gr.ports.end() || m->second.last_refresh >= oldest) continue;
            const bool frees_group = gr.ports.size() == 1 && gr.static_ports.empty() && gr.static_sources.empty();
            const bool helps = port_limit || (frees_group && (k.first == vid || !cfg_.max_groups_per_vlan));
            if (!helps) continue;
            oldest = m->second.last_refresh;
            victim = k;
        }
        if (!victim) {
            ++counters_.denied_limit;
            bump(port, vid, &ProtoCounters::limit_denied);
            return nullptr;
        }
        ++counters_.replaced_limit;
        bump(port, vid, &ProtoCounters::limit_replaced);
        auto& victim_ports = groups_.at(*victim).ports;
        forget_hosts(port, victim_ports.at(port));
        victim_ports.erase(port);
        --port_groups_[port];
        publish(victim->first, victim->second, now, out);  // drops the group if it was the last port
        if (over()) {
            ++counters_.denied_limit;
            bump(port, vid, &ProtoCounters::limit_denied);
            return nullptr;
        }
        g = groups_.find(key);
    }
    if (g == groups_.end()) {
        g = groups_.emplace(key, Group{}).first;
        ++vlan_groups_[vid];
    }
    ++port_groups_[port];
    Membership& m = g->second.ports[port];
    m.last_refresh = now;
    return &m;
}

void Snooper::apply_record(VlanId vid, PortId port, const IpAddr& host, RecordType type, const IpAddr& group,
                           const std::vector<IpAddr>& src_list, unsigned version, Time now, Actions& out) {
    const IpFamily f = group.family();
    if (is_link_local_group(vid, group)) {
        ++counters_.ignored_link_local;
        return;
    }
    const EffectiveTimers T = timers(vid, f);
    const bool is_leave = type == RecordType::change_to_include && src_list.empty();
    const bool older = (f == IpFamily::v4 && version < 3) || (f == IpFamily::v6 && version < 2);

    auto git = groups_.find({vid, group});
    Membership* m = nullptr;
    if (git != groups_.end()) {
        auto mit = git->second.ports.find(port);
        if (mit != git->second.ports.end()) m = &mit->second;
    }
    // Only records that ask for traffic create state.
    const bool creates = type == RecordType::mode_is_exclude || type == RecordType::change_to_exclude ||
                         ((type == RecordType::mode_is_include || type == RecordType::allow_new_sources ||
                           type == RecordType::change_to_include) && !src_list.empty());
    if (m == nullptr) {
        if (!creates) return;
        m = admit(vid, group, port, now, out);
        if (m == nullptr) return;
    }

    // Older hosts switch the port's group into compatibility mode.
    if (older && !is_leave) {
        if (f == IpFamily::v4 && version == 1)
            m->v1_host_until = now + T.older_host_present;
        else
            m->v2_host_until = now + T.older_host_present;
    }
    const unsigned compat = compat_version(*m, f, now);
    const bool compat_mode = (f == IpFamily::v4 && compat < 3) || (f == IpFamily::v6 && compat < 2);
    std::set<IpAddr> B = to_set(src_list);
    if (compat_mode) {
        // RFC 3376 §7.3.2 / RFC 3810 §8.3.2: BLOCK ignored, TO_EX(x) is TO_EX({});
        // in IGMPv1 mode leaves are ignored too.
        if (type == RecordType::block_old_sources) return;
        if (type == RecordType::change_to_exclude) B.clear();
        if (is_leave && f == IpFamily::v4 && compat == 1) return;
    }

    track_host(vid, port, *m, host, type, B);

    const Time gmi = now + T.membership_interval;
    const bool lowers = type == RecordType::block_old_sources || type == RecordType::change_to_exclude ||
                        type == RecordType::change_to_include;
    std::set<IpAddr> query_sources;  // Q(G, ...)
    bool query_group_too = false;     // Q(G)
    auto& S = m->sources;
    auto in = [&](const IpAddr& s) { return S.count(s) != 0; };
    auto x_set = [&](const IpAddr& s) { auto t = S.find(s); return t != S.end() && running(t->second, now); };

    if (!m->exclude) {
        // INCLUDE(A), RFC 3376 §6.4.1-2.
        switch (type) {
            case RecordType::mode_is_include:
            case RecordType::allow_new_sources:
                for (const auto& b : B) S[b] = gmi;  // INCLUDE(A+B); (B)=GMI
                break;
            case RecordType::mode_is_exclude:
            case RecordType::change_to_exclude: {
                // EXCLUDE(A*B, B-A); (B-A)=0; Del(A-B); [TO_EX: Q(G,A*B)]; GT=GMI
                std::map<IpAddr, Time> next;
                for (const auto& b : B) {
                    if (in(b)) {
                        next[b] = S[b];
                        if (type == RecordType::change_to_exclude) query_sources.insert(b);
                    } else {
                        next[b] = Time{0};
                    }
                }
                S = std::move(next);
                m->exclude = true;
                m->group_timer = gmi;
                break;
            }
            case RecordType::block_old_sources:
                for (const auto& b : B)
                    if (in(b)) query_sources.insert(b);  // Q(G, A*B)
                break;
            case RecordType::change_to_include:
                for (const auto& [a, t] : S)
                    if (!B.count(a)) query_sources.insert(a);  // Q(G, A-B)
                for (const auto& b : B) S[b] = gmi;
                break;
        }
    } else {
        // EXCLUDE(X, Y), RFC 3376 §6.4.1-2.
        switch (type) {
            case RecordType::mode_is_include:
            case RecordType::allow_new_sources:
                for (const auto& a : B) S[a] = gmi;  // EXCLUDE(X+A, Y-A); (A)=GMI
                break;
            case RecordType::mode_is_exclude:
            case RecordType::change_to_exclude: {
                // EXCLUDE(A-Y, Y*A); (A-X-Y)=GMI (IS_EX) or GT (TO_EX); Del(X-A), Del(Y-A)
                std::map<IpAddr, Time> next;
                for (const auto& a : B) {
                    if (in(a)) {
                        next[a] = S[a];
                        if (type == RecordType::change_to_exclude && x_set(a)) query_sources.insert(a);
                    } else {
                        next[a] = type == RecordType::mode_is_exclude ? gmi : m->group_timer;
                        if (type == RecordType::change_to_exclude) query_sources.insert(a);  // Q(G, A-Y)
                    }
                }
                S = std::move(next);
                m->group_timer = gmi;
                break;
            }
            case RecordType::block_old_sources:
                // EXCLUDE(X+(A-Y), Y); (A-X-Y)=GT; Q(G, A-Y)
                for (const auto& a : B) {
                    if (!in(a)) S[a] = m->group_timer;
                    if (x_set(a)) query_sources.insert(a);
                }
                break;
            case RecordType::change_to_include:
                // EXCLUDE(X+A, Y-A); (A)=GMI; Q(G, X-A); Q(G)
                for (const auto& [x, t] : S)
                    if (running(t, now) && !B.count(x)) query_sources.insert(x);
                for (const auto& a : B) S[a] = gmi;
                query_group_too = true;
                break;
        }
    }
    if (!lowers) m->last_refresh = now;

    Group& g = groups_.at({vid, group});
    // Fast leave: the last host on a single-host port is gone, prune now
    // (unless some host went untracked: then the port may still have one).
    if (lowers && cfg_.fast_leave.contains(port) && m->hosts.empty() && !m->untracked_hosts) {
        g.ports.erase(port);
        --port_groups_[port];
        publish(vid, group, now, out);
        return;
    }
    if (!query_sources.empty() || query_group_too) {
        // Lower timers to LMQT and query, unless another querier is present:
        // then its group-specific queries, which we see, lower them (§6.6.1).
        const FamilyState& fs = vlans_.at(vid).fam(f);
        if (!running(fs.other_querier_until, now)) {
            const Time lowered = now + T.lmqt();
            for (const auto& s : query_sources) {
                auto t = S.find(s);
                if (t != S.end() && t->second > lowered) t->second = lowered;
            }
            if (query_group_too && m->exclude && m->group_timer > lowered) m->group_timer = lowered;
            if (fs.is_querier) {
                g.lmq_ports.add(port);
                if (query_group_too) g.lmq_group = true;
                g.lmq_sources.insert(query_sources.begin(), query_sources.end());
                g.lmq_left = T.last_member_query_count;
                send_last_member_query(vid, group, g, now, out);
            }
        }
    }
    publish(vid, group, now, out);
    schedule(std::min(membership_deadline(*m, now), g.lmq_left ? g.lmq_next : Time::max()), TimerKind::membership, vid,
             group);
}

// Explicit host tracking (per port), for fast leave with several v3 hosts.
void Snooper::track_host(VlanId vid, PortId port, Membership& m, const IpAddr& host, RecordType type, const std::set<IpAddr>& B) {
    const auto it = m.hosts.find(host);
    Host h = it == m.hosts.end() ? Host{} : it->second;
    switch (type) {
        case RecordType::mode_is_include:
        case RecordType::change_to_include: h = {false, B}; break;
        case RecordType::mode_is_exclude:
        case RecordType::change_to_exclude: h = {true, B}; break;
        case RecordType::allow_new_sources:
            for (const auto& s : B) h.exclude ? (void)h.sources.erase(s) : (void)h.sources.insert(s);
            break;
        case RecordType::block_old_sources:
            for (const auto& s : B) h.exclude ? (void)h.sources.insert(s) : (void)h.sources.erase(s);
            break;
    }
    const bool wants = h.exclude || !h.sources.empty();
    std::size_t& count = port_hosts_[port];
    if (it != m.hosts.end()) {
        if (wants) {
            it->second = std::move(h);
        } else {
            m.hosts.erase(it);
            --count;
        }
    } else if (wants) {
        if (cfg_.max_hosts_per_port && count >= cfg_.max_hosts_per_port) {
            ++counters_.hosts_untracked;
            bump(port, vid, &ProtoCounters::hosts_untracked);
            m.untracked_hosts = true;
        } else {
            m.hosts.emplace(host, std::move(h));
            ++count;
        }
    }
}

void Snooper::forget_hosts(PortId port, Membership& m) {
    port_hosts_[port] -= m.hosts.size();
    m.hosts.clear();
    m.untracked_hosts = false;
}

void Snooper::send_last_member_query(VlanId vid, const IpAddr& group, Group& g, Time now, Actions& out) {
    if (g.lmq_left == 0) return;
    const Vlan& v = vlans_.at(vid);
    const IpFamily f = group.family();
    const FamilyState& fs = v.fam(f);
    const EffectiveTimers T = timers(fs);
    Message q = make_query(fs, f, group, T.last_member_query_interval, now);
    const bool v3 = q.version == (f == IpFamily::v4 ? 3 : 2);
    const PortSet ports = g.lmq_ports & up_;
    if (v3 && !g.lmq_sources.empty()) {
        Message gss = q;
        gss.sources.assign(g.lmq_sources.begin(), g.lmq_sources.end());
        out.send.push_back({vid, ports, gss, fs.address, group});
        count_sent(vid, ports, gss);
    }
    if (g.lmq_group || !v3) {
        out.send.push_back({vid, ports, q, fs.address, group});
        count_sent(vid, ports, q);
    }
    --g.lmq_left;
    g.lmq_next = now + T.last_member_query_interval;
    if (g.lmq_left == 0) {
        g.lmq_ports = {};
        g.lmq_sources.clear();
        g.lmq_group = false;
    }
}

void Snooper::expire_membership(VlanId vid, const IpAddr& group, Time now, Actions& out) {
    auto git = groups_.find({vid, group});
    if (git == groups_.end()) return;
    Group& g = git->second;
    if (g.lmq_left && g.lmq_next <= now) send_last_member_query(vid, group, g, now, out);
    Time next = g.lmq_left ? g.lmq_next : Time::max();
    for (auto it = g.ports.begin(); it != g.ports.end();) {
        Membership& m = it->second;
        if (m.exclude && !running(m.group_timer, now)) {
            // Group timer expiry in EXCLUDE: INCLUDE with the sources whose
            // timers still run; blocked sources go (RFC 3376 §6.5).
            m.exclude = false;
            forget_hosts(it->first, m);
        }
        if (!m.exclude) std::erase_if(m.sources, [&](const auto& st) { return !running(st.second, now); });
        if (!m.exclude && m.sources.empty()) {
            --port_groups_[it->first];
            forget_hosts(it->first, m);
            it = g.ports.erase(it);
            continue;
        }
        next = std::min(next, membership_deadline(m, now));
        ++it;
    }
    publish(vid, group, now, out);
    schedule(next, TimerKind::membership, vid, group);
}

std::size_t Snooper::flush(std::optional<VlanId> vid, std::optional<PortId> port, std::optional<IpAddr> group,
                           Time now, Actions& out) {
    std::size_t n = 0;
    std::vector<GroupKey> touched;
    for (auto& [key, g] : groups_) {
        if ((vid && key.first != *vid) || (group && key.second != *group)) continue;
        const std::size_t before = n;
        for (auto it = g.ports.begin(); it != g.ports.end();) {
            if (port && it->first != *port) {
                ++it;
                continue;
            }
            --port_groups_[it->first];
            forget_hosts(it->first, it->second);
            it = g.ports.erase(it);
            ++n;
        }
        if (n != before) touched.push_back(key);
    }
    for (const auto& k : touched) publish(k.first, k.second, now, out);  // drops groups left empty
    return n;
}

Snooper::Group* Snooper::static_target(VlanId vid, const IpAddr& group, PortSet ports) {
    auto git = groups_.find({vid, group});
    if (git != groups_.end()) return &git->second;
    if (ports.empty()) return nullptr;
    ++vlan_groups_[vid];
    return &groups_.emplace(GroupKey{vid, group}, Group{}).first->second;
}

bool Snooper::set_static(VlanId vid, const IpAddr& group, PortSet ports, Time now, Actions& out) {
    const auto v = vlans_.find(vid);
    if (v == vlans_.end() || !group.is_multicast()) return false;
    ports &= v->second.members;
    if (Group* g = static_target(vid, group, ports)) {
        g->static_ports = ports;
        publish(vid, group, now, out);
    }
    return true;
}

bool Snooper::set_static_source(VlanId vid, const IpAddr& group, const IpAddr& source, PortSet ports, Time now,
                                Actions& out) {
    const auto v = vlans_.find(vid);
    if (v == vlans_.end() || !group.is_multicast() || source.family() != group.family() || source.is_multicast() ||
        source.is_unspecified())
        return false;
    ports &= v->second.members;
    if (Group* g = static_target(vid, group, ports)) {
        if (ports.empty())
            g->static_sources.erase(source);
        else
            g->static_sources[source] = ports;
        publish(vid, group, now, out);
    }
    return true;
}

void Snooper::publish(VlanId vid, const IpAddr& group, Time now, Actions& out) {
    auto git = groups_.find({vid, group});
    if (git == groups_.end()) return;
    Group& g = git->second;
    if (g.ports.empty() && g.static_ports.empty() && g.static_sources.empty()) {
        if (g.published) out.fdb.push_back({FdbAction::Kind::remove_group, vid, group, {}, {}});
        --vlan_groups_[vid];
        groups_.erase(git);
        return;
    }
    // Static ports are in the (*,G) set and in every (S,G) set: they get every
    // source; static (S,G) ports get their source only.
    PortSet star = g.static_ports;
    std::set<IpAddr> named;
    for (const auto& [s, ps] : g.static_sources) named.insert(s);
    for (const auto& [p, m] : g.ports) {
        if (m.exclude) star.add(p);
        for (const auto& [s, t] : m.sources) named.insert(s);
    }
    std::map<IpAddr, PortSet> by_source;
    for (const auto& s : named) {
        PortSet ps = g.static_ports;
        if (auto st = g.static_sources.find(s); st != g.static_sources.end()) ps |= st->second;
        for (const auto& [p, m] : g.ports) {
            auto t = m.sources.find(s);
            const bool forwards = m.exclude ? (t == m.sources.end() || running(t->second, now))
                                            : (t != m.sources.end() && running(t->second, now));
            if (forwards) ps.add(p);
        }
        if (ps != star) by_source[s] = ps;  // only where S differs from (*,G)
    }
    if (!g.published || g.pub_star != star) out.fdb.push_back({FdbAction::Kind::set_group, vid, group, {}, star});
    for (const auto& [s, ps] : g.pub_sources)
        if (!by_source.count(s)) out.fdb.push_back({FdbAction::Kind::remove_source, vid, group, s, {}});
    for (const auto& [s, ps] : by_source) {
        auto old = g.pub_sources.find(s);
        if (old == g.pub_sources.end() || old->second != ps)
            out.fdb.push_back({FdbAction::Kind::set_source, vid, group, s, ps});
    }
    g.published = true;
    g.pub_star = star;
    g.pub_sources = std::move(by_source);
}

}  // namespace l2snoop
