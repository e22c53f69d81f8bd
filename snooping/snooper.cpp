#include "snooping/snooper.h"

#include <algorithm>

#include "snooping/engine_util.h"

namespace l2snoop {

using engine::left;
using engine::running;
using engine::unspecified;

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
    bump(port, vid, &ProtoCounters::filtered);
    return true;
}

PortSet Snooper::routers(VlanId vid, const Vlan& v, IpFamily f, Time now) const {
    PortSet r = cfg_.static_router_ports;
    if (const auto it = cfg_.vlan_router_ports.find(vid); it != cfg_.vlan_router_ports.end()) r |= it->second;
    for (const auto& [port, until] : v.fam(f).learned_routers)
        if (running(until, now) && !cfg_.no_router_learning.contains(port)) r.add(port);
    return r & up_members(v);
}

PortSet Snooper::proxy_ports(const Vlan& v, IpFamily f, Time now) const {
    PortSet r;
    for (const auto& [port, until] : v.fam(f).proxy_ports)
        if (running(until, now)) r.add(port);
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
        fs.address = querier_address(vid, f);
        fs.is_querier = cfg_.querier_in(vid) && snooping;
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
            v.fam(f).proxy_ports.erase(port);
            publish_routers(vid, f, now, out);
        }
}

void Snooper::reconfigure(SnoopConfig next, Time now, Actions& out) {
    cfg_ = std::move(next);
    for (auto& [vid, v] : vlans_)
        for (IpFamily f : {IpFamily::v4, IpFamily::v6}) {
            FamilyState& fs = v.fam(f);
            fs.address = querier_address(vid, f);
            set_querier(vid, v, f, cfg_.querier_in(vid) && v.snooping, now, out);
            if (cfg_.no_querier_policy != NoQuerierPolicy::flood && fs.flooding) {
                fs.flooding = false;  // the old policy's flood ends with it
                out.flood.push_back({vid, f, false});
            }
            publish_routers(vid, f, now, out);
            update_flood(vid, f, now, out);
        }
}

IpAddr Snooper::querier_address(VlanId vid, IpFamily f) const {
    if (f == IpFamily::v4) {
        const auto a = cfg_.querier_address4.find(vid);
        return a != cfg_.querier_address4.end() ? IpAddr(a->second) : unspecified(f);
    }
    const auto a = cfg_.querier_address6.find(vid);
    return IpAddr(a != cfg_.querier_address6.end() ? a->second : default_querier6_);
}

void Snooper::set_querier(VlanId vid, Vlan& v, IpFamily f, bool on, Time now, Actions&) {
    FamilyState& fs = v.fam(f);
    if (!on) {
        fs.is_querier = false;
        fs.startup_left = 0;
        return;
    }
    // A querier turned on takes the role unless another is heard (the
    // election then runs on its next query); it starts as at start-up.
    if (fs.is_querier || running(fs.other_querier_until, now)) return;
    fs.is_querier = true;
    fs.startup_left = timers(fs).startup_query_count;
    fs.next_query = now;
    schedule(now, TimerKind::vlan, vid);
}

