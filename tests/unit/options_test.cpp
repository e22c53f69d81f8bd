#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "dataplane/options.h"
#include "dataplane/worker_settings.h"

namespace l2snoop::test {
namespace {

ParseResult parse(std::vector<std::string> a) { return parse_options(a); }

TEST(Options, ports_vlans_and_querier_from_the_command_line) {
    const auto r = parse({"--port", "0:trunk:10,20:native=30", "--port", "1:access:10", "--querier", "on",
                          "--querier-address", "10=192.0.2.1", "--querier-address", "10=fe80::1", "--igmp-version", "2"});
    ASSERT_TRUE(r.config) << r.error;
    const Config& c = *r.config;
    EXPECT_EQ(c.port(0).mode, PortConfig::Mode::trunk);
    EXPECT_TRUE(c.port(0).carries(20));
    EXPECT_TRUE(c.port(0).egress_untagged(30));
    EXPECT_FALSE(c.port(0).egress_untagged(10));
    EXPECT_EQ(c.port(1).access_vid, 10);
    EXPECT_EQ(c.port(7).access_vid, 1) << "unnamed ports: access VLAN 1";
    EXPECT_TRUE(c.snoop.querier);
    EXPECT_EQ(c.snoop.querier_address4.at(10).to_string(), "192.0.2.1");
    EXPECT_EQ(c.snoop.querier_address6.at(10).to_string(), "fe80::1");
    EXPECT_EQ(c.snoop.igmp_version, 2u);
}

TEST(Options, timers_take_units) {
    const auto r = parse({"--query-interval", "20s", "--query-response-interval", "500ms",
                          "--last-member-query-interval", "100ms", "--router-timeout", "2m", "--mac-aging", "30"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->snoop.timers.query_interval, std::chrono::seconds(20));
    EXPECT_EQ(r.config->snoop.timers.query_response_interval, std::chrono::milliseconds(500));
    EXPECT_EQ(r.config->snoop.timers.router_timeout, std::chrono::minutes(2));
    EXPECT_EQ(r.config->mac_aging, std::chrono::seconds(30));
}

TEST(Options, idle_sleep_is_off_unless_given_and_at_most_10ms) {
    const auto none = parse({});
    ASSERT_TRUE(none.config) << none.error;
    EXPECT_EQ(none.config->idle_sleep.count(), 0);
    const auto r = parse({"--idle-sleep", "100us"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->idle_sleep, std::chrono::microseconds(100));
    const auto over = parse({"--idle-sleep", "11ms"});
    EXPECT_FALSE(over.config);
    EXPECT_EQ(over.error, "--idle-sleep: 11ms is more than 10ms");
}

// The worker's settings come from Config alone: its defaults, and what was given.
TEST(Options, the_worker_gets_the_options_defaults_and_values) {
    const auto none = parse({});
    ASSERT_TRUE(none.config) << none.error;
    const WorkerSettings d = worker_settings(*none.config);
    const Config c;
    EXPECT_EQ(d.burst, c.burst);
    EXPECT_EQ(d.stream_cache, 131072u) << "the stream cache is on by default";
    EXPECT_EQ(d.punt_rate, c.punt_rate);
    EXPECT_EQ(d.punt_burst, c.punt_burst);
    EXPECT_EQ(d.punt_queue, c.punt_queue);
    EXPECT_EQ(d.punt_reserve, c.punt_reserve);
    EXPECT_EQ(d.idle_sleep_ns, 0);
    const auto r = parse({"--burst", "8", "--stream-cache", "0", "--punt-rate", "7", "--punt-burst", "9",
                          "--punt-queue", "128", "--punt-reserve", "4", "--idle-sleep", "50us"});
    ASSERT_TRUE(r.config) << r.error;
    const WorkerSettings w = worker_settings(*r.config);
    EXPECT_EQ(w.burst, 8u);
    EXPECT_EQ(w.stream_cache, 0u);
    EXPECT_EQ(w.punt_rate, 7u);
    EXPECT_EQ(w.punt_burst, 9u);
    EXPECT_EQ(w.punt_queue, 128u);
    EXPECT_EQ(w.punt_reserve, 4u);
    EXPECT_EQ(w.idle_sleep_ns, 50000);
}

TEST(Options, port_lists_and_policies) {
    const auto r = parse({"--fast-leave", "1,2", "--router-ports", "0", "--flood-ports", "3", "--report-flood-ports", "2",
                          "--unregistered", "router",
                          "--allow-groups", "1:239.1.0.0/16,ff0e::/16", "--max-groups-per-port", "100",
                          "--group-limit-action", "replace", "--no-querier-policy", "flood", "--vlan-snooping", "20=off"});
    ASSERT_TRUE(r.config) << r.error;
    const Config& c = *r.config;
    EXPECT_EQ(c.snoop.fast_leave, PortSet::of({1, 2}));
    EXPECT_EQ(c.snoop.static_router_ports, PortSet::of({0}));
    EXPECT_EQ(c.flood_ports, PortSet::of({3}));
    EXPECT_EQ(c.snoop.report_flood_ports, PortSet::of({2}));
    EXPECT_EQ(c.unregistered, UnregisteredPolicy::router);
    const FilterProfile& allow = c.snoop.port_filters.at(1);
    EXPECT_EQ(allow.rules.size(), 4u);  // the two ranges, then every other group of each family denied
    EXPECT_EQ(allow.rules[0].range.length, 16u);
    EXPECT_TRUE(allow.permits(*IpAddr::parse("239.1.2.3")));
    EXPECT_FALSE(allow.permits(*IpAddr::parse("239.2.2.3")));
    EXPECT_FALSE(allow.permits(*IpAddr::parse("ff05::1")));
    EXPECT_EQ(c.snoop.limit_action, LimitAction::replace);
    EXPECT_EQ(c.snoop.no_querier_policy, NoQuerierPolicy::flood);
    EXPECT_FALSE(c.vlan_snooping_on(20));
    EXPECT_TRUE(c.vlan_snooping_on(10));
}

TEST(Options, a_filter_profile_is_defined_once_and_shared_by_ports) {
    const auto r = parse({"--filter-profile", "iptv:permit 239.1.0.0/16, deny 239.0.0.0/8",
                          "--filter-profile", "iptv:permit ff0e::/16", "--port-filter", "1,2:iptv",
                          "--filter-profile", "no-ssm:deny 232.0.0.0/8", "--port-filter", "3:no-ssm"});
    ASSERT_TRUE(r.config) << r.error;
    const auto& f = r.config->snoop.port_filters;
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f.at(2).name, "iptv");
    EXPECT_EQ(f.at(2).rules.size(), 3u);  // the repeated option appends
    const auto permits = [&](PortId p, const char* g) { return f.at(p).permits(*IpAddr::parse(g)); };
    EXPECT_TRUE(permits(1, "239.1.0.9"));
    EXPECT_FALSE(permits(1, "239.9.0.9"));   // deny rule
    EXPECT_FALSE(permits(1, "233.1.1.1"));   // no rule holds it; the profile permits IPv4 ranges: denied
    EXPECT_TRUE(permits(1, "ff0e::9"));
    EXPECT_FALSE(permits(1, "ff05::9"));
    EXPECT_FALSE(permits(3, "232.1.1.1"));
    EXPECT_TRUE(permits(3, "239.1.1.1"));    // a deny-only profile denies its ranges only
    EXPECT_TRUE(permits(3, "ff0e::1"));
}

TEST(Options, an_ipv4_profile_leaves_mld_alone) {
    const auto r = parse({"--filter-profile", "v4:permit 239.1.0.0/16", "--port-filter", "1:v4"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_TRUE(r.config->snoop.port_filters.at(1).permits(*IpAddr::parse("ff0e::1")));
    EXPECT_FALSE(r.config->snoop.port_filters.at(1).permits(*IpAddr::parse("239.2.0.1")));
}

TEST(Options, vlan_snooping_takes_the_same_words_as_snooping) {
    const auto r = parse({"--snooping", "no", "--vlan-snooping", "20=yes", "--vlan-snooping", "30=0"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_TRUE(r.config->vlan_snooping_on(20));
    EXPECT_FALSE(r.config->vlan_snooping_on(30));
    EXPECT_FALSE(r.config->vlan_snooping_on(10));
    EXPECT_FALSE(parse({"--vlan-snooping", "20=maybe"}).config);
}

TEST(Options, ini_file_uses_the_same_names_and_the_command_line_wins) {
    const std::string path = ::testing::TempDir() + "l2snoop_test.ini";
    std::ofstream(path) << "# comment\nport = 0:trunk:10,20\nport = 1:access:20\nquerier = on\nquery-interval = 30s\n";
    const auto r = parse({"--config", path, "--query-interval", "40s"});
    std::remove(path.c_str());
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->port(1).access_vid, 20);
    EXPECT_TRUE(r.config->snoop.querier);
    EXPECT_EQ(r.config->snoop.timers.query_interval, std::chrono::seconds(40));
}

struct BadCase {
    std::vector<std::string> args;
    const char* names;  // the message must contain this
};

class BadOptions : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadOptions, are_refused_with_a_message_naming_the_option) {
    const auto r = parse(GetParam().args);
    EXPECT_FALSE(r.config);
    EXPECT_NE(r.error.find(GetParam().names), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find('\n'), std::string::npos) << "one line";
}

INSTANTIATE_TEST_SUITE_P(
    Options, BadOptions,
    ::testing::Values(BadCase{{"--port", "0:access"}, "--port"}, BadCase{{"--port", "0:access:5000"}, "--port"},
                      BadCase{{"--port", "99:access:1"}, "--port"}, BadCase{{"--port", "0:hybrid:1"}, "--port"},
                      BadCase{{"--port", "0:trunk:10:native=10"}, "native"}, BadCase{{"--querier", "maybe"}, "--querier"},
                      BadCase{{"--igmp-version", "4"}, "--igmp-version"}, BadCase{{"--query-interval", "soon"}, "--query-interval"},
                      BadCase{{"--query-interval", "10s", "--query-response-interval", "20s"}, "--query-response-interval"},
                      BadCase{{"--querier-address", "10=2001:db8::1"}, "--querier-address"},
                      BadCase{{"--querier-address", "10"}, "--querier-address"}, BadCase{{"--fast-leave", "1,x"}, "--fast-leave"},
                      BadCase{{"--allow-groups", "1:10.0.0.0/8"}, "--allow-groups"}, BadCase{{"--unregistered", "all"}, "--unregistered"},
                      BadCase{{"--filter-profile", "iptv:allow 239.0.0.0/8"}, "--filter-profile"},
                      BadCase{{"--filter-profile", "iptv:permit 10.0.0.0/8"}, "not a multicast range"},
                      BadCase{{"--filter-profile", "iptv:permit 239.0.0.0/33"}, "--filter-profile"},
                      BadCase{{"--filter-profile", "ip tv:permit 239.0.0.0/8"}, "--filter-profile"},
                      BadCase{{"--filter-profile", "permit 239.0.0.0/8"}, "--filter-profile"},
                      BadCase{{"--port-filter", "1:iptv"}, "no filter profile 'iptv'"},
                      BadCase{{"--filter-profile", "a:deny 239.0.0.0/8", "--port-filter", "1:a", "--allow-groups", "1:239.1.0.0/16"},
                              "port 1 already has filter profile 'a'"},
                      BadCase{{"--max-hosts-per-port", "-1"}, "--max-hosts-per-port"},
                      BadCase{{"--burst", "0"}, "--burst"}, BadCase{{"--robustness", "0"}, "--robustness"},
                      BadCase{{"--no-such-option"}, "no-such-option"}, BadCase{{"--config", "/nonexistent.ini"}, "--config"},
                      BadCase{{"--rx-queues", "0"}, "--rx-queues"}, BadCase{{"--tx-queues", "0"}, "--tx-queues"}, BadCase{{"--queue-map", "(0,0)"}, "--queue-map"},
                      BadCase{{"--queue-map", "(0,0,1)(0,1,1)"}, "--queue-map"}, BadCase{{"--queue-map", "(0,0,1),"}, "--queue-map"},
                      BadCase{{"--queue-map", "(0,0,1),(0,0,2)"}, "mapped twice"}, BadCase{{"--queue-map", "(0,x,1)"}, "--queue-map"},
                      BadCase{{"--stream-cache", "1000"}, "--stream-cache"},
                      BadCase{{"--stream-cache", "8M"}, "--stream-cache"}, BadCase{{"--gmrp", "maybe"}, "--gmrp"},
                      BadCase{{"--vlan-mmrp", "10"}, "--vlan-mmrp"}, BadCase{{"--vlan-gmrp", "5000=on"}, "--vlan-gmrp"},
                      BadCase{{"--mrp-leave-time", "50ms"}, "--mrp-leave-time"},
                      BadCase{{"--mrp-leave-time", "2m"}, "--mrp-leave-time"},
                      BadCase{{"--mrp-join-time", "5ms"}, "--mrp-join-time"},
                      BadCase{{"--mrp-leaveall-time", "500ms"}, "--mrp-leaveall-time"}));

TEST(Options, gmrp_and_mmrp_are_off_unless_asked_for_per_vlan_or_everywhere) {
    const auto off = parse({});
    ASSERT_TRUE(off.config) << off.error;
    EXPECT_EQ(off.config->mrp.protocols(1), 0) << "a snooping switch floods GMRP/MMRP frames unless told";
    EXPECT_EQ(off.config->mrp.leave_time, std::chrono::milliseconds(600));
    const auto r = parse({"--mmrp", "on", "--vlan-mmrp", "20=off", "--vlan-gmrp", "30=on", "--mrp-leave-time", "1s"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->mrp.protocols(10), 2);
    EXPECT_EQ(r.config->mrp.protocols(20), 0);
    EXPECT_EQ(r.config->mrp.protocols(30), 3);
    EXPECT_EQ(r.config->mrp.leave_time, std::chrono::seconds(1));
    EXPECT_EQ(off.config->mrp.max_per_port, 1024u);
    const auto ports = parse({"--no-mrp-ports", "1,3", "--mrp-max-per-port", "0"});
    ASSERT_TRUE(ports.config) << ports.error;
    EXPECT_EQ(ports.config->mrp.excluded_ports, PortSet::of({1, 3}));
    EXPECT_EQ(ports.config->mrp.max_per_port, 0u);
}

TEST(Options, the_stream_cache_is_sized_in_entries_or_turned_off) {
    EXPECT_EQ(parse({}).config->stream_cache, 131072u);
    EXPECT_EQ(parse({"--stream-cache", "65536"}).config->stream_cache, 65536u);
    EXPECT_EQ(parse({"--stream-cache", "0"}).config->stream_cache, 0u);
}

TEST(Options, queue_map_takes_l3fwd_style_triples) {
    const auto r = parse({"--rx-queues", "2", "--queue-map", "(0,0,1),(0, 1, 2)", "--queue-map", "(1,0,1)"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->rx_queues, 2);
    EXPECT_EQ(parse({"--tx-queues", "1"}).config->tx_queues, 1);
    const std::vector<Config::QueueMap> want = {{0, 0, 1}, {0, 1, 2}, {1, 0, 1}};
    EXPECT_EQ(r.config->queue_map, want);
}

TEST(Options, a_bad_line_in_the_ini_file_is_named) {
    const std::string path = ::testing::TempDir() + "l2snoop_bad.ini";
    std::ofstream(path) << "querier = on\nqueery-interval = 30s\n";
    const auto r = parse({"--config", path});
    std::remove(path.c_str());
    EXPECT_FALSE(r.config);
    EXPECT_NE(r.error.find("queery-interval"), std::string::npos) << r.error;
}

TEST(Options, static_groups_for_both_families) {
    const auto r = parse({"--static-group", "10:239.1.1.1:2,3", "--static-group", "10:[ff0e::1]:4"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->static_groups.at({10, *IpAddr::parse("239.1.1.1")}), PortSet::of({2, 3}));
    EXPECT_EQ(r.config->static_groups.at({10, *IpAddr::parse("ff0e::1")}), PortSet::of({4}));
    EXPECT_FALSE(parse({"--static-group", "10:10.0.0.1:2"}).config);
    EXPECT_FALSE(parse({"--static-group", "10:239.1.1.1"}).config);
}

TEST(Options, a_static_group_may_name_one_source) {
    const auto r = parse({"--static-group", "10:232.1.1.1:2,3:source=192.0.2.1", "--static-group",
                          "10:[ff3e::1]:4:source=[2001:db8::1]"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->static_sources.at({10, *IpAddr::parse("232.1.1.1"), *IpAddr::parse("192.0.2.1")}),
              PortSet::of({2, 3}));
    EXPECT_EQ(r.config->static_sources.at({10, *IpAddr::parse("ff3e::1"), *IpAddr::parse("2001:db8::1")}),
              PortSet::of({4}));
    EXPECT_TRUE(r.config->static_groups.empty());
    EXPECT_NE(parse({"--static-group", "10:232.1.1.1:2:source=239.1.1.1"}).error.find("not a unicast address"),
              std::string::npos);
    EXPECT_NE(parse({"--static-group", "10:232.1.1.1:2:source=[2001:db8::1]"}).error.find("different families"),
              std::string::npos);
}

TEST(Options, static_macs_take_vid_mac_port) {
    const auto r = parse({"--static-mac", "10:02:00:00:00:00:01:3"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->static_macs.at({10, *MacAddr::parse("02:00:00:00:00:01")}), 3);
    EXPECT_NE(parse({"--static-mac", "10:01:00:5e:00:00:01:3"}).error.find("not a unicast MAC"), std::string::npos);
    EXPECT_NE(parse({"--static-mac", "10:02:00:00:00:00:01"}).error.find("--static-mac"), std::string::npos);
    EXPECT_NE(parse({"--static-mac", "5000:02:00:00:00:00:01:3"}).error.find("--static-mac"), std::string::npos);
}

TEST(Options, every_port_and_vlan_an_option_names_must_exist) {
    const std::vector<PortId> ports = {0, 1, 2};  // all access ports in VLAN 1 unless named
    const auto check = [&](std::vector<std::string> args) {
        const auto r = parse(args);
        EXPECT_TRUE(r.config) << r.error;
        return r.config ? check_against_ports(*r.config, ports) : std::string("parse failed");
    };
    EXPECT_EQ(check({"--port", "0:trunk:10,20", "--fast-leave", "1,2", "--vlan-snooping", "20=off"}), "");
    EXPECT_EQ(check({"--port", "3:access:1"}), "--port: port 3: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--fast-leave", "1,5"}), "--fast-leave: port 5: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--router-ports", "9"}), "--router-ports: port 9: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--no-router-learning", "9"}), "--no-router-learning: port 9: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--flood-ports", "9"}), "--flood-ports: port 9: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--report-flood-ports", "9"}), "--report-flood-ports: port 9: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--allow-groups", "7:239.0.0.0/8"}), "--allow-groups: port 7: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--filter-profile", "a:deny 239.0.0.0/8", "--port-filter", "7:a"}),
              "--port-filter: port 7: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--static-group", "1:239.1.1.1:8"}), "--static-group: port 8: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--static-mac", "1:02:00:00:00:00:01:8"}), "--static-mac: port 8: no such DPDK port (3 found)");
    EXPECT_EQ(check({"--vlan-snooping", "30=off"}), "--vlan-snooping: VLAN 30 is on no port");
    EXPECT_EQ(check({"--querier-address", "30=192.0.2.1"}), "--querier-address: VLAN 30 is on no port");
    EXPECT_EQ(check({"--flood-link-scope6", "30"}), "--flood-link-scope6: VLAN 30 is on no port");
    EXPECT_EQ(check({"--flood-solicited-node6", "30"}), "--flood-solicited-node6: VLAN 30 is on no port");
    EXPECT_EQ(check({"--flood-solicited-node6", "1"}), "");
    EXPECT_EQ(check({"--static-group", "30:239.1.1.1:1"}), "--static-group: VLAN 30 is on no port");
    EXPECT_EQ(check({"--static-mac", "30:02:00:00:00:00:01:1"}), "--static-mac: VLAN 30 is on no port");
    EXPECT_EQ(check({"--vlan-gmrp", "30=on"}), "--vlan-gmrp: VLAN 30 is on no port");
    EXPECT_EQ(check({"--vlan-mmrp", "30=off"}), "--vlan-mmrp: VLAN 30 is on no port");
    EXPECT_EQ(check({"--no-mrp-ports", "9"}), "--no-mrp-ports: port 9: no such DPDK port (3 found)");
}

