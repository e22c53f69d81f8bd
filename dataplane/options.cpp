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

// "--name: 'value' is not <expected>": Boost fills in the option's name.
[[noreturn]] inline void invalid(const std::string& value, const std::string& expected) {
    po::error_with_option_name e("%canonical_option%: '%value%' is not " + expected);
    e.set_substitute("value", value);
    throw e;
}

// Option values of the enums that have a list of names (fdb/names.h): here,
// outside the anonymous namespace, so that Boost.Program_options finds this
// validator by ADL in the enums' namespace.
template <class E>
    requires requires(E e) { names_of(e); }
void validate(boost::any& v, const std::vector<std::string>& xs, E*, int) {
    const std::string& s = po::validators::get_single_string(xs);
    const auto names = names_of(E{});
    const auto e = names.parse(s);
    if (!e) invalid(s, names.alternatives());
    v = *e;
}

namespace {

// A bad value: carries the option name so the message can say which.
struct Bad {
    std::string msg;
};

// The whole of `s` as a number, or nothing.
template <class T>
std::optional<T> parse_number(const std::string& s) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

template <class T>
Bad not_in_range(const std::string& opt, const std::string& text, T lo, T hi) {
    return Bad{"--" + opt + ": '" + text + "' is not a number in " + std::to_string(lo) + ".." + std::to_string(hi)};
}

template <class T>
T number(const std::string& s, const std::string& opt, T lo, T hi) {
    const std::optional<T> v = parse_number<T>(s);
    if (!v || *v < lo || *v > hi) throw not_in_range(opt, s, lo, hi);
    return *v;
}

// on|yes|true|1, off|no|false|0
std::optional<bool> parse_on_off(const std::string& s) {
    if (s == "on" || s == "yes" || s == "true" || s == "1") return true;
    if (s == "off" || s == "no" || s == "false" || s == "0") return false;
    return std::nullopt;
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

// ---- typed option values: Boost.Program_options finds these validators by
// ADL (an `int` last parameter beats its generic `long` one) ----

template <class T>
struct Num {
    T v;
};
struct OnOff {
    bool on;
};
struct DurationArg {
    Duration d;
};

template <class T>
void validate(boost::any& v, const std::vector<std::string>& xs, Num<T>*, int) {
    const std::string& s = po::validators::get_single_string(xs);
    const std::optional<T> n = parse_number<T>(s);
    if (!n) invalid(s, "a number");
    v = Num<T>{*n};
}

void validate(boost::any& v, const std::vector<std::string>& xs, OnOff*, int) {
    const std::string& s = po::validators::get_single_string(xs);
    const std::optional<bool> on = parse_on_off(s);
    if (!on) invalid(s, "on or off");
    v = OnOff{*on};
}

void validate(boost::any& v, const std::vector<std::string>& xs, DurationArg*, int) {
    const std::string& s = po::validators::get_single_string(xs);
    const auto d = parse_duration(s);
    if (!d || d->count() < 0) invalid(s, "a duration (e.g. 125s, 500ms)");
    v = DurationArg{*d};
}

std::string text(Duration d) {
    using namespace std::chrono;
    if (d.count() % 1'000'000'000 == 0) return std::to_string(duration_cast<seconds>(d).count()) + "s";
    return std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
}

// The options, bound to the fields of `c`: a field's initial value (Config's
// and SnoopConfig's member initialisers, written once) is the option's
// default, and --help shows it. Options whose default is derived (0 in the
// field) say how in their help and store nothing unless given.
class Options {
public:
    explicit Options(Config& c) : d_("l2snoop options (after the EAL options and --)") { declare(c); }
    const po::options_description& description() const { return d_; }

private:
    template <class T>
    void number(const char* name, T& field, T lo, T hi, const char* help, bool show_default = true,
                bool (*also)(T) = nullptr, const char* also_says = "") {
        auto v = po::value<Num<T>>();
        if (show_default) v->default_value(Num<T>{field}, std::to_string(field));
        v->notifier([&field, name, lo, hi, also, also_says](const Num<T>& n) {
            if (n.v < lo || n.v > hi) throw not_in_range(name, std::to_string(n.v), lo, hi);
            if (also && !also(n.v)) throw Bad{"--" + std::string(name) + ": " + std::to_string(n.v) + " is not " + also_says};
            field = n.v;
        });
        d_.add_options()(name, v, help);
    }
    void on_off(const char* name, bool& field, const char* help) {
        d_.add_options()(name,
                         po::value<OnOff>()
                             ->default_value(OnOff{field}, field ? "on" : "off")
                             ->notifier([&field](const OnOff& o) { field = o.on; }),
                         help);
    }
    void duration(const char* name, Duration& field, const char* help) {
        auto v = po::value<DurationArg>();
        if (field.count() != 0) v->default_value(DurationArg{field}, text(field));
        v->notifier([&field](const DurationArg& a) { field = a.d; });
        d_.add_options()(name, v, help);
    }
    template <class E>
    void choice(const char* name, E& field, const char* help) {
        d_.add_options()(name, po::value<E>(&field)->default_value(field, std::string(names_of(field).name(field))), help);
    }
    void text_opt(const char* name, const char* help) { d_.add_options()(name, po::value<std::string>(), help); }
    void many(const char* name, const char* help) {
        d_.add_options()(name, po::value<std::vector<std::string>>()->composing(), help);
    }

    void declare(Config& c) {
        Timers& t = c.snoop.timers;
        SnoopConfig& sn = c.snoop;
        d_.add_options()("help,h", "print this help");
        text_opt("config", "INI file with any of these options (name = value)");
        many("port", "P:access:VID | P:trunk:VID,VID...[:native=VID] (unnamed ports: access VLAN 1)");
        on_off("snooping", c.snooping, "on|off: IGMP/MLD snooping in every VLAN");
        many("vlan-snooping", "VID=on|off");
        number<unsigned>("igmp-version", sn.igmp_version, 2, 3, "2|3: version of the queries we send");
        number<unsigned>("mld-version", sn.mld_version, 1, 2, "1|2: version of the queries we send");
        on_off("querier", sn.querier, "on|off: act as querier (elected by lowest address)");
        many("querier-address", "VID=IPv4 or VID=IPv6 link-local (default 0.0.0.0 / the switch's EUI-64 link-local)");
        choice("no-querier-policy", sn.no_querier_policy, "snoop|flood: with no querier heard, keep snooping or flood");
        number<unsigned>("robustness", t.robustness, 1, 7, "robustness variable");
        duration("query-interval", t.query_interval, "between general queries");
        duration("query-response-interval", t.query_response_interval, "max response time of general queries");
        duration("membership-interval", t.membership_interval,
                 "default robustness x query-interval + query-response-interval");
        duration("other-querier-interval", t.other_querier_interval,
                 "default robustness x query-interval + query-response-interval / 2");
        duration("last-member-query-interval", t.last_member_query_interval, "between last-member queries");
        number<unsigned>("last-member-query-count", t.last_member_query_count, 1, 255, "default robustness", false);
        duration("startup-query-interval", t.startup_query_interval, "default query-interval / 4");
        number<unsigned>("startup-query-count", t.startup_query_count, 1, 255, "default robustness", false);
        duration("router-timeout", t.router_timeout, "a learned multicast router port expires after this");
        many("fast-leave", "P,P,...: prune at once on leave (single-host ports)");
        many("router-ports", "P,P,...: static multicast router ports");
        many("no-router-learning", "P,P,...: never learn a router on these ports");
        many("flood-ports", "P,P,...: always receive unregistered multicast");
        many("report-flood-ports", "P,P,...: also receive IGMP/MLD reports and leaves (default: router ports only)");
        many("allow-groups", "P:PREFIX[,PREFIX...]: groups a port may join (e.g. 1:239.1.0.0/16)");
        many("flood-link-scope6", "VID: flood ff02::/16 groups instead of snooping them");
        many("flood-solicited-node6", "VID: flood solicited-node groups (ff02::1:ffXX:XXXX, IPv6 neighbour discovery) "
                                      "instead of snooping them; other ff02:: groups stay snooped");
        many("static-mac", "VID:MAC:P: a unicast MAC that stays on port P, never learned elsewhere nor aged "
                           "(e.g. 10:02:00:00:00:00:01:3)");
        many("static-group", "VID:GROUP:P[,P...][:source=S]: static membership, of every source or of S only "
                             "(e.g. 10:239.1.1.1:2,3 or 10:232.1.1.1:2:source=192.0.2.1; IPv6 in brackets: 10:[ff0e::1]:2)");
        number<std::uint32_t>("punt-burst", c.punt_burst, 1, 1000000, "control frames a port may send back to back");
        choice("unregistered", c.unregistered,
               "where multicast to unregistered groups goes: flood (every port of the VLAN), router (router ports "
               "and --flood-ports), drop (--flood-ports only, not even router ports: against RFC 4541 2.1.2(1))");
        number<std::uint32_t>("max-groups", sn.max_groups, 0, 1u << 24,
                              "groups (VLAN, group) over all VLANs, however many ports joined each (0: unlimited)");
        number<std::uint32_t>("max-groups-per-port", sn.max_groups_per_port, 0, 1u << 24,
                              "groups one port may join (0: unlimited)");
        number<std::uint32_t>("max-groups-per-vlan", sn.max_groups_per_vlan, 0, 1u << 24,
                              "groups in one VLAN (0: unlimited)");
        choice("group-limit-action", sn.limit_action, "deny|replace: what a join over a limit does");
        number<std::uint32_t>("mdb-size", c.mdb_size, 16, 1u << 22, "multicast FDB groups");
        number<std::uint32_t>("mdb-sources", c.mdb_sources, 16, 1u << 22, "multicast FDB (S,G) entries");
        number<std::uint32_t>("fdb-size", c.fdb_size, 16, 1u << 24, "unicast MAC table entries");
        number<std::uint32_t>("fdb-per-port", c.fdb_per_port, 1, 1u << 24, "learned MACs per port");
        duration("mac-aging", c.mac_aging, "unicast MAC aging time");
        number<std::uint16_t>("burst", c.burst, 1, 64, "rx/tx burst size");
        number<std::uint32_t>(
            "stream-cache", c.stream_cache, 0, 1u << 22,
            "multicast streams whose forwarding decision each worker caches (64 bytes each; 0: off)", true,
            [](std::uint32_t n) { return (n & (n - 1)) == 0; }, "0 or a power of two");
        number<std::uint32_t>("mbufs", c.mbufs, 1024, 1u << 24, "mbuf pool size (default: computed)", false);
        number<std::uint32_t>("punt-rate", c.punt_rate, 1, 10000000, "control frames per second per port");
        number<std::uint16_t>("rx-queues", c.rx_queues, 1, 1024,
                              "rx queues per port, spread by RSS (default: one per worker where the port has RSS)", false);
        number<std::uint16_t>("tx-queues", c.tx_queues, 1, 1024,
                              "at most this many tx queues per port (default: one per worker, or as many as the port "
                              "has; fewer than workers: shared, locked)",
                              false);
        many("queue-map", "(PORT,QUEUE,LCORE)[,(...)...]: which lcore polls which rx queue (default: round-robin)");
    }

    po::options_description d_;
};

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
    for (const auto& s : list("vlan-snooping")) {
        const auto kv = split(s, '=');
        if (kv.size() != 2) throw Bad{"--vlan-snooping: '" + s + "' is not VID=on|off"};
        const std::optional<bool> on = parse_on_off(kv[1]);
        if (!on) throw Bad{"--vlan-snooping: '" + s + "' is not VID=on|off"};
        c.vlan_snooping[vid(kv[0], "vlan-snooping")] = *on;
    }
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
        {"report-flood-ports", c.snoop.report_flood_ports},
    };
    for (const auto& [opt, set] : sets)
        for (PortId p : set - exist) return no_port(opt, p);
    for (const auto& [p, prefixes] : c.snoop.allowed_groups)
        if (!exist.contains(p)) return no_port("allow-groups", p);
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
    return {};
}

ParseResult parse_options(const std::vector<std::string>& args) {
    ParseResult r;
    Config c;
    const Options opts(c);
    const po::options_description& desc = opts.description();
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
        po::notify(vm);  // the scalar options into `c`
        apply_lists(vm, c);
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
