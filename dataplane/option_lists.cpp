// The repeatable, structured options (--port, --static-group, --filter-profile
// ...): their text into Config, and the check of the result against the ports
// that exist.
#include <algorithm>
#include <boost/program_options.hpp>

#include "dataplane/option_text.h"

namespace l2snoop {

namespace po = boost::program_options;

bool PortConfig::carries(VlanId v) const {
    if (mode == Mode::access) return v == access_vid;
    return native == v || std::find(trunk_vids.begin(), trunk_vids.end(), v) != trunk_vids.end();
}

namespace option_text {

namespace {

// P:access:VID | P:trunk:VID,VID...[:native=VID]
std::pair<PortId, PortConfig> port_spec(const std::string& s) {
    const auto parts = split(s, ':');
    const std::string usage = "--port: '" + s + "' is not P:access:VID or P:trunk:VID[,VID...][:native=VID]";
    if (parts.size() < 3) throw Bad{usage};
    PortConfig pc;
    const PortId p = port(parts[0], "port");
    if (parts[1] == "access" && parts.size() == 3) {
        pc.mode = PortConfig::Mode::access;
        pc.access_vid = vid(parts[2], "port");
    } else if (parts[1] == "trunk" && (parts.size() == 3 || parts.size() == 4)) {
        pc.mode = PortConfig::Mode::trunk;
        for (const auto& v : split(parts[2], ',')) pc.trunk_vids.push_back(vid(v, "port"));
        if (parts.size() == 4) {
            if (parts[3].rfind("native=", 0) != 0) throw Bad{usage};
            pc.native = vid(parts[3].substr(7), "port");
        }
    } else {
        throw Bad{usage};
    }
    return {p, pc};
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    return b == std::string::npos ? std::string{} : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// A multicast range: "239.1.0.0/16", "ff0e::/16", or one group (/32, /128).
GroupPrefix group_range(const std::string& text, const std::string& opt) {
    const auto slash = text.find('/');
    const auto a = IpAddr::parse(text.substr(0, slash));
    if (!a) throw Bad{"--" + opt + ": '" + text + "' is not a prefix"};
    const unsigned max = a->is_v4() ? 32u : 128u;
    const GroupPrefix r{*a, slash == std::string::npos ? max : number<unsigned>(text.substr(slash + 1), opt, 0, max)};
    if (!a->is_multicast() || r.length < (a->is_v4() ? 4u : 8u))
        throw Bad{"--" + opt + ": '" + text + "' is not a multicast range (inside 224.0.0.0/4 or ff00::/8)"};
    return r;
}

// --filter-profile NAME:permit|deny PREFIX,... (repeatable: rules append),
// --port-filter P[,P...]:NAME, and --allow-groups P:PREFIX,... (a profile that
// permits those ranges and denies every other group, of both families).
void filters(const std::vector<std::string>& profile_args, const std::vector<std::string>& port_args,
             const std::vector<std::string>& allow_args, std::map<PortId, FilterProfile>& out) {
    std::map<std::string, FilterProfile> profiles;
    for (const auto& s : profile_args) {
        const auto colon = s.find(':');
        const std::string name = trim(s.substr(0, colon));
        if (colon == std::string::npos || name.empty() ||
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
                std::string::npos)
            throw Bad{"--filter-profile: '" + s + "' is not NAME:permit|deny PREFIX[,permit|deny PREFIX...] "
                      "(NAME of letters, digits, _ . -)"};
        FilterProfile& f = profiles[name];
        f.name = name;
        for (const auto& text : split(s.substr(colon + 1), ',')) {
            const std::string rule = trim(text);
            const auto space = rule.find_first_of(" \t");
            const std::string verb = rule.substr(0, space);
            if ((verb != "permit" && verb != "deny") || space == std::string::npos)
                throw Bad{"--filter-profile: '" + rule + "' is not 'permit PREFIX' or 'deny PREFIX'"};
            f.rules.push_back({verb == "permit", group_range(trim(rule.substr(space)), "filter-profile")});
        }
    }
    const auto assign = [&](PortId p, const FilterProfile& f, const std::string& opt) {
        if (out.count(p))
            throw Bad{"--" + opt + ": port " + std::to_string(p) + " already has filter profile '" + out[p].name + "'"};
        out[p] = f;
    };
    for (const auto& s : port_args) {
        const auto colon = s.find(':');
        if (colon == std::string::npos) throw Bad{"--port-filter: '" + s + "' is not P[,P...]:NAME"};
        const std::string name = trim(s.substr(colon + 1));
        const auto f = profiles.find(name);
        if (f == profiles.end())
            throw Bad{"--port-filter: no filter profile '" + name + "' (define it with --filter-profile " + name +
                      ":permit|deny PREFIX...)"};
        for (PortId p : port_list(s.substr(0, colon), "port-filter")) assign(p, f->second, "port-filter");
    }
    for (const auto& s : allow_args) {
        const auto colon = s.find(':');
        if (colon == std::string::npos) throw Bad{"--allow-groups: '" + s + "' is not P:PREFIX[,PREFIX...]"};
        FilterProfile f{"allow-groups", {}};
        for (const auto& pre : split(s.substr(colon + 1), ','))
            f.rules.push_back({true, group_range(trim(pre), "allow-groups")});
        f.rules.push_back({false, {IpAddr(Ipv4Addr{{224, 0, 0, 0}}), 4}});
        f.rules.push_back({false, {IpAddr(Ipv6Addr{{0xff}}), 8}});
        assign(port(s.substr(0, colon), "allow-groups"), f, "allow-groups");
    }
}

// VID=VALUE options (repeatable): `parse` reads VALUE, nothing when it is bad.
template <class T, class Parse>
void per_vlan(const std::vector<std::string>& args, const char* opt, const std::string& values, Parse parse,
              std::map<VlanId, T>& out) {
    for (const auto& s : args) {
        const auto kv = split(s, '=');
        const std::optional<T> v = kv.size() == 2 ? parse(kv[1]) : std::nullopt;
        if (!v) throw Bad{"--" + std::string(opt) + ": '" + s + "' is not VID=" + values};
        out[vid(kv[0], opt)] = *v;
    }
}

}  // namespace

// The list options (repeatable, structured values); the scalar ones are
// stored into `c` by their notifiers.
void apply_lists(const po::variables_map& vm, Config& c) {
    auto list = [&](const char* n) {
        return vm.count(n) ? vm[n].as<std::vector<std::string>>() : std::vector<std::string>{};
    };
    for (const auto& s : list("port")) {
        auto [p, pc] = port_spec(s);
        c.ports[p] = pc;
    }
    per_vlan(list("vlan-snooping"), "vlan-snooping", "on|off", parse_on_off, c.vlan_snooping);
    per_vlan(list("vlan-querier"), "vlan-querier", "on|off", parse_on_off, c.snoop.vlan_querier);
    per_vlan(list("vlan-gmrp"), "vlan-gmrp", "on|off", parse_on_off, c.mrp.vlan_gmrp);
    per_vlan(list("vlan-mmrp"), "vlan-mmrp", "on|off", parse_on_off, c.mrp.vlan_mmrp);
    for (const auto& s : list("querier-address")) {
        const auto eq = s.find('=');
        const std::optional<IpAddr> a = eq == std::string::npos ? std::nullopt : IpAddr::parse(s.substr(eq + 1));
        if (!a) throw Bad{"--querier-address: '" + s + "' is not VID=IPv4 or VID=IPv6"};
        const VlanId v = vid(s.substr(0, eq), "querier-address");
        if (a->is_v4())
            c.snoop.querier_address4[v] = a->v4();
        else
            c.snoop.querier_address6[v] = a->v6();
    }
    const std::pair<const char*, PortSet*> sets[] = {
        {"fast-leave", &c.snoop.fast_leave},
        {"router-ports", &c.snoop.static_router_ports},
        {"no-router-learning", &c.snoop.no_router_learning},
        {"flood-ports", &c.flood_ports},
        {"report-flood-ports", &c.snoop.report_flood_ports},
        {"no-mrp-ports", &c.mrp.excluded_ports},
    };
    for (const auto& [name, field] : sets)
        for (const auto& s : list(name)) *field |= port_list(s, name);
    filters(list("filter-profile"), list("port-filter"), list("allow-groups"), c.snoop.port_filters);
    for (const auto& s : list("vlan-router-ports")) {
        const auto colon = s.find(':');
        if (colon == std::string::npos) throw Bad{"--vlan-router-ports: '" + s + "' is not VID:P[,P...]"};
        c.snoop.vlan_router_ports[vid(s.substr(0, colon), "vlan-router-ports")] |=
            port_list(s.substr(colon + 1), "vlan-router-ports");
    }
    const auto policies = names_of(UnregisteredPolicy{});
    per_vlan(list("vlan-unregistered"), "vlan-unregistered", policies.alternatives(),
             [&](const std::string& v) { return policies.parse(v); }, c.vlan_unregistered);
    for (const auto& s : list("flood-link-scope6")) c.snoop.flood_link_scope6[vid(s, "flood-link-scope6")] = true;
    for (const auto& s : list("flood-solicited-node6"))
        c.snoop.flood_solicited_node6[vid(s, "flood-solicited-node6")] = true;
    for (const auto& s : list("static-mac")) {
        const auto c1 = s.find(':');
        const auto c2 = s.rfind(':');
        if (c1 == std::string::npos || c2 == c1) throw Bad{"--static-mac: '" + s + "' is not VID:MAC:P"};
        const auto mac = MacAddr::parse(s.substr(c1 + 1, c2 - c1 - 1));
        if (!mac || mac->is_multicast()) throw Bad{"--static-mac: '" + s.substr(c1 + 1, c2 - c1 - 1) + "' is not a unicast MAC"};
        c.static_macs[{vid(s.substr(0, c1), "static-mac"), *mac}] = port(s.substr(c2 + 1), "static-mac");
    }
    for (const auto& arg : list("static-group")) {
        const std::string usage = "--static-group: '" + arg + "' is not VID:GROUP:P[,P...][:source=S]";
        const auto unbracket = [](std::string a) {
            return a.size() > 2 && a.front() == '[' && a.back() == ']' ? a.substr(1, a.size() - 2) : a;
        };
        // An optional source first: IPv6 addresses hold colons.
        std::string s = arg;
        std::optional<IpAddr> source;
        if (const auto at = s.find(":source="); at != std::string::npos) {
            const std::string text = unbracket(s.substr(at + 8));
            source = IpAddr::parse(text);
            if (!source || source->is_multicast() || source->is_unspecified())
                throw Bad{"--static-group: source '" + text + "' is not a unicast address"};
            s = s.substr(0, at);
        }
        const auto c1 = s.find(':');
        const auto c2 = s.rfind(':');
        if (c1 == std::string::npos || c2 == c1) throw Bad{usage};
        const std::string g = unbracket(s.substr(c1 + 1, c2 - c1 - 1));
        const auto group = IpAddr::parse(g);
        if (!group || !group->is_multicast()) throw Bad{"--static-group: '" + g + "' is not a multicast group"};
        if (source && source->family() != group->family())
            throw Bad{"--static-group: source " + source->to_string() + " and group " + g + " are of different families"};
        const VlanId v = vid(s.substr(0, c1), "static-group");
        const PortSet ports = port_list(s.substr(c2 + 1), "static-group");
        if (source)
            c.static_sources[{v, *group, *source}] |= ports;
        else
            c.static_groups[{v, *group}] |= ports;
    }
    for (const auto& s : list("queue-map")) {
        // "(0,0,1),(0,1,2)": triples in parentheses, spaces allowed.
        std::string t;
        for (char ch : s)
            if (ch != ' ' && ch != '\t') t += ch;
        const Bad bad{"--queue-map: '" + s + "' is not (PORT,QUEUE,LCORE)[,(PORT,QUEUE,LCORE)...]"};
        std::size_t i = 0;
        while (i < t.size()) {
            if (t[i] != '(') throw bad;
            const std::size_t close = t.find(')', i);
            if (close == std::string::npos) throw bad;
            const auto f = split(t.substr(i + 1, close - i - 1), ',');
            if (f.size() != 3) throw bad;
            Config::QueueMap m{port(f[0], "queue-map"), number<std::uint16_t>(f[1], "queue-map", 0, 1023),
                               number<unsigned>(f[2], "queue-map", 0, 1023)};
            for (const auto& o : c.queue_map)
                if (o.port == m.port && o.queue == m.queue)
                    throw Bad{"--queue-map: port " + f[0] + " queue " + f[1] + " is mapped twice"};
            c.queue_map.push_back(m);
            i = close + 1;
            if (i < t.size() && t[i++] != ',') throw bad;
            if (i == t.size() && t.back() == ',') throw bad;
        }
        if (t.empty()) throw bad;
    }
}

}  // namespace option_text

std::string check_against_ports(const Config& c, const std::vector<PortId>& ports) {
    PortSet exist;
    for (PortId p : ports) exist.add(p);
    const auto no_port = [&](const std::string& opt, PortId p) {
        return "--" + opt + ": port " + std::to_string(p) + ": no such DPDK port (" + std::to_string(ports.size()) +
               " found)";
    };
    for (const auto& [p, pc] : c.ports)
        if (!exist.contains(p)) return no_port("port", p);
    const std::pair<const char*, PortSet> sets[] = {
        {"fast-leave", c.snoop.fast_leave},           {"router-ports", c.snoop.static_router_ports},
        {"no-router-learning", c.snoop.no_router_learning}, {"flood-ports", c.flood_ports},
        {"report-flood-ports", c.snoop.report_flood_ports}, {"no-mrp-ports", c.mrp.excluded_ports},
    };
    for (const auto& [opt, set] : sets)
        for (PortId p : set - exist) return no_port(opt, p);
    for (const auto& [p, f] : c.snoop.port_filters)
        if (!exist.contains(p)) return no_port(f.name == "allow-groups" ? "allow-groups" : "port-filter", p);
    for (const auto& [key, ps] : c.static_groups)
        for (PortId p : ps - exist) return no_port("static-group", p);
    for (const auto& [key, ps] : c.static_sources)
        for (PortId p : ps - exist) return no_port("static-group", p);
    for (const auto& [key, p] : c.static_macs)
        if (!exist.contains(p)) return no_port("static-mac", p);
    // VLANs: those some port carries.
    const auto carried = [&](VlanId v) {
        return std::any_of(ports.begin(), ports.end(), [&](PortId p) { return c.port(p).carries(v); });
    };
    const auto no_vlan = [](const std::string& opt, VlanId v) {
        return "--" + opt + ": VLAN " + std::to_string(v) + " is on no port";
    };
    for (const auto& [v, on] : c.vlan_snooping)
        if (!carried(v)) return no_vlan("vlan-snooping", v);
    for (const auto& [v, on] : c.snoop.vlan_querier)
        if (!carried(v)) return no_vlan("vlan-querier", v);
    for (const auto& [v, a] : c.snoop.querier_address4)
        if (!carried(v)) return no_vlan("querier-address", v);
    for (const auto& [v, a] : c.snoop.querier_address6)
        if (!carried(v)) return no_vlan("querier-address", v);
    for (const auto& [v, on] : c.snoop.flood_link_scope6)
        if (!carried(v)) return no_vlan("flood-link-scope6", v);
    for (const auto& [v, on] : c.snoop.flood_solicited_node6)
        if (!carried(v)) return no_vlan("flood-solicited-node6", v);
    for (const auto& [key, ps] : c.static_groups)
        if (!carried(key.first)) return no_vlan("static-group", key.first);
    for (const auto& [key, ps] : c.static_sources)
        if (!carried(std::get<0>(key))) return no_vlan("static-group", std::get<0>(key));
    for (const auto& [key, p] : c.static_macs)
        if (!carried(key.first)) return no_vlan("static-mac", key.first);
    for (const auto& [v, ps] : c.snoop.vlan_router_ports) {
        if (!carried(v)) return no_vlan("vlan-router-ports", v);
        for (PortId p : ps) {
            if (!exist.contains(p)) return no_port("vlan-router-ports", p);
            if (!c.port(p).carries(v))
                return "--vlan-router-ports: port " + std::to_string(p) + " is not in VLAN " + std::to_string(v);
        }
    }
    for (const auto& [v, u] : c.vlan_unregistered)
        if (!carried(v)) return no_vlan("vlan-unregistered", v);
    for (const auto& [v, on] : c.mrp.vlan_gmrp)
        if (!carried(v)) return no_vlan("vlan-gmrp", v);
    for (const auto& [v, on] : c.mrp.vlan_mmrp)
        if (!carried(v)) return no_vlan("vlan-mmrp", v);
    return {};
}

}  // namespace l2snoop
