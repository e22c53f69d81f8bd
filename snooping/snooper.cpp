#include "snooping/snooper.h"

#include <algorithm>

namespace l2snoop {

namespace {

IpAddr unspecified(IpFamily f) { return f == IpFamily::v4 ? IpAddr(Ipv4Addr{}) : IpAddr(Ipv6Addr{}); }

bool running(Time t, Time now) { return t > now; }

Duration left(Time t, Time now) { return t > now ? t - now : Duration{0}; }

std::set<IpAddr> to_set(const std::vector<IpAddr>& v) { return {v.begin(), v.end()}; }

}  // namespace

Snooper::Snooper(SnoopConfig cfg) : cfg_(std::move(cfg)) {}

// ---- configuration-derived helpers -------------------------------------------

EffectiveTimers Snooper::timers(const FamilyState& fs) const {
    return EffectiveTimers::from(cfg_.timers, fs.adopted_qrv, fs.adopted_qi);
}

EffectiveTimers Snooper::timers(VlanId vid, IpFamily f) const {
    auto it = vlans_.find(vid);
    return it == vlans_.end() ? EffectiveTimers::from(cfg_.timers) : timers(it->second.fam(f));
}

bool Snooper::is_link_local_group(VlanId vid, const IpAddr& g) const {
    if (g.is_v4()) return g.v4().is_link_local_multicast();  // RFC 4541 §2.1.2-2
    const Ipv6Addr a = g.v6();
    if (a.is_all_nodes() || a.multicast_scope() <= 1) return true;  // RFC 4541 §3
    return (a.multicast_scope() == 2 && on_for(cfg_.flood_link_scope6, vid)) ||
           (a.is_solicited_node() && on_for(cfg_.flood_solicited_node6, vid));
}

bool Snooper::allowed(PortId port, const IpAddr& g) const {
    auto it = cfg_.port_filters.find(port);
    return it == cfg_.port_filters.end() || it->second.permits(g);
}

// Link-local groups are never snooped (and never filtered): their reports go on.
bool Snooper::filtered(VlanId vid, PortId port, const IpAddr& g) {
    if (is_link_local_group(vid, g) || allowed(port, g)) return false;
    ++counters_.ignored_filtered;
    return true;
}

PortSet Snooper::routers(VlanId, const Vlan& v, IpFamily f, Time now) const {
    PortSet r = cfg_.static_router_ports;
    for (const auto& [port, until] : v.fam(f).learned_routers)
        if (running(until, now) && !cfg_.no_router_learning.contains(port)) r.add(port);
    return r & up_members(v);
}

unsigned Snooper::compat_version(const Membership& m, IpFamily f, Time now) const {
    // RFC 3376 §7.3.2, RFC 3810 §8.3.2: the oldest host version heard recently.
    if (f == IpFamily::v4) return running(m.v1_host_until, now) ? 1 : running(m.v2_host_until, now) ? 2 : 3;
    return running(m.v2_host_until, now) ? 1 : 2;
}

// The next time this membership's forwarding can change on its own: the group
// timer (EXCLUDE) or a running source timer. Strictly after `now`, so timer
// handlers never re-queue work for the instant they are handling.
Time Snooper::membership_deadline(const Membership& m, Time now) const {
    Time d = Time::max();
    if (m.exclude && running(m.group_timer, now)) d = m.group_timer;
    for (const auto& [s, t] : m.sources)
        if (running(t, now)) d = std::min(d, t);
    return d;
}

void Snooper::schedule(Time at, TimerKind kind, VlanId vid, const IpAddr& group) {
    if (at == Time::max()) return;
    // Handlers run at most once per queued entry; callers pass future times
    // (see membership_deadline), so on_timer always terminates.
    timers_.push({at, kind, vid, group});
}

std::optional<Time> Snooper::next_deadline() const {
    if (timers_.empty()) return std::nullopt;
    return timers_.top().at;
}

// ---- VLANs and ports -----------------------------------------------------------

void Snooper::add_vlan(VlanId vid, PortSet members, bool snooping, Time now, Actions& out) {
    Vlan& v = vlans_[vid];
    v.members = members;
    v.snooping = snooping;
    for (IpFamily f : {IpFamily::v4, IpFamily::v6}) {
        FamilyState& fs = v.fam(f);
        if (f == IpFamily::v4) {
            auto a = cfg_.querier_address4.find(vid);
            fs.address = a != cfg_.querier_address4.end() ? IpAddr(a->second) : unspecified(f);
        } else {
            auto a = cfg_.querier_address6.find(vid);
            fs.address = IpAddr(a != cfg_.querier_address6.end() ? a->second : default_querier6_);
        }
        fs.is_querier = cfg_.querier && snooping;
        fs.querier_present = fs.is_querier;  // no change to report at start-up
        // Startup queries rebuild membership quickly after a restart (RFC 3376 §8.6-7).
        fs.startup_left = fs.is_querier ? timers(fs).startup_query_count : 0;
        fs.next_query = now;
        publish_routers(vid, f, now, out);
        update_flood(vid, f, now, out);
        if (snooping) send_mrd_solicitation(vid, f, up_members(v), out);
    }
    schedule(now, TimerKind::vlan, vid);
}

// Asks multicast routers to announce themselves (RFC 4286 §5): at start-up and
// when a port comes up.
void Snooper::send_mrd_solicitation(VlanId vid, IpFamily f, PortSet ports, Actions& out) {
    if (ports.empty()) return;
    Message sol;
    sol.family = f;
    sol.type = MessageType::mrd_solicitation;
    sol.group = unspecified(f);
    out.send.push_back({vid, ports, sol, vlans_.at(vid).fam(f).address, default_destination(sol)});
}

void Snooper::set_port_up(PortId port, bool up, Time now, Actions& out) {
    if (up == up_.contains(port)) return;
    if (up) {
        up_.add(port);
        for (auto& [vid, v] : vlans_) {
            if (!v.members.contains(port) || !v.snooping) continue;
            for (IpFamily f : {IpFamily::v4, IpFamily::v6}) {
                // A querier asks a new port at once (RFC 4541 §2.1.1-4) rather
                // than leaving its hosts unheard until the next general query.
                if (v.fam(f).is_querier) send_general_query(vid, f, PortSet::of({port}), now, out);
                send_mrd_solicitation(vid, f, PortSet::of({port}), out);
                publish_routers(vid, f, now, out);
            }
        }
        return;
    }
    up_.remove(port);
    erase_port_memberships(port, now, out);
    for (auto& [vid, v] : vlans_)
        for (IpFamily f : {IpFamily::v4, IpFamily::v6}) {
            v.fam(f).learned_routers.erase(port);
            publish_routers(vid, f, now, out);
        }
}

void Snooper::erase_port_memberships(PortId port, Time now, Actions& out) {
    std::vector<GroupKey> touched;
    for (auto& [key, g] : groups_)
        if (g.ports.erase(port)) touched.push_back(key);
    if (!touched.empty()) {
        port_groups_.erase(port);
        port_hosts_.erase(port);
    }
    for (const auto& k : touched) publish(k.first, k.second, now, out);
}

// ---- messages ------------------------------------------------------------------

Disposition Snooper::on_unknown(PortId port, VlanId vid) const {
    auto it = vlans_.find(vid);
    if (it == vlans_.end() || !it->second.members.contains(port)) return {};
    return {up_members(it->second) - PortSet::of({port})};
}

Disposition Snooper::on_message(PortId port, VlanId vid, const Message& msg, const IpAddr& src, Time now,
                                Actions& out) {
    auto it = vlans_.find(vid);
    if (it == vlans_.end() || !it->second.members.contains(port)) return {};
    Vlan& v = it->second;
    const PortSet flood = up_members(v) - PortSet::of({port});
    if (!v.snooping) {
        ++counters_.ignored_snooping_off;
        return {flood};
    }
    const IpFamily f = msg.family;
    switch (msg.type) {
        case MessageType::query:
            ++counters_.queries;
            // A query from a port that may not have a router (--no-router-learning)
            // is a host's: it takes no part in the election, its QRV/QQI are not
            // adopted, and it goes nowhere (a lower address would silence the
            // real querier on the other ports).
            if (cfg_.no_router_learning.contains(port)) {
                ++counters_.ignored_guarded_queries;
                return {};
            }
            on_query(port, vid, msg, src, now, out);
            return {flood};  // queries are flooded in the VLAN (RFC 4541 §2.1.1-1)
        case MessageType::report:
        case MessageType::leave:
            ++(msg.type == MessageType::report ? counters_.reports : counters_.leaves);
            // A filtered group is neither learned nor announced upstream:
            // forwarded, the report would make the router send it anyway.
            if (filtered(vid, port, msg.group)) {
                ++counters_.reports_withheld;
                return {};
            }
            apply_record(vid, port, src,
                         msg.type == MessageType::report ? RecordType::mode_is_exclude : RecordType::change_to_include,
                         msg.group, {}, msg.version, now, out);
            break;
        case MessageType::v3_report: {
            ++counters_.v3_reports;
            const std::size_t n = std::min<std::size_t>(msg.records.size(), cfg_.max_records_per_report);
            counters_.truncated_records += msg.records.size() - n;
            std::optional<Message> kept;  // the report without its filtered records, once one is found
            for (std::size_t i = 0; i < msg.records.size(); ++i) {
                const GroupRecord& r = msg.records[i];
                if (filtered(vid, port, r.group)) {
                    if (!kept) {
                        kept = msg;
                        kept->records.resize(i);
                    }
                    continue;
                }
                if (kept) kept->records.push_back(r);
                if (i >= n) continue;  // beyond the cap: forwarded, not learned
                if (r.sources.size() > cfg_.max_sources_per_record) {
                    ++counters_.truncated_records;
                    std::vector<IpAddr> cut(r.sources.begin(), r.sources.begin() + cfg_.max_sources_per_record);
                    apply_record(vid, port, src, r.type, r.group, cut, msg.version, now, out);
                } else {
                    apply_record(vid, port, src, r.type, r.group, r.sources, msg.version, now, out);
                }
            }
            if (kept) {
                if (kept->records.empty()) {
                    ++counters_.reports_withheld;
                    return {};
                }
                ++counters_.reports_rewritten;
                Disposition d = report_disposition(vid, v, port, f, now);
                d.rewritten = std::move(kept);
                return d;
            }
            break;
        }
        case MessageType::mrd_advertisement:
        case MessageType::mrd_solicitation:
        case MessageType::mrd_termination: {
            ++counters_.mrd;
            FamilyState& fs = v.fam(f);
            if (msg.type == MessageType::mrd_advertisement && !cfg_.no_router_learning.contains(port))
                fs.learned_routers[port] = now + kMrdNeighborDeadInterval;
            else if (msg.type == MessageType::mrd_termination)
                fs.learned_routers.erase(port);
            publish_routers(vid, f, now, out);
            schedule(now + kMrdNeighborDeadInterval, TimerKind::vlan, vid);
            return {flood};  // link-local to all-snoopers / all-routers
        }
    }
    return report_disposition(vid, v, port, f, now);
}

// Reports and leaves go to router ports only (RFC 4541 §2.1.1-1): other
// hosts must not see them, or v1/v2 hosts suppress their own reports.
// The administrator may name more ports (--report-flood-ports).
Disposition Snooper::report_disposition(VlanId vid, const Vlan& v, PortId port, IpFamily f, Time now) const {
    return {(routers(vid, v, f, now) | (cfg_.report_flood_ports & v.members)) - PortSet::of({port})};
}

Disposition Snooper::on_pim_hello(PortId port, VlanId vid, IpFamily family, Duration holdtime, Time now,
                                  Actions& out) {
    auto it = vlans_.find(vid);
    if (it == vlans_.end() || !it->second.members.contains(port)) return {};
    ++counters_.pim_hellos;
    Vlan& v = it->second;
    if (v.snooping && !cfg_.no_router_learning.contains(port)) {
        if (holdtime.count() == 0)
            v.fam(family).learned_routers.erase(port);  // a goodbye hello (RFC 7761 §4.3.1)
        else
            v.fam(family).learned_routers[port] = now + holdtime;
        publish_routers(vid, family, now, out);
        schedule(now + holdtime, TimerKind::vlan, vid);
    }
    return {up_members(v) - PortSet::of({port})};
}

void Snooper::on_query(PortId port, VlanId vid, const Message& m, const IpAddr& src, Time now, Actions& out) {
    Vlan& v = vlans_.at(vid);
    const IpFamily f = m.family;
    FamilyState& fs = v.fam(f);
    const EffectiveTimers T = timers(fs);
    const bool v3 = (f == IpFamily::v4 && m.version == 3) || (f == IpFamily::v6 && m.version == 2);
    (v3 ? fs.v3_querier_until : fs.older_querier_until) = now + T.other_querier_interval;

    if (src.is_unspecified()) {
        // A proxy querier: its queries refresh hosts, but it is neither a
        // router nor a candidate in the election (RFC 4541 §2.1.1-4, §3).
        ++counters_.queries_from_zero;
        fs.proxy_query_until = now + T.other_querier_interval;
    } else {
        fs.learned_routers[port] = now + T.router_timeout;
        // Election: the lowest address wins (RFC 3376 §6.6.2, RFC 3810 §7.6.2).
        // We take part only as a querier candidate (--querier on, with an
        // address): otherwise the elected querier is the lowest heard, whatever
        // our own (MLD's is always our link-local). A 0.0.0.0 / :: address never competes.
        const bool candidate = cfg_.querier && v.snooping && !fs.address.is_unspecified();
        const bool they_win = !candidate || src < fs.address;
        if (they_win) {
            if (fs.is_querier) ++counters_.elections_lost;
            fs.is_querier = false;
            if (!running(fs.other_querier_until, now) || src <= fs.other_querier) fs.other_querier = src;
            if (src == fs.other_querier) {
                fs.other_querier_until = now + T.other_querier_interval;
                // Adopt the elected querier's robustness and interval (RFC 3376
                // §4.1.6-7, RFC 3810 §5.1.8-9) so our timers match the router's.
                if (v3 && m.qrv != 0) fs.adopted_qrv = m.qrv;
                if (v3 && m.qqi.count() > 0) fs.adopted_qi = m.qqi;
            }
        }
        publish_routers(vid, f, now, out);
    }

    // A group(-and-source)-specific query without the S flag lowers timers to
    // LMQT (RFC 3376 §6.6.1, RFC 3810 §7.6.1).
    if (!m.group.is_unspecified() && !m.suppress_router_processing) {
        auto g = groups_.find({vid, m.group});
        if (g != groups_.end()) {
            const Time lowered = now + T.lmqt();
            for (auto& [p, mem] : g->second.ports) {
                if (m.sources.empty()) {
                    if (mem.exclude && mem.group_timer > lowered) mem.group_timer = lowered;
                } else {
                    for (const auto& s : m.sources) {
                        auto st = mem.sources.find(s);
                        if (st != mem.sources.end() && st->second > lowered) st->second = lowered;
                    }
                }
            }
            schedule(lowered, TimerKind::membership, vid, m.group);
        }
    }
    update_flood(vid, f, now, out);
    if (!src.is_unspecified()) schedule(now + T.router_timeout, TimerKind::vlan, vid);
    schedule(now + T.other_querier_interval, TimerKind::vlan, vid);
}

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
            return nullptr;
        }
        ++counters_.replaced_limit;
        auto& victim_ports = groups_.at(*victim).ports;
        forget_hosts(port, victim_ports.at(port));
        victim_ports.erase(port);
        --port_groups_[port];
        publish(victim->first, victim->second, now, out);  // drops the group if it was the last port
        if (over()) {
            ++counters_.denied_limit;
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

    track_host(port, *m, host, type, B);

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
void Snooper::track_host(PortId port, Membership& m, const IpAddr& host, RecordType type, const std::set<IpAddr>& B) {
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
        ++counters_.queries_sent;
    }
    if (g.lmq_group || !v3) {
        out.send.push_back({vid, ports, q, fs.address, group});
        ++counters_.queries_sent;
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

// ---- routers, querier, flooding policy -------------------------------------------

void Snooper::publish_routers(VlanId vid, IpFamily f, Time now, Actions& out) {
    Vlan& v = vlans_.at(vid);
    const PortSet r = routers(vid, v, f, now);
    FamilyState& fs = v.fam(f);
    if (r != fs.published_routers || !fs.routers_published) {
        out.routers.push_back({vid, f, r});
        fs.published_routers = r;
        fs.routers_published = true;
    }
}

void Snooper::update_flood(VlanId vid, IpFamily f, Time now, Actions& out) {
    Vlan& v = vlans_.at(vid);
    FamilyState& fs = v.fam(f);
    const bool present = fs.is_querier || running(fs.other_querier_until, now) || running(fs.proxy_query_until, now);
    if (v.snooping && present != fs.querier_present) {
        fs.querier_present = present;
        ++(present ? counters_.querier_found : counters_.querier_lost);
        out.querier.push_back({vid, f, present});
    }
    if (cfg_.no_querier_policy != NoQuerierPolicy::flood) return;
    const bool want = v.snooping && !present;
    if (want != fs.flooding) {
        fs.flooding = want;
        out.flood.push_back({vid, f, want});
    }
}

Message Snooper::make_query(const FamilyState& fs, IpFamily f, const IpAddr& group, Duration max_response,
                            Time now) const {
    const EffectiveTimers T = timers(fs);
    Message q;
    q.family = f;
    q.type = MessageType::query;
    q.group = group;
    q.max_response = std::chrono::duration_cast<std::chrono::milliseconds>(max_response);
    // Our configured version, but never v2 queries into a v3 network (RFC 4541 §2.1.1-4).
    const bool v3 = f == IpFamily::v4 ? (cfg_.igmp_version == 3 || running(fs.v3_querier_until, now))
                                      : (cfg_.mld_version == 2 || running(fs.v3_querier_until, now));
    q.version = static_cast<std::uint8_t>(f == IpFamily::v4 ? (v3 ? 3 : 2) : (v3 ? 2 : 1));
    if (v3) {
        q.qrv = static_cast<std::uint8_t>(std::min(T.robustness, 7u));
        q.qqi = std::chrono::duration_cast<std::chrono::seconds>(T.query_interval);
    }
    return q;
}

void Snooper::send_general_query(VlanId vid, IpFamily f, PortSet ports, Time now, Actions& out) {
    const FamilyState& fs = vlans_.at(vid).fam(f);
    const EffectiveTimers T = timers(fs);
    const Message q = make_query(fs, f, unspecified(f), T.query_response_interval, now);
    ports &= up_;
    if (ports.empty()) return;
    out.send.push_back({vid, ports, q, fs.address, default_destination(q)});
    ++counters_.queries_sent;
}

void Snooper::run_vlan_timers(VlanId vid, Time now, Actions& out) {
    auto it = vlans_.find(vid);
    if (it == vlans_.end()) return;
    Vlan& v = it->second;
    Time next = Time::max();
    for (IpFamily f : {IpFamily::v4, IpFamily::v6}) {
        FamilyState& fs = v.fam(f);
        const EffectiveTimers T = timers(fs);
        std::erase_if(fs.learned_routers, [&](const auto& r) { return !running(r.second, now); });
        for (const auto& [p, until] : fs.learned_routers) next = std::min(next, until);
        publish_routers(vid, f, now, out);
        if (fs.other_querier_until.count() > 0 && !running(fs.other_querier_until, now)) {
            // The other querier is gone: take over if we may (RFC 3376 §6.6.2).
            fs.other_querier_until = Time{0};
            fs.other_querier = unspecified(f);
            fs.adopted_qrv = 0;
            fs.adopted_qi = Duration{0};
            if (cfg_.querier && v.snooping) {
                fs.is_querier = true;
                fs.next_query = now;
                ++counters_.elections_won;
            }
        }
        if (running(fs.other_querier_until, now)) next = std::min(next, fs.other_querier_until);
        if (running(fs.proxy_query_until, now)) next = std::min(next, fs.proxy_query_until);
        if (fs.is_querier) {
            if (fs.next_query <= now) {
                send_general_query(vid, f, up_members(v), now, out);
                if (fs.startup_left > 0) --fs.startup_left;
                fs.next_query = now + (fs.startup_left > 0 ? T.startup_query_interval : T.query_interval);
            }
            next = std::min(next, fs.next_query);
        }
        update_flood(vid, f, now, out);
    }
    schedule(next, TimerKind::vlan, vid);
}

void Snooper::on_timer(Time now, Actions& out) {
    // Bounded: each popped entry is due; handlers re-schedule at most one
    // entry per group/VLAN for a future time.
    while (!timers_.empty() && timers_.top().at <= now) {
        const TimerEntry e = timers_.top();
        timers_.pop();
        if (e.kind == TimerKind::vlan)
            run_vlan_timers(e.vid, now, out);
        else
            expire_membership(e.vid, e.group, now, out);
    }
}

// ---- views -----------------------------------------------------------------------

std::vector<MembershipView> Snooper::memberships(Time now) const {
    std::vector<MembershipView> out;
    for (const auto& [key, g] : groups_)
        for (const auto& [port, m] : g.ports) {
            MembershipView v{key.first, key.second, port, m.exclude, m.exclude ? left(m.group_timer, now) : Duration{0},
                             compat_version(m, key.second.family(), now), {}, {}};
            for (const auto& [s, t] : m.sources) v.sources.emplace_back(s, left(t, now));
            for (const auto& [h, st] : m.hosts) v.hosts.push_back(h);
            out.push_back(std::move(v));
        }
    return out;
}

std::vector<QuerierView> Snooper::queriers(Time now) const {
    std::vector<QuerierView> out;
    for (const auto& [vid, v] : vlans_)
        for (IpFamily f : {IpFamily::v4, IpFamily::v6}) {
            const FamilyState& fs = v.fam(f);
            const bool other = running(fs.other_querier_until, now);
            out.push_back({vid, f, fs.is_querier,
                           fs.is_querier ? fs.address : other ? fs.other_querier : unspecified(f),
                           fs.is_querier || other || running(fs.proxy_query_until, now),
                           left(fs.other_querier_until, now), routers(vid, v, f, now)});
        }
    return out;
}

}  // namespace l2snoop
