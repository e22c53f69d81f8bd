#include "dataplane/options.h"
#include "dataplane/option_text.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <fstream>
#include <sstream>

namespace l2snoop {

namespace po = boost::program_options;

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

using namespace option_text;

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
    void duration(const char* name, Duration& field, const char* help, Duration max = Duration::max()) {
        auto v = po::value<DurationArg>();
        if (field.count() != 0) v->default_value(DurationArg{field}, duration_text(field));
        v->notifier([&field, name, max](const DurationArg& a) {
            if (a.d > max)
                throw Bad{"--" + std::string(name) + ": " + duration_text(a.d) + " is more than " + duration_text(max)};
            field = a.d;
        });
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
        many("vlan-querier", "VID=on|off: --querier for one VLAN");
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
        many("router-ports", "P,P,...: static multicast router ports, in every VLAN of theirs");
        many("vlan-router-ports", "VID:P[,P...]: static multicast router ports of one VLAN");
        many("no-router-learning", "P,P,...: never learn a router on these ports");
        many("flood-ports", "P,P,...: always receive unregistered multicast");
        many("report-flood-ports", "P,P,...: also receive IGMP/MLD reports and leaves (default: router ports only)");
        many("filter-profile",
             "NAME:permit|deny PREFIX[,...]: a filtering profile; the first rule holding a group decides, a group no "
             "rule holds is denied if the profile permits a range of its family, else permitted "
             "(e.g. iptv:permit 239.1.0.0/16,deny 239.0.0.0/8)");
        many("port-filter", "P[,P...]:NAME: ports whose reports the profile filters; a filtered group is not "
                            "joined and not reported to router ports");
        many("allow-groups", "P:PREFIX[,PREFIX...]: groups a port may join, no others (a profile of permits)");
        many("flood-link-scope6", "VID: flood ff02::/16 groups instead of snooping them");
        many("flood-solicited-node6", "VID: flood solicited-node groups (ff02::1:ffXX:XXXX, IPv6 neighbour discovery) "
                                      "instead of snooping them; other ff02:: groups stay snooped");
        many("static-mac", "VID:MAC:P: a unicast MAC that stays on port P, never learned elsewhere nor aged "
                           "(e.g. 10:02:00:00:00:00:01:3)");
        many("static-group", "VID:GROUP:P[,P...][:source=S]: static membership, of every source or of S only "
                             "(e.g. 10:239.1.1.1:2,3 or 10:232.1.1.1:2:source=192.0.2.1; IPv6 in brackets: 10:[ff0e::1]:2)");
        number<std::uint32_t>("punt-burst", c.punt_burst, 1, 1000000,
                              "the policer's depth: control frames a port may send back to back (a burst of joins)");
        many("vlan-unregistered", "VID=flood|router|drop: --unregistered for one VLAN");
        on_off("gmrp", c.mrp.gmrp, "on|off: register group MACs and service requirements from GMRP (802.1D GARP) "
                                   "PDUs in every VLAN; off: GMRP frames are flooded like any multicast");
        many("vlan-gmrp", "VID=on|off: --gmrp for one VLAN");
        on_off("mmrp", c.mrp.mmrp, "on|off: the same from MMRP (802.1Q MRP) PDUs");
        many("vlan-mmrp", "VID=on|off: --mmrp for one VLAN");
        duration("mrp-leave-time", c.mrp.leave_time,
                 "GMRP/MMRP leave timer: a registration stays this long after a Leave unless a Join comes");
        duration("mrp-join-time", c.mrp.join_time,
                 "GMRP/MMRP: the switch's declarations go out this long after they became due (twice)");
        many("no-mrp-ports", "P,P,...: GMRP/MMRP do not run there: their PDUs are dropped (counted), nothing is "
                             "declared there (a port that should not register, e.g. Forward All Groups)");
        number<std::uint32_t>("mrp-max-per-port", c.mrp.max_per_port, 0, 1u << 24,
                              "GMRP/MMRP registrations one port may hold per protocol, over all VLANs (0: unlimited)");
        on_off("mrp-periodic", c.mrp.periodic,
               "on|off: GMRP/MMRP PeriodicTransmission: every declaration sent again every second (off: twice, "
               "and after every LeaveAll)");
        duration("mrp-leaveall-time", c.mrp.leave_all_time,
                 "GMRP/MMRP: each port sends a LeaveAll every this long to 1.5 x it; registrations not declared "
                 "again within the leave time go");
        choice("unregistered", c.unregistered,
               "where multicast to unregistered groups goes: flood (every port of the VLAN), router (router ports "
               "and --flood-ports), drop (--flood-ports only, not even router ports: against RFC 4541 2.1.2(1))");
        number<std::uint32_t>("max-groups", sn.max_groups, 0, 1u << 24,
                              "groups (VLAN, group) over all VLANs, however many ports joined each (0: unlimited)");
        number<std::uint32_t>("max-groups-per-port", sn.max_groups_per_port, 0, 1u << 24,
                              "groups one port may join (0: unlimited)");
        number<std::uint32_t>("max-groups-per-vlan", sn.max_groups_per_vlan, 0, 1u << 24,
                              "groups in one VLAN (0: unlimited)");
        number<std::uint32_t>("max-hosts-per-port", sn.max_hosts_per_port, 0, 1u << 24,
                              "IGMPv3/MLDv2 hosts tracked per port for fast leave; past it fast leave queries first "
                              "(0: unlimited)");
        choice("group-limit-action", sn.limit_action, "deny|replace: what a join over a limit does");
        number<std::uint32_t>("mdb-size", c.mdb_size, 16, 1u << 22, "multicast FDB groups");
        number<std::uint32_t>("mdb-sources", c.mdb_sources, 16, 1u << 22, "multicast FDB (S,G) entries");
        number<std::uint32_t>("fdb-size", c.fdb_size, 16, 1u << 24, "unicast MAC table entries");
        number<std::uint32_t>("fdb-per-port", c.fdb_per_port, 1, 1u << 24, "learned MACs per port");
        duration("mac-aging", c.mac_aging, "unicast MAC aging time");
        number<std::uint16_t>("burst", c.burst, 1, 64, "rx/tx burst size");
        duration("idle-sleep", c.idle_sleep,
                 "a worker whose poll of all its queues found nothing sleeps this long, at most 10ms (default 0: "
                 "it polls without pause and needs a core to itself; set it where the cores are shared)",
                 std::chrono::milliseconds(10));
        number<std::uint32_t>(
            "stream-cache", c.stream_cache, 0, 1u << 22,
            "multicast streams whose forwarding decision each worker caches (64 bytes each; 0: off)", true,
            [](std::uint32_t n) { return (n & (n - 1)) == 0; }, "0 or a power of two");
        number<std::uint32_t>("mbufs", c.mbufs, 1024, 1u << 24, "mbuf pool size (default: computed)", false);
        number<std::uint32_t>("punt-rate", c.punt_rate, 0, 10000000,
                              "police control frames (IGMP, MLD, PIM) to this many per second per port, sustained "
                              "(0: no policer); the control thread serves the ports' queues fairly either way");
        number<std::uint32_t>("punt-queue", c.punt_queue, 64, 1u << 20,
                              "control frames each worker queues for the control thread, all its ports together "
                              "(a burst of joins on one port queues whole)");
        number<std::uint32_t>("punt-reserve", c.punt_reserve, 1, 1u << 16,
                              "of those, frames each port may always queue, however full the rest is");
        number<std::uint16_t>("rx-queues", c.rx_queues, 1, 1024,
                              "rx queues per port, spread by RSS (default: one per worker where the port has RSS)", false);
        number<std::uint16_t>("tx-queues", c.tx_queues, 1, 1024,
                              "at most this many tx queues per port (default: one per worker, or as many as the port "
                              "has; fewer than workers: shared, locked)",
                              false);
        d_.add_options()("control-group", po::value<std::string>(&c.control_group),
                         "NAME: a group whose members may use the control socket (l2snoopctl); default: root only");
        many("queue-map", "(PORT,QUEUE,LCORE)[,(...)...]: which lcore polls which rx queue (default: round-robin)");
    }