TEST(Options, help_is_available) {
    const auto r = parse({"--help"});
    EXPECT_NE(r.help.find("--fast-leave"), std::string::npos);
}

TEST(Options, help_shows_the_defaults_the_switch_runs_with) {
    const std::string help = parse({"--help"}).help;
    const Config defaults;  // what parse() gives when nothing is said
    const auto shows = [&](const std::string& opt, const std::string& value) {
        const auto at = help.find("--" + opt + " arg (=" + value + ")");
        EXPECT_NE(at, std::string::npos) << opt << " should show (=" << value << ")\n" << help;
    };
    shows("unregistered", "flood");
    EXPECT_EQ(defaults.unregistered, UnregisteredPolicy::flood);
    shows("query-interval", "125s");
    EXPECT_EQ(defaults.snoop.timers.query_interval, std::chrono::seconds(125));
    shows("mdb-size", std::to_string(defaults.mdb_size));
    shows("stream-cache", std::to_string(defaults.stream_cache));
    shows("snooping", "on");
    shows("querier", "off");
    shows("last-member-query-interval", "1s");
    shows("group-limit-action", "deny");
    const auto r = parse({});
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->mdb_size, defaults.mdb_size);
    EXPECT_EQ(r.config->snoop.timers.query_interval, defaults.snoop.timers.query_interval);
    EXPECT_EQ(r.config->unregistered, defaults.unregistered);
}

TEST(Options, an_ini_file_value_replaces_a_default) {
    const std::string path = ::testing::TempDir() + "l2snoop_default.ini";
    std::ofstream(path) << "unregistered = drop\nmdb-size = 1024\n";
    const auto r = parse({"--config", path});
    std::remove(path.c_str());
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->unregistered, UnregisteredPolicy::drop);
    EXPECT_EQ(r.config->mdb_size, 1024u);
}

TEST(Durations, accept_units_and_reject_garbage) {
    EXPECT_EQ(parse_duration("125s"), std::chrono::seconds(125));
    EXPECT_EQ(parse_duration("500ms"), std::chrono::milliseconds(500));
    EXPECT_EQ(parse_duration("7"), std::chrono::seconds(7));
    EXPECT_FALSE(parse_duration("5 s"));
    EXPECT_FALSE(parse_duration("s"));
    EXPECT_FALSE(parse_duration("5d"));
}

}  // namespace
}  // namespace l2snoop::test
