#include "dataplane/options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <fstream>
#include <sstream>

namespace l2snoop {

namespace po = boost::program_options;

bool PortConfig::carries(VlanId v) const {
    if (mode == Mode::access) return v == access_vid;
    return native == v || std::find(trunk_vids.begin(), trunk_vids.end(), v) != trunk_vids.end();
}

namespace {

// A bad value: carries the option name so the message can say which.
struct Bad {
    std::string msg;
};

template <class T>
T number(const std::string& s, const std::string& opt, T lo, T hi) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
        throw Bad{"--" + opt + ": '" + s + "' is not a number in " + std::to_string(lo) + ".." + std::to_string(hi)};
    return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    if (!s.empty() && s.back() == sep) out.emplace_back();
    return out;
}

VlanId vid(const std::string& s, const std::string& opt) { return number<VlanId>(s, opt, 1, kMaxVlanId); }
PortId port(const std::string& s, const std::string& opt) {
    return number<PortId>(s, opt, 0, static_cast<PortId>(kMaxPorts - 1));
}

PortSet port_list(const std::string& s, const std::string& opt) {
    PortSet set;
    for (const auto& p : split(s, ',')) set.add(port(p, opt));
    return set;
}

Duration duration(const std::string& s, const std::string& opt) {
    auto d = parse_duration(s);
    if (!d || d->count() < 0) throw Bad{"--" + opt + ": '" + s + "' is not a duration (e.g. 125s, 500ms)"};
    return *d;
}

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

bool on_off(const std::string& s, const std::string& opt) {
    if (s == "on" || s == "yes" || s == "true" || s == "1") return true;
    if (s == "off" || s == "no" || s == "false" || s == "0") return false;
    throw Bad{"--" + opt + ": '" + s + "' is not on or off"};
}

po::options_description describe() {
    po::options_description d("l2snoop options (after the EAL options and --)");
    auto opt = [&](const char* name, const char* help) { d.add_options()(name, po::value<std::string>(), help); };
    auto many = [&](const char* name, const char* help) {
        d.add_options()(name, po::value<std::vector<std::string>>()->composing(), help);
    };
    d.add_options()("help,h", "print this help");
    opt("config", "INI file with any of these options (name = value)");
    many("port", "P:access:VID | P:trunk:VID,VID...[:native=VID] (unnamed ports: access VLAN 1)");
    opt("snooping", "on|off (default on)");
    many("vlan-snooping", "VID=on|off");
    opt("igmp-version", "2|3: version of the queries we send (default 3)");
    opt("mld-version", "1|2 (default 2)");
    opt("querier", "on|off (default off)");
    many("querier-address", "VID=IPv4 or VID=IPv6 link-local (default 0.0.0.0 / the switch's EUI-64 link-local)");
    opt("no-querier-policy", "snoop|flood (default snoop)");
    opt("robustness", "robustness variable (default 2)");
    opt("query-interval", "default 125s");
    opt("query-response-interval", "default 10s");
    opt("membership-interval", "default robustness x query-interval + query-response-interval");
    opt("other-querier-interval", "default robustness x query-interval + query-response-interval / 2");
    opt("last-member-query-interval", "default 1s");
    opt("last-member-query-count", "default robustness");
    opt("startup-query-interval", "default query-interval / 4");
    opt("startup-query-count", "default robustness");
    opt("router-timeout", "default 255s");
    many("fast-leave", "P,P,...: prune at once on leave (single-host ports)");
    many("router-ports", "P,P,...: static multicast router ports");
    many("no-router-learning", "P,P,...: never learn a router on these ports");
    many("flood-ports", "P,P,...: always receive unregistered multicast");
    many("report-flood-ports", "P,P,...: also receive IGMP/MLD reports and leaves (default: router ports only)");
    many("allow-groups", "P:PREFIX[,PREFIX...]: groups a port may join (e.g. 1:239.1.0.0/16)");
    many("flood-link-scope6", "VID: flood ff02::/16 groups instead of snooping them");
    many("static-group", "VID:GROUP:P[,P...]: static membership (e.g. 10:239.1.1.1:2,3; IPv6 groups in brackets: 10:[ff0e::1]:2)");
    opt("punt-burst", "control frames a port may send back to back (default 200)");
    opt("unregistered", "where multicast to unregistered groups goes: flood (every port of the VLAN, the default), "
                        "router (router ports and --flood-ports), drop (--flood-ports only, not even router ports: "
                        "against RFC 4541 2.1.2(1))");
    opt("max-groups", "memberships in all (0: unlimited)");
    opt("max-groups-per-port", "0: unlimited");
    opt("max-groups-per-vlan", "0: unlimited");
    opt("group-limit-action", "deny|replace (default deny)");
    opt("mdb-size", "multicast FDB groups (default 16384)");
    opt("mdb-sources", "multicast FDB (S,G) entries (default 16384)");
    opt("fdb-size", "unicast MAC table entries (default 65536)");
    opt("fdb-per-port", "learned MACs per port (default 8192)");
    opt("mac-aging", "unicast MAC aging time (default 300s)");
    opt("burst", "rx/tx burst size (default 32, max 64)");
    opt("stream-cache", "multicast streams whose forwarding decision each worker caches (default 131072: 8 MiB per worker; 0: off)");
    opt("mbufs", "mbuf pool size (default: computed)");
    opt("punt-rate", "control frames per second per port (default 2000)");
    opt("rx-queues", "rx queues per port, spread by RSS (default: one per worker where the port has RSS)");
    opt("tx-queues", "at most this many tx queues per port (default: one per worker, or as many as the port has; "
                     "fewer than workers: shared, locked)");
    many("queue-map", "(PORT,QUEUE,LCORE)[,(...)...]: which lcore polls which rx queue (default: round-robin)");
    return d;
}

void apply_options(const po::variables_map& vm, Config& c) {
    auto str = [&](const char* n) -> std::optional<std::string> {
        if (!vm.count(n)) return std::nullopt;
        return vm[n].as<std::string>();
    };
    auto list = [&](const char* n) {
        return vm.count(n) ? vm[n].as<std::vector<std::string>>() : std::vector<std::string>{};
    };
    Timers& t = c.snoop.timers;
    for (const auto& s : list("port")) {
        auto [p, pc] = port_spec(s);
        c.ports[p] = pc;
    }
    if (auto s = str("snooping")) c.snooping = on_off(*s, "snooping");
    for (const auto& s : list("vlan-snooping")) {
        const auto kv = split(s, '=');
        if (kv.size() != 2) throw Bad{"--vlan-snooping: '" + s + "' is not VID=on|off"};
        c.vlan_snooping[vid(kv[0], "vlan-snooping")] = on_off(kv[1], "vlan-snooping");
    }
    if (auto s = str("igmp-version")) c.snoop.igmp_version = number<unsigned>(*s, "igmp-version", 2, 3);
    if (auto s = str("mld-version")) c.snoop.mld_version = number<unsigned>(*s, "mld-version", 1, 2);
    if (auto s = str("querier")) c.snoop.querier = on_off(*s, "querier");
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
    if (auto s = str("no-querier-policy")) {
        if (*s == "snoop") c.snoop.no_querier_policy = NoQuerierPolicy::snoop;
        else if (*s == "flood") c.snoop.no_querier_policy = NoQuerierPolicy::flood;
        else throw Bad{"--no-querier-policy: '" + *s + "' is not snoop or flood"};
    }
    if (auto s = str("robustness")) t.robustness = number<unsigned>(*s, "robustness", 1, 7);
    const std::pair<const char*, Duration*> durations[] = {
        {"query-interval", &t.query_interval},
        {"query-response-interval", &t.query_response_interval},
        {"membership-interval", &t.membership_interval},
        {"other-querier-interval", &t.other_querier_interval},
        {"last-member-query-interval", &t.last_member_query_interval},
        {"startup-query-interval", &t.startup_query_interval},
        {"router-timeout", &t.router_timeout},
        {"mac-aging", &c.mac_aging},
    };
    for (const auto& [name, field] : durations)
        if (auto s = str(name)) *field = duration(*s, name);
    if (auto s = str("last-member-query-count")) t.last_member_query_count = number<unsigned>(*s, "last-member-query-count", 1, 255);
    if (auto s = str("startup-query-count")) t.startup_query_count = number<unsigned>(*s, "startup-query-count", 1, 255);
    const std::pair<const char*, PortSet*> sets[] = {
        {"fast-leave", &c.snoop.fast_leave},
        {"router-ports", &c.snoop.static_router_ports},
        {"no-router-learning", &c.snoop.no_router_learning},
        {"flood-ports", &c.flood_ports},
        {"report-flood-ports", &c.snoop.report_flood_ports},
    };
    for (const auto& [name, field] : sets)
        for (const auto& s : list(name)) *field |= port_list(s, name);
    for (const auto& s : list("allow-groups")) {
        const auto colon = s.find(':');
        if (colon == std::string::npos) throw Bad{"--allow-groups: '" + s + "' is not P:PREFIX[,PREFIX...]"};
        const PortId p = port(s.substr(0, colon), "allow-groups");
        for (const auto& pre : split(s.substr(colon + 1), ',')) {
            const auto slash = pre.find('/');
            const auto a = IpAddr::parse(pre.substr(0, slash));
            if (!a) throw Bad{"--allow-groups: '" + pre + "' is not a prefix"};
            const unsigned len = slash == std::string::npos ? (a->is_v4() ? 32u : 128u)
                                                            : number<unsigned>(pre.substr(slash + 1), "allow-groups", 0, 128);
            c.snoop.allowed_groups[p].push_back({*a, len});
        }
    }
    for (const auto& s : list("flood-link-scope6")) c.snoop.flood_link_scope6[vid(s, "flood-link-scope6")] = true;
    for (const auto& s : list("static-group")) {
        const std::string usage = "--static-group: '" + s + "' is not VID:GROUP:P[,P...]";
        const auto c1 = s.find(':');
        const auto c2 = s.rfind(':');
        if (c1 == std::string::npos || c2 == c1) throw Bad{usage};
        std::string g = s.substr(c1 + 1, c2 - c1 - 1);
        if (g.size() > 2 && g.front() == '[' && g.back() == ']') g = g.substr(1, g.size() - 2);
        const auto group = IpAddr::parse(g);
        if (!group || !group->is_multicast()) throw Bad{"--static-group: '" + g + "' is not a multicast group"};
        c.static_groups[{vid(s.substr(0, c1), "static-group"), *group}] |= port_list(s.substr(c2 + 1), "static-group");
    }
    if (auto s = str("unregistered")) {
        if (*s == "flood") c.unregistered = UnregisteredPolicy::flood;
        else if (*s == "router") c.unregistered = UnregisteredPolicy::router;
        else if (*s == "drop") c.unregistered = UnregisteredPolicy::drop;
        else throw Bad{"--unregistered: '" + *s + "' is not flood, router or drop"};
    }
    if (auto s = str("max-groups")) c.snoop.max_groups = number<std::uint32_t>(*s, "max-groups", 0, 1u << 24);
    if (auto s = str("max-groups-per-port")) c.snoop.max_groups_per_port = number<std::uint32_t>(*s, "max-groups-per-port", 0, 1u << 24);
    if (auto s = str("max-groups-per-vlan")) c.snoop.max_groups_per_vlan = number<std::uint32_t>(*s, "max-groups-per-vlan", 0, 1u << 24);
    if (auto s = str("group-limit-action")) {
        if (*s == "deny") c.snoop.limit_action = LimitAction::deny;
        else if (*s == "replace") c.snoop.limit_action = LimitAction::replace;
        else throw Bad{"--group-limit-action: '" + *s + "' is not deny or replace"};
    }
    if (auto s = str("mdb-size")) c.mdb_size = number<std::uint32_t>(*s, "mdb-size", 16, 1u << 22);
    if (auto s = str("mdb-sources")) c.mdb_sources = number<std::uint32_t>(*s, "mdb-sources", 16, 1u << 22);
    if (auto s = str("fdb-size")) c.fdb_size = number<std::uint32_t>(*s, "fdb-size", 16, 1u << 24);
    if (auto s = str("fdb-per-port")) c.fdb_per_port = number<std::uint32_t>(*s, "fdb-per-port", 1, 1u << 24);
    if (auto s = str("burst")) c.burst = number<std::uint16_t>(*s, "burst", 1, 64);
    if (auto s = str("stream-cache")) {
        c.stream_cache = number<std::uint32_t>(*s, "stream-cache", 0, 1u << 22);
        if (c.stream_cache & (c.stream_cache - 1))
            throw Bad{"--stream-cache: " + *s + " is not 0 or a power of two"};
    }
    if (auto s = str("mbufs")) c.mbufs = number<std::uint32_t>(*s, "mbufs", 1024, 1u << 24);
    if (auto s = str("punt-rate")) c.punt_rate = number<std::uint32_t>(*s, "punt-rate", 1, 10000000);
    if (auto s = str("punt-burst")) c.punt_burst = number<std::uint32_t>(*s, "punt-burst", 1, 1000000);
    if (auto s = str("rx-queues")) c.rx_queues = number<std::uint16_t>(*s, "rx-queues", 1, 1024);
    if (auto s = str("tx-queues")) c.tx_queues = number<std::uint16_t>(*s, "tx-queues", 1, 1024);
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

}  // namespace

std::optional<Duration> parse_duration(const std::string& text) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p == text.data()) return std::nullopt;
    const std::string unit(p, text.data() + text.size());
    using namespace std::chrono;
    if (unit.empty() || unit == "s") return seconds(v);
    if (unit == "ms") return milliseconds(v);
    if (unit == "us") return microseconds(v);
    if (unit == "ns") return nanoseconds(v);
    if (unit == "m") return minutes(v);
    if (unit == "h") return hours(v);
    return std::nullopt;
}