    po::options_description d_;
};

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

std::vector<OptionDoc> option_docs() {
    Config c;
    const Options opts(c);
    std::vector<OptionDoc> out;
    for (const auto& o : opts.description().options()) {
        // format_parameter(): "arg (=125s)", or "" for a switch like --help.
        const std::string f = o->format_parameter();
        const auto eq = f.find("(=");
        out.push_back({o->long_name(), eq == std::string::npos ? "" : f.substr(eq + 2, f.size() - eq - 3), o->description()});
    }
    return out;
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
        if (c.mrp.leave_time < std::chrono::milliseconds(100) || c.mrp.leave_time > std::chrono::seconds(60))
            problems.push_back("--mrp-leave-time: " + duration_text(c.mrp.leave_time) +
                               " is outside 100ms..60s (802.1Q: 600ms to 1s)");
        if (c.mrp.join_time < std::chrono::milliseconds(10) || c.mrp.join_time > std::chrono::seconds(10))
            problems.push_back("--mrp-join-time: " + duration_text(c.mrp.join_time) + " is outside 10ms..10s (802.1Q: 200ms)");
        if (c.mrp.leave_all_time <= c.mrp.leave_time || c.mrp.leave_all_time > std::chrono::hours(1))
            problems.push_back("--mrp-leaveall-time: " + duration_text(c.mrp.leave_all_time) +
                               " must exceed --mrp-leave-time and be at most 1h (802.1Q: 10s)");
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
