// The control channel's reads, answered on its own thread from the control
// thread's latest snapshot (at most 250 ms old, and rebuilt after every
// change) and the ports' counters (atomics). Rows are JSON objects with one
// field per fact; lists are complete unless the request asked for a page
// (offset/limit), and every reply says how many rows there are in all.
#include "dataplane/ctl_show.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace l2snoop {

namespace {

using json = nlohmann::json;

// A counters struct as an object, from its table (fdb/names.h CounterRow).
template <class S, std::size_t N, class T>
json counters_json(const CounterRow<S> (&rows)[N], const T& c) {
    json o = json::object();
    for (const auto& r : rows) o[std::string(r.name)] = c.*r.field;
    return o;
}

json ports_json(PortSet s) {
    json a = json::array();
    for (PortId p : s) a.push_back(p);
    return a;
}

std::int64_t ms(Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

const char* family_name(IpFamily f) { return f == IpFamily::v4 ? "igmp" : "mld"; }

// The rows [offset, offset + limit) of `rows` (limit 0: to the end), with the counts.
json page(const ctl::Request& r, std::vector<json> rows, const char* key) {
    const std::size_t total = rows.size();
    const std::size_t from = std::min(r.offset, total);
    const std::size_t to = r.limit ? std::min(total, from + r.limit) : total;
    json out = {{"ok", true}, {"total", total}, {"offset", from}, {"count", to - from}};
    json list = json::array();
    for (std::size_t i = from; i < to; ++i) list.push_back(std::move(rows[i]));
    out[key] = std::move(list);
    return out;
}

json mdb(const ctl::Request& r, const ControlSnapshot& s) {
    struct Key {
        VlanId vid;
        IpAddr group;
        PortId port;
        int kind;  // 0 static, 1 static (S,G), 2 learned
        IpAddr source;
        auto operator<=>(const Key&) const = default;
    };
    std::vector<std::pair<Key, json>> rows;
    const auto wanted = [&](VlanId v, const IpAddr& g, PortId p) {
        return (!r.vlan || *r.vlan == v) && (!r.group || *r.group == g) && (!r.port || *r.port == p);
    };
    for (const auto& [key, ps] : s.config.static_groups)
        for (PortId p : ps)
            if (wanted(key.first, key.second, p))
                rows.push_back({{key.first, key.second, p, 0, {}},
                                {{"vlan", key.first}, {"group", key.second.to_string()}, {"port", p}, {"static", true}}});
    for (const auto& [key, ps] : s.config.static_sources) {
        const auto& [v, g, src] = key;
        for (PortId p : ps)
            if (wanted(v, g, p))
                rows.push_back({{v, g, p, 1, src},
                                {{"vlan", v}, {"group", g.to_string()}, {"port", p}, {"static", true},
                                 {"source", src.to_string()}}});
    }
    for (const MembershipView& m : s.memberships) {
        if (!wanted(m.vid, m.group, m.port)) continue;
        json srcs = json::array();
        for (const auto& [a, left] : m.sources)
            srcs.push_back({{"source", a.to_string()}, {"timer_ms", ms(left)}, {"blocked", m.exclude && left.count() == 0}});
        json hosts = json::array();
        for (const auto& h : m.hosts) hosts.push_back(h.to_string());
        rows.push_back({{m.vid, m.group, m.port, 2, {}},
                        {{"vlan", m.vid},
                         {"group", m.group.to_string()},
                         {"port", m.port},
                         {"static", false},
                         {"mode", m.exclude ? "exclude" : "include"},
                         {"timer_ms", ms(m.group_timer_left)},
                         {"version", (m.group.is_v4() ? "igmpv" : "mldv") + std::to_string(m.compat_version)},
                         {"sources", std::move(srcs)},
                         {"hosts", std::move(hosts)}}});
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<json> list;
    list.reserve(rows.size());
    for (auto& [k, j] : rows) list.push_back(std::move(j));
    json out = page(r, std::move(list), "entries");
    // Where the page's groups go: the FDB's (*,G) and (S,G) port sets (router ports are added per family).
    std::set<std::pair<VlanId, IpAddr>> groups;
    for (const auto& e : out["entries"]) groups.insert({e["vlan"].get<VlanId>(), *IpAddr::parse(e["group"].get<std::string>())});
    json fwd = json::array();
    for (const auto& g : s.groups) {
        if (!groups.count({g.vid, g.group})) continue;
        json srcs = json::array();
        for (const auto& [src, ps] : g.sources) srcs.push_back({{"source", src.to_string()}, {"ports", ports_json(ps)}});
        fwd.push_back({{"vlan", g.vid}, {"group", g.group.to_string()}, {"ports", ports_json(g.ports)},
                       {"aliased", g.aliased}, {"sources", std::move(srcs)}});
    }
    out["forwarding"] = std::move(fwd);
    return out;
}

json fdb(const ctl::Request& r, const ControlSnapshot& s) {
    std::vector<json> rows;
    for (const auto& m : s.macs) {
        if ((r.vlan && *r.vlan != m.vid) || (r.port && *r.port != m.port)) continue;
        json row = {{"vlan", m.vid}, {"mac", m.mac.to_string()}, {"port", m.port}, {"static", m.is_static}};
        if (!m.is_static) row["age_ms"] = ms(s.taken - m.last_seen);
        rows.push_back(std::move(row));
    }
    return page(r, std::move(rows), "entries");
}

// GMRP/MMRP: what each port registered (Registrar: registered, or leaving
// with its leave timer), what the switch declares on it (Applicant state),
// and the multicast FDB's layer-2 entries they make.
json mrp_rows(const ctl::Request& r, const ControlSnapshot& s) {
    const auto attr_json = [](json& row, const mrp::AttrId& a) {
        if (a.type == mrp::AttrType::group_mac)
            row["mac"] = a.mac.to_string();
        else
            row["service"] = a.service == mrp::Service::all_groups ? "all_groups" : "all_unregistered";
    };
    const auto proto = [](mrp::Protocol p) { return p == mrp::Protocol::gmrp ? "gmrp" : "mmrp"; };
    const auto wanted = [&](VlanId v, PortId p) { return (!r.vlan || *r.vlan == v) && (!r.port || *r.port == p); };
    std::vector<json> rows;
    for (const auto& reg : s.mrp_registrations) {
        if (!wanted(reg.v.vid, reg.v.port)) continue;
        json row = {{"protocol", proto(reg.protocol)}, {"vlan", reg.v.vid}, {"port", reg.v.port},
                    {"registrar", reg.v.leaving ? "LV" : "IN"}};
        attr_json(row, reg.v.attr);
        if (reg.v.leaving) row["leave_ms"] = std::max<std::int64_t>(0, ms(reg.v.leave_at - s.taken));
        rows.push_back(std::move(row));
    }
    for (const auto& d : s.mrp_declarations) {
        if (!wanted(d.v.vid, d.v.port)) continue;
        json row = {{"protocol", proto(d.protocol)}, {"vlan", d.v.vid}, {"port", d.v.port},
                    {"applicant", std::string(mrp::to_string(d.v.state))}};
        attr_json(row, d.v.attr);
        rows.push_back(std::move(row));
    }
    json out = page(r, std::move(rows), "entries");
    json fwd = json::array();
    for (const auto& [vid, mac, ports] : s.mrp_macs)
        if (!r.vlan || *r.vlan == vid) fwd.push_back({{"vlan", vid}, {"mac", mac.to_string()}, {"ports", ports_json(ports)}});
    out["forwarding"] = std::move(fwd);
    json roles = json::array();
    for (const auto& v : s.vlans)
        if ((!r.vlan || *r.vlan == v.vid) && (!v.forward_all.empty() || !v.forward_unregistered.empty()))
            roles.push_back({{"vlan", v.vid}, {"forward_all_groups", ports_json(v.forward_all)},
                             {"forward_unregistered_groups", ports_json(v.forward_unregistered)}});
    out["service_requirements"] = std::move(roles);
    return out;
}

json routers(const ControlSnapshot& s) {
    json rows = json::array();
    for (const auto& q : s.queriers) {
        PortSet fixed = s.config.snoop.static_router_ports;
        if (const auto it = s.config.snoop.vlan_router_ports.find(q.vid); it != s.config.snoop.vlan_router_ports.end())
            fixed |= it->second;
        rows.push_back({{"vlan", q.vid}, {"family", family_name(q.family)}, {"ports", ports_json(q.router_ports)},
                        {"static", ports_json(fixed & q.router_ports)},
                        {"proxy_queriers", ports_json(q.proxy_querier_ports)}});
    }
    return {{"ok", true}, {"routers", rows}};
}

json queriers(const ControlSnapshot& s) {
    json rows = json::array();
    for (const auto& q : s.queriers) {
        json row = {{"vlan", q.vid}, {"family", family_name(q.family)}, {"present", q.querier_present},
                    {"self", q.we_are_querier}, {"proxy_queriers", ports_json(q.proxy_querier_ports)}};
        if (q.querier_present && !q.querier.is_unspecified()) row["querier"] = q.querier.to_string();
        if (q.we_are_querier) row["querier"] = q.querier.to_string();
        if (!q.we_are_querier && q.other_querier_left.count()) row["expires_ms"] = ms(q.other_querier_left);
        rows.push_back(std::move(row));
    }
    return {{"ok", true}, {"queriers", rows}};
}

json port_rows(const ctl::Request& r, const ControlSnapshot& s) {
    json rows = json::array();
    const SnoopConfig& sn = s.config.snoop;
    for (const auto& p : s.ports) {
        if (r.port && *r.port != p.id) continue;
        json vlans = json::array();
        for (const auto& v : s.vlans)
            if (v.members.contains(p.id)) vlans.push_back({{"vlan", v.vid}, {"tagged", !v.untagged.contains(p.id)}});
        const auto f = sn.port_filters.find(p.id);
        rows.push_back({{"port", p.id},
                        {"name", p.name},
                        {"driver", p.driver},
                        {"mac", p.mac.to_string()},
                        {"link", p.up ? "up" : "down"},
                        {"speed_mbps", p.speed_mbps},
                        {"vlans", std::move(vlans)},
                        {"fast_leave", sn.fast_leave.contains(p.id)},
                        {"router_learning", !sn.no_router_learning.contains(p.id)},
                        {"flood", s.config.flood_ports.contains(p.id)},
                        {"filter", f == sn.port_filters.end() ? json(nullptr) : json(f->second.name)}});
    }
    return {{"ok", true}, {"ports", rows}};
}

json vlan_rows(const ctl::Request& r, const ControlSnapshot& s) {
    json rows = json::array();
    for (const auto& v : s.vlans) {
        if (r.vlan && *r.vlan != v.vid) continue;
        const auto groups = std::count_if(s.groups.begin(), s.groups.end(), [&](const auto& g) { return g.vid == v.vid; });
        rows.push_back({{"vlan", v.vid},
                        {"groups", groups},
                        {"members", ports_json(v.members)},
                        {"untagged", ports_json(v.untagged)},
                        {"snooping", v.snooping},
                        {"unregistered", std::string(names_of(v.unregistered).name(v.unregistered))},
                        {"flood_ports", ports_json(v.flood_ports)}});
    }
    return {{"ok", true}, {"vlans", rows}};
}

json proto_json(const ProtoCounters& c, const ControlCounters::Rejections* rejected, bool vlan) {
    json o = {{"igmpv1_queries", c.igmp_queries[1]}, {"igmpv2_queries", c.igmp_queries[2]},
              {"igmpv3_queries", c.igmp_queries[3]}, {"igmpv1_reports", c.igmp_reports[1]},
              {"igmpv2_reports", c.igmp_reports[2]}, {"igmpv3_reports", c.igmp_reports[3]},
              {"igmpv2_leaves", c.igmp_leaves}, {"mldv1_queries", c.mld_queries[1]},
              {"mldv2_queries", c.mld_queries[2]}, {"mldv1_reports", c.mld_reports[1]},
              {"mldv2_reports", c.mld_reports[2]}, {"mldv1_dones", c.mld_dones},
              {"igmpv2_queries_sent", c.igmp_queries_sent[2]}, {"igmpv3_queries_sent", c.igmp_queries_sent[3]},
              {"mldv1_queries_sent", c.mld_queries_sent[1]}, {"mldv2_queries_sent", c.mld_queries_sent[2]},
              {"filtered", c.filtered}, {"limit_denied", c.limit_denied}, {"limit_replaced", c.limit_replaced},
              {"hosts_untracked", c.hosts_untracked}};
    if (vlan) {
        o["elections_won"] = c.elections_won;
        o["elections_lost"] = c.elections_lost;
    }
    json rej = json::object();
    for (int i = 1; i < static_cast<int>(DecodeError::kCount); ++i)
        rej[std::string(to_string(static_cast<DecodeError>(i)))] = rejected ? (*rejected)[i] : 0;
    o["rejected"] = std::move(rej);
    return o;
}

template <class K>
const ControlCounters::Rejections* find(const std::map<K, ControlCounters::Rejections>& m, K k) {
    const auto it = m.find(k);
    return it == m.end() ? nullptr : &it->second;
}

json stats(const ctl::Request& r, const ControlSnapshot& s, const Switch& sw) {
    const ProtoCounters none{};
    json ports = json::object();
    for (PortId p : sw.ports()) {
        if ((r.port && *r.port != p) || r.vlan) continue;
        const PortStats st = sw.port_stats(p);
        json drops = json::object();
        for (int i = 0; i < kDrops; ++i)
            if (st.drops[i]) drops[std::string(to_string(static_cast<Drop>(i)))] = st.drops[i];
        const auto pc = s.port_counters.find(p);
        ports[std::to_string(p)] = {{"rx", st.rx}, {"tx", st.sent()}, {"flooded", st.flooded},
                                    {"punted", st.punted}, {"drops", std::move(drops)},
                                    {"snooping", proto_json(pc == s.port_counters.end() ? none : pc->second,
                                                            find(s.control.rejected_on_port, p), false)}};
    }
    json vlans = json::object();
    for (const auto& v : s.vlans) {
        if ((r.vlan && *r.vlan != v.vid) || r.port) continue;
        const auto vc = s.vlan_counters.find(v.vid);
        vlans[std::to_string(v.vid)] = {{"snooping", proto_json(vc == s.vlan_counters.end() ? none : vc->second,
                                                                find(s.control.rejected_in_vlan, v.vid), true)}};
    }
    json out = {{"ok", true}, {"ports", std::move(ports)}, {"vlans", std::move(vlans)}};
    if (r.port || r.vlan) return out;  // the totals below are the switch's
    const SnoopCounters& k = s.snoop;
    out["snooping"] = counters_json(kSnoopCounters, k);
    json rejected = json::object();
    for (int i = 1; i < static_cast<int>(DecodeError::kCount); ++i)
        rejected[std::string(to_string(static_cast<DecodeError>(i)))] = s.control.decode_errors[i];
    out["rejected"] = std::move(rejected);
    out["control"] = counters_json(kControlCounters, s.control);
    const auto cs = sw.stream_stats();
    out["stream_cache"] = {{"entries", cs.entries}, {"hits", cs.hits}, {"misses", cs.misses}};
    for (mrp::Protocol p : {mrp::Protocol::gmrp, mrp::Protocol::mmrp}) {
        const mrp::MrpCounters& m = s.mrp[static_cast<int>(p)];
        const bool garp = p == mrp::Protocol::gmrp;
        json events = json::object();
        for (std::size_t e = garp ? 1 : 0; e < m.events.size(); ++e)
            events[std::string(garp ? mrp::to_string(static_cast<mrp::GarpEvent>(e))
                                    : mrp::to_string(static_cast<mrp::MrpEvent>(e)))] = m.events[e];
        json rejected = json::object();
        for (int e = 1; e < static_cast<int>(mrp::PduError::kCount); ++e)
            rejected[std::string(mrp::to_string(static_cast<mrp::PduError>(e)))] = s.control.mrp_rejected[garp ? 0 : 1][e];
        out[garp ? "gmrp" : "mmrp"] = {{"pdus", m.pdus},           {"pdus_sent", m.pdus_sent},
                                       {"leave_alls", m.leave_alls}, {"leave_alls_sent", m.leave_alls_sent},
                                       {"registered", m.registered}, {"deregistered", m.deregistered},
                                       {"not_running", m.not_running}, {"refused_limit", m.refused_limit},
                                       {"events", std::move(events)},
                                       {"rejected", std::move(rejected)}};
    }
    out["locked_tx_bursts"] = sw.locked_tx_bursts();
    out["groups"] = s.groups.size();
    return out;
}

}  // namespace

std::string show(const ctl::Request& r, const ControlSnapshot& s, const Switch& sw) {
    using ctl::Verb;
    json out;
    switch (r.verb) {
        case Verb::mdb_show: out = mdb(r, s); break;
        case Verb::fdb_show: out = fdb(r, s); break;
        case Verb::router_show: out = routers(s); break;
        case Verb::querier_show: out = queriers(s); break;
        case Verb::port_show: out = port_rows(r, s); break;
        case Verb::vlan_show: out = vlan_rows(r, s); break;
        case Verb::stats: out = stats(r, s, sw); break;
        case Verb::mrp_show: out = mrp_rows(r, s); break;
        case Verb::config_show: out = {{"ok", true}, {"config", to_ini(s.config)}}; break;
        default: out = {{"ok", false}, {"error", std::string(ctl::name(r.verb)) + " is not a show"}}; break;
    }
    return out.dump();
}

}  // namespace l2snoop