bool Snooper::set_vlan_snooping(VlanId vid, bool on, Time now, Actions& out) {
    const auto it = vlans_.find(vid);
    if (it == vlans_.end()) return false;
    if (it->second.snooping == on) return true;
    if (!on) {
        flush(vid, std::nullopt, std::nullopt, now, out);
        it->second.snooping = false;
        for (IpFamily f : {IpFamily::v4, IpFamily::v6}) {
            FamilyState& fs = it->second.fam(f);
            const bool was_flooding = fs.flooding;
            const IpAddr address = fs.address;
            fs = FamilyState{};
            fs.address = address;
            fs.flooding = was_flooding;  // update_flood stops it: a VLAN without snooping floods anyway
            publish_routers(vid, f, now, out);
            update_flood(vid, f, now, out);
        }
        return true;
    }
    add_vlan(vid, it->second.members, true, now, out);  // as at start-up
    return true;
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
    count_received(port, vid, msg);
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

// Reports and leaves go to router ports (RFC 4541 §2.1.1-1): other hosts
// must not see them, or v1/v2 hosts suppress their own reports. They also go
// where another switch's proxy querier (0.0.0.0 / ::) is heard: with no
// multicast router, that switch learns our members from them and sends us
// its sources' traffic (two l2snoop switches on a trunk, both --querier on
// with the default address). The administrator may name more ports
// (--report-flood-ports).
Disposition Snooper::report_disposition(VlanId vid, const Vlan& v, PortId port, IpFamily f, Time now) const {
    return {(routers(vid, v, f, now) | proxy_ports(v, f, now) | (cfg_.report_flood_ports & v.members)) -
            PortSet::of({port})};
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
        fs.proxy_ports[port] = fs.proxy_query_until;
    } else {
        fs.learned_routers[port] = now + T.router_timeout;
        // Election: the lowest address wins (RFC 3376 §6.6.2, RFC 3810 §7.6.2).
        // We take part only as a querier candidate (--querier on, with an
        // address): otherwise the elected querier is the lowest heard, whatever
        // our own (MLD's is always our link-local). A 0.0.0.0 / :: address never competes.
        const bool candidate = cfg_.querier_in(vid) && v.snooping && !fs.address.is_unspecified();
        const bool they_win = !candidate || src < fs.address;
        if (they_win) {
            if (fs.is_querier) {
                ++counters_.elections_lost;
                ++vlan_counters_[vid].elections_lost;
            }
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
    count_sent(vid, ports, q);
}

void Snooper::count_received(PortId port, VlanId vid, const Message& m) {
    const bool v4 = m.family == IpFamily::v4;
    const unsigned ver = std::min<unsigned>(m.version, 3);
    for (ProtoCounters* c : {&port_counters_[port], &vlan_counters_[vid]}) {
        switch (m.type) {
            case MessageType::query: ++(v4 ? c->igmp_queries : c->mld_queries)[ver]; break;
            case MessageType::report:
            case MessageType::v3_report: ++(v4 ? c->igmp_reports : c->mld_reports)[ver]; break;
            case MessageType::leave: ++(v4 ? c->igmp_leaves : c->mld_dones); break;
            default: break;  // MRD
        }
    }
}

// A query sent to `ports`: each port's counters, and the VLAN's once.
void Snooper::count_sent(VlanId vid, PortSet ports, const Message& q) {
    ++counters_.queries_sent;
    const unsigned ver = std::min<unsigned>(q.version, 3);
    const bool v4 = q.family == IpFamily::v4;
    ++(v4 ? vlan_counters_[vid].igmp_queries_sent : vlan_counters_[vid].mld_queries_sent)[ver];
    for (PortId p : ports) ++(v4 ? port_counters_[p].igmp_queries_sent : port_counters_[p].mld_queries_sent)[ver];
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
        std::erase_if(fs.proxy_ports, [&](const auto& r) { return !running(r.second, now); });
        for (const auto& [p, until] : fs.learned_routers) next = std::min(next, until);
        publish_routers(vid, f, now, out);
        if (fs.other_querier_until.count() > 0 && !running(fs.other_querier_until, now)) {
            // The other querier is gone: take over if we may (RFC 3376 §6.6.2).
            fs.other_querier_until = Time{0};
            fs.other_querier = unspecified(f);
            fs.adopted_qrv = 0;
            fs.adopted_qi = Duration{0};
            if (cfg_.querier_in(vid) && v.snooping) {
                fs.is_querier = true;
                fs.next_query = now;
                ++counters_.elections_won;
                ++vlan_counters_[vid].elections_won;
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
                           left(fs.other_querier_until, now), routers(vid, v, f, now), proxy_ports(v, f, now)});
        }
    return out;
}

}  // namespace l2snoop
