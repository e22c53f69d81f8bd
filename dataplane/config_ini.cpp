// Config -> INI, the inverse of parse_options (tests: every option of --help
// is written for a configuration that sets it, and reads back equal).
#include <sstream>

#include "dataplane/option_text.h"

namespace l2snoop {

namespace {

using option_text::duration_text;

std::string bracketed(const IpAddr& a) { return a.is_v4() ? a.to_string() : "[" + a.to_string() + "]"; }

// --allow-groups P:PREFIX,... is a profile of that name: its permits, then every other group denied.
bool is_allow_groups(const FilterProfile& f) {
    if (f.name != "allow-groups" || f.rules.size() < 2) return false;
    const auto n = f.rules.size();
    for (std::size_t i = 0; i + 2 < n; ++i)
        if (!f.rules[i].permit) return false;
    return !f.rules[n - 2].permit && !f.rules[n - 1].permit && f.rules[n - 2].range.length == 4 &&
           f.rules[n - 1].range.length == 8;
}

}  // namespace

std::string to_ini(const Config& c) {
    std::ostringstream o;
    const auto line = [&](const char* name, const std::string& value) { o << name << " = " << value << "\n"; };
    const auto on_off = [](bool b) { return std::string(b ? "on" : "off"); };
    const auto num = [](auto v) { return std::to_string(v); };
    const auto set = [&](const char* name, PortSet s) {
        if (!s.empty()) line(name, s.to_string());
    };
    const SnoopConfig& sn = c.snoop;
    const Timers& t = sn.timers;

    o << "# ports and VLANs\n";
    for (const auto& [p, pc] : c.ports) {
        std::string v = num(p) + (pc.mode == PortConfig::Mode::access ? ":access:" + num(pc.access_vid) : ":trunk:");
        if (pc.mode == PortConfig::Mode::trunk) {
            for (std::size_t i = 0; i < pc.trunk_vids.size(); ++i) v += (i ? "," : "") + num(pc.trunk_vids[i]);
            if (pc.native) v += ":native=" + num(*pc.native);
        }
        line("port", v);
    }
    o << "\n# snooping\n";
    line("snooping", on_off(c.snooping));
    for (const auto& [v, on] : c.vlan_snooping) line("vlan-snooping", num(v) + "=" + on_off(on));
    line("querier", on_off(sn.querier));
    for (const auto& [v, on] : sn.vlan_querier) line("vlan-querier", num(v) + "=" + on_off(on));
    for (const auto& [v, a] : sn.querier_address4) line("querier-address", num(v) + "=" + a.to_string());
    for (const auto& [v, a] : sn.querier_address6) line("querier-address", num(v) + "=" + a.to_string());
    line("igmp-version", num(sn.igmp_version));
    line("mld-version", num(sn.mld_version));
    line("no-querier-policy", std::string(names_of(sn.no_querier_policy).name(sn.no_querier_policy)));
    line("robustness", num(t.robustness));
    line("query-interval", duration_text(t.query_interval));
    line("query-response-interval", duration_text(t.query_response_interval));
    if (t.membership_interval.count()) line("membership-interval", duration_text(t.membership_interval));
    if (t.other_querier_interval.count()) line("other-querier-interval", duration_text(t.other_querier_interval));
    line("last-member-query-interval", duration_text(t.last_member_query_interval));
    if (t.last_member_query_count) line("last-member-query-count", num(t.last_member_query_count));
    if (t.startup_query_interval.count()) line("startup-query-interval", duration_text(t.startup_query_interval));
    if (t.startup_query_count) line("startup-query-count", num(t.startup_query_count));
    line("router-timeout", duration_text(t.router_timeout));
    o << "\n# ports' roles\n";
    set("fast-leave", sn.fast_leave);
    set("router-ports", sn.static_router_ports);
    for (const auto& [v, ps] : sn.vlan_router_ports)
        if (!ps.empty()) line("vlan-router-ports", num(v) + ":" + ps.to_string());
    set("no-router-learning", sn.no_router_learning);
    set("flood-ports", c.flood_ports);
    set("report-flood-ports", sn.report_flood_ports);
    for (const auto& [v, on] : sn.flood_link_scope6)
        if (on) line("flood-link-scope6", num(v));
    for (const auto& [v, on] : sn.flood_solicited_node6)
        if (on) line("flood-solicited-node6", num(v));
    o << "\n# filtering and limits\n";
    std::map<std::string, const FilterProfile*> profiles;
    for (const auto& [p, f] : sn.port_filters) {
        if (is_allow_groups(f)) {
            std::string v = num(p) + ":";
            for (std::size_t i = 0; i + 2 < f.rules.size(); ++i) v += (i ? "," : "") + f.rules[i].range.to_string();
            line("allow-groups", v);
        } else {
            profiles.emplace(f.name, &f);
        }
    }
    for (const auto& [name, f] : profiles) {
        std::string v = name + ":";
        for (std::size_t i = 0; i < f->rules.size(); ++i)
            v += std::string(i ? "," : "") + (f->rules[i].permit ? "permit " : "deny ") + f->rules[i].range.to_string();
        line("filter-profile", v);
    }
    for (const auto& [p, f] : sn.port_filters)
        if (!is_allow_groups(f)) line("port-filter", num(p) + ":" + f.name);
    line("max-groups", num(sn.max_groups));
    line("max-groups-per-port", num(sn.max_groups_per_port));
    line("max-groups-per-vlan", num(sn.max_groups_per_vlan));
    line("max-hosts-per-port", num(sn.max_hosts_per_port));
    line("group-limit-action", std::string(names_of(sn.limit_action).name(sn.limit_action)));
    o << "\n# forwarding\n";
    line("unregistered", std::string(names_of(c.unregistered).name(c.unregistered)));
    for (const auto& [v, u] : c.vlan_unregistered) line("vlan-unregistered", num(v) + "=" + std::string(names_of(u).name(u)));
    for (const auto& [key, ps] : c.static_groups)
        line("static-group", num(key.first) + ":" + bracketed(key.second) + ":" + ps.to_string());
    for (const auto& [key, ps] : c.static_sources) {
        const auto& [v, g, s] = key;
        line("static-group", num(v) + ":" + bracketed(g) + ":" + ps.to_string() + ":source=" + s.to_string());
    }
    for (const auto& [key, p] : c.static_macs)
        line("static-mac", num(key.first) + ":" + key.second.to_string() + ":" + num(p));
    o << "\n# GMRP and MMRP\n";
    line("gmrp", on_off(c.mrp.gmrp));
    for (const auto& [v, on] : c.mrp.vlan_gmrp) line("vlan-gmrp", num(v) + "=" + on_off(on));
    line("mmrp", on_off(c.mrp.mmrp));
    for (const auto& [v, on] : c.mrp.vlan_mmrp) line("vlan-mmrp", num(v) + "=" + on_off(on));
    line("mrp-leave-time", duration_text(c.mrp.leave_time));
    line("mrp-join-time", duration_text(c.mrp.join_time));
    line("mrp-leaveall-time", duration_text(c.mrp.leave_all_time));
    line("mrp-periodic", on_off(c.mrp.periodic));
    set("no-mrp-ports", c.mrp.excluded_ports);
    line("mrp-max-per-port", num(c.mrp.max_per_port));
    o << "\n# engine (a restart applies these)\n";
    line("mdb-size", num(c.mdb_size));
    line("mdb-sources", num(c.mdb_sources));
    line("fdb-size", num(c.fdb_size));
    line("fdb-per-port", num(c.fdb_per_port));
    line("mac-aging", duration_text(c.mac_aging));
    line("burst", num(c.burst));
    if (c.idle_sleep.count()) line("idle-sleep", duration_text(c.idle_sleep));
    line("stream-cache", num(c.stream_cache));
    if (c.mbufs) line("mbufs", num(c.mbufs));
    line("punt-rate", num(c.punt_rate));
    line("punt-burst", num(c.punt_burst));
    line("punt-queue", num(c.punt_queue));
    line("punt-reserve", num(c.punt_reserve));
    if (c.rx_queues) line("rx-queues", num(c.rx_queues));
    if (c.tx_queues) line("tx-queues", num(c.tx_queues));
    if (!c.control_group.empty()) line("control-group", c.control_group);
    for (const auto& m : c.queue_map)
        line("queue-map", "(" + num(m.port) + "," + num(m.queue) + "," + num(m.lcore) + ")");
    return o.str();
}

}  // namespace l2snoop