ParseResult parse_options(const std::vector<std::string>& args) {
    ParseResult r;
    const po::options_description desc = describe();
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(args).options(desc).run(), vm);
        if (vm.count("help")) {
            std::ostringstream os;
            os << desc;
            r.help = os.str();
            return r;
        }
        if (vm.count("config")) {
            const std::string path = vm["config"].as<std::string>();
            std::ifstream in(path);
            if (!in) {
                r.error = "--config: cannot open '" + path + "'";
                return r;
            }
            try {
                // Command-line values win: store() keeps the first value given.
                po::store(po::parse_config_file(in, desc), vm);
            } catch (const po::error& e) {
                r.error = "config file " + path + ": " + e.what();
                return r;
            }
        }
        po::notify(vm);
        Config c;
        apply_options(vm, c);
        auto problems = validate(c.snoop);
        for (const auto& [p, pc] : c.ports)
            if (pc.mode == PortConfig::Mode::trunk && pc.native &&
                std::find(pc.trunk_vids.begin(), pc.trunk_vids.end(), *pc.native) != pc.trunk_vids.end())
                problems.push_back("--port " + std::to_string(p) + ": native VLAN " + std::to_string(*pc.native) +
                                   " is also in the tagged list");
        if (!problems.empty()) {
            r.error = problems.front();
            return r;
        }
        r.config = std::move(c);
    } catch (const Bad& b) {
        r.error = b.msg;
    } catch (const po::error& e) {
        r.error = e.what();
    }
    return r;
}

}  // namespace l2snoop
