// `config show` / `config save`: the configuration written as INI reads back
// to the same configuration, and no option of --help is left out.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>

#include "dataplane/options.h"

namespace l2snoop::test {
namespace {

// Every option set away from its default.
const std::vector<std::string> kEveryOption = {
    "--port", "0:trunk:10,20:native=30", "--port", "1:access:10", "--port", "2:access:20", "--port", "3:access:10",
    "--snooping", "off", "--vlan-snooping", "10=on", "--querier", "on", "--vlan-querier", "20=off", "--querier-address", "10=192.0.2.1",
    "--querier-address", "20=fe80::1", "--igmp-version", "2", "--mld-version", "1", "--no-querier-policy", "flood",
    "--robustness", "3", "--query-interval", "60s", "--query-response-interval", "1500ms", "--membership-interval", "200s",
    "--other-querier-interval", "190s", "--last-member-query-interval", "250ms", "--last-member-query-count", "3",
    "--startup-query-interval", "15s", "--startup-query-count", "4", "--router-timeout", "100s",
    "--fast-leave", "1,2", "--router-ports", "0", "--vlan-router-ports", "10:3", "--no-router-learning", "2",
    "--flood-ports", "3", "--report-flood-ports", "3", "--filter-profile", "iptv:permit 239.1.0.0/16,deny 239.0.0.0/8",
    "--filter-profile", "iptv:permit ff0e::/16", "--port-filter", "1,3:iptv", "--allow-groups", "2:232.0.0.0/8,ff3e::/16",
    "--flood-link-scope6", "20", "--flood-solicited-node6", "10", "--static-mac", "10:02:00:00:00:00:01:3",
    "--static-group", "10:239.1.1.1:1,3", "--static-group", "10:[ff0e::1]:3", "--static-group",
    "10:232.1.1.1:1:source=192.0.2.9", "--static-group", "20:[ff3e::9]:2:source=2001:db8::9",
    "--punt-burst", "50", "--unregistered", "router", "--vlan-unregistered", "20=drop", "--max-groups", "1000",
    "--max-groups-per-port", "100", "--max-groups-per-vlan", "500", "--max-hosts-per-port", "64",
    "--group-limit-action", "replace", "--mdb-size", "4096", "--mdb-sources", "2048", "--fdb-size", "1024",
    "--fdb-per-port", "512", "--mac-aging", "90s", "--burst", "16", "--idle-sleep", "250us", "--stream-cache", "1024",
    "--mbufs", "8192",
    "--punt-rate", "500", "--rx-queues", "2", "--tx-queues", "2", "--queue-map", "(0,0,1),(0,1,2)",
    "--control-group", "l2snoop", "--gmrp", "on", "--vlan-gmrp", "20=off", "--mmrp", "off", "--vlan-mmrp", "10=on",
    "--mrp-leave-time", "800ms", "--mrp-join-time", "100ms", "--mrp-leaveall-time", "20s",
    "--mrp-periodic", "on", "--no-mrp-ports", "2", "--mrp-max-per-port", "64",
};

Config read_back(const std::string& ini) {
    const std::string path = ::testing::TempDir() + "l2snoop_config_ini_test.ini";
    std::ofstream(path) << ini;
    const ParseResult r = parse_options({"--config", path});
    std::remove(path.c_str());
    EXPECT_TRUE(r.config) << r.error << "\n" << ini;
    return r.config ? *r.config : Config{};
}

TEST(ConfigIni, every_option_reads_back_to_the_same_configuration) {
    const ParseResult r = parse_options(kEveryOption);
    ASSERT_TRUE(r.config) << r.error;
    const std::string ini = to_ini(*r.config);
    EXPECT_TRUE(read_back(ini) == *r.config) << ini;
}

TEST(ConfigIni, the_defaults_read_back_to_the_defaults) {
    const Config d;
    EXPECT_TRUE(read_back(to_ini(d)) == d) << to_ini(d);
}

TEST(ConfigIni, no_option_of_help_is_left_out) {
    const std::string help = parse_options({"--help"}).help;
    const std::string ini = to_ini(*parse_options(kEveryOption).config);
    std::set<std::string> names;
    const std::regex opt("--([a-z0-9-]+)");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), opt); it != std::sregex_iterator(); ++it)
        names.insert((*it)[1]);
    ASSERT_GT(names.size(), 50u);
    for (const auto& n : names) {
        if (n == "help" || n == "config") continue;  // not configuration
        EXPECT_NE(ini.find("\n" + n + " = "), std::string::npos) << "--" << n << " is not written";
    }
}

}  // namespace
}  // namespace l2snoop::test

namespace l2snoop::test {
namespace {

// scripts/dist/l2snoop.ini, installed as /etc/l2snoop/l2snoop.ini (the path comes from meson).
TEST(ConfigIni, the_installed_example_configuration_parses) {
    const ParseResult r = parse_options({"--config", L2SNOOP_EXAMPLE_INI});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->port(0).mode, PortConfig::Mode::trunk);
    EXPECT_TRUE(r.config->snoop.querier);
    EXPECT_EQ(r.config->snoop.querier_address4.at(10).to_string(), "192.0.2.1");
}

}  // namespace
}  // namespace l2snoop::test
